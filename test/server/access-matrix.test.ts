/**
 * Who may do what, generated from the route table (`ROUTES`, `VIEW_ROLES`) and
 * each layer's `access` in the schema: every service view × layer × operation × caller
 * gets the answer the policy promises, and a refused edit changes nothing.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import { LAYERS, RELATIONSHIPS, SITES } from '../../src/core/schema/registry-schema.js';
import type { LayerDef, Operation, ViewName } from '../../src/core/schema/schema-types.js';
import {
  fieldsInView,
  layerById,
  layersInView,
  operationsInView,
  SERVICE_OF_VIEW,
} from '../../src/core/schema/views.js';
import { VIEW_ROLES, type RoutePolicy } from '../../src/server/access-policy.js';
import { PLUGIN_ROUTES, ROUTES } from '../../src/server/routes/index.js';
import { signIn } from '../../src/server/auth/accounts.js';
import { tableName } from '../../src/server/db/registry-tables.js';
import { DEFAULT_CITY_EXTENT } from '../../src/server/create-server.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

type Json = Record<string, unknown>;
type Role = 'officer' | 'analyst' | 'admin';
type CallerName = 'anonymous' | Role | 'bad token';
type EditOp = 'add' | 'update' | 'delete';
type LayerOp = 'layer info' | 'query' | 'queryRelatedRecords' | EditOp;
type Endpoint = 'layer applyEdits' | 'feature operation' | 'service applyEdits';
/** `ok`, or the ArcGIS error code the caller must get. */
type Expected = 'ok' | 400 | 403 | 404 | 498 | 499;

const FS = '/arcgis/rest/services/:service/FeatureServer';
const VIEWS = Object.keys(SERVICE_OF_VIEW) as ViewName[];
const CALLERS: readonly CallerName[] = ['anonymous', 'officer', 'analyst', 'admin', 'bad token'];
const USERNAME: Readonly<Record<Role, string>> = {
  officer: 'officer1',
  analyst: 'analyst1',
  admin: 'admin1',
};
const OPERATION_OF: Readonly<Record<EditOp, Operation>> = {
  add: 'create',
  update: 'update',
  delete: 'delete',
};
const FEATURE_OPERATION: Readonly<Record<EditOp, string>> = {
  add: 'addFeatures',
  update: 'updateFeatures',
  delete: 'deleteFeatures',
};

/**
 * The feature service routes this file exercises, keyed by their policy URL. A policy the
 * table does not cover fails the coverage test, so a new route cannot escape the matrix.
 */
const ROUTE_POLICIES: readonly RoutePolicy[] = [...ROUTES, ...PLUGIN_ROUTES];

const DRIVEN_ROUTES: Readonly<Record<string, string>> = {
  [FS]: 'service description',
  [`${FS}/layers`]: 'service description',
  [`${FS}/:layer`]: 'layer info',
  [`${FS}/:layer/query`]: 'query',
  [`${FS}/:layer/queryRelatedRecords`]: 'queryRelatedRecords',
  [`${FS}/:layer/applyEdits`]: 'add, update, delete (layer applyEdits)',
  [`${FS}/:layer/addFeatures`]: 'add (feature operation)',
  [`${FS}/:layer/updateFeatures`]: 'update (feature operation)',
  [`${FS}/:layer/deleteFeatures`]: 'delete (feature operation)',
  [`${FS}/applyEdits`]: 'add, update, delete (service applyEdits)',
};

let server: TestServer;
const tokens: Partial<Record<CallerName, string>> = {};
/**
 * A registration still pending review (so the public view may attach cameras to it), whose
 * manage code the test knows (so its change requests are accepted).
 */
const registration = { reference: '', manageCode: '', siteGuid: '' };
/** A site officers may see: contacts are logged only for such sites. */
let visibleSiteGuid = '';

