/**
 * One sheet row as a registration: cells read as the schema wants them (codes from codes or
 * labels in English or Spanish, phones in E.164, numbers from text, compass points as
 * bearings), then checked by the core validators the server runs on the source service.
 */
import { normalizePhone } from '../../core/registration/phone-number.js';
import { COMPASS_POINTS } from '../../core/registration/camera-view.js';
import { CAMERAS, SITES } from '../../core/schema/registry-schema.js';
import type { CodedDomain, FieldDef } from '../../core/schema/schema-types.js';
import {
  crossFieldIssues,
  IssueCode,
  validateAttributes,
  type AttributeValue,
} from '../../core/validation/validate-attributes.js';
import type { LonLat } from '../../core/registration/change-request.js';
import {
  CAMERA_COLUMNS,
  normalizeHeader,
  type ColumnMap,
  type Language,
} from './import-columns.js';
import type { Cell, SheetRow } from './read-sheet.js';

/** Problems an import finds beyond the validators' own issue codes. */
export const ImportIssueCode = {
  /** A row with no camera: a registration has at least one. */
  CameraRequired: 'CAMERA_REQUIRED',
  /** An earlier row of the same file has this form number. */
  DuplicateInFile: 'DUPLICATE_IN_FILE',
  /** The geocoder has no match good enough to place the address. */
  AddressNotFound: 'ADDRESS_NOT_FOUND',
  /** The geocoder matches the address equally well at places far apart. */
  AddressAmbiguous: 'ADDRESS_AMBIGUOUS',
  /** The service refused the registration without saying which field. */
  Refused: 'REFUSED',
} as const;
export type ImportIssueCode = (typeof ImportIssueCode)[keyof typeof ImportIssueCode];

/** One problem of one row: the column (`phone`, `camera2_mount`) and why. */
export interface RowIssue {
  readonly field: string;
  /** An `IssueCode`, an {@link ImportIssueCode}, or a code the service gave. */
  readonly code: string;
  readonly limit?: readonly number[];
  /** For a form number repeated in the file: the row that has it first. */
  readonly firstRow?: number;
}

export interface RowCamera {
  readonly number: number;
  readonly values: Readonly<Record<string, AttributeValue>>;
}

/** A row that passed the validators: values as they will be stored. */
export interface ValidRow {
  readonly rowNumber: number;
  readonly formNumber: string;
  /** Site values, without the reference, hash, location and channel the import adds. */
  readonly site: Readonly<Record<string, AttributeValue>>;
  /** Each camera given: its column group (`camera2_…` is 2) and values, without `site_guid`. */
  readonly cameras: readonly RowCamera[];
  /** The row's own coordinates, when it gives them (then the address is not geocoded). */
  readonly point: LonLat | null;
  /** The language of the resident's letter. */
  readonly language: Language;
}

export type RowResult =
  | { readonly ok: true; readonly row: ValidRow }
  | {
      readonly ok: false;
      readonly rowNumber: number;
      readonly formNumber: string | null;
      readonly issues: readonly RowIssue[];
    };

export interface RowDefaults {
  /** The agreement version printed on the forms, for rows without their own. */
  readonly consentVersion?: string;
}

// Validation needs a reference, a hash and a site; the real ones are made when stored.
const PLACEHOLDER_REFERENCE = '0000-0000-0000';
const PLACEHOLDER_HASH = '0'.repeat(64);
const PLACEHOLDER_SITE = '{00000000-0000-0000-0000-000000000000}';

const CROSS_FIELD_CODES: ReadonlySet<string> = new Set([
  IssueCode.ContactRequired,
  IssueCode.BusinessNameRequired,
  IssueCode.PreferredContactMissing,
]);

/** A cell as trimmed text; numbers as written (`8165550134`), blank as null. */
function text(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  const value = typeof cell === 'number' ? String(cell) : cell.trim();
  return value === '' ? null : value;
}

