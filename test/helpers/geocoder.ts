/**
 * The geocoder as its routes run it, in-process: a database of address points, and each
 * operation with its parameters parsed first, then answered.
 */
import { openDatabase, type Database } from '../../src/server/db/open-database.js';
import {
  ensureGeocodeSchema,
  loadAddressPoints,
  type AddressPointInput,
} from '../../src/server/geocode/address-points.js';
import {
  parseFindRequest,
  parseReverseRequest,
  parseSuggestRequest,
  type GeocodeParams,
} from '../../src/server/geocode/geocode-request.js';
import {
  findAddressCandidates,
  reverseGeocode,
  suggest,
  type GeocodeBudget,
} from '../../src/server/geocode/geocode-service.js';

/** An in-memory geocoder database holding `points`. */
export function geocoderOf(points: readonly AddressPointInput[]): Database {
  const db = openDatabase(':memory:');
  ensureGeocodeSchema(db);
  loadAddressPoints(db, points);
  return db;
}

export function find(db: Database, params: GeocodeParams, budget?: GeocodeBudget) {
  return findAddressCandidates(db, parseFindRequest(params), budget);
}
export function suggestFor(db: Database, params: GeocodeParams, budget?: GeocodeBudget) {
  return suggest(db, parseSuggestRequest(params), budget);
}
export function reverse(db: Database, params: GeocodeParams) {
  return reverseGeocode(db, parseReverseRequest(params));
}

/** Runs a synchronous call as a promise, so a failure is asserted with `rejects`. */
export function attempt(work: () => unknown): Promise<unknown> {
  return Promise.resolve().then(work);
}
