/**
 * The local feature service driven by the real arcgis-rest-js 4 client, as a city's own
 * scripts and integrations would use it against ArcGIS Online.
 */
import {
  addFeatures,
  applyEdits,
  getLayer,
  getService,
  queryAllFeatures,
  queryFeatures,
  queryRelated,
  type IFeature,
  type IQueryFeaturesResponse,
  type IQueryResponse,
} from '@esri/arcgis-rest-feature-service';
import {
  ApiKeyManager,
  ArcGISAuthError,
  ArcGISIdentityManager,
  ArcGISRequestError,
  request,
  type IPoint,
} from '@esri/arcgis-rest-request';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodesicDistanceMeters } from '../../src/core/geometry/geodesy.js';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import { fieldsInView } from '../../src/core/schema/views.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let officerToken: string;
let analyst: ArcGISIdentityManager;
let publicUrl: string;
let officerUrl: string;
let sourceUrl: string;

async function signIn(username: string): Promise<{ token: string; expires: number }> {
  return (await request(`${server.url}/arcgis/sharing/rest/generateToken`, {
    params: { username, password: TEST_PASSWORD, expiration: 60 },
  })) as { token: string; expires: number };
}

beforeAll(async () => {
  server = await startTestServer({ sites: 1200 });
  publicUrl = server.service('CommunityCameras_public');
  officerUrl = server.service('CommunityCameras_officer');
  sourceUrl = server.service('CommunityCameras');
  officerToken = (await signIn('officer1')).token;
  const issued = await signIn('analyst1');
  analyst = await ArcGISIdentityManager.fromToken({
    token: issued.token,
    tokenExpires: new Date(issued.expires),
    portal: `${server.url}/arcgis/sharing/rest`,
    server: `${server.url}/arcgis/rest/services`,
  });
});
afterAll(() => server?.close());

const officer = () => ApiKeyManager.fromKey(officerToken);

