/**
 * A small ArcGIS-compatible geocode service over the `address_points` table: the JSON of
 * a GeocodeServer resource and its findAddressCandidates, suggest and reverseGeocode
 * operations, as pure functions of the database and the request parameters.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/geocode-service/
 */
import { AppError, ErrorCode } from '../../core/errors.js';
import { prepared, type Database } from '../db/open-database.js';
import {
  DIRECTIONALS,
  STREET_TYPES,
  formatStreetLine,
  knownCities,
  knownPointTree,
  knownStreets,
  normalizeText,
  normalizeTokens,
  normalizeUnit,
  rawTokens,
  streetParts,
  type AddressPointRow,
  type KnownStreet,
  type StreetParts,
} from './address-points.js';
import { nearestPointIds } from './point-tree.js';
import { similarity } from './similarity.js';

export type GeocodeParams = Readonly<Record<string, string | undefined>>;

export interface SpatialReferenceJson {
  readonly wkid: 4326;
  readonly latestWkid: 4326;
}

export interface GeocodeCandidate {
  readonly address: string;
  readonly location: { readonly x: number; readonly y: number };
  readonly score: number;
  readonly attributes: Record<string, string | number>;
  readonly extent: {
    readonly xmin: number;
    readonly ymin: number;
    readonly xmax: number;
    readonly ymax: number;
  };
}

export interface FindAddressCandidatesResponse {
  readonly spatialReference: SpatialReferenceJson;
  readonly candidates: GeocodeCandidate[];
}

export interface SuggestResponse {
  readonly suggestions: {
    readonly text: string;
    readonly magicKey: string;
    readonly isCollection: false;
  }[];
}

export interface ReverseGeocodeResponse {
  readonly address: Record<string, string | number>;
  readonly location: {
    readonly x: number;
    readonly y: number;
    readonly spatialReference: SpatialReferenceJson;
  };
}

const WGS84: SpatialReferenceJson = { wkid: 4326, latestWkid: 4326 };
const LOCATOR_NAME = 'AddressPoints';
/** Candidates scoring below this are not returned (ArcGIS `MinimumCandidateScore`). */
export const MIN_CANDIDATE_SCORE = 60;
/** The score a client should require before taking a candidate without asking (ArcGIS `MinimumMatchScore`). */
export const MIN_MATCH_SCORE = 85;
const DEFAULT_MAX_LOCATIONS = 20;
const MAX_LOCATIONS = 50;
const DEFAULT_MAX_SUGGESTIONS = 5;
const MAX_SUGGESTIONS = 15;
const DEFAULT_REVERSE_DISTANCE_M = 100;
const MAX_REVERSE_DISTANCE_M = 50_000;
/** Half-size of a point candidate's extent, degrees (about 100 m). */
const POINT_EXTENT_DEG = 0.0009;
/** A house number that is not in the data still gets the nearest ones on its street, at most this score. */
const NEAREST_NUMBER_MAX_SCORE = 79;

// Limits. Every input is anonymous, and the event loop that answers every other request
// waits while one is geocoded: nothing here may grow faster than its (capped) input.

/**
 * Longest value of each address input, in characters (trimmed), as advertised in
 * {@link geocodeServiceInfo}. A longer value is refused, not truncated: a cut-off address
 * would be geocoded as another one, with a score that looks trustworthy. Suggest `text`
 * becomes a suggestion's `SingleLine`, so it has the same limit.
 */
const INPUT_LENGTHS: Readonly<Record<string, number>> = {
  SingleLine: 200,
  Address: 100,
  Address2: 100,
  Address3: 100,
  City: 40,
  Region: 50,
  Postal: 10,
  text: 200,
};
/** Longest value of any other parameter (location, searchExtent, outFields, magicKey...). */
const MAX_OTHER_PARAM_LENGTH = 1_000;
/** Most words in one address input: no address has half as many. */
const MAX_INPUT_WORDS = 40;
/** Most distinct words of one query sent to the full-text index; the rest are only scored. */
const MAX_INDEX_TERMS = 6;
/**
 * Most points one full-text lookup reads: a house number and words match far fewer, a
 * word such as `E` most of the city, and then the first ones found are enough.
 */
const MAX_INDEX_ROWS = 2_000;
/** Points whose canonical text matches the FTS5 expression bound in its place, capped. */
const INDEX_MATCH = `SELECT rowid FROM address_points_fts WHERE address_points_fts MATCH ? LIMIT ${MAX_INDEX_ROWS}`;
/** Typos are looked for by the first 3 letters of words at least this long. */
const MIN_STEM_WORD_LENGTH = 3;
/** Most stored points sharing the query's house number that are scored. */
const MAX_NUMBER_ROWS = 1_000;
/** Most streets (street and city) one query scores. */
const MAX_STREET_GROUPS = 200;
/** Most streets whose nearest house numbers are looked up for a number the data lacks. */
const MAX_NEAREST_NUMBER_STREETS = 20;
/** Work one request may do before it answers with the best it has found. */
export const DEFAULT_BUDGET_MS = 100;
/** Points nearest by a flat measure that are then measured on the sphere. */
const REVERSE_CANDIDATES = 16;

const STATE_NAMES: Readonly<Record<string, string>> = {
  MO: 'Missouri',
  KS: 'Kansas',
  IL: 'Illinois',
  IA: 'Iowa',
  NE: 'Nebraska',
  OK: 'Oklahoma',
  AR: 'Arkansas',
};
const STATE_CODES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR'.split(
    ' ',
  ),
);
const STATE_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(STATE_NAMES).map(([code, name]) => [name.toUpperCase(), code]),
);

