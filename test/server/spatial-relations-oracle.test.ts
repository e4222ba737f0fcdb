/**
 * Every spatial relation an ArcGIS Online layer answers, checked against a brute-force oracle.
 *
 * ArcGIS reads `spatialRel` as "the query geometry <relation> the feature" and uses the OGC
 * (DE-9IM) definitions. The oracle builds the DE-9IM matrix of (query geometry, point feature)
 * from first principles, on its own: winding numbers for polygons, the mod-2 rule for line
 * boundaries, GeographicLib distances for buffers, and dense sampling for buffer envelopes. It
 * then reads each relation off its OGC pattern. The filter under test must agree for seeded
 * random points against seeded random points, multipoints, polylines, polygons with holes and
 * envelopes, with and without a buffer distance.
 * https://developers.arcgis.com/enterprise-sdk/api-reference/net/esriSpatialRelEnum/
 */
import geographiclib from 'geographiclib-geodesic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSpatialFilter } from '../../src/server/query/geometry-filter.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

type LonLat = [number, number];
/** Where a feature lies relative to the query geometry: interior, boundary or exterior. */
type Where = 'I' | 'B' | 'E';

const { Geodesic } = geographiclib;
const WGS84 = Geodesic.WGS84;

/** Independence, Missouri: the box random points and geometries are drawn from. */
const REGION = { minLon: -94.48, maxLon: -94.33, minLat: 39.03, maxLat: 39.13 } as const;
/** The filter's tolerance for "the same point" and "on the boundary", in degrees. */
const EPSILON = 1e-9;
/** Distances this close to the buffer distance are too close to call, in metres. */
const DISTANCE_SLACK_METERS = 1e-3;
/** Points this close to a sampled buffer envelope's edge are too close to call, in degrees. */
const ENVELOPE_SLACK_DEGREES = 3e-7;

const RELATIONS = [
  'esriSpatialRelIntersects',
  'esriSpatialRelEnvelopeIntersects',
  'esriSpatialRelIndexIntersects',
  'esriSpatialRelContains',
  'esriSpatialRelWithin',
  'esriSpatialRelTouches',
  'esriSpatialRelCrosses',
  'esriSpatialRelOverlaps',
] as const;
type Relation = (typeof RELATIONS)[number];

/** DE-9IM patterns tried with esriSpatialRelRelation (query geometry first). */
const PATTERNS = [
  'T********',
  'F********',
  'FF*FF****',
  '0********',
  '***0*****',
  'T*F**F***',
  'FT*******',
  'F**T*****',
  '**0******',
  '**F******',
  '*****0***',
  '*****1***',
  '*****F***',
  '******0**',
  'F*****T*2',
  'TF2FFF0F2',
];

/** Mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Oracle geometry, written independently of the filter

function randomPoint(random: () => number): LonLat {
  return [
    REGION.minLon + random() * (REGION.maxLon - REGION.minLon),
    REGION.minLat + random() * (REGION.maxLat - REGION.minLat),
  ];
}

function offset(from: LonLat, bearing: number, meters: number): LonLat {
  const r = WGS84.Direct(from[1], from[0], bearing, meters, Geodesic.LATITUDE | Geodesic.LONGITUDE);
  return [r.lon2!, r.lat2!];
}

function geodesic(a: LonLat, b: LonLat): number {
  return WGS84.Inverse(a[1], a[0], b[1], b[0], Geodesic.DISTANCE).s12!;
}

function samePoint(a: LonLat, b: LonLat): boolean {
  return Math.hypot(a[0] - b[0], a[1] - b[1]) <= EPSILON;
}

/** On segment a–b within ε: perpendicular distance from the line, and the span along it. */
function onSegment(p: LonLat, a: LonLat, b: LonLat): boolean {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return samePoint(p, a);
  const along = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length;
  const across = Math.abs((p[0] - a[0]) * dy - (p[1] - a[1]) * dx) / length;
  if (along < 0) return samePoint(p, a);
  if (along > length) return samePoint(p, b);
  return across <= EPSILON;
}

/** Winding number of one closed ring around p (any orientation). */
function windingNumber(p: LonLat, ring: readonly LonLat[]): number {
  let winding = 0;
  for (let i = 0; i + 1 < ring.length; i += 1) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    const side = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1]);
    if (a[1] <= p[1]) {
      if (b[1] > p[1] && side > 0) winding += 1;
    } else if (b[1] <= p[1] && side < 0) {
      winding -= 1;
    }
  }
  return winding;
}