function sql<T>(text: string, ...params: (string | number | null)[]): T[] {
  return server.db.prepare(text).all(...params) as T[];
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function objectIdsOf(features: readonly IFeature[]): number[] {
  return sorted(features.map((f) => f.attributes.OBJECTID as number));
}

/** What the officer view shows of Cameras, straight from the database. */
function officerCameras(): { id: number; x: number; y: number }[] {
  return sql(
    `SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM cameras WHERE (status IS NULL OR status <> 'removed') AND site_guid IN (SELECT "GlobalID" FROM sites WHERE status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > unixepoch('subsec') * 1000))`,
  );
}

/**
 * The part of town officer searches here cover: officers must always search somewhere
 * (the server refuses a Sites or Cameras query without a small enough area).
 */
const AREA = { xmin: -94.43, ymin: 39.07, xmax: -94.4, ymax: 39.09 };
const AREA_FILTER = {
  geometry: { ...AREA, spatialReference: { wkid: 4326 } },
  geometryType: 'esriGeometryEnvelope' as const,
};
function inArea(row: { x: number; y: number }): boolean {
  return row.x >= AREA.xmin && row.x <= AREA.xmax && row.y >= AREA.ymin && row.y <= AREA.ymax;
}

/** A registration as the public form sends it. */
function newSite(overrides: Record<string, unknown> = {}): IFeature {
  const reference = formatReference(randomBytes(8));
  const manageCode = formatManageCode(randomBytes(10));
  return {
    geometry: { x: -94.4123, y: 39.0871, spatialReference: { wkid: 4326 } } as IFeature['geometry'],
    attributes: {
      registration_ref: reference,
      manage_code_hash: createHash('sha256')
        .update(manageCodeHashInput(reference, manageCode))
        .digest('hex'),
      site_type: 'residence',
      contact_name: 'Pat Example',
      contact_role: 'owner',
      phone: '+18165550123',
      preferred_contact: 'phone',
      preferred_language: 'en',
      address: '123 Example St',
      share_willingness: 'yes',
      consent_version: '2026-01',
      ...overrides,
    },
  };
}

function newCamera(siteGlobalId: string, overrides: Record<string, unknown> = {}): IFeature {
  return {
    geometry: {
      x: -94.41232,
      y: 39.08712,
      spatialReference: { wkid: 4326 },
    } as IFeature['geometry'],
    attributes: {
      site_guid: siteGlobalId,
      label: 'Front door',
      mount: 'exterior',
      form: 'doorbell',
      view_bearing: 180,
      fov_deg: 90,
      recording_mode: 'motion',
      retention_days: 14,
      ...overrides,
    },
  };
}

function countByGlobalId(table: string, globalId: string): number {
  return sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE "GlobalID" = ?`, globalId)[0]!
    .n;
}

describe('service and layer descriptions', () => {
  it('getService describes the public view anonymously: create only', async () => {
    const service = await getService({ url: publicUrl });
    expect(service.capabilities).toBe('Create,Editing');
    expect(service.layers.map((l) => l.name)).toEqual(['Sites', 'Cameras']);
    expect(service.tables?.map((t) => t.name)).toEqual(['ChangeRequests']);
  });

  it('getService and getLayer describe the officer view with a token', async () => {
    const service = await getService({ url: officerUrl, authentication: officer() });
    expect(service.capabilities).toBe('Query,Create,Editing');
    const layer = await getLayer({ url: `${officerUrl}/1`, authentication: officer() });
    expect(layer.name).toBe('Cameras');
    expect(layer.capabilities).toBe('Query');
    expect(layer.fields?.map((f) => f.name)).toEqual(
      fieldsInView(CAMERAS, 'officer').map((f) => f.name),
    );
  });

  it('an identity manager built from a token reaches the source service', async () => {
    const layer = await getLayer({ url: `${sourceUrl}/0`, authentication: analyst });
    expect(layer.fields?.map((f) => f.name)).toEqual(SITES.fields.map((f) => f.name));
  });
});

describe('queryFeatures', () => {
  it('filters with where and returns only outFields', async () => {
    const result = (await queryFeatures({
      url: `${officerUrl}/1`,
      where: "mount = 'interior_facing_out' AND retention_days >= 30",
      outFields: ['OBJECTID', 'label', 'retention_days'],
      ...AREA_FILTER,
      authentication: officer(),
    })) as IQueryFeaturesResponse;
    const expected = sql<{ id: number; x: number; y: number }>(
      `SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM cameras WHERE mount = 'interior_facing_out' AND retention_days >= 30 AND ((status IS NULL OR status <> 'removed') AND site_guid IN (SELECT "GlobalID" FROM sites WHERE status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > unixepoch('subsec') * 1000)))`,
    )
      .filter(inArea)
      .map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(objectIdsOf(result.features)).toEqual(sorted(expected));
    for (const f of result.features) {
      expect(Object.keys(f.attributes)).toEqual(['OBJECTID', 'label', 'retention_days']);
    }
  });

  it('filters with an envelope and spatialRel', async () => {
    const result = (await queryFeatures({
      url: `${officerUrl}/1`,
      ...AREA_FILTER,
      spatialRel: 'esriSpatialRelIntersects',
      outFields: ['OBJECTID'],
      authentication: officer(),
    })) as IQueryFeaturesResponse;
    const expected = officerCameras()
      .filter(inArea)
      .map((c) => c.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(objectIdsOf(result.features)).toEqual(sorted(expected));
  });

  it('finds cameras within a distance of a point', async () => {
    const center: [number, number] = [-94.415, 39.085];
    const result = (await queryFeatures({
      url: `${officerUrl}/1`,
      geometry: { x: center[0], y: center[1], spatialReference: { wkid: 4326 } } as IPoint,
      geometryType: 'esriGeometryPoint',
      distance: 1500,
      units: 'esriSRUnit_Foot',
      outFields: ['OBJECTID'],
      authentication: officer(),
    })) as IQueryFeaturesResponse;
    const expected = officerCameras()
      .filter((c) => geodesicDistanceMeters(center, [c.x, c.y]) <= 1500 * 0.3048)
      .map((c) => c.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(objectIdsOf(result.features)).toEqual(sorted(expected));
  });

  it('orders and pages with resultOffset and resultRecordCount', async () => {
    const page = (await queryFeatures({
      url: `${officerUrl}/1`,
      outFields: ['OBJECTID', 'retention_days'],
      orderByFields: 'retention_days DESC, OBJECTID ASC',
      resultOffset: 100,
      resultRecordCount: 25,
      returnGeometry: false,
      ...AREA_FILTER,
      authentication: officer(),
    })) as IQueryFeaturesResponse;
    const expected = sql<{ OBJECTID: number; retention_days: number | null }>(
      `SELECT "OBJECTID", retention_days FROM cameras WHERE ((status IS NULL OR status <> 'removed') AND site_guid IN (SELECT "GlobalID" FROM sites WHERE status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > unixepoch('subsec') * 1000)))
       AND _x BETWEEN ? AND ? AND _y BETWEEN ? AND ?
       ORDER BY retention_days DESC, "OBJECTID" ASC LIMIT 25 OFFSET 100`,
      AREA.xmin,
      AREA.xmax,
      AREA.ymin,
      AREA.ymax,
    );
    expect(expected).toHaveLength(25);
    expect(page.features.map((f) => f.attributes)).toEqual(expected.map((r) => ({ ...r })));
    expect(page.exceededTransferLimit).toBe(true);
  });

  it('queryAllFeatures pages across exceededTransferLimit and gets every feature once', async () => {
    // The analyst's whole-layer export (officers may only search an area).
    const expected = sorted(
      sql<{ id: number }>('SELECT "OBJECTID" AS id FROM cameras').map((c) => c.id),
    );
    expect(expected.length).toBeGreaterThan(2000);
    const byMaxRecordCount = await queryAllFeatures({
      url: `${sourceUrl}/1`,
      outFields: ['OBJECTID'],
      authentication: analyst,
    });
    expect(byMaxRecordCount.features).toHaveLength(expected.length);
    expect(objectIdsOf(byMaxRecordCount.features)).toEqual(expected);
    const bySmallPages = await queryAllFeatures({
      url: `${sourceUrl}/1`,
      outFields: ['OBJECTID'],
      resultRecordCount: 333,
      authentication: analyst,
    });
    expect(objectIdsOf(bySmallPages.features)).toEqual(expected);
  });

  it('returnCountOnly and returnIdsOnly', async () => {
    const expected = sorted(
      officerCameras()
        .filter(inArea)
        .map((c) => c.id),
    );
    expect(expected.length).toBeGreaterThan(10);
    const count = (await queryFeatures({
      url: `${officerUrl}/1`,
      returnCountOnly: true,
      ...AREA_FILTER,
      authentication: officer(),
    })) as { count: number };
    expect(count.count).toBe(expected.length);
    const ids = (await queryFeatures({
      url: `${officerUrl}/1`,
      returnIdsOnly: true,
      ...AREA_FILTER,
      authentication: officer(),
    })) as IQueryResponse & { objectIds: number[] };
    expect(sorted(ids.objectIds)).toEqual(expected);
  });

  it('f=geojson gives a FeatureCollection', async () => {
    const result = (await queryFeatures({
      url: `${officerUrl}/0`,
      where: "site_type = 'business'",
      outFields: ['OBJECTID', 'business_name'],
      f: 'geojson',
      ...AREA_FILTER,
      authentication: officer(),
    })) as unknown as {
      type: string;
      features: { id: number; geometry: { type: string; coordinates: number[] } }[];
    };
    expect(result.type).toBe('FeatureCollection');
    const now = Date.now();
    const expected = sql<{ id: number; x: number; y: number }>(
      `SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM sites WHERE site_type = 'business'
       AND status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > ?)
       AND _x BETWEEN ? AND ? AND _y BETWEEN ? AND ? ORDER BY "OBJECTID"`,
      now,
      AREA.xmin,
      AREA.xmax,
      AREA.ymin,
      AREA.ymax,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(result.features.map((f) => [f.id, ...f.geometry.coordinates])).toEqual(
      expected.map((r) => [r.id, r.x, r.y]),
    );
    expect(result.features.every((f) => f.geometry.type === 'Point')).toBe(true);
  });
});

describe('editing through the public view, anonymously', () => {
  it('addFeatures and layer applyEdits cannot register a site without its cameras', async () => {
    const site = newSite();
    const before = sql<{ n: number }>('SELECT count(*) AS n FROM sites')[0]!.n;
    for (const attempt of [
      addFeatures({ url: `${publicUrl}/0`, features: [site] }),
      applyEdits({ url: `${publicUrl}/0`, adds: [site], rollbackOnFailure: false }),
    ]) {
      const failure = await attempt.catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ArcGISRequestError);
      expect((failure as ArcGISRequestError).code).toBe(400);
      // A rule of the whole call, as data beside ArcGIS's words.
      expect(
        ((failure as ArcGISRequestError).response as { error: { issues: unknown[] } }).error.issues,
      ).toContainEqual({ layerId: 1, field: 'adds', code: 'CAMERA_REQUIRED' });
    }
    expect(sql<{ n: number }>('SELECT count(*) AS n FROM sites')[0]!.n).toBe(before);
  });

  it('service-level applyEdits adds a site and its cameras in one transaction', async () => {
    const siteGlobalId = `{${randomUUID().toUpperCase()}}`;
    const site = newSite({ GlobalID: siteGlobalId });
    const result = (await request(`${publicUrl}/applyEdits`, {
      params: {
        useGlobalIds: true,
        edits: [
          { id: 0, adds: [site] },
          {
            id: 1,
            adds: [
              newCamera(siteGlobalId, { GlobalID: `{${randomUUID().toUpperCase()}}` }),
              newCamera(siteGlobalId, {
                GlobalID: `{${randomUUID().toUpperCase()}}`,
                label: 'Driveway',
              }),
            ],
          },
        ],
      },
    })) as { id: number; addResults: { success: boolean; globalId: string }[] }[];
    expect(result.map((r) => r.id)).toEqual([0, 1]);
    expect(result[0]!.addResults).toEqual([
      expect.objectContaining({ success: true, globalId: siteGlobalId }),
    ]);
    expect(result[1]!.addResults.every((r) => r.success)).toBe(true);
    expect(countByGlobalId('sites', siteGlobalId)).toBe(1);
    expect(
      sql<{ status: string; registration_ref: string; Creator: string | null }>(
        `SELECT status, registration_ref, "Creator" FROM sites WHERE "GlobalID" = ?`,
        siteGlobalId,
      ),
    ).toEqual([
      { status: 'pending', registration_ref: site.attributes.registration_ref, Creator: null },
    ]);
    expect(
      sql<{ n: number }>('SELECT count(*) AS n FROM cameras WHERE site_guid = ?', siteGlobalId)[0]!
        .n,
    ).toBe(2);
  });

  it('a retried add with useGlobalIds finds its own row instead of duplicating it', async () => {
    const globalId = `{${randomUUID().toUpperCase()}}`;
    const features = [newSite({ GlobalID: globalId })];
    // The analyst's layer-level edit (the public view takes whole registrations only).
    const send = () =>
      applyEdits({
        url: `${sourceUrl}/0`,
        adds: features,
        useGlobalIds: true,
        authentication: analyst,
      });
    const first = await send();
    const retry = await send();
    expect(first.addResults[0]).toMatchObject({ success: true, globalId });
    expect(retry.addResults[0]).toEqual(first.addResults[0]);
    expect(countByGlobalId('sites', globalId)).toBe(1);
  });

  it('rollbackOnFailure: one bad feature and nothing is written; its result names the problem', async () => {
    const siteGlobalId = `{${randomUUID().toUpperCase()}}`;
    const before = sql<{ n: number }>('SELECT count(*) AS n FROM sites')[0]!.n;
    const camerasBefore = sql<{ n: number }>('SELECT count(*) AS n FROM cameras')[0]!.n;
    const answer = (await request(`${publicUrl}/applyEdits`, {
      params: {
        useGlobalIds: true,
        rollbackOnFailure: true,
        edits: [
          { id: 0, adds: [newSite({ GlobalID: siteGlobalId })] },
          {
            id: 1,
            adds: [
              newCamera(siteGlobalId),
              newCamera(siteGlobalId, { mount: 'ceiling', view_bearing: 400 }),
            ],
          },
        ],
      },
    })) as {
      id: number;
      addResults: { success: boolean; error?: { code: number; issues?: unknown } }[];
    }[];
    // Per edit, as hosted layers answer: the refused camera with its problems, the rest undone.
    const [sites, cameras] = answer;
    expect([sites!.id, cameras!.id]).toEqual([0, 1]);
    expect(answer.flatMap((layer) => layer.addResults.map((r) => r.success))).toEqual([
      false,
      false,
      false,
    ]);
    expect(sites!.addResults.map((r) => r.error?.code)).toEqual([1003]);
    expect(cameras!.addResults.map((r) => r.error?.code)).toEqual([1003, 1000]);
    expect(cameras!.addResults[1]!.error?.issues).toEqual([
      { field: 'mount', code: 'NOT_IN_DOMAIN' },
      { field: 'view_bearing', code: 'OUT_OF_RANGE', limit: expect.any(Array) as unknown },
    ]);
    expect(sql<{ n: number }>('SELECT count(*) AS n FROM sites')[0]!.n).toBe(before);
    expect(sql<{ n: number }>('SELECT count(*) AS n FROM cameras')[0]!.n).toBe(camerasBefore);
    expect(countByGlobalId('sites', siteGlobalId)).toBe(0);
  });
});

describe('queryRelatedRecords with an analyst token', () => {
  it('returns each site’s cameras', async () => {
    const sites = sql<{ id: number; g: string }>(
      `SELECT "OBJECTID" AS id, "GlobalID" AS g FROM sites ORDER BY "OBJECTID" LIMIT 6`,
    );
    const result = await queryRelated({
      url: `${sourceUrl}/0`,
      relationshipId: 0,
      objectIds: sites.map((s) => s.id),
      outFields: ['OBJECTID', 'site_guid', 'label'],
      authentication: analyst,
    });
    const expected = sites
      .map((site) => ({
        objectId: site.id,
        relatedRecords: sql<{ OBJECTID: number; site_guid: string; label: string }>(
          `SELECT "OBJECTID", site_guid, label FROM cameras WHERE site_guid = ? ORDER BY "OBJECTID"`,
          site.g,
        ).map((r) => ({ ...r })),
      }))
      .filter((group) => group.relatedRecords.length > 0);
    expect(expected.length).toBeGreaterThan(0);
    expect(
      result.relatedRecordGroups.map((group) => ({
        objectId: group.objectId,
        relatedRecords: (group.relatedRecords ?? []).map((r) => r.attributes),
      })),
    ).toEqual(expected);
  });

  it('also works with a plain token parameter', async () => {
    const [site] = sql<{ id: number; g: string }>(
      `SELECT s."OBJECTID" AS id, s."GlobalID" AS g FROM sites s WHERE EXISTS
         (SELECT 1 FROM cameras c WHERE c.site_guid = s."GlobalID") LIMIT 1`,
    );
    const result = await queryRelated({
      url: `${sourceUrl}/0`,
      relationshipId: 0,
      objectIds: [site!.id],
      params: { token: analyst.token },
    });
    expect(result.relatedRecordGroups[0]!.relatedRecords!.length).toBe(
      sql<{ n: number }>('SELECT count(*) AS n FROM cameras WHERE site_guid = ?', site!.g)[0]!.n,
    );
  });
});

describe('errors as arcgis-rest-js reports them', () => {
  it('499 without a token is an ArcGISAuthError', async () => {
    const failure = await queryFeatures({ url: `${officerUrl}/1` }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArcGISAuthError);
    expect((failure as ArcGISAuthError).response).toMatchObject({ error: { code: 499 } });
  });

  it('498 for a token the server never issued', async () => {
    const failure = await queryFeatures({
      url: `${officerUrl}/1`,
      params: { token: 'not-a-real-token' },
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArcGISAuthError);
    expect((failure as ArcGISAuthError).code).toBe(498);
  });

  it('403 when the role may not use the service', async () => {
    const failure = await queryFeatures({
      url: `${sourceUrl}/0`,
      authentication: officer(),
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArcGISRequestError);
    expect(failure).not.toBeInstanceOf(ArcGISAuthError);
    expect((failure as ArcGISRequestError).code).toBe(403);
  });

  it('403 when the layer does not allow the operation (query on the public view)', async () => {
    const failure = await queryFeatures({ url: `${publicUrl}/0` }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArcGISRequestError);
    expect((failure as ArcGISRequestError).code).toBe(403);
  });

  it('400 for a bad where clause', async () => {
    const failure = await queryFeatures({
      url: `${officerUrl}/1`,
      where: 'label = ',
      ...AREA_FILTER,
      authentication: officer(),
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArcGISRequestError);
    expect((failure as ArcGISRequestError).code).toBe(400);
    expect((failure as ArcGISRequestError).originalMessage).toMatch(/where clause/i);
  });
});