beforeAll(async () => {
  server = await startTestServer({ sites: 60 });
  for (const role of ['officer', 'analyst', 'admin'] as const) {
    tokens[role] = await server.token(USERNAME[role]);
  }
  // A real token that expired a minute ago.
  tokens['bad token'] = (
    await signIn(
      server.db,
      { username: 'analyst1', password: TEST_PASSWORD, expirationMinutes: 1 },
      undefined,
      Date.now() - 2 * 60_000,
    )
  ).token;
  visibleSiteGuid = (
    server.db
      .prepare(
        `SELECT "GlobalID" AS g FROM sites WHERE status = 'verified'
           AND (confirm_due_at IS NULL OR confirm_due_at > ?) LIMIT 1`,
      )
      .get(Date.now()) as { g: string }
  ).g;
  registration.reference = formatReference(randomBytes(8));
  registration.manageCode = formatManageCode(randomBytes(10));
  const [site, cameras] = registrationEdits();
  const added = await call('anonymous', `${serviceUrl('public')}/applyEdits`, {
    useGlobalIds: true,
    edits: [
      {
        id: SITES.id,
        adds: [
          {
            ...site!.adds[0],
            attributes: {
              ...site!.adds[0]!.attributes,
              registration_ref: registration.reference,
              manage_code_hash: createHash('sha256')
                .update(manageCodeHashInput(registration.reference, registration.manageCode))
                .digest('hex'),
            },
          },
        ],
      },
      cameras,
    ],
  });
  registration.siteGuid = (
    added as unknown as { addResults: { globalId: string }[] }[]
  )[0]!.addResults[0]!.globalId;
});
afterAll(() => server?.close());

function sql<T = Json>(text: string, ...params: (string | number | null)[]): T[] {
  return server.db.prepare(text).all(...params) as T[];
}

function serviceUrl(view: ViewName): string {
  return server.service(SERVICE_OF_VIEW[view]);
}

async function call(
  caller: CallerName,
  url: string,
  params: Record<string, unknown> = {},
  method: 'GET' | 'POST' = 'POST',
): Promise<Json> {
  const form = new URLSearchParams({ f: 'json' });
  const token = tokens[caller];
  if (token) form.set('token', token);
  for (const [key, value] of Object.entries(params)) {
    form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const response =
    method === 'GET'
      ? await fetch(`${url}?${form.toString()}`)
      : await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        });
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

/**
 * Where a query searches. Officers must always search an area of at most a few km (the
 * server refuses to dump Sites or Cameras); tables have no geometry to search by.
 */
function searchArea(layer: LayerDef): Json {
  return layer.kind === 'point'
    ? {
        geometry: { xmin: -94.43, ymin: 39.07, xmax: -94.4, ymax: 39.09 },
        geometryType: 'esriGeometryEnvelope',
      }
    : {};
}

function errorCode(body: Json): number | undefined {
  return (body.error as { code?: number } | undefined)?.code;
}

// ---------------------------------------------------------------------------------------------
// What the policy promises

function viewAdmits(view: ViewName, caller: CallerName): boolean {
  return VIEW_ROLES[view].includes(caller === 'bad token' ? 'anonymous' : caller);
}

/** The relationship a layer takes part in, if any, and the layer at its other end. */
function relationshipOf(layer: LayerDef): { id: number; other: LayerDef } | undefined {
  const rel = RELATIONSHIPS.find(
    (r) => r.originLayerId === layer.id || r.destinationLayerId === layer.id,
  );
  if (!rel) return undefined;
  const other = layerById(
    rel.originLayerId === layer.id ? rel.destinationLayerId : rel.originLayerId,
  );
  return other ? { id: rel.id, other } : undefined;
}

