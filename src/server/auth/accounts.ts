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

/**
 * How failed sign-ins slow further attempts for one key (a client address, or a username).
 * After `freeFailures` failures, each failure makes the next attempt wait `firstDelaySeconds`,
 * doubled for every further failure, up to `maxDelaySeconds`.
 */
export interface SignInDelays {
  readonly freeFailures: number;
  readonly firstDelaySeconds: number;
  readonly maxDelaySeconds: number;
  /** A key's failures are forgotten this long after its latest one. */
  readonly forgetMinutes: number;
}

export interface TokenPolicy {
  /** Minutes a token lives when the caller asks for no particular expiration. */
  readonly defaultMinutes: number;
  /** Longest a token may live, whatever the caller asks. */
  readonly maxMinutes: number;
  /** Minutes without use after which a token dies. */
  readonly idleMinutes: number;
  /** Per client address (an IPv6 client by its /64): holds every attempt from it. */
  readonly clientDelays: SignInDelays;
  /**
   * Per username, known or not: holds only clients that have failed themselves, so nobody can
   * keep an officer from signing in by failing at the officer's name.
   */
  readonly accountDelays: SignInDelays;
  /** The time in epoch milliseconds; tests inject a clock. */
  readonly now?: () => number;
}

export const DEFAULT_TOKEN_POLICY: TokenPolicy = {
  defaultMinutes: 60,
  maxMinutes: 8 * 60,
  idleMinutes: 30,
  // 5 free, then 1 s, 2 s, 4 s ... 512 s, and 15 minutes from the 15th failure on.
  clientDelays: {
    freeFailures: 5,
    firstDelaySeconds: 1,
    maxDelaySeconds: 15 * 60,
    forgetMinutes: 60,
  },
  // Spread over many addresses: 10 free, then at most half a minute between guesses.
  accountDelays: { freeFailures: 10, firstDelaySeconds: 1, maxDelaySeconds: 30, forgetMinutes: 60 },
};

const MINUTE = 60_000;
/** Keys a failure log keeps at most; the oldest go first. */
const MAX_KEYS = 100_000;

/** How tokens, codes and refresh tokens are stored: SHA-256, hex. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The policy's time in epoch milliseconds (tests inject a clock). */
export const clock = (policy: TokenPolicy): number => (policy.now ?? Date.now)();

/** `::ffff:192.0.2.1` is `192.0.2.1`; other addresses unchanged. */
function plainAddress(address: string): string {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
}

/** The client an address belongs to: itself, or for IPv6 its /64 (one subscriber's block). */
export function clientKey(address: string): string {
  const plain = plainAddress(address).replace(/%.*$/, '');
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) {
    const rest = tail ? tail.split(':') : [];
    groups.push(...Array<string>(Math.max(0, 8 - groups.length - rest.length)).fill('0'), ...rest);
  }
  const prefix = groups.slice(0, 4).map((group) => Number.parseInt(group || '0', 16).toString(16));
  return `${prefix.join(':')}::/64`;
}

interface Failures {
  count: number;
  lastAt: number;
  /** No attempt before this time (0: none to wait for). */
  waitUntil: number;
  /** Attempts being checked right now (client keys only). */
  inFlight: number;
}

/** Recent failures by key, in order of the latest failure; forgotten ones are dropped as met. */
class FailureLog {
  private readonly entries = new Map<string, Failures>();

  get(key: string, delays: SignInDelays, now: number): Failures | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.inFlight === 0 && entry.lastAt + delays.forgetMinutes * MINUTE <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  entry(key: string, delays: SignInDelays, now: number): Failures {
    let entry = this.get(key, delays, now);
    if (!entry) {
      entry = { count: 0, lastAt: now, waitUntil: 0, inFlight: 0 };
      this.entries.set(key, entry);
      this.trim(delays, now);
    }
    return entry;
  }

