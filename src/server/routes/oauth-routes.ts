/**
 * OAuth 2 as ArcGIS documents it: the sign-in page (`oauth2/authorize`, authorization code
 * with PKCE S256 only), the token endpoint (`oauth2/token`: `authorization_code`,
 * `refresh_token`, `exchange_refresh_token`) and `oauth2/revokeToken`.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/authorize/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/token/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/revoke-token/
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../core/errors.js';
import { verifyCredentials, type VerifiedUser } from '../auth/accounts.js';
import {
  CODE_CHALLENGE,
  exchangeRefreshToken,
  issueAuthorizationCode,
  OAuthError,
  redeemAuthorizationCode,
  refreshAccessToken,
  revokeOAuthToken,
  type OAuthErrorName,
  type OAuthTokens,
} from '../auth/oauth.js';
import { findOAuthClient, isRegisteredRedirect, type OAuthClient } from '../auth/oauth-clients.js';
import { signInErrorPage, signInPage } from '../auth/sign-in-page.js';
import { stringParam, type Params } from '../request-params.js';
import { ANYONE, WRITE } from './route-policies.js';
import { send, type RouteDef, type ServerContext } from './route-kit.js';
import { sslOnly } from './sign-in-routes.js';

/** A checked authorize request: a registered app, one of its redirect URIs, an S256 challenge. */
interface AuthorizeRequest {
  readonly client: OAuthClient;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly codeChallenge: string;
  readonly refreshMinutes: number | undefined;
}

type Checked =
  | { readonly ok: true; readonly request: AuthorizeRequest }
  /** Shown to the officer, never sent to an unverified address (RFC 6749 §4.1.2.1). */
  | { readonly ok: false; readonly shown: string }
  /** Sent back to the app's redirect URI. */
  | { readonly ok: false; readonly redirect: string };

/** `uri` with `params` added to its query (undefined values left out). */
function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

function checkAuthorize(params: Params): Checked {
  const client = findOAuthClient(stringParam(params, 'client_id'));
  if (!client) return { ok: false, shown: 'Invalid client_id' };
  // Compared as sent: exactly, or a loopback URI on any port (see OAuthClient.redirectUris).
  const redirectUri = params.redirect_uri;
  if (!redirectUri || !isRegisteredRedirect(client, redirectUri))
    return { ok: false, shown: 'Invalid redirect_uri' };
  const state = params.state;
  const back = (error: OAuthErrorName, description: string): Checked => ({
    ok: false,
    redirect: withParams(redirectUri, { error, error_description: description, state }),
  });
  const responseType = stringParam(params, 'response_type');
  if (responseType !== 'code') {
    return back(
      responseType ? 'unsupported_response_type' : 'invalid_request',
      'Only response_type=code with PKCE is supported.',
    );
  }
  if (stringParam(params, 'code_challenge_method') !== 'S256')
    return back('invalid_request', 'code_challenge_method must be S256.');
  const codeChallenge = stringParam(params, 'code_challenge');
  if (!codeChallenge || !CODE_CHALLENGE.test(codeChallenge))
    return back('invalid_request', 'code_challenge must be a base64url SHA-256 digest.');
  const expiration = stringParam(params, 'expiration');
  const refreshMinutes = expiration === undefined ? undefined : Number(expiration);
  if (refreshMinutes !== undefined && !(Number.isInteger(refreshMinutes) && refreshMinutes > 0))
    return back('invalid_request', 'expiration must be a whole number of minutes.');
  return { ok: true, request: { client, redirectUri, state, codeChallenge, refreshMinutes } };
}

/** The parameters the sign-in form carries back. */
function hiddenFields(request: AuthorizeRequest): Record<string, string> {
  return {
    client_id: request.client.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    ...(request.state === undefined ? {} : { state: request.state }),
    ...(request.refreshMinutes === undefined ? {} : { expiration: String(request.refreshMinutes) }),
  };
}

function redirectTo(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(302).header('location', location).send();
}

