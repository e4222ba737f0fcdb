/**
 * What the public view stores, over HTTP: one whole registration (a site and its cameras) or
 * change requests alone, all or nothing; registration references that name one site; no
 * analyst-only values; e-mail addresses that cannot become a crafted `mailto:`; no hidden
 * characters that reorder what an officer reads.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRegistrationEdits,
  EMPTY_SITE_DRAFT,
  newCameraDraft,
} from '../../src/core/registration/registration-draft.js';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import {
  nothingApplied as noneApplied,
  refusedEdits as refusedIn,
  type EditAnswer,
  type EditResult,
  type LayerResults,
} from '../helpers/edit-answers.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

type Json = Record<string, unknown>;
/**
 * ArcGIS's top-level error, for a call refused as a whole, with the rules a call of the
 * wrong shape broke beside the words (`issues`).
 */
interface ErrorEnvelope {
  error: {
    code: number;
    message: string;
    details: string[];
    issues?: { field: string; code: string; layerId?: number }[];
  };
}

/** The edits an answer refused on their own account (none in a top-level error). */
const refusedEdits = (answer: unknown) => refusedIn(answer as EditAnswer);
/** Whether nothing in a per-edit answer was applied. */
const nothingApplied = (answer: unknown) => noneApplied(answer as EditAnswer);

/** A rule of the public view that a whole call broke. */
const callIssue = (layerId: number, field: string, code: string) => ({ layerId, field, code });

let server: TestServer;
let analyst = '';
let officer = '';
let publicUrl = '';
let sourceUrl = '';
let officerUrl = '';

beforeAll(async () => {
  server = await startTestServer({ sites: 20 });
  [analyst, officer] = await Promise.all([server.token('analyst1'), server.token('officer1')]);
  publicUrl = server.service('CommunityCameras_public');
  sourceUrl = server.service('CommunityCameras');
  officerUrl = server.service('CommunityCameras_officer');
});
afterAll(() => server?.close());

async function post<T = Json>(url: string, params: Json, token?: string): Promise<T> {
  const { status, body } = await postAny<T>(url, params, token);
  expect(status).toBe(200);
  return body;
}

/** Posts and returns the HTTP status too (413 and 429 keep theirs). */
async function postAny<T = Json>(
  url: string,
  params: Json,
  token?: string,
): Promise<{ status: number; body: T }> {
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
  return { status: response.status, body: (await response.json()) as T };
}

function count(table: string, where = '1=1', ...params: (string | number)[]): number {
  const row = server.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get(...params);
  return (row as { n: number }).n;
}

const guid = () => `{${randomUUID().toUpperCase()}}`;

interface Registration {
  readonly reference: string;
  readonly manageCode: string;
  readonly siteGuid: string;
  readonly site: Json;
  readonly cameras: Json[];
}

/** A registration as the public form sends it: a site with its client GlobalID, two cameras. */
function registration(
  site: Json = {},
  camera: Json = {},
  reference = formatReference(randomBytes(8)),
): Registration {
  const manageCode = formatManageCode(randomBytes(10));
  const siteGuid = guid();
  const cameraAdd = (label: string): Json => ({
    geometry: { x: -94.41001, y: 39.09001 },
    attributes: {
      GlobalID: guid(),
      site_guid: siteGuid,
      label,
      mount: 'exterior',
      recording_mode: 'motion',
      retention_days: 10,
      ...camera,
    },
  });
  return {
    reference,
    manageCode,
    siteGuid,
    site: {
      geometry: { x: -94.41, y: 39.09 },
      attributes: {
        GlobalID: siteGuid,
        registration_ref: reference,
        manage_code_hash: createHash('sha256')
          .update(manageCodeHashInput(reference, manageCode))
          .digest('hex'),
        site_type: 'residence',
        contact_name: 'Robin Example',
        contact_role: 'owner',
        phone: '+18165550188',
        address: '901 N Liberty St',
        location_method: 'geocoded',
        share_willingness: 'yes',
        consent_version: '2026-01',
        ...site,
      },
    },
    cameras: [cameraAdd('Porch'), cameraAdd('Driveway')],
  };
}

