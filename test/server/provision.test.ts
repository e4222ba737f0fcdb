/**
 * `src/ops/provision` against the local server, over HTTP through arcgis-rest-js: an empty
 * server provisioned from the schema, a dry run that changes nothing, a second run with
 * nothing to change, a clean drift check, a manual alias change seen as exactly that field
 * (and put back), sharing changed by hand, a refused definition reported as data, and the
 * provisioned services answering exactly as services present from the start. The requests
 * sent are compared with the documented examples in test/fixtures/arcgis-online/.
 */
import { queryFeatures, type IQueryFeaturesResponse } from '@esri/arcgis-rest-feature-service';
import {
  ApiKeyManager,
  ArcGISIdentityManager,
  request,
  type IAuthenticationManager,
} from '@esri/arcgis-rest-request';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/errors.js';
import { SERVICE_NAME } from '../../src/core/schema/registry-schema.js';
import { SERVICE_OF_VIEW } from '../../src/core/schema/views.js';
import {
  checkDrift,
  compareService,
  compareSharing,
  DEFAULT_MAX_RECORD_COUNT,
  DEFAULT_OFFICER_GROUP,
  planProvisioning,
  provision,
  ProvisionError,
  type ProvisionPlan,
  type ProvisionStep,
  type ServicePlan,
} from '../../src/ops/provision/index.js';
import { OFFICER_GROUP_TITLE } from '../../src/server/portal/schema-provisioning.js';
import { MAX_RECORD_COUNT } from '../../src/server/query/run-query.js';
import { makeRegistration, postRegistration, seededRandom } from '../helpers/registrations.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

type Json = Record<string, unknown>;

const FIXTURES = resolve(import.meta.dirname, '../fixtures/arcgis-online');
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as Json;

const PLAN = planProvisioning();
const SITES_AREA = {
  geometry: {
    xmin: -94.48,
    ymin: 39.03,
    xmax: -94.33,
    ymax: 39.13,
    spatialReference: { wkid: 4326 },
  },
  geometryType: 'esriGeometryEnvelope' as const,
};

function servicePlan(plan: ProvisionPlan, name: string): ServicePlan {
  const found = plan.services.find((s) => s.name === name);
  if (!found) throw new Error(name);
  return found;
}

async function adminSession(server: TestServer): Promise<ArcGISIdentityManager> {
  return ArcGISIdentityManager.signIn({
    username: 'admin1',
    password: TEST_PASSWORD,
    portal: `${server.url}/arcgis/sharing/rest`,
  });
}

/** `[kind, target, status]` of each step, for comparing runs at a glance. */
const outline = (steps: readonly ProvisionStep[]) =>
  steps.map((step) => [step.kind, step.target, step.status]);

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly form: URLSearchParams;
}

/** Runs `work` with every fetch it makes recorded (passed through unchanged). */
async function recording<T>(sent: Sent[], work: () => Promise<T>): Promise<T> {
  const real = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const form =
      method === 'GET' ? url.searchParams : new URLSearchParams(String(init?.body ?? ''));
    sent.push({ method, path: url.pathname, form });
    return real(input, init);
  };
  try {
    return await work();
  } finally {
    globalThis.fetch = real;
  }
}

async function json(server: TestServer, path: string, token?: string): Promise<Json> {
  const query = new URLSearchParams({ f: 'json', ...(token ? { token } : {}) });
  return (await (await fetch(`${server.url}${path}?${query.toString()}`)).json()) as Json;
}

/** A server whose services are present from the start (the default), with the same registry. */
let present: TestServer;
beforeAll(async () => {
  present = await startTestServer({ sites: 40 });
});
afterAll(() => present?.close());

// ---------------------------------------------------------------------------------------------

