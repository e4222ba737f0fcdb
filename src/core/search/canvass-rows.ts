/**
 * The canvass sheet as rows (for CSV and print): one row per camera in the order shown,
 * with who to contact and the latest outcome logged for the case. Words come from the
 * caller's `format`, so the same rows serve every language.
 */
import type { CsvCell } from './csv.js';
import type { FoundCamera } from './run-incident-search.js';
import type { RankedCamera, Visibility } from './rank-cameras.js';
import type { FootageUrgency } from './footage-deadline.js';

/** The columns, in order. */
export const CANVASS_COLUMNS = [
  'rank',
  'visibility',
  'distance',
  'direction',
  'camera',
  'site',
  'address',
  'contactName',
  'contactRole',
  'phone',
  'email',
  'preferredContact',
  'bestHours',
  'language',
  'shareWillingness',
  'footageDeadline',
  'footageStatus',
  'lastConfirmed',
  'outcome',
] as const;
export type CanvassColumn = (typeof CANVASS_COLUMNS)[number];

/** The latest contact logged for a site in this case. */
export interface ContactSummary {
  readonly outcome: string;
  readonly contactedAt: number | null;
}

/** How values become words and numbers in the caller's language and units. */
export interface CanvassFormat {
  readonly headers: Readonly<Record<CanvassColumn, string>>;
  visibility(value: Visibility): string;
  /** Distance as a number in the sheet's unit (the header names the unit). */
  distance(meters: number): number;
  /** Compass direction from the incident to the camera. */
  direction(bearingDegrees: number): string;
  /** A coded value's label (`field` is the schema field name). */
  domain(field: string, code: string | null | undefined): string;
  dateTime(epochMs: number | null | undefined): string;
  date(epochMs: number | null | undefined): string;
  /** The footage's state with how long is left or since when it is gone. */
  footageStatus(urgency: FootageUrgency, deadline: number | null): string;
}

/** The header row and one row per camera. */
export function canvassRows(
  cameras: readonly RankedCamera<FoundCamera>[],
  contacts: ReadonlyMap<string, ContactSummary>,
  format: CanvassFormat,
): CsvCell[][] {
  const header = CANVASS_COLUMNS.map((column) => format.headers[column]);
  const rows = cameras.map((entry): CsvCell[] => {
    const camera = entry.camera;
    const site = camera.site.attributes;
    const contact = contacts.get(camera.siteGlobalId);
    const values: Record<CanvassColumn, CsvCell> = {
      rank: entry.rank,
      visibility: format.visibility(entry.visibility),
      distance: format.distance(entry.distanceMeters),
      direction: format.direction(entry.bearingFromIncidentDegrees),
      camera: camera.attributes.label ?? '',
      site: site.business_name ?? format.domain('site_type', site.site_type),
      address: [site.address, site.unit].filter(Boolean).join(', '),
      contactName: site.contact_name ?? '',
      contactRole: format.domain('contact_role', site.contact_role),
      phone: site.phone ?? '',
      email: site.email ?? '',
      preferredContact: format.domain('preferred_contact', site.preferred_contact),
      bestHours: format.domain('best_hours', site.best_hours),
      language: format.domain('preferred_language', site.preferred_language),
      shareWillingness: format.domain('share_willingness', site.share_willingness),
      footageDeadline: format.dateTime(entry.footageDeadline),
      footageStatus: format.footageStatus(entry.urgency, entry.footageDeadline),
      lastConfirmed: format.date(site.last_confirmed_at),
      outcome: contact ? format.domain('outcome', contact.outcome) : '',
    };
    return CANVASS_COLUMNS.map((column) => values[column]);
  });
  return [header, ...rows];
}

/** The 8-point compass sector of a bearing: 0 = N, 1 = NE, ... 7 = NW. */
export function compassSector(bearingDegrees: number): number {
  if (!Number.isFinite(bearingDegrees))
    throw new RangeError(`bearing must be finite, got ${bearingDegrees}`);
  const normalized = ((bearingDegrees % 360) + 360) % 360;
  return Math.round(normalized / 45) % 8;
}
