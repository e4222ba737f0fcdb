/**
 * Geodesy on the WGS84 ellipsoid, after GeographicLib (Karney 2013, "Algorithms for
 * geodesics"). Points are `[lon, lat]` in degrees throughout; distances are metres and
 * bearings are degrees clockwise from true north.
 *
 * Caller mistakes (non-finite numbers, latitudes beyond ±90°, negative distances) throw a
 * `RangeError` naming the offending value.
 */
import geographiclib from 'geographiclib-geodesic';

const { Geodesic } = geographiclib;
const WGS84 = Geodesic.WGS84;

/** WGS84 semi-major axis in metres. */
export const WGS84_SEMI_MAJOR_AXIS_METERS = WGS84.a;
/** WGS84 flattening. */
export const WGS84_FLATTENING = WGS84.f;

const E2 = WGS84.f * (2 - WGS84.f);
const DEG = Math.PI / 180;

/** Smallest meridional radius of curvature (at the equator): `a (1 - e²)`. */
const MIN_MERIDIONAL_RADIUS_METERS = WGS84.a * (1 - E2);

/** Metres of padding per metre of radius, plus a fixed millimetre, in {@link boundingBoxAround}. */
const BOX_PAD_RATIO = 1e-6;
const BOX_PAD_METERS = 1e-3;

function assertPoint(point: readonly [number, number], name: string): void {
  const [lon, lat] = point;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90) {
    throw new RangeError(
      `${name} must be a finite [lon, lat] with |lat| <= 90, got [${lon}, ${lat}]`,
    );
  }
}

function assertNonNegative(value: number, name: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}

/** Normalises an angle in degrees to [0, 360). */
function normalizeDegrees(degrees: number): number {
  const wrapped = degrees % 360;
  const positive = wrapped < 0 ? wrapped + 360 : wrapped;
  // -1e-17 % 360 + 360 rounds to 360.
  return positive >= 360 ? 0 : positive;
}

/**
 * Meridional radius of curvature `M(φ)` in metres at latitude `latDegrees`: metres per radian of
 * latitude. Smallest at the equator, growing towards the poles.
 */
export function meridionalRadiusMeters(latDegrees: number): number {
  const s = Math.sin(latDegrees * DEG);
  const w = 1 - E2 * s * s;
  return (WGS84.a * (1 - E2)) / (w * Math.sqrt(w));
}

/**
 * Radius of the parallel `N(φ) cos φ` in metres at latitude `latDegrees`: metres per radian of
 * longitude. Largest at the equator, zero at the poles.
 */
export function parallelRadiusMeters(latDegrees: number): number {
  const s = Math.sin(latDegrees * DEG);
  return Math.max(0, (WGS84.a * Math.cos(latDegrees * DEG)) / Math.sqrt(1 - E2 * s * s));
}

/**
 * Geodesic (shortest path) distance in metres between two `[lon, lat]` points on the WGS84
 * ellipsoid, accurate to about 15 nm (GeographicLib `Inverse`).
 *
 * @example geodesicDistanceMeters([0, 0], [0, 1]) // 110574.388…
 */
export function geodesicDistanceMeters(
  a: readonly [number, number],
  b: readonly [number, number],
): number {
  assertPoint(a, 'a');
  assertPoint(b, 'b');
  return WGS84.Inverse(a[1], a[0], b[1], b[0], Geodesic.DISTANCE).s12 ?? Number.NaN;
}

/**
 * Initial bearing (forward azimuth) in degrees in [0, 360) of the geodesic from `from` to `to`,
 * clockwise from true north. Coincident points give 0.
 */
export function initialBearingDegrees(
  from: readonly [number, number],
  to: readonly [number, number],
): number {
  assertPoint(from, 'from');
  assertPoint(to, 'to');
  if (from[0] === to[0] && from[1] === to[1]) return 0;
  const azimuth = WGS84.Inverse(from[1], from[0], to[1], to[0], Geodesic.AZIMUTH).azi1 ?? 0;
  return normalizeDegrees(azimuth);
}

/**
 * The `[lon, lat]` reached by travelling `distanceMeters` along the geodesic leaving `from` at
 * `bearingDegrees` (clockwise from north). Longitude comes back in [-180, 180].
 */
export function destinationPoint(
  from: readonly [number, number],
  bearingDegrees: number,
  distanceMeters: number,
): [number, number] {
  assertPoint(from, 'from');
  if (!Number.isFinite(bearingDegrees)) {
    throw new RangeError(`bearingDegrees must be finite, got ${bearingDegrees}`);
  }
  if (!Number.isFinite(distanceMeters)) {
    throw new RangeError(`distanceMeters must be finite, got ${distanceMeters}`);
  }
  const result = WGS84.Direct(
    from[1],
    from[0],
    bearingDegrees,
    distanceMeters,
    Geodesic.LATITUDE | Geodesic.LONGITUDE,
  );
  return [result.lon2 ?? Number.NaN, result.lat2 ?? Number.NaN];
}

/** The smaller angle in degrees, in [0, 180], between two bearings given in degrees. */
export function angularDifferenceDegrees(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw new RangeError(`bearings must be finite, got ${a} and ${b}`);
  }
  const difference = normalizeDegrees(a - b);
  return difference > 180 ? 360 - difference : difference;
}

