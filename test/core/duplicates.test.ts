/**
 * Duplicate candidates: each signal alone and together, thresholds, shared values that say
 * nothing, and the index against a brute-force oracle over every pair.
 */
import { describe, expect, it } from 'vitest';
import {
  addressSimilarity,
  DuplicateIndex,
  scoreDuplicatePair,
  withinOneEdit,
  type DuplicateSite,
} from '../../src/core/duplicates/find-duplicates.js';
import { addressKey, emailKey, phoneKey } from '../../src/core/duplicates/normalize-contact.js';
import { destinationPoint } from '../../src/core/geometry/geodesy.js';

const HERE = [-94.41, 39.09] as const;
const at = (meters: number, bearing = 90) =>
  destinationPoint(HERE, bearing, meters) as unknown as readonly [number, number];
const site = (id: string, extra: Partial<DuplicateSite> = {}): DuplicateSite => ({
  id,
  point: HERE,
  address: '1234 S Noland Rd',
  phone: '+18165550100',
  email: 'pat@example.com',
  ...extra,
});

describe('normalized contact values', () => {
  it('split an address into number, street and unit, abbreviated', () => {
    expect(addressKey('1234 South Noland Road, Apt 2b')).toEqual({
      number: '1234',
      street: 'S NOLAND RD',
      unit: '2B',
    });
    expect(addressKey('1234 S. Noland Rd #2B, Independence, MO')).toEqual({
      number: '1234',
      street: 'S NOLAND RD',
      unit: '2B',
    });
    expect(addressKey('Noland Rd', 'Suite 5')).toEqual({
      number: '',
      street: 'NOLAND RD',
      unit: '5',
    });
    expect(addressKey(null)).toEqual({ number: '', street: '', unit: '' });
  });

  it('reduce phones to ten digits and e-mail to lower case', () => {
    expect(phoneKey('+1 (816) 555-0100')).toBe('8165550100');
    expect(phoneKey('816.555.0100')).toBe('8165550100');
    expect(phoneKey('555-01')).toBe('');
    expect(emailKey(' Pat@Example.COM ')).toBe('pat@example.com');
    expect(emailKey('no address')).toBe('');
  });

  it('know one edit from two', () => {
    expect(withinOneEdit('abc', 'abc')).toBe(true);
    expect(withinOneEdit('abc', 'abd')).toBe(true);
    expect(withinOneEdit('abc', 'abcd')).toBe(true);
    expect(withinOneEdit('abcd', 'acd')).toBe(true);
    expect(withinOneEdit('abcd', 'bacd')).toBe(true);
    expect(withinOneEdit('abc', 'bca')).toBe(false);
    expect(withinOneEdit('abcd', 'badc')).toBe(false);
    expect(withinOneEdit('abc', 'a')).toBe(false);
  });
});

describe('addressSimilarity', () => {
  const sim = (a: string, b: string, ua?: string, ub?: string) =>
    addressSimilarity(addressKey(a, ua), addressKey(b, ub));
  it('is 1 for the same address however spelt, less for a misspelt street', () => {
    expect(sim('1234 South Noland Road', '1234 S Noland Rd')).toBe(1);
    expect(sim('1234 S Noland Rd', '1234 S Nolan Rd')).toBeGreaterThan(0.75);
    expect(sim('1234 S Noland Rd', '1234 S Nolan Rd')).toBeLessThan(1);
  });
  it('is 0 for another house number, another unit, another street, or no number', () => {
    expect(sim('1234 S Noland Rd', '1236 S Noland Rd')).toBe(0);
    expect(sim('1234 S Noland Rd', '1234 S Noland Rd', '1', '2')).toBe(0);
    expect(sim('1234 S Noland Rd', '1234 S Noland Rd', '1', undefined)).toBe(1);
    expect(sim('1234 S Noland Rd', '1234 Lees Summit Rd')).toBe(0);
    expect(sim('S Noland Rd', 'S Noland Rd')).toBe(0);
  });
});

