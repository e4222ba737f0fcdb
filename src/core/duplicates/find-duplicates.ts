/**
 * Candidate duplicate registrations: pairs of sites that are likely the same place and
 * contact, each with a score (0–100) and its reasons as data. Signals: geodesic nearness,
 * address similarity, equal or near-equal phone numbers and e-mail addresses. Candidate
 * pairs come from an index (a k-d tree of points and buckets of equal keys), never from
 * comparing every pair, so all candidates among 100,000 sites take seconds.
 */
import { distance as editDistance } from 'fastest-levenshtein';
import KDBush from 'kdbush';
import {
  boundingBoxAround,
  geodesicDistanceMeters,
  meridionalRadiusMeters,
  parallelRadiusMeters,
} from '../geometry/geodesy.js';
import { addressKey, emailKey, phoneKey, type AddressKey } from './normalize-contact.js';

/** `[lon, lat]` in WGS84 degrees. */
export type LonLat = readonly [number, number];

/** What duplicate finding reads of a site. */
export interface DuplicateSite {
  /** The site's GlobalID (or any unique id). */
  readonly id: string;
  readonly point: LonLat | null;
  readonly address?: string | null;
  readonly unit?: string | null;
  readonly phone?: string | null;
  readonly email?: string | null;
}

/** One reason two sites look like one, with how strongly. */
export type DuplicateReason =
  | { readonly kind: 'near'; readonly meters: number }
  | { readonly kind: 'address'; readonly similarity: number }
  | { readonly kind: 'phone'; readonly match: 'equal' | 'similar' }
  | { readonly kind: 'email'; readonly match: 'equal' | 'similar' };

export interface DuplicateCandidate {
  /** The two sites' ids, `a` the one listed first. */
  readonly a: string;
  readonly b: string;
  /** 0–100: the sum of the reasons' weights (see {@link DUPLICATE_WEIGHTS}). */
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
}

export interface DuplicateOptions {
  /** Points closer than this are near (geodesic metres); weight falls from full at 10 m to 0 here. */
  readonly nearMeters?: number;
  /** Pairs scoring below this are not candidates. */
  readonly minScore?: number;
  /**
   * A phone number, e-mail address or address shared by more sites than this says nothing
   * about duplicates (a security company's switchboard, a mall's address): not used to pair.
   */
  readonly maxShared?: number;
}

export const DEFAULT_DUPLICATE_OPTIONS: Required<DuplicateOptions> = {
  nearMeters: 75,
  minScore: 40,
  maxShared: 25,
};

/**
 * Weights of each reason at full strength, summing to 100; with the default `minScore` a
 * pair needs two signals (near and same address, same address and phone, phone and e-mail).
 */
export const DUPLICATE_WEIGHTS = { near: 30, address: 30, phone: 20, email: 20 } as const;
const FULL_NEAR_METERS = 10;
/** Street similarity below this counts as a different street. */
const MIN_STREET_SIMILARITY = 0.75;

interface Prepared {
  readonly site: DuplicateSite;
  readonly address: AddressKey;
  readonly phone: string;
  readonly email: string;
}

function prepare(site: DuplicateSite): Prepared {
  return {
    site,
    address: addressKey(site.address, site.unit),
    phone: phoneKey(site.phone),
    email: emailKey(site.email),
  };
}

const similarity = (a: string, b: string): number =>
  a === b ? 1 : 1 - editDistance(a, b) / Math.max(a.length, b.length);

/**
 * How alike two addresses are, 0–1: 0 unless the house numbers are equal and any units
 * given are equal (neighbours and flats in one building are different sites), else how
 * alike the streets are (0 below {@link MIN_STREET_SIMILARITY}).
 */
export function addressSimilarity(a: AddressKey, b: AddressKey): number {
  if (a.number === '' || a.number !== b.number || a.street === '' || b.street === '') return 0;
  if (a.unit !== '' && b.unit !== '' && a.unit !== b.unit) return 0;
  const street = similarity(a.street, b.street);
  return street < MIN_STREET_SIMILARITY ? 0 : street;
}

/**
 * Whether one typo (an insertion, deletion, substitution, or two neighbours swapped) or none
 * turns `a` into `b`; O(length).
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length)
    return (
      a.slice(i + 1) === b.slice(i + 1) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2))
    );
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Phone numbers: equal, or one digit apart (a typo). */
function phoneMatch(a: string, b: string): 'equal' | 'similar' | undefined {
  if (a === '' || b === '') return undefined;
  if (a === b) return 'equal';
  return withinOneEdit(a, b) ? 'similar' : undefined;
}

