import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import { fieldsInView } from '../../src/core/schema/views.js';
import { backupDatabase } from '../../src/server/backup/backup-database.js';
import {
  makeRegistration,
  postForm,
  postRegistration,
  seededRandom,
  type Registration,
} from '../helpers/registrations.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const PUBLIC = 'CommunityCameras_public';
const OFFICER = 'CommunityCameras_officer';
const SOURCE = 'CommunityCameras';
const DEMO_PASSWORD = 'Zqx-Demo-Pass-4417';

/** What a registrant gave: must never reach a log, and must be gone after withdrawal. */
const REGISTRANT = {
  contactName: 'Zqxname Canarywick',
  businessName: 'Zqxbiz Canary Bakery',
  email: 'zqx.canary.mail@example.org',
  phone: '+16605557391',
  address: '7391 Zqxcanary Ridge Rd',
  unit: 'Zqxunit 5B',
} as const;
const MOVED_EMAIL = 'zqx.moved.canary@example.org';
const FOLLOW_UP = 'Zqxfollow call back after six';
/** Needles searched for (lower case): fragments without spaces or characters that get encoded. */
const REGISTRANT_NEEDLES = [
  'zqxname',
  'canarywick',
  'zqxbiz',
  'zqx.canary.mail',
  '6605557391',
  'zqxcanary ridge',
  'zqxcanary',
  'zqxunit',
  'zqx.moved.canary',
  'zqxfollow',
];
const CASE_NUMBER = 'ZQXCASE-2026-0711';
const WRONG_PASSWORD = 'Zqx-Wrong-Canary-Pass';
const WRONG_CODE = 'ZQXW-R0NG-C0DE-2718';
const FORGED_TOKEN = 'zqxforgedtoken0123456789abcdefghijklmnopqrs';

function lowerIncludes(haystack: string, needles: readonly string[]): string[] {
  const lower = haystack.toLowerCase();
  return needles.filter((needle) => lower.includes(needle.toLowerCase()));
}

function rawIncludes(bytes: Buffer, needles: readonly string[]): string[] {
  return needles.filter(
    (needle) =>
      bytes.includes(Buffer.from(needle, 'utf8')) ||
      bytes.includes(Buffer.from(needle.toUpperCase(), 'utf8')) ||
      bytes.toString('latin1').toLowerCase().includes(needle.toLowerCase()),
  );
}

interface Json {
  [key: string]: unknown;
}

