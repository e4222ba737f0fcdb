/**
 * The geocoder's limits: every anonymous input is refused above its advertised length or
 * word count, work inside the limits is capped and budgeted, and a flood of the worst
 * inputs leaves the rest of the server answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/open-database.js';
import { type AddressPointInput } from '../../src/server/geocode/address-points.js';
import {
  type findAddressCandidates,
  geocodeServiceInfo,
  type suggest,
} from '../../src/server/geocode/geocode-service.js';
import { buildPointTree, nearestPointIds } from '../../src/server/geocode/point-tree.js';
import {
  dice,
  editDistanceWithin,
  MAX_EDIT_DISTANCE_CHARS,
  similarity,
} from '../../src/server/geocode/similarity.js';
import {
  generateAddressPoints,
  type SyntheticAddressPoint,
} from '../../src/server/seed/generate-address-points.js';
import { SeededRandom } from '../../src/server/seed/seeded-random.js';
import { attempt, find, geocoderOf, reverse, suggestFor } from '../helpers/geocoder.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

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
    number: 1234,
    street: 'S Main St',
    city: 'Independence',
    state: 'MO',
    zip: '64054',
    x: -94.4155,
    y: 39.06,
  },
];

const NOLAND = '1234 S Noland Rd, Independence, MO 64055';

const geocoder = geocoderOf;

/** `head` and `tail` with spaces between, `length` characters in all (trimming keeps them). */
function padded(head: string, length: number, tail: string): string {
  const gap = length - head.length - tail.length;
  if (gap < 1) throw new RangeError(`cannot pad to ${length}`);
  return `${head}${' '.repeat(gap)}${tail}`;
}

/** A clock that moves one millisecond each time it is read. */
function ticking(): () => number {
  let now = 0;
  return () => now++;
}

const refused = (name: string) => ({ code: 'INVALID_INPUT', details: [name] });

describe('input lengths', () => {
  const db = geocoder(POINTS);
  const info = geocodeServiceInfo() as {
    singleLineAddressField: { name: string; length: number };
    addressFields: { name: string; length: number }[];
  };
  const advertised = Object.fromEntries(
    [info.singleLineAddressField, ...info.addressFields].map((field) => [field.name, field.length]),
  );

  it('advertises the lengths it enforces', () => {
    expect(advertised).toEqual({ SingleLine: 200, Address: 100, City: 40, Region: 50, Postal: 10 });
  });

  // Each input at `length` characters, still naming 1234 S Noland Rd.
  const cases: [string, (length: number) => () => unknown][] = [
    [
      'SingleLine',
      (length) => () =>
        find(db, {
          SingleLine: padded('1234 S Noland Rd,', length, 'Independence, MO 64055'),
        }),
    ],
    ['Address', (length) => () => find(db, { Address: padded('1234 S', length, 'Noland Rd') })],
    [
      'City',
      (length) => () =>
        find(db, {
          Address: '1234 S Noland Rd',
          City: padded('Independence', length, '.'),
        }),
    ],
    [
      'Region',
      (length) => () =>
        find(db, {
          Address: '1234 S Noland Rd',
          Region: padded('Missouri', length, '.'),
        }),
    ],
    [
      'Postal',
      (length) => () =>
        find(db, {
          Address: '1234 S Noland Rd',
          Postal: padded('64055', length, '0'.repeat(length - 6)),
        }),
    ],
  ];

  it.each(cases)(
    'answers %s just below and at its length, and refuses it above',
    async (name, at) => {
      const length = advertised[name] as number;
      for (const ok of [length - 1, length]) {
        const { candidates } = at(ok)() as ReturnType<typeof findAddressCandidates>;
        expect(candidates[0]).toMatchObject({ address: NOLAND, score: 100 });
      }
      await expect(attempt(at(length + 1))).rejects.toMatchObject(refused(name));
    },
  );

  it("answers suggest's text up to the SingleLine length, and not one character more", async () => {
    const text = (length: number) => padded('1234', length, 's nol');
    for (const ok of [199, 200]) {
      expect(suggestFor(db, { text: text(ok) }).suggestions.map((s) => s.text)).toEqual([NOLAND]);
    }
    await expect(attempt(() => suggestFor(db, { text: text(201) }))).rejects.toMatchObject(
      refused('text'),
    );
    // Spaces around the text are not counted: a million of them change nothing.
    const spaced = `${' '.repeat(1_000_000)}1234 s nol`;
    expect(suggestFor(db, { text: spaced }).suggestions.map((s) => s.text)).toEqual([NOLAND]);
  });

  it('refuses the other parameters above 1,000 characters', async () => {
    const location = (length: number) => padded('{"x":-94.404,', length, '"y":39.055}');
    const outFields = (length: number) => `Postal${','.repeat(length - 6)}`;
    for (const ok of [999, 1000]) {
      const [candidate] = find(db, {
        SingleLine: NOLAND,
        location: location(ok),
        outFields: outFields(ok),
      }).candidates;
      expect(candidate?.attributes).toMatchObject({ Postal: '64055' });
      expect(reverse(db, { location: location(ok) }).address.Match_addr).toBe(NOLAND);
    }
    await expect(
      attempt(() => find(db, { SingleLine: NOLAND, location: location(1001) })),
    ).rejects.toMatchObject(refused('location'));
    await expect(
      attempt(() => find(db, { SingleLine: NOLAND, outFields: outFields(1001) })),
    ).rejects.toMatchObject(refused('outFields'));
    await expect(attempt(() => reverse(db, { location: location(1001) }))).rejects.toMatchObject(
      refused('location'),
    );
  });
});

