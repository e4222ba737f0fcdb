import { describe, expect, it } from 'vitest';
import {
  COMPASS_POINTS,
  compassPointOf,
  defaultFieldOfView,
  isInsideExtent,
  localBearingDegrees,
  localDistanceMeters,
  nearestCompassPoint,
  normalizeBearing,
  offsetPoint,
  viewWedgeRing,
} from '../../src/core/registration/camera-view.js';
import { geodesicDistanceMeters, initialBearingDegrees } from '../../src/core/geometry/geodesy.js';

const SITE = { x: -94.4155, y: 39.0911 };

describe('compass', () => {
  it('maps the eight points to 0, 45, ... 315 degrees', () => {
    expect(COMPASS_POINTS.map((p) => [p.code, p.degrees])).toEqual([
      ['N', 0],
      ['NE', 45],
      ['E', 90],
      ['SE', 135],
      ['S', 180],
      ['SW', 225],
      ['W', 270],
      ['NW', 315],
    ]);
  });

  it('names a bearing only when it is exactly a compass point', () => {
    expect(compassPointOf(45)).toBe('NE');
    expect(compassPointOf(360)).toBe('N');
    expect(compassPointOf(-90)).toBe('W');
    expect(compassPointOf(44)).toBeUndefined();
    expect(compassPointOf(null)).toBeUndefined();
  });

  it('finds the nearest point for any bearing', () => {
    expect(nearestCompassPoint(22)).toBe('N');
    expect(nearestCompassPoint(23)).toBe('NE');
    expect(nearestCompassPoint(337)).toBe('NW');
    expect(nearestCompassPoint(338)).toBe('N');
    expect(nearestCompassPoint(-100)).toBe('W');
  });

  it('normalizes bearings to whole degrees in [0, 360)', () => {
    expect(normalizeBearing(359.6)).toBe(0);
    expect(normalizeBearing(-1)).toBe(359);
    expect(normalizeBearing(725)).toBe(5);
    expect(() => normalizeBearing(Number.NaN)).toThrow(RangeError);
  });
});

describe('defaultFieldOfView', () => {
  it('follows the camera form', () => {
    expect(defaultFieldOfView('doorbell')).toBe(160);
    expect(defaultFieldOfView('fixed')).toBe(90);
    expect(defaultFieldOfView('ptz')).toBe(360);
    expect(defaultFieldOfView('other')).toBeNull();
    expect(defaultFieldOfView('')).toBeNull();
  });
});

describe('local offsets against exact geodesics', () => {
  it.each([0, 45, 90, 135, 180, 225, 270, 315, 17, 301])(
    'moves 25 m towards %i degrees within 1 cm',
    (bearing) => {
      const moved = offsetPoint(SITE, bearing, 25);
      const exact = geodesicDistanceMeters([SITE.x, SITE.y], [moved.x, moved.y]);
      expect(Math.abs(exact - 25)).toBeLessThan(0.01);
      const exactBearing = initialBearingDegrees([SITE.x, SITE.y], [moved.x, moved.y]);
      const diff = Math.abs(((exactBearing - bearing + 540) % 360) - 180);
      expect(diff).toBeLessThan(0.05);
      expect(localDistanceMeters(SITE, moved)).toBeCloseTo(25, 6);
      expect(localBearingDegrees(SITE, moved)).toBe(normalizeBearing(bearing));
    },
  );

  it('agrees with geodesics to 0.01% at 300 m', () => {
    const far = { x: SITE.x + 0.003, y: SITE.y + 0.0015 };
    const exact = geodesicDistanceMeters([SITE.x, SITE.y], [far.x, far.y]);
    expect(Math.abs(localDistanceMeters(SITE, far) - exact) / exact).toBeLessThan(1e-4);
    const exactBearing = initialBearingDegrees([SITE.x, SITE.y], [far.x, far.y]);
    expect(Math.abs(localBearingDegrees(SITE, far) - exactBearing)).toBeLessThanOrEqual(0.5);
  });

  it('gives bearing 0 for the same point', () => {
    expect(localBearingDegrees(SITE, SITE)).toBe(0);
  });

  it('refuses impossible input', () => {
    expect(() => offsetPoint({ x: 0, y: 90 }, 0, 1)).toThrow(RangeError);
    expect(() => offsetPoint(SITE, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => localDistanceMeters(SITE, { x: Number.NaN, y: 0 })).toThrow(RangeError);
  });
});

describe('viewWedgeRing', () => {
  it('is a closed pie slice from the camera', () => {
    const ring = viewWedgeRing(SITE, 90, 90, 30);
    expect(ring[0]).toEqual([SITE.x, SITE.y]);
    expect(ring.at(-1)).toEqual([SITE.x, SITE.y]);
    const arc = ring.slice(1, -1);
    for (const [x, y] of arc) {
      expect(localDistanceMeters(SITE, { x, y })).toBeCloseTo(30, 6);
      const bearing = localBearingDegrees(SITE, { x, y });
      expect(bearing).toBeGreaterThanOrEqual(45);
      expect(bearing).toBeLessThanOrEqual(135);
    }
    expect(localBearingDegrees(SITE, { x: arc[0]![0], y: arc[0]![1] })).toBe(45);
    expect(localBearingDegrees(SITE, { x: arc.at(-1)![0], y: arc.at(-1)![1] })).toBe(135);
  });

  it('is a closed circle at 360 degrees', () => {
    const ring = viewWedgeRing(SITE, 0, 360, 20);
    expect(ring[0]).toEqual(ring.at(-1));
    expect(ring.length).toBeGreaterThan(16);
    for (const [x, y] of ring) expect(localDistanceMeters(SITE, { x, y })).toBeCloseTo(20, 6);
  });

  it('keeps at least two arc steps for a narrow view', () => {
    const ring = viewWedgeRing(SITE, 10, 10, 50);
    expect(ring).toHaveLength(5); // apex, three arc points, apex
  });

  it('refuses a field of view outside (0, 360]', () => {
    expect(() => viewWedgeRing(SITE, 0, 0, 20)).toThrow(RangeError);
    expect(() => viewWedgeRing(SITE, 0, 361, 20)).toThrow(RangeError);
  });
});

describe('isInsideExtent', () => {
  const extent = { xmin: -94.48, ymin: 39.03, xmax: -94.33, ymax: 39.13 };
  it('includes the edges and excludes the outside', () => {
    expect(isInsideExtent(SITE, extent)).toBe(true);
    expect(isInsideExtent({ x: -94.48, y: 39.13 }, extent)).toBe(true);
    expect(isInsideExtent({ x: -94.6, y: 39.1 }, extent)).toBe(false);
    expect(isInsideExtent({ x: -94.4, y: 39.2 }, extent)).toBe(false);
  });
});
