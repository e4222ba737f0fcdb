/**
 * The local server's hand on change requests: it looks up what the rules in
 * `core/change-requests` need, in SQLite, and carries their decision out in one transaction.
 * Wrong-code delays (`code-attempts.ts`) are the local server's own: it answers residents
 * as their request arrives. `ccr process-requests` carries the same decisions out through
 * the ArcGIS REST API.
 */
import {
  decideChangeRequest,
  decideReview,
  needsStoredCameras,
  outcomeOf,
  PENDING_REQUESTS_WHERE,
  REVIEW_DECISIONS_WHERE,
  type ChangeOutcome,
  type RefusalReason,
  type RequestSettlement,
  type ReviewResult,
  type SiteChange,
} from '../../core/change-requests/change-decision.js';
import { manageCodeMatches } from '../../core/change-requests/manage-code-hash.js';
import type { StoredCamera } from '../../core/registration/camera-changes.js';
import { CAMERAS, CHANGE_REQUESTS, CONTACT_LOG, SITES } from '../../core/schema/registry-schema.js';
import { normalizeReference } from '../../core/registration/registration-codes.js';
import { errorCodeFromArcgis, type ErrorCode } from '../../core/errors.js';
import type { ValidationIssue } from '../../core/validation/validate-attributes.js';
import { deleteRow, getRow, insertRow, newGlobalId, updateRow } from '../db/feature-rows.js';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';
import { tableName } from '../db/registry-tables.js';
import type { EditResult } from '../edits/apply-edits.js';
import { refreshSiteDerivedValues } from '../edits/site-derived-values.js';
import type { SitePlacement } from '../../core/districts/place-site.js';
import {
  admitAttempt,
  clientId,
  ensureAttemptTable,
  forgetClient,
  forgetReference,
  recordFailure,
} from './code-attempts.js';

export type { ChangeOutcome, RefusalReason } from '../../core/change-requests/change-decision.js';

/** How an analyst's decision on a held update ended; `result` is what the request row keeps. */
export interface ReviewOutcome {
  readonly status: 'reviewed';
  readonly requestId: number;
  readonly result: ReviewResult;
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
  /**
   * The district and beat polygons (the server's): with them, a site an update moves gets its
   * district, beat and quality flags again, as every other write of a site does.
   */
  readonly placement?: SitePlacement;
}

interface RequestRow {
  OBJECTID: number;
  registration_ref: string | null;
  manage_code: string | null;
  request_type: string | null;
  payload: string | null;
  request_status: string | null;
  result: string | null;
}

function readRequest(db: Database, id: number): RequestRow | undefined {
  return prepared(db, `SELECT * FROM ${tableName(CHANGE_REQUESTS)} WHERE "OBJECTID" = ?`).get(
    id,
  ) as RequestRow | undefined;
}

