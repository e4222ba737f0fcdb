import type { DatabaseSync } from 'node:sqlite';

/**
 * OAuth 2 state (`auth/oauth.ts`): authorization codes and refresh tokens, stored only as
 * SHA-256 hashes, and which access tokens each sign-in (a grant) has issued, so that revoking
 * a refresh token, or replaying its code, ends every token of that sign-in at once.
 * Needs the `users` and `tokens` tables (registry-tables.ts) first.
 */
const OAUTH_DDL = [
  `CREATE TABLE IF NOT EXISTS oauth_codes (
     code_hash TEXT PRIMARY KEY,
     client_id TEXT NOT NULL,
     redirect_uri TEXT NOT NULL,
     username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
     code_challenge TEXT NOT NULL,
     refresh_minutes INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     -- Set when the code is redeemed; a second redemption revokes this grant.
     grant_id TEXT
   )`,
  `CREATE INDEX IF NOT EXISTS oauth_codes_expires ON oauth_codes(expires_at)`,
  `CREATE TABLE IF NOT EXISTS oauth_refresh_tokens (
     token_hash TEXT PRIMARY KEY,
     grant_id TEXT NOT NULL,
     client_id TEXT NOT NULL,
     username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
     issued_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS oauth_refresh_tokens_grant ON oauth_refresh_tokens(grant_id)`,
  // Access tokens (and server tokens traded for them) by grant; gone with their token.
  `CREATE TABLE IF NOT EXISTS oauth_grant_tokens (
     token_hash TEXT PRIMARY KEY REFERENCES tokens(token_hash) ON DELETE CASCADE,
     grant_id TEXT NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS oauth_grant_tokens_grant ON oauth_grant_tokens(grant_id)`,
];

export function ensureOAuthSchema(db: DatabaseSync): void {
  for (const statement of OAUTH_DDL) db.exec(statement);
}
