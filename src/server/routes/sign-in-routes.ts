import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../core/errors.js';
import { tokenRequired } from '../arcgis-error.js';
import { signIn, type TokenBinding } from '../auth/accounts.js';
import { intParam, stringParam, type Params } from '../request-params.js';
import { ANYONE, READ, STAFF, WRITE } from './route-policies.js';
import { send, type RouteDef, type ServerContext } from './route-kit.js';

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

async function generateToken(
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
): Promise<unknown> {
  const params = request.params_;
  const username = stringParam(params, 'username');
  const password = params.password;
  if (!username || !password) {
    throw new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
      "'username' and 'password' are required.",
    ]);
  }
  const expirationMinutes = intParam(params, 'expiration', { min: 1 });
  const bindTo = bindingOf(request, params);
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
  return send(reply, params, { token: issued.token, expires: issued.expires, ssl: false });
}

/** Token services (portal and server style) and who a token belongs to. */
export const SIGN_IN_ROUTES: readonly RouteDef[] = [
  {
    methods: WRITE,
    url: '/arcgis/sharing/rest/generateToken',
    access: ANYONE,
    purpose: 'Sign in (portal style)',
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
    url: '/arcgis/sharing/rest/community/self',
    access: STAFF,
    purpose: 'Who the token belongs to',
    handler: (request, reply) => {
      const caller = request.caller;
      if (caller.kind !== 'user') throw tokenRequired();
      return send(reply, request.params_, {
        username: caller.username,
        fullName: caller.username,
        role: caller.role === 'admin' ? 'org_admin' : 'org_user',
        privileges: [],
        groups: [],
      });
    },
  },
];
