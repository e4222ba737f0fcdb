/**
 * The server derives district, beat and quality flags for every site written, whoever
 * writes it: a resident's registration, an analyst's move, a camera change. With the demo
 * polygons in config/, which also agree with the demo seed's own districts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaLayerFromGeoJson } from '../../src/core/districts/area-layer.js';
import { placeSite, type SitePlacement } from '../../src/core/districts/place-site.js';
import { getRowByGlobalId } from '../../src/server/db/feature-rows.js';
import { tableName } from '../../src/server/db/registry-tables.js';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import { generateRegistry } from '../../src/server/seed/generate-registry.js';
import { makeRegistration, postRegistration, seededRandom } from '../helpers/registrations.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const load = (name: string) =>
  areaLayerFromGeoJson(
    JSON.parse(readFileSync(resolve(import.meta.dirname, '../../config', name), 'utf8')),
  );
const placement: SitePlacement = {
  districts: load('demo-districts.geojson'),
  beats: load('demo-beats.geojson'),
};

// District 1 is the north-west quarter, 3 the south-west; the enclave lies in district 2.
const IN_11 = { x: -94.47, y: 39.12 };
const IN_33 = { x: -94.47, y: 39.04 };
const IN_ENCLAVE = { x: -94.357, y: 39.1 };
const ON_1_3_LINE = { x: -94.47, y: 39.08 };

let server: TestServer;
let sourceUrl: string;
let analyst: string;
const random = seededRandom(12);

beforeAll(async () => {
  server = await startTestServer({ placement });
  sourceUrl = server.service('CommunityCameras');
  analyst = await server.token('analyst1');
});
afterAll(() => server?.close());

async function post(url: string, params: Record<string, unknown>): Promise<unknown> {
  const body = new URLSearchParams({ f: 'json', token: analyst });
  for (const [k, v] of Object.entries(params))
    body.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const response = await fetch(url, { method: 'POST', body });
  return response.json();
}

let phones = 0;

/**
 * A resident's registration at `at` (site and cameras placed there), each with a phone of
 * its own unless one is given (sites at one spot with one phone are likely duplicates).
 */
async function register(
  at: { x: number; y: number },
  withBearing = true,
  // Two digits apart from every other (one digit apart would be a likely typo).
  phone = `+1816555${String(10 + (phones += 1)).repeat(2)}`,
): Promise<string> {
  const registration = makeRegistration(random, { phone });
  const edits = JSON.parse(registration.edits) as {
    adds: { attributes: Record<string, unknown>; geometry: Record<string, unknown> }[];
  }[];
  for (const layer of edits)
    for (const add of layer.adds) {
      add.geometry = { ...add.geometry, ...at };
      if (!withBearing && 'view_bearing' in add.attributes) add.attributes.view_bearing = null;
    }
  const outcome = await postRegistration(server.service('CommunityCameras_public'), {
    ...registration,
    edits: JSON.stringify(edits),
  });
  expect(outcome.kind).toBe('acknowledged');
  return registration.siteGuid;
}

const stored = (guid: string) => getRowByGlobalId(server.db, SITES, guid)?.attributes;

async function moveSite(guid: string, to: { x: number; y: number }, attributes = {}) {
  const answer = (await post(`${sourceUrl}/0/applyEdits`, {
    useGlobalIds: true,
    updates: [{ attributes: { GlobalID: guid, ...attributes }, geometry: to }],
  })) as { updateResults: { success: boolean }[] };
  expect(answer.updateResults[0]?.success).toBe(true);
}

