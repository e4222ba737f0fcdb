import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manageCodeHashInput } from '../../src/core/registration/registration-codes.js';
import { clientDelaySeconds } from '../../src/server/change-requests/code-attempts.js';
import {
  applyReviewedChangeRequests,
  processChangeRequest,
  processPendingChangeRequests,
  type ChangeOutcome,
} from '../../src/server/change-requests/process-change-requests.js';
import type { Database } from '../../src/server/db/open-database.js';
import { postForm } from '../helpers/registrations.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const PUBLIC = 'CommunityCameras_public';
const OFFICER = 'CommunityCameras_officer';
const SOURCE = 'CommunityCameras';
const SITE_POINT = { x: -94.41, y: 39.08 };
const MOVED_POINT = { x: -94.4105, y: 39.0805 };
const SECOND = 1000;

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

type Json = Record<string, unknown>;

async function post(url: string, form: Record<string, string>, token?: string): Promise<Json> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { 'x-esri-authorization': `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams({ f: 'json', ...form }),
  });
  return (await response.json()) as Json;
}

let referenceCounter = 0;
/** Registers a site with two cameras through the public view; returns its reference and code. */
async function register(
  server: TestServer,
): Promise<{ reference: string; code: string; siteGuid: string }> {
  referenceCounter += 1;
  const reference = `RVWA-BBBB-${String(referenceCounter).padStart(4, '0')}`;
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
    geometry: SITE_POINT,
  });
  const body = (await post(`${server.service(PUBLIC)}/applyEdits`, {
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
              contact_name: 'Ana Verified',
              contact_role: 'owner',
              phone: '+18165550100',
              address: '100 S Main St',
              share_willingness: 'yes',
              consent_version: '2026-01',
            },
            geometry: SITE_POINT,
          },
        ],
      },
      { id: 1, adds: [camera('Porch'), camera('Driveway')] },
    ]),
  })) as unknown as { addResults: EditResult[] }[];
  expect(body.map((layer) => layer.addResults.every((r) => r.success))).toEqual([true, true]);
  return { reference, code, siteGuid };
}

/** Posts one change request through the public view, as the resident's form does. */
async function request(
  server: TestServer,
  attributes: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<EditResult> {
  const body = (await post(`${server.service(PUBLIC)}/4/addFeatures`, {
    features: JSON.stringify([{ attributes }]),
    ...extra,
  })) as { addResults?: EditResult[] };
  if (!body.addResults) throw new Error(JSON.stringify(body));
  return body.addResults[0] as EditResult;
}

/** The same, from a loopback address of its own (another client). */
async function requestFrom(
  server: TestServer,
  from: string,
  attributes: Record<string, string>,
): Promise<EditResult> {
  const { text } = await postForm(
    `${server.service(PUBLIC)}/4/addFeatures`,
    { f: 'json', features: JSON.stringify([{ attributes }]) },
    { from },
  );
  return (JSON.parse(text) as { addResults: EditResult[] }).addResults[0] as EditResult;
}

/** A change request stored as the public view stores it, left for the processor. */
function pending(
  db: Database,
  attributes: { ref: string; code: string; type: string; payload?: object },
): number {
  const result = db
    .prepare(
      `INSERT INTO change_requests (GlobalID, registration_ref, manage_code, request_type, payload, request_status)
       VALUES (?, ?, ?, ?, ?, 'pending')`,
    )
    .run(
      guid(),
      attributes.ref,
      attributes.code,
      attributes.type,
      attributes.payload ? JSON.stringify(attributes.payload) : null,
    );
  return Number(result.lastInsertRowid);
}

function requestRow(db: Database, id: number): Json | undefined {
  return db
    .prepare(
      'SELECT request_status, result, manage_code, payload FROM change_requests WHERE "OBJECTID" = ?',
    )
    .get(id) as Json | undefined;
}

const NEW_DETAILS = {
  site: { contact_name: 'Mallory Moved', phone: '+18165550199' },
  location: MOVED_POINT,
  cameras: [
    {
      attributes: {
        label: 'Garage',
        mount: 'exterior',
        recording_mode: 'continuous',
        retention_days: 30,
      },
      location: MOVED_POINT,
    },
  ],
};

// One server for the file (starting one is slow on a busy machine); each test registers its own
// site, and the processor tests store their requests directly and pass their own clock.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('an update of a verified site waits for an analyst (problem 1)', () => {
  let officer: string;
  let analyst: string;
  beforeAll(async () => {
    officer = await server.token('officer1');
    analyst = await server.token('analyst1');
  });

  const verify = async (siteGuid: string) => {
    const verified = await post(
      `${server.service(SOURCE)}/0/applyEdits`,
      {
        useGlobalIds: 'true',
        updates: JSON.stringify([{ attributes: { GlobalID: siteGuid, status: 'verified' } }]),
      },
      analyst,
    );
    expect(verified.updateResults).toMatchObject([{ success: true }]);
  };

  /** What an officer's search near the site returns: the site's contact and point, the labels. */
  const officerSees = async (siteGuid: string) => {
    const near = {
      geometry: JSON.stringify({ ...SITE_POINT, spatialReference: { wkid: 4326 } }),
      geometryType: 'esriGeometryPoint',
      inSR: '4326',
      outSR: '4326',
      distance: '400',
      units: 'esriSRUnit_Meter',
    };
    const sites = await post(
      `${server.service(OFFICER)}/0/query`,
      { ...near, where: `GlobalID = '${siteGuid}'`, outFields: 'contact_name,phone,status' },
      officer,
    );
    const cameras = await post(
      `${server.service(OFFICER)}/1/query`,
      { ...near, where: `site_guid = '${siteGuid}'`, outFields: 'label', orderByFields: 'label' },
      officer,
    );
    const [site] = sites.features as { attributes: Json; geometry: { x: number; y: number } }[];
    return {
      site: site?.attributes,
      point: site && {
        x: Number(site.geometry.x.toFixed(4)),
        y: Number(site.geometry.y.toFixed(4)),
      },
      cameras: (cameras.features as { attributes: Json }[]).map((f) => f.attributes.label),
    };
  };

  const decide = async (requestId: number, decision: 'approved' | 'rejected') => {
    const edited = await post(
      `${server.service(SOURCE)}/4/applyEdits`,
      {
        updates: JSON.stringify([
          { attributes: { OBJECTID: requestId, request_status: decision } },
        ]),
      },
      analyst,
    );
    expect(edited.updateResults).toMatchObject([{ success: true }]);
    // The edit route carries out the decision once wired; the batch job does in any case.
    applyReviewedChangeRequests(server.db);
  };

  const before = {
    site: { contact_name: 'Ana Verified', phone: '+18165550100', status: 'verified' },
    point: SITE_POINT,
    cameras: ['Driveway', 'Porch'],
  };
  const after = {
    site: { contact_name: 'Mallory Moved', phone: '+18165550199', status: 'verified' },
    point: MOVED_POINT,
    cameras: ['Garage'],
  };

  it('keeps the verified version for officers until an analyst approves the update', async () => {
    const { reference, code, siteGuid } = await register(server);
    await verify(siteGuid);
    expect(await officerSees(siteGuid)).toEqual(before);

    const result = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'update',
      payload: JSON.stringify(NEW_DETAILS),
    });
    // Accepted: the resident is told it worked; it waits for review.
    expect(result.success).toBe(true);
    expect(requestRow(server.db, result.objectId)).toEqual({
      request_status: 'review',
      result: 'IN_REVIEW',
      manage_code: null,
      payload: JSON.stringify(NEW_DETAILS),
    });
    expect(await officerSees(siteGuid)).toEqual(before);
    // Nothing else moves it on: the batch job leaves a held update alone.
    processPendingChangeRequests(server.db);
    expect(await officerSees(siteGuid)).toEqual(before);

    await decide(result.objectId, 'approved');
    expect(await officerSees(siteGuid)).toEqual(after);
    expect(requestRow(server.db, result.objectId)).toEqual({
      request_status: 'applied',
      result: 'UPDATED',
      manage_code: null,
      payload: null,
    });
  });

  it('leaves the verified version in place when the analyst rejects the update', async () => {
    const { reference, code, siteGuid } = await register(server);
    await verify(siteGuid);
    const result = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'update',
      payload: JSON.stringify(NEW_DETAILS),
    });
    expect(result.success).toBe(true);
    await decide(result.objectId, 'rejected');
    expect(await officerSees(siteGuid)).toEqual(before);
    expect(requestRow(server.db, result.objectId)).toEqual({
      request_status: 'rejected',
      result: 'REVIEW_REJECTED',
      manage_code: null,
      payload: null,
    });
  });

  it('still refuses an invalid update at once, before any review', async () => {
    const { reference, code, siteGuid } = await register(server);
    await verify(siteGuid);
    const result = await request(server, {
      registration_ref: reference,
      manage_code: code,
      request_type: 'update',
      payload: JSON.stringify({ site: { phone: 'call me' } }),
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
  });
});

describe('review rules at the processor', () => {
  const site = (reference: string) =>
    server.db
      .prepare('SELECT phone, status FROM sites WHERE registration_ref = ?')
      .get(reference) as Json | undefined;

  it('applies an update of a site nobody has verified yet at once', async () => {
    const { reference, code } = await register(server);
    const id = pending(server.db, { ref: reference, code, type: 'update', payload: NEW_DETAILS });
    expect(processChangeRequest(server.db, id)).toEqual({
      status: 'applied',
      requestType: 'update',
    });
    expect(site(reference)).toEqual({ phone: '+18165550199', status: 'pending' });
  });

  it('holds an update of an expired site that was verified (re-confirming would show it)', async () => {
    const { reference, code } = await register(server);
    server.db
      .prepare("UPDATE sites SET status = 'expired', verified_at = 1 WHERE registration_ref = ?")
      .run(reference);
    const id = pending(server.db, { ref: reference, code, type: 'update', payload: NEW_DETAILS });
    expect(processChangeRequest(server.db, id)).toEqual({
      status: 'review',
      requestType: 'update',
    });
    const reconfirm = pending(server.db, { ref: reference, code, type: 'reconfirm' });
    expect(processChangeRequest(server.db, reconfirm)).toEqual({
      status: 'applied',
      requestType: 'reconfirm',
    });
    expect(site(reference)).toEqual({ phone: '+18165550100', status: 'verified' });
  });

  it('re-confirms and withdraws a verified site at once; a withdrawal takes held updates with it and keeps only itself, wiped', async () => {
    const { reference, code } = await register(server);
    server.db
      .prepare("UPDATE sites SET status = 'verified' WHERE registration_ref = ?")
      .run(reference);
    const held = pending(server.db, { ref: reference, code, type: 'update', payload: NEW_DETAILS });
    const reconfirm = pending(server.db, { ref: reference, code, type: 'reconfirm' });
    const withdraw = pending(server.db, { ref: reference, code, type: 'withdraw' });
    expect(processPendingChangeRequests(server.db)).toEqual([
      { status: 'review', requestType: 'update' },
      { status: 'applied', requestType: 'reconfirm' },
      { status: 'applied', requestType: 'withdraw' },
    ]);
    expect(site(reference)).toBeUndefined();
    expect([held, reconfirm, withdraw].map((id) => requestRow(server.db, id))).toEqual([
      undefined,
      undefined,
      { request_status: 'applied', result: 'WITHDRAWN', manage_code: null, payload: null },
    ]);
  });

  it('never applies an approval of a request that was not held (its code was never checked)', async () => {
    const { reference } = await register(server);
    server.db
      .prepare("UPDATE sites SET status = 'verified' WHERE registration_ref = ?")
      .run(reference);
    const id = pending(server.db, {
      ref: reference,
      code: 'WRONG-CODE-0000-0000',
      type: 'update',
      payload: NEW_DETAILS,
    });
    server.db
      .prepare(`UPDATE change_requests SET request_status = 'approved' WHERE "OBJECTID" = ?`)
      .run(id);
    expect(applyReviewedChangeRequests(server.db)).toEqual([
      { status: 'reviewed', requestId: id, result: 'NOT_IN_REVIEW' },
    ]);
    expect(site(reference)).toEqual({ phone: '+18165550100', status: 'verified' });
    expect(requestRow(server.db, id)).toMatchObject({ manage_code: null, payload: null });
  });

  it('re-checks an approved update against the site as it is then', async () => {
    const { reference, code } = await register(server);
    server.db
      .prepare(
        "UPDATE sites SET status = 'verified', email = 'a@example.org' WHERE registration_ref = ?",
      )
      .run(reference);
    const id = pending(server.db, {
      ref: reference,
      code,
      type: 'update',
      payload: { site: { preferred_contact: 'email' } },
    });
    expect(processChangeRequest(server.db, id)).toEqual({
      status: 'review',
      requestType: 'update',
    });
    // Meanwhile an analyst removes the e-mail address the update relied on.
    server.db.prepare('UPDATE sites SET email = NULL WHERE registration_ref = ?').run(reference);
    server.db
      .prepare(`UPDATE change_requests SET request_status = 'approved' WHERE "OBJECTID" = ?`)
      .run(id);
    expect(applyReviewedChangeRequests(server.db)).toEqual([
      { status: 'reviewed', requestId: id, result: 'REVIEW_INVALID' },
    ]);
    expect(applyReviewedChangeRequests(server.db)).toEqual([]);
    expect(
      server.db
        .prepare('SELECT preferred_contact FROM sites WHERE registration_ref = ?')
        .get(reference),
    ).toEqual({ preferred_contact: null });
    expect(requestRow(server.db, id)).toEqual({
      request_status: 'rejected',
      result: 'REVIEW_INVALID',
      manage_code: null,
      payload: null,
    });
  });
});

describe('wrong codes slow the guesser, never lock out the owner (problem 2)', () => {
  // A clock of its own, a week ahead, so the HTTP tests' real clock never meets it.
  const T0 = Date.now() + 7 * 86_400_000;
  const GUESSER = '203.0.113.7';
  const OWNER = '198.51.100.4';

  const attempt = (
    reference: string,
    code: string,
    clientKey: string,
    now: number,
    type = 'reconfirm',
  ): ChangeOutcome =>
    processChangeRequest(server.db, pending(server.db, { ref: reference, code, type }), {
      clientKey,
      now,
    });
  const wrong = (i: number) => `BAD${String(i).padStart(2, '0')}-0000-0000-0000`;
  const limited = (retryAfterSeconds: number) => ({
    status: 'rejected',
    reason: 'RATE_LIMITED',
    issues: [],
    retryAfterSeconds,
  });
  const badCode = { status: 'rejected', reason: 'BAD_CODE', issues: [] };
  const reconfirmed = { status: 'applied', requestType: 'reconfirm' };

  it('lets the owner in at once while another client hammers the reference', async () => {
    const { reference, code } = await register(server);
    const outcomes: string[] = [];
    // Ten guesses a second for a minute.
    for (let i = 0; i < 600; i += 1) {
      const outcome = attempt(reference, wrong(i % 100), GUESSER, T0 + i * 100);
      outcomes.push(outcome.status === 'rejected' ? outcome.reason : outcome.status);
      if (i % 50 === 0) {
        expect(attempt(reference, code, OWNER, T0 + i * 100 + 50)).toEqual(reconfirmed);
      }
    }
    // Three free guesses, then one each after waits of 2, 4, 8 and 16 s: 7 checked in 60 s.
    expect(outcomes.filter((o) => o === 'BAD_CODE')).toHaveLength(7);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(593);
    expect(attempt(reference, code, OWNER, T0 + 60 * SECOND)).toEqual(reconfirmed);
  });

  it('counts a client’s free wrong codes and doubles its wait just below, at and above each step', async () => {
    const { reference, code } = await register(server);
    expect(attempt(reference, wrong(1), GUESSER, T0)).toEqual(badCode);
    expect(attempt(reference, wrong(2), GUESSER, T0)).toEqual(badCode);
    // Just below the limit: the third wrong code is still checked at once.
    expect(attempt(reference, wrong(3), GUESSER, T0)).toEqual(badCode);
    // At it: the fourth try waits 2 s, and even the right code is not checked meanwhile.
    expect(attempt(reference, code, GUESSER, T0)).toEqual(limited(2));
    expect(attempt(reference, code, GUESSER, T0 + 1001)).toEqual(limited(1));
    expect(attempt(reference, wrong(4), GUESSER, T0 + 1999)).toEqual(limited(1));
    // Above it: checked once the wait is over; the next wait is twice as long.
    expect(attempt(reference, wrong(4), GUESSER, T0 + 2000)).toEqual(badCode);
    expect(attempt(reference, wrong(5), GUESSER, T0 + 2000 + 3999)).toEqual(limited(1));
    expect(attempt(reference, wrong(5), GUESSER, T0 + 2000 + 4000)).toEqual(badCode);
    expect(attempt(reference, wrong(6), GUESSER, T0 + 6000 + 7999)).toEqual(limited(1));
    // The right code, once the client may try again, works and clears its count.
    expect(attempt(reference, code, GUESSER, T0 + 6000 + 8000)).toEqual(reconfirmed);
    expect(attempt(reference, wrong(7), GUESSER, T0 + 14_001)).toEqual(badCode);
    // Refused tries were dropped unchecked, so nothing of them is kept.
    expect(
      server.db
        .prepare(
          "SELECT COUNT(*) AS n FROM change_requests WHERE registration_ref = ? AND result = 'RATE_LIMITED'",
        )
        .get(reference),
    ).toEqual({ n: 0 });
  });

  it('caps one client’s wait at an hour', () => {
    expect([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 40].map(clientDelaySeconds)).toEqual([
      0, 0, 0, 2, 4, 8, 1024, 2048, 3600, 3600, 3600,
    ]);
  });

  it('answers an unknown reference exactly like a wrong code, delays included', () => {
    const unknown = 'ZZZZ-ZZZZ-ZZZ1';
    expect([0, 0, 0, 0].map((dt, i) => attempt(unknown, wrong(i), GUESSER, T0 + dt))).toEqual([
      badCode,
      badCode,
      badCode,
      limited(2),
    ]);
  });

  it('holds every client for 10 s once a reference has 20 wrong codes in an hour, and no longer', async () => {
    const { reference, code } = await register(server);
    // Nineteen wrong codes from seven addresses (three each, so none is slowed down itself),
    // then one address per guess.
    const guess = (n: number, now: number) =>
      attempt(reference, wrong(n), n < 20 ? `10.0.0.${Math.floor(n / 3)}` : `10.1.0.${n}`, now);
    for (let n = 0; n < 19; n += 1) expect(guess(n, T0 + n)).toEqual(badCode);
    // Just below the cap: a new client's right code is checked at once.
    expect(attempt(reference, code, 'owner-1', T0 + 100)).toEqual(reconfirmed);
    // At it: a new client (or the owner) is held 10 s, then checked.
    expect(guess(19, T0 + 200)).toEqual(badCode);
    expect(attempt(reference, code, OWNER, T0 + 300)).toEqual(limited(10));
    // Other clients keep failing meanwhile; they cannot use up or push back the owner's hold.
    for (let n = 20; n < 50; n += 1) expect(guess(n, T0 + 400 + n)).toEqual(limited(10));
    for (let n = 20; n < 50; n += 1) expect(guess(n, T0 + 400 + 10 * SECOND + n)).toEqual(badCode);
    expect(attempt(reference, code, OWNER, T0 + 300 + 9999)).toEqual(limited(1));
    expect(attempt(reference, code, OWNER, T0 + 300 + 10 * SECOND)).toEqual(reconfirmed);
    // A hold is good for 10 minutes after it ends; then a new one is needed.
    expect(attempt(reference, code, 'late', T0 + 20 * SECOND)).toEqual(limited(10));
    expect(attempt(reference, code, 'late', T0 + 20 * SECOND + 610 * SECOND)).toEqual(limited(10));
    expect(attempt(reference, code, 'prompt', T0 + 20 * SECOND)).toEqual(limited(10));
    expect(attempt(reference, code, 'prompt', T0 + 20 * SECOND + 609_999)).toEqual(reconfirmed);
    // Wrong codes older than an hour no longer count towards the cap.
    expect(attempt(reference, code, 'owner-2', T0 + 3600 * SECOND + 11 * SECOND)).toEqual(
      reconfirmed,
    );
  });

  it('over HTTP, keeps answering the owner’s right code after five wrong ones from elsewhere', async () => {
    const { reference, code } = await register(server);
    for (let i = 0; i < 5; i += 1) {
      const refused = await requestFrom(server, '127.0.0.2', {
        registration_ref: reference,
        manage_code: wrong(i),
        request_type: 'reconfirm',
      });
      expect(refused.success).toBe(false);
      expect([403, 429]).toContain(refused.error?.code);
    }
    const owner = {
      registration_ref: reference,
      manage_code: code,
      request_type: 'reconfirm',
    };
    let answer = await requestFrom(server, '127.0.0.3', owner);
    // Until the edit route passes the caller's address, all callers are one client and the
    // owner may be asked to wait (at most 2 s here); after that, it goes straight through.
    if (!answer.success) {
      expect(answer.error).toMatchObject({ code: 429 });
      expect(answer.error?.retryAfter).toBeLessThanOrEqual(2);
      await sleep((answer.error?.retryAfter ?? 0) * SECOND);
      answer = await requestFrom(server, '127.0.0.3', owner);
    }
    expect(answer.success).toBe(true);
  });
});

describe('a change request sent again gets the answer it got first (problem 3)', () => {
  const twice = async (attributes: Record<string, string>) => {
    const withId = { GlobalID: guid(), ...attributes };
    const first = await request(server, withId, { useGlobalIds: 'true' });
    const second = await request(server, withId, { useGlobalIds: 'true' });
    return { first, second };
  };
  const requestsFor = (reference: string) =>
    server.db
      .prepare('SELECT COUNT(*) AS n FROM change_requests WHERE registration_ref = ?')
      .get(reference) as { n: number };

  it('refuses a wrong code again', async () => {
    const { reference } = await register(server);
    const { first, second } = await twice({
      registration_ref: reference,
      manage_code: 'WRONG-CODE-0000-0000',
      request_type: 'withdraw',
    });
    expect(first).toMatchObject({ success: false, error: { code: 403 } });
    expect(second).toEqual(first);
    expect(requestsFor(reference)).toEqual({ n: 1 });
  });

  it('refuses invalid changes again', async () => {
    const { reference, code } = await register(server);
    const { first, second } = await twice({
      registration_ref: reference,
      manage_code: code,
      request_type: 'update',
      payload: JSON.stringify({ site: { phone: 'call me' } }),
    });
    // The processor's own findings, as data: no part of the server reads its words.
    expect(first).toMatchObject({
      success: false,
      error: {
        code: 400,
        appCode: 'INVALID_INPUT',
        issues: [{ field: 'phone', code: 'INVALID_PHONE' }],
      },
    });
    expect(second).toMatchObject({
      success: false,
      objectId: first.objectId,
      error: {
        code: 400,
        appCode: 'INVALID_INPUT',
        description: 'The requested changes are not valid.',
      },
    });
    // The field-by-field list went with the payload when the request was settled.
    expect(second.error?.issues).toBeUndefined();
  });

  it('accepts an applied or held request again, without doing it twice', async () => {
    const { reference, code, siteGuid } = await register(server);
    const reconfirmed = await twice({
      registration_ref: reference,
      manage_code: code,
      request_type: 'reconfirm',
    });
    expect([reconfirmed.first.success, reconfirmed.second.success]).toEqual([true, true]);
    server.db.prepare("UPDATE sites SET status = 'verified' WHERE GlobalID = ?").run(siteGuid);
    const held = await twice({
      registration_ref: reference,
      manage_code: code,
      request_type: 'update',
      payload: JSON.stringify(NEW_DETAILS),
    });
    expect([held.first.success, held.second.success]).toEqual([true, true]);
    expect(held.second.objectId).toBe(held.first.objectId);
    expect(requestsFor(reference)).toEqual({ n: 2 });
  });

  it('accepts a withdrawal again without a second row; a new withdrawal of it is a wrong code', async () => {
    const { reference, code } = await register(server);
    const withdrawal = { registration_ref: reference, manage_code: code, request_type: 'withdraw' };
    const { first, second } = await twice(withdrawal);
    expect([first.success, second.success]).toEqual([true, true]);
    expect(second.objectId).toBe(first.objectId);
    expect(requestsFor(reference)).toEqual({ n: 1 });
    expect(requestRow(server.db, first.objectId)).toEqual({
      request_status: 'applied',
      result: 'WITHDRAWN',
      manage_code: null,
      payload: null,
    });
    const fresh = await request(
      server,
      { GlobalID: guid(), ...withdrawal },
      { useGlobalIds: 'true' },
    );
    expect(fresh).toMatchObject({ success: false, error: { code: 403 } });
    expect(
      server.db
        .prepare(
          `SELECT COUNT(*) AS n FROM change_requests
             WHERE registration_ref = ? AND request_type = 'withdraw' AND request_status = 'applied'`,
        )
        .get(reference),
    ).toEqual({ n: 1 });
  });
});
