/**
 * The rules of residents' change requests, once: what to do with a pending request given
 * its site, and with an analyst's decision on a held update. Pure: the callers look things
 * up (the site by reference, whether the manage code matched its hash, the clock) and carry
 * the decision out, the local server in SQLite and `ccr process-requests` through the
 * ArcGIS REST API.
 */
import {
  validateChangePayload,
  type LonLat,
  type PayloadResult,
} from '../registration/change-request.js';
import {
  resolveCameraChanges,
  type CameraEdits,
  type StoredCamera,
} from '../registration/camera-changes.js';
import { CONFIRMATION_INTERVAL_DAYS, SITES } from '../schema/registry-schema.js';
import {
  crossFieldIssues,
  IssueCode,
  type AttributeValue,
  type ValidationIssue,
} from '../validation/validate-attributes.js';

const DAY_MS = 86_400_000;

/** Attribute values keyed by field name, as stored and as written. */
export type Values = Record<string, AttributeValue>;

/** `result` of a held update; only a request holding it can be approved. */
export const IN_REVIEW = 'IN_REVIEW';

/** `result` of a withdrawal carried out: the one request row a withdrawal keeps. */
export const WITHDRAWN = 'WITHDRAWN';

/** ChangeRequests rows still to be checked, oldest first by OBJECTID. */
export const PENDING_REQUESTS_WHERE = "request_status = 'pending'";

/** ChangeRequests rows carrying an analyst's decision that has not been carried out yet. */
export const REVIEW_DECISIONS_WHERE = `request_status = 'approved' OR (request_status = 'rejected' AND result = '${IN_REVIEW}')`;

/** Why a resident's request was refused. `RATE_LIMITED` comes only from the local server. */
export type RefusalReason = 'BAD_CODE' | 'RATE_LIMITED' | 'INVALID_CHANGES';

export type RequestType = 'update' | 'reconfirm' | 'withdraw';

/**
 * What becomes of one change request. `review`: an update to a verified site, code checked
 * and payload valid, waiting for an analyst; the site is unchanged. `rejected` changes
 * nothing; `RATE_LIMITED` says when to try again and its code was not even checked.
 * `skipped`: the request was no longer pending.
 */
export type ChangeOutcome =
  | { readonly status: 'applied'; readonly requestType: RequestType }
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

/** The values a request row is left with: the code always goes, the payload unless held. */
export interface RequestSettlement {
  readonly request_status: 'applied' | 'rejected' | 'review';
  readonly result: string;
  readonly processed_at: number;
  readonly manage_code: null;
  /** Present (null) when the requested details go too; absent on a held update. */
  readonly payload?: null;
}

/** A camera that replaces the site's cameras (its site and GlobalID are the caller's). */
export interface NewCamera {
  readonly attributes: Values;
  readonly location: LonLat;
}

/** What to write to a site: attribute values, a new point, and a new camera list. */
export interface SiteChange {
  readonly site: Values;
  /** The site's new point (WGS84); absent leaves the point as it is. */
  readonly location?: LonLat;
  /** The site's whole camera list, replacing the stored one; absent leaves the cameras. */
  readonly cameras?: readonly NewCamera[];
  /**
   * Single cameras to change (only the fields named), add and remove, by OBJECTID; the
   * others stay as they are. Added cameras carry their `status`; the site and GlobalID are
   * the caller's.
   */
  readonly cameraEdits?: CameraEdits;
}

/**
 * What to do with one pending change request:
 * - `refuse`: write `request` to the request row, nothing else;
 * - `withdraw`: hard-delete the site, its cameras, its contact entries and every other change
 *   request naming its reference, and write `request` to this one: kept, settled, code and
 *   payload wiped, as the count of withdrawals carried out (its `registration_ref` is a
 *   random reference that identifies no one once the site is gone);
 * - `reconfirm` and `update`: write `change` to the site and `request` to the request row;
 * - `hold`: write `request` to the request row (the payload stays for the analyst).
 */
export type ChangeDecision =
  | {
      readonly action: 'refuse';
      readonly reason: Exclude<RefusalReason, 'RATE_LIMITED'>;
      readonly issues: readonly ValidationIssue[];
      readonly request: RequestSettlement;
    }
  | { readonly action: 'withdraw'; readonly request: RequestSettlement }
  | {
      readonly action: 'reconfirm';
      readonly change: SiteChange;
      readonly request: RequestSettlement;
    }
  | { readonly action: 'update'; readonly change: SiteChange; readonly request: RequestSettlement }
  | { readonly action: 'hold'; readonly request: RequestSettlement };

