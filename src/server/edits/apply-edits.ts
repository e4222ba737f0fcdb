import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../../core/errors.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONFIRMATION_INTERVAL_DAYS,
  RELATIONSHIPS,
  SITES,
} from '../../core/schema/registry-schema.js';
import type { LayerDef, Operation, ViewName } from '../../core/schema/schema-types.js';
import { fieldsInView, layerById, operationsInView } from '../../core/schema/views.js';
import {
  crossFieldIssues,
  IssueCode,
  normalizeGuid,
  validateAttributes,
  type AttributeValue,
} from '../../core/validation/validate-attributes.js';
import { normalizeReference } from '../../core/registration/registration-codes.js';
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
import { viewDefinition } from '../query/view-definition.js';
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

/** Why an edit was refused beyond its own values; reported as `field: CODE`, as issues are. */
export const EditIssueCode = {
  /** A public registration is exactly one site: none, or several, were sent. */
  OneSiteRequired: 'ONE_SITE_REQUIRED',
  /** A public registration without a camera. */
  CameraRequired: 'CAMERA_REQUIRED',
  /** A camera of a public registration whose `site_guid` is not the site sent with it. */
  NotThisSite: 'NOT_THIS_SITE',
  /** A registration and change requests in one public call: each is a call of its own. */
  SeparateCall: 'SEPARATE_CALL',
  /** A value another row already holds (a registration reference, a GlobalID). */
  Duplicate: 'DUPLICATE',
} as const;
export type EditIssueCode = (typeof EditIssueCode)[keyof typeof EditIssueCode];

/** One problem with an edit or a call, as data: the field and why. */
export interface EditIssue {
  readonly field: string;
  readonly code: IssueCode | EditIssueCode;
  readonly limit?: readonly number[];
}

/** A problem with a whole call, placed on a layer's adds (and one add, when `index` is set). */
export interface CallIssue extends EditIssue {
  readonly layer: string;
  readonly index?: number;
}

