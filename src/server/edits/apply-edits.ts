import { createHash } from 'node:crypto';
import {
  AppError,
  ArcgisEditCode,
  ErrorCode,
  type EditResultError,
  type FieldIssue,
} from '../../core/errors.js';
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
import type { SitePlacement } from '../../core/districts/place-site.js';
import {
  noTouchedSites,
  refreshTouchedSites,
  sitesAfterEdits,
  sitesBeforeEdits,
} from './site-derived-values.js';

const DAY = 86_400_000;

/** One layer's edits, as `applyEdits` carries them. */
export interface LayerEdits {
  readonly layerId: number;
  readonly adds?: readonly unknown[];
  readonly updates?: readonly unknown[];
  /** OBJECTIDs, or GlobalIDs when `useGlobalIds`. */
  readonly deletes?: readonly (number | string)[];
}

/**
 * One edit's result, as ArcGIS's edit result object: a failure carries ArcGIS's `code` and a
 * plain-English `description`, plus our data (`appCode`, `field`, `issues`, `retryAfter`).
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/edit-result-object/
 */
export interface EditResult {
  objectId: number;
  uniqueId: number;
  globalId: string | null;
  success: boolean;
  error?: EditResultError;
}

export type EditOperation = 'add' | 'update' | 'delete';

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
  /** District and beat polygons: a site created or moved gets its district and beat from them. */
  readonly placement?: SitePlacement;
}

export interface EditOptions {
  readonly rollbackOnFailure: boolean;
  readonly useGlobalIds: boolean;
}

/** Why an edit was refused beyond its own values: issue codes, as the validator's are. */
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
  /**
   * A GlobalID naming no parent record this caller may use: one that does not exist and one
   * out of reach get the same code, so the answer never tells whether a GlobalID exists.
   */
  ParentNotFound: 'PARENT_NOT_FOUND',
} as const;
export type EditIssueCode = (typeof EditIssueCode)[keyof typeof EditIssueCode];

/** One problem with an edit or a call, as data: the field and why. */
export interface EditIssue {
  readonly field: string;
  readonly code: IssueCode | EditIssueCode;
  readonly limit?: readonly number[];
}

/** A problem with the shape of a whole call, on the layer it concerns. */
export interface CallIssue extends EditIssue {
  readonly layerId: number;
}

const bounds = (limit: readonly number[] | undefined): string =>
  limit && limit.length >= 2 ? ` (${limit[0]} to ${limit[1]})` : '';

/** Each issue in plain English, for people reading a response (clients read the codes). */
const ISSUE_WORDS: Readonly<Record<IssueCode | EditIssueCode, (issue: EditIssue) => string>> = {
  REQUIRED: (i) => `${i.field} is required.`,
  UNKNOWN_FIELD: (i) => `${i.field} is not a field that can be written here.`,
  NOT_EDITABLE: (i) => `${i.field} cannot be given this value here.`,
  WRONG_TYPE: (i) => `${i.field} has the wrong type of value.`,
  TOO_LONG: (i) => `${i.field} is longer than ${i.limit?.[0] ?? 'allowed'} characters.`,
  NOT_IN_DOMAIN: (i) => `${i.field} is not one of the allowed values.`,
  OUT_OF_RANGE: (i) => `${i.field} is outside the allowed range${bounds(i.limit)}.`,
  INVALID_EMAIL: (i) => `${i.field} is not a valid email address.`,
  INVALID_PHONE: (i) => `${i.field} is not a phone number in international form.`,
  INVALID_FORMAT: (i) => `${i.field} is not in the expected format.`,
  CONTACT_REQUIRED: () => 'A phone number or an email address is required.',
  BUSINESS_NAME_REQUIRED: (i) => `${i.field} is required for a site that is not a residence.`,
  PREFERRED_CONTACT_MISSING: (i) => `${i.field} names a way of contact that is not filled in.`,
  ONE_SITE_REQUIRED: () => 'A registration is exactly one site.',
  CAMERA_REQUIRED: () => 'A registration needs at least one camera.',
  NOT_THIS_SITE: (i) => `${i.field} must name the site sent with this camera.`,
  SEPARATE_CALL: () => 'Change requests are sent in a call of their own.',
  DUPLICATE: (i) => `Another record already has this ${i.field}.`,
  PARENT_NOT_FOUND: (i) => `${i.field} names no record that can be used here.`,
};