/** Slack in degrees on the wedge edges, so a target exactly on an edge is not lost to rounding. */
const WEDGE_EDGE_TOLERANCE_DEGREES = 1e-9;

/**
 * Whether `target` lies in a camera's view wedge: within `rangeMeters` (geodesic) of `camera`
 * and with the bearing from camera to target within `bearingDegrees ± fovDegrees / 2`.
 * Both edges are inclusive; `fovDegrees >= 360` means every direction; a target at the
 * camera itself counts as inside.
 */
export function isInViewWedge(
  camera: readonly [number, number],
  bearingDegrees: number,
  fovDegrees: number,
  rangeMeters: number,
  target: readonly [number, number],
): boolean {
  assertPoint(camera, 'camera');
  assertPoint(target, 'target');
  if (!Number.isFinite(bearingDegrees)) {
    throw new RangeError(`bearingDegrees must be finite, got ${bearingDegrees}`);
  }
  assertNonNegative(fovDegrees, 'fovDegrees');
  assertNonNegative(rangeMeters, 'rangeMeters');
  if (camera[0] === target[0] && camera[1] === target[1]) return true;
  const result = WGS84.Inverse(
    camera[1],
    camera[0],
    target[1],
    target[0],
    Geodesic.DISTANCE | Geodesic.AZIMUTH,
  );
  const distance = result.s12 ?? Number.NaN;
  if (!(distance <= rangeMeters)) return false;
  if (distance === 0 || fovDegrees >= 360) return true;
  const bearing = normalizeDegrees(result.azi1 ?? 0);
  return (
    angularDifferenceDegrees(bearing, bearingDegrees) <=
    fovDegrees / 2 + WEDGE_EDGE_TOLERANCE_DEGREES
  );
}

/** Metres per unit, keyed by lower-cased name. */
const METERS_PER_UNIT: ReadonlyMap<string, number> = new Map([
  ['esrisrunit_meter', 1],
  ['esrisrunit_foot', 0.3048],
  ['esrisrunit_statutemile', 1609.344],
  ['esrisrunit_kilometer', 1000],
  ['esrisrunit_nauticalmile', 1852],
  // The pre-1954 US nautical mile, 6080.20 ft.
  ['esrisrunit_usnauticalmile', 1853.248],
  ['esrisrunit_ussurveyfoot', 1200 / 3937],
  ['meters', 1],
  ['meter', 1],
  ['feet', 0.3048],
  ['foot', 0.3048],
  ['miles', 1609.344],
  ['mile', 1609.344],
  ['kilometers', 1000],
  ['kilometer', 1000],
]);

/**
 * Converts a distance in an ArcGIS linear unit (`esriSRUnit_Meter`, `esriSRUnit_Foot`,
 * `esriSRUnit_StatuteMile`, `esriSRUnit_Kilometer`, `esriSRUnit_NauticalMile`,
 * `esriSRUnit_USNauticalMile`, `esriSRUnit_USSurveyFoot`) or a plain word (`meters`, `feet`,
 * `miles`, `kilometers`) to metres. Names are matched case-insensitively.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/query-feature-service-layer/ (`units`)
 */
export function metersFromUnits(value: number, unit: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`value must be finite, got ${value}`);
  const factor = METERS_PER_UNIT.get(unit.trim().toLowerCase());
  if (factor === undefined) throw new RangeError(`unknown distance unit: ${JSON.stringify(unit)}`);
  return value * factor;
}

/**
 * A `[minLon, minLat, maxLon, maxLat]` box guaranteed to contain every point within
 * `radiusMeters` (geodesic) of `center`.
 *
 * The bound is analytic, not sampled: along any path `ds ≥ M_min |dφ|` and `ds ≥ N cos φ |dλ|`,
 * with `M_min = a(1 - e²)` and `N cos φ` taken at the most poleward latitude reachable. It is
 * padded by a millimetre plus one part per million. When the box would reach a pole or cross
 * the antimeridian, it spans all longitudes.
 */
export function boundingBoxAround(
  center: readonly [number, number],
  radiusMeters: number,
): [number, number, number, number] {
  assertPoint(center, 'center');
  assertNonNegative(radiusMeters, 'radiusMeters');
  const [lon, lat] = center;
  const radius = radiusMeters * (1 + BOX_PAD_RATIO) + BOX_PAD_METERS;
  const dLat = radius / MIN_MERIDIONAL_RADIUS_METERS / DEG;
  const minLat = Math.max(-90, lat - dLat);
  const maxLat = Math.min(90, lat + dLat);
  const farLat = Math.max(Math.abs(minLat), Math.abs(maxLat));
  const parallel = farLat >= 90 ? 0 : parallelRadiusMeters(farLat);
  const dLon = parallel > 0 ? radius / parallel / DEG : Infinity;
  if (dLon >= 180 || lon - dLon < -180 || lon + dLon > 180) return [-180, minLat, 180, maxLat];
  return [lon - dLon, minLat, lon + dLon, maxLat];
}
