import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { AppError, ErrorCode } from '../core/errors.js';
import type { Extent } from '../core/schema/layer-json.js';
import type { LayerDef, ViewName } from '../core/schema/schema-types.js';
import {
  layerById,
  layersInView,
  operationsInView,
  SERVICE_OF_VIEW,
  viewOfService,
} from '../core/schema/views.js';
import { policyFor, viewAllows, type RateClass, type RoutePolicy } from './access-policy.js';
import { notFound, notPermitted, toArcgisError, tokenRequired } from './arcgis-error.js';
import {
  ANONYMOUS,
  callerOfToken,
  DEFAULT_TOKEN_POLICY,
  signIn,
  type Caller,
  type TokenPolicy,
} from './auth/accounts.js';
import type { Database } from './db/open-database.js';
import {
  checkEditCounts,
  checkOfficerQuery,
  looksLikeBot,
  type BotCheck,
} from './security/request-limits.js';
import { recordSecurityEvent, type SecurityEventKind } from './security/security-events.js';
import {
  processChangeRequest,
  type ChangeOutcome,
} from './change-requests/process-change-requests.js';
import {
  applyEdits,
  type EditResult,
  type LayerEditResults,
  type LayerEdits,
} from './edits/apply-edits.js';
import {
  findAddressCandidates,
  geocodeServiceInfo,
  reverseGeocode,
  suggest,
} from './geocode/geocode-service.js';
import { streetsGeojson } from './handlers/demo-data.js';
import { describeLayer, describeService, SERVER_VERSION } from './handlers/service-info.js';
import { queryRelatedRecords } from './query/query-related.js';
import { runQuery } from './query/run-query.js';
import {
  boolParam,
  idListParam,
  intParam,
  jsonParam,
  mergeParams,
  stringListParam,
  stringParam,
  type Params,
} from './request-params.js';

/** Independence, Missouri: the demo city. */
export const DEFAULT_CITY_EXTENT: Extent = { xmin: -94.48, ymin: 39.03, xmax: -94.33, ymax: 39.13 };

/** How a refused change request is reported in its add result (never which part was wrong). */
const CHANGE_REQUEST_ERRORS: Readonly<
  Record<
    Extract<ChangeOutcome, { status: 'rejected' }>['reason'],
    { code: number; description: string }
  >
> = {
  BAD_CODE: { code: 403, description: 'The registration reference or manage code is not right.' },
  RATE_LIMITED: {
    code: 429,
    description: 'Too many attempts for this registration. Try again in an hour.',
  },
  INVALID_CHANGES: { code: 400, description: 'The requested changes are not valid.' },
};

export interface ServerOptions {
  readonly db: Database;
  /** Folder of built demo pages served at `/`; none serves only the API. */
  readonly staticDir?: string;
  readonly cityExtent?: Extent;
  /** Origins (scheme://host:port) allowed to call across origins; none by default. */
  readonly corsOrigins?: readonly string[];
  readonly tokenPolicy?: TokenPolicy;
  /** Structured request log (no query strings, no bodies, no tokens); off in tests. */
  readonly log?: boolean;
  /** Largest request body in bytes. */
  readonly bodyLimit?: number;
  /** Apply change requests as they arrive (default); off leaves them for the CLI. */
  readonly processChangeRequests?: boolean;
  /** Requests per minute per client for each budget; `false` turns budgets off (tests). */
  readonly rateLimits?: Readonly<Record<RateClass, number>> | false;
  /** Honeypot and minimum fill time for anonymous registrations; `false` turns them off. */
  readonly botCheck?: BotCheck | false;
}