function settle(db: Database, id: number, settlement: RequestSettlement): void {
  updateRow(db, CHANGE_REQUESTS, id, { ...settlement });
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

/** Writes a decided change to the site and its cameras: the one way changes reach a site. */
function applyChange(
  db: Database,
  siteId: number,
  siteGuid: string,
  change: SiteChange,
  now: number,
  placement: SitePlacement | undefined,
): void {
  updateRow(db, SITES, siteId, { ...change.site, EditDate: now }, change.location);
  if (change.cameras) replaceCameras(db, siteGuid, change.cameras, now);
  if (change.cameraEdits) editCameras(db, siteGuid, change.cameraEdits, now);
  if (placement)
    refreshSiteDerivedValues(db, placement, siteGuid, {
      moved: change.location !== undefined,
      now,
    });
}

function replaceCameras(
  db: Database,
  siteGuid: string,
  cameras: NonNullable<SiteChange['cameras']>,
  now: number,
): void {
  prepared(db, `DELETE FROM ${tableName(CAMERAS)} WHERE site_guid = ?`).run(siteGuid);
  for (const camera of cameras) {
    insertRow(
      db,
      CAMERAS,
      {
        ...camera.attributes,
        site_guid: siteGuid,
        GlobalID: newGlobalId(),
        CreationDate: now,
        EditDate: now,
      },
      camera.location,
    );
  }
}

/** Changes, adds and removes single cameras of a site; the others are not touched. */
function editCameras(
  db: Database,
  siteGuid: string,
  edits: NonNullable<SiteChange['cameraEdits']>,
  now: number,
): void {
  for (const camera of edits.updates)
    updateRow(db, CAMERAS, camera.id, { ...camera.attributes, EditDate: now }, camera.location);
  for (const id of edits.deletes) deleteRow(db, CAMERAS, id);
  for (const camera of edits.adds)
    insertRow(
      db,
      CAMERAS,
      {
        ...camera.attributes,
        site_guid: siteGuid,
        GlobalID: newGlobalId(),
        CreationDate: now,
        EditDate: now,
      },
      camera.location,
    );
}

/** The site's cameras, first registered first, for a request naming single cameras. */
function storedCameras(
  db: Database,
  request: { requestType: unknown; payload: unknown },
  siteGuid: unknown,
): StoredCamera[] | undefined {
  if (typeof siteGuid !== 'string' || !needsStoredCameras(request)) return undefined;
  const rows = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(CAMERAS)} WHERE site_guid = ? ORDER BY "OBJECTID"`,
  ).all(siteGuid) as { id: number }[];
  return rows.flatMap(({ id }) => {
    const row = getRow(db, CAMERAS, id);
    return row ? [{ id, attributes: row.attributes }] : [];
  });
}

/**
 * Hard-deletes a site, its cameras and contact entries, and every other request naming it;
 * the withdrawal request itself is kept, settled with its code and payload wiped, as the
 * count of withdrawals carried out. Its `registration_ref` stays: a random reference that
 * identifies no one once the site is gone.
 */
function withdraw(
  db: Database,
  site: { id: number; guid: string; reference: string },
  requestId: number,
  settlement: RequestSettlement,
): void {
  prepared(db, `DELETE FROM ${tableName(CAMERAS)} WHERE site_guid = ?`).run(site.guid);
  prepared(db, `DELETE FROM ${tableName(CONTACT_LOG)} WHERE site_guid = ?`).run(site.guid);
  prepared(db, `DELETE FROM ${tableName(SITES)} WHERE "OBJECTID" = ?`).run(site.id);
  prepared(
    db,
    `DELETE FROM ${tableName(CHANGE_REQUESTS)} WHERE registration_ref = ? AND "OBJECTID" <> ?`,
  ).run(site.reference, requestId);
  settle(db, requestId, settlement);
  forgetReference(db, site.reference);
}

/**
 * Checks one pending change request against its site's manage-code hash and acts on it, in
 * one transaction, as {@link decideChangeRequest} decides. With a `clientKey`, a client that
 * sent too many wrong codes is told to wait and its request is dropped unchecked (so a
 * retry, even with the same GlobalID, is a new attempt).
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
    const site = siteByReference(db, reference);
    const matched =
      site !== undefined && manageCodeMatches(reference, request.manage_code ?? '', site.hash);
    const stored = matched ? getRow(db, SITES, site.id) : undefined;
    const asked = { requestType: request.request_type, payload: request.payload };
    const decision = decideChangeRequest({
      request: asked,
      site: stored?.attributes,
      cameras: storedCameras(db, asked, stored?.attributes.GlobalID),
      now,
    });
    if (!site || !stored) recordFailure(db, reference, client, now);
    else forgetClient(db, reference, client);
    const siteGuid = stored?.attributes.GlobalID as string;
    switch (decision.action) {
      case 'withdraw':
        if (site)
          withdraw(
            db,
            { id: site.id, guid: siteGuid, reference },
            request.OBJECTID,
            decision.request,
          );
        break;
      case 'reconfirm':
      case 'update':
        if (site) applyChange(db, site.id, siteGuid, decision.change, now, options.placement);
        settle(db, request.OBJECTID, decision.request);
        break;
      case 'refuse':
      case 'hold':
        settle(db, request.OBJECTID, decision.request);
        break;
    }
    return outcomeOf(decision);
  });
  if (outcome.status === 'applied' && outcome.requestType === 'withdraw') {
    // Old page images of the withdrawn rows live on in the WAL until a checkpoint.
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }
  return outcome;
}

/** Acts on an analyst's `approved` or `rejected` on one held update, in one transaction. */
function settleReview(
  db: Database,
  requestId: number,
  now: number,
  placement: SitePlacement | undefined,
): ReviewOutcome | undefined {
  return inWriteTransaction(db, (): ReviewOutcome | undefined => {
    const request = readRequest(db, requestId);
    if (!request) return undefined;
    const site = siteByReference(db, normalizeReference(request.registration_ref ?? ''));
    const stored = site ? getRow(db, SITES, site.id) : undefined;
    const decision = decideReview({
      request: {
        requestType: request.request_type,
        requestStatus: request.request_status,
        result: request.result,
        payload: request.payload,
      },
      site: stored?.attributes,
      cameras: storedCameras(
        db,
        { requestType: request.request_type, payload: request.payload },
        stored?.attributes.GlobalID,
      ),
      now,
    });
    if (!decision) return undefined;
    if (decision.change && site && stored)
      applyChange(
        db,
        site.id,
        stored.attributes.GlobalID as string,
        decision.change,
        now,
        placement,
      );
    settle(db, request.OBJECTID, decision.request);
    return { status: 'reviewed', requestId, result: decision.result };
  });
}

/**
 * Carries out analysts' decisions on held updates: each ChangeRequests row an analyst set to
 * `approved` is applied exactly as an immediate update would be and ends `applied`; each set
 * to `rejected` ends there. Either way its payload is wiped. Oldest first. The edit route
 * calls this after an analyst edits ChangeRequests; `ccr process-requests` does the same
 * through the REST API.
 */
export function applyReviewedChangeRequests(
  db: Database,
  options: Pick<ProcessOptions, 'now' | 'placement'> = {},
): ReviewOutcome[] {
  const now = options.now ?? Date.now();
  const ids = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(CHANGE_REQUESTS)}
       WHERE ${REVIEW_DECISIONS_WHERE} ORDER BY "OBJECTID"`,
  ).all() as { id: number }[];
  return ids.flatMap(({ id }) => settleReview(db, id, now, options.placement) ?? []);
}

/**
 * Carries out analysts' review decisions, then processes every pending change request,
 * oldest first; returns how each ended (review decisions first).
 */
export function processPendingChangeRequests(
  db: Database,
  options: ProcessOptions = {},
): (ReviewOutcome | ChangeOutcome)[] {
  const reviewed = applyReviewedChangeRequests(db, options);
  const ids = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(CHANGE_REQUESTS)} WHERE ${PENDING_REQUESTS_WHERE} ORDER BY "OBJECTID"`,
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
