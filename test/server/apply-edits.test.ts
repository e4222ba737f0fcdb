/**
 * Editing through the local feature service over HTTP: applyEdits at layer and service
 * level, addFeatures/updateFeatures/deleteFeatures, and the values only the server sets.
 * https://developers.arcgis.com/rest/services-reference/enterprise/apply-edits-feature-service-layer/
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import { auditEntryHash } from '../../src/server/edits/apply-edits.js';
import {
  nothingApplied,
  refusedEdits,
  type EditResult,
  type LayerResults,
} from '../helpers/edit-answers.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

type Json = Record<string, unknown>;
/** ArcGIS's top-level error, for a call refused as a whole. */
interface ErrorEnvelope {
  error: { code: number; message: string; details: string[] };
}

let server: TestServer;
const tokens: Record<'officer' | 'analyst' | 'admin', string> = {
  officer: '',
  analyst: '',
  admin: '',
};
let publicUrl: string;
let officerUrl: string;
let sourceUrl: string;

beforeAll(async () => {
  server = await startTestServer({ sites: 300 });
  [tokens.officer, tokens.analyst, tokens.admin] = await Promise.all([
    server.token('officer1'),
    server.token('analyst1'),
    server.token('admin1'),
  ]);
  publicUrl = server.service('CommunityCameras_public');
  officerUrl = server.service('CommunityCameras_officer');
  sourceUrl = server.service('CommunityCameras');
});
afterAll(() => server?.close());

