/**
 * The geocoder's one parse of each operation's parameters: every limit just below, at and
 * above, every refusal naming its parameter, and ArcGIS's reading of names and values.
 */
import { describe, expect, it } from 'vitest';
import {
  parseFindRequest,
  parseReverseRequest,
  parseSuggestRequest,
  type GeocodeParams,
} from '../../src/server/geocode/geocode-request.js';

/** Runs a synchronous call as a promise, so a failure is asserted with `rejects`. */
function attempt(work: () => unknown): Promise<unknown> {
  return Promise.resolve().then(work);
}

/** The refusal of parameter `field`, with the words and details the wire carries. */
const refusal = (field: string, message: string, details: readonly string[] = []) => ({
  name: 'AppError',
  code: 'INVALID_INPUT',
  field,
  message,
  details,
});
const tooLong = (field: string, length: number) =>
  refusal(field, `${field} is longer than ${length} characters.`, [field]);
const tooManyWords = (field: string) => refusal(field, `${field} has more than 40 words.`, [field]);

/** `count` words of one letter, one space apart. */
const words = (count: number) => Array.from({ length: count }, () => 'E').join(' ');
/** `length` characters: `head`, spaces, `tail`, so the value keeps its words when trimmed. */
function padded(head: string, length: number, tail: string): string {
  const gap = length - head.length - tail.length;
  if (gap < 1) throw new RangeError(`cannot pad to ${length}`);
  return `${head}${' '.repeat(gap)}${tail}`;
}

const find = (params: GeocodeParams) => () => parseFindRequest(params);
const suggestion = (params: GeocodeParams) => () => parseSuggestRequest(params);
const reverse = (params: GeocodeParams) => () => parseReverseRequest(params);

