/**
 * The spatial part of the ArcGIS query operation for point layers stored in WGS84 (4326):
 * `geometry`, `geometryType`, `inSR`, `spatialRel`, `relationParam`, `distance` and `units`.
 *
 * {@link buildSpatialFilter} turns the parameters into a box for the R*Tree pre-filter and an
 * exact `matches(lon, lat)` test. Query geometries are projected to WGS84 vertex by vertex and
 * their edges are straight lines in longitude/latitude, which is how ArcGIS treats a
 * geographic geometry that has not been densified. Geometries must not cross the antimeridian.
 *
 * ArcGIS reads every relation as "the query geometry <relation> the feature"
 * (`esriSpatialRelContains`: "Query Geometry Contains Target Geometry"), with the OGC/DE-9IM
 * (Clementini) definitions of its geometry engine. {@link buildSpatialFilter} documents what
 * each relation therefore means for a point feature.
 *
 * Buffers (`distance`) are geodesic on the WGS84 ellipsoid: a feature is within the buffer when
 * its shortest ellipsoidal distance to the geometry is at most the distance. Most candidates are
 * decided by rigorous flat-metric bounds; GeographicLib is only called for the thin shell where
 * the bounds disagree.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/query-feature-service-layer/
 * @see https://developers.arcgis.com/enterprise-sdk/api-reference/net/esriSpatialRelEnum/
 */
import geographiclib from 'geographiclib-geodesic';

import { AppError, ErrorCode } from '../../core/errors.js';
import {
  meridionalRadiusMeters,
  metersFromUnits,
  parallelRadiusMeters,
} from '../../core/geometry/geodesy.js';
import {
  envelopeOutline,
  isKnownWkid,
  projectPoints,
  wkidFromSpatialReference,
} from './projection.js';

/** A spatial reference as it appears inside ArcGIS geometry JSON. */
export interface SpatialReferenceJson {
  wkid?: number;
  latestWkid?: number;
}

/** ArcGIS JSON geometries, as accepted by the query `geometry` parameter. */
export type EsriGeometry =
  | { x: number; y: number; spatialReference?: SpatialReferenceJson }
  | { points: number[][]; spatialReference?: SpatialReferenceJson }
  | { paths: number[][][]; spatialReference?: SpatialReferenceJson }
  | { rings: number[][][]; spatialReference?: SpatialReferenceJson }
  | {
      xmin: number;
      ymin: number;
      xmax: number;
      ymax: number;
      spatialReference?: SpatialReferenceJson;
    };

/** The spatial filter for one query. */
export interface SpatialFilter {
  /** WGS84 box `[minLon, minLat, maxLon, maxLat]` that contains every match, for an R*Tree pre-filter. */
  readonly bbox: readonly [number, number, number, number];
  /** Exact test for a stored WGS84 point. */
  matches(lon: number, lat: number): boolean;
}

/** Parameters of {@link buildSpatialFilter}, named as on the wire. */
export interface SpatialFilterParams {
  /** ArcGIS JSON, `x,y` or `xmin,ymin,xmax,ymax`. */
  geometry: string;
  /** `esriGeometryPoint|Multipoint|Envelope|Polygon|Polyline`; inferred from the geometry when absent. */
  geometryType?: string | undefined;
  /** Spatial reference of the geometry; defaults to the geometry's own, else 4326. */
  inSR?: number | undefined;
  /**
   * `esriSpatialRelIntersects` (default), `…EnvelopeIntersects`, `…IndexIntersects`,
   * `…Contains`, `…Within`, `…Touches`, `…Crosses`, `…Overlaps` or `…Relation`.
   */
  spatialRel?: string | undefined;
  /** The DE-9IM pattern (`TF*012`, query geometry first) of `esriSpatialRelRelation`. */
  relationParam?: string | undefined;
  /** Buffer distance in `units`; 0 or absent means no buffer. */
  distance?: number | undefined;
  /** `esriSRUnit_*` or a plain word; metres when absent. */
  units?: string | undefined;
}

type GeometryKind = 'point' | 'multipoint' | 'envelope' | 'polygon' | 'polyline';

const GEOMETRY_TYPES: ReadonlyMap<string, GeometryKind> = new Map([
  ['esrigeometrypoint', 'point'],
  ['esrigeometrymultipoint', 'multipoint'],
  ['esrigeometryenvelope', 'envelope'],
  ['esrigeometrypolygon', 'polygon'],
  ['esrigeometrypolyline', 'polyline'],
]);

type SpatialRelation =
  | 'intersects'
  | 'envelopeIntersects'
  | 'indexIntersects'
  | 'contains'
  | 'within'
  | 'touches'
  | 'crosses'
  | 'overlaps'
  | 'relation';

/**
 * The relations the ArcGIS Online query operation documents. `esriSpatialRelDisjoint` is not
 * one of them, so it is refused like any unknown name.
 */
const SPATIAL_RELATIONS: ReadonlyMap<string, SpatialRelation> = new Map([
  ['esrispatialrelintersects', 'intersects'],
  ['esrispatialrelenvelopeintersects', 'envelopeIntersects'],
  ['esrispatialrelindexintersects', 'indexIntersects'],
  ['esrispatialrelcontains', 'contains'],
  ['esrispatialrelwithin', 'within'],
  ['esrispatialreltouches', 'touches'],
  ['esrispatialrelcrosses', 'crosses'],
  ['esrispatialreloverlaps', 'overlaps'],
  ['esrispatialrelrelation', 'relation'],
]);

/** A DE-9IM pattern: nine of `T F * 0 1 2`, rows interior/boundary/exterior of the query. */
const RELATION_PATTERN = /^[TF*012]{9}$/;

/** Most vertices a query geometry may have. */
const MAX_VERTICES = 100_000;
/** Longest geometry parameter accepted, in characters. */
const MAX_GEOMETRY_CHARS = 20_000_000;
/** Coordinates within this many degrees are the same point (≈ 0.1 mm). */
const EPSILON_DEGREES = 1e-9;
/** Spatial references whose axes are longitude/latitude or a function of each alone. */
const AXIS_ALIGNED_WKIDS: ReadonlySet<number> = new Set([
  4326, 4269, 4152, 6318, 3857, 102100, 102113, 900913, 3785,
]);
/** Points per envelope side when projecting from a reference whose axes bend in lon/lat. */
const ENVELOPE_SAMPLES_PER_SIDE = 16;