async function post<T = Json>(
  url: string,
  params: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const body = new URLSearchParams({ f: 'json' });
  if (token) body.set('token', token);
  for (const [key, value] of Object.entries(params)) {
    body.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

function sql<T = Json>(text: string, ...params: (string | number | null)[]): T[] {
  return server.db.prepare(text).all(...params) as T[];
}

function count(table: string, where = '1=1', ...params: (string | number | null)[]): number {
  return sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, ...params)[0]!.n;
}

function guid(): string {
  return `{${randomUUID().toUpperCase()}}`;
}

function site(overrides: Json = {}, geometry: Json = { x: -94.41, y: 39.09 }): Json {
  const reference = formatReference(randomBytes(8));
  return {
    geometry,
    attributes: {
      registration_ref: reference,
      manage_code_hash: createHash('sha256')
        .update(manageCodeHashInput(reference, formatManageCode(randomBytes(10))))
        .digest('hex'),
      site_type: 'residence',
      contact_name: 'Robin Example',
      contact_role: 'owner',
      phone: '+18165550188',
      address: '901 N Liberty St',
      share_willingness: 'yes',
      consent_version: '2026-01',
      ...overrides,
    },
  };
}

function camera(siteGuid: string, overrides: Json = {}): Json {
  return {
    geometry: { x: -94.41001, y: 39.09001 },
    attributes: {
      site_guid: siteGuid,
      label: 'Porch',
      mount: 'exterior',
      recording_mode: 'motion',
      retention_days: 10,
      ...overrides,
    },
  };
}

function auditEntry(overrides: Json = {}): Json {
  return {
    attributes: {
      case_number: `26-${randomBytes(3).toString('hex')}`,
      purpose: 'criminal_investigation',
      incident_at: Date.UTC(2026, 10, 20, 22, 15),
      incident_x: -94.415,
      incident_y: 39.085,
      radius_m: 152.4,
      result_count: 7,
      ...overrides,
    },
  };
}

/**
 * The service-level `edits` of one registration as the public form sends it (with
 * `useGlobalIds`): a site with its client GlobalID and a camera naming it.
 */
function registration(overrides: Json = {}, siteGuid = guid()): Json[] {
  return [
    { id: 0, adds: [site({ GlobalID: siteGuid, ...overrides })] },
    { id: 1, adds: [camera(siteGuid, { GlobalID: guid() })] },
  ];
}

/** Posts a registration to the public view; answers the service-level results or an error. */
function register<T = (LayerResults & { id: number })[]>(
  edits: Json[] = registration(),
  params: Json = {},
  token?: string,
): Promise<T> {
  return post<T>(`${publicUrl}/applyEdits`, { useGlobalIds: true, edits, ...params }, token);
}

/** A pending site registered anonymously (with its camera); returns its OBJECTID and GlobalID. */
async function addPendingSite(): Promise<{ objectId: number; globalId: string }> {
  const [sites, cameras] = await register();
  expect(sites?.addResults[0]?.success).toBe(true);
  expect(cameras?.addResults[0]?.success).toBe(true);
  return { objectId: sites!.addResults[0]!.objectId, globalId: sites!.addResults[0]!.globalId! };
}

describe('result shapes', () => {
  it('layer applyEdits answers addResults, updateResults and deleteResults', async () => {
    const added = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { adds: [site()] },
      tokens.analyst,
    );
    expect(Object.keys(added).sort()).toEqual(['addResults', 'deleteResults', 'updateResults']);
    const [result] = added.addResults;
    expect(result).toEqual({
      objectId: expect.any(Number),
      uniqueId: result!.objectId,
      globalId: expect.stringMatching(
        /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/,
      ),
      success: true,
    });
    const [stored] = sql<{ g: string }>(
      'SELECT "GlobalID" AS g FROM sites WHERE "OBJECTID" = ?',
      result!.objectId,
    );
    expect(stored!.g).toBe(result!.globalId);

    const both = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      {
        updates: [{ attributes: { OBJECTID: result!.objectId, unit: 'Apt 2' } }],
        deletes: String(result!.objectId),
      },
      tokens.analyst,
    );
    expect(both.addResults).toEqual([]);
    expect(both.updateResults).toEqual([
      {
        objectId: result!.objectId,
        uniqueId: result!.objectId,
        globalId: result!.globalId,
        success: true,
      },
    ]);
    expect(both.deleteResults).toEqual([
      {
        objectId: result!.objectId,
        uniqueId: result!.objectId,
        globalId: result!.globalId,
        success: true,
      },
    ]);
    expect(count('sites', '"OBJECTID" = ?', result!.objectId)).toBe(0);
  });

  it('service applyEdits answers one entry per layer, in request order', async () => {
    const siteGuid = guid();
    const results = await post<(LayerResults & { id: number })[]>(
      `${sourceUrl}/applyEdits`,
      {
        useGlobalIds: true,
        edits: [
          { id: 0, adds: [site({ GlobalID: siteGuid })] },
          { id: 1, adds: [camera(siteGuid, { GlobalID: guid() })] },
          { id: 2, adds: [] },
        ],
      },
      tokens.analyst,
    );
    expect(results.map((r) => r.id)).toEqual([0, 1, 2]);
    expect(results[0]!.addResults[0]).toMatchObject({ success: true, globalId: siteGuid });
    expect(results[1]!.addResults[0]).toMatchObject({ success: true });
    expect(results[2]).toEqual({ id: 2, addResults: [], updateResults: [], deleteResults: [] });
  });

  it('addFeatures, updateFeatures and deleteFeatures answer their one list', async () => {
    const added = await post<Json>(
      `${sourceUrl}/1/addFeatures`,
      { features: [camera((await addPendingSite()).globalId)] },
      tokens.analyst,
    );
    expect(Object.keys(added)).toEqual(['addResults']);
    const id = (added.addResults as EditResult[])[0]!.objectId;
    const updated = await post<Json>(
      `${sourceUrl}/1/updateFeatures`,
      { features: [{ attributes: { OBJECTID: id, label: 'Side gate' } }] },
      tokens.analyst,
    );
    expect(Object.keys(updated)).toEqual(['updateResults']);
    expect(sql('SELECT label FROM cameras WHERE "OBJECTID" = ?', id)).toEqual([
      { label: 'Side gate' },
    ]);
    const deleted = await post<Json>(
      `${sourceUrl}/1/deleteFeatures`,
      { objectIds: String(id) },
      tokens.analyst,
    );
    expect(Object.keys(deleted)).toEqual(['deleteResults']);
    expect(count('cameras', '"OBJECTID" = ?', id)).toBe(0);
  });

  it('returnEditMoment adds the time of the edit', async () => {
    const before = Date.now();
    const result = await post<{ editMoment: number }>(
      `${sourceUrl}/0/applyEdits`,
      { adds: [site()], returnEditMoment: true },
      tokens.analyst,
    );
    expect(result.editMoment).toBeGreaterThanOrEqual(before);
    expect(result.editMoment).toBeLessThanOrEqual(Date.now());
  });
});

