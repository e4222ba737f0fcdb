/**
 * Ranks the cameras found around an incident: which can see it, how far they are, and how
 * soon their footage is overwritten. Pure and DOM-free; points are `[lon, lat]` degrees.
 */
import {
  geodesicDistanceMeters,
  initialBearingDegrees,
  isInViewWedge,
} from '../geometry/geodesy.js';
import { cameraView, type CameraView } from './camera-view-defaults.js';
import {
  DEFAULT_URGENT_WITHIN_HOURS,
  footageDeadline,
  footageUrgency,
  FootageUrgency,
} from './footage-deadline.js';

export type LonLat = readonly [number, number];

/**
 * Whether a camera can see the incident point, named by what is known of its view. A width
 * or range the owner left out counts at the usual value for the camera's kind (see
 * {@link cameraView}); a usual range only ever promotes a camera to `sees`, never rules it out.
 */
export const Visibility = {
  /** The point lies in the camera's view wedge (bearing ± fov/2, within range). */
  Sees: 'sees',
  /** The camera looks toward the point, but how far it sees is not known. */
  Faces: 'faces',
  /** The camera's direction (or its width, with no usual one for its kind) is unknown. */
  Maybe: 'maybe',
  /** The camera faces elsewhere or the point is beyond its stated range. */
  Away: 'away',
} as const;
export type Visibility = (typeof Visibility)[keyof typeof Visibility];

/** Rank of each visibility class: lower comes first. */
export const VISIBILITY_ORDER: Readonly<Record<Visibility, number>> = {
  sees: 0,
  faces: 1,
  maybe: 2,
  away: 3,
};

/** What ranking needs to know about one camera. */
export interface RankableCamera {
  readonly objectId: number;
  readonly location: LonLat;
  /** Degrees clockwise from north the camera looks, or null when unknown. */
  readonly viewBearingDegrees: number | null;
  readonly fovDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly retentionDays: number | null;
  /** `CameraForm` code: a missing width or range counts at the usual value for the kind. */
  readonly form?: string | null;
}

export interface RankOptions {
  readonly incident: LonLat;
  /** Incident time, epoch ms. */
  readonly incidentAt: number;
  /** Current time, epoch ms. */
  readonly now: number;
  /** Footage within this many hours of its deadline is urgent; default 48. */
  readonly urgentWithinHours?: number;
}

export interface RankedCamera<C extends RankableCamera = RankableCamera> {
  readonly camera: C;
  /** 1-based position in the ranking. */
  readonly rank: number;
  readonly distanceMeters: number;
  /** Bearing from the camera to the incident, degrees clockwise from north. */
  readonly bearingToIncidentDegrees: number;
  /** Bearing from the incident to the camera (where to walk), degrees clockwise from north. */
  readonly bearingFromIncidentDegrees: number;
  readonly visibility: Visibility;
  /** The view the class was decided on: stated values, else the usual ones for the kind. */
  readonly view: CameraView;
  /** When the footage is likely overwritten, epoch ms; null when retention is unknown. */
  readonly footageDeadline: number | null;
  readonly urgency: FootageUrgency;
  /** The deadline falls within the urgent window and has not passed. */
  readonly urgent: boolean;
  /** The deadline has passed. */
  readonly probablyGone: boolean;
}

/**
 * Whether `incident` lies in the camera's view wedge: `sees` inside it; `faces` when inside
 * its angle but the range is unknown (or only assumed, and the point lies beyond it); `maybe`
 * when the direction or width is unknown; `away` otherwise.
 */
export function cameraVisibility(
  camera: RankableCamera,
  incident: LonLat,
  view: CameraView = cameraView(camera),
): Visibility {
  const { bearingDegrees: bearing, fovDegrees: fov, rangeMeters: range } = view;
  if (bearing === null || fov === null) return Visibility.Maybe;
  if (range !== null && isInViewWedge(camera.location, bearing, fov, range, incident)) {
    return Visibility.Sees;
  }
  if (range !== null && !view.rangeAssumed) return Visibility.Away;
  // Range unknown: only the angle decides (a range as long as the distance always reaches).
  const distance = geodesicDistanceMeters(camera.location, incident);
  return isInViewWedge(camera.location, bearing, fov, distance, incident)
    ? Visibility.Faces
    : Visibility.Away;
}

/** Orders ranked cameras: sees, faces, maybe, away; then nearer first; then by OBJECTID. */
export function compareRanked(a: RankedCamera, b: RankedCamera): number {
  return (
    VISIBILITY_ORDER[a.visibility] - VISIBILITY_ORDER[b.visibility] ||
    a.distanceMeters - b.distanceMeters ||
    a.camera.objectId - b.camera.objectId
  );
}

/**
 * Measures and classifies every camera against the incident and returns them best first
 * (see {@link compareRanked}), numbered from 1.
 */
export function rankCameras<C extends RankableCamera>(
  cameras: readonly C[],
  options: RankOptions,
): RankedCamera<C>[] {
  const { incident, incidentAt, now } = options;
  const urgentWithinHours = options.urgentWithinHours ?? DEFAULT_URGENT_WITHIN_HOURS;
  const measured = cameras.map((camera): RankedCamera<C> => {
    const deadline = footageDeadline(incidentAt, camera.retentionDays);
    const urgency = footageUrgency(deadline, now, urgentWithinHours);
    const view = cameraView(camera);
    return {
      camera,
      rank: 0,
      distanceMeters: geodesicDistanceMeters(camera.location, incident),
      bearingToIncidentDegrees: initialBearingDegrees(camera.location, incident),
      bearingFromIncidentDegrees: initialBearingDegrees(incident, camera.location),
      visibility: cameraVisibility(camera, incident, view),
      view,
      footageDeadline: deadline,
      urgency,
      urgent: urgency === FootageUrgency.Urgent,
      probablyGone: urgency === FootageUrgency.ProbablyGone,
    };
  });
  measured.sort(compareRanked);
  return measured.map((entry, index) => ({ ...entry, rank: index + 1 }));
}

/** The orders a result list can be shown in. */
export const SortKey = { Rank: 'rank', Distance: 'distance', Deadline: 'deadline' } as const;
export type SortKey = (typeof SortKey)[keyof typeof SortKey];

/**
 * A copy of `ranked` in another order: by rank; by distance (then rank); or by footage
 * deadline with what can still be saved first: deadlines not yet passed, soonest first;
 * then unknown retention; then footage probably gone. Ties keep rank order.
 */
export function sortRanked<R extends RankedCamera>(ranked: readonly R[], key: SortKey): R[] {
  const copy = [...ranked];
  switch (key) {
    case SortKey.Distance:
      return copy.sort((a, b) => a.distanceMeters - b.distanceMeters || a.rank - b.rank);
    case SortKey.Deadline:
      return copy.sort(
        (a, b) =>
          deadlineGroup(a) - deadlineGroup(b) ||
          (a.footageDeadline ?? 0) - (b.footageDeadline ?? 0) ||
          a.rank - b.rank,
      );
    default:
      return copy.sort((a, b) => a.rank - b.rank);
  }
}

function deadlineGroup(entry: RankedCamera): number {
  if (entry.probablyGone) return 2;
  return entry.footageDeadline === null ? 1 : 0;
}
