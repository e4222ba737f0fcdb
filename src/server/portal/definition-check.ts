import { AppError, ErrorCode } from '../../core/errors.js';
import { capabilitiesOf, layerFieldJson, layerJson } from '../../core/schema/layer-json.js';
import { SERVICE_NAME } from '../../core/schema/registry-schema.js';
import type { LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { fieldsInView, layersInView, operationsInView } from '../../core/schema/views.js';
import { MAX_RECORD_COUNT } from '../query/run-query.js';

/**
 * Checks what `createService` and `addToDefinition` are given against the compiled-in
 * schema. The local server's tables and privacy rules come from the core schema, so a posted
 * definition cannot change them: it is accepted when it says what the schema says, and
 * refused otherwise with every difference as data (where, which property, the schema's value
 * and the posted one).
 */

export type DifferenceKind =
  /** The schema has it; the definition leaves it out. */
  | 'missing'
  /** The definition has it; the schema does not. */
  | 'unexpected'
  /** Both have it, with different values. */
  | 'differs'
  /** It is already defined in the service. */
  | 'exists';

export interface DefinitionDifference {
  readonly kind: DifferenceKind;
  readonly service: string;
  /** The layer or table, by name, when the difference is in one. */
  readonly layer?: string;
  /** The field, by name, when the difference is in one. */
  readonly field?: string;
  /** The property that differs (`alias`, `length`, `domain`, `viewDefinitionQuery`, …). */
  readonly property: string;
  /** What the schema says (absent when the schema has no such thing). */
  readonly expected?: unknown;
  /** What was posted (absent when it was left out). */
  readonly actual?: unknown;
}

/** A definition refused for what differs from the schema; the route adds `differences` to the error. */
export class DefinitionRefused extends AppError {
  readonly differences: readonly DefinitionDifference[];
  constructor(message: string, differences: readonly DefinitionDifference[]) {
    super(ErrorCode.InvalidInput, message, differences.map(describeDifference), {
      field: differences[0]?.field ?? differences[0]?.property,
    });
    this.differences = differences;
  }
}

/** One difference in words, for people reading the answer (clients read the data). */
export function describeDifference(d: DefinitionDifference): string {
  const where = [d.service, d.layer, d.field].filter((part) => part !== undefined).join('.');
  const show = (value: unknown) => JSON.stringify(value);
  switch (d.kind) {
    case 'missing':
      return `${where}: ${d.property} is missing; the schema has ${show(d.expected)}.`;
    case 'unexpected':
      return `${where}: ${d.property} ${show(d.actual)} is not in the schema.`;
    case 'exists':
      return `${where}: ${d.property} already exists.`;
    case 'differs':
      return `${where}: ${d.property} is ${show(d.actual)}; the schema has ${show(d.expected)}.`;
  }
}

/** Equality of JSON values, object keys in any order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `Query,Create` and `create, query` name the same capabilities. */
function capabilitySet(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value
    .split(',')
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '')
    .sort()
    .join(',');
}

/** What the view's service, as the schema defines it, can do (`describeService`'s capabilities). */
export function serviceCapabilities(view: ViewName): string {
  const operations = new Set(layersInView(view).flatMap((layer) => operationsInView(layer, view)));
  return capabilitiesOf(
    (['query', 'create', 'update', 'delete'] as const).filter((op) => operations.has(op)),
  );
}

/**
 * Differences between `createService`'s `createParameters` and the service the schema
 * defines. `expected` is the service JSON the server serves for it (`describeService`); a
 * property left out takes ArcGIS's default, so only those given are compared.
 */
