import { describe, expect, it } from 'vitest';

import {
  isKnownWkid,
  parseSpatialReference,
  projectGeometry,
  projectPoints,
} from '../../src/server/query/projection.js';

/** Half the Web Mercator world width, `π · 6378137`. */
const HALF_WORLD_METERS = 20037508.342789244;

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function webMercator([lon, lat]: readonly [number, number]): [number, number] {
  const rad = Math.PI / 180;
  return [6378137 * lon * rad, 6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * rad) / 2))];
}

describe('projectPoints', () => {
  it('projects 4326 to 3857 and its aliases like the spherical Mercator formulas', () => {
    const points: [number, number][] = [
      [0, 0],
      [180, 0],
      [-94.4155, 39.0911],
      [151.2093, -33.8688],
      [0, 85.0511287798066],
    ];
    for (const wkid of [3857, 102100, 102113, 900913]) {
      const projected = projectPoints(points, 4326, wkid);
      projected.forEach((xy, i) => {
        const [x, y] = webMercator(points[i]!);
        expect(xy[0]).toBeCloseTo(x, 6);
        expect(xy[1]).toBeCloseTo(y, 6);
      });
    }
    const [[x, y] = []] = projectPoints([[180, 85.0511287798066]], 4326, 102100);
    expect(x).toBeCloseTo(HALF_WORLD_METERS, 6);
    expect(y).toBeCloseTo(HALF_WORLD_METERS, 3);
  });

  it('round-trips 3857 back to 4326', () => {
    const original: [number, number][] = [
      [-94.48, 39.03],
      [-94.33, 39.13],
    ];
    const back = projectPoints(projectPoints(original, 4326, 3857), 102100, 4326);
    back.forEach((point, i) => {
      expect(point[0]).toBeCloseTo(original[i]![0], 10);
      expect(point[1]).toBeCloseTo(original[i]![1], 10);
    });
  });

  it('projects to UTM like GeoConvert (33.3N 44.4E is 38n 444140.54 3684706.36)', () => {
    const [[x, y] = []] = projectPoints([[44.4, 33.3]], 4326, 32638);
    expect(x).toBeCloseTo(444140.54, 2);
    expect(y).toBeCloseTo(3684706.36, 2);
    const [[e, n] = []] = projectPoints([[-93, 0]], 4326, 32615);
    expect([e, n]).toEqual([500000, 0]);
    const [[es, ns] = []] = projectPoints([[-93, -0.000001]], 4326, 32715);
    expect(es).toBeCloseTo(500000, 6);
    expect(ns).toBeCloseTo(10_000_000 - 0.110574, 3);
  });

  it('treats NAD83 UTM as WGS84 UTM (no datum shift; GRS80 differs by under a millimetre)', () => {
    const point: [number, number][] = [[-94.4155, 39.0911]];
    const [wgs] = projectPoints(point, 4326, 32615);
    const [nad] = projectPoints(point, 4326, 26915);
    expect(nad![0]).toBeCloseTo(wgs![0], 3);
    expect(nad![1]).toBeCloseTo(wgs![1], 3);
  });

  it('puts the Missouri West state plane origin at 850000 m = 2788708.333 ftUS', () => {
    const origin: [number, number][] = [[-94.5, 36.16666666666666]];
    for (const wkid of [26998, 2817, 6513]) {
      const [[x, y] = []] = projectPoints(origin, 4326, wkid);
      expect(x).toBeCloseTo(850000, 6);
      expect(y).toBeCloseTo(0, 6);
    }
    const [[xft, yft] = []] = projectPoints(origin, 4326, 102698);
    expect(xft).toBeCloseTo(2788708.333, 3);
    expect(yft).toBeCloseTo(0, 6);
    const [[lon, lat] = []] = projectPoints([[2812691.572, 1064846.248]], 102698, 4326);
    expect(lon).toBeCloseTo(-94.4155, 7);
    expect(lat).toBeCloseTo(39.0911, 7);
  });

  it('returns copies unchanged between the same or equivalent references', () => {
    const input: [number, number][] = [[1, 2]];
    const out = projectPoints(input, 3857, 102100);
    expect(out).toEqual([[1, 2]]);
    expect(out[0]).not.toBe(input[0]);
  });

  it('rejects unknown spatial references', () => {
    expect(errorOf(() => projectPoints([[0, 0]], 12345, 4326))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Spatial reference 12345 is not supported',
    });
    expect(errorOf(() => projectPoints([[0, 0]], 4326, 32661))).toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('rejects points outside the target domain', () => {
    expect(errorOf(() => projectPoints([[0, 90]], 4326, 3857))).toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('projectGeometry', () => {
  it('projects each geometry type and stamps the target spatial reference', () => {
    const point = projectGeometry({ x: -94.4155, y: 39.0911 }, 4326, 102100);
    expect(point).toMatchObject({ spatialReference: { wkid: 102100, latestWkid: 3857 } });
    const [x, y] = webMercator([-94.4155, 39.0911]);
    expect(point).toMatchObject({ x: expect.closeTo(x, 6), y: expect.closeTo(y, 6) });

    const multipoint = projectGeometry({ points: [[0, 0, 12]] }, 4326, 3857);
    expect(multipoint).toEqual({
      points: [[expect.closeTo(0, 6), expect.closeTo(0, 6), 12]],
      spatialReference: { wkid: 3857 },
    });

    const ring = [
      [-94.4, 39.0],
      [-94.4, 39.1],
      [-94.3, 39.1],
      [-94.4, 39.0],
    ];
    const polygon = projectGeometry({ rings: [ring] }, 4326, 3857);
    const back = projectGeometry(polygon, 3857, 4326);
    expect('rings' in back && back.rings[0]![1]![1]).toBeCloseTo(39.1, 10);
    const line = projectGeometry({ paths: [ring] }, 4326, 26915);
    expect('paths' in line && line.paths[0]!.length).toBe(4);
  });

  it('projects an envelope to the envelope of its densified outline', () => {
    const envelope = projectGeometry(
      { xmin: -94.48, ymin: 39.03, xmax: -94.33, ymax: 39.13 },
      4326,
      102698,
    );
    expect(envelope).toMatchObject({ spatialReference: { wkid: 102698 } });
    if (!('xmin' in envelope)) throw new Error('expected an envelope');
    // Transverse Mercator bends parallels, so the corners alone would under-cover.
    const corners = projectPoints(
      [
        [-94.48, 39.03],
        [-94.33, 39.03],
        [-94.33, 39.13],
        [-94.48, 39.13],
      ],
      4326,
      102698,
    );
    for (const [cx, cy] of corners) {
      expect(cx).toBeGreaterThanOrEqual(envelope.xmin - 1e-6);
      expect(cx).toBeLessThanOrEqual(envelope.xmax + 1e-6);
      expect(cy).toBeGreaterThanOrEqual(envelope.ymin - 1e-6);
      expect(cy).toBeLessThanOrEqual(envelope.ymax + 1e-6);
    }
  });
});

describe('parseSpatialReference', () => {
  it('reads the forms ArcGIS clients send', () => {
    expect(parseSpatialReference('4326', 3857)).toBe(4326);
    expect(parseSpatialReference(' 102100 ', 4326)).toBe(102100);
    expect(parseSpatialReference('{"wkid":102100,"latestWkid":3857}', 4326)).toBe(102100);
    expect(parseSpatialReference('{"latestWkid":3857}', 4326)).toBe(3857);
    expect(parseSpatialReference('{"wkid":"26998"}', 4326)).toBe(26998);
    expect(parseSpatialReference('{"wkid":999999,"latestWkid":3857}', 4326)).toBe(3857);
  });

  it('falls back when missing or blank', () => {
    expect(parseSpatialReference(undefined, 4326)).toBe(4326);
    expect(parseSpatialReference('', 102100)).toBe(102100);
    expect(parseSpatialReference('   ', 3857)).toBe(3857);
  });

  it('rejects unknown and malformed references with INVALID_INPUT', () => {
    expect(errorOf(() => parseSpatialReference('12345', 4326))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Spatial reference 12345 is not supported',
    });
    expect(errorOf(() => parseSpatialReference('{"wkid":12345}', 4326))).toMatchObject({
      message: 'Spatial reference 12345 is not supported',
    });
    for (const raw of [
      'abc',
      '{not json',
      '[4326]',
      '{}',
      '-4326',
      '43.26',
      '{"wkt":"PROJCS[…]"}',
    ]) {
      expect(errorOf(() => parseSpatialReference(raw, 4326))).toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
  });
});

describe('isKnownWkid', () => {
  it('knows the built-in table and nothing else', () => {
    for (const wkid of [4326, 4269, 3857, 102100, 102113, 900913, 32601, 32660, 32701, 32760]) {
      expect(isKnownWkid(wkid)).toBe(true);
    }
    for (const wkid of [26910, 26923, 26996, 26997, 26998, 2817, 6511, 6512, 6513, 102698]) {
      expect(isKnownWkid(wkid)).toBe(true);
    }
    for (const wkid of [0, 12345, 32600, 32661, 26924, 2818]) expect(isKnownWkid(wkid)).toBe(false);
  });
});
