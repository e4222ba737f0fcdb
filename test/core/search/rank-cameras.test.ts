import geographiclib from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import {
  cameraVisibility,
  rankCameras,
  sortRanked,
  SortKey,
  Visibility,
  type RankableCamera,
} from '../../../src/core/search/rank-cameras.js';

const { Geodesic } = geographiclib;
const WGS84 = Geodesic.WGS84;
const HOUR = 3_600_000;
const DAY = 86_400_000;

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

interface OracleRow {
  objectId: number;
  distance: number;
  visibility: 'sees' | 'maybe' | 'away';
  deadline: number | null;
  urgent: boolean;
  gone: boolean;
}

/** Recomputes everything straight from GeographicLib, without the code under test. */
function oracle(
  cameras: readonly RankableCamera[],
  incident: readonly [number, number],
  incidentAt: number,
  now: number,
  urgentHours: number,
): OracleRow[] {
  const rows = cameras.map((c): OracleRow => {
    const inv = WGS84.Inverse(c.location[1], c.location[0], incident[1], incident[0]);
    const distance = inv.s12 ?? NaN;
    let visibility: OracleRow['visibility'];
    if (c.viewBearingDegrees === null || c.fovDegrees === null || c.rangeMeters === null) {
      visibility = 'maybe';
    } else if (distance > c.rangeMeters) {
      visibility = 'away';
    } else if (distance === 0 || c.fovDegrees >= 360) {
      visibility = 'sees';
    } else {
      const azimuth = (((inv.azi1 ?? 0) % 360) + 360) % 360;
      let diff = Math.abs(azimuth - c.viewBearingDegrees) % 360;
      if (diff > 180) diff = 360 - diff;
      visibility = diff <= c.fovDegrees / 2 ? 'sees' : 'away';
    }
    const deadline = c.retentionDays === null ? null : incidentAt + c.retentionDays * DAY;
    return {
      objectId: c.objectId,
      distance,
      visibility,
      deadline,
      gone: deadline !== null && deadline <= now,
      urgent: deadline !== null && deadline > now && deadline - now <= urgentHours * HOUR,
    };
  });
  const classRank = { sees: 0, maybe: 1, away: 2 } as const;
  // Ordered by a composite key: class, then distance, then OBJECTID.
  return rows
    .map((row) => ({ row, key: [classRank[row.visibility], row.distance, row.objectId] as const }))
    .sort((a, b) => {
      for (let i = 0; i < 3; i++) {
        const d = (a.key[i] as number) - (b.key[i] as number);
        if (d !== 0) return d;
      }
      return 0;
    })
    .map(({ row }) => row);
}

function randomCameras(
  random: () => number,
  incident: readonly [number, number],
  count: number,
  firstId: number,
): RankableCamera[] {
  const cameras: RankableCamera[] = [];
  for (let i = 0; i < count; i++) {
    // Around the incident, up to 400 m, half of them aimed near it so every class is common.
    const azimuthFromIncident = random() * 360;
    const reach = random() < 0.05 ? 0 : random() * 400;
    const at = WGS84.Direct(incident[1], incident[0], azimuthFromIncident, reach);
    const location: [number, number] = [at.lon2 ?? 0, at.lat2 ?? 0];
    const back = WGS84.Inverse(location[1], location[0], incident[1], incident[0]).azi1 ?? 0;
    const aimed = random() < 0.5;
    const bearing = aimed
      ? Math.round((((back + (random() - 0.5) * 120) % 360) + 360) % 360) % 360
      : Math.floor(random() * 360);
    const fovRoll = random();
    cameras.push({
      objectId: firstId + Math.floor(random() * 1_000_000),
      location,
      viewBearingDegrees: random() < 0.15 ? null : bearing,
      fovDegrees: fovRoll < 0.05 ? null : fovRoll < 0.15 ? 360 : 10 + Math.floor(random() * 170),
      rangeMeters: random() < 0.03 ? null : 5 + Math.floor(random() * 300),
      retentionDays: random() < 0.1 ? null : Math.floor(random() * 60),
    });
  }
  // A few exact duplicates of position: the OBJECTID decides between them.
  for (let i = 0; i < Math.min(5, cameras.length); i++) {
    const twin = cameras[i] as RankableCamera;
    cameras.push({ ...twin, objectId: twin.objectId + 1_000_001 + i });
  }
  return cameras;
}