describe('rollbackOnFailure', () => {
  it('true (the default): one bad edit and nothing is written; every problem is listed', async () => {
    const sitesBefore = count('sites');
    const camerasBefore = count('cameras');
    const good = site();
    const siteGuid = guid();
    const failure = await post<LayerResults[]>(
      `${sourceUrl}/applyEdits`,
      {
        useGlobalIds: true,
        edits: [
          {
            id: 0,
            adds: [site({ GlobalID: siteGuid }), good, site({ contact_role: 'landlord' })],
          },
          {
            id: 1,
            adds: [camera(siteGuid, { retention_days: 9999 }), camera(siteGuid)],
          },
        ],
      },
      tokens.analyst,
    );
    // Every edit answered: the two refused with their problems, the rest as not applied.
    expect(failure.map((layer) => layer.addResults.map((r) => r.error?.code))).toEqual([
      [1003, 1003, 1000],
      [1000, 1003],
    ]);
    expect(failure[0]!.addResults[2]!.error?.description).toBe(
      'contact_role is not one of the allowed values.',
    );
    expect(nothingApplied(failure)).toBe(true);
    expect(refusedEdits(failure)).toEqual([
      '0/addResults[2] contact_role NOT_IN_DOMAIN',
      '1/addResults[0] retention_days OUT_OF_RANGE',
    ]);
    expect(count('sites')).toBe(sitesBefore);
    expect(count('cameras')).toBe(camerasBefore);
    expect(
      count('sites', 'registration_ref = ?', (good.attributes as Json).registration_ref as string),
    ).toBe(0);
  });

  it('false: each edit stands or falls alone, with an error per failed edit', async () => {
    const existing = await addPendingSite();
    const good = site();
    const result = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      {
        rollbackOnFailure: false,
        adds: [good, site({ email: 'nope', phone: null })],
        updates: [
          { attributes: { OBJECTID: existing.objectId, contact_name: 'Renamed' } },
          { attributes: { OBJECTID: 987_654, contact_name: 'Nobody' } },
          { attributes: { OBJECTID: existing.objectId, site_type: 'business' } },
        ],
        deletes: '987655',
      },
      tokens.analyst,
    );
    expect(result.addResults[0]).toMatchObject({ success: true });
    expect(result.addResults[1]).toEqual({
      objectId: -1,
      uniqueId: -1,
      globalId: null,
      success: false,
      error: {
        code: 1000,
        description:
          'email is not a valid email address. A phone number or an email address is required.',
        appCode: 'INVALID_INPUT',
        field: 'email',
        issues: [
          { field: 'email', code: 'INVALID_EMAIL' },
          { field: 'phone', code: 'CONTACT_REQUIRED' },
        ],
      },
    });
    expect(result.updateResults.map((r) => r.success)).toEqual([true, false, false]);
    // ArcGIS's "Object is missing".
    expect(result.updateResults[1]!.error).toMatchObject({ code: 1011, appCode: 'NOT_FOUND' });
    // A business needs its name: the merged record is checked, not just the change.
    expect(result.updateResults[2]!.error).toMatchObject({
      code: 1019,
      issues: [{ field: 'business_name', code: 'BUSINESS_NAME_REQUIRED' }],
    });
    expect(result.deleteResults[0]).toMatchObject({
      objectId: 987_655,
      success: false,
      error: { code: 1011, appCode: 'NOT_FOUND', field: 'OBJECTID' },
    });
    expect(
      sql('SELECT contact_name, site_type FROM sites WHERE "OBJECTID" = ?', existing.objectId),
    ).toEqual([{ contact_name: 'Renamed', site_type: 'residence' }]);
    expect(
      count('sites', 'registration_ref = ?', (good.attributes as Json).registration_ref as string),
    ).toBe(1);
  });

  it('refuses malformed edits lists with a 400 and writes nothing', async () => {
    const before = count('sites');
    for (const params of [
      { adds: '{not json' },
      { adds: '{"attributes":{}}' },
      { deletes: 'one,two' },
      { rollbackOnFailure: 'maybe', adds: [site()] },
    ]) {
      const result = await post<Partial<ErrorEnvelope>>(
        `${sourceUrl}/0/applyEdits`,
        params,
        tokens.analyst,
      );
      expect(result.error?.code, JSON.stringify(params)).toBe(400);
    }
    expect(
      (
        await post<Partial<ErrorEnvelope>>(
          `${sourceUrl}/applyEdits`,
          { edits: [{ adds: [site()] }] },
          tokens.analyst,
        )
      ).error?.code,
    ).toBe(400);
    // A feature that is not an object is that edit's own failure, answered per edit.
    const notAFeature = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { adds: '[42]', rollbackOnFailure: true },
      tokens.analyst,
    );
    expect(notAFeature.addResults).toMatchObject([
      { success: false, error: { code: 1000, field: 'attributes' } },
    ]);
    expect(count('sites')).toBe(before);
  });
});