/** A number cell, or numeric text, as a number; anything else stays text (WRONG_TYPE). */
function numeric(cell: Cell | undefined): number | string | null {
  if (typeof cell === 'number') return cell;
  const value = text(cell);
  if (value === null) return null;
  // Decimal commas and thousands separators are refused rather than guessed at.
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** Normalized code, English and Spanish label → code; codes win over labels. */
function domainLookup(domain: CodedDomain): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const pass of ['code', 'en', 'es'] as const) {
    for (const value of domain.values) {
      const key = normalizeHeader(value[pass]);
      if (!lookup.has(key)) lookup.set(key, value.code);
    }
  }
  return lookup;
}

const LOOKUPS = new Map<string, Map<string, string>>();

function lookupOf(domain: CodedDomain): Map<string, string> {
  let lookup = LOOKUPS.get(domain.name);
  if (!lookup) {
    lookup = domainLookup(domain);
    LOOKUPS.set(domain.name, lookup);
  }
  return lookup;
}

/**
 * A coded cell as its code (or codes, for a multi-choice field: separated by commas,
 * semicolons, slashes or line breaks). What matches no code stays as written, so the
 * validator names it NOT_IN_DOMAIN.
 */
function coded(field: FieldDef, cell: Cell | undefined): string | null {
  const value = text(cell);
  if (value === null || !field.domain) return value;
  const lookup = lookupOf(field.domain);
  const parts = field.multi ? value.split(/[,;/\n]/).map((part) => part.trim()) : [value];
  const codes = parts
    .filter((part) => part !== '')
    .map((part) => lookup.get(normalizeHeader(part)));
  if (codes.length === 0) return null;
  return codes.every((code) => code !== undefined) ? codes.join(',') : value;
}

/** Compass points in English and Spanish, to bearings. */
const COMPASS = new Map<string, number>([
  ...COMPASS_POINTS.map((point) => [point.code.toLowerCase(), point.degrees] as const),
  ...(
    [
      ['north', 0],
      ['northeast', 45],
      ['east', 90],
      ['southeast', 135],
      ['south', 180],
      ['southwest', 225],
      ['west', 270],
      ['northwest', 315],
      ['norte', 0],
      ['noreste', 45],
      ['este', 90],
      ['sureste', 135],
      ['sur', 180],
      ['suroeste', 225],
      ['oeste', 270],
      ['noroeste', 315],
    ] as const
  ).map(([word, degrees]) => [word, degrees] as const),
]);
const UNKNOWN_BEARING = new Set(['unknown', 'notsure', 'nose', 'desconocido', '']);

/** A bearing in degrees, a compass point (`NE`, `Noreste`), or "not sure" (null). */
function bearing(cell: Cell | undefined): number | string | null {
  const value = numeric(cell);
  if (typeof value !== 'string') return value;
  const key = normalizeHeader(value);
  if (UNKNOWN_BEARING.has(key) || value === '?') return null;
  return COMPASS.get(key) ?? value;
}

function cellOf(cells: readonly Cell[], map: ColumnMap, name: string): Cell | undefined {
  const column = map.columns.get(name);
  return column === undefined ? undefined : cells[column.index];
}

