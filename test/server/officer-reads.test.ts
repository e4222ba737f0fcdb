/**
 * Officers' reads: cameras and non-contact site fields at any scale; contact details only in
 * small searches, measured on what the query selects (never on its text), capped per request
 * and per day, and recorded by the server in a hash-chained audit before anything returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodesicDistanceMeters } from '../../src/core/geometry/geodesy.js';
import { SITES } from '../../src/core/schema/registry-schema.js';
import { verifyReadAuditChain } from '../../src/server/audit/verify-audit-chain.js';
import { boxSpanMeters } from '../../src/server/security/officer-read-guard.js';
import { addUser, startTestServer, type TestServer } from '../helpers/test-server.js';

type Json = Record<string, unknown>;
type Feature = { attributes: Json; geometry?: { x: number; y: number } };

const CONTACT_FIELDS = SITES.fields.filter((f) => f.contact).map((f) => f.name);
const CENTER = { x: -94.4155, y: 39.0911 };
/** The officer view's own definition: verified and not past its confirmation date. */
const VISIBLE = `status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > ?)`;

async function post(url: string, form: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ f: 'json', ...form }),
  });
  return { response, body: (await response.json()) as Json };
}

function readAuditRows(server: TestServer): { username: string; sites: number; flagged: number }[] {
  return server.db
    .prepare('SELECT username, sites, flagged FROM officer_read_audit ORDER BY id')
    .all() as { username: string; sites: number; flagged: number }[];
}

function hasContact(feature: Feature): boolean {
  return CONTACT_FIELDS.some((name) => name in feature.attributes);
}