describe('useGlobalIds', () => {
  it('adds keep the client GlobalID, updates and deletes find rows by it', async () => {
    const lower = randomUUID();
    const expected = `{${lower.toUpperCase()}}`;
    const added = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { useGlobalIds: true, adds: [site({ GlobalID: lower })] },
      tokens.analyst,
    );
    expect(added.addResults[0]).toMatchObject({ success: true, globalId: expected });
    expect(count('sites', '"GlobalID" = ?', expected)).toBe(1);

    const updated = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      {
        useGlobalIds: true,
        updates: [{ attributes: { GlobalID: expected, contact_name: 'By GUID' } }],
      },
      tokens.analyst,
    );
    expect(updated.updateResults[0]).toMatchObject({
      success: true,
      objectId: added.addResults[0]!.objectId,
      globalId: expected,
    });
    expect(sql('SELECT contact_name FROM sites WHERE "GlobalID" = ?', expected)).toEqual([
      { contact_name: 'By GUID' },
    ]);

    const deleted = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { useGlobalIds: true, deletes: JSON.stringify([expected]) },
      tokens.analyst,
    );
    expect(deleted.deleteResults[0]).toMatchObject({ success: true, globalId: expected });
    expect(count('sites', '"GlobalID" = ?', expected)).toBe(0);
  });

  it('service-level deletes by GlobalID', async () => {
    const cameraGuid = guid();
    const siteRow = await addPendingSite();
    await post(
      `${sourceUrl}/applyEdits`,
      {
        useGlobalIds: true,
        edits: [{ id: 1, adds: [camera(siteRow.globalId, { GlobalID: cameraGuid })] }],
      },
      tokens.analyst,
    );
    expect(count('cameras', '"GlobalID" = ?', cameraGuid)).toBe(1);
    const results = await post<LayerResults[]>(
      `${sourceUrl}/applyEdits`,
      { useGlobalIds: true, edits: [{ id: 1, deletes: [cameraGuid] }] },
      tokens.analyst,
    );
    expect(results[0]!.deleteResults[0]).toMatchObject({ success: true, globalId: cameraGuid });
    expect(count('cameras', '"GlobalID" = ?', cameraGuid)).toBe(0);
  });

  it('a GlobalID already taken is the same add retried, never a second row', async () => {
    const globalId = guid();
    const edits = registration({}, globalId);
    const results = await Promise.all(Array.from({ length: 10 }, () => register(edits)));
    const objectIds = new Set(results.map((r) => r[0]!.addResults[0]!.objectId));
    expect(objectIds.size).toBe(1);
    expect(results.every((r) => r.every((layer) => layer.addResults[0]!.success))).toBe(true);
    expect(count('sites', '"GlobalID" = ?', globalId)).toBe(1);
    expect(count('cameras', 'site_guid = ?', globalId)).toBe(1);
  });

  it('refuses a GlobalID that is not a GUID', async () => {
    const result = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { useGlobalIds: true, rollbackOnFailure: false, adds: [site({ GlobalID: 'abc' })] },
      tokens.analyst,
    );
    expect(result.addResults[0]).toMatchObject({ success: false, error: { code: 1000 } });
    // The public view refuses the whole registration: its cameras could name no site.
    const refused = await register<LayerResults[]>(registration({}, 'abc'), {
      rollbackOnFailure: false,
    });
    expect(nothingApplied(refused)).toBe(true);
    // Each edit reports its own problems: the camera names its site by that same non-GUID.
    expect(refusedEdits(refused)).toEqual([
      '0/addResults[0] GlobalID INVALID_FORMAT',
      '1/addResults[0] site_guid INVALID_FORMAT',
    ]);
  });
});

