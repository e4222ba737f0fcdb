/**
 * The area a camera sees, as a polygon ring for the map: the camera point and an arc at its
 * range from `bearing - fov/2` to `bearing + fov/2`, each vertex on the WGS84 geodesic.
 */
import { destinationPoint } from '../geometry/geodesy.js';
import type { LonLat } from './rank-cameras.js';

/**
 * A closed ring of `[lon, lat]` (first vertex repeated last) outlining the view wedge, with
 * arc vertices at most `stepDegrees` apart. A field of view of 360° or more gives a circle.
 */
export function viewWedgeRing(
  camera: LonLat,
  bearingDegrees: number,
  fovDegrees: number,
  rangeMeters: number,
  stepDegrees = 5,
): [number, number][] {
  if (!Number.isFinite(fovDegrees) || fovDegrees <= 0) {
    throw new RangeError(`fovDegrees must be > 0, got ${fovDegrees}`);
  }
  if (!Number.isFinite(rangeMeters) || rangeMeters <= 0) {
    throw new RangeError(`rangeMeters must be > 0, got ${rangeMeters}`);
  }
  if (!Number.isFinite(stepDegrees) || stepDegrees <= 0) {
    throw new RangeError(`stepDegrees must be > 0, got ${stepDegrees}`);
  }
  const full = fovDegrees >= 360;
  const sweep = full ? 360 : fovDegrees;
  const start = full ? 0 : bearingDegrees - fovDegrees / 2;
  const steps = Math.max(2, Math.ceil(sweep / stepDegrees));
  const arc: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    arc.push(destinationPoint(camera, start + (sweep * i) / steps, rangeMeters));
  }
  if (full) {
    // 0° and 360° land on the same vertex up to rounding: close the ring exactly.
    arc[arc.length - 1] = [...(arc[0] as [number, number])];
    return arc;
  }
  const apex: [number, number] = [camera[0], camera[1]];
  return [apex, ...arc, apex];
}
