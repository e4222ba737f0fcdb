import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../../core/errors.js';
import { CONFIRMATION_INTERVAL_DAYS, RELATIONSHIPS } from '../../core/schema/registry-schema.js';
import type { LayerDef, Operation, ViewName } from '../../core/schema/schema-types.js';
import { fieldsInView, layerById, operationsInView } from '../../core/schema/views.js';
import {
  crossFieldIssues,
  normalizeGuid,
  validateAttributes,
  type AttributeValue,
  type ValidationIssue,
} from '../../core/validation/validate-attributes.js';
import type { Caller } from '../auth/accounts.js';
import { notPermitted } from '../arcgis-error.js';
import {
  deleteRow,
  getRow,
  getRowByGlobalId,
  insertRow,
  newGlobalId,
  objectIdOfGlobalId,
  updateRow,
  type Row,
  type StoredPoint,
} from '../db/feature-rows.js';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';
import { tableName } from '../db/registry-tables.js';
import { parseSpatialReference, projectPoints } from '../query/projection.js';

const DAY = 86_400_000;

/** One layer's edits, as `applyEdits` carries them. */
export interface LayerEdits {
  readonly layerId: number;
  readonly adds?: readonly unknown[];
  readonly updates?: readonly unknown[];
  /** OBJECTIDs, or GlobalIDs when `useGlobalIds`. */
  readonly deletes?: readonly (number | string)[];
}

export interface EditResult {
  objectId: number;
  uniqueId: number;
  globalId: string | null;
  success: boolean;
  error?: { code: number; description: string };
}

export interface LayerEditResults {
  id: number;
  addResults: EditResult[];
  updateResults: EditResult[];
  deleteResults: EditResult[];
}

export interface EditContext {
  readonly db: Database;
  readonly view: ViewName;
  readonly caller: Caller;
  readonly now?: number;
  /**
   * Called after commit for each successful add; its answer replaces the add's result
   * (the change-request processor reports a refused manage code this way).
   */
  readonly settleAdd?: (layer: LayerDef, result: EditResult) => EditResult;
}

export interface EditOptions {
  readonly rollbackOnFailure: boolean;
  readonly useGlobalIds: boolean;
}

/** A refused edit: reported per edit, or for the whole call when rolling back. */
class EditFailure extends Error {
  readonly code: number;
  readonly description: string;
  constructor(code: number, description: string) {
    super(description);
    this.code = code;
    this.description = description;
  }
}