function describeIssues(issues: readonly EditIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.code}`).join('; ');
}

/** `Sites add 0: GlobalID: REQUIRED`, `Cameras: adds: CAMERA_REQUIRED`, as edit problems read. */
function describeCallIssue(issue: CallIssue): string {
  const where = issue.index === undefined ? issue.layer : `${issue.layer} add ${issue.index}`;
  return `${where}: ${describeIssues([issue])}`;
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

/**
 * A new row may refer only to a parent the caller's view lets it refer to: anonymous
 * callers to a registration still awaiting review, officers to a site they may see. A
 * parent that does not exist and one the caller may not use get the same answer, so the
 * answer never tells whether a GlobalID exists.
 */
function checkReferences(db: Database, layer: LayerDef, view: ViewName, values: Row): void {
  for (const rel of RELATIONSHIPS) {
    if (rel.destinationLayerId !== layer.id) continue;
    const key = values[rel.destinationKey];
    if (typeof key !== 'string') continue;
    const origin = layerById(rel.originLayerId);
    if (!origin) continue;
    const parent = getRowByGlobalId(db, origin, key);
    let usable = parent !== undefined;
    if (parent && view === 'public') usable = parent.attributes.status === 'pending';
    if (parent && view === 'officer') {
      const definition = viewDefinition(origin, 'officer', Date.now());
      usable =
        prepared(
          db,
          `SELECT 1 FROM ${tableName(origin)} WHERE "GlobalID" = ? AND (${definition.sql})`,
        ).get(key, ...definition.params) !== undefined;
    }
    if (!usable)
      throw new EditFailure(
        1000,
        `${rel.destinationKey}: no ${origin.name} record here has that GlobalID.`,
      );
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

/** The `GlobalID` attribute as given (any case), or undefined. */
function givenGlobalIdKey(attributes: Readonly<Record<string, unknown>>): string | undefined {
  return Object.keys(attributes).find((k) => k.toLowerCase() === 'globalid');
}

const GLOBAL_ID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;

/** What a public call may be, once its shape is checked. */
export type PublicCall =
  | {
      readonly ok: true;
      /** The registration's site, which every camera must name (none for change requests). */
      readonly siteGlobalId?: string;
    }
  | { readonly ok: false; readonly issues: readonly CallIssue[] };

/**
 * The public view takes whole registrations or change requests, nothing in between: one
 * site with its client GlobalID (`useGlobalIds`) and at least one camera, or change requests
 * alone. Checked on the call as sent, before anything is written.
 */
export function checkPublicCall(
  edits: readonly LayerEdits[],
  layers: readonly LayerDef[],
  useGlobalIds: boolean,
): PublicCall {
  const addsOf = (name: string) =>
    edits.flatMap((edit, i) =>
      layers[i]?.name === name ? (edit.adds ?? []).map((raw, index) => ({ raw, index })) : [],
    );
  const sites = addsOf(SITES.name);
  const cameras = addsOf(CAMERAS.name);
  if (sites.length === 0 && cameras.length === 0) return { ok: true };

  const issues: CallIssue[] = [];
  if (addsOf(CHANGE_REQUESTS.name).length > 0) {
    issues.push({ layer: CHANGE_REQUESTS.name, field: 'adds', code: EditIssueCode.SeparateCall });
  }
  if (sites.length !== 1) {
    issues.push({ layer: SITES.name, field: 'adds', code: EditIssueCode.OneSiteRequired });
  }
  if (cameras.length === 0) {
    issues.push({ layer: CAMERAS.name, field: 'adds', code: EditIssueCode.CameraRequired });
  }
  let siteGlobalId: string | undefined;
  const [site] = sites;
  if (site && sites.length === 1) {
    // Cameras name their site by the GlobalID the client gave it, which only useGlobalIds keeps.
    const raw = (site.raw as { attributes?: unknown } | null)?.attributes;
    const attributes = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const key = givenGlobalIdKey(attributes);
    const value = key === undefined ? undefined : attributes[key];
    const given = typeof value === 'string' && value.trim() !== '' ? normalizeGuid(value) : '';
    const at = { layer: SITES.name, index: site.index, field: 'GlobalID' };
    if (!useGlobalIds) {
      issues.push({ layer: SITES.name, field: 'useGlobalIds', code: IssueCode.Required });
    } else if (given === '') {
      issues.push({ ...at, code: IssueCode.Required });
    } else if (!GLOBAL_ID.test(given)) {
      issues.push({ ...at, code: IssueCode.InvalidFormat });
    } else {
      siteGlobalId = given;
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, siteGlobalId };
}

/** Whether another row of `layer` than `objectId` already holds this registration reference. */
function referenceTaken(
  db: Database,
  layer: LayerDef,
  reference: AttributeValue | undefined,
  objectId?: number,
): boolean {
  if (layer.name !== SITES.name || typeof reference !== 'string') return false;
  const rows = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(layer)} WHERE registration_ref = ? LIMIT 2`,
  ).all(reference) as { id: number }[];
  return rows.some((row) => row.id !== objectId);
}

/** Problems with an add beyond its values: the registration it belongs to, uniqueness. */
function addIssues(
  ctx: EditContext,
  layer: LayerDef,
  values: Row,
  publicCall: PublicCall | undefined,
): EditIssue[] {
  const issues: EditIssue[] = [];
  if (
    publicCall?.ok &&
    publicCall.siteGlobalId !== undefined &&
    layer.name === CAMERAS.name &&
    values.site_guid !== publicCall.siteGlobalId
  ) {
    issues.push({ field: 'site_guid', code: EditIssueCode.NotThisSite });
  }
  if (referenceTaken(ctx.db, layer, values.registration_ref)) {
    issues.push({ field: 'registration_ref', code: EditIssueCode.Duplicate });
  }
  return issues;
}

