/**
 * What an analyst's decision writes, as the edits of ONE service-level `applyEdits`: the
 * change itself and its ReviewLog row together, so nothing is half-recorded. Pure: the
 * caller sends the edits (rollbackOnFailure) and the service sets who and when on the log
 * row through editor tracking. The log's `details` name fields and places, never the values
 * of contact fields.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/apply-edits-feature-service/
 */
import { CHANGE_REQUESTS, REVIEW_LOG, SITES } from '../schema/registry-schema.js';
import {
  crossFieldIssues,
  IssueCode,
  validateAttributes,
  type AttributeValue,
  type ValidationIssue,
} from '../validation/validate-attributes.js';

/** One layer's part of a service-level `applyEdits` (the wire's `edits` entries). */
export interface ReviewLayerEdits {
  readonly id: number;
  readonly adds?: readonly { readonly attributes: Record<string, AttributeValue> }[];
  readonly updates?: readonly {
    readonly attributes: Record<string, AttributeValue>;
    readonly geometry?: {
      readonly x: number;
      readonly y: number;
      readonly spatialReference: { readonly wkid: number };
    };
  }[];
}

/** The site a decision is about, as the source service stores it. */
export interface ReviewSite {
  readonly objectId: number;
  readonly globalId: string;
  readonly registrationRef: string | null;
  /** The stored attributes (any subset the caller read). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A decision's edits, or why it cannot be made (issues by field, as data). */
export type DecisionResult =
  | { readonly ok: true; readonly edits: readonly ReviewLayerEdits[] }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/** Longest reason the ReviewLog stores. */
export const REASON_MAX_LENGTH = REVIEW_LOG.fields.find((f) => f.name === 'reason')?.length ?? 500;
/** Longest details text the ReviewLog stores. */
export const DETAILS_MAX_LENGTH =
  REVIEW_LOG.fields.find((f) => f.name === 'details')?.length ?? 2000;

export type ReviewDecisionCode =
  'verified' | 'rejected' | 'edited' | 'moved' | 'change_approved' | 'change_rejected';

/** What the log's `details` JSON may hold: field names and coordinates, nothing else. */
export interface ReviewDetails {
  readonly fields?: readonly string[];
  readonly from?: readonly [number, number];
  readonly to?: readonly [number, number];
  readonly cameras?: readonly {
    readonly guid: string;
    readonly from: readonly [number, number];
    readonly to: readonly [number, number];
  }[];
  readonly changeRequest?: number;
}

/** Coordinates in the log: 7 decimals (about 1 cm), which keeps the JSON short. */
function round7(point: readonly [number, number]): [number, number] {
  return [Math.round(point[0] * 1e7) / 1e7, Math.round(point[1] * 1e7) / 1e7];
}

/**
 * The ReviewLog row of a decision. `details` is built from field names and coordinates
 * only; a move of many cameras that would not fit keeps the site's from/to and drops the
 * per-camera list rather than fail.
 */
export function reviewLogRow(
  site: Pick<ReviewSite, 'globalId' | 'registrationRef'>,
  decision: ReviewDecisionCode,
  reason: string | null,
  details: ReviewDetails,
): { attributes: Record<string, AttributeValue> } {
  const clean: ReviewDetails = {
    ...(details.fields ? { fields: [...details.fields] } : {}),
    ...(details.from ? { from: round7(details.from) } : {}),
    ...(details.to ? { to: round7(details.to) } : {}),
    ...(details.cameras
      ? {
          cameras: details.cameras.map((c) => ({
            guid: c.guid,
            from: round7(c.from),
            to: round7(c.to),
          })),
        }
      : {}),
    ...(details.changeRequest !== undefined ? { changeRequest: details.changeRequest } : {}),
  };
  let text = JSON.stringify(clean);
  if (text.length > DETAILS_MAX_LENGTH) {
    const { cameras: _dropped, ...rest } = clean;
    text = JSON.stringify({ ...rest, cameraCount: details.cameras?.length ?? 0 });
  }
  return {
    attributes: {
      site_guid: site.globalId,
      registration_ref: site.registrationRef,
      decision,
      reason: reason === null || reason.trim() === '' ? null : reason.trim(),
      details: text,
    },
  };
}

function reasonIssue(reason: string, required: boolean): ValidationIssue | null {
  const text = reason.trim();
  if (required && text === '') return { field: 'reason', code: IssueCode.Required };
  if (text.length > REASON_MAX_LENGTH)
    return { field: 'reason', code: IssueCode.TooLong, limit: [REASON_MAX_LENGTH] };
  return null;
}

/**
 * Verify a pending site: `status` verified, `verified_by` the signed-in analyst, `verified_at`
 * now; officers see it from then on. A host's credential may not say who signed in: then
 * `verified_by` stays empty and the log row's editor tracking still records who.
 */
export function verifySiteEdits(
  site: ReviewSite,
  username: string | null,
  now: number,
  note = '',
): DecisionResult {
  const issue = reasonIssue(note, false);
  if (issue) return { ok: false, issues: [issue] };
  const verifier = username?.trim() ? username.trim() : null;
  const attributes = {
    OBJECTID: site.objectId,
    status: 'verified',
    verified_by: verifier,
    verified_at: now,
  };
  return {
    ok: true,
    edits: [
      { id: SITES.id, updates: [{ attributes }] },
      {
        id: REVIEW_LOG.id,
        adds: [
          reviewLogRow(site, 'verified', note, {
            fields: ['status', 'verified_by', 'verified_at'],
          }),
        ],
      },
    ],
  };
}

/** Reject a site: `status` rejected, with a reason the analyst must give. */
export function rejectSiteEdits(site: ReviewSite, reason: string): DecisionResult {
  const issue = reasonIssue(reason, true);
  if (issue) return { ok: false, issues: [issue] };
  return {
    ok: true,
    edits: [
      { id: SITES.id, updates: [{ attributes: { OBJECTID: site.objectId, status: 'rejected' } }] },
      { id: REVIEW_LOG.id, adds: [reviewLogRow(site, 'rejected', reason, { fields: ['status'] })] },
    ],
  };
}

/**
 * Approve or reject a resident's held change: only `request_status` is set; the change-request
 * processor carries an approval out. A rejection needs a reason.
 *
 * @param changedFields the names of what the request changes (see `changeDiff`).
 */
export function changeDecisionEdits(
  site: Pick<ReviewSite, 'globalId' | 'registrationRef'>,
  requestObjectId: number,
  approve: boolean,
  reason: string,
  changedFields: readonly string[],
): DecisionResult {
  const issue = reasonIssue(reason, !approve);
  if (issue) return { ok: false, issues: [issue] };
  return {
    ok: true,
    edits: [
      {
        id: CHANGE_REQUESTS.id,
        updates: [
          {
            attributes: {
              OBJECTID: requestObjectId,
              request_status: approve ? 'approved' : 'rejected',
            },
          },
        ],
      },
      {
        id: REVIEW_LOG.id,
        adds: [
          reviewLogRow(site, approve ? 'change_approved' : 'change_rejected', reason, {
            fields: changedFields,
            changeRequest: requestObjectId,
          }),
        ],
      },
    ],
  };
}

/** Site fields an analyst corrects inline (what the registrant gave, besides codes and hashes). */
export const CORRECTABLE_SITE_FIELDS = [
  'site_type',
  'business_name',
  'contact_name',
  'contact_role',
  'phone',
  'email',
  'preferred_contact',
  'preferred_language',
  'best_hours',
  'address',
  'unit',
  'share_willingness',
] as const;
export type CorrectableField = (typeof CORRECTABLE_SITE_FIELDS)[number];

function sameValue(a: unknown, b: unknown): boolean {
  const blank = (v: unknown) => v === undefined || v === null || v === '';
  if (blank(a) && blank(b)) return true;
  return a === b;
}

/**
 * An inline correction: the fields that differ from what is stored, checked with the core
 * validators (each value through the source view, then the site's cross-field rules on the
 * merged record). The log names the changed fields; their values stay out of it.
 * Nothing changed is refused with no issues and no edits (`ok: true`, empty edits).
 */
export function correctSiteEdits(
  site: ReviewSite,
  typed: Readonly<Partial<Record<CorrectableField, string>>>,
  reason = '',
): DecisionResult {
  const allowed = new Set<string>(CORRECTABLE_SITE_FIELDS);
  const unknown = Object.keys(typed).filter((name) => !allowed.has(name));
  if (unknown.length > 0)
    return {
      ok: false,
      issues: unknown.map((field) => ({ field, code: IssueCode.NotEditable })),
    };
  const checked = validateAttributes(SITES, typed, { view: 'source', mode: 'patch' });
  if (!checked.ok) return { ok: false, issues: checked.issues };
  const changed = Object.entries(checked.value).filter(
    ([name, value]) => !sameValue(value, site.attributes[name]),
  );
  const merged = { ...site.attributes, ...Object.fromEntries(changed) };
  const crossIssues = crossFieldIssues(SITES, merged);
  const reasonProblem = reasonIssue(reason, false);
  const issues = [...crossIssues, ...(reasonProblem ? [reasonProblem] : [])];
  if (issues.length > 0) return { ok: false, issues };
  if (changed.length === 0) return { ok: true, edits: [] };
  const names = changed.map(([name]) => name);
  return {
    ok: true,
    edits: [
      {
        id: SITES.id,
        updates: [{ attributes: { OBJECTID: site.objectId, ...Object.fromEntries(changed) } }],
      },
      { id: REVIEW_LOG.id, adds: [reviewLogRow(site, 'edited', reason, { fields: names })] },
    ],
  };
}