/** Requests per minute per client address. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateClass, number>> = {
  'sign-in': 10,
  'anonymous-edit': 20,
  lookup: 240,
};

const SECURITY_EVENT_OF: Partial<Record<ErrorCode, SecurityEventKind>> = {
  AUTH_REQUIRED: 'TOKEN_REQUIRED',
  INVALID_TOKEN: 'TOKEN_INVALID',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  TOO_LARGE: 'TOO_LARGE',
};

/** Failures that keep their real HTTP status besides the envelope: proxies and clients act on them. */
const TRANSPORT_STATUS: Partial<Record<ErrorCode, number>> = { RATE_LIMITED: 429, TOO_LARGE: 413 };

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
    params_: Params;
  }
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
}

function tokenOf(request: FastifyRequest, params: Params): string | undefined {
  const header = request.headers['x-esri-authorization'] ?? request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const bearer = value && /^Bearer\s+(\S+)$/i.exec(value)?.[1];
  return bearer ?? stringParam(params, 'token');
}

function send(
  reply: FastifyReply,
  params: Params,
  body: unknown,
  format: 'json' | 'geojson' = 'json',
): FastifyReply {
  const pretty = params.f?.toLowerCase() === 'pjson';
  reply.header(
    'content-type',
    format === 'geojson'
      ? 'application/geo+json; charset=utf-8'
      : 'application/json; charset=utf-8',
  );
  return reply.send(JSON.stringify(body, null, pretty ? 2 : undefined));
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const { db } = options;
  const settings = { cityExtent: options.cityExtent ?? DEFAULT_CITY_EXTENT };
  const tokenPolicy = options.tokenPolicy ?? DEFAULT_TOKEN_POLICY;
  const app = Fastify({
    logger: options.log
      ? {
          level: 'info',
          redact: ['req.headers.authorization', 'req.headers["x-esri-authorization"]'],
        }
      : false,
    // Fastify's own request lines carry the URL, and with it tokens and addresses.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    trustProxy: false,
  });
  const log = (error: unknown) =>
    app.log.error(
      { err: error instanceof Error ? { name: error.name, message: error.message } : 'error' },
      'unexpected error',
    );

  // Every route must be declared in the access policy table, or the server refuses to start.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const policy =
        policyFor(method === 'HEAD' ? 'GET' : method, route.url) ?? policyFor(method, route.url);
      if (!policy) throw new Error(`Route ${method} ${route.url} has no access policy`);
      route.config = { ...(route.config as object), policy };
    }
  });

  const rateLimits = options.rateLimits === undefined ? DEFAULT_RATE_LIMITS : options.rateLimits;
  const botCheck = options.botCheck === undefined ? { minFillMs: 3000 } : options.botCheck;
  if (rateLimits) {
    await app.register(rateLimit, {
      global: false,
      hook: 'preHandler',
      errorResponseBuilder: (_request, context) =>
        new AppError(ErrorCode.RateLimited, 'Too many requests. Try again later.', [
          `Retry after ${Math.ceil(context.ttl / 1000)} seconds.`,
        ]),
    });
  }
  await app.register(formbody, { bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024 });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
  await app.register(cors, {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && (options.corsOrigins ?? []).includes(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'X-Esri-Authorization', 'Authorization'],
  });

  app.addHook('onRequest', async (request, reply) => {
    // Registry data must never sit in a shared or browser cache; pages are revalidated.
    reply.header('cache-control', request.url.startsWith('/arcgis') ? 'no-store' : 'no-cache');
  });

  app.addHook('preHandler', async (request) => {
    const params = mergeParams(request.query, request.body);
    request.params_ = params;
    request.caller = ANONYMOUS;
    const policy = request.routeOptions.config.policy;
    const isTokenRoute = request.routeOptions.url?.endsWith('/generateToken') ?? false;
    const token = isTokenRoute ? undefined : tokenOf(request, params);
    if (token) request.caller = callerOfToken(db, token, tokenPolicy);
    if (policy?.access.kind === 'signed-in') {
      if (request.caller.kind === 'anonymous') throw tokenRequired();
      if (!policy.access.roles.includes(request.caller.role)) throw notPermitted(policy.purpose);
    }
  });

  if (options.log) {
    app.addHook('onResponse', async (request, reply) => {
      // Route pattern only: query strings can carry tokens and addresses.
      app.log.info(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    });
  }

  const audit = (request: FastifyRequest, kind: SecurityEventKind, username?: string | null) => {
    try {
      recordSecurityEvent(db, {
        kind,
        username: username ?? (request.caller?.kind === 'user' ? request.caller.username : null),
        route: request.routeOptions.url ?? 'unmatched',
      });
    } catch (error) {
      log(error);
    }
  };

  app.setErrorHandler((error, request, reply) => {
    let failure: unknown = error;
    const status = (error as { statusCode?: number }).statusCode;
    if (!(error instanceof AppError) && status === 413)
      failure = new AppError(ErrorCode.TooLarge, 'The request is too large.');
    else if (
      !(error instanceof AppError) &&
      status !== undefined &&
      status >= 400 &&
      status < 500
    ) {
      failure = new AppError(ErrorCode.InvalidInput, 'The request could not be read.');
    }
    const params = request.params_ ?? {};
    const code = failure instanceof AppError ? failure.code : undefined;
    const kind = code ? SECURITY_EVENT_OF[code] : undefined;
    if (kind) audit(request, kind);
    return send(
      reply.code((code && TRANSPORT_STATUS[code]) ?? 200),
      params,
      toArcgisError(failure, log),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    send(
      reply.code(request.url.startsWith('/arcgis') ? 200 : 404),
      {},
      toArcgisError(notFound(request.url.split('?')[0] ?? ''), log),
    ),
  );

  /** Resolves `:service` to a view the caller may use, answering 499/403/404 as ArcGIS does. */
  const viewFor = (request: FastifyRequest): ViewName => {
    const service = (request.params as { service?: string }).service ?? '';
    const view = viewOfService(service);
    if (!view) throw notFound(service);
    if (!viewAllows(view, request.caller)) {
      if (request.caller.kind === 'anonymous') throw tokenRequired();
      throw notPermitted(`Service ${service}`);
    }
    return view;
  };
  const layerFor = (request: FastifyRequest, view: ViewName): LayerDef => {
    const raw = (request.params as { layer?: string }).layer ?? '';
    const layer = /^\d+$/.test(raw) ? layerById(Number(raw)) : undefined;
    if (!layer || operationsInView(layer, view).length === 0) {
      throw new AppError(ErrorCode.NotFound, `Layer ${raw} does not exist in this service.`);
    }
    return layer;
  };
  const requireQuery = (layer: LayerDef, view: ViewName) => {
    if (!operationsInView(layer, view).includes('query'))
      throw notPermitted(`query is not allowed on ${layer.name} in this service.`);
  };
  const route = (
    url: string,
    handler: (request: FastifyRequest, reply: FastifyReply) => unknown,
  ) => {
    const policy = policyOf(url);
    const budget = policy.rate && rateLimits ? rateLimits[policy.rate] : undefined;
    app.route({
      method: [...policy.methods],
      url,
      ...(budget === undefined
        ? {}
        : {
            config: {
              rateLimit: {
                max: budget,
                timeWindow: 60_000,
                // Signed-in staff are accountable by name; only sign-in and anonymous calls are budgeted.
                allowList: (request: FastifyRequest) =>
                  policy.rate !== 'sign-in' && request.caller?.kind === 'user',
              },
            },
          }),
      handler: async (request, reply) => handler(request, reply),
    });
  };

  const rootUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  route('/arcgis/rest/info', (request, reply) =>
    send(reply, request.params_, {
      currentVersion: SERVER_VERSION,
      fullVersion: '11.3.0',
      owningSystemUrl: `${rootUrl(request)}/arcgis`,
      authInfo: {
        isTokenBasedSecurity: true,
        tokenServicesUrl: `${rootUrl(request)}/arcgis/sharing/rest/generateToken`,
        shortLivedTokenValidity: tokenPolicy.defaultMinutes,
      },
    }),
  );

  const generateToken = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params_;
    const username = stringParam(params, 'username');
    const password = params.password;
    if (!username || !password) {
      throw new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
        "'username' and 'password' are required.",
      ]);
    }
    let issued;
    try {
      issued = await signIn(
        db,
        { username, password, expirationMinutes: intParam(params, 'expiration', { min: 1 }) },
        tokenPolicy,
      );
    } catch (error) {
      const locked =
        error instanceof AppError && error.details.some((d) => d.startsWith('Too many'));
      audit(
        request,
        locked ? 'ACCOUNT_LOCKED' : 'SIGN_IN_FAILED',
        username.toLowerCase().slice(0, 64),
      );
      throw error;
    }
    return send(reply, params, { token: issued.token, expires: issued.expires, ssl: false });
  };
  route('/arcgis/sharing/rest/generateToken', generateToken);
  route('/arcgis/tokens/generateToken', generateToken);

  route('/arcgis/sharing/rest/community/self', (request, reply) => {
    const caller = request.caller;
    if (caller.kind !== 'user') throw tokenRequired();
    return send(reply, request.params_, {
      username: caller.username,
      fullName: caller.username,
      role: caller.role === 'admin' ? 'org_admin' : 'org_user',
      privileges: [],
      groups: [],
    });
  });

  route('/arcgis/rest/services', (request, reply) => {
    const views = (Object.keys(SERVICE_OF_VIEW) as ViewName[]).filter((view) =>
      viewAllows(view, request.caller),
    );
    return send(reply, request.params_, {
      currentVersion: SERVER_VERSION,
      folders: [],
      services: [
        ...views.map((view) => ({ name: SERVICE_OF_VIEW[view], type: 'FeatureServer' })),
        { name: 'Geocode', type: 'GeocodeServer' },
      ],
    });
  });

  const FS = '/arcgis/rest/services/:service/FeatureServer';
  route(FS, (request, reply) =>
    send(reply, request.params_, describeService(viewFor(request), settings)),
  );
  route(`${FS}/layers`, (request, reply) => {
    const view = viewFor(request);
    const layers = layersInView(view).map((layer) => describeLayer(db, layer, view, settings));
    return send(reply, request.params_, {
      layers: layers.filter((l) => l.type === 'Feature Layer'),
      tables: layers.filter((l) => l.type === 'Table'),
    });
  });
  route(`${FS}/:layer`, (request, reply) => {
    const view = viewFor(request);
    return send(reply, request.params_, describeLayer(db, layerFor(request, view), view, settings));
  });
  route(`${FS}/:layer/query`, (request, reply) => {
    const view = viewFor(request);
    const layer = layerFor(request, view);
    requireQuery(layer, view);
    if (view === 'officer') checkOfficerQuery(layer, request.params_);
    const { body, format } = runQuery({ db, layer, view }, request.params_);
    return send(reply, request.params_, body, format);
  });
  route(`${FS}/:layer/queryRelatedRecords`, (request, reply) => {
    const view = viewFor(request);
    const layer = layerFor(request, view);
    return send(reply, request.params_, queryRelatedRecords({ db, layer, view }, request.params_));
  });

  const editOptions = (params: Params, rollbackDefault: boolean) => ({
    rollbackOnFailure: boolParam(params, 'rollbackOnFailure', rollbackDefault),
    useGlobalIds: boolParam(params, 'useGlobalIds', false),
  });
  const settleChangeRequest = (layer: LayerDef, result: EditResult): EditResult => {
    if (layer.name !== 'ChangeRequests') return result;
    const outcome = processChangeRequest(db, result.objectId);
    if (outcome.status !== 'rejected') return result;
    const error = CHANGE_REQUEST_ERRORS[outcome.reason];
    return {
      ...result,
      success: false,
      error: { code: error.code, description: [error.description, ...outcome.details].join(' ') },
    };
  };
  const editContext = (request: FastifyRequest, view: ViewName) => ({
    db,
    view,
    caller: request.caller,
    settleAdd: options.processChangeRequests === false ? undefined : settleChangeRequest,
  });
  /**
   * Every edit route funnels here: anonymous writes must come from an allowed origin,
   * carry at most one registration, and not look like a bot (a bot gets a silent drop).
   */
  const edit = (
    request: FastifyRequest,
    view: ViewName,
    edits: readonly LayerEdits[],
    opts: { rollbackOnFailure: boolean; useGlobalIds: boolean },
  ): LayerEditResults[] => {
    const anonymous = request.caller.kind === 'anonymous';
    const origin = request.headers.origin;
    if (
      anonymous &&
      origin !== undefined &&
      origin !== rootUrl(request) &&
      !(options.corsOrigins ?? []).includes(origin)
    ) {
      audit(request, 'ORIGIN_REFUSED');
      throw notPermitted('Requests from this site are not accepted.');
    }
    checkEditCounts(
      edits,
      edits.map((e) => layerById(e.layerId) as LayerDef),
      anonymous,
    );
    if (anonymous && botCheck && looksLikeBot(request.params_, botCheck)) {
      audit(request, 'BOT_DROPPED');
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
    return applyEdits(editContext(request, view), edits, opts);
  };
  const featureList = (params: Params, name: string): unknown[] | undefined => {
    const value = jsonParam(params, name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value))
      throw new AppError(ErrorCode.InvalidInput, `'${name}' must be a JSON array of features.`, [
        name,
      ]);
    return value;
  };
  const deleteTargets = (
    params: Params,
    useGlobalIds: boolean,
    name = 'deletes',
  ): (number | string)[] | undefined =>
    useGlobalIds ? stringListParam(params, name) : idListParam(params, name);
  const withMoment = (params: Params, body: Record<string, unknown>) =>
    boolParam(params, 'returnEditMoment', false) ? { ...body, editMoment: Date.now() } : body;

  route(`${FS}/:layer/applyEdits`, (request, reply) => {
    const params = request.params_;
    const view = viewFor(request);
    const layer = layerFor(request, view);
    const opts = editOptions(params, true);
    const edits: LayerEdits = {
      layerId: layer.id,
      adds: featureList(params, 'adds'),
      updates: featureList(params, 'updates'),
      deletes: deleteTargets(params, opts.useGlobalIds),
    };
    const [result] = edit(request, view, [edits], opts);
    return send(
      reply,
      params,
      withMoment(params, {
        addResults: result?.addResults ?? [],
        updateResults: result?.updateResults ?? [],
        deleteResults: result?.deleteResults ?? [],
      }),
    );
  });
  route(`${FS}/:layer/addFeatures`, (request, reply) => {
    const params = request.params_;
    const view = viewFor(request);
    const layer = layerFor(request, view);
    const [result] = edit(
      request,
      view,
      [{ layerId: layer.id, adds: featureList(params, 'features') ?? [] }],
      editOptions(params, true),
    );
    return send(reply, params, withMoment(params, { addResults: result?.addResults ?? [] }));
  });
  route(`${FS}/:layer/updateFeatures`, (request, reply) => {
    const params = request.params_;
    const view = viewFor(request);
    const layer = layerFor(request, view);
    const [result] = edit(
      request,
      view,
      [{ layerId: layer.id, updates: featureList(params, 'features') ?? [] }],
      editOptions(params, true),
    );
    return send(reply, params, withMoment(params, { updateResults: result?.updateResults ?? [] }));
  });
  route(`${FS}/:layer/deleteFeatures`, (request, reply) => {
    const params = request.params_;
    const view = viewFor(request);
    const layer = layerFor(request, view);
    const objectIds = idListParam(params, 'objectIds') ?? [];
    let targets: number[] = objectIds;
    if (
      stringParam(params, 'where') !== undefined ||
      stringParam(params, 'geometry') !== undefined
    ) {
      requireQuery(layer, view);
      // Selected exactly as a query selects: objectIds, where and geometry narrow each other,
      // inside the view's definition, so a delete never reaches beyond what was described.
      const selection: Record<string, string> = { f: 'json', returnIdsOnly: 'true' };
      for (const name of ['objectIds', 'where', 'geometry', 'geometryType', 'inSR', 'spatialRel']) {
        const value = params[name];
        if (value !== undefined) selection[name] = value;
      }
      targets = (runQuery({ db, layer, view }, selection).body as { objectIds: number[] })
        .objectIds;
    } else if (objectIds.length === 0) {
      throw new AppError(
        ErrorCode.InvalidInput,
        "'objectIds', 'where' or 'geometry' is required.",
        ['objectIds'],
      );
    }
    const [result] = edit(request, view, [{ layerId: layer.id, deletes: targets }], {
      rollbackOnFailure: boolParam(params, 'rollbackOnFailure', true),
      useGlobalIds: false,
    });
    return send(reply, params, withMoment(params, { deleteResults: result?.deleteResults ?? [] }));
  });
  route(`${FS}/applyEdits`, (request, reply) => {
    const params = request.params_;
    const view = viewFor(request);
    const opts = editOptions(params, true);
    const raw = jsonParam(params, 'edits');
    if (!Array.isArray(raw))
      throw new AppError(ErrorCode.InvalidInput, "'edits' must be a JSON array of layer edits.", [
        'edits',
      ]);
    const edits: LayerEdits[] = raw.map((entry: unknown) => {
      const e = (entry ?? {}) as Record<string, unknown>;
      const list = (name: string): unknown[] | undefined => {
        const value = e[name];
        if (value === undefined || value === null || value === '') return undefined;
        if (!Array.isArray(value))
          throw new AppError(ErrorCode.InvalidInput, `'${name}' must be an array.`, ['edits']);
        return value;
      };
      if (typeof e.id !== 'number')
        throw new AppError(ErrorCode.InvalidInput, 'Each layer edit needs a numeric id.', [
          'edits',
        ]);
      const deletes = e.deletes;
      return {
        layerId: e.id,
        adds: list('adds'),
        updates: list('updates'),
        deletes:
          typeof deletes === 'string'
            ? deletes.split(',').map((d) => (opts.useGlobalIds ? d.trim() : Number(d)))
            : (list('deletes') as (number | string)[] | undefined),
      };
    });
    const results = edit(request, view, edits, opts);
    return send(reply, params, results);
  });

  const GEOCODE = '/arcgis/rest/services/Geocode/GeocodeServer';
  route(GEOCODE, (request, reply) => send(reply, request.params_, geocodeServiceInfo()));
  route(`${GEOCODE}/findAddressCandidates`, (request, reply) =>
    send(reply, request.params_, findAddressCandidates(db, request.params_)),
  );
  route(`${GEOCODE}/suggest`, (request, reply) =>
    send(reply, request.params_, suggest(db, request.params_)),
  );
  route(`${GEOCODE}/reverseGeocode`, (request, reply) =>
    send(reply, request.params_, reverseGeocode(db, request.params_)),
  );

  const streets = JSON.stringify(streetsGeojson());
  route('/demo-data/streets.geojson', (_request, reply) =>
    reply.header('content-type', 'application/geo+json; charset=utf-8').send(streets),
  );

  if (options.staticDir) {
    await app.register(fastifyStatic, {
      root: options.staticDir,
      prefix: '/',
      wildcard: true,
      cacheControl: false,
    });
  }
  return app;
}

function policyOf(url: string): RoutePolicy {
  const policy = ['GET', 'POST'].map((m) => policyFor(m, url)).find((p) => p !== undefined);
  if (!policy) throw new Error(`Route ${url} has no access policy`);
  return policy;
}
