/**
 * The officer's search at city scale: 100,000 registered sites in a SQLite file, the real
 * server on loopback, 200 searches of 500 ft around random points in town, against the
 * officer view's Cameras and Sites layers. Prints latency (p50/p95/max) and rows returned,
 * over HTTP and for `runQuery` alone.
 *
 * The seeded file is cached in the system temp folder, keyed by size, seed and the schema,
 * so reruns skip seeding. `CCR_BENCH_SITES` and `CCR_BENCH_QUERIES` override the sizes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CAMERAS, LAYERS, SITES } from '../src/core/schema/registry-schema.js';
import type { LayerDef } from '../src/core/schema/schema-types.js';
import {
  DEFAULT_OFFICER_READ_LIMITS,
  OfficerReadGuard,
} from '../src/server/security/officer-read-guard.js';
import { createServer, DEFAULT_CITY_EXTENT } from '../src/server/create-server.js';
import { openDatabase } from '../src/server/db/open-database.js';
import { runQuery } from '../src/server/query/run-query.js';
import { seedDatabase } from '../src/server/seed/seed-database.js';
import { SeededRandom } from '../src/server/seed/seeded-random.js';

const SITE_COUNT = Number(process.env.CCR_BENCH_SITES ?? 100_000);
const QUERY_COUNT = Number(process.env.CCR_BENCH_QUERIES ?? 200);
const SEED = 1;
const PASSWORD = 'bench-password-1';
/** Dates in the seeded data are placed relative to this instant. */
const SEED_NOW = Date.UTC(2026, 10, 1);

const root = resolve(import.meta.dirname, '..');

