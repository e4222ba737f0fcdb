/**
 * Reads an incident location typed as coordinates: decimal degrees (`39.0868, -94.4155`),
 * degrees-minutes-seconds (`39°05'12.3"N 94°24'55"W`), degrees and decimal minutes
 * (`N 39°05.205' W 94°24.917'`), with or without symbols. Hemisphere letters are N, S, E, W
 * and O (oeste, the Spanish west). Without letters the first value is the latitude, unless
 * only the second can be one.
 */
import type { LonLat } from './rank-cameras.js';

/** Why a text is not a coordinate pair. */
export const CoordinateIssue = {
  Empty: 'EMPTY',
  Format: 'FORMAT',
  Range: 'RANGE',
} as const;
export type CoordinateIssue = (typeof CoordinateIssue)[keyof typeof CoordinateIssue];

export type ParsedCoordinates =
  | { readonly ok: true; readonly value: LonLat }
  | { readonly ok: false; readonly issue: CoordinateIssue };

type Token =
  | {
      readonly kind: 'number';
      readonly text: string;
      readonly value: number;
      readonly signed: boolean;
    }
  | { readonly kind: 'symbol'; readonly symbol: 'deg' | 'min' | 'sec' }
  | { readonly kind: 'hemi'; readonly hemi: 'N' | 'S' | 'E' | 'W' }
  | { readonly kind: 'sep' };

interface Part {
  readonly value: number;
  readonly axis: 'lat' | 'lon' | null;
}

