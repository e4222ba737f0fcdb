/**
 * Where the time of the officer's 500 ft Cameras query goes, phase by phase, in process
 * (`tsx bench/scale-profile.ts 460000`): the same points as the scale benchmark, each phase
 * run on its own as `runQuery` runs it, timed with `performance.now()`, medians printed.
 * Phases: request parsing (with the spatial filter), the view definition's compilation,
 * the R*Tree probe alone, the probe with each row's coordinates, the probe with the
 * visibility check (camera not removed, site verified and not expired), the geodesic filter,
 * the row reads of the answer, building features, JSON; and `runQuery` whole, for comparison.
 */
import { readFileSync } from 'node:fs';
import { CAMERAS } from '../src/core/schema/registry-schema.js';
import { openDatabase } from '../src/server/db/open-database.js';
import { rtreeName, tableName, X_COLUMN, Y_COLUMN } from '../src/server/db/registry-tables.js';
import { parseQueryRequest } from '../src/server/query/query-request.js';
import { runQuery } from '../src/server/query/run-query.js';
import { viewDefinition } from '../src/server/query/view-definition.js';
import {
  DEFAULT_OFFICER_READ_LIMITS,
  OfficerReadGuard,
} from '../src/server/security/officer-read-guard.js';
import { incidentPoints, scaleDatabase } from './scale-seed.js';

const sites = Number(process.argv[2] ?? 46_000);
const { file, record } = await scaleDatabase(sites, console.log);
const db = openDatabase(file);
const points = incidentPoints(file, 200);
const layer = CAMERAS;
const table = tableName(layer);

const params = (point: readonly [number, number]) => ({
  f: 'json',
  geometry: `${point[0]},${point[1]}`,
  geometryType: 'esriGeometryPoint',
  inSR: '4326',
  spatialRel: 'esriSpatialRelIntersects',
  distance: '500',
  units: 'esriSRUnit_Foot',
  outFields: '*',
  returnGeometry: 'true',
  outSR: '4326',
});

const phases = new Map<string, number[]>();
function timed<T>(phase: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  const ms = performance.now() - started;
  let list = phases.get(phase);
  if (!list) phases.set(phase, (list = []));
  list.push(ms);
  return result;
}

function onePass(point: readonly [number, number]): void {
  const now = Date.now();
  const request = timed('parse request + spatial filter', () =>
    parseQueryRequest(params(point), layer, 'officer', now, 'officer1'),
  );
  const filter = request.spatial!;
  const definition = timed('compile view definition', () =>
    viewDefinition(layer, 'officer', now, { reader: 'officer1' }),
  );
  const [minX, minY, maxX, maxY] = filter.bbox;
  const box = [maxX, minX, maxY, minY];
  const boxSql = 'r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?';
  timed('rtree probe (ids only)', () =>
    db.prepare(`SELECT r.id FROM ${rtreeName(layer)} r WHERE ${boxSql}`).all(...box),
  );
  timed('rtree probe + row x,y', () =>
    db
      .prepare(
        `SELECT t."OBJECTID" AS id, t.${X_COLUMN} AS x, t.${Y_COLUMN} AS y FROM ${rtreeName(layer)} r CROSS JOIN ${table} t ON t."OBJECTID" = r.id WHERE ${boxSql}`,
      )
      .all(...box),
  );
  const candidateSql = `SELECT t."OBJECTID" AS id, t.${X_COLUMN} AS x, t.${Y_COLUMN} AS y
      FROM ${rtreeName(layer)} r CROSS JOIN ${table} t ON t."OBJECTID" = r.id
      WHERE ${boxSql} AND (${definition.sql}) AND (${request.where.sql})`;
  const rows = timed(
    'rtree probe + row x,y + visibility',
    () =>
      db.prepare(candidateSql).all(...box, ...definition.params, ...request.where.params) as {
        id: number;
        x: number;
        y: number;
      }[],
  );
  const matching = timed('geodesic filter', () =>
    rows.filter((row) => filter.matches(row.x, row.y)).map((row) => row.id),
  );
  const columns = request.outFields.map((f) => `"${f.name}"`).join(', ');
  const full = timed(
    'row reads (answer columns)',
    () =>
      db
        .prepare(
          `SELECT ${columns}, ${X_COLUMN}, ${Y_COLUMN} FROM ${table} WHERE "OBJECTID" IN (SELECT value FROM json_each(?)) ORDER BY "OBJECTID" LIMIT ? OFFSET ?`,
        )
        .all(JSON.stringify(matching), 2001, 0) as Record<string, unknown>[],
  );
  const features = timed('build features', () =>
    full.map((row) => {
      const attributes: Record<string, unknown> = {};
      for (const field of request.outFields) attributes[field.name] = row[field.name] ?? null;
      return { attributes, geometry: { x: row[X_COLUMN], y: row[Y_COLUMN] } };
    }),
  );
  timed('JSON.stringify', () => JSON.stringify({ features }));
  const guard = new OfficerReadGuard(
    db,
    { ...DEFAULT_OFFICER_READ_LIMITS, maxSitesPerDay: 1e12, flagSitesPerDay: 1e12 },
    'officer1',
    'profile',
  );
  const body = timed('runQuery whole', () =>
    runQuery({ db, layer, view: 'officer', guard, username: 'officer1' }, params(point)),
  ).body;
  timed('JSON.stringify of runQuery body', () => JSON.stringify(body));
  const counted = timed('candidates (count, not ms)', () => 0);
  void counted;
  phases.get('candidates (count, not ms)')!.splice(-1, 1, rows.length);
  let hits = phases.get('hits (count, not ms)');
  if (!hits) phases.set('hits (count, not ms)', (hits = []));
  hits.push(matching.length);
}

for (const point of points.slice(0, 10)) onePass(point);
phases.clear();
for (const point of points) onePass(point);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const mean = (values: readonly number[]): number =>
  values.reduce((s, v) => s + v, 0) / values.length;
console.log(
  `${record.cameras.toLocaleString('en-US')} cameras, ${points.length} points, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
for (const [phase, values] of phases) {
  console.log(
    `${phase.padEnd(40)} median ${median(values).toFixed(3).padStart(8)}  mean ${mean(values).toFixed(3).padStart(8)}`,
  );
}
db.close();
