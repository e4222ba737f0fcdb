/**
 * What the compatibility tests expect, read straight from the test server's SQLite database
 * (never through the server's query code): the rows each view shows, and the part of town
 * an officer's contact search may cover.
 */
import type { TestServer } from './test-server.js';

export interface PointRow {
  readonly id: number;
  readonly x: number;
  readonly y: number;
}

/** The officer view's definition of Sites, in SQL: verified and not past confirmation. */
const OFFICER_SITES = `status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > unixepoch('subsec') * 1000)`;
/** Officer Cameras: not removed, at a site the officer view shows. */
const OFFICER_CAMERAS = `(status IS NULL OR status <> 'removed') AND site_guid IN (SELECT "GlobalID" FROM sites WHERE ${OFFICER_SITES})`;

function rows(server: TestServer, table: 'sites' | 'cameras', where: string): PointRow[] {
  return server.db
    .prepare(
      `SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM ${table} WHERE ${where} ORDER BY "OBJECTID"`,
    )
    .all() as unknown as PointRow[];
}

/** Every row of a source-view layer, by OBJECTID. */
export function sourceRows(server: TestServer, table: 'sites' | 'cameras'): PointRow[] {
  return rows(server, table, '1 = 1');
}

/** The rows the officer view shows of a layer, by OBJECTID. */
export function officerRows(server: TestServer, table: 'sites' | 'cameras'): PointRow[] {
  return rows(server, table, table === 'sites' ? OFFICER_SITES : OFFICER_CAMERAS);
}

/** One stored row with all its columns. */
export function storedRow(
  server: TestServer,
  table: 'sites' | 'cameras',
  id: number,
): Record<string, unknown> {
  return server.db.prepare(`SELECT * FROM ${table} WHERE "OBJECTID" = ?`).get(id) as Record<
    string,
    unknown
  >;
}

export interface Box {
  readonly xmin: number;
  readonly ymin: number;
  readonly xmax: number;
  readonly ymax: number;
}

/**
 * A part of town about 2.6 km by 2.2 km, well inside the 4 km by 4 km an officer's search
 * with contact details may cover.
 */
export const SMALL_AREA: Box = { xmin: -94.43, ymin: 39.07, xmax: -94.4, ymax: 39.09 };

export function inBox(box: Box): (row: PointRow) => boolean {
  return (row) => row.x >= box.xmin && row.x <= box.xmax && row.y >= box.ymin && row.y <= box.ymax;
}

/** The box around every site and camera: the whole city. */
export function cityBox(server: TestServer): Box {
  return server.db
    .prepare(
      `SELECT min(_x) AS xmin, min(_y) AS ymin, max(_x) AS xmax, max(_y) AS ymax
       FROM (SELECT _x, _y FROM sites UNION ALL SELECT _x, _y FROM cameras)`,
    )
    .get() as unknown as Box;
}

export function ids(rowsOrIds: readonly (PointRow | number)[]): number[] {
  return rowsOrIds.map((r) => (typeof r === 'number' ? r : r.id)).sort((a, b) => a - b);
}
