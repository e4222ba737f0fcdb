import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manageCodeHashInput } from '../../src/core/registration/registration-codes.js';
import { processPendingChangeRequests } from '../../src/server/change-requests/process-change-requests.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const guid = () => `{${randomUUID().toUpperCase()}}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface EditResult {
  success: boolean;
  objectId: number;
  error?: {
    code: number;
    description: string;
    retryAfter?: number;
    appCode?: string;
    issues?: { field: string; code: string }[];
  };
}

async function post(url: string, form: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ f: 'json', ...form }),
  });
  return response.json();
}

let referenceCounter = 0;
/** Registers a site with two cameras through the public view; returns its reference and code. */
async function register(
  server: TestServer,
): Promise<{ reference: string; code: string; siteGuid: string }> {
  referenceCounter += 1;
  const reference = `AAAA-BBBB-${String(referenceCounter).padStart(4, '0')}`;
  const code = 'K7M2-9QXP-3HTD-W4RA';
  const siteGuid = guid();
  const camera = (label: string) => ({
    attributes: {
      GlobalID: guid(),
      site_guid: siteGuid,
      label,
      mount: 'exterior',
      recording_mode: 'motion',
      retention_days: 7,
    },
    geometry: { x: -94.41, y: 39.08 },
  });
  const body = (await post(`${server.service('CommunityCameras_public')}/applyEdits`, {
    useGlobalIds: 'true',
    edits: JSON.stringify([
      {
        id: 0,
        adds: [
          {
            attributes: {
              GlobalID: siteGuid,
              registration_ref: reference,
              manage_code_hash: sha256(manageCodeHashInput(reference, code)),
              site_type: 'residence',
              contact_name: 'Ana Canary',
              contact_role: 'owner',
              phone: '+18165550100',
              address: '100 S Main St',
              share_willingness: 'yes',
              consent_version: '2026-01',
            },
            geometry: { x: -94.41, y: 39.08 },
          },
        ],
      },
      { id: 1, adds: [camera('Porch'), camera('Driveway')] },
    ]),
  })) as { addResults: EditResult[] }[];
  expect(body.map((layer) => layer.addResults.every((r) => r.success))).toEqual([true, true]);
  return { reference, code, siteGuid };
}

async function request(
  server: TestServer,
  attributes: Record<string, string>,
): Promise<EditResult> {
  const body = (await post(`${server.service('CommunityCameras_public')}/4/addFeatures`, {
    features: JSON.stringify([{ attributes }]),
  })) as { addResults: EditResult[] };
  if (!body.addResults) throw new Error(JSON.stringify(body));
  return body.addResults[0] as EditResult;
}

function count(server: TestServer, sql: string, ...params: string[]): number {
  return (server.db.prepare(sql).get(...params) as { n: number }).n;
}

