/**
 * A registration as the resident types it (text in, text out), checked against the schema
 * step by step and turned into the one service-level `applyEdits` that stores it, or into a
 * change-request payload. DOM-free: the widget keeps a draft and renders the issues.
 */
import { CAMERAS, SITES } from '../schema/registry-schema.js';
import {
  crossFieldIssues,
  IssueCode,
  validateAttributes,
  type AttributeValue,
  type ValidationIssue,
} from '../validation/validate-attributes.js';
import type { CameraAttributes, SiteAttributes } from '../schema/registry-types.js';
import type { ChangeRequestPayload, LonLat } from './change-request.js';
import { normalizePhone } from './phone-number.js';

/** Site fields the resident fills in, as typed (codes for choices, text for the rest). */
export interface SiteDraft {
  readonly site_type: string;
  readonly business_name: string;
  readonly contact_name: string;
  readonly contact_role: string;
  readonly phone: string;
  readonly email: string;
  readonly preferred_contact: string;
  readonly preferred_language: string;
  readonly best_hours: string;
  readonly address: string;
  readonly unit: string;
  readonly share_willingness: string;
}

export type SiteDraftField = keyof SiteDraft;

/** Site fields in the order the form shows them (the first problem gets the focus). */
export const SITE_DRAFT_FIELDS: readonly SiteDraftField[] = [
  'site_type',
  'business_name',
  'contact_name',
  'contact_role',
  'phone',
  'email',
  'preferred_contact',
  'preferred_language',
  'best_hours',
  'share_willingness',
  'address',
  'unit',
];

export const EMPTY_SITE_DRAFT: SiteDraft = {
  site_type: '',
  business_name: '',
  contact_name: '',
  contact_role: '',
  phone: '',
  email: '',
  preferred_contact: '',
  preferred_language: '',
  best_hours: '',
  address: '',
  unit: '',
  share_willingness: '',
};

/** Where the site is and how the point was placed. */
export interface SiteLocation {
  readonly point: LonLat;
  readonly method: 'geocoded' | 'pin_adjusted';
  /** The geocoder's match score (0-100), when the point came from it. */
  readonly score: number | null;
}

/** One camera as typed. `key` is its GlobalID, fixed when the camera is added. */
export interface CameraDraft {
  readonly key: string;
  readonly label: string;
  readonly mount: string;
  readonly form: string;
  /** Degrees clockwise from north; null when the resident is not sure. */
  readonly view_bearing: number | null;
  readonly fov_deg: string;
  readonly coverage: readonly string[];
  readonly recording_mode: string;
  readonly retention_days: string;
  readonly can_export: string;
  /** The camera's own point when moved off the site point; null means at the site. */
  readonly position: LonLat | null;
}

export type CameraDraftField = Exclude<keyof CameraDraft, 'key' | 'position'>;

export const CAMERA_DRAFT_FIELDS: readonly CameraDraftField[] = [
  'label',
  'mount',
  'form',
  'view_bearing',
  'fov_deg',
  'coverage',
  'recording_mode',
  'retention_days',
  'can_export',
];

/** Problems the form finds beyond the schema's own issue codes. */
export const FormIssueCode = {
  LocationRequired: 'LOCATION_REQUIRED',
  ConsentRequired: 'CONSENT_REQUIRED',
  CodeRequired: 'CODE_REQUIRED',
  ChoiceRequired: 'CHOICE_REQUIRED',
  NothingToChange: 'NOTHING_TO_CHANGE',
} as const;
export type FormIssueCode = IssueCode | (typeof FormIssueCode)[keyof typeof FormIssueCode];

export interface FormIssue {
  /** A site field name, `cameras[i].field`, or a form-only name such as `consent`. */
  readonly field: string;
  readonly code: FormIssueCode;
  readonly limit?: readonly number[];
}

/** A GUID in the braces-and-capitals form ArcGIS writes, from `crypto.randomUUID()`. */
export function toGlobalId(uuid: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) {
    throw new RangeError(`not a UUID: ${uuid}`);
  }
  return `{${uuid.toUpperCase()}}`;
}

/** A new camera with everything blank but its label and key. */
export function newCameraDraft(key: string, label: string): CameraDraft {
  return {
    key,
    label,
    mount: '',
    form: '',
    view_bearing: null,
    fov_deg: '',
    coverage: [],
    recording_mode: '',
    retention_days: '',
    can_export: '',
    position: null,
  };
}

