import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../core/errors.js';
import { tokenRequired } from '../arcgis-error.js';
import { signIn, type Caller, type TokenBinding } from '../auth/accounts.js';
import { serverTokenFor } from '../auth/server-token.js';
import { prepared, type Database } from '../db/open-database.js';
import { SERVER_VERSION } from '../handlers/service-info.js';
import { intParam, stringParam, type Params } from '../request-params.js';
import { ANYONE, GEOCODE, READ, STAFF, WRITE } from './route-policies.js';
import { send, serverRoot, type RouteDef, type ServerContext } from './route-kit.js';

/**
 * What the token will be bound to, from ArcGIS's `client` parameter: `referer` (with
 * `referer`), `requestip` (the caller's address) or `ip` (with `ip`); anything else, none.
 */
function bindingOf(request: FastifyRequest, params: Params): TokenBinding | undefined {
  const client = stringParam(params, 'client')?.toLowerCase();
  if (client === 'requestip') return { address: request.ip };
  if (client !== 'referer' && client !== 'ip') return undefined;
  const value = stringParam(params, client);
  if (!value) {
    throw new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
      `'${client}' is required when 'client' is '${client}'.`,
    ]);
  }
  return client === 'referer' ? { referer: value } : { address: value };
}

/** Whether tokens must travel over HTTPS only (ArcGIS's `ssl`): when the server is HTTPS. */
export function sslOnly(context: ServerContext, request: FastifyRequest): boolean {
  return serverRoot(context, request).startsWith('https:');
}

/**
 * Whether `serverUrl` names this server: `/arcgis` or below it, on the address the server
 * advertises or the one the caller reached it at (scheme aside, as ArcGIS clients compare
 * server instances). A server token is only ever valid here, so nothing else is signed for.
 */
function isThisServer(serverUrl: string, context: ServerContext, request: FastifyRequest): boolean {
  if (!URL.canParse(serverUrl)) return false;
  const url = new URL(serverUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const path = url.pathname.toLowerCase().replace(/\/+$/, '');
  if (path !== '/arcgis' && !path.startsWith('/arcgis/')) return false;
  const hosts = [new URL(serverRoot(context, request)).host, request.host.toLowerCase()];
  return hosts.includes(url.host);
}

async function generateToken(
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
): Promise<unknown> {
  const params = request.params_;
  const serverUrl = stringParam(params, 'serverUrl');
  if (serverUrl !== undefined && !isThisServer(serverUrl, context, request)) {
    throw new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
      `'serverUrl' ${serverUrl} is not a server of this portal.`,
    ]);
  }
  const username = stringParam(params, 'username');
  const password = params.password;
  const portalToken = stringParam(params, 'token');
  const expirationMinutes = intParam(params, 'expiration', { min: 1 });
  const bindTo = bindingOf(request, params);
  const ssl = sslOnly(context, request);
  if (!username && !password && portalToken) {
    // A server token for a portal token (`request=getToken&serverUrl=…&token=…`).
    if (!serverUrl) {
      throw new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
        "'serverUrl' is required with 'token'.",
      ]);
    }
    const issued = serverTokenFor(
      context.db,
      portalToken,
      request,
      { expirationMinutes, ...(bindTo ? { bindTo } : {}) },
      context.tokenPolicy,
    );
    return send(reply, params, { token: issued.token, expires: issued.expires, ssl });
  }
  if (!username || !password) {
    throw new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
      "'username' and 'password' are required.",
    ]);
  }
  let issued;
  try {
    issued = await signIn(
      context.db,
      { username, password, expirationMinutes, clientAddress: request.ip, bindTo },
      context.tokenPolicy,
    );
  } catch (error) {
    // Held attempts are recorded as RATE_LIMITED by the error handler; wrong ones here, by name.
    if (error instanceof AppError && error.code === ErrorCode.InvalidInput) {
      context.recordEvent(request, 'SIGN_IN_FAILED', username.toLowerCase().slice(0, 64));
    }
    throw error;
  }
  return send(reply, params, { token: issued.token, expires: issued.expires, ssl });
}