describe('parseFindRequest', () => {
  it('reads a single line with the defaults for everything else', () => {
    expect(parseFindRequest({ SingleLine: '  1234 S Noland Rd ', f: 'json' })).toEqual({
      input: { kind: 'singleLine', singleLine: '1234 S Noland Rd' },
      maxLocations: 20,
      outFields: new Set(),
      location: undefined,
      searchExtent: undefined,
    });
  });

  it('reads the separate address fields, trimmed, leaving out those not sent', () => {
    expect(
      parseFindRequest({
        Address: ' 1234 S Noland Rd ',
        Address2: '',
        Address3: 'Apt 2',
        City: ' Independence',
        Postal: '64055 ',
      }).input,
    ).toEqual({
      kind: 'fields',
      fields: {
        address: ['1234 S Noland Rd', 'Apt 2'],
        city: 'Independence',
        region: undefined,
        postal: '64055',
      },
    });
    for (const name of ['Address', 'Address2', 'Address3', 'City', 'Region', 'Postal']) {
      expect(parseFindRequest({ [name]: 'X' }).input.kind).toBe('fields');
    }
  });

  it('takes a magicKey before a single line, and a single line before fields', () => {
    const all = { magicKey: 'ap:42', SingleLine: '1 Main St', Address: '2 Main St' };
    expect(parseFindRequest(all).input).toEqual({
      kind: 'magicKey',
      magicKey: { kind: 'ap', id: 42 },
    });
    expect(parseFindRequest({ ...all, magicKey: ' ' }).input).toEqual({
      kind: 'singleLine',
      singleLine: '1 Main St',
    });
    expect(parseFindRequest({ magicKey: 'st:7' }).input).toEqual({
      kind: 'magicKey',
      magicKey: { kind: 'st', id: 7 },
    });
  });

  it('refuses a request with nothing to geocode, naming SingleLine', async () => {
    for (const params of [{}, { f: 'json', outSR: '4326' }, { SingleLine: ' ', Address: '\t' }]) {
      await expect(attempt(find(params))).rejects.toMatchObject(
        refusal(
          'SingleLine',
          'Give SingleLine, Address (with City, Region, Postal) or a magicKey from suggest.',
        ),
      );
    }
  });

  it.each([
    ['ap:1', { kind: 'ap', id: 1 }],
    ['st:123456789012345', { kind: 'st', id: 123456789012345 }],
    [' ap:9 ', { kind: 'ap', id: 9 }],
  ])('reads magicKey %j', (magicKey, key) => {
    expect(parseFindRequest({ magicKey }).input).toEqual({ kind: 'magicKey', magicKey: key });
  });

  it.each(['made-up', 'ap:', 'ap:1234567890123456', 'AP:1', 'xx:1', 'ap:1 2', 'ap:-1'])(
    'refuses magicKey %j as not one it issued',
    async (magicKey) => {
      await expect(attempt(find({ magicKey }))).rejects.toMatchObject(
        refusal('magicKey', 'magicKey is not one this service issued.'),
      );
    },
  );

  describe('address input lengths', () => {
    const cases: [string, number][] = [
      ['SingleLine', 200],
      ['Address', 100],
      ['Address2', 100],
      ['Address3', 100],
      ['City', 40],
      ['Region', 50],
      ['Postal', 10],
    ];

    it.each(cases)(
      'takes %s at %i characters and one fewer, refuses one more',
      async (name, length) => {
        for (const ok of [length - 1, length]) {
          const value = padded('1', ok, '2');
          // The value reaches the request whole.
          const { input } = parseFindRequest({ [name]: value });
          expect(JSON.stringify(input)).toContain(JSON.stringify(value));
        }
        await expect(attempt(find({ [name]: padded('1', length + 1, '2') }))).rejects.toMatchObject(
          tooLong(name, length),
        );
      },
    );

    it.each(cases)('counts %s trimmed: spaces around it are free', (name, length) => {
      expect(find({ [name]: `${' '.repeat(5_000)}${'9'.repeat(length)}\t\n` })).not.toThrow();
    });

    it('checks a SingleLine beside a magicKey, and unused address fields up to the first sent', async () => {
      const tooLongCity = 'Q'.repeat(41);
      await expect(
        attempt(find({ magicKey: 'ap:1', SingleLine: 'S'.repeat(201) })),
      ).rejects.toMatchObject(tooLong('SingleLine', 200));
      for (const params of [
        { magicKey: 'ap:1', City: tooLongCity },
        { SingleLine: '1234 S Noland Rd', City: tooLongCity },
        { Address: '1234 S Noland Rd', City: tooLongCity, Postal: '64055' },
      ]) {
        await expect(attempt(find(params))).rejects.toMatchObject(tooLong('City', 40));
      }
      // As the service has always answered: a City after an Address is not read when a
      // SingleLine is what is geocoded.
      expect(
        parseFindRequest({ SingleLine: '1234 S Noland Rd', Address: '1', City: tooLongCity }).input,
      ).toEqual({ kind: 'singleLine', singleLine: '1234 S Noland Rd' });
    });

    it('reports Postal, then Region, then City when the fields geocoded break several limits', async () => {
      const fields = { Address: '1', City: 'Q'.repeat(41), Region: 'R'.repeat(51) };
      await expect(attempt(find({ ...fields, Postal: '6'.repeat(11) }))).rejects.toMatchObject(
        tooLong('Postal', 10),
      );
      await expect(attempt(find(fields))).rejects.toMatchObject(tooLong('Region', 50));
    });
  });

  describe('address input words', () => {
    it.each(['SingleLine', 'Address', 'Address2', 'Address3'])(
      'takes %s with 39 and 40 words, refuses 41',
      async (name) => {
        for (const count of [39, 40]) expect(find({ [name]: words(count) })).not.toThrow();
        await expect(attempt(find({ [name]: words(41) }))).rejects.toMatchObject(
          tooManyWords(name),
        );
      },
    );

    it('counts words as the matcher splits them: at punctuation, and after folding', async () => {
      // Commas and hyphens part words; "#" is a word of its own; "¼" folds to "1⁄4", two words.
      const cases: [string, string][] = [
        [Array(40).fill('E').join(','), Array(41).fill('E').join(',')],
        [Array(40).fill('E').join('-'), Array(41).fill('E').join('-')],
        [`${'#'.repeat(40)}`, `${'#'.repeat(41)}`],
        ['\u00bc '.repeat(20), '\u00bc '.repeat(21)],
      ];
      for (const [ok, over] of cases) {
        expect(find({ SingleLine: ok })).not.toThrow();
        await expect(attempt(find({ SingleLine: over }))).rejects.toMatchObject(
          tooManyWords('SingleLine'),
        );
      }
    });

    it('lets the length limit speak first for inputs too short to hold 41 words', async () => {
      for (const [name, length] of [
        ['City', 40],
        ['Region', 50],
        ['Postal', 10],
      ] as const) {
        await expect(attempt(find({ [name]: words(41) }))).rejects.toMatchObject(
          tooLong(name, length),
        );
      }
    });
  });

  describe('maxLocations', () => {
    it.each([
      ['1', 1],
      ['49', 49],
      ['50', 50],
      ['51', 50],
      ['1e308', 50],
      [' 7 ', 7],
      ['', 20],
      [`${'0'.repeat(998)}12`, 12],
    ])('reads %j as %i', (maxLocations, expected) => {
      expect(parseFindRequest({ SingleLine: 'x', maxLocations }).maxLocations).toBe(expected);
    });

    it.each(['0', '-1', '1.5', 'lots', 'Infinity', '1e400', '0x'])(
      'refuses %j',
      async (maxLocations) => {
        await expect(attempt(find({ SingleLine: 'x', maxLocations }))).rejects.toMatchObject(
          refusal('maxLocations', 'maxLocations must be a whole number of at least 1.', [
            'maxLocations',
          ]),
        );
      },
    );
  });

  it('reads outFields as lower-cased names, or every field for "*"', () => {
    const outFields = (value: string) =>
      parseFindRequest({ SingleLine: 'x', outFields: value }).outFields;
    expect(outFields(' City, postal,,Match_addr ')).toEqual(
      new Set(['city', 'postal', 'match_addr']),
    );
    expect(outFields('*')).toBe('*');
    expect(outFields('City, * ')).toBe('*');
    expect(outFields(',')).toEqual(new Set());
  });

  describe('outSR', () => {
    it.each(['4326', ' 4326 ', '{"wkid":4326}', '{"latestWkid":4326}', '{"wkid":"4326"}'])(
      'accepts %j',
      (outSR) => {
        expect(find({ SingleLine: 'x', outSR })).not.toThrow();
      },
    );

    it.each(['3857', '{"wkid":102100}', '{"wkid":3857,"latestWkid":4326}', '{}', 'WGS84'])(
      'refuses %j',
      async (outSR) => {
        await expect(attempt(find({ SingleLine: 'x', outSR }))).rejects.toMatchObject(
          refusal('outSR', 'Only outSR 4326 (WGS84) is supported.'),
        );
      },
    );

    it('refuses JSON it cannot read', async () => {
      await expect(attempt(find({ SingleLine: 'x', outSR: '{wkid:4326}' }))).rejects.toMatchObject(
        refusal('outSR', 'outSR is not valid JSON.'),
      );
    });
  });

  describe('location', () => {
    it.each([
      ['-94.404,39.055', { x: -94.404, y: 39.055 }],
      [' -94.404 , 39.055 ', { x: -94.404, y: 39.055 }],
      ['[-94.404,39.055]', { x: -94.404, y: 39.055 }],
      ['{"x":-94.404,"y":39.055}', { x: -94.404, y: 39.055 }],
      ['{"x":-94.404,"y":39.055,"spatialReference":{"wkid":4326}}', { x: -94.404, y: 39.055 }],
      ['-180,-90', { x: -180, y: -90 }],
      ['180,90', { x: 180, y: 90 }],
    ])('reads %j', (location, point) => {
      expect(parseFindRequest({ SingleLine: 'x', location }).location).toEqual(point);
    });

    it.each([
      ['here', 'location must be "x,y" or {"x":..,"y":..} in longitude and latitude.'],
      ['1,2,3', 'location must be "x,y" or {"x":..,"y":..} in longitude and latitude.'],
      ['1,', 'location must be "x,y" or {"x":..,"y":..} in longitude and latitude.'],
      ['[1]', 'location must be "x,y" or {"x":..,"y":..} in longitude and latitude.'],
      ['{"x":"1","y":2}', 'location must be "x,y" or {"x":..,"y":..} in longitude and latitude.'],
      ['{"x":1', 'location is not valid JSON.'],
      ['{"x":1,"y":2,"spatialReference":{"wkid":3857}}', 'location must be in WGS84 (wkid 4326).'],
      ['180.001,0', 'location is outside longitude -180..180, latitude -90..90.'],
      ['0,-90.001', 'location is outside longitude -180..180, latitude -90..90.'],
    ])('refuses %j', async (location, message) => {
      await expect(attempt(find({ SingleLine: 'x', location }))).rejects.toMatchObject(
        refusal('location', message),
      );
    });
  });

  describe('searchExtent', () => {
    it.each([
      ['-94.5,39,-94.3,39.2', { xmin: -94.5, ymin: 39, xmax: -94.3, ymax: 39.2 }],
      ['1,2,1,2', { xmin: 1, ymin: 2, xmax: 1, ymax: 2 }],
      [
        '{"xmin":-94.5,"ymin":39,"xmax":-94.3,"ymax":39.2,"spatialReference":{"wkid":4326}}',
        { xmin: -94.5, ymin: 39, xmax: -94.3, ymax: 39.2 },
      ],
    ])('reads %j', (searchExtent, extent) => {
      expect(parseFindRequest({ SingleLine: 'x', searchExtent }).searchExtent).toEqual(extent);
    });

    const shape =
      'searchExtent must be "xmin,ymin,xmax,ymax" or an envelope in WGS84, min before max.';
    it.each([
      ['1,2,3', shape],
      ['1,2,3,4,5', shape],
      ['3,2,1,4', shape],
      ['1,4,3,2', shape],
      ['1,2,,4', shape],
      ['{"xmin":1,"ymin":2,"xmax":3}', shape],
      ['{"xmin":1', 'searchExtent is not valid JSON.'],
      [
        '{"xmin":1,"ymin":2,"xmax":3,"ymax":4,"spatialReference":{"wkid":3857}}',
        'searchExtent must be in WGS84 (wkid 4326).',
      ],
    ])('refuses %j', async (searchExtent, message) => {
      await expect(attempt(find({ SingleLine: 'x', searchExtent }))).rejects.toMatchObject(
        refusal('searchExtent', message),
      );
    });
  });

  describe('the other parameters', () => {
    // Each at `length` characters and still valid, so only the length can refuse it.
    const cases: [string, (length: number) => string][] = [
      ['location', (length) => padded('{"x":-94.404,', length, '"y":39.055}')],
      ['searchExtent', (length) => padded('{"xmin":1,"ymin":2,', length, '"xmax":3,"ymax":4}')],
      ['outFields', (length) => `City${','.repeat(length - 4)}`],
      ['outSR', (length) => padded('{"wkid":', length, '4326}')],
      ['maxLocations', (length) => `${'0'.repeat(length - 1)}5`],
    ];

    it.each(cases)('takes %s up to 1,000 characters, refuses 1,001', async (name, value) => {
      for (const ok of [999, 1000]) {
        expect(find({ SingleLine: 'x', [name]: value(ok) })).not.toThrow();
      }
      await expect(attempt(find({ SingleLine: 'x', [name]: value(1001) }))).rejects.toMatchObject(
        tooLong(name, 1000),
      );
    });

    it('refuses a magicKey of 1,001 characters for its length, before reading it', async () => {
      const key = (length: number) => `ap:${'1'.repeat(length - 3)}`;
      await expect(attempt(find({ magicKey: key(1000) }))).rejects.toMatchObject(
        refusal('magicKey', 'magicKey is not one this service issued.'),
      );
      await expect(attempt(find({ magicKey: key(1001) }))).rejects.toMatchObject(
        tooLong('magicKey', 1000),
      );
    });
  });

  it('checks outSR, maxLocations, outFields, location, searchExtent, then the address', async () => {
    const all = {
      outSR: '3857',
      maxLocations: '0',
      outFields: ','.repeat(1001),
      location: 'here',
      searchExtent: '1,2',
      magicKey: 'm'.repeat(1001),
      SingleLine: 'S'.repeat(201),
    };
    const order = [
      'outSR',
      'maxLocations',
      'outFields',
      'location',
      'searchExtent',
      'magicKey',
      'SingleLine',
    ];
    for (const [i, field] of order.entries()) {
      // Every fault but those of the parameters checked before this one.
      const params = Object.fromEntries(
        Object.entries(all).filter(([name]) => !order.slice(0, i).includes(name)),
      );
      await expect(attempt(find(params))).rejects.toMatchObject({ field });
    }
  });
});