const CANDIDATE_FIELDS = [
  ['Loc_name', 'esriFieldTypeString', 'Loc_name', 20],
  ['Status', 'esriFieldTypeString', 'Status', 1],
  ['Score', 'esriFieldTypeDouble', 'Score', 0],
  ['Match_addr', 'esriFieldTypeString', 'Match_addr', 500],
  ['LongLabel', 'esriFieldTypeString', 'LongLabel', 500],
  ['ShortLabel', 'esriFieldTypeString', 'ShortLabel', 500],
  ['Addr_type', 'esriFieldTypeString', 'Addr_type', 20],
  ['Type', 'esriFieldTypeString', 'Type', 50],
  ['PlaceName', 'esriFieldTypeString', 'PlaceName', 200],
  ['Place_addr', 'esriFieldTypeString', 'Place_addr', 500],
  ['AddNum', 'esriFieldTypeString', 'AddNum', 50],
  ['StPreDir', 'esriFieldTypeString', 'StPreDir', 5],
  ['StName', 'esriFieldTypeString', 'StName', 125],
  ['StType', 'esriFieldTypeString', 'StType', 30],
  ['StDir', 'esriFieldTypeString', 'StDir', 20],
  ['StAddr', 'esriFieldTypeString', 'StAddr', 300],
  ['SubAddr', 'esriFieldTypeString', 'SubAddr', 300],
  ['City', 'esriFieldTypeString', 'City', 100],
  ['Region', 'esriFieldTypeString', 'Region', 100],
  ['RegionAbbr', 'esriFieldTypeString', 'RegionAbbr', 10],
  ['Postal', 'esriFieldTypeString', 'Postal', 20],
  ['Country', 'esriFieldTypeString', 'Country', 3],
  ['LangCode', 'esriFieldTypeString', 'LangCode', 5],
  ['Distance', 'esriFieldTypeDouble', 'Distance', 0],
  ['X', 'esriFieldTypeDouble', 'X', 0],
  ['Y', 'esriFieldTypeDouble', 'Y', 0],
  ['DisplayX', 'esriFieldTypeDouble', 'DisplayX', 0],
  ['DisplayY', 'esriFieldTypeDouble', 'DisplayY', 0],
  ['Xmin', 'esriFieldTypeDouble', 'Xmin', 0],
  ['Xmax', 'esriFieldTypeDouble', 'Xmax', 0],
  ['Ymin', 'esriFieldTypeDouble', 'Ymin', 0],
  ['Ymax', 'esriFieldTypeDouble', 'Ymax', 0],
  ['Ref_ID', 'esriFieldTypeInteger', 'Ref_ID', 0],
] as const;

/** Attributes every candidate carries, whatever `outFields` asks. */
const BASE_ATTRIBUTES = ['Score', 'Match_addr', 'Addr_type'] as const;

function inputField(name: string, alias: string): Record<string, unknown> {
  return {
    name,
    type: 'esriFieldTypeString',
    alias,
    required: false,
    length: INPUT_LENGTHS[name],
    localizedNames: {},
    recognizedNames: {},
  };
}

/**
 * The GeocodeServer resource JSON.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/geocode-service/
 */
export function geocodeServiceInfo(): Record<string, unknown> {
  return {
    currentVersion: 11.3,
    serviceDescription:
      'Address points of the registry area. Returns point addresses only; no places, intersections or ZIP centroids.',
    addressFields: [
      inputField('Address', 'Address'),
      inputField('City', 'City'),
      inputField('Region', 'State'),
      inputField('Postal', 'ZIP'),
    ],
    categories: [],
    singleLineAddressField: inputField('SingleLine', 'Single Line Input'),
    candidateFields: CANDIDATE_FIELDS.map(([name, type, alias, length]) => ({
      name,
      type,
      alias,
      required: false,
      ...(length > 0 ? { length } : {}),
    })),
    intersectionCandidateFields: [],
    spatialReference: WGS84,
    locatorProperties: {
      MinimumCandidateScore: String(MIN_CANDIDATE_SCORE),
      MinimumMatchScore: String(MIN_MATCH_SCORE),
      MaxResultSize: MAX_LOCATIONS,
      MaxSuggestions: MAX_SUGGESTIONS,
      SuggestedBatchSize: 0,
      MaxBatchSize: 0,
      UICLSID: '{3D3D0D41-9E8E-4F28-9D33-3B2C6A3C5D5B}',
      IntersectionConnectors: '',
      SupportsBatchOutFields: 'false',
    },
    countries: ['US'],
    capabilities: 'Geocode,ReverseGeocode,Suggest',
  };
}

// ---------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------

function invalid(message: string, details: readonly string[] = []): AppError {
  return new AppError(ErrorCode.InvalidInput, message, details);
}

/** A request's parameters by lower-cased name (ArcGIS names are case-insensitive), read once. */
interface ParamLookup {
  /** The first value of each name. */
  readonly raw: ReadonlyMap<string, string>;
  /** The first value of each name that is not blank, trimmed. */
  readonly trimmed: ReadonlyMap<string, string>;
}

function lookupParams(params: GeocodeParams): ParamLookup {
  const raw = new Map<string, string>();
  const trimmed = new Map<string, string>();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (!raw.has(lower)) raw.set(lower, value);
    if (!trimmed.has(lower) && value.trim() !== '') trimmed.set(lower, value.trim());
  }
  return { raw, trimmed };
}

/** `value` when within the limits of parameter `name`, otherwise the 400 that names it. */
function checked(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const inputLength = INPUT_LENGTHS[name];
  const maxLength = inputLength ?? MAX_OTHER_PARAM_LENGTH;
  const trimmed = value.trim();
  if (trimmed.length > maxLength)
    throw invalid(`${name} is longer than ${maxLength} characters.`, [name]);
  // Within the length limit this costs little; it bounds the words every later step sees.
  if (inputLength !== undefined && rawTokens(trimmed).length > MAX_INPUT_WORDS)
    throw invalid(`${name} has more than ${MAX_INPUT_WORDS} words.`, [name]);
  return value;
}

