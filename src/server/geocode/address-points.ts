import { parse } from 'csv-parse/sync';
import { AppError, ErrorCode } from '../../core/errors.js';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';
import { buildPointTree, type PointTree } from './point-tree.js';

/** One address point to load: a house number on a street, with its WGS84 position. */
export interface AddressPointInput {
  /** Kept when given (synthetic points), otherwise SQLite assigns one. */
  readonly id?: number;
  /** House number: `1234`, or text such as `1234A`. */
  readonly number: number | string;
  /** Street with its directional and type as the city writes it: `S Noland Rd`. */
  readonly street: string;
  readonly unit?: string | null;
  readonly city: string;
  /** Two-letter state code. */
  readonly state: string;
  readonly zip?: string | null;
  /** Longitude, WGS84. */
  readonly x: number;
  /** Latitude, WGS84. */
  readonly y: number;
}

/** A stored address point, as the geocoder reads it. */
export interface AddressPointRow {
  readonly id: number;
  readonly number: string;
  readonly street: string;
  readonly unit: string | null;
  readonly city: string;
  readonly state: string;
  readonly zip: string | null;
  readonly full_address: string;
  readonly normalized: string;
  readonly x: number;
  readonly y: number;
}

// ---------------------------------------------------------------------------------------
// Normalization: both the stored points and every query go through the same functions, so
// "1234 south noland road" and "1234 S Noland Rd" meet at "1234 S NOLAND RD".
// ---------------------------------------------------------------------------------------

/** Directionals, spelled out or abbreviated, to their USPS abbreviation. */
export const DIRECTIONALS: Readonly<Record<string, string>> = {
  N: 'N',
  S: 'S',
  E: 'E',
  W: 'W',
  NE: 'NE',
  NW: 'NW',
  SE: 'SE',
  SW: 'SW',
  NORTH: 'N',
  SOUTH: 'S',
  EAST: 'E',
  WEST: 'W',
  NORTHEAST: 'NE',
  NORTHWEST: 'NW',
  SOUTHEAST: 'SE',
  SOUTHWEST: 'SW',
};

/** Street types (USPS Publication 28 suffixes, the common ones) to their abbreviation. */
export const STREET_TYPES: Readonly<Record<string, string>> = {
  ST: 'ST',
  STR: 'ST',
  STREET: 'ST',
  RD: 'RD',
  ROAD: 'RD',
  AVE: 'AVE',
  AV: 'AVE',
  AVEN: 'AVE',
  AVENUE: 'AVE',
  DR: 'DR',
  DRV: 'DR',
  DRIVE: 'DR',
  BLVD: 'BLVD',
  BOUL: 'BLVD',
  BOULEVARD: 'BLVD',
  LN: 'LN',
  LANE: 'LN',
  CT: 'CT',
  CRT: 'CT',
  COURT: 'CT',
  PL: 'PL',
  PLACE: 'PL',
  PKWY: 'PKWY',
  PKY: 'PKWY',
  PARKWAY: 'PKWY',
  TER: 'TER',
  TERR: 'TER',
  TERRACE: 'TER',
  CIR: 'CIR',
  CIRCLE: 'CIR',
  HWY: 'HWY',
  HIGHWAY: 'HWY',
  TRL: 'TRL',
  TRAIL: 'TRL',
  WAY: 'WAY',
  WY: 'WAY',
  PLZ: 'PLZ',
  PLAZA: 'PLZ',
  SQ: 'SQ',
  SQUARE: 'SQ',
  CV: 'CV',
  COVE: 'CV',
  LOOP: 'LOOP',
  RUN: 'RUN',
  PATH: 'PATH',
  PASS: 'PASS',
  ROW: 'ROW',
  XING: 'XING',
  CROSSING: 'XING',
  EXPY: 'EXPY',
  EXPRESSWAY: 'EXPY',
};

/** Words that introduce a unit; all become `UNIT`. */
const UNIT_WORDS = new Set([
  'UNIT',
  'APT',
  'APARTMENT',
  'STE',
  'SUITE',
  'RM',
  'ROOM',
  'LOT',
  'SPC',
  'SPACE',
  '#',
]);