describe('deletes', () => {
  it('deleteFeatures by where removes exactly the matching rows and their cameras', async () => {
    const where = "status = 'rejected' AND site_type = 'residence'";
    const targets = sql<{ id: number; g: string }>(
      `SELECT "OBJECTID" AS id, "GlobalID" AS g FROM sites WHERE ${where}`,
    );
    expect(targets.length).toBeGreaterThan(0);
    const othersBefore = count('sites') - targets.length;
    const result = await post<{ deleteResults: EditResult[] }>(
      `${sourceUrl}/0/deleteFeatures`,
      { where },
      tokens.analyst,
    );
    expect(result.deleteResults.map((r) => r.objectId).sort((a, b) => a - b)).toEqual(
      targets.map((t) => t.id).sort((a, b) => a - b),
    );
    expect(result.deleteResults.every((r) => r.success)).toBe(true);
    expect(count('sites', where)).toBe(0);
    expect(count('sites')).toBe(othersBefore);
    for (const target of targets) expect(count('cameras', 'site_guid = ?', target.g)).toBe(0);
  });

  it('deleteFeatures narrows by objectIds, where and geometry together, as a query does', async () => {
    const where = "site_type = 'business'";
    const [business] = sql<{ id: number; x: number; y: number }>(
      `SELECT "OBJECTID" AS id, _x AS x, _y AS y FROM sites WHERE ${where} ORDER BY "OBJECTID" LIMIT 1`,
    );
    const [other] = sql<{ id: number }>(
      `SELECT "OBJECTID" AS id FROM sites WHERE site_type <> 'business' ORDER BY "OBJECTID" LIMIT 1`,
    );
    const businessesBefore = count('sites', where);
    // objectIds AND where: only the business among the two ids goes.
    const byIds = await post<{ deleteResults: EditResult[] }>(
      `${sourceUrl}/0/deleteFeatures`,
      { objectIds: `${business!.id},${other!.id}`, where },
      tokens.analyst,
    );
    expect(byIds.deleteResults.map((r) => r.objectId)).toEqual([business!.id]);
    expect(count('sites', '"OBJECTID" = ?', other!.id)).toBe(1);
    expect(count('sites', where)).toBe(businessesBefore - 1);

    // where AND geometry: only the businesses inside the box go.
    const box = { xmin: -94.43, ymin: 39.07, xmax: -94.4, ymax: 39.09 };
    const inBox = sql<{ id: number }>(
      `SELECT "OBJECTID" AS id FROM sites WHERE ${where} AND _x BETWEEN ? AND ? AND _y BETWEEN ? AND ?`,
      box.xmin,
      box.xmax,
      box.ymin,
      box.ymax,
    ).map((r) => r.id);
    expect(inBox.length).toBeGreaterThan(0);
    const byArea = await post<{ deleteResults: EditResult[] }>(
      `${sourceUrl}/0/deleteFeatures`,
      { where, geometry: box, geometryType: 'esriGeometryEnvelope' },
      tokens.analyst,
    );
    expect(byArea.deleteResults.map((r) => r.objectId).sort((a, b) => a - b)).toEqual(
      inBox.sort((a, b) => a - b),
    );
    expect(count('sites', where)).toBe(businessesBefore - 1 - inBox.length);

    const nothing = await post<Partial<ErrorEnvelope>>(
      `${sourceUrl}/0/deleteFeatures`,
      {},
      tokens.analyst,
    );
    expect(nothing.error?.code).toBe(400);
  });

  it('deleting a site removes its cameras and contact log entries (composite)', async () => {
    const [target] = sql<{ id: number; g: string }>(
      `SELECT s."OBJECTID" AS id, s."GlobalID" AS g FROM sites s
       WHERE s.status = 'verified' AND (s.confirm_due_at IS NULL OR s.confirm_due_at > ?)
         AND (SELECT count(*) FROM cameras c WHERE c.site_guid = s."GlobalID") >= 2 LIMIT 1`,
      Date.now(),
    );
    await post(
      `${officerUrl}/2/addFeatures`,
      {
        features: [
          {
            attributes: {
              site_guid: target!.g,
              case_number: '26-000123',
              contact_method: 'phone',
              outcome: 'footage_requested',
            },
          },
        ],
      },
      tokens.officer,
    );
    expect(count('contact_log', 'site_guid = ?', target!.g)).toBe(1);
    const otherCameras = count('cameras', 'site_guid <> ?', target!.g);
    const result = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { deletes: [target!.id] },
      tokens.admin,
    );
    expect(result.deleteResults[0]).toMatchObject({ success: true, objectId: target!.id });
    expect(count('cameras', 'site_guid = ?', target!.g)).toBe(0);
    expect(count('contact_log', 'site_guid = ?', target!.g)).toBe(0);
    expect(count('cameras', 'site_guid <> ?', target!.g)).toBe(otherCameras);
  });

  it('a failed composite delete inside a rolled-back call leaves the cameras', async () => {
    const [target] = sql<{ id: number; g: string }>(
      `SELECT s."OBJECTID" AS id, s."GlobalID" AS g FROM sites s
       WHERE EXISTS (SELECT 1 FROM cameras c WHERE c.site_guid = s."GlobalID") LIMIT 1`,
    );
    const cameras = count('cameras', 'site_guid = ?', target!.g);
    const failure = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { deletes: [target!.id, 999_999] },
      tokens.analyst,
    );
    expect(failure.deleteResults.map((r) => [r.objectId, r.error?.code])).toEqual([
      [target!.id, 1003],
      [999_999, 1011],
    ]);
    expect(refusedEdits(failure)).toEqual(['/deleteResults[1] OBJECTID NOT_FOUND']);
    expect(count('sites', '"OBJECTID" = ?', target!.id)).toBe(1);
    expect(count('cameras', 'site_guid = ?', target!.g)).toBe(cameras);
  });
});