/** The signed-in user as ArcGIS's `community/self` (and `portals/self`'s `user`) describe one. */
function describeUser(db: Database, caller: Extract<Caller, { kind: 'user' }>) {
  const row = prepared(db, 'SELECT full_name FROM users WHERE username = ?').get(
    caller.username,
  ) as { full_name: string | null } | undefined;
  return {
    username: caller.username,
    fullName: row?.full_name ?? caller.username,
    role: caller.role === 'admin' ? 'org_admin' : 'org_user',
    privileges: [],
    groups: [],
  };
}

/**
 * This server as a portal, as `portals/self` describes one: what @arcgis/core's
 * IdentityManager reads before signing in (`isPortal`, `portalMode`, `supportsOAuth`,
 * `currentVersion`, `allSSL`, `user` once signed in) and the geocoder as a helper service.
 * A single-tenant portal (ArcGIS Enterprise style): no `urlKey`/`customBaseUrl`, which only
 * multitenant ArcGIS Online has.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/portal-self/
 */
function portalSelf(request: FastifyRequest, context: ServerContext) {
  const root = serverRoot(context, request);
  const { xmin, ymin, xmax, ymax } = context.cityExtent;
  const caller = request.caller;
  return {
    id: 'community-camera-registry',
    name: 'Community Camera Registry',
    portalName: 'Community Camera Registry',
    portalHostname: `${new URL(root).host}/arcgis`,
    isPortal: true,
    portalMode: 'singletenant',
    // The sharing API's version, as the services' is `currentVersion` in /rest/info.
    currentVersion: String(SERVER_VERSION),
    supportsOAuth: true,
    allSSL: root.startsWith('https:'),
    culture: 'en',
    defaultExtent: { xmin, ymin, xmax, ymax, spatialReference: { wkid: 4326 } },
    helperServices: {
      geocode: [
        {
          url: `${root}${GEOCODE}`,
          name: 'Community Camera Registry addresses',
          northLat: 'Ymax',
          southLat: 'Ymin',
          eastLon: 'Xmax',
          westLon: 'Xmin',
          batch: false,
          placefinding: true,
          suggest: true,
        },
      ],
    },
    ...(caller.kind === 'user' ? { user: describeUser(context.db, caller) } : {}),
  };
}

/** Token services (portal and server style), the portal's description, and who a token is. */
export const SIGN_IN_ROUTES: readonly RouteDef[] = [
  {
    methods: WRITE,
    url: '/arcgis/sharing/rest/generateToken',
    access: ANYONE,
    purpose: 'Sign in (portal style), or trade a portal token for a server token',
    rate: 'sign-in',
    handler: generateToken,
  },
  {
    methods: WRITE,
    url: '/arcgis/tokens/generateToken',
    access: ANYONE,
    purpose: 'Sign in (server style)',
    rate: 'sign-in',
    handler: generateToken,
  },
  {
    methods: READ,
    url: '/arcgis/sharing/rest/portals/self',
    access: ANYONE,
    purpose: 'The portal as the caller sees it (with the user when signed in)',
    handler: (request, reply, context) =>
      send(reply, request.params_, portalSelf(request, context)),
  },
  {
    methods: READ,
    url: '/arcgis/sharing/rest/info',
    access: ANYONE,
    purpose: 'Where the portal issues tokens (federated servers ask it)',
    handler: (request, reply, context) => {
      const root = serverRoot(context, request);
      return send(reply, request.params_, {
        owningSystemUrl: `${root}/arcgis`,
        authInfo: {
          isTokenBasedSecurity: true,
          tokenServicesUrl: `${root}/arcgis/sharing/rest/generateToken`,
        },
      });
    },
  },
  {
    methods: READ,
    url: '/arcgis/sharing/rest/community/self',
    access: STAFF,
    purpose: 'Who the token belongs to',
    handler: (request, reply, context) => {
      const caller = request.caller;
      if (caller.kind !== 'user') throw tokenRequired();
      return send(reply, request.params_, describeUser(context.db, caller));
    },
  },
];
