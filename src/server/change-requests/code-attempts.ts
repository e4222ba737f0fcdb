import { createHash } from 'node:crypto';
import { prepared, type Database } from '../db/open-database.js';

/**
 * How wrong manage codes slow down whoever sends them. Nothing here ever locks a
 * registration: a client that sent no wrong code is checked at once, except that while a
 * reference is under the reference-wide cap every client waits one short hold before its
 * check is made.
 */
export const CODE_ATTEMPT_LIMITS = {
  /** Wrong codes one client may send for one reference before it has to wait. */
  freeFailures: 3,
  /** Wait after the `freeFailures`-th wrong code; it doubles with each further one. */
  firstDelaySeconds: 2,
  /** Longest wait one client is given. */
  maxDelaySeconds: 3_600,
  /** How long one client's wrong codes count against it. */
  clientMemorySeconds: 86_400,
  /** Wrong codes for one reference, from all clients together, that start the cap… */
  referenceFailures: 20,
  /** …when they fall within this window. */
  referenceWindowSeconds: 3_600,
  /** Under the cap a client's first try is answered "retry after this long", then checked. */
  holdSeconds: 10,
  /** How long after its hold a client's announced check stays good. */
  holdValidSeconds: 600,
} as const;

const SECOND = 1_000;
const L = CODE_ATTEMPT_LIMITS;

/** Whether a request may have its code checked now, or how long its sender must wait. */
export type AttemptDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

const TABLE = 'change_request_attempts';

const DDL = [
  // Who sent wrong codes for which reference, and when: the sender is a salted hash of
  // the client key (an address), never the key itself. Rows live at most a day.
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
     registration_ref TEXT NOT NULL,
     client TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('failure', 'hold')),
     at INTEGER NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_ref ON ${TABLE}(registration_ref, client, kind, at)`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_at ON ${TABLE}(at)`,
];

const ready = new WeakSet<Database>();

/** Creates the attempts table once per connection (safe inside or outside a transaction). */
export function ensureAttemptTable(db: Database): void {
  if (ready.has(db)) return;
  for (const statement of DDL) db.exec(statement);
  ready.add(db);
}

/**
 * The stored name of a client for one reference: salted with the reference so the same
 * address cannot be followed from one registration to another.
 */
export function clientId(reference: string, clientKey: string): string {
  return createHash('sha256')
    .update(`ccr-change-client:${reference}:${clientKey}`)
    .digest('hex')
    .slice(0, 32);
}

/** Seconds one client must wait after its `failures`-th wrong code (0 while some are free). */
export function clientDelaySeconds(failures: number): number {
  if (failures < L.freeFailures) return 0;
  return Math.min(L.firstDelaySeconds * 2 ** (failures - L.freeFailures), L.maxDelaySeconds);
}

const wait = (until: number, now: number): AttemptDecision => ({
  allowed: false,
  retryAfterSeconds: Math.max(1, Math.ceil((until - now) / SECOND)),
});

/**
 * Decides whether `client` may have a code checked for `reference` at `now`, in the
 * caller's write transaction. First the client's own delay (exponential in its wrong codes
 * for this reference); then, while the reference has had {@link CODE_ATTEMPT_LIMITS}
 * `referenceFailures` wrong codes within the window, a hold: the client's first try is
 * answered with `holdSeconds` and its next try within `holdValidSeconds` after that is
 * checked. A hold is per client, so no other client can use it up or push it back.
 */
export function admitAttempt(
  db: Database,
  reference: string,
  client: string,
  now: number,
): AttemptDecision {
  prepared(db, `DELETE FROM ${TABLE} WHERE at <= ?`).run(now - L.clientMemorySeconds * SECOND);
  const own = prepared(
    db,
    `SELECT COUNT(*) AS n, MAX(at) AS last FROM ${TABLE}
       WHERE registration_ref = ? AND client = ? AND kind = 'failure'`,
  ).get(reference, client) as { n: number; last: number | null };
  const delay = clientDelaySeconds(own.n);
  if (delay > 0 && own.last !== null && now < own.last + delay * SECOND)
    return wait(own.last + delay * SECOND, now);

  const recent = prepared(
    db,
    `SELECT COUNT(*) AS n FROM ${TABLE}
       WHERE registration_ref = ? AND kind = 'failure' AND at > ?`,
  ).get(reference, now - L.referenceWindowSeconds * SECOND) as { n: number };
  if (recent.n < L.referenceFailures) return { allowed: true };

  const hold = prepared(
    db,
    `SELECT MAX(at) AS at FROM ${TABLE}
       WHERE registration_ref = ? AND client = ? AND kind = 'hold' AND at > ?`,
  ).get(reference, client, now - (L.holdSeconds + L.holdValidSeconds) * SECOND) as {
    at: number | null;
  };
  if (hold.at === null) {
    prepared(
      db,
      `INSERT INTO ${TABLE} (registration_ref, client, kind, at) VALUES (?, ?, 'hold', ?)`,
    ).run(reference, client, now);
    return wait(now + L.holdSeconds * SECOND, now);
  }
  if (now < hold.at + L.holdSeconds * SECOND) return wait(hold.at + L.holdSeconds * SECOND, now);
  // The hold is used up by this check, whatever the code turns out to be.
  prepared(
    db,
    `DELETE FROM ${TABLE} WHERE registration_ref = ? AND client = ? AND kind = 'hold'`,
  ).run(reference, client);
  return { allowed: true };
}

/** Counts one wrong code (or unknown reference) against the client and the reference. */
export function recordFailure(db: Database, reference: string, client: string, now: number): void {
  prepared(
    db,
    `INSERT INTO ${TABLE} (registration_ref, client, kind, at) VALUES (?, ?, 'failure', ?)`,
  ).run(reference, client, now);
}

/** A right code: the client's own wrong codes for this reference no longer count. */
export function forgetClient(db: Database, reference: string, client: string): void {
  prepared(db, `DELETE FROM ${TABLE} WHERE registration_ref = ? AND client = ?`).run(
    reference,
    client,
  );
}

/** A withdrawal: nothing about the reference is kept. */
export function forgetReference(db: Database, reference: string): void {
  prepared(db, `DELETE FROM ${TABLE} WHERE registration_ref = ?`).run(reference);
}