describe('values only the server sets', () => {
  it('consent_at is the server clock, whatever the client sends', async () => {
    const before = Date.now();
    const [publicAdd] = await register(registration({ consent_at: 0 }), {
      rollbackOnFailure: false,
    });
    const sourceAdd = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { adds: [site({ consent_at: 86_400_000 })] },
      tokens.analyst,
    );
    const after = Date.now();
    for (const result of [publicAdd!, sourceAdd]) {
      expect(result.addResults[0]?.success).toBe(true);
      const [row] = sql<{ consent_at: number }>(
        'SELECT consent_at FROM sites WHERE "OBJECTID" = ?',
        result.addResults[0]!.objectId,
      );
      expect(row!.consent_at).toBeGreaterThanOrEqual(before);
      expect(row!.consent_at).toBeLessThanOrEqual(after);
    }
    // Nor can an update move it.
    const id = sourceAdd.addResults[0]!.objectId;
    const [stamped] = sql<{ consent_at: number }>(
      'SELECT consent_at FROM sites WHERE "OBJECTID" = ?',
      id,
    );
    await post(
      `${sourceUrl}/0/applyEdits`,
      { updates: [{ attributes: { OBJECTID: id, consent_at: 1 } }] },
      tokens.analyst,
    );
    expect(sql('SELECT consent_at FROM sites WHERE "OBJECTID" = ?', id)).toEqual([stamped]);
  });

  it('public adds are pending, from the web, and may not choose their status', async () => {
    const { objectId } = await addPendingSite();
    expect(
      sql(
        'SELECT status, source_channel, "Creator", confirm_due_at > 0 AS due FROM sites WHERE "OBJECTID" = ?',
        objectId,
      ),
    ).toEqual([{ status: 'pending', source_channel: 'web', Creator: null, due: 1 }]);
    const refused = await register<LayerResults[]>(registration({ status: 'verified' }), {
      rollbackOnFailure: false,
    });
    expect(nothingApplied(refused)).toBe(true);
    expect(refusedEdits(refused)).toEqual(['0/addResults[0] status UNKNOWN_FIELD']);
  });

  it('Creator and Editor come from the token, never from the attributes', async () => {
    const added = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { adds: [site({ Creator: 'mallory', Editor: 'mallory', CreationDate: 0 })] },
      tokens.analyst,
    );
    const id = added.addResults[0]!.objectId;
    const [created] = sql<{ Creator: string; CreationDate: number; Editor: string | null }>(
      'SELECT "Creator", "CreationDate", "Editor" FROM sites WHERE "OBJECTID" = ?',
      id,
    );
    expect(created!.Creator).toBe('analyst1');
    expect(created!.CreationDate).toBeGreaterThan(Date.now() - 60_000);
    expect(created!.Editor).not.toBe('mallory');

    await post(
      `${sourceUrl}/0/applyEdits`,
      {
        updates: [
          { attributes: { OBJECTID: id, unit: '3B', Editor: 'mallory', Creator: 'mallory' } },
        ],
      },
      tokens.admin,
    );
    expect(sql('SELECT "Creator", "Editor", unit FROM sites WHERE "OBJECTID" = ?', id)).toEqual([
      { Creator: 'analyst1', Editor: 'admin1', unit: '3B' },
    ]);

    const [officerAdd] = await register(registration(), {}, tokens.officer);
    expect(
      sql('SELECT "Creator" FROM sites WHERE "OBJECTID" = ?', officerAdd!.addResults[0]!.objectId),
    ).toEqual([{ Creator: 'officer1' }]);
  });

  it('SearchAudit entries form a hash chain, each linking the previous entry', async () => {
    for (let i = 0; i < 3; i += 1) {
      const result = await post<LayerResults>(
        `${officerUrl}/3/applyEdits`,
        {
          adds: [
            auditEntry({ result_count: i, entry_hash: 'f'.repeat(64), prev_hash: '0'.repeat(64) }),
          ],
        },
        tokens.officer,
      );
      expect(result.addResults[0]?.success).toBe(true);
    }
    await post(
      `${officerUrl}/3/addFeatures`,
      { features: [auditEntry(), auditEntry()] },
      tokens.officer,
    );
    const rows = sql<Record<string, string | number | null>>(
      'SELECT * FROM search_audit ORDER BY "OBJECTID"',
    );
    expect(rows).toHaveLength(5);
    let previous = '0'.repeat(64);
    for (const row of rows) {
      expect(row.prev_hash).toBe(previous);
      expect(row.entry_hash).toBe(auditEntryHash(previous, row));
      expect(row.entry_hash).not.toBe('f'.repeat(64));
      expect(row.Creator).toBe('officer1');
      previous = row.entry_hash as string;
    }
    // Tampering with any covered field breaks the chain from there on.
    const second = rows[1]!;
    expect(auditEntryHash(rows[0]!.entry_hash as string, { ...second, radius_m: 5000 })).not.toBe(
      second.entry_hash,
    );
  });
});