function sendPage(reply: FastifyReply, html: string, redirectUri?: string): FastifyReply {
  if (redirectUri) {
    // The form's answer redirects to the app: let the page's form-action reach its origin.
    const policy = reply.getHeader('content-security-policy');
    if (typeof policy === 'string') {
      reply.header(
        'content-security-policy',
        policy.replace(/form-action 'self'/, `form-action 'self' ${new URL(redirectUri).origin}`),
      );
    }
  }
  return reply.header('content-type', 'text/html; charset=utf-8').send(html);
}

/** What to do with a request that failed its checks, or the checked request. */
function answerUnchecked(
  reply: FastifyReply,
  checked: Checked,
): { readonly done: FastifyReply } | { readonly request: AuthorizeRequest } {
  if (checked.ok) return { request: checked.request };
  if ('shown' in checked)
    return { done: sendPage(reply.code(400), signInErrorPage(checked.shown)) };
  return { done: redirectTo(reply, checked.redirect) };
}

function showSignIn(
  request: FastifyRequest,
  reply: FastifyReply,
  authorize: AuthorizeRequest,
  failure?: { readonly problem: string; readonly username?: string | undefined },
): FastifyReply {
  return sendPage(
    reply,
    signInPage({
      action: request.url.split('?')[0] ?? request.url,
      appName: authorize.client.name,
      redirectUri: authorize.redirectUri,
      hidden: hiddenFields(authorize),
      ...(failure?.username ? { username: failure.username } : {}),
      ...(failure ? { problem: failure.problem } : {}),
    }),
    authorize.redirectUri,
  );
}

function authorizePage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const answer = answerUnchecked(reply, checkAuthorize(request.params_));
  return 'done' in answer ? answer.done : showSignIn(request, reply, answer.request);
}

/**
 * The submitted sign-in form: the password is checked with the same per-client and
 * per-account delays as generateToken, then the officer returns to the app with a code.
 */
