import {
  BLOCK_LAT_DEG,
  COUNTY_GRID_ORIGIN_LON,
  EAST_WEST_DIVIDER_LON,
  INDEPENDENCE_STREETS,
  NORTH_SOUTH_DIVIDER_LAT,
  NUMBERS_PER_LON_DEG,
  zipForPoint,
  type StreetDef,
} from './independence-streets.js';
import { SeededRandom } from './seeded-random.js';

/**
 * One synthetic address point. The street names are real, the positions are not: they sit
 * on a made-up straight grid (see independence-streets.ts) and match no real house.
 */
export interface SyntheticAddressPoint {
  readonly id: number;
  readonly number: number;
  /** Full street name with its directional prefix: `S Noland Rd`, `E 23rd St`. */
  readonly street: string;
  readonly city: 'Independence';
  readonly state: 'MO';
  readonly zip: string;
  /** Longitude, WGS84. */
  readonly x: number;
  /** Latitude, WGS84. */
  readonly y: number;
}

export interface AddressPointOptions {
  /** Seed of the layout's small irregularities (gaps, set-backs); default 2026. */
  readonly seed?: number;
  /** Average frontage of a lot along the street, metres; default 28. */
  readonly spacingMeters?: number;
}

const METERS_PER_LAT_DEG = 111_320;
// One longitude scale for the whole city: the box spans 0.1 degree of latitude, so the
// error is under 0.2 %, far below the jitter the points are given anyway.
const METERS_PER_LON_DEG = METERS_PER_LAT_DEG * Math.cos((39.08 * Math.PI) / 180);
/** Houses closer than this to a crossing street's centre line are left out. */
const INTERSECTION_CLEARANCE_M = 18;
/** Chance that one side of a hundred-block has no houses (a park, a school, a lot). */
const EMPTY_BLOCK_SIDE = 0.12;

interface Numbering {
  readonly prefix: string;
  /** The continuous house number at this position; hundreds are blocks. */
  readonly value: number;
}

/** Directional prefix and continuous house number of a position along `street`. */
function numberingAt(street: StreetDef, along: number): Numbering {
  if (street.axis === 'north-south') {
    const blocks = Math.abs(along - NORTH_SOUTH_DIVIDER_LAT) / BLOCK_LAT_DEG;
    // South of Truman Rd the hundreds follow the numbered streets (2300 S is at 23rd St).
    return along >= NORTH_SOUTH_DIVIDER_LAT
      ? { prefix: 'N', value: 100 + blocks * 100 }
      : { prefix: 'S', value: 1200 + blocks * 100 };
  }
  if (street.grid === 'county') {
    return { prefix: 'E', value: (along - COUNTY_GRID_ORIGIN_LON) * NUMBERS_PER_LON_DEG };
  }
  const offset = (along - EAST_WEST_DIVIDER_LON) * NUMBERS_PER_LON_DEG;
  return offset >= 0 ? { prefix: 'E', value: 100 + offset } : { prefix: 'W', value: 100 - offset };
}

/** True when a house at (lon, lat) would stand in a crossing street. */
function nearCrossing(street: StreetDef, lon: number, lat: number): boolean {
  for (const other of INDEPENDENCE_STREETS) {
    if (other.axis === street.axis) continue;
    if (other.axis === 'east-west') {
      if (lon < other.from || lon > other.to) continue;
      if (Math.abs(lat - other.at) * METERS_PER_LAT_DEG < INTERSECTION_CLEARANCE_M) return true;
    } else {
      if (lat < other.from || lat > other.to) continue;
      if (Math.abs(lon - other.at) * METERS_PER_LON_DEG < INTERSECTION_CLEARANCE_M) return true;
    }
  }
  return false;
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/**
 * A deterministic set of synthetic address points along {@link INDEPENDENCE_STREETS}
 * (about 13,000 with the defaults): houses on both sides of each street, even numbers on
 * the north or east side and odd on the south or west, numbers rising away from the
 * city's centre lines, a few empty block sides, none in an intersection.
 *
 * The positions are SYNTHETIC, not real address locations.
 */
export function generateAddressPoints(options: AddressPointOptions = {}): SyntheticAddressPoint[] {
  const random = new SeededRandom(options.seed ?? 2026);
  const spacing = options.spacingMeters ?? 28;
  if (!(spacing >= 5)) throw new RangeError(`spacingMeters must be at least 5, got ${spacing}`);
  const points: SyntheticAddressPoint[] = [];

  for (const street of INDEPENDENCE_STREETS) {
    const metersPerDeg = street.axis === 'north-south' ? METERS_PER_LAT_DEG : METERS_PER_LON_DEG;
    const crossMetersPerDeg =
      street.axis === 'north-south' ? METERS_PER_LON_DEG : METERS_PER_LAT_DEG;
    for (const side of [1, -1] as const) {
      // North or east side (+1) carries even numbers, the other side odd ones.
      const parity = side === 1 ? 0 : 1;
      let along = street.from + random.float(0.2, 0.8) * (spacing / metersPerDeg);
      let block = '';
      let skipBlock = false;
      while (along <= street.to) {
        const numbering = numberingAt(street, along);
        const thisBlock = `${numbering.prefix}${Math.floor(numbering.value / 100)}`;
        if (thisBlock !== block) {
          block = thisBlock;
          skipBlock = random.chance(EMPTY_BLOCK_SIDE);
        }
        const setBack = random.float(14, 26) * side;
        const jitter = random.float(-3, 3);
        const alongJittered = along + jitter / metersPerDeg;
        const across = street.at + setBack / crossMetersPerDeg;
        const lon = street.axis === 'north-south' ? across : alongJittered;
        const lat = street.axis === 'north-south' ? alongJittered : across;
        along += random.float(0.75, 1.25) * (spacing / metersPerDeg);
        if (skipBlock || nearCrossing(street, lon, lat)) continue;
        const number = 2 * Math.floor(numbering.value / 2) + parity;
        if (number < 1) continue;
        points.push({
          id: points.length + 1,
          number,
          street: `${numbering.prefix} ${street.name}`,
          city: 'Independence',
          state: 'MO',
          zip: zipForPoint(lon, lat),
          x: round6(lon),
          y: round6(lat),
        });
      }
    }
  }
  return points;
}
