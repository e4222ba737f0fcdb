/**
 * The officer's search at scale (`npm run bench -- scale`; not part of a plain `npm run bench`,
 * since seeding a million cameras takes minutes). For about 100,000 and about a million cameras
 * at today's density (46,000 and 460,000 sites over the city), the server in its own process
 * on loopback, signed in as `officer1`: 200 incident points (100 uniform over the city, 100 at
 * cameras), each a 500 ft geodesic distance query of the officer view's Cameras layer
 * (`geometry` point, `distance=500`, `units=esriSRUnit_Foot`), once with `outFields=*` and
 * geometry and once with `returnIdsOnly`. Prints median, p95, p99 and hits, checks 20 of the
 * answers against a brute-force scan of every visible camera (GeographicLib distance), and
 * prints the server's resident memory after the run.
 *
 * `CCR_SCALE_SITES` (comma-separated site counts) and `CCR_SCALE_QUERIES` override the sizes;
 * `CCR_SCALE_PROFILE=dir` runs the server under `--cpu-prof` writing to `dir`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { geodesicDistanceMeters } from '../src/core/geometry/geodesy.js';
import { CAMERAS } from '../src/core/schema/registry-schema.js';
import { openDatabase } from '../src/server/db/open-database.js';
import { incidentPoints, SCALE_PASSWORD, scaleDatabase } from './scale-seed.js';

const SITE_COUNTS = (process.env.CCR_SCALE_SITES ?? '46000,460000').split(',').map(Number);
const QUERY_COUNT = Number(process.env.CCR_SCALE_QUERIES ?? 200);
const PROFILE_DIR = process.env.CCR_SCALE_PROFILE;
const RADIUS_FEET = 500;
const RADIUS_METERS = RADIUS_FEET * 0.3048;
const ORACLE_POINTS = 20;

const loadavg = (): string =>
  readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

function summary(label: string, ms: readonly number[], hits: readonly number[]): string {
  const sortedMs = [...ms].sort((a, b) => a - b);
  const sortedHits = [...hits].sort((a, b) => a - b);
  const meanHits = hits.reduce((s, h) => s + h, 0) / hits.length;
  return [
    label.padEnd(40),
    `median ${percentile(sortedMs, 50).toFixed(2).padStart(7)} ms`,
    `p95 ${percentile(sortedMs, 95).toFixed(2).padStart(7)} ms`,
    `p99 ${percentile(sortedMs, 99).toFixed(2).padStart(7)} ms`,
    `hits: mean ${meanHits.toFixed(1)}, median ${percentile(sortedHits, 50)}, max ${sortedHits.at(-1)}`,
    `(load ${loadavg()})`,
  ].join('  ');
}

/** Starts the server process on `file`; resolves with its base URL once it listens. */
async function startServer(file: string): Promise<{ child: ChildProcess; base: string }> {
  const execArgv = ['--import', 'tsx'];
  if (PROFILE_DIR) execArgv.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`);
  const child = fork(new URL('./scale-server.ts', import.meta.url).pathname, [file], {
    execArgv,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const { port } = JSON.parse(line) as { port: number };
    return { child, base: `http://127.0.0.1:${port}` };
  }
  throw new Error('the server exited before listening');
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(message);
  });
}

/** Visible cameras by the officer view's rule, written out here independently of the server. */
function visibleCameras(file: string, now: number): { id: number; x: number; y: number }[] {
  const db = openDatabase(file);
  try {
    return db
      .prepare(
        `SELECT c."OBJECTID" AS id, c._x AS x, c._y AS y FROM cameras c JOIN sites s ON s."GlobalID" = c.site_guid
         WHERE (c.status IS NULL OR c.status <> 'removed') AND s.status = 'verified'
           AND (s.confirm_due_at IS NULL OR s.confirm_due_at > ?) AND c._x IS NOT NULL`,
      )
      .all(now) as { id: number; x: number; y: number }[];
  } finally {
    db.close();
  }
}

function searchParams(point: readonly [number, number], idsOnly: boolean): Record<string, string> {
  return {
    f: 'json',
    geometry: `${point[0]},${point[1]}`,
    geometryType: 'esriGeometryPoint',
    inSR: '4326',
    spatialRel: 'esriSpatialRelIntersects',
    distance: String(RADIUS_FEET),
    units: 'esriSRUnit_Foot',
    ...(idsOnly
      ? { returnIdsOnly: 'true' }
      : { outFields: '*', returnGeometry: 'true', outSR: '4326' }),
  };
}

