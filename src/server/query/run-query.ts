import { AppError, ErrorCode } from '../../core/errors.js';
import { fieldJson, WGS84 } from '../../core/schema/layer-json.js';
import type { FieldDef, LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { fieldsInView } from '../../core/schema/views.js';
import type { Database } from '../db/open-database.js';
import {
  quoteIdentifier,
  rtreeName,
  tableName,
  X_COLUMN,
  Y_COLUMN,
} from '../db/registry-tables.js';
import {
  boolParam,
  idListParam,
  intParam,
  jsonParam,
  stringParam,
  type Params,
} from '../request-params.js';
import type { SpatialFilter } from './geometry-filter.js';
import { spatialFilterOfRequest } from './request-spatial-filter.js';
import { parseSpatialReference, projectPoints } from './projection.js';
import { viewDefinition } from './view-definition.js';
import { compileWhere } from './where-compiler.js';

export const MAX_RECORD_COUNT = 2000;

type SqlValue = string | number | null;

interface Clause {
  sql: string;
  params: SqlValue[];
}

export interface QueryContext {
  readonly db: Database;
  readonly layer: LayerDef;
  readonly view: ViewName;
  readonly now?: number;
}

function resolveFields(names: string, fields: readonly FieldDef[], what: string): FieldDef[] {
  if (names.trim() === '*') return [...fields];
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const chosen: FieldDef[] = [];
  for (const raw of names.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (name === '*') return [...fields];
    const field = byName.get(name.toLowerCase());
    if (!field)
      throw new AppError(ErrorCode.InvalidInput, `Invalid field in ${what}: '${name}'.`, [what]);
    if (!chosen.includes(field)) chosen.push(field);
  }
  return chosen;
}

interface OrderTerm {
  readonly expression: string;
  readonly descending: boolean;
}

function parseOrderBy(text: string | undefined, allowed: ReadonlyMap<string, string>): OrderTerm[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(ASC|DESC))?\s*$/i.exec(part);
    const expression = match?.[1] ? allowed.get(match[1].toLowerCase()) : undefined;
    if (!match || !expression) {
      throw new AppError(ErrorCode.InvalidInput, `Invalid orderByFields: '${part.trim()}'.`, [
        'orderByFields',
      ]);
    }
    return { expression, descending: match[2]?.toUpperCase() === 'DESC' };
  });
}

function orderSql(terms: readonly OrderTerm[]): string {
  return terms.map((t) => `${t.expression} ${t.descending ? 'DESC' : 'ASC'}`).join(', ');
}

