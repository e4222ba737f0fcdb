/**
 * How an officer's requests get a token: a username and password traded at the server's
 * `generateToken`, ArcGIS OAuth 2 (popup with PKCE) against a portal, or a credential the
 * host page (Experience Builder) already holds.
 */
import {
  ArcGISIdentityManager,
  request,
  type IAuthenticationManager,
} from '@esri/arcgis-rest-request';
import { toAppError } from '../../src/client/arcgis-request.js';
import { AppError, ErrorCode } from '../../src/core/errors.js';

/** A signed-in officer's credential, as arcgis-rest-js requests use it. */
export interface OfficerSession {
  readonly authentication: IAuthenticationManager;
  /** Who signed in, when known. */
  readonly username: string | null;
  /** When the token runs out, epoch ms, when known. */
  readonly expires: number | null;
  readonly source: 'password' | 'oauth' | 'host';
}

/** A fixed token as an arcgis-rest-js authentication manager. */
export class TokenAuthentication implements IAuthenticationManager {
  readonly portal: string;
  readonly token: string;
  constructor(token: string, portal: string) {
    this.token = token;
    this.portal = portal;
  }
  getToken(): Promise<string> {
    return Promise.resolve(this.token);
  }
}

interface TokenResponse {
  readonly token?: string;
  readonly expires?: number;
}

/** Minutes a password sign-in asks the token to last. */
const TOKEN_MINUTES = 60;

/**
 * Trades a username and password for a token at `tokenUrl` (ArcGIS `generateToken`,
 * `client=referer`). Wrong credentials reject with AppError INVALID_INPUT.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/generate-token/
 */
export async function signInWithPassword(
  tokenUrl: string,
  username: string,
  password: string,
  signal?: AbortSignal,
): Promise<OfficerSession> {
  const url = new URL(tokenUrl, globalThis.location?.href).href;
  let body: TokenResponse;
  try {
    body = (await request(url, {
      httpMethod: 'POST',
      signal,
      params: {
        username,
        password,
        client: 'referer',
        referer: globalThis.location?.origin ?? url,
        expiration: TOKEN_MINUTES,
        f: 'json',
      },
    })) as TokenResponse;
  } catch (error) {
    throw toAppError(error);
  }
  if (typeof body.token !== 'string' || body.token === '') {
    throw new AppError(ErrorCode.Service, 'generateToken answered without a token');
  }
  return {
    authentication: new TokenAuthentication(body.token, url.replace(/\/generateToken$/, '')),
    username,
    expires: typeof body.expires === 'number' ? body.expires : null,
    source: 'password',
  };
}

export interface OAuthSettings {
  readonly clientId: string;
  /** e.g. `https://org.maps.arcgis.com/sharing/rest`. */
  readonly portalUrl: string;
  /** The registered redirect page; it must call {@link completeOAuthSignIn}. */
  readonly redirectUri: string;
}

/**
 * ArcGIS OAuth 2 with PKCE in a popup (arcgis-rest-js `beginOAuth2`). Needs a portal that
 * knows `clientId` and a redirect page that calls {@link completeOAuthSignIn}; nothing in
 * the local demo can exercise it.
 */
/**
 * The portal as an absolute URL: arcgis-rest-js compares it with each service's owning
 * system to decide whether the portal's token may be exchanged for one of the service.
 */
function absolutePortal(portalUrl: string): string {
  return new URL(portalUrl, globalThis.location?.href).href.replace(/\/+$/, '');
}

export async function signInWithOAuth(settings: OAuthSettings): Promise<OfficerSession> {
  try {
    const manager = await ArcGISIdentityManager.beginOAuth2({
      clientId: settings.clientId,
      portal: absolutePortal(settings.portalUrl),
      redirectUri: settings.redirectUri,
      popup: true,
      pkce: true,
    });
    if (!manager) throw new Error('OAuth popup returned no session');
    return sessionFromIdentityManager(manager, 'oauth');
  } catch (error) {
    throw toAppError(error);
  }
}

/**
 * On the OAuth redirect page (inside the popup): hands the authorization code back to the
 * opener that called {@link signInWithOAuth}.
 */
export function completeOAuthSignIn(settings: OAuthSettings): Promise<unknown> {
  return ArcGISIdentityManager.completeOAuth2({
    clientId: settings.clientId,
    portal: absolutePortal(settings.portalUrl),
    redirectUri: settings.redirectUri,
    popup: true,
    pkce: true,
  });
}

function sessionFromIdentityManager(
  manager: ArcGISIdentityManager,
  source: OfficerSession['source'],
): OfficerSession {
  return {
    authentication: manager,
    username: manager.username || null,
    expires: manager.tokenExpires ? manager.tokenExpires.getTime() : null,
    source,
  };
}

/**
 * A session from what a host page hands over: a token string, an arcgis-rest-js
 * authentication manager (anything with `getToken(url)`, e.g. `ArcGISIdentityManager`), or
 * an ArcGIS SDK `Credential` (`{ token, userId?, expires? }`). Null for anything else.
 */
export function sessionFromHost(
  credential: unknown,
  portal = '/arcgis/sharing/rest',
): OfficerSession | null {
  if (typeof credential === 'string') {
    return credential.trim() === ''
      ? null
      : {
          authentication: new TokenAuthentication(credential.trim(), portal),
          username: null,
          expires: null,
          source: 'host',
        };
  }
  if (typeof credential !== 'object' || credential === null) return null;
  if (credential instanceof ArcGISIdentityManager)
    return sessionFromIdentityManager(credential, 'host');
  const candidate = credential as Partial<IAuthenticationManager> & {
    token?: unknown;
    userId?: unknown;
    username?: unknown;
    expires?: unknown;
  };
  if (typeof candidate.getToken === 'function') {
    return {
      authentication: {
        portal: typeof candidate.portal === 'string' ? candidate.portal : portal,
        getToken: (url, options) =>
          (candidate.getToken as IAuthenticationManager['getToken']).call(credential, url, options),
      },
      username: typeof candidate.username === 'string' ? candidate.username : null,
      expires: null,
      source: 'host',
    };
  }
  if (typeof candidate.token === 'string' && candidate.token !== '') {
    return {
      authentication: new TokenAuthentication(candidate.token, portal),
      username: typeof candidate.userId === 'string' ? candidate.userId : null,
      expires: typeof candidate.expires === 'number' ? candidate.expires : null,
      source: 'host',
    };
  }
  return null;
}