describe('input words', () => {
  const db = geocoder(POINTS);
  // "1234 S Noland Rd" and then one-letter words up to `count` words in all.
  const words = (count: number) => `1234 S Noland Rd${' X'.repeat(count - 4)}`;

  it.each([
    ['SingleLine', (text: string) => () => find(db, { SingleLine: text })],
    ['Address', (text: string) => () => find(db, { Address: text })],
    ['text', (text: string) => () => suggestFor(db, { text })],
  ])('answers %s with 39 and 40 words, and refuses 41', async (name, call) => {
    for (const count of [39, 40]) expect(call(words(count))()).toBeTypeOf('object');
    await expect(attempt(call(words(41)))).rejects.toMatchObject(refused(name));
    // Length is not the point: 41 words of one letter are only 81 characters.
    expect(words(41).length).toBeLessThan(100);
  });

  it('counts the words that reach the matcher, after Unicode compatibility folding', async () => {
    // "¼" folds to "1⁄4": one character, two words.
    const folded = (count: number) => '\u00bc '.repeat(count);
    expect(find(db, { SingleLine: folded(20) }).candidates).toEqual([]);
    await expect(attempt(() => find(db, { SingleLine: folded(21) }))).rejects.toMatchObject(
      refused('SingleLine'),
    );
  });
});