function expectedAnswer(
  view: ViewName,
  layer: LayerDef,
  op: LayerOp,
  caller: CallerName,
  endpoint?: Endpoint,
): Expected {
  if (caller === 'bad token') return 498;
  if (!viewAdmits(view, caller)) return caller === 'anonymous' ? 499 : 403;
  const operations = operationsInView(layer, view);
  // A layer the view does not carry: not found in the URL; a bad layer id in an edits list.
  if (operations.length === 0) return endpoint === 'service applyEdits' ? 400 : 404;
  switch (op) {
    case 'layer info':
      return 'ok';
    case 'query':
      return operations.includes('query') ? 'ok' : 403;
    case 'queryRelatedRecords': {
      if (!operations.includes('query')) return 403;
      const rel = relationshipOf(layer);
      if (!rel) return 400;
      return operationsInView(rel.other, view).includes('query') ? 'ok' : 403;
    }
    default:
      if (!operations.includes(OPERATION_OF[op])) return 403;
      // Through the public view a site comes with its cameras, as one registration, which
      // only a service-level applyEdits can carry.
      if (
        view === 'public' &&
        op === 'add' &&
        REGISTRATION_LAYERS.has(layer.name) &&
        endpoint !== 'service applyEdits'
      ) {
        return 400;
      }
      return 'ok';
  }
}

// ---------------------------------------------------------------------------------------------
// Valid edits for each layer (so that a permitted edit really succeeds)

function newAttributes(layer: LayerDef): Json {
  const reference = formatReference(randomBytes(8));
  switch (layer.name) {
    case 'Sites':
      return {
        registration_ref: reference,
        manage_code_hash: createHash('sha256')
          .update(manageCodeHashInput(reference, formatManageCode(randomBytes(10))))
          .digest('hex'),
        site_type: 'residence',
        contact_name: 'Lee Example',
        contact_role: 'tenant',
        email: 'lee@example.com',
        address: '77 S Main St',
        share_willingness: 'yes',
        consent_version: '2026-01',
      };
    case 'Cameras':
      return {
        site_guid: registration.siteGuid,
        label: 'Garage',
        mount: 'exterior',
        recording_mode: 'continuous',
        retention_days: 5,
      };
    case 'ContactLog':
      return {
        site_guid: visibleSiteGuid,
        case_number: '26-004321',
        contact_method: 'email',
        outcome: 'left_message',
      };
    case 'SearchAudit':
      return {
        case_number: '26-004321',
        purpose: 'missing_person',
        incident_x: -94.41,
        incident_y: 39.09,
        radius_m: 300,
      };
    case 'ChangeRequests':
      return {
        registration_ref: registration.reference,
        manage_code: registration.manageCode,
        request_type: 'reconfirm',
      };
    case 'ReviewLog':
      return {
        site_guid: visibleSiteGuid,
        registration_ref: registration.reference,
        decision: 'verified',
        details: '{"fields":["status"]}',
      };
    default:
      throw new Error(`No sample attributes for ${layer.name}`);
  }
}

function newFeature(layer: LayerDef): Json {
  return {
    attributes: newAttributes(layer),
    ...(layer.kind === 'point' ? { geometry: { x: -94.409, y: 39.091 } } : {}),
  };
}

/** Layers the public view fills only together, one registration per call: a site, its cameras. */
const REGISTRATION_LAYERS: ReadonlySet<string> = new Set(['Sites', 'Cameras']);

/**
 * The service-level `edits` of one new registration (`useGlobalIds`): a site with its client
 * GlobalID and a camera naming it.
 */
function registrationEdits(): { id: number; adds: { attributes: Json; geometry?: Json }[] }[] {
  const siteGuid = `{${randomUUID().toUpperCase()}}`;
  const site = newFeature(layerById(0)!) as { attributes: Json; geometry: Json };
  const camera = newFeature(layerById(1)!) as { attributes: Json; geometry: Json };
  return [
    { id: 0, adds: [{ ...site, attributes: { ...site.attributes, GlobalID: siteGuid } }] },
    { id: 1, adds: [{ ...camera, attributes: { ...camera.attributes, site_guid: siteGuid } }] },
  ];
}

/** A field each layer lets the source service change, for update attempts. */
const UPDATABLE: Readonly<Record<string, [string, string]>> = {
  Sites: ['contact_name', 'Changed Name'],
  Cameras: ['label', 'Changed label'],
  ContactLog: ['follow_up', 'Call back Monday'],
  SearchAudit: ['result_count', '3'],
  ChangeRequests: ['result', 'applied by test'],
  ReviewLog: ['reason', 'Second thoughts'],
};