const DEG = Math.PI / 180;
const { Geodesic } = geographiclib;
const WGS84 = Geodesic.WGS84;
const E2 = WGS84.f * (2 - WGS84.f);
/** Smallest meridional radius of curvature (equator), metres per radian of latitude. */
const MIN_MERIDIONAL_RADIUS_METERS = WGS84.a * (1 - E2);
/** Relative slack on the flat-metric bounds, far above their floating-point rounding. */
const BOUND_SLACK = 1e-9;
/** Golden-section search stops when the bracket is this short along the segment, in metres. */
const SEGMENT_SEARCH_TOLERANCE_METERS = 1e-4;

function invalid(message: string, details: readonly string[] = []): AppError {
  return new AppError(ErrorCode.InvalidInput, message, details);
}

// ---------------------------------------------------------------------------------------------
// Parsing

interface ParsedGeometry {
  readonly kind: GeometryKind;
  /** Coordinates as given, x/y only. */
  readonly geometry: EsriGeometry;
  /** The `spatialReference` object inside the JSON, if any. */
  readonly ownSpatialReference: Readonly<Record<string, unknown>> | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Counts vertices across the geometry and refuses absurd sizes. */
class VertexBudget {
  private count = 0;
  take(n: number): void {
    this.count += n;
    if (this.count > MAX_VERTICES) {
      throw invalid(`geometry has more than ${MAX_VERTICES} vertices`);
    }
  }
}

function finiteNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`geometry ${where} is not a finite number`, [where]);
  }
  return value;
}

function readPosition(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw invalid(`geometry ${where} is not an [x, y] coordinate`, [where]);
  }
  return [finiteNumber(value[0], `${where}[0]`), finiteNumber(value[1], `${where}[1]`)];
}

function readPositions(value: unknown, where: string, budget: VertexBudget): number[][] {
  if (!Array.isArray(value)) throw invalid(`geometry ${where} is not an array`, [where]);
  budget.take(value.length);
  return value.map((position, i) => readPosition(position, `${where}[${i}]`));
}

function readNestedPositions(
  value: unknown,
  name: 'rings' | 'paths',
  minimum: number,
  budget: VertexBudget,
): number[][][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(`geometry ${name} is empty`, [name]);
  }
  return value.map((part, i) => {
    const positions = readPositions(part, `${name}[${i}]`, budget);
    if (positions.length < minimum) {
      const noun = name === 'rings' ? 'polygon ring' : 'polyline path';
      throw invalid(`${noun} ${i} has fewer than ${minimum} points`, [`${name}[${i}]`]);
    }
    return positions;
  });
}

function kindOfShape(json: Record<string, unknown>): GeometryKind {
  if ('rings' in json) return 'polygon';
  if ('paths' in json) return 'polyline';
  if ('points' in json) return 'multipoint';
  if ('xmin' in json) return 'envelope';
  if ('x' in json) return 'point';
  throw invalid('geometry must have x/y, points, paths, rings or xmin/ymin/xmax/ymax');
}

function readEnvelope(
  xmin: number,
  ymin: number,
  xmax: number,
  ymax: number,
): { xmin: number; ymin: number; xmax: number; ymax: number } {
  if (xmin > xmax || ymin > ymax) {
    throw invalid('geometry envelope has xmin > xmax or ymin > ymax');
  }
  return { xmin, ymin, xmax, ymax };
}

function parseJsonGeometry(text: string): {
  kind: GeometryKind;
  geometry: EsriGeometry;
  own: Record<string, unknown> | undefined;
} {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('geometry is not valid JSON');
  }
  if (!isRecord(json)) throw invalid('geometry JSON must be an object');
  const own = isRecord(json.spatialReference) ? json.spatialReference : undefined;
  const kind = kindOfShape(json);
  const budget = new VertexBudget();
  switch (kind) {
    case 'point': {
      if (json.x === null || json.x === 'NaN' || json.y === null || json.y === 'NaN') {
        throw invalid('geometry point is empty');
      }
      return {
        kind,
        own,
        geometry: { x: finiteNumber(json.x, 'x'), y: finiteNumber(json.y, 'y') },
      };
    }
    case 'multipoint': {
      const points = readPositions(json.points, 'points', budget);
      if (points.length === 0) throw invalid('geometry points is empty', ['points']);
      return { kind, own, geometry: { points } };
    }
    case 'polyline':
      return {
        kind,
        own,
        geometry: { paths: readNestedPositions(json.paths, 'paths', 2, budget) },
      };
    case 'polygon':
      return {
        kind,
        own,
        geometry: { rings: readNestedPositions(json.rings, 'rings', 3, budget) },
      };
    case 'envelope': {
      const envelope = readEnvelope(
        finiteNumber(json.xmin, 'xmin'),
        finiteNumber(json.ymin, 'ymin'),
        finiteNumber(json.xmax, 'xmax'),
        finiteNumber(json.ymax, 'ymax'),
      );
      return { kind, own, geometry: envelope };
    }
  }
}

/** Parses `x,y` or `xmin,ymin,xmax,ymax`. */
function parseShortGeometry(text: string): { kind: GeometryKind; geometry: EsriGeometry } {
  const parts = text.split(',').map((part) => part.trim());
  const numbers = parts.map((part) => (part === '' ? Number.NaN : Number(part)));
  if ((numbers.length !== 2 && numbers.length !== 4) || !numbers.every(Number.isFinite)) {
    throw invalid("geometry must be ArcGIS JSON, 'x,y' or 'xmin,ymin,xmax,ymax'", [
      text.slice(0, 100),
    ]);
  }
  const [a = 0, b = 0, c = 0, d = 0] = numbers;
  if (numbers.length === 2) return { kind: 'point', geometry: { x: a, y: b } };
  return { kind: 'envelope', geometry: readEnvelope(a, b, c, d) };
}