export function checkCreateParameters(
  service: string,
  params: Record<string, unknown>,
  expected: Record<string, unknown>,
): DefinitionDifference[] {
  const differences: DefinitionDifference[] = [];
  const differ = (property: string, want: unknown, got: unknown) =>
    differences.push({ kind: 'differs', service, property, expected: want, actual: got });
  if (params.capabilities !== undefined) {
    const want = capabilitySet(expected.capabilities);
    if (capabilitySet(params.capabilities) !== want)
      differ('capabilities', expected.capabilities, params.capabilities);
  }
  if (params.spatialReference !== undefined) {
    const sr = isRecord(params.spatialReference) ? params.spatialReference : {};
    if (sr.wkid !== 4326 && sr.latestWkid !== 4326)
      differ('spatialReference', { wkid: 4326 }, params.spatialReference);
  }
  if (params.maxRecordCount !== undefined && params.maxRecordCount !== MAX_RECORD_COUNT)
    differ('maxRecordCount', MAX_RECORD_COUNT, params.maxRecordCount);
  if (
    params.allowGeometryUpdates !== undefined &&
    params.allowGeometryUpdates !== expected.allowGeometryUpdates
  )
    differ('allowGeometryUpdates', expected.allowGeometryUpdates, params.allowGeometryUpdates);
  if (params.editorTrackingInfo !== undefined) {
    const want = expected.editorTrackingInfo as Record<string, unknown>;
    const got = isRecord(params.editorTrackingInfo) ? params.editorTrackingInfo : {};
    for (const [key, value] of Object.entries(got)) {
      if (!(key in want)) continue;
      if (value !== want[key]) differ(`editorTrackingInfo.${key}`, want[key], value);
    }
    if (got.enableEditorTracking === undefined)
      differences.push({
        kind: 'missing',
        service,
        property: 'editorTrackingInfo.enableEditorTracking',
        expected: want.enableEditorTracking,
      });
  }
  return differences;
}

/** The schema layer a posted definition is for: by its `id` when given, else by its name. */
export function layerOfPosted(
  view: ViewName,
  posted: Record<string, unknown>,
): LayerDef | undefined {
  const candidates = layersInView(view);
  if (typeof posted.id === 'number') return candidates.find((layer) => layer.id === posted.id);
  if (typeof posted.name !== 'string') return undefined;
  const name = posted.name.toLowerCase();
  return candidates.find((layer) => layer.name.toLowerCase() === name);
}

/** Where a layer of this kind is posted: feature layers under `layers`, tables under `tables`. */
export function expectedList(layer: LayerDef): 'layers' | 'tables' {
  return layer.kind === 'point' ? 'layers' : 'tables';
}

interface DomainShape {
  readonly type: unknown;
  readonly name: unknown;
  readonly values: unknown;
}

/** A domain as compared: its type, name and coded values (in order) or range. */
function domainShape(domain: unknown): DomainShape | null {
  if (!isRecord(domain)) return null;
  if (domain.type === 'codedValue') {
    const coded = Array.isArray(domain.codedValues) ? domain.codedValues : [];
    return {
      type: 'codedValue',
      name: domain.name,
      values: coded.map((value) => (isRecord(value) ? [value.code, value.name] : value)),
    };
  }
  return { type: domain.type, name: domain.name, values: domain.range };
}

/** ArcGIS's defaults for field properties a definition may leave out. */
const FIELD_DEFAULTS: Readonly<Record<string, unknown>> = { nullable: true, editable: true };
const FIELD_PROPERTIES = ['type', 'alias', 'length', 'nullable', 'editable', 'domain'] as const;