/** A fresh row, written straight to the database, for an update or delete to aim at. */
async function freshRow(layer: LayerDef): Promise<number> {
  const result = await call('admin', `${serviceUrl('source')}/${layer.id}/applyEdits`, {
    adds: [newFeature(layer)],
  });
  const [added] = (result.addResults ?? []) as { objectId: number; success: boolean }[];
  expect(added?.success, JSON.stringify(result)).toBe(true);
  return added!.objectId;
}

function rowState(layer: LayerDef, objectId: number): string {
  return JSON.stringify(sql(`SELECT * FROM ${tableName(layer)} WHERE "OBJECTID" = ?`, objectId));
}

function rowCount(layer: LayerDef): number {
  return sql<{ n: number }>(`SELECT count(*) AS n FROM ${tableName(layer)}`)[0]!.n;
}

function editRequest(
  view: ViewName,
  layer: LayerDef,
  op: EditOp,
  endpoint: Endpoint,
  target: number,
): { url: string; params: Json } {
  const [field, text] = UPDATABLE[layer.name]!;
  const value = field === 'result_count' ? Number(text) : text;
  const feature = newFeature(layer);
  const update = { attributes: { OBJECTID: target, [field]: value } };
  const base = serviceUrl(view);
  if (endpoint === 'service applyEdits') {
    if (view === 'public' && op === 'add' && REGISTRATION_LAYERS.has(layer.name)) {
      return {
        url: `${base}/applyEdits`,
        params: { useGlobalIds: true, edits: registrationEdits() },
      };
    }
    const entry =
      op === 'add'
        ? { id: layer.id, adds: [feature] }
        : op === 'update'
          ? { id: layer.id, updates: [update] }
          : { id: layer.id, deletes: [target] };
    return { url: `${base}/applyEdits`, params: { edits: [entry] } };
  }
  if (endpoint === 'feature operation') {
    return {
      url: `${base}/${layer.id}/${FEATURE_OPERATION[op]}`,
      params:
        op === 'add'
          ? { features: [feature] }
          : op === 'update'
            ? { features: [update] }
            : { objectIds: String(target) },
    };
  }
  return {
    url: `${base}/${layer.id}/applyEdits`,
    params:
      op === 'add'
        ? { adds: [feature] }
        : op === 'update'
          ? { updates: [update] }
          : { deletes: String(target) },
  };
}

function editSucceeded(body: Json, op: EditOp, endpoint: Endpoint, layer: LayerDef): boolean {
  const key = `${op}Results`;
  const results =
    (endpoint === 'service applyEdits'
      ? ((body as unknown as Json[]).find((entry) => entry.id === layer.id)?.[key] as
          { success: boolean }[] | undefined)
      : (body[key] as { success: boolean }[] | undefined)) ?? [];
  return results.length === 1 && results[0]!.success;
}

// ---------------------------------------------------------------------------------------------

describe('coverage of the policy table', () => {
  it('drives every feature-service route the policy declares', () => {
    const declared = ROUTE_POLICIES.filter((p) => p.access.kind === 'service-view').map(
      (p) => p.url,
    );
    expect(declared.length).toBeGreaterThan(0);
    for (const url of declared) expect(DRIVEN_ROUTES[url], url).toBeDefined();
    expect(Object.keys(DRIVEN_ROUTES).sort()).toEqual([...declared].sort());
  });

  it('refuses methods a route does not declare: no edit by GET', async () => {
    const editRoutes = ROUTE_POLICIES.filter(
      (p) => p.access.kind === 'service-view' && !p.methods.includes('GET'),
    );
    expect(editRoutes.map((p) => p.url.split('/').pop()).sort()).toEqual([
      'addFeatures',
      'applyEdits',
      'applyEdits',
      'deleteFeatures',
      'updateFeatures',
    ]);
    const layer = layerById(0)!;
    const before = rowCount(layer);
    for (const policy of editRoutes) {
      const url = `${server.url}${policy.url.replace(':service', SERVICE_OF_VIEW.source).replace(':layer', '0')}`;
      const body = await call(
        'admin',
        url,
        {
          adds: [newFeature(layer)],
          features: [newFeature(layer)],
          edits: [{ id: 0, adds: [newFeature(layer)] }],
        },
        'GET',
      );
      expect(errorCode(body), policy.url).toBe(404);
    }
    expect(rowCount(layer)).toBe(before);
  });
});

