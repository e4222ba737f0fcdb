import { prepared, type Database } from '../db/open-database.js';

/** What the security log records: refusals and sign-in failures, never request data. */
export type SecurityEventKind =
  | 'SIGN_IN_FAILED'
  | 'ACCOUNT_LOCKED'
  | 'TOKEN_REQUIRED'
  | 'TOKEN_INVALID'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'BOT_DROPPED'
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

export function recordSecurityEvent(db: Database, event: SecurityEvent): void {
  prepared(db, 'INSERT INTO security_events (at, kind, username, route) VALUES (?, ?, ?, ?)').run(
    event.at ?? Date.now(),
    event.kind,
    event.username ?? null,
    event.route,
  );
}

export function securityEvents(db: Database, since = 0): SecurityEvent[] {
  return prepared(
    db,
    'SELECT at, kind, username, route FROM security_events WHERE at >= ? ORDER BY id',
  ).all(since) as unknown as SecurityEvent[];
}
