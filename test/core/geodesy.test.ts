import { describe, expect, it } from 'vitest';

import {
  angularDifferenceDegrees,
  boundingBoxAround,
  destinationPoint,
  geodesicDistanceMeters,
  initialBearingDegrees,
  isInViewWedge,
  meridionalRadiusMeters,
  metersFromUnits,
  parallelRadiusMeters,
} from '../../src/core/geometry/geodesy.js';

/** Independence, Missouri city hall, `[lon, lat]`. */
const INDEPENDENCE: [number, number] = [-94.4155, 39.0911];

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

function dms(degrees: number, minutes: number, seconds: number): number {
  const sign = degrees < 0 ? -1 : 1;
  return sign * (Math.abs(degrees) + minutes / 60 + seconds / 3600);
}

describe('geodesicDistanceMeters', () => {
  it('measures one degree of latitude at the equator as 110574.4 m', () => {
    expect(geodesicDistanceMeters([0, 0], [0, 1])).toBeCloseTo(110574.389, 2);
  });

  it('matches published WGS84 geodesics', () => {
    // GeographicLib README: Wellington, NZ to Salamanca, Spain.
    expect(geodesicDistanceMeters([174.81, -41.32], [-5.5, 40.96])).toBeCloseTo(19959679.267, 3);
    // GeodSolve documentation: JFK to LHR.
    expect(geodesicDistanceMeters([-73.8, 40.6], [-0.5, 51.6])).toBeCloseTo(5551759.4, 2);
    // Geoscience Australia's Vincenty example, Flinders Peak to Buninyong (GRS80 ≈ WGS84 to 0.1 mm).
    const flinders: [number, number] = [dms(144, 25, 29.5244), -dms(37, 57, 3.7203)];
    const buninyong: [number, number] = [dms(143, 55, 35.3839), -dms(37, 39, 10.1561)];
    expect(geodesicDistanceMeters(flinders, buninyong)).toBeCloseTo(54972.271, 2);
    expect(initialBearingDegrees(flinders, buninyong)).toBeCloseTo(dms(306, 52, 5.37), 4);
  });

  it('is zero for the same point and symmetric', () => {
    expect(geodesicDistanceMeters(INDEPENDENCE, INDEPENDENCE)).toBe(0);
    const other: [number, number] = [-94.33, 39.03];
    expect(geodesicDistanceMeters(INDEPENDENCE, other)).toBeCloseTo(
      geodesicDistanceMeters(other, INDEPENDENCE),
      6,
    );
  });

  it('rejects non-finite coordinates and latitudes beyond the poles with a RangeError', () => {
    expect(() => geodesicDistanceMeters([Number.NaN, 0], [0, 0])).toThrow(RangeError);
    expect(() => geodesicDistanceMeters([0, 0], [0, 91])).toThrow(/91/);
  });
});

describe('initialBearingDegrees', () => {
  it('gives the cardinal directions in [0, 360)', () => {
    expect(initialBearingDegrees([0, 0], [0, 1])).toBeCloseTo(0, 9);
    expect(initialBearingDegrees([0, 0], [1, 0])).toBeCloseTo(90, 9);
    expect(initialBearingDegrees([0, 1], [0, 0])).toBeCloseTo(180, 9);
    expect(initialBearingDegrees([0, 0], [-1, 0])).toBeCloseTo(270, 9);
  });

  it('returns 0 for coincident points and never 360', () => {
    expect(initialBearingDegrees(INDEPENDENCE, INDEPENDENCE)).toBe(0);
    const random = prng(7);
    for (let i = 0; i < 500; i += 1) {
      const to: [number, number] = [
        INDEPENDENCE[0] + (random() - 0.5) * 0.1,
        INDEPENDENCE[1] + (random() - 0.5) * 0.1,
      ];
      const bearing = initialBearingDegrees(INDEPENDENCE, to);
      expect(bearing).toBeGreaterThanOrEqual(0);
      expect(bearing).toBeLessThan(360);
    }
  });
});