describe('the worst inputs', () => {
  let city: Database;
  beforeAll(() => {
    city = geocoder(generateAddressPoints());
  });
  afterAll(() => city.close());

  const huge: [string, string, (db: Database) => unknown][] = [
    [
      'a SingleLine of 64,000 one-letter words (128 KB)',
      'SingleLine',
      (db) => find(db, { SingleLine: 'A '.repeat(64_000) }),
    ],
    [
      'a SingleLine of 900,000 one-letter words (1.8 MB)',
      'SingleLine',
      (db) => find(db, { SingleLine: 'A '.repeat(900_000) }),
    ],
    [
      'a house number and one 128 KB word',
      'SingleLine',
      (db) => find(db, { SingleLine: `1234 NOLAND${'D'.repeat(131_072)}` }),
    ],
    [
      'a SingleLine of 100,000 commas',
      'SingleLine',
      (db) => find(db, { SingleLine: '1,'.repeat(100_000) }),
    ],
    ['a 128 KB Address', 'Address', (db) => find(db, { Address: 'A '.repeat(64_000) })],
    [
      'a 128 KB Address2',
      'Address2',
      (db) => find(db, { Address: '1234 S Noland Rd', Address2: 'B '.repeat(64_000) }),
    ],
    [
      'a 100 KB City',
      'City',
      (db) => find(db, { Address: 'Noland Rd', City: 'Q'.repeat(100_000) }),
    ],
    [
      'a 100 KB Region',
      'Region',
      (db) => find(db, { Address: 'Noland Rd', Region: 'M'.repeat(100_000) }),
    ],
    [
      'a 100 KB Postal',
      'Postal',
      (db) => find(db, { Address: 'Noland Rd', Postal: '6'.repeat(100_000) }),
    ],
    ['a 128 KB suggest text', 'text', (db) => suggestFor(db, { text: 'A '.repeat(64_000) })],
    [
      'a 128 KB suggest text after a house number',
      'text',
      (db) => suggestFor(db, { text: `1 ${'A '.repeat(64_000)}A` }),
    ],
    [
      'a 1,001-digit maxLocations',
      'maxLocations',
      (db) => find(db, { SingleLine: 'Noland Rd', maxLocations: '9'.repeat(1001) }),
    ],
    [
      'a 100 KB outFields',
      'outFields',
      (db) => find(db, { SingleLine: 'Noland Rd', outFields: 'City,'.repeat(20_000) }),
    ],
    [
      'a location nested 100,000 arrays deep',
      'location',
      (db) => reverse(db, { location: '['.repeat(100_000) }),
    ],
    [
      'a 100 KB featureTypes',
      'featureTypes',
      (db) => reverse(db, { location: '-94.41,39.08', featureTypes: 'x,'.repeat(50_000) }),
    ],
  ];

  it.each(huge)('refuses %s, naming %s', async (_, name, call) => {
    await expect(attempt(() => call(city))).rejects.toMatchObject(refused(name));
  });

  it('names the parameter when a count is out of range', async () => {
    for (const [name, call] of [
      ['maxLocations', () => find(city, { SingleLine: 'x', maxLocations: '0' })],
      ['maxSuggestions', () => suggestFor(city, { text: 'x', maxSuggestions: '0' })],
      ['maxSuggestions', () => suggestFor(city, { text: 'x', maxSuggestions: '1e400' })],
    ] as const) {
      await expect(attempt(call)).rejects.toMatchObject(refused(name));
    }
  });

  it('answers the worst inputs inside the limits', () => {
    const answers: unknown[] = [
      find(city, { SingleLine: `1 ${'E '.repeat(39)}`, maxLocations: '1e308' }),
      find(city, { SingleLine: 'E ST', maxLocations: '50' }),
      find(city, { SingleLine: 'N'.repeat(200) }),
      find(city, { SingleLine: `NOLAND${'D'.repeat(194)}` }),
      find(city, { SingleLine: `1 NOLAND${'D'.repeat(192)}` }),
      find(city, {
        Address: 'E '.repeat(40).trim(),
        City: 'Q'.repeat(40),
        Region: 'R'.repeat(50),
        Postal: '9'.repeat(10),
      }),
      suggestFor(city, { text: 'S', maxSuggestions: '1e308' }),
      suggestFor(city, { text: `${'E '.repeat(39)}S` }),
      reverse(city, { location: '-94.85,39.08', distance: '1e308' }),
    ];
    expect(answers).toHaveLength(9);
    const [many, streets] = answers as ReturnType<typeof findAddressCandidates>[];
    expect(many!.candidates.length).toBeLessThanOrEqual(50);
    expect(streets!.candidates.length).toBeLessThanOrEqual(50);
    expect((answers[6] as ReturnType<typeof suggest>).suggestions.length).toBe(15);
  });

  it('still finds the street asked for among more points with its number than are scored', () => {
    // 1,501 points numbered 100, the one asked for last of all.
    const crowd: AddressPointInput[] = Array.from({ length: 1_500 }, (_, i) => ({
      number: 100,
      street: `E Elm ${i} St`,
      city: 'Independence',
      state: 'MO',
      x: -94.4 + i * 1e-5,
      y: 39.05,
    }));
    crowd.push({ ...crowd[0]!, street: 'E Oak St', x: -94.3 });
    const db = geocoder(crowd);
    const [best] = find(db, { SingleLine: '100 E Oak St' }).candidates;
    expect(best).toMatchObject({ score: 100, location: { x: -94.3 } });
    db.close();
  });
});

