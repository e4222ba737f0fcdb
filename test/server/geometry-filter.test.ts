import geographiclib from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';

import {
  buildSpatialFilter,
  parseGeometryParam,
  type SpatialFilter,
  type SpatialFilterParams,
} from '../../src/server/query/geometry-filter.js';

type LonLat = [number, number];

const { Geodesic } = geographiclib;
const WGS84 = Geodesic.WGS84;

/** Independence, Missouri: the box random points and geometries are drawn from. */
const REGION = { minLon: -94.48, maxLon: -94.33, minLat: 39.03, maxLat: 39.13 } as const;
const EPSILON = 1e-9;

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

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Random data

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

function randomPoints(random: () => number, count: number): LonLat[] {
  return Array.from({ length: count }, () => randomPoint(random));
}

/** Points scattered within `spreadMeters` of the given anchors. */
function pointsNear(
  random: () => number,
  anchors: readonly LonLat[],
  count: number,
  spreadMeters: number,
): LonLat[] {
  return Array.from({ length: count }, () => {
    const anchor = anchors[Math.floor(random() * anchors.length)]!;
    return offset(anchor, random() * 360, random() * spreadMeters);
  });
}

/** A simple star-shaped ring around `center`, clockwise (ArcGIS outer) unless `counterClockwise`. */
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
    ring.push(
      offset(
        center,
        counterClockwise ? 360 - step : step,
        minMeters + random() * (maxMeters - minMeters),
      ),
    );
  }
  ring.push(ring[0]!);
  return ring;
}

/** Polygon rings: one or two outer rings, each possibly with a hole. */
function randomPolygon(random: () => number): LonLat[][] {
  const rings: LonLat[][] = [];
  const outers = random() < 0.5 ? 1 : 2;
  for (let k = 0; k < outers; k += 1) {
    const center: LonLat = [-94.45 + k * 0.09 + random() * 0.02, 39.06 + random() * 0.04];
    rings.push(starRing(random, center, 1200, 3500, 5 + Math.floor(random() * 10)));
    if (random() < 0.7)
      rings.push(starRing(random, center, 200, 1000, 4 + Math.floor(random() * 6), true));
  }
  return rings;
}

function randomPath(random: () => number, vertices: number): LonLat[] {
  const path: LonLat[] = [randomPoint(random)];
  for (let i = 1; i < vertices; i += 1)
    path.push(offset(path[i - 1]!, random() * 360, 200 + random() * 2500));
  return path;
}

// ---------------------------------------------------------------------------------------------
// Oracle: independent, slow formulations

function geodesic(a: LonLat, b: LonLat): number {
  return WGS84.Inverse(a[1], a[0], b[1], b[0], Geodesic.DISTANCE).s12!;
}

function samePoint(a: LonLat, b: LonLat): boolean {
  return Math.hypot(a[0] - b[0], a[1] - b[1]) <= EPSILON;
}

/** On segment a–b within ε, by the perpendicular from the line and the span along it. */
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

function edges(rings: readonly LonLat[][]): [LonLat, LonLat][] {
  return rings.flatMap((ring) => ring.slice(1).map((b, i): [LonLat, LonLat] => [ring[i]!, b]));
}

/** Winding number of one ring around p (any orientation). */
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

/** Inside an odd number of rings (rings are simple, holes inside their outer ring). */
function insidePolygon(p: LonLat, rings: readonly LonLat[][]): boolean {
  return rings.filter((ring) => windingNumber(p, ring) !== 0).length % 2 === 1;
}

function onBoundary(p: LonLat, rings: readonly LonLat[][]): boolean {
  return edges(rings).some(([a, b]) => onSegment(p, a, b));
}

