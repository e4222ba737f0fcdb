/**
 * The spatial part of the ArcGIS query operation for point layers stored in WGS84 (4326):
 * `geometry`, `geometryType`, `inSR`, `spatialRel`, `distance` and `units`.
 *
 * {@link buildSpatialFilter} turns the parameters into a box for the R*Tree pre-filter and an
 * exact `matches(lon, lat)` test. Query geometries are projected to WGS84 vertex by vertex and
 * their edges are straight lines in longitude/latitude, which is how ArcGIS treats a
 * geographic geometry that has not been densified. Geometries must not cross the antimeridian.
 *
 * Buffers (`distance`) are geodesic on the WGS84 ellipsoid: a feature is within the buffer when
 * its shortest ellipsoidal distance to the geometry is at most the distance. Most candidates are
 * decided by rigorous flat-metric bounds; GeographicLib is only called for the thin shell where
 * the bounds disagree.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/query-feature-service-layer/
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
  /** `esriSpatialRelIntersects` (default), `…EnvelopeIntersects`, `…Within` or `…Contains`. */
  spatialRel?: string | undefined;
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

type SpatialRelation = 'intersects' | 'envelopeIntersects' | 'within' | 'contains';

const SPATIAL_RELATIONS: ReadonlyMap<string, SpatialRelation> = new Map([
  ['esrispatialrelintersects', 'intersects'],
  ['esrispatialrelenvelopeintersects', 'envelopeIntersects'],
  ['esrispatialrelwithin', 'within'],
  ['esrispatialrelcontains', 'contains'],
]);

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

function envelopeShape(box: readonly [number, number, number, number]): Shape {
  const [xmin, ymin, xmax, ymax] = box;
  return areaShape([envelopeOutline({ xmin, ymin, xmax, ymax }, 1)]);
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

const NOTHING = (): boolean => false;

/**
 * Builds the spatial filter of an ArcGIS query against WGS84 point features.
 *
 * - `spatialRel` `esriSpatialRelIntersects` (default): the point equals a query point, lies on a
 *   query line, or lies inside or on the boundary of a query polygon/envelope (boundaries and
 *   equality within 1e-9°).
 * - `esriSpatialRelEnvelopeIntersects`: as intersects, against the query geometry's envelope.
 * - `esriSpatialRelWithin`: the point lies strictly inside a polygon/envelope, equals a query
 *   point, or lies on a query line away from its end points (OGC semantics).
 * - `esriSpatialRelContains`: the query geometry is a point/multipoint all of whose points
 *   equal the feature.
 * - With `distance` > 0 the geometry is buffered geodesically first: intersects means
 *   distance ≤ d, within means distance < d, envelope-intersects means distance to the
 *   envelope ≤ d, and a point never contains a buffer.
 *
 * Throws an `INVALID_INPUT` {@link AppError} for malformed geometry, unknown spatial references,
 * relations or units, or a negative distance.
 */
export function buildSpatialFilter(params: SpatialFilterParams): SpatialFilter {
  const relation = parseRelation(params.spatialRel);
  const distanceMeters = parseDistanceMeters(params.distance, params.units);
  const parsed = parseGeometryText(params.geometry, params.geometryType);
  const wkid =
    params.inSR !== undefined
      ? requireKnownWkid(params.inSR)
      : parsed.ownSpatialReference !== undefined
        ? wkidFromSpatialReference(parsed.ownSpatialReference)
        : 4326;

  let shape = shapeInWgs84(parsed, wkid);
  if (relation === 'envelopeIntersects') shape = envelopeShape(shape.box);

  const box = shape.box;
  const buffered = distanceMeters > 0;
  const bbox = expandBox(box, distanceMeters);

  if (relation === 'contains') {
    if (buffered || shape.kind !== 'points') return { bbox: box, matches: NOTHING };
    const points = shape.segments;
    return {
      bbox,
      matches(lon, lat) {
        for (let i = 0; i < points.length; i += 4) {
          const dx = points[i]! - lon;
          const dy = points[i + 1]! - lat;
          if (dx * dx + dy * dy > EPSILON_DEGREES * EPSILON_DEGREES) return false;
        }
        return true;
      },
    };
  }

  const planar = planarTests(shape, buildBandIndex(shape.segments, box, EPSILON_DEGREES * 2));

  if (buffered) {
    const strict = relation === 'within';
    return { bbox, matches: distanceMatcher(shape, planar, distanceMeters, strict) };
  }

  if (relation === 'within') {
    if (shape.kind === 'area') {
      return {
        bbox,
        matches: (lon, lat) => planar.insideArea(lon, lat) && !planar.onGeometry(lon, lat),
      };
    }
    if (shape.kind === 'lines') {
      const boundary = shape.lineBoundary;
      const epsilonSquared = EPSILON_DEGREES * EPSILON_DEGREES;
      return {
        bbox,
        matches(lon, lat) {
          if (!planar.onGeometry(lon, lat)) return false;
          for (let i = 0; i < boundary.length; i += 2) {
            const dx = boundary[i]! - lon;
            const dy = boundary[i + 1]! - lat;
            if (dx * dx + dy * dy <= epsilonSquared) return false;
          }
          return true;
        },
      };
    }
  }

  if (shape.kind === 'area') {
    return {
      bbox,
      matches: (lon, lat) => planar.onGeometry(lon, lat) || planar.insideArea(lon, lat),
    };
  }
  return { bbox, matches: (lon, lat) => planar.onGeometry(lon, lat) };
}
