/**
 * Changes to single cameras in a change request (`cameraChanges`), so a resident who cannot
 * read their registration back can change, add or remove one camera without restating the
 * others. Checked in two parts: {@link checkCameraChanges} needs only the payload (the widget
 * and the processors both run it); {@link resolveCameraChanges} matches it against the
 * cameras stored for the site (only the processors can).
 */
import { CAMERAS } from '../schema/registry-schema.js';
import { fieldsInView } from '../schema/views.js';
import type { CameraAttributes } from '../schema/registry-types.js';
import {
  IssueCode,
  validateAttributes,
  type AttributeValue,
  type ValidationIssue,
} from '../validation/validate-attributes.js';

/** A point in WGS84 longitude and latitude. */
interface Point {
  readonly x: number;
  readonly y: number;
}

/** Most entries in one request, and most cameras a site may have. */
export const MAX_CAMERAS = 50;

/**
 * Which stored camera an entry means: by its `label` as registered (case and extra spaces
 * do not matter), by its `position` (1 for the
 * first camera registered), or both (then both must name the same camera; a label two
 * cameras share needs the position).
 */
export interface CameraMatch {
  readonly label?: string;
  readonly position?: number;
}

/**
 * One entry of `cameraChanges`, one of:
 * - `{ match, set?, location? }`: change only the named fields (and point) of one camera;
 * - `{ match, remove: true }`: remove one camera;
 * - `{ add: { attributes, location } }`: add a camera, stated in full.
 */
export interface CameraChange {
  readonly match?: CameraMatch;
  readonly set?: Partial<CameraAttributes>;
  readonly location?: Point;
  readonly remove?: boolean;
  readonly add?: { readonly attributes: Partial<CameraAttributes>; readonly location: Point };
}

/** An entry after {@link checkCameraChanges}: values as the schema stores them. */
export type CheckedCameraChange =
  | {
      readonly kind: 'update';
      readonly match: CameraMatch;
      readonly set: Record<string, AttributeValue>;
      readonly location?: Point;
    }
  | { readonly kind: 'remove'; readonly match: CameraMatch }
  | {
      readonly kind: 'add';
      readonly attributes: Record<string, AttributeValue>;
      readonly location: Point;
    };