/** Geodesic distance from p to the lon/lat-straight segment a–b: coarse scan, then ternary search. */
function segmentDistance(p: LonLat, a: LonLat, b: LonLat): number {
  const at = (t: number): number =>
    geodesic(p, [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
  if (a[0] === b[0] && a[1] === b[1]) return at(0);
  const steps = 64;
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

/**
 * Geodesic distance from p to a set of segments, or `Infinity` when every segment is clearly
 * beyond `cutoff` (a point of a segment is within half its length of one end).
 */
function distanceToSegments(
  p: LonLat,
  segments: readonly [LonLat, LonLat][],
  cutoff: number,
): number {
  let best = Infinity;
  for (const [a, b] of segments) {
    const nearEnd = Math.min(geodesic(p, a), geodesic(p, b));
    if (nearEnd - 0.51 * geodesic(a, b) > cutoff) continue;
    best = Math.min(best, segmentDistance(p, a, b));
  }
  return best;
}

/** true / false, or undefined when the oracle is too close to call. */
type Expectation = boolean | undefined;

function withinOracle(distance: number, limit: number, strict = false): Expectation {
  if (Math.abs(distance - limit) < 1e-3) return undefined;
  return strict ? distance < limit : distance <= limit;
}

function check(
  filter: SpatialFilter,
  points: readonly LonLat[],
  expected: (p: LonLat) => Expectation,
): { matched: number; unmatched: number } {
  const mismatches: string[] = [];
  let matched = 0;
  let unmatched = 0;
  const [minLon, minLat, maxLon, maxLat] = filter.bbox;
  for (const p of points) {
    const actual = filter.matches(p[0], p[1]);
    if (actual && !(p[0] >= minLon && p[0] <= maxLon && p[1] >= minLat && p[1] <= maxLat)) {
      mismatches.push(`match outside bbox: ${p.join(',')}`);
    }
    const want = expected(p);
    if (want === undefined) continue;
    if (actual !== want) mismatches.push(`${p.join(',')}: expected ${want}, got ${actual}`);
    if (actual) matched += 1;
    else unmatched += 1;
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
  return { matched, unmatched };
}

function polygonJson(rings: readonly LonLat[][], spatialReference?: object): string {
  return JSON.stringify({ rings, ...(spatialReference ? { spatialReference } : {}) });
}

function webMercator([lon, lat]: LonLat): LonLat {
  const rad = Math.PI / 180;
  return [6378137 * lon * rad, 6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * rad) / 2))];
}

// ---------------------------------------------------------------------------------------------

describe('buildSpatialFilter without a distance', () => {
  it('intersects polygons with holes like a winding-number oracle, boundary included', () => {
    const random = prng(1);
    let total = { matched: 0, unmatched: 0 };
    for (let trial = 0; trial < 12; trial += 1) {
      const rings = randomPolygon(random);
      const filter = buildSpatialFilter({
        geometry: polygonJson(rings),
        geometryType: 'esriGeometryPolygon',
      });
      const vertices = rings.flat();
      const midpoints = edges(rings).map(([a, b]): LonLat => [
        (a[0] + b[0]) / 2,
        (a[1] + b[1]) / 2,
      ]);
      const points = [
        ...randomPoints(random, 2500),
        ...pointsNear(random, vertices, 500, 300),
        ...vertices,
        ...midpoints,
      ];
      const result = check(filter, points, (p) => insidePolygon(p, rings) || onBoundary(p, rings));
      total = {
        matched: total.matched + result.matched,
        unmatched: total.unmatched + result.unmatched,
      };
      for (const v of [...vertices, ...midpoints]) expect(filter.matches(v[0], v[1])).toBe(true);
    }
    expect(total.matched).toBeGreaterThan(1000);
    expect(total.unmatched).toBeGreaterThan(1000);
  });

  it('excludes points inside holes', () => {
    const center: LonLat = [-94.4, 39.08];
    const outer = starRing(prng(3), center, 2000, 2500, 8);
    const hole = starRing(prng(4), center, 500, 800, 6, true);
    const filter = buildSpatialFilter({ geometry: polygonJson([outer, hole]) });
    expect(filter.matches(center[0], center[1])).toBe(false);
    const between = offset(center, 45, 1500);
    expect(filter.matches(between[0], between[1])).toBe(true);
  });

  it('has a polygon contain points strictly inside: boundary, vertices and holes excluded', () => {
    const random = prng(5);
    for (let trial = 0; trial < 6; trial += 1) {
      const rings = randomPolygon(random);
      const filter = buildSpatialFilter({
        geometry: polygonJson(rings),
        spatialRel: 'esriSpatialRelContains',
      });
      const vertices = rings.flat();
      const midpoints = edges(rings).map(([a, b]): LonLat => [
        (a[0] + b[0]) / 2,
        (a[1] + b[1]) / 2,
      ]);
      const points = [
        ...randomPoints(random, 2000),
        ...pointsNear(random, vertices, 300, 200),
        ...vertices,
        ...midpoints,
      ];
      check(filter, points, (p) => insidePolygon(p, rings) && !onBoundary(p, rings));
      for (const v of [...vertices, ...midpoints]) expect(filter.matches(v[0], v[1])).toBe(false);
    }
  });

  it('reads a polygon given in Web Mercator (102100) like its WGS84 original', () => {
    const random = prng(6);
    for (let trial = 0; trial < 6; trial += 1) {
      const rings = randomPolygon(random);
      const mercator = rings.map((ring) => ring.map(webMercator));
      const filter = buildSpatialFilter({
        geometry: polygonJson(mercator, { wkid: 102100, latestWkid: 3857 }),
      });
      const nearEdge = (p: LonLat): boolean =>
        edges(rings).some(([a, b]) => {
          const dx = b[0] - a[0];
          const dy = b[1] - a[1];
          const t = Math.max(
            0,
            Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)),
          );
          return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy) < 1e-7;
        });
      const points = [...randomPoints(random, 2000), ...pointsNear(random, rings.flat(), 500, 100)];
      const { matched } = check(filter, points, (p) =>
        nearEdge(p) ? undefined : insidePolygon(p, rings),
      );
      expect(matched).toBeGreaterThan(0);
    }
  });

  it('matches envelopes inclusively in JSON, short and Web Mercator forms', () => {
    const random = prng(7);
    for (let trial = 0; trial < 10; trial += 1) {
      const [x1, y1] = randomPoint(random);
      const [x2, y2] = randomPoint(random);
      const box = {
        xmin: Math.min(x1, x2),
        ymin: Math.min(y1, y2),
        xmax: Math.max(x1, x2),
        ymax: Math.max(y1, y2),
      };
      const inBox = (p: LonLat, slack: number) =>
        p[0] >= box.xmin - slack &&
        p[0] <= box.xmax + slack &&
        p[1] >= box.ymin - slack &&
        p[1] <= box.ymax + slack;
      const corners: LonLat[] = [
        [box.xmin, box.ymin],
        [box.xmax, box.ymax],
        [box.xmin, box.ymax],
        [(box.xmin + box.xmax) / 2, box.ymin],
      ];
      const points = [...randomPoints(random, 2000), ...corners];
      const json = buildSpatialFilter({
        geometry: JSON.stringify(box),
        geometryType: 'esriGeometryEnvelope',
      });
      check(json, points, (p) => inBox(p, EPSILON));
      const short = buildSpatialFilter({
        geometry: `${box.xmin}, ${box.ymin}, ${box.xmax}, ${box.ymax}`,
      });
      check(short, points, (p) => inBox(p, EPSILON));
      for (const c of corners) expect(short.matches(c[0], c[1])).toBe(true);

      const [mxmin, mymin] = webMercator([box.xmin, box.ymin]);
      const [mxmax, mymax] = webMercator([box.xmax, box.ymax]);
      const mercator = buildSpatialFilter({
        geometry: `${mxmin},${mymin},${mxmax},${mymax}`,
        inSR: 3857,
      });
      const nearEdge = (p: LonLat) => inBox(p, 1e-7) && !inBox(p, -1e-7);
      check(mercator, points, (p) => (nearEdge(p) ? undefined : inBox(p, 0)));

      const contains = buildSpatialFilter({
        geometry: JSON.stringify(box),
        spatialRel: 'esriSpatialRelContains',
      });
      check(contains, points, (p) => inBox(p, -EPSILON));
      for (const c of corners) expect(contains.matches(c[0], c[1])).toBe(false);
      // An envelope is never within a point.
      const within = buildSpatialFilter({
        geometry: JSON.stringify(box),
        spatialRel: 'esriSpatialRelWithin',
      });
      check(within, points, () => false);
    }
  });

  it('densifies an envelope given in Missouri West state plane feet (102698)', () => {
    // Independence city hall is near (2812691.572, 1064846.248) ftUS.
    const filter = buildSpatialFilter({
      geometry: JSON.stringify({
        xmin: 2802691,
        ymin: 1054846,
        xmax: 2822691,
        ymax: 1074846,
        spatialReference: { wkid: 102698 },
      }),
    });
    expect(filter.matches(-94.4155, 39.0911)).toBe(true);
    expect(filter.matches(-94.2, 39.0911)).toBe(false);
    const [minLon, minLat, maxLon, maxLat] = filter.bbox;
    expect(maxLon - minLon).toBeGreaterThan(0.06);
    expect(maxLat - minLat).toBeGreaterThan(0.05);
    expect(minLon).toBeLessThan(-94.4155);
    expect(maxLat).toBeGreaterThan(39.0911);
  });

  it('matches points, multipoints and lines by equality / lying on them within 1e-9°', () => {
    const random = prng(8);
    const path = randomPath(random, 6);
    const line = buildSpatialFilter({
      geometry: JSON.stringify({ paths: [path] }),
      geometryType: 'esriGeometryPolyline',
    });
    const segments = path.slice(1).map((b, i): [LonLat, LonLat] => [path[i]!, b]);
    const onLine: LonLat[] = segments.map(([a, b]) => [
      a[0] + (b[0] - a[0]) * 0.3,
      a[1] + (b[1] - a[1]) * 0.3,
    ]);
    const points = [...randomPoints(random, 2000), ...path, ...onLine];
    const { matched } = check(line, points, (p) => segments.some(([a, b]) => onSegment(p, a, b)));
    expect(matched).toBe(path.length + onLine.length);

    const multipoint = randomPoints(random, 50);
    const multi = buildSpatialFilter({ geometry: JSON.stringify({ points: multipoint }) });
    check(multi, [...randomPoints(random, 1000), ...multipoint], (p) =>
      multipoint.some((q) => samePoint(p, q)),
    );

    const [x, y] = multipoint[0]!;
    const point = buildSpatialFilter({ geometry: `${x},${y}`, geometryType: 'esriGeometryPoint' });
    expect(point.matches(x, y)).toBe(true);
    expect(point.matches(x + 5e-10, y)).toBe(true);
    expect(point.matches(x + 2e-9, y)).toBe(false);
    expect(point.bbox[0]).toBeLessThanOrEqual(x);
    expect(point.bbox[2]).toBeGreaterThanOrEqual(x);

    const [mx, my] = webMercator([x, y]);
    const mercatorPoint = buildSpatialFilter({
      geometry: JSON.stringify({ x: mx, y: my, spatialReference: { wkid: 102100 } }),
    });
    expect(mercatorPoint.matches(x, y)).toBe(true);
  });

  it('has a line contain its interior and touch its end points', () => {
    const path: LonLat[] = [
      [-94.45, 39.05],
      [-94.4, 39.1],
      [-94.35, 39.05],
    ];
    const filter = (spatialRel: string) =>
      buildSpatialFilter({ geometry: JSON.stringify({ paths: [path] }), spatialRel });
    const contains = filter('esriSpatialRelContains');
    expect(contains.matches(-94.45, 39.05)).toBe(false);
    expect(contains.matches(-94.4, 39.1)).toBe(true);
    expect(contains.matches(-94.425, 39.075)).toBe(true);
    expect(contains.matches(-94.425, 39.08)).toBe(false);
    const touches = filter('esriSpatialRelTouches');
    expect(touches.matches(-94.45, 39.05)).toBe(true);
    expect(touches.matches(-94.35, 39.05)).toBe(true);
    expect(touches.matches(-94.4, 39.1)).toBe(false);
    expect(filter('esriSpatialRelWithin').matches(-94.4, 39.1)).toBe(false);
  });

  it('tests envelope-intersects against the envelope of the query geometry', () => {
    const random = prng(9);
    const rings = randomPolygon(random);
    const all = rings.flat();
    const box = [
      Math.min(...all.map((p) => p[0])),
      Math.min(...all.map((p) => p[1])),
      Math.max(...all.map((p) => p[0])),
      Math.max(...all.map((p) => p[1])),
    ] as const;
    const filter = buildSpatialFilter({
      geometry: polygonJson(rings),
      spatialRel: 'esriSpatialRelEnvelopeIntersects',
    });
    check(
      filter,
      randomPoints(random, 3000),
      (p) => p[0] >= box[0] && p[0] <= box[2] && p[1] >= box[1] && p[1] <= box[3],
    );
  });

  it('has only queries whose every point equals a feature lie within it', () => {
    const p: LonLat = [-94.4, 39.08];
    const same = buildSpatialFilter({
      geometry: JSON.stringify({ points: [p, p] }),
      spatialRel: 'esriSpatialRelWithin',
    });
    expect(same.matches(p[0], p[1])).toBe(true);
    expect(same.matches(p[0] + 1e-6, p[1])).toBe(false);
    const apart = buildSpatialFilter({
      geometry: JSON.stringify({ points: [p, [-94.39, 39.08]] }),
      spatialRel: 'esriSpatialRelWithin',
    });
    expect(apart.matches(p[0], p[1])).toBe(false);
    // ...while a multipoint contains each feature equal to one of its points.
    const contains = buildSpatialFilter({
      geometry: JSON.stringify({ points: [p, [-94.39, 39.08]] }),
      spatialRel: 'esriSpatialRelContains',
    });
    expect(contains.matches(p[0], p[1])).toBe(true);
    expect(contains.matches(-94.39, 39.08)).toBe(true);
    const point = buildSpatialFilter({
      geometry: `${p[0]},${p[1]}`,
      spatialRel: 'esriSpatialRelWithin',
    });
    expect(point.matches(p[0], p[1])).toBe(true);
    const polygon = buildSpatialFilter({
      geometry: polygonJson([starRing(prng(10), p, 100, 200, 5)]),
      spatialRel: 'esriSpatialRelWithin',
    });
    expect(polygon.matches(p[0], p[1])).toBe(false);
  });

  it('lets inSR override the geometry spatial reference, and defaults to 4326', () => {
    const p: LonLat = [-94.4, 39.08];
    const labelled = JSON.stringify({ x: p[0], y: p[1], spatialReference: { wkid: 102100 } });
    expect(buildSpatialFilter({ geometry: labelled, inSR: 4326 }).matches(p[0], p[1])).toBe(true);
    expect(
      buildSpatialFilter({ geometry: JSON.stringify({ x: p[0], y: p[1] }) }).matches(p[0], p[1]),
    ).toBe(true);
  });
});

