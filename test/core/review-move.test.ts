import geographiclib from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import { moveCameraEdits, moveSiteEdits, offsetPoint } from '../../src/core/review/move-site.js';
import type { ReviewSite } from '../../src/core/review/review-decisions.js';

const WGS84 = geographiclib.Geodesic.WGS84;
const site: ReviewSite = {
  objectId: 9,
  globalId: '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}',
  registrationRef: 'ABCD-EFGH-JKMN',
  attributes: { contact_name: 'Pat Resident', phone: '+18165550100' },
};
const from: [number, number] = [-94.4155, 39.0911];
const to: [number, number] = [-94.4102, 39.0958];
const cameras = [
  { objectId: 1, globalId: '{C1}', location: [-94.41545, 39.0911] as const },
  { objectId: 2, globalId: '{C2}', location: [-94.4156, 39.09118] as const },
  { objectId: 3, globalId: '{C3}', location: from },
];

/** Distance and azimuth by GeographicLib directly: the oracle. */
function relative(a: readonly [number, number], b: readonly [number, number]) {
  const r = WGS84.Inverse(a[1], a[0], b[1], b[0]);
  return { s: r.s12 ?? NaN, azi: r.azi1 ?? NaN };
}

describe('offsetPoint', () => {
  it('keeps each camera at the same distance and bearing from the moved site', () => {
    for (const camera of cameras) {
      const moved = offsetPoint(camera.location, from, to);
      const before = relative(from, camera.location);
      const after = relative(to, moved);
      expect(after.s).toBeCloseTo(before.s, 6);
      if (before.s > 0) expect(after.azi).toBeCloseTo(before.azi, 4);
    }
  });

  it('returns the target for a point on the site, and the point itself for no move', () => {
    expect(offsetPoint(from, from, to)).toEqual(to);
    const same = offsetPoint(cameras[0]!.location, from, from);
    expect(same[0]).toBeCloseTo(cameras[0]!.location[0], 10);
    expect(same[1]).toBeCloseTo(cameras[0]!.location[1], 10);
  });

  it('refuses points out of range with the offending value', () => {
    expect(() => offsetPoint([0, 91], from, to)).toThrow(/\[0, 91\]/);
    expect(() => offsetPoint(from, from, [181, 0])).toThrow(RangeError);
    expect(() => offsetPoint(from, [NaN, 0], to)).toThrow(RangeError);
  });
});

describe('moveSiteEdits', () => {
  it('moves the site and every camera in one edit set with a moved log row', () => {
    const edits = moveSiteEdits(site, from, to, cameras);
    expect(edits.map((e) => e.id)).toEqual([0, 1, 5]);
    expect(edits[0]?.updates).toEqual([
      {
        attributes: { OBJECTID: 9, location_method: 'analyst_corrected' },
        geometry: { x: to[0], y: to[1], spatialReference: { wkid: 4326 } },
      },
    ]);
    const cameraUpdates = edits[1]?.updates ?? [];
    expect(cameraUpdates.map((u) => u.attributes.OBJECTID)).toEqual([1, 2, 3]);
    cameraUpdates.forEach((update, i) => {
      const expected = offsetPoint(cameras[i]!.location, from, to);
      expect(update.geometry).toEqual({
        x: expected[0],
        y: expected[1],
        spatialReference: { wkid: 4326 },
      });
    });
    const log = edits[2]?.adds?.[0]?.attributes;
    expect(log?.decision).toBe('moved');
    const details = JSON.parse(String(log?.details)) as Record<string, unknown>;
    expect(details.from).toEqual([-94.4155, 39.0911]);
    expect(details.to).toEqual([-94.4102, 39.0958]);
    expect(details.cameras).toHaveLength(3);
    expect(String(log?.details)).not.toContain('Pat Resident');
    expect(String(log?.details)).not.toContain('+18165550100');
  });

  it('records a geocoder candidate as geocoded with its score', () => {
    const edits = moveSiteEdits(site, from, to, [], { kind: 'geocoded', score: 97.5 });
    expect(edits[0]?.updates?.[0]?.attributes).toEqual({
      OBJECTID: 9,
      location_method: 'geocoded',
      geocode_score: 97.5,
    });
    expect(edits[1]?.updates).toEqual([]);
  });

  it('refuses a target out of range', () => {
    expect(() => moveSiteEdits(site, from, [-200, 39], cameras)).toThrow(RangeError);
  });
});

describe('moveCameraEdits', () => {
  it('moves one camera only, and logs it', () => {
    const edits = moveCameraEdits(site, cameras[1]!, [-94.4157, 39.0912]);
    expect(edits.map((e) => e.id)).toEqual([1, 5]);
    expect(edits[0]?.updates).toEqual([
      {
        attributes: { OBJECTID: 2 },
        geometry: { x: -94.4157, y: 39.0912, spatialReference: { wkid: 4326 } },
      },
    ]);
    expect(JSON.parse(String(edits[1]?.adds?.[0]?.attributes.details)).cameras).toEqual([
      { guid: '{C2}', from: [-94.4156, 39.09118], to: [-94.4157, 39.0912] },
    ]);
    expect(() => moveCameraEdits(site, cameras[1]!, [0, -90.5])).toThrow(RangeError);
  });
});
