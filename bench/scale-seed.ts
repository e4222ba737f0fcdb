/**
 * Seeded registries for the scale benchmark, cached in the system temp folder.
 *
 * Sizes are counted in sites; the generator gives about 2.17 cameras a site, so 46,000 sites
 * hold about 100,000 cameras and 460,000 sites about a million, over today's city extent.
 * The file is keyed by size, seed and the sources that decide its rows (schema, generator,
 * seeding, row insertion), so a stale cache is never used. Indexes are not part of the key:
 * `openDatabase` creates missing ones on open.
 *
 * Run directly (`tsx bench/scale-seed.ts 460000`) to seed ahead of a benchmark.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LAYERS } from '../src/core/schema/registry-schema.js';
import { openDatabase } from '../src/server/db/open-database.js';
import { DEFAULT_CITY_EXTENT } from '../src/server/create-server.js';
import { seedDatabase } from '../src/server/seed/seed-database.js';
import { SeededRandom } from '../src/server/seed/seeded-random.js';

export const SCALE_SEED = 1;
export const SCALE_PASSWORD = 'bench-password-1';
/** Dates in the seeded data are placed relative to this instant. */
export const SCALE_SEED_NOW = Date.UTC(2026, 10, 1);

const root = resolve(import.meta.dirname, '..');

function sourceKey(): string {
  const hash = createHash('sha256').update(JSON.stringify(LAYERS));
  for (const file of [
    'src/server/seed/generate-registry.ts',
    'src/server/seed/seed-database.ts',
    'src/server/db/feature-rows.ts',
  ]) {
    hash.update(readFileSync(resolve(root, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

export interface ScaleRecord {
  readonly sites: number;
  readonly cameras: number;
  readonly seedMs: number;
}

/** The cached registry of `sites` sites, seeding it first when there is none. */
export async function scaleDatabase(
  sites: number,
  log: (line: string) => void = () => {},
): Promise<{ file: string; record: ScaleRecord; cached: boolean }> {
  const base = join(tmpdir(), `ccr-scale-${sites}-${SCALE_SEED}-${sourceKey()}`);
  const file = `${base}.sqlite`;
  const recordFile = `${base}.json`;
  if (existsSync(file) && existsSync(recordFile)) {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as ScaleRecord;
    return { file, record, cached: true };
  }
  // Seed beside the final name and rename at the end, so an interrupted run leaves no cache.
  const partial = `${base}.partial-${process.pid}.sqlite`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  const db = openDatabase(partial);
  // A cache file is rebuilt rather than recovered, so seeding need not wait for the disk.
  db.exec('PRAGMA synchronous = OFF');
  let lastLog = 0;
  const counts = await seedDatabase(db, {
    sites,
    seed: SCALE_SEED,
    now: SCALE_SEED_NOW,
    demoPassword: SCALE_PASSWORD,
    onProgress: (p) => {
      if (p.phase === 'registry' && p.elapsedMs - lastLog > 15_000) {
        lastLog = p.elapsedMs;
        log(
          `  seeding ${p.sites.toLocaleString('en-US')} / ${p.totalSites.toLocaleString('en-US')} sites, ${(p.elapsedMs / 1000).toFixed(0)} s`,
        );
      }
    },
  });
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  renameSync(partial, file);
  const record = { sites: counts.sites, cameras: counts.cameras, seedMs: counts.elapsedMs };
  writeFileSync(recordFile, JSON.stringify(record));
  return { file, record, cached: false };
}

/**
 * Incident points, the same every run: half uniform over the city's extent (much of it parks,
 * fields and industry with no registrations), half exactly at cameras (any camera, visible
 * to officers or not).
 */
export function incidentPoints(file: string, count: number): [number, number][] {
  const random = new SeededRandom(42);
  const { xmin, ymin, xmax, ymax } = DEFAULT_CITY_EXTENT;
  const points = Array.from(
    { length: Math.floor(count / 2) },
    () => [random.float(xmin, xmax), random.float(ymin, ymax)] as [number, number],
  );
  const db = openDatabase(file);
  try {
    const { n } = db.prepare('SELECT max("OBJECTID") AS n FROM cameras').get() as { n: number };
    const camera = db.prepare('SELECT _x AS x, _y AS y FROM cameras WHERE "OBJECTID" = ?');
    while (points.length < count) {
      const row = camera.get(random.int(1, n)) as { x: number | null; y: number | null };
      if (row.x !== null && row.y !== null) points.push([row.x, row.y]);
    }
  } finally {
    db.close();
  }
  return points;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const size of process.argv.slice(2).map(Number)) {
    const { file, record, cached } = await scaleDatabase(size, console.log);
    console.log(
      `${file}: ${record.sites} sites, ${record.cameras} cameras, seeded in ${(record.seedMs / 1000).toFixed(1)} s${cached ? ' (cached)' : ''}; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
    );
  }
}