/** The value as sent (spaces matter to suggest), or undefined. */
function rawParam(params: ParamLookup, name: string): string | undefined {
  return checked(name, params.raw.get(name.toLowerCase()));
}

/** The trimmed value, or undefined when absent or blank. */
function param(params: ParamLookup, name: string): string | undefined {
  return checked(name, params.trimmed.get(name.toLowerCase()));
}

function intParam(
  params: ParamLookup,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = param(params, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw invalid(`${name} must be a whole number of at least ${min}.`, [name]);
  return Math.min(value, max);
}

/** How long one request may work, and on which clock (tests pass their own). */
export interface GeocodeBudget {
  /** Milliseconds of work before the request answers with the best it has found. */
  readonly budgetMs?: number;
  /** Milliseconds from any fixed origin; `performance.now` by default. */
  readonly now?: () => number;
}

/** A function that says whether the request's budget is spent. */
type Spent = () => boolean;

function startBudget(budget: GeocodeBudget): Spent {
  const now = budget.now ?? (() => performance.now());
  const deadline = now() + (budget.budgetMs ?? DEFAULT_BUDGET_MS);
  return () => now() > deadline;
}

function isWgs84(sr: unknown): boolean {
  if (sr === undefined || sr === null) return true;
  if (typeof sr === 'number' || typeof sr === 'string') return String(sr).trim() === '4326';
  if (typeof sr === 'object') {
    const { wkid, latestWkid } = sr as { wkid?: unknown; latestWkid?: unknown };
    return (wkid ?? latestWkid) === 4326 || (wkid ?? latestWkid) === '4326';
  }
  return false;
}

function checkOutSr(params: ParamLookup): void {
  const text = param(params, 'outSR');
  if (text === undefined) return;
  let value: unknown = text;
  if (text.startsWith('{')) {
    try {
      value = JSON.parse(text);
    } catch {
      throw invalid('outSR is not valid JSON.');
    }
  }
  if (!isWgs84(value)) throw invalid('Only outSR 4326 (WGS84) is supported.');
}

interface Point {
  readonly x: number;
  readonly y: number;
}

function parsePoint(text: string, name: string): Point {
  let x: unknown;
  let y: unknown;
  if (text.startsWith('{') || text.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalid(`${name} is not valid JSON.`);
    }
    if (Array.isArray(json)) [x, y] = json;
    else if (json && typeof json === 'object') {
      const point = json as { x?: unknown; y?: unknown; spatialReference?: unknown };
      if (!isWgs84(point.spatialReference)) throw invalid(`${name} must be in WGS84 (wkid 4326).`);
      ({ x, y } = point);
    }
  } else {
    const parts = text.split(',');
    if (parts.length === 2)
      [x, y] = parts.map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  }
  if (
    typeof x !== 'number' ||
    typeof y !== 'number' ||
    !Number.isFinite(x) ||
    !Number.isFinite(y)
  ) {
    throw invalid(`${name} must be "x,y" or {"x":..,"y":..} in longitude and latitude.`);
  }
  if (x < -180 || x > 180 || y < -90 || y > 90)
    throw invalid(`${name} is outside longitude -180..180, latitude -90..90.`);
  return { x, y };
}

interface Extent {
  readonly xmin: number;
  readonly ymin: number;
  readonly xmax: number;
  readonly ymax: number;
}

