/**
 * What a refused edit looks like on the wire, through every edit route, with and without
 * `rollbackOnFailure`, side by side with the examples in ArcGIS's documentation:
 *
 * - `rollbackOnFailure=false`: per-edit results; the refused edit has `success: false` and
 *   `error: { code, description }` (Apply Edits, JSON response example five), the others
 *   are applied.
 * - `rollbackOnFailure=true`: nothing is applied; the answer is still per edit, as hosted
 *   layers give it: the refused edit with its error, every other edit `success: false` with
 *   1003 `Operation rolled back.`. ArcGIS Enterprise's example four answers such a call with
 *   a top-level error instead; QGIS, which sends no `rollbackOnFailure` (so true), reads only
 *   `addResults` and would report a refused add as stored, so we answer per edit.
 *
 * Beside ArcGIS's keys our service puts data that its widgets read instead of the words
 * (ArcGIS clients ignore keys they do not know): `appCode`, `field`, `issues` and
 * `retryAfter` in an edit's error, `issues` in the error of a call refused for its shape.
 */
import { addFeatures, applyEdits, type IFeature } from '@esri/arcgis-rest-feature-service';
import { ApiKeyManager } from '@esri/arcgis-rest-request';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appErrorFromEditResult, type EditResultError } from '../../src/core/errors.js';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import type { LayerAdds } from '../../src/core/registration/registration-draft.js';
import {
  createRegistrationClient,
  RequestRefused,
} from '../../widgets/registration/registration-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

// https://developers.arcgis.com/rest/services-reference/enterprise/apply-edits-feature-service-layer/
// "JSON Response examples", example five: "a constraint rule is violated and
// rollBackOnFailure is false".
const DOCUMENTED_PER_EDIT = {
  addResults: [],
  updateResults: [
    {
      objectId: 2,
      globalId: '{B703ACAC-A1A8-4F49-BB19-1E684A67A265}',
      success: false,
      error: {
        code: 1019,
        extendedCode: -2147207418,
        description: 'Violated attribute constraint rule. [Error No: -1, ]',
      },
    },
    {
      objectId: 1,
      globalId: '{2FACC38A-3E3E-43A5-A6EB-BC9075407EC8}',
      success: true,
    },
  ],
  deleteResults: [],
};

// The same page, example four, "a constraint rule is violated and rollBackOnFailure is true",
// answers with a top-level error (`Unable to complete operation.`, the problem, `Operation
// rolled back.`). We answer that call per edit instead (see above).

// https://developers.arcgis.com/rest/services-reference/enterprise/edit-result-object/
// "JSON Example": a refused add reports -1 for its OBJECTID.
const DOCUMENTED_REFUSED_ADD = {
  objectId: -1,
  globalId: '{9B395A2F-2A97-443f-8A32-0EDCC031226B}',
  success: false,
  error: { code: 100, description: 'Provided Geometry does not have Z Value(s).' },
};

// https://developers.arcgis.com/rest/services-reference/enterprise/feature-service-error-codes/
// 1000 Non-specific edit content error. 1003 Operation rolled back. 1011 Object is missing.
// 1019 Internal error during object update (example five's code for a refused update).

/** Keys ArcGIS documents only sometimes (an HRESULT from an enterprise geodatabase). */
const SOMETIMES = ['extendedCode'];
/** What hosted layers add to an edit result (ArcGIS Online returns `uniqueId`). */
const RESULT_EXTRAS = ['uniqueId'];
/** Our data in an edit's error. */
const ERROR_EXTRAS = ['appCode', 'field', 'issues', 'retryAfter'];

/** Ours has the documented keys, of the documented JSON types, plus only the extras named. */
function expectDocumentedShape(
  ours: unknown,
  documented: Record<string, unknown>,
  extras: readonly string[],
): void {
  const record = ours as Record<string, unknown>;
  const keys = Object.keys(documented).filter((key) => !SOMETIMES.includes(key));
  expect(Object.keys(record).filter((key) => !extras.includes(key))).toEqual(
    expect.arrayContaining(keys),
  );
  expect(Object.keys(record).filter((key) => !extras.includes(key))).toHaveLength(keys.length);
  for (const key of keys) {
    // A GlobalID is null when the server has none to report (ArcGIS Online does the same).
    if (key === 'globalId' && record[key] === null) continue;
    expect(typeof record[key], key).toBe(typeof documented[key]);
  }
}

