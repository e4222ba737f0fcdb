/**
 * A registration entered by program staff (a paper form, or with the resident beside them):
 * the same drafts and checks as the resident's web form, stored through the source service
 * with the facts only staff give (the channel, the paper form's number) and, in the same
 * `applyEdits`, the ReviewLog row that records who entered it. DOM-free.
 */
import { CONFIRMATION_INTERVAL_DAYS, REVIEW_LOG, SITES } from '../schema/registry-schema.js';
import { validateAttributes } from '../validation/validate-attributes.js';
import {
  buildRegistrationEdits,
  FormIssueCode,
  type FeatureAdd,
  type FormIssue,
  type LayerAdds,
  type RegistrationSubmission,
} from './registration-draft.js';

/** The channels staff may record (`web` is the public form's, `import` is `ccr import`'s). */
export const STAFF_CHANNELS = ['paper', 'officer_assisted'] as const;
export type StaffChannel = (typeof STAFF_CHANNELS)[number];

/** What staff type about the entry itself. */
export interface StaffEntry {
  /** `paper` or `officer_assisted`; anything else is refused. */
  readonly channel: string;
  /** The paper form's number as typed; blank when the form has none. */
  readonly formNumber: string;
}

const DAY_MS = 86_400_000;

export function isStaffChannel(value: string): value is StaffChannel {
  return (STAFF_CHANNELS as readonly string[]).includes(value);
}

/**
 * Problems with the staff entry: a channel staff may record, and a form number within the
 * schema's length. Fields are named `source_channel` and `form_number`.
 */
export function validateStaffEntry(entry: StaffEntry): FormIssue[] {
  const issues: FormIssue[] = [];
  if (!isStaffChannel(entry.channel)) {
    issues.push({ field: 'source_channel', code: FormIssueCode.ChoiceRequired });
  }
  const formNumber = entry.formNumber.trim();
  if (formNumber !== '') {
    const checked = validateAttributes(
      SITES,
      { form_number: formNumber },
      { view: 'source', mode: 'patch' },
    );
    if (!checked.ok) issues.push(...checked.issues);
  }
  return issues;
}

export interface StaffSubmission extends RegistrationSubmission {
  readonly entry: StaffEntry;
  /** The ReviewLog row's GlobalID (made once per attempt, like the site's). */
  readonly reviewLogGlobalId: string;
  /** Epoch milliseconds of the entry: the resident confirmed on paper then. */
  readonly now: number;
}

/**
 * The one service-level `applyEdits` body for a staff entry: the site (as the web form builds
 * it, plus `source_channel`, `form_number`, and the status and confirmation dates a hosted
 * layer does not set by itself), its cameras, and a `paper_entered` ReviewLog row naming the
 * channel and form number (never contact values). Sent with `rollbackOnFailure=true`, so the
 * entry is stored whole or not at all.
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/apply-edits-feature-service/
 */
export function buildStaffRegistrationEdits(
  submission: StaffSubmission,
): { ok: true; edits: LayerAdds[] } | { ok: false; issues: FormIssue[] } {
  const entryIssues = validateStaffEntry(submission.entry);
  const built = buildRegistrationEdits(submission);
  if (!built.ok || entryIssues.length > 0) {
    return { ok: false, issues: [...entryIssues, ...(built.ok ? [] : built.issues)] };
  }
  const [siteLayer, cameraLayer] = built.edits as [LayerAdds, LayerAdds];
  const site = siteLayer.adds[0] as FeatureAdd;
  const formNumber = submission.entry.formNumber.trim();
  const channel = submission.entry.channel;
  const staffSite = validateAttributes(
    SITES,
    {
      ...site.attributes,
      source_channel: channel,
      form_number: formNumber === '' ? null : formNumber,
      status: 'pending',
      last_confirmed_at: submission.now,
      confirm_due_at: submission.now + CONFIRMATION_INTERVAL_DAYS * DAY_MS,
    },
    { view: 'source', mode: 'create' },
  );
  const log = validateAttributes(
    REVIEW_LOG,
    {
      site_guid: submission.siteGlobalId,
      registration_ref: submission.registrationRef,
      decision: 'paper_entered',
      details: JSON.stringify({
        source_channel: channel,
        ...(formNumber === '' ? {} : { form_number: formNumber }),
      }),
    },
    { view: 'source', mode: 'create' },
  );
  // Everything typed was checked above; what is left is a program error, said as issues.
  if (!staffSite.ok || !log.ok) {
    return {
      ok: false,
      issues: [...(staffSite.ok ? [] : staffSite.issues), ...(log.ok ? [] : log.issues)],
    };
  }
  return {
    ok: true,
    edits: [
      {
        id: SITES.id,
        adds: [
          {
            geometry: site.geometry,
            attributes: { ...staffSite.value, GlobalID: submission.siteGlobalId },
          },
        ],
      },
      cameraLayer,
      {
        id: REVIEW_LOG.id,
        adds: [{ attributes: { ...log.value, GlobalID: submission.reviewLogGlobalId } }],
      },
    ],
  };
}