/** E-mail addresses: equal, or the same mailbox at a misspelt domain, or one typo in the mailbox. */
function emailMatch(a: string, b: string): 'equal' | 'similar' | undefined {
  if (a === '' || b === '') return undefined;
  if (a === b) return 'equal';
  const at = a.lastIndexOf('@');
  const bt = b.lastIndexOf('@');
  const [localA, domainA, localB, domainB] = [
    a.slice(0, at),
    a.slice(at),
    b.slice(0, bt),
    b.slice(bt),
  ];
  if (localA === localB) return withinOneEdit(domainA, domainB) ? 'similar' : undefined;
  return domainA === domainB && withinOneEdit(localA, localB) ? 'similar' : undefined;
}

const round = (value: number, places: number) => Number(value.toFixed(places));

const DEG = Math.PI / 180;

/**
 * A quick distance for short spans (local ellipsoidal radii), within a part in a thousand of
 * the geodesic one over the `nearMeters` scale; used only to rule pairs out.
 */
function localDistanceMeters(a: LonLat, b: LonLat): number {
  const lat = (a[1] + b[1]) / 2;
  const dy = (b[1] - a[1]) * DEG * meridionalRadiusMeters(lat);
  const dx = (b[0] - a[0]) * DEG * parallelRadiusMeters(lat);
  return Math.hypot(dx, dy);
}

/**
 * The score and reasons of one pair; undefined when it cannot reach `minScore` (the exact
 * geodesic distance is worked out only for pairs that can).
 */
function scorePrepared(
  x: Prepared,
  y: Prepared,
  nearMeters: number,
  minScore: number,
): DuplicateCandidate | undefined {
  const reasons: DuplicateReason[] = [];
  let score = 0;
  const address = addressSimilarity(x.address, y.address);
  if (address > 0) {
    reasons.push({ kind: 'address', similarity: round(address, 3) });
    score += DUPLICATE_WEIGHTS.address * address;
  }
  const phone = phoneMatch(x.phone, y.phone);
  if (phone) {
    reasons.push({ kind: 'phone', match: phone });
    score += DUPLICATE_WEIGHTS.phone * (phone === 'equal' ? 1 : 0.5);
  }
  const email = emailMatch(x.email, y.email);
  if (email) {
    reasons.push({ kind: 'email', match: email });
    score += DUPLICATE_WEIGHTS.email * (email === 'equal' ? 1 : 0.5);
  }
  if (score + DUPLICATE_WEIGHTS.near < minScore) return undefined;
  if (
    x.site.point &&
    y.site.point &&
    localDistanceMeters(x.site.point, y.site.point) <= nearMeters * 1.01
  ) {
    const d = geodesicDistanceMeters(x.site.point, y.site.point);
    if (d <= nearMeters) {
      const weight = d <= FULL_NEAR_METERS ? 1 : (nearMeters - d) / (nearMeters - FULL_NEAR_METERS);
      reasons.unshift({ kind: 'near', meters: round(d, 1) });
      score += DUPLICATE_WEIGHTS.near * Math.max(0, weight);
    }
  }
  const rounded = Math.round(score);
  return rounded < minScore ? undefined : { a: x.site.id, b: y.site.id, score: rounded, reasons };
}

/** The score and reasons of two sites (see {@link DUPLICATE_WEIGHTS}). */
export function scoreDuplicatePair(
  a: DuplicateSite,
  b: DuplicateSite,
  options: DuplicateOptions = {},
): DuplicateCandidate {
  const { nearMeters } = { ...DEFAULT_DUPLICATE_OPTIONS, ...options };
  return (
    scorePrepared(prepare(a), prepare(b), nearMeters, 0) ?? {
      a: a.id,
      b: b.id,
      score: 0,
      reasons: [],
    }
  );
}

/**
 * An index of sites for finding duplicates: build once, ask for one site's or all candidates.
 * Pairs are looked for among sites within `nearMeters` (a k-d tree) and sites sharing a
 * phone, an e-mail address, a mailbox name or a house number and street (buckets); with the
 * default weights and any `minScore` of 40 or more, that finds every pair a comparison of
 * all pairs would (as long as no shared value exceeds `maxShared`).
 */