function parseGeometryText(geometry: string, geometryType: string | undefined): ParsedGeometry {
  if (geometry.length > MAX_GEOMETRY_CHARS) throw invalid('geometry is too large');
  const text = geometry.trim();
  if (text === '') throw invalid('geometry is empty');
  const parsed = text.startsWith('{')
    ? parseJsonGeometry(text)
    : { ...parseShortGeometry(text), own: undefined };
  if (geometryType !== undefined && geometryType.trim() !== '') {
    const declared = GEOMETRY_TYPES.get(geometryType.trim().toLowerCase());
    if (declared === undefined) {
      throw invalid(`geometryType ${geometryType} is not supported`, [geometryType]);
    }
    if (declared !== parsed.kind) {
      throw invalid(`geometry does not match geometryType ${geometryType}`, [geometryType]);
    }
  }
  return { kind: parsed.kind, geometry: parsed.geometry, ownSpatialReference: parsed.own };
}

function requireKnownWkid(wkid: number): number {
  if (!isKnownWkid(wkid)) {
    throw invalid(`Spatial reference ${wkid} is not supported`, [String(wkid)]);
  }
  return wkid;
}

/**
 * Parses the query `geometry` parameter (ArcGIS JSON, `x,y` or `xmin,ymin,xmax,ymax`) without
 * projecting it, and stamps `inSR` as its spatial reference. Throws an `INVALID_INPUT`
 * {@link AppError} for malformed JSON, non-finite coordinates, empty parts, more than 100,000
 * vertices, a `geometryType` that does not match, or an unknown `inSR`.
 */
export function parseGeometryParam(
  geometry: string,
  geometryType: string | undefined,
  inSR: number,
): EsriGeometry {
  requireKnownWkid(inSR);
  const parsed = parseGeometryText(geometry, geometryType);
  return { ...parsed.geometry, spatialReference: { wkid: inSR } };
}

// ---------------------------------------------------------------------------------------------
// Query geometry in WGS84

/** Discretised query geometry in WGS84: segments `[ax, ay, bx, by]`, points as `a = b`. */
interface Shape {
  readonly kind: 'points' | 'lines' | 'area';
  readonly segments: Float64Array;
  /** Vertex box `[minX, minY, maxX, maxY]`. */
  readonly box: readonly [number, number, number, number];
  /** Boundary points of a polyline (ends of open paths, mod 2), flat `[x, y, …]`. */
  readonly lineBoundary: readonly number[];
}

