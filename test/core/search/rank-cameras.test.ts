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
  visibility: 'sees' | 'faces' | 'maybe' | 'away';
  deadline: number | null;
  urgent: boolean;
  gone: boolean;
}

const USUAL_FOV: Readonly<Record<string, number>> = { doorbell: 160, fixed: 90, ptz: 360 };
const USUAL_RANGE: Readonly<Record<string, number>> = { doorbell: 15, fixed: 30, ptz: 50 };
const FORMS = ['doorbell', 'fixed', 'ptz', 'other', 'unknown', null] as const;

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
    // What is missing counts at the usual value for the kind, stated here on its own.
    const kind = c.form ?? '';
    const fov = c.fovDegrees ?? USUAL_FOV[kind] ?? null;
    const range = c.rangeMeters ?? USUAL_RANGE[kind] ?? null;
    const rangeAssumed = c.rangeMeters === null && range !== null;
    let visibility: OracleRow['visibility'];
    if (c.viewBearingDegrees === null || fov === null) {
      visibility = 'maybe';
    } else {
      const azimuth = (((inv.azi1 ?? 0) % 360) + 360) % 360;
      let diff = Math.abs(azimuth - c.viewBearingDegrees) % 360;
      if (diff > 180) diff = 360 - diff;
      const inAngle = distance === 0 || fov >= 360 || diff <= fov / 2;
      if (range !== null && distance <= range && inAngle) visibility = 'sees';
      else if (range !== null && !rangeAssumed) visibility = 'away';
      else visibility = inAngle ? 'faces' : 'away';
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
  const classRank = { sees: 0, faces: 1, maybe: 2, away: 3 } as const;
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
      fovDegrees: fovRoll < 0.15 ? null : fovRoll < 0.25 ? 360 : 10 + Math.floor(random() * 170),
      // As residents register them: range often left out.
      rangeMeters: random() < 0.4 ? null : 5 + Math.floor(random() * 300),
      retentionDays: random() < 0.1 ? null : Math.floor(random() * 60),
      form: FORMS[Math.floor(random() * FORMS.length)] ?? null,
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
    const seen = { sees: 0, faces: 0, maybe: 0, away: 0, urgent: 0, gone: 0, assumed: 0 };
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
      // The input is not already in the ranked order: the ranking does the sorting.
      expect(cameras.map((c) => c.objectId)).not.toEqual(expected.map((r) => r.objectId));
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
        if (want.visibility === 'sees' && entry.view.rangeAssumed) seen.assumed++;
        if (want.urgent) seen.urgent++;
        if (want.gone) seen.gone++;
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(5000);
    // The random cases really exercise every class and flag.
    expect(seen.sees).toBeGreaterThan(300);
    expect(seen.faces).toBeGreaterThan(100);
    expect(seen.assumed).toBeGreaterThan(20);
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
  const at = (azimuth: number, meters: number): [number, number] => {
    const p = WGS84.Direct(incident[1], incident[0], azimuth, meters);
    return [p.lon2 ?? 0, p.lat2 ?? 0];
  };
  it('is maybe when the direction is unknown, or the width with no usual one for the kind', () => {
    expect(
      cameraVisibility(
        { ...base, viewBearingDegrees: null, fovDegrees: 90, rangeMeters: 30, form: 'fixed' },
        incident,
      ),
    ).toBe('maybe');
    for (const form of [undefined, null, 'other', 'unknown']) {
      expect(
        cameraVisibility(
          { ...base, viewBearingDegrees: 10, fovDegrees: null, rangeMeters: 30, form },
          at(10, 5),
        ),
      ).toBe('maybe');
    }
  });
  it('takes the usual width and range of the kind for what the owner left out', () => {
    const doorbell = { ...base, viewBearingDegrees: 0, fovDegrees: null, rangeMeters: null };
    // A doorbell sees 160° and 15 m: 79° off at 14.9 m sees; 81° off faces away.
    expect(cameraVisibility({ ...doorbell, form: 'doorbell' }, at(79, 14.9))).toBe('sees');
    expect(cameraVisibility({ ...doorbell, form: 'doorbell' }, at(81, 10))).toBe('away');
    // Beyond the usual range it still faces the incident: an assumed range never rules out.
    expect(cameraVisibility({ ...doorbell, form: 'doorbell' }, at(0, 15.1))).toBe('faces');
    // A fixed camera: 90° and 30 m.
    const fixed = { ...doorbell, form: 'fixed' };
    expect(cameraVisibility(fixed, at(44, 29.9))).toBe('sees');
    expect(cameraVisibility(fixed, at(46, 5))).toBe('away');
    expect(cameraVisibility(fixed, at(0, 30.1))).toBe('faces');
    // Pan-tilt-zoom: all round, 50 m.
    const ptz = { ...doorbell, form: 'ptz' };
    expect(cameraVisibility(ptz, at(180, 49.9))).toBe('sees');
    expect(cameraVisibility(ptz, at(180, 50.1))).toBe('faces');
    // A stated range is the owner's word: beyond it, too far.
    expect(cameraVisibility({ ...fixed, rangeMeters: 20 }, at(0, 20.1))).toBe('away');
    // A stated width wins over the usual one.
    expect(cameraVisibility({ ...fixed, fovDegrees: 120 }, at(59, 10))).toBe('sees');
  });
  it('faces the incident when the range is unknown and nothing can default it', () => {
    const other = {
      ...base,
      viewBearingDegrees: 90,
      fovDegrees: 100,
      rangeMeters: null,
      form: 'other',
    };
    expect(cameraVisibility(other, at(90, 500))).toBe('faces');
    expect(cameraVisibility(other, at(139, 5))).toBe('faces');
    expect(cameraVisibility(other, at(141, 5))).toBe('away');
    expect(cameraVisibility(other, incident)).toBe('faces');
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

describe('rankCameras order', () => {
  it('ranks input given in reverse: sees, faces, maybe, away; nearer first; then OBJECTID', () => {
    const incident: [number, number] = [-94.4155, 39.0868];
    const toward = (azimuth: number, meters: number) => {
      const p = WGS84.Direct(incident[1], incident[0], azimuth, meters);
      const location: [number, number] = [p.lon2 ?? 0, p.lat2 ?? 0];
      // Looking back at the incident.
      return { location, viewBearingDegrees: (azimuth + 180) % 360 };
    };
    const none = { fovDegrees: null, rangeMeters: null, retentionDays: null };
    const cameras: RankableCamera[] = [
      { objectId: 9, ...toward(0, 5), ...none, viewBearingDegrees: 0, form: 'fixed' }, // away
      { objectId: 8, ...toward(0, 8), ...none, viewBearingDegrees: null }, // maybe
      { objectId: 7, ...toward(90, 3), ...none, viewBearingDegrees: null }, // maybe, nearer
      { objectId: 6, ...toward(90, 40), ...none, fovDegrees: 60, form: 'other' }, // faces
      { objectId: 5, ...toward(180, 12), ...none, form: 'doorbell' }, // sees (usual range)
      { objectId: 4, ...toward(270, 11), ...none, form: 'doorbell' }, // sees, nearer
      { objectId: 3, ...toward(45, 25), ...none, fovDegrees: 90, rangeMeters: 30 }, // sees
    ];
    const ranked = rankCameras(cameras, { incident, incidentAt: 0, now: 0 });
    expect(ranked.map((r) => [r.camera.objectId, r.visibility])).toEqual([
      [4, 'sees'],
      [5, 'sees'],
      [3, 'sees'],
      [6, 'faces'],
      [7, 'maybe'],
      [8, 'maybe'],
      [9, 'away'],
    ]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ranked[0]?.view).toEqual({
      bearingDegrees: 90,
      fovDegrees: 160,
      rangeMeters: 15,
      fovAssumed: true,
      rangeAssumed: true,
    });
    expect(ranked[2]?.view.rangeAssumed).toBe(false);
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