describe('destinationPoint', () => {
  it('round-trips with distance and bearing', () => {
    const random = prng(42);
    for (let i = 0; i < 200; i += 1) {
      const bearing = random() * 360;
      const distance = random() * 20_000;
      const to = destinationPoint(INDEPENDENCE, bearing, distance);
      expect(geodesicDistanceMeters(INDEPENDENCE, to)).toBeCloseTo(distance, 6);
      if (distance > 1) {
        expect(
          angularDifferenceDegrees(initialBearingDegrees(INDEPENDENCE, to), bearing),
        ).toBeLessThan(1e-7);
      }
    }
  });

  it('reproduces the GeographicLib README example (20000 km SW of Perth)', () => {
    const [lon, lat] = destinationPoint([115.74, -32.06], 225, 20_000e3);
    expect(lat).toBeCloseTo(32.11195529, 8);
    expect(lon).toBeCloseTo(-63.95925278, 8);
  });

  it('rejects a non-finite bearing or distance', () => {
    expect(() => destinationPoint(INDEPENDENCE, Number.NaN, 1)).toThrow(RangeError);
    expect(() => destinationPoint(INDEPENDENCE, 0, Infinity)).toThrow(RangeError);
  });
});

describe('angularDifferenceDegrees', () => {
  it('is the smaller angle between two bearings', () => {
    expect(angularDifferenceDegrees(350, 10)).toBeCloseTo(20, 12);
    expect(angularDifferenceDegrees(10, 350)).toBeCloseTo(20, 12);
    expect(angularDifferenceDegrees(0, 180)).toBe(180);
    expect(angularDifferenceDegrees(-10, 10)).toBe(20);
    expect(angularDifferenceDegrees(720, 0)).toBe(0);
    expect(angularDifferenceDegrees(90, 271)).toBe(179);
  });

  it('rejects non-finite bearings', () => {
    expect(() => angularDifferenceDegrees(Number.NaN, 0)).toThrow(RangeError);
  });
});

describe('isInViewWedge', () => {
  const at = (bearing: number, meters: number) => destinationPoint(INDEPENDENCE, bearing, meters);

  it('sees targets within range and within bearing ± fov/2', () => {
    expect(isInViewWedge(INDEPENDENCE, 90, 60, 100, at(100, 50))).toBe(true);
    expect(isInViewWedge(INDEPENDENCE, 90, 60, 100, at(125, 50))).toBe(false);
    expect(isInViewWedge(INDEPENDENCE, 90, 60, 100, at(90, 101))).toBe(false);
  });

  it('wraps around north (bearing 350, fov 40 includes 10° but not 15°)', () => {
    expect(isInViewWedge(INDEPENDENCE, 350, 40, 100, at(10, 50))).toBe(true);
    expect(isInViewWedge(INDEPENDENCE, 350, 40, 100, at(331, 50))).toBe(true);
    expect(isInViewWedge(INDEPENDENCE, 350, 40, 100, at(15, 50))).toBe(false);
    expect(isInViewWedge(INDEPENDENCE, 10, 40, 100, at(350, 50))).toBe(true);
  });

  it('includes both wedge edges and the range limit', () => {
    expect(isInViewWedge(INDEPENDENCE, 90, 60, 100, at(60, 50))).toBe(true);
    expect(isInViewWedge(INDEPENDENCE, 90, 60, 100, at(120, 50))).toBe(true);
    expect(isInViewWedge(INDEPENDENCE, 90, 60, 100, at(90, 99.999999))).toBe(true);
  });

  it('sees every direction with fov 360 or more', () => {
    for (const bearing of [0, 90, 180, 270, 359]) {
      expect(isInViewWedge(INDEPENDENCE, 0, 360, 100, at(bearing, 80))).toBe(true);
      expect(isInViewWedge(INDEPENDENCE, 0, 400, 100, at(bearing, 80))).toBe(true);
    }
    expect(isInViewWedge(INDEPENDENCE, 0, 360, 100, at(180, 120))).toBe(false);
  });

  it('counts a target at the camera as inside, even with fov 0', () => {
    expect(isInViewWedge(INDEPENDENCE, 45, 0, 0, INDEPENDENCE)).toBe(true);
  });

  it('rejects a negative fov or range with a RangeError', () => {
    expect(() => isInViewWedge(INDEPENDENCE, 0, -1, 100, INDEPENDENCE)).toThrow(RangeError);
    expect(() => isInViewWedge(INDEPENDENCE, 0, 90, -1, INDEPENDENCE)).toThrow(/-1/);
    expect(() => isInViewWedge(INDEPENDENCE, Number.NaN, 90, 1, INDEPENDENCE)).toThrow(RangeError);
  });
});