/** The service-level `edits` of a registration. */
function editsOf(reg: Registration): Json[] {
  return [
    { id: 0, adds: [reg.site] },
    { id: 1, adds: reg.cameras },
  ];
}

/** Posts a registration anonymously as the widget does (useGlobalIds, rollbackOnFailure). */
function register<T = LayerResults[] | ErrorEnvelope>(reg: Registration, extra: Json = {}) {
  return post<T>(`${publicUrl}/applyEdits`, {
    useGlobalIds: true,
    rollbackOnFailure: true,
    edits: editsOf(reg),
    ...extra,
  });
}

async function registered(reg: Registration): Promise<void> {
  const results = await register(reg);
  expect(Array.isArray(results), JSON.stringify(results)).toBe(true);
  const layers = results as LayerResults[];
  expect(layers.flatMap((l) => l.addResults).every((r) => r.success)).toBe(true);
}

/** Adds a change request anonymously, as the manage form does (rollbackOnFailure=false). */
function changeRequest(attributes: Json) {
  return post<{ addResults?: EditResult[] } & Partial<ErrorEnvelope>>(`${publicUrl}/4/applyEdits`, {
    rollbackOnFailure: false,
    adds: [{ attributes }],
  });
}

describe('1. a public call is one whole registration, or change requests alone', () => {
  it('rollbackOnFailure=false cannot keep a site whose camera failed', async () => {
    const reg = registration({}, {});
    (reg.cameras[1]!.attributes as Json).retention_days = 9999;
    const sitesBefore = count('sites');
    const answer = await register<ErrorEnvelope>(reg, { rollbackOnFailure: false });
    expect(nothingApplied(answer)).toBe(true);
    expect(refusedEdits(answer)).toEqual(['1/addResults[1] retention_days OUT_OF_RANGE']);
    expect(count('sites')).toBe(sitesBefore);
    expect(count('sites', '"GlobalID" = ?', reg.siteGuid)).toBe(0);
    expect(count('cameras', 'site_guid = ?', reg.siteGuid)).toBe(0);
  });

  it('refuses a site without cameras, through every edit endpoint', async () => {
    const sitesBefore = count('sites');
    const reg = registration();
    const calls: [string, Json][] = [
      [`${publicUrl}/0/addFeatures`, { features: [reg.site] }],
      [`${publicUrl}/0/applyEdits`, { adds: [reg.site], rollbackOnFailure: false }],
      [`${publicUrl}/0/applyEdits`, { adds: [reg.site], useGlobalIds: true }],
      [`${publicUrl}/applyEdits`, { edits: [{ id: 0, adds: [reg.site] }], useGlobalIds: true }],
      [
        `${publicUrl}/applyEdits`,
        { edits: [...editsOf(reg).slice(0, 1), { id: 1, adds: [] }], useGlobalIds: true },
      ],
    ];
    for (const [url, params] of calls) {
      const answer = await post<ErrorEnvelope>(url, params);
      expect(answer.error?.code, JSON.stringify(params)).toBe(400);
      expect(answer.error.issues).toContainEqual(callIssue(1, 'adds', 'CAMERA_REQUIRED'));
    }
    expect(count('sites')).toBe(sitesBefore);
  });

  it('refuses cameras without their site, or naming another site', async () => {
    const first = registration();
    await registered(first);
    const camerasOfFirst = count('cameras', 'site_guid = ?', first.siteGuid);
    const stray = registration().cameras.map((camera) => ({
      ...camera,
      attributes: { ...(camera.attributes as Json), site_guid: first.siteGuid },
    }));
    // Cameras alone, even for a registration still pending review.
    const alone = await post<ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [{ id: 1, adds: stray }],
    });
    expect(alone.error).toMatchObject({
      code: 400,
      issues: [callIssue(0, 'adds', 'ONE_SITE_REQUIRED')],
    });
    const viaLayer = await post<ErrorEnvelope>(`${publicUrl}/1/addFeatures`, {
      features: stray,
    });
    expect(viaLayer.error.issues).toEqual([callIssue(0, 'adds', 'ONE_SITE_REQUIRED')]);
    // A new site whose second camera names the first registration's site.
    const second = registration();
    const mixed = await post<ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [
        { id: 0, adds: [second.site] },
        { id: 1, adds: [second.cameras[0], stray[1]] },
      ],
    });
    expect(nothingApplied(mixed)).toBe(true);
    expect(refusedEdits(mixed)).toEqual(['1/addResults[1] site_guid NOT_THIS_SITE']);
    expect(count('sites', '"GlobalID" = ?', second.siteGuid)).toBe(0);
    expect(count('cameras', 'site_guid = ?', first.siteGuid)).toBe(camerasOfFirst);
  });

  it('refuses two sites, a site without its GlobalID, and a registration with a change request', async () => {
    const sitesBefore = count('sites');
    const a = registration();
    const b = registration();
    // Two entries for one layer share its limit of one site per call.
    const twoSites = await postAny<ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [{ id: 0, adds: [a.site] }, { id: 0, adds: [b.site] }, ...editsOf(a).slice(1)],
    });
    expect(twoSites.status).toBe(413);
    expect(twoSites.body.error.details).toEqual(['Sites: at most 1']);
    const twoInOne = await post<ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [{ id: 0, adds: [] }, ...editsOf(a).slice(1)],
    });
    expect(twoInOne.error.issues).toEqual([callIssue(0, 'adds', 'ONE_SITE_REQUIRED')]);

    const noGlobalIds = await register<ErrorEnvelope>(a, { useGlobalIds: false });
    expect(noGlobalIds.error.issues).toEqual([callIssue(0, 'useGlobalIds', 'REQUIRED')]);

    const { GlobalID: _dropped, ...withoutGuid } = a.site.attributes as Json;
    const noGuid = await post<ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [{ id: 0, adds: [{ ...a.site, attributes: withoutGuid }] }, ...editsOf(a).slice(1)],
    });
    // The site's own GlobalID is checked with the site (ArcGIS's 1020, Missing GlobalID).
    expect(refusedEdits(noGuid)).toEqual(['0/addResults[0] GlobalID REQUIRED']);

    const withRequest = await post<ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [
        ...editsOf(a),
        {
          id: 4,
          adds: [
            {
              attributes: {
                registration_ref: a.reference,
                manage_code: a.manageCode,
                request_type: 'reconfirm',
              },
            },
          ],
        },
      ],
    });
    expect(withRequest.error.issues).toEqual([callIssue(4, 'adds', 'SEPARATE_CALL')]);
    expect(count('sites')).toBe(sitesBefore);
  });

  it('takes the registration the widget builds, and its retry, exactly once', async () => {
    const reference = formatReference(randomBytes(8));
    const siteGlobalId = guid();
    const built = buildRegistrationEdits({
      site: {
        ...EMPTY_SITE_DRAFT,
        site_type: 'business',
        business_name: 'Corner Market',
        contact_name: 'Sam Example',
        contact_role: 'manager_operator',
        email: 'sam.example+cameras@corner-market.example.com',
        preferred_contact: 'email',
        share_willingness: 'case_by_case',
        address: '400 W Maple Ave',
      },
      location: { point: { x: -94.42, y: 39.09 }, method: 'pin_adjusted', score: 97 },
      cameras: [
        {
          ...newCameraDraft(guid(), 'Register'),
          mount: 'interior_facing_out',
          recording_mode: 'continuous',
          retention_days: '30',
        },
        {
          ...newCameraDraft(guid(), 'Lot'),
          mount: 'exterior',
          recording_mode: 'motion',
          retention_days: '14',
          position: { x: -94.4201, y: 39.0901 },
        },
      ],
      siteGlobalId,
      registrationRef: reference,
      manageCodeHash: 'b'.repeat(64),
      consentVersion: '2026-01',
    });
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    // The widget's own request: registration-client.ts `register`.
    const send = () =>
      post<LayerResults[]>(`${publicUrl}/applyEdits`, {
        edits: built.edits,
        useGlobalIds: true,
        rollbackOnFailure: true,
      });
    const first = await send();
    const retry = await send();
    expect(first.map((l) => l.addResults.map((r) => r.success))).toEqual([[true], [true, true]]);
    expect(retry).toEqual(first);
    expect(count('sites', 'registration_ref = ?', reference)).toBe(1);
    expect(count('cameras', 'site_guid = ?', siteGlobalId)).toBe(2);
  });

  it('a retried GlobalID must belong to the same registration', async () => {
    const first = registration();
    await registered(first);
    const camerasBefore = count('cameras', 'site_guid = ?', first.siteGuid);
    // Another registration that reuses the first site's GlobalID (and so names it).
    const other = registration();
    const site = { ...other.site, attributes: { ...(other.site.attributes as Json) } };
    (site.attributes as Json).GlobalID = first.siteGuid;
    const cameras = other.cameras.map((camera) => ({
      ...camera,
      attributes: { ...(camera.attributes as Json), site_guid: first.siteGuid },
    }));
    const answer = await post<ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [
        { id: 0, adds: [site] },
        { id: 1, adds: cameras },
      ],
    });
    expect(nothingApplied(answer)).toBe(true);
    expect(refusedEdits(answer)).toEqual(['0/addResults[0] GlobalID DUPLICATE']);
    expect(count('cameras', 'site_guid = ?', first.siteGuid)).toBe(camerasBefore);
  });

  it('still takes a change request alone, anonymously', async () => {
    const reg = registration();
    await registered(reg);
    const answer = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'reconfirm',
    });
    expect(answer.addResults?.[0]).toMatchObject({ success: true });
  });
});