describe('provisioning an empty local server', () => {
  let empty: TestServer;
  let session: ArcGISIdentityManager;
  const sent: Sent[] = [];
  let firstServices: readonly unknown[] = [];
  const announced: ProvisionStep[] = [];

  beforeAll(async () => {
    empty = await startTestServer({ provisioned: 'portal', sites: 40 });
    session = await adminSession(empty);
  });
  afterAll(() => empty?.close());

  it('a dry run reports every step as would-do, and changes nothing', async () => {
    const result = await provision(session, PLAN, { dryRun: true });
    expect(result.changed).toBe(true);
    expect(outline(result.steps)).toEqual([
      ['create-group', DEFAULT_OFFICER_GROUP, 'would-do'],
      ...PLAN.services.flatMap((service) => [
        ['create-service', service.name, 'would-do'],
        ['add-layers', service.name, 'would-do'],
        ['share', service.name, 'would-do'],
      ]),
    ]);
    const layers = result.steps.filter((s) => s.kind === 'add-layers').map((s) => s.details);
    expect(layers).toEqual(PLAN.services.map((s) => s.layers.map((l) => l.name)));
    expect(result.services.map((s) => s.itemId)).toEqual([undefined, undefined, undefined]);
    const directory = await json(empty, '/arcgis/rest/services');
    expect(directory.services).toEqual([{ name: 'Geocode', type: 'GeocodeServer' }]);
    const groups = (await request(`${empty.url}/arcgis/sharing/rest/community/groups`, {
      params: { q: `title:"${DEFAULT_OFFICER_GROUP}"` },
      authentication: session,
    })) as { total: number };
    expect(groups.total).toBe(0);
  });

  it('creates the group, the three services, their layers, and shares them', async () => {
    const result = await recording(sent, () =>
      provision(session, PLAN, { onStep: (step) => announced.push(step) }),
    );
    firstServices = result.services;
    expect(result.changed).toBe(true);
    expect(outline(result.steps)).toEqual([
      ['create-group', DEFAULT_OFFICER_GROUP, 'done'],
      ['create-service', SERVICE_NAME, 'done'],
      ['add-layers', SERVICE_NAME, 'done'],
      // A new item is private: nothing to do for the source.
      ['share', SERVICE_NAME, 'already'],
      ['create-service', SERVICE_OF_VIEW.public, 'done'],
      ['add-layers', SERVICE_OF_VIEW.public, 'done'],
      ['share', SERVICE_OF_VIEW.public, 'done'],
      ['create-service', SERVICE_OF_VIEW.officer, 'done'],
      ['add-layers', SERVICE_OF_VIEW.officer, 'done'],
      ['share', SERVICE_OF_VIEW.officer, 'done'],
    ]);
    expect(announced).toEqual(result.steps);
    for (const service of result.services) {
      expect(service.itemId).toMatch(/^[0-9a-f]{32}$/);
      expect(service.url).toBe(`${empty.url}/arcgis/rest/services/${service.name}/FeatureServer`);
    }
    const directory = await json(empty, '/arcgis/rest/services', await empty.token('analyst1'));
    expect(directory.services).toEqual([
      { name: SERVICE_NAME, type: 'FeatureServer' },
      { name: SERVICE_OF_VIEW.public, type: 'FeatureServer' },
      { name: 'Geocode', type: 'GeocodeServer' },
    ]);
  });

  it('sent its requests in the documented shapes', () => {
    const portal = '/arcgis/sharing/rest';
    const creates = sent.filter((s) => s.path === `${portal}/content/users/admin1/createService`);
    expect(creates.length).toBe(3);
    const documented = fixture('create-service.json');
    const example = (documented.request as { form: Json }).form;
    const exampleParameters = example.createParameters as Json;
    const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
    for (const create of creates) {
      expect(create.method).toBe('POST');
      for (const key of create.form.keys())
        expect([...Object.keys(example), 'isView', 'token'], key).toContain(key);
      expect(create.form.get('outputType')).toBe(example.outputType);
      const parameters = JSON.parse(create.form.get('createParameters') ?? '{}') as Json;
      for (const [key, value] of Object.entries(parameters)) {
        expect(documented.createParametersDocumented, key).toContain(key);
        if (key in exampleParameters)
          expect(typeOf(value), key).toBe(typeOf(exampleParameters[key]));
      }
    }
    expect(creates.map((c) => c.form.get('isView'))).toEqual(['false', 'true', 'true']);

    const checks = sent.filter((s) => s.path === `${portal}/portals/self/isServiceNameAvailable`);
    const documentedCheck = new URL(
      (fixture('is-service-name-available.json').request as { url: string }).url,
    ).searchParams;
    expect(checks.length).toBe(3);
    for (const check of checks) {
      expect(check.method).toBe('GET');
      for (const key of check.form.keys())
        expect([...documentedCheck.keys(), 'token'], key).toContain(key);
      expect(check.form.get('type')).toBe(documentedCheck.get('type'));
    }

    const adds = sent.filter((s) =>
      /\/rest\/admin\/services\/[^/]+\/FeatureServer\/addToDefinition$/.test(s.path),
    );
    expect(adds.map((a) => a.path.split('/')[5])).toEqual(PLAN.services.map((s) => s.name));
    const addDoc = fixture('add-to-definition-service.json').request as Json as {
      lists: string[];
      layerProperties: string[];
      viewLayerDefinition: string[];
    };
    for (const add of adds) {
      const body = JSON.parse(add.form.get('addToDefinition') ?? '{}') as Record<string, Json[]>;
      for (const key of Object.keys(body)) expect(addDoc.lists).toContain(key);
      for (const layer of [...(body.layers ?? []), ...(body.tables ?? [])]) {
        expect(typeof layer.name).toBe('string');
        expect(['Feature Layer', 'Table']).toContain(layer.type);
        const view = (layer.adminLayerInfo as Json | undefined)?.viewLayerDefinition as
          Json | undefined;
        if (view) {
          expect(Object.keys(view).sort()).toEqual([...addDoc.viewLayerDefinition].sort());
        } else {
          expect(Array.isArray(layer.fields)).toBe(true);
          expect(Array.isArray(layer.relationships)).toBe(true);
          expect(layer.editFieldsInfo).toEqual({
            creationDateField: 'CreationDate',
            creatorField: 'Creator',
            editDateField: 'EditDate',
            editorField: 'Editor',
          });
        }
      }
    }

    const shares = sent.filter((s) => /\/items\/[0-9a-f]{32}\/share$/.test(s.path));
    const shareDoc = (
      fixture('share-item.json').asOwner as { request: { form: Json; path: string } }
    ).request;
    expect(shares.length).toBe(2);
    for (const share of shares) {
      expect(share.path).toMatch(
        new RegExp(`^${portal}/content/users/admin1/items/[0-9a-f]{32}/share$`),
      );
      expect(shareDoc.path).toMatch(/\/content\/users\/[^/]+\/items\/[0-9a-f]{32}\/share$/);
      for (const key of share.form.keys())
        expect([...Object.keys(shareDoc.form), 'token'], key).toContain(key);
      expect(['true', 'false']).toContain(share.form.get('everyone'));
      expect(['true', 'false']).toContain(share.form.get('org'));
    }

    const groups = sent.filter((s) => s.path === `${portal}/community/createGroup`);
    const groupDoc = (fixture('create-group.json').request as { form: Json }).form;
    expect(groups.length).toBe(1);
    for (const key of ['title', 'access', 'description'])
      expect(typeof groups[0]!.form.get(key), key).toBe(typeof groupDoc[key]);
  });

  it('a second run finds everything in place and changes nothing', async () => {
    const result = await provision(session, PLAN);
    expect(result.changed).toBe(false);
    expect(result.steps.every((step) => step.status === 'already')).toBe(true);
    expect(outline(result.steps)).toEqual([
      ['create-group', DEFAULT_OFFICER_GROUP, 'already'],
      ...PLAN.services.flatMap((service) => [
        ['create-service', service.name, 'already'],
        ['add-layers', service.name, 'already'],
        ['restore-aliases', service.name, 'already'],
        ['share', service.name, 'already'],
      ]),
    ]);
    // The same items and services as the first run made.
    expect(result.services).toEqual(firstServices);
  });

  it('finds no drift', async () => {
    expect(await checkDrift(session, PLAN)).toEqual({ clean: true, drift: [] });
  });

  it('the provisioned services answer exactly as services present from the start', async () => {
    const callers: Record<string, [string | undefined, string | undefined]> = {
      [SERVICE_NAME]: [await empty.token('analyst1'), await present.token('analyst1')],
      [SERVICE_OF_VIEW.public]: [undefined, undefined],
      [SERVICE_OF_VIEW.officer]: [await empty.token('officer1'), await present.token('officer1')],
    };
    const withoutItemId = (body: Json) => {
      const copy = { ...body };
      delete copy.serviceItemId;
      return copy;
    };
    for (const service of PLAN.services) {
      const [mine, theirs] = callers[service.name]!;
      const base = `/arcgis/rest/services/${service.name}/FeatureServer`;
      const paths = ['', '/layers', ...service.layers.map((l) => `/${l.id}`)];
      for (const path of paths) {
        const a = await json(empty, `${base}${path}`, mine);
        const b = await json(present, `${base}${path}`, theirs);
        expect(a.error, `${service.name}${path}`).toBeUndefined();
        expect(withoutItemId(a), `${service.name}${path}`).toEqual(withoutItemId(b));
      }
    }
  });

  it('the public view takes a registration; the officer view answers a query', async () => {
    const registration = makeRegistration(seededRandom(20));
    const url = `${empty.url}/arcgis/rest/services/${SERVICE_OF_VIEW.public}/FeatureServer`;
    expect(await postRegistration(url, registration)).toEqual({ kind: 'acknowledged' });
    const stored = empty.db
      .prepare('SELECT status FROM sites WHERE registration_ref = ?')
      .get(registration.reference);
    expect(stored).toEqual({ status: 'pending' });

    const query = async (server: TestServer) =>
      (await queryFeatures({
        url: `${server.url}/arcgis/rest/services/${SERVICE_OF_VIEW.officer}/FeatureServer/0`,
        ...SITES_AREA,
        outFields: ['OBJECTID', 'status'],
        authentication: ApiKeyManager.fromKey(await server.token('officer1')),
      })) as IQueryFeaturesResponse;
    const mine = await query(empty);
    expect(mine.features.length).toBeGreaterThan(0);
    expect(mine.features.every((f) => f.attributes.status === 'verified')).toBe(true);
    // The same seeded registry, the same answer (the new registration is pending: not shown).
    expect(mine.features).toEqual((await query(present)).features);
  });

  it('a manual alias change shows as exactly that field, and provisioning puts it back', async () => {
    const sourceUrl = `${empty.url}/arcgis/rest/services/${SERVICE_NAME}/FeatureServer`;
    const manual: Sent[] = [];
    const changed = await recording(manual, () =>
      request(
        `${sourceUrl.replace('/rest/services/', '/rest/admin/services/')}/0/updateDefinition`,
        {
          params: { updateDefinition: { fields: [{ name: 'phone', alias: 'Telephone' }] } },
          authentication: session,
        },
      ),
    );
    expect(changed).toEqual(fixture('update-definition-layer.json').response);
    expect(JSON.parse(manual.at(-1)?.form.get('updateDefinition') ?? '')).toEqual({
      fields: [{ name: 'phone', alias: 'Telephone' }],
    });
    expect(await checkDrift(session, PLAN)).toEqual({
      clean: false,
      drift: [
        {
          kind: 'field-differs',
          service: SERVICE_NAME,
          layer: 'Sites',
          field: 'phone',
          property: 'alias',
          expected: 'Phone',
          actual: 'Telephone',
        },
      ],
    });
    const dry = await provision(session, PLAN, { dryRun: true });
    expect(dry.steps.filter((s) => s.status !== 'already')).toEqual([
      {
        kind: 'restore-aliases',
        target: SERVICE_NAME,
        status: 'would-do',
        summary: `restore aliases in ${SERVICE_NAME}: Sites.phone`,
        details: ['Sites.phone'],
      },
    ]);
    const repaired = await provision(session, PLAN);
    expect(outline(repaired.steps.filter((s) => s.status !== 'already'))).toEqual([
      ['restore-aliases', SERVICE_NAME, 'done'],
    ]);
    expect(await checkDrift(session, PLAN)).toEqual({ clean: true, drift: [] });
  });

  it('sharing changed by hand shows in the drift, and provisioning puts it back', async () => {
    const result = await provision(session, PLAN, { dryRun: true });
    const [source, , officer] = result.services;
    const portal = `${empty.url}/arcgis/sharing/rest`;
    await request(`${portal}/content/users/admin1/items/${source!.itemId!}/share`, {
      params: { everyone: true },
      authentication: session,
    });
    const group = (await request(`${portal}/community/groups`, {
      params: { q: `title:"${DEFAULT_OFFICER_GROUP}"` },
      authentication: session,
    })) as { results: { id: string }[] };
    const groupId = group.results[0]!.id;
    await request(`${portal}/content/users/admin1/items/${officer!.itemId!}/unshare`, {
      params: { groups: groupId },
      authentication: session,
    });
    expect((await checkDrift(session, PLAN)).drift).toEqual([
      {
        kind: 'sharing-differs',
        service: SERVICE_NAME,
        property: 'access',
        expected: 'private',
        actual: 'public',
      },
      {
        kind: 'sharing-differs',
        service: SERVICE_OF_VIEW.officer,
        property: 'access',
        expected: 'shared',
        actual: 'private',
      },
      {
        kind: 'sharing-differs',
        service: SERVICE_OF_VIEW.officer,
        property: 'groups',
        expected: [DEFAULT_OFFICER_GROUP],
        actual: [],
      },
    ]);
    const repaired = await provision(session, PLAN);
    expect(outline(repaired.steps.filter((s) => s.status !== 'already'))).toEqual([
      ['share', SERVICE_NAME, 'done'],
      ['share', SERVICE_OF_VIEW.officer, 'done'],
    ]);
    expect(await checkDrift(session, PLAN)).toEqual({ clean: true, drift: [] });
  });
});

