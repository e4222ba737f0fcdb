import { timingSafeEqual } from 'node:crypto';
import { hashManageCode } from '../auth/manage-code.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONFIRMATION_INTERVAL_DAYS,
  SITES,
} from '../../core/schema/registry-schema.js';
import {
  validateChangePayload,
  type PayloadResult,
} from '../../core/registration/change-request.js';
import { normalizeReference } from '../../core/registration/registration-codes.js';
import { errorCodeFromArcgis, type ErrorCode } from '../../core/errors.js';
import {
  crossFieldIssues,
  IssueCode,
  type ValidationIssue,
} from '../../core/validation/validate-attributes.js';
import {
  deleteRow,
  getRow,
  insertRow,
  newGlobalId,
  updateRow,
  type Row,
} from '../db/feature-rows.js';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';
import { tableName } from '../db/registry-tables.js';
import type { EditResult } from '../edits/apply-edits.js';
import {
  admitAttempt,
  clientId,
  ensureAttemptTable,
  forgetClient,
  forgetReference,
  recordFailure,
} from './code-attempts.js';

const DAY = 86_400_000;

/** Why a resident's request was refused; each has an add-result error below. */
export type RefusalReason = 'BAD_CODE' | 'RATE_LIMITED' | 'INVALID_CHANGES';

/**
 * What became of one change request. `review`: an update to a verified site, code checked
 * and payload valid, waiting for an analyst; the site is unchanged. `rejected` changes
 * nothing; `RATE_LIMITED` says when to try again and its code was not even checked.
 */
export type ChangeOutcome =
  | { readonly status: 'applied'; readonly requestType: 'update' | 'reconfirm' | 'withdraw' }
  | { readonly status: 'review'; readonly requestType: 'update' }
  | {
      readonly status: 'rejected';
      readonly reason: Exclude<RefusalReason, 'RATE_LIMITED'>;
      /** For `INVALID_CHANGES`, what was wrong field by field; otherwise empty. */
      readonly issues: readonly ValidationIssue[];
    }
  | {
      readonly status: 'rejected';
      readonly reason: 'RATE_LIMITED';
      readonly issues: readonly ValidationIssue[];
      readonly retryAfterSeconds: number;
    }
  | { readonly status: 'skipped' };

/** How an analyst's decision on a held update ended; `result` is what the request row keeps. */
export interface ReviewOutcome {
  readonly status: 'reviewed';
  readonly requestId: number;
  readonly result:
    | 'UPDATED'
    | 'REVIEW_REJECTED'
    | 'REVIEW_INVALID'
    | 'SITE_GONE'
    /** `approved` on a request that was never held (its code was never checked): refused. */
    | 'NOT_IN_REVIEW';
}

export interface ProcessOptions {
  readonly now?: number;
  /**
   * Who sent the request (the edit route passes the caller's address). With it, wrong codes
   * are counted per reference and client and a client that sent too many must wait (see
   * `CODE_ATTEMPT_LIMITS`). Without it (the batch job, whose senders learn nothing from the
   * outcome) every pending request is checked.
   */
  readonly clientKey?: string;
}

/** `result` of a held update; only a request holding it can be approved. */
const IN_REVIEW = 'IN_REVIEW';

interface RequestRow {
  OBJECTID: number;
  registration_ref: string | null;
  manage_code: string | null;
  request_type: string | null;
  payload: string | null;
  request_status: string | null;
  result: string | null;
}

type ValidUpdate = Extract<PayloadResult, { ok: true }>;

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

function readRequest(db: Database, id: number): RequestRow | undefined {
  return prepared(db, `SELECT * FROM ${tableName(CHANGE_REQUESTS)} WHERE "OBJECTID" = ?`).get(
    id,
  ) as RequestRow | undefined;
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

/** Parses and validates an update's payload against the site as it is stored now. */
function checkUpdate(
  stored: Row,
  payload: string | null,
): { ok: true; value: ValidUpdate } | { ok: false; issues: readonly ValidationIssue[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload ?? '{}');
  } catch {
    return { ok: false, issues: [{ field: 'payload', code: IssueCode.WrongType }] };
  }
  const checked = validateChangePayload(parsed);
  if (!checked.ok) return { ok: false, issues: checked.issues };
  const cross = crossFieldIssues(SITES, { ...stored, ...checked.site });
  if (cross.length > 0) return { ok: false, issues: cross };
  return { ok: true, value: checked };
}

/**
 * Whether a resident's update must wait for an analyst: once officers can see the site, or
 * could again after a re-confirmation (an expired site that was verified comes back as
 * verified), nothing unreviewed may reach them.
 */
function updateNeedsReview(site: Row): boolean {
  return site.status === 'verified' || (site.verified_at ?? null) !== null;
}