  fail(key: string, delays: SignInDelays, now: number): void {
    const entry = this.entry(key, delays, now);
    entry.count += 1;
    entry.lastAt = now;
    const over = entry.count - delays.freeFailures;
    entry.waitUntil =
      over >= 0
        ? now + Math.min(delays.firstDelaySeconds * 2 ** over, delays.maxDelaySeconds) * 1000
        : 0;
    // Re-inserted, so the map stays in order of the latest failure.
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  /** An attempt counted in flight is over (its failure, if any, is recorded apart). */
  settle(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.inFlight -= 1;
    if (entry.inFlight === 0 && entry.count === 0) this.entries.delete(key);
  }

  private trim(delays: SignInDelays, now: number): void {
    for (const [key, entry] of this.entries) {
      const stale = entry.inFlight === 0 && entry.lastAt + delays.forgetMinutes * MINUTE <= now;
      if (!stale && this.entries.size <= MAX_KEYS) return;
      this.entries.delete(key);
    }
  }
}

interface SignInGuard {
  readonly clients: FailureLog;
  readonly accounts: FailureLog;
}

// Kept per database, as each server has its own; in memory, so addresses never reach the disk.
const guards = new WeakMap<Database, SignInGuard>();

function guardOf(db: Database): SignInGuard {
  let guard = guards.get(db);
  if (!guard) {
    guard = { clients: new FailureLog(), accounts: new FailureLog() };
    guards.set(db, guard);
  }
  return guard;
}

function tooManyFailures(waitUntil: number, now: number): AppError {
  const seconds = Math.max(1, Math.ceil((waitUntil - now) / 1000));
  return new AppError(
    ErrorCode.RateLimited,
    'Too many failed sign-ins. Try again later.',
    [`Retry after ${seconds} seconds.`],
    { retryAfterSeconds: seconds },
  );
}

/**
 * Refuses an attempt the delays hold back, before any password is checked, with the same
 * answer whether or not the username exists; otherwise counts it in flight.
 */
function admit(
  guard: SignInGuard,
  policy: TokenPolicy,
  client: string | undefined,
  username: string,
  now: number,
): void {
  if (client === undefined) return; // in-process callers (CLI, seed) are trusted
  const mine = guard.clients.get(client, policy.clientDelays, now);
  if (mine && mine.waitUntil > now) throw tooManyFailures(mine.waitUntil, now);
  // Past the free failures, one attempt at a time: parallel guesses must not all slip past.
  if (mine && mine.inFlight > 0 && mine.count + mine.inFlight >= policy.clientDelays.freeFailures)
    throw tooManyFailures(now + 1000, now);
  const account = guard.accounts.get(username, policy.accountDelays, now);
  if (account && account.waitUntil > now && mine && mine.count > 0)
    throw tooManyFailures(account.waitUntil, now);
  guard.clients.entry(client, policy.clientDelays, now).inFlight += 1;
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
       full_name = excluded.full_name`,
  ).run(user.username.toLowerCase(), hash, user.role, user.fullName ?? null);
}

export interface IssuedToken {
  readonly token: string;
  readonly expires: number;
  readonly username: string;
  readonly role: Role;
}

/**
 * What a token is bound to (ArcGIS generateToken `client=referer`, `requestip` or `ip`):
 * it is then accepted only from requests whose Referer, or address, matches.
 */
export type TokenBinding = { readonly referer: string } | { readonly address: string };

/** The request a token comes with: its address and Referer header (a Fastify request fits). */
export interface TokenUse {
  readonly ip?: string;
  readonly headers?: { readonly referer?: string | undefined };
}

export interface SignInRequest {
  readonly username: string;
  readonly password: string;
  readonly expirationMinutes?: number;
  /** The caller's address (`request.ip`); none for in-process callers, which no delay holds. */
  readonly clientAddress?: string;
  readonly bindTo?: TokenBinding;
}

interface UserRow {
  username: string;
  password_hash: string;
  role: Role;
}

/** The one message for every refused sign-in, so it never tells which part was wrong. */
const BAD_CREDENTIALS = new AppError(ErrorCode.InvalidInput, 'Unable to generate token.', [
  'Invalid username or password.',
]);

/** Who signed in: the account a checked password belongs to. */
export interface VerifiedUser {
  readonly username: string;
  readonly role: Role;
}

/**
 * Checks a username and password, with the same delays and the same answer for every caller
 * of it (generateToken, the OAuth sign-in page): failures slow the client that made them, and
 * more gently the username tried; no count ever locks an account. Issues nothing.
 */
export async function verifyCredentials(
  db: Database,
  credentials: Pick<SignInRequest, 'username' | 'password' | 'clientAddress'>,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = clock(policy),
): Promise<VerifiedUser> {
  const username = credentials.username.trim().toLowerCase();
  const guard = guardOf(db);
  const client =
    credentials.clientAddress === undefined ? undefined : clientKey(credentials.clientAddress);
  admit(guard, policy, client, username, now);
  let user: UserRow | undefined;
  let valid: boolean;
  try {
    user = prepared(db, 'SELECT username, password_hash, role FROM users WHERE username = ?').get(
      username,
    ) as UserRow | undefined;
    // An unknown name costs the same check as a known one, so timing does not tell them apart.
    valid = await verifyPassword(credentials.password, user?.password_hash ?? DUMMY_HASH);
  } finally {
    if (client !== undefined) guard.clients.settle(client);
  }
  if (!user || !valid) {
    if (client !== undefined) guard.clients.fail(client, policy.clientDelays, now);
    guard.accounts.fail(username, policy.accountDelays, now);
    throw BAD_CREDENTIALS;
  }
  return { username: user.username, role: user.role };
}

/** What a new token is issued with besides its user. */
export interface TokenGrant {
  readonly expirationMinutes?: number | undefined;
  readonly bindTo?: TokenBinding | undefined;
  /** Latest expiry (epoch ms) whatever the minutes: a token never outlives the one it came from. */
  readonly notAfter?: number;
}

/**
 * Issues a token for a user (whose password, code or token the caller has checked): stored
 * hashed, expiring after the requested minutes within the policy's maximum.
 */
export function issueToken(
  db: Database,
  user: VerifiedUser,
  grant: TokenGrant = {},
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = clock(policy),
): IssuedToken {
  const requested = grant.expirationMinutes ?? policy.defaultMinutes;
  const minutes = Math.max(1, Math.min(requested, policy.maxMinutes));
  const token = randomBytes(32).toString('base64url');
  const expires = Math.min(now + minutes * MINUTE, grant.notAfter ?? Infinity);
  const binding = grant.bindTo;
  prepared(
    db,
    `INSERT INTO tokens (token_hash, username, issued_at, expires_at, last_used_at, referer, client_ip)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    tokenHash(token),
    user.username,
    now,
    expires,
    now,
    binding && 'referer' in binding ? binding.referer : null,
    binding && 'address' in binding ? plainAddress(binding.address) : null,
  );
  prepared(db, 'DELETE FROM tokens WHERE expires_at < ?').run(now);
  return { token, expires, username: user.username, role: user.role };
}

