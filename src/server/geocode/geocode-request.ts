/**
 * One parse of each geocoder operation's parameters into a typed request that the
 * operation reads, so nothing after it re-reads the raw parameters. ArcGIS parameter names
 * are case-insensitive; of several spellings of one name, the first value sent wins, and a
 * blank value counts as none. Every refusal is an `INVALID_INPUT` {@link AppError} naming
 * the parameter in `field`.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/find-address-candidates/
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/suggest/
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/reverse-geocode/
 */
import { AppError, ErrorCode } from '../../core/errors.js';
import { rawTokens } from './address-points.js';

/** A geocoder request's parameters as the route received them. */
export type GeocodeParams = Readonly<Record<string, string | undefined>>;

export const DEFAULT_MAX_LOCATIONS = 20;
/** Most candidates one findAddressCandidates answers (ArcGIS `MaxResultSize`). */
export const MAX_LOCATIONS = 50;
export const DEFAULT_MAX_SUGGESTIONS = 5;
/** Most suggestions one suggest answers (ArcGIS `MaxSuggestions`). */
export const MAX_SUGGESTIONS = 15;
export const DEFAULT_REVERSE_DISTANCE_M = 100;
/** Widest reverseGeocode search radius; a larger `distance` is searched at this one. */
export const MAX_REVERSE_DISTANCE_M = 50_000;

// Limits. Every input is anonymous, and the event loop that answers every other request
// waits while one is geocoded: nothing after the parse may grow faster than its input.

/**
 * Longest value of each address input, in characters (trimmed), as the GeocodeServer
 * resource advertises. A longer value is refused, not truncated: a cut-off address would
 * be geocoded as another one, with a score that looks trustworthy. Suggest `text` becomes
 * a suggestion's `SingleLine`, so it has the same limit.
 */
export const INPUT_LENGTHS: Readonly<Record<string, number>> = {
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
export const MAX_OTHER_PARAM_LENGTH = 1_000;
/** Most words in one address input: no address has half as many. */
export const MAX_INPUT_WORDS = 40;

/** A longitude (`x`) and latitude (`y`) in WGS84. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An envelope in WGS84, min never above max. */
export interface Extent {
  readonly xmin: number;
  readonly ymin: number;
  readonly xmax: number;
  readonly ymax: number;
}

/** Candidate attributes asked for besides the ones always sent: every one, or lower-cased names. */
export type OutFields = '*' | ReadonlySet<string>;

/** A suggestion's key: an address point (`ap`) or the street of one (`st`), by point id. */
export interface MagicKey {
  readonly kind: 'ap' | 'st';
  readonly id: number;
}

/** The separate address inputs, each trimmed, absent when not sent or blank. */
export interface AddressFields {
  /** `Address`, `Address2` and `Address3`, those sent, in that order. */
  readonly address: readonly string[];
  readonly city: string | undefined;
  readonly region: string | undefined;
  readonly postal: string | undefined;
}

/** What to geocode: a suggestion's key before a single line, a single line before fields. */
export type FindInput =
  | { readonly kind: 'magicKey'; readonly magicKey: MagicKey }
  | { readonly kind: 'singleLine'; readonly singleLine: string }
  | { readonly kind: 'fields'; readonly fields: AddressFields };

export interface FindRequest {
  readonly input: FindInput;
  /** At least 1, at most {@link MAX_LOCATIONS}. */
  readonly maxLocations: number;
  readonly outFields: OutFields;
  /** Candidates are measured from here (their `Distance`) and nearer ones break ties. */
  readonly location: Point | undefined;
  /** Only candidates inside it are returned. */
  readonly searchExtent: Extent | undefined;
}

export interface SuggestRequest {
  /**
   * The text, trimmed, but with one space kept at the end when it ended in spaces: that
   * says its last word is finished. Never blank.
   */
  readonly text: string;
  /** At least 1, at most {@link MAX_SUGGESTIONS}. */
  readonly maxSuggestions: number;
}

export interface ReverseRequest {
  readonly location: Point;
  /** Search radius in metres: above 0, at most {@link MAX_REVERSE_DISTANCE_M}. */
  readonly distanceMeters: number;
  /** The feature types asked for, lower-cased; undefined when `featureTypes` is absent or blank. */
  readonly featureTypes: readonly string[] | undefined;
}

function invalid(field: string, message: string, details: readonly string[] = []): AppError {
  return new AppError(ErrorCode.InvalidInput, message, details, { field });
}

/** A request's parameters by lower-cased name, read once. */
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
    throw invalid(name, `${name} is longer than ${maxLength} characters.`, [name]);
  // Within the length limit this costs little; it bounds the words every later step sees.
  if (inputLength !== undefined && rawTokens(trimmed).length > MAX_INPUT_WORDS)
    throw invalid(name, `${name} has more than ${MAX_INPUT_WORDS} words.`, [name]);
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

/** A whole number of at least `min`; a larger one than `max` is taken as `max`. */
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
    throw invalid(name, `${name} must be a whole number of at least ${min}.`, [name]);
  return Math.min(value, max);
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

/** Answers are in WGS84 only: any other `outSR` is refused rather than ignored. */
function checkOutSr(params: ParamLookup): void {
  const text = param(params, 'outSR');
  if (text === undefined) return;
  let value: unknown = text;
  if (text.startsWith('{')) {
    try {
      value = JSON.parse(text);
    } catch {
      throw invalid('outSR', 'outSR is not valid JSON.');
    }
  }
  if (!isWgs84(value)) throw invalid('outSR', 'Only outSR 4326 (WGS84) is supported.');
}

/** `x,y`, `[x, y]` or `{"x":..,"y":..}` with an optional WGS84 spatial reference. */
function parsePoint(text: string, name: string): Point {
  let x: unknown;
  let y: unknown;
  if (text.startsWith('{') || text.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalid(name, `${name} is not valid JSON.`);
    }
    if (Array.isArray(json)) [x, y] = json;
    else if (json && typeof json === 'object') {
      const point = json as { x?: unknown; y?: unknown; spatialReference?: unknown };
      if (!isWgs84(point.spatialReference))
        throw invalid(name, `${name} must be in WGS84 (wkid 4326).`);
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
    throw invalid(name, `${name} must be "x,y" or {"x":..,"y":..} in longitude and latitude.`);
  }
  if (x < -180 || x > 180 || y < -90 || y > 90)
    throw invalid(name, `${name} is outside longitude -180..180, latitude -90..90.`);
  return { x, y };
}

/** `xmin,ymin,xmax,ymax` or an envelope with an optional WGS84 spatial reference. */
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
      throw invalid('searchExtent', 'searchExtent is not valid JSON.');
    }
    if (!isWgs84(json.spatialReference))
      throw invalid('searchExtent', 'searchExtent must be in WGS84 (wkid 4326).');
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
      'searchExtent',
      'searchExtent must be "xmin,ymin,xmax,ymax" or an envelope in WGS84, min before max.',
    );
  }
  return { xmin: xmin as number, ymin: ymin as number, xmax: xmax as number, ymax: ymax as number };
}