/** Writes a validated update to the site and its cameras: the one way updates are applied. */
function applyUpdate(
  db: Database,
  siteId: number,
  siteGuid: string,
  update: ValidUpdate,
  now: number,
): void {
  const values: Row = {
    ...update.site,
    last_confirmed_at: now,
    confirm_due_at: now + CONFIRMATION_INTERVAL_DAYS * DAY,
    EditDate: now,
  };
  if (update.location) values.location_method = update.site.location_method ?? 'pin_adjusted';
  updateRow(db, SITES, siteId, values, update.location ?? undefined);
  if (update.cameras) {
    prepared(db, `DELETE FROM ${tableName(CAMERAS)} WHERE site_guid = ?`).run(siteGuid);
    for (const camera of update.cameras) {
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
}

/**
 * Checks one pending change request against its site's manage-code hash and acts on it, in
 * one transaction. Withdrawal hard-deletes the site, its cameras, its contact entries and
 * every change request that named it; re-confirmation and updates of unverified sites apply
 * at once; an update of a verified site is held for review (code wiped, payload kept).
 * With a `clientKey`, a client that sent too many wrong codes is told to wait and its
 * request is dropped unchecked (so a retry, even with the same GlobalID, is a new attempt).
 */
export function processChangeRequest(
  db: Database,
  requestId: number,
  options: ProcessOptions = {},
): ChangeOutcome {
  const now = options.now ?? Date.now();
  ensureAttemptTable(db);
  const outcome = inWriteTransaction(db, (): ChangeOutcome => {
    const request = readRequest(db, requestId);
    if (!request || request.request_status !== 'pending') return { status: 'skipped' };
    const reference = normalizeReference(request.registration_ref ?? '');
    const client = clientId(reference, options.clientKey ?? '');
    if (options.clientKey !== undefined) {
      const admitted = admitAttempt(db, reference, client, now);
      if (!admitted.allowed) {
        deleteRow(db, CHANGE_REQUESTS, request.OBJECTID);
        return {
          status: 'rejected',
          reason: 'RATE_LIMITED',
          issues: [],
          retryAfterSeconds: admitted.retryAfterSeconds,
        };
      }
    }
    const reject = (
      reason: Exclude<RefusalReason, 'RATE_LIMITED'>,
      issues: readonly ValidationIssue[] = [],
    ): ChangeOutcome => {
      finish(db, request.OBJECTID, 'rejected', reason, now);
      return { status: 'rejected', reason, issues };
    };
    const site = siteByReference(db, reference);
    const presented = hashManageCode(reference, request.manage_code ?? '');
    // Unknown reference and wrong code look the same, so neither can be probed.
    const stored =
      site?.hash && sameHex(presented, site.hash) ? getRow(db, SITES, site.id) : undefined;
    if (!site || !stored) {
      recordFailure(db, reference, client, now);
      return reject('BAD_CODE');
    }
    forgetClient(db, reference, client);

    const siteGuid = stored.attributes.GlobalID as string;
    switch (request.request_type) {
      case 'withdraw': {
        prepared(db, `DELETE FROM ${tableName(CAMERAS)} WHERE site_guid = ?`).run(siteGuid);
        prepared(db, `DELETE FROM contact_log WHERE site_guid = ?`).run(siteGuid);
        prepared(db, `DELETE FROM ${tableName(SITES)} WHERE "OBJECTID" = ?`).run(site.id);
        prepared(db, `DELETE FROM ${tableName(CHANGE_REQUESTS)} WHERE registration_ref = ?`).run(
          reference,
        );
        forgetReference(db, reference);
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
        const checked = checkUpdate(stored.attributes, request.payload);
        if (!checked.ok) return reject('INVALID_CHANGES', checked.issues);
        if (updateNeedsReview(stored.attributes)) {
          // Officers keep the verified version until an analyst approves this one.
          updateRow(db, CHANGE_REQUESTS, request.OBJECTID, {
            request_status: 'review',
            result: IN_REVIEW,
            processed_at: now,
            manage_code: null,
          });
          return { status: 'review', requestType: 'update' };
        }
        applyUpdate(db, site.id, siteGuid, checked.value, now);
        finish(db, request.OBJECTID, 'applied', 'UPDATED', now);
        return { status: 'applied', requestType: 'update' };
      }
      default:
        return reject('INVALID_CHANGES', [{ field: 'request_type', code: IssueCode.NotInDomain }]);
    }
  });
  if (outcome.status === 'applied' && outcome.requestType === 'withdraw') {
    // Old page images of the withdrawn rows live on in the WAL until a checkpoint.
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }
  return outcome;
}

/** Acts on an analyst's `approved` or `rejected` on one held update, in one transaction. */
function settleReview(db: Database, requestId: number, now: number): ReviewOutcome | undefined {
  return inWriteTransaction(db, (): ReviewOutcome | undefined => {
    const request = readRequest(db, requestId);
    if (!request) return undefined;
    const decided = (result: ReviewOutcome['result'], status: 'applied' | 'rejected') => {
      finish(db, request.OBJECTID, status, result, now);
      return { status: 'reviewed', requestId, result } as const;
    };
    const held = request.result === IN_REVIEW && request.request_type === 'update';
    if (request.request_status === 'rejected')
      return held ? decided('REVIEW_REJECTED', 'rejected') : undefined;
    if (request.request_status !== 'approved') return undefined;
    if (!held) return decided('NOT_IN_REVIEW', 'rejected');
    const site = siteByReference(db, normalizeReference(request.registration_ref ?? ''));
    const stored = site ? getRow(db, SITES, site.id) : undefined;
    if (!site || !stored) return decided('SITE_GONE', 'rejected');
    // Checked again: the site may have changed since the request was held.
    const checked = checkUpdate(stored.attributes, request.payload);
    if (!checked.ok) return decided('REVIEW_INVALID', 'rejected');
    applyUpdate(db, site.id, stored.attributes.GlobalID as string, checked.value, now);
    return decided('UPDATED', 'applied');
  });
}

/**
 * Carries out analysts' decisions on held updates: each ChangeRequests row an analyst set to
 * `approved` is applied exactly as an immediate update would be and ends `applied`; each set
 * to `rejected` ends there. Either way its payload is wiped. Oldest first. The edit route
 * calls this after an analyst edits ChangeRequests; the batch job calls it on every run.
 */
export function applyReviewedChangeRequests(
  db: Database,
  options: Pick<ProcessOptions, 'now'> = {},
): ReviewOutcome[] {
  const now = options.now ?? Date.now();
  const ids = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(CHANGE_REQUESTS)}
       WHERE request_status = 'approved' OR (request_status = 'rejected' AND result = ?)
       ORDER BY "OBJECTID"`,
  ).all(IN_REVIEW) as { id: number }[];
  return ids.flatMap(({ id }) => settleReview(db, id, now) ?? []);
}

/**
 * The batch job: carries out analysts' review decisions, then processes every pending
 * change request, oldest first; returns how each ended (review decisions first).
 */
export function processPendingChangeRequests(
  db: Database,
  options: ProcessOptions = {},
): (ReviewOutcome | ChangeOutcome)[] {
  const reviewed = applyReviewedChangeRequests(db, options);
  const ids = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(CHANGE_REQUESTS)} WHERE request_status = 'pending' ORDER BY "OBJECTID"`,
  ).all() as {
    id: number;
  }[];
  return [...reviewed, ...ids.map(({ id }) => processChangeRequest(db, id, options))];
}