describe('change requests', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('refuses a wrong manage code and changes nothing', async () => {
    const { reference } = await register(server);
    const result = await request(server, {
      registration_ref: reference,
      manage_code: 'WRONG-CODE-0000-0000',
      request_type: 'withdraw',
    });
    expect(result).toMatchObject({ success: false, error: { code: 403, appCode: 'FORBIDDEN' } });
    expect(
      count(server, 'SELECT COUNT(*) AS n FROM sites WHERE registration_ref = ?', reference),
    ).toBe(1);
    const stored = server.db
      .prepare(
        'SELECT manage_code, request_status, result FROM change_requests WHERE "OBJECTID" = ?',
      )
      .get(result.objectId);
    expect(stored).toEqual({ manage_code: null, request_status: 'rejected', result: 'BAD_CODE' });
  });

  it('answers an unknown reference exactly like a wrong code', async () => {
    const result = await request(server, {
      registration_ref: 'ZZZZ-ZZZZ-ZZZZ',
      manage_code: 'K7M2-9QXP-3HTD-W4RA',
      request_type: 'reconfirm',
    });
    expect(result).toMatchObject({ success: false, error: { code: 403 } });
  });

  it('slows down a client after three refused codes instead of locking the reference', async () => {
    const { reference, code } = await register(server);
    const answers: (number | undefined)[] = [];
    for (let i = 0; i < 5; i += 1) {
      const wrong = await request(server, {
        registration_ref: reference,
        manage_code: `BAD${i}-0000-0000-0000`,
        request_type: 'reconfirm',
      });
      answers.push(wrong.error?.code);
    }
    // Three are checked; then the same client must wait, and its tries are not checked.
    expect(answers).toEqual([403, 403, 403, 429, 429]);
    const held = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'withdraw',
    });
    expect(held).toMatchObject({ success: false, error: { code: 429, appCode: 'RATE_LIMITED' } });
    const wait = held.error?.retryAfter ?? 0;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(2);
    expect(
      count(server, 'SELECT COUNT(*) AS n FROM sites WHERE registration_ref = ?', reference),
    ).toBe(1);
    await sleep(wait * 1000);
    const after = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'withdraw',
    });
    expect(after.success).toBe(true);
    expect(
      count(server, 'SELECT COUNT(*) AS n FROM sites WHERE registration_ref = ?', reference),
    ).toBe(0);
  });

  it('updates contact details and replaces the cameras with the right code (typed loosely)', async () => {
    const { reference, code, siteGuid } = await register(server);
    const payload = {
      site: { phone: '+18165550199', preferred_contact: 'sms' },
      cameras: [
        {
          attributes: {
            label: 'Garage',
            mount: 'exterior',
            recording_mode: 'continuous',
            retention_days: 30,
            view_bearing: 90,
          },
          location: { x: -94.4101, y: 39.0801 },
        },
      ],
    };
    const result = await request(server, {
      registration_ref: reference.toLowerCase(),
      manage_code: code.replace(/-/g, ' ').toLowerCase(),
      request_type: 'update',
      payload: JSON.stringify(payload),
    });
    expect(result.success).toBe(true);
    expect(
      server.db
        .prepare('SELECT phone, preferred_contact FROM sites WHERE registration_ref = ?')
        .get(reference),
    ).toEqual({ phone: '+18165550199', preferred_contact: 'sms' });
    const cameras = server.db
      .prepare('SELECT label, view_bearing FROM cameras WHERE site_guid = ?')
      .all(siteGuid);
    expect(cameras).toEqual([{ label: 'Garage', view_bearing: 90 }]);
    expect(
      server.db
        .prepare('SELECT payload, manage_code FROM change_requests WHERE "OBJECTID" = ?')
        .get(result.objectId),
    ).toEqual({ payload: null, manage_code: null });
  });

  it('refuses invalid changes with the problems named and keeps the site as it was', async () => {
    const { reference, code } = await register(server);
    const result = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'update',
      payload: JSON.stringify({ site: { phone: 'call me', email: null } }),
    });
    // The problems as data, field by field (the widget marks those fields).
    expect(result).toMatchObject({
      success: false,
      error: {
        code: 400,
        appCode: 'INVALID_INPUT',
        issues: [{ field: 'phone', code: 'INVALID_PHONE' }],
      },
    });
    expect(
      server.db.prepare('SELECT phone FROM sites WHERE registration_ref = ?').get(reference),
    ).toEqual({ phone: '+18165550100' });
  });

  it('re-confirms: moves the confirmation date forward', async () => {
    const { reference, code } = await register(server);
    server.db
      .prepare(
        'UPDATE sites SET last_confirmed_at = 0, confirm_due_at = 1 WHERE registration_ref = ?',
      )
      .run(reference);
    const result = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'reconfirm',
    });
    expect(result.success).toBe(true);
    const row = server.db
      .prepare('SELECT confirm_due_at FROM sites WHERE registration_ref = ?')
      .get(reference) as { confirm_due_at: number };
    expect(row.confirm_due_at).toBeGreaterThan(Date.now() + 300 * 86_400_000);
  });

  it('withdraws: the site, its cameras, contact entries and other requests go; the withdrawal stays, wiped', async () => {
    const { reference, code, siteGuid } = await register(server);
    server.db
      .prepare(
        `INSERT INTO contact_log (GlobalID, site_guid, case_number, contact_method, outcome)
         VALUES (?, ?, 'CASE-W-1', 'phone', 'no_answer')`,
      )
      .run(guid(), siteGuid);
    const refused = await request(server, {
      registration_ref: reference,
      manage_code: 'NOPE-NOPE-NOPE-NOPE',
      request_type: 'reconfirm',
    });
    expect(refused.success).toBe(false);
    const before = Date.now();
    const result = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'withdraw',
    });
    expect(result.success).toBe(true);
    expect(
      count(server, 'SELECT COUNT(*) AS n FROM sites WHERE registration_ref = ?', reference),
    ).toBe(0);
    expect(count(server, 'SELECT COUNT(*) AS n FROM cameras WHERE site_guid = ?', siteGuid)).toBe(
      0,
    );
    expect(
      count(server, 'SELECT COUNT(*) AS n FROM contact_log WHERE site_guid = ?', siteGuid),
    ).toBe(0);
    const kept = server.db
      .prepare(
        `SELECT "OBJECTID" AS id, request_type, request_status, result, manage_code, payload,
                processed_at FROM change_requests WHERE registration_ref = ?`,
      )
      .all(reference) as { processed_at: number }[];
    expect(kept).toEqual([
      {
        id: result.objectId,
        request_type: 'withdraw',
        request_status: 'applied',
        result: 'WITHDRAWN',
        manage_code: null,
        payload: null,
        processed_at: expect.any(Number) as number,
      },
    ]);
    expect(kept[0]?.processed_at).toBeGreaterThanOrEqual(before);
    expect(kept[0]?.processed_at).toBeLessThanOrEqual(Date.now());

    // Withdrawing again: the reference is gone, answered as a wrong code; nothing more counts.
    const again = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'withdraw',
    });
    expect(again).toMatchObject({ success: false, error: { code: 403, appCode: 'FORBIDDEN' } });
    expect(
      server.db
        .prepare(
          `SELECT request_status, result FROM change_requests
             WHERE registration_ref = ? ORDER BY "OBJECTID"`,
        )
        .all(reference),
    ).toEqual([
      { request_status: 'applied', result: 'WITHDRAWN' },
      { request_status: 'rejected', result: 'BAD_CODE' },
    ]);
  });
});