/** A camera as stored for the site: its OBJECTID and attributes. */
export interface StoredCamera {
  readonly id: number;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** What the resolved entries do to the stored cameras, by OBJECTID. */
export interface CameraEdits {
  readonly updates: readonly {
    readonly id: number;
    readonly attributes: Record<string, AttributeValue>;
    readonly location?: Point;
  }[];
  readonly adds: readonly {
    readonly attributes: Record<string, AttributeValue>;
    readonly location: Point;
  }[];
  readonly deletes: readonly number[];
}

type Result<T> = { ok: true; value: T } | { ok: false; issues: readonly ValidationIssue[] };

// Validation needs a site GUID; the processor attaches the real one.
const PLACEHOLDER_SITE = '{00000000-0000-0000-0000-000000000000}';

/** The camera fields a resident states (what the public view may write, but the site). */
const RESIDENT_FIELDS: readonly string[] = fieldsInView(CAMERAS, 'public')
  .filter((f) => f.editable && f.name !== 'site_guid')
  .map((f) => f.name);

export function validPoint(value: unknown): value is Point {
  const p = value as Point | undefined;
  return (
    typeof p?.x === 'number' &&
    typeof p.y === 'number' &&
    Math.abs(p.x) <= 180 &&
    Math.abs(p.y) <= 90
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkMatch(match: unknown, at: string, issues: ValidationIssue[]): CameraMatch | null {
  if (!isObject(match)) {
    issues.push({ field: `${at}.match`, code: IssueCode.Required });
    return null;
  }
  const { label, position } = match;
  const before = issues.length;
  if (label !== undefined && (typeof label !== 'string' || label.trim() === ''))
    issues.push({ field: `${at}.match.label`, code: IssueCode.WrongType });
  if (
    position !== undefined &&
    (typeof position !== 'number' || !Number.isInteger(position) || position < 1)
  )
    issues.push({ field: `${at}.match.position`, code: IssueCode.WrongType });
  if (label === undefined && position === undefined)
    issues.push({ field: `${at}.match.label`, code: IssueCode.Required });
  if (issues.length > before) return null;
  return {
    ...(typeof label === 'string' ? { label: label.trim() } : {}),
    ...(typeof position === 'number' ? { position } : {}),
  };
}

function checkEntry(
  entry: unknown,
  at: string,
  issues: ValidationIssue[],
): CheckedCameraChange | null {
  if (!isObject(entry)) {
    issues.push({ field: at, code: IssueCode.WrongType });
    return null;
  }
  const before = issues.length;
  if (entry.add !== undefined) {
    // An added camera is stated in full, as at registration; it names no stored camera.
    for (const key of ['match', 'set', 'location', 'remove'])
      if (entry[key] !== undefined) issues.push({ field: `${at}.${key}`, code: 'NOT_EDITABLE' });
    const add = isObject(entry.add) ? entry.add : {};
    const result = validateAttributes(
      CAMERAS,
      { ...(isObject(add.attributes) ? add.attributes : {}), site_guid: PLACEHOLDER_SITE },
      { view: 'public', mode: 'create' },
    );
    if (!result.ok)
      issues.push(...result.issues.map((i) => ({ ...i, field: `${at}.add.${i.field}` })));
    if (!validPoint(add.location))
      issues.push({ field: `${at}.add.location`, code: IssueCode.WrongType });
    if (issues.length > before || !result.ok || !validPoint(add.location)) return null;
    const { site_guid: _placeholder, ...attributes } = result.value;
    return { kind: 'add', attributes, location: add.location };
  }
  const match = checkMatch(entry.match, at, issues);
  if (entry.remove !== undefined && entry.remove !== true)
    issues.push({ field: `${at}.remove`, code: IssueCode.WrongType });
  if (entry.remove === true) {
    for (const key of ['set', 'location'])
      if (entry[key] !== undefined) issues.push({ field: `${at}.${key}`, code: 'NOT_EDITABLE' });
    return match && issues.length === before ? { kind: 'remove', match } : null;
  }
  const set = entry.set ?? {};
  if (!isObject(set)) {
    issues.push({ field: `${at}.set`, code: IssueCode.WrongType });
    return null;
  }
  if (Object.keys(set).length === 0 && entry.location === undefined)
    issues.push({ field: `${at}.set`, code: IssueCode.Required });
  if ('site_guid' in set) issues.push({ field: `${at}.set.site_guid`, code: 'NOT_EDITABLE' });
  const { site_guid: _moved, ...fields } = set;
  const result = validateAttributes(CAMERAS, fields, { view: 'public', mode: 'patch' });
  if (!result.ok)
    issues.push(...result.issues.map((i) => ({ ...i, field: `${at}.set.${i.field}` })));
  if (entry.location !== undefined && !validPoint(entry.location))
    issues.push({ field: `${at}.location`, code: IssueCode.WrongType });
  if (!match || !result.ok || issues.length > before) return null;
  return {
    kind: 'update',
    match,
    set: result.value,
    ...(validPoint(entry.location) ? { location: entry.location } : {}),
  };
}

/**
 * Checks `cameraChanges` without the stored cameras: its shape, each entry's values against
 * the camera schema (fields a resident may not write are refused by name). Issues name the
 * entry: `cameraChanges[1].set.retention_days`.
 */
export function checkCameraChanges(raw: unknown): Result<readonly CheckedCameraChange[]> {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_CAMERAS)
    return {
      ok: false,
      issues: [{ field: 'cameraChanges', code: IssueCode.OutOfRange, limit: [1, MAX_CAMERAS] }],
    };
  const issues: ValidationIssue[] = [];
  const checked = raw.map((entry, index) => checkEntry(entry, `cameraChanges[${index}]`, issues));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: checked.filter((c) => c !== null) };
}

/** Labels compared as a person would read them: trimmed, spaces collapsed, any case. */
function sameLabel(a: unknown, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
  return typeof a === 'string' && norm(a) === norm(b);
}

function find(
  cameras: readonly StoredCamera[],
  match: CameraMatch,
  at: string,
): StoredCamera | ValidationIssue {
  const byPosition = match.position === undefined ? undefined : cameras[match.position - 1];
  if (match.position !== undefined && !byPosition)
    return {
      field: `${at}.match.position`,
      code: IssueCode.OutOfRange,
      limit: [1, cameras.length],
    };
  if (match.label === undefined) return byPosition as StoredCamera;
  const label = match.label;
  const named = cameras.filter((c) => sameLabel(c.attributes.label, label));
  if (byPosition)
    return named.includes(byPosition)
      ? byPosition
      : { field: `${at}.match.label`, code: IssueCode.NotInDomain };
  if (named.length === 0) return { field: `${at}.match.label`, code: IssueCode.NotInDomain };
  // Two cameras share the name: the position must say which.
  if (named.length > 1) return { field: `${at}.match.position`, code: IssueCode.Required };
  return named[0] as StoredCamera;
}

/** The fields a resident states, as stored, for checking a camera as a whole. */
function residentValues(attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    RESIDENT_FIELDS.filter((name) => attributes[name] !== undefined).map((name) => [
      name,
      attributes[name],
    ]),
  );
}

/**
 * Matches checked entries against the site's stored cameras (first registered first) and
 * says what to write. Refused, with issues, when an entry names no camera or one an earlier
 * entry already named, when a changed camera would not be valid as a whole, or when the site
 * would be left with no cameras or more than {@link MAX_CAMERAS}.
 */
export function resolveCameraChanges(
  stored: readonly StoredCamera[],
  changes: readonly CheckedCameraChange[],
): Result<CameraEdits> {
  const cameras = [...stored].sort((a, b) => a.id - b.id);
  const issues: ValidationIssue[] = [];
  const named = new Set<number>();
  const updates: CameraEdits['updates'][number][] = [];
  const adds: CameraEdits['adds'][number][] = [];
  const deletes: number[] = [];
  changes.forEach((change, index) => {
    const at = `cameraChanges[${index}]`;
    if (change.kind === 'add') {
      adds.push({ attributes: change.attributes, location: change.location });
      return;
    }
    const found = find(cameras, change.match, at);
    if (!('id' in found)) return void issues.push(found);
    if (named.has(found.id))
      return void issues.push({ field: `${at}.match`, code: IssueCode.InvalidFormat });
    named.add(found.id);
    if (change.kind === 'remove') return void deletes.push(found.id);
    const whole = validateAttributes(
      CAMERAS,
      { ...residentValues(found.attributes), ...change.set, site_guid: PLACEHOLDER_SITE },
      { view: 'public', mode: 'create' },
    );
    if (!whole.ok)
      return void issues.push(
        ...whole.issues.map((i) => ({ ...i, field: `${at}.set.${i.field}` })),
      );
    updates.push({
      id: found.id,
      attributes: change.set,
      ...(change.location ? { location: change.location } : {}),
    });
  });
  const count = cameras.length - deletes.length + adds.length;
  if (issues.length === 0 && (count < 1 || count > MAX_CAMERAS))
    issues.push({ field: 'cameras', code: IssueCode.OutOfRange, limit: [1, MAX_CAMERAS] });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { updates, adds, deletes } };
}