describe('metersFromUnits', () => {
  it.each([
    ['esriSRUnit_Meter', 1],
    ['esriSRUnit_Foot', 0.3048],
    ['esriSRUnit_StatuteMile', 1609.344],
    ['esriSRUnit_Kilometer', 1000],
    ['esriSRUnit_NauticalMile', 1852],
    ['esriSRUnit_USNauticalMile', 1853.248],
    ['esriSRUnit_USSurveyFoot', 1200 / 3937],
    ['meters', 1],
    ['feet', 0.3048],
    ['miles', 1609.344],
    ['kilometers', 1000],
  ])('converts %s', (unit, factor) => {
    expect(metersFromUnits(2, unit)).toBeCloseTo(2 * factor, 12);
  });

  it('turns 500 ft into 152.4 m', () => {
    expect(metersFromUnits(500, 'esriSRUnit_Foot')).toBeCloseTo(152.4, 12);
  });

  it('rejects an unknown unit with a RangeError naming it', () => {
    expect(() => metersFromUnits(1, 'esriSRUnit_Furlong')).toThrow(RangeError);
    expect(() => metersFromUnits(1, 'esriSRUnit_Furlong')).toThrow(/esriSRUnit_Furlong/);
    expect(() => metersFromUnits(Number.NaN, 'meters')).toThrow(RangeError);
  });
});

describe('boundingBoxAround', () => {
  function expectContainsCircle(center: [number, number], radius: number): void {
    const [minLon, minLat, maxLon, maxLat] = boundingBoxAround(center, radius);
    for (let bearing = 0; bearing < 360; bearing += 0.5) {
      for (const fraction of [0.5, 1]) {
        const [lon, lat] = destinationPoint(center, bearing, radius * fraction);
        expect(lon).toBeGreaterThanOrEqual(minLon);
        expect(lon).toBeLessThanOrEqual(maxLon);
        expect(lat).toBeGreaterThanOrEqual(minLat);
        expect(lat).toBeLessThanOrEqual(maxLat);
      }
    }
  }

  it('contains every point of geodesic circles of many sizes and latitudes', () => {
    for (const center of [INDEPENDENCE, [0, 0], [10, -60], [-150, 75]] as [number, number][]) {
      for (const radius of [0, 1, 152.4, 5_000, 250_000]) expectContainsCircle(center, radius);
    }
  });

  it('is tight: under 1% wider than the circle at city scale', () => {
    const radius = 1609.344;
    const [minLon, minLat, maxLon, maxLat] = boundingBoxAround(INDEPENDENCE, radius);
    const north = destinationPoint(INDEPENDENCE, 0, radius)[1] - INDEPENDENCE[1];
    const east = destinationPoint(INDEPENDENCE, 90, radius)[0] - INDEPENDENCE[0];
    expect((maxLat - minLat) / (2 * north)).toBeLessThan(1.01);
    expect((maxLon - minLon) / (2 * east)).toBeLessThan(1.01);
  });

  it('spans all longitudes when it reaches a pole or crosses the antimeridian', () => {
    expect(boundingBoxAround([20, 89.99], 5_000)).toEqual([-180, expect.any(Number), 180, 90]);
    const [minLon, , maxLon] = boundingBoxAround([179.999, 0], 1_000);
    expect([minLon, maxLon]).toEqual([-180, 180]);
  });

  it('rejects a negative radius', () => {
    expect(() => boundingBoxAround(INDEPENDENCE, -1)).toThrow(RangeError);
  });
});

describe('radii of curvature', () => {
  it('give metres per radian of latitude and longitude', () => {
    // One degree of latitude at the equator, integrated, is 110574.4 m; M(0) is its lower bound.
    expect(meridionalRadiusMeters(0) * (Math.PI / 180)).toBeLessThan(110574.39);
    expect(meridionalRadiusMeters(90)).toBeGreaterThan(meridionalRadiusMeters(0));
    expect(parallelRadiusMeters(0)).toBeCloseTo(6378137, 6);
    expect(parallelRadiusMeters(90)).toBeLessThan(1e-6);
  });
});