function boxOf(points: readonly (readonly [number, number])[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

function toPairs(positions: readonly (readonly number[])[]): [number, number][] {
  return positions.map((p) => [p[0] ?? Number.NaN, p[1] ?? Number.NaN]);
}

function pointsShape(points: readonly (readonly [number, number])[]): Shape {
  const segments = new Float64Array(points.length * 4);
  points.forEach(([x, y], i) => segments.set([x, y, x, y], i * 4));
  return { kind: 'points', segments, box: boxOf(points), lineBoundary: [] };
}

function linesShape(paths: readonly (readonly (readonly [number, number])[])[]): Shape {
  const total = paths.reduce((sum, path) => sum + path.length - 1, 0);
  const segments = new Float64Array(total * 4);
  let offset = 0;
  const ends = new Map<string, { x: number; y: number; count: number }>();
  for (const path of paths) {
    for (let i = 0; i + 1 < path.length; i += 1) {
      const [ax, ay] = path[i]!;
      const [bx, by] = path[i + 1]!;
      segments.set([ax, ay, bx, by], offset);
      offset += 4;
    }
    const first = path[0]!;
    const last = path[path.length - 1]!;
    if (first[0] === last[0] && first[1] === last[1]) continue; // closed paths have no boundary
    for (const [x, y] of [first, last]) {
      const key = `${x},${y}`;
      const end = ends.get(key) ?? { x, y, count: 0 };
      end.count += 1;
      ends.set(key, end);
    }
  }
  const lineBoundary = [...ends.values()]
    .filter((e) => e.count % 2 === 1)
    .flatMap((e) => [e.x, e.y]);
  return { kind: 'lines', segments, box: boxOf(paths.flat()), lineBoundary };
}

function areaShape(rings: readonly (readonly (readonly [number, number])[])[]): Shape {
  const closed = rings.map((ring) => {
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first];
  });
  const shape = linesShape(closed);
  return { kind: 'area', segments: shape.segments, box: shape.box, lineBoundary: [] };
}

/** Projects the parsed geometry to WGS84 and discretises it. */
function shapeInWgs84(parsed: ParsedGeometry, wkid: number): Shape {
  const geometry = parsed.geometry;
  if ('x' in geometry) return pointsShape(projectPoints([[geometry.x, geometry.y]], wkid, 4326));
  if ('points' in geometry) return pointsShape(projectPoints(toPairs(geometry.points), wkid, 4326));
  if ('paths' in geometry) {
    return linesShape(geometry.paths.map((path) => projectPoints(toPairs(path), wkid, 4326)));
  }
  if ('rings' in geometry) {
    return areaShape(geometry.rings.map((ring) => projectPoints(toPairs(ring), wkid, 4326)));
  }
  // In lon/lat and Mercator an envelope stays a box; elsewhere its edges bend, so densify.
  const samples = AXIS_ALIGNED_WKIDS.has(wkid) ? 1 : ENVELOPE_SAMPLES_PER_SIDE;
  return areaShape([projectPoints(envelopeOutline(geometry, samples), wkid, 4326)]);
}

// ---------------------------------------------------------------------------------------------
// Latitude band index over segments

/**
 * Segments bucketed by latitude band, each segment in every band its `y` range (padded by
 * `pad`) touches, so a point at latitude `y` need only look at one band.
 */
interface BandIndex {
  readonly minY: number;
  readonly maxY: number;
  readonly bandHeight: number;
  readonly bandCount: number;
  /** `items[starts[b] .. starts[b + 1])` are the segment numbers in band `b`. */
  readonly starts: Int32Array;
  readonly items: Int32Array;
}

/** Segments per band aimed for, and the cap on band entries per segment on average. */
const SEGMENTS_PER_BAND = 4;
const MAX_ENTRIES_PER_SEGMENT = 16;

function buildBandIndex(segments: Float64Array, box: readonly number[], pad: number): BandIndex {
  const count = segments.length / 4;
  const minY = box[1]! - pad;
  const maxY = box[3]! + pad;
  const span = maxY - minY;
  let bandCount = span > 0 ? Math.min(4096, Math.max(1, Math.ceil(count / SEGMENTS_PER_BAND))) : 1;
  const bandOf = (y: number, height: number): number =>
    Math.min(bandCount - 1, Math.max(0, Math.floor((y - minY) / height)));
  for (;;) {
    const height = span / bandCount;
    let entries = 0;
    for (let i = 0; i < count; i += 1) {
      const ay = segments[i * 4 + 1]!;
      const by = segments[i * 4 + 3]!;
      entries +=
        bandOf(Math.max(ay, by) + pad, height) - bandOf(Math.min(ay, by) - pad, height) + 1;
    }
    if (bandCount === 1 || entries <= count * MAX_ENTRIES_PER_SEGMENT) {
      const starts = new Int32Array(bandCount + 1);
      const first = new Int32Array(count);
      const last = new Int32Array(count);
      for (let i = 0; i < count; i += 1) {
        const ay = segments[i * 4 + 1]!;
        const by = segments[i * 4 + 3]!;
        first[i] = bandOf(Math.min(ay, by) - pad, height);
        last[i] = bandOf(Math.max(ay, by) + pad, height);
        for (let b = first[i]!; b <= last[i]!; b += 1) starts[b + 1]! += 1;
      }
      for (let b = 0; b < bandCount; b += 1) starts[b + 1]! += starts[b]!;
      const fill = starts.slice(0, bandCount);
      const items = new Int32Array(entries);
      for (let i = 0; i < count; i += 1) {
        for (let b = first[i]!; b <= last[i]!; b += 1) items[fill[b]!++] = i;
      }
      return { minY, maxY, bandHeight: height, bandCount, starts, items };
    }
    bandCount = Math.max(1, Math.floor(bandCount / 2));
  }
}

/** Band holding latitude `y`, or -1 when `y` is outside the index. */
function bandAt(index: BandIndex, y: number): number {
  if (!(y >= index.minY && y <= index.maxY)) return -1;
  if (index.bandCount === 1) return 0;
  return Math.min(
    index.bandCount - 1,
    Math.max(0, Math.floor((y - index.minY) / index.bandHeight)),
  );
}

/**
 * Segments bucketed in a uniform lon/lat grid, each in every cell its box (padded by `padX`,
 * `padY`) touches, so a buffer test at a point need only look at one cell.
 */
interface GridIndex {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly columns: number;
  readonly rows: number;
  /** `items[starts[c] .. starts[c + 1])` are the segment numbers in cell `c = row * columns + column`. */
  readonly starts: Int32Array;
  readonly items: Int32Array;
}

/** Most grid cells, and the cap on cell entries per segment on average. */
const MAX_GRID_CELLS = 1 << 18;
const MAX_CELL_ENTRIES_PER_SEGMENT = 16;

function buildGridIndex(
  segments: Float64Array,
  box: readonly number[],
  padX: number,
  padY: number,
  metersPerDegreeX: number,
  metersPerDegreeY: number,
): GridIndex {
  const count = segments.length / 4;
  const minX = box[0]! - padX;
  const minY = box[1]! - padY;
  const maxX = box[2]! + padX;
  const maxY = box[3]! + padY;
  const width = maxX - minX;
  const height = maxY - minY;
  // Roughly square cells in metres, about one segment per cell.
  const cells = Math.min(MAX_GRID_CELLS, Math.max(1, count));
  const aspect = (width * Math.max(metersPerDegreeX, 1e-9)) / (height * metersPerDegreeY);
  let columns = Math.min(4096, Math.max(1, Math.round(Math.sqrt(cells * aspect))));
  let rows = Math.min(4096, Math.max(1, Math.round(cells / columns)));
  for (;;) {
    const cellWidth = width / columns;
    const cellHeight = height / rows;
    const column = (x: number): number =>
      Math.min(columns - 1, Math.max(0, Math.floor((x - minX) / cellWidth)));
    const row = (y: number): number =>
      Math.min(rows - 1, Math.max(0, Math.floor((y - minY) / cellHeight)));
    const range = new Int32Array(count * 4);
    let entries = 0;
    for (let i = 0; i < count; i += 1) {
      const s = i * 4;
      const ax = segments[s]!;
      const ay = segments[s + 1]!;
      const bx = segments[s + 2]!;
      const by = segments[s + 3]!;
      range[s] = column(Math.min(ax, bx) - padX);
      range[s + 1] = row(Math.min(ay, by) - padY);
      range[s + 2] = column(Math.max(ax, bx) + padX);
      range[s + 3] = row(Math.max(ay, by) + padY);
      entries += (range[s + 2]! - range[s]! + 1) * (range[s + 3]! - range[s + 1]! + 1);
    }
    if (columns * rows === 1 || entries <= count * MAX_CELL_ENTRIES_PER_SEGMENT) {
      const starts = new Int32Array(columns * rows + 1);
      for (let i = 0; i < count; i += 1) {
        const s = i * 4;
        for (let r = range[s + 1]!; r <= range[s + 3]!; r += 1) {
          for (let c = range[s]!; c <= range[s + 2]!; c += 1) starts[r * columns + c + 1]! += 1;
        }
      }
      for (let c = 0; c < columns * rows; c += 1) starts[c + 1]! += starts[c]!;
      const fill = starts.slice(0, columns * rows);
      const items = new Int32Array(entries);
      for (let i = 0; i < count; i += 1) {
        const s = i * 4;
        for (let r = range[s + 1]!; r <= range[s + 3]!; r += 1) {
          for (let c = range[s]!; c <= range[s + 2]!; c += 1) items[fill[r * columns + c]!++] = i;
        }
      }
      return { minX, minY, maxX, maxY, cellWidth, cellHeight, columns, rows, starts, items };
    }
    columns = Math.ceil(columns / 2);
    rows = Math.ceil(rows / 2);
  }
}

/** Cell holding `(x, y)`, or -1 when it is outside the grid. */
function cellAt(grid: GridIndex, x: number, y: number): number {
  if (!(x >= grid.minX && x <= grid.maxX && y >= grid.minY && y <= grid.maxY)) return -1;
  const column = Math.min(
    grid.columns - 1,
    Math.max(0, Math.floor((x - grid.minX) / grid.cellWidth)),
  );
  const row = Math.min(grid.rows - 1, Math.max(0, Math.floor((y - grid.minY) / grid.cellHeight)));
  return row * grid.columns + column;
}

/** Squared distance from `(px, py)` to segment `a–b` after scaling x by `kx` and y by `ky`. */
function segmentDistanceSquared(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  kx: number,
  ky: number,
): number {
  const ux = (bx - ax) * kx;
  const uy = (by - ay) * ky;
  const wx = (px - ax) * kx;
  const wy = (py - ay) * ky;
  const lengthSquared = ux * ux + uy * uy;
  let t = lengthSquared > 0 ? (wx * ux + wy * uy) / lengthSquared : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const dx = wx - t * ux;
  const dy = wy - t * uy;
  return dx * dx + dy * dy;
}

// ---------------------------------------------------------------------------------------------
// Exact tests

/** Planar tests in degrees: on the geometry (within ε), inside an area (even-odd). */
interface PlanarTests {
  /** Within {@link EPSILON_DEGREES} of a vertex (points) or segment (lines, area boundary). */
  onGeometry(x: number, y: number): boolean;
  /** Even-odd crossing test over all ring edges, so holes need no orientation. */
  insideArea(x: number, y: number): boolean;
}

function planarTests(shape: Shape, index: BandIndex): PlanarTests {
  const { segments } = shape;
  const { starts, items } = index;
  const epsilonSquared = EPSILON_DEGREES * EPSILON_DEGREES;
  return {
    onGeometry(x, y) {
      const band = bandAt(index, y);
      if (band < 0) return false;
      for (let k = starts[band]!; k < starts[band + 1]!; k += 1) {
        const s = items[k]! * 4;
        const ax = segments[s]!;
        const bx = segments[s + 2]!;
        if (x < Math.min(ax, bx) - EPSILON_DEGREES || x > Math.max(ax, bx) + EPSILON_DEGREES) {
          continue;
        }
        const d2 = segmentDistanceSquared(x, y, ax, segments[s + 1]!, bx, segments[s + 3]!, 1, 1);
        if (d2 <= epsilonSquared) return true;
      }
      return false;
    },
    insideArea(x, y) {
      const band = bandAt(index, y);
      if (band < 0) return false;
      let inside = false;
      for (let k = starts[band]!; k < starts[band + 1]!; k += 1) {
        const s = items[k]! * 4;
        const ay = segments[s + 1]!;
        const by = segments[s + 3]!;
        if (ay > y !== by > y) {
          const ax = segments[s]!;
          const bx = segments[s + 2]!;
          if (x < ax + ((y - ay) * (bx - ax)) / (by - ay)) inside = !inside;
        }
      }
      return inside;
    },
  };
}

function geodesicMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE).s12 ?? Number.NaN;
}