/** Geodesic width and height of the box around the features' points. */
function spread(points: readonly { x: number; y: number }[]) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return boxSpanMeters([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
}

describe('officer reads', () => {
  let server: TestServer;
  let token: string;
  let siteCount: number;
  beforeAll(async () => {
    server = await startTestServer({ sites: 600 });
    token = await server.token('officer1');
    siteCount = (
      server.db.prepare(`SELECT COUNT(*) AS n FROM sites WHERE ${VISIBLE}`).get(Date.now()) as {
        n: number;
      }
    ).n;
  });
  afterAll(() => server.close());
  const officer = (layer: number, params: Record<string, string>, op = 'query') =>
    post(`${server.service('CommunityCameras_officer')}/${layer}/${op}`, { token, ...params });

  describe('without contact fields, at any scale', () => {
    it('cameras: ids, counts and features of the whole layer', async () => {
      const ids = await officer(1, { where: '1=1', returnIdsOnly: 'true' });
      expect((ids.body.objectIds as number[]).length).toBeGreaterThan(500);
      const count = await officer(1, { where: '1=1', returnCountOnly: 'true' });
      expect(count.body.count).toBe((ids.body.objectIds as number[]).length);
      const all = await officer(1, {
        geometry: '-180,-90,180,90',
        geometryType: 'esriGeometryEnvelope',
        outFields: '*',
        resultRecordCount: '50',
      });
      expect((all.body.features as unknown[]).length).toBe(50);
    });

    it('sites: the fields a map needs, city-wide', async () => {
      const { body } = await officer(0, {
        where: '1=1',
        outFields: 'OBJECTID,GlobalID,site_type,share_willingness',
        resultRecordCount: '2000',
      });
      expect((body.features as unknown[]).length).toBe(siteCount);
      expect(readAuditRows(server)).toEqual([]);
    });
  });

  describe('contact details are refused for wide reads, whatever the filter looks like', () => {
    const wide: [string, number, Record<string, string>, string?][] = [
      ['a where clause that starts narrow and widens', 0, { where: "GlobalID IN ('x') OR 1=1" }],
      [
        'sequential object ids',
        0,
        { objectIds: Array.from({ length: 600 }, (_, i) => i + 1).join(',') },
      ],
      [
        'an envelope around the world',
        0,
        { geometry: '-180,39.0,180,39.2', geometryType: 'esriGeometryEnvelope' },
      ],
      [
        'a small point with a long buffer',
        0,
        { geometry: `${CENTER.x},${CENTER.y}`, distance: '3', units: 'esriSRUnit_StatuteMile' },
      ],
      [
        'a multipoint whose parts are far apart',
        0,
        {
          geometry: JSON.stringify({
            points: [
              [-94.47, 39.04],
              [-94.34, 39.12],
            ],
          }),
          geometryType: 'esriGeometryMultipoint',
          distance: '100',
          units: 'esriSRUnit_Meter',
        },
      ],
      [
        'a count filtered on phone numbers',
        0,
        { where: "phone LIKE '+1816%'", returnCountOnly: 'true' },
      ],
      [
        'statistics grouped by e-mail',
        0,
        {
          outStatistics: JSON.stringify([{ statisticType: 'count', onStatisticField: 'OBJECTID' }]),
          groupByFieldsForStatistics: 'email',
        },
      ],
      [
        'distinct contact names',
        0,
        { where: '1=1', outFields: 'contact_name', returnDistinctValues: 'true' },
      ],
    ];
    for (const [name, layer, params] of wide) {
      it(name, async () => {
        const { body } = await officer(layer, { outFields: '*', ...params });
        expect(body).toMatchObject({ error: { code: 400 } });
        expect(JSON.stringify(body)).not.toMatch(/@example\.com|\+1816/);
      });
    }

    it('related records: the sites of cameras across town', async () => {
      const ids = (await officer(1, { where: '1=1', returnIdsOnly: 'true' })).body
        .objectIds as number[];
      const { body } = await officer(
        1,
        { objectIds: ids.slice(0, 400).join(','), relationshipId: '0', outFields: '*' },
        'queryRelatedRecords',
      );
      expect(body).toMatchObject({ error: { code: 400 } });
    });

    it('related records without contact fields are answered', async () => {
      const ids = (await officer(1, { where: '1=1', returnIdsOnly: 'true' })).body
        .objectIds as number[];
      const { body } = await officer(
        1,
        { objectIds: ids.slice(0, 400).join(','), relationshipId: '0', outFields: 'site_type' },
        'queryRelatedRecords',
      );
      expect((body.relatedRecordGroups as unknown[]).length).toBeGreaterThan(100);
    });
  });

  describe('a small search', () => {
    it('returns contact details and is recorded by the server, chained', async () => {
      const before = readAuditRows(server).length;
      const { body } = await officer(0, {
        geometry: `${CENTER.x},${CENTER.y}`,
        distance: '500',
        units: 'esriSRUnit_Meter',
        outFields: '*',
      });
      const features = body.features as Feature[];
      expect(features.length).toBeGreaterThan(0);
      expect(features.every(hasContact)).toBe(true);
      const rows = readAuditRows(server);
      expect(rows.length).toBe(before + 1);
      expect(rows.at(-1)).toMatchObject({ username: 'officer1', sites: features.length });
      const summary = JSON.parse(
        (
          server.db
            .prepare('SELECT summary FROM officer_read_audit ORDER BY id DESC LIMIT 1')
            .get() as { summary: string }
        ).summary,
      ) as Json;
      expect(summary).toMatchObject({ operation: 'query', answer: 'features' });
      expect(JSON.stringify(summary)).not.toMatch(/@|\+1/);
      expect(verifyReadAuditChain(server.db)).toMatchObject({ ok: true });
    });

    it('sixty direct API reads leave sixty audit entries', async () => {
      const before = readAuditRows(server).length;
      for (let i = 0; i < 60; i += 1) {
        const { body } = await officer(0, {
          geometry: `${CENTER.x + i * 1e-4},${CENTER.y}`,
          distance: '300',
          units: 'esriSRUnit_Meter',
          outFields: 'contact_name,phone',
        });
        expect(body.error).toBeUndefined();
      }
      expect(readAuditRows(server).length).toBe(before + 60);
      expect(verifyReadAuditChain(server.db)).toMatchObject({ ok: true, entries: before + 60 });
    });

    it('the audit cannot be edited or deleted', () => {
      expect(() => server.db.exec('UPDATE officer_read_audit SET sites = 0')).toThrow(
        /append-only/,
      );
      expect(() => server.db.exec('DELETE FROM officer_read_audit')).toThrow(/append-only/);
    });
  });
});

describe('limits of contact reads', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({
      sites: 600,
      officerReads: {
        maxSitesPerRequest: 5,
        maxSitesPerDay: 12,
        flagSitesPerDay: 6,
        maxSpanMeters: 4000,
      },
    });
    token = await server.token('officer1');
  });
  afterAll(() => server.close());
  const officer = (params: Record<string, string>) =>
    post(`${server.service('CommunityCameras_officer')}/0/query`, {
      token,
      outFields: '*',
      ...params,
    });
  /** Visible sites, nearest the centre first, so that n ids select n sites close together. */
  const nearest = (n: number): number[] =>
    (
      server.db
        .prepare(
          `SELECT "OBJECTID" AS id FROM sites WHERE ${VISIBLE}
           ORDER BY (_x - ?) * (_x - ?) + (_y - ?) * (_y - ?) LIMIT ?`,
        )
        .all(Date.now(), CENTER.x, CENTER.x, CENTER.y, CENTER.y, n) as { id: number }[]
    ).map((r) => r.id);

  it('per request: 4 and 5 sites are answered, 6 are refused', async () => {
    for (const n of [4, 5]) {
      const { body } = await officer({ objectIds: nearest(n).join(',') });
      expect((body.features as unknown[]).length).toBe(n);
    }
    const { body } = await officer({ objectIds: nearest(6).join(',') });
    expect(body).toMatchObject({ error: { code: 400 } });
  });

  it('per day: flagged past 6 sites, refused past 12 with a retry time', async () => {
    // 9 sites so far (4 + 5); 2 more make 11 (flagged), 1 more makes 12 (at), 1 more is over.
    const two = await officer({ objectIds: nearest(2).join(',') });
    expect((two.body.features as unknown[]).length).toBe(2);
    const one = await officer({ objectIds: nearest(1).join(',') });
    expect((one.body.features as unknown[]).length).toBe(1);
    const over = await officer({ objectIds: nearest(1).join(',') });
    expect(over.body).toMatchObject({ error: { code: 429 } });
    expect(over.response.status).toBe(429);
    const retry = Number(over.response.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(86_000);
    expect(retry).toBeLessThanOrEqual(86_400);
    const rows = server.db
      .prepare('SELECT sites, flagged FROM officer_read_audit ORDER BY id')
      .all() as { sites: number; flagged: number }[];
    expect(rows).toEqual([
      { sites: 4, flagged: 0 },
      { sites: 5, flagged: 1 },
      { sites: 2, flagged: 1 },
      { sites: 1, flagged: 1 },
    ]);
  });

  it('another officer has a budget of their own', async () => {
    await addUser(server, 'officer2', 'officer');
    const other = await server.token('officer2');
    const { body } = await post(`${server.service('CommunityCameras_officer')}/0/query`, {
      token: other,
      outFields: '*',
      objectIds: nearest(3).join(','),
    });
    expect((body.features as unknown[]).length).toBe(3);
  });

  it('span: sites 3.9 km apart are answered, 4.1 km apart refused', async () => {
    const fresh = await startTestServer({ sites: 600 });
    try {
      const officerToken = await fresh.token('officer1');
      const points = fresh.db
        .prepare(`SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM sites WHERE ${VISIBLE}`)
        .all(Date.now()) as { id: number; x: number; y: number }[];
      // Pairs on about the same parallel at known distances.
      const pairAt = (meters: number) => {
        let best: [number, number] | undefined;
        let bestError = Infinity;
        for (const a of points)
          for (const b of points) {
            const { width, height } = spread([a, b]);
            const error = Math.abs(Math.max(width, height) - meters);
            if (error < bestError) {
              bestError = error;
              best = [a.id, b.id];
            }
          }
        return best!;
      };
      const query = (ids: readonly number[]) =>
        post(`${fresh.service('CommunityCameras_officer')}/0/query`, {
          token: officerToken,
          outFields: 'phone',
          objectIds: ids.join(','),
        });
      expect((await query(pairAt(3900))).body.error).toBeUndefined();
      expect((await query(pairAt(4100))).body).toMatchObject({ error: { code: 400 } });
    } finally {
      await fresh.close();
    }
  });
});