describe('change requests left for the processing job', () => {
  it('stay pending until the processor runs, then apply', async () => {
    const server = await startTestServer({ processChangeRequests: false });
    try {
      const { reference, code } = await register(server);
      const result = await request(server, {
        registration_ref: reference,
        manage_code: code,
        request_type: 'withdraw',
      });
      expect(result.success).toBe(true);
      expect(
        count(server, 'SELECT COUNT(*) AS n FROM sites WHERE registration_ref = ?', reference),
      ).toBe(1);
      const outcomes = processPendingChangeRequests(server.db, { now: Date.UTC(2026, 6, 4) });
      expect(outcomes).toEqual([{ status: 'applied', requestType: 'withdraw' }]);
      expect(
        count(server, 'SELECT COUNT(*) AS n FROM sites WHERE registration_ref = ?', reference),
      ).toBe(0);
      expect(
        server.db
          .prepare(
            `SELECT request_status, result, manage_code, payload, processed_at
               FROM change_requests WHERE "OBJECTID" = ?`,
          )
          .get(result.objectId),
      ).toEqual({
        request_status: 'applied',
        result: 'WITHDRAWN',
        manage_code: null,
        payload: null,
        processed_at: Date.UTC(2026, 6, 4),
      });
    } finally {
      await server.close();
    }
  });
});