/**
 * Whether the shortest geodesic distance from `(px, py)` to the lon/lat-straight segment
 * `a–b` is within `limit` metres (`< limit` when `strict`). Golden-section search on the
 * distance along the segment, which is unimodal for segments short against the Earth.
 */
function segmentWithinMeters(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  lengthMeters: number,
  limit: number,
  strict: boolean,
): boolean {
  const within = (meters: number): boolean => (strict ? meters < limit : meters <= limit);
  const at = (t: number): number => geodesicMeters(px, py, ax + (bx - ax) * t, ay + (by - ay) * t);
  if (ax === bx && ay === by) return within(at(0));
  if (within(at(0)) || within(at(1))) return true;
  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = 0;
  let hi = 1;
  let t1 = hi - ratio * (hi - lo);
  let t2 = lo + ratio * (hi - lo);
  let f1 = at(t1);
  let f2 = at(t2);
  for (let i = 0; i < 100 && (hi - lo) * lengthMeters > SEGMENT_SEARCH_TOLERANCE_METERS; i += 1) {
    if (within(f1) || within(f2)) return true;
    if (f1 <= f2) {
      hi = t2;
      t2 = t1;
      f2 = f1;
      t1 = hi - ratio * (hi - lo);
      f1 = at(t1);
    } else {
      lo = t1;
      t1 = t2;
      f1 = f2;
      t2 = lo + ratio * (hi - lo);
      f2 = at(t2);
    }
  }
  return within(f1) || within(f2) || within(at((lo + hi) / 2));
}

/**
 * Builds "is `(lon, lat)` within `distanceMeters` of the shape" (`<` when `strict`).
 * Segments come from a grid whose cells are padded by the reach of the buffer.
 *
 * Every path of length ≤ d from a feature to the shape stays in the latitude band
 * `[minY − d/M_min, maxY + d/M_min]`. Over that band the metric `ds² = M² dφ² + (N cos φ)² dλ²`
 * is bounded by flat metrics built from the smallest and largest `M` and `N cos φ`, so the
 * planar distances in those two flat metrics bound the geodesic distance from below and above.
 */