describe('contact log on the officer view', () => {
  let server: TestServer;
  let one: string;
  let two: string;
  let guid: string;
  beforeAll(async () => {
    server = await startTestServer({ sites: 200 });
    await addUser(server, 'officer2', 'officer');
    one = await server.token('officer1');
    two = await server.token('officer2');
    const { body } = await post(`${server.service('CommunityCameras_officer')}/0/query`, {
      token: one,
      geometry: `${CENTER.x},${CENTER.y}`,
      distance: '1500',
      units: 'esriSRUnit_Meter',
      outFields: 'GlobalID,contact_name',
      resultRecordCount: '1',
    });
    guid = (body.features as Feature[])[0]!.attributes.GlobalID as string;
    for (const [token, caseNumber] of [
      [one, 'CASE-ONE'],
      [two, 'CASE-TWO'],
    ] as const) {
      await post(`${server.service('CommunityCameras_officer')}/3/addFeatures`, {
        token,
        features: JSON.stringify([
          {
            attributes: {
              case_number: caseNumber,
              purpose: 'criminal_investigation',
              incident_x: CENTER.x,
              incident_y: CENTER.y,
              radius_m: 150,
            },
          },
        ]),
      });
    }
    const added = await post(`${server.service('CommunityCameras_officer')}/2/addFeatures`, {
      token: one,
      features: JSON.stringify([
        {
          attributes: {
            site_guid: guid,
            case_number: 'CASE-ONE',
            contact_method: 'phone',
            outcome: 'no_answer',
          },
        },
      ]),
    });
    expect(added.body).toMatchObject({ addResults: [{ success: true }] });
  });
  afterAll(() => server.close());
  const contactLog = (token: string) =>
    post(`${server.service('CommunityCameras_officer')}/2/query`, {
      token,
      where: '1=1',
      outFields: '*',
    });

  it('an officer sees the entries of their own case', async () => {
    const { body } = await contactLog(one);
    expect((body.features as Feature[]).map((f) => f.attributes.case_number)).toEqual(['CASE-ONE']);
  });

  it('another officer does not see them until their own search returns that site', async () => {
    expect((await contactLog(two)).body.features).toEqual([]);
    await post(`${server.service('CommunityCameras_officer')}/0/query`, {
      token: two,
      where: `GlobalID = '${guid}'`,
      outFields: 'contact_name',
    });
    const { body } = await contactLog(two);
    expect((body.features as Feature[]).map((f) => f.attributes.site_guid)).toEqual([guid]);
  });
});