describe('1. a registration reference names one site', () => {
  it('refuses a second registration with a taken reference; the first owner still manages theirs', async () => {
    const first = registration();
    await registered(first);
    // Typed differently, the same reference once normalized.
    const taken = first.reference.toLowerCase().replaceAll('-', ' ');
    const second = registration({}, {}, taken);
    const answer = await register<ErrorEnvelope>(second, { rollbackOnFailure: false });
    expect(nothingApplied(answer)).toBe(true);
    expect(refusedEdits(answer)).toEqual(['0/addResults[0] registration_ref DUPLICATE']);
    expect(count('sites', 'registration_ref = ?', first.reference)).toBe(1);
    expect(count('sites', '"GlobalID" = ?', second.siteGuid)).toBe(0);
    // The newer code opens nothing; the owner's code still works.
    const stranger = await changeRequest({
      registration_ref: first.reference,
      manage_code: second.manageCode,
      request_type: 'reconfirm',
    });
    expect(stranger.addResults?.[0]).toMatchObject({ success: false, error: { code: 403 } });
    const owner = await changeRequest({
      registration_ref: first.reference,
      manage_code: first.manageCode,
      request_type: 'reconfirm',
    });
    expect(owner.addResults?.[0]).toMatchObject({ success: true });
  });

  it('refuses a duplicate per feature through the source service, and the table itself refuses one', async () => {
    const first = registration();
    await registered(first);
    const added = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      {
        rollbackOnFailure: false,
        adds: [registration({}, {}, first.reference).site, registration().site],
      },
      analyst,
    );
    // ArcGIS's 1022, Unique constraint violation.
    const duplicate = {
      code: 1022,
      description: 'Another record already has this registration_ref.',
      appCode: 'CONFLICT',
      field: 'registration_ref',
      issues: [{ field: 'registration_ref', code: 'DUPLICATE' }],
    };
    expect(added.addResults[0]).toEqual({
      objectId: -1,
      uniqueId: -1,
      globalId: null,
      success: false,
      error: duplicate,
    });
    expect(added.addResults[1]).toMatchObject({ success: true });
    const updated = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      {
        rollbackOnFailure: false,
        updates: [
          {
            attributes: {
              OBJECTID: added.addResults[1]!.objectId,
              registration_ref: first.reference,
            },
          },
        ],
      },
      analyst,
    );
    expect(updated.updateResults[0]).toMatchObject({ success: false, error: duplicate });
    expect(count('sites', 'registration_ref = ?', first.reference)).toBe(1);
    expect(() =>
      server.db
        .prepare(`INSERT INTO sites ("GlobalID", registration_ref) VALUES (?, ?)`)
        .run(guid(), first.reference),
    ).toThrow(/UNIQUE constraint failed: sites\.registration_ref/);
  });
});

