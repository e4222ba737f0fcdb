/**
 * One parse of an ArcGIS `query` request into a typed request that the officer-read guard,
 * the planner and the responders all read, so no part re-reads the raw parameters.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/query-feature-service-layer/
 */
import { AppError, ErrorCode } from '../../core/errors.js';
import type { FieldDef, LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { fieldsInView } from '../../core/schema/views.js';
import {
  boolParam,
  idListParam,
  intParam,
  jsonParam,
  stringParam,
  type Params,
} from '../request-params.js';
import type { SpatialFilter } from './geometry-filter.js';
import { parseSpatialReference } from './projection.js';
import { spatialFilterOfRequest } from './request-spatial-filter.js';
import { compileWhere, type CompiledWhere } from './where-compiler.js';

export const MAX_RECORD_COUNT = 2000;

export interface OrderTerm {
  /** The name as the client wrote it; resolved against what the response can order by. */
  readonly name: string;
  readonly descending: boolean;
}

export interface StatisticRequest {
  readonly type: 'count' | 'sum' | 'min' | 'max' | 'avg' | 'var' | 'stddev';
  /** The field, or none for `count` of every row. */
  readonly field: FieldDef | undefined;
  readonly outName: string;
}

/** What the caller wants back: exactly one of these shapes. */
export type QueryAnswer =
  | { readonly kind: 'count-extent'; readonly count: boolean; readonly extent: boolean }
  | { readonly kind: 'ids' }
  | {
      readonly kind: 'statistics';
      readonly statistics: readonly StatisticRequest[];
      readonly groupBy: readonly FieldDef[];
    }
  | { readonly kind: 'features' };

export interface QueryRequest {
  readonly layer: LayerDef;
  readonly view: ViewName;
  readonly format: 'json' | 'pjson' | 'geojson';
  /** The client's where clause, compiled against the view's fields. */
  readonly where: CompiledWhere;
  readonly objectIds: readonly number[] | undefined;
  readonly spatial: SpatialFilter | undefined;
  readonly answer: QueryAnswer;
  readonly outFields: readonly FieldDef[];
  readonly distinct: boolean;
  readonly returnGeometry: boolean;
  readonly orderBy: readonly OrderTerm[];
  readonly offset: number;
  readonly limit: number;
  readonly outSR: number;
}

/** Resolves a comma-separated field list (`*` for all) against `fields`. */
export function resolveFields(
  names: string,
  fields: readonly FieldDef[],
  what: string,
): FieldDef[] {
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

function parseOrderBy(text: string | undefined): OrderTerm[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(ASC|DESC))?\s*$/i.exec(part);
    if (!match?.[1]) {
      throw new AppError(ErrorCode.InvalidInput, `Invalid orderByFields: '${part.trim()}'.`, [
        'orderByFields',
      ]);
    }
    return { name: match[1], descending: match[2]?.toUpperCase() === 'DESC' };
  });
}

const STATISTIC_TYPES: ReadonlySet<string> = new Set([
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'var',
  'stddev',
]);

function parseStatistics(raw: unknown, fields: readonly FieldDef[]): StatisticRequest[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new AppError(ErrorCode.InvalidInput, "'outStatistics' must be a non-empty JSON array.", [
      'outStatistics',
    ]);
  }
  return raw.map((item: unknown, index) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    const type = String(entry.statisticType ?? '').toLowerCase();
    if (!STATISTIC_TYPES.has(type)) {
      throw new AppError(
        ErrorCode.InvalidInput,
        `Unsupported statisticType '${String(entry.statisticType)}'.`,
        ['outStatistics'],
      );
    }
    const onField = String(entry.onStatisticField ?? '');
    const field =
      type === 'count' && (onField === '*' || onField === '')
        ? undefined
        : resolveFields(onField, fields, 'outStatistics')[0];
    if (!field && type !== 'count') {
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
    return { type: type as StatisticRequest['type'], field, outName };
  });
}

