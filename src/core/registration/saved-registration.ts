/**
 * A registration in progress as the resident's tab keeps it between page loads (so a reload or
 * a Back gesture loses nothing), and the defaults the form filled in that the resident has not
 * touched (so they can follow a language change). DOM-free: the widget decides where the text
 * is kept; this module only writes and strictly reads it back.
 */
import type { LonLat } from './change-request.js';
import {
  SITE_DRAFT_FIELDS,
  type CameraDraft,
  type SiteDraft,
  type SiteLocation,
} from './registration-draft.js';

/** Bumped whenever the shape changes; a draft of another version is ignored, not guessed at. */
export const SAVED_REGISTRATION_VERSION = 1;

/**
 * Defaults the form filled in and the resident has not changed. `preferredLanguage` is true
 * while the preferred language is still the page's; `cameraLabels` maps a camera's key to the
 * number in its default name ("Camera 2") while that name is untouched.
 */
export interface UntouchedDefaults {
  readonly preferredLanguage: boolean;
  readonly cameraLabels: Readonly<Record<string, number>>;
}

/** The form's state worth keeping: every step's values and the step shown. */
export interface SavedRegistration<Step extends string = string> {
  readonly step: Step;
  readonly site: SiteDraft;
  readonly location: SiteLocation | null;
  readonly geocoded: { readonly point: LonLat; readonly address: string } | null;
  readonly cameras: readonly CameraDraft[];
  readonly aimIndex: number;
  readonly untouched: UntouchedDefaults;
}

/** The text to keep for a draft. */
export function serializeRegistration(saved: SavedRegistration): string {
  return JSON.stringify({ version: SAVED_REGISTRATION_VERSION, ...saved });
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPoint(value: unknown): value is LonLat {
  return isObject(value) && Number.isFinite(value.x) && Number.isFinite(value.y);
}

function isSite(value: unknown): value is SiteDraft {
  return (
    isObject(value) &&
    Object.keys(value).length === SITE_DRAFT_FIELDS.length &&
    SITE_DRAFT_FIELDS.every((field) => typeof value[field] === 'string')
  );
}

function isLocation(value: unknown): value is SiteLocation {
  return (
    isObject(value) &&
    isPoint(value.point) &&
    (value.method === 'geocoded' || value.method === 'pin_adjusted') &&
    (value.score === null || Number.isFinite(value.score))
  );
}

function isGeocoded(value: unknown): value is NonNullable<SavedRegistration['geocoded']> {
  return isObject(value) && isPoint(value.point) && typeof value.address === 'string';
}

const CAMERA_TEXT_FIELDS = [
  'key',
  'label',
  'mount',
  'form',
  'fov_deg',
  'recording_mode',
  'retention_days',
  'can_export',
] as const;

function isCamera(value: unknown): value is CameraDraft {
  return (
    isObject(value) &&
    CAMERA_TEXT_FIELDS.every((field) => typeof value[field] === 'string') &&
    (value.view_bearing === null || Number.isFinite(value.view_bearing)) &&
    Array.isArray(value.coverage) &&
    value.coverage.every((code) => typeof code === 'string') &&
    (value.position === null || isPoint(value.position))
  );
}

function isUntouched(value: unknown): value is UntouchedDefaults {
  return (
    isObject(value) &&
    typeof value.preferredLanguage === 'boolean' &&
    isObject(value.cameraLabels) &&
    Object.values(value.cameraLabels).every((n) => Number.isInteger(n) && (n as number) > 0)
  );
}

/**
 * A kept draft read back, or null when there is none or it is not one this version wrote
 * (another version, a step this form does not have, a broken or edited value): a form that
 * starts empty is better than one that starts wrong.
 */
export function parseSavedRegistration<Step extends string>(
  text: string | null,
  steps: readonly Step[],
): SavedRegistration<Step> | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (
    !isObject(value) ||
    value.version !== SAVED_REGISTRATION_VERSION ||
    !steps.includes(value.step as Step) ||
    !isSite(value.site) ||
    !(value.location === null || isLocation(value.location)) ||
    !(value.geocoded === null || isGeocoded(value.geocoded)) ||
    !Array.isArray(value.cameras) ||
    value.cameras.length === 0 ||
    !value.cameras.every(isCamera) ||
    !Number.isInteger(value.aimIndex) ||
    (value.aimIndex as number) < 0 ||
    (value.aimIndex as number) >= value.cameras.length ||
    !isUntouched(value.untouched)
  ) {
    return null;
  }
  return {
    step: value.step as Step,
    site: value.site,
    location: value.location,
    geocoded: value.geocoded,
    cameras: value.cameras,
    aimIndex: value.aimIndex as number,
    untouched: value.untouched,
  };
}

/**
 * The site and cameras with every untouched default in `language`: the preferred language
 * becomes it, and each untouched camera name becomes `defaultLabel(n)` in it. Values the
 * resident changed stay exactly as they are. Returns the same objects when nothing changes.
 */
export function followLanguage(
  input: {
    readonly site: SiteDraft;
    readonly cameras: readonly CameraDraft[];
    readonly untouched: UntouchedDefaults;
  },
  language: string,
  defaultLabel: (n: number) => string,
): { site: SiteDraft; cameras: readonly CameraDraft[] } {
  const { site, cameras, untouched } = input;
  const nextSite =
    untouched.preferredLanguage && site.preferred_language !== language
      ? { ...site, preferred_language: language }
      : site;
  let changed = false;
  const nextCameras = cameras.map((camera) => {
    const n = untouched.cameraLabels[camera.key];
    if (n === undefined || camera.label === defaultLabel(n)) return camera;
    changed = true;
    return { ...camera, label: defaultLabel(n) };
  });
  return { site: nextSite, cameras: changed ? nextCameras : cameras };
}
