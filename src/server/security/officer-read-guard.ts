/**
 * Officers' reads of residents' contact details. Cameras and sites without contact fields
 * may be read at any scale (a map must draw); a read that touches a contact field in any
 * way (returned, grouped, aggregated, ordered by or tested in `where`) is measured on what
 * it actually selects, whatever the filter looked like:
 *
 * 1. a spatial filter, if any, must fit in a box of {@link OfficerReadLimits.maxSpanMeters}
 *    on each side (its buffered, all-parts bounding box, measured geodesically);
 * 2. the sites it selects (all of them, not one page) must number at most
 *    {@link OfficerReadLimits.maxSitesPerRequest} and lie within such a box too;
 * 3. the officer's sites read in the last 24 hours, with these, must stay within
 *    {@link OfficerReadLimits.maxSitesPerDay}; past {@link OfficerReadLimits.flagSitesPerDay}
 *    each read is flagged in the audit;
 * 4. it is recorded in the officer-read audit (hash-chained) before any row is returned.
 */
import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../../core/errors.js';
import { geodesicDistanceMeters, parallelRadiusMeters } from '../../core/geometry/geodesy.js';
import type { FieldDef, LayerDef } from '../../core/schema/schema-types.js';
import { CONTACT_SEARCH_MAX_SPAN_METERS } from '../../core/search/search-config.js';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';

/** Limits on what officers may read with residents' contact details. */
export interface OfficerReadLimits {
  /** Widest and tallest box (geodesic metres) that the sites of one contact read may span. */
  readonly maxSpanMeters: number;
  /** Most sites one request may return with contact fields. */
  readonly maxSitesPerRequest: number;
  /** Sites with contact fields one officer may read in 24 hours. */
  readonly maxSitesPerDay: number;
  /** Past this many sites in 24 hours the officer's reads are flagged for review. */
  readonly flagSitesPerDay: number;
}

export const DEFAULT_OFFICER_READ_LIMITS: OfficerReadLimits = {
  maxSpanMeters: CONTACT_SEARCH_MAX_SPAN_METERS,
  maxSitesPerRequest: 1_000,
  maxSitesPerDay: 2_000,
  flagSitesPerDay: 500,
};

const DAY_MS = 86_400_000;
/** How long an officer may see the contact log of a site their search returned. */
export const SITE_READ_MEMORY_MS = 30 * DAY_MS;
const DEG = Math.PI / 180;
export const READ_AUDIT_GENESIS = '0'.repeat(64);

/** A selected site: where it is, for the span check, and which it is, for the audit. */
export interface SelectedSite {
  readonly id: number;
  readonly guid: string | null;
  readonly x: number | null;
  readonly y: number | null;
}

/** What the audit keeps of a request's filter: its shape, never a resident's data. */
export interface ReadSummary {
  readonly operation: 'query' | 'queryRelatedRecords';
  readonly answer: string;
  /** Buffered bounding box of the spatial filter, rounded to about 10 m. */
  readonly bbox?: readonly number[];
  readonly whereFields?: readonly string[];
  readonly objectIds?: number;
  readonly contactFields: readonly string[];
}

/** Width (along the parallel nearest the equator) and height of a lon/lat box, in metres. */
export function boxSpanMeters(box: readonly [number, number, number, number]): {
  width: number;
  height: number;
} {
  const [minX, minY, maxX, maxY] = box;
  const nearestEquator = minY <= 0 && maxY >= 0 ? 0 : Math.min(Math.abs(minY), Math.abs(maxY));
  return {
    width: parallelRadiusMeters(nearestEquator) * (maxX - minX) * DEG,
    height: geodesicDistanceMeters([0, minY], [0, maxY]),
  };
}

/** The contact fields among `touched` (names in any case), for a layer. */
export function contactFieldsTouched(
  layer: LayerDef,
  touched: Iterable<string>,
): readonly string[] {
  const contact = new Map<string, FieldDef>(
    layer.fields.filter((f) => f.contact).map((f) => [f.name.toLowerCase(), f]),
  );
  const found = new Set<string>();
  for (const name of touched) {
    const field = contact.get(name.toLowerCase());
    if (field) found.add(field.name);
  }
  return [...found].sort();
}

const tooWide = (limits: OfficerReadLimits, field: string) =>
  new AppError(
    ErrorCode.InvalidInput,
    `Contact details are given only for searches within ${limits.maxSpanMeters / 1000} km by ${limits.maxSpanMeters / 1000} km. Search a smaller area, or leave contact fields out.`,
    [field],
    { field },
  );

/**
 * Checks and records one officer's read of contact fields. One instance per request; the
 * query code calls {@link checkFilter} before any SQL and {@link admit} with what the full
 * filter selects before it returns anything.
 */
export class OfficerReadGuard {
  readonly limits: OfficerReadLimits;
  readonly username: string;
  private readonly db: Database;
  private readonly route: string;
  private readonly now: () => number;

  constructor(
    db: Database,
    limits: OfficerReadLimits,
    username: string,
    route: string,
    now: () => number = Date.now,
  ) {
    this.db = db;
    this.limits = limits;
    this.username = username;
    this.route = route;
    this.now = now;
  }

