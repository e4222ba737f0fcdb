import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../core/errors.js';
import { CHANGE_REQUESTS } from '../../core/schema/registry-schema.js';
import type { LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { layerById } from '../../core/schema/views.js';
import { notPermitted, toArcgisError } from '../arcgis-error.js';
import {
  applyReviewedChangeRequests,
  settleChangeRequest,
} from '../change-requests/process-change-requests.js';
import {
  applyEdits,
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
import { botSignal, checkEditCounts } from '../security/request-limits.js';
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
  // A manage request proves itself with its manage code (wrong codes are slowed down
  // elsewhere), so only new registrations are judged as possibly automated.
  const registering = edits.some((e) => layerById(e.layerId)?.name !== CHANGE_REQUESTS.name);
  const signal =
    anonymous && registering && context.botCheck
      ? botSignal(request.params_, context.botCheck)
      : null;
  if (signal?.kind === 'too-fast') {
    // A person who filled the form quickly loses nothing: the form waits and sends again.
    context.recordEvent(request, 'BOT_DELAYED');
    const seconds = Math.max(1, Math.ceil(signal.waitMs / 1000));
    throw new AppError(
      ErrorCode.RateLimited,
      'The form was sent sooner than a person usually can. Send it again in a moment.',
      [`Retry after ${seconds} seconds.`],
      { retryAfterSeconds: seconds, field: 'ccr_fill_ms' },
    );
  }
  if (signal?.kind === 'honeypot') {
    // Only software fills the hidden field; it gets the answer a person would, and nothing
    // a person typed is lost.
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
        layer.name === CHANGE_REQUESTS.name
          ? settleChangeRequest(context.db, result, {
              clientKey: request.ip,
              placement: context.placement,
            })
          : result
    : undefined;
  const results = applyEdits(
    { db: context.db, view, caller: request.caller, settleAdd, placement: context.placement },
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
    applyReviewedChangeRequests(context.db, { placement: context.placement });
  return results;
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
 * Runs an edit call and answers it: per-edit results as ArcGIS shapes them (a rolled-back
 * call too: its failures with their errors, the rest as not applied), or, when the call was
 * refused as a whole for its shape, ArcGIS's top-level error with the `issues` beside the
 * words (ArcGIS clients ignore the key). Other failures (403, 413, bad JSON, tokens) go to
 * the server's one error mapper.
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
    if (!(error instanceof AppError && error.issues.length > 0)) throw error;
    const { error: envelope } = toArcgisError(error, (e) => request.log.error(e));
    return send(reply, params, { error: { ...envelope, issues: error.issues } });
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
