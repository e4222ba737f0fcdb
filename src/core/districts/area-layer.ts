/**
 * Named areas (patrol districts, beats) from GeoJSON polygons and multipolygons, and which
 * area a point lies in. Points are `[lon, lat]` in WGS84 degrees, as GeoJSON writes them.
 *
 * **Boundaries.** A point on an area's outline, or on the outline of one of its holes, is
 * in the area (Turf's `ignoreBoundary: false`): a site drawn on the line between two
 * districts still gets a district. Where two areas share that line, the area listed first
 * in the source wins, so the answer never depends on anything but the file.
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';

/** `[lon, lat]` in WGS84 degrees. */
export type LonLat = readonly [number, number];

type Ring = readonly LonLat[];

/** One area: its name and its polygons (outer ring first, then holes), with their box. */
export interface Area {
  readonly name: string;
  readonly polygons: readonly (readonly Ring[])[];
  /** `[minLon, minLat, maxLon, maxLat]`, to skip the exact test for far points. */
  readonly bbox: readonly [number, number, number, number];
}

/** Areas of one kind, in source order (the first wins on a shared boundary). */
export interface AreaLayer {
  readonly areas: readonly Area[];
}

/** Why a GeoJSON source was refused, as data. */
export const AreaSourceIssue = {
  NotFeatureCollection: 'NOT_FEATURE_COLLECTION',
  NotPolygon: 'NOT_POLYGON',
  BadRing: 'BAD_RING',
  NoName: 'NO_NAME',
  /** A URL that is not an ArcGIS feature layer (`…/FeatureServer/N` or `…/MapServer/N`). */
  NotFeatureLayer: 'NOT_FEATURE_LAYER',
  /** A feature layer that kept offering more pages past {@link MAX_AREAS} areas. */
  TooManyAreas: 'TOO_MANY_AREAS',
} as const;
export type AreaSourceIssue = (typeof AreaSourceIssue)[keyof typeof AreaSourceIssue];

/** Areas a layer may hold: far more than any city's districts and beats. */
export const MAX_AREAS = 10_000;

/** A caller's mistake in an area source: which feature (index) and why. */
export class AreaSourceError extends RangeError {
  override readonly name = 'AreaSourceError';
  readonly issue: AreaSourceIssue;
  readonly feature: number | undefined;
  constructor(issue: AreaSourceIssue, feature: number | undefined, message: string) {
    super(message);
    this.issue = issue;
    this.feature = feature;
  }
}

function readRing(raw: unknown, feature: number): Ring {
  const bad = () =>
    new AreaSourceError(
      AreaSourceIssue.BadRing,
      feature,
      `Feature ${feature}: a ring must be a closed list of at least four [lon, lat] positions.`,
    );
  if (!Array.isArray(raw) || raw.length < 4) throw bad();
  const ring = raw.map((position: unknown): LonLat => {
    if (
      !Array.isArray(position) ||
      position.length < 2 ||
      typeof position[0] !== 'number' ||
      typeof position[1] !== 'number' ||
      !Number.isFinite(position[0]) ||
      !Number.isFinite(position[1]) ||
      Math.abs(position[0]) > 180 ||
      Math.abs(position[1]) > 90
    )
      throw bad();
    return [position[0], position[1]];
  });
  const first = ring[0] as LonLat;
  const last = ring[ring.length - 1] as LonLat;
  if (first[0] !== last[0] || first[1] !== last[1]) throw bad();
  return ring;
}

function readPolygon(raw: unknown, feature: number): readonly Ring[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new AreaSourceError(AreaSourceIssue.BadRing, feature, `Feature ${feature}: no rings.`);
  return raw.map((ring) => readRing(ring, feature));
}

function boxOf(polygons: readonly (readonly Ring[])[]): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygons)
    for (const [lon, lat] of polygon[0] ?? []) {
      box[0] = Math.min(box[0], lon);
      box[1] = Math.min(box[1], lat);
      box[2] = Math.max(box[2], lon);
      box[3] = Math.max(box[3], lat);
    }
  return box;
}

function nameOf(properties: unknown, nameProperty: string): string | undefined {
  if (!properties || typeof properties !== 'object') return undefined;
  const value = (properties as Record<string, unknown>)[nameProperty];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Reads a GeoJSON FeatureCollection of Polygon and MultiPolygon features into an area layer;
 * each feature's name is its `nameProperty` (text or number). Throws {@link AreaSourceError}
 * naming the feature when the source is not one.
 *
 * @see https://datatracker.ietf.org/doc/html/rfc7946#section-3.1.6
 */
export function areaLayerFromGeoJson(geojson: unknown, nameProperty = 'name'): AreaLayer {
  const collection = geojson as { type?: unknown; features?: unknown } | null;
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features))
    throw new AreaSourceError(
      AreaSourceIssue.NotFeatureCollection,
      undefined,
      'An area source must be a GeoJSON FeatureCollection.',
    );
  const areas = collection.features.map((raw: unknown, index): Area => {
    const feature = raw as {
      geometry?: { type?: unknown; coordinates?: unknown };
      properties?: unknown;
    };
    const geometry = feature?.geometry;
    let polygons: (readonly Ring[])[];
    if (geometry?.type === 'Polygon') polygons = [readPolygon(geometry.coordinates, index)];
    else if (geometry?.type === 'MultiPolygon' && Array.isArray(geometry.coordinates))
      polygons = geometry.coordinates.map((polygon: unknown) => readPolygon(polygon, index));
    else
      throw new AreaSourceError(
        AreaSourceIssue.NotPolygon,
        index,
        `Feature ${index} is not a Polygon or MultiPolygon.`,
      );
    if (polygons.length === 0)
      throw new AreaSourceError(AreaSourceIssue.BadRing, index, `Feature ${index}: no polygons.`);
    const name = nameOf(feature.properties, nameProperty);
    if (name === undefined)
      throw new AreaSourceError(
        AreaSourceIssue.NoName,
        index,
        `Feature ${index} has no "${nameProperty}" property.`,
      );
    return { name, polygons, bbox: boxOf(polygons) };
  });
  return { areas };
}

function inBox(point: LonLat, box: Area['bbox']): boolean {
  return point[0] >= box[0] && point[0] <= box[2] && point[1] >= box[1] && point[1] <= box[3];
}

/**
 * The name of the first area of `layer` containing `point` (boundary included), or null
 * when it lies in none (outside them all, or in a hole).
 */
export function areaAt(layer: AreaLayer, point: LonLat): string | null {
  if (!Number.isFinite(point[0]) || !Number.isFinite(point[1]))
    throw new RangeError(`point must be a finite [lon, lat], got [${point[0]}, ${point[1]}]`);
  for (const area of layer.areas) {
    if (!inBox(point, area.bbox)) continue;
    const geometry = {
      type: 'MultiPolygon' as const,
      coordinates: area.polygons as unknown as number[][][][],
    };
    if (booleanPointInPolygon([point[0], point[1]], geometry)) return area.name;
  }
  return null;
}