function parseOutFields(params: ParamLookup): OutFields {
  const text = param(params, 'outFields');
  if (text === undefined) return new Set();
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return names.includes('*') ? '*' : new Set(names);
}

function parseMagicKey(magicKey: string): MagicKey {
  const match = /^(ap|st):(\d{1,15})$/.exec(magicKey);
  if (!match) throw invalid('magicKey', 'magicKey is not one this service issued.');
  return { kind: match[1] as 'ap' | 'st', id: Number(match[2]) };
}

/**
 * The parameters of one findAddressCandidates call. An input the call will not use is
 * read only as far as the service always has: a `SingleLine` beside a `magicKey` is
 * checked, but the address fields only up to the first one sent (which shows that one
 * was), unless they are what is geocoded.
 */
export function parseFindRequest(params: GeocodeParams): FindRequest {
  const lookup = lookupParams(params);
  checkOutSr(lookup);
  const maxLocations = intParam(lookup, 'maxLocations', DEFAULT_MAX_LOCATIONS, 1, MAX_LOCATIONS);
  const outFields = parseOutFields(lookup);
  const locationText = param(lookup, 'location');
  const location = locationText === undefined ? undefined : parsePoint(locationText, 'location');
  const extentText = param(lookup, 'searchExtent');
  const searchExtent = extentText === undefined ? undefined : parseExtent(extentText);
  const magicKey = param(lookup, 'magicKey');
  const singleLine = param(lookup, 'SingleLine');
  const hasFields = ['Address', 'Address2', 'Address3', 'City', 'Region', 'Postal'].some(
    (name) => param(lookup, name) !== undefined,
  );
  let input: FindInput;
  if (magicKey !== undefined) input = { kind: 'magicKey', magicKey: parseMagicKey(magicKey) };
  else if (singleLine !== undefined) input = { kind: 'singleLine', singleLine };
  else if (hasFields) input = { kind: 'fields', fields: parseAddressFields(lookup) };
  else {
    throw invalid(
      'SingleLine',
      'Give SingleLine, Address (with City, Region, Postal) or a magicKey from suggest.',
    );
  }
  return { input, maxLocations, outFields, location, searchExtent };
}

function parseAddressFields(lookup: ParamLookup): AddressFields {
  const address = ['Address', 'Address2', 'Address3']
    .map((name) => param(lookup, name))
    .filter((part) => part !== undefined);
  const postal = param(lookup, 'Postal');
  const region = param(lookup, 'Region');
  return { address, city: param(lookup, 'City'), region, postal };
}

/** The parameters of one suggest call. */
export function parseSuggestRequest(params: GeocodeParams): SuggestRequest {
  const lookup = lookupParams(params);
  const sent = rawParam(lookup, 'text');
  if (sent === undefined || sent.trim() === '') throw invalid('text', 'text is required.');
  // Spaces around the text say nothing, except that one at the end finishes the last word.
  const text = /\s/.test(sent.at(-1) ?? '') ? `${sent.trim()} ` : sent.trim();
  const maxSuggestions = intParam(
    lookup,
    'maxSuggestions',
    DEFAULT_MAX_SUGGESTIONS,
    1,
    MAX_SUGGESTIONS,
  );
  return { text, maxSuggestions };
}

/** The parameters of one reverseGeocode call. */
export function parseReverseRequest(params: GeocodeParams): ReverseRequest {
  const lookup = lookupParams(params);
  checkOutSr(lookup);
  const locationText = param(lookup, 'location');
  if (locationText === undefined) throw invalid('location', 'location is required.');
  const location = parsePoint(locationText, 'location');
  const distanceText = param(lookup, 'distance');
  const distance = distanceText === undefined ? DEFAULT_REVERSE_DISTANCE_M : Number(distanceText);
  if (!Number.isFinite(distance) || distance <= 0)
    throw invalid('distance', 'distance must be a positive number of metres.');
  const featureTypes = param(lookup, 'featureTypes')
    ?.split(',')
    .map((type) => type.trim().toLowerCase())
    .filter(Boolean);
  return {
    location,
    distanceMeters: Math.min(distance, MAX_REVERSE_DISTANCE_M),
    featureTypes,
  };
}
