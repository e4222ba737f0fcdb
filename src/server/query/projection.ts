/**
 * Coordinate projection for the query operation, on proj4 with a small built-in table of
 * spatial references (no global `proj4.defs` registration, so nothing leaks between callers).
 *
 * Datum shifts between NAD83 realisations and WGS84 (about a metre) are ignored, as ArcGIS
 * does when no geographic transformation is requested.
 */
import proj4 from 'proj4';

import { AppError, ErrorCode } from '../../core/errors.js';
import type { EsriGeometry } from './geometry-filter.js';

type Converter = (point: readonly [number, number]) => [number, number];

const WGS84_GEOGRAPHIC = '+proj=longlat +datum=WGS84 +no_defs';
const NAD83_GEOGRAPHIC = '+proj=longlat +datum=NAD83 +no_defs';
/** NAD83(HARN) and NAD83(2011): GRS80, treated as coincident with WGS84 like NAD83 itself. */
const NAD83_REALISATION_GEOGRAPHIC = '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs';
const WEB_MERCATOR =
  '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs';

/** Aliases ArcGIS and older clients use for Web Mercator. */
const WEB_MERCATOR_ALIASES = [3857, 102100, 102113, 900913, 3785] as const;

/** The three SPCS83 Missouri zones (transverse Mercator), FIPS 2401–2403. */
const MISSOURI_ZONES = {
  east: '+proj=tmerc +lat_0=35.83333333333334 +lon_0=-90.5 +k=0.999933333 +x_0=250000 +y_0=0',
  central: '+proj=tmerc +lat_0=35.83333333333334 +lon_0=-92.5 +k=0.999933333 +x_0=500000 +y_0=0',
  west: '+proj=tmerc +lat_0=36.16666666666666 +lon_0=-94.5 +k=0.999941177 +x_0=850000 +y_0=0',
} as const;

function buildDefinitions(): ReadonlyMap<number, string> {
  const table = new Map<number, string>([
    [4326, WGS84_GEOGRAPHIC],
    [4269, NAD83_GEOGRAPHIC],
    [4152, NAD83_REALISATION_GEOGRAPHIC], // NAD83(HARN)
    [6318, NAD83_REALISATION_GEOGRAPHIC], // NAD83(2011)
  ]);
  for (const wkid of WEB_MERCATOR_ALIASES) table.set(wkid, WEB_MERCATOR);

  const nad83 = '+datum=NAD83 +no_defs';
  const grs80 = '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs';
  const zones = [
    // [NAD83, NAD83(HARN), NAD83(2011), Esri NAD83 feet] codes per zone
    [MISSOURI_ZONES.east, 26996, 2815, 6512, 102696],
    [MISSOURI_ZONES.central, 26997, 2816, 6511, 102697],
    [MISSOURI_ZONES.west, 26998, 2817, 6513, 102698],
  ] as const;
  for (const [zone, nad83Code, harnCode, nad2011Code, feetCode] of zones) {
    table.set(nad83Code, `${zone} +units=m ${nad83}`);
    table.set(harnCode, `${zone} +units=m ${grs80}`);
    table.set(nad2011Code, `${zone} +units=m ${grs80}`);
    // proj4 takes x_0 in metres whatever +units says; 850000 m is the legal 2788708.333 ftUS.
    table.set(feetCode, `${zone} +units=us-ft ${nad83}`);
  }

  for (let zone = 1; zone <= 60; zone += 1) {
    table.set(32600 + zone, `+proj=utm +zone=${zone} +datum=WGS84 +units=m +no_defs`);
    table.set(32700 + zone, `+proj=utm +zone=${zone} +south +datum=WGS84 +units=m +no_defs`);
  }
  for (let zone = 1; zone <= 23; zone += 1) {
    table.set(26900 + zone, `+proj=utm +zone=${zone} +datum=NAD83 +units=m +no_defs`);
  }
  return table;
}

const DEFINITIONS = buildDefinitions();

/** `latestWkid` ArcGIS reports beside a legacy `wkid`. */
const LATEST_WKID: ReadonlyMap<number, number> = new Map([
  [102100, 3857],
  [102113, 3857],
  [900913, 3857],
  [3785, 3857],
]);