describe('2. values only analysts set', () => {
  it('refuses location_method=analyst_corrected from the public view, takes it from analysts', async () => {
    const reg = registration({ location_method: 'analyst_corrected' });
    const answer = await register<ErrorEnvelope>(reg);
    expect(nothingApplied(answer)).toBe(true);
    expect(refusedEdits(answer)).toEqual(['0/addResults[0] location_method NOT_EDITABLE']);
    expect(count('sites', '"GlobalID" = ?', reg.siteGuid)).toBe(0);

    const moved = registration({ location_method: 'pin_adjusted' });
    await registered(moved);
    const [row] = server.db
      .prepare('SELECT "OBJECTID" AS id FROM sites WHERE "GlobalID" = ?')
      .all(moved.siteGuid) as { id: number }[];
    const corrected = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { updates: [{ attributes: { OBJECTID: row!.id, location_method: 'analyst_corrected' } }] },
      analyst,
    );
    expect(corrected.updateResults[0]).toMatchObject({ success: true });
  });

  it('refuses analyst_corrected in a change request too', async () => {
    const reg = registration();
    await registered(reg);
    const answer = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'update',
      payload: JSON.stringify({ site: { location_method: 'analyst_corrected' } }),
    });
    expect(answer.addResults?.[0]).toMatchObject({
      success: false,
      error: {
        code: 400,
        appCode: 'INVALID_INPUT',
        issues: [{ field: 'location_method', code: 'NOT_EDITABLE' }],
      },
    });
    expect(
      server.db.prepare('SELECT location_method FROM sites WHERE "GlobalID" = ?').all(reg.siteGuid),
    ).toEqual([{ location_method: 'geocoded' }]);
  });

  it('the public view carries none of the other analyst fields', async () => {
    for (const [name, value] of Object.entries({
      status: 'verified',
      source_channel: 'import',
      verified_by: 'analyst1',
      verified_at: 0,
      quality_flags: 'stale',
      duplicate_of: guid(),
      district: '1',
      confirm_due_at: 0,
    })) {
      const answer = await register<ErrorEnvelope>(registration({ [name]: value }));
      expect(refusedEdits(answer)).toEqual([`0/addResults[0] ${name} UNKNOWN_FIELD`]);
    }
    const camera = await register<ErrorEnvelope>(registration({}, { status: 'removed' }));
    expect(refusedEdits(camera)).toEqual([
      '1/addResults[0] status UNKNOWN_FIELD',
      '1/addResults[1] status UNKNOWN_FIELD',
    ]);
  });
});

