/**
 * A checked, placed row as the edits that store it: a new reference and manage code (kept
 * only for the resident's letter; the service gets the hash), client GlobalIDs for the site
 * and its cameras, and the facts an analyst's entry carries (channel, status, dates).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hashManageCode } from '../../core/change-requests/manage-code-hash.js';
import type { LonLat } from '../../core/registration/change-request.js';
import { formatManageCode, formatReference } from '../../core/registration/registration-codes.js';
import { toGlobalId, type FeatureAdd } from '../../core/registration/registration-draft.js';
import { CAMERAS, CONFIRMATION_INTERVAL_DAYS, SITES } from '../../core/schema/registry-schema.js';
import { validateAttributes } from '../../core/validation/validate-attributes.js';
import type { RowIssue, ValidRow } from './read-row.js';

const DAY_MS = 86_400_000;

/** Source channels an import may record (`web` is the public form's alone). */
export const IMPORT_CHANNELS = ['paper', 'officer_assisted', 'import'] as const;
export type ImportChannel = (typeof IMPORT_CHANNELS)[number];

/** Where the row's site is, and how that was found. */
export interface RowLocation {
  readonly point: LonLat;
  /** `geocoded` from the address; `analyst_corrected` from the sheet's own coordinates. */
  readonly method: 'geocoded' | 'analyst_corrected';
  readonly score: number | null;
  /** The address as the geocoder matched it (stored, as the web form stores it). */
  readonly matchedAddress: string | null;
}

/** One registration ready to send, with what its letter needs. */
export interface Registration {
  readonly row: ValidRow;
  readonly reference: string;
  /** Only ever written into the resident's letter. */
  readonly manageCode: string;
  readonly siteGlobalId: string;
  readonly site: FeatureAdd;
  readonly cameras: readonly FeatureAdd[];
}

export interface BuildOptions {
  readonly channel: ImportChannel;
  /** Epoch milliseconds of the import (the registrant confirmed on paper). */
  readonly now: number;
}

function pointOf(point: LonLat): NonNullable<FeatureAdd['geometry']> {
  return { x: point.x, y: point.y, spatialReference: { wkid: 4326 } };
}

/** The edits for one row, checked once more with everything the import adds. */
export function buildRegistration(
  row: ValidRow,
  location: RowLocation,
  options: BuildOptions,
): { ok: true; registration: Registration } | { ok: false; issues: RowIssue[] } {
  const reference = formatReference(randomBytes(8));
  const manageCode = formatManageCode(randomBytes(10));
  const siteGlobalId = toGlobalId(randomUUID());
  const site = validateAttributes(
    SITES,
    {
      ...row.site,
      ...(location.matchedAddress ? { address: location.matchedAddress } : {}),
      registration_ref: reference,
      manage_code_hash: hashManageCode(reference, manageCode),
      location_method: location.method,
      geocode_score: location.score,
      source_channel: options.channel,
      // What the server gives an analyst's entry, stated, since a hosted layer sets none of it.
      status: 'pending',
      last_confirmed_at: options.now,
      confirm_due_at: options.now + CONFIRMATION_INTERVAL_DAYS * DAY_MS,
    },
    { view: 'source', mode: 'create' },
  );
  if (!site.ok) return { ok: false, issues: [...site.issues] };
  const cameras: FeatureAdd[] = [];
  const issues: RowIssue[] = [];
  for (const camera of row.cameras) {
    const checked = validateAttributes(
      CAMERAS,
      { ...camera.values, site_guid: siteGlobalId },
      { view: 'source', mode: 'create' },
    );
    if (!checked.ok) {
      issues.push(
        ...checked.issues.map((issue) => ({
          ...issue,
          field: `camera${camera.number}_${issue.field}`,
        })),
      );
      continue;
    }
    cameras.push({
      geometry: pointOf(location.point),
      attributes: { ...checked.value, GlobalID: toGlobalId(randomUUID()) },
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    registration: {
      row,
      reference,
      manageCode,
      siteGlobalId,
      site: {
        geometry: pointOf(location.point),
        attributes: { ...site.value, GlobalID: siteGlobalId },
      },
      cameras,
    },
  };
}