describe('the time budget', () => {
  it('answers findAddressCandidates with the candidates scored before the budget ran out', () => {
    const db = geocoder(
      ['St', 'Ave', 'Dr', 'Ct', 'Ln'].map((type, i) => ({
        number: 100,
        street: `Oak ${type}`,
        city: 'Independence',
        state: 'MO',
        x: -94.4 + i * 0.001,
        y: 39.05,
      })),
    );
    const all = find(db, { SingleLine: '100 Oak St' }).candidates;
    expect(all).toHaveLength(5);
    // The clock is read once at the start and once before each point is scored.
    const some = find(db, { SingleLine: '100 Oak St' }, { budgetMs: 2, now: ticking() }).candidates;
    expect(some).toHaveLength(2);
    expect(some[0]).toMatchObject({ address: '100 Oak St, Independence, MO', score: 100 });
    expect(
      find(db, { SingleLine: '100 Oak St' }, { budgetMs: 0, now: ticking() }).candidates,
    ).toEqual([]);
  });

  it('stops suggest at the budget too', () => {
    const db = geocoder(POINTS);
    const unlimited = { budgetMs: 1e9, now: ticking() };
    expect(suggestFor(db, { text: '1234 noland' }, unlimited).suggestions).toHaveLength(1);
    expect(
      suggestFor(db, { text: '1234 noland' }, { budgetMs: 0, now: ticking() }).suggestions,
    ).toEqual([]);
  });
});

describe('similarity', () => {
  /** Optimal string alignment distance over the whole matrix: the oracle. */
  function fullEditDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const row = d[i]!;
        row[j] = Math.min(
          d[i - 1]![j]! + 1,
          row[j - 1]! + 1,
          d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
          row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
    return d[a.length]![b.length]!;
  }

  const random = new SeededRandom(11);
  const word = (maxLength: number) =>
    Array.from({ length: random.int(0, maxLength) }, () => 'ABC '[random.int(0, 3)]).join('');

  it('gives the exact edit distance up to the limit, and limit + 1 beyond it', () => {
    for (let n = 0; n < 3_000; n++) {
      const a = word(12);
      const b = random.chance(0.3) ? a : word(12);
      const exact = fullEditDistance(a, b);
      const limit = random.int(0, 14);
      expect(editDistanceWithin(a, b, limit), `${a}|${b}|${limit}`).toBe(
        Math.min(exact, limit + 1),
      );
    }
    expect(() => editDistanceWithin('a', 'b', -1)).toThrow(RangeError);
  });

  it('scores as the better of letter pairs and full edit distance, for names it measures', () => {
    for (let n = 0; n < 2_000; n++) {
      const a = word(30);
      const b = word(30);
      const longest = Math.max(a.length, b.length);
      const expected =
        a === b
          ? 1
          : longest === 0 || Math.min(a.length, b.length) === 0
            ? 0
            : Math.max(dice(a, b), 1 - fullEditDistance(a, b) / longest);
      expect(similarity(a, b)).toBeCloseTo(expected, 12);
    }
    const long = 'NOLAND'.repeat(20);
    expect(long.length).toBeGreaterThan(MAX_EDIT_DISTANCE_CHARS);
    expect(similarity(long, 'NOLAND')).toBe(dice(long, 'NOLAND'));
  });
});

