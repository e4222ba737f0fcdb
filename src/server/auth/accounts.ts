import { createHash, randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '../../core/errors.js';
import { prepared, type Database } from '../db/open-database.js';
import { hashPassword, verifyPassword } from './passwords.js';

export const ROLES = ['officer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly username: string; readonly role: Role };
export const ANONYMOUS: Caller = { kind: 'anonymous' };

export interface TokenPolicy {
  /** Minutes a token lives when the caller asks for no particular expiration. */
  readonly defaultMinutes: number;
  /** Longest a token may live, whatever the caller asks. */
  readonly maxMinutes: number;
  /** Minutes without use after which a token dies. */
  readonly idleMinutes: number;
  /** Failed sign-ins in a row that lock an account. */
  readonly lockoutAttempts: number;
  readonly lockoutMinutes: number;
}

export const DEFAULT_TOKEN_POLICY: TokenPolicy = {
  defaultMinutes: 60,
  maxMinutes: 8 * 60,
  idleMinutes: 30,
  lockoutAttempts: 5,
  lockoutMinutes: 15,
};

const MINUTE = 60_000;

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function upsertUser(
  db: Database,
  user: { username: string; password: string; role: Role; fullName?: string },
): Promise<void> {
  const hash = await hashPassword(user.password);
  prepared(
    db,
    `INSERT INTO users (username, password_hash, role, full_name) VALUES (?, ?, ?, ?)
     ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role,
       full_name = excluded.full_name, failed_count = 0, locked_until = 0`,
  ).run(user.username.toLowerCase(), hash, user.role, user.fullName ?? null);
}

export interface IssuedToken {
  readonly token: string;
  readonly expires: number;
  readonly username: string;
  readonly role: Role;
}

interface UserRow {
  username: string;
  password_hash: string;
  role: Role;
  failed_count: number;
  locked_until: number;
}

/** The one message for every refused sign-in, so it never tells which part was wrong. */
const BAD_CREDENTIALS = new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
  'Invalid username or password.',
]);

export async function signIn(
  db: Database,
  credentials: { username: string; password: string; expirationMinutes?: number },
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = Date.now(),
): Promise<IssuedToken> {
  const username = credentials.username.trim().toLowerCase();
  const user = prepared(db, 'SELECT * FROM users WHERE username = ?').get(username) as
    UserRow | undefined;
  if (!user) {
    // Spend the same time as a real check, so timing does not reveal which names exist.
    await verifyPassword(credentials.password, DUMMY_HASH);
    throw BAD_CREDENTIALS;
  }
  if (user.locked_until > now) {
    throw new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
      'Too many failed sign-ins. Try again later or ask an administrator to unlock the account.',
    ]);
  }
  if (!(await verifyPassword(credentials.password, user.password_hash))) {
    const failed = user.failed_count + 1;
    const lockedUntil = failed >= policy.lockoutAttempts ? now + policy.lockoutMinutes * MINUTE : 0;
    prepared(db, 'UPDATE users SET failed_count = ?, locked_until = ? WHERE username = ?').run(
      lockedUntil ? 0 : failed,
      lockedUntil,
      username,
    );
    throw BAD_CREDENTIALS;
  }
  prepared(db, 'UPDATE users SET failed_count = 0, locked_until = 0 WHERE username = ?').run(
    username,
  );
  const requested = credentials.expirationMinutes ?? policy.defaultMinutes;
  const minutes = Math.max(1, Math.min(requested, policy.maxMinutes));
  const token = randomBytes(32).toString('base64url');
  const expires = now + minutes * MINUTE;
  prepared(
    db,
    'INSERT INTO tokens (token_hash, username, issued_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?)',
  ).run(tokenHash(token), username, now, expires, now);
  prepared(db, 'DELETE FROM tokens WHERE expires_at < ?').run(now);
  return { token, expires, username, role: user.role };
}

/** Resolves a presented token to its user, or throws 498 when it is unknown, expired or idle. */
export function callerOfToken(
  db: Database,
  token: string,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = Date.now(),
): Caller {
  const hash = tokenHash(token);
  const row = prepared(
    db,
    `SELECT t.expires_at, t.last_used_at, u.username, u.role FROM tokens t
       JOIN users u ON u.username = t.username WHERE t.token_hash = ?`,
  ).get(hash) as
    { expires_at: number; last_used_at: number; username: string; role: Role } | undefined;
  if (!row || row.expires_at <= now || row.last_used_at + policy.idleMinutes * MINUTE <= now) {
    throw new AppError(ErrorCode.InvalidToken, 'Invalid token.');
  }
  // Idle time is counted in whole minutes, so a busy client does not write on every request.
  if (now - row.last_used_at > MINUTE) {
    prepared(db, 'UPDATE tokens SET last_used_at = ? WHERE token_hash = ?').run(now, hash);
  }
  return { kind: 'user', username: row.username, role: row.role };
}

export function revokeToken(db: Database, token: string): void {
  prepared(db, 'DELETE FROM tokens WHERE token_hash = ?').run(tokenHash(token));
}

// A real hash of a random password, checked when the user does not exist.
const DUMMY_HASH = await hashPassword(randomBytes(12).toString('hex'));