describe('service descriptions', () => {
  for (const view of VIEWS) {
    for (const caller of CALLERS) {
      const expected: Expected =
        caller === 'bad token'
          ? 498
          : viewAdmits(view, caller)
            ? 'ok'
            : caller === 'anonymous'
              ? 499
              : 403;
      it(`${SERVICE_OF_VIEW[view]} as ${caller}: ${expected}`, async () => {
        for (const suffix of ['', '/layers']) {
          const body = await call(caller, `${serviceUrl(view)}${suffix}`, {}, 'GET');
          if (expected === 'ok') {
            expect(body.error).toBeUndefined();
            const listed = suffix
              ? [...(body.layers as Json[]), ...(body.tables as Json[])]
              : [...(body.layers as Json[]), ...(body.tables as Json[])];
            expect(listed.map((l) => l.name).sort()).toEqual(
              layersInView(view)
                .map((l) => l.name)
                .sort(),
            );
          } else {
            expect(errorCode(body)).toBe(expected);
          }
        }
      });
    }
  }
});

describe('every view × layer × operation × caller', () => {
  for (const view of VIEWS) {
    for (const layer of LAYERS) {
      for (const caller of CALLERS) {
        for (const op of ['layer info', 'query', 'queryRelatedRecords'] as const) {
          const expected = expectedAnswer(view, layer, op, caller);
          it(`${view} / ${layer.name} / ${op} / ${caller}: ${expected}`, async () => {
            const base = `${serviceUrl(view)}/${layer.id}`;
            const rel = relationshipOf(layer);
            const body =
              op === 'layer info'
                ? await call(caller, base, {}, 'GET')
                : op === 'query'
                  ? await call(
                      caller,
                      `${base}/query`,
                      { where: '1=1', outFields: '*', ...searchArea(layer) },
                      'GET',
                    )
                  : await call(
                      caller,
                      `${base}/queryRelatedRecords`,
                      { relationshipId: rel?.id ?? 0, objectIds: '1,2,3', outFields: '*' },
                      'GET',
                    );
            if (expected !== 'ok') {
              expect(errorCode(body), JSON.stringify(body)).toBe(expected);
              expect(body).not.toHaveProperty('features');
              return;
            }
            expect(body.error, JSON.stringify(body)).toBeUndefined();
            if (op === 'layer info') expect(body.name).toBe(layer.name);
            if (op === 'query') expect(Array.isArray(body.features)).toBe(true);
            if (op === 'queryRelatedRecords')
              expect(Array.isArray(body.relatedRecordGroups)).toBe(true);
          });
        }

        for (const op of ['add', 'update', 'delete'] as const) {
          for (const endpoint of [
            'layer applyEdits',
            'feature operation',
            'service applyEdits',
          ] as const) {
            const expected = expectedAnswer(view, layer, op, caller, endpoint);
            it(`${view} / ${layer.name} / ${op} via ${endpoint} / ${caller}: ${expected}`, async () => {
              const target = op === 'add' ? 0 : await freshRow(layer);
              const countBefore = rowCount(layer);
              const stateBefore = op === 'add' ? '' : rowState(layer, target);
              const { url, params } = editRequest(view, layer, op, endpoint, target);
              const body = await call(caller, url, params);
              if (expected === 'ok') {
                expect(editSucceeded(body, op, endpoint, layer), JSON.stringify(body)).toBe(true);
                if (op === 'add') expect(rowCount(layer)).toBe(countBefore + 1);
                if (op === 'update') expect(rowState(layer, target)).not.toBe(stateBefore);
                if (op === 'delete') expect(rowState(layer, target)).toBe('[]');
                return;
              }
              expect(errorCode(body), JSON.stringify(body)).toBe(expected);
              // Refused means untouched.
              expect(rowCount(layer)).toBe(countBefore);
              if (op !== 'add') expect(rowState(layer, target)).toBe(stateBefore);
            });
          }
        }
      }
    }
  }
});

