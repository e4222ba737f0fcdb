import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../core/errors.js';
import type { Extent } from '../core/schema/layer-json.js';
import type { SitePlacement } from '../core/districts/place-site.js';
import type { RateClass } from './access-policy.js';
import { notFound, notPermitted, toArcgisError, tokenRequired } from './arcgis-error.js';
import {
  ANONYMOUS,
  callerOfToken,
  DEFAULT_TOKEN_POLICY,
  type TokenPolicy,
} from './auth/accounts.js';
import type { Database } from './db/open-database.js';
import { mergeParams, stringParam, type Params } from './request-params.js';
import { ensurePortalSchema } from './db/portal-tables.js';
import { assertFeatureServiceDefined } from './portal/hosted-services.js';
import { recordSchemaProvisioning } from './portal/schema-provisioning.js';
import { policyFor, ROUTES } from './routes/index.js';
import { send, wantsHtml, type ServerContext } from './routes/route-kit.js';
import { renderHtml } from './handlers/html-directory.js';
import {
  DEFAULT_OFFICER_READ_LIMITS,
  type OfficerReadLimits,
} from './security/officer-read-guard.js';
import { connectSources, frameAncestorSources, isEmbedPath } from './security/page-policy.js';
import type { BotCheck } from './security/request-limits.js';
import { SharedRateStore } from './security/shared-rate-store.js';
import { recordSecurityEvent, type SecurityEventKind } from './security/security-events.js';

/** Independence, Missouri: the demo city. */
export const DEFAULT_CITY_EXTENT: Extent = { xmin: -94.48, ymin: 39.03, xmax: -94.33, ymax: 39.13 };