type Json = Record<string, unknown>;
interface EditResult {
  objectId: number;
  uniqueId: number;
  globalId: string | null;
  success: boolean;
  error?: EditResultError;
}
type Operation = 'add' | 'update' | 'delete';
const LIST = { add: 'addResults', update: 'updateResults', delete: 'deleteResults' } as const;

let server: TestServer;
let analyst = '';
let sourceUrl = '';
let publicUrl = '';

beforeAll(async () => {
  server = await startTestServer({ sites: 20 });
  analyst = await server.token('analyst1');
  sourceUrl = server.service('CommunityCameras');
  publicUrl = server.service('CommunityCameras_public');
});
afterAll(() => server?.close());

async function post(url: string, params: Json, token?: string): Promise<unknown> {
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
  // ArcGIS answers HTTP 200 and tells failures in the body.
  expect(response.status).toBe(200);
  return response.json();
}

function sql<T = Json>(text: string, ...params: (string | number)[]): T[] {
  return server.db.prepare(text).all(...params) as T[];
}

const guid = () => `{${randomUUID().toUpperCase()}}`;

function site(overrides: Json = {}): Json {
  const reference = formatReference(randomBytes(8));
  return {
    geometry: { x: -94.41, y: 39.09 },
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

/** Two new sites the analyst stored: targets for updates and deletes. */
async function twoSites(): Promise<[number, number]> {
  const added = (await post(`${sourceUrl}/0/applyEdits`, { adds: [site(), site()] }, analyst)) as {
    addResults: EditResult[];
  };
  const [a, b] = added.addResults;
  expect([a?.success, b?.success]).toEqual([true, true]);
  return [a!.objectId, b!.objectId];
}

/** One good edit and one refused edit of a kind, and how to tell what was written. */
interface Pair {
  readonly good: unknown;
  readonly bad: unknown;
  /** The good edit's OBJECTID (-1 for an add, which has none until it is stored). */
  readonly goodObjectId: number;
  /** Whether the good edit's change is in the table. */
  goodWritten(): boolean;
  /** Whether the refused edit's change is in the table (never). */
  badWritten(): boolean;
  /** The refused edit's result, exactly. */
  readonly refused: EditResult;
}

const INVALID_EMAIL: Omit<EditResultError, 'code'> = {
  description: 'email is not a valid email address.',
  appCode: 'INVALID_INPUT',
  field: 'email',
  issues: [{ field: 'email', code: 'INVALID_EMAIL' }],
};

async function pair(operation: Operation): Promise<Pair> {
  const count = (where: string, ...params: (string | number)[]) =>
    sql<{ n: number }>(`SELECT count(*) AS n FROM sites WHERE ${where}`, ...params)[0]!.n;
  if (operation === 'add') {
    const good = site();
    const bad = site({ email: 'nope' });
    const ref = (feature: Json) => (feature.attributes as Json).registration_ref as string;
    return {
      good,
      bad,
      goodObjectId: -1,
      goodWritten: () => count('registration_ref = ?', ref(good)) === 1,
      badWritten: () => count('registration_ref = ?', ref(bad)) === 1,
      refused: {
        objectId: -1,
        uniqueId: -1,
        globalId: null,
        success: false,
        error: { code: 1000, ...INVALID_EMAIL },
      },
    };
  }
  const [a, b] = await twoSites();
  if (operation === 'update') {
    return {
      good: { attributes: { OBJECTID: a, unit: 'Apt 9' } },
      bad: { attributes: { OBJECTID: b, email: 'nope' } },
      goodObjectId: a,
      goodWritten: () => count(`"OBJECTID" = ? AND unit = 'Apt 9'`, a) === 1,
      badWritten: () => count(`"OBJECTID" = ? AND email = 'nope'`, b) === 1,
      refused: {
        objectId: b,
        uniqueId: b,
        globalId: null,
        success: false,
        error: { code: 1019, ...INVALID_EMAIL },
      },
    };
  }
  const missing = 999_000 + a;
  return {
    good: a,
    bad: missing,
    goodObjectId: a,
    goodWritten: () => count('"OBJECTID" = ?', a) === 0,
    badWritten: () => false,
    refused: {
      objectId: missing,
      uniqueId: missing,
      globalId: null,
      success: false,
      error: {
        code: 1011,
        description: `No feature has OBJECTID ${missing}.`,
        appCode: 'NOT_FOUND',
        field: 'OBJECTID',
      },
    },
  };
}

/** An edit route: how it takes one kind of edit, and where its answer lists the results. */
interface Route {
  readonly name: string;
  readonly operations: readonly Operation[];
  send(operation: Operation, edits: unknown[], rollbackOnFailure: boolean): Promise<unknown>;
  /** The one layer's results in this route's body. */
  layerBody(body: unknown): Record<string, EditResult[]>;
}

const LAYER_PARAM = { add: 'adds', update: 'updates', delete: 'deletes' } as const;
const ROUTES: readonly Route[] = [
  {
    name: 'layer applyEdits',
    operations: ['add', 'update', 'delete'],
    send: (operation, edits, rollbackOnFailure) =>
      post(
        `${sourceUrl}/0/applyEdits`,
        { [LAYER_PARAM[operation]]: edits, rollbackOnFailure },
        analyst,
      ),
    layerBody: (body) => body as Record<string, EditResult[]>,
  },
  {
    name: 'service applyEdits',
    operations: ['add', 'update', 'delete'],
    send: (operation, edits, rollbackOnFailure) =>
      post(
        `${sourceUrl}/applyEdits`,
        { edits: [{ id: 0, [LAYER_PARAM[operation]]: edits }], rollbackOnFailure },
        analyst,
      ),
    layerBody: (body) => {
      expect(Array.isArray(body)).toBe(true);
      const [layer] = body as (Record<string, EditResult[]> & { id: number })[];
      expect(layer?.id).toBe(0);
      return layer!;
    },
  },
  {
    name: 'addFeatures',
    operations: ['add'],
    send: (_operation, edits, rollbackOnFailure) =>
      post(`${sourceUrl}/0/addFeatures`, { features: edits, rollbackOnFailure }, analyst),
    layerBody: (body) => body as Record<string, EditResult[]>,
  },
  {
    name: 'updateFeatures',
    operations: ['update'],
    send: (_operation, edits, rollbackOnFailure) =>
      post(`${sourceUrl}/0/updateFeatures`, { features: edits, rollbackOnFailure }, analyst),
    layerBody: (body) => body as Record<string, EditResult[]>,
  },
  {
    name: 'deleteFeatures',
    operations: ['delete'],
    send: (_operation, edits, rollbackOnFailure) =>
      post(
        `${sourceUrl}/0/deleteFeatures`,
        { objectIds: edits.join(','), rollbackOnFailure },
        analyst,
      ),
    layerBody: (body) => body as Record<string, EditResult[]>,
  },
];

/** The keys a route's body has: one list for the single-purpose routes, three for applyEdits. */
function expectedKeys(route: Route, operation: Operation): string[] {
  return route.name.endsWith('Features')
    ? [LIST[operation]]
    : ['addResults', 'updateResults', 'deleteResults'];
}

const CASES = ROUTES.flatMap((route) =>
  route.operations.map((operation) => ({ route, operation })),
);

describe.each(CASES)('a refused $operation through $route.name', ({ route, operation }) => {
  it('rollbackOnFailure=false: the refused edit fails in its result, the good one is applied', async () => {
    const edits = await pair(operation);
    const body = await route.send(operation, [edits.good, edits.bad], false);
    const layer = route.layerBody(body);
    expect(Object.keys(layer).filter((key) => key !== 'id')).toEqual(
      expectedKeys(route, operation),
    );
    const [applied, refused] = layer[LIST[operation]]!;
    expect(applied).toMatchObject({ success: true });
    expect(refused).toEqual(edits.refused);
    // Side by side with the documented example: the same keys, plus our data.
    const [documentedRefused, documentedApplied] = DOCUMENTED_PER_EDIT.updateResults;
    expectDocumentedShape(applied, documentedApplied!, RESULT_EXTRAS);
    expectDocumentedShape(refused, documentedRefused!, RESULT_EXTRAS);
    expectDocumentedShape(refused!.error, documentedRefused!.error!, ERROR_EXTRAS);
    if (operation === 'add') expectDocumentedShape(refused, DOCUMENTED_REFUSED_ADD, RESULT_EXTRAS);
    expect(edits.goodWritten()).toBe(true);
    expect(edits.badWritten()).toBe(false);
  });

  it('rollbackOnFailure=true: per edit, the refused one with its error, the rest undone, nothing written', async () => {
    const edits = await pair(operation);
    const body = await route.send(operation, [edits.good, edits.bad], true);
    const layer = route.layerBody(body);
    expect(Object.keys(layer).filter((key) => key !== 'id')).toEqual(
      expectedKeys(route, operation),
    );
    const [undone, refused] = layer[LIST[operation]]!;
    expect(refused).toEqual(edits.refused);
    // An undone update or delete names the feature's GlobalID; an undone add has none yet.
    expect(undone).toMatchObject({
      objectId: edits.goodObjectId,
      uniqueId: edits.goodObjectId,
      success: false,
      error: { code: 1003, description: 'Operation rolled back.' },
    });
    const [documentedRefused] = DOCUMENTED_PER_EDIT.updateResults;
    expectDocumentedShape(undone, documentedRefused!, RESULT_EXTRAS);
    expectDocumentedShape(undone!.error, documentedRefused!.error!, ERROR_EXTRAS);
    expect(edits.goodWritten()).toBe(false);
    expect(edits.badWritten()).toBe(false);
  });
});

describe("arcgis-rest-js, as a city's scripts use it", () => {
  const auth = () => ApiKeyManager.fromKey(analyst);

  it('gets success:false per feature, not a thrown error, when rollbackOnFailure is false', async () => {
    const good = site();
    const added = await addFeatures({
      url: `${sourceUrl}/0`,
      features: [good, site({ email: 'nope' })] as unknown as IFeature[],
      rollbackOnFailure: false,
      authentication: auth(),
    });
    expect(added.addResults.map((r) => r.success)).toEqual([true, false]);
    expect(added.addResults[1]!.error).toMatchObject({ code: 1000, appCode: 'INVALID_INPUT' });
    const [a] = await twoSites();
    const applied = await applyEdits({
      url: `${sourceUrl}/0`,
      updates: [{ attributes: { OBJECTID: a, phone: 'call me' } }],
      deletes: [999_999],
      rollbackOnFailure: false,
      authentication: auth(),
    });
    expect(applied.updateResults[0]).toMatchObject({ success: false, error: { code: 1019 } });
    expect(applied.deleteResults[0]).toMatchObject({ success: false, error: { code: 1011 } });
    // What a widget makes of it: the data, never the words.
    const cause = appErrorFromEditResult(applied.updateResults[0]!.error as EditResultError);
    expect(cause).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'phone',
      issues: [{ field: 'phone', code: 'INVALID_PHONE' }],
    });
  });

  it('gets success:false per feature when rollbackOnFailure is true (the default), nothing stored', async () => {
    const bad = site({ email: 'nope' });
    const added = await addFeatures({
      url: `${sourceUrl}/0`,
      features: [site(), bad] as unknown as IFeature[],
      authentication: auth(),
    });
    expect(added.addResults.map((r) => [r.success, r.error?.code])).toEqual([
      [false, 1003],
      [false, 1000],
    ]);
    const ref = (bad.attributes as Json).registration_ref as string;
    expect(sql('SELECT 1 FROM sites WHERE registration_ref = ?', ref)).toEqual([]);
  });
});

