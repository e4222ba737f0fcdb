import { timingSafeEqual } from 'node:crypto';
import { hashManageCode } from '../auth/manage-code.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONFIRMATION_INTERVAL_DAYS,
  SITES,
} from '../../core/schema/registry-schema.js';
import { validateChangePayload } from '../../core/registration/change-request.js';
import { normalizeReference } from '../../core/registration/registration-codes.js';
import { crossFieldIssues } from '../../core/validation/validate-attributes.js';
import { getRow, insertRow, newGlobalId, updateRow, type Row } from '../db/feature-rows.js';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';
import { tableName } from '../db/registry-tables.js';
import type { EditResult } from '../edits/apply-edits.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** What became of one change request; `rejected` outcomes change nothing. */
export type ChangeOutcome =
  | { readonly status: 'applied'; readonly requestType: 'update' | 'reconfirm' | 'withdraw' }
  | {
      readonly status: 'rejected';
      readonly reason: 'BAD_CODE' | 'RATE_LIMITED' | 'INVALID_CHANGES';
      readonly details: readonly string[];
    }
  | { readonly status: 'skipped' };

export interface ProcessOptions {
  readonly now?: number;
  /** Refused attempts for one reference within an hour before it is locked for that hour. */
  readonly maxFailuresPerHour?: number;
}