/** Converters built so far, keyed `from>to`; proj4 parses definitions on every construction. */
const converterCache = new Map<string, Converter>();

/** Whether `wkid` is in the built-in table (WGS84, NAD83, Web Mercator, Missouri state plane, UTM). */
export function isKnownWkid(wkid: number): boolean {
  return DEFINITIONS.has(wkid);
}

function definitionFor(wkid: number): string {
  const definition = DEFINITIONS.get(wkid);
  if (definition === undefined) {
    throw new AppError(ErrorCode.InvalidInput, `Spatial reference ${wkid} is not supported`, [
      String(wkid),
    ]);
  }
  return definition;
}

function converterFor(fromWkid: number, toWkid: number): Converter | undefined {
  const from = definitionFor(fromWkid);
  const to = definitionFor(toWkid);
  if (from === to) return undefined;
  const key = `${fromWkid}>${toWkid}`;
  let converter = converterCache.get(key);
  if (converter === undefined) {
    const proj = proj4(from, to);
    converter = (point) => {
      const out = proj.forward([point[0], point[1]]);
      return [out[0] ?? Number.NaN, out[1] ?? Number.NaN];
    };
    converterCache.set(key, converter);
  }
  return converter;
}

function projectionFailure(fromWkid: number, toWkid: number): AppError {
  return new AppError(
    ErrorCode.InvalidInput,
    `Coordinates cannot be projected from spatial reference ${fromWkid} to ${toWkid}`,
    [String(fromWkid), String(toWkid)],
  );
}

/**
 * Projects `[x, y]` points (`[lon, lat]` for geographic references) from one well-known ID to
 * another. Throws an `INVALID_INPUT` {@link AppError} for an unknown wkid or for coordinates
 * outside the target's domain (e.g. the poles in Web Mercator).
 */
export function projectPoints(
  points: readonly (readonly [number, number])[],
  fromWkid: number,
  toWkid: number,
): [number, number][] {
  const convert = converterFor(fromWkid, toWkid);
  if (convert === undefined) return points.map((p) => [p[0], p[1]]);
  return points.map((point) => {
    let out: [number, number];
    try {
      out = convert(point);
    } catch {
      throw projectionFailure(fromWkid, toWkid);
    }
    if (!Number.isFinite(out[0]) || !Number.isFinite(out[1])) {
      throw projectionFailure(fromWkid, toWkid);
    }
    return out;
  });
}

/** Projects one coordinate array, keeping any z/m values after x and y. */
function projectCoordinateArrays(
  coords: readonly (readonly number[])[],
  fromWkid: number,
  toWkid: number,
): number[][] {
  const projected = projectPoints(
    coords.map((c) => [c[0] ?? Number.NaN, c[1] ?? Number.NaN] as const),
    fromWkid,
    toWkid,
  );
  return projected.map((xy, i) => [...xy, ...(coords[i] ?? []).slice(2)]);
}

function spatialReferenceOf(wkid: number): { wkid: number; latestWkid?: number } {
  const latestWkid = LATEST_WKID.get(wkid);
  return latestWkid === undefined ? { wkid } : { wkid, latestWkid };
}

/** Points per envelope side when projecting an envelope, so curved edges widen the result. */
const ENVELOPE_SAMPLES_PER_SIDE = 16;

/**
 * Projects an ArcGIS JSON geometry vertex by vertex and stamps the target `spatialReference`.
 * An envelope comes back as the envelope of its projected, densified outline.
 */
