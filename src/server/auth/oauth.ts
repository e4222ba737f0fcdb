/**
 * OAuth 2 authorization-code grants with PKCE, as ArcGIS's `oauth2/authorize` and
 * `oauth2/token` issue them: single-use codes that live minutes, refresh tokens that can be
 * revoked, and access tokens that are ordinary tokens of this server (so they work wherever a
 * generateToken token does). Codes and refresh tokens are stored only as SHA-256 hashes.
 *
 * One sign-in is one grant: its refresh token, every access token refreshed from it and every
 * server token traded for those. Revoking the refresh token, exchanging it, or replaying the
 * code the grant came from ends all of them (RFC 6749 §4.1.2, §10.5).
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/authorize/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/token/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/revoke-token/
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';
import {
  clock,
  DEFAULT_TOKEN_POLICY,
  issueToken,
  tokenHash,
  type Role,
  type TokenPolicy,
  type VerifiedUser,
} from './accounts.js';

/** How long each OAuth credential lives. */
export const OAUTH_LIFETIMES = {
  /** An authorization code (RFC 6749 §4.1.2 recommends at most ten minutes). */
  codeSeconds: 5 * 60,
  /** An access token ("approximately 30 minutes" in ArcGIS Online), within the token policy. */
  accessMinutes: 30,
  /** A refresh token when the app asks for none in particular (ArcGIS: two weeks). */
  defaultRefreshMinutes: 14 * 24 * 60,
  /** The longest refresh token, whatever `expiration` the app asks for. */
  maxRefreshMinutes: 14 * 24 * 60,
} as const;

/** RFC 6749 §5.2 / §4.1.2.1 error names, which OAuth clients read. */
export type OAuthErrorName =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'access_denied';

/**
 * A refused OAuth request. OAuth has its own error vocabulary on the wire (`error`,
 * `error_description`), so it travels apart from `AppError`; the routes put both it and
 * ArcGIS's `{ error: { code, message } }` in the envelope.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly error: OAuthErrorName;
  constructor(error: OAuthErrorName, description: string) {
    super(description);
    this.error = error;
  }
}

/** PKCE `code_challenge` for S256: BASE64URL(SHA-256(verifier)), 43 characters. */
export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** PKCE `code_verifier`: 43 to 128 unreserved characters (RFC 7636 §4.1). */
export const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const newSecret = (): string => randomBytes(32).toString('base64url');

/** Drops codes and refresh tokens past their time. */
function sweep(db: Database, now: number): void {
  prepared(db, 'DELETE FROM oauth_codes WHERE expires_at < ?').run(now);
  prepared(db, 'DELETE FROM oauth_refresh_tokens WHERE expires_at < ?').run(now);
}

/** Ends a grant: its refresh token and every token issued under it. */
function revokeGrant(db: Database, grantId: string): void {
  prepared(
    db,
    'DELETE FROM tokens WHERE token_hash IN (SELECT token_hash FROM oauth_grant_tokens WHERE grant_id = ?)',
  ).run(grantId);
  prepared(db, 'DELETE FROM oauth_refresh_tokens WHERE grant_id = ?').run(grantId);
}

/**
 * A token issued from another (a server token traded for an OAuth access token) joins the
 * other's grant, so it ends with it. Tokens outside any grant stay outside.
 */
export function joinGrantOf(db: Database, fromToken: string, newToken: string): void {
  prepared(
    db,
    `INSERT INTO oauth_grant_tokens (token_hash, grant_id)
     SELECT ?, grant_id FROM oauth_grant_tokens WHERE token_hash = ?`,
  ).run(tokenHash(newToken), tokenHash(fromToken));
}

export interface CodeRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly user: VerifiedUser;
  /** S256 challenge, already checked against {@link CODE_CHALLENGE}. */
  readonly codeChallenge: string;
  /** The refresh token's requested lifetime (ArcGIS `expiration`), if any. */
  readonly refreshMinutes?: number | undefined;
}