function checkFields(
  service: string,
  layer: LayerDef,
  view: ViewName,
  posted: unknown,
): DefinitionDifference[] {
  const differences: DefinitionDifference[] = [];
  const expected = fieldsInView(layer, view).map((field) => layerFieldJson(layer, field, view));
  if (!Array.isArray(posted)) {
    return [
      {
        kind: 'missing',
        service,
        layer: layer.name,
        property: 'fields',
        expected: expected.map((f) => f.name),
      },
    ];
  }
  const byName = new Map<string, Record<string, unknown>>();
  for (const field of posted) {
    if (isRecord(field) && typeof field.name === 'string') byName.set(field.name, field);
  }
  for (const want of expected) {
    const got = byName.get(want.name);
    byName.delete(want.name);
    if (!got) {
      differences.push({
        kind: 'missing',
        service,
        layer: layer.name,
        field: want.name,
        property: 'field',
        expected: want.name,
      });
      continue;
    }
    for (const property of FIELD_PROPERTIES) {
      if (property === 'length' && want.type !== 'esriFieldTypeString') continue;
      const wanted = property === 'domain' ? domainShape(want.domain) : want[property];
      const value = got[property] ?? FIELD_DEFAULTS[property];
      const actual = property === 'domain' ? domainShape(value) : value;
      if (!sameJson(wanted, actual)) {
        differences.push({
          kind: 'differs',
          service,
          layer: layer.name,
          field: want.name,
          property,
          expected: property === 'domain' ? want.domain : want[property],
          actual: got[property],
        });
      }
    }
  }
  for (const name of byName.keys()) {
    differences.push({
      kind: 'unexpected',
      service,
      layer: layer.name,
      field: name,
      property: 'field',
      actual: name,
    });
  }
  return differences;
}

interface RelationshipShape {
  readonly id: unknown;
  readonly name: unknown;
  readonly relatedTableId: unknown;
  readonly role: unknown;
  readonly keyField: unknown;
  readonly cardinality: unknown;
}