const STATISTIC_SQL: Readonly<Record<string, (column: string) => string>> = {
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

interface Statistic {
  readonly sql: string;
  readonly outName: string;
  readonly type: string;
}

function parseStatistics(raw: unknown, fields: readonly FieldDef[]): Statistic[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new AppError(ErrorCode.InvalidInput, "'outStatistics' must be a non-empty JSON array.", [
      'outStatistics',
    ]);
  }
  return raw.map((item: unknown, index) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    const type = String(entry.statisticType ?? '').toLowerCase();
    const make = STATISTIC_SQL[type];
    if (!make) {
      throw new AppError(
        ErrorCode.InvalidInput,
        `Unsupported statisticType '${String(entry.statisticType)}'.`,
        ['outStatistics'],
      );
    }
    const onField = String(entry.onStatisticField ?? '');
    const column =
      type === 'count' && (onField === '*' || onField === '')
        ? '*'
        : quoteIdentifier(resolveFields(onField, fields, 'outStatistics')[0]?.name ?? '');
    if (type !== 'count' && column === '*') {
      throw new AppError(ErrorCode.InvalidInput, `Statistic '${type}' needs a field.`, [
        'outStatistics',
      ]);
    }
    const outName =
      String(entry.outStatisticFieldName ?? '') ||
      `${type}_${onField.replace(/\W/g, '') || 'all'}_${index}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(outName)) {
      throw new AppError(ErrorCode.InvalidInput, `Invalid outStatisticFieldName '${outName}'.`, [
        'outStatistics',
      ]);
    }
    return { sql: make(column), outName, type };
  });
}

function parseObjectIds(params: Params): number[] | undefined {
  return idListParam(params, 'objectIds');
}

/** Runs the ArcGIS `query` operation of one layer in one view, returning the response body. */
export function runQuery(
  context: QueryContext,
  params: Params,
): { body: unknown; format: 'json' | 'geojson' } {
  const { db, layer, view } = context;
  const now = context.now ?? Date.now();
  const format = (stringParam(params, 'f') ?? 'json').toLowerCase();
  if (!['json', 'pjson', 'geojson'].includes(format)) {
    throw new AppError(
      ErrorCode.InvalidInput,
      `Output format '${format}' is not supported; use json, pjson or geojson.`,
      ['f'],
    );
  }
  const fields = fieldsInView(layer, view);
  const table = tableName(layer);
  const conditions: Clause[] = [];

  const definition = viewDefinition(layer, view, now);
  conditions.push({ sql: definition.sql, params: [...definition.params] });
  const where = compileWhere(stringParam(params, 'where'), fields, { now });
  conditions.push({ sql: where.sql, params: [...where.params] });

  const objectIds = parseObjectIds(params);
  if (objectIds) {
    conditions.push({
      sql: `"OBJECTID" IN (SELECT value FROM json_each(?))`,
      params: [JSON.stringify(objectIds)],
    });
  }

  const geometry = stringParam(params, 'geometry');
  if (geometry !== undefined) {
    if (layer.kind !== 'point') {
      throw new AppError(
        ErrorCode.InvalidInput,
        `'${layer.name}' is a table and has no geometry to filter by.`,
        ['geometry'],
      );
    }
    const filter = spatialFilterOfRequest(params) as SpatialFilter;
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
  const outSR = parseSpatialReference(params.outSR, 4326);
  const outSpatialReference =
    outSR === 4326
      ? WGS84
      : { wkid: outSR === 3857 ? 102100 : outSR, latestWkid: outSR === 102100 ? 3857 : outSR };

  const countOnly = boolParam(params, 'returnCountOnly', false);
  const idsOnly = boolParam(params, 'returnIdsOnly', false);
  const extentOnly = boolParam(params, 'returnExtentOnly', false);

  if (countOnly || extentOnly) {
    const body: Record<string, unknown> = {};
    if (countOnly) {
      // With returnDistinctValues the count is of distinct outFields values (ArcGIS 10.6.1+).
      const distinctFields = boolParam(params, 'returnDistinctValues', false)
        ? resolveFields(stringParam(params, 'outFields') ?? '', fields, 'outFields')
        : [];
      const counted =
        distinctFields.length > 0
          ? `(SELECT DISTINCT ${distinctFields.map((f) => quoteIdentifier(f.name)).join(', ')} FROM ${table} WHERE ${whereSql})`
          : `${table} WHERE ${whereSql}`;
      const row = db.prepare(`SELECT COUNT(*) AS n FROM ${counted}`).get(...whereParams) as {
        n: number;
      };
      body.count = row.n;
    }
    if (extentOnly) {
      if (layer.kind !== 'point') {
        throw new AppError(
          ErrorCode.InvalidInput,
          `'${layer.name}' is a table and has no extent.`,
          ['returnExtentOnly'],
        );
      }
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

  if (idsOnly) {
    const order = parseOrderBy(stringParam(params, 'orderByFields'), fieldColumns);
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

  const statisticsRaw = jsonParam(params, 'outStatistics');
  if (statisticsRaw !== undefined) {
    const statistics = parseStatistics(statisticsRaw, fields);
    const groupBy = resolveFields(
      stringParam(params, 'groupByFieldsForStatistics') ?? '',
      fields,
      'groupByFieldsForStatistics',
    );
    const groupColumns = groupBy.map((f) => quoteIdentifier(f.name));
    const selects = [
      ...groupColumns,
      ...statistics.map((s) => `${s.sql} AS ${quoteIdentifier(s.outName)}`),
    ];
    const orderable = new Map([
      ...groupBy.map((f) => [f.name.toLowerCase(), quoteIdentifier(f.name)] as const),
      ...statistics.map((s) => [s.outName.toLowerCase(), quoteIdentifier(s.outName)] as const),
    ]);
    const order = parseOrderBy(stringParam(params, 'orderByFields'), orderable);
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

  const outFields = resolveFields(
    stringParam(params, 'outFields') ?? 'OBJECTID',
    fields,
    'outFields',
  );
  const distinct = boolParam(params, 'returnDistinctValues', false);
  const returnGeometry =
    layer.kind === 'point' && !distinct && boolParam(params, 'returnGeometry', true);
  const offset = intParam(params, 'resultOffset', { min: 0 }) ?? 0;
  const requested = intParam(params, 'resultRecordCount', { min: 0 });
  const limit = Math.min(
    requested && requested > 0 ? requested : MAX_RECORD_COUNT,
    MAX_RECORD_COUNT,
  );
  const order = parseOrderBy(stringParam(params, 'orderByFields'), fieldColumns);
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