export interface ChangeRequestInput {
  /** The request row's `request_type` and `payload` (JSON text) as stored. */
  readonly request: { readonly requestType: unknown; readonly payload: unknown };
  /**
   * The stored attributes of the site its reference names, when the manage code matched that
   * site's hash; undefined for a wrong code and for an unknown reference alike.
   */
  readonly site: Readonly<Values> | undefined;
  /**
   * The site's stored cameras, when {@link needsStoredCameras} says the request needs them
   * (an update naming single cameras); otherwise not read.
   */
  readonly cameras?: readonly StoredCamera[];
  /** Epoch milliseconds. */
  readonly now: number;
  /** Days from a confirmation to the next due date; {@link CONFIRMATION_INTERVAL_DAYS} by default. */
  readonly confirmationIntervalDays?: number;
}

/** The values a request row is settled with (code and payload wiped). */
export function settled(
  status: 'applied' | 'rejected',
  result: string,
  now: number,
): RequestSettlement {
  return { request_status: status, result, processed_at: now, manage_code: null, payload: null };
}

type ValidUpdate = Extract<PayloadResult, { ok: true }>;

function parsePayload(payload: unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(typeof payload === 'string' ? payload : '{}') };
  } catch {
    return { ok: false };
  }
}

/**
 * Whether deciding this request needs the site's stored cameras: an update whose payload
 * names single cameras (`cameraChanges`). Callers look them up only then.
 */
export function needsStoredCameras(request: {
  readonly requestType: unknown;
  readonly payload: unknown;
}): boolean {
  if (request.requestType !== 'update') return false;
  const parsed = parsePayload(request.payload);
  return (
    parsed.ok &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    'cameraChanges' in parsed.value
  );
}

/**
 * Parses and validates an update's payload against the site as it is stored now, and its
 * single-camera changes against the site's stored cameras (required when it has any).
 */
export function checkUpdate(
  stored: Readonly<Values>,
  payload: unknown,
  cameras?: readonly StoredCamera[],
):
  | { ok: true; value: ValidUpdate; cameraEdits?: CameraEdits }
  | { ok: false; issues: readonly ValidationIssue[] } {
  const parsed = parsePayload(payload);
  if (!parsed.ok) return { ok: false, issues: [{ field: 'payload', code: IssueCode.WrongType }] };
  const checked = validateChangePayload(parsed.value);
  if (!checked.ok) return { ok: false, issues: checked.issues };
  const cross = crossFieldIssues(SITES, { ...stored, ...checked.site });
  if (cross.length > 0) return { ok: false, issues: cross };
  if (!checked.cameraChanges) return { ok: true, value: checked };
  if (!cameras) throw new RangeError('cameraChanges need the stored cameras');
  const resolved = resolveCameraChanges(cameras, checked.cameraChanges);
  if (!resolved.ok) return { ok: false, issues: resolved.issues };
  return { ok: true, value: checked, cameraEdits: resolved.value };
}

/**
 * Whether a resident's update must wait for an analyst: once officers can see the site, or
 * could again after a re-confirmation (an expired site that was verified comes back as
 * verified), nothing unreviewed may reach them.
 */
export function updateNeedsReview(site: Readonly<Values>): boolean {
  return site.status === 'verified' || (site.verified_at ?? null) !== null;
}

/**
 * A confirmation (a re-confirmation or an applied update): the clock starts again, and an
 * expired site comes back as it was before it expired (verified once, verified again).
 */
function confirmation(stored: Readonly<Values>, now: number, intervalDays: number): Values {
  const values: Values = {
    last_confirmed_at: now,
    confirm_due_at: now + intervalDays * DAY_MS,
  };
  if (stored.status === 'expired')
    values.status = (stored.verified_at ?? null) !== null ? 'verified' : 'pending';
  return values;
}

/** The change a validated update makes: its values, a confirmation, its point and cameras. */
function updateChange(
  stored: Readonly<Values>,
  { value: update, cameraEdits }: { value: ValidUpdate; cameraEdits?: CameraEdits },
  now: number,
  intervalDays: number,
): SiteChange {
  const site: Values = { ...update.site, ...confirmation(stored, now, intervalDays) };
  // A new point the resident placed on the map, unless they said how it was placed.
  if (update.location) site.location_method = update.site.location_method ?? 'pin_adjusted';
  return {
    site,
    ...(update.location ? { location: update.location } : {}),
    ...(update.cameras
      ? {
          cameras: update.cameras.map((camera) => ({
            attributes: { ...camera.attributes, status: 'active' },
            location: camera.location,
          })),
        }
      : {}),
    ...(cameraEdits
      ? {
          cameraEdits: {
            ...cameraEdits,
            adds: cameraEdits.adds.map((camera) => ({
              attributes: { ...camera.attributes, status: 'active' },
              location: camera.location,
            })),
          },
        }
      : {}),
  };
}

/**
 * Decides what to do with one pending change request. A wrong code and an unknown
 * reference are the same refusal, so neither can be probed. With the right code: a
 * withdrawal goes at once; a re-confirmation starts the clock again (an expired site comes
 * back); an update is refused with its problems field by field, applied at once, or, for a
 * site officers can see or could see again, held for an analyst.
 */