function relationshipShapes(value: unknown): RelationshipShape[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isRecord)
    .map((rel) => ({
      id: rel.id,
      name: rel.name,
      relatedTableId: rel.relatedTableId,
      role: rel.role,
      keyField: rel.keyField,
      cardinality: rel.cardinality,
    }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

/** Differences between a posted layer (or table) of the source service and the schema's. */
export function checkSourceLayer(
  layer: LayerDef,
  posted: Record<string, unknown>,
  postedUnder: 'layers' | 'tables',
): DefinitionDifference[] {
  const service = SERVICE_NAME;
  const want = layerJson(layer, 'source', { maxRecordCount: MAX_RECORD_COUNT });
  const differences: DefinitionDifference[] = [];
  const differ = (property: string, expected: unknown, actual: unknown) =>
    differences.push({ kind: 'differs', service, layer: layer.name, property, expected, actual });
  if (posted.name !== layer.name) differ('name', layer.name, posted.name);
  if (posted.id !== undefined && posted.id !== layer.id) differ('id', layer.id, posted.id);
  if (postedUnder !== expectedList(layer)) differ('list', expectedList(layer), postedUnder);
  if (posted.type !== undefined && posted.type !== want.type)
    differ('type', want.type, posted.type);
  if ((posted.geometryType ?? null) !== (want.geometryType ?? null))
    differ('geometryType', want.geometryType ?? null, posted.geometryType ?? null);
  for (const key of ['objectIdField', 'globalIdField'] as const) {
    if (posted[key] !== undefined && posted[key] !== want[key]) differ(key, want[key], posted[key]);
  }
  if (
    posted.capabilities !== undefined &&
    capabilitySet(posted.capabilities) !== capabilitySet(want.capabilities)
  )
    differ('capabilities', want.capabilities, posted.capabilities);
  differences.push(...checkFields(service, layer, 'source', posted.fields));
  const wantRelationships = relationshipShapes(want.relationships);
  const gotRelationships = relationshipShapes(posted.relationships);
  if (!sameJson(wantRelationships, gotRelationships))
    differ('relationships', wantRelationships, posted.relationships);
  return differences;
}

interface ViewFieldShape {
  readonly name: unknown;
  readonly alias: unknown;
}

/**
 * Differences between a posted layer of a view and the schema's: its source (the source
 * service's layer of the same id), the fields it shows, its definition query and what it can do.
 */
export function checkViewLayer(
  view: ViewName,
  serviceName: string,
  layer: LayerDef,
  posted: Record<string, unknown>,
  postedUnder: 'layers' | 'tables',
): DefinitionDifference[] {
  const differences: DefinitionDifference[] = [];
  const differ = (property: string, expected: unknown, actual: unknown) =>
    differences.push({
      kind: 'differs',
      service: serviceName,
      layer: layer.name,
      property,
      expected,
      actual,
    });
  if (posted.name !== layer.name) differ('name', layer.name, posted.name);
  if (posted.id !== undefined && posted.id !== layer.id) differ('id', layer.id, posted.id);
  if (postedUnder !== expectedList(layer)) differ('list', expectedList(layer), postedUnder);
  const info = isRecord(posted.adminLayerInfo) ? posted.adminLayerInfo : {};
  const definition = isRecord(info.viewLayerDefinition) ? info.viewLayerDefinition : undefined;
  const fields = fieldsInView(layer, view);
  if (!definition) {
    differences.push({
      kind: 'missing',
      service: serviceName,
      layer: layer.name,
      property: 'adminLayerInfo.viewLayerDefinition',
      expected: { sourceServiceName: SERVICE_NAME, sourceLayerId: layer.id },
    });
  } else {
    if (definition.table !== undefined) {
      differences.push({
        kind: 'unexpected',
        service: serviceName,
        layer: layer.name,
        property: 'viewLayerDefinition.table',
        actual: definition.table,
      });
    }
    const source = definition.sourceServiceName;
    if (typeof source !== 'string' || source.toLowerCase() !== SERVICE_NAME.toLowerCase())
      differ('viewLayerDefinition.sourceServiceName', SERVICE_NAME, source);
    if (definition.sourceLayerId !== layer.id)
      differ('viewLayerDefinition.sourceLayerId', layer.id, definition.sourceLayerId);
    const listed = definition.sourceLayerFields;
    if (!Array.isArray(listed)) {
      differ(
        'viewLayerDefinition.sourceLayerFields',
        fields.map((f) => f.name),
        listed,
      );
    } else {
      const shown = new Map<string, ViewFieldShape & { source: unknown }>();
      for (const entry of listed) {
        const shape = typeof entry === 'string' ? { name: entry, alias: undefined } : entry;
        if (isRecord(shape) && typeof shape.name === 'string')
          shown.set(shape.name, { name: shape.name, alias: shape.alias, source: shape.source });
      }
      for (const field of fields) {
        const got = shown.get(field.name);
        shown.delete(field.name);
        const where = { service: serviceName, layer: layer.name, field: field.name };
        if (!got) {
          differences.push({ kind: 'missing', ...where, property: 'field', expected: field.name });
          continue;
        }
        if (got.alias !== undefined && got.alias !== field.alias)
          differences.push({
            kind: 'differs',
            ...where,
            property: 'alias',
            expected: field.alias,
            actual: got.alias,
          });
        if (got.source !== undefined && got.source !== field.name)
          differences.push({
            kind: 'differs',
            ...where,
            property: 'source',
            expected: field.name,
            actual: got.source,
          });
      }
      for (const name of shown.keys()) {
        differences.push({
          kind: 'unexpected',
          service: serviceName,
          layer: layer.name,
          field: name,
          property: 'field',
          actual: name,
        });
      }
    }
  }
  const query = layer.access[view]?.definitionExpression ?? '';
  const postedQuery =
    typeof posted.viewDefinitionQuery === 'string' ? posted.viewDefinitionQuery : '';
  if (normalizeQuery(postedQuery) !== normalizeQuery(query))
    differ('viewDefinitionQuery', query, posted.viewDefinitionQuery ?? '');
  const capabilities = capabilitiesOf(operationsInView(layer, view));
  if (
    posted.capabilities !== undefined &&
    capabilitySet(posted.capabilities) !== capabilitySet(capabilities)
  )
    differ('capabilities', capabilities, posted.capabilities);
  return differences;
}

/** A definition query as compared: whitespace runs count as one space. */
export function normalizeQuery(query: string): string {
  return query.trim().replace(/\s+/g, ' ');
}
