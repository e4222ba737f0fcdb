import geographiclib from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { destinationPoint } from '../../../src/core/geometry/geodesy.js';
import {
  bufferPadMeters,
  runIncidentSearch,
  type CameraRecord,
  type IncidentSearchService,
  type SearchArea,
  type SearchAuditEntry,
  type SiteRecord,
} from '../../../src/core/search/run-incident-search.js';

const WGS84 = geographiclib.Geodesic.WGS84;
const P: [number, number] = [-94.4155, 39.0868];
const NOW = Date.UTC(2026, 10, 20, 12);
const guid = (n: number) => `{00000000-0000-4000-8000-${String(n).padStart(12, '0')}}`;
const at = (azimuth: number, meters: number): [number, number] => {
  const p = WGS84.Direct(P[1], P[0], azimuth, meters);
  return [p.lon2 ?? 0, p.lat2 ?? 0];
};

/** A 64-gon through points at `radius` (the ring the widget's SDK buffer stands in for). */
async function polygonBuffer(
  center: readonly [number, number],
  radius: number,
): Promise<SearchArea> {
  const ring = Array.from({ length: 65 }, (_, i) =>
    destinationPoint(center, (i * 360) / 64, radius),
  );
  return { rings: [ring] };
}

function inside(area: SearchArea, [x, y]: readonly [number, number]): boolean {
  const ring = area.rings[0] ?? [];
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function service(
  cameras: CameraRecord[],
  sites: SiteRecord[],
  audit: SearchAuditEntry[],
  failAudit = false,
): IncidentSearchService {
  return {
    async camerasInArea(area) {
      return cameras.filter((c) => c.location && inside(area, c.location));
    },
    async sitesByGlobalId(ids) {
      return sites.filter((s) => ids.includes(s.attributes.GlobalID ?? ''));
    },
    async recordSearch(entry) {
      if (failAudit) throw new Error('audit table unavailable');
      audit.push(entry);
    },
  };
}

const camera = (
  id: number,
  site: number,
  location: [number, number],
  extra: Partial<CameraRecord['attributes']> = {},
): CameraRecord => ({
  location,
  attributes: {
    OBJECTID: id,
    GlobalID: guid(1000 + id),
    site_guid: guid(site),
    label: `Cam ${id}`,
    view_bearing: null,
    fov_deg: 90,
    range_m: 30,
    retention_days: 7,
    ...extra,
  },
});
const site = (n: number): SiteRecord => ({
  location: P,
  attributes: { OBJECTID: n, GlobalID: guid(n), contact_name: `Owner ${n}` },
});

describe('runIncidentSearch', () => {
  const input = {
    caseNumber: ' 26-004512 ',
    purpose: 'criminal_investigation',
    incident: P,
    incidentAt: NOW - 86_400_000,
    radiusMeters: 100,
  };

  it('keeps cameras within the exact radius at listed sites, ranks them, then audits', async () => {
    const audit: SearchAuditEntry[] = [];
    const cameras = [
      camera(1, 1, at(10, 99.9)),
      camera(2, 1, at(200, 40), { view_bearing: 20, fov_deg: 90, range_m: 60 }),
      camera(3, 2, at(300, 100.05)), // just outside the radius, inside the padded buffer
      camera(4, 3, at(90, 20)), // site 3 is not listed (not verified)
      camera(5, 2, at(45, 70), { view_bearing: 45, fov_deg: 90, range_m: 60 }),
    ];
    const result = await runIncidentSearch(
      { service: service(cameras, [site(1), site(2)], audit), buffer: polygonBuffer },
      input,
      { now: () => NOW },
    );
    expect(result.cameras.map((c) => [c.camera.objectId, c.visibility])).toEqual([
      [2, 'sees'],
      [1, 'maybe'],
      [5, 'away'],
    ]);
    expect([...result.sites.keys()]).toEqual([guid(1), guid(2)]);
    expect(audit).toEqual([
      {
        case_number: '26-004512',
        purpose: 'criminal_investigation',
        incident_at: input.incidentAt,
        incident_x: P[0],
        incident_y: P[1],
        radius_m: 100,
        result_count: 3,
      },
    ]);
  });

  it('pads the buffer so a camera just inside the radius is never cut off by a chord', async () => {
    const audit: SearchAuditEntry[] = [];
    // Between two vertices of the 64-gon, where the chord dips deepest.
    const cameras = [camera(7, 1, at(360 / 128, 99.99))];
    const result = await runIncidentSearch(
      { service: service(cameras, [site(1)], audit), buffer: polygonBuffer },
      input,
      { now: () => NOW },
    );
    expect(result.cameras).toHaveLength(1);
    expect(bufferPadMeters(100)).toBeGreaterThan(0.5);
  });

  it('returns nothing when the audit cannot be written', async () => {
    const cameras = [camera(1, 1, at(10, 50))];
    await expect(
      runIncidentSearch(
        { service: service(cameras, [site(1)], [], true), buffer: polygonBuffer },
        input,
        { now: () => NOW },
      ),
    ).rejects.toThrow('audit table unavailable');
  });

  it('refuses an incomplete request before touching the service', async () => {
    const audit: SearchAuditEntry[] = [];
    const search = runIncidentSearch(
      { service: service([], [], audit), buffer: polygonBuffer },
      { ...input, caseNumber: ' ', purpose: 'curiosity', incident: null, radiusMeters: 0 },
      { now: () => NOW },
    );
    await expect(search).rejects.toBeInstanceOf(AppError);
    await expect(search).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: ['caseNumber', 'purpose', 'incident', 'radius'],
    });
    expect(audit).toEqual([]);
  });

  it('audits a search that finds nothing, without asking for sites', async () => {
    const audit: SearchAuditEntry[] = [];
    const svc = service([], [], audit);
    let asked = false;
    const result = await runIncidentSearch(
      {
        service: { ...svc, sitesByGlobalId: async () => ((asked = true), []) },
        buffer: polygonBuffer,
      },
      input,
      { now: () => NOW },
    );
    expect(result.cameras).toEqual([]);
    expect(asked).toBe(false);
    expect(audit[0]?.result_count).toBe(0);
  });
});