/** Turns the parameters of one `query` call on `layer` in `view` into a {@link QueryRequest}. */
export function parseQueryRequest(
  params: Params,
  layer: LayerDef,
  view: ViewName,
  now: number,
  /** Who `CURRENT_USER` stands for: a username, or `null` for an anonymous caller. */
  currentUser: string | null = null,
): QueryRequest {
  const format = (stringParam(params, 'f') ?? 'json').toLowerCase();
  if (format !== 'json' && format !== 'pjson' && format !== 'geojson') {
    throw new AppError(
      ErrorCode.InvalidInput,
      `Output format '${format}' is not supported; use json, pjson or geojson.`,
      ['f'],
    );
  }
  const fields = fieldsInView(layer, view);
  if (stringParam(params, 'geometry') !== undefined && layer.kind !== 'point') {
    throw new AppError(
      ErrorCode.InvalidInput,
      `'${layer.name}' is a table and has no geometry to filter by.`,
      ['geometry'],
    );
  }
  const countOnly = boolParam(params, 'returnCountOnly', false);
  const extentOnly = boolParam(params, 'returnExtentOnly', false);
  if (extentOnly && layer.kind !== 'point') {
    throw new AppError(ErrorCode.InvalidInput, `'${layer.name}' is a table and has no extent.`, [
      'returnExtentOnly',
    ]);
  }
  const distinct = boolParam(params, 'returnDistinctValues', false);
  const statisticsRaw = jsonParam(params, 'outStatistics');
  let answer: QueryAnswer;
  if (countOnly || extentOnly)
    answer = { kind: 'count-extent', count: countOnly, extent: extentOnly };
  else if (boolParam(params, 'returnIdsOnly', false)) answer = { kind: 'ids' };
  else if (statisticsRaw !== undefined) {
    answer = {
      kind: 'statistics',
      statistics: parseStatistics(statisticsRaw, fields),
      groupBy: resolveFields(
        stringParam(params, 'groupByFieldsForStatistics') ?? '',
        fields,
        'groupByFieldsForStatistics',
      ),
    };
  } else answer = { kind: 'features' };

  // With returnCountOnly and returnDistinctValues the count is of distinct outFields values.
  const outFieldsText =
    answer.kind === 'features' || (answer.kind === 'count-extent' && distinct)
      ? (stringParam(params, 'outFields') ?? (answer.kind === 'features' ? 'OBJECTID' : ''))
      : '';
  const outFields = resolveFields(outFieldsText, fields, 'outFields');
  const requested = intParam(params, 'resultRecordCount', { min: 0 });
  return {
    layer,
    view,
    format,
    where: compileWhere(stringParam(params, 'where'), fields, { now, currentUser }),
    objectIds: idListParam(params, 'objectIds'),
    spatial: spatialFilterOfRequest(params),
    answer,
    outFields,
    distinct,
    returnGeometry:
      answer.kind === 'features' &&
      layer.kind === 'point' &&
      !distinct &&
      boolParam(params, 'returnGeometry', true),
    orderBy: parseOrderBy(stringParam(params, 'orderByFields')),
    offset: intParam(params, 'resultOffset', { min: 0 }) ?? 0,
    limit: Math.min(requested && requested > 0 ? requested : MAX_RECORD_COUNT, MAX_RECORD_COUNT),
    outSR: parseSpatialReference(params.outSR, 4326),
  };
}

/**
 * Every field whose values the answer can reveal: returned, grouped, aggregated, ordered
 * by or tested in the where clause (a count over `phone LIKE '816%'` tells about phones).
 */
export function fieldsTouched(request: QueryRequest): ReadonlySet<string> {
  const names = new Set<string>(request.where.fields ?? []);
  for (const field of request.outFields) names.add(field.name);
  for (const term of request.orderBy) names.add(term.name);
  if (request.answer.kind === 'statistics') {
    for (const field of request.answer.groupBy) names.add(field.name);
    for (const statistic of request.answer.statistics)
      if (statistic.field) names.add(statistic.field.name);
  }
  return names;
}