export function decideChangeRequest(input: ChangeRequestInput): ChangeDecision {
  const { site, now } = input;
  const intervalDays = input.confirmationIntervalDays ?? CONFIRMATION_INTERVAL_DAYS;
  const refuse = (
    reason: 'BAD_CODE' | 'INVALID_CHANGES',
    issues: readonly ValidationIssue[] = [],
  ): ChangeDecision => ({
    action: 'refuse',
    reason,
    issues,
    request: settled('rejected', reason, now),
  });
  if (!site) return refuse('BAD_CODE');
  switch (input.request.requestType) {
    case 'withdraw':
      return { action: 'withdraw', request: settled('applied', WITHDRAWN, now) };
    case 'reconfirm':
      return {
        action: 'reconfirm',
        change: { site: confirmation(site, now, intervalDays) },
        request: settled('applied', 'RECONFIRMED', now),
      };
    case 'update': {
      const checked = checkUpdate(site, input.request.payload, input.cameras);
      if (!checked.ok) return refuse('INVALID_CHANGES', checked.issues);
      if (updateNeedsReview(site)) {
        // Officers keep the verified version until an analyst approves this one.
        return {
          action: 'hold',
          request: {
            request_status: 'review',
            result: IN_REVIEW,
            processed_at: now,
            manage_code: null,
          },
        };
      }
      return {
        action: 'update',
        change: updateChange(site, checked, now, intervalDays),
        request: settled('applied', 'UPDATED', now),
      };
    }
    default:
      return refuse('INVALID_CHANGES', [{ field: 'request_type', code: IssueCode.NotInDomain }]);
  }
}

/** What a decision comes to, as reported to the resident and counted. */
export function outcomeOf(decision: ChangeDecision): ChangeOutcome {
  switch (decision.action) {
    case 'refuse':
      return { status: 'rejected', reason: decision.reason, issues: decision.issues };
    case 'withdraw':
      return { status: 'applied', requestType: 'withdraw' };
    case 'reconfirm':
      return { status: 'applied', requestType: 'reconfirm' };
    case 'update':
      return { status: 'applied', requestType: 'update' };
    case 'hold':
      return { status: 'review', requestType: 'update' };
  }
}

/**
 * How an analyst's decision on a held update ends; the request row keeps it as `result`.
 * `NOT_IN_REVIEW`: `approved` on a request that was never held (its code was never
 * checked), refused.
 */
export type ReviewResult =
  'UPDATED' | 'REVIEW_REJECTED' | 'REVIEW_INVALID' | 'SITE_GONE' | 'NOT_IN_REVIEW';

/** What to do with an analyst's decision: settle the request, and for `UPDATED` change the site. */
export interface ReviewDecision {
  readonly result: ReviewResult;
  readonly request: RequestSettlement;
  /** Present only for `UPDATED`. */
  readonly change?: SiteChange;
}

export interface ReviewInput {
  /** The request row as stored. */
  readonly request: {
    readonly requestType: unknown;
    readonly requestStatus: unknown;
    readonly result: unknown;
    readonly payload: unknown;
  };
  /** The stored attributes of the site its reference names; undefined when it is gone. */
  readonly site: Readonly<Values> | undefined;
  /** The site's stored cameras, when {@link needsStoredCameras} says so. */
  readonly cameras?: readonly StoredCamera[];
  readonly now: number;
  readonly confirmationIntervalDays?: number;
}

/**
 * Decides how an analyst's `approved` or `rejected` on a held update is carried out: an
 * approval is applied exactly as an immediate update would be, after checking it again
 * against the site as it is now; a rejection ends there. Undefined when the row carries no
 * decision to act on.
 */
export function decideReview(input: ReviewInput): ReviewDecision | undefined {
  const { request, site, now } = input;
  const decided = (result: ReviewResult, status: 'applied' | 'rejected'): ReviewDecision => ({
    result,
    request: settled(status, result, now),
  });
  const held = request.result === IN_REVIEW && request.requestType === 'update';
  if (request.requestStatus === 'rejected')
    return held ? decided('REVIEW_REJECTED', 'rejected') : undefined;
  if (request.requestStatus !== 'approved') return undefined;
  if (!held) return decided('NOT_IN_REVIEW', 'rejected');
  if (!site) return decided('SITE_GONE', 'rejected');
  // Checked again: the site may have changed since the request was held.
  const checked = checkUpdate(site, request.payload, input.cameras);
  if (!checked.ok) return decided('REVIEW_INVALID', 'rejected');
  const intervalDays = input.confirmationIntervalDays ?? CONFIRMATION_INTERVAL_DAYS;
  return {
    ...decided('UPDATED', 'applied'),
    change: updateChange(site, checked, now, intervalDays),
  };
}