describe('other routes', () => {
  const routes: { policy: RoutePolicy; path: string; params: Json }[] = [
    { path: '/arcgis/rest/info', params: {} },
    { path: '/arcgis/rest/services', params: {} },
    { path: '/arcgis/sharing/rest/community/self', params: {} },
    { path: '/arcgis/rest/services/Geocode/GeocodeServer', params: {} },
    {
      path: '/arcgis/rest/services/Geocode/GeocodeServer/findAddressCandidates',
      params: { SingleLine: '100 W Maple Ave' },
    },
    { path: '/arcgis/rest/services/Geocode/GeocodeServer/suggest', params: { text: '100 W Ma' } },
    {
      path: '/arcgis/rest/services/Geocode/GeocodeServer/reverseGeocode',
      params: { location: '-94.41,39.09' },
    },
  ].map((route) => {
    const policy = ROUTE_POLICIES.find((p) => p.url === route.path);
    if (!policy) throw new Error(`No policy for ${route.path}`);
    return { ...route, policy };
  });

  for (const { policy, path, params } of routes) {
    for (const caller of CALLERS) {
      const access = policy.access;
      const expected: Expected =
        caller === 'bad token'
          ? 498
          : access.kind !== 'signed-in'
            ? 'ok'
            : caller === 'anonymous'
              ? 499
              : access.roles.includes(caller)
                ? 'ok'
                : 403;
      it(`${path} as ${caller}: ${expected}`, async () => {
        const body = await call(caller, `${server.url}${path}`, params, 'GET');
        if (expected === 'ok') expect(body.error, JSON.stringify(body)).toBeUndefined();
        else expect(errorCode(body)).toBe(expected);
      });
    }
  }

  it('an unknown service is not found, whoever asks', async () => {
    for (const caller of ['anonymous', 'admin'] as const) {
      const body = await call(
        caller,
        `${server.url}/arcgis/rest/services/Elsewhere/FeatureServer/0/query`,
      );
      expect(errorCode(body)).toBe(404);
    }
  });
});

describe('anonymous callers', () => {
  it('can add on the public view', async () => {
    for (const layer of layersInView('public')) {
      expect(operationsInView(layer, 'public')).toEqual(['create']);
      // Sites and cameras as one registration; change requests alone.
      const endpoint = REGISTRATION_LAYERS.has(layer.name)
        ? 'service applyEdits'
        : 'layer applyEdits';
      const { url, params } = editRequest('public', layer, 'add', endpoint, 0);
      const body = await call('anonymous', url, params);
      expect(editSucceeded(body, 'add', endpoint, layer), JSON.stringify(body)).toBe(true);
    }
  });

  it('can read nothing anywhere: never a feature, an id, a count or an extent of the data', async () => {
    const variants: Json[] = [
      { where: '1=1', outFields: '*' },
      { where: '1=1', returnCountOnly: true },
      { where: '1=1', returnIdsOnly: true },
      { where: '1=1', returnExtentOnly: true },
      { where: '1=1', returnDistinctValues: true, outFields: 'OBJECTID' },
      { outStatistics: [{ statisticType: 'count', onStatisticField: 'OBJECTID' }] },
      { where: '1=1', f: 'geojson' },
      { geometry: '-94.41,39.09', distance: 5000, units: 'esriSRUnit_Meter' },
    ];
    const leaks = /"(features|objectIds|count|extent|relatedRecordGroups|bbox)"/;
    let checked = 0;
    for (const view of VIEWS) {
      for (const layer of LAYERS) {
        const base = `${serviceUrl(view)}/${layer.id}`;
        for (const params of variants) {
          for (const method of ['GET', 'POST'] as const) {
            const body = await call('anonymous', `${base}/query`, params, method);
            expect(JSON.stringify(body)).not.toMatch(leaks);
            expect(body.error).toBeDefined();
            checked += 1;
          }
        }
        const related = await call('anonymous', `${base}/queryRelatedRecords`, {
          relationshipId: relationshipOf(layer)?.id ?? 0,
          objectIds: '1,2,3',
        });
        expect(JSON.stringify(related)).not.toMatch(leaks);
        const deleted = await call('anonymous', `${base}/deleteFeatures`, { where: '1=1' });
        expect(JSON.stringify(deleted)).not.toMatch(leaks);
      }
    }
    expect(checked).toBe(VIEWS.length * LAYERS.length * variants.length * 2);
    // What anonymous callers may read, the public layer descriptions, shows the city's
    // extent, never the extent of the registered sites.
    for (const layer of layersInView('public').filter((l) => l.kind === 'point')) {
      const info = await call('anonymous', `${serviceUrl('public')}/${layer.id}`, {}, 'GET');
      expect(info.extent).toEqual({
        ...DEFAULT_CITY_EXTENT,
        spatialReference: { wkid: 4326, latestWkid: 4326 },
      });
    }
  });
});