function registration(siteAttributes: Json = {}, cameraAttributes: Json = {}): Json[] {
  const siteGuid = guid();
  return [
    { id: 0, adds: [site({ GlobalID: siteGuid, ...siteAttributes })] },
    {
      id: 1,
      adds: [
        {
          geometry: { x: -94.41001, y: 39.09001 },
          attributes: {
            GlobalID: guid(),
            site_guid: siteGuid,
            label: 'Porch',
            mount: 'exterior',
            recording_mode: 'motion',
            retention_days: 10,
            ...cameraAttributes,
          },
        },
      ],
    },
  ];
}

describe('the public view', () => {
  it('answers as with rollbackOnFailure=true whatever is asked: it never keeps part of a call', async () => {
    // Its layers say so (ArcGIS's flag for a layer that ignores the parameter); the source's do not.
    const flag = async (url: string) =>
      ((await (await fetch(`${url}/0?f=json&token=${analyst}`)).json()) as Json)
        .supportsRollbackOnFailureParameter;
    expect([await flag(publicUrl), await flag(sourceUrl)]).toEqual([false, true]);
    for (const rollbackOnFailure of [true, false]) {
      const edits = registration({}, { retention_days: 9999 });
      const [sites, cameras] = (await post(`${publicUrl}/applyEdits`, {
        useGlobalIds: true,
        rollbackOnFailure,
        edits,
      })) as { id: number; addResults: EditResult[] }[];
      expect([sites?.id, cameras?.id]).toEqual([0, 1]);
      const siteGuid = ((edits[0]!.adds as Json[])[0]!.attributes as Json).GlobalID;
      // The client chose the site's GlobalID, so the result names it.
      expect(sites!.addResults).toEqual([
        {
          objectId: -1,
          uniqueId: -1,
          globalId: siteGuid,
          success: false,
          error: { code: 1003, description: 'Operation rolled back.' },
        },
      ]);
      expect(cameras!.addResults[0]!.error).toEqual({
        code: 1000,
        description: 'retention_days is outside the allowed range (0 to 365).',
        appCode: 'INVALID_INPUT',
        field: 'retention_days',
        issues: [{ field: 'retention_days', code: 'OUT_OF_RANGE', limit: [0, 365] }],
      });
      expect(sql('SELECT 1 FROM sites WHERE "GlobalID" = ?', siteGuid as string)).toEqual([]);
    }
  });

  it('refuses a call of the wrong shape as a whole, its rules as codes', async () => {
    const [sites] = registration();
    const body = (await post(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [sites],
    })) as { error: Json };
    expect(body).toEqual({
      error: {
        code: 400,
        message: 'Unable to complete operation.',
        details: ['A registration needs at least one camera.'],
        issues: [{ field: 'adds', code: 'CAMERA_REQUIRED', layerId: 1 }],
      },
    });
  });

  it("checks the site's GlobalID with the site: missing is ArcGIS's 1020", async () => {
    const edits = registration();
    const siteAdd = (edits[0]!.adds as Json[])[0]!;
    delete (siteAdd.attributes as Json).GlobalID;
    const body = (await post(`${publicUrl}/applyEdits`, { useGlobalIds: true, edits })) as {
      addResults: EditResult[];
    }[];
    expect(body[0]!.addResults[0]!.error).toEqual({
      code: 1020,
      description: 'GlobalID is required.',
      appCode: 'INVALID_INPUT',
      field: 'GlobalID',
      issues: [{ field: 'GlobalID', code: 'REQUIRED' }],
    });
    // Its camera was not even tried: it names a site that could not be stored.
    expect(body[1]!.addResults[0]!.error?.code).toBe(1003);
  });
});