describe('scoreDuplicatePair', () => {
  it('scores a re-sent registration 100 with every reason', () => {
    const pair = scoreDuplicatePair(
      site('a'),
      site('b', { point: at(4), address: '1234 South Noland Road', phone: '(816) 555-0100' }),
    );
    expect(pair.score).toBe(100);
    expect(pair.reasons.map((r) => r.kind)).toEqual(['near', 'address', 'phone', 'email']);
    expect(pair.reasons[0]).toEqual({ kind: 'near', meters: 4 });
  });

  it('weighs nearness fully to 10 m, then less, and not at all past 75 m', () => {
    const near = (m: number) =>
      scoreDuplicatePair(
        site('a', { address: null, phone: null, email: null }),
        site('b', {
          address: null,
          phone: null,
          email: null,
          point: at(m),
        }),
      ).score;
    expect(near(10)).toBe(30);
    expect(near(42.5)).toBe(15);
    expect(near(74.9)).toBe(0);
    expect(near(75.1)).toBe(0);
    expect(
      scoreDuplicatePair(site('a'), site('b', { point: at(75.1) })).reasons.map((r) => r.kind),
    ).toEqual(['address', 'phone', 'email']);
  });

  it('counts a one-digit phone typo and a misspelt e-mail as half', () => {
    const pair = scoreDuplicatePair(
      site('a', { address: null, point: null }),
      site('b', { address: null, point: null, phone: '+18165550101', email: 'pat@exmaple.com' }),
    );
    expect(pair.reasons).toEqual([
      { kind: 'phone', match: 'similar' },
      { kind: 'email', match: 'similar' },
    ]);
    expect(pair.score).toBe(20);
  });
});

describe('DuplicateIndex', () => {
  it('finds a planted pair with the top score and leaves out mere neighbours', () => {
    const sites = [
      site('original'),
      site('resent', { point: at(3), address: '1234 south noland road', email: 'PAT@example.com' }),
      // Next door: near, but another house number and other contacts.
      site('neighbour', {
        point: at(20),
        address: '1236 S Noland Rd',
        phone: '+18165550177',
        email: 'lee@example.com',
      }),
      // Same phone far away: a landlord's other property (one signal is not enough).
      site('landlord', { point: at(3000), address: '900 W Truman Rd', email: null }),
    ];
    const index = new DuplicateIndex(sites);
    const all = index.allCandidates();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ a: 'original', b: 'resent', score: 100 });
    expect(index.candidatesFor('resent').map((c) => c.b)).toEqual(['original']);
    expect(index.candidatesFor('neighbour')).toEqual([]);
    expect(index.candidatesFor('missing')).toEqual([]);
  });

  it('pairs by a shared value only while few sites share it', () => {
    const company = (n: number) =>
      site(`s${n}`, {
        point: at(500 * n),
        address: `${100 + n} Main St`,
        email: 'ops@guard.example',
      });
    const few = new DuplicateIndex([1, 2, 3].map(company), { minScore: 40 });
    expect(few.allCandidates()).toHaveLength(3);
    const many = new DuplicateIndex([1, 2, 3].map(company), { minScore: 40, maxShared: 2 });
    expect(many.allCandidates()).toHaveLength(0);
  });

  it('finds exactly the pairs a comparison of every pair finds', () => {
    let state = 7;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
    const sites: DuplicateSite[] = Array.from({ length: 300 }, (_, i) => ({
      id: `site-${String(i).padStart(3, '0')}`,
      point: random() < 0.05 ? null : at(random() * 600, random() * 360),
      address: `${pick([10, 12, 14])} ${pick(['Main St', 'Main Street', 'Maple Ave'])}`,
      unit: random() < 0.2 ? pick(['1', '2']) : null,
      phone: random() < 0.7 ? `+1816555010${pick([0, 1, 2, 3])}` : null,
      email:
        random() < 0.5
          ? `${pick(['pat', 'lee', 'sam'])}@${pick(['a.example', 'b.example'])}`
          : null,
    }));
    const options = { minScore: 40, maxShared: 10_000 };
    const oracle: string[] = [];
    for (let i = 0; i < sites.length; i++)
      for (let j = i + 1; j < sites.length; j++) {
        const pair = scoreDuplicatePair(sites[i] as DuplicateSite, sites[j] as DuplicateSite);
        if (pair.score >= options.minScore) oracle.push(`${pair.a}|${pair.b}|${pair.score}`);
      }
    const found = new DuplicateIndex(sites, options)
      .allCandidates()
      .map((c) => `${c.a}|${c.b}|${c.score}`);
    expect(oracle.length).toBeGreaterThan(50);
    expect(found.sort()).toEqual(oracle.sort());
  });
});