export class DuplicateIndex {
  private readonly sites: readonly Prepared[];
  private readonly points: KDBush | null;
  /** For each point in the tree, the site's position in `sites`. */
  private readonly pointOwner: Uint32Array;
  private readonly buckets: Map<string, number[]>;
  private readonly options: Required<DuplicateOptions>;
  /** `seen[j] === mark` while collecting one site's partners: no set per site. */
  private readonly seen: Uint32Array;
  private mark = 0;

  constructor(sites: readonly DuplicateSite[], options: DuplicateOptions = {}) {
    this.options = { ...DEFAULT_DUPLICATE_OPTIONS, ...options };
    this.sites = sites.map(prepare);
    this.seen = new Uint32Array(sites.length);
    const located = this.sites.flatMap((s, i) => (s.site.point ? [i] : []));
    this.pointOwner = Uint32Array.from(located);
    if (located.length > 0) {
      const tree = new KDBush(located.length);
      for (const i of located) {
        const [lon, lat] = this.sites[i]?.site.point as LonLat;
        tree.add(lon, lat);
      }
      this.points = tree.finish();
    } else this.points = null;
    this.buckets = new Map();
    this.sites.forEach((s, i) => {
      const keys = [
        s.phone && `p:${s.phone}`,
        s.email && `e:${s.email}`,
        // Catches a typo in the domain: same mailbox name, different provider spelling.
        s.email && `l:${s.email.slice(0, s.email.indexOf('@'))}`,
        s.address.number && s.address.street && `a:${s.address.number} ${s.address.street}`,
      ];
      for (const key of keys) {
        if (!key) continue;
        const bucket = this.buckets.get(key);
        if (bucket) bucket.push(i);
        else this.buckets.set(key, [i]);
      }
    });
  }

  /** Positions of sites that might pair with site `i` (other than itself). */
  private partners(i: number): number[] {
    const out: number[] = [];
    this.mark += 1;
    this.seen[i] = this.mark;
    const add = (j: number) => {
      if (this.seen[j] === this.mark) return;
      this.seen[j] = this.mark;
      out.push(j);
    };
    const s = this.sites[i] as Prepared;
    if (s.site.point && this.points) {
      const [minLon, minLat, maxLon, maxLat] = boundingBoxAround(
        s.site.point,
        this.options.nearMeters,
      );
      for (const p of this.points.range(minLon, minLat, maxLon, maxLat)) {
        add(this.pointOwner[p] as number);
      }
    }
    const keys = [
      s.phone && `p:${s.phone}`,
      s.email && `e:${s.email}`,
      s.email && `l:${s.email.slice(0, s.email.indexOf('@'))}`,
      s.address.number && s.address.street && `a:${s.address.number} ${s.address.street}`,
    ];
    for (const key of keys) {
      const bucket = key ? this.buckets.get(key) : undefined;
      if (!bucket || bucket.length > this.options.maxShared) continue;
      for (const j of bucket) add(j);
    }
    return out;
  }

  private scoreIfCandidate(i: number, j: number): DuplicateCandidate | undefined {
    const x = this.sites[i] as Prepared;
    const y = this.sites[j] as Prepared;
    return scorePrepared(x, y, this.options.nearMeters, this.options.minScore);
  }

  /** Candidates for the site with id `id` (none when it is not indexed), best first. */
  candidatesFor(id: string): DuplicateCandidate[] {
    const i = this.sites.findIndex((s) => s.site.id === id);
    if (i < 0) return [];
    const out: DuplicateCandidate[] = [];
    for (const j of this.partners(i)) {
      const candidate = this.scoreIfCandidate(i, j);
      if (candidate) out.push(candidate);
    }
    return out.sort(byScore);
  }

  /** Every candidate pair among the indexed sites, each once, best first. */
  allCandidates(): DuplicateCandidate[] {
    const out: DuplicateCandidate[] = [];
    for (let i = 0; i < this.sites.length; i++) {
      for (const j of this.partners(i)) {
        if (j <= i) continue;
        const candidate = this.scoreIfCandidate(i, j);
        if (candidate) out.push(candidate);
      }
    }
    return out.sort(byScore);
  }
}

function byScore(x: DuplicateCandidate, y: DuplicateCandidate): number {
  return y.score - x.score || x.a.localeCompare(y.a) || x.b.localeCompare(y.b);
}