/**
 * A public add retried after a lost answer finds its row by GlobalID; that row must be part
 * of the same registration (same reference, or same site), or the GlobalID names another.
 */
function sameRegistration(
  ctx: EditContext,
  layer: LayerDef,
  objectId: number,
  attributes: Readonly<Record<string, unknown>>,
  publicCall: PublicCall | undefined,
): boolean {
  if (!publicCall?.ok || publicCall.siteGlobalId === undefined) return true;
  const stored = getRow(ctx.db, layer, objectId)?.attributes;
  if (layer.name === SITES.name) {
    // The reference as the validator reads it: any case of the name, the last one given.
    const key = Object.keys(attributes).findLast((k) => k.toLowerCase() === 'registration_ref');
    const sent = key === undefined ? undefined : attributes[key];
    return typeof sent === 'string' && stored?.registration_ref === normalizeReference(sent);
  }
  if (layer.name === CAMERAS.name) return stored?.site_guid === publicCall.siteGlobalId;
  return true;
}

function addOne(
  ctx: EditContext,
  layer: LayerDef,
  raw: unknown,
  index: number,
  options: EditOptions,
  now: number,
  publicCall?: PublicCall,
  siteRefused = false,
): EditResult {
  const { attributes, geometry } = readFeature(raw, index);
  let globalId: string | null = null;
  const givenGlobalId = givenGlobalIdKey(attributes);
  if (givenGlobalId) {
    const value = attributes[givenGlobalId];
    delete attributes[givenGlobalId];
    if (options.useGlobalIds && typeof value === 'string' && value.trim() !== '') {
      globalId = normalizeGuid(value);
      if (!GLOBAL_ID.test(globalId)) {
        throw new EditFailure(1000, 'GlobalID is not a valid GUID.');
      }
      // A retried add (the first answer was lost) finds its own row: same GlobalID, no duplicate.
      const existing = objectIdOfGlobalId(ctx.db, layer, globalId);
      if (existing !== undefined) {
        if (!sameRegistration(ctx, layer, existing, attributes, publicCall)) {
          throw new EditFailure(
            1000,
            describeIssues([{ field: 'GlobalID', code: EditIssueCode.Duplicate }]),
          );
        }
        return { objectId: existing, uniqueId: existing, globalId, success: true };
      }
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
  const refused = addIssues(ctx, layer, values, publicCall);
  if (refused.length > 0) throw new EditFailure(1000, describeIssues(refused));
  // The registration's site was refused, so the call fails: a camera reports only its own
  // problems, not that its site is missing.
  if (siteRefused && layer.name === CAMERAS.name) return failed(undefined);
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
  const cross: EditIssue[] = crossFieldIssues(layer, merged);
  if (referenceTaken(ctx.db, layer, result.value.registration_ref, objectId)) {
    cross.push({ field: 'registration_ref', code: EditIssueCode.Duplicate });
  }
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
 * problem listed; without it, each edit stands or falls alone (savepoints). Through the
 * public view a call is one whole registration or change requests alone
 * ({@link checkPublicCall}), and always all or nothing, whatever `rollbackOnFailure` says.
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
  const publicCall =
    ctx.view === 'public' ? checkPublicCall(edits, layers, options.useGlobalIds) : undefined;
  if (publicCall && !publicCall.ok) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Unable to complete operation.',
      publicCall.issues.map(describeCallIssue),
    );
  }
  // A registration half stored is worse than none: the public view never keeps part of a call.
  const rollbackOnFailure = options.rollbackOnFailure || ctx.view === 'public';
  const problems: string[] = [];
  let siteRefused = false;

  const run = (label: string, work: () => EditResult): EditResult => {
    if (rollbackOnFailure) {
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
          run(`${layer.name} add ${index}`, () =>
            addOne(ctx, layer, raw, index, options, now, publicCall, siteRefused),
          ),
        );
        if (publicCall && layer.name === SITES.name && addResults.some((r) => !r.success)) {
          siteRefused = true;
        }
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