/** Issues in plain English, one sentence each. */
function describeIssues(issues: readonly EditIssue[]): string {
  return issues.map((issue) => ISSUE_WORDS[issue.code](issue)).join(' ');
}

/** A refusal of the values sent: every problem as data, and in words for people. */
function refusal(
  issues: readonly EditIssue[],
  code: ErrorCode = ErrorCode.InvalidInput,
  description = describeIssues(issues),
): AppError {
  return new AppError(code, description, [], { field: issues[0]?.field, issues });
}

/** DUPLICATE alone is a conflict with another record; anything else is an invalid value. */
function refusalOf(issues: readonly EditIssue[]): AppError {
  const conflict = issues.every((issue) => issue.code === EditIssueCode.Duplicate);
  return refusal(issues, conflict ? ErrorCode.Conflict : ErrorCode.InvalidInput);
}

/** ArcGIS's number for a failed edit, from what failed (see {@link ArcgisEditCode}). */
function arcgisEditCode(error: AppError, operation: EditOperation): number {
  if (error.code === ErrorCode.NotFound) return ArcgisEditCode.ObjectMissing;
  if (error.code === ErrorCode.Conflict) return ArcgisEditCode.Duplicate;
  if (error.field === 'geometry') return ArcgisEditCode.GeometryNotSet;
  if (error.field === 'GlobalID' && error.issues.some((i) => i.code === IssueCode.Required)) {
    return ArcgisEditCode.MissingGlobalId;
  }
  // ArcGIS's documented answer to an update a rule refuses is 1019 (Apply Edits, example five).
  return operation === 'update' ? ArcgisEditCode.UpdateRefused : ArcgisEditCode.General;
}

/** A failed edit's `error`: ArcGIS's code and description, then the data our widgets read. */
export function editResultError(error: AppError, operation: EditOperation): EditResultError {
  return {
    code: arcgisEditCode(error, operation),
    description: error.message,
    appCode: error.code,
    ...(error.field === undefined ? {} : { field: error.field }),
    ...(error.issues.length === 0 ? {} : { issues: error.issues }),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfter: error.retryAfterSeconds }),
  };
}

function requireOperation(layer: LayerDef, view: ViewName, operation: Operation): void {
  if (!operationsInView(layer, view).includes(operation)) {
    throw notPermitted(`${operation} is not allowed on ${layer.name} in this service.`);
  }
}

function readFeature(raw: unknown): { attributes: Record<string, unknown>; geometry: unknown } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw refusal(
      [{ field: 'attributes', code: IssueCode.WrongType }],
      ErrorCode.InvalidInput,
      'The feature is not an object with attributes.',
    );
  }
  const feature = raw as { attributes?: unknown; geometry?: unknown };
  const attributes = feature.attributes ?? {};
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw refusal(
      [{ field: 'attributes', code: IssueCode.WrongType }],
      ErrorCode.InvalidInput,
      'The feature has no attributes object.',
    );
  }
  return { attributes: { ...(attributes as Record<string, unknown>) }, geometry: feature.geometry };
}

