import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/open-database.js';
import {
  loadAddressPointsCsv,
  normalizeAddress,
  type AddressPointInput,
} from '../../src/server/geocode/address-points.js';
import { geocodeServiceInfo } from '../../src/server/geocode/geocode-service.js';
import { attempt, find, geocoderOf, reverse, suggestFor } from '../helpers/geocoder.js';
import { runLoadAddressesCli } from '../../src/server/geocode/load-addresses-cli.js';

/** Hand-made points: real Independence street names, made-up positions. */
const POINTS: readonly AddressPointInput[] = [
  {
    number: 1234,
    street: 'S Noland Rd',
    city: 'Independence',
    state: 'MO',
    zip: '64055',
    x: -94.404,
    y: 39.055,
  },
  {
    number: 1236,
    street: 'S Noland Rd',
    city: 'Independence',
    state: 'MO',
    zip: '64055',
    x: -94.404,
    y: 39.0548,
  },
  {
    number: 1250,
    street: 'S Noland Rd',
    city: 'Independence',
    state: 'MO',
    zip: '64055',
    x: -94.404,
    y: 39.0538,
  },
  {
    number: 1234,
    street: 'S Main St',
    city: 'Independence',
    state: 'MO',
    zip: '64054',
    x: -94.4155,
    y: 39.06,
  },
  {
    number: 4001,
    street: "S Lee's Summit Rd",
    city: 'Independence',
    state: 'MO',
    zip: '64057',
    x: -94.362,
    y: 39.045,
  },
  {
    number: 18801,
    street: 'E 39th St',
    city: 'Independence',
    state: 'MO',
    zip: '64057',
    x: -94.35,
    y: 39.0517,
  },
  {
    number: 300,
    street: 'N Spring St',
    unit: 'Apt 2',
    city: 'Independence',
    state: 'MO',
    zip: '64050',
    x: -94.4085,
    y: 39.095,
  },
  {
    number: 300,
    street: 'N Spring St',
    unit: 'Apt 3',
    city: 'Independence',
    state: 'MO',
    zip: '64050',
    x: -94.40851,
    y: 39.09501,
  },
];

function geocoder(points: readonly AddressPointInput[] = POINTS): Database {
  return geocoderOf(points);
}

function best(db: Database, singleLine: string) {
  return find(db, { SingleLine: singleLine }).candidates[0];
}

describe('geocodeServiceInfo', () => {
  it('describes a WGS84 locator with single-line input and suggest', () => {
    const info = geocodeServiceInfo();
    expect(info).toMatchObject({
      singleLineAddressField: { name: 'SingleLine', type: 'esriFieldTypeString' },
      spatialReference: { wkid: 4326, latestWkid: 4326 },
      capabilities: 'Geocode,ReverseGeocode,Suggest',
    });
    expect((info.addressFields as { name: string }[]).map((f) => f.name)).toEqual([
      'Address',
      'City',
      'Region',
      'Postal',
    ]);
    const candidateFields = (info.candidateFields as { name: string }[]).map((f) => f.name);
    expect(candidateFields).toEqual(
      expect.arrayContaining(['Score', 'Match_addr', 'Addr_type', 'City', 'Postal']),
    );
    expect(info.locatorProperties).toBeTypeOf('object');
  });
});