  /** Refuses, before any work, a contact read whose spatial filter or id list is too wide. */
  checkFilter(
    bbox: readonly [number, number, number, number] | undefined,
    objectIdCount: number,
  ): void {
    if (bbox) {
      const { width, height } = boxSpanMeters(bbox);
      if (!(width <= this.limits.maxSpanMeters && height <= this.limits.maxSpanMeters))
        throw tooWide(this.limits, 'geometry');
    }
    if (objectIdCount > this.limits.maxSitesPerRequest) {
      throw new AppError(
        ErrorCode.InvalidInput,
        `Contact details are given for at most ${this.limits.maxSitesPerRequest} sites at a time.`,
        ['objectIds'],
        { field: 'objectIds' },
      );
    }
  }

  /**
   * Admits a contact read of `sites` (everything the filter selects; the caller selects at
   * most `maxSitesPerRequest + 1`) or refuses it, and records it. Throws before recording
   * when refused, so a refused read leaves only its security event.
   */
  admit(layer: LayerDef, sites: readonly SelectedSite[], summary: ReadSummary): void {
    const { limits } = this;
    if (sites.length > limits.maxSitesPerRequest) {
      throw new AppError(
        ErrorCode.InvalidInput,
        `This search selects more than ${limits.maxSitesPerRequest} sites. Search a smaller area to see contact details.`,
        ['geometry'],
        { field: 'geometry' },
      );
    }
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const site of sites) {
      if (site.x === null || site.y === null) continue;
      minX = Math.min(minX, site.x);
      maxX = Math.max(maxX, site.x);
      minY = Math.min(minY, site.y);
      maxY = Math.max(maxY, site.y);
    }
    if (minX <= maxX) {
      const { width, height } = boxSpanMeters([minX, minY, maxX, maxY]);
      if (!(width <= limits.maxSpanMeters && height <= limits.maxSpanMeters))
        throw tooWide(limits, 'geometry');
    }
    const at = this.now();
    inWriteTransaction(this.db, () => {
      const window = prepared(
        this.db,
        'SELECT at, sites FROM officer_read_audit WHERE username = ? AND at > ? ORDER BY id',
      ).all(this.username, at - DAY_MS) as { at: number; sites: number }[];
      const readToday = window.reduce((sum, row) => sum + row.sites, 0);
      if (readToday + sites.length > limits.maxSitesPerDay) {
        // Waits until enough of the oldest reads leave the 24-hour window.
        let excess = readToday + sites.length - limits.maxSitesPerDay;
        let until = at + DAY_MS;
        for (const row of window) {
          excess -= row.sites;
          if (excess <= 0) {
            until = row.at + DAY_MS;
            break;
          }
        }
        const retryAfterSeconds = Math.max(1, Math.ceil((until - at) / 1000));
        throw new AppError(
          ErrorCode.RateLimited,
          `You have read the contact details of ${readToday} sites in the last 24 hours; the limit is ${limits.maxSitesPerDay}. Ask a supervisor, or try again later.`,
          [`Retry after ${retryAfterSeconds} seconds.`],
          { retryAfterSeconds },
        );
      }
      const flagged = readToday + sites.length > limits.flagSitesPerDay;
      appendReadAudit(this.db, {
        at,
        username: this.username,
        route: this.route,
        layer: layer.name,
        summary: JSON.stringify(summary),
        sites: sites.length,
        flagged: flagged ? 1 : 0,
      });
      const remember = prepared(
        this.db,
        'INSERT INTO officer_site_reads (username, site_guid, read_at) VALUES (?, ?, ?)',
      );
      for (const site of sites) if (site.guid) remember.run(this.username, site.guid, at);
      prepared(this.db, 'DELETE FROM officer_site_reads WHERE read_at < ?').run(
        at - SITE_READ_MEMORY_MS,
      );
    });
  }
}

/** One row of the officer-read audit, before its hashes. */
export interface ReadAuditEntry {
  readonly at: number;
  readonly username: string;
  readonly route: string;
  readonly layer: string;
  /** JSON of a {@link ReadSummary}. */
  readonly summary: string;
  readonly sites: number;
  readonly flagged: 0 | 1;
}

/** The chain: each entry's hash covers its own fields and the previous entry's hash. */
export function readAuditEntryHash(prev: string, entry: ReadAuditEntry): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        prev,
        entry.at,
        entry.username,
        entry.route,
        entry.layer,
        entry.summary,
        entry.sites,
        entry.flagged,
      ]),
    )
    .digest('hex');
}

function appendReadAudit(db: Database, entry: ReadAuditEntry): void {
  const last = prepared(
    db,
    'SELECT entry_hash FROM officer_read_audit ORDER BY id DESC LIMIT 1',
  ).get() as { entry_hash: string } | undefined;
  const prev = last?.entry_hash ?? READ_AUDIT_GENESIS;
  prepared(
    db,
    `INSERT INTO officer_read_audit (at, username, route, layer, summary, sites, flagged, prev_hash, entry_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    entry.at,
    entry.username,
    entry.route,
    entry.layer,
    entry.summary,
    entry.sites,
    entry.flagged,
    prev,
    readAuditEntryHash(prev, entry),
  );
}

/** Rounds a box outward to 1e-4 degrees (about 10 m) for the audit. */
export function auditBox(box: readonly [number, number, number, number]): number[] {
  const down = (v: number) => Math.floor(v * 1e4) / 1e4;
  const up = (v: number) => Math.ceil(v * 1e4) / 1e4;
  return [down(box[0]), down(box[1]), up(box[2]), up(box[3])];
}
