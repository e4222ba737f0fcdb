/**
 * The ArcGIS Online operations provisioning uses, on the local server, over real HTTP:
 * who may call them, `createService` and `addToDefinition` checked against the compiled-in
 * schema (refusals name what differs, as data), `updateDefinition` of aliases and
 * descriptions only, items, search, sharing and groups, and a server that starts empty. The
 * documented examples in test/fixtures/arcgis-online/ are posted as they are, and the
 * answers compared with the documented ones.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYERS, SERVICE_NAME } from '../../src/core/schema/registry-schema.js';
import { SERVICE_OF_VIEW } from '../../src/core/schema/views.js';
import {
  planProvisioning,
  type LayerPlan,
  type ServicePlan,
} from '../../src/ops/provision/index.js';
import { PORTAL_ADMIN_ROUTES } from '../../src/server/routes/portal-admin-routes.js';
import { signIn } from '../../src/server/auth/accounts.js';
import {
  addUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from '../helpers/test-server.js';

type Json = Record<string, unknown>;

const FIXTURES = resolve(import.meta.dirname, '../fixtures/arcgis-online');
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as Json;

const SHARING = '/arcgis/sharing/rest';
const PERMISSION_MESSAGE =
  'You do not have permissions to access this resource or perform this operation.';
const adminPath = (service: string, rest = '') =>
  `/arcgis/rest/admin/services/${service}/FeatureServer${rest}`;
const servicePath = (service: string, rest = '') =>
  `/arcgis/rest/services/${service}/FeatureServer${rest}`;

interface Answer {
  readonly status: number;
  readonly body: Json;
}

async function call(
  server: TestServer,
  path: string,
  options: { method?: 'GET' | 'POST'; form?: Record<string, unknown>; token?: string } = {},
): Promise<Answer> {
  const form = new URLSearchParams({ f: 'json' });
  if (options.token) form.set('token', options.token);
  for (const [key, value] of Object.entries(options.form ?? {})) {
    form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const response =
    options.method === 'GET'
      ? await fetch(`${server.url}${path}?${form.toString()}`)
      : await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        });
  return { status: response.status, body: (await response.json()) as Json };
}

const errorOf = (answer: Answer) =>
  answer.body.error as
    { code: number; message: string; details: string[]; differences?: Json[] } | undefined;

function planOf(view: 'source' | 'public' | 'officer'): ServicePlan {
  const service = planProvisioning().services.find((s) => s.view === view);
  if (!service) throw new Error(view);
  return service;
}

/** A deep copy of a plan's layer definition, for changing one thing in it. */
function definitionOf(service: ServicePlan, name: string): Json {
  const layer = service.layers.find((l) => l.name === name);
  if (!layer) throw new Error(name);
  return structuredClone(layer.definition);
}

function fieldIn(definition: Json, name: string): Json {
  const field = (definition.fields as Json[]).find((f) => f.name === name);
  if (!field) throw new Error(name);
  return field;
}

function listsOf(layers: readonly LayerPlan[], defs?: Json[]): Json {
  const chosen = defs ?? layers.map((l) => structuredClone(l.definition));
  const isTable = (def: Json) => layers.find((l) => l.name === def.name)?.list === 'tables';
  return {
    layers: chosen.filter((def) => !isTable(def)),
    tables: chosen.filter((def) => isTable(def)),
  };
}

// ---------------------------------------------------------------------------------------------

describe('who may provision', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ provisioned: 'portal' });
    for (const name of ['officer1', 'analyst1', 'admin1']) tokens[name] = await server.token(name);
    tokens['bad token'] = (
      await signIn(
        server.db,
        { username: 'admin1', password: TEST_PASSWORD, expirationMinutes: 1 },
        undefined,
        Date.now() - 2 * 60_000,
      )
    ).token;
  });
  afterAll(() => server?.close());

  /** Item search is for every signed-in member (each sees what is shared with them). */
  const isSearch = (url: string) => url.endsWith('/sharing/rest/search');

  it('every route but search is for organization administrators, with a budget for anonymous tries', () => {
    expect(PORTAL_ADMIN_ROUTES.length).toBe(19);
    for (const route of PORTAL_ADMIN_ROUTES) {
      expect(route.access, route.url).toEqual(
        isSearch(route.url)
          ? { kind: 'signed-in', roles: ['officer', 'analyst', 'admin'] }
          : { kind: 'signed-in', roles: ['admin'] },
      );
      expect(route.rate, route.url).toBe('lookup');
    }
  });

  it('search shows each member what is shared with them', async () => {
    // A server whose services exist from the start, shared as provisioning shares them.
    const present = await startTestServer({ sites: 0 });
    const titles = async (caller: string) =>
      (
        (
          await call(present, `${SHARING}/search`, {
            method: 'GET',
            form: { q: 'type:"Feature Service"', num: 100 },
            token: await present.token(caller),
          })
        ).body.results as Json[]
      )
        .map((item) => item.title as string)
        .sort();
    expect(await titles('admin1')).toEqual([
      SERVICE_NAME,
      `${SERVICE_NAME}_officer`,
      `${SERVICE_NAME}_public`,
    ]);
    // The analyst's role edits the source here; the officer view is shared with officers only.
    expect(await titles('analyst1')).toEqual([SERVICE_NAME, `${SERVICE_NAME}_public`]);
    expect(await titles('officer1')).toEqual([`${SERVICE_NAME}_officer`, `${SERVICE_NAME}_public`]);
    await present.close();
  });

  const concrete = (url: string) =>
    url
      .replace(':user', 'admin1')
      .replace(':portal', 'self')
      .replace(':id', '0'.repeat(32))
      .replace(':service', SERVICE_NAME)
      .replace(':layer', '0');

  for (const route of PORTAL_ADMIN_ROUTES.filter((r) => !isSearch(r.url))) {
    const method = route.methods.includes('GET') ? 'GET' : 'POST';
    it(`${method} ${route.url}: anonymous 499, officer and analyst 403, expired token 498`, async () => {
      const path = concrete(route.url);
      expect(errorOf(await call(server, path, { method }))).toMatchObject({ code: 499 });
      for (const caller of ['officer1', 'analyst1']) {
        const answer = await call(server, path, { method, token: tokens[caller] });
        expect(answer.status).toBe(200);
        expect(errorOf(answer), caller).toMatchObject({ code: 403, message: PERMISSION_MESSAGE });
      }
      const expired = await call(server, path, { method, token: tokens['bad token'] });
      expect(errorOf(expired)).toMatchObject({ code: 498 });
      // An administrator gets past the policy (to the handler's own answer).
      const admin = errorOf(await call(server, path, { method, token: tokens.admin1 }));
      expect([403, 498, 499]).not.toContain(admin?.code);
    });
  }

  it("an analyst's createService creates nothing", async () => {
    const create = planOf('source').createParameters;
    for (const caller of ['analyst1', 'officer1']) {
      const answer = await call(server, `${SHARING}/content/users/${caller}/createService`, {
        form: { createParameters: create, outputType: 'featureService' },
        token: tokens[caller],
      });
      expect(errorOf(answer)?.code).toBe(403);
    }
    const available = await call(server, `${SHARING}/portals/self/isServiceNameAvailable`, {
      method: 'GET',
      form: { name: SERVICE_NAME, type: 'Feature Service' },
      token: tokens.admin1,
    });
    expect(available.body).toEqual({ available: true });
  });
});