describe('buildSpatialFilter with a geodesic distance', () => {
  it('matches points within a buffer of a point exactly as geographiclib does', () => {
    const random = prng(11);
    for (let trial = 0; trial < 20; trial += 1) {
      const center = randomPoint(random);
      const meters = [152.4, 10, 1000, 3000][trial % 4]! * (0.5 + random());
      const filter = buildSpatialFilter({
        geometry: `${center[0]},${center[1]}`,
        distance: meters,
        units: 'esriSRUnit_Meter',
      });
      const ring = Array.from({ length: 400 }, (_, i) =>
        offset(center, random() * 360, meters * (1 + (i % 2 ? 1 : -1) * 1e-5 * random())),
      );
      const points = [
        ...randomPoints(random, 1000),
        ...pointsNear(random, [center], 2000, meters * 1.5),
        ...ring,
        center,
      ];
      const { matched, unmatched } = check(filter, points, (p) =>
        withinOracle(geodesic(center, p), meters),
      );
      expect(matched).toBeGreaterThan(100);
      expect(unmatched).toBeGreaterThan(100);
    }
  });

  it('converts units: 500 ft equals 152.4 m', () => {
    const random = prng(12);
    const center = randomPoint(random);
    const feet = buildSpatialFilter({
      geometry: `${center[0]},${center[1]}`,
      distance: 500,
      units: 'esriSRUnit_Foot',
    });
    const meters = buildSpatialFilter({ geometry: `${center[0]},${center[1]}`, distance: 152.4 });
    const points = pointsNear(random, [center], 3000, 250);
    check(feet, points, (p) => withinOracle(geodesic(center, p), 152.4));
    for (const p of points) expect(feet.matches(p[0], p[1])).toBe(meters.matches(p[0], p[1]));
    const miles = buildSpatialFilter({
      geometry: `${center[0]},${center[1]}`,
      distance: 0.1,
      units: 'esriSRUnit_StatuteMile',
    });
    check(miles, points, (p) => withinOracle(geodesic(center, p), 160.9344));
  });

  it('matches within a buffer of a multipoint', () => {
    const random = prng(13);
    const anchors = randomPoints(random, 25);
    const filter = buildSpatialFilter({
      geometry: JSON.stringify({ points: anchors }),
      distance: 400,
    });
    const points = [...randomPoints(random, 1000), ...pointsNear(random, anchors, 3000, 600)];
    const { matched } = check(filter, points, (p) =>
      withinOracle(Math.min(...anchors.map((a) => geodesic(a, p))), 400),
    );
    expect(matched).toBeGreaterThan(100);
  });

  it('matches within a buffer of a polyline (nearest segment, lon/lat-straight edges)', () => {
    const random = prng(14);
    for (let trial = 0; trial < 4; trial += 1) {
      const path = randomPath(random, 5);
      const segments = path.slice(1).map((b, i): [LonLat, LonLat] => [path[i]!, b]);
      const meters = trial % 2 ? 152.4 : 800;
      const filter = buildSpatialFilter({
        geometry: JSON.stringify({ paths: [path] }),
        distance: meters,
      });
      // Points straddling the buffer edge, found by stepping sideways from a point on a segment.
      const straddling = segments.flatMap(([a, b]) =>
        Array.from({ length: 60 }, () => {
          const t = random();
          const q: LonLat = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
          const heading =
            WGS84.Inverse(a[1], a[0], b[1], b[0], Geodesic.AZIMUTH).azi1! +
            (random() < 0.5 ? 90 : -90);
          return offset(q, heading, meters * (1 + (random() - 0.5) * 2e-3));
        }),
      );
      const points = [
        ...randomPoints(random, 500),
        ...pointsNear(random, path, 1000, meters * 2),
        ...straddling,
      ];
      const { matched, unmatched } = check(filter, points, (p) =>
        withinOracle(distanceToSegments(p, segments, meters + 1), meters),
      );
      expect(matched).toBeGreaterThan(50);
      expect(unmatched).toBeGreaterThan(50);
    }
  });

  it('matches within a buffer of a polygon with holes (inside counts as distance 0)', () => {
    const random = prng(15);
    for (let trial = 0; trial < 3; trial += 1) {
      const rings = randomPolygon(random);
      const meters = [152.4, 500, 60][trial]!;
      const filter = buildSpatialFilter({
        geometry: polygonJson(rings),
        distance: meters,
        units: 'meters',
      });
      const contains = buildSpatialFilter({
        geometry: polygonJson(rings),
        distance: meters,
        spatialRel: 'esriSpatialRelContains',
      });
      const points = [
        ...randomPoints(random, 800),
        ...pointsNear(random, rings.flat(), 1200, meters * 3),
      ];
      const distance = (p: LonLat) =>
        insidePolygon(p, rings) ? 0 : distanceToSegments(p, edges(rings), meters + 1);
      const distances = new Map(points.map((p) => [p, distance(p)]));
      const { matched, unmatched } = check(filter, points, (p) =>
        withinOracle(distances.get(p)!, meters),
      );
      check(contains, points, (p) => withinOracle(distances.get(p)!, meters, true));
      expect(matched).toBeGreaterThan(50);
      expect(unmatched).toBeGreaterThan(50);
    }
  });

  it('tests envelope-intersects against the envelope of the buffer, not a buffered envelope', () => {
    const center: LonLat = [-94.4, 39.08];
    const filter = buildSpatialFilter({
      geometry: `${center[0]},${center[1]}`,
      distance: 1000,
      spatialRel: 'esriSpatialRelEnvelopeIntersects',
    });
    // The buffer reaches 1000 m due north, south, east and west; its envelope is a box.
    const north = offset(center, 0, 999);
    const east = offset(center, 90, 999);
    const corner: LonLat = [east[0], north[1]];
    expect(geodesic(center, corner)).toBeGreaterThan(1300);
    expect(filter.matches(corner[0], corner[1])).toBe(true);
    const beyondNorth = offset(center, 0, 1001);
    expect(filter.matches(beyondNorth[0], beyondNorth[1])).toBe(false);
    const beyondCorner: LonLat = [offset(center, 90, 1001)[0], north[1]];
    expect(filter.matches(beyondCorner[0], beyondCorner[1])).toBe(false);
  });

  it('contains a feature nearer than the distance and has no buffer within a feature', () => {
    const center: LonLat = [-94.4, 39.08];
    const filter = (spatialRel: string) =>
      buildSpatialFilter({ geometry: `${center[0]},${center[1]}`, distance: 10, spatialRel });
    expect(filter('esriSpatialRelContains').matches(center[0], center[1])).toBe(true);
    const far = offset(center, 45, 11);
    expect(filter('esriSpatialRelContains').matches(far[0], far[1])).toBe(false);
    expect(filter('esriSpatialRelWithin').matches(center[0], center[1])).toBe(false);
    expect(filter('esriSpatialRelTouches').matches(center[0], center[1])).toBe(false);
  });

  it('treats distance 0 as no buffer', () => {
    const filter = buildSpatialFilter({ geometry: '-94.4,39.08', distance: 0 });
    expect(filter.matches(-94.4, 39.08)).toBe(true);
    expect(filter.matches(-94.4, 39.080001)).toBe(false);
  });
});

