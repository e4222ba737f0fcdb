import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode, errorCodeFromArcgis } from '../../core/errors.js';
import { validateChangePayload } from '../../core/registration/change-request.js';
import { normalizeReference } from '../../core/registration/registration-codes.js';
import { CHANGE_REQUESTS, SITES } from '../../core/schema/registry-schema.js';
import type { LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { layerById } from '../../core/schema/views.js';
import {
  crossFieldIssues,
  IssueCode,
  type ValidationIssue,
} from '../../core/validation/validate-attributes.js';
import { notPermitted, toArcgisError } from '../arcgis-error.js';
import {
  applyReviewedChangeRequests,
  settleChangeRequest,
} from '../change-requests/process-change-requests.js';
import { getRow, type Row } from '../db/feature-rows.js';
import { prepared, type Database } from '../db/open-database.js';
import { tableName } from '../db/registry-tables.js';
import {
  applyEdits,
  EditsRolledBack,
  type EditResult,
  type LayerEditResults,
  type LayerEdits,
} from '../edits/apply-edits.js';
import { runQuery } from '../query/run-query.js';
import {
  boolParam,
  idListParam,
  jsonParam,
  stringListParam,
  stringParam,
  type Params,
} from '../request-params.js';
import { checkEditCounts, looksLikeBot } from '../security/request-limits.js';
import { BY_VIEW, FS, WRITE } from './route-policies.js';
import {
  layerFor,
  requireQuery,
  send,
  viewFor,
  type RouteDef,
  type ServerContext,
} from './route-kit.js';

interface EditFlags {
  readonly rollbackOnFailure: boolean;
  readonly useGlobalIds: boolean;
}

const editFlags = (params: Params): EditFlags => ({
  rollbackOnFailure: boolParam(params, 'rollbackOnFailure', true),
  useGlobalIds: boolParam(params, 'useGlobalIds', false),
});

/**
 * Every edit route funnels here: anonymous writes must come from an allowed origin,
 * carry at most one registration, and not look like a bot (a bot gets a silent drop).
 */
function edit(
  request: FastifyRequest,
  context: ServerContext,
  view: ViewName,
  edits: readonly LayerEdits[],
  flags: EditFlags,
): LayerEditResults[] {
  const anonymous = request.caller.kind === 'anonymous';
  const origin = request.headers.origin;
  if (
    anonymous &&
    origin !== undefined &&
    // A browser sets both headers itself: same-origin pages of this server are always allowed.
    origin !== `${request.protocol}://${request.host}` &&
    !context.corsOrigins.includes(origin)
  ) {
    context.recordEvent(request, 'ORIGIN_REFUSED');
    throw notPermitted('Requests from this site are not accepted.');
  }
  checkEditCounts(
    edits,
    edits.map((e) => layerById(e.layerId) as LayerDef),
    anonymous,
  );
  if (anonymous && context.botCheck && looksLikeBot(request.params_, context.botCheck)) {
    context.recordEvent(request, 'BOT_DROPPED');
    return edits.map((e) => ({
      id: e.layerId,
      addResults: (e.adds ?? []).map(() => ({
        objectId: 0,
        uniqueId: 0,
        globalId: null,
        success: true,
      })),
      updateResults: [],
      deleteResults: [],
    }));
  }
  const settleAdd = context.processChangeRequests
    ? (layer: LayerDef, result: EditResult): EditResult =>
        layer.name === CHANGE_REQUESTS.name ? settleChange(context.db, result, request.ip) : result
    : undefined;
  const results = applyEdits(
    { db: context.db, view, caller: request.caller, settleAdd },
    edits,
    flags,
  );
  // An analyst's `approved` or `rejected` on a held update takes effect with the edit.
  if (
    context.processChangeRequests &&
    view === 'source' &&
    results.some(
      (r) => layerById(r.id)?.name === 'ChangeRequests' && r.updateResults.some((u) => u.success),
    )
  )
    applyReviewedChangeRequests(context.db);
  return results;
}

/**
 * Settles a change request as it is stored, and puts the refusal's data in its result's
 * error beside the processor's code and words: our code (`appCode`) and, for an invalid
 * update, its problems field by field (`issues`).
 */
function settleChange(db: Database, result: EditResult, clientKey: string): EditResult {
  // Read first: the processor wipes the payload once the request is settled.
  const sent = getRow(db, CHANGE_REQUESTS, result.objectId)?.attributes;
  const settled = settleChangeRequest(db, result, { clientKey });
  const error = settled.error;
  if (settled.success || !error) return settled;
  const appCode = errorCodeFromArcgis(error.code);
  const issues = appCode === ErrorCode.InvalidInput && sent ? payloadIssues(db, sent) : [];
  return { ...settled, error: { ...error, appCode, ...(issues.length > 0 ? { issues } : {}) } };
}

/**
 * The problems with a refused update's payload, checked again as the processor checks it
 * (the payload as sent, against the site as stored), because the processor reports them
 * only as text. A request sent again finds its payload wiped and gets none, as before.
 */
function payloadIssues(db: Database, sent: Row): ValidationIssue[] {
  if (typeof sent.payload !== 'string' || typeof sent.registration_ref !== 'string') return [];
  const site = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(SITES)} WHERE registration_ref = ?`,
  ).get(normalizeReference(sent.registration_ref)) as { id: number } | undefined;
  const stored = site && getRow(db, SITES, site.id)?.attributes;
  if (!stored) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(sent.payload);
  } catch {
    return [{ field: 'payload', code: IssueCode.WrongType }];
  }
  const checked = validateChangePayload(parsed);
  if (!checked.ok) return [...checked.issues];
  return crossFieldIssues(SITES, { ...stored, ...checked.site });
}

/** The body a route answers with, from the results of its one call to {@link applyEdits}. */
type Shape = (results: readonly LayerEditResults[]) => unknown;

const SERVICE_RESULTS: Shape = (results) => results;
const LAYER_RESULTS: Shape = ([result]) => ({
  addResults: result?.addResults ?? [],
  updateResults: result?.updateResults ?? [],
  deleteResults: result?.deleteResults ?? [],
});
const ADD_RESULTS: Shape = ([result]) => ({ addResults: result?.addResults ?? [] });
const UPDATE_RESULTS: Shape = ([result]) => ({ updateResults: result?.updateResults ?? [] });
const DELETE_RESULTS: Shape = ([result]) => ({ deleteResults: result?.deleteResults ?? [] });

/**
 * Runs an edit call and answers it: per-edit results as ArcGIS shapes them, or, when the
 * call was refused as a whole, ArcGIS's top-level error with its data beside the words:
 * `issues` for a call of the wrong shape, and `editResults` (each edit's result in this
 * route's shape) when the call was rolled back. ArcGIS clients ignore both keys. Other
 * failures (403, 413, bad JSON, tokens) go to the server's one error mapper.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/apply-edits-feature-service-layer/
 */
function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  shape: Shape,
  run: () => readonly LayerEditResults[],
): FastifyReply {
  const params = request.params_;
  let results: readonly LayerEditResults[];
  try {
    results = run();
  } catch (error) {
    if (!(
      error instanceof EditsRolledBack ||
      (error instanceof AppError && error.issues.length > 0)
    ))
      throw error;
    const { error: envelope } = toArcgisError(error, (e) => request.log.error(e));
    return send(reply, params, {
      error: {
        ...envelope,
        ...(error.issues.length > 0 ? { issues: error.issues } : {}),
        ...(error instanceof EditsRolledBack ? { editResults: shape(error.results) } : {}),
      },
    });
  }
  const body = shape(results);
  return send(reply, params, Array.isArray(body) ? body : withMoment(params, body as object));
}

function featureList(params: Params, name: string): unknown[] | undefined {
  const value = jsonParam(params, name);
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    throw new AppError(ErrorCode.InvalidInput, `'${name}' must be a JSON array of features.`, [
      name,
    ]);
  return value;
}

const withMoment = (params: Params, body: object) =>
  boolParam(params, 'returnEditMoment', false) ? { ...body, editMoment: Date.now() } : body;

/** The layer edits of a service-level `applyEdits` call. */
function serviceEdits(params: Params, flags: EditFlags): LayerEdits[] {
  const raw = jsonParam(params, 'edits');
  if (!Array.isArray(raw))
    throw new AppError(ErrorCode.InvalidInput, "'edits' must be a JSON array of layer edits.", [
      'edits',
    ]);
  return raw.map((entry: unknown) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const list = (name: string): unknown[] | undefined => {
      const value = e[name];
      if (value === undefined || value === null || value === '') return undefined;
      if (!Array.isArray(value))
        throw new AppError(ErrorCode.InvalidInput, `'${name}' must be an array.`, ['edits']);
      return value;
    };
    if (typeof e.id !== 'number')
      throw new AppError(ErrorCode.InvalidInput, 'Each layer edit needs a numeric id.', ['edits']);
    const deletes = e.deletes;
    return {
      layerId: e.id,
      adds: list('adds'),
      updates: list('updates'),
      deletes:
        typeof deletes === 'string'
          ? deletes.split(',').map((d) => (flags.useGlobalIds ? d.trim() : Number(d)))
          : (list('deletes') as (number | string)[] | undefined),
    };
  });
}

/** The features a `deleteFeatures` call names: by id, or selected exactly as a query selects. */
function deleteSelection(
  context: ServerContext,
  params: Params,
  layer: LayerDef,
  view: ViewName,
): number[] {
  const objectIds = idListParam(params, 'objectIds') ?? [];
  if (stringParam(params, 'where') === undefined && stringParam(params, 'geometry') === undefined) {
    if (objectIds.length === 0) {
      throw new AppError(
        ErrorCode.InvalidInput,
        "'objectIds', 'where' or 'geometry' is required.",
        ['objectIds'],
      );
    }
    return objectIds;
  }
  requireQuery(layer, view);
  // objectIds, where and geometry narrow each other inside the view's definition, so a
  // delete never reaches beyond what was described.
  const selection: Record<string, string> = { f: 'json', returnIdsOnly: 'true' };
  for (const name of ['objectIds', 'where', 'geometry', 'geometryType', 'inSR', 'spatialRel']) {
    const value = params[name];
    if (value !== undefined) selection[name] = value;
  }
  return (
    runQuery({ db: context.db, layer, view, guard: null }, selection).body as {
      objectIds: number[];
    }
  ).objectIds;
}

/** `addFeatures` or `updateFeatures`: the `features` parameter as one layer's adds or updates. */
function featuresRoute(
  operation: 'addFeatures' | 'updateFeatures',
  purpose: string,
  as: 'adds' | 'updates',
  shape: Shape,
): RouteDef {
  return {
    methods: WRITE,
    url: `${FS}/:layer/${operation}`,
    access: BY_VIEW,
    purpose,
    rate: 'anonymous-edit',
    handler: (request, reply, context) =>
      respond(request, reply, shape, () => {
        const params = request.params_;
        const view = viewFor(request);
        const layer = layerFor(request, view);
        return edit(
          request,
          context,
          view,
          [{ layerId: layer.id, [as]: featureList(params, 'features') ?? [] }],
          editFlags(params),
        );
      }),
  };
}

/** applyEdits (layer and service level) and the single-purpose feature edits. */
export const EDIT_ROUTES: readonly RouteDef[] = [
  {
    methods: WRITE,
    url: `${FS}/applyEdits`,
    access: BY_VIEW,
    purpose: 'Edits across layers in one transaction',
    rate: 'anonymous-edit',
    handler: (request, reply, context) =>
      respond(request, reply, SERVICE_RESULTS, () => {
        const params = request.params_;
        const view = viewFor(request);
        const flags = editFlags(params);
        return edit(request, context, view, serviceEdits(params, flags), flags);
      }),
  },
  {
    methods: WRITE,
    url: `${FS}/:layer/applyEdits`,
    access: BY_VIEW,
    purpose: 'Add, update and delete features',
    rate: 'anonymous-edit',
    handler: (request, reply, context) =>
      respond(request, reply, LAYER_RESULTS, () => {
        const params = request.params_;
        const view = viewFor(request);
        const layer = layerFor(request, view);
        const flags = editFlags(params);
        const deletes = flags.useGlobalIds
          ? stringListParam(params, 'deletes')
          : idListParam(params, 'deletes');
        return edit(
          request,
          context,
          view,
          [
            {
              layerId: layer.id,
              adds: featureList(params, 'adds'),
              updates: featureList(params, 'updates'),
              deletes,
            },
          ],
          flags,
        );
      }),
  },
  featuresRoute('addFeatures', 'Add features', 'adds', ADD_RESULTS),
  featuresRoute('updateFeatures', 'Update features', 'updates', UPDATE_RESULTS),
  {
    methods: WRITE,
    url: `${FS}/:layer/deleteFeatures`,
    access: BY_VIEW,
    purpose: 'Delete features',
    rate: 'anonymous-edit',
    handler: (request, reply, context) =>
      respond(request, reply, DELETE_RESULTS, () => {
        const params = request.params_;
        const view = viewFor(request);
        const layer = layerFor(request, view);
        const targets = deleteSelection(context, params, layer, view);
        return edit(request, context, view, [{ layerId: layer.id, deletes: targets }], {
          rollbackOnFailure: boolParam(params, 'rollbackOnFailure', true),
          useGlobalIds: false,
        });
      }),
  },
];