export function projectGeometry(
  geometry: EsriGeometry,
  fromWkid: number,
  toWkid: number,
): EsriGeometry {
  const spatialReference = spatialReferenceOf(toWkid);
  if ('x' in geometry) {
    const [point] = projectPoints([[geometry.x, geometry.y]], fromWkid, toWkid);
    const [x, y] = point ?? [Number.NaN, Number.NaN];
    return { x, y, spatialReference };
  }
  if ('points' in geometry) {
    return { points: projectCoordinateArrays(geometry.points, fromWkid, toWkid), spatialReference };
  }
  if ('paths' in geometry) {
    return {
      paths: geometry.paths.map((path) => projectCoordinateArrays(path, fromWkid, toWkid)),
      spatialReference,
    };
  }
  if ('rings' in geometry) {
    return {
      rings: geometry.rings.map((ring) => projectCoordinateArrays(ring, fromWkid, toWkid)),
      spatialReference,
    };
  }
  const outline = envelopeOutline(geometry, ENVELOPE_SAMPLES_PER_SIDE);
  const projected = projectPoints(outline, fromWkid, toWkid);
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  for (const [x, y] of projected) {
    xmin = Math.min(xmin, x);
    ymin = Math.min(ymin, y);
    xmax = Math.max(xmax, x);
    ymax = Math.max(ymax, y);
  }
  return { xmin, ymin, xmax, ymax, spatialReference };
}

/**
 * The closed outline of an envelope, counter-clockwise from `(xmin, ymin)`, with
 * `samplesPerSide` points on each side (so `4 * samplesPerSide + 1` points).
 */
export function envelopeOutline(
  envelope: { xmin: number; ymin: number; xmax: number; ymax: number },
  samplesPerSide: number,
): [number, number][] {
  const { xmin, ymin, xmax, ymax } = envelope;
  const corners: [number, number][] = [
    [xmin, ymin],
    [xmax, ymin],
    [xmax, ymax],
    [xmin, ymax],
  ];
  const outline: [number, number][] = [];
  for (let side = 0; side < 4; side += 1) {
    const [ax, ay] = corners[side] ?? [xmin, ymin];
    const [bx, by] = corners[(side + 1) % 4] ?? [xmin, ymin];
    for (let i = 0; i < samplesPerSide; i += 1) {
      const t = i / samplesPerSide;
      outline.push([ax + (bx - ax) * t, ay + (by - ay) * t]);
    }
  }
  outline.push([xmin, ymin]);
  return outline;
}

function parseWkidValue(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function invalidSpatialReference(raw: string): AppError {
  return new AppError(
    ErrorCode.InvalidInput,
    'Spatial reference must be a well-known ID such as 4326 or {"wkid":102100}',
    [raw],
  );
}

function requireKnown(wkid: number): number {
  if (!isKnownWkid(wkid)) {
    throw new AppError(ErrorCode.InvalidInput, `Spatial reference ${wkid} is not supported`, [
      String(wkid),
    ]);
  }
  return wkid;
}

/**
 * Reads `inSR`/`outSR` in the forms ArcGIS clients send: `4326`, `{"wkid":102100,"latestWkid":3857}`
 * or `{"latestWkid":3857}`. A missing or blank value gives `fallback`. The `wkid` is preferred
 * when both are known. Unknown or malformed values throw an `INVALID_INPUT` {@link AppError}.
 */
export function parseSpatialReference(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const text = raw.trim();
  if (text === '') return fallback;
  const direct = parseWkidValue(text);
  if (direct !== undefined) return requireKnown(direct);
  if (!text.startsWith('{')) throw invalidSpatialReference(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidSpatialReference(raw);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidSpatialReference(raw);
  }
  return wkidFromSpatialReference(parsed as Record<string, unknown>, raw);
}

/**
 * The wkid of a parsed spatial reference object (`wkid` preferred when known, else
 * `latestWkid`). Throws an `INVALID_INPUT` {@link AppError} when neither is usable.
 */
export function wkidFromSpatialReference(
  spatialReference: Readonly<Record<string, unknown>>,
  raw: string = JSON.stringify(spatialReference),
): number {
  const wkid = parseWkidValue(spatialReference.wkid);
  const latestWkid = parseWkidValue(spatialReference.latestWkid);
  if (wkid !== undefined && isKnownWkid(wkid)) return wkid;
  if (latestWkid !== undefined && isKnownWkid(latestWkid)) return latestWkid;
  const named = wkid ?? latestWkid;
  if (named !== undefined) return requireKnown(named);
  if (typeof spatialReference.wkt === 'string') {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Spatial references given as WKT are not supported; use a wkid',
      [raw],
    );
  }
  throw invalidSpatialReference(raw);
}