async function authorizeSubmit(
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
): Promise<FastifyReply> {
  const params = request.params_;
  const answer = answerUnchecked(reply, checkAuthorize(params));
  if ('done' in answer) return answer.done;
  const authorize = answer.request;
  if (params.action === 'cancel') {
    return redirectTo(
      reply,
      withParams(authorize.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied your request.',
        state: authorize.state,
      }),
    );
  }
  const username = stringParam(params, 'username');
  const password = params.password;
  if (!username || !password) {
    return showSignIn(request, reply.code(400), authorize, {
      problem: 'Enter your username and password.',
      username,
    });
  }
  let user: VerifiedUser;
  try {
    user = await verifyCredentials(
      context.db,
      { username, password, clientAddress: request.ip },
      context.tokenPolicy,
    );
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === ErrorCode.InvalidInput) {
      context.recordEvent(request, 'SIGN_IN_FAILED', username.toLowerCase().slice(0, 64));
      return showSignIn(request, reply, authorize, {
        problem: 'Invalid username or password.',
        username,
      });
    }
    if (error.code === ErrorCode.RateLimited && error.retryAfterSeconds !== undefined) {
      context.recordEvent(request, 'RATE_LIMITED');
      const seconds = error.retryAfterSeconds;
      return showSignIn(
        request,
        reply.code(429).header('retry-after', String(seconds)),
        authorize,
        {
          problem: `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
          username,
        },
      );
    }
    throw error;
  }
  const code = issueAuthorizationCode(
    context.db,
    {
      clientId: authorize.client.clientId,
      redirectUri: authorize.redirectUri,
      user,
      codeChallenge: authorize.codeChallenge,
      refreshMinutes: authorize.refreshMinutes,
    },
    context.tokenPolicy,
  );
  return redirectTo(reply, withParams(authorize.redirectUri, { code, state: authorize.state }));
}

/** ArcGIS's error envelope with OAuth's `error` and `error_description` in it. */
function oauthEnvelope(error: OAuthError) {
  return {
    error: {
      code: 400,
      error: error.error,
      error_description: error.message,
      message: error.message,
      details: [],
    },
  };
}

function required(params: Params, name: string): string {
  const value = stringParam(params, name);
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required.`);
  return value;
}

function tokensFor(params: Params, client: OAuthClient, context: ServerContext): OAuthTokens {
  const { db, tokenPolicy } = context;
  const clientId = client.clientId;
  const grantType = stringParam(params, 'grant_type');
  switch (grantType) {
    case 'authorization_code':
      return redeemAuthorizationCode(
        db,
        {
          clientId,
          code: required(params, 'code'),
          redirectUri: params.redirect_uri,
          codeVerifier: stringParam(params, 'code_verifier'),
        },
        tokenPolicy,
      );
    case 'refresh_token':
      return refreshAccessToken(
        db,
        { clientId, refreshToken: required(params, 'refresh_token') },
        tokenPolicy,
      );
    case 'exchange_refresh_token':
      if (!isRegisteredRedirect(client, params.redirect_uri))
        throw new OAuthError('invalid_request', 'Invalid redirect_uri.');
      return exchangeRefreshToken(
        db,
        { clientId, refreshToken: required(params, 'refresh_token') },
        tokenPolicy,
      );
    case undefined:
      throw new OAuthError('invalid_request', 'grant_type is required.');
    default:
      throw new OAuthError(
        'unsupported_grant_type',
        `grant_type ${grantType} is not supported here (app credentials are not).`,
      );
  }
}

async function token(
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
): Promise<FastifyReply> {
  const params = request.params_;
  try {
    const client = findOAuthClient(stringParam(params, 'client_id'));
    if (!client) throw new OAuthError('invalid_client', 'Invalid client_id.');
    const tokens = tokensFor(params, client, context);
    return send(reply, params, {
      access_token: tokens.accessToken,
      expires_in: tokens.expiresInSeconds,
      username: tokens.username,
      ssl: sslOnly(context, request),
      ...(tokens.refreshToken === undefined
        ? {}
        : {
            refresh_token: tokens.refreshToken,
            refresh_token_expires_in: tokens.refreshExpiresInSeconds,
          }),
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (error.error === 'invalid_grant') context.recordEvent(request, 'TOKEN_INVALID');
    return send(reply, params, oauthEnvelope(error));
  }
}

async function revoke(
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
): Promise<FastifyReply> {
  const params = request.params_;
  try {
    const client = findOAuthClient(stringParam(params, 'client_id'));
    if (!client) throw new OAuthError('invalid_client', 'Invalid client_id.');
    revokeOAuthToken(context.db, {
      clientId: client.clientId,
      token: required(params, 'auth_token'),
    });
    return send(reply, params, { success: true });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return send(reply, params, oauthEnvelope(error));
  }
}

const PAGE = ['GET'] as const;
/** Forms and token requests are a few hundred bytes. */
const SMALL_BODY = 16 * 1024;

/**
 * `@arcgis/core` opens `…/sharing/oauth2/authorize`, arcgis-rest-js `…/sharing/rest/oauth2/
 * authorize`; ArcGIS answers both.
 */
const AUTHORIZE_URLS = [
  '/arcgis/sharing/rest/oauth2/authorize',
  '/arcgis/sharing/oauth2/authorize',
];

export const OAUTH_ROUTES: readonly RouteDef[] = [
  ...AUTHORIZE_URLS.flatMap((url): RouteDef[] => [
    {
      methods: PAGE,
      url,
      access: ANYONE,
      purpose: 'OAuth 2 sign-in page (authorization code with PKCE)',
      handler: authorizePage,
    },
    {
      methods: WRITE,
      url,
      access: ANYONE,
      purpose: 'OAuth 2 sign-in form: checks the password, returns to the app with a code',
      rate: 'sign-in',
      bodyLimit: SMALL_BODY,
      handler: authorizeSubmit,
    },
  ]),
  {
    methods: WRITE,
    url: '/arcgis/sharing/rest/oauth2/token',
    access: ANYONE,
    purpose: 'OAuth 2 tokens for an authorization code or a refresh token',
    rate: 'sign-in',
    bodyLimit: SMALL_BODY,
    handler: token,
  },
  {
    methods: WRITE,
    url: '/arcgis/sharing/rest/oauth2/revokeToken',
    access: ANYONE,
    purpose: 'Revoke an OAuth 2 refresh token (with its sign-in) or access token',
    rate: 'sign-in',
    bodyLimit: SMALL_BODY,
    handler: revoke,
  },
];