/** Issues a single-use authorization code for a user who has just signed in. */
export function issueAuthorizationCode(
  db: Database,
  request: CodeRequest,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = clock(policy),
): string {
  const code = newSecret();
  const minutes = Math.max(
    1,
    Math.min(
      request.refreshMinutes ?? OAUTH_LIFETIMES.defaultRefreshMinutes,
      OAUTH_LIFETIMES.maxRefreshMinutes,
    ),
  );
  sweep(db, now);
  prepared(
    db,
    `INSERT INTO oauth_codes (code_hash, client_id, redirect_uri, username, code_challenge,
       refresh_minutes, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    tokenHash(code),
    request.clientId,
    request.redirectUri,
    request.user.username,
    request.codeChallenge,
    minutes,
    now + OAUTH_LIFETIMES.codeSeconds * 1000,
  );
  return code;
}

/** What `oauth2/token` answers (ArcGIS adds `ssl`, which depends on the server's address). */
export interface OAuthTokens {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
  readonly username: string;
  readonly refreshToken?: string;
  readonly refreshExpiresInSeconds?: number;
}

function accessToken(
  db: Database,
  user: VerifiedUser,
  grantId: string,
  notAfter: number,
  policy: TokenPolicy,
  now: number,
): { token: string; expiresInSeconds: number } {
  const issued = issueToken(
    db,
    user,
    { expirationMinutes: OAUTH_LIFETIMES.accessMinutes, notAfter },
    policy,
    now,
  );
  prepared(db, 'INSERT INTO oauth_grant_tokens (token_hash, grant_id) VALUES (?, ?)').run(
    tokenHash(issued.token),
    grantId,
  );
  return { token: issued.token, expiresInSeconds: Math.floor((issued.expires - now) / 1000) };
}

/** Starts grant `grantId`: a refresh token living `minutes`, and a first access token. */
function newGrant(
  db: Database,
  grantId: string,
  clientId: string,
  user: VerifiedUser,
  minutes: number,
  policy: TokenPolicy,
  now: number,
): OAuthTokens {
  const refreshToken = newSecret();
  const refreshExpires = now + minutes * 60_000;
  prepared(
    db,
    `INSERT INTO oauth_refresh_tokens (token_hash, grant_id, client_id, username, issued_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(tokenHash(refreshToken), grantId, clientId, user.username, now, refreshExpires);
  const access = accessToken(db, user, grantId, refreshExpires, policy, now);
  return {
    accessToken: access.token,
    expiresInSeconds: access.expiresInSeconds,
    username: user.username,
    refreshToken,
    refreshExpiresInSeconds: minutes * 60,
  };
}

function roleOf(db: Database, username: string): Role | undefined {
  return (
    prepared(db, 'SELECT role FROM users WHERE username = ?').get(username) as
      { role: Role } | undefined
  )?.role;
}

export interface CodeRedemption {
  readonly clientId: string;
  readonly redirectUri: string | undefined;
  readonly code: string;
  readonly codeVerifier: string | undefined;
}

/**
 * Trades an authorization code for tokens (`grant_type=authorization_code`). Any attempt uses
 * the code up, right or wrong; a second attempt also revokes what the first one was given.
 */
export function redeemAuthorizationCode(
  db: Database,
  redemption: CodeRedemption,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = clock(policy),
): OAuthTokens {
  // Refusals are returned, not thrown, so that the transaction commits the code's use.
  const outcome = inWriteTransaction(db, (): OAuthTokens | OAuthError => {
    const hash = tokenHash(redemption.code);
    const row = prepared(
      db,
      `SELECT client_id, redirect_uri, username, code_challenge, refresh_minutes, expires_at, grant_id
       FROM oauth_codes WHERE code_hash = ?`,
    ).get(hash) as
      | {
          client_id: string;
          redirect_uri: string;
          username: string;
          code_challenge: string;
          refresh_minutes: number;
          expires_at: number;
          grant_id: string | null;
        }
      | undefined;
    if (!row || row.expires_at <= now) {
      return new OAuthError('invalid_grant', 'Invalid authorization code.');
    }
    if (row.grant_id !== null) {
      // A replayed code: whoever holds it, what it was first traded for is no longer safe.
      revokeGrant(db, row.grant_id);
      return new OAuthError('invalid_grant', 'Authorization code has already been used.');
    }
    const grantId = newSecret();
    prepared(db, 'UPDATE oauth_codes SET grant_id = ? WHERE code_hash = ?').run(grantId, hash);
    if (row.client_id !== redemption.clientId)
      return new OAuthError('invalid_grant', 'Invalid authorization code.');
    if (redemption.redirectUri !== row.redirect_uri)
      return new OAuthError('invalid_grant', 'Invalid redirect_uri.');
    const verifier = redemption.codeVerifier;
    if (verifier === undefined)
      return new OAuthError('invalid_request', 'code_verifier is required.');
    if (!CODE_VERIFIER.test(verifier) || !sameText(s256(verifier), row.code_challenge))
      return new OAuthError('invalid_grant', 'Invalid code_verifier.');
    const role = roleOf(db, row.username);
    if (!role) return new OAuthError('invalid_grant', 'Invalid authorization code.');
    const user = { username: row.username, role };
    return newGrant(db, grantId, redemption.clientId, user, row.refresh_minutes, policy, now);
  });
  if (outcome instanceof OAuthError) throw outcome;
  return outcome;
}

interface RefreshRow {
  grant_id: string;
  client_id: string;
  username: string;
  issued_at: number;
  expires_at: number;
}

function liveRefreshToken(
  db: Database,
  clientId: string,
  refreshToken: string,
  now: number,
): RefreshRow & { role: Role } {
  const row = prepared(
    db,
    `SELECT r.grant_id, r.client_id, r.username, r.issued_at, r.expires_at, u.role
     FROM oauth_refresh_tokens r JOIN users u ON u.username = r.username WHERE r.token_hash = ?`,
  ).get(tokenHash(refreshToken)) as (RefreshRow & { role: Role }) | undefined;
  if (!row || row.expires_at <= now || row.client_id !== clientId)
    throw new OAuthError('invalid_grant', 'Invalid refresh_token.');
  return row;
}

/** A new access token for a refresh token (`grant_type=refresh_token`). */
export function refreshAccessToken(
  db: Database,
  request: { readonly clientId: string; readonly refreshToken: string },
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = clock(policy),
): OAuthTokens {
  return inWriteTransaction(db, () => {
    const row = liveRefreshToken(db, request.clientId, request.refreshToken, now);
    const user = { username: row.username, role: row.role };
    const access = accessToken(db, user, row.grant_id, row.expires_at, policy, now);
    return {
      accessToken: access.token,
      expiresInSeconds: access.expiresInSeconds,
      username: row.username,
    };
  });
}

/**
 * A new refresh token, with the old one's lifetime, for an old one
 * (`grant_type=exchange_refresh_token`); the old one and its access tokens end.
 */
export function exchangeRefreshToken(
  db: Database,
  request: { readonly clientId: string; readonly refreshToken: string },
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = clock(policy),
): OAuthTokens {
  return inWriteTransaction(db, () => {
    const row = liveRefreshToken(db, request.clientId, request.refreshToken, now);
    revokeGrant(db, row.grant_id);
    const minutes = Math.max(1, Math.round((row.expires_at - row.issued_at) / 60_000));
    const user = { username: row.username, role: row.role };
    return newGrant(db, newSecret(), request.clientId, user, minutes, policy, now);
  });
}

/**
 * Revokes a refresh token (with its grant) or an access token (`oauth2/revokeToken`). A
 * refresh token of another client is refused; an unknown token is not an error
 * (RFC 7009 §2.2): it is as revoked as it can be.
 */
export function revokeOAuthToken(
  db: Database,
  request: { readonly clientId: string; readonly token: string },
): void {
  inWriteTransaction(db, () => {
    const hash = tokenHash(request.token);
    const refresh = prepared(
      db,
      'SELECT grant_id, client_id FROM oauth_refresh_tokens WHERE token_hash = ?',
    ).get(hash) as { grant_id: string; client_id: string } | undefined;
    if (refresh) {
      if (refresh.client_id !== request.clientId)
        throw new OAuthError('unauthorized_client', 'The token was issued to another client.');
      revokeGrant(db, refresh.grant_id);
      return;
    }
    prepared(db, 'DELETE FROM tokens WHERE token_hash = ?').run(hash);
  });
}