describe('geometry on edits', () => {
  it('stores a Web Mercator point in WGS84 and refuses a missing or impossible point', async () => {
    const x = (-94.42 * Math.PI * 6_378_137) / 180;
    const y = 6_378_137 * Math.log(Math.tan(Math.PI / 4 + (39.1 * Math.PI) / 360));
    const result = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      {
        rollbackOnFailure: false,
        adds: [
          site({}, { x, y, spatialReference: { wkid: 102100, latestWkid: 3857 } }),
          { attributes: site().attributes as Json },
          site({}, { x: 500, y: 95 }),
          site({}, { x: 'a', y: 1 }),
        ],
      },
      tokens.analyst,
    );
    expect(result.addResults.map((r) => r.success)).toEqual([true, false, false, false]);
    // ArcGIS's "Geometry could not be set", with what was wrong as data.
    expect(result.addResults.slice(1).map((r) => [r.error?.code, r.error?.issues])).toEqual([
      [1015, [{ field: 'geometry', code: 'REQUIRED' }]],
      [1015, [{ field: 'geometry', code: 'OUT_OF_RANGE' }]],
      [1015, [{ field: 'geometry', code: 'WRONG_TYPE' }]],
    ]);
    const [row] = sql<{ x: number; y: number }>(
      'SELECT _x AS x, _y AS y FROM sites WHERE "OBJECTID" = ?',
      result.addResults[0]!.objectId,
    );
    expect(row!.x).toBeCloseTo(-94.42, 9);
    expect(row!.y).toBeCloseTo(39.1, 9);
  });
});

