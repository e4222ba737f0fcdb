/**
 * Streets of a synthetic street grid for Independence, Missouri, used only to make demo
 * and load-test data look local.
 *
 * The names are real public street names of Independence, but every position below is
 * SYNTHETIC: streets are laid out as straight north–south and east–west lines inside the
 * city's rough bounding box, not traced from any map, and the address points generated
 * along them are not real address locations. Do not use them to find a real house.
 *
 * Coordinates are WGS84 degrees, `[lon, lat]` thinking: `at` is the fixed longitude of a
 * north–south street or the fixed latitude of an east–west one.
 */

/** How the house numbers along a street run. */
export type NumberingGrid =
  /** From the city's own centre lines: N/S of Truman Rd, E/W of Main St. */
  | 'local'
  /** The Kansas City metro grid that numbered streets follow: E of Kansas City's Main St. */
  | 'county';

export interface StreetDef {
  /** Name without a directional prefix, as USPS abbreviates it: `Noland Rd`, `23rd St`. */
  readonly name: string;
  readonly axis: 'north-south' | 'east-west';
  /** Longitude of a north–south street, latitude of an east–west one. */
  readonly at: number;
  /** Where the street starts and ends: latitudes (north–south) or longitudes (east–west). */
  readonly from: number;
  readonly to: number;
  readonly grid: NumberingGrid;
}

/** Rough bounding box of the city (not its boundary). */
export const CITY_BOX = { xmin: -94.48, ymin: 39.03, xmax: -94.33, ymax: 39.13 } as const;

/** Latitude of Truman Rd, the synthetic north/south divider of house numbers. */
export const NORTH_SOUTH_DIVIDER_LAT = 39.0905;
/** Longitude of Main St, the synthetic east/west divider of local house numbers. */
export const EAST_WEST_DIVIDER_LON = -94.4155;
/** Longitude of Kansas City's Main St, where the metro grid's east numbers start. */
export const COUNTY_GRID_ORIGIN_LON = -94.5855;
/** Degrees of latitude between numbered streets (one hundred-block). */
export const BLOCK_LAT_DEG = 0.0014375;
/** House numbers per degree of longitude on east–west streets. */
export const NUMBERS_PER_LON_DEG = 80_000;

/** Latitude of numbered street `n` (23 for 23rd St) in the synthetic grid. */
export function numberedStreetLat(n: number): number {
  return NORTH_SOUTH_DIVIDER_LAT - (n - 12) * BLOCK_LAT_DEG;
}

const ns = (name: string, lon: number, fromLat: number, toLat: number): StreetDef => ({
  name,
  axis: 'north-south',
  at: lon,
  from: fromLat,
  to: toLat,
  grid: 'local',
});

const ew = (
  name: string,
  lat: number,
  fromLon: number,
  toLon: number,
  grid: NumberingGrid,
): StreetDef => ({
  name,
  axis: 'east-west',
  at: lat,
  from: fromLon,
  to: toLon,
  grid,
});

const numbered = (n: number, suffix: string, fromLon: number, toLon: number): StreetDef =>
  ew(`${n}${suffix} St`, numberedStreetLat(n), fromLon, toLon, 'county');

/** The synthetic grid: west to east, then north to south. */
export const INDEPENDENCE_STREETS: readonly StreetDef[] = [
  ns('Arlington Ave', -94.456, 39.04, 39.12),
  ns('Sterling Ave', -94.445, 39.035, 39.12),
  ns('Crysler Ave', -94.433, 39.035, 39.089),
  ns('River Blvd', -94.4265, 39.06, 39.125),
  ns('Pleasant St', -94.4245, 39.075, 39.11),
  ns('Delaware St', -94.4225, 39.075, 39.12),
  ns('Liberty St', -94.419, 39.065, 39.125),
  ns('Main St', -94.4155, 39.05, 39.128),
  ns('Osage St', -94.412, 39.07, 39.118),
  ns('Spring St', -94.4085, 39.065, 39.12),
  ns('Noland Rd', -94.404, 39.03, 39.0895),
  ns('Dodgion St', -94.404, 39.092, 39.125),
  ns('Forest Ave', -94.398, 39.062, 39.118),
  ns('Hub Dr', -94.396, 39.032, 39.06),
  ns('Jennings Rd', -94.384, 39.035, 39.085),
  ns("Lee's Summit Rd", -94.362, 39.03, 39.089),
  ns('Little Blue Pkwy', -94.345, 39.035, 39.125),
  ns('Selsa Rd', -94.338, 39.03, 39.07),

  ew('Bundschu Rd', 39.115, -94.4, -94.345, 'local'),
  ew('White Oak St', 39.1, -94.44, -94.39, 'local'),
  ew('College St', 39.0975, -94.435, -94.395, 'local'),
  ew('Lexington Ave', 39.095, -94.45, -94.38, 'local'),
  ew('Maple Ave', 39.0928, -94.44, -94.385, 'local'),
  ew('Truman Rd', NORTH_SOUTH_DIVIDER_LAT, -94.47, -94.335, 'local'),
  ew('Walnut St', 39.087, -94.44, -94.39, 'local'),
  ew('Kansas Ave', 39.0845, -94.43, -94.395, 'local'),
  ew('Winner Rd', 39.08, -94.47, -94.42, 'local'),
  numbered(23, 'rd', -94.48, -94.335),
  numbered(27, 'th', -94.47, -94.38),
  numbered(31, 'st', -94.47, -94.34),
  numbered(35, 'th', -94.46, -94.34),
  numbered(39, 'th', -94.48, -94.335),
  numbered(43, 'rd', -94.45, -94.345),
  numbered(47, 'th', -94.44, -94.35),
];

/**
 * The ZIP code of a point, by rough area of the city (64051 is post-office boxes only, so
 * it is never given). The areas are approximations for demo data, not USPS boundaries.
 */
export function zipForPoint(lon: number, lat: number): string {
  if (lat >= 39.085) {
    if (lon < -94.44) return '64053';
    if (lon < -94.39) return '64050';
    if (lon < -94.355) return '64056';
    return '64058';
  }
  if (lat >= 39.06) {
    if (lon < -94.43) return '64052';
    if (lon < -94.385) return '64054';
    return '64056';
  }
  if (lon < -94.43) return '64052';
  if (lon < -94.38) return '64055';
  return '64057';
}