interface Answer {
  features?: unknown[];
  objectIds?: number[];
  exceededTransferLimit?: boolean;
  error?: unknown;
}

for (const sites of SITE_COUNTS) {
  const started = performance.now();
  const { file, record, cached } = await scaleDatabase(sites, console.log);
  const seedSeconds = record.seedMs / 1000;
  console.log(
    `\n### ${record.cameras.toLocaleString('en-US')} cameras at ${record.sites.toLocaleString('en-US')} sites (${file})`,
  );
  console.log(
    `seeding: ${seedSeconds.toFixed(1)} s, ${Math.round(record.sites / seedSeconds).toLocaleString('en-US')} sites/s${cached ? ' (when the cached file was made)' : ` (load ${loadavg()})`}`,
  );
  const points = incidentPoints(file, QUERY_COUNT);
  const { child, base } = await startServer(file);
  const tokenResponse = await fetch(`${base}/arcgis/sharing/rest/generateToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'officer1', password: SCALE_PASSWORD, f: 'json' }),
  });
  const { token } = (await tokenResponse.json()) as { token: string };
  const url = `${base}/arcgis/rest/services/CommunityCameras_officer/FeatureServer/${CAMERAS.id}/query`;
  const search = async (point: readonly [number, number], idsOnly: boolean): Promise<Answer> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...searchParams(point, idsOnly), token }),
    });
    const body = (await response.json()) as Answer;
    if (body.error) throw new Error(`query failed: ${JSON.stringify(body.error)}`);
    return body;
  };

  const idAnswers: number[][] = [];
  for (const idsOnly of [false, true]) {
    // Untimed requests first, so the JIT and SQLite's page cache are warm.
    for (const point of points.slice(0, 10)) await search(point, idsOnly);
    const ms: number[] = [];
    const hits: number[] = [];
    let exceeded = 0;
    for (const point of points) {
      const t0 = performance.now();
      const body = await search(point, idsOnly);
      ms.push(performance.now() - t0);
      const count = idsOnly ? body.objectIds!.length : body.features!.length;
      hits.push(count);
      if (body.exceededTransferLimit) exceeded += 1;
      if (idsOnly) idAnswers.push(body.objectIds!);
    }
    const label = `officer Cameras, ${idsOnly ? 'returnIdsOnly' : 'outFields=*'}`;
    console.log(summary(label, ms, hits));
    if (exceeded) console.log(`  ${exceeded} answers stopped at maxRecordCount`);
  }
  const { rss } = await ask<{ rss: number }>(child, 'rss');
  console.log(
    `server RSS after ${(QUERY_COUNT + 10) * 2} searches: ${(rss / 2 ** 20).toFixed(0)} MB (load ${loadavg()})`,
  );
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));

  // Exactness: a brute-force scan of every visible camera for a sample of the points.
  const visible = visibleCameras(file, Date.now());
  let mismatches = 0;
  const step = Math.max(1, Math.floor(points.length / ORACLE_POINTS));
  for (let i = 0; i < points.length; i += step) {
    const point = points[i]!;
    const expected = visible
      .filter((c) => geodesicDistanceMeters([c.x, c.y], point) <= RADIUS_METERS)
      .map((c) => c.id)
      .sort((a, b) => a - b);
    const actual = [...idAnswers[i]!].sort((a, b) => a - b);
    if (expected.join() !== actual.join()) {
      mismatches += 1;
      console.log(
        `  MISMATCH at ${point.join(',')}: brute force ${expected.length}, server ${actual.length}`,
      );
    }
  }
  console.log(
    `brute-force check: ${Math.ceil(points.length / step) - mismatches} of ${Math.ceil(points.length / step)} answers equal (${visible.length.toLocaleString('en-US')} visible cameras scanned)`,
  );
  if (mismatches > 0) process.exitCode = 1;
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s for this size)`);
}

// PostgreSQL 15 may be installed without PostGIS: the extension's control file decides.
const postgis = existsSync('/usr/share/postgresql/15/extension/postgis.control');
if (!postgis) {
  console.log(
    '\nPostGIS comparison skipped: no local PostgreSQL with PostGIS (apt-get install postgresql-15-postgis-3)',
  );
} else {
  console.log('\nPostGIS is installed; the side-by-side comparison is not written yet.');
}