/** Changes whenever the schema or the generator changes, so a stale cache is never used. */
function schemaKey(): string {
  const hash = createHash('sha256').update(JSON.stringify(LAYERS));
  for (const file of [
    'src/server/db/registry-tables.ts',
    'src/server/seed/generate-registry.ts',
    'src/server/seed/seed-database.ts',
  ]) {
    hash.update(readFileSync(resolve(root, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

interface SeedRecord {
  sites: number;
  cameras: number;
  seedMs: number;
}

async function seededFile(): Promise<{ file: string; record: SeedRecord; cached: boolean }> {
  const base = join(tmpdir(), `ccr-bench-${SITE_COUNT}-${SEED}-${schemaKey()}`);
  const file = `${base}.sqlite`;
  const recordFile = `${base}.json`;
  if (existsSync(file) && existsSync(recordFile)) {
    return {
      file,
      record: JSON.parse(readFileSync(recordFile, 'utf8')) as SeedRecord,
      cached: true,
    };
  }
  // Seed beside the final name and rename at the end, so an interrupted run leaves no cache.
  const partial = `${base}.partial-${process.pid}.sqlite`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  const db = openDatabase(partial);
  const counts = await seedDatabase(db, {
    sites: SITE_COUNT,
    seed: SEED,
    now: SEED_NOW,
    demoPassword: PASSWORD,
  });
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  renameSync(partial, file);
  const record = { sites: counts.sites, cameras: counts.cameras, seedMs: counts.elapsedMs };
  writeFileSync(recordFile, JSON.stringify(record));
  return { file, record, cached: false };
}

function percentile(sortedValues: readonly number[], p: number): number {
  const index = Math.min(sortedValues.length - 1, Math.ceil((p / 100) * sortedValues.length) - 1);
  return sortedValues[Math.max(0, index)] ?? Number.NaN;
}

function summary(label: string, ms: readonly number[], rows: readonly number[]): string {
  const sortedMs = [...ms].sort((a, b) => a - b);
  const sortedRows = [...rows].sort((a, b) => a - b);
  const meanRows = rows.reduce((s, r) => s + r, 0) / rows.length;
  return [
    label.padEnd(44),
    `p50 ${percentile(sortedMs, 50).toFixed(2).padStart(7)} ms`,
    `p95 ${percentile(sortedMs, 95).toFixed(2).padStart(7)} ms`,
    `max ${sortedMs.at(-1)!.toFixed(2).padStart(7)} ms`,
    `rows: mean ${meanRows.toFixed(1)}, median ${percentile(sortedRows, 50)}, max ${sortedRows.at(-1)}`,
  ].join('  ');
}

/**
 * Incident points, the same every run: uniform over the city's extent (much of it parks,
 * fields and industry with no registrations), and within about 100 m of a registered site
 * (where incidents near cameras happen).
 */
function incidentPoints(count: number): Record<'uniform' | 'near sites', [number, number][]> {
  const random = new SeededRandom(42);
  const { xmin, ymin, xmax, ymax } = DEFAULT_CITY_EXTENT;
  const uniform = Array.from(
    { length: count },
    () => [random.float(xmin, xmax), random.float(ymin, ymax)] as [number, number],
  );
  const site = db.prepare('SELECT _x AS x, _y AS y FROM sites WHERE "OBJECTID" = ?');
  const nearSites = Array.from({ length: count }, () => {
    const row = site.get(random.int(1, record.sites)) as { x: number; y: number };
    return [row.x + random.float(-0.0012, 0.0012), row.y + random.float(-0.0009, 0.0009)] as [
      number,
      number,
    ];
  });
  return { uniform, 'near sites': nearSites };
}

function searchParams(point: readonly [number, number]): Record<string, string> {
  return {
    f: 'json',
    geometry: `${point[0]},${point[1]}`,
    geometryType: 'esriGeometryPoint',
    inSR: '4326',
    distance: '500',
    units: 'esriSRUnit_Foot',
    outFields: '*',
  };
}

const { file, record, cached } = await seededFile();
console.log(
  `registry: ${record.sites.toLocaleString('en-US')} sites, ${record.cameras.toLocaleString('en-US')} cameras in ${file}`,
);
console.log(
  `seeding: ${(record.seedMs / 1000).toFixed(1)} s${cached ? ' (measured when the cached file was made)' : ''}`,
);

const db = openDatabase(file);
// Day caps off: the benchmark is one officer running hundreds of searches in a row.
const readLimits = { maxSitesPerDay: 1e12, flagSitesPerDay: 1e12 };
const app = await createServer({ db, officerReads: readLimits });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const base = `http://127.0.0.1:${port}`;
const tokenResponse = await fetch(`${base}/arcgis/sharing/rest/generateToken`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ username: 'officer1', password: PASSWORD, f: 'json' }),
});
const { token } = (await tokenResponse.json()) as { token: string };

interface Timing {
  ms: number[];
  rows: number[];
}

async function overHttp(layer: LayerDef, points: readonly [number, number][]): Promise<Timing> {
  const url = `${base}/arcgis/rest/services/CommunityCameras_officer/FeatureServer/${layer.id}/query`;
  const search = async (point: readonly [number, number]) => {
    const response = await fetch(
      `${url}?${new URLSearchParams({ ...searchParams(point), token })}`,
    );
    const body = (await response.json()) as { features?: unknown[]; error?: unknown };
    if (!body.features) throw new Error(`query failed: ${JSON.stringify(body.error)}`);
    return body.features.length;
  };
  // A few untimed requests first, so the JIT and SQLite's page cache are warm.
  for (const point of points.slice(0, 10)) await search(point);
  const timing: Timing = { ms: [], rows: [] };
  for (const point of points) {
    const started = performance.now();
    const rows = await search(point);
    timing.ms.push(performance.now() - started);
    timing.rows.push(rows);
  }
  return timing;
}

function inProcess(layer: LayerDef, points: readonly [number, number][]): Timing {
  const search = (point: readonly [number, number]) =>
    (
      runQuery(
        {
          db,
          layer,
          view: 'officer',
          guard: new OfficerReadGuard(
            db,
            { ...DEFAULT_OFFICER_READ_LIMITS, ...readLimits },
            'officer1',
            'bench',
          ),
        },
        searchParams(point),
      ).body as { features: unknown[] }
    ).features.length;
  for (const point of points.slice(0, 10)) search(point);
  const timing: Timing = { ms: [], rows: [] };
  for (const point of points) {
    const started = performance.now();
    const rows = search(point);
    timing.ms.push(performance.now() - started);
    timing.rows.push(rows);
  }
  return timing;
}

console.log(`${QUERY_COUNT} searches of 500 ft (geometry + distance + units, outFields=*):`);
for (const [where, points] of Object.entries(incidentPoints(QUERY_COUNT))) {
  for (const layer of [CAMERAS, SITES]) {
    const http = await overHttp(layer, points);
    console.log(summary(`HTTP officer ${layer.name}, ${where}`, http.ms, http.rows));
    const direct = inProcess(layer, points);
    console.log(summary(`runQuery officer ${layer.name}, ${where}`, direct.ms, direct.rows));
  }
}

await app.close();
db.close();
