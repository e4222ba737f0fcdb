import { AppError, ErrorCode } from '../../core/errors.js';
import { fieldJson, WGS84 } from '../../core/schema/layer-json.js';
import type { LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { fieldsInView } from '../../core/schema/views.js';
import type { Database } from '../db/open-database.js';
import {
  quoteIdentifier,
  rtreeName,
  tableName,
  X_COLUMN,
  Y_COLUMN,
} from '../db/registry-tables.js';
import type { Params } from '../request-params.js';
import {
  auditBox,
  contactFieldsTouched,
  type OfficerReadGuard,
  type SelectedSite,
} from '../security/officer-read-guard.js';
import { projectPoints } from './projection.js';
import {
  fieldsTouched,
  parseQueryRequest,
  type OrderTerm,
  type QueryRequest,
  type StatisticRequest,
} from './query-request.js';
import { viewDefinition } from './view-definition.js';

export { MAX_RECORD_COUNT } from './query-request.js';

type SqlValue = string | number | null;

interface Clause {
  sql: string;
  params: SqlValue[];
}

/**
 * Where a read runs. `guard` must be given, for every read, as the officer's guard on the
 * officer view and `null` elsewhere: a read route cannot forget it.
 */
export interface QueryContext {
  readonly db: Database;
  readonly layer: LayerDef;
  readonly view: ViewName;
  readonly guard: OfficerReadGuard | null;
  /** The caller's username (`CURRENT_USER`), or `null` for anonymous. */
  readonly username?: string | null;
  readonly now?: number;
}

/** The guard of an officer-view read; refuses to run one without it. */
export function guardOf(context: Pick<QueryContext, 'view' | 'guard'>): OfficerReadGuard | null {
  if (context.view === 'officer' && !context.guard)
    throw new AppError(ErrorCode.Service, 'Officer reads need the read guard.');
  return context.view === 'officer' ? context.guard : null;
}

function orderSql(terms: readonly { expression: string; descending: boolean }[]): string {
  return terms.map((t) => `${t.expression} ${t.descending ? 'DESC' : 'ASC'}`).join(', ');
}

/** Resolves order terms against what this answer can order by. */
function resolveOrder(
  terms: readonly OrderTerm[],
  allowed: ReadonlyMap<string, string>,
): { expression: string; descending: boolean }[] {
  return terms.map((term) => {
    const expression = allowed.get(term.name.toLowerCase());
    if (!expression) {
      throw new AppError(ErrorCode.InvalidInput, `Invalid orderByFields: '${term.name}'.`, [
        'orderByFields',
      ]);
    }
    return { expression, descending: term.descending };
  });
}

const STATISTIC_SQL: Readonly<Record<StatisticRequest['type'], (column: string) => string>> = {
  count: (c) => `COUNT(${c})`,
  sum: (c) => `SUM(${c})`,
  min: (c) => `MIN(${c})`,
  max: (c) => `MAX(${c})`,
  avg: (c) => `AVG(${c})`,
  var: (c) => sampleVariance(c),
  stddev: (c) => `SQRT(${sampleVariance(c)})`,
};

/**
 * Sample variance (n - 1), as ArcGIS reports `var` and `stddev`. Every term is REAL:
 * with INTEGER columns SQLite would otherwise divide `SUM * SUM / COUNT` as integers.
 */
function sampleVariance(column: string): string {
  const c = `CAST(${column} AS REAL)`;
  return `MAX(0.0, (SUM(${c} * ${c}) - SUM(${c}) * SUM(${c}) / COUNT(${column})) / NULLIF(COUNT(${column}) - 1, 0))`;
}

/** Runs the ArcGIS `query` operation of one layer in one view, returning the response body. */
export function runQuery(
  context: QueryContext,
  params: Params,
): { body: unknown; format: 'json' | 'geojson' } {
  const now = context.now ?? Date.now();
  const request = parseQueryRequest(
    params,
    context.layer,
    context.view,
    now,
    context.username ?? null,
  );
  return answerQuery(context, request, now);
}

/** Answers a parsed query request; officers' contact reads pass the guard first. */
export function answerQuery(
  context: QueryContext,
  request: QueryRequest,
  now: number = context.now ?? Date.now(),
): { body: unknown; format: 'json' | 'geojson' } {
  const { db, layer, view } = context;
  const { format, answer } = request;
  const guard = guardOf(context);
  const contactFields = guard ? contactFieldsTouched(layer, fieldsTouched(request)) : [];
  if (guard && contactFields.length > 0)
    guard.checkFilter(request.spatial?.bbox, request.objectIds?.length ?? 0);
  const fields = fieldsInView(layer, view);
  const table = tableName(layer);
  const conditions: Clause[] = [];

  const definition = viewDefinition(layer, view, now, { reader: guard?.username });
  conditions.push({ sql: definition.sql, params: [...definition.params] });
  conditions.push({ sql: request.where.sql, params: [...request.where.params] });

  const objectIds = request.objectIds;
  if (objectIds) {
    conditions.push({
      sql: `"OBJECTID" IN (SELECT value FROM json_each(?))`,
      params: [JSON.stringify(objectIds)],
    });
  }

  const filter = request.spatial;
  if (filter) {
    const [minX, minY, maxX, maxY] = filter.bbox;
    // CROSS JOIN fixes the loop order: the R*Tree box first, then each row by its key. With
    // a plain JOIN the planner may start from an attribute index (the officer view's
    // `status = 'verified'`) and visit most of the table.
    const candidateSql = `SELECT t."OBJECTID" AS id, t.${X_COLUMN} AS x, t.${Y_COLUMN} AS y
      FROM ${rtreeName(layer)} r CROSS JOIN ${table} t ON t."OBJECTID" = r.id
      WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?
        AND ${conditions.map((c) => `(${c.sql})`).join(' AND ')}`;
    const candidateParams = [maxX, minX, maxY, minY, ...conditions.flatMap((c) => c.params)];
    const rows = db.prepare(candidateSql).all(...candidateParams) as {
      id: number;
      x: number;
      y: number;
    }[];
    const matching = rows.filter((row) => filter.matches(row.x, row.y)).map((row) => row.id);
    conditions.length = 0;
    conditions.push({
      sql: `"OBJECTID" IN (SELECT value FROM json_each(?))`,
      params: [JSON.stringify(matching)],
    });
  }

  const whereSql = conditions.map((c) => `(${c.sql})`).join(' AND ');
  const whereParams = conditions.flatMap((c) => c.params);
  if (guard && contactFields.length > 0) {
    const selected = db
      .prepare(
        `SELECT "OBJECTID" AS id, "GlobalID" AS guid, ${X_COLUMN} AS x, ${Y_COLUMN} AS y FROM ${table} WHERE ${whereSql} LIMIT ?`,
      )
      .all(...whereParams, guard.limits.maxSitesPerRequest + 1) as unknown as SelectedSite[];
    guard.admit(layer, selected, {
      operation: 'query',
      answer: answer.kind,
      ...(filter ? { bbox: auditBox(filter.bbox) } : {}),
      ...(request.where.fields?.length ? { whereFields: request.where.fields } : {}),
      ...(objectIds ? { objectIds: objectIds.length } : {}),
      contactFields,
    });
  }
  const outSR = request.outSR;
  const outSpatialReference =
    outSR === 4326
      ? WGS84
      : { wkid: outSR === 3857 ? 102100 : outSR, latestWkid: outSR === 102100 ? 3857 : outSR };

  if (answer.kind === 'count-extent') {
    const countOnly = answer.count;
    const body: Record<string, unknown> = {};
    if (countOnly) {
      // With returnDistinctValues the count is of distinct outFields values (ArcGIS 10.6.1+).
      const distinctFields = request.distinct ? request.outFields : [];
      const counted =
        distinctFields.length > 0
          ? `(SELECT DISTINCT ${distinctFields.map((f) => quoteIdentifier(f.name)).join(', ')} FROM ${table} WHERE ${whereSql})`
          : `${table} WHERE ${whereSql}`;
      const row = db.prepare(`SELECT COUNT(*) AS n FROM ${counted}`).get(...whereParams) as {
        n: number;
      };
      body.count = row.n;
    }
    if (answer.extent) {
      const row = db
        .prepare(
          `SELECT MIN(${X_COLUMN}) AS xmin, MIN(${Y_COLUMN}) AS ymin, MAX(${X_COLUMN}) AS xmax, MAX(${Y_COLUMN}) AS ymax, COUNT(*) AS n FROM ${table} WHERE ${whereSql}`,
        )
        .get(...whereParams) as {
        xmin: number | null;
        ymin: number | null;
        xmax: number | null;
        ymax: number | null;
        n: number;
      };
      let extent: Record<string, unknown> = {
        xmin: 'NaN',
        ymin: 'NaN',
        xmax: 'NaN',
        ymax: 'NaN',
        spatialReference: outSpatialReference,
      };
      if (row.xmin !== null && row.ymin !== null && row.xmax !== null && row.ymax !== null) {
        const [min, max] = projectPoints(
          [
            [row.xmin, row.ymin],
            [row.xmax, row.ymax],
          ],
          4326,
          outSR,
        );
        extent = {
          xmin: min?.[0],
          ymin: min?.[1],
          xmax: max?.[0],
          ymax: max?.[1],
          spatialReference: outSpatialReference,
        };
      }
      if (format === 'geojson') {
        return {
          body: {
            type: 'FeatureCollection',
            features: [],
            bbox: [extent.xmin, extent.ymin, extent.xmax, extent.ymax],
            ...(countOnly ? { count: body.count } : {}),
          },
          format: 'geojson',
        };
      }
      body.extent = extent;
    }
    return { body, format: 'json' };
  }

  const fieldColumns = new Map(fields.map((f) => [f.name.toLowerCase(), quoteIdentifier(f.name)]));

  if (answer.kind === 'ids') {
    const order = resolveOrder(request.orderBy, fieldColumns);
    const rows = db
      .prepare(
        `SELECT "OBJECTID" AS id FROM ${table} WHERE ${whereSql} ORDER BY ${orderSql([...order, { expression: '"OBJECTID"', descending: false }])}`,
      )
      .all(...whereParams) as { id: number }[];
    return {
      body: { objectIdFieldName: 'OBJECTID', objectIds: rows.map((r) => r.id) },
      format: 'json',
    };
  }

  if (answer.kind === 'statistics') {
    const statistics = answer.statistics.map((s) => ({
      sql: STATISTIC_SQL[s.type](s.field ? quoteIdentifier(s.field.name) : '*'),
      outName: s.outName,
      type: s.type,
    }));
    const groupBy = answer.groupBy;
    const groupColumns = groupBy.map((f) => quoteIdentifier(f.name));
    const selects = [
      ...groupColumns,
      ...statistics.map((s) => `${s.sql} AS ${quoteIdentifier(s.outName)}`),
    ];
    const orderable = new Map([
      ...groupBy.map((f) => [f.name.toLowerCase(), quoteIdentifier(f.name)] as const),
      ...statistics.map((s) => [s.outName.toLowerCase(), quoteIdentifier(s.outName)] as const),
    ]);
    const order = resolveOrder(request.orderBy, orderable);
    const sql = `SELECT ${selects.join(', ')} FROM ${table} WHERE ${whereSql}${groupColumns.length ? ` GROUP BY ${groupColumns.join(', ')}` : ''}${order.length ? ` ORDER BY ${orderSql(order)}` : groupColumns.length ? ` ORDER BY ${groupColumns.join(', ')}` : ''}`;
    const rows = db.prepare(sql).all(...whereParams) as Record<string, SqlValue>[];
    const statFields = statistics.map((s) => ({
      name: s.outName,
      type: s.type === 'count' ? 'esriFieldTypeInteger' : 'esriFieldTypeDouble',
      alias: s.outName,
    }));
    return {
      body: {
        displayFieldName: '',
        fields: [...groupBy.map(fieldJson), ...statFields],
        features: rows.map((row) => ({ attributes: row })),
      },
      format: 'json',
    };
  }

  const { outFields, distinct, returnGeometry, offset, limit } = request;
  const order = resolveOrder(request.orderBy, fieldColumns);
  const columns = outFields.map((f) => quoteIdentifier(f.name));
  if (returnGeometry) columns.push(X_COLUMN, Y_COLUMN);
  if (columns.length === 0) columns.push('"OBJECTID"');
  // A stable order whatever was asked, so paging never repeats or skips a row.
  const stableOrder = distinct
    ? orderSql(
        order.length
          ? order
          : outFields.map((f) => ({ expression: quoteIdentifier(f.name), descending: false })),
      )
    : orderSql([...order, { expression: '"OBJECTID"', descending: false }]);
  const sql = `SELECT ${distinct ? 'DISTINCT ' : ''}${columns.join(', ')} FROM ${table} WHERE ${whereSql} ORDER BY ${stableOrder} LIMIT ? OFFSET ?`;
  const rows = db.prepare(sql).all(...whereParams, limit + 1, offset) as Record<string, SqlValue>[];
  const exceeded = rows.length > limit;
  if (exceeded) rows.pop();

  let points: [number, number][] = [];
  if (returnGeometry) {
    const stored = rows.map(
      (row) => [row[X_COLUMN] as number, row[Y_COLUMN] as number] as [number, number],
    );
    points = outSR === 4326 ? stored : projectPoints(stored, 4326, outSR);
  }
  const features = rows.map((row, index) => {
    const attributes: Record<string, SqlValue> = {};
    for (const field of outFields) attributes[field.name] = row[field.name] ?? null;
    const point = points[index];
    const hasPoint = returnGeometry && point && row[X_COLUMN] !== null;
    return { attributes, geometry: hasPoint ? { x: point[0], y: point[1] } : null };
  });

  if (format === 'geojson') {
    return {
      body: {
        type: 'FeatureCollection',
        ...(exceeded ? { properties: { exceededTransferLimit: true } } : {}),
        features: features.map((f) => ({
          type: 'Feature',
          id: f.attributes.OBJECTID ?? undefined,
          geometry: f.geometry
            ? { type: 'Point', coordinates: [f.geometry.x, f.geometry.y] }
            : null,
          properties: f.attributes,
        })),
      },
      format: 'geojson',
    };
  }
  return {
    body: {
      objectIdFieldName: 'OBJECTID',
      uniqueIdField: { name: 'OBJECTID', isSystemMaintained: true },
      globalIdFieldName: 'GlobalID',
      ...(layer.kind === 'point'
        ? {
            geometryType: 'esriGeometryPoint',
            spatialReference: outSpatialReference,
            hasZ: false,
            hasM: false,
          }
        : {}),
      fields: outFields.map(fieldJson),
      features: features.map((f) =>
        returnGeometry && f.geometry ? f : { attributes: f.attributes },
      ),
      ...(exceeded ? { exceededTransferLimit: true } : {}),
    },
    format: 'json',
  };
}