describe('reverseGeocode', () => {
  let points: SyntheticAddressPoint[];
  let city: Database;
  beforeAll(() => {
    points = generateAddressPoints();
    city = geocoder(points);
  });
  afterAll(() => city.close());

  /** Haversine on the mean Earth radius, as the service measures. */
  function meters(a: { x: number; y: number }, b: { x: number; y: number }): number {
    const rad = Math.PI / 180;
    const h =
      Math.sin(((b.y - a.y) * rad) / 2) ** 2 +
      Math.cos(a.y * rad) * Math.cos(b.y * rad) * Math.sin(((b.x - a.x) * rad) / 2) ** 2;
    return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  it('takes the smallest ids among points at one spot, as an apartment tower has', () => {
    const tower = [41, 7, 93, 12, 58, 3, 77].map((id) => ({ id, x: -94.41, y: 39.08 }));
    const around = Array.from({ length: 500 }, (_, i) => ({
      id: 1_000 + i,
      x: -94.41 + ((i % 25) - 12) * 1e-4,
      y: 39.08 + (Math.floor(i / 25) - 10) * 1e-4 + 1e-6,
    }));
    const tree = buildPointTree([...around, ...tower]);
    expect(nearestPointIds(tree, -94.41, 39.08, 3)).toEqual([3, 7, 12]);
    expect(nearestPointIds(buildPointTree([]), 0, 0, 3)).toEqual([]);
    expect(() => nearestPointIds(tree, 0, 0, 0)).toThrow(RangeError);
  });

  it('finds the same point as measuring every point, near and far from the city', async () => {
    const random = new SeededRandom(5);
    for (let n = 0; n < 300; n++) {
      const location = { x: random.float(-94.9, -93.9), y: random.float(38.7, 39.5) };
      const distance = [10, 100, 1_000, 10_000, 50_000][n % 5]!;
      let best: SyntheticAddressPoint | undefined;
      let bestMeters = Number.POSITIVE_INFINITY;
      for (const point of points) {
        const d = meters(location, point);
        if (d < bestMeters || (d === bestMeters && best && point.id < best.id)) {
          best = point;
          bestMeters = d;
        }
      }
      const call = () =>
        reverse(city, {
          location: `${location.x},${location.y}`,
          distance: String(distance),
        });
      if (best && bestMeters <= distance) {
        expect(call().location, `${location.x},${location.y} within ${distance} m`).toMatchObject({
          x: best.x,
          y: best.y,
        });
      } else {
        await expect(attempt(call)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      }
    }
  });
});

describe('a flood of the worst inputs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const GEOCODE = '/arcgis/rest/services/Geocode/GeocodeServer';
  // Bodies of at most 128 KB: beyond that, parsing the form costs the server more than the
  // geocoder's refusal does (see bench/geocode-flood.bench.ts).
  const WORST: [string, string][] = (
    [
      ['findAddressCandidates', { SingleLine: 'A '.repeat(64_000) }],
      ['findAddressCandidates', { Address: 'A '.repeat(32_000), City: 'Q'.repeat(64_000) }],
      ['suggest', { text: `1 ${'A '.repeat(64_000)}A` }],
      ['findAddressCandidates', { SingleLine: `1 ${'E '.repeat(39)}` }],
      ['findAddressCandidates', { SingleLine: 'E ST' }],
      ['suggest', { text: 'S', maxSuggestions: '15' }],
      ['reverseGeocode', { location: '-94.85,39.08', distance: '50000' }],
    ] as const
  ).map(([operation, params]) => [
    `${GEOCODE}/${operation}`,
    new URLSearchParams({ f: 'json', ...params }).toString(),
  ]);

  /**
   * True when the geocoder answered: candidates, the 400 that refuses the input, or the 413
   * that refuses a body over the geocoder's 64 KB before it is parsed.
   */
  async function geocode([path, body]: [string, string]): Promise<boolean> {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const answer = (await response.json()) as { error?: { code: number } };
    return answer.error === undefined || answer.error.code === 400 || answer.error.code === 413;
  }

  it('keeps /rest/info answering within a second while they are in flight', async () => {
    for (const request of WORST) expect(await geocode(request)).toBe(true);
    let flooding = true;
    const answered = new Array<number>(WORST.length).fill(0);
    const flooder = async (offset: number) => {
      for (let i = offset; flooding; i++) {
        if (await geocode(WORST[i % WORST.length]!)) answered[i % WORST.length]! += 1;
      }
    };
    const flooders = [0, 2, 4, 6].map((offset) => flooder(offset));
    // Let every flooder get a request into the server before measuring.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const latencies: number[] = [];
    for (let n = 0; n < 10; n++) {
      const started = performance.now();
      const response = await fetch(`${server.url}/arcgis/rest/info?f=json`);
      expect(await response.json()).toHaveProperty('currentVersion');
      latencies.push(performance.now() - started);
    }
    flooding = false;
    await Promise.all(flooders);
    expect(answered.every((count) => count > 0)).toBe(true);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
  });
});