describe('public cameras must belong to a pending registration', () => {
  it('accepts the cameras of the site sent with them, refuses an unknown or a verified site', async () => {
    const [verified] = sql<{ g: string }>(
      `SELECT "GlobalID" AS g FROM sites WHERE status = 'verified' LIMIT 1`,
    );
    const before = count('cameras');
    const siteGuid = guid();
    const edits = registration({}, siteGuid);
    const withCameras = (...cameras: Json[]) => [edits[0]!, { id: 1, adds: cameras }];
    for (const other of [guid(), verified!.g]) {
      const refused = await register<LayerResults[]>(
        withCameras(camera(siteGuid, { GlobalID: guid() }), camera(other)),
        { rollbackOnFailure: false },
      );
      expect(refusedEdits(refused)).toEqual(['1/addResults[1] site_guid NOT_THIS_SITE']);
    }
    expect(count('cameras')).toBe(before);
    const first = camera(siteGuid, { GlobalID: guid() });
    const [, accepted] = await register(withCameras(first));
    expect(accepted!.addResults.map((r) => r.success)).toEqual([true]);
    expect(count('cameras')).toBe(before + 1);
    // Once verified, the registration takes no new camera, even sent as its retry.
    server.db.prepare(`UPDATE sites SET status = 'verified' WHERE "GlobalID" = ?`).run(siteGuid);
    const late = await register<LayerResults[]>(withCameras(first, camera(siteGuid)));
    // The same answer as for a site that does not exist: a GlobalID's existence is not told.
    expect(refusedEdits(late)).toEqual(['1/addResults[1] site_guid PARENT_NOT_FOUND']);
    expect(count('cameras')).toBe(before + 1);
    // The analyst, through the source service, may attach a camera to any site.
    const analystAdd = await post<LayerResults>(
      `${sourceUrl}/1/applyEdits`,
      { adds: [camera(verified!.g)] },
      tokens.analyst,
    );
    expect(analystAdd.addResults[0]?.success).toBe(true);
  });
});

describe('concurrency', () => {
  it('50 parallel public registrations over HTTP all land, each exactly once', async () => {
    const before = count('sites');
    const registrations = Array.from({ length: 50 }, () => registration());
    const results = await Promise.all(registrations.map((edits) => register(edits)));
    expect(results.every((r) => r.every((layer) => layer.addResults[0]?.success))).toBe(true);
    expect(new Set(results.map((r) => r[0]!.addResults[0]!.objectId)).size).toBe(50);
    expect(count('sites')).toBe(before + 50);
    for (const edits of registrations) {
      const [feature] = (edits[0] as { adds: Json[] }).adds;
      const ref = (feature!.attributes as Json).registration_ref as string;
      expect(count('sites', 'registration_ref = ?', ref)).toBe(1);
    }
  });
});