const FAIL_FORMAT = { ok: false, issue: CoordinateIssue.Format } as const;
const TOKEN =
  /\s*(?:([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)|(°|º|˚|D(?:EG)?(?![A-Z]))|("|″|”|“|''|SEC(?![A-Z]))|('|′|’|‘|´|`|M(?:IN)?(?![A-Z]))|([NSEWO])(?![A-Z])|([,;]))/y;

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let index = 0;
  while (index < text.length) {
    TOKEN.lastIndex = index;
    const match = TOKEN.exec(text);
    if (!match) return text.slice(index).trim() === '' ? tokens : null;
    index = TOKEN.lastIndex;
    const [, number, deg, sec, min, hemi] = match;
    if (number !== undefined) {
      tokens.push({
        kind: 'number',
        text: number,
        value: Number(number),
        signed: /^[+-]/.test(number),
      });
    } else if (deg !== undefined) tokens.push({ kind: 'symbol', symbol: 'deg' });
    else if (min !== undefined) tokens.push({ kind: 'symbol', symbol: 'min' });
    else if (sec !== undefined) tokens.push({ kind: 'symbol', symbol: 'sec' });
    else if (hemi !== undefined)
      tokens.push({ kind: 'hemi', hemi: hemi === 'O' ? 'W' : (hemi as 'N' | 'S' | 'E' | 'W') });
    else tokens.push({ kind: 'sep' });
  }
  return tokens;
}

/** Splits the tokens of a pair into its two coordinates, or null when it cannot tell. */
function splitPair(tokens: readonly Token[]): [Token[], Token[]] | null {
  const at = (i: number): [Token[], Token[]] => [tokens.slice(0, i), tokens.slice(i)];
  const seps = tokens.flatMap((t, i) => (t.kind === 'sep' ? [i] : []));
  if (seps.length > 1) return null;
  if (seps.length === 1) {
    const i = seps[0] as number;
    return [tokens.slice(0, i), tokens.slice(i + 1)];
  }
  const hemis = tokens.flatMap((t, i) => (t.kind === 'hemi' ? [i] : []));
  if (hemis.length > 0) {
    const first = hemis[0] as number;
    // Prefix style ("N 39 W 94"): the second letter starts the second coordinate.
    if (first === 0) return hemis.length === 2 ? at(hemis[1] as number) : null;
    // Suffix style ("39 N 94 W"): the first letter ends the first coordinate.
    return at(first + 1);
  }
  const numbers = tokens.flatMap((t, i) => (t.kind === 'number' ? [i] : []));
  if (tokens.some((t) => t.kind === 'symbol')) {
    // The second number followed by a degree sign starts the second coordinate.
    const degreeStarts = numbers.filter((i) => {
      const next = tokens[i + 1];
      return next?.kind === 'symbol' && next.symbol === 'deg';
    });
    return degreeStarts.length === 2 ? at(degreeStarts[1] as number) : null;
  }
  if (numbers.length % 2 !== 0 || numbers.length > 6) return null;
  return at(numbers.length / 2);
}

/** Reads one coordinate: an optional hemisphere letter and one to three numbers. */
function readPart(tokens: readonly Token[]): Part | null {
  let hemi: 'N' | 'S' | 'E' | 'W' | null = null;
  const values: {
    value: number;
    text: string;
    signed: boolean;
    symbol: 'deg' | 'min' | 'sec' | null;
  }[] = [];
  for (const [i, token] of tokens.entries()) {
    if (token.kind === 'hemi') {
      // Only at either end.
      if (hemi !== null || (i !== 0 && i !== tokens.length - 1)) return null;
      hemi = token.hemi;
    } else if (token.kind === 'number') {
      values.push({ value: token.value, text: token.text, signed: token.signed, symbol: null });
    } else if (token.kind === 'symbol') {
      const last = values[values.length - 1];
      if (!last || last.symbol !== null || tokens[i - 1]?.kind !== 'number') return null;
      last.symbol = token.symbol;
    } else {
      return null;
    }
  }
  if (values.length === 0 || values.length > 3) return null;
  const positional = ['deg', 'min', 'sec'] as const;
  let previous = -1;
  const units: number[] = [0, 0, 0];
  for (const [i, entry] of values.entries()) {
    const slot = positional.indexOf(entry.symbol ?? positional[i] ?? 'sec');
    if (slot <= previous) return null;
    previous = slot;
    units[slot] = entry.value;
    if (slot > 0) {
      if (entry.signed || entry.value >= 60) return null;
    }
    // Only the last value may have a fraction.
    if (i < values.length - 1 && /\./.test(entry.text)) return null;
  }
  const first = values[0];
  if (!first || (first.symbol !== null && first.symbol !== 'deg')) return null;
  if (hemi !== null && first.signed) return null;
  const [deg = 0, min = 0, sec = 0] = units;
  const negative = first.text.startsWith('-');
  let value = Math.abs(deg) + min / 60 + sec / 3600;
  if (negative || hemi === 'S' || hemi === 'W') value = -value;
  const axis = hemi === null ? null : hemi === 'N' || hemi === 'S' ? 'lat' : 'lon';
  return { value, axis };
}

/**
 * Parses a coordinate pair. Returns `[lon, lat]` in decimal degrees, or the reason it could
 * not: empty, not a coordinate format, or out of range (|lat| > 90, |lon| > 180).
 */
export function parseCoordinates(text: string): ParsedCoordinates {
  const normalized = text.trim().toUpperCase();
  if (normalized === '') return { ok: false, issue: CoordinateIssue.Empty };
  const tokens = tokenize(normalized);
  if (!tokens || tokens.length === 0) return FAIL_FORMAT;
  const pair = splitPair(tokens);
  if (!pair) return FAIL_FORMAT;
  const a = readPart(pair[0]);
  const b = readPart(pair[1]);
  if (!a || !b) return FAIL_FORMAT;
  let lat: number;
  let lon: number;
  if (a.axis !== null || b.axis !== null) {
    if (a.axis !== null && a.axis === b.axis) return FAIL_FORMAT;
    const aIsLat = a.axis === 'lat' || b.axis === 'lon';
    [lat, lon] = aIsLat ? [a.value, b.value] : [b.value, a.value];
  } else if (Math.abs(a.value) > 90 && Math.abs(b.value) <= 90) {
    [lat, lon] = [b.value, a.value];
  } else {
    [lat, lon] = [a.value, b.value];
  }
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return { ok: false, issue: CoordinateIssue.Range };
  }
  return { ok: true, value: [lon, lat] };
}

/** Formats `[lon, lat]` as `lat, lon` in decimal degrees (the order people type). */
export function formatCoordinates(point: LonLat, digits = 5): string {
  return `${point[1].toFixed(digits)}, ${point[0].toFixed(digits)}`;
}