describe('parseSuggestRequest', () => {
  it('reads the text trimmed, keeping one space at its end when it ended in spaces', () => {
    expect(parseSuggestRequest({ text: '  1234 s nol' })).toEqual({
      text: '1234 s nol',
      maxSuggestions: 5,
    });
    expect(parseSuggestRequest({ text: '1234 s nol   ' }).text).toBe('1234 s nol ');
    expect(parseSuggestRequest({ text: '1234\t' }).text).toBe('1234 ');
    expect(parseSuggestRequest({ text: '1234 s nol,' }).text).toBe('1234 s nol,');
  });

  it.each([{}, { text: '' }, { text: ' \t ' }, { maxSuggestions: '3' }])(
    'refuses %j as having no text',
    async (params) => {
      await expect(attempt(suggestion(params))).rejects.toMatchObject(
        refusal('text', 'text is required.'),
      );
    },
  );

  it('takes text of 199 and 200 characters, refuses 201, and does not count spaces around it', async () => {
    for (const ok of [199, 200]) {
      expect(parseSuggestRequest({ text: padded('1234', ok, 'nol') }).text).toHaveLength(ok);
    }
    await expect(attempt(suggestion({ text: padded('1234', 201, 'nol') }))).rejects.toMatchObject(
      tooLong('text', 200),
    );
    expect(parseSuggestRequest({ text: `${' '.repeat(1_000_000)}1234 s nol` }).text).toBe(
      '1234 s nol',
    );
  });

  it('takes text of 39 and 40 words, refuses 41', async () => {
    for (const count of [39, 40]) expect(suggestion({ text: words(count) })).not.toThrow();
    await expect(attempt(suggestion({ text: words(41) }))).rejects.toMatchObject(
      tooManyWords('text'),
    );
  });

  it.each([
    ['1', 1],
    ['14', 14],
    ['15', 15],
    ['16', 15],
    ['1e308', 15],
    [' ', 5],
  ])('reads maxSuggestions %j as %i', (maxSuggestions, expected) => {
    expect(parseSuggestRequest({ text: 'x', maxSuggestions }).maxSuggestions).toBe(expected);
  });

  it.each(['0', '-3', '2.5', 'lots', '1e400'])(
    'refuses maxSuggestions %j',
    async (maxSuggestions) => {
      await expect(attempt(suggestion({ text: 'x', maxSuggestions }))).rejects.toMatchObject(
        refusal('maxSuggestions', 'maxSuggestions must be a whole number of at least 1.', [
          'maxSuggestions',
        ]),
      );
    },
  );

  it('takes maxSuggestions up to 1,000 characters, refuses 1,001', async () => {
    const count = (length: number) => `${'0'.repeat(length - 1)}3`;
    expect(parseSuggestRequest({ text: 'x', maxSuggestions: count(1000) }).maxSuggestions).toBe(3);
    await expect(
      attempt(suggestion({ text: 'x', maxSuggestions: count(1001) })),
    ).rejects.toMatchObject(tooLong('maxSuggestions', 1000));
  });
});