interface RequestRow {
  OBJECTID: number;
  registration_ref: string | null;
  manage_code: string | null;
  request_type: string | null;
  payload: string | null;
  request_status: string | null;
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

function recentFailures(db: Database, reference: string, now: number): number {
  const row = prepared(
    db,
    `SELECT COUNT(*) AS n FROM ${tableName(CHANGE_REQUESTS)}
       WHERE registration_ref = ? AND request_status = 'rejected' AND result IN ('BAD_CODE', 'RATE_LIMITED') AND processed_at > ?`,
  ).get(reference, now - HOUR) as { n: number };
  return row.n;
}

function finish(
  db: Database,
  id: number,
  status: 'applied' | 'rejected',
  result: string,
  now: number,
): void {
  // The code and the requested contact details are not kept once the request is settled.
  updateRow(db, CHANGE_REQUESTS, id, {
    request_status: status,
    result,
    processed_at: now,
    manage_code: null,
    payload: null,
  });
}

function siteByReference(
  db: Database,
  reference: string,
): { id: number; hash: string | null } | undefined {
  return prepared(
    db,
    `SELECT "OBJECTID" AS id, manage_code_hash AS hash FROM ${tableName(SITES)} WHERE registration_ref = ?`,
  ).get(reference) as { id: number; hash: string | null } | undefined;
}

/**
 * Checks one pending change request against its site's manage-code hash and applies it,
 * in one transaction. Withdrawal hard-deletes the site, its cameras, its contact entries
 * and every change request that named it.
 */
export function processChangeRequest(
  db: Database,
  requestId: number,
  options: ProcessOptions = {},
): ChangeOutcome {
  const now = options.now ?? Date.now();
  const maxFailures = options.maxFailuresPerHour ?? 5;
  const outcome = inWriteTransaction(db, (): ChangeOutcome => {
    const request = prepared(
      db,
      `SELECT * FROM ${tableName(CHANGE_REQUESTS)} WHERE "OBJECTID" = ?`,
    ).get(requestId) as RequestRow | undefined;
    if (!request || request.request_status !== 'pending') return { status: 'skipped' };
    const reference = normalizeReference(request.registration_ref ?? '');
    const reject = (
      reason: 'BAD_CODE' | 'RATE_LIMITED' | 'INVALID_CHANGES',
      details: readonly string[] = [],
    ): ChangeOutcome => {
      finish(db, request.OBJECTID, 'rejected', reason, now);
      return { status: 'rejected', reason, details };
    };
    if (recentFailures(db, reference, now) >= maxFailures) return reject('RATE_LIMITED');
    const site = siteByReference(db, reference);
    const presented = hashManageCode(reference, request.manage_code ?? '');
    // Unknown reference and wrong code look the same, so neither can be probed.
    if (!site || !site.hash || !sameHex(presented, site.hash)) return reject('BAD_CODE');

    const stored = getRow(db, SITES, site.id);
    if (!stored) return reject('BAD_CODE');
    const siteGuid = stored.attributes.GlobalID as string;
    switch (request.request_type) {
      case 'withdraw': {
        prepared(db, `DELETE FROM ${tableName(CAMERAS)} WHERE site_guid = ?`).run(siteGuid);
        prepared(db, `DELETE FROM contact_log WHERE site_guid = ?`).run(siteGuid);
        prepared(db, `DELETE FROM ${tableName(SITES)} WHERE "OBJECTID" = ?`).run(site.id);
        prepared(db, `DELETE FROM ${tableName(CHANGE_REQUESTS)} WHERE registration_ref = ?`).run(
          reference,
        );
        return { status: 'applied', requestType: 'withdraw' };
      }
      case 'reconfirm': {
        const values: Row = {
          last_confirmed_at: now,
          confirm_due_at: now + CONFIRMATION_INTERVAL_DAYS * DAY,
          EditDate: now,
        };
        if (stored.attributes.status === 'expired')
          values.status = stored.attributes.verified_at ? 'verified' : 'pending';
        updateRow(db, SITES, site.id, values);
        finish(db, request.OBJECTID, 'applied', 'RECONFIRMED', now);
        return { status: 'applied', requestType: 'reconfirm' };
      }
      case 'update': {
        let parsed: unknown;
        try {
          parsed = JSON.parse(request.payload ?? '{}');
        } catch {
          return reject('INVALID_CHANGES', ['payload: WRONG_TYPE']);
        }
        const checked = validateChangePayload(parsed);
        if (!checked.ok)
          return reject(
            'INVALID_CHANGES',
            checked.issues.map((i) => `${i.field}: ${i.code}`),
          );
        const cross = crossFieldIssues(SITES, { ...stored.attributes, ...checked.site });
        if (cross.length > 0)
          return reject(
            'INVALID_CHANGES',
            cross.map((i) => `${i.field}: ${i.code}`),
          );
        const values: Row = {
          ...checked.site,
          last_confirmed_at: now,
          confirm_due_at: now + CONFIRMATION_INTERVAL_DAYS * DAY,
          EditDate: now,
        };
        if (checked.location)
          values.location_method = checked.site.location_method ?? 'pin_adjusted';
        updateRow(db, SITES, site.id, values, checked.location ?? undefined);
        if (checked.cameras) {
          prepared(db, `DELETE FROM ${tableName(CAMERAS)} WHERE site_guid = ?`).run(siteGuid);
          for (const camera of checked.cameras) {
            insertRow(
              db,
              CAMERAS,
              {
                ...camera.attributes,
                site_guid: siteGuid,
                GlobalID: newGlobalId(),
                status: 'active',
                CreationDate: now,
                EditDate: now,
              },
              camera.location,
            );
          }
        }
        finish(db, request.OBJECTID, 'applied', 'UPDATED', now);
        return { status: 'applied', requestType: 'update' };
      }
      default:
        return reject('INVALID_CHANGES', ['request_type: NOT_IN_DOMAIN']);
    }
  });
  if (outcome.status === 'applied' && outcome.requestType === 'withdraw') {
    // Old page images of the withdrawn rows live on in the WAL until a checkpoint.
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }
  return outcome;
}

/** Processes every pending change request, oldest first; returns how each ended. */
export function processPendingChangeRequests(
  db: Database,
  options: ProcessOptions = {},
): ChangeOutcome[] {
  const ids = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(CHANGE_REQUESTS)} WHERE request_status = 'pending' ORDER BY "OBJECTID"`,
  ).all() as {
    id: number;
  }[];
  return ids.map(({ id }) => processChangeRequest(db, id, options));
}

/** How a refused change request is reported in its add result (never which part was wrong). */
export const CHANGE_REQUEST_ERRORS: Readonly<
  Record<
    Extract<ChangeOutcome, { status: 'rejected' }>['reason'],
    { code: number; description: string }
  >
> = {
  BAD_CODE: { code: 403, description: 'The registration reference or manage code is not right.' },
  RATE_LIMITED: {
    code: 429,
    description: 'Too many attempts for this registration. Try again in an hour.',
  },
  INVALID_CHANGES: { code: 400, description: 'The requested changes are not valid.' },
};

/**
 * Applies a change request as soon as it is stored and turns a refusal into the request's
 * add result, so the resident learns the outcome in the same response.
 */
export function settleChangeRequest(db: Database, result: EditResult): EditResult {
  const outcome = processChangeRequest(db, result.objectId);
  if (outcome.status !== 'rejected') return result;
  const error = CHANGE_REQUEST_ERRORS[outcome.reason];
  return {
    ...result,
    success: false,
    error: { code: error.code, description: [error.description, ...outcome.details].join(' ') },
  };
}
