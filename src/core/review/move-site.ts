/**
 * Placement corrections: a site moved with all its cameras by the same offset, or one camera
 * on its own, as the edits of one service-level `applyEdits` with the ReviewLog row `moved`
 * (from and to coordinates in its details). Points are `[lon, lat]` in WGS84 throughout.
 */
import {
  destinationPoint,
  geodesicDistanceMeters,
  initialBearingDegrees,
} from '../geometry/geodesy.js';
import { CAMERAS, REVIEW_LOG, SITES } from '../schema/registry-schema.js';
import { reviewLogRow, type ReviewLayerEdits, type ReviewSite } from './review-decisions.js';

/** A camera of the site being moved, where it is now. */
export interface PlacedCamera {
  readonly objectId: number;
  readonly globalId: string;
  readonly location: readonly [number, number];
}

/** How the new point was found: typed or clicked by the analyst, or a geocoder candidate. */
export type PlacementSource =
  { readonly kind: 'analyst' } | { readonly kind: 'geocoded'; readonly score: number };

const WGS84 = { wkid: 4326 } as const;

function assertPoint(point: readonly [number, number], name: string): void {
  const [x, y] = point;
  if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90)
    throw new RangeError(`${name} must be [lon, lat] in range, got [${x}, ${y}]`);
}

/**
 * Where a point keeps its place relative to a site that moves from `from` to `to`: the same
 * geodesic distance and bearing from the site, so a camera 12 m north-east of the door stays
 * 12 m north-east of it.
 */
export function offsetPoint(
  point: readonly [number, number],
  from: readonly [number, number],
  to: readonly [number, number],
): [number, number] {
  assertPoint(point, 'point');
  assertPoint(from, 'from');
  assertPoint(to, 'to');
  const distance = geodesicDistanceMeters(from, point);
  if (distance === 0) return [to[0], to[1]];
  return destinationPoint(to, initialBearingDegrees(from, point), distance);
}

function siteAttributes(site: ReviewSite, source: PlacementSource) {
  return {
    OBJECTID: site.objectId,
    location_method: source.kind === 'geocoded' ? 'geocoded' : 'analyst_corrected',
    ...(source.kind === 'geocoded' ? { geocode_score: source.score } : {}),
  };
}

/**
 * Moves a site from `from` to `to` and every camera with it by the same offset. The log's
 * `details` carries the site's from/to and each camera's (GlobalID, from, to).
 */
export function moveSiteEdits(
  site: ReviewSite,
  from: readonly [number, number],
  to: readonly [number, number],
  cameras: readonly PlacedCamera[],
  source: PlacementSource = { kind: 'analyst' },
): readonly ReviewLayerEdits[] {
  assertPoint(to, 'to');
  const moved = cameras.map((camera) => ({
    camera,
    to: offsetPoint(camera.location, from, to),
  }));
  return [
    {
      id: SITES.id,
      updates: [
        {
          attributes: siteAttributes(site, source),
          geometry: { x: to[0], y: to[1], spatialReference: WGS84 },
        },
      ],
    },
    {
      id: CAMERAS.id,
      updates: moved.map(({ camera, to: point }) => ({
        attributes: { OBJECTID: camera.objectId },
        geometry: { x: point[0], y: point[1], spatialReference: WGS84 },
      })),
    },
    {
      id: REVIEW_LOG.id,
      adds: [
        reviewLogRow(site, 'moved', null, {
          fields: [
            'geometry',
            'location_method',
            ...(source.kind === 'geocoded' ? ['geocode_score'] : []),
          ],
          from,
          to,
          cameras: moved.map(({ camera, to: point }) => ({
            guid: camera.globalId,
            from: camera.location,
            to: point,
          })),
        }),
      ],
    },
  ];
}

/** Moves one camera of a site to `to`; the site stays where it is. */
export function moveCameraEdits(
  site: ReviewSite,
  camera: PlacedCamera,
  to: readonly [number, number],
): readonly ReviewLayerEdits[] {
  assertPoint(to, 'to');
  return [
    {
      id: CAMERAS.id,
      updates: [
        {
          attributes: { OBJECTID: camera.objectId },
          geometry: { x: to[0], y: to[1], spatialReference: WGS84 },
        },
      ],
    },
    {
      id: REVIEW_LOG.id,
      adds: [
        reviewLogRow(site, 'moved', null, {
          fields: ['camera geometry'],
          cameras: [{ guid: camera.globalId, from: camera.location, to }],
        }),
      ],
    },
  ];
}