describe('3. e-mail addresses', () => {
  it('refuses an address that would pre-fill a mailto: link, and other non-addresses', async () => {
    for (const email of [
      'x@b.com?subject=Footage&body=Send%20it%20to%20me',
      'x@b.com&cc=y@c.com',
      'x@b.com,y@c.com',
      '"x y"@b.com',
      '<x@b.com>',
      'x..y@b.com',
      'x@b',
    ]) {
      const answer = await register<ErrorEnvelope>(registration({ email }));
      expect(refusedEdits(answer), email).toEqual(['0/addResults[0] email INVALID_EMAIL']);
    }
  });

  it('takes ordinary addresses', async () => {
    await registered(registration({ email: 'robin.example+cameras@mail.example.org' }));
  });
});

describe('4. hidden characters', () => {
  it('refuses bidi controls in any text the public sends', async () => {
    const answer = await register<ErrorEnvelope>(
      registration({ contact_name: 'Robin \u202Eelpmaxe' }, { label: 'Porch\u2066' }),
    );
    expect(nothingApplied(answer)).toBe(true);
    expect(refusedEdits(answer)).toEqual([
      '0/addResults[0] contact_name INVALID_FORMAT',
      '1/addResults[0] label INVALID_FORMAT',
      '1/addResults[1] label INVALID_FORMAT',
    ]);
    const payload = await changeRequest({
      registration_ref: formatReference(randomBytes(8)),
      manage_code: 'K7M2-9QXP-3HTD-W4RA',
      request_type: 'update',
      payload: JSON.stringify({ site: { unit: 'Apt 2' } }).replace('Apt', 'Apt\u200F'),
    });
    expect(nothingApplied(payload)).toBe(true);
    expect(refusedEdits(payload as ErrorEnvelope)).toEqual([
      '/addResults[0] payload INVALID_FORMAT',
    ]);
  });

  it('refuses them from officers and analysts too', async () => {
    const [site] = server.db
      .prepare(
        `SELECT "OBJECTID" AS id, "GlobalID" AS g FROM sites WHERE status = 'verified' LIMIT 1`,
      )
      .all() as { id: number; g: string }[];
    const logged = await post<ErrorEnvelope>(
      `${officerUrl}/2/addFeatures`,
      {
        features: [
          {
            attributes: {
              site_guid: site!.g,
              case_number: '26-000777',
              contact_method: 'phone',
              outcome: 'left_message',
              follow_up: 'Call back \u2067Monday\u2069',
            },
          },
        ],
      },
      officer,
    );
    expect(refusedEdits(logged)).toEqual(['/addResults[0] follow_up INVALID_FORMAT']);
    const updated = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      {
        rollbackOnFailure: false,
        updates: [{ attributes: { OBJECTID: site!.id, unit: '\u061C12' } }],
      },
      analyst,
    );
    expect(updated.updateResults[0]).toMatchObject({
      success: false,
      error: { code: 1019, issues: [{ field: 'unit', code: 'INVALID_FORMAT' }] },
    });
  });
});