function distanceMatcher(
  shape: Shape,
  planar: PlanarTests,
  distanceMeters: number,
  strict: boolean,
): (lon: number, lat: number) => boolean {
  const { segments } = shape;
  const padLat = distanceMeters / MIN_MERIDIONAL_RADIUS_METERS / DEG;
  const bandLo = Math.max(-90, shape.box[1] - padLat);
  const bandHi = Math.min(90, shape.box[3] + padLat);
  const absMin = bandLo <= 0 && bandHi >= 0 ? 0 : Math.min(Math.abs(bandLo), Math.abs(bandHi));
  const absMax = Math.max(Math.abs(bandLo), Math.abs(bandHi));
  // Metres per degree in the lower- and upper-bound flat metrics.
  const kyLo = meridionalRadiusMeters(absMin) * DEG;
  const kyHi = meridionalRadiusMeters(absMax) * DEG;
  const kxLo = parallelRadiusMeters(absMax) * DEG;
  const kxHi = parallelRadiusMeters(absMin) * DEG;
  const padLon = kxLo > 0 ? (distanceMeters / kxLo) * (1 + BOUND_SLACK) + 1e-12 : Infinity;
  const limitSquared = distanceMeters * distanceMeters;
  const lowerLimit = limitSquared * (1 + BOUND_SLACK);
  const upperLimit = limitSquared * (1 - BOUND_SLACK);
  const uncertain = new Int32Array(segments.length / 4);
  const isArea = shape.kind === 'area';
  // Past a pole every longitude is in reach; a 360° pad makes the grid span them all.
  const grid = buildGridIndex(
    segments,
    shape.box,
    Number.isFinite(padLon) ? padLon * 1.01 : 360,
    padLat * 1.01,
    kxHi,
    kyHi,
  );
  const { starts, items } = grid;

  return (lon, lat) => {
    if (!(lat >= bandLo && lat <= bandHi)) return false;
    if (isArea && (planar.insideArea(lon, lat) || planar.onGeometry(lon, lat))) return true;
    const cell = cellAt(grid, lon, lat);
    if (cell < 0) return false;
    let uncertainCount = 0;
    for (let k = starts[cell]!; k < starts[cell + 1]!; k += 1) {
      const s = items[k]! * 4;
      const ax = segments[s]!;
      const bx = segments[s + 2]!;
      if (lon < Math.min(ax, bx) - padLon || lon > Math.max(ax, bx) + padLon) continue;
      const ay = segments[s + 1]!;
      const by = segments[s + 3]!;
      const lower = segmentDistanceSquared(lon, lat, ax, ay, bx, by, kxLo, kyLo);
      if (strict ? lower >= lowerLimit : lower > lowerLimit) continue;
      const upper = segmentDistanceSquared(lon, lat, ax, ay, bx, by, kxHi, kyHi);
      if (strict ? upper < upperLimit : upper <= upperLimit) return true;
      uncertain[uncertainCount++] = s;
    }
    for (let u = 0; u < uncertainCount; u += 1) {
      const s = uncertain[u]!;
      const ax = segments[s]!;
      const ay = segments[s + 1]!;
      const bx = segments[s + 2]!;
      const by = segments[s + 3]!;
      const lengthMeters = Math.hypot((bx - ax) * kxHi, (by - ay) * kyHi);
      if (segmentWithinMeters(lon, lat, ax, ay, bx, by, lengthMeters, distanceMeters, strict)) {
        return true;
      }
    }
    return false;
  };
}

/** A box containing every point within `distanceMeters` of `box` (same bound as geodesy's). */
function expandBox(
  box: readonly [number, number, number, number],
  distanceMeters: number,
): [number, number, number, number] {
  const radius = distanceMeters * (1 + 1e-6) + 1e-3;
  const padLat = radius / MIN_MERIDIONAL_RADIUS_METERS / DEG + EPSILON_DEGREES * 2;
  const minY = Math.max(-90, box[1] - padLat);
  const maxY = Math.min(90, box[3] + padLat);
  const farLat = Math.max(Math.abs(minY), Math.abs(maxY));
  const parallel = farLat >= 90 ? 0 : parallelRadiusMeters(farLat);
  const padLon = parallel > 0 ? radius / parallel / DEG + EPSILON_DEGREES * 2 : Infinity;
  const minX = box[0] - padLon;
  const maxX = box[2] + padLon;
  if (!(minX >= -180 && maxX <= 180)) return [-180, minY, 180, maxY];
  return [minX, minY, maxX, maxY];
}

function parseRelation(spatialRel: string | undefined): SpatialRelation {
  if (spatialRel === undefined || spatialRel.trim() === '') return 'intersects';
  const relation = SPATIAL_RELATIONS.get(spatialRel.trim().toLowerCase());
  if (relation === undefined) {
    throw invalid(`Spatial relationship ${spatialRel} is not supported`, [spatialRel]);
  }
  return relation;
}

function parseDistanceMeters(distance: number | undefined, units: string | undefined): number {
  if (distance === undefined) return 0;
  if (!Number.isFinite(distance) || distance < 0) {
    throw invalid(`distance must be a number >= 0, got ${distance}`, [String(distance)]);
  }
  if (units === undefined || units.trim() === '') return distance;
  try {
    return metersFromUnits(distance, units);
  } catch {
    throw invalid(`units ${units} is not supported`, [units]);
  }
}

/** The DE-9IM pattern of `esriSpatialRelRelation`, upper-cased, or throws. */
function parseRelationParam(relationParam: string | undefined): string {
  const pattern = (relationParam ?? '').trim().toUpperCase();
  if (pattern === '') {
    throw invalid('relationParam is required with esriSpatialRelRelation', ['relationParam']);
  }
  if (!RELATION_PATTERN.test(pattern)) {
    throw invalid(
      `relationParam ${relationParam} is not a DE-9IM pattern of nine T, F, *, 0, 1 or 2`,
      [String(relationParam)],
    );
  }
  return pattern;
}

const NOTHING = (): boolean => false;

/** A feature's place relative to the (possibly buffered) query geometry. */
interface PointTests {
  /** In the query geometry, boundary included (the OGC closure). */
  closed(lon: number, lat: number): boolean;
  /** In its OGC interior: a query point, a line away from its boundary, inside an area. */
  interior(lon: number, lat: number): boolean;
}

function withinEpsilonOfAny(points: readonly number[], lon: number, lat: number): boolean {
  const epsilonSquared = EPSILON_DEGREES * EPSILON_DEGREES;
  for (let i = 0; i < points.length; i += 2) {
    const dx = points[i]! - lon;
    const dy = points[i + 1]! - lat;
    if (dx * dx + dy * dy <= epsilonSquared) return true;
  }
  return false;
}

/** Vertices of the discretised shape, flat `[x, y, …]` (segment ends; points once each). */
function verticesOf(shape: Shape): number[] {
  const { segments } = shape;
  const out: number[] = [];
  for (let s = 0; s < segments.length; s += 4) {
    out.push(segments[s]!, segments[s + 1]!);
    if (shape.kind !== 'points') out.push(segments[s + 2]!, segments[s + 3]!);
  }
  return out;
}

function pointTests(shape: Shape, planar: PlanarTests, distanceMeters: number): PointTests {
  if (distanceMeters > 0) {
    // A buffer is an area: its interior is everything nearer than the distance.
    return {
      closed: distanceMatcher(shape, planar, distanceMeters, false),
      interior: distanceMatcher(shape, planar, distanceMeters, true),
    };
  }
  switch (shape.kind) {
    case 'points':
      return { closed: planar.onGeometry, interior: planar.onGeometry };
    case 'lines': {
      const boundary = shape.lineBoundary;
      return {
        closed: planar.onGeometry,
        interior: (lon, lat) =>
          planar.onGeometry(lon, lat) && !withinEpsilonOfAny(boundary, lon, lat),
      };
    }
    case 'area':
      return {
        closed: (lon, lat) => planar.onGeometry(lon, lat) || planar.insideArea(lon, lat),
        interior: (lon, lat) => planar.insideArea(lon, lat) && !planar.onGeometry(lon, lat),
      };
  }
}