export interface ServerOptions {
  readonly db: Database;
  /** Folder of built demo pages served at `/`; none serves only the API. */
  readonly staticDir?: string;
  readonly cityExtent?: Extent;
  /**
   * District and beat polygons (see `core/districts`): every site created or moved, by
   * whoever, gets its district and beat from them. None: district and beat are left as given.
   */
  readonly placement?: SitePlacement;
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
  /** Limits on officers' reads of contact details (defaults: {@link DEFAULT_OFFICER_READ_LIMITS}). */
  readonly officerReads?: Partial<OfficerReadLimits>;
  /** Public address (`https://cameras.city.example`) advertised in `/rest/info`. */
  readonly publicUrl?: string;
  /**
   * Proxies whose `X-Forwarded-For` names the client (Fastify's `trustProxy`: comma-separated
   * addresses or CIDR ranges). None by default: the socket's address is the client.
   */
  readonly trustProxy?: string;
  /**
   * Whether the feature services exist from the start: `'schema'` (the default) records the
   * three services as provisioned when the server starts, exactly as the compiled-in schema
   * defines them; `'portal'` starts as an empty ArcGIS Online organisation would, with no
   * service until an administrator creates it (`createService`, `addToDefinition`: what
   * `ccr provision` does).
   */
  readonly provisioned?: 'schema' | 'portal';
  /** Folder of the script-tag bundles and embed pages, served at `/embed/`; none by default. */
  readonly embedDir?: string;
  /**
   * Who may show the embed pages in a frame (CSP `frame-ancestors`): `'self'` and origins
   * such as `https://experience.arcgis.com`. Only `'self'` by default; every other page is
   * `'self'` only.
   */
  readonly frameAncestors?: readonly string[];
  /**
   * Service, portal and geocoder addresses the pages' widgets call besides this server; their
   * origins, and nothing wider, make the pages' CSP `connect-src`.
   */
  readonly connectUrls?: readonly string[];
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

function tokenOf(request: FastifyRequest, params: Params): string | undefined {
  const header = request.headers['x-esri-authorization'] ?? request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const bearer = value && /^Bearer\s+(\S+)$/i.exec(value)?.[1];
  return bearer ?? stringParam(params, 'token');
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const { db } = options;
  const tokenPolicy = options.tokenPolicy ?? DEFAULT_TOKEN_POLICY;
  ensurePortalSchema(db);
  if ((options.provisioned ?? 'schema') === 'schema') recordSchemaProvisioning(db);
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
    // Client addresses key the sign-in and change-request delays: behind a reverse proxy, name it.
    trustProxy: options.trustProxy ?? false,
    // ArcGIS servers answer `…/FeatureServer/0/` like `…/FeatureServer/0`; esri-leaflet adds the slash.
    routerOptions: { ignoreTrailingSlash: true },
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
      store: SharedRateStore,
      errorResponseBuilder: (_request, context) =>
        new AppError(
          ErrorCode.RateLimited,
          'Too many requests. Try again later.',
          [`Retry after ${Math.ceil(context.ttl / 1000)} seconds.`],
          { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
        ),
    });
  }
  await app.register(formbody, { bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024 });
  const frameAncestors = frameAncestorSources(options.frameAncestors).join(' ');
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
        connectSrc: connectSources(options.connectUrls ?? []),
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: [(req) => (isEmbedPath(req.url ?? '') ? frameAncestors : "'self'")],
      },
    },
    // X-Frame-Options cannot name other sites; the hook below sends it where CSP allows only 'self'.
    xFrameOptions: false,
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
  app.addHook('onRequest', async (request, reply) => {
    if (!isEmbedPath(request.url)) reply.header('x-frame-options', 'SAMEORIGIN');
    // Bundles, their chunks and SDK assets load into other sites' pages (workers use no-cors).
    else reply.header('cross-origin-resource-policy', 'cross-origin');
  });

  app.addHook('preHandler', async (request) => {
    const params = mergeParams(request.query, request.body);
    request.params_ = params;
    request.caller = ANONYMOUS;
    const policy = request.routeOptions.config.policy;
    const isTokenRoute = request.routeOptions.url?.endsWith('/generateToken') ?? false;
    const token = isTokenRoute ? undefined : tokenOf(request, params);
    if (token) request.caller = callerOfToken(db, token, tokenPolicy, request);
    if (policy?.access.kind === 'signed-in') {
      if (request.caller.kind === 'anonymous') throw tokenRequired();
      if (!policy.access.roles.includes(request.caller.role)) throw notPermitted(policy.purpose);
    }
    // A service (or layer) not yet created is not there, whoever asks.
    if (policy?.access.kind === 'service-view') {
      assertFeatureServiceDefined(
        db,
        request.params as { service?: string; layer?: string },
        request.routeOptions.url,
        params,
      );
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
    const retryAfter = failure instanceof AppError ? failure.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    const envelope = toArcgisError(failure, log);
    reply.code((code && TRANSPORT_STATUS[code]) ?? 200);
    if (wantsHtml(params)) {
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .send(renderHtml('error', envelope, { url: request.url.split('?')[0] ?? '' }));
    }
    return send(reply, params, envelope);
  });
  app.setNotFoundHandler((request, reply) =>
    send(
      reply.code(request.url.startsWith('/arcgis') ? 200 : 404),
      {},
      toArcgisError(notFound(request.url.split('?')[0] ?? ''), log),
    ),
  );

  const context: ServerContext = {
    db,
    cityExtent: options.cityExtent ?? DEFAULT_CITY_EXTENT,
    placement: options.placement ?? {},
    corsOrigins: options.corsOrigins ?? [],
    tokenPolicy,
    botCheck,
    processChangeRequests: options.processChangeRequests !== false,
    officerReads: { ...DEFAULT_OFFICER_READ_LIMITS, ...options.officerReads },
    publicUrl: options.publicUrl,
    recordEvent: audit,
  };
  for (const route of ROUTES) {
    const budget = route.rate && rateLimits ? rateLimits[route.rate] : undefined;
    const rate = route.rate;
    app.route({
      method: [...route.methods],
      url: route.url,
      ...(route.bodyLimit === undefined ? {} : { bodyLimit: route.bodyLimit }),
      ...(budget === undefined
        ? {}
        : {
            config: {
              rateLimit: {
                max: budget,
                timeWindow: 60_000,
                // One budget per class across its routes: both token URLs share one count.
                groupId: rate,
                // Signed-in staff are accountable by name; only sign-in and anonymous calls are budgeted.
                allowList: (request: FastifyRequest) =>
                  rate !== 'sign-in' && request.caller?.kind === 'user',
              },
            },
          }),
      handler: async (request, reply) => route.handler(request, reply, context),
    });
  }

  if (options.staticDir) {
    await app.register(fastifyStatic, {
      root: options.staticDir,
      prefix: '/',
      wildcard: true,
      cacheControl: false,
    });
  }
  if (options.embedDir) {
    await app.register(fastifyStatic, {
      root: options.embedDir,
      prefix: '/embed/',
      wildcard: true,
      cacheControl: false,
      decorateReply: false,
    });
  }
  return app;
}
