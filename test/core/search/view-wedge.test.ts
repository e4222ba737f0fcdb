import geographiclib from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import { viewWedgeRing } from '../../../src/core/search/view-wedge.js';

const WGS84 = geographiclib.Geodesic.WGS84;
const CAMERA: [number, number] = [-94.4155, 39.0868];

describe('viewWedgeRing', () => {
  it('runs from the camera along an arc at the range, bearing ± fov/2, and closes', () => {
    const ring = viewWedgeRing(CAMERA, 30, 90, 40, 5);
    expect(ring[0]).toEqual(CAMERA);
    expect(ring[ring.length - 1]).toEqual(CAMERA);
    const arc = ring.slice(1, -1);
    expect(arc.length).toBe(19);
    const azimuths = arc.map(([lon, lat]) => {
      const inv = WGS84.Inverse(CAMERA[1], CAMERA[0], lat, lon);
      expect(inv.s12).toBeCloseTo(40, 6);
      return (((inv.azi1 ?? 0) % 360) + 360) % 360;
    });
    expect(azimuths[0]).toBeCloseTo(345, 6);
    expect(azimuths[azimuths.length - 1]).toBeCloseTo(75, 6);
  });

  it('gives a closed circle for 360°', () => {
    const ring = viewWedgeRing(CAMERA, 0, 360, 25, 10);
    expect(ring.length).toBe(37);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
  });

  it('refuses an empty wedge', () => {
    expect(() => viewWedgeRing(CAMERA, 0, 0, 10)).toThrow(RangeError);
    expect(() => viewWedgeRing(CAMERA, 0, 90, 0)).toThrow(RangeError);
    expect(() => viewWedgeRing(CAMERA, 0, 90, 10, 0)).toThrow(RangeError);
  });
});