describe('officers', () => {
  for (const layer of layersInView('officer').filter((l) =>
    operationsInView(l, 'officer').includes('query'),
  )) {
    it(`see exactly the officer fields of ${layer.name}`, async () => {
      const officerFields = fieldsInView(layer, 'officer').map((f) => f.name);
      expect(officerFields.length).toBeLessThan(layer.fields.length);
      const info = await call('officer', `${serviceUrl('officer')}/${layer.id}`, {}, 'GET');
      expect((info.fields as { name: string }[]).map((f) => f.name)).toEqual(officerFields);
      const result = await call('officer', `${serviceUrl('officer')}/${layer.id}/query`, {
        where: '1=1',
        outFields: '*',
        resultRecordCount: 50,
        ...searchArea(layer),
      });
      expect((result.fields as { name: string }[]).map((f) => f.name)).toEqual(officerFields);
      const features = result.features as { attributes: Json }[];
      if (layer.name !== 'ContactLog') expect(features.length).toBeGreaterThan(0);
      for (const feature of features)
        expect(Object.keys(feature.attributes)).toEqual(officerFields);
    });
  }

  it('see only officer fields of related records', async () => {
    const [site] = sql<{ id: number }>(
      `SELECT s."OBJECTID" AS id FROM sites s WHERE status = 'verified' AND
         (confirm_due_at IS NULL OR confirm_due_at > ?) AND
         EXISTS (SELECT 1 FROM cameras c WHERE c.site_guid = s."GlobalID") LIMIT 1`,
      Date.now(),
    );
    const body = await call('officer', `${serviceUrl('officer')}/0/queryRelatedRecords`, {
      relationshipId: 0,
      objectIds: String(site!.id),
      outFields: '*',
    });
    const groups = body.relatedRecordGroups as { relatedRecords: { attributes: Json }[] }[];
    expect(groups.length).toBe(1);
    const cameraFields = fieldsInView(layerById(1)!, 'officer').map((f) => f.name);
    for (const record of groups[0]!.relatedRecords) {
      expect(Object.keys(record.attributes)).toEqual(cameraFields);
    }
  });
});

describe('the services directory', () => {
  for (const caller of CALLERS.filter((c) => c !== 'bad token')) {
    it(`lists for ${caller} only the services ${caller} may use`, async () => {
      const body = await call(caller, `${server.url}/arcgis/rest/services`, {}, 'GET');
      const expected = VIEWS.filter((view) => viewAdmits(view, caller)).map((view) => ({
        name: SERVICE_OF_VIEW[view],
        type: 'FeatureServer',
      }));
      expect(body.services).toEqual([...expected, { name: 'Geocode', type: 'GeocodeServer' }]);
    });
  }
});
