/**
 * Places an address with a GeocodeServer's `findAddressCandidates`: the local server's
 * geocoder, the portal's configured one, or ArcGIS's World geocoder. The best candidate is
 * taken when it scores at least the minimum and no other candidate as good lies elsewhere.
 *
 * @see https://developers.arcgis.com/rest/geocode/api-reference/geocoding-find-address-candidates.htm
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import { arcgisRequest, retryWhenRateLimited } from '../../client/arcgis-request.js';
import { AppError, ErrorCode } from '../../core/errors.js';
import { geodesicDistanceMeters } from '../../core/geometry/geodesy.js';
import type { LonLat } from '../../core/registration/change-request.js';
import { ImportIssueCode } from './read-row.js';

/** The score a candidate needs by default (ArcGIS locators' usual `MinimumMatchScore`). */
export const DEFAULT_MIN_SCORE = 85;
/** Equally good candidates farther apart than this make an address ambiguous. */
const AMBIGUOUS_METERS = 100;

export interface GeocoderOptions {
  /** The GeocodeServer URL (`…/GeocodeServer`). */
  readonly url: string;
  readonly authentication?: IAuthenticationManager | null;
  /** Lowest acceptable candidate score, 0-100. */
  readonly minScore: number;
  /** Candidates near here rank first (the city's centre). */
  readonly near?: LonLat;
  /** Appended to an address that has no comma: `Independence, MO`. */
  readonly city?: string;
  /**
   * The results are stored, so ArcGIS's World geocoder must be told (`forStorage=true`; it
   * then needs a token and uses credits).
   */
  readonly forStorage?: boolean;
}

export type GeocodeResult =
  | { readonly ok: true; readonly point: LonLat; readonly score: number; readonly address: string }
  | {
      readonly ok: false;
      readonly code:
        typeof ImportIssueCode.AddressNotFound | typeof ImportIssueCode.AddressAmbiguous;
    };

interface CandidateBody {
  readonly address?: unknown;
  readonly score?: unknown;
  readonly location?: { readonly x?: unknown; readonly y?: unknown };
}

interface Candidate {
  readonly address: string;
  readonly score: number;
  readonly point: LonLat;
}

function candidatesOf(body: { candidates?: readonly CandidateBody[] }): Candidate[] {
  return (body.candidates ?? []).flatMap((c) =>
    typeof c.address === 'string' &&
    typeof c.score === 'number' &&
    typeof c.location?.x === 'number' &&
    typeof c.location.y === 'number' &&
    Math.abs(c.location.x) <= 180 &&
    Math.abs(c.location.y) <= 90
      ? [{ address: c.address, score: c.score, point: { x: c.location.x, y: c.location.y } }]
      : [],
  );
}

/** The line sent to the geocoder: the address, with the city when it has none. */
export function singleLine(address: string, city: string | undefined): string {
  return city && !address.includes(',') ? `${address}, ${city}` : address;
}

/** The candidate to take, or why none is taken. */
export function chooseCandidate(candidates: readonly Candidate[], minScore: number): GeocodeResult {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const best = sorted[0];
  if (!best || best.score < minScore) return { ok: false, code: ImportIssueCode.AddressNotFound };
  const rival = sorted.find(
    (other) =>
      other.score >= best.score &&
      geodesicDistanceMeters([best.point.x, best.point.y], [other.point.x, other.point.y]) >
        AMBIGUOUS_METERS,
  );
  if (rival) return { ok: false, code: ImportIssueCode.AddressAmbiguous };
  return { ok: true, point: best.point, score: best.score, address: best.address };
}

/**
 * Geocodes one address. A refusal of the input (too long, unreadable) counts as not found;
 * rate limits are waited out; other failures (network, service, sign-in) are thrown.
 */
export async function geocodeAddress(
  address: string,
  options: GeocoderOptions,
): Promise<GeocodeResult> {
  const params: Record<string, unknown> = {
    SingleLine: singleLine(address, options.city),
    outFields: 'Match_addr,Addr_type',
    outSR: 4326,
    maxLocations: 5,
    ...(options.forStorage ? { forStorage: true } : {}),
    ...(options.near
      ? { location: JSON.stringify({ ...options.near, spatialReference: { wkid: 4326 } }) }
      : {}),
  };
  let body: { candidates?: CandidateBody[] };
  try {
    body = await retryWhenRateLimited(() =>
      arcgisRequest<{ candidates?: CandidateBody[] }>(
        `${options.url.replace(/\/+$/, '')}/findAddressCandidates`,
        params,
        { authentication: options.authentication ?? null, httpMethod: 'GET' },
      ),
    );
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.InvalidInput)
      return { ok: false, code: ImportIssueCode.AddressNotFound };
    throw error;
  }
  return chooseCandidate(candidatesOf(body), options.minScore);
}