function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.code}`).join('; ');
}

function requireOperation(layer: LayerDef, view: ViewName, operation: Operation): void {
  if (!operationsInView(layer, view).includes(operation)) {
    throw notPermitted(`${operation} is not allowed on ${layer.name} in this service.`);
  }
}

function readFeature(
  raw: unknown,
  index: number,
): { attributes: Record<string, unknown>; geometry: unknown } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EditFailure(1000, `Feature ${index} is not an object with attributes.`);
  }
  const feature = raw as { attributes?: unknown; geometry?: unknown };
  const attributes = feature.attributes ?? {};
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new EditFailure(1000, `Feature ${index} has no attributes object.`);
  }
  return { attributes: { ...(attributes as Record<string, unknown>) }, geometry: feature.geometry };
}

function readPoint(
  layer: LayerDef,
  geometry: unknown,
  required: boolean,
): StoredPoint | null | undefined {
  if (layer.kind !== 'point') return undefined;
  if (geometry === undefined || geometry === null) {
    if (required) throw new EditFailure(1000, `${layer.name} needs a point geometry.`);
    return undefined;
  }
  const g = geometry as { x?: unknown; y?: unknown; spatialReference?: unknown };
  if (
    typeof g.x !== 'number' ||
    typeof g.y !== 'number' ||
    !Number.isFinite(g.x) ||
    !Number.isFinite(g.y)
  ) {
    throw new EditFailure(1000, 'Geometry must be a point with numeric x and y.');
  }
  let wkid: number;
  try {
    wkid = parseSpatialReference(
      g.spatialReference ? JSON.stringify(g.spatialReference) : undefined,
      4326,
    );
  } catch (error) {
    throw new EditFailure(
      1000,
      error instanceof Error ? error.message : 'Unsupported spatial reference.',
    );
  }
  const [projected] =
    wkid === 4326 ? [[g.x, g.y] as [number, number]] : projectPoints([[g.x, g.y]], wkid, 4326);
  if (!projected || Math.abs(projected[0]) > 180 || Math.abs(projected[1]) > 90) {
    throw new EditFailure(1000, 'Geometry is outside the valid range of longitude and latitude.');
  }
  return { x: projected[0], y: projected[1] };
}

function callerName(caller: Caller): string | null {
  return caller.kind === 'user' ? caller.username : null;
}

/** Values the server sets on create, when the caller did not (or may not) give them. */
function serverDefaults(layer: LayerDef, view: ViewName, caller: Caller, now: number): Row {
  const values: Row = {};
  for (const field of layer.fields) {
    switch (field.serverSet) {
      case 'now':
        values[field.name] = now;
        break;
      case 'user':
        values[field.name] = callerName(caller);
        break;
      case 'pending':
        values[field.name] = 'pending';
        break;
      case 'web':
        values[field.name] = view === 'public' ? 'web' : null;
        break;
      case 'confirm-due':
        values[field.name] = now + CONFIRMATION_INTERVAL_DAYS * DAY;
        break;
      case undefined:
        break;
    }
  }
  return values;
}

/** Fields the caller may not override whatever the view: consent time and editor tracking. */
function alwaysServerSet(name: string): boolean {
  return [
    'consent_at',
    'Creator',
    'CreationDate',
    'Editor',
    'EditDate',
    'prev_hash',
    'entry_hash',
  ].includes(name);
}

function checkReferences(db: Database, layer: LayerDef, view: ViewName, values: Row): void {
  for (const rel of RELATIONSHIPS) {
    if (rel.destinationLayerId !== layer.id) continue;
    const key = values[rel.destinationKey];
    if (typeof key !== 'string') continue;
    const origin = layerById(rel.originLayerId);
    if (!origin) continue;
    const parent = getRowByGlobalId(db, origin, key);
    if (!parent)
      throw new EditFailure(
        1000,
        `${rel.destinationKey}: no ${origin.name} record has that GlobalID.`,
      );
    // Anonymous callers may only attach cameras to a registration still awaiting review.
    if (view === 'public' && parent.attributes.status !== 'pending') {
      throw new EditFailure(
        1000,
        `${rel.destinationKey}: that ${origin.name} record cannot take new entries here.`,
      );
    }
  }
}

function chainAudit(db: Database, layer: LayerDef, values: Row): void {
  if (layer.name !== 'SearchAudit') return;
  const last = prepared(
    db,
    `SELECT entry_hash FROM ${tableName(layer)} ORDER BY "OBJECTID" DESC LIMIT 1`,
  ).get() as { entry_hash: string | null } | undefined;
  const prev = last?.entry_hash ?? '0'.repeat(64);
  values.prev_hash = prev;
  values.entry_hash = auditEntryHash(prev, values);
}

/** The SearchAudit chain: each entry's hash covers its fields and the previous entry's hash. */
export function auditEntryHash(
  prevHash: string,
  values: Readonly<Record<string, AttributeValue | undefined>>,
): string {
  const covered = [
    'GlobalID',
    'case_number',
    'purpose',
    'incident_at',
    'incident_x',
    'incident_y',
    'radius_m',
    'result_count',
    'Creator',
    'CreationDate',
  ];
  const canonical = JSON.stringify(covered.map((name) => values[name] ?? null));
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

function addOne(
  ctx: EditContext,
  layer: LayerDef,
  raw: unknown,
  index: number,
  options: EditOptions,
  now: number,
): EditResult {
  const { attributes, geometry } = readFeature(raw, index);
  let globalId: string | null = null;
  const givenGlobalId = Object.keys(attributes).find((k) => k.toLowerCase() === 'globalid');
  if (givenGlobalId) {
    const value = attributes[givenGlobalId];
    delete attributes[givenGlobalId];
    if (options.useGlobalIds && typeof value === 'string' && value.trim() !== '') {
      globalId = normalizeGuid(value);
      if (!/^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/.test(globalId)) {
        throw new EditFailure(1000, 'GlobalID is not a valid GUID.');
      }
      // A retried add (the first answer was lost) finds its own row: same GlobalID, no duplicate.
      const existing = objectIdOfGlobalId(ctx.db, layer, globalId);
      if (existing !== undefined)
        return { objectId: existing, uniqueId: existing, globalId, success: true };
    }
  }
  for (const key of Object.keys(attributes))
    if (key.toLowerCase() === 'objectid') delete attributes[key];
  for (const key of Object.keys(attributes)) if (alwaysServerSet(key)) delete attributes[key];

  const result = validateAttributes(layer, attributes, { view: ctx.view, mode: 'create' });
  if (!result.ok) throw new EditFailure(1000, describeIssues(result.issues));
  const point = readPoint(layer, geometry, true);
  const values: Row = { ...serverDefaults(layer, ctx.view, ctx.caller, now), ...result.value };
  // Never let a caller pick the server-set values the view does not show them.
  const shown = new Set(fieldsInView(layer, ctx.view).map((f) => f.name));
  for (const [name, value] of Object.entries(serverDefaults(layer, ctx.view, ctx.caller, now))) {
    if (!shown.has(name) || alwaysServerSet(name)) values[name] = value;
  }
  values.GlobalID = globalId ?? newGlobalId();
  checkReferences(ctx.db, layer, ctx.view, values);
  chainAudit(ctx.db, layer, values);
  const objectId = insertRow(ctx.db, layer, values, point ?? null);
  return { objectId, uniqueId: objectId, globalId: values.GlobalID as string, success: true };
}

function resolveTarget(
  ctx: EditContext,
  layer: LayerDef,
  attributes: Record<string, unknown>,
  options: EditOptions,
): number {
  const key = Object.keys(attributes).find(
    (k) => k.toLowerCase() === (options.useGlobalIds ? 'globalid' : 'objectid'),
  );
  const value = key === undefined ? undefined : attributes[key];
  if (options.useGlobalIds) {
    if (typeof value !== 'string')
      throw new EditFailure(1000, 'Update needs the GlobalID of the feature.');
    const id = objectIdOfGlobalId(ctx.db, layer, normalizeGuid(value));
    if (id === undefined) throw new EditFailure(1019, 'No feature has that GlobalID.');
    return id;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new EditFailure(1000, 'Update needs the OBJECTID of the feature.');
  return value;
}

function updateOne(
  ctx: EditContext,
  layer: LayerDef,
  raw: unknown,
  index: number,
  options: EditOptions,
  now: number,
): EditResult {
  const { attributes, geometry } = readFeature(raw, index);
  const objectId = resolveTarget(ctx, layer, attributes, options);
  const existing = getRow(ctx.db, layer, objectId);
  if (!existing) throw new EditFailure(1019, `No feature has OBJECTID ${objectId}.`);
  for (const key of Object.keys(attributes)) {
    if (['objectid', 'globalid'].includes(key.toLowerCase()) || alwaysServerSet(key))
      delete attributes[key];
  }
  const result = validateAttributes(layer, attributes, { view: ctx.view, mode: 'patch' });
  if (!result.ok) throw new EditFailure(1000, describeIssues(result.issues));
  const merged = { ...existing.attributes, ...result.value };
  const cross = crossFieldIssues(layer, merged);
  if (cross.length > 0) throw new EditFailure(1000, describeIssues(cross));
  const values: Row = { ...result.value };
  if (layer.fields.some((f) => f.name === 'Editor')) {
    values.Editor = callerName(ctx.caller);
    values.EditDate = now;
  }
  checkReferences(ctx.db, layer, ctx.view, values);
  const point = readPoint(layer, geometry, false);
  updateRow(ctx.db, layer, objectId, values, point);
  return {
    objectId,
    uniqueId: objectId,
    globalId: existing.attributes.GlobalID as string,
    success: true,
  };
}

function deleteOne(
  ctx: EditContext,
  layer: LayerDef,
  target: number | string,
  options: EditOptions,
): EditResult {
  let objectId: number | undefined;
  if (options.useGlobalIds || typeof target === 'string') {
    objectId =
      typeof target === 'string'
        ? objectIdOfGlobalId(ctx.db, layer, normalizeGuid(target))
        : undefined;
  } else {
    objectId = target;
  }
  const existing = objectId === undefined ? undefined : getRow(ctx.db, layer, objectId);
  if (objectId === undefined || !existing)
    throw new EditFailure(1019, `No feature matches ${String(target)}.`);
  // Composite relationships: a site's cameras and contact entries go with it.
  for (const rel of RELATIONSHIPS) {
    if (rel.originLayerId !== layer.id) continue;
    const child = layerById(rel.destinationLayerId);
    const key = existing.attributes[rel.originKey];
    if (child && typeof key === 'string') {
      prepared(ctx.db, `DELETE FROM ${tableName(child)} WHERE "${rel.destinationKey}" = ?`).run(
        key,
      );
    }
  }
  deleteRow(ctx.db, layer, objectId);
  return {
    objectId,
    uniqueId: objectId,
    globalId: existing.attributes.GlobalID as string,
    success: true,
  };
}

function failed(error: unknown, globalId: string | null = null): EditResult {
  const failure =
    error instanceof EditFailure ? error : new EditFailure(1000, 'Unable to complete the edit.');
  return {
    objectId: -1,
    uniqueId: -1,
    globalId,
    success: false,
    error: { code: failure.code, description: failure.description },
  };
}

/**
 * Applies edits to one or more layers in a single `BEGIN IMMEDIATE` transaction.
 * With `rollbackOnFailure`, one failed edit undoes all and the call fails with every
 * problem listed; without it, each edit stands or falls alone (savepoints).
 */
export function applyEdits(
  ctx: EditContext,
  edits: readonly LayerEdits[],
  options: EditOptions,
): LayerEditResults[] {
  const now = ctx.now ?? Date.now();
  const layers = edits.map((edit) => {
    const layer = layerById(edit.layerId);
    if (!layer || operationsInView(layer, ctx.view).length === 0) {
      throw new AppError(
        ErrorCode.InvalidInput,
        `Layer ${edit.layerId} does not exist in this service.`,
      );
    }
    if (edit.adds?.length) requireOperation(layer, ctx.view, 'create');
    if (edit.updates?.length) requireOperation(layer, ctx.view, 'update');
    if (edit.deletes?.length) requireOperation(layer, ctx.view, 'delete');
    return layer;
  });
  const problems: string[] = [];

  const run = (label: string, work: () => EditResult): EditResult => {
    if (options.rollbackOnFailure) {
      try {
        return work();
      } catch (error) {
        if (!(error instanceof EditFailure)) throw error;
        problems.push(`${label}: ${error.description}`);
        return failed(error);
      }
    }
    ctx.db.exec('SAVEPOINT edit');
    try {
      const result = work();
      ctx.db.exec('RELEASE edit');
      return result;
    } catch (error) {
      ctx.db.exec('ROLLBACK TO edit');
      ctx.db.exec('RELEASE edit');
      if (!(error instanceof EditFailure)) throw error;
      return failed(error);
    }
  };

  let results: LayerEditResults[];
  try {
    results = inWriteTransaction(ctx.db, () => {
      const out = edits.map((edit, i) => {
        const layer = layers[i] as LayerDef;
        const addResults = (edit.adds ?? []).map((raw, index) =>
          run(`${layer.name} add ${index}`, () => addOne(ctx, layer, raw, index, options, now)),
        );
        const updateResults = (edit.updates ?? []).map((raw, index) =>
          run(`${layer.name} update ${index}`, () =>
            updateOne(ctx, layer, raw, index, options, now),
          ),
        );
        const deleteResults = (edit.deletes ?? []).map((target, index) =>
          run(`${layer.name} delete ${index}`, () => deleteOne(ctx, layer, target, options)),
        );
        return { id: layer.id, addResults, updateResults, deleteResults };
      });
      if (problems.length > 0) throw new RollBack();
      return out;
    });
  } catch (error) {
    if (error instanceof RollBack) {
      throw new AppError(ErrorCode.InvalidInput, 'Unable to complete operation.', problems);
    }
    throw error;
  }
  const settle = ctx.settleAdd;
  if (!settle) return results;
  return results.map((result, i) => ({
    ...result,
    addResults: result.addResults.map((add) =>
      add.success ? settle(layers[i] as LayerDef, add) : add,
    ),
  }));
}

class RollBack extends Error {}