/** Geodesic distance from p to the lon/lat-straight segment a–b: coarse scan, then ternary. */
function segmentDistance(p: LonLat, a: LonLat, b: LonLat): number {
  const at = (t: number): number =>
    geodesic(p, [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
  if (a[0] === b[0] && a[1] === b[1]) return at(0);
  const steps = 48;
  let best = 0;
  let bestValue = Infinity;
  for (let i = 0; i <= steps; i += 1) {
    const value = at(i / steps);
    if (value < bestValue) {
      bestValue = value;
      best = i;
    }
  }
  let lo = Math.max(0, (best - 1) / steps);
  let hi = Math.min(1, (best + 1) / steps);
  for (let i = 0; i < 60; i += 1) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if (at(m1) < at(m2)) hi = m2;
    else lo = m1;
  }
  return Math.min(bestValue, at((lo + hi) / 2));
}

/** A query geometry as ArcGIS JSON and as the oracle sees it. */
interface QueryGeometry {
  readonly label: string;
  readonly json: string;
  /** 0 for points, 1 for lines, 2 for areas. */
  readonly dimension: 0 | 1 | 2;
  readonly points: readonly LonLat[];
  readonly paths: readonly (readonly LonLat[])[];
  /** Closed rings of a polygon or envelope. */
  readonly rings: readonly (readonly LonLat[])[];
}

function edgesOf(lines: readonly (readonly LonLat[])[]): [LonLat, LonLat][] {
  return lines.flatMap((line) => line.slice(1).map((b, i): [LonLat, LonLat] => [line[i]!, b]));
}

function verticesOf(q: QueryGeometry): LonLat[] {
  return [...q.points, ...q.paths.flat(), ...q.rings.flat()];
}

/** The boundary of a polyline by the mod-2 rule: path ends that occur an odd number of times. */
function lineBoundary(paths: readonly (readonly LonLat[])[]): LonLat[] {
  const ends = paths.flatMap((path) => [path[0]!, path[path.length - 1]!]);
  return ends.filter(
    (end, i) =>
      ends.findIndex((other) => other[0] === end[0] && other[1] === end[1]) === i &&
      ends.filter((other) => other[0] === end[0] && other[1] === end[1]).length % 2 === 1,
  );
}

/** Where p lies relative to the unbuffered query geometry. */
function locate(q: QueryGeometry, p: LonLat): Where {
  if (q.dimension === 0) return q.points.some((x) => samePoint(x, p)) ? 'I' : 'E';
  if (q.dimension === 1) {
    if (lineBoundary(q.paths).some((b) => samePoint(b, p))) return 'B';
    return edgesOf(q.paths).some(([a, b]) => onSegment(p, a, b)) ? 'I' : 'E';
  }
  if (edgesOf(q.rings).some(([a, b]) => onSegment(p, a, b))) return 'B';
  const inside = q.rings.filter((ring) => windingNumber(p, ring) !== 0).length % 2 === 1;
  return inside ? 'I' : 'E';
}

/** Shortest geodesic distance from p to the query geometry (0 inside an area). */
function distanceTo(q: QueryGeometry, p: LonLat, cutoff: number): number {
  if (q.dimension === 0) return Math.min(...q.points.map((x) => geodesic(x, p)));
  if (q.dimension === 2 && locate(q, p) !== 'E') return 0;
  let best = Infinity;
  for (const [a, b] of edgesOf(q.dimension === 1 ? q.paths : q.rings)) {
    // Every point of a segment is within half its length of one of its ends.
    if (Math.min(geodesic(p, a), geodesic(p, b)) - 0.51 * geodesic(a, b) > cutoff) continue;
    best = Math.min(best, segmentDistance(p, a, b));
  }
  return best;
}

/**
 * The DE-9IM matrix of (query, feature point p), rows query interior/boundary/exterior,
 * columns p's interior (p itself), boundary (empty) and exterior. `undefined` when a buffer
 * distance is too close to call.
 */
function matrixOf(q: QueryGeometry, p: LonLat, meters: number): string | undefined {
  let where: Where;
  let interiorBeyond: string;
  let boundaryBeyond: string;
  if (meters > 0) {
    const distance = distanceTo(q, p, meters + 1);
    if (Math.abs(distance - meters) < DISTANCE_SLACK_METERS) return undefined;
    // The buffer is an area: interior nearer than the distance, boundary at it.
    where = distance < meters ? 'I' : 'E';
    interiorBeyond = '2';
    boundaryBeyond = '1';
  } else {
    where = locate(q, p);
    if (q.dimension === 0) {
      interiorBeyond = q.points.some((x) => !samePoint(x, p)) ? '0' : 'F';
      boundaryBeyond = 'F';
    } else if (q.dimension === 1) {
      interiorBeyond = '1';
      boundaryBeyond = lineBoundary(q.paths).some((b) => !samePoint(b, p)) ? '0' : 'F';
    } else {
      interiorBeyond = '2';
      boundaryBeyond = '1';
    }
  }
  const at = (w: Where) => (where === w ? '0' : 'F');
  return `${at('I')}F${interiorBeyond}${at('B')}F${boundaryBeyond}${at('E')}F2`;
}

function matchesPattern(matrix: string, pattern: string): boolean {
  return [...pattern].every((want, i) => {
    const have = matrix[i];
    if (want === '*') return true;
    if (want === 'T') return have !== 'F';
    return want === have;
  });
}

function transpose(m: string): string {
  return [0, 3, 6, 1, 4, 7, 2, 5, 8].map((i) => m[i]).join('');
}

/** The OGC Simple Features definitions of each relation, query geometry first. */
function ogc(relation: Relation, matrix: string, queryDimension: number): boolean {
  switch (relation) {
    case 'esriSpatialRelIntersects':
      return !matchesPattern(matrix, 'FF*FF****');
    case 'esriSpatialRelContains':
      return matchesPattern(transpose(matrix), 'T*F**F***'); // the feature is within the query
    case 'esriSpatialRelWithin':
      return matchesPattern(matrix, 'T*F**F***');
    case 'esriSpatialRelTouches':
      return ['FT*******', 'F**T*****', 'F***T****'].some((p) => matchesPattern(matrix, p));
    case 'esriSpatialRelCrosses':
      // Defined for a higher-dimensional first geometry ([T*****T**]); point/point is not.
      return queryDimension > 0 && matchesPattern(matrix, 'T*****T**');
    case 'esriSpatialRelOverlaps':
      // Defined for equal dimensions only: points/points is [T*T***T**].
      return queryDimension === 0 && matchesPattern(matrix, 'T*T***T**');
    default:
      throw new Error(`no OGC pattern for ${relation}`);
  }
}

/** The query's envelope, or its buffer's found by sampling geodesic circles densely. */
function envelopeOf(q: QueryGeometry, meters: number): [number, number, number, number] {
  const vertices = verticesOf(q);
  if (meters === 0) {
    const xs = vertices.map((v) => v[0]);
    const ys = vertices.map((v) => v[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }
  // Sample along edges as well as at vertices: nothing assumes the extremes sit at vertices.
  const sources = [...vertices];
  for (const [a, b] of edgesOf(q.dimension === 1 ? q.paths : q.rings)) {
    for (let k = 1; k < 8; k += 1) {
      sources.push([a[0] + ((b[0] - a[0]) * k) / 8, a[1] + ((b[1] - a[1]) * k) / 8]);
    }
  }
  let box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const best = { west: { at: 0, source: sources[0]! }, east: { at: 0, source: sources[0]! } };
  const visit = (source: LonLat, azimuth: number) => {
    const [x, y] = offset(source, azimuth, meters);
    if (x < box[0]) [box[0], best.west] = [x, { at: azimuth, source }];
    if (x > box[2]) [box[2], best.east] = [x, { at: azimuth, source }];
    box = [box[0], Math.min(box[1], y), box[2], Math.max(box[3], y)];
  };
  for (const source of sources) for (let a = 0; a < 360; a += 0.5) visit(source, a);
  // Refine the longitude extremes around the best samples.
  for (const { at, source } of [best.west, best.east]) {
    for (let a = at - 0.5; a <= at + 0.5; a += 0.0005) visit(source, a);
  }
  return box;
}

function envelopeExpectation(
  envelope: readonly [number, number, number, number],
  p: LonLat,
  slack: number,
): boolean | undefined {
  const [west, south, east, north] = envelope;
  const inside = (pad: number) =>
    p[0] >= west - pad && p[0] <= east + pad && p[1] >= south - pad && p[1] <= north + pad;
  // Unbuffered, the envelope is exact and its edges count within ε; a sampled one is only
  // known to within `slack`.
  if (slack <= EPSILON) return inside(EPSILON);
  if (inside(slack) && !inside(-slack)) return undefined;
  return inside(0);
}

// ---------------------------------------------------------------------------------------------
// Random query geometries

function starRing(
  random: () => number,
  center: LonLat,
  minMeters: number,
  maxMeters: number,
  vertices: number,
  counterClockwise = false,
): LonLat[] {
  const ring: LonLat[] = [];
  for (let i = 0; i < vertices; i += 1) {
    const step = (360 / vertices) * i + random() * (300 / vertices);
    const bearing = counterClockwise ? 360 - step : step;
    ring.push(offset(center, bearing, minMeters + random() * (maxMeters - minMeters)));
  }
  ring.push(ring[0]!);
  return ring;
}

function randomPath(random: () => number, start: LonLat, vertices: number): LonLat[] {
  const path: LonLat[] = [start];
  for (let i = 1; i < vertices; i += 1) {
    path.push(offset(path[i - 1]!, random() * 360, 300 + random() * 2500));
  }
  return path;
}

function pointGeometry(random: () => number): QueryGeometry {
  const p = randomPoint(random);
  return {
    label: 'point',
    json: JSON.stringify({ x: p[0], y: p[1], spatialReference: { wkid: 4326 } }),
    dimension: 0,
    points: [p],
    paths: [],
    rings: [],
  };
}

function multipointGeometry(random: () => number, trial: number): QueryGeometry {
  const first = randomPoint(random);
  // Every third multipoint repeats one point, so that it lies within a feature at that point.
  const points =
    trial % 3 === 0
      ? [first, first, [first[0], first[1]] as LonLat]
      : [first, ...Array.from({ length: 1 + Math.floor(random() * 5) }, () => randomPoint(random))];
  if (trial % 3 === 1) points.push(points[1]!); // a duplicate among distinct points
  return {
    label: 'multipoint',
    json: JSON.stringify({ points, spatialReference: { wkid: 4326 } }),
    dimension: 0,
    points,
    paths: [],
    rings: [],
  };
}

function polylineGeometry(random: () => number, trial: number): QueryGeometry {
  const first = randomPath(random, randomPoint(random), 2 + Math.floor(random() * 5));
  const paths: LonLat[][] = [first];
  if (trial % 3 === 1) {
    // A second path starting where the first ends: that end is no longer boundary (mod 2).
    paths.push(randomPath(random, first[first.length - 1]!, 2 + Math.floor(random() * 3)));
  } else if (trial % 3 === 2) {
    // A closed path, which has no boundary at all.
    const loop = randomPath(random, randomPoint(random), 3 + Math.floor(random() * 3));
    paths.push([...loop, loop[0]!]);
  }
  return {
    label: 'polyline',
    json: JSON.stringify({ paths, spatialReference: { wkid: 4326 } }),
    dimension: 1,
    points: [],
    paths,
    rings: [],
  };
}

function polygonGeometry(random: () => number): QueryGeometry {
  const rings: LonLat[][] = [];
  const outers = random() < 0.5 ? 1 : 2;
  for (let k = 0; k < outers; k += 1) {
    const center: LonLat = [-94.45 + k * 0.09 + random() * 0.02, 39.06 + random() * 0.04];
    rings.push(starRing(random, center, 1200, 3500, 5 + Math.floor(random() * 10)));
    if (random() < 0.8) {
      rings.push(starRing(random, center, 200, 1000, 4 + Math.floor(random() * 6), true));
    }
  }
  return {
    label: 'polygon',
    json: JSON.stringify({ rings, spatialReference: { wkid: 4326 } }),
    dimension: 2,
    points: [],
    paths: [],
    rings,
  };
}

function envelopeGeometry(random: () => number): QueryGeometry {
  const [x1, y1] = randomPoint(random);
  const [x2, y2] = randomPoint(random);
  const [xmin, xmax, ymin, ymax] = [
    Math.min(x1, x2),
    Math.max(x1, x2),
    Math.min(y1, y2),
    Math.max(y1, y2),
  ];
  const ring: LonLat[] = [
    [xmin, ymin],
    [xmin, ymax],
    [xmax, ymax],
    [xmax, ymin],
    [xmin, ymin],
  ];
  return {
    label: 'envelope',
    json: JSON.stringify({ xmin, ymin, xmax, ymax, spatialReference: { wkid: 4326 } }),
    dimension: 2,
    points: [],
    paths: [],
    rings: [ring],
  };
}

/** Random points plus the ones where relations differ: vertices, edges, ends, buffer edges. */
function probePoints(random: () => number, q: QueryGeometry, meters: number): LonLat[] {
  const vertices = verticesOf(q);
  const edges = edgesOf(q.dimension === 1 ? q.paths : q.rings);
  const probes: LonLat[] = Array.from({ length: 300 }, () => randomPoint(random));
  probes.push(...vertices);
  for (const [a, b] of edges) {
    const t = random();
    probes.push(
      [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2],
      [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t],
    );
  }
  for (let i = 0; i < 120; i += 1) {
    const anchor = vertices[Math.floor(random() * vertices.length)]!;
    probes.push(offset(anchor, random() * 360, random() * (meters > 0 ? meters * 2 : 400)));
  }
  if (meters > 0) {
    // Either side of the buffer's edge: outward from vertices and square off edges.
    for (let i = 0; i < 80; i += 1) {
      const anchor = vertices[Math.floor(random() * vertices.length)]!;
      probes.push(offset(anchor, random() * 360, meters * (1 + (random() - 0.5) * 4e-3)));
    }
    for (const [a, b] of edges.slice(0, 12)) {
      const t = random();
      const q0: LonLat = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
      const heading = WGS84.Inverse(a[1], a[0], b[1], b[0], Geodesic.AZIMUTH).azi1!;
      for (const side of [90, -90]) {
        probes.push(offset(q0, heading + side, meters * (1 + (random() - 0.5) * 4e-3)));
      }
    }
  }
  return probes;
}

// ---------------------------------------------------------------------------------------------

interface Tally {
  checked: number;
  positive: Map<string, number>;
  mismatches: string[];
}

function compare(tally: Tally, label: string, actual: boolean, expected: boolean | undefined) {
  if (expected === undefined) return;
  tally.checked += 1;
  if (expected) tally.positive.set(label, (tally.positive.get(label) ?? 0) + 1);
  if (actual !== expected && tally.mismatches.length < 10) {
    tally.mismatches.push(`${label}: expected ${expected}, got ${actual}`);
  }
}

/** Points just inside and just outside each side of an envelope, corners included. */
function envelopeProbes(
  random: () => number,
  envelope: readonly [number, number, number, number],
): LonLat[] {
  const [west, south, east, north] = envelope;
  const probes: LonLat[] = [];
  for (let i = 0; i < 40; i += 1) {
    const shift = () => (random() < 0.5 ? -1 : 1) * (1e-6 + random() * 3e-5);
    const along = (lo: number, hi: number) =>
      random() < 0.3 ? (random() < 0.5 ? lo : hi) + shift() : lo + random() * (hi - lo);
    probes.push(
      [west + shift(), along(south, north)],
      [east + shift(), along(south, north)],
      [along(west, east), south + shift()],
      [along(west, east), north + shift()],
    );
  }
  return probes;
}

function runOracle(q: QueryGeometry, meters: number, random: () => number, tally: Tally): void {
  const envelope = envelopeOf(q, meters);
  const probes = [...probePoints(random, q, meters), ...envelopeProbes(random, envelope)];
  const matrices = probes.map((p) => matrixOf(q, p, meters));
  const slack = meters > 0 ? ENVELOPE_SLACK_DEGREES : EPSILON;
  const params = { geometry: q.json, distance: meters, units: 'esriSRUnit_Meter' };
  const suffix = `${q.label}${meters > 0 ? ' buffered' : ''}`;
  const inBox = (box: readonly number[], p: LonLat) =>
    p[0] >= box[0]! && p[0] <= box[2]! && p[1] >= box[1]! && p[1] <= box[3]!;

  for (const relation of RELATIONS) {
    const filter = buildSpatialFilter({ ...params, spatialRel: relation });
    probes.forEach((p, i) => {
      const actual = filter.matches(p[0], p[1]);
      if (actual && !inBox(filter.bbox, p)) tally.mismatches.push(`${relation}: outside bbox`);
      const matrix = matrices[i];
      const expected =
        relation === 'esriSpatialRelEnvelopeIntersects' ||
        relation === 'esriSpatialRelIndexIntersects'
          ? envelopeExpectation(envelope, p, slack)
          : matrix === undefined
            ? undefined
            : ogc(relation, matrix, meters > 0 ? 2 : q.dimension);
      compare(tally, `${relation} ${suffix} ${p.join(',')}`, actual, expected);
    });
  }
  for (const pattern of PATTERNS) {
    const filter = buildSpatialFilter({
      ...params,
      spatialRel: 'esriSpatialRelRelation',
      relationParam: pattern,
    });
    probes.forEach((p, i) => {
      const actual = filter.matches(p[0], p[1]);
      if (actual && !inBox(filter.bbox, p)) tally.mismatches.push(`${pattern}: outside bbox`);
      const matrix = matrices[i];
      compare(
        tally,
        `Relation ${pattern} ${suffix} ${p.join(',')}`,
        actual,
        matrix === undefined ? undefined : matchesPattern(matrix, pattern),
      );
    });
  }
}

function positives(tally: Tally, prefix: string): number {
  let total = 0;
  for (const [label, n] of tally.positive) if (label.startsWith(prefix)) total += n;
  return total;
}

const GENERATORS: readonly [string, (random: () => number, trial: number) => QueryGeometry][] = [
  ['point', (random) => pointGeometry(random)],
  ['multipoint', multipointGeometry],
  ['polyline', polylineGeometry],
  ['polygon with holes', (random) => polygonGeometry(random)],
  ['envelope', (random) => envelopeGeometry(random)],
];

describe('spatial relations against a DE-9IM oracle', () => {
  for (const [name, generate] of GENERATORS) {
    it(`answers every relation for a ${name} query, without and with a distance`, () => {
      const random = prng(0x5eed + name.length * 7919);
      const tally: Tally = { checked: 0, positive: new Map(), mismatches: [] };
      for (let trial = 0; trial < 3; trial += 1) {
        const q = generate(random, trial);
        runOracle(q, 0, random, tally);
        runOracle(q, 60 + random() * 700, random, tally);
      }
      expect(tally.mismatches).toEqual([]);
      expect(tally.checked).toBeGreaterThan(10_000);
      // Not vacuous: the relations that can hold did hold somewhere.
      for (const relation of [
        'esriSpatialRelIntersects',
        'esriSpatialRelContains',
        'esriSpatialRelEnvelopeIntersects',
      ]) {
        expect(positives(tally, `${relation} `), relation).toBeGreaterThan(0);
      }
      if (name !== 'point' && name !== 'multipoint') {
        expect(positives(tally, 'esriSpatialRelTouches ')).toBeGreaterThan(0);
      } else {
        expect(positives(tally, 'esriSpatialRelWithin ')).toBeGreaterThan(0);
      }
    }, 120_000);
  }
});

describe('an envelope over many point features', () => {
  // The case first seen on a real service: an envelope over 184 sites.
  const random = prng(184);
  const box = { xmin: -94.44, ymin: 39.06, xmax: -94.38, ymax: 39.1 };
  const inside = Array.from({ length: 184 }, (): LonLat => {
    const t = 0.001 + random() * 0.998;
    const u = 0.001 + random() * 0.998;
    return [box.xmin + t * (box.xmax - box.xmin), box.ymin + u * (box.ymax - box.ymin)];
  });
  const onEdge: LonLat[] = [
    [box.xmin, 39.07],
    [-94.4, box.ymax],
    [box.xmax, box.ymin],
  ];
  const outside = Array.from({ length: 300 }, () => randomPoint(random)).filter(
    ([x, y]) =>
      x < box.xmin - 1e-6 || x > box.xmax + 1e-6 || y < box.ymin - 1e-6 || y > box.ymax + 1e-6,
  );
  const sites = [...inside, ...onEdge, ...outside];
  const count = (spatialRel: string) => {
    const filter = buildSpatialFilter({ geometry: JSON.stringify(box), spatialRel });
    return sites.filter(([x, y]) => filter.matches(x, y)).length;
  };

  it('has the envelope contain the features inside it and lie within none of them', () => {
    expect(count('esriSpatialRelContains')).toBe(184);
    expect(count('esriSpatialRelWithin')).toBe(0);
    expect(count('esriSpatialRelIntersects')).toBe(187);
    expect(count('esriSpatialRelEnvelopeIntersects')).toBe(187);
    expect(count('esriSpatialRelIndexIntersects')).toBe(187);
    expect(count('esriSpatialRelTouches')).toBe(3);
    expect(count('esriSpatialRelCrosses')).toBe(0);
    expect(count('esriSpatialRelOverlaps')).toBe(0);
  });
});

describe('spatial relations through the query operation', () => {
  let server: TestServer;
  let token: string;
  let layer: string;
  beforeAll(async () => {
    server = await startTestServer({ sites: 400 });
    token = await server.token('analyst1');
    layer = `${server.service('CommunityCameras')}/0/query`;
  });
  afterAll(() => server?.close());

  async function count(params: Record<string, string>): Promise<number> {
    const body = new URLSearchParams({ f: 'json', token, returnCountOnly: 'true', ...params });
    const response = await fetch(layer, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const json = (await response.json()) as { count?: number; error?: unknown };
    expect(json.error).toBeUndefined();
    return json.count ?? -1;
  }

  it('answers Contains with the sites inside an envelope and Within with none', async () => {
    const [row] = server.db.prepare('SELECT avg(_x) AS x, avg(_y) AS y FROM sites').all() as {
      x: number;
      y: number;
    }[];
    // A box around the middle of town whose west edge passes exactly through one site.
    const [edge] = server.db
      .prepare('SELECT _x AS x, _y AS y FROM sites ORDER BY abs(_x - ?) LIMIT 1')
      .all(row!.x - 0.01) as { x: number; y: number }[];
    const box = {
      xmin: edge!.x,
      ymin: Math.min(edge!.y, row!.y) - 0.01,
      xmax: row!.x + 0.01,
      ymax: Math.max(edge!.y, row!.y) + 0.01,
    };
    const strictly = server.db
      .prepare('SELECT count(*) AS n FROM sites WHERE _x > ? AND _x < ? AND _y > ? AND _y < ?')
      .all(box.xmin, box.xmax, box.ymin, box.ymax) as { n: number }[];
    const closed = server.db
      .prepare('SELECT count(*) AS n FROM sites WHERE _x >= ? AND _x <= ? AND _y >= ? AND _y <= ?')
      .all(box.xmin, box.xmax, box.ymin, box.ymax) as { n: number }[];
    const inside = strictly[0]!.n;
    const all = closed[0]!.n;
    expect(inside).toBeGreaterThan(20);
    expect(all).toBeGreaterThan(inside); // the site on the west edge
    const params = { geometry: JSON.stringify(box), geometryType: 'esriGeometryEnvelope' };
    expect(await count({ ...params, spatialRel: 'esriSpatialRelContains' })).toBe(inside);
    expect(await count({ ...params, spatialRel: 'esriSpatialRelWithin' })).toBe(0);
    expect(await count({ ...params, spatialRel: 'esriSpatialRelIntersects' })).toBe(all);
    expect(await count({ ...params, spatialRel: 'esriSpatialRelTouches' })).toBe(all - inside);
    expect(await count({ ...params, spatialRel: 'esriSpatialRelEnvelopeIntersects' })).toBe(all);
    expect(await count({ ...params, spatialRel: 'esriSpatialRelCrosses' })).toBe(0);
    // A point query lies within the feature it equals.
    const point = { geometry: `${edge!.x},${edge!.y}`, geometryType: 'esriGeometryPoint' };
    const same = server.db
      .prepare('SELECT count(*) AS n FROM sites WHERE _x = ? AND _y = ?')
      .all(edge!.x, edge!.y) as { n: number }[];
    expect(await count({ ...point, spatialRel: 'esriSpatialRelWithin' })).toBe(same[0]!.n);
  }, 60_000);
});