describe('parseGeometryParam', () => {
  it('parses each form and stamps inSR', () => {
    expect(parseGeometryParam('-94.4,39.08', undefined, 4326)).toEqual({
      x: -94.4,
      y: 39.08,
      spatialReference: { wkid: 4326 },
    });
    expect(parseGeometryParam(' 1, 2, 3, 4 ', 'esriGeometryEnvelope', 3857)).toEqual({
      xmin: 1,
      ymin: 2,
      xmax: 3,
      ymax: 4,
      spatialReference: { wkid: 3857 },
    });
    expect(parseGeometryParam('{"points":[[1,2,3]]}', 'esriGeometryMultipoint', 4326)).toEqual({
      points: [[1, 2]],
      spatialReference: { wkid: 4326 },
    });
    expect(parseGeometryParam('{"paths":[[[1,2],[3,4]]]}', undefined, 4326)).toMatchObject({
      paths: [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    });
    expect(
      parseGeometryParam('{"rings":[[[0,0],[0,1],[1,1],[0,0]]]}', 'esriGeometryPolygon', 4326),
    ).toMatchObject({
      rings: [
        [
          [0, 0],
          [0, 1],
          [1, 1],
          [0, 0],
        ],
      ],
    });
  });
});

describe('invalid input', () => {
  const cases: [string, SpatialFilterParams, RegExp][] = [
    ['malformed JSON', { geometry: '{"x":' }, /geometry is not valid JSON/],
    ['a point without y', { geometry: '{"x":1}' }, /geometry y is not a finite number/],
    ['an unrecognised shape', { geometry: '{"foo":1}' }, /must have x\/y/],
    ['non-finite coordinates', { geometry: '{"x":1e400,"y":0}' }, /not a finite number/],
    [
      'a string coordinate',
      { geometry: '{"rings":[[[0,0],[0,"1"],[1,1],[0,0]]]}' },
      /not a finite number/,
    ],
    ['an empty point', { geometry: '{"x":null,"y":null}' }, /point is empty/],
    ['no rings', { geometry: '{"rings":[]}' }, /rings is empty/],
    [
      'a ring with two points',
      { geometry: '{"rings":[[[0,0],[1,1]]]}' },
      /ring 0 has fewer than 3 points/,
    ],
    [
      'a path with one point',
      { geometry: '{"paths":[[[0,0]]]}' },
      /path 0 has fewer than 2 points/,
    ],
    ['no points', { geometry: '{"points":[]}' }, /points is empty/],
    ['an inverted envelope', { geometry: '{"xmin":2,"ymin":0,"xmax":1,"ymax":1}' }, /xmin > xmax/],
    ['a short form with three numbers', { geometry: '1,2,3' }, /'x,y' or 'xmin,ymin,xmax,ymax'/],
    ['a short form with text', { geometry: '1,abc' }, /'x,y'/],
    ['an empty geometry', { geometry: '  ' }, /geometry is empty/],
    [
      'a mismatched geometryType',
      { geometry: '1,2', geometryType: 'esriGeometryPolygon' },
      /does not match geometryType esriGeometryPolygon/,
    ],
    [
      'an unknown geometryType',
      { geometry: '1,2', geometryType: 'esriGeometryCircle' },
      /geometryType esriGeometryCircle is not supported/,
    ],
    [
      'an unsupported relation',
      { geometry: '1,2', spatialRel: 'esriSpatialRelDisjoint' },
      /esriSpatialRelDisjoint is not supported/,
    ],
    [
      'a relation without relationParam',
      { geometry: '1,2', spatialRel: 'esriSpatialRelRelation' },
      /relationParam is required/,
    ],
    [
      'a malformed relationParam',
      { geometry: '1,2', spatialRel: 'esriSpatialRelRelation', relationParam: 'TTTX*****' },
      /not a DE-9IM pattern/,
    ],
    [
      'an unknown unit',
      { geometry: '1,2', distance: 5, units: 'esriSRUnit_Furlong' },
      /units esriSRUnit_Furlong is not supported/,
    ],
    ['a negative distance', { geometry: '1,2', distance: -5 }, /distance must be a number >= 0/],
    ['a NaN distance', { geometry: '1,2', distance: Number.NaN }, /distance must be a number >= 0/],
    [
      'an unknown inSR',
      { geometry: '1,2', inSR: 12345 },
      /Spatial reference 12345 is not supported/,
    ],
    [
      'an unknown geometry spatial reference',
      { geometry: '{"x":1,"y":2,"spatialReference":{"wkid":12345}}' },
      /Spatial reference 12345 is not supported/,
    ],
    [
      'a WKT spatial reference',
      { geometry: '{"x":1,"y":2,"spatialReference":{"wkt":"GEOGCS[]"}}' },
      /WKT/,
    ],
    [
      'an unprojectable point',
      { geometry: '1e12,0', inSR: 32615, geometryType: 'esriGeometryPoint' },
      /cannot be projected from spatial reference 32615/,
    ],
  ];

  it.each(cases)('rejects %s with INVALID_INPUT', (_name, params, message) => {
    const error = errorOf(() => buildSpatialFilter(params));
    expect(error).toMatchObject({ name: 'AppError', code: 'INVALID_INPUT' });
    expect((error as Error).message).toMatch(message);
  });

  it('rejects more than 100,000 vertices', () => {
    const ring = Array.from({ length: 100_001 }, (_, i) => [i * 1e-6, (i % 2) * 1e-6]);
    const error = errorOf(() =>
      buildSpatialFilter({ geometry: JSON.stringify({ rings: [ring] }) }),
    );
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'geometry has more than 100000 vertices',
    });
  });

  it('accepts 100,000 vertices and stays fast on a large polygon', () => {
    const center: LonLat = [-94.4, 39.08];
    const ring = starRing(prng(17), center, 2000, 3000, 99_999);
    const filter = buildSpatialFilter({ geometry: polygonJson([ring]) });
    const random = prng(18);
    const points = randomPoints(random, 2000);
    const sample = points.filter((_, i) => i % 20 === 0);
    check(filter, sample, (p) => (onBoundary(p, [ring]) ? undefined : insidePolygon(p, [ring])));
    const started = performance.now();
    for (const p of points) filter.matches(p[0], p[1]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('rejects parseGeometryParam with an unknown inSR', () => {
    expect(errorOf(() => parseGeometryParam('1,2', undefined, 12345))).toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
