import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError, ErrorCode } from '../../core/errors.js';
import { CAMERAS, LAYERS, SITES } from '../../core/schema/registry-schema.js';
import { upsertUser, type Role } from '../auth/accounts.js';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';
import { insertRow } from '../db/feature-rows.js';
import { restoreAuditGuards, rtreeName, tableName } from '../db/registry-tables.js';
import {
  countAddressPoints,
  ensureGeocodeSchema,
  loadAddressPoints,
} from '../geocode/address-points.js';
import { generateAddressPoints } from './generate-address-points.js';
import { generateRegistry } from './generate-registry.js';

/** Password of the demo accounts when neither `--password` nor `CCR_DEMO_PASSWORD` gives one. */
export const DEFAULT_DEMO_PASSWORD = 'demo-Independence-2026';

/** The demo accounts every seeded database gets, one per role. */
export const DEMO_ACCOUNTS: readonly {
  readonly username: string;
  readonly role: Role;
  readonly fullName: string;
}[] = [
  { username: 'officer1', role: 'officer', fullName: 'Demo Officer' },
  { username: 'analyst1', role: 'analyst', fullName: 'Demo Analyst' },
  { username: 'admin1', role: 'admin', fullName: 'Demo Administrator' },
];

export interface SeedProgress {
  readonly phase: 'users' | 'address-points' | 'registry' | 'done';
  readonly sites: number;
  readonly cameras: number;
  readonly totalSites: number;
  readonly elapsedMs: number;
}

export interface SeedOptions {
  readonly sites: number;
  readonly seed: number;
  /** "Now" for the generated dates, epoch milliseconds; default `Date.now()`. */
  readonly now?: number;
  readonly demoPassword: string;
  /** Replace an existing registry (see {@link clearRegistry}) instead of refusing. */
  readonly force?: boolean;
  /** Marker for privacy tests, put into one site's contact (see generateRegistry). */
  readonly canary?: string;
  /** Rows (sites plus cameras) per transaction; default 20,000. */
  readonly batchRows?: number;
  readonly onProgress?: (progress: SeedProgress) => void;
}

export interface SeedCounts {
  readonly sites: number;
  readonly cameras: number;
  /** Address points the geocoder holds after seeding. */
  readonly addressPoints: number;
  /** Address points this call loaded (0 when the table already had points). */
  readonly addressPointsLoaded: number;
  readonly users: number;
  readonly elapsedMs: number;
}

/** Page cache while seeding: 256 MiB at most (negative values are KiB). */
const SEED_CACHE_KIB = -262_144;

/** Rows in a layer's table. */
export function countRows(db: Database, layer: (typeof LAYERS)[number]): number {
  return Number(
    (prepared(db, `SELECT count(*) AS n FROM ${tableName(layer)}`).get() as { n: number }).n,
  );
}

/**
 * Empties every registry table (sites, cameras, contact log, search audit, change
 * requests) with their spatial indexes, and restarts their OBJECTIDs at 1. Users, tokens
 * and address points stay.
 */
export function clearRegistry(db: Database): void {
  const run = (): void => {
    // Replacing a whole demo registry is the one time the audit trail goes too.
    db.exec('DROP TRIGGER IF EXISTS search_audit_no_delete');
    for (const layer of LAYERS) {
      // Emptying the R*Tree first makes the per-row delete trigger cheap.
      if (layer.kind === 'point') db.exec(`DELETE FROM ${rtreeName(layer)}`);
      db.exec(`DELETE FROM ${tableName(layer)}`);
    }
    const names = LAYERS.map((layer) => tableName(layer));
    prepared(
      db,
      `DELETE FROM sqlite_sequence WHERE name IN (${names.map(() => '?').join(', ')})`,
    ).run(...names);
    restoreAuditGuards(db);
  };
  if (db.isTransaction) run();
  else inWriteTransaction(db, run);
}

/**
 * Makes `db` ready for seeding: refuses (CONFLICT) when it already has sites, unless
 * `force`, which clears the registry first. Returns how many sites were there.
 */
export function prepareSeedTarget(
  db: Database,
  options: { readonly force?: boolean } = {},
): number {
  const existing = countRows(db, SITES);
  if (existing > 0) {
    if (!options.force) {
      throw new AppError(ErrorCode.Conflict, `The database already has ${existing} sites.`);
    }
    clearRegistry(db);
  }
  return existing;
}

/**
 * Fills a database with demo data: the demo accounts (password `demoPassword`), the
 * synthetic address points for the geocoder (only when it has none), and `sites`
 * synthetic registrations with their cameras, deterministic for `(sites, seed, now)`.
 *
 * Rows go in through `insertRow` (so the R*Tree triggers run) in `BEGIN IMMEDIATE`
 * transactions of about 20,000 rows, yielding to the event loop between them.
 */
export async function seedDatabase(db: Database, options: SeedOptions): Promise<SeedCounts> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const totalSites = options.sites;
  const batchRows = options.batchRows ?? 20_000;
  if (!Number.isInteger(totalSites) || totalSites < 0)
    throw new RangeError(`sites must be a whole number >= 0, got ${totalSites}`);
  if (!options.demoPassword) throw new RangeError('demoPassword is required');
  const progress = (phase: SeedProgress['phase'], sites: number, cameras: number): void =>
    options.onProgress?.({
      phase,
      sites,
      cameras,
      totalSites,
      elapsedMs: performance.now() - started,
    });

  ensureGeocodeSchema(db);
  prepareSeedTarget(db, { force: options.force });

  // The three hashes (scrypt, 128 MiB each) run side by side on libuv's pool.
  progress('users', 0, 0);
  await Promise.all(
    DEMO_ACCOUNTS.map((account) => upsertUser(db, { ...account, password: options.demoPassword })),
  );

  progress('address-points', 0, 0);
  const points = generateAddressPoints();
  const addressPointsLoaded = countAddressPoints(db) === 0 ? loadAddressPoints(db, points) : 0;

  // Random GlobalIDs land all over their unique indexes: a page cache that holds them
  // saves about a third of the time. The connection's own setting comes back afterwards.
  const cacheSize = Number(
    (prepared(db, 'PRAGMA cache_size').get() as { cache_size: number }).cache_size,
  );
  if (totalSites > 10_000) db.exec(`PRAGMA cache_size = ${SEED_CACHE_KIB}`);
  let sites = 0;
  let cameras = 0;
  try {
    const records = generateRegistry({
      sites: totalSites,
      seed: options.seed,
      now,
      canary: options.canary,
      addressPoints: points,
    });
    let finished = false;
    while (!finished) {
      inWriteTransaction(db, () => {
        let rows = 0;
        while (rows < batchRows) {
          const next = records.next();
          if (next.done) {
            finished = true;
            return;
          }
          const { site, cameras: siteCameras } = next.value;
          insertRow(db, SITES, site.attributes, site.point);
          for (const camera of siteCameras) insertRow(db, CAMERAS, camera.attributes, camera.point);
          sites++;
          cameras += siteCameras.length;
          rows += 1 + siteCameras.length;
        }
      });
      progress('registry', sites, cameras);
      if (!finished) await nextTurn();
    }
  } finally {
    db.exec(`PRAGMA cache_size = ${cacheSize}`);
  }
  // Fresh statistics for the query planner, now that the tables are full.
  db.exec('ANALYZE');
  progress('done', sites, cameras);
  return {
    sites,
    cameras,
    addressPoints: countAddressPoints(db),
    addressPointsLoaded,
    users: DEMO_ACCOUNTS.length,
    elapsedMs: performance.now() - started,
  };
}