describe('suggest and findAddressCandidates', () => {
  it('round-trips a suggestion through its magicKey to a 100-score point', () => {
    const db = geocoder();
    const { suggestions } = suggestFor(db, { text: '1234 s nol' });
    expect(suggestions).toEqual([
      {
        text: '1234 S Noland Rd, Independence, MO 64055',
        magicKey: expect.stringMatching(/\S/),
        isCollection: false,
      },
    ]);
    const chosen = suggestions[0]!;
    const result = find(db, {
      SingleLine: chosen.text,
      magicKey: chosen.magicKey,
      outFields: '*',
    });
    expect(result.spatialReference).toEqual({ wkid: 4326, latestWkid: 4326 });
    expect(result.candidates).toHaveLength(1);
    expect(result.candidates[0]).toMatchObject({
      address: '1234 S Noland Rd, Independence, MO 64055',
      location: { x: -94.404, y: 39.055 },
      score: 100,
      attributes: {
        Match_addr: '1234 S Noland Rd, Independence, MO 64055',
        Addr_type: 'PointAddress',
        Score: 100,
        AddNum: '1234',
        StPreDir: 'S',
        StName: 'Noland',
        StType: 'Rd',
        City: 'Independence',
        RegionAbbr: 'MO',
        Postal: '64055',
      },
      extent: { xmin: expect.any(Number), ymax: expect.any(Number) },
    });
    const extent = result.candidates[0]!.extent;
    expect(extent.xmin).toBeLessThan(-94.404);
    expect(extent.xmax).toBeGreaterThan(-94.404);
  });

  it('suggests addresses by number and words in any order, and streets without a number', () => {
    const db = geocoder();
    expect(suggestFor(db, { text: '1234 noland' }).suggestions.map((s) => s.text)).toEqual([
      '1234 S Noland Rd, Independence, MO 64055',
    ]);
    expect(suggestFor(db, { text: '12' }).suggestions.map((s) => s.text)).toEqual([
      '1234 S Main St, Independence, MO 64054',
      '1234 S Noland Rd, Independence, MO 64055',
      '1236 S Noland Rd, Independence, MO 64055',
      '1250 S Noland Rd, Independence, MO 64055',
    ]);
    expect(suggestFor(db, { text: '12', maxSuggestions: '2' }).suggestions).toHaveLength(2);
    const streets = suggestFor(db, { text: 'lees sum' }).suggestions;
    expect(streets.map((s) => s.text)).toEqual(["S Lee's Summit Rd, Independence, MO"]);
    const street = find(db, {
      SingleLine: streets[0]!.text,
      magicKey: streets[0]!.magicKey,
    });
    expect(street.candidates[0]).toMatchObject({
      score: 100,
      attributes: { Addr_type: 'StreetName' },
    });
    expect(suggestFor(db, { text: 'e 39' }).suggestions.map((s) => s.text)).toEqual([
      'E 39th St, Independence, MO',
    ]);
    expect(suggestFor(db, { text: 'nowhere' }).suggestions).toEqual([]);
  });

  it('caps maxSuggestions at 15 and refuses nonsense', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      number: 100 + i * 2,
      street: 'W Truman Rd',
      city: 'Independence',
      state: 'MO',
      zip: '64050',
      x: -94.42 - i * 0.0003,
      y: 39.0907,
    }));
    const db = geocoder(many);
    expect(suggestFor(db, { text: '1' }).suggestions).toHaveLength(5);
    expect(suggestFor(db, { text: '1', maxSuggestions: '40' }).suggestions).toHaveLength(15);
    await expect(
      attempt(() => suggestFor(db, { text: '1', maxSuggestions: 'lots' })),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(attempt(() => suggestFor(db, {}))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it.each([
    '1234 S Noland Rd',
    '1234 South Noland Road',
    '1234 s noland rd',
    '  1234   S.  NOLAND   RD  ',
    '1234 S Noland Rd, Independence, MO 64055',
    '1234 S Noland Rd Independence Missouri',
    '1234 s noland road, independence',
  ])('scores "%s" as an exact match', (text) => {
    const db = geocoder();
    expect(best(db, text)).toMatchObject({
      address: '1234 S Noland Rd, Independence, MO 64055',
      score: 100,
    });
  });

  it.each([
    ['18801 East 39th Street', '18801 E 39th St, Independence, MO 64057'],
    ['18801 E 39 St', '18801 E 39th St, Independence, MO 64057'],
    ['4001 S Lees Summit Road', "4001 S Lee's Summit Rd, Independence, MO 64057"],
    ['4001 South Lee\u2019s Summit Rd', "4001 S Lee's Summit Rd, Independence, MO 64057"],
    ['300 N Spring St Apt 3', '300 N Spring St Apt 3, Independence, MO 64050'],
    ['300 N Spring St #2', '300 N Spring St Apt 2, Independence, MO 64050'],
    ['300 N Spring St, Unit 2, Independence, MO', '300 N Spring St Apt 2, Independence, MO 64050'],
  ])('reads abbreviations and units: "%s"', (text, address) => {
    const db = geocoder();
    expect(best(db, text)).toMatchObject({ address, score: 100 });
  });

  it('scores near misses below 100 and unknown numbers below 80', () => {
    const db = geocoder();
    const noDirection = best(db, '1234 Noland Rd')!;
    expect(noDirection.address).toBe('1234 S Noland Rd, Independence, MO 64055');
    expect(noDirection.score).toBeLessThan(100);
    expect(noDirection.score).toBeGreaterThanOrEqual(85);
    const typo = best(db, '1234 S Nolnad Rd')!;
    expect(typo.address).toBe('1234 S Noland Rd, Independence, MO 64055');
    expect(typo.score).toBeLessThan(90);
    const wrongCity = best(db, '1234 S Noland Rd, Kansas City, MO')!;
    expect(wrongCity.score).toBeLessThan(100);
    const missing = find(db, { SingleLine: '1240 S Noland Rd' }).candidates;
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((c) => c.score <= 79)).toBe(true);
    expect(missing.map((c) => c.attributes.Match_addr)).toContain(
      '1236 S Noland Rd, Independence, MO 64055',
    );
    expect(find(db, { SingleLine: '99 Nowhere Blvd' }).candidates).toEqual([]);
  });

  it('takes the separate address fields, outFields, maxLocations, location and searchExtent', () => {
    const db = geocoder();
    const fields = find(db, {
      Address: '1234 S Noland Rd',
      City: 'Independence',
      Region: 'Missouri',
      Postal: '64055',
    });
    expect(fields.candidates[0]).toMatchObject({
      score: 100,
      address: '1234 S Noland Rd, Independence, MO 64055',
    });
    expect(Object.keys(fields.candidates[0]!.attributes).sort()).toEqual([
      'Addr_type',
      'Match_addr',
      'Score',
    ]);
    const some = find(db, {
      SingleLine: '1234 S Noland Rd',
      outFields: 'City,Postal',
    });
    expect(Object.keys(some.candidates[0]!.attributes).sort()).toEqual([
      'Addr_type',
      'City',
      'Match_addr',
      'Postal',
      'Score',
    ]);

    const both = find(db, { SingleLine: '1234 St', maxLocations: '1' });
    expect(both.candidates.length).toBeLessThanOrEqual(1);
    const near = find(db, {
      SingleLine: '300 N Spring St',
      location: '-94.40851,39.09501',
      outFields: 'Distance',
    });
    expect(near.candidates.map((c) => c.attributes.Match_addr)).toEqual([
      '300 N Spring St Apt 3, Independence, MO 64050',
      '300 N Spring St Apt 2, Independence, MO 64050',
    ]);
    expect(near.candidates[0]!.attributes.Distance).toBe(0);
    const outside = find(db, {
      SingleLine: '1234 S Noland Rd',
      searchExtent: '-94.3,39.0,-94.2,39.1',
    });
    expect(outside.candidates).toEqual([]);
    const inside = find(db, {
      SingleLine: '1234 S Noland Rd',
      searchExtent: JSON.stringify({
        xmin: -94.41,
        ymin: 39.05,
        xmax: -94.4,
        ymax: 39.06,
        spatialReference: { wkid: 4326 },
      }),
    });
    expect(inside.candidates).toHaveLength(1);
  });

  it('accepts outSR 4326 only and refuses requests it cannot answer', async () => {
    const db = geocoder();
    expect(
      find(db, { SingleLine: '1234 S Noland Rd', outSR: '{"wkid":4326}' }).candidates,
    ).toHaveLength(1);
    expect(find(db, { SingleLine: '1234 S Noland Rd', outSR: '4326' }).candidates).toHaveLength(1);
    for (const params of [
      { SingleLine: '1234 S Noland Rd', outSR: '3857' },
      { SingleLine: '1234 S Noland Rd', outSR: '{"wkid":102100}' },
      {},
      { SingleLine: '1234 S Noland Rd', maxLocations: '-1' },
      { SingleLine: '1234 S Noland Rd', searchExtent: '1,2,3' },
      { SingleLine: '1234 S Noland Rd', location: 'here' },
      { magicKey: 'made-up' },
    ]) {
      await expect(attempt(() => find(db, params))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
  });

  it('binds hostile text instead of running it', () => {
    const db = geocoder();
    expect(
      find(db, { SingleLine: "1234 S Noland Rd'; DROP TABLE address_points; --" }).candidates,
    ).toBeInstanceOf(Array);
    expect(suggestFor(db, { text: '1234 "NOL* OR' }).suggestions).toBeInstanceOf(Array);
    expect(suggestFor(db, { text: 'NEAR(" noland' }).suggestions).toBeInstanceOf(Array);
    expect(find(db, { SingleLine: '1234 S Noland Rd' }).candidates).toHaveLength(1);
  });
});

describe('reverseGeocode', () => {
  it('returns the nearest address point with its ArcGIS address fields', () => {
    const db = geocoder();
    // About 5 m east of 1234 S Noland Rd.
    const result = reverse(db, { location: '-94.40394,39.05502' });
    expect(result).toEqual({
      address: expect.objectContaining({
        Match_addr: '1234 S Noland Rd, Independence, MO 64055',
        Address: '1234 S Noland Rd',
        AddNum: '1234',
        Addr_type: 'PointAddress',
        City: 'Independence',
        Region: 'Missouri',
        RegionAbbr: 'MO',
        Postal: '64055',
        CountryCode: 'USA',
      }),
      location: { x: -94.404, y: 39.055, spatialReference: { wkid: 4326, latestWkid: 4326 } },
    });
    const json = reverse(db, {
      location: JSON.stringify({ x: -94.35, y: 39.0517, spatialReference: { wkid: 4326 } }),
    });
    expect(json.address.Match_addr).toBe('18801 E 39th St, Independence, MO 64057');
  });

  it('answers ArcGIS\'s "Unable to find address" error when nothing is within the distance', async () => {
    const db = geocoder();
    await expect(attempt(() => reverse(db, { location: '-94.0,39.0' }))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: ['Unable to find address for the specified location.'],
    });
    // 1234 S Noland Rd is about 22 m away: inside 30 m, not inside 10 m.
    expect(reverse(db, { location: '-94.404,39.0552', distance: '30' }).address.AddNum).toBe(
      '1234',
    );
    await expect(
      attempt(() => reverse(db, { location: '-94.404,39.0552', distance: '10' })),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    for (const params of [
      {},
      { location: '200,95' },
      { location: '1,2', distance: '-5' },
      { location: '1,2', outSR: '3857' },
    ]) {
      await expect(attempt(() => reverse(db, params))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
  });
});

describe('loadAddressPointsCsv', () => {
  const CSV = [
    'number,street,unit,city,state,zip,lon,lat',
    '201,N Main St,,Independence,MO,64050,-94.4157,39.0920',
    'abc,N Main St,,Independence,MO,64050,-94.4157,39.0921',
    '203,,,Independence,MO,64050,-94.4157,39.0922',
    '205,N Main St,,Independence,MO,64050,-94.4157,north',
    '207,N Main St,,Independence,Missouri,640,-94.4157,39.0924',
    '201,N  Main  Street,,independence,MO,64050,-94.4157,39.0920',
    '209,N Main St,,Independence',
    '',
    '211,N Main St,Suite 4,Independence,mo,64050-1234,-94.4157,39.0926',
  ].join('\n');

  it('loads good rows and reports each bad row by line number', () => {
    const db = geocoder([]);
    const result = loadAddressPointsCsv(db, CSV);
    expect(result.loaded).toBe(2);
    expect(result.rejected.map((row) => row.line)).toEqual([3, 4, 5, 6, 7, 8]);
    const reasons = Object.fromEntries(result.rejected.map((row) => [row.line, row.reason]));
    expect(reasons[3]).toMatch(/house number "abc"/);
    expect(reasons[4]).toMatch(/street is missing/);
    expect(reasons[5]).toMatch(/latitude/);
    expect(reasons[6]).toMatch(/state "MISSOURI".*ZIP "640"|ZIP "640"/);
    expect(reasons[7]).toMatch(/repeats the address on line 2/);
    expect(reasons[8]).toMatch(/columns/);
    expect(best(db, '201 North Main Street')).toMatchObject({
      address: '201 N Main St, Independence, MO 64050',
      score: 100,
    });
    expect(best(db, '211 N Main St Ste 4')).toMatchObject({
      address: '211 N Main St Suite 4, Independence, MO 64050-1234',
      score: 100,
    });
  });

  it('reads other column names through a map and refuses files missing columns', async () => {
    const db = geocoder([]);
    const csv = 'ADDNUM,FULLNAME,LONG,LAT\n1234,S Noland Rd,-94.404,39.055\n';
    const result = loadAddressPointsCsv(
      db,
      csv,
      { number: 'ADDNUM', street: 'FULLNAME', x: 'LONG', y: 'LAT' },
      {
        defaults: { city: 'Independence', state: 'MO' },
      },
    );
    expect(result).toEqual({ loaded: 1, rejected: [] });
    expect(normalizeAddress('1234', 'South Noland Road')).toBe('1234 S NOLAND RD');
    expect(best(db, '1234 S Noland Rd, Independence, MO')?.score).toBe(100);
    await expect(
      attempt(() => loadAddressPointsCsv(db, 'number,street\n1,A St\n')),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/missing columns: x \(or lon\), y \(or lat\), city, state/),
    });
    await expect(
      attempt(() => loadAddressPointsCsv(db, csv, { number: 'HOUSE' })),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('loads nothing in strict mode when a row is bad, and can replace every point', () => {
    const db = geocoder();
    expect(loadAddressPointsCsv(db, CSV, undefined, { strict: true })).toMatchObject({ loaded: 0 });
    expect(best(db, '201 N Main St')).toBeUndefined();
    const replaced = loadAddressPointsCsv(db, CSV, undefined, { replace: true });
    expect(replaced.loaded).toBe(2);
    expect(best(db, '1234 S Noland Rd')).toBeUndefined();
    expect(reverse(db, { location: '-94.4157,39.0920' }).address.AddNum).toBe('201');
  });
});

describe('runLoadAddressesCli', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccr-geocode-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a CSV file and lists rejected lines', () => {
    const csvFile = join(dir, 'points.csv');
    const dbFile = join(dir, 'geo.sqlite');
    writeFileSync(
      csvFile,
      'house_number,street_name,city,state,zip,x,y\n1,E 23rd St,Independence,MO,64055,-94.4,39.07\nx,E 23rd St,Independence,MO,64055,-94.4,39.07\n',
    );
    const out: string[] = [];
    const err: string[] = [];
    const io = { log: (line: string) => out.push(line), error: (line: string) => err.push(line) };
    expect(runLoadAddressesCli(['--db', dbFile, '--csv', csvFile], io)).toBe(0);
    expect(out.join('\n')).toMatch(/Loaded 1 address points; rejected 1/);
    expect(err.join('\n')).toMatch(/line 3: house number "x"/);
    expect(runLoadAddressesCli(['--db', dbFile], io)).toBe(2);
    expect(runLoadAddressesCli(['--db', dbFile, '--csv', csvFile, '--strict'], io)).toBe(1);
  });
});
