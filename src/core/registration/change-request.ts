import { CAMERAS, SITES } from '../schema/registry-schema.js';
import {
  checkCameraChanges,
  type CameraChange,
  type CheckedCameraChange,
} from './camera-changes.js';
import type { CameraAttributes, SiteAttributes } from '../schema/registry-types.js';
import {
  validateAttributes,
  type AttributeValue,
  type ValidationIssue,
} from '../validation/validate-attributes.js';

/** A point in WGS84 longitude and latitude. */
export interface LonLat {
  readonly x: number;
  readonly y: number;
}

/**
 * What a registrant asks to change, carried as JSON in `ChangeRequests.payload`.
 * `site` replaces only the fields it names; `cameras`, when present, replaces the
 * site's whole camera list (residents cannot read what is stored, so they restate it);
 * `cameraChanges` instead changes, adds or removes single cameras, naming each by its label
 * or position, and leaves the others as they are (never both in one request).
 * Once a site has been verified, an update is held (`request_status` `review`, payload
 * kept) until an analyst approves it; officers see the verified version meanwhile.
 */
export interface ChangeRequestPayload {
  readonly site?: Partial<SiteAttributes>;
  readonly location?: LonLat;
  readonly cameras?: readonly {
    readonly attributes: Partial<CameraAttributes>;
    readonly location: LonLat;
  }[];
  readonly cameraChanges?: readonly CameraChange[];
}

/** Site fields a registrant may change after registering (not the reference or hash). */
export const CHANGEABLE_SITE_FIELDS = [
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
  'location_method',
  'geocode_score',
  'share_willingness',
] as const;

export type PayloadResult =
  | {
      readonly ok: true;
      readonly site: Record<string, AttributeValue>;
      readonly location?: LonLat;
      readonly cameras?: readonly {
        attributes: Record<string, AttributeValue>;
        location: LonLat;
      }[];
      /** Checked against the schema; matched against the stored cameras by the processor. */
      readonly cameraChanges?: readonly CheckedCameraChange[];
    }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

function validLonLat(value: unknown): value is LonLat {
  const p = value as LonLat | undefined;
  return (
    typeof p?.x === 'number' &&
    typeof p.y === 'number' &&
    Math.abs(p.x) <= 180 &&
    Math.abs(p.y) <= 90
  );
}

/** Checks a change-request payload against the schema; every problem is listed. */
export function validateChangePayload(raw: unknown): PayloadResult {
  const payload = (raw ?? {}) as ChangeRequestPayload;
  const issues: ValidationIssue[] = [];
  const siteInput = payload.site ?? {};
  const allowed = new Set<string>(CHANGEABLE_SITE_FIELDS);
  for (const name of Object.keys(siteInput)) {
    if (!allowed.has(name)) issues.push({ field: name, code: 'NOT_EDITABLE' });
  }
  const siteResult = validateAttributes(SITES, siteInput, { view: 'public', mode: 'patch' });
  if (!siteResult.ok) issues.push(...siteResult.issues);
  if (payload.location !== undefined && !validLonLat(payload.location)) {
    issues.push({ field: 'location', code: 'WRONG_TYPE' });
  }
  const cameras: { attributes: Record<string, AttributeValue>; location: LonLat }[] = [];
  if (payload.cameras !== undefined) {
    if (
      !Array.isArray(payload.cameras) ||
      payload.cameras.length === 0 ||
      payload.cameras.length > 50
    ) {
      issues.push({ field: 'cameras', code: 'OUT_OF_RANGE', limit: [1, 50] });
    } else {
      payload.cameras.forEach((camera, index) => {
        // The site is known to the processor; validate as if attached to a placeholder.
        const attributes = {
          ...camera.attributes,
          site_guid: '{00000000-0000-0000-0000-000000000000}',
        };
        const result = validateAttributes(CAMERAS, attributes, { view: 'public', mode: 'create' });
        if (!result.ok)
          issues.push(
            ...result.issues.map((i) => ({ ...i, field: `cameras[${index}].${i.field}` })),
          );
        if (!validLonLat(camera.location))
          issues.push({ field: `cameras[${index}].location`, code: 'WRONG_TYPE' });
        if (result.ok && validLonLat(camera.location)) {
          const { site_guid: _placeholder, ...rest } = result.value;
          cameras.push({ attributes: rest, location: camera.location });
        }
      });
    }
  }
  let cameraChanges: readonly CheckedCameraChange[] | undefined;
  if (payload.cameraChanges !== undefined) {
    if (payload.cameras !== undefined)
      issues.push({ field: 'cameraChanges', code: 'NOT_EDITABLE' });
    const checked = checkCameraChanges(payload.cameraChanges);
    if (checked.ok) cameraChanges = checked.value;
    else issues.push(...checked.issues);
  }
  if (issues.length > 0 || !siteResult.ok) return { ok: false, issues };
  return {
    ok: true,
    site: siteResult.value,
    ...(payload.location ? { location: payload.location } : {}),
    ...(payload.cameras ? { cameras } : {}),
    ...(cameraChanges ? { cameraChanges } : {}),
  };
}
