/**
 * The canvass as rows, in two shapes. `canvassRows` is the CSV export: one row per camera in
 * the order shown, with who to contact and the latest outcome logged for the case.
 * `canvassSheet` is the printed sheet an officer walks with: one row per site, its cameras
 * summarised, how to reach the contact, and blank columns to write the outcome and notes
 * in. Words come from the caller's `format`, so the same rows serve every language.
 */
import { formatPhone } from '../registration/phone-number.js';
import type { CsvCell } from './csv.js';
import type { FoundCamera } from './run-incident-search.js';
import { SortKey, sortRanked, Visibility, type RankedCamera } from './rank-cameras.js';
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

/** The printed sheet's columns, in order; `outcome` and `notes` are left blank to write in. */
export const SHEET_COLUMNS = [
  'order',
  'site',
  'cameras',
  'closest',
  'footage',
  'contact',
  'phone',
  'bestHours',
  'language',
  'logged',
  'outcome',
  'notes',
] as const;
export type SheetColumn = (typeof SHEET_COLUMNS)[number];

/** How the sheet's values become words in the caller's language and units. */
export interface CanvassSheetFormat {
  readonly headers: Readonly<Record<SheetColumn, string>>;
  visibility(value: Visibility): string;
  /** "1 camera", "3 cameras". */
  cameraCount(count: number): string;
  /** A distance with its unit and the compass direction from the incident: "26 ft E". */
  place(meters: number, bearingDegrees: number): string;
  /** A coded value's label (`field` is the schema field name). */
  domain(field: string, code: string | null | undefined): string;
  date(epochMs: number | null | undefined): string;
  /** The footage's state with how long is left or since when it is gone. */
  footageStatus(urgency: FootageUrgency, deadline: number | null): string;
}

/** One site on the sheet. */
export interface CanvassSheetRow {
  readonly siteGlobalId: string;
  /** The contact's phone as stored (E.164), for a `tel:` link; null when there is none. */
  readonly dial: string | null;
  /** The cells, in `SHEET_COLUMNS` order; text cells may hold a line break. */
  readonly cells: readonly CsvCell[];
}

/** The sheet: its header row and one row per site. */
export interface CanvassSheet {
  readonly header: readonly string[];
  readonly rows: readonly CanvassSheetRow[];
}

/**
 * One row per site, in the order its first camera appears in `cameras`: given the list as
 * shown, that is the site with the best-ranked camera first (or the nearest first when the
 * list is sorted by distance). Each site's cameras are named in the same order with what
 * each may see; the footage shown is the one to save first among the cameras that may see
 * the incident (among all of them when every one faces away).
 */
export function canvassSheet(
  cameras: readonly RankedCamera<FoundCamera>[],
  contacts: ReadonlyMap<string, ContactSummary>,
  format: CanvassSheetFormat,
): CanvassSheet {
  const bySite = new Map<string, RankedCamera<FoundCamera>[]>();
  for (const entry of cameras) {
    const group = bySite.get(entry.camera.siteGlobalId);
    if (group) group.push(entry);
    else bySite.set(entry.camera.siteGlobalId, [entry]);
  }
  const rows = [...bySite].map(([siteGlobalId, group], index): CanvassSheetRow => {
    // Every group holds at least the camera that created it.
    const first = group[0] as RankedCamera<FoundCamera>;
    const site = first.camera.site.attributes;
    const name = site.business_name ?? format.domain('site_type', site.site_type);
    const address = [site.address, site.unit].filter(Boolean).join(', ');
    const nearest = group.reduce((a, b) => (b.distanceMeters < a.distanceMeters ? b : a));
    const mayShow = group.filter((entry) => entry.visibility !== Visibility.Away);
    const footage = sortRanked(
      mayShow.length > 0 ? mayShow : group,
      SortKey.Deadline,
    )[0] as typeof first;
    const role = format.domain('contact_role', site.contact_role);
    const contactName = site.contact_name ?? '';
    const logged = contacts.get(siteGlobalId);
    const loggedDate = logged ? format.date(logged.contactedAt) : '';
    const values: Record<SheetColumn, CsvCell> = {
      order: index + 1,
      site: [name, address].filter(Boolean).join('\n'),
      cameras: `${format.cameraCount(group.length)}: ${group
        .map((entry) => {
          const sees = format.visibility(entry.visibility);
          return entry.camera.attributes.label
            ? `${entry.camera.attributes.label} — ${sees}`
            : sees;
        })
        .join('; ')}`,
      closest: format.place(nearest.distanceMeters, nearest.bearingFromIncidentDegrees),
      footage: format.footageStatus(footage.urgency, footage.footageDeadline),
      contact: contactName && role ? `${contactName} (${role})` : contactName || role,
      phone: site.phone ? formatPhone(site.phone) : '',
      bestHours: format.domain('best_hours', site.best_hours),
      language: format.domain('preferred_language', site.preferred_language),
      logged: logged
        ? [format.domain('outcome', logged.outcome), loggedDate].filter(Boolean).join(', ')
        : '',
      outcome: '',
      notes: '',
    };
    return {
      siteGlobalId,
      dial: site.phone ? site.phone : null,
      cells: SHEET_COLUMNS.map((column) => values[column]),
    };
  });
  return { header: SHEET_COLUMNS.map((column) => format.headers[column]), rows };
}

/** The 8-point compass sector of a bearing: 0 = N, 1 = NE, ... 7 = NW. */
export function compassSector(bearingDegrees: number): number {
  if (!Number.isFinite(bearingDegrees))
    throw new RangeError(`bearing must be finite, got ${bearingDegrees}`);
  const normalized = ((bearingDegrees % 360) + 360) % 360;
  return Math.round(normalized / 45) % 8;
}
