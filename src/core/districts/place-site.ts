/**
 * Where a site falls in the department's map: its patrol district and beat, derived from the
 * configured polygon layers whenever a site is created or moved, whoever does it.
 */
import { areaAt, type AreaLayer, type LonLat } from './area-layer.js';

/** The configured polygon layers; either may be absent (nothing is derived for it). */
export interface SitePlacement {
  readonly districts?: AreaLayer;
  readonly beats?: AreaLayer;
}

/** A site's derived district and beat (null: in no configured area). */
export interface PlacedSite {
  readonly district: string | null;
  readonly beat: string | null;
}

/**
 * The values to write to a site placed at `point`: `district` and `beat` for each layer
 * configured (null when the point is in no area of it, so a moved site never keeps its old
 * district), and nothing for a layer that is not configured (the stored value stands).
 *
 * Call it wherever a site's point is written: on create, and on any update that moves it.
 */
export function placeSite(placement: SitePlacement, point: LonLat): Partial<PlacedSite> {
  return {
    ...(placement.districts ? { district: areaAt(placement.districts, point) } : {}),
    ...(placement.beats ? { beat: areaAt(placement.beats, point) } : {}),
  };
}

/**
 * Whether `point` lies inside the city as the district layer draws it: undefined when no
 * district layer is configured (nothing to say).
 */
export function insideDistricts(placement: SitePlacement, point: LonLat): boolean | undefined {
  return placement.districts ? areaAt(placement.districts, point) !== null : undefined;
}
