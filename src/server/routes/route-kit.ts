import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../core/errors.js';
import type { SitePlacement } from '../../core/districts/place-site.js';
import type { Extent } from '../../core/schema/layer-json.js';
import type { LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { layerById, operationsInView, viewOfService } from '../../core/schema/views.js';
import { viewAllows, type RoutePolicy } from '../access-policy.js';
import { notFound, notPermitted, tokenRequired } from '../arcgis-error.js';
import type { Caller, TokenPolicy } from '../auth/accounts.js';
import type { Database } from '../db/open-database.js';
import type { OfficerReadLimits } from '../security/officer-read-guard.js';
import type { BotCheck } from '../security/request-limits.js';
import type { SecurityEventKind } from '../security/security-events.js';
import type { Params } from '../request-params.js';
import { renderHtml, type HtmlContext, type HtmlPageKind } from '../handlers/html-directory.js';

/** What every route handler may use: the store, the settings and the recorders. */
export interface ServerContext {
  readonly db: Database;
  readonly cityExtent: Extent;
  /** District and beat polygons that sites are placed in when created or moved. */
  readonly placement: SitePlacement;
  readonly corsOrigins: readonly string[];
  readonly tokenPolicy: TokenPolicy;
  readonly botCheck: BotCheck | false;
  readonly processChangeRequests: boolean;
  readonly officerReads: OfficerReadLimits;
  /** Public address of the server (`https://cameras.city.example`); none means same-origin paths. */
  readonly publicUrl: string | undefined;
  /** Records a security event; never throws (a failed record is logged instead). */
  recordEvent(request: FastifyRequest, kind: SecurityEventKind, username?: string | null): void;
}

export type RouteHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
) => unknown;

/**
 * One row of the route table: where, who may call it, why, under which budget, and what
 * answers. The server registers routes from this table alone, and the access tests are
 * generated from it, so a route cannot exist without a declared policy.
 */
export interface RouteDef extends RoutePolicy {
  readonly handler: RouteHandler;
  /** Largest request body in bytes, when smaller than the server's. */
  readonly bodyLimit?: number;
}

/** Routes that a plugin answers (CORS preflight, static pages): declared, not handled here. */
export type PluginRouteDef = RoutePolicy & { readonly registeredBy: 'cors' | 'static' };

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
    params_: Params;
  }
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
}

/** True when the caller asked for the Services Directory's HTML page (`f=html`). */
export const wantsHtml = (params: Params): boolean => params.f?.trim().toLowerCase() === 'html';

/**
 * Answers with `body` as JSON, or, for `f=html`, as the Services Directory page of `kind`
 * rendered from that same body.
 */
export function sendPage(
  reply: FastifyReply,
  request: FastifyRequest,
  kind: HtmlPageKind,
  body: unknown,
  extra: Pick<HtmlContext, 'params' | 'result'> = {},
): FastifyReply {
  if (!wantsHtml(request.params_)) return send(reply, request.params_, body);
  reply.header('content-type', 'text/html; charset=utf-8');
  return reply.send(
    renderHtml(kind, body, {
      url: request.url.split('?')[0] ?? '',
      // Only a token the caller put in the URL; header tokens are never echoed into pages.
      token: (request.query as Record<string, unknown> | undefined)?.token as string | undefined,
      ...extra,
    }),
  );
}

/** Writes a JSON (or GeoJSON) body; `f=pjson` indents it. */
export function send(
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

/** Resolves `:service` to a view the caller may use, answering 499/403/404 as ArcGIS does. */
export function viewFor(request: FastifyRequest): ViewName {
  const service = (request.params as { service?: string }).service ?? '';
  const view = viewOfService(service);
  if (!view) throw notFound(service);
  if (!viewAllows(view, request.caller)) {
    if (request.caller.kind === 'anonymous') throw tokenRequired();
    throw notPermitted(`Service ${service}`);
  }
  return view;
}

/** Resolves `:layer` to a layer the view carries. */
export function layerFor(request: FastifyRequest, view: ViewName): LayerDef {
  const raw = (request.params as { layer?: string }).layer ?? '';
  const layer = /^\d+$/.test(raw) ? layerById(Number(raw)) : undefined;
  if (!layer || operationsInView(layer, view).length === 0) {
    throw new AppError(ErrorCode.NotFound, `Layer ${raw} does not exist in this service.`, [
      'layer',
    ]);
  }
  return layer;
}

export function requireQuery(layer: LayerDef, view: ViewName): void {
  if (!operationsInView(layer, view).includes('query'))
    throw notPermitted(`query is not allowed on ${layer.name} in this service.`);
}

/** Host names that always mean this machine: safe to echo back. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The server's own address for URLs it advertises (`owningSystemUrl`, `tokenServicesUrl`).
 * Taken from configuration (`publicUrl`); without one, the loopback name the caller used or
 * else the socket's own address, never an arbitrary `Host` header, which any caller can set.
 */
export function serverRoot(context: ServerContext, request: FastifyRequest): string {
  if (context.publicUrl) return context.publicUrl.replace(/\/+$/, '');
  const port = request.socket.localPort;
  const hostname = request.hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(hostname) && request.port === port) return `http://${hostname}:${port}`;
  const address = (request.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}