// ---------------------------------------------------------------------------------------------

describe('a refused definition', () => {
  let server: TestServer;
  let session: ArcGISIdentityManager;

  beforeAll(async () => {
    server = await startTestServer({ provisioned: 'portal' });
    session = await adminSession(server);
  });
  afterAll(() => server?.close());

  it("stops provisioning with the portal's differences as data; a corrected run goes on", async () => {
    const wrong = structuredClone(PLAN) as ProvisionPlan;
    const sites = servicePlan(wrong, SERVICE_NAME).layers[0]!;
    const phone = (sites.definition.fields as Json[]).find((f) => f.name === 'phone')!;
    phone.length = 20;
    const failure = await provision(session, wrong).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProvisionError);
    expect(failure).toMatchObject({
      code: ErrorCode.InvalidInput,
      action: `add layers to ${SERVICE_NAME}`,
      differences: [
        {
          kind: 'differs',
          service: SERVICE_NAME,
          layer: 'Sites',
          field: 'phone',
          property: 'length',
          expected: 16,
          actual: 20,
        },
      ],
    });
    // What was done before the refusal stays done; the corrected plan carries on from there.
    const result = await provision(session, PLAN);
    expect(outline(result.steps).slice(0, 4)).toEqual([
      ['create-group', DEFAULT_OFFICER_GROUP, 'already'],
      ['create-service', SERVICE_NAME, 'already'],
      ['add-layers', SERVICE_NAME, 'done'],
      ['restore-aliases', SERVICE_NAME, 'already'],
    ]);
    expect((await checkDrift(session, PLAN)).clean).toBe(true);
  });

  it('without a sign-in, provisioning stops at the first call', async () => {
    const anonymous: IAuthenticationManager = {
      portal: `${server.url}/arcgis/sharing/rest`,
      getToken: () => Promise.resolve(''),
    };
    await expect(provision(anonymous, PLAN)).rejects.toMatchObject({
      code: ErrorCode.AuthRequired,
      action: 'read the signed-in user',
    });
    const analyst = ApiKeyManager.fromKey(await server.token('analyst1'));
    Object.assign(analyst, { portal: `${server.url}/arcgis/sharing/rest` });
    await expect(provision(analyst, PLAN)).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('a server whose services are present from the start', () => {
  let session: ArcGISIdentityManager;

  beforeAll(async () => {
    session = await adminSession(present);
  });

  it('the plan and the server agree on the group and the page size', () => {
    expect(OFFICER_GROUP_TITLE).toBe(DEFAULT_OFFICER_GROUP);
    expect(DEFAULT_MAX_RECORD_COUNT).toBe(MAX_RECORD_COUNT);
  });

  it('has nothing to provision and no drift', async () => {
    const result = await provision(session, PLAN);
    expect(result.changed).toBe(false);
    expect(result.steps.filter((s) => s.status !== 'already')).toEqual([]);
    expect(await checkDrift(session, PLAN)).toEqual({ clean: true, drift: [] });
  });

  it('a plan for another group title wants that group, and the officer view shared with it', async () => {
    const plan = planProvisioning({ officerGroupTitle: 'Detectives' });
    expect((await checkDrift(session, plan)).drift).toEqual([
      { kind: 'missing-group', service: 'Detectives' },
      {
        kind: 'sharing-differs',
        service: SERVICE_OF_VIEW.officer,
        property: 'groups',
        expected: ['Detectives'],
        actual: [expect.stringMatching(/^[0-9a-f]{32}$/) as string],
      },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('drift, field by field', () => {
  const admin: Record<string, Json> = {};

  beforeAll(async () => {
    const token = await present.token('admin1');
    for (const service of PLAN.services)
      admin[service.name] = await json(
        present,
        `/arcgis/rest/admin/services/${service.name}/FeatureServer`,
        token,
      );
  });

  /** The live admin JSON of `name`, changed by `edit` (a copy). */
  function live(name: string, edit: (json: Json) => void = () => undefined): Json {
    const copy = structuredClone(admin[name]!);
    edit(copy);
    return copy;
  }
  const layerOf = (json: Json, name: string) =>
    [...(json.layers as Json[]), ...(json.tables as Json[])].find((l) => l.name === name)!;
  const fieldOf = (layer: Json, name: string) =>
    (layer.fields as Json[]).find((f) => f.name === name)!;
  const source = servicePlan(PLAN, SERVICE_NAME);
  const officer = servicePlan(PLAN, SERVICE_OF_VIEW.officer);

  it('none between the plan and a service as the schema defines it', () => {
    for (const service of PLAN.services)
      expect(compareService(service, live(service.name)), service.name).toEqual([]);
  });

  it('a missing layer, a missing or an extra field', () => {
    const missing = live(SERVICE_NAME, (j) => {
      j.tables = (j.tables as Json[]).filter((t) => t.name !== 'SearchAudit');
    });
    expect(compareService(source, missing)).toEqual([
      { kind: 'missing-layer', service: SERVICE_NAME, layer: 'SearchAudit' },
    ]);
    const fields = live(SERVICE_NAME, (j) => {
      const cameras = layerOf(j, 'Cameras');
      cameras.fields = [
        ...(cameras.fields as Json[]).filter((f) => f.name !== 'retention_days'),
        { name: 'stream_url', type: 'esriFieldTypeString', alias: 'Stream', length: 255 },
      ];
    });
    expect(compareService(source, fields)).toEqual([
      { kind: 'missing-field', service: SERVICE_NAME, layer: 'Cameras', field: 'retention_days' },
      { kind: 'unexpected-field', service: SERVICE_NAME, layer: 'Cameras', field: 'stream_url' },
    ]);
  });

  it('each field property: type, alias, length, nullable, editable, domain', () => {
    const changed = live(SERVICE_NAME, (j) => {
      const sites = layerOf(j, 'Sites');
      fieldOf(sites, 'geocode_score').type = 'esriFieldTypeSingle';
      fieldOf(sites, 'address').alias = 'Street address';
      fieldOf(sites, 'email').length = 100;
      fieldOf(sites, 'contact_name').nullable = true;
      fieldOf(sites, 'status').editable = false;
      (fieldOf(sites, 'site_type').domain as { codedValues: Json[] }).codedValues.push({
        name: 'Farm',
        code: 'farm',
      });
    });
    const where = { kind: 'field-differs', service: SERVICE_NAME, layer: 'Sites' };
    expect(compareService(source, changed)).toEqual([
      {
        ...where,
        field: 'site_type',
        property: 'domain',
        expected: expect.anything(),
        actual: expect.anything(),
      },
      { ...where, field: 'contact_name', property: 'nullable', expected: false, actual: true },
      { ...where, field: 'email', property: 'length', expected: 254, actual: 100 },
      {
        ...where,
        field: 'address',
        property: 'alias',
        expected: 'Address',
        actual: 'Street address',
      },
      {
        ...where,
        field: 'geocode_score',
        property: 'type',
        expected: 'esriFieldTypeDouble',
        actual: 'esriFieldTypeSingle',
      },
      { ...where, field: 'status', property: 'editable', expected: true, actual: false },
    ]);
  });

  it("a layer's capabilities; a view's source, definition query and fields", () => {
    const capabilities = live(SERVICE_NAME, (j) => {
      layerOf(j, 'SearchAudit').capabilities = 'Query,Create,Update,Delete,Editing';
    });
    expect(compareService(source, capabilities)).toEqual([
      {
        kind: 'layer-differs',
        service: SERVICE_NAME,
        layer: 'SearchAudit',
        property: 'capabilities',
        expected: 'Query,Create,Editing',
        actual: 'Query,Create,Update,Delete,Editing',
      },
    ]);
    const name = SERVICE_OF_VIEW.officer;
    const view = live(name, (j) => {
      const sites = layerOf(j, 'Sites');
      sites.viewDefinitionQuery = '1=1';
      const cameras = layerOf(j, 'Cameras');
      ((cameras.adminLayerInfo as Json).viewLayerDefinition as Json).sourceLayerId = 0;
      // Types come from the source: a view compares the fields it shows and their aliases.
      fieldOf(cameras, 'label').type = 'esriFieldTypeInteger';
      const contacts = layerOf(j, 'ContactLog');
      contacts.fields = [...(contacts.fields as Json[]), { name: 'phone', alias: 'Phone' }];
      fieldOf(contacts, 'outcome').alias = 'Result';
    });
    expect(compareService(officer, view)).toEqual([
      {
        kind: 'view-query-differs',
        service: name,
        layer: 'Sites',
        property: 'viewDefinitionQuery',
        expected: PLAN.services[2]!.layers[0]!.viewDefinitionQuery,
        actual: '1=1',
      },
      {
        kind: 'view-source-differs',
        service: name,
        layer: 'Cameras',
        expected: { sourceServiceName: SERVICE_NAME, sourceLayerId: 1 },
        actual: { sourceServiceName: SERVICE_NAME, sourceLayerId: 0 },
      },
      {
        kind: 'field-differs',
        service: name,
        layer: 'ContactLog',
        field: 'outcome',
        property: 'alias',
        expected: 'Outcome',
        actual: 'Result',
      },
      { kind: 'unexpected-field', service: name, layer: 'ContactLog', field: 'phone' },
    ]);
  });

  it('sharing: access, missing groups, groups on a private item', () => {
    const groups = new Map([[DEFAULT_OFFICER_GROUP, 'g1']]);
    const publicView = servicePlan(PLAN, SERVICE_OF_VIEW.public);
    expect(compareSharing(publicView, { access: 'public', groupIds: ['g9'] }, groups)).toEqual([]);
    expect(compareSharing(officer, { access: 'shared', groupIds: ['g1', 'g2'] }, groups)).toEqual(
      [],
    );
    expect(compareSharing(source, { access: 'private', groupIds: [] }, groups)).toEqual([]);
    expect(compareSharing(publicView, { access: 'org', groupIds: [] }, groups)).toEqual([
      {
        kind: 'sharing-differs',
        service: SERVICE_OF_VIEW.public,
        property: 'access',
        expected: 'public',
        actual: 'org',
      },
    ]);
    expect(compareSharing(source, { access: 'shared', groupIds: ['g1'] }, groups)).toEqual([
      {
        kind: 'sharing-differs',
        service: SERVICE_NAME,
        property: 'access',
        expected: 'private',
        actual: 'shared',
      },
      {
        kind: 'sharing-differs',
        service: SERVICE_NAME,
        property: 'groups',
        expected: [],
        actual: ['g1'],
      },
    ]);
    const noGroup = new Map([[DEFAULT_OFFICER_GROUP, undefined]]);
    expect(compareSharing(officer, { access: 'shared', groupIds: ['g2'] }, noGroup)).toEqual([
      {
        kind: 'sharing-differs',
        service: SERVICE_OF_VIEW.officer,
        property: 'groups',
        expected: [DEFAULT_OFFICER_GROUP],
        actual: ['g2'],
      },
    ]);
  });
});