/**
 * The DE-9IM matrix of (query geometry, point feature), row by row (query interior, boundary,
 * exterior; columns feature interior, boundary, exterior). A point's boundary is empty, so the
 * middle column is always F; only where the point lies, and whether the query reaches beyond
 * it, varies.
 */
function pointMatrix(
  where: 'I' | 'B' | 'E',
  dimension: number,
  interiorBeyond: boolean,
  boundaryDimension: number | undefined,
): string {
  const d = String(dimension);
  return [
    where === 'I' ? '0' : 'F',
    'F',
    interiorBeyond ? d : 'F',
    where === 'B' ? '0' : 'F',
    'F',
    boundaryDimension === undefined ? 'F' : String(boundaryDimension),
    where === 'E' ? '0' : 'F',
    'F',
    '2',
  ].join('');
}

function matchesPattern(matrix: string, pattern: string): boolean {
  for (let i = 0; i < 9; i += 1) {
    const want = pattern.charAt(i);
    const have = matrix.charAt(i);
    if (want === '*') continue;
    if (want === 'T' ? have === 'F' : want !== have) return false;
  }
  return true;
}

/** `esriSpatialRelRelation`: the feature's DE-9IM matrix against the query matches `pattern`. */
function relationFilter(
  shape: Shape,
  tests: PointTests,
  buffered: boolean,
  pattern: string,
  bbox: readonly [number, number, number, number],
): SpatialFilter {
  const dimension = buffered ? 2 : shape.kind === 'points' ? 0 : shape.kind === 'lines' ? 1 : 2;
  const points = shape.kind === 'points' && !buffered ? verticesOf(shape) : [];
  const lineBoundary = shape.kind === 'lines' && !buffered ? shape.lineBoundary : [];
  const epsilonSquared = EPSILON_DEGREES * EPSILON_DEGREES;
  const someApart = (flat: readonly number[], lon: number, lat: number): boolean => {
    for (let i = 0; i < flat.length; i += 2) {
      const dx = flat[i]! - lon;
      const dy = flat[i + 1]! - lat;
      if (dx * dx + dy * dy > epsilonSquared) return true;
    }
    return false;
  };
  const matrixAt = (lon: number, lat: number, where: 'I' | 'B' | 'E'): string => {
    if (dimension === 0) return pointMatrix(where, 0, someApart(points, lon, lat), undefined);
    if (dimension === 1) {
      const boundary = someApart(lineBoundary, lon, lat) ? 0 : undefined;
      return pointMatrix(where, 1, true, boundary);
    }
    return pointMatrix(where, 2, true, 1);
  };
  // Every exterior point has the same matrix (the query reaches beyond it everywhere); when it
  // matches, so does the whole world.
  const exteriorBoundary = dimension === 1 ? (lineBoundary.length > 0 ? 0 : undefined) : 1;
  const exteriorMatrix = pointMatrix(
    'E',
    dimension,
    true,
    dimension === 0 ? undefined : exteriorBoundary,
  );
  const exterior = matchesPattern(exteriorMatrix, pattern);
  return {
    bbox: exterior ? [-180, -90, 180, 90] : bbox,
    matches(lon, lat) {
      const where = tests.interior(lon, lat) ? 'I' : tests.closed(lon, lat) ? 'B' : 'E';
      return matchesPattern(matrixAt(lon, lat, where), pattern);
    },
  };
}

/** Golden-section search of the largest value of a unimodal `f` on `[lo, hi]`. */
function maximise(f: (x: number) => number, lo: number, hi: number, tolerance: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return Math.max(fc, fd, f(lo), f(hi));
}

/**
 * The envelope of the geodesic buffer of `shape`: `[west, south, east, north]`, west and east
 * possibly beyond ±180 (the buffer then crosses the antimeridian), or the full longitude range
 * when the buffer holds a pole.
 *
 * Going due south along a meridian is the shortest way to a lower latitude, so the southern
 * edge lies `distanceMeters` south of the southernmost vertex (edges are straight in lon/lat, so
 * latitude is extreme at vertices). The eastern edge is the largest `lon + reach(lat)` over the
 * geometry, where `reach` (the longitude a geodesic of that length can gain) grows with |lat|
 * and is convex, so over an edge it peaks at an end, and over an area on its boundary: only
 * vertices not beaten in both longitude and |latitude| by another need be tried.
 */
function bufferEnvelope(shape: Shape, distanceMeters: number): [number, number, number, number] {
  const vertices = verticesOf(shape);
  const [, minY, , maxY] = shape.box;
  const toPole = (lat: number, pole: number): number =>
    WGS84.Inverse(lat, 0, pole, 0, Geodesic.DISTANCE).s12 ?? 0;
  const southPole = distanceMeters >= toPole(minY, -90);
  const northPole = distanceMeters >= toPole(maxY, 90);
  const south = southPole
    ? -90
    : (WGS84.Direct(minY, 0, 180, distanceMeters, Geodesic.LATITUDE).lat2 ?? -90);
  const north = northPole
    ? 90
    : (WGS84.Direct(maxY, 0, 0, distanceMeters, Geodesic.LATITUDE).lat2 ?? 90);
  if (southPole || northPole) return [-180, south, 180, north];
  const reaches = new Map<number, number>();
  const reach = (lat: number): number => {
    const known = reaches.get(lat);
    if (known !== undefined) return known;
    const gain = (azimuth: number): number =>
      WGS84.Direct(lat, 0, azimuth, distanceMeters, Geodesic.LONGITUDE).lon2 ?? 0;
    const value = maximise(gain, 0, 180, 1e-10);
    reaches.set(lat, value);
    return value;
  };
  const order = Array.from({ length: vertices.length / 2 }, (_, i) => i);
  const extreme = (sign: 1 | -1): number => {
    order.sort((i, j) => sign * (vertices[j * 2]! - vertices[i * 2]!));
    let best = -Infinity;
    let beaten = -Infinity;
    for (const i of order) {
      const lat = Math.abs(vertices[i * 2 + 1]!);
      if (lat <= beaten) continue; // another vertex is further out and nearer a pole
      beaten = lat;
      best = Math.max(best, sign * vertices[i * 2]! + reach(vertices[i * 2 + 1]!));
    }
    return sign * best;
  };
  return [extreme(-1), south, extreme(1), north];
}