// ---------------------------------------------------------------------------------------------

describe('an empty portal, provisioned by hand', () => {
  let server: TestServer;
  let admin = '';
  let analyst = '';
  let officer = '';
  const source = planOf('source');
  const publicView = planOf('public');
  const officerView = planOf('officer');

  beforeAll(async () => {
    server = await startTestServer({ provisioned: 'portal', sites: 30 });
    admin = await server.token('admin1');
    analyst = await server.token('analyst1');
    officer = await server.token('officer1');
  });
  afterAll(() => server?.close());

  const create = (form: Record<string, unknown>, user = 'admin1') =>
    call(server, `${SHARING}/content/users/${user}/createService`, { form, token: admin });
  const addTo = (service: string, definition: unknown, rest = '') =>
    call(server, adminPath(service, `${rest}/addToDefinition`), {
      form: { addToDefinition: definition },
      token: admin,
    });
  const update = (service: string, definition: unknown, rest = '') =>
    call(server, adminPath(service, `${rest}/updateDefinition`), {
      form: { updateDefinition: definition },
      token: admin,
    });
  const nameAvailable = async (name: string) =>
    (
      await call(server, `${SHARING}/portals/self/isServiceNameAvailable`, {
        method: 'GET',
        form: { name, type: 'Feature Service' },
        token: admin,
      })
    ).body.available;

  it('has no feature service: not listed, not found, whoever asks', async () => {
    for (const token of [undefined, officer, analyst, admin]) {
      const directory = await call(server, '/arcgis/rest/services', { method: 'GET', token });
      expect(directory.body.services).toEqual([{ name: 'Geocode', type: 'GeocodeServer' }]);
      for (const name of Object.values(SERVICE_OF_VIEW)) {
        for (const rest of ['', '/layers', '/0', '/0/query']) {
          const answer = await call(server, servicePath(name, rest), {
            method: 'GET',
            form: { where: '1=1' },
            token,
          });
          expect(errorOf(answer), `${name}${rest}`).toMatchObject({
            code: 404,
            message: 'Service not found or not accessible.',
          });
        }
      }
    }
    const documented = fixture('is-service-name-available.json');
    for (const name of Object.values(SERVICE_OF_VIEW)) {
      const answer = await call(server, `${SHARING}/portals/self/isServiceNameAvailable`, {
        method: 'GET',
        form: { name, type: 'Feature Service' },
        token: admin,
      });
      // Same shape as the documented answer: `{ available }` and nothing else.
      expect(Object.keys(answer.body)).toEqual(Object.keys(documented.response as Json));
      expect(answer.body.available).toBe(true);
    }
  });

  it('isServiceNameAvailable refuses a missing name, an unknown type or portal', async () => {
    const ask = (path: string, form: Json) =>
      call(server, `${SHARING}/portals/${path}/isServiceNameAvailable`, {
        method: 'GET',
        form,
        token: admin,
      });
    expect(errorOf(await ask('self', { type: 'Feature Service' }))).toMatchObject({ code: 400 });
    expect(errorOf(await ask('self', { name: 'x', type: 'Image Service' }))).toMatchObject({
      code: 400,
    });
    expect(errorOf(await ask('self', { name: 'x' }))).toMatchObject({ code: 400 });
    expect(
      errorOf(await ask('0123456789ABCDEF', { name: 'x', type: 'Feature Service' })),
    ).toMatchObject({ code: 400 });
    // The organization's own id answers like `self`; `serviceType` is read as `type`.
    expect(
      (await ask('community-camera-registry', { name: 'x', serviceType: 'Map Service' })).body,
    ).toEqual({ available: true });
  });

  it('createService refuses what is no service of the schema, or differs from it', async () => {
    const documented = (fixture('create-service.json').request as { form: Json }).form;
    const cases: [string, Record<string, unknown>, unknown][] = [
      ['no outputType', { createParameters: source.createParameters }, undefined],
      [
        'outputType other than featureService',
        { createParameters: source.createParameters, outputType: 'imageService' },
        undefined,
      ],
      [
        'createParameters not JSON',
        { createParameters: '{name:', outputType: 'featureService' },
        undefined,
      ],
      [
        'createParameters a list',
        { createParameters: [1], outputType: 'featureService' },
        undefined,
      ],
      [
        'a name with a space',
        { createParameters: { name: 'Community Cameras' }, outputType: 'featureService' },
        undefined,
      ],
      [
        'the documented example as it is',
        documented,
        [
          {
            kind: 'unexpected',
            service: 'EmptyServiceName',
            property: 'name',
            expected: Object.values(SERVICE_OF_VIEW),
            actual: 'EmptyServiceName',
          },
        ],
      ],
      [
        'the documented example named as the source',
        {
          ...documented,
          createParameters: {
            ...(documented.createParameters as Json),
            name: SERVICE_NAME,
          },
        },
        // Its capabilities say what the source's say (in another order); its Web Mercator
        // reference and 1000-record pages are not the schema's.
        [
          {
            kind: 'differs',
            service: SERVICE_NAME,
            property: 'spatialReference',
            expected: { wkid: 4326 },
            actual: { wkid: 102100 },
          },
          {
            kind: 'differs',
            service: SERVICE_NAME,
            property: 'maxRecordCount',
            expected: 2000,
            actual: 1000,
          },
        ],
      ],
      [
        'the source as a view',
        { createParameters: source.createParameters, outputType: 'featureService', isView: true },
        [
          {
            kind: 'differs',
            service: SERVICE_NAME,
            property: 'isView',
            expected: false,
            actual: true,
          },
        ],
      ],
      [
        'a view before its source',
        {
          createParameters: publicView.createParameters,
          outputType: 'featureService',
          isView: true,
        },
        [{ kind: 'missing', service: SERVICE_NAME, property: 'service', expected: SERVICE_NAME }],
      ],
      [
        'ownership access control on the source',
        {
          createParameters: {
            ...source.createParameters,
            editorTrackingInfo: {
              ...source.createParameters.editorTrackingInfo,
              enableOwnershipAccessControl: true,
            },
          },
          outputType: 'featureService',
        },
        [
          {
            kind: 'differs',
            service: SERVICE_NAME,
            property: 'editorTrackingInfo.enableOwnershipAccessControl',
            expected: false,
            actual: true,
          },
        ],
      ],
      [
        'query on the public view',
        {
          createParameters: {
            ...publicView.createParameters,
            capabilities: 'Query,Create,Editing',
          },
          outputType: 'featureService',
          isView: true,
        },
        [
          { kind: 'missing', service: SERVICE_NAME, property: 'service', expected: SERVICE_NAME },
          {
            kind: 'differs',
            service: SERVICE_OF_VIEW.public,
            property: 'capabilities',
            expected: 'Create,Editing',
            actual: 'Query,Create,Editing',
          },
        ],
      ],
    ];
    for (const [what, form, differences] of cases) {
      const answer = await create(form);
      const error = errorOf(answer);
      expect(error, what).toMatchObject({ code: 400, message: 'Unable to create service.' });
      expect(error?.differences, what).toEqual(differences);
    }
    // Another user's content: not the caller's to create in.
    const elsewhere = await create(
      { createParameters: source.createParameters, outputType: 'featureService' },
      'analyst1',
    );
    expect(errorOf(elsewhere)).toMatchObject({ code: 403 });
    for (const name of Object.values(SERVICE_OF_VIEW)) expect(await nameAvailable(name)).toBe(true);
  });

  let sourceItem = '';

  it('createService makes the source: it exists, with no layer yet', async () => {
    const documented = (fixture('create-service.json').response as { properties: Json }).properties;
    const answer = await create({
      createParameters: source.createParameters,
      outputType: 'featureService',
      tags: 'cameras,registry',
      snippet: 'The registry',
    });
    expect(errorOf(answer)).toBeUndefined();
    // Every documented property, of its documented type.
    for (const [key, type] of Object.entries(documented))
      expect(typeof answer.body[key], key).toBe(type);
    const url = `${server.url}${servicePath(SERVICE_NAME)}`;
    expect(answer.body).toMatchObject({
      name: SERVICE_NAME,
      serviceurl: url,
      encodedServiceURL: url,
      isView: false,
      success: true,
      type: 'Feature Service',
      size: -1,
    });
    sourceItem = answer.body.itemId as string;
    expect(sourceItem).toMatch(/^[0-9a-f]{32}$/);
    expect(answer.body.serviceItemId).toBe(sourceItem);

    const described = await call(server, servicePath(SERVICE_NAME), {
      method: 'GET',
      token: analyst,
    });
    expect(described.body).toMatchObject({
      serviceItemId: sourceItem,
      layers: [],
      tables: [],
      relationships: [],
    });
    expect(
      errorOf(await call(server, servicePath(SERVICE_NAME, '/0'), { token: analyst })),
    ).toMatchObject({ code: 404 });
    const directory = await call(server, '/arcgis/rest/services', {
      method: 'GET',
      token: analyst,
    });
    expect(directory.body.services).toEqual([
      { name: SERVICE_NAME, type: 'FeatureServer' },
      { name: 'Geocode', type: 'GeocodeServer' },
    ]);
    // Names are unique whatever their case.
    expect(await nameAvailable('communitycameras')).toBe(false);
    const again = await create({
      createParameters: { ...source.createParameters, name: 'COMMUNITYCAMERAS' },
      outputType: 'featureService',
    });
    expect(errorOf(again)).toMatchObject({ code: 400, message: 'Unable to create service.' });

    const item = await call(server, `${SHARING}/content/items/${sourceItem}`, {
      method: 'GET',
      token: admin,
    });
    expect(item.body).toMatchObject({
      id: sourceItem,
      owner: 'admin1',
      name: SERVICE_NAME,
      title: SERVICE_NAME,
      type: 'Feature Service',
      access: 'private',
      url,
      snippet: 'The registry',
      tags: ['cameras', 'registry'],
    });
    expect(item.body.typeKeywords).toContain('Hosted Service');
    expect(item.body.typeKeywords).not.toContain('View Service');
  });

  it('addToDefinition refuses a layer that differs from the schema, naming the field', async () => {
    const sites = () => definitionOf(source, 'Sites');
    const where = { service: SERVICE_NAME, layer: 'Sites' };
    const changed = (edit: (def: Json) => void): Json => {
      const def = sites();
      edit(def);
      return def;
    };
    const cases: [string, Json, Json[]][] = [
      [
        'a longer phone',
        changed((d) => (fieldIn(d, 'phone').length = 20)),
        [
          {
            kind: 'differs',
            ...where,
            field: 'phone',
            property: 'length',
            expected: 16,
            actual: 20,
          },
        ],
      ],
      [
        'another alias',
        changed((d) => (fieldIn(d, 'email').alias = 'E-mail')),
        [
          {
            kind: 'differs',
            ...where,
            field: 'email',
            property: 'alias',
            expected: 'Email',
            actual: 'E-mail',
          },
        ],
      ],
      [
        'a number for a text',
        changed((d) => (fieldIn(d, 'unit').type = 'esriFieldTypeInteger')),
        [
          {
            kind: 'differs',
            ...where,
            field: 'unit',
            property: 'type',
            expected: 'esriFieldTypeString',
            actual: 'esriFieldTypeInteger',
          },
        ],
      ],
      [
        'a required field made optional',
        changed((d) => (fieldIn(d, 'contact_name').nullable = true)),
        [
          {
            kind: 'differs',
            ...where,
            field: 'contact_name',
            property: 'nullable',
            expected: false,
            actual: true,
          },
        ],
      ],
      [
        'a server-set field made editable (by leaving editable out)',
        changed((d) => delete fieldIn(d, 'consent_at').editable),
        [
          {
            kind: 'differs',
            ...where,
            field: 'consent_at',
            property: 'editable',
            expected: false,
          },
        ],
      ],
      [
        'a coded value dropped',
        changed((d) => {
          const domain = fieldIn(d, 'site_type').domain as { codedValues: Json[] };
          domain.codedValues.pop();
        }),
        [
          expect.objectContaining({
            kind: 'differs',
            ...where,
            field: 'site_type',
            property: 'domain',
          }) as Json,
        ],
      ],
      [
        'a wider range',
        changed((d) => ((fieldIn(d, 'geocode_score').domain as Json).range = [0, 1000])),
        [
          {
            kind: 'differs',
            ...where,
            field: 'geocode_score',
            property: 'domain',
            expected: { type: 'range', name: 'geocode_score_range', range: [0, 100] },
            actual: { type: 'range', name: 'geocode_score_range', range: [0, 1000] },
          },
        ],
      ],
      [
        'a field left out, one added',
        changed((d) => {
          d.fields = [
            ...(d.fields as Json[]).filter((f) => f.name !== 'email'),
            { name: 'password', type: 'esriFieldTypeString', alias: 'Password', length: 64 },
          ];
        }),
        [
          { kind: 'missing', ...where, field: 'email', property: 'field', expected: 'email' },
          {
            kind: 'unexpected',
            ...where,
            field: 'password',
            property: 'field',
            actual: 'password',
          },
        ],
      ],
      [
        'polygons',
        changed((d) => (d.geometryType = 'esriGeometryPolygon')),
        [
          {
            kind: 'differs',
            ...where,
            property: 'geometryType',
            expected: 'esriGeometryPoint',
            actual: 'esriGeometryPolygon',
          },
        ],
      ],
      [
        'no relationships',
        changed((d) => delete d.relationships),
        [expect.objectContaining({ kind: 'differs', ...where, property: 'relationships' }) as Json],
      ],
    ];
    for (const [what, definition, differences] of cases) {
      const answer = await addTo(SERVICE_NAME, { layers: [definition] });
      const error = errorOf(answer);
      expect(error, what).toMatchObject({
        code: 400,
        message: 'Unable to add feature service definition.',
      });
      expect(error?.differences, what).toEqual(differences);
      // The words say the same, for people reading the answer.
      expect(error?.details.length, what).toBe(differences.length);
    }
    const elsewhere = await addTo(SERVICE_NAME, {
      layers: [],
      tables: [definitionOf(source, 'Sites')],
      relationships: [],
    });
    expect(errorOf(elsewhere)?.differences).toEqual([
      { kind: 'unexpected', service: SERVICE_NAME, property: 'relationships', actual: [] },
      {
        kind: 'differs',
        ...where,
        property: 'list',
        expected: 'layers',
        actual: 'tables',
      },
    ]);
    const unknown = await addTo(SERVICE_NAME, { layers: [{ name: 'Videos', fields: [] }] });
    expect(errorOf(unknown)?.differences).toEqual([
      {
        kind: 'unexpected',
        service: SERVICE_NAME,
        property: 'layer',
        expected: LAYERS.map((l) => l.name),
        actual: 'Videos',
      },
    ]);
    expect(errorOf(await addTo(SERVICE_NAME, {}))).toMatchObject({ code: 400 });
    expect(errorOf(await addTo(SERVICE_NAME, '{"layers": ['))).toMatchObject({ code: 400 });
    expect(errorOf(await addTo(SERVICE_NAME, { layers: {} }))).toMatchObject({ code: 400 });
    expect(errorOf(await addTo('Elsewhere', { layers: [sites()] }))).toMatchObject({ code: 404 });
    // Nothing refused was added.
    expect(
      errorOf(await call(server, servicePath(SERVICE_NAME, '/0'), { token: analyst })),
    ).toMatchObject({ code: 404 });
  });

  it('adds Sites alone, then the rest; relationships appear as their other ends do', async () => {
    const sites = await addTo(SERVICE_NAME, { layers: [definitionOf(source, 'Sites')] });
    expect(sites.body).toEqual({ layers: [{ name: 'Sites', id: 0 }], tables: [], success: true });
    const layer = await call(server, servicePath(SERVICE_NAME, '/0'), { token: analyst });
    expect(layer.body).toMatchObject({ name: 'Sites', relationships: [] });
    expect(
      errorOf(await call(server, servicePath(SERVICE_NAME, '/1'), { token: analyst })),
    ).toMatchObject({ code: 404, message: 'Layer 1 does not exist in this service.' });
    // A service-level edit of a layer not added yet is refused as the layer's URL would be.
    const edits = await call(server, servicePath(SERVICE_NAME, '/applyEdits'), {
      form: { edits: [{ id: 1, adds: [] }] },
      token: analyst,
    });
    expect(errorOf(edits)).toMatchObject({ code: 404 });
    const twice = await addTo(SERVICE_NAME, { layers: [definitionOf(source, 'Sites')] });
    expect(errorOf(twice)?.differences).toEqual([
      { kind: 'exists', service: SERVICE_NAME, layer: 'Sites', property: 'layer' },
    ]);
    const rest = source.layers.filter((l) => l.name !== 'Sites');
    const added = await addTo(SERVICE_NAME, listsOf(rest));
    expect(added.body).toEqual({
      layers: [{ name: 'Cameras', id: 1 }],
      tables: [
        { name: 'ContactLog', id: 2 },
        { name: 'SearchAudit', id: 3 },
        { name: 'ChangeRequests', id: 4 },
        { name: 'ReviewLog', id: 5 },
      ],
      success: true,
    });
    const now = await call(server, servicePath(SERVICE_NAME, '/0'), { token: analyst });
    expect((now.body.relationships as Json[]).map((r) => r.name)).toEqual([
      'Site_Cameras',
      'Site_ContactLog',
    ]);
    const service = await call(server, servicePath(SERVICE_NAME), { token: analyst });
    expect((service.body.relationships as Json[]).length).toBe(2);
    expect((service.body.layers as Json[]).map((l) => l.name)).toEqual(['Sites', 'Cameras']);
  });

  it('refuses a layer addToDefinition: the documented example, field by field', async () => {
    const documented = (fixture('add-to-definition-layer.json').request as Json)
      .addToDefinition as Json;
    const answer = await addTo(SERVICE_NAME, documented, '/0');
    const error = errorOf(answer);
    expect(error).toMatchObject({
      code: 400,
      message: 'Unable to add feature service layer definition.',
    });
    const where = { service: SERVICE_NAME, layer: 'Sites', property: 'field' };
    expect(error?.differences).toEqual([
      { kind: 'exists', ...where, field: 'GlobalID' },
      { kind: 'unexpected', ...where, field: 'date1', actual: 'date1' },
      { kind: 'unexpected', ...where, field: 'str2', actual: 'str2' },
    ]);
    const indexes = await addTo(SERVICE_NAME, { indexes: [] }, '/0');
    expect(errorOf(indexes)?.differences).toEqual([
      {
        kind: 'unexpected',
        service: SERVICE_NAME,
        layer: 'Sites',
        property: 'indexes',
        actual: [],
      },
    ]);
    expect(errorOf(await addTo(SERVICE_NAME, {}, '/0'))).toMatchObject({ code: 400 });
    expect(errorOf(await addTo(SERVICE_NAME, { fields: [] }, '/9'))).toMatchObject({ code: 404 });
  });

  it('creates the views; their layers must show the schema view of the source', async () => {
    const created = await create({
      createParameters: publicView.createParameters,
      outputType: 'featureService',
      isView: true,
    });
    expect(created.body).toMatchObject({ isView: true, name: SERVICE_OF_VIEW.public });
    const item = await call(server, `${SHARING}/content/items/${created.body.itemId as string}`, {
      method: 'GET',
      token: admin,
    });
    expect(item.body.typeKeywords).toContain('View Service');

    const name = SERVICE_OF_VIEW.public;
    const where = { service: name, layer: 'Sites' };
    const sites = () => definitionOf(publicView, 'Sites');
    const viewDef = (def: Json) =>
      (def.adminLayerInfo as Json).viewLayerDefinition as { sourceLayerFields: unknown } & Json;
    const every = sites();
    viewDef(every).sourceLayerFields = '*';
    const short = sites();
    viewDef(short).sourceLayerFields = (viewDef(short).sourceLayerFields as Json[]).filter(
      (f) => f.name !== 'phone',
    );
    const renamed = sites();
    (viewDef(renamed).sourceLayerFields as Json[]).find(
      (f) => f.name === 'registration_ref',
    )!.alias = 'Reference';
    const advanced = sites();
    viewDef(advanced).table = { name: 'joined' };
    const queried = sites();
    queried.viewDefinitionQuery = '1=1';
    const cases: [string, Json, Json[]][] = [
      [
        'every field (*)',
        { layers: [every] },
        [
          expect.objectContaining({
            kind: 'differs',
            ...where,
            property: 'viewLayerDefinition.sourceLayerFields',
            actual: '*',
          }) as Json,
        ],
      ],
      [
        'a field left out',
        { layers: [short] },
        [{ kind: 'missing', ...where, field: 'phone', property: 'field', expected: 'phone' }],
      ],
      [
        'a renamed field',
        { layers: [renamed] },
        [
          {
            kind: 'differs',
            ...where,
            field: 'registration_ref',
            property: 'alias',
            expected: 'Registration reference',
            actual: 'Reference',
          },
        ],
      ],
      [
        'an advanced (joined) view',
        { layers: [advanced] },
        [
          {
            kind: 'unexpected',
            ...where,
            property: 'viewLayerDefinition.table',
            actual: { name: 'joined' },
          },
        ],
      ],
      [
        'a definition query',
        { layers: [queried] },
        [
          {
            kind: 'differs',
            ...where,
            property: 'viewDefinitionQuery',
            expected: '',
            actual: '1=1',
          },
        ],
      ],
      [
        'the contact log (not in the public view)',
        { tables: [definitionOf(officerView, 'ContactLog')] },
        [
          {
            kind: 'unexpected',
            service: name,
            property: 'layer',
            expected: ['Sites', 'Cameras', 'ChangeRequests'],
            actual: 'ContactLog',
          },
        ],
      ],
    ];
    for (const [what, definition, differences] of cases) {
      const error = errorOf(await addTo(name, definition));
      expect(error, what).toMatchObject({ code: 400 });
      expect(error?.differences, what).toEqual(differences);
    }
    const added = await addTo(name, listsOf(publicView.layers));
    expect(added.body).toMatchObject({ success: true });

    // The officer view's Sites show verified, unexpired sites only.
    await create({
      createParameters: officerView.createParameters,
      outputType: 'featureService',
      isView: true,
    });
    const officerSites = definitionOf(officerView, 'Sites');
    officerSites.viewDefinitionQuery = "status = 'verified'";
    const error = errorOf(await addTo(SERVICE_OF_VIEW.officer, { layers: [officerSites] }));
    expect(error?.differences).toEqual([
      {
        kind: 'differs',
        service: SERVICE_OF_VIEW.officer,
        layer: 'Sites',
        property: 'viewDefinitionQuery',
        expected: LAYERS[0]!.access.officer?.definitionExpression,
        actual: "status = 'verified'",
      },
    ]);
    expect((await addTo(SERVICE_OF_VIEW.officer, listsOf(officerView.layers))).body).toMatchObject({
      success: true,
    });
    const adminLayer = await call(server, adminPath(SERVICE_OF_VIEW.officer, '/0'), {
      method: 'GET',
      token: admin,
    });
    expect(adminLayer.body).toMatchObject({
      isView: true,
      viewDefinitionQuery: LAYERS[0]!.access.officer?.definitionExpression,
      adminLayerInfo: {
        viewLayerDefinition: { sourceServiceName: SERVICE_NAME, sourceLayerId: 0 },
      },
    });
  });

  it('updateDefinition changes aliases and descriptions, and nothing else', async () => {
    const layerJson = async () =>
      (await call(server, servicePath(SERVICE_NAME, '/0'), { token: analyst })).body;
    const aliasOf = (json: Json, name: string) =>
      (json.fields as Json[]).find((f) => f.name === name)?.alias;
    const ok = await update(
      SERVICE_NAME,
      { fields: [{ name: 'phone', alias: 'Telephone' }] },
      '/0',
    );
    expect(ok.body).toEqual(fixture('update-definition-layer.json').response);
    expect(aliasOf(await layerJson(), 'phone')).toBe('Telephone');
    const adminJson = await call(server, adminPath(SERVICE_NAME, '/0'), {
      method: 'GET',
      token: admin,
    });
    expect(aliasOf(adminJson.body, 'phone')).toBe('Telephone');
    // Aliases are per service: the views keep theirs.
    const publicLayer = await call(server, servicePath(SERVICE_OF_VIEW.public, '/0'), {
      method: 'GET',
    });
    expect(aliasOf(publicLayer.body, 'phone')).toBe('Phone');

    // At most 255 characters, and not blank.
    const longest = 'A'.repeat(255);
    expect(
      (await update(SERVICE_NAME, { fields: [{ name: 'unit', alias: longest }] }, '/0')).body,
    ).toEqual({ success: true });
    expect(aliasOf(await layerJson(), 'unit')).toBe(longest);
    for (const alias of ['A'.repeat(256), ' ', 7]) {
      const refused = await update(SERVICE_NAME, { fields: [{ name: 'unit', alias }] }, '/0');
      expect(errorOf(refused)?.differences).toEqual([
        {
          kind: 'differs',
          service: SERVICE_NAME,
          layer: 'Sites',
          field: 'unit',
          property: 'alias',
          expected: 'text of 1 to 255 characters',
          actual: alias,
        },
      ]);
    }
    expect(aliasOf(await layerJson(), 'unit')).toBe(longest);

    // Descriptions: at most 4000 characters.
    const longDescription = 'D'.repeat(4000);
    expect((await update(SERVICE_NAME, { description: longDescription }, '/0')).body).toEqual({
      success: true,
    });
    expect((await layerJson()).description).toBe(longDescription);
    const tooLong = await update(SERVICE_NAME, { description: `${longDescription}D` }, '/0');
    expect(errorOf(tooLong)?.differences).toEqual([
      {
        kind: 'differs',
        service: SERVICE_NAME,
        layer: 'Sites',
        property: 'description',
        expected: 'text of at most 4000 characters',
        actual: `${longDescription}D`,
      },
    ]);
    expect((await update(SERVICE_NAME, { description: 'Registered sites.' }, '/0')).body).toEqual({
      success: true,
    });
    expect((await layerJson()).description).toBe('Registered sites.');

    const documented = fixture('update-definition-layer.json').request as Json;
    const attachments = await update(SERVICE_NAME, documented.exampleOne, '/0');
    expect(errorOf(attachments)).toMatchObject({ code: 400 });
    expect(errorOf(attachments)?.differences).toEqual([
      {
        kind: 'differs',
        service: SERVICE_NAME,
        layer: 'Sites',
        property: 'hasAttachments',
        expected: false,
        actual: true,
      },
    ]);
    const rename = await update(SERVICE_NAME, documented.exampleTwo, '/0');
    expect(errorOf(rename)?.differences).toEqual([
      {
        kind: 'differs',
        service: SERVICE_NAME,
        layer: 'Sites',
        property: 'name',
        expected: 'Sites',
        actual: 'newName',
      },
    ]);
    const retype = await update(
      SERVICE_NAME,
      { fields: [{ name: 'phone', alias: 'Phone number', length: 32 }] },
      '/0',
    );
    expect(errorOf(retype)?.differences).toEqual([
      {
        kind: 'differs',
        service: SERVICE_NAME,
        layer: 'Sites',
        field: 'phone',
        property: 'length',
        expected: 16,
        actual: 32,
      },
    ]);
    // One refused property refuses the whole call: the alias sent with it is not stored.
    expect(aliasOf(await layerJson(), 'phone')).toBe('Telephone');
    const unknown = await update(
      SERVICE_NAME,
      { fields: [{ name: 'password', alias: 'P' }] },
      '/0',
    );
    expect(errorOf(unknown)?.differences).toEqual([
      {
        kind: 'unexpected',
        service: SERVICE_NAME,
        layer: 'Sites',
        field: 'password',
        property: 'field',
        actual: 'password',
      },
    ]);
    // Saying what already is changes nothing and is accepted.
    expect(
      (await update(SERVICE_NAME, { hasAttachments: false, name: 'Sites' }, '/0')).body,
    ).toEqual({ success: true });

    // The service-level form: layers by id.
    const service = await update(SERVICE_NAME, {
      layers: [{ id: 1, fields: [{ name: 'label', alias: 'Camera label' }] }],
    });
    expect(service.body).toEqual({ success: true });
    const cameras = await call(server, servicePath(SERVICE_NAME, '/1'), { token: analyst });
    expect(aliasOf(cameras.body, 'label')).toBe('Camera label');
    const capabilities = await update(SERVICE_NAME, { capabilities: 'Query' });
    expect(errorOf(capabilities)?.differences).toEqual([
      {
        kind: 'differs',
        service: SERVICE_NAME,
        property: 'capabilities',
        expected: 'Query,Create,Update,Delete,Editing',
        actual: 'Query',
      },
    ]);
    expect(errorOf(await update(SERVICE_NAME, { layers: [{ id: 7 }] }))?.differences).toEqual([
      { kind: 'unexpected', service: SERVICE_NAME, property: 'layer', actual: 7 },
    ]);
    // A view's definition query: as it is, accepted; otherwise refused.
    const officerName = SERVICE_OF_VIEW.officer;
    const query = LAYERS[0]!.access.officer?.definitionExpression;
    expect((await update(officerName, { viewDefinitionQuery: query }, '/0')).body).toEqual({
      success: true,
    });
    expect(
      errorOf(await update(officerName, { viewDefinitionQuery: '1=1' }, '/0'))?.differences,
    ).toEqual([
      {
        kind: 'differs',
        service: officerName,
        layer: 'Sites',
        property: 'viewDefinitionQuery',
        expected: query,
        actual: '1=1',
      },
    ]);
    expect(errorOf(await update(SERVICE_NAME, 'not json', '/0'))).toMatchObject({ code: 400 });
  });

  it('shares items: with the organization, everyone, groups; unshares', async () => {
    const documented = fixture('share-item.json') as Record<string, { request: { form: Json } }>;
    const group = await call(server, `${SHARING}/community/createGroup`, {
      form: { title: 'Detectives', access: 'org' },
      token: admin,
    });
    const groupId = (group.body.group as Json).id as string;
    const share = (form: Json, user = 'admin1', item = sourceItem) =>
      call(server, `${SHARING}/content/users/${user}/items/${item}/share`, { form, token: admin });
    const access = async () =>
      (
        await call(server, `${SHARING}/content/items/${sourceItem}`, {
          method: 'GET',
          token: admin,
        })
      ).body.access;
    // The documented request (its groups are not groups here): shared with the organization.
    const asDocumented = await share(documented.asOwner!.request.form);
    const form = documented.asOwner!.request.form;
    expect(asDocumented.body).toEqual({
      notSharedWith: String(form.groups).split(','),
      itemId: sourceItem,
    });
    expect(await access()).toBe('org');
    expect((await share({ everyone: true })).body).toEqual({
      notSharedWith: [],
      itemId: sourceItem,
    });
    expect(await access()).toBe('public');
    // Only what is sent changes: sharing with a group leaves the item public.
    await share({ groups: groupId });
    expect(await access()).toBe('public');
    await share({ everyone: false, org: false, groups: ' ' });
    expect(await access()).toBe('shared');
    const groups = await call(server, `${SHARING}/content/items/${sourceItem}/groups`, {
      method: 'GET',
      token: admin,
    });
    expect(groups.body).toEqual({
      admin: [{ id: groupId, title: 'Detectives', owner: 'admin1', access: 'org' }],
      member: [],
      other: [],
    });
    const unshare = (groupsParam: string) =>
      call(server, `${SHARING}/content/users/admin1/items/${sourceItem}/unshare`, {
        form: { groups: groupsParam },
        token: admin,
      });
    expect((await unshare(groupId)).body).toEqual({ notUnsharedFrom: [], itemId: sourceItem });
    expect(await access()).toBe('private');
    expect((await unshare(groupId)).body).toEqual({
      notUnsharedFrom: [groupId],
      itemId: sourceItem,
    });
    expect(errorOf(await unshare(' '))).toMatchObject({ code: 400 });

    // The group administrator's form: groups only.
    const asGroupAdmin = documented.asGroupAdmin!.request.form;
    const byGroupAdmin = await call(server, `${SHARING}/content/items/${sourceItem}/share`, {
      form: { ...asGroupAdmin, groups: `${groupId},${'f'.repeat(32)}` },
      token: admin,
    });
    expect(Object.keys(byGroupAdmin.body)).toEqual(
      Object.keys((fixture('share-item.json').asGroupAdmin as Json).response as Json),
    );
    expect(byGroupAdmin.body).toEqual({ notSharedWith: ['f'.repeat(32)], itemId: sourceItem });
    expect(await access()).toBe('shared');
    expect(
      errorOf(
        await call(server, `${SHARING}/content/items/${sourceItem}/share`, {
          form: { everyone: true },
          token: admin,
        }),
      ),
    ).toMatchObject({ code: 400 });
    await unshare(groupId);

    // Not the owner's content, not an item, not a boolean.
    expect(errorOf(await share({ everyone: true }, 'analyst1'))).toMatchObject({
      code: 400,
      message: `Item '${sourceItem}' does not exist or is inaccessible.`,
    });
    expect(errorOf(await share({ everyone: true }, 'admin1', 'a'.repeat(32)))).toMatchObject({
      code: 400,
    });
    expect(errorOf(await share({ everyone: 'yes' }))).toMatchObject({ code: 400 });
    expect(await access()).toBe('private');
    expect(
      errorOf(await call(server, `${SHARING}/content/items/nope`, { method: 'GET', token: admin })),
    ).toMatchObject({ code: 400 });
  });

  it('searches items by the documented query language', async () => {
    const search = (form: Json) =>
      call(server, `${SHARING}/search`, { method: 'GET', form, token: admin });
    const titles = async (q: string, extra: Json = {}) =>
      ((await search({ q, ...extra })).body.results as Json[]).map((item) => item.title);
    expect(await titles(`title:"${SERVICE_NAME}" AND type:"Feature Service"`)).toEqual(
      Object.values(SERVICE_OF_VIEW),
    );
    expect(await titles(`name:${SERVICE_NAME}`)).toEqual([SERVICE_NAME]);
    expect(await titles('owner:admin1 AND NOT typekeywords:"View Service"')).toEqual([
      SERVICE_NAME,
    ]);
    expect(await titles(`id:${sourceItem} OR name:${SERVICE_OF_VIEW.public}`)).toEqual([
      SERVICE_NAME,
      SERVICE_OF_VIEW.public,
    ]);
    expect(await titles('(tags:cameras OR tags:nothing) AND access:private')).toEqual([
      SERVICE_NAME,
    ]);
    expect(await titles('registry')).toEqual([SERVICE_NAME]); // a bare word: snippet, tags, title
    expect(await titles('owner:analyst1')).toEqual([]);
    // Pages: 1-based start, nextStart -1 on the last page.
    const page = await search({
      q: 'type:"Feature Service"',
      num: 2,
      start: 2,
      sortField: 'title',
      sortOrder: 'desc',
    });
    expect(page.body).toMatchObject({ total: 3, start: 2, num: 2, nextStart: -1 });
    expect((page.body.results as Json[]).map((i) => i.title)).toEqual([
      SERVICE_OF_VIEW.officer,
      SERVICE_NAME,
    ]);
    const first = await search({ q: 'type:"Feature Service"', num: 1 });
    expect(first.body).toMatchObject({ total: 3, start: 1, num: 1, nextStart: 2 });
    for (const bad of [
      {},
      { q: 'colour:red' },
      { q: '(title:x' },
      { q: 'title:x)' },
      { q: 'title:x AND' },
      { q: 'x', sortField: 'size' },
      { q: 'x', num: 101 },
      { q: 'x', start: 0 },
      { q: 'x'.repeat(2001) },
    ]) {
      expect(errorOf(await search(bad)), JSON.stringify(bad).slice(0, 80)).toMatchObject({
        code: 400,
      });
    }
    // At the limits: 100 results a page, a 2000-character query.
    expect((await search({ q: 'x', num: 100 })).body.num).toBe(100);
    expect(errorOf(await search({ q: 'x'.repeat(2000) }))).toBeUndefined();

    const content = await call(server, `${SHARING}/content/users/admin1`, {
      method: 'GET',
      token: admin,
    });
    expect(content.body).toMatchObject({
      username: 'admin1',
      total: 3,
      currentFolder: null,
      folders: [],
    });
    const nobody = await call(server, `${SHARING}/content/users/analyst1`, {
      method: 'GET',
      token: admin,
    });
    expect(nobody.body).toMatchObject({ total: 0, items: [] });
  });

  it('creates groups, finds them, adds at most 25 users a request', async () => {
    const documented = fixture('create-group.json');
    const form = (documented.request as { form: Json }).form;
    const created = await call(server, `${SHARING}/community/createGroup`, { form, token: admin });
    expect(created.body.success).toBe(true);
    const group = created.body.group as Json;
    for (const key of (documented.response as { groupProperties: string[] }).groupProperties)
      expect(group, key).toHaveProperty(key);
    // `account` is the older word for the organization.
    expect(group).toMatchObject({ title: 'Street Maps', access: 'org', owner: 'admin1' });
    const id = group.id as string;
    const again = await call(server, `${SHARING}/community/createGroup`, {
      form: { title: 'STREET MAPS', access: 'private' },
      token: admin,
    });
    expect(errorOf(again)).toMatchObject({ code: 400 });
    for (const bad of [
      { access: 'org' },
      { title: 'x', access: 'secret' },
      { title: 'y'.repeat(251) },
    ])
      expect(
        errorOf(
          await call(server, `${SHARING}/community/createGroup`, { form: bad, token: admin }),
        ),
      ).toMatchObject({ code: 400 });
    expect(
      errorOf(
        await call(server, `${SHARING}/community/createGroup`, {
          form: { title: 'z'.repeat(250) },
          token: admin,
        }),
      ),
    ).toBeUndefined();

    const found = await call(server, `${SHARING}/community/groups`, {
      method: 'GET',
      form: { q: 'title:"street maps"' },
      token: admin,
    });
    expect((found.body.results as Json[]).map((g) => g.id)).toEqual([id]);
    expect(
      errorOf(await call(server, `${SHARING}/community/groups`, { method: 'GET', token: admin })),
    ).toMatchObject({ code: 400 });
    const read = await call(server, `${SHARING}/community/groups/${id}`, {
      method: 'GET',
      token: admin,
    });
    expect(read.body.userMembership).toEqual({
      username: 'admin1',
      memberType: 'owner',
      applications: 0,
    });

    const addUsers = (users: Json) =>
      call(server, `${SHARING}/community/groups/${id}/addUsers`, { form: users, token: admin });
    // The documented request: neither user exists here.
    const asDocumented = await addUsers((fixture('add-users.json').request as { form: Json }).form);
    expect(asDocumented.body).toEqual({ notAdded: ['drohner', 'swilson'] });
    await addUser(server, 'officer2', 'officer');
    const unknown = Array.from({ length: 23 }, (_, i) => `nobody${i}`);
    expect(
      (await addUsers({ users: ['officer1', ...unknown].join(','), admins: 'officer2' })).body,
    ).toEqual({ notAdded: unknown });
    const members = server.db
      .prepare(
        'SELECT username, member_type FROM portal_group_members WHERE group_id = ? ORDER BY username',
      )
      .all(id);
    expect(members).toEqual([
      { username: 'admin1', member_type: 'owner' },
      { username: 'officer1', member_type: 'member' },
      { username: 'officer2', member_type: 'admin' },
    ]);
    const tooMany = Array.from({ length: 26 }, (_, i) => `user${i}`).join(',');
    expect(errorOf(await addUsers({ users: tooMany }))).toMatchObject({
      code: 400,
      message: 'A maximum of 25 users can be added in one request.',
    });
    expect(errorOf(await addUsers({}))).toMatchObject({ code: 400 });
    expect(
      errorOf(
        await call(server, `${SHARING}/community/groups/${'b'.repeat(32)}/addUsers`, {
          form: { users: 'officer1' },
          token: admin,
        }),
      ),
    ).toMatchObject({ code: 400, message: 'Group does not exist or is inaccessible.' });
  });
});