describe('property: random officer reads never leak contact details wide', () => {
  let server: TestServer;
  let token: string;
  const LIMITS = {
    maxSitesPerRequest: 40,
    maxSitesPerDay: 1e9,
    flagSitesPerDay: 1e9,
    maxSpanMeters: 1500,
  };
  beforeAll(async () => {
    server = await startTestServer({ sites: 2500, officerReads: LIMITS });
    token = await server.token('officer1');
  });
  afterAll(() => server.close());

  /** Deterministic generator (mulberry32). */
  function random(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('600 random queries and related-record calls', async () => {
    const rand = random(20261130);
    const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
    const lon = () => -94.48 + rand() * 0.15;
    const lat = () => 39.03 + rand() * 0.1;
    /** Up to about 350 m either way. */
    const near = () => (rand() - 0.5) * 0.008;
    let base = { x: lon(), y: lat() };
    const ids = (
      server.db.prepare(`SELECT "OBJECTID" AS id FROM sites`).all() as { id: number }[]
    ).map((r) => r.id);
    const cameraIds = (
      server.db.prepare(`SELECT "OBJECTID" AS id FROM cameras`).all() as { id: number }[]
    ).map((r) => r.id);
    let answeredWithContact = 0;
    for (let i = 0; i < 600; i += 1) {
      base = { x: lon(), y: lat() };
      const geometries = [
        () => ({ geometry: `${lon()},${lat()}`, geometryType: 'esriGeometryPoint' }),
        () => {
          const x = lon();
          const y = lat();
          const w = rand() * 0.01;
          return { geometry: `${x},${y},${x + w},${y + w}`, geometryType: 'esriGeometryEnvelope' };
        },
        () => ({
          geometry: JSON.stringify({
            points: Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, k) =>
              k === 0 || rand() < 0.7 ? [base.x + near(), base.y + near()] : [lon(), lat()],
            ),
          }),
          geometryType: 'esriGeometryMultipoint',
        }),
        () => {
          const x = lon();
          const y = lat();
          const r = rand() * 0.008;
          return {
            geometry: JSON.stringify({
              rings: [
                [
                  [x, y],
                  [x + r, y],
                  [x + r, y + r],
                  [x, y],
                ],
                [
                  [x + near(), y + near()],
                  [x + near(), y + near()],
                  [x + near(), y + near()],
                ],
              ],
            }),
            geometryType: 'esriGeometryPolygon',
          };
        },
        () => ({
          geometry: JSON.stringify({
            paths: [
              [
                [lon(), lat()],
                [lon(), lat()],
              ],
            ],
          }),
          geometryType: 'esriGeometryPolyline',
        }),
      ];
      const params: Record<string, string> = {
        token,
        outFields: pick(['*', 'contact_name,phone', 'email', 'OBJECTID,address', 'site_type']),
      };
      const kind = pick(['geometry', 'geometry', 'where', 'ids', 'related', 'mixed'] as const);
      if (kind === 'geometry' || kind === 'mixed') {
        Object.assign(params, pick(geometries)());
        if (rand() < 0.85) {
          params.distance = String(Math.floor(rand() * (rand() < 0.8 ? 300 : 3000)));
          params.units = pick(['esriSRUnit_Meter', 'esriSRUnit_Foot', 'esriSRUnit_Kilometer']);
        }
      }
      if (kind === 'where' || kind === 'mixed') {
        params.where = pick([
          '1=1',
          "site_type = 'residence'",
          "phone LIKE '+1%'",
          `OBJECTID < ${Math.floor(rand() * 800)}`,
          "GlobalID IN ('x') OR 1=1",
          "email IS NOT NULL OR contact_name <> ''",
        ]);
      }
      if (kind === 'ids') {
        const n = 1 + Math.floor(rand() * 80);
        const start = Math.floor(rand() * ids.length);
        params.objectIds = ids.slice(start, start + n).join(',');
      }
      let features: Feature[];
      if (kind === 'related') {
        const start = Math.floor(rand() * cameraIds.length);
        const chosen = cameraIds.slice(start, start + 1 + Math.floor(rand() * 60));
        const { body } = await post(
          `${server.service('CommunityCameras_officer')}/1/queryRelatedRecords`,
          { ...params, objectIds: chosen.join(','), relationshipId: '0', returnGeometry: 'true' },
        );
        const groups = (body.relatedRecordGroups ?? []) as { relatedRecords: Feature[] }[];
        features = groups.flatMap((g) => g.relatedRecords);
      } else {
        const { body } = await post(
          `${server.service('CommunityCameras_officer')}/0/query`,
          params,
        );
        features = (body.features ?? []) as Feature[];
      }
      const withContact = features.filter(hasContact);
      if (withContact.length === 0) continue;
      answeredWithContact += 1;
      const distinct = new Set(withContact.map((f) => JSON.stringify(f.geometry ?? f.attributes)));
      expect(distinct.size).toBeLessThanOrEqual(LIMITS.maxSitesPerRequest);
      const located = withContact.flatMap((f) => (f.geometry ? [f.geometry] : []));
      if (located.length > 1) {
        const { width, height } = spread(located);
        expect(Math.max(width, height)).toBeLessThanOrEqual(LIMITS.maxSpanMeters);
      }
    }
    // The generator must reach the interesting case often enough to mean something.
    expect(answeredWithContact).toBeGreaterThan(30);
  });

  it('the span measure agrees with geodesic distance along a parallel and a meridian', () => {
    const { width, height } = boxSpanMeters([-94.45, 39.05, -94.4, 39.1]);
    expect(width).toBeCloseTo(geodesicDistanceMeters([-94.45, 39.05], [-94.4, 39.05]), -1);
    expect(height).toBeCloseTo(geodesicDistanceMeters([-94.45, 39.05], [-94.45, 39.1]), 3);
  });
});