function ordinal(n: string): string {
  const value = Number(n) % 100;
  if (value >= 11 && value <= 13) return `${n}TH`;
  switch (value % 10) {
    case 1:
      return `${n}ST`;
    case 2:
      return `${n}ND`;
    case 3:
      return `${n}RD`;
    default:
      return `${n}TH`;
  }
}

/**
 * Upper-cases `text`, drops apostrophes (`Lee's` → `LEES`), turns other punctuation into
 * spaces and splits it into tokens, keeping `#` as its own token.
 */
export function rawTokens(text: string): string[] {
  return text
    .toUpperCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/#/g, ' # ')
    .replace(/[^A-Z0-9# ]+/g, ' ')
    .split(' ')
    .filter((token) => token !== '');
}

/**
 * Tokens of an address line in canonical form: directionals and street types abbreviated
 * (`North` → `N`, `Road` → `RD`), unit words as `UNIT`, and a bare number before a street
 * type made ordinal (`E 23 St` → `E 23RD ST`).
 */
export function normalizeTokens(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (UNIT_WORDS.has(token)) {
      if (out[out.length - 1] !== 'UNIT') out.push('UNIT');
      continue;
    }
    const next = tokens[i + 1];
    if (
      i > 0 &&
      /^\d+$/.test(token) &&
      next !== undefined &&
      STREET_TYPES[next] &&
      out[out.length - 1] !== 'UNIT'
    ) {
      out.push(ordinal(token));
      continue;
    }
    out.push(DIRECTIONALS[token] ?? STREET_TYPES[token] ?? token);
  }
  // A trailing "UNIT" with no value says nothing.
  if (out[out.length - 1] === 'UNIT') out.pop();
  return out;
}

/** `normalizeTokens(rawTokens(text)).join(' ')`. */
export function normalizeText(text: string): string {
  return normalizeTokens(rawTokens(text)).join(' ');
}

/** A street split into its parts, all in canonical form. */
export interface StreetParts {
  readonly preDir: string;
  readonly name: string;
  readonly type: string;
  readonly postDir: string;
}

/** Splits canonical street tokens (`S NOLAND RD`) into directional, name, type, directional. */
export function streetParts(tokens: readonly string[]): StreetParts {
  let start = 0;
  let end = tokens.length;
  let preDir = '';
  let type = '';
  let postDir = '';
  const isDir = (t: string | undefined): t is string => t !== undefined && DIRECTIONALS[t] === t;
  const isType = (t: string | undefined): t is string => t !== undefined && STREET_TYPES[t] === t;
  if (end - start > 1 && isDir(tokens[start])) preDir = tokens[start++] as string;
  if (end - start > 1 && isDir(tokens[end - 1]) && isType(tokens[end - 2]))
    postDir = tokens[--end] as string;
  if (end - start > 1 && isType(tokens[end - 1])) type = tokens[--end] as string;
  return { preDir, name: tokens.slice(start, end).join(' '), type, postDir };
}

/** A unit without its designator word, canonical: `Apt 2b` → `2B`; empty when none. */
export function normalizeUnit(unit: string | null | undefined): string {
  return unit
    ? rawTokens(unit)
        .filter((token) => !UNIT_WORDS.has(token))
        .join(' ')
    : '';
}

/** The canonical key of an address: number, street and unit (`1234 S NOLAND RD UNIT 2`). */
export function normalizeAddress(number: string, street: string, unit?: string | null): string {
  const parts = [rawTokens(number).join(''), normalizeText(street)];
  const canonicalUnit = normalizeUnit(unit);
  if (canonicalUnit) parts.push('UNIT', canonicalUnit);
  return parts.join(' ');
}

/** The street line as people write it: `1234 S Noland Rd` or `1234 S Noland Rd Unit 2`. */
export function formatStreetLine(point: {
  number: string | number;
  street: string;
  unit?: string | null;
}): string {
  const unit = point.unit?.trim();
  const line = `${String(point.number).trim()} ${point.street.trim()}`;
  if (!unit) return line;
  return /^(#|apt|apartment|unit|ste|suite|lot|rm|room|spc|space)\b/i.test(unit)
    ? `${line} ${unit}`
    : `${line} Unit ${unit}`;
}

/** The single-line address: `1234 S Noland Rd, Independence, MO 64055`. */
export function formatAddress(point: {
  number: string | number;
  street: string;
  unit?: string | null;
  city: string;
  state: string;
  zip?: string | null;
}): string {
  const last = [point.state.trim(), point.zip?.trim()].filter(Boolean).join(' ');
  return `${formatStreetLine(point)}, ${point.city.trim()}, ${last}`;
}

// ---------------------------------------------------------------------------------------
// Schema and loading
// ---------------------------------------------------------------------------------------

const GEOCODE_DDL = [
  `CREATE TABLE IF NOT EXISTS address_points (
     id INTEGER PRIMARY KEY,
     number TEXT NOT NULL,
     street TEXT NOT NULL,
     unit TEXT,
     city TEXT NOT NULL,
     state TEXT NOT NULL,
     zip TEXT,
     full_address TEXT NOT NULL,
     normalized TEXT NOT NULL,
     x REAL NOT NULL,
     y REAL NOT NULL
   )`,
  // Leading-prefix search ("1234 S NOL...") and exact matches use this B-tree.
  'CREATE INDEX IF NOT EXISTS address_points_normalized ON address_points(normalized)',
  'CREATE INDEX IF NOT EXISTS address_points_number ON address_points(number)',
  'CREATE INDEX IF NOT EXISTS address_points_street ON address_points(street, city)',
  // Token search anywhere in the address ("noland", "1234 nol") uses FTS5 over the same
  // canonical text, kept in step with the table by triggers (external content).
  `CREATE VIRTUAL TABLE IF NOT EXISTS address_points_fts USING fts5(
     normalized, content='address_points', content_rowid='id', tokenize='unicode61', prefix='1 2 3'
   )`,
  'CREATE VIRTUAL TABLE IF NOT EXISTS address_points_rtree USING rtree(id, minx, maxx, miny, maxy)',
  `CREATE TRIGGER IF NOT EXISTS address_points_insert AFTER INSERT ON address_points BEGIN
     INSERT INTO address_points_fts(rowid, normalized) VALUES (NEW.id, NEW.normalized);
     INSERT INTO address_points_rtree VALUES (NEW.id, NEW.x, NEW.x, NEW.y, NEW.y);
   END`,
  `CREATE TRIGGER IF NOT EXISTS address_points_delete AFTER DELETE ON address_points BEGIN
     INSERT INTO address_points_fts(address_points_fts, rowid, normalized) VALUES ('delete', OLD.id, OLD.normalized);
     DELETE FROM address_points_rtree WHERE id = OLD.id;
   END`,
  `CREATE TRIGGER IF NOT EXISTS address_points_update AFTER UPDATE ON address_points BEGIN
     INSERT INTO address_points_fts(address_points_fts, rowid, normalized) VALUES ('delete', OLD.id, OLD.normalized);
     INSERT INTO address_points_fts(rowid, normalized) VALUES (NEW.id, NEW.normalized);
     DELETE FROM address_points_rtree WHERE id = OLD.id;
     INSERT INTO address_points_rtree VALUES (NEW.id, NEW.x, NEW.x, NEW.y, NEW.y);
   END`,
];

/**
 * Creates the geocoder's tables: `address_points`, a B-tree on the canonical address for
 * prefix and exact search, an FTS5 index for token search and an R*Tree for reverse
 * geocoding. Safe to run on every start.
 */
export function ensureGeocodeSchema(db: Database): void {
  const run = (): void => {
    for (const statement of GEOCODE_DDL) db.exec(statement);
  };
  if (db.isTransaction) run();
  else inWriteTransaction(db, run);
}

/** A street of one city, as the geocoder matches and suggests it. */
export interface KnownStreet {
  /** The smallest id of its points (a suggestion's magicKey). */
  readonly id: number;
  /** As stored: `S Noland Rd`. */
  readonly street: string;
  readonly city: string;
  readonly state: string;
  /** Its canonical words: `['S', 'NOLAND', 'RD']`. */
  readonly words: readonly string[];
  /** How many points it has, and their extent. */
  readonly count: number;
  readonly xmin: number;
  readonly ymin: number;
  readonly xmax: number;
  readonly ymax: number;
}

interface Gazetteer {
  /** `PRAGMA data_version` when read: it changes when another connection commits. */
  readonly version: number;
  cities?: ReadonlySet<string>;
  streets?: readonly KnownStreet[];
  points?: PointTree;
}

/**
 * Cities, streets and point positions known to the geocoder, per connection: read once,
 * dropped whenever points load here or another connection (the loading CLI) commits.
 */
const gazetteers = new WeakMap<Database, Gazetteer>();

function gazetteer(db: Database): Gazetteer {
  const { data_version: version } = prepared(db, 'PRAGMA data_version').get() as {
    data_version: number;
  };
  let found = gazetteers.get(db);
  if (found?.version !== version) {
    found = { version };
    gazetteers.set(db, found);
  }
  return found;
}

/** Canonical names of the cities that have address points (`INDEPENDENCE`). */
export function knownCities(db: Database): ReadonlySet<string> {
  const known = gazetteer(db);
  if (!known.cities) {
    const rows = prepared(db, 'SELECT DISTINCT city FROM address_points').all() as {
      city: string;
    }[];
    known.cities = new Set(rows.map((row) => normalizeText(row.city)));
  }
  return known.cities;
}

/**
 * Every street (street and city) that has address points, ordered by street and city. A
 * city has thousands of streets but may have hundreds of thousands of points, so streets
 * are matched here rather than through the points' full-text index.
 */
export function knownStreets(db: Database): readonly KnownStreet[] {
  const known = gazetteer(db);
  if (!known.streets) {
    const rows = prepared(
      db,
      `SELECT min(id) AS id, street, city, min(state) AS state, count(*) AS count,
              min(x) AS xmin, min(y) AS ymin, max(x) AS xmax, max(y) AS ymax
         FROM address_points GROUP BY street, city ORDER BY street, city`,
    ).all() as unknown as Omit<KnownStreet, 'words'>[];
    known.streets = rows.map((row) => ({ ...row, words: normalizeText(row.street).split(' ') }));
  }
  return known.streets;
}

/** Every address point's position in a tree for nearest-point search. */
export function knownPointTree(db: Database): PointTree {
  const known = gazetteer(db);
  known.points ??= buildPointTree(
    prepared(db, 'SELECT id, x, y FROM address_points').all() as unknown as {
      id: number;
      x: number;
      y: number;
    }[],
  );
  return known.points;
}

const INSERT_POINT = `INSERT INTO address_points
  (id, number, street, unit, city, state, zip, full_address, normalized, x, y)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Deletes every address point (with their FTS and R*Tree entries). */
export function clearAddressPoints(db: Database): void {
  const run = (): void => {
    db.exec('DELETE FROM address_points');
  };
  if (db.isTransaction) run();
  else inWriteTransaction(db, run);
  gazetteers.delete(db);
}

/**
 * Loads address points in one transaction (or the caller's). Values are trimmed and the
 * canonical key computed here; the points are trusted to be valid (see
 * {@link loadAddressPointsCsv} for checked input). Returns how many were inserted.
 */
export function loadAddressPoints(db: Database, points: Iterable<AddressPointInput>): number {
  const insert = prepared(db, INSERT_POINT);
  const run = (): number => {
    let count = 0;
    for (const point of points) {
      const number = String(point.number).trim();
      const street = point.street.trim().replace(/\s+/g, ' ');
      const unit = point.unit?.trim() || null;
      const city = point.city.trim();
      const state = point.state.trim().toUpperCase();
      const zip = point.zip?.trim() || null;
      insert.run(
        point.id ?? null,
        number,
        street,
        unit,
        city,
        state,
        zip,
        formatAddress({ number, street, unit, city, state, zip }),
        normalizeAddress(number, street, unit),
        point.x,
        point.y,
      );
      count++;
    }
    return count;
  };
  try {
    return db.isTransaction ? run() : inWriteTransaction(db, run);
  } finally {
    gazetteers.delete(db);
  }
}

/** Our fields of an address point, each mapped to a CSV column header. */
export type AddressColumn =
  'number' | 'street' | 'unit' | 'city' | 'state' | 'zip' | 'x' | 'y' | 'address';
export type AddressColumnMap = Partial<Record<AddressColumn, string>>;

/** Headers recognized when no column map is given (compared case-insensitively). */
const DEFAULT_HEADERS: Readonly<Record<AddressColumn, readonly string[]>> = {
  number: [
    'number',
    'addnum',
    'add_number',
    'address_number',
    'house_number',
    'housenumber',
    'house_num',
    'addr_num',
    'st_num',
  ],
  street: [
    'street',
    'street_name',
    'streetname',
    'full_street',
    'fullname',
    'full_street_name',
    'st_name',
  ],
  unit: ['unit', 'unit_number', 'apt', 'suite', 'subaddress'],
  city: ['city', 'municipality', 'place', 'city_name', 'postal_city'],
  state: ['state', 'region', 'state_code', 'st'],
  zip: ['zip', 'zipcode', 'zip_code', 'postal', 'postal_code', 'postcode'],
  x: ['x', 'lon', 'long', 'lng', 'longitude'],
  y: ['y', 'lat', 'latitude'],
  // A whole street line ("1234 S Noland Rd"), used when there is no number column.
  address: ['address', 'street_address', 'address_line', 'addr', 'full_address'],
};

export interface RejectedRow {
  /** Line of the CSV text the row ends on (the header is line 1). */
  readonly line: number;
  readonly reason: string;
}

export interface CsvLoadResult {
  readonly loaded: number;
  readonly rejected: readonly RejectedRow[];
}

export interface CsvLoadOptions {
  /** Delete every existing address point first (in the same transaction). */
  readonly replace?: boolean;
  /** Load nothing when any row is rejected. */
  readonly strict?: boolean;
  /** City and state for rows (or files) without them, e.g. `{ city: 'Independence', state: 'MO' }`. */
  readonly defaults?: { readonly city?: string; readonly state?: string };
}

function resolveColumns(
  headers: readonly string[],
  columnMap: AddressColumnMap | undefined,
): Partial<Record<AddressColumn, string>> {
  const byLower = new Map(headers.map((header) => [header.trim().toLowerCase(), header]));
  const resolved: Partial<Record<AddressColumn, string>> = {};
  for (const column of Object.keys(DEFAULT_HEADERS) as AddressColumn[]) {
    const wanted = columnMap?.[column];
    if (wanted !== undefined) {
      const header = byLower.get(wanted.trim().toLowerCase());
      if (!header)
        throw new AppError(
          ErrorCode.InvalidInput,
          `The CSV has no column "${wanted}" (mapped to ${column}).`,
        );
      resolved[column] = header;
      continue;
    }
    const header = DEFAULT_HEADERS[column]
      .map((name) => byLower.get(name))
      .find((found) => found !== undefined);
    if (header) resolved[column] = header;
  }
  return resolved;
}

const NUMBER_PATTERN = /^\d{1,6}(?:[A-Z]|-\d{1,4}|\s1\/2)?$/i;
const STATE_PATTERN = /^[A-Z]{2}$/;
const ZIP_PATTERN = /^\d{5}(?:-\d{4})?$/;

/**
 * Loads a city's own address points from CSV text (a header row, then one point a row),
 * e.g. `number,street,city,state,zip,x,y` or with `lon`/`lat`. Columns are found by common
 * header names unless `columnMap` names them. A row is rejected, with its line number and
 * the reason, when its number, street, state, ZIP or coordinates are missing or malformed,
 * or when it repeats an earlier row; the other rows load in one transaction.
 */
export function loadAddressPointsCsv(
  db: Database,
  csvText: string,
  columnMap?: AddressColumnMap,
  options: CsvLoadOptions = {},
): CsvLoadResult {
  let rows: { record: Record<string, string>; info: { lines: number; error?: unknown } }[];
  try {
    rows = parse(csvText, {
      columns: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new AppError(
      ErrorCode.InvalidInput,
      `The CSV could not be read${line ? ` (line ${line})` : ''}: ${(error as Error).message}`,
      [],
      { cause: error },
    );
  }
  const firstLine = csvText.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const headers = rows[0]
    ? Object.keys(rows[0].record)
    : ((parse(firstLine, { bom: true, trim: true })[0] as string[] | undefined) ?? []);
  const columns = resolveColumns(headers, columnMap);
  const missing: string[] = [];
  if (!columns.number && !columns.address) missing.push('number (or address)');
  if (!columns.street && !columns.address) missing.push('street (or address)');
  if (!columns.x) missing.push('x (or lon)');
  if (!columns.y) missing.push('y (or lat)');
  if (!columns.city && !options.defaults?.city) missing.push('city');
  if (!columns.state && !options.defaults?.state) missing.push('state');
  if (missing.length > 0) {
    throw new AppError(
      ErrorCode.InvalidInput,
      `The CSV is missing columns: ${missing.join(', ')}.`,
    );
  }

  const valid: (AddressPointInput & { line: number })[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    if (info.error) {
      rejected.push({ line, reason: `expected ${headers.length} columns` });
      continue;
    }
    const get = (column: AddressColumn): string =>
      columns[column] ? (record[columns[column]] ?? '').trim() : '';
    let number = get('number');
    let street = get('street').replace(/\s+/g, ' ');
    if ((!number || !street) && get('address')) {
      const match = /^(\S+)\s+(.+)$/.exec(get('address').replace(/\s+/g, ' '));
      if (match) {
        number ||= match[1] as string;
        street ||= match[2] as string;
      }
    }
    const city = get('city') || options.defaults?.city?.trim() || '';
    const state = (get('state') || options.defaults?.state || '').trim().toUpperCase();
    const zip = get('zip');
    const xText = get('x');
    const yText = get('y');
    const x = Number(xText);
    const y = Number(yText);
    const problems: string[] = [];
    if (!NUMBER_PATTERN.test(number))
      problems.push(
        number ? `house number "${number}" is not a number` : 'house number is missing',
      );
    if (!street) problems.push('street is missing');
    else if (street.length > 100) problems.push('street is longer than 100 characters');
    else if (!/[A-Za-z]/.test(street)) problems.push(`street "${street}" has no letters`);
    if (!city) problems.push('city is missing');
    if (!STATE_PATTERN.test(state))
      problems.push(state ? `state "${state}" is not a two-letter code` : 'state is missing');
    if (zip && !ZIP_PATTERN.test(zip)) problems.push(`ZIP "${zip}" is not 5 digits (or ZIP+4)`);
    if (xText === '' || !Number.isFinite(x) || x < -180 || x > 180)
      problems.push(`x (longitude) "${xText}" is not between -180 and 180`);
    if (yText === '' || !Number.isFinite(y) || y < -90 || y > 90)
      problems.push(`y (latitude) "${yText}" is not between -90 and 90`);
    if (problems.length > 0) {
      rejected.push({ line, reason: problems.join('; ') });
      continue;
    }
    const unit = get('unit') || null;
    const key = `${normalizeAddress(number, street, unit)}|${normalizeText(city)}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      rejected.push({ line, reason: `repeats the address on line ${earlier}` });
      continue;
    }
    seen.set(key, line);
    valid.push({
      line,
      number: number.toUpperCase(),
      street,
      unit,
      city,
      state,
      zip: zip || null,
      x,
      y,
    });
  }

  if (options.strict && rejected.length > 0) return { loaded: 0, rejected };
  const loaded = inWriteTransaction(db, () => {
    if (options.replace) clearAddressPoints(db);
    return loadAddressPoints(db, valid);
  });
  return { loaded, rejected };
}

/** How many address points the geocoder holds. */
export function countAddressPoints(db: Database): number {
  return Number(
    (prepared(db, 'SELECT count(*) AS n FROM address_points').get() as { n: number }).n,
  );
}
