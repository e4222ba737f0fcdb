import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import {
  securityEvents,
  type SecurityEventKind,
} from '../../src/server/security/security-events.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const guid = () => `{${randomUUID().toUpperCase()}}`;

function site(extra: Record<string, unknown> = {}) {
  return {
    attributes: {
      registration_ref: '7K3M-9QXP-3HTD',
      manage_code_hash: 'a'.repeat(64),
      site_type: 'residence',
      contact_name: 'Guard Test',
      contact_role: 'owner',
      phone: '+18165550100',
      address: '1 Test St',
      share_willingness: 'yes',
      consent_version: '2026-01',
      ...extra,
    },
    geometry: { x: -94.41, y: 39.08 },
  };
}

/**
 * The form of one whole registration (the public view takes a site only with its cameras),
 * under a reference of its own, for the service-level applyEdits.
 */
function registration(): Record<string, string> {
  const siteGuid = guid();
  const camera = {
    attributes: {
      GlobalID: guid(),
      site_guid: siteGuid,
      label: 'Porch',
      mount: 'exterior',
      recording_mode: 'motion',
      retention_days: 7,
    },
    geometry: { x: -94.41, y: 39.08 },
  };
  const registered = site({
    GlobalID: siteGuid,
    registration_ref: formatReference(randomBytes(8)),
  });
  return {
    useGlobalIds: 'true',
    edits: JSON.stringify([
      { id: 0, adds: [registered] },
      { id: 1, adds: [camera] },
    ]),
  };
}

async function post(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ f: 'json', ...form }),
  });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

/** Events of a kind: the log folds repeats within a minute into one row with a count. */
function eventCount(server: TestServer, kind: SecurityEventKind): number {
  return securityEvents(server.db)
    .filter((e) => e.kind === kind)
    .reduce((sum, e) => sum + e.count, 0);
}

function siteCount(server: TestServer): number {
  return (server.db.prepare('SELECT COUNT(*) AS n FROM sites').get() as { n: number }).n;
}

describe('guards on the public form', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      rateLimits: { 'sign-in': 3, 'anonymous-edit': 6, lookup: 100 },
      botCheck: { minFillMs: 3000 },
      corsOrigins: ['https://city.example'],
    });
  });
  afterAll(() => server.close());
  const addUrl = () => `${server.service('CommunityCameras_public')}/0/addFeatures`;
  const registerUrl = () => `${server.service('CommunityCameras_public')}/applyEdits`;

  it('drops a filled honeypot silently, with the answer a person would get', async () => {
    const before = siteCount(server);
    const honeypot = await post(registerUrl(), {
      ...registration(),
      ccr_hp: 'http://spam.example',
      ccr_fill_ms: '60000',
    });
    expect(honeypot.body).toMatchObject([
      { addResults: [{ success: true }] },
      { addResults: [{ success: true }] },
    ]);
    expect(siteCount(server)).toBe(before);
    expect(eventCount(server, 'BOT_DROPPED')).toBe(1);
  });

  it('refuses anonymous writes from other sites, accepts allow-listed ones', async () => {
    const foreign = await post(
      addUrl(),
      { features: JSON.stringify([site()]) },
      { origin: 'https://evil.example' },
    );
    expect(foreign.body).toMatchObject({ error: { code: 403 } });
    const allowed = await post(registerUrl(), registration(), { origin: 'https://city.example' });
    expect(allowed.body).toMatchObject([
      { addResults: [{ success: true }] },
      { addResults: [{ success: true }] },
    ]);
    expect(allowed.response.headers.get('access-control-allow-origin')).toBe(
      'https://city.example',
    );
    expect(foreign.response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes one registration per call from anonymous callers', async () => {
    const { body, response } = await post(
      `${server.service('CommunityCameras_public')}/applyEdits`,
      {
        edits: JSON.stringify([{ id: 0, adds: [site(), site()] }]),
      },
    );
    expect(response.status).toBe(413);
    expect(body).toMatchObject({ error: { code: 413 } });
  });

  it('answers 429 with Retry-After once a client spends its budget', async () => {
    let limited: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 12 && !limited; i += 1) {
      const attempt = await post(addUrl(), {
        features: JSON.stringify([site({ GlobalID: guid() })]),
      });
      if (attempt.response.status === 429) limited = attempt;
    }
    expect(limited?.body).toMatchObject({ error: { code: 429 } });
    expect(Number(limited?.response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('budgets sign-in attempts and records each failure without the password', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const attempt = await post(`${server.url}/arcgis/sharing/rest/generateToken`, {
        username: 'officer1',
        password: `wrong-secret-${i}`,
      });
      statuses.push(attempt.response.status);
    }
    expect(statuses).toContain(429);
    const failures = securityEvents(server.db).filter((e) => e.kind === 'SIGN_IN_FAILED');
    expect(eventCount(server, 'SIGN_IN_FAILED')).toBeGreaterThanOrEqual(3);
    expect(failures[0]).toMatchObject({
      username: 'officer1',
      route: '/arcgis/sharing/rest/generateToken',
    });
    const stored = JSON.stringify(server.db.prepare('SELECT * FROM security_events').all());
    expect(stored).not.toContain('wrong-secret');
  });
});