/**
 * Checks a password and issues a token. Failures slow the client that made them, and more
 * gently the username tried; no count ever locks an account.
 */
export async function signIn(
  db: Database,
  credentials: SignInRequest,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = clock(policy),
): Promise<IssuedToken> {
  const user = await verifyCredentials(db, credentials, policy, now);
  return issueToken(
    db,
    user,
    { expirationMinutes: credentials.expirationMinutes, bindTo: credentials.bindTo },
    policy,
    now,
  );
}

function webUrl(text: string): URL | undefined {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url : undefined;
}

/**
 * Whether a request's Referer falls under the referer a token was issued for: the same origin
 * and a path at or below the bound one (`https://city.example/app` covers `/app/page.html`,
 * not `/apple`); a referer that is not a web URL (`@esri/arcgis-rest-js`) must match exactly.
 */
export function refererMatches(bound: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const want = webUrl(bound);
  const got = webUrl(presented);
  if (!want || !got) return bound === presented;
  if (want.origin !== got.origin) return false;
  const path = want.pathname;
  return path.endsWith('/')
    ? got.pathname.startsWith(path)
    : got.pathname === path || got.pathname.startsWith(`${path}/`);
}

/** A stored token, as presented with a request and found valid. */
export interface PresentedToken extends VerifiedUser {
  readonly hash: string;
  readonly expires: number;
  /** What the token is bound to, if anything. */
  readonly binding: TokenBinding | undefined;
}

/**
 * Finds a presented token, or throws 498 when it is unknown, expired, idle, or presented from
 * a referer or address other than the one it was issued for; counts it as used.
 */
export function presentedToken(
  db: Database,
  token: string,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  use: TokenUse = {},
  now = clock(policy),
): PresentedToken {
  const hash = tokenHash(token);
  const row = prepared(
    db,
    `SELECT t.expires_at, t.last_used_at, t.referer, t.client_ip, u.username, u.role FROM tokens t
       JOIN users u ON u.username = t.username WHERE t.token_hash = ?`,
  ).get(hash) as
    | {
        expires_at: number;
        last_used_at: number;
        referer: string | null;
        client_ip: string | null;
        username: string;
        role: Role;
      }
    | undefined;
  if (
    !row ||
    row.expires_at <= now ||
    row.last_used_at + policy.idleMinutes * MINUTE <= now ||
    (row.referer !== null && !refererMatches(row.referer, use.headers?.referer)) ||
    (row.client_ip !== null && row.client_ip !== plainAddress(use.ip ?? ''))
  ) {
    throw new AppError(ErrorCode.InvalidToken, 'Invalid token.');
  }
  // Idle time is counted in whole minutes, so a busy client does not write on every request.
  if (now - row.last_used_at > MINUTE) {
    prepared(db, 'UPDATE tokens SET last_used_at = ? WHERE token_hash = ?').run(now, hash);
  }
  return {
    hash,
    username: row.username,
    role: row.role,
    expires: row.expires_at,
    binding:
      row.referer !== null
        ? { referer: row.referer }
        : row.client_ip !== null
          ? { address: row.client_ip }
          : undefined,
  };
}

/**
 * Resolves a presented token to its user, or throws 498 when it is unknown, expired, idle, or
 * presented from a referer or address other than the one it was issued for.
 */
export function callerOfToken(
  db: Database,
  token: string,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  use: TokenUse = {},
  now = clock(policy),
): Caller {
  const { username, role } = presentedToken(db, token, policy, use, now);
  return { kind: 'user', username, role };
}

export function revokeToken(db: Database, token: string): void {
  prepared(db, 'DELETE FROM tokens WHERE token_hash = ?').run(tokenHash(token));
}

// A real hash of a random password, checked when the user does not exist.
const DUMMY_HASH = await hashPassword(randomBytes(12).toString('hex'));