describe('rankCameras against a GeographicLib oracle', () => {
  it('classifies, measures, flags and orders thousands of random cameras like the oracle', () => {
    const random = prng(20261126);
    let checked = 0;
    const seen = { sees: 0, maybe: 0, away: 0, urgent: 0, gone: 0 };
    for (let round = 0; round < 60; round++) {
      const incident: [number, number] = [-94.48 + random() * 0.15, 39.03 + random() * 0.1];
      const incidentAt = Date.UTC(2026, 10, 1) + Math.floor(random() * 30 * DAY);
      const now = incidentAt + Math.floor(random() * 40 * DAY);
      const urgentHours = [24, 48, 72][round % 3] as number;
      const cameras = randomCameras(random, incident, 80, round * 10_000_000);
      const ranked = rankCameras(cameras, {
        incident,
        incidentAt,
        now,
        urgentWithinHours: urgentHours,
      });
      const expected = oracle(cameras, incident, incidentAt, now, urgentHours);
      expect(ranked.map((r) => r.camera.objectId)).toEqual(expected.map((r) => r.objectId));
      ranked.forEach((entry, index) => {
        const want = expected[index] as OracleRow;
        expect(entry.rank).toBe(index + 1);
        expect(entry.visibility).toBe(want.visibility);
        expect(entry.distanceMeters).toBeCloseTo(want.distance, 6);
        expect(entry.footageDeadline).toBe(want.deadline);
        expect(entry.urgent).toBe(want.urgent);
        expect(entry.probablyGone).toBe(want.gone);
        seen[want.visibility]++;
        if (want.urgent) seen.urgent++;
        if (want.gone) seen.gone++;
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(5000);
    // The random cases really exercise every class and flag.
    expect(seen.sees).toBeGreaterThan(300);
    expect(seen.maybe).toBeGreaterThan(300);
    expect(seen.away).toBeGreaterThan(300);
    expect(seen.urgent).toBeGreaterThan(30);
    expect(seen.gone).toBeGreaterThan(300);
  });

  it('bearing from the incident points back at the camera', () => {
    const incident: [number, number] = [-94.4155, 39.0868];
    const east = WGS84.Direct(incident[1], incident[0], 90, 100);
    const [entry] = rankCameras(
      [
        {
          objectId: 1,
          location: [east.lon2 ?? 0, east.lat2 ?? 0],
          viewBearingDegrees: 270,
          fovDegrees: 90,
          rangeMeters: 150,
          retentionDays: 7,
        },
      ],
      { incident, incidentAt: 0, now: 0 },
    );
    expect(entry?.bearingFromIncidentDegrees).toBeCloseTo(90, 6);
    expect(entry?.bearingToIncidentDegrees).toBeCloseTo(270, 1);
    expect(entry?.visibility).toBe(Visibility.Sees);
  });
});

describe('cameraVisibility', () => {
  const incident: [number, number] = [-94.4155, 39.0868];
  const base = { objectId: 1, location: incident, retentionDays: 7 } as const;
  it('is maybe whenever direction, field of view or range is unknown', () => {
    expect(
      cameraVisibility(
        { ...base, viewBearingDegrees: null, fovDegrees: 90, rangeMeters: 30 },
        incident,
      ),
    ).toBe('maybe');
    expect(
      cameraVisibility(
        { ...base, viewBearingDegrees: 10, fovDegrees: null, rangeMeters: 30 },
        incident,
      ),
    ).toBe('maybe');
    expect(
      cameraVisibility(
        { ...base, viewBearingDegrees: 10, fovDegrees: 90, rangeMeters: null },
        incident,
      ),
    ).toBe('maybe');
  });
  it('sees a point at the camera itself, and not one beyond its range', () => {
    expect(
      cameraVisibility(
        { ...base, viewBearingDegrees: 10, fovDegrees: 90, rangeMeters: 30 },
        incident,
      ),
    ).toBe('sees');
    const far = WGS84.Direct(incident[1], incident[0], 10, 31);
    expect(
      cameraVisibility({ ...base, viewBearingDegrees: 10, fovDegrees: 90, rangeMeters: 30 }, [
        far.lon2 ?? 0,
        far.lat2 ?? 0,
      ]),
    ).toBe('away');
  });
});

describe('sortRanked', () => {
  const incident: [number, number] = [-94.4155, 39.0868];
  const at = (azimuth: number, meters: number): [number, number] => {
    const p = WGS84.Direct(incident[1], incident[0], azimuth, meters);
    return [p.lon2 ?? 0, p.lat2 ?? 0];
  };
  const now = Date.UTC(2026, 10, 10);
  const incidentAt = now - 3 * DAY;
  const ranked = rankCameras(
    [
      {
        objectId: 1,
        location: at(0, 50),
        viewBearingDegrees: 0,
        fovDegrees: 90,
        rangeMeters: 30,
        retentionDays: 30,
      },
      {
        objectId: 2,
        location: at(90, 20),
        viewBearingDegrees: null,
        fovDegrees: null,
        rangeMeters: null,
        retentionDays: 1,
      },
      {
        objectId: 3,
        location: at(180, 40),
        viewBearingDegrees: 0,
        fovDegrees: 90,
        rangeMeters: 60,
        retentionDays: 4,
      },
      {
        objectId: 4,
        location: at(270, 10),
        viewBearingDegrees: 90,
        fovDegrees: 90,
        rangeMeters: 60,
        retentionDays: null,
      },
    ],
    { incident, incidentAt, now },
  );
  it('orders by rank, by distance, and by what can still be saved', () => {
    expect(sortRanked(ranked, SortKey.Rank).map((r) => r.camera.objectId)).toEqual([4, 3, 2, 1]);
    expect(sortRanked(ranked, SortKey.Distance).map((r) => r.camera.objectId)).toEqual([
      4, 2, 3, 1,
    ]);
    // 3 (urgent, 1 day left), 1 (27 days), 4 (unknown), 2 (gone).
    expect(sortRanked(ranked, SortKey.Deadline).map((r) => r.camera.objectId)).toEqual([
      3, 1, 4, 2,
    ]);
    expect(ranked.find((r) => r.camera.objectId === 3)?.urgent).toBe(true);
    expect(ranked.find((r) => r.camera.objectId === 2)?.probablyGone).toBe(true);
  });
});