describe('district and beat', () => {
  it('are derived for a public registration, which cannot give them itself', async () => {
    const guid = await register(IN_11);
    expect(stored(guid)).toMatchObject({ district: '1', beat: '11', quality_flags: null });
  });

  it('follow a site an analyst moves, and stay when it is edited without moving', async () => {
    const guid = await register(IN_11);
    await moveSite(guid, IN_33);
    expect(stored(guid)).toMatchObject({ district: '3', beat: '33' });
    await post(`${sourceUrl}/0/applyEdits`, {
      useGlobalIds: true,
      updates: [{ attributes: { GlobalID: guid, unit: 'Apt 2' } }],
    });
    expect(stored(guid)).toMatchObject({ district: '3', beat: '33', unit: 'Apt 2' });
  });

  it('follow a site its owner moves with a change request, applied as it arrives', async () => {
    const registration = makeRegistration(random, { phone: '+18165559797' });
    const edits = JSON.parse(registration.edits) as { adds: { geometry: object }[] }[];
    for (const layer of edits)
      for (const add of layer.adds) add.geometry = { ...add.geometry, ...IN_11 };
    const publicUrl = server.service('CommunityCameras_public');
    expect(
      (await postRegistration(publicUrl, { ...registration, edits: JSON.stringify(edits) })).kind,
    ).toBe('acknowledged');
    expect(stored(registration.siteGuid)).toMatchObject({ district: '1', beat: '11' });
    const answer = (await post(`${publicUrl}/4/applyEdits`, {
      adds: [
        {
          attributes: {
            registration_ref: registration.reference,
            manage_code: registration.manageCode,
            request_type: 'update',
            payload: JSON.stringify({ location: IN_33 }),
          },
        },
      ],
    })) as { addResults: { success: boolean }[] };
    expect(answer.addResults[0], JSON.stringify(answer)).toMatchObject({ success: true });
    expect(stored(registration.siteGuid)).toMatchObject({ district: '3', beat: '33' });
  });

  it('override what an analyst types when the point moves with it', async () => {
    const guid = await register(IN_11);
    await moveSite(guid, IN_33, { district: '9', beat: '99' });
    expect(stored(guid)).toMatchObject({ district: '3', beat: '33' });
  });

  it('are cleared, and the site flagged outside the city, when moved into the enclave', async () => {
    const guid = await register(IN_11);
    await moveSite(guid, IN_ENCLAVE);
    expect(stored(guid)).toMatchObject({
      district: null,
      beat: null,
      quality_flags: 'outside_city',
    });
    await moveSite(guid, IN_11);
    expect(stored(guid)).toMatchObject({ district: '1', beat: '11', quality_flags: null });
  });

  it('go to the area listed first for a point on a shared boundary', async () => {
    const guid = await register(ON_1_3_LINE);
    expect(stored(guid)).toMatchObject({ district: '1', beat: '13' });
  });

  it('agree with the district and beat of every site the demo seed makes', () => {
    let sites = 0;
    for (const { site } of generateRegistry({ sites: 2000, seed: 1, now: Date.UTC(2026, 5, 1) })) {
      const { point, attributes } = site;
      expect(placeSite(placement, [point.x, point.y])).toEqual({
        district: attributes.district,
        beat: attributes.beat,
      });
      sites += 1;
    }
    expect(sites).toBe(2000);
  });
});

describe('quality flags', () => {
  it('are set from the registration’s cameras and follow camera edits', async () => {
    const guid = await register(IN_11, false);
    expect(stored(guid)?.quality_flags).toBe('missing_direction');
    const cameras = server.db
      .prepare(`SELECT "OBJECTID" AS id FROM ${tableName(CAMERAS)} WHERE site_guid = ?`)
      .all(guid) as { id: number }[];
    expect(cameras).toHaveLength(2);
    const [first, second] = cameras as [{ id: number }, { id: number }];
    // One camera given a bearing: the other still has none.
    await post(`${sourceUrl}/1/applyEdits`, {
      updates: [{ attributes: { OBJECTID: first.id, view_bearing: 10, retention_days: 0 } }],
    });
    expect(stored(guid)?.quality_flags).toBe('missing_direction,no_retention');
    // The camera without one removed: only the retention flag is left.
    await post(`${sourceUrl}/1/applyEdits`, { deletes: [second.id] });
    expect(stored(guid)?.quality_flags).toBe('no_retention');
  });

  it('are the server’s: an analyst’s own value is replaced by the rules’ answer', async () => {
    const guid = await register(IN_11);
    await post(`${sourceUrl}/0/applyEdits`, {
      useGlobalIds: true,
      updates: [{ attributes: { GlobalID: guid, quality_flags: 'stale', geocode_score: 50 } }],
    });
    expect(stored(guid)?.quality_flags).toBe('geocode_low');
  });

  it('mark both sites of a likely duplicate pair, and clear when the pair is parted', async () => {
    const first = await register(IN_33, true, '+18165559001');
    expect(stored(first)?.quality_flags).toBeNull();
    const second = await register({ x: IN_33.x + 0.00003, y: IN_33.y }, true, '+18165559001');
    expect(stored(second)?.quality_flags).toBe('duplicate_suspect');
    expect(stored(first)?.quality_flags).toBe('duplicate_suspect');
    // Moved across town, the second is no longer near the first: its flag goes at once, the
    // first's with its own next write.
    await moveSite(second, IN_11);
    expect(stored(second)?.quality_flags).toBeNull();
    await post(`${sourceUrl}/0/applyEdits`, {
      useGlobalIds: true,
      updates: [{ attributes: { GlobalID: first, unit: 'Rear' } }],
    });
    expect(stored(first)?.quality_flags).toBeNull();
  });

  it('are left alone when the edit call is rolled back', async () => {
    const guid = await register(IN_11);
    const answer = (await post(`${sourceUrl}/0/applyEdits`, {
      useGlobalIds: true,
      rollbackOnFailure: true,
      updates: [
        { attributes: { GlobalID: guid, geocode_score: 10 }, geometry: IN_33 },
        { attributes: { GlobalID: guid, site_type: 'no-such-type' } },
      ],
    })) as { updateResults: { success: boolean }[] };
    expect(answer.updateResults.map((r) => r.success)).toEqual([false, false]);
    expect(stored(guid)).toMatchObject({ district: '1', quality_flags: null, geocode_score: null });
  });
});