/** Typed text as a number when it is one; blank is null; anything else stays text (WRONG_TYPE). */
function numberOrText(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}

/** A typed phone in E.164 when it reads as one; otherwise as typed, so validation names it. */
function phoneValue(typed: string): string {
  return normalizePhone(typed) ?? typed.trim();
}

/** Site attributes from the draft: trimmed text, phone in E.164 when possible. */
export function siteAttributesOf(draft: SiteDraft): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of SITE_DRAFT_FIELDS) {
    attributes[name] = name === 'phone' ? phoneValue(draft.phone) : draft[name].trim();
  }
  // A residence has no business name; a value left from an earlier choice is dropped.
  if (draft.site_type === 'residence') attributes.business_name = '';
  return attributes;
}

/** Sorts issues into the order the form shows their fields (every field here is listed). */
function byFieldOrder(order: readonly string[]): (a: FormIssue, b: FormIssue) => number {
  return (a, b) => order.indexOf(a.field) - order.indexOf(b.field);
}

const CROSS_FIELD_CODES: readonly string[] = [
  IssueCode.ContactRequired,
  IssueCode.BusinessNameRequired,
  IssueCode.PreferredContactMissing,
];

/**
 * Problems with the site step: the public view's rules for the fields the resident typed,
 * the cross-field rules (a phone or an email, a business name, the preferred contact), and
 * a located address.
 */
export function validateSiteDraft(draft: SiteDraft, location: SiteLocation | null): FormIssue[] {
  const attributes = siteAttributesOf(draft);
  const result = validateAttributes(SITES, attributes, { view: 'public', mode: 'create' });
  const shown = new Set<string>(SITE_DRAFT_FIELDS);
  const cross = new Set<string>(CROSS_FIELD_CODES);
  const issues: FormIssue[] = result.ok
    ? []
    : result.issues.filter((i) => shown.has(i.field) && !cross.has(i.code));
  // The cross-field rules read what was typed: a mistyped email is still an email to fix,
  // not a missing contact.
  issues.push(...crossFieldIssues(SITES, attributes));
  if (!location && !issues.some((issue) => issue.field === 'address')) {
    issues.push({ field: 'address', code: FormIssueCode.LocationRequired });
  }
  return issues.sort(byFieldOrder(SITE_DRAFT_FIELDS));
}

/** Camera attributes from a draft (without `site_guid`). */
export function cameraAttributesOf(camera: CameraDraft): Record<string, unknown> {
  return {
    label: camera.label.trim(),
    mount: camera.mount,
    form: camera.form,
    view_bearing: camera.view_bearing,
    fov_deg: numberOrText(camera.fov_deg),
    coverage: camera.coverage.join(','),
    recording_mode: camera.recording_mode,
    retention_days: numberOrText(camera.retention_days),
    can_export: camera.can_export,
  };
}

// Validation needs a site GUID; the real one is attached when the edits are built.
const PLACEHOLDER_SITE = '{00000000-0000-0000-0000-000000000000}';

function prefixed(index: number, issue: ValidationIssue): FormIssue {
  return { ...issue, field: `cameras[${index}].${issue.field}` };
}

/** Problems with the cameras, fields named `cameras[i].field`, in form order. */
export function validateCameraDrafts(cameras: readonly CameraDraft[]): FormIssue[] {
  const issues: FormIssue[] = [];
  if (cameras.length === 0) {
    issues.push({ field: 'cameras', code: IssueCode.OutOfRange, limit: [1, 50] });
  }
  cameras.forEach((camera, index) => {
    const result = validateAttributes(
      CAMERAS,
      { ...cameraAttributesOf(camera), site_guid: PLACEHOLDER_SITE },
      { view: 'public', mode: 'create' },
    );
    if (result.ok) return;
    const order = CAMERA_DRAFT_FIELDS.map((name) => `cameras[${index}].${name}`);
    issues.push(...result.issues.map((issue) => prefixed(index, issue)).sort(byFieldOrder(order)));
  });
  return issues;
}

