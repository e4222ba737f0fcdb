/**
 * Districts and beats from polygons: inside, outside, in a hole, on a boundary (inside; the
 * first area listed wins a shared one), multipolygons and malformed sources.
 */
import { describe, expect, it } from 'vitest';
import {
  areaAt,
  areaLayerFromGeoJson,
  AreaSourceError,
  AreaSourceIssue,
  type AreaLayer,
} from '../../src/core/districts/area-layer.js';
import { insideDistricts, placeSite } from '../../src/core/districts/place-site.js';

const square = (x0: number, y0: number, x1: number, y1: number) => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const feature = (name: unknown, geometry: unknown) => ({
  type: 'Feature',
  properties: { name },
  geometry,
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

// West [0,0]-[10,10] with a hole [4,4]-[6,6]; East [10,0]-[20,10] shares the line x = 10;
// North is two squares far apart (a MultiPolygon).
const layer: AreaLayer = areaLayerFromGeoJson(
  collection(
    feature('West', {
      type: 'Polygon',
      coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6).reverse()],
    }),
    feature('East', { type: 'Polygon', coordinates: [square(10, 0, 20, 10)] }),
    feature(7, {
      type: 'MultiPolygon',
      coordinates: [[square(0, 20, 5, 25)], [square(30, 20, 35, 25)]],
    }),
  ),
);

describe('areaAt', () => {
  it('finds the area a point is inside', () => {
    expect(areaAt(layer, [2, 2])).toBe('West');
    expect(areaAt(layer, [15, 5])).toBe('East');
  });

  it('answers null outside every area', () => {
    expect(areaAt(layer, [-1, 5])).toBeNull();
    expect(areaAt(layer, [25, 5])).toBeNull();
    expect(areaAt(layer, [15, 15])).toBeNull();
  });

  it('answers null inside a hole, and the area just outside it', () => {
    expect(areaAt(layer, [5, 5])).toBeNull();
    expect(areaAt(layer, [3.999, 5])).toBe('West');
  });

  it('counts a hole’s own outline as inside the area', () => {
    expect(areaAt(layer, [4, 5])).toBe('West');
    expect(areaAt(layer, [5, 6])).toBe('West');
  });

  it('counts the outline as inside; a shared line goes to the area listed first', () => {
    expect(areaAt(layer, [0, 5])).toBe('West');
    expect(areaAt(layer, [20, 5])).toBe('East');
    expect(areaAt(layer, [10, 5])).toBe('West');
    const reversed: AreaLayer = { areas: [...layer.areas].reverse() };
    expect(areaAt(reversed, [10, 5])).toBe('East');
  });

  it('finds each part of a multipolygon, names it from a number, and not the gap', () => {
    expect(areaAt(layer, [2, 22])).toBe('7');
    expect(areaAt(layer, [32, 22])).toBe('7');
    expect(areaAt(layer, [20, 22])).toBeNull();
  });

  it('refuses a point that is not finite', () => {
    expect(() => areaAt(layer, [Number.NaN, 1])).toThrow(RangeError);
  });
});

describe('areaLayerFromGeoJson', () => {
  const issue = (source: unknown, property?: string) => {
    try {
      areaLayerFromGeoJson(source, property);
    } catch (error) {
      return error instanceof AreaSourceError ? [error.issue, error.feature] : ['OTHER'];
    }
    return ['NONE'];
  };
  const poly = { type: 'Polygon', coordinates: [square(0, 0, 1, 1)] };

  it('refuses what is not a FeatureCollection of named polygons', () => {
    expect(issue(null)).toEqual([AreaSourceIssue.NotFeatureCollection, undefined]);
    expect(issue({ type: 'Feature' })).toEqual([AreaSourceIssue.NotFeatureCollection, undefined]);
    expect(
      issue(collection(feature('a', poly), feature('b', { type: 'Point', coordinates: [0, 0] }))),
    ).toEqual([AreaSourceIssue.NotPolygon, 1]);
    expect(issue(collection(feature('', poly)))).toEqual([AreaSourceIssue.NoName, 0]);
    expect(issue(collection({ type: 'Feature', geometry: poly }))).toEqual([
      AreaSourceIssue.NoName,
      0,
    ]);
    expect(issue(collection(feature('a', poly)), 'DIST')).toEqual([AreaSourceIssue.NoName, 0]);
  });

  it('refuses open, short, empty or out-of-range rings', () => {
    const ring = (coordinates: unknown) =>
      issue(collection(feature('a', { type: 'Polygon', coordinates })));
    expect(ring([square(0, 0, 1, 1).slice(0, 4)])).toEqual([AreaSourceIssue.BadRing, 0]);
    expect(
      ring([
        [
          [0, 0],
          [1, 0],
          [0, 0],
        ],
      ]),
    ).toEqual([AreaSourceIssue.BadRing, 0]);
    expect(ring([])).toEqual([AreaSourceIssue.BadRing, 0]);
    expect(ring([square(0, 0, 200, 1)])).toEqual([AreaSourceIssue.BadRing, 0]);
    expect(
      ring([
        [
          [0, 0],
          [1, 0],
          ['x', 1],
          [0, 0],
        ],
      ]),
    ).toEqual([AreaSourceIssue.BadRing, 0]);
    expect(issue(collection(feature('a', { type: 'MultiPolygon', coordinates: [] })))).toEqual([
      AreaSourceIssue.BadRing,
      0,
    ]);
  });

  it('reads the name from the property asked for', () => {
    const named = areaLayerFromGeoJson(
      collection({ type: 'Feature', properties: { DIST: ' 12 ' }, geometry: poly }),
      'DIST',
    );
    expect(areaAt(named, [0.5, 0.5])).toBe('12');
  });
});

describe('placeSite', () => {
  const beats = areaLayerFromGeoJson(
    collection(feature('W1', { type: 'Polygon', coordinates: [square(0, 0, 10, 5)] })),
  );

  it('derives district and beat for each configured layer', () => {
    expect(placeSite({ districts: layer, beats }, [2, 2])).toEqual({
      district: 'West',
      beat: 'W1',
    });
  });

  it('gives null for a point in no area, so a moved site drops its old district', () => {
    expect(placeSite({ districts: layer, beats }, [2, 7])).toEqual({
      district: 'West',
      beat: null,
    });
    expect(placeSite({ districts: layer, beats }, [50, 50])).toEqual({
      district: null,
      beat: null,
    });
  });

  it('leaves out a layer that is not configured', () => {
    expect(placeSite({ beats }, [2, 2])).toEqual({ beat: 'W1' });
    expect(placeSite({}, [2, 2])).toEqual({});
  });

  it('tells whether a point is inside the city’s districts, when it knows', () => {
    expect(insideDistricts({ districts: layer }, [2, 2])).toBe(true);
    expect(insideDistricts({ districts: layer }, [5, 5])).toBe(false);
    expect(insideDistricts({}, [2, 2])).toBeUndefined();
  });
});