describe('the widgets read the data, never the words', () => {
  const registrations = () =>
    createRegistrationClient({
      serviceUrl: publicUrl,
      geocoderUrl: `${server.url}/arcgis/rest/services/Geocoder/GeocodeServer`,
    });

  it("registration: a camera's problem is named by the camera's position", async () => {
    const edits = registration({}, { retention_days: 9999 }) as unknown as LayerAdds[];
    const failure = await registrations()
      .register(edits)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequestRefused);
    expect(failure).toMatchObject({
      code: 'INVALID_INPUT',
      issues: [{ field: 'cameras[0].retention_days', code: 'OUT_OF_RANGE', limit: [0, 365] }],
    });
  });

  it('change requests: invalid changes by field, a wrong code, and the wait as a number', async () => {
    const manageCode = formatManageCode(randomBytes(10));
    const edits = registration();
    const attributes = (edits[0]!.adds as Json[])[0]!.attributes as Json;
    const reference = attributes.registration_ref as string;
    attributes.manage_code_hash = createHash('sha256')
      .update(manageCodeHashInput(reference, manageCode))
      .digest('hex');
    await registrations().register(edits as unknown as LayerAdds[]);
    const ask = (code: string, payload: unknown = null) =>
      registrations()
        .requestChange({
          registrationRef: reference,
          manageCode: code,
          requestType: payload === null ? 'reconfirm' : 'update',
          payload: payload === null ? null : JSON.stringify(payload),
        })
        .catch((error: unknown) => error);
    expect(
      await ask(manageCode, { site: { email: 'nope', preferred_contact: 'sms' } }),
    ).toMatchObject({
      code: 'INVALID_INPUT',
      issues: [{ field: 'email', code: 'INVALID_EMAIL' }],
    });
    const wrong = 'ZZZZ-ZZZZ-ZZZZ-ZZZZ';
    for (let i = 0; i < 3; i += 1) {
      expect(await ask(wrong)).toMatchObject({ code: 'FORBIDDEN', issues: [] });
    }
    const held = await ask(wrong);
    expect(held).toBeInstanceOf(RequestRefused);
    expect(held).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect((held as RequestRefused).retryAfterSeconds).toBeGreaterThan(0);
  });
});