describe('speed of the public form', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      rateLimits: { 'sign-in': 3, 'anonymous-edit': 50, lookup: 100 },
      botCheck: { minFillMs: 3000 },
    });
  });
  afterAll(() => server.close());
  const registerUrl = () => `${server.service('CommunityCameras_public')}/applyEdits`;

  it('asks a registration filled faster than a person usually can to wait, and stores it then', async () => {
    const before = siteCount(server);
    // 3,000 ms is the minimum: just below it waits the rest (rounded up to whole seconds).
    for (const [fill, wait] of [
      ['900', 3],
      ['2999', 1],
      ['-5', 3],
      ['soon', 3],
    ] as const) {
      const fast = await post(registerUrl(), { ...registration(), ccr_hp: '', ccr_fill_ms: fill });
      expect(fast.response.status, fill).toBe(429);
      expect(fast.response.headers.get('retry-after'), fill).toBe(String(wait));
      expect(fast.body, fill).toMatchObject({
        error: { code: 429, retryAfter: wait, field: 'ccr_fill_ms' },
      });
    }
    expect(siteCount(server)).toBe(before);
    expect(eventCount(server, 'BOT_DELAYED')).toBe(4);
    for (const fill of ['3000', '95000']) {
      const person = await post(registerUrl(), {
        ...registration(),
        ccr_hp: '',
        ccr_fill_ms: fill,
      });
      expect(person.body, fill).toMatchObject([
        { addResults: [{ success: true }] },
        { addResults: [{ success: true }] },
      ]);
    }
    expect(siteCount(server)).toBe(before + 2);
  });

  it('never judges a manage request by its speed: the manage code is the proof', async () => {
    const reference = formatReference(randomBytes(8));
    const code = formatManageCode(randomBytes(10));
    const form = registration();
    const edits = JSON.parse(form.edits ?? '[]') as {
      adds: { attributes: Record<string, unknown> }[];
    }[];
    Object.assign(edits[0]!.adds[0]!.attributes, {
      registration_ref: reference,
      manage_code_hash: createHash('sha256')
        .update(manageCodeHashInput(reference, code))
        .digest('hex'),
    });
    await post(registerUrl(), { ...form, edits: JSON.stringify(edits), ccr_fill_ms: '60000' });
    const before = siteCount(server);
    const quick = await post(`${server.service('CommunityCameras_public')}/4/addFeatures`, {
      features: JSON.stringify([
        {
          attributes: { registration_ref: reference, manage_code: code, request_type: 'withdraw' },
        },
      ]),
      ccr_hp: '',
      ccr_fill_ms: '400',
    });
    expect(quick.response.status).toBe(200);
    expect(quick.body).toMatchObject({ addResults: [{ success: true }] });
    // Applied as it arrived: the site is gone, as the resident was told.
    expect(siteCount(server)).toBe(before - 1);
    expect(eventCount(server, 'BOT_DELAYED')).toBe(4);
  });
});

describe('officer queries', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ sites: 300 });
    token = await server.token('officer1');
  });
  afterAll(() => server.close());
  const query = (layer: number, params: Record<string, string>) =>
    post(`${server.service('CommunityCameras_officer')}/${layer}/query`, {
      token,
      outFields: '*',
      ...params,
    });

  it('draw cameras at any scale: whole-layer ids, counts and features need no location', async () => {
    const everything: Record<string, string>[] = [
      { where: '1=1' },
      { where: '1=1', returnCountOnly: 'true' },
      { where: '1=1', returnIdsOnly: 'true' },
    ];
    for (const params of everything) {
      const { body } = await query(1, params);
      expect(body.error).toBeUndefined();
    }
  });

  it('give contact details only for a few kilometres', async () => {
    const { body } = await query(0, {
      geometry: '-94.48,39.03,-94.33,39.13',
      geometryType: 'esriGeometryEnvelope',
    });
    expect(body).toMatchObject({ error: { code: 400 } });
  });

  it('work with a nearby area, with object IDs, or with the GlobalIDs of sites', async () => {
    const near = await query(1, {
      geometry: '-94.4155,39.0911',
      distance: '800',
      units: 'esriSRUnit_Meter',
    });
    expect(near.body.features).toBeInstanceOf(Array);
    const cameras = near.body.features as { attributes: { site_guid: string } }[];
    expect(cameras.length).toBeGreaterThan(0);
    const guids = [...new Set(cameras.map((c) => c.attributes.site_guid))].slice(0, 5);
    const sites = await query(0, {
      where: `GlobalID IN (${guids.map((g) => `'${g}'`).join(',')})`,
    });
    expect((sites.body.features as unknown[]).length).toBeGreaterThan(0);
    const ids = (sites.body.features as { attributes: { OBJECTID: number } }[]).map(
      (f) => f.attributes.OBJECTID,
    );
    const byId = await query(0, { objectIds: ids.join(',') });
    expect((byId.body.features as unknown[]).length).toBe(ids.length);
  });

  it('never show the cameras of a site officers may not see', async () => {
    const hidden = server.db
      .prepare(
        `SELECT c."OBJECTID" AS id FROM cameras c JOIN sites s ON s."GlobalID" = c.site_guid
          WHERE s.status <> 'verified' LIMIT 20`,
      )
      .all() as { id: number }[];
    expect(hidden.length).toBeGreaterThan(0);
    const { body } = await query(1, { objectIds: hidden.map((h) => h.id).join(',') });
    expect(body.features).toEqual([]);
  });

  it('are never cached', async () => {
    const { response } = await query(1, {
      geometry: '-94.4155,39.0911',
      distance: '100',
      units: 'esriSRUnit_Meter',
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('headers on served pages', () => {
  it('carry a content security policy, nosniff and a referrer policy', async () => {
    const server = await startTestServer();
    try {
      const response = await fetch(`${server.url}/arcgis/rest/info?f=json`);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    } finally {
      await server.close();
    }
  });
});
