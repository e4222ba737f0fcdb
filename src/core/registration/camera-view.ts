/**
 * Where a camera looks, in the terms a resident can give: an 8-point compass, a field of
 * view that depends on the kind of camera, and small moves of a map pin. Bearings are
 * degrees clockwise from north; points are WGS84 `{ x: lon, y: lat }`.
 *
 * The distances here are a few metres to a few hundred, so a local plane tangent to the
 * WGS84 ellipsoid is used (its radii of curvature at the point; error under 0.01% at these
 * ranges); the search uses `geometry/geodesy.ts` for exact geodesics.
 */
import type { LonLat } from './change-request.js';

/** The eight compass points a resident can pick, with their bearings. */
export const COMPASS_POINTS = [
  { code: 'N', degrees: 0 },
  { code: 'NE', degrees: 45 },
  { code: 'E', degrees: 90 },
  { code: 'SE', degrees: 135 },
  { code: 'S', degrees: 180 },
  { code: 'SW', degrees: 225 },
  { code: 'W', degrees: 270 },
  { code: 'NW', degrees: 315 },
] as const;
export type CompassPoint = (typeof COMPASS_POINTS)[number]['code'];

/** The compass point whose bearing is exactly `bearing`, if any (a dragged wedge may be between). */
export function compassPointOf(bearing: number | null): CompassPoint | undefined {
  if (bearing === null) return undefined;
  return COMPASS_POINTS.find((point) => point.degrees === normalizeBearing(bearing))?.code;
}

/** The nearest compass point to any bearing. */
export function nearestCompassPoint(bearing: number): CompassPoint {
  const index = Math.round(normalizeBearing(bearing) / 45) % 8;
  return (COMPASS_POINTS[index] as (typeof COMPASS_POINTS)[number]).code;
}

/** Whole degrees in [0, 360). */
export function normalizeBearing(bearing: number): number {
  if (!Number.isFinite(bearing)) throw new RangeError(`bearing must be finite, got ${bearing}`);
  const whole = Math.round(bearing) % 360;
  return whole < 0 ? whole + 360 : whole;
}

/** Typical horizontal field of view by camera form (`CameraForm` codes); null when unknown. */
export const DEFAULT_FIELD_OF_VIEW: Readonly<Record<string, number>> = {
  doorbell: 160,
  fixed: 90,
  ptz: 360,
};

export function defaultFieldOfView(form: string): number | null {
  return DEFAULT_FIELD_OF_VIEW[form] ?? null;
}

const DEG = Math.PI / 180;
const WGS84_A = 6_378_137;
const WGS84_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);

/** Metres per radian north (meridional radius) and east (parallel radius) at a latitude. */
function radiiAt(latDegrees: number): { north: number; east: number } {
  const sin = Math.sin(latDegrees * DEG);
  const w = 1 - WGS84_E2 * sin * sin;
  return {
    north: (WGS84_A * (1 - WGS84_E2)) / (w * Math.sqrt(w)),
    east: (WGS84_A / Math.sqrt(w)) * Math.cos(latDegrees * DEG),
  };
}

function assertPoint(point: LonLat): void {
  if (!Number.isFinite(point.x) || !Number.isFinite(point.y) || Math.abs(point.y) >= 90) {
    throw new RangeError(`point must be finite with |lat| < 90, got (${point.x}, ${point.y})`);
  }
}

/** The point `meters` away from `from` towards `bearing` (local approximation). */
export function offsetPoint(from: LonLat, bearing: number, meters: number): LonLat {
  assertPoint(from);
  if (!Number.isFinite(meters)) throw new RangeError(`meters must be finite, got ${meters}`);
  const angle = bearing * DEG;
  const radii = radiiAt(from.y);
  return {
    x: from.x + (meters * Math.sin(angle)) / radii.east / DEG,
    y: from.y + (meters * Math.cos(angle)) / radii.north / DEG,
  };
}

function localVector(from: LonLat, to: LonLat): { east: number; north: number } {
  assertPoint(from);
  assertPoint(to);
  // Radii at the start point: offsetPoint and this are then exact inverses.
  const radii = radiiAt(from.y);
  return {
    east: (to.x - from.x) * DEG * radii.east,
    north: (to.y - from.y) * DEG * radii.north,
  };
}

/** Metres between two nearby points (local approximation). */
export function localDistanceMeters(from: LonLat, to: LonLat): number {
  const { east, north } = localVector(from, to);
  return Math.hypot(east, north);
}

/** Whole-degree bearing from one nearby point to another; 0 when they coincide. */
export function localBearingDegrees(from: LonLat, to: LonLat): number {
  const { east, north } = localVector(from, to);
  if (east === 0 && north === 0) return 0;
  return normalizeBearing(Math.atan2(east, north) / DEG);
}

/**
 * The outline of a camera's view as a closed ring of `[lon, lat]`: a pie slice of
 * `fovDegrees` around `bearing`, `rangeMeters` deep, or a full circle at 360°.
 */
export function viewWedgeRing(
  camera: LonLat,
  bearing: number,
  fovDegrees: number,
  rangeMeters: number,
  stepsPerQuarter = 8,
): [number, number][] {
  if (!(fovDegrees > 0 && fovDegrees <= 360)) {
    throw new RangeError(`fovDegrees must be in (0, 360], got ${fovDegrees}`);
  }
  const steps = Math.max(2, Math.ceil((fovDegrees / 90) * stepsPerQuarter));
  const start = bearing - fovDegrees / 2;
  const arc: [number, number][] = [];
  for (let i = 0; i <= steps; i += 1) {
    const p = offsetPoint(camera, start + (fovDegrees * i) / steps, rangeMeters);
    arc.push([p.x, p.y]);
  }
  if (fovDegrees >= 360) return [...arc.slice(0, -1), arc[0] as [number, number]];
  const apex: [number, number] = [camera.x, camera.y];
  return [apex, ...arc, apex];
}

/** Whether a point lies inside an extent (`xmin`...`ymax`, WGS84). */
export function isInsideExtent(
  point: LonLat,
  extent: {
    readonly xmin: number;
    readonly ymin: number;
    readonly xmax: number;
    readonly ymax: number;
  },
): boolean {
  return (
    point.x >= extent.xmin &&
    point.x <= extent.xmax &&
    point.y >= extent.ymin &&
    point.y <= extent.ymax
  );
}