describe('5. limits and references across a call', () => {
  it('counts cameras across entries for one layer: 20 in two entries are taken, 21 refused', async () => {
    const cameras = (n: number, reg: Registration) =>
      Array.from({ length: n }, (_, i) => ({
        ...reg.cameras[0]!,
        attributes: { ...(reg.cameras[0]!.attributes as Json), GlobalID: guid(), label: `C${i}` },
      }));
    const at = registration();
    const taken = await post<LayerResults[] | ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [
        { id: 0, adds: [at.site] },
        { id: 1, adds: cameras(10, at) },
        { id: 1, adds: cameras(10, at) },
      ],
    });
    expect(Array.isArray(taken), JSON.stringify(taken)).toBe(true);
    const over = registration();
    const refused = await postAny<ErrorEnvelope>(`${publicUrl}/applyEdits`, {
      useGlobalIds: true,
      edits: [
        { id: 0, adds: [over.site] },
        { id: 1, adds: cameras(11, over) },
        { id: 1, adds: cameras(10, over) },
      ],
    });
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ error: { code: 413 } });
    expect(count('sites', 'registration_ref = ?', over.reference)).toBe(0);
  });

  it('officers log contacts only on sites they may see, and cannot tell a hidden site from none', async () => {
    const hidden = server.db
      .prepare(`SELECT "GlobalID" AS g FROM sites WHERE status <> 'verified' LIMIT 1`)
      .get() as { g: string };
    const entry = (siteGuid: string) => ({
      attributes: {
        site_guid: siteGuid,
        case_number: 'CASE-9',
        contact_method: 'phone',
        outcome: 'no_answer',
      },
    });
    const onHidden = await post(
      `${officerUrl}/2/addFeatures`,
      { features: [entry(hidden.g)] },
      officer,
    );
    const onNothing = await post(
      `${officerUrl}/2/addFeatures`,
      { features: [entry(guid())] },
      officer,
    );
    expect(refusedEdits(onHidden)).toEqual(['/addResults[0] site_guid PARENT_NOT_FOUND']);
    expect(JSON.stringify(onHidden).replace(hidden.g, 'G')).toEqual(
      JSON.stringify(onNothing).replace(/\{[0-9A-F-]{36}\}/, 'G'),
    );
    expect(count('contact_log', 'site_guid = ?', hidden.g)).toBe(0);
  });
});

describe('6. a reference is stored as it was given', () => {
  it('refuses a look-alike (QGIS would be stored as QG1S) per feature, with a word', async () => {
    const typed = registration({}, {}, 'QGIS-AB2C-D3EF');
    const added = await post<LayerResults>(
      `${sourceUrl}/0/applyEdits`,
      { rollbackOnFailure: false, adds: [typed.site] },
      analyst,
    );
    expect(added.addResults[0]).toMatchObject({
      success: false,
      error: { code: 1000, issues: [{ field: 'registration_ref', code: 'INVALID_FORMAT' }] },
    });
    expect(count('sites', "registration_ref IN ('QGIS-AB2C-D3EF', 'QG1S-AB2C-D3EF')")).toBe(0);
  });
});