/** A point feature as `applyEdits` carries it. */
export interface FeatureAdd {
  readonly geometry?: {
    readonly x: number;
    readonly y: number;
    readonly spatialReference: { readonly wkid: 4326 };
  };
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** One layer's part of a service-level `applyEdits` (`edits=[{ id, adds }]`). */
export interface LayerAdds {
  readonly id: number;
  readonly adds: readonly FeatureAdd[];
}

export interface RegistrationSubmission {
  readonly site: SiteDraft;
  readonly location: SiteLocation | null;
  readonly cameras: readonly CameraDraft[];
  readonly siteGlobalId: string;
  readonly registrationRef: string;
  /** SHA-256 hex of `manageCodeHashInput(registrationRef, manageCode)`. */
  readonly manageCodeHash: string;
  readonly consentVersion: string;
}

function pointOf(point: LonLat): FeatureAdd['geometry'] {
  return { x: point.x, y: point.y, spatialReference: { wkid: 4326 } };
}

/**
 * The service-level `applyEdits` body that stores a registration: the site on layer 0 and
 * its cameras on layer 1, each carrying the client's GlobalID so that a retry after a lost
 * answer finds the rows already stored instead of adding them again.
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/apply-edits-feature-service/
 */
export function buildRegistrationEdits(
  submission: RegistrationSubmission,
): { ok: true; edits: LayerAdds[] } | { ok: false; issues: FormIssue[] } {
  const issues: FormIssue[] = [
    ...validateSiteDraft(submission.site, submission.location),
    ...validateCameraDrafts(submission.cameras),
  ];
  const location = submission.location;
  const siteResult = validateAttributes(
    SITES,
    {
      ...siteAttributesOf(submission.site),
      registration_ref: submission.registrationRef,
      manage_code_hash: submission.manageCodeHash,
      consent_version: submission.consentVersion,
      location_method: location?.method ?? null,
      geocode_score: location?.score ?? null,
    },
    { view: 'public', mode: 'create' },
  );
  if (!siteResult.ok) {
    // Typed fields were checked above; what remains is what the widget itself supplies.
    const typed = new Set<string>(SITE_DRAFT_FIELDS);
    issues.push(...siteResult.issues.filter((issue) => !typed.has(issue.field)));
  }
  if (!siteResult.ok || issues.length > 0 || !location) return { ok: false, issues };

  const cameraAdds: FeatureAdd[] = [];
  for (const camera of submission.cameras) {
    const result = validateAttributes(
      CAMERAS,
      { ...cameraAttributesOf(camera), site_guid: submission.siteGlobalId },
      { view: 'public', mode: 'create' },
    );
    if (!result.ok) return { ok: false, issues: result.issues.map((i) => ({ ...i })) };
    cameraAdds.push({
      geometry: pointOf(camera.position ?? location.point),
      attributes: { ...result.value, GlobalID: camera.key },
    });
  }
  return {
    ok: true,
    edits: [
      {
        id: SITES.id,
        adds: [
          {
            geometry: pointOf(location.point),
            attributes: { ...siteResult.value, GlobalID: submission.siteGlobalId },
          },
        ],
      },
      { id: CAMERAS.id, adds: cameraAdds },
    ],
  };
}

/** Site fields a registrant may restate in an update (the contact part of the site). */
export const CONTACT_UPDATE_FIELDS = [
  'contact_name',
  'contact_role',
  'phone',
  'email',
  'preferred_contact',
  'preferred_language',
  'best_hours',
  'share_willingness',
] as const satisfies readonly SiteDraftField[];

/**
 * The `ChangeRequests.payload` for an update: contact fields left blank stay as they are;
 * cameras, when given, replace the whole list and stand at `site` (or their own point).
 */
export function buildUpdatePayload(input: {
  readonly contact: Partial<SiteDraft>;
  readonly cameras?: { readonly list: readonly CameraDraft[]; readonly site: LonLat };
}): ChangeRequestPayload {
  const site: Record<string, string> = {};
  for (const name of CONTACT_UPDATE_FIELDS) {
    const typed = input.contact[name]?.trim() ?? '';
    if (typed !== '') site[name] = name === 'phone' ? phoneValue(typed) : typed;
  }
  const cameras = input.cameras;
  return {
    ...(Object.keys(site).length > 0 ? { site: site as Partial<SiteAttributes> } : {}),
    ...(cameras
      ? {
          cameras: cameras.list.map((camera) => ({
            // Typed numbers that are not numbers stay text, so validation can name them.
            attributes: cameraAttributesOf(camera) as Partial<CameraAttributes>,
            location: camera.position ?? cameras.site,
          })),
        }
      : {}),
  };
}