function parseExtent(text: string): Extent {
  let values: unknown[];
  if (text.startsWith('{')) {
    let json: {
      xmin?: unknown;
      ymin?: unknown;
      xmax?: unknown;
      ymax?: unknown;
      spatialReference?: unknown;
    };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw invalid('searchExtent is not valid JSON.');
    }
    if (!isWgs84(json.spatialReference))
      throw invalid('searchExtent must be in WGS84 (wkid 4326).');
    values = [json.xmin, json.ymin, json.xmax, json.ymax];
  } else {
    values = text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  }
  const [xmin, ymin, xmax, ymax] = values;
  if (
    values.length !== 4 ||
    !values.every((value) => typeof value === 'number' && Number.isFinite(value)) ||
    (xmin as number) > (xmax as number) ||
    (ymin as number) > (ymax as number)
  ) {
    throw invalid(
      'searchExtent must be "xmin,ymin,xmax,ymax" or an envelope in WGS84, min before max.',
    );
  }
  return { xmin: xmin as number, ymin: ymin as number, xmax: xmax as number, ymax: ymax as number };
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine on the mean Earth radius; 0.5 % at worst). */
function distanceMeters(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.y - a.y) * rad;
  const dLon = (b.x - a.x) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.y * rad) * Math.cos(b.y * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

// ---------------------------------------------------------------------------------------
// Query parsing and scoring
// ---------------------------------------------------------------------------------------

interface ParsedQuery {
  readonly number: string | undefined;
  readonly street: readonly string[];
  readonly unit: string | undefined;
  readonly city: string | undefined;
  readonly state: string | undefined;
  readonly zip: string | undefined;
}

const ZIP_TOKEN = /^\d{5}(\d{4})?$/;
const HOUSE_NUMBER = /^\d+[A-Z]?$/;

function stateCode(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (STATE_CODES.has(token)) return token;
  return STATE_WORDS[token];
}

/** Splits canonical tokens of a street line into number, street and unit. */
function splitStreetLine(
  tokens: readonly string[],
): Pick<ParsedQuery, 'number' | 'street' | 'unit'> {
  let rest = [...tokens];
  let number: string | undefined;
  if (rest.length > 1 && HOUSE_NUMBER.test(rest[0] as string)) number = rest.shift();
  let unit: string | undefined;
  const unitAt = rest.indexOf('UNIT');
  if (unitAt >= 0) {
    unit = rest.slice(unitAt + 1).join(' ') || undefined;
    rest = rest.slice(0, unitAt);
  }
  return { number, street: rest, unit };
}

/** Reads "1234 S Noland Rd, Independence, MO 64055" and its many looser spellings. */
function parseSingleLine(db: Database, text: string): ParsedQuery {
  const [first = '', ...others] = text.split(',');
  const hasTail = others.length > 0;
  // A part that starts with a unit word ("1234 S Noland Rd, Apt 2, ...") belongs to the line.
  const isUnit = (part: string): boolean => normalizeTokens(rawTokens(part))[0] === 'UNIT';
  const lineTokens = rawTokens([first, ...others.filter(isUnit)].join(' '));
  // ZIP, state and city are read from the end: of what follows the first comma, or, with
  // no comma, of the whole line (then `tail` is the line itself and is trimmed in place).
  const tail = hasTail ? rawTokens(others.filter((part) => !isUnit(part)).join(' ')) : lineTokens;
  const cities = knownCities(db);
  let zip: string | undefined;
  let state: string | undefined;
  let city: string | undefined;
  const last = tail[tail.length - 1];
  if (last !== undefined && ZIP_TOKEN.test(last) && (hasTail || tail.length > 2)) {
    zip = last.slice(0, 5);
    tail.pop();
  }
  const maybeState = stateCode(tail[tail.length - 1]);
  // Without a comma or ZIP, "CT" or "DE" may be a street type or name: only a state after a city.
  if (maybeState && (hasTail || zip !== undefined || endsWithCity(tail.slice(0, -1), cities) > 0)) {
    state = maybeState;
    tail.pop();
  }
  if (hasTail) {
    city = normalizeTokens(tail).join(' ') || undefined;
  } else {
    const length = endsWithCity(tail, cities);
    if (length > 0 && length < tail.length - 1)
      city = normalizeTokens(tail.splice(tail.length - length)).join(' ');
  }
  return { ...splitStreetLine(normalizeTokens(lineTokens)), city, state, zip };
}

/** How many tokens at the end of `tokens` name a known city (0 when none). */
function endsWithCity(tokens: readonly string[], cities: ReadonlySet<string>): number {
  for (let length = Math.min(3, tokens.length); length > 0; length--) {
    if (cities.has(normalizeTokens(tokens.slice(tokens.length - length)).join(' '))) return length;
  }
  return 0;
}

function parseFields(params: ParamLookup): ParsedQuery {
  const address = [param(params, 'Address'), param(params, 'Address2'), param(params, 'Address3')]
    .filter(Boolean)
    .join(' ');
  const zipText = param(params, 'Postal');
  const region = param(params, 'Region');
  const city = param(params, 'City');
  return {
    ...splitStreetLine(normalizeTokens(rawTokens(address))),
    city: city ? normalizeText(city) || undefined : undefined,
    state: region
      ? (stateCode(rawTokens(region).join(' ')) ?? rawTokens(region).join(' '))
      : undefined,
    zip: zipText ? rawTokens(zipText).join('').slice(0, 5) : undefined,
  };
}

/** Points out of 100 for how well the query's street names a stored street. */
function streetScore(query: StreetParts, stored: StreetParts): number {
  let score = 100 * similarity(query.name, stored.name);
  const part = (
    asked: string,
    have: string,
    wrong: number,
    absent: number,
    extra: number,
  ): void => {
    if (asked && have && asked !== have) score -= wrong;
    else if (asked && !have) score -= extra;
    else if (!asked && have) score -= absent;
  };
  part(query.preDir, stored.preDir, 20, 3, 10);
  part(query.type, stored.type, 12, 3, 10);
  part(query.postDir, stored.postDir, 10, 2, 5);
  return score;
}

function scoreRow(query: ParsedQuery, queryStreet: StreetParts, row: AddressPointRow): number {
  let score = streetScore(queryStreet, streetParts(normalizeText(row.street).split(' ')));
  const storedUnit = normalizeUnit(row.unit);
  if (query.unit && storedUnit && query.unit !== storedUnit) score -= 15;
  else if (query.unit && !storedUnit) score -= 5;
  else if (!query.unit && storedUnit) score -= 2;
  if (query.city) {
    const city = normalizeText(row.city);
    if (query.city !== city) score -= 15 * (1 - similarity(query.city, city)) + 2;
  }
  if (query.state && query.state !== row.state) score -= 10;
  if (query.zip && row.zip && query.zip !== row.zip.slice(0, 5)) score -= 5;
  return roundScore(score);
}

const roundScore = (score: number): number =>
  Math.max(0, Math.min(100, Math.round(score * 100) / 100));

// ---------------------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------------------

function displayParts(street: string): {
  preDir: string;
  name: string;
  type: string;
  postDir: string;
} {
  const words = street.trim().split(/\s+/);
  const upper = words.map((word) => normalizeText(word));
  let start = 0;
  let end = words.length;
  const isDir = (i: number): boolean =>
    DIRECTIONALS[upper[i] ?? ''] !== undefined && upper[i] === DIRECTIONALS[upper[i] ?? ''];
  const isType = (i: number): boolean => STREET_TYPES[upper[i] ?? ''] !== undefined;
  let preDir = '';
  let type = '';
  let postDir = '';
  if (end - start > 1 && isDir(start)) preDir = words[start++] as string;
  if (end - start > 1 && isDir(end - 1) && isType(end - 2)) postDir = words[--end] as string;
  if (end - start > 1 && isType(end - 1)) type = words[--end] as string;
  return { preDir, name: words.slice(start, end).join(' '), type, postDir };
}

interface CandidateOptions {
  readonly score: number;
  readonly addrType: 'PointAddress' | 'StreetName';
  readonly location?: Point | undefined;
  readonly extent?: Extent;
  readonly status?: 'M' | 'T';
}

function allAttributes(
  row: AddressPointRow,
  options: CandidateOptions,
): Record<string, string | number> {
  const street = displayParts(row.street);
  const isStreet = options.addrType === 'StreetName';
  const shortLabel = isStreet ? row.street : formatStreetLine(row);
  const matchAddr = isStreet ? `${row.street}, ${row.city}, ${row.state}` : row.full_address;
  const extent = options.extent ?? pointExtent(row);
  return {
    Loc_name: LOCATOR_NAME,
    Status: options.status ?? 'M',
    Score: options.score,
    Match_addr: matchAddr,
    LongLabel: `${matchAddr}, USA`,
    ShortLabel: shortLabel,
    Addr_type: options.addrType,
    Type: '',
    PlaceName: '',
    Place_addr: matchAddr,
    AddNum: isStreet ? '' : row.number,
    StPreDir: street.preDir,
    StName: street.name,
    StType: street.type,
    StDir: street.postDir,
    StAddr: isStreet ? row.street : `${row.number} ${row.street}`,
    SubAddr: isStreet ? '' : (row.unit ?? ''),
    City: row.city,
    Region: STATE_NAMES[row.state] ?? row.state,
    RegionAbbr: row.state,
    Postal: row.zip ?? '',
    Country: 'USA',
    LangCode: 'ENG',
    Distance: options.location ? Math.round(distanceMeters(options.location, row) * 100) / 100 : 0,
    X: row.x,
    Y: row.y,
    DisplayX: row.x,
    DisplayY: row.y,
    Xmin: extent.xmin,
    Xmax: extent.xmax,
    Ymin: extent.ymin,
    Ymax: extent.ymax,
    Ref_ID: row.id,
  };
}

function pointExtent(point: Point): Extent {
  const round = (value: number): number => Math.round(value * 1e7) / 1e7;
  return {
    xmin: round(point.x - POINT_EXTENT_DEG),
    ymin: round(point.y - POINT_EXTENT_DEG),
    xmax: round(point.x + POINT_EXTENT_DEG),
    ymax: round(point.y + POINT_EXTENT_DEG),
  };
}

function toCandidate(
  row: AddressPointRow,
  options: CandidateOptions,
  outFields: OutFields,
): GeocodeCandidate {
  const all = allAttributes(row, options);
  const attributes: Record<string, string | number> = {};
  for (const [name] of CANDIDATE_FIELDS) {
    if (
      outFields === '*' ||
      outFields.has(name.toLowerCase()) ||
      (BASE_ATTRIBUTES as readonly string[]).includes(name)
    ) {
      attributes[name] = all[name] as string | number;
    }
  }
  return {
    address: all.Match_addr as string,
    location: { x: row.x, y: row.y },
    score: options.score,
    attributes,
    extent: options.extent ?? pointExtent(row),
  };
}

type OutFields = '*' | ReadonlySet<string>;

function parseOutFields(params: ParamLookup): OutFields {
  const text = param(params, 'outFields');
  if (text === undefined) return new Set();
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return names.includes('*') ? '*' : new Set(names);
}

const SELECT_POINT =
  'SELECT id, number, street, unit, city, state, zip, full_address, normalized, x, y FROM address_points';

function pointById(db: Database, id: number): AddressPointRow | undefined {
  return prepared(db, `${SELECT_POINT} WHERE id = ?`).get(id) as AddressPointRow | undefined;
}

/**
 * The words a query sends to the full-text index: each once, at most
 * {@link MAX_INDEX_TERMS}. Every word still counts when candidates are scored.
 */
function indexTerms(words: readonly string[]): string[] {
  return [...new Set(words.filter((word) => word !== ''))].slice(0, MAX_INDEX_TERMS);
}

/** An FTS5 expression that needs every token (bound as a parameter, never spliced into SQL). */
function ftsAll(tokens: readonly string[]): string {
  return tokens.map((token) => `"${token}"`).join(' AND ');
}

/** A street of one city with its points' count and extent. */
type StreetGroup = Pick<
  KnownStreet,
  'street' | 'city' | 'count' | 'xmin' | 'ymin' | 'xmax' | 'ymax'
>;

/**
 * At most {@link MAX_STREET_GROUPS} streets whose words include the query's name words
 * (or, failing that, words starting as they do).
 */
function matchingStreets(db: Database, name: string): StreetGroup[] {
  const words = indexTerms(name.split(' '));
  if (words.length === 0) return [];
  const streets = knownStreets(db);
  const matching = (test: (street: KnownStreet) => boolean): KnownStreet[] => {
    const out: KnownStreet[] = [];
    for (const street of streets) {
      if (test(street) && out.push(street) >= MAX_STREET_GROUPS) break;
    }
    return out;
  };
  const groups = matching((street) => words.every((word) => street.words.includes(word)));
  if (groups.length > 0) return groups;
  // Misspelt names ("Nolan") still share their first letters with the real one; a word of
  // one or two letters has no typo worth finding.
  const stems = indexTerms(
    words.filter((word) => word.length >= MIN_STEM_WORD_LENGTH).map((word) => word.slice(0, 3)),
  );
  if (stems.length === 0) return [];
  return matching((street) =>
    stems.every((stem) => street.words.some((word) => word.startsWith(stem))),
  );
}

/** The point in the middle of a street, by house number, to stand for the whole street. */
function middleOfStreet(db: Database, group: StreetGroup): AddressPointRow | undefined {
  return prepared(
    db,
    `${SELECT_POINT} WHERE street = ? AND city = ? ORDER BY CAST(number AS INTEGER), number LIMIT 1 OFFSET ?`,
  ).get(group.street, group.city, Math.floor(group.count / 2)) as AddressPointRow | undefined;
}

function streetCandidate(
  db: Database,
  group: StreetGroup,
  score: number,
  location: Point | undefined,
): [AddressPointRow, CandidateOptions] | undefined {
  const middle = middleOfStreet(db, group);
  if (!middle) return undefined;
  return [
    middle,
    {
      score,
      addrType: 'StreetName',
      location,
      extent: { xmin: group.xmin, ymin: group.ymin, xmax: group.xmax, ymax: group.ymax },
    },
  ];
}

function magicKeyId(magicKey: string): { kind: 'ap' | 'st'; id: number } {
  const match = /^(ap|st):(\d{1,15})$/.exec(magicKey);
  if (!match) throw invalid('magicKey is not one this service issued.');
  return { kind: match[1] as 'ap' | 'st', id: Number(match[2]) };
}

/**
 * Geocodes one address: a single line (`SingleLine`), the separate address fields
 * (`Address`, `City`, `Region`, `Postal`) or a `magicKey` from {@link suggest}. Exact
 * matches score 100; case, spacing, punctuation, street-type and directional spellings
 * (`St`/`Street`, `N`/`North`) do not lower the score; a missing directional costs 3
 * points, a wrong one 20. An address with no house number returns its streets
 * (`Addr_type: StreetName`); a house number the data lacks returns the nearest numbers on
 * the street, scored at most 79.
 *
 * Inputs longer than the service advertises, or of more than 40 words, are refused with
 * a 400 naming the parameter; work stops at `budget` (100 ms by default) with the
 * candidates scored so far.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/find-address-candidates/
 */
export function findAddressCandidates(
  db: Database,
  request: GeocodeParams,
  budget: GeocodeBudget = {},
): FindAddressCandidatesResponse {
  const spent = startBudget(budget);
  const params = lookupParams(request);
  checkOutSr(params);
  const maxLocations = intParam(params, 'maxLocations', DEFAULT_MAX_LOCATIONS, 1, MAX_LOCATIONS);
  const outFields = parseOutFields(params);
  const locationText = param(params, 'location');
  const location = locationText ? parsePoint(locationText, 'location') : undefined;
  const extentText = param(params, 'searchExtent');
  const searchExtent = extentText ? parseExtent(extentText) : undefined;
  const magicKey = param(params, 'magicKey');
  const singleLine = param(params, 'SingleLine');
  const hasFields = ['Address', 'Address2', 'Address3', 'City', 'Region', 'Postal'].some(
    (name) => param(params, name) !== undefined,
  );
  if (!magicKey && !singleLine && !hasFields) {
    throw invalid(
      'Give SingleLine, Address (with City, Region, Postal) or a magicKey from suggest.',
    );
  }

  const found: [AddressPointRow, CandidateOptions][] = [];
  if (magicKey) {
    const key = magicKeyId(magicKey);
    const row = pointById(db, key.id);
    if (row && key.kind === 'ap')
      found.push([row, { score: 100, addrType: 'PointAddress', location }]);
    if (row && key.kind === 'st') {
      const group = prepared(
        db,
        `SELECT street, city, count(*) AS count, min(x) AS xmin, min(y) AS ymin, max(x) AS xmax, max(y) AS ymax
           FROM address_points WHERE street = ? AND city = ?`,
      ).get(row.street, row.city) as unknown as StreetGroup;
      const candidate = streetCandidate(db, group, 100, location);
      if (candidate) found.push(candidate);
    }
  } else {
    const query = singleLine ? parseSingleLine(db, singleLine) : parseFields(params);
    found.push(...searchCandidates(db, query, location, spent));
  }

  const inExtent = (row: Point): boolean =>
    !searchExtent ||
    (row.x >= searchExtent.xmin &&
      row.x <= searchExtent.xmax &&
      row.y >= searchExtent.ymin &&
      row.y <= searchExtent.ymax);
  const kept = found.filter(
    ([row, options]) => options.score >= MIN_CANDIDATE_SCORE && inExtent(row),
  );
  kept.sort(
    ([a, first], [b, second]) =>
      second.score - first.score ||
      (location ? distanceMeters(location, a) - distanceMeters(location, b) : 0) ||
      a.full_address.localeCompare(b.full_address),
  );
  // ArcGIS marks a best candidate that another one ties as "T".
  const top = kept[0];
  if (top && kept[1] && kept[1][1].score === top[1].score) {
    for (const entry of kept)
      if (entry[1].score === top[1].score) entry[1] = { ...entry[1], status: 'T' };
  }
  return {
    spatialReference: WGS84,
    candidates: kept
      .slice(0, maxLocations)
      .map(([row, options]) => toCandidate(row, options, outFields)),
  };
}

/**
 * Candidates for a parsed query, at most {@link MAX_NUMBER_ROWS} points and
 * {@link MAX_STREET_GROUPS} streets; when the budget is spent, those scored so far.
 */
function searchCandidates(
  db: Database,
  query: ParsedQuery,
  location: Point | undefined,
  spent: Spent,
): [AddressPointRow, CandidateOptions][] {
  const queryStreet = streetParts(query.street);
  if (!queryStreet.name) return [];
  const out: [AddressPointRow, CandidateOptions][] = [];
  if (query.number !== undefined) {
    let rows = prepared(db, `${SELECT_POINT} WHERE number = ? LIMIT ${MAX_NUMBER_ROWS + 1}`).all(
      query.number,
    ) as unknown as AddressPointRow[];
    if (rows.length > MAX_NUMBER_ROWS) {
      // Too many to score: points whose street has the words asked for come first, so the
      // cap never hides an exact match behind points on other streets.
      rows = prepared(
        db,
        `${SELECT_POINT} WHERE number = ? ORDER BY id IN (${INDEX_MATCH}) DESC, id LIMIT ${MAX_NUMBER_ROWS}`,
      ).all(
        query.number,
        ftsAll(indexTerms(queryStreet.name.split(' '))),
      ) as unknown as AddressPointRow[];
    }
    for (const row of rows) {
      if (spent()) return out;
      const score = scoreRow(query, queryStreet, row);
      if (score >= MIN_CANDIDATE_SCORE)
        out.push([row, { score, addrType: 'PointAddress', location }]);
    }
    if (out.some(([, options]) => options.score >= MIN_MATCH_SCORE)) return out;
    // The number is not in the data: offer the nearest numbers on the streets it names.
    const wanted = Number.parseInt(query.number, 10);
    const seen = new Set(out.map(([row]) => row.id));
    let streets = 0;
    for (const group of matchingStreets(db, queryStreet.name)) {
      if (spent() || streets >= MAX_NEAREST_NUMBER_STREETS) break;
      const base = streetScore(queryStreet, streetParts(normalizeText(group.street).split(' ')));
      if (base < MIN_MATCH_SCORE) continue;
      streets++;
      const nearest = prepared(
        db,
        `${SELECT_POINT} WHERE street = ? AND city = ? ORDER BY abs(CAST(number AS INTEGER) - ?), number LIMIT 2`,
      ).all(group.street, group.city, wanted) as unknown as AddressPointRow[];
      for (const row of nearest) {
        const gap = Math.abs(Number.parseInt(row.number, 10) - wanted);
        const score = roundScore(
          Math.min(
            NEAREST_NUMBER_MAX_SCORE,
            scoreRow(query, queryStreet, row) - 10 - Math.min(15, gap / 20),
          ),
        );
        if (!seen.has(row.id)) {
          seen.add(row.id);
          out.push([row, { score, addrType: 'PointAddress', location }]);
        }
      }
    }
    return out;
  }
  for (const group of matchingStreets(db, queryStreet.name)) {
    if (spent()) break;
    let score = streetScore(queryStreet, streetParts(normalizeText(group.street).split(' ')));
    if (query.city && query.city !== normalizeText(group.city))
      score -= 15 * (1 - similarity(query.city, normalizeText(group.city))) + 2;
    score = roundScore(score);
    if (score < MIN_CANDIDATE_SCORE) continue;
    const candidate = streetCandidate(db, group, score, location);
    if (candidate) out.push(candidate);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Suggest
// ---------------------------------------------------------------------------------------

/** Abbreviations a partly typed word may be heading for: `ROA` → `RD`, `NOR` → `N`. */
function completions(partial: string): string[] {
  const out = new Set([partial]);
  const mapped = DIRECTIONALS[partial] ?? STREET_TYPES[partial];
  if (mapped) out.add(mapped);
  if (partial.length >= 2) {
    for (const table of [DIRECTIONALS, STREET_TYPES]) {
      for (const [word, abbreviation] of Object.entries(table)) {
        if (word.length > partial.length && word.startsWith(partial)) out.add(abbreviation);
      }
    }
  }
  return [...out];
}

/**
 * Autocomplete suggestions for partly typed text: addresses when it starts with a house
 * number (`1234 S Nol`, `1234 nol`), streets otherwise (`noland`). Each suggestion's
 * `magicKey` goes to {@link findAddressCandidates} to get its location. `text` has the
 * limits of `SingleLine`; work stops at `budget` with the suggestions found so far.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/suggest/
 */
export function suggest(
  db: Database,
  request: GeocodeParams,
  budget: GeocodeBudget = {},
): SuggestResponse {
  const spent = startBudget(budget);
  const params = lookupParams(request);
  const sent = rawParam(params, 'text');
  if (sent === undefined || sent.trim() === '') throw invalid('text is required.');
  // Spaces around the text say nothing, except that one at the end finishes the last word.
  const text = /\s/.test(sent.at(-1) ?? '') ? `${sent.trim()} ` : sent.trim();
  const maxSuggestions = intParam(
    params,
    'maxSuggestions',
    DEFAULT_MAX_SUGGESTIONS,
    1,
    MAX_SUGGESTIONS,
  );
  // Only the street line is matched; what follows a comma (city, state) is ignored.
  const hasComma = text.includes(',');
  const rawLine = text.split(',')[0] ?? '';
  const tokens = rawTokens(rawLine);
  if (tokens.length === 0) return { suggestions: [] };
  // A word followed by a space or comma is finished; the last one may still be typed.
  const lastComplete = hasComma || /[\s.]$/.test(rawLine);
  const complete = normalizeTokens(lastComplete ? tokens : tokens.slice(0, -1));
  const typing = lastComplete ? undefined : (tokens[tokens.length - 1] as string);
  const partial = typing === '#' ? 'UNIT' : typing;
  // "23" and "1234 S" start an address; "23rd" starts a street (as does "23R" alone).
  const first = tokens[0] as string;
  const leadsWithNumber = /^\d+$/.test(first) || (/^\d+[A-Z]$/.test(first) && tokens.length > 1);
  if (!leadsWithNumber)
    return { suggestions: suggestStreets(db, complete, partial, maxSuggestions) };
  const addresses = suggestAddresses(db, complete, partial, maxSuggestions, spent);
  return {
    suggestions:
      addresses.length > 0 || spent()
        ? addresses
        : suggestStreets(db, complete, partial, maxSuggestions),
  };
}

function suggestAddresses(
  db: Database,
  complete: readonly string[],
  partial: string | undefined,
  maxSuggestions: number,
  spent: Spent,
): SuggestResponse['suggestions'] {
  const rows: { id: number; full_address: string }[] = [];
  const seen = new Set<number>();
  const add = (found: { id: number; full_address: string }[]): void => {
    for (const row of found) {
      if (rows.length >= maxSuggestions) return;
      if (!seen.has(row.id)) {
        seen.add(row.id);
        rows.push(row);
      }
    }
  };
  // 1. The address starts with exactly what was typed: a B-tree range on the canonical key.
  // '~' sorts after every character a canonical key holds, so [p, p~) is "starts with p".
  if (partial === undefined) {
    const prefix = complete.join(' ');
    add(
      prepared(
        db,
        `SELECT id, full_address FROM address_points
          WHERE normalized = ? OR (normalized >= ? AND normalized < ?) ORDER BY normalized LIMIT ?`,
      ).all(prefix, `${prefix} `, `${prefix} ~`, maxSuggestions) as {
        id: number;
        full_address: string;
      }[],
    );
  } else {
    for (const alternative of completions(partial)) {
      const prefix = [...complete, alternative].join(' ');
      add(
        prepared(
          db,
          'SELECT id, full_address FROM address_points WHERE normalized >= ? AND normalized < ? ORDER BY normalized LIMIT ?',
        ).all(prefix, `${prefix}~`, maxSuggestions) as { id: number; full_address: string }[],
      );
    }
  }
  // 2. The same number and words in another order or with words left out ("1234 nol").
  if (rows.length < maxSuggestions && complete.length + (partial ? 1 : 0) > 1 && !spent()) {
    const [number, ...words] = partial === undefined ? complete : [...complete, partial];
    const lastWord = partial === undefined ? undefined : words.pop();
    const terms = [`^"${number}"`, ...indexTerms(words).map((word) => `"${word}"`)];
    if (lastWord !== undefined) {
      terms.push(
        `(${completions(lastWord)
          .map((word, i) => (i === 0 ? `"${word}"*` : `"${word}"`))
          .join(' OR ')})`,
      );
    }
    add(
      prepared(
        db,
        `SELECT p.id, p.full_address FROM (${INDEX_MATCH}) f JOIN address_points p ON p.id = f.rowid
          ORDER BY p.normalized LIMIT ?`,
      ).all(terms.join(' AND '), maxSuggestions) as { id: number; full_address: string }[],
    );
  }
  return rows.map((row) => ({
    text: row.full_address,
    magicKey: `ap:${row.id}`,
    isCollection: false,
  }));
}

function suggestStreets(
  db: Database,
  complete: readonly string[],
  partial: string | undefined,
  maxSuggestions: number,
): SuggestResponse['suggestions'] {
  if (complete.length === 0 && partial === undefined) return [];
  // Streets whose words hold every finished word, and one the typed word may be heading for.
  const partials = partial === undefined ? [] : completions(partial);
  const streets = knownStreets(db).filter(
    ({ words }) =>
      complete.every((word) => words.includes(word)) &&
      (partial === undefined ||
        partials.some((word, i) =>
          i === 0 ? words.some((w) => w.startsWith(word)) : words.includes(word),
        )),
  );
  // Streets whose name starts with what was typed come before those that merely contain it.
  const typed = [...complete, ...(partial ? [partial] : [])].join(' ');
  const ranked = streets.map((street) => {
    const canonical = street.words.join(' ');
    const bare = streetParts(street.words).name;
    return { street, rank: canonical.startsWith(typed) || bare.startsWith(typed) ? 0 : 1 };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.street.street.localeCompare(b.street.street));
  return ranked.slice(0, maxSuggestions).map(({ street }) => ({
    text: `${street.street}, ${street.city}, ${street.state}`,
    magicKey: `st:${street.id}`,
    isCollection: false,
  }));
}

// ---------------------------------------------------------------------------------------
// Reverse geocode
// ---------------------------------------------------------------------------------------

/**
 * The address point nearest `location` within `distance` metres (default 100), or the
 * ArcGIS "Unable to find address for the specified location." error (code 400). The
 * search walks a tree of every point's position, so a location far from all of them costs
 * no more than one among them.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/reverse-geocode/
 */
export function reverseGeocode(db: Database, request: GeocodeParams): ReverseGeocodeResponse {
  const params = lookupParams(request);
  checkOutSr(params);
  const locationText = param(params, 'location');
  if (locationText === undefined) throw invalid('location is required.');
  const location = parsePoint(locationText, 'location');
  const distanceText = param(params, 'distance');
  const distance = distanceText === undefined ? DEFAULT_REVERSE_DISTANCE_M : Number(distanceText);
  if (!Number.isFinite(distance) || distance <= 0)
    throw invalid('distance must be a positive number of metres.');
  const radius = Math.min(distance, MAX_REVERSE_DISTANCE_M);
  const featureTypes = param(params, 'featureTypes');
  const wantsPoints =
    featureTypes === undefined ||
    featureTypes
      .split(',')
      .some((type) =>
        ['pointaddress', 'streetaddress', 'subaddress'].includes(type.trim().toLowerCase()),
      );

  let best: AddressPointRow | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  if (wantsPoints) {
    const ids = nearestPointIds(knownPointTree(db), location.x, location.y, REVERSE_CANDIDATES);
    for (const row of ids.map((id) => pointById(db, id))) {
      if (!row) continue;
      const meters = distanceMeters(location, row);
      if (
        meters <= radius &&
        (meters < bestDistance || (meters === bestDistance && best && row.id < best.id))
      ) {
        best = row;
        bestDistance = meters;
      }
    }
  }
  if (!best) {
    throw new AppError(ErrorCode.InvalidInput, 'Cannot perform query. Invalid query parameters.', [
      'Unable to find address for the specified location.',
    ]);
  }
  const streetLine = formatStreetLine(best);
  return {
    address: {
      Match_addr: best.full_address,
      LongLabel: `${best.full_address}, USA`,
      ShortLabel: streetLine,
      Addr_type: 'PointAddress',
      Type: '',
      PlaceName: '',
      AddNum: best.number,
      Address: streetLine,
      Block: '',
      Sector: '',
      Neighborhood: '',
      District: '',
      City: best.city,
      MetroArea: '',
      Subregion: '',
      Region: STATE_NAMES[best.state] ?? best.state,
      RegionAbbr: best.state,
      Territory: '',
      Postal: best.zip ?? '',
      PostalExt: '',
      CntryName: 'United States',
      CountryCode: 'USA',
      Distance: Math.round(bestDistance * 100) / 100,
    },
    location: { x: best.x, y: best.y, spatialReference: WGS84 },
  };
}
