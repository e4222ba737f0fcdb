/**
 * A small ArcGIS-compatible geocode service over the `address_points` table: the JSON of
 * a GeocodeServer resource and its findAddressCandidates, suggest and reverseGeocode
 * operations, as pure functions of the database and a request parsed by geocode-request.ts.
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
import {
  INPUT_LENGTHS,
  MAX_LOCATIONS,
  MAX_SUGGESTIONS,
  type AddressFields,
  type Extent,
  type FindRequest,
  type OutFields,
  type Point,
  type ReverseRequest,
  type SuggestRequest,
} from './geocode-request.js';
import { nearestPointIds } from './point-tree.js';
import { similarity } from './similarity.js';

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
/** Half-size of a point candidate's extent, degrees (about 100 m). */
const POINT_EXTENT_DEG = 0.0009;
/** A house number that is not in the data still gets the nearest ones on its street, at most this score. */
const NEAREST_NUMBER_MAX_SCORE = 79;

// Limits. Every input is anonymous, and the event loop that answers every other request
// waits while one is geocoded: nothing here may grow faster than its input, which
// geocode-request.ts has already capped in length and words.

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
/** reverseGeocode `featureTypes` (lower-cased) that address points answer. */
const POINT_FEATURE_TYPES: ReadonlySet<string> = new Set([
  'pointaddress',
  'streetaddress',
  'subaddress',
]);

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

function parseFields(fields: AddressFields): ParsedQuery {
  const { city, region, postal } = fields;
  return {
    ...splitStreetLine(normalizeTokens(rawTokens(fields.address.join(' ')))),
    city: city ? normalizeText(city) || undefined : undefined,
    state: region
      ? (stateCode(rawTokens(region).join(' ')) ?? rawTokens(region).join(' '))
      : undefined,
    zip: postal ? rawTokens(postal).join('').slice(0, 5) : undefined,
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

/**
 * Geocodes one address: a single line (`SingleLine`), the separate address fields
 * (`Address`, `City`, `Region`, `Postal`) or a `magicKey` from {@link suggest}. Exact
 * matches score 100; case, spacing, punctuation, street-type and directional spellings
 * (`St`/`Street`, `N`/`North`) do not lower the score; a missing directional costs 3
 * points, a wrong one 20. An address with no house number returns its streets
 * (`Addr_type: StreetName`); a house number the data lacks returns the nearest numbers on
 * the street, scored at most 79.
 *
 * The request comes from {@link parseFindRequest}, which refuses inputs longer than the
 * service advertises or of more than 40 words; work stops at `budget` (100 ms by default)
 * with the candidates scored so far.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/find-address-candidates/
 */
export function findAddressCandidates(
  db: Database,
  request: FindRequest,
  budget: GeocodeBudget = {},
): FindAddressCandidatesResponse {
  const spent = startBudget(budget);
  const { input, maxLocations, outFields, location, searchExtent } = request;

  const found: [AddressPointRow, CandidateOptions][] = [];
  if (input.kind === 'magicKey') {
    const key = input.magicKey;
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
    const query =
      input.kind === 'singleLine'
        ? parseSingleLine(db, input.singleLine)
        : parseFields(input.fields);
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
 * `magicKey` goes to {@link findAddressCandidates} to get its location. The request comes
 * from {@link parseSuggestRequest}, which gives `text` the limits of `SingleLine`; work
 * stops at `budget` with the suggestions found so far.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/suggest/
 */
export function suggest(
  db: Database,
  request: SuggestRequest,
  budget: GeocodeBudget = {},
): SuggestResponse {
  const spent = startBudget(budget);
  const { text, maxSuggestions } = request;
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
 * The address point nearest `location` within `distanceMeters` (from
 * {@link parseReverseRequest}: 100 by default, 50 km at most), or the ArcGIS "Unable to
 * find address for the specified location." error (code 400). The search walks a tree of
 * every point's position, so a location far from all of them costs no more than one among
 * them. Points are searched unless `featureTypes` names none of the point address types.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/reverse-geocode/
 */
export function reverseGeocode(db: Database, request: ReverseRequest): ReverseGeocodeResponse {
  const { location, distanceMeters: radius, featureTypes } = request;
  const wantsPoints =
    featureTypes === undefined || featureTypes.some((type) => POINT_FEATURE_TYPES.has(type));

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