/** The form number as stored and compared: trimmed, single spaces, upper case. */
export function normalizeFormNumber(typed: string): string {
  return typed.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** A site or camera value from its cell, read as its field wants. */
function valueOf(field: FieldDef, cell: Cell | undefined): unknown {
  if (field.name === 'phone') {
    const typed = text(cell);
    return typed === null ? null : (normalizePhone(typed) ?? typed);
  }
  if (field.name === 'view_bearing') return bearing(cell);
  if (field.domain) return coded(field, cell);
  if (field.type === 'string') return text(cell);
  return numeric(cell);
}

const SITE_FIELDS = SITES.fields.filter((field) =>
  [
    'form_number',
    'consent_version',
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
  ].includes(field.name),
);
const CAMERA_FIELDS = CAMERAS.fields.filter((field) =>
  (CAMERA_COLUMNS as readonly string[]).includes(field.name),
);

function coordinates(
  cells: readonly Cell[],
  map: ColumnMap,
): { point: LonLat | null; issues: RowIssue[] } {
  const lon = numeric(cellOf(cells, map, 'longitude'));
  const lat = numeric(cellOf(cells, map, 'latitude'));
  if (lon === null && lat === null) return { point: null, issues: [] };
  const issues: RowIssue[] = [];
  const check = (name: string, value: number | string | null, limit: number): void => {
    if (value === null) issues.push({ field: name, code: IssueCode.Required });
    else if (typeof value !== 'number') issues.push({ field: name, code: IssueCode.WrongType });
    else if (Math.abs(value) > limit)
      issues.push({ field: name, code: IssueCode.OutOfRange, limit: [-limit, limit] });
  };
  check('longitude', lon, 180);
  check('latitude', lat, 90);
  return issues.length > 0 || typeof lon !== 'number' || typeof lat !== 'number'
    ? { point: null, issues }
    : { point: { x: lon, y: lat }, issues };
}

function readCameras(
  cells: readonly Cell[],
  map: ColumnMap,
): { cameras: RowCamera[]; issues: RowIssue[] } {
  const cameras: RowCamera[] = [];
  const issues: RowIssue[] = [];
  for (let camera = 1; camera <= map.cameras; camera += 1) {
    const attributes: Record<string, unknown> = {};
    let given = false;
    for (const field of CAMERA_FIELDS) {
      const cell = cellOf(cells, map, `camera${camera}_${field.name}`);
      if (text(cell) !== null) given = true;
      attributes[field.name] = valueOf(field, cell);
    }
    if (!given) continue;
    const result = validateAttributes(
      CAMERAS,
      { ...attributes, site_guid: PLACEHOLDER_SITE },
      { view: 'source', mode: 'create' },
    );
    if (result.ok) {
      const { site_guid: _site, ...values } = result.value;
      cameras.push({ number: camera, values });
    } else {
      issues.push(
        ...result.issues.map((issue) => ({ ...issue, field: `camera${camera}_${issue.field}` })),
      );
    }
  }
  if (cameras.length === 0 && issues.length === 0)
    issues.push({ field: 'camera1_label', code: ImportIssueCode.CameraRequired });
  return { cameras, issues };
}

/** Reads and checks one row. */
export function readRow(sheetRow: SheetRow, map: ColumnMap, defaults: RowDefaults): RowResult {
  const { cells, rowNumber } = sheetRow;
  const typed: Record<string, unknown> = {};
  for (const field of SITE_FIELDS)
    typed[field.name] = valueOf(field, cellOf(cells, map, field.name));
  const formText = text(cellOf(cells, map, 'form_number'));
  const formNumber = formText === null ? null : normalizeFormNumber(formText);
  typed.form_number = formNumber;
  typed.consent_version ??= defaults.consentVersion ?? null;
  // A residence has no business name (as on the web form).
  if (typed.site_type === 'residence') typed.business_name = null;

  const issues: RowIssue[] = [];
  // Required by the import (the schema lets analysts' other entries leave it out).
  if (formNumber === null) issues.push({ field: 'form_number', code: IssueCode.Required });
  const site = validateAttributes(
    SITES,
    { ...typed, registration_ref: PLACEHOLDER_REFERENCE, manage_code_hash: PLACEHOLDER_HASH },
    { view: 'source', mode: 'create' },
  );
  if (!site.ok) issues.push(...site.issues.filter((issue) => !CROSS_FIELD_CODES.has(issue.code)));
  // The cross-field rules read what was written: a mistyped phone is still a phone to fix,
  // not a missing contact.
  issues.push(...crossFieldIssues(SITES, typed));
  const located = coordinates(cells, map);
  issues.push(...located.issues);
  const cameras = readCameras(cells, map);
  issues.push(...cameras.issues);

  if (!site.ok || issues.length > 0 || formNumber === null)
    return { ok: false, rowNumber, formNumber, issues };
  const { registration_ref: _reference, manage_code_hash: _hash, ...value } = site.value;
  return {
    ok: true,
    row: {
      rowNumber,
      formNumber,
      site: value,
      cameras: cameras.cameras,
      point: located.point,
      language: value.preferred_language === 'es' ? 'es' : 'en',
    },
  };
}
