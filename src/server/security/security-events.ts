import { prepared, type Database } from '../db/open-database.js';

/** What the security log records: refusals and sign-in failures, never request data. */
export type SecurityEventKind =
  | 'SIGN_IN_FAILED'
  /** Written by earlier versions, which locked accounts; none is locked now (see signIn). */
  | 'ACCOUNT_LOCKED'
  | 'TOKEN_REQUIRED'
  | 'TOKEN_INVALID'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'BOT_DROPPED'
  | 'BOT_DELAYED'
  | 'ORIGIN_REFUSED'
  | 'TOO_LARGE';

export interface SecurityEvent {
  readonly kind: SecurityEventKind;
  /** The account concerned, when there is one (never a resident's data). */
  readonly username?: string | null;
  /** The route pattern, e.g. `/arcgis/rest/services/:service/FeatureServer/:layer/query`. */
  readonly route: string;
  readonly at?: number;
}

/** One row of the log: `count` events of one kind, account and route within one minute. */
export interface SecurityEventRow {
  readonly kind: SecurityEventKind;
  /** `*` stands for the names past the first {@link NAMES_PER_MINUTE} of a kind and route. */
  readonly username: string | null;
  readonly route: string;
  /** The first and the latest event of the row. */
  readonly at: number;
  readonly lastAt: number;
  readonly count: number;
}

const WINDOW_MS = 60_000;
/**
 * Accounts named per kind, route and minute; further names share one `*` row. A caller can
 * choose the username it fails with, but not make the log grow faster than this.
 */
export const NAMES_PER_MINUTE = 20;
export const OTHER_NAMES = '*';

/** Adds one to the row of this kind, account, route and minute, if there is one. */
function addToRow(
  db: Database,
  kind: SecurityEventKind,
  username: string | null,
  route: string,
  at: number,
  windowStart: number,
): boolean {
  const { changes } = prepared(
    db,
    `UPDATE security_events SET count = count + 1, at = MIN(at, ?1),
       last_at = MAX(COALESCE(last_at, at), ?1)
     WHERE id = (SELECT id FROM security_events WHERE kind = ?2 AND route = ?3
       AND at >= ?4 AND at < ?4 + ${WINDOW_MS} AND username IS ?5 LIMIT 1)`,
  ).run(at, kind, route, windowStart, username);
  return Number(changes) > 0;
}

/**
 * Records an event, folded into one row per kind, account, route and minute, so a flood of
 * refusals costs a row a minute, not a row a request, and is still counted in full.
 */
export function recordSecurityEvent(db: Database, event: SecurityEvent): void {
  const at = event.at ?? Date.now();
  const windowStart = at - (at % WINDOW_MS);
  let username = event.username ?? null;
  if (addToRow(db, event.kind, username, event.route, at, windowStart)) return;
  if (username !== null) {
    const { named } = prepared(
      db,
      `SELECT COUNT(*) AS named FROM security_events WHERE kind = ? AND route = ?
         AND at >= ? AND at < ? AND username IS NOT NULL`,
    ).get(event.kind, event.route, windowStart, windowStart + WINDOW_MS) as { named: number };
    if (named >= NAMES_PER_MINUTE) {
      username = OTHER_NAMES;
      if (addToRow(db, event.kind, username, event.route, at, windowStart)) return;
    }
  }
  prepared(
    db,
    'INSERT INTO security_events (at, last_at, kind, username, route, count) VALUES (?, ?, ?, ?, ?, 1)',
  ).run(at, at, event.kind, username, event.route);
}

/** Rows with an event at or after `since`, oldest first. */
export function securityEvents(db: Database, since = 0): SecurityEventRow[] {
  return prepared(
    db,
    `SELECT at, COALESCE(last_at, at) AS lastAt, kind, username, route, count
       FROM security_events WHERE COALESCE(last_at, at) >= ? ORDER BY id`,
  ).all(since) as unknown as SecurityEventRow[];
}