/** How a refused change request is reported in its add result (never which part was wrong). */
export const CHANGE_REQUEST_ERRORS: Readonly<
  Record<RefusalReason, { code: number; description: string }>
> = {
  BAD_CODE: { code: 403, description: 'The registration reference or manage code is not right.' },
  RATE_LIMITED: { code: 429, description: 'Too many attempts for this registration.' },
  INVALID_CHANGES: { code: 400, description: 'The requested changes are not valid.' },
};

/**
 * An add result's error: ArcGIS's code and words, and beside them the data the widget reads
 * (our `appCode`, the problems field by field, the wait).
 */
export interface ChangeRequestError {
  readonly code: number;
  readonly description: string;
  readonly appCode: ErrorCode;
  readonly issues?: readonly ValidationIssue[];
  readonly retryAfter?: number;
}

function refused(
  result: EditResult,
  reason: RefusalReason,
  issues: readonly ValidationIssue[],
  retryAfterSeconds?: number,
): EditResult {
  const { code, description } = CHANGE_REQUEST_ERRORS[reason];
  const wait =
    retryAfterSeconds === undefined
      ? []
      : [`Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`];
  const error: ChangeRequestError = {
    code,
    description: [description, ...wait, ...issues.map((i) => `${i.field}: ${i.code}`)].join(' '),
    appCode: errorCodeFromArcgis(code),
    ...(issues.length === 0 ? {} : { issues }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfter: retryAfterSeconds }),
  };
  return { ...result, success: false, error };
}

/**
 * Processes a change request as soon as it is stored and turns a refusal into the request's
 * add result, so the resident learns the outcome in the same response. A request that was
 * already settled (the same GlobalID sent again) gets the answer it got the first time.
 * Without a `clientKey` all callers count as one client for the wrong-code delays.
 */
export function settleChangeRequest(
  db: Database,
  result: EditResult,
  options: ProcessOptions = {},
): EditResult {
  const outcome = processChangeRequest(db, result.objectId, {
    ...options,
    clientKey: options.clientKey ?? '',
  });
  if (outcome.status === 'rejected')
    return refused(
      result,
      outcome.reason,
      outcome.issues,
      outcome.reason === 'RATE_LIMITED' ? outcome.retryAfterSeconds : undefined,
    );
  if (outcome.status !== 'skipped') return result;
  const earlier = readRequest(db, result.objectId);
  const reason = earlier?.request_status === 'rejected' ? earlier.result : null;
  // The per-field list of a refused update is not kept (it went with the payload).
  return reason !== null && Object.hasOwn(CHANGE_REQUEST_ERRORS, reason)
    ? refused(result, reason as RefusalReason, [])
    : result;
}