describe('parseReverseRequest', () => {
  it('reads the location with a 100 m radius and every feature type by default', () => {
    expect(parseReverseRequest({ location: '-94.404,39.055' })).toEqual({
      location: { x: -94.404, y: 39.055 },
      distanceMeters: 100,
      featureTypes: undefined,
    });
  });

  it.each([{}, { location: '' }, { location: '  ' }, { distance: '10' }])(
    'refuses %j as having no location',
    async (params) => {
      await expect(attempt(reverse(params))).rejects.toMatchObject(
        refusal('location', 'location is required.'),
      );
    },
  );

  it('refuses a location it cannot read or outside the world', async () => {
    await expect(attempt(reverse({ location: '200,95' }))).rejects.toMatchObject(
      refusal('location', 'location is outside longitude -180..180, latitude -90..90.'),
    );
    await expect(attempt(reverse({ location: '['.repeat(1000) }))).rejects.toMatchObject(
      refusal('location', 'location is not valid JSON.'),
    );
  });

  it.each([
    ['30', 30],
    ['0.5', 0.5],
    ['49999', 49_999],
    ['50000', 50_000],
    ['50001', 50_000],
    ['1e308', 50_000],
    ['', 100],
  ])('reads distance %j as %f metres', (distance, meters) => {
    expect(parseReverseRequest({ location: '1,2', distance }).distanceMeters).toBe(meters);
  });

  it.each(['0', '-5', 'far', 'Infinity', '1e400'])('refuses distance %j', async (distance) => {
    await expect(attempt(reverse({ location: '1,2', distance }))).rejects.toMatchObject(
      refusal('distance', 'distance must be a positive number of metres.'),
    );
  });

  it('reads featureTypes as lower-cased names, up to 1,000 characters', async () => {
    expect(
      parseReverseRequest({ location: '1,2', featureTypes: ' PointAddress , StreetAddress,, ' })
        .featureTypes,
    ).toEqual(['pointaddress', 'streetaddress']);
    expect(parseReverseRequest({ location: '1,2', featureTypes: ',' }).featureTypes).toEqual([]);
    const types = (length: number) => `Locality${','.repeat(length - 8)}`;
    expect(
      parseReverseRequest({ location: '1,2', featureTypes: types(1000) }).featureTypes,
    ).toEqual(['locality']);
    await expect(
      attempt(reverse({ location: '1,2', featureTypes: types(1001) })),
    ).rejects.toMatchObject(tooLong('featureTypes', 1000));
  });

  it('takes distance up to 1,000 characters, refuses 1,001', async () => {
    const distance = (length: number) => `${'0'.repeat(length - 2)}30`;
    expect(parseReverseRequest({ location: '1,2', distance: distance(1000) }).distanceMeters).toBe(
      30,
    );
    await expect(
      attempt(reverse({ location: '1,2', distance: distance(1001) })),
    ).rejects.toMatchObject(tooLong('distance', 1000));
  });

  it('checks outSR first, as findAddressCandidates does', async () => {
    await expect(attempt(reverse({ outSR: '3857' }))).rejects.toMatchObject(
      refusal('outSR', 'Only outSR 4326 (WGS84) is supported.'),
    );
    expect(reverse({ outSR: '{"wkid":4326}', location: '1,2' })).not.toThrow();
  });
});