describe('privacy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccr-privacy-'));
  const dbFile = join(dir, 'registry.sqlite');
  let server: ServerProcess;
  let officer: string;
  let analyst: string;
  let registration: Registration;
  let requests = 0;
  const registeredBetween: [number, number] = [0, 0];

  const call = async (
    path: string,
    form: Record<string, string>,
    init: { token?: string; method?: 'GET' | 'POST' } = {},
  ): Promise<Json> => {
    requests += 1;
    const headers: Record<string, string> = init.token
      ? { 'x-esri-authorization': `Bearer ${init.token}` }
      : {};
    const query = new URLSearchParams({ f: 'json', ...form }).toString();
    const url = path.startsWith('http') ? path : `${server.url}${path}`;
    const response =
      init.method === 'GET'
        ? await fetch(`${url}?${query}`, { headers })
        : await fetch(url, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
            body: query,
          });
    const text = await response.text();
    return (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : { text }) as Json;
  };
  const near = {
    geometry: JSON.stringify({ x: -94.4101, y: 39.0801, spatialReference: { wkid: 4326 } }),
    geometryType: 'esriGeometryPoint',
    inSR: '4326',
    distance: '400',
    units: 'esriSRUnit_Meter',
  };

  beforeAll(async () => {
    server = await startServerProcess({ dbFile, demoPassword: DEMO_PASSWORD });
  });
  afterAll(async () => {
    await server.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers, verifies, searches and withdraws with the registrant details handled right', async () => {
    // A registration carrying canaries, and a client-sent consent time the server must ignore.
    const random = seededRandom(0x9e1f);
    registration = makeRegistration(random, {
      ...REGISTRANT,
      extra: { consent_at: 86_400_000 },
    });
    const edits = JSON.parse(registration.edits) as {
      adds: { geometry: { x: number; y: number } }[];
    }[];
    // Put the site where the officer will search.
    for (const layer of edits)
      for (const add of layer.adds) Object.assign(add.geometry, { x: -94.41, y: 39.08 });
    registration = { ...registration, edits: JSON.stringify(edits) };
    registeredBetween[0] = Date.now();
    requests += 1;
    expect(await postRegistration(server.service(PUBLIC), registration)).toEqual({
      kind: 'acknowledged',
    });
    registeredBetween[1] = Date.now();
    // Fields the public form does not carry are refused, not quietly stored.
    requests += 1;
    const selfVerified = await postRegistration(
      server.service(PUBLIC),
      makeRegistration(random, { extra: { status: 'verified' } }),
    );
    expect(selfVerified).toMatchObject({ kind: 'refused', status: 200 });
    expect(selfVerified.kind === 'refused' && selfVerified.body).toContain(
      '"issues":[{"field":"status","code":"UNKNOWN_FIELD"}]',
    );
    // An invalid registration whose bad values are canaries too.
    const invalid = makeRegistration(random, {
      contactName: 'Zqxname Canarywick',
      email: 'zqx.canary.mail at example',
      phone: 'call 6605557391',
    });
    requests += 1;
    const refused = await postRegistration(server.service(PUBLIC), invalid);
    expect(refused.kind).toBe('refused');

    // Sign-ins: one right, one wrong (with a canary password), and the analyst.
    officer = await server.token('officer1', DEMO_PASSWORD);
    analyst = await server.token('analyst1', DEMO_PASSWORD);
    requests += 2;
    const wrong = await call('/arcgis/sharing/rest/generateToken', {
      username: 'officer1',
      password: WRONG_PASSWORD,
    });
    expect(wrong).toHaveProperty('error');

    // The server set consent_at and the status itself.
    const stored = await call(
      `${server.service(SOURCE)}/0/query`,
      {
        where: `GlobalID = '${registration.siteGuid}'`,
        outFields: 'consent_at,status,source_channel,contact_name',
        returnGeometry: 'false',
      },
      { token: analyst },
    );
    const attributes = (stored.features as { attributes: Json }[])[0]?.attributes ?? {};
    expect(attributes.contact_name).toBe(REGISTRANT.contactName);
    expect(attributes.status).toBe('pending');
    expect(attributes.source_channel).toBe('web');
    expect(attributes.consent_at).toBeGreaterThanOrEqual(registeredBetween[0] - 1000);
    expect(attributes.consent_at).toBeLessThanOrEqual(registeredBetween[1] + 1000);

    // The analyst verifies it, so officers can find it.
    const verified = await call(
      `${server.service(SOURCE)}/0/applyEdits`,
      {
        useGlobalIds: 'true',
        updates: JSON.stringify([
          { attributes: { GlobalID: registration.siteGuid, status: 'verified' } },
        ]),
      },
      { token: analyst },
    );
    expect(verified.updateResults).toMatchObject([{ success: true }]);

    // The officer records the search, then searches (a canary in the query string too).
    const audit = await call(
      `${server.service(OFFICER)}/3/addFeatures`,
      {
        features: JSON.stringify([
          {
            attributes: {
              case_number: CASE_NUMBER,
              purpose: 'criminal_investigation',
              incident_x: -94.4101,
              incident_y: 39.0801,
              radius_m: 400,
              result_count: 1,
            },
          },
        ]),
      },
      { token: officer },
    );
    expect(audit.addResults).toMatchObject([{ success: true }]);
    const found = await call(
      `${server.service(OFFICER)}/0/query`,
      { ...near, where: "contact_name LIKE 'Zqxname%'", outFields: '*' },
      { token: officer, method: 'GET' },
    );
    const features = found.features as { attributes: Json }[];
    expect(features).toHaveLength(1);
    const officerSiteFields = fieldsInView(SITES, 'officer').map((f) => f.name);
    expect(Object.keys(features[0]?.attributes ?? {}).sort()).toEqual(
      [...officerSiteFields].sort(),
    );
    expect((found.fields as { name: string }[]).map((f) => f.name).sort()).toEqual(
      [...officerSiteFields].sort(),
    );
    for (const hidden of ['consent_at', 'manage_code_hash', 'registration_ref', 'source_channel'])
      expect(officerSiteFields).not.toContain(hidden);
    const cameras = await call(
      `${server.service(OFFICER)}/1/query`,
      { ...near, where: `site_guid = '${registration.siteGuid}'`, outFields: '*' },
      { token: officer },
    );
    const cameraFeatures = cameras.features as { attributes: Json }[];
    expect(cameraFeatures).toHaveLength(2);
    expect(Object.keys(cameraFeatures[0]?.attributes ?? {}).sort()).toEqual(
      fieldsInView(CAMERAS, 'officer')
        .map((f) => f.name)
        .sort(),
    );
    // Hidden fields cannot be asked for, filtered on or sorted by.
    const hiddenAsks: Record<string, string>[] = [
      { outFields: 'manage_code_hash' },
      { outFields: 'OBJECTID,consent_at' },
      { where: 'consent_at IS NOT NULL' },
      { where: "registration_ref = 'X'" },
      { orderByFields: 'consent_version' },
    ];
    for (const form of hiddenAsks) {
      const refusedQuery = await call(
        `${server.service(OFFICER)}/0/query`,
        { ...near, where: '1=1', outFields: 'OBJECTID', ...form },
        { token: officer },
      );
      expect((refusedQuery.error as { code?: number } | undefined)?.code).toBe(400);
    }
    const contact = await call(
      `${server.service(OFFICER)}/2/addFeatures`,
      {
        features: JSON.stringify([
          {
            attributes: {
              site_guid: registration.siteGuid,
              case_number: CASE_NUMBER,
              contact_method: 'phone',
              outcome: 'footage_requested',
              follow_up: FOLLOW_UP,
            },
          },
        ]),
      },
      { token: officer },
    );
    expect(contact.addResults).toMatchObject([{ success: true }]);

    // Change requests: a wrong (canary) code, then a real update with a new canary email.
    const changeRequest = (attributes: Record<string, string>) =>
      call(`${server.service(PUBLIC)}/4/addFeatures`, {
        features: JSON.stringify([{ attributes }]),
      });
    const badCode = await changeRequest({
      registration_ref: registration.reference,
      manage_code: WRONG_CODE,
      request_type: 'withdraw',
    });
    expect(badCode.addResults).toMatchObject([{ success: false, error: { code: 403 } }]);
    const updated = await changeRequest({
      registration_ref: registration.reference,
      manage_code: registration.manageCode,
      request_type: 'update',
      payload: JSON.stringify({ site: { email: MOVED_EMAIL } }),
    });
    expect(updated.addResults).toMatchObject([{ success: true }]);

    // Errors of every kind, each carrying canaries.
    const errors: Json[] = [];
    errors.push(
      await call(
        `${server.service(OFFICER)}/0/query`,
        { ...near, where: "contact_name = 'Zqxname Canarywick" },
        { token: officer, method: 'GET' },
      ),
      await call(
        `${server.service(OFFICER)}/0/query`,
        { ...near, where: "email = 'zqx.canary.mail@example.org' ; DROP TABLE sites" },
        { token: officer },
      ),
      await call(`${server.service(PUBLIC)}/applyEdits`, {
        edits: '[{"id":0,"adds":[{"attributes":{"contact_name":"Zqxname Canarywick"',
      }),
      await call('/arcgis/rest/services/Zqxname_Canarywick/FeatureServer', {}, { method: 'GET' }),
      await call(
        `${server.service(OFFICER)}/0/query`,
        { ...near, where: '1=1' },
        { token: FORGED_TOKEN, method: 'GET' },
      ),
      await call(`${server.service(SOURCE)}/0/query`, { where: '1=1' }, { token: officer }),
      await call(`${server.service(OFFICER)}/0/query`, {
        where: "address = '7391 Zqxcanary Ridge Rd'",
      }),
    );
    for (const body of errors) expect(body).toHaveProperty('error');
    // A token in the query string, and a malformed JSON body.
    requests += 2;
    const inQuery = await fetch(
      `${server.service(OFFICER)}/0/query?${new URLSearchParams({ f: 'json', token: officer, where: "unit = 'Zqxunit 5B'", outFields: 'OBJECTID', ...near }).toString()}`,
    );
    expect(((await inQuery.json()) as Json).features).toHaveLength(1);
    const badJson = await fetch(`${server.service(OFFICER)}/0/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}` },
      body: '{"where": "contact_name = \'Zqxname Canarywick\'", ',
    });
    expect(badJson.status).toBeLessThan(500);
    // Too large, with the registrant's details repeated in it.
    requests += 1;
    const huge = await postForm(`${server.service(PUBLIC)}/applyEdits`, {
      f: 'json',
      edits: JSON.stringify([
        { id: 0, adds: [{ attributes: { contact_name: REGISTRANT.contactName.repeat(200_000) } }] },
      ]),
    });
    expect(huge.status).toBe(413);

    // Withdrawal with the right code removes everything about the registrant.
    const withdrawn = await changeRequest({
      registration_ref: registration.reference.toLowerCase(),
      manage_code: registration.manageCode,
      request_type: 'withdraw',
    });
    expect(withdrawn.addResults).toMatchObject([{ success: true }]);
    const gone = await call(
      `${server.service(OFFICER)}/0/query`,
      { ...near, where: `GlobalID = '${registration.siteGuid}'`, outFields: 'OBJECTID' },
      { token: officer },
    );
    expect(gone.features).toEqual([]);

    // Logging was on and saw every request, yet holds no detail and no secret.
    const requestLines = () =>
      server
        .stdout()
        .split('\n')
        .filter((line) => line.includes('"msg":"request"')).length;
    // The log reaches us through a pipe, a little after the answers do.
    for (let waited = 0; requestLines() < requests && waited < 5000; waited += 25) await sleep(25);
    expect(requestLines()).toBeGreaterThanOrEqual(requests);
    const logs = server.stdout() + server.stderr();
    const secrets = [
      DEMO_PASSWORD,
      WRONG_PASSWORD,
      WRONG_CODE,
      registration.manageCode,
      registration.manageCode.replaceAll('-', ''),
      officer,
      analyst,
      FORGED_TOKEN,
      CASE_NUMBER,
    ];
    expect(lowerIncludes(logs, [...REGISTRANT_NEEDLES, ...secrets])).toEqual([]);
    expect(logs).not.toMatch(/"level":(50|60)/);
  }, 60_000);

  it('keeps no trace of a withdrawn registrant in the live files or a backup taken after', async () => {
    // The backup API copies whole pages, free space included, and the write-ahead log keeps
    // old page images: deleted bytes must really be gone from both, without waiting for VACUUM.
    const copy = join(dir, 'after-withdrawal.sqlite');
    const report = await backupDatabase(dbFile, copy);
    expect(report).toMatchObject({ ok: true, counts: { sites: 0, cameras: 0 } });
    const needles = [...REGISTRANT_NEEDLES, registration.manageCode];
    const live = [dbFile, `${dbFile}-wal`].filter((file) => existsSync(file));
    expect({
      backup: rawIncludes(readFileSync(copy), needles),
      live: rawIncludes(Buffer.concat(live.map((file) => readFileSync(file))), needles),
    }).toEqual({ backup: [], live: [] });
    expect(rawIncludes(readFileSync(copy), [CASE_NUMBER])).toEqual([CASE_NUMBER]);
  });

  it('leaves no trace of a withdrawn registrant in any table or in the file', async () => {
    await server.stop('SIGTERM');
    const db = new DatabaseSync(dbFile);
    const tables = (
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['sites', 'cameras', 'change_requests']));
    let dump = '';
    for (const table of tables) {
      const rows = db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`).all();
      dump += `${table}\n${JSON.stringify(rows, (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
      )}\n`;
    }
    const forbidden = [
      ...REGISTRANT_NEEDLES,
      WRONG_PASSWORD,
      WRONG_CODE,
      registration.manageCode,
      registration.manageCode.replaceAll('-', ''),
      FORGED_TOKEN,
    ];
    expect(lowerIncludes(dump, forbidden)).toEqual([]);
    // The search itself is kept (the audit), which shows the dump would find a canary.
    expect(lowerIncludes(dump, [CASE_NUMBER])).toEqual([CASE_NUMBER]);

    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.exec('VACUUM');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    let bytes = readFileSync(dbFile);
    for (const extra of [`${dbFile}-wal`, `${dbFile}-journal`]) {
      if (existsSync(extra)) bytes = Buffer.concat([bytes, readFileSync(extra)]);
    }
    expect(rawIncludes(bytes, forbidden)).toEqual([]);
    expect(rawIncludes(bytes, [CASE_NUMBER])).toEqual([CASE_NUMBER]);
  });
});