function readPoint(
  layer: LayerDef,
  geometry: unknown,
  required: boolean,
): StoredPoint | null | undefined {
  if (layer.kind !== 'point') return undefined;
  const refused = (code: IssueCode, description: string) =>
    refusal([{ field: 'geometry', code }], ErrorCode.InvalidInput, description);
  if (geometry === undefined || geometry === null) {
    if (required) throw refused(IssueCode.Required, `${layer.name} needs a point geometry.`);
    return undefined;
  }
  const g = geometry as { x?: unknown; y?: unknown; spatialReference?: unknown };
  if (
    typeof g.x !== 'number' ||
    typeof g.y !== 'number' ||
    !Number.isFinite(g.x) ||
    !Number.isFinite(g.y)
  ) {
    throw refused(IssueCode.WrongType, 'Geometry must be a point with numeric x and y.');
  }
  let wkid: number;
  try {
    wkid = parseSpatialReference(
      g.spatialReference ? JSON.stringify(g.spatialReference) : undefined,
      4326,
    );
  } catch (error) {
    throw refused(
      IssueCode.InvalidFormat,
      error instanceof Error ? error.message : 'Unsupported spatial reference.',
    );
  }
  const [projected] =
    wkid === 4326 ? [[g.x, g.y] as [number, number]] : projectPoints([[g.x, g.y]], wkid, 4326);
  if (!projected || Math.abs(projected[0]) > 180 || Math.abs(projected[1]) > 90) {
    throw refused(
      IssueCode.OutOfRange,
      'Geometry is outside the valid range of longitude and latitude.',
    );
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
    if (!usable) {
      throw refusal([{ field: rel.destinationKey, code: EditIssueCode.ParentNotFound }]);
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
 * site (sent with `useGlobalIds`, so its cameras can name it) and at least one camera, or
 * change requests alone. Checked on the call as sent, before anything is written; these are
 * problems of the call, not of a feature, so they are answered for the whole call. The
 * site's own GlobalID is checked with the site, as any attribute is.
 */
export function checkPublicCall(
  edits: readonly LayerEdits[],
  layers: readonly LayerDef[],
  useGlobalIds: boolean,
): PublicCall {
  const addsOf = (name: string) =>
    edits.flatMap((edit, i) => (layers[i]?.name === name ? (edit.adds ?? []) : []));
  const sites = addsOf(SITES.name);
  const cameras = addsOf(CAMERAS.name);
  if (sites.length === 0 && cameras.length === 0) return { ok: true };

  const issues: CallIssue[] = [];
  if (addsOf(CHANGE_REQUESTS.name).length > 0) {
    issues.push({
      layerId: CHANGE_REQUESTS.id,
      field: 'adds',
      code: EditIssueCode.SeparateCall,
    });
  }
  if (sites.length !== 1) {
    issues.push({ layerId: SITES.id, field: 'adds', code: EditIssueCode.OneSiteRequired });
  }
  if (cameras.length === 0) {
    issues.push({ layerId: CAMERAS.id, field: 'adds', code: EditIssueCode.CameraRequired });
  }
  // Cameras name their site by the GlobalID the client gave it, which only useGlobalIds keeps.
  if (sites.length === 1 && !useGlobalIds) {
    issues.push({ layerId: SITES.id, field: 'useGlobalIds', code: IssueCode.Required });
  }
  if (issues.length > 0) return { ok: false, issues };
  const given = givenGlobalId(sites[0]);
  return given !== null && GLOBAL_ID.test(given) ? { ok: true, siteGlobalId: given } : { ok: true };
}

/** The GlobalID a feature was sent with (normalized), or null when it has none. */
function givenGlobalId(raw: unknown): string | null {
  const attributes = (raw as { attributes?: unknown } | null | undefined)?.attributes;
  if (!attributes || typeof attributes !== 'object') return null;
  const record = attributes as Record<string, unknown>;
  const key = givenGlobalIdKey(record);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' && value.trim() !== '' ? normalizeGuid(value) : null;
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

const ROLLED_BACK = 'Operation rolled back.';

/** An edit that was not tried, or was undone, because another one failed. */
function notApplied(objectId: number, globalId: string | null): EditResult {
  return {
    objectId,
    uniqueId: objectId,
    globalId,
    success: false,
    error: { code: ArcgisEditCode.RolledBack, description: ROLLED_BACK },
  };
}

function addOne(
  ctx: EditContext,
  layer: LayerDef,
  raw: unknown,
  options: EditOptions,
  now: number,
  publicCall?: PublicCall,
  siteRefused = false,
): EditResult {
  const { attributes, geometry } = readFeature(raw);
  let globalId: string | null = null;
  const globalIdKey = givenGlobalIdKey(attributes);
  if (globalIdKey) {
    const value = attributes[globalIdKey];
    delete attributes[globalIdKey];
    if (options.useGlobalIds && typeof value === 'string' && value.trim() !== '') {
      globalId = normalizeGuid(value);
      if (!GLOBAL_ID.test(globalId)) {
        throw refusal([{ field: 'GlobalID', code: IssueCode.InvalidFormat }]);
      }
      // A retried add (the first answer was lost) finds its own row: same GlobalID, no duplicate.
      const existing = objectIdOfGlobalId(ctx.db, layer, globalId);
      if (existing !== undefined) {
        if (!sameRegistration(ctx, layer, existing, attributes, publicCall)) {
          throw refusalOf([{ field: 'GlobalID', code: EditIssueCode.Duplicate }]);
        }
        return { objectId: existing, uniqueId: existing, globalId, success: true };
      }
    }
  }
  // A registration's site needs the GlobalID its cameras name (checkPublicCall).
  if (publicCall?.ok && ctx.view === 'public' && layer.name === SITES.name && globalId === null) {
    throw refusal([{ field: 'GlobalID', code: IssueCode.Required }]);
  }
  for (const key of Object.keys(attributes))
    if (key.toLowerCase() === 'objectid') delete attributes[key];
  for (const key of Object.keys(attributes)) if (alwaysServerSet(key)) delete attributes[key];

  const result = validateAttributes(layer, attributes, { view: ctx.view, mode: 'create' });
  if (!result.ok) throw refusal(result.issues);
  const point = readPoint(layer, geometry, true);
  const values: Row = { ...serverDefaults(layer, ctx.view, ctx.caller, now), ...result.value };
  // Never let a caller pick the server-set values the view does not show them.
  const shown = new Set(fieldsInView(layer, ctx.view).map((f) => f.name));
  for (const [name, value] of Object.entries(serverDefaults(layer, ctx.view, ctx.caller, now))) {
    if (!shown.has(name) || alwaysServerSet(name)) values[name] = value;
  }
  const refused = addIssues(ctx, layer, values, publicCall);
  if (refused.length > 0) throw refusalOf(refused);
  // The registration's site was refused, so the call fails: a camera reports only its own
  // problems, not that its site is missing.
  if (siteRefused && layer.name === CAMERAS.name) return notApplied(-1, globalId);
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
  const name = options.useGlobalIds ? 'GlobalID' : 'OBJECTID';
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : attributes[key];
  if (options.useGlobalIds) {
    if (typeof value !== 'string') throw refusal([{ field: name, code: IssueCode.Required }]);
    const id = objectIdOfGlobalId(ctx.db, layer, normalizeGuid(value));
    if (id === undefined) throw missing(name, 'No feature has that GlobalID.');
    return id;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw refusal([{ field: name, code: IssueCode.Required }]);
  return value;
}

/** The feature an update or delete names does not exist (ArcGIS: 1011, Object is missing). */
function missing(field: string, description: string): AppError {
  return new AppError(ErrorCode.NotFound, description, [], { field });
}

function updateOne(
  ctx: EditContext,
  layer: LayerDef,
  raw: unknown,
  options: EditOptions,
  now: number,
): EditResult {
  const { attributes, geometry } = readFeature(raw);
  const objectId = resolveTarget(ctx, layer, attributes, options);
  const existing = getRow(ctx.db, layer, objectId);
  if (!existing) throw missing('OBJECTID', `No feature has OBJECTID ${objectId}.`);
  for (const key of Object.keys(attributes)) {
    if (['objectid', 'globalid'].includes(key.toLowerCase()) || alwaysServerSet(key))
      delete attributes[key];
  }
  const result = validateAttributes(layer, attributes, { view: ctx.view, mode: 'patch' });
  if (!result.ok) throw refusal(result.issues);
  const merged = { ...existing.attributes, ...result.value };
  const cross: EditIssue[] = crossFieldIssues(layer, merged);
  if (referenceTaken(ctx.db, layer, result.value.registration_ref, objectId)) {
    cross.push({ field: 'registration_ref', code: EditIssueCode.Duplicate });
  }
  if (cross.length > 0) throw refusalOf(cross);
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
  if (objectId === undefined || !existing) {
    throw typeof target === 'string'
      ? missing('GlobalID', 'No feature has that GlobalID.')
      : missing('OBJECTID', `No feature has OBJECTID ${target}.`);
  }
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

/**
 * The feature a failed edit named, as far as the request tells (a failed add has no
 * OBJECTID; its GlobalID is reported when the client chose it).
 */
function requestedIds(
  operation: EditOperation,
  raw: unknown,
  options: EditOptions,
): { objectId: number; globalId: string | null } {
  if (operation === 'delete') {
    return typeof raw === 'number'
      ? { objectId: raw, globalId: null }
      : { objectId: -1, globalId: typeof raw === 'string' ? normalizeGuid(raw) : null };
  }
  const given = options.useGlobalIds ? givenGlobalId(raw) : null;
  const globalId = given !== null && GLOBAL_ID.test(given) ? given : null;
  if (operation === 'add') return { objectId: -1, globalId };
  const attributes = (raw as { attributes?: unknown } | null | undefined)?.attributes;
  const record = (attributes && typeof attributes === 'object' ? attributes : {}) as Record<
    string,
    unknown
  >;
  const key = Object.keys(record).find((k) => k.toLowerCase() === 'objectid');
  const objectId = key === undefined ? undefined : record[key];
  return {
    objectId: typeof objectId === 'number' && Number.isSafeInteger(objectId) ? objectId : -1,
    globalId,
  };
}

/**
 * Applies edits to one or more layers in a single `BEGIN IMMEDIATE` transaction and answers
 * per edit, as ArcGIS does. With `rollbackOnFailure`, one failed edit undoes all: the failed
 * edits carry their own errors and every other edit is reported as not applied (1003), so a
 * client that reads only `addResults` (QGIS) still learns that nothing was stored; without
 * it, each edit stands or falls alone (savepoints) and a failed one is reported in its result. Through the public
 * view a call is one whole registration or change requests alone ({@link checkPublicCall},
 * refused for the whole call with its issues as data), and always all or nothing, whatever
 * `rollbackOnFailure` says (ArcGIS: `supportsRollbackOnFailureParameter` false).
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
      publicCall.issues.map((issue) => ISSUE_WORDS[issue.code](issue)),
      { issues: publicCall.issues.map(wireIssue) },
    );
  }
  // A registration half stored is worse than none: the public view never keeps part of a call.
  const rollbackOnFailure = options.rollbackOnFailure || ctx.view === 'public';
  let failed = false;
  let siteRefused = false;

  const refused = (error: unknown, operation: EditOperation, raw: unknown): EditResult => {
    if (!(error instanceof AppError)) throw error;
    failed = true;
    const { objectId, globalId } = requestedIds(operation, raw, options);
    return {
      objectId,
      uniqueId: objectId,
      globalId,
      success: false,
      error: editResultError(error, operation),
    };
  };
  const run = (operation: EditOperation, raw: unknown, work: () => EditResult): EditResult => {
    if (rollbackOnFailure) {
      try {
        return work();
      } catch (error) {
        return refused(error, operation, raw);
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
      return refused(error, operation, raw);
    }
  };

  let results: LayerEditResults[];
  try {
    results = inWriteTransaction(ctx.db, () => {
      // District, beat and quality flags of every site the call touched, however it did.
      const sites = noTouchedSites();
      sitesBeforeEdits(ctx.db, edits, layers, options, sites);
      const out = edits.map((edit, i) => {
        const layer = layers[i] as LayerDef;
        const addResults = (edit.adds ?? []).map((raw) =>
          run('add', raw, () => addOne(ctx, layer, raw, options, now, publicCall, siteRefused)),
        );
        if (publicCall && layer.name === SITES.name && addResults.some((r) => !r.success)) {
          siteRefused = true;
        }
        const updateResults = (edit.updates ?? []).map((raw) =>
          run('update', raw, () => updateOne(ctx, layer, raw, options, now)),
        );
        const deleteResults = (edit.deletes ?? []).map((target) =>
          run('delete', target, () => deleteOne(ctx, layer, target, options)),
        );
        return { id: layer.id, addResults, updateResults, deleteResults };
      });
      if (rollbackOnFailure && failed) throw new RollBack(out);
      sitesAfterEdits(ctx.db, edits, layers, out, sites);
      refreshTouchedSites(ctx.db, ctx.placement ?? {}, sites, now);
      return out;
    });
  } catch (error) {
    if (error instanceof RollBack) return error.results.map(undone(edits, options));
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

/** A call issue as the wire carries it. */
function wireIssue(issue: CallIssue): FieldIssue {
  return { field: issue.field, code: issue.code, layerId: issue.layerId };
}

/** Each layer's results once the call was rolled back: what had succeeded was not applied. */
function undone(
  edits: readonly LayerEdits[],
  options: EditOptions,
): (layer: LayerEditResults, i: number) => LayerEditResults {
  const kept = (r: EditResult) => (r.success ? notApplied(r.objectId, r.globalId) : r);
  return (layer, i) => ({
    ...layer,
    // An add's OBJECTID and a GlobalID the server made were never kept; report as for a failure.
    addResults: layer.addResults.map((r, index) =>
      r.success
        ? notApplied(-1, requestedIds('add', edits[i]?.adds?.[index], options).globalId)
        : r,
    ),
    updateResults: layer.updateResults.map(kept),
    deleteResults: layer.deleteResults.map(kept),
  });
}

class RollBack extends Error {
  readonly results: LayerEditResults[];
  constructor(results: LayerEditResults[]) {
    super('rolled back');
    this.results = results;
  }
}