/** `esriSpatialRelEnvelopeIntersects`: inside the envelope (boundary included, within ε). */
function envelopeFilter(envelope: readonly [number, number, number, number]): SpatialFilter {
  const [west, south, east, north] = envelope.map((v, i) =>
    i < 2 ? v - EPSILON_DEGREES : v + EPSILON_DEGREES,
  ) as [number, number, number, number];
  const wraps = west < -180 || east > 180;
  return {
    bbox: wraps
      ? [-180, Math.max(-90, south), 180, Math.min(90, north)]
      : [west, Math.max(-90, south), east, Math.min(90, north)],
    matches(lon, lat) {
      if (!(lat >= south && lat <= north)) return false;
      for (const x of wraps ? [lon, lon - 360, lon + 360] : [lon]) {
        if (x >= west && x <= east) return true;
      }
      return false;
    },
  };
}

/**
 * Builds the spatial filter of an ArcGIS query against WGS84 point features. Each relation is
 * "the query geometry <relation> the feature", with the OGC (DE-9IM) definitions; for a point
 * feature P, whose interior is P itself and whose boundary is empty, they come down to:
 *
 * - `esriSpatialRelIntersects` (default): P lies on the query geometry: equals a query point,
 *   lies on a line, or inside or on the boundary of a polygon/envelope.
 * - `esriSpatialRelContains`: P lies in the query geometry's interior: equals a query point,
 *   lies on a line away from its end points (its boundary, by the mod-2 rule), or strictly
 *   inside a polygon/envelope (boundary and holes excluded).
 * - `esriSpatialRelWithin`: the query geometry lies within P, so it must be a point or
 *   multipoint every point of which equals P; never a line, polygon, envelope or buffer.
 * - `esriSpatialRelTouches`: P lies on the boundary and not in the interior: on a polygon or
 *   envelope outline, or at an end of a line. Points have no boundary, so a point or multipoint
 *   never touches.
 * - `esriSpatialRelCrosses`: empty. OGC defines crosses for point/line, point/area, line/line
 *   and line/area; with the query of higher dimension it needs the interiors to meet and P to
 *   reach the query's exterior, which one point cannot do; point/point is not defined.
 * - `esriSpatialRelOverlaps`: empty. Overlaps needs equal dimensions and each geometry to have
 *   interior both inside and outside the other, which a single point cannot have.
 * - `esriSpatialRelEnvelopeIntersects` and `esriSpatialRelIndexIntersects`: P lies in the
 *   envelope of the query geometry (boundary included). An index entry of a point is the point
 *   itself in the R*Tree here, so both are the same exact test.
 * - `esriSpatialRelRelation`: P's DE-9IM matrix against the query matches `relationParam`.
 *
 * Equality and boundaries are within 1e-9° (about 0.1 mm), like ArcGIS's XY tolerance.
 * With `distance` > 0 the query geometry is first buffered geodesically into an area whose
 * interior is everything nearer than the distance and whose boundary is at the distance:
 * intersects means distance ≤ d, contains distance < d, touches exactly d, envelope-intersects
 * tests the envelope of the buffer, and within, crosses and overlaps are empty.
 *
 * Throws an `INVALID_INPUT` {@link AppError} for malformed geometry, unknown spatial references,
 * relations or units, a negative distance, or a missing or malformed `relationParam`.
 */
export function buildSpatialFilter(params: SpatialFilterParams): SpatialFilter {
  const relation = parseRelation(params.spatialRel);
  const pattern = relation === 'relation' ? parseRelationParam(params.relationParam) : '';
  const distanceMeters = parseDistanceMeters(params.distance, params.units);
  const parsed = parseGeometryText(params.geometry, params.geometryType);
  const wkid =
    params.inSR !== undefined
      ? requireKnownWkid(params.inSR)
      : parsed.ownSpatialReference !== undefined
        ? wkidFromSpatialReference(parsed.ownSpatialReference)
        : 4326;

  const shape = shapeInWgs84(parsed, wkid);
  const box = shape.box;
  const buffered = distanceMeters > 0;
  const bbox = expandBox(box, distanceMeters);

  if (relation === 'envelopeIntersects' || relation === 'indexIntersects') {
    return envelopeFilter(buffered ? bufferEnvelope(shape, distanceMeters) : box);
  }
  if (relation === 'crosses' || relation === 'overlaps') return { bbox, matches: NOTHING };
  if (relation === 'within') {
    const [minX, minY, maxX, maxY] = box;
    // Points further apart than 2ε cannot all equal one feature.
    const apart = maxX - minX > 2 * EPSILON_DEGREES || maxY - minY > 2 * EPSILON_DEGREES;
    if (buffered || shape.kind !== 'points' || apart) return { bbox, matches: NOTHING };
    const points = verticesOf(shape);
    const epsilonSquared = EPSILON_DEGREES * EPSILON_DEGREES;
    return {
      bbox,
      matches(lon, lat) {
        for (let i = 0; i < points.length; i += 2) {
          const dx = points[i]! - lon;
          const dy = points[i + 1]! - lat;
          if (dx * dx + dy * dy > epsilonSquared) return false;
        }
        return true;
      },
    };
  }
  if (relation === 'touches' && !buffered && shape.kind === 'points') {
    return { bbox, matches: NOTHING };
  }

  const planar = planarTests(shape, buildBandIndex(shape.segments, box, EPSILON_DEGREES * 2));
  const tests = pointTests(shape, planar, distanceMeters);
  switch (relation) {
    case 'intersects':
      return { bbox, matches: tests.closed };
    case 'contains':
      return { bbox, matches: tests.interior };
    case 'touches':
      return { bbox, matches: (lon, lat) => tests.closed(lon, lat) && !tests.interior(lon, lat) };
    case 'relation':
      return relationFilter(shape, tests, buffered, pattern, bbox);
  }
}