describe('parameter names and values', () => {
  it('reads names in any case', () => {
    expect(
      parseFindRequest({
        singleline: '1234 S Noland Rd',
        MAXLOCATIONS: '3',
        OutFields: 'City',
        LOCATION: '1,2',
        searchextent: '0,0,3,3',
        OUTSR: '4326',
      }),
    ).toEqual({
      input: { kind: 'singleLine', singleLine: '1234 S Noland Rd' },
      maxLocations: 3,
      outFields: new Set(['city']),
      location: { x: 1, y: 2 },
      searchExtent: { xmin: 0, ymin: 0, xmax: 3, ymax: 3 },
    });
    expect(parseFindRequest({ MAGICKEY: 'ap:5' }).input).toMatchObject({ kind: 'magicKey' });
    expect(
      parseFindRequest({
        ADDRESS: '1 Main St',
        address3: 'Apt 1',
        CITY: 'X',
        region: 'MO',
        postal: '1',
      }).input,
    ).toEqual({
      kind: 'fields',
      fields: { address: ['1 Main St', 'Apt 1'], city: 'X', region: 'MO', postal: '1' },
    });
    expect(parseSuggestRequest({ TEXT: 'noland', MaxSuggestions: '2' })).toEqual({
      text: 'noland',
      maxSuggestions: 2,
    });
    expect(
      parseReverseRequest({ Location: '1,2', DISTANCE: '30', featuretypes: 'PointAddress' }),
    ).toEqual({ location: { x: 1, y: 2 }, distanceMeters: 30, featureTypes: ['pointaddress'] });
  });

  it('names the parameter as the service spells it, however the caller spelt it', async () => {
    await expect(attempt(find({ singleline: 'S'.repeat(201) }))).rejects.toMatchObject(
      tooLong('SingleLine', 200),
    );
    await expect(attempt(find({ CITY: 'Q'.repeat(41) }))).rejects.toMatchObject(
      tooLong('City', 40),
    );
    await expect(attempt(suggestion({ Text: 'x', MAXSUGGESTIONS: '0' }))).rejects.toMatchObject({
      field: 'maxSuggestions',
    });
    await expect(attempt(reverse({ LOCATION: 'here' }))).rejects.toMatchObject({
      field: 'location',
    });
  });

  it('takes the first value of a name sent in several spellings', async () => {
    expect(parseFindRequest({ SingleLine: 'first', singleline: 'second' }).input).toEqual({
      kind: 'singleLine',
      singleLine: 'first',
    });
    expect(parseSuggestRequest({ text: 'first', TEXT: 'second' }).text).toBe('first');
    expect(parseReverseRequest({ location: '1,2', LOCATION: '3,4' }).location).toEqual({
      x: 1,
      y: 2,
    });
    // The first value is checked even when a later one would pass.
    await expect(
      attempt(find({ City: 'Q'.repeat(41), CITY: 'Independence' })),
    ).rejects.toMatchObject(tooLong('City', 40));
  });

  it('takes a blank or missing value as not sent, so a later spelling counts', () => {
    expect(
      parseFindRequest({ SingleLine: '  ', singleline: undefined, SINGLELINE: 'third' }).input,
    ).toEqual({ kind: 'singleLine', singleLine: 'third' });
    expect(
      parseFindRequest({ SingleLine: 'x', maxLocations: '', MaxLocations: '3' }).maxLocations,
    ).toBe(3);
    expect(parseReverseRequest({ location: '', Location: '1,2' }).location).toEqual({
      x: 1,
      y: 2,
    });
  });

  it("reads suggest's text as sent, so a blank first text is a missing one", async () => {
    // Spaces in the text matter to suggest (a trailing one finishes the last word).
    await expect(attempt(suggestion({ text: ' ', TEXT: 'noland' }))).rejects.toMatchObject(
      refusal('text', 'text is required.'),
    );
    expect(parseSuggestRequest({ text: undefined, TEXT: 'noland ' }).text).toBe('noland ');
  });
});
