import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeOutcomeMail, composeReminderMail } from '../../src/ops/mail/compose-mail.js';
import type { OutcomeNotice } from '../../src/ops/mail/mail-messages.js';
import {
  makeRegistration,
  postRegistration,
  seededRandom,
  type Registration,
  type RegistrationContact,
} from '../helpers/registrations.js';
import { postForm, runCcrHere } from '../helpers/run-cli.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PUBLIC = 'CommunityCameras_public';
const SOURCE = 'CommunityCameras';
const OFFICER = 'CommunityCameras_officer';
const FROM = 'Camera Registry <registry@city.example>';
const REFUSED_MAILBOX = 'refuse.me@example.org';

type Json = Record<string, unknown>;

let server: TestServer;
let smtp: SmtpSink;
let analyst: string;
let officer: string;
let seed = 500;

// The server leaves change requests pending (as ArcGIS Online does); only `ccr` applies them.
beforeAll(async () => {
  [server, smtp] = await Promise.all([
    startTestServer({ processChangeRequests: false }),
    startSmtpSink({ refuse: [REFUSED_MAILBOX] }),
  ]);
  [analyst, officer] = await Promise.all([server.token('analyst1'), server.token('officer1')]);
});
afterAll(async () => {
  await Promise.all([server.close(), smtp.close()]);
});

/** Runs `ccr` in this process (over real HTTP and SMTP) with this file's environment. */
const ccr = (args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}) =>
  runCcrHere(args, {
    CCR_PASSWORD: TEST_PASSWORD,
    CCR_SMTP_URL: smtp.url,
    CCR_MAIL_FROM: FROM,
    ...env,
  });

const portal = () => ['--portal', `${server.url}/arcgis`, '--username', 'analyst1'];
const processArgs = () => ['process-requests', ...portal(), '--service', server.service(SOURCE)];

async function processJson(env: Readonly<Record<string, string | undefined>> = {}) {
  const run = await ccr([...processArgs(), '--json'], env);
  expect(run.out, run.err.join('\n')).toHaveLength(1);
  return { code: run.code, report: JSON.parse(run.out[0] as string) as Json };
}

const post = postForm;

/** A registration (site and two cameras) through the public view, as the form sends it. */
async function register(contact: RegistrationContact): Promise<Registration> {
  seed += 1;
  const registration = makeRegistration(seededRandom(seed), contact);
  expect(await postRegistration(server.service(PUBLIC), registration)).toEqual({
    kind: 'acknowledged',
  });
  return registration;
}

async function verify(siteGuid: string): Promise<void> {
  const answer = await post(
    `${server.service(SOURCE)}/0/applyEdits`,
    {
      useGlobalIds: 'true',
      updates: JSON.stringify([{ attributes: { GlobalID: siteGuid, status: 'verified' } }]),
    },
    analyst,
  );
  expect(answer.updateResults).toMatchObject([{ success: true }]);
}

/** A change request through the public view; the server only stores it. */
async function changeRequest(attributes: Record<string, string>): Promise<number> {
  const answer = (await post(`${server.service(PUBLIC)}/4/addFeatures`, {
    features: JSON.stringify([{ attributes }]),
  })) as { addResults?: { success: boolean; objectId: number }[] };
  expect(answer.addResults?.[0]?.success, JSON.stringify(answer)).toBe(true);
  return answer.addResults?.[0]?.objectId as number;
}

const count = (sql: string, ...params: string[]) =>
  (server.db.prepare(sql).get(...params) as { n: number }).n;

const requestRow = (id: number) =>
  server.db
    .prepare(
      'SELECT request_status, result, manage_code, payload FROM change_requests WHERE "OBJECTID" = ?',
    )
    .get(id) as Json | undefined;

const site = (reference: string) =>
  server.db
    .prepare(
      'SELECT phone, email, status, location_method, _x AS x, _y AS y FROM sites WHERE registration_ref = ?',
    )
    .get(reference) as Json | undefined;

describe('ccr process-requests over HTTP', () => {
  it('applies a withdrawal made through the public view: the site’s rows go, the withdrawal stays wiped, the resident is told in Spanish', async () => {
    const email = 'ana.retiro@example.org';
    const reg = await register({
      email,
      extra: { preferred_language: 'es', preferred_contact: 'email' },
    });
    await verify(reg.siteGuid);
    const contact = await post(
      `${server.service(OFFICER)}/2/addFeatures`,
      {
        features: JSON.stringify([
          {
            attributes: {
              site_guid: reg.siteGuid,
              case_number: '26-004411',
              contact_method: 'phone',
              outcome: 'no_answer',
            },
          },
        ]),
      },
      officer,
    );
    expect(contact.addResults).toMatchObject([{ success: true }]);
    const withdrawal = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'withdraw',
    });
    // Sent after the withdrawal: it goes with the site, unprocessed.
    const later = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'reconfirm',
    });
    const rows = () => ({
      sites: count('SELECT COUNT(*) AS n FROM sites WHERE "GlobalID" = ?', reg.siteGuid),
      cameras: count('SELECT COUNT(*) AS n FROM cameras WHERE site_guid = ?', reg.siteGuid),
      contacts: count('SELECT COUNT(*) AS n FROM contact_log WHERE site_guid = ?', reg.siteGuid),
      requests: count(
        'SELECT COUNT(*) AS n FROM change_requests WHERE registration_ref = ?',
        reg.reference,
      ),
    });
    // Stored and left pending: on its own the service never applies it.
    expect(rows()).toEqual({ sites: 1, cameras: 2, contacts: 1, requests: 2 });
    expect(requestRow(withdrawal)).toMatchObject({ request_status: 'pending' });

    const before = Date.now();
    const run = await ccr(processArgs());
    const after = Date.now();
    expect(run.code).toBe(0);
    expect(run.out).toEqual([
      'Review decisions carried out: 0 (0 applied, 0 rejected by an analyst, 0 no longer valid, 0 for a site that is gone, 0 never held for review).',
      'Change requests processed: 1: 1 applied (0 updates, 0 re-confirmations, 1 withdrawal), 0 held for review, 0 refused (0 wrong code, 0 invalid changes).',
      'E-mails to residents: 1 sent, 0 failed, 0 with no address on file.',
    ]);
    // Only the withdrawal is left, settled with no code and no payload: it counts withdrawals.
    expect(rows()).toEqual({ sites: 0, cameras: 0, contacts: 0, requests: 1 });
    expect(requestRow(later)).toBeUndefined();
    expect(requestRow(withdrawal)).toEqual({
      request_status: 'applied',
      result: 'WITHDRAWN',
      manage_code: null,
      payload: null,
    });
    const { processed_at: processedAt } = server.db
      .prepare('SELECT processed_at FROM change_requests WHERE "OBJECTID" = ?')
      .get(withdrawal) as { processed_at: number };
    expect(processedAt).toBeGreaterThanOrEqual(before);
    expect(processedAt).toBeLessThanOrEqual(after);

    const [mail, ...more] = smtp.to(email);
    expect(more).toEqual([]);
    expect(mail?.subject).toBe('Su registro de cámaras fue retirado');
    expect(mail?.from).toContain('<registry@city.example>');
    expect(mail?.headers.get('content-language')).toBe('es');
    expect(mail?.text).toContain(`El registro ${reg.reference} fue retirado.`);
    expect(mail?.html).toContain('<html lang="es">');
    expect(`${mail?.text}${mail?.html}`).not.toContain(reg.manageCode);
    // Nothing printed names the resident, the reference or the code.
    expect(run.out.join('\n')).not.toMatch(
      new RegExp(`${email}|${reg.reference}|${reg.manageCode}`),
    );

    // Withdrawing again: the reference is gone, refused as a wrong code with nobody to tell;
    // still one withdrawal carried out.
    const again = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'withdraw',
    });
    const second = await processJson();
    expect(second.report).toMatchObject({
      requests: { applied: { withdraw: 0 }, refused: { BAD_CODE: 1 } },
      mail: { sent: 0 },
    });
    expect(requestRow(again)).toEqual({
      request_status: 'rejected',
      result: 'BAD_CODE',
      manage_code: null,
      payload: null,
    });
    expect(
      count(
        `SELECT COUNT(*) AS n FROM change_requests
           WHERE registration_ref = ? AND request_type = 'withdraw' AND request_status = 'applied'`,
        reg.reference,
      ),
    ).toBe(1);
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('refuses wrong codes: nothing changes, codes are wiped, the owner hears once', async () => {
    const email = 'owner.code@example.org';
    const reg = await register({ email });
    const guesses = [
      await changeRequest({
        registration_ref: reg.reference,
        manage_code: 'WRNG-CODE-0000-0001',
        request_type: 'withdraw',
      }),
      await changeRequest({
        registration_ref: reg.reference,
        manage_code: 'WRNG-CODE-0000-0002',
        request_type: 'update',
        payload: JSON.stringify({ site: { phone: '+18165550123' } }),
      }),
      // A reference nobody registered: refused the same way, and nobody to tell.
      await changeRequest({
        registration_ref: 'ZZZZ-ZZZZ-ZZZ9',
        manage_code: reg.manageCode,
        request_type: 'withdraw',
      }),
    ];
    const { code, report } = await processJson();
    expect(code).toBe(0);
    expect(report).toMatchObject({
      ok: true,
      requests: {
        applied: { update: 0, reconfirm: 0, withdraw: 0 },
        held: 0,
        refused: { BAD_CODE: 3, INVALID_CHANGES: 0 },
        failed: 0,
      },
      mail: { configured: true, sent: 1, failed: 0, noAddress: 0, notSent: 0 },
    });
    expect(site(reg.reference)).toMatchObject({ phone: '+18165550100', status: 'pending' });
    for (const id of guesses)
      expect(requestRow(id)).toEqual({
        request_status: 'rejected',
        result: 'BAD_CODE',
        manage_code: null,
        payload: null,
      });
    const mails = smtp.to(email);
    expect(mails.map((m) => m.subject)).toEqual(['Your request was not carried out']);
    expect(mails[0]?.text).toContain(
      `We received a request to withdraw registration ${reg.reference}, but the manage code sent with it was not right`,
    );
    expect(mails[0]?.text).not.toContain('WRNG');
    // Settled requests are not looked at again.
    expect((await processJson()).report).toMatchObject({
      requests: { refused: { BAD_CODE: 0 } },
      mail: { sent: 0 },
    });
  });

  it('holds updates of a verified site for review, then carries out the analyst’s approval and rejection', async () => {
    const email = 'held.update@example.org';
    const newEmail = 'moved.address@example.org';
    const reg = await register({ email, extra: { preferred_contact: 'email' } });
    await verify(reg.siteGuid);
    const payload = JSON.stringify({ site: { phone: '+18165550199', email: newEmail } });
    const id = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'update',
      payload,
    });

    const held = await processJson();
    expect(held.report).toMatchObject({
      requests: { held: 1, applied: { update: 0 } },
      mail: { sent: 1 },
    });
    expect(site(reg.reference)).toMatchObject({ phone: '+18165550100', email, status: 'verified' });
    expect(requestRow(id)).toEqual({
      request_status: 'review',
      result: 'IN_REVIEW',
      manage_code: null,
      payload,
    });
    expect(smtp.to(email).map((m) => m.subject)).toEqual(['Your changes are waiting for review']);

    // A run with nothing decided leaves the held update alone.
    expect((await processJson()).report).toMatchObject({
      requests: { held: 0 },
      reviews: { UPDATED: 0 },
    });
    const decided = await post(
      `${server.service(SOURCE)}/4/applyEdits`,
      { updates: JSON.stringify([{ attributes: { OBJECTID: id, request_status: 'approved' } }]) },
      analyst,
    );
    expect(decided.updateResults).toMatchObject([{ success: true }]);
    expect(site(reg.reference)).toMatchObject({ phone: '+18165550100' });

    const approved = await processJson();
    expect(approved.report).toMatchObject({
      reviews: { UPDATED: 1, REVIEW_REJECTED: 0, failed: 0 },
      mail: { sent: 2 },
    });
    expect(site(reg.reference)).toMatchObject({
      phone: '+18165550199',
      email: newEmail,
      status: 'verified',
    });
    expect(requestRow(id)).toEqual({
      request_status: 'applied',
      result: 'UPDATED',
      manage_code: null,
      payload: null,
    });
    // Both the address on file and the new one hear of it.
    expect(smtp.to(email).map((m) => m.subject)).toEqual([
      'Your changes are waiting for review',
      'Your changes were approved',
    ]);
    expect(smtp.to(newEmail).map((m) => m.subject)).toEqual(['Your changes were approved']);

    // The next update is held too, and this time the analyst rejects it.
    const second = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'update',
      payload: JSON.stringify({ site: { phone: '+18165550142' } }),
    });
    expect((await processJson()).report).toMatchObject({ requests: { held: 1 } });
    const rejected = await post(
      `${server.service(SOURCE)}/4/applyEdits`,
      {
        updates: JSON.stringify([{ attributes: { OBJECTID: second, request_status: 'rejected' } }]),
      },
      analyst,
    );
    expect(rejected.updateResults).toMatchObject([{ success: true }]);
    expect((await processJson()).report).toMatchObject({
      reviews: { UPDATED: 0, REVIEW_REJECTED: 1 },
    });
    expect(site(reg.reference)).toMatchObject({ phone: '+18165550199' });
    expect(requestRow(second)).toEqual({
      request_status: 'rejected',
      result: 'REVIEW_REJECTED',
      manage_code: null,
      payload: null,
    });
    expect(smtp.to(newEmail).map((m) => m.subject)).toEqual([
      'Your changes were approved',
      'Your changes are waiting for review',
      'Your changes were not approved',
    ]);
  });

  it('replaces the cameras of an unverified site at once, refuses invalid changes in plain words, re-confirms', async () => {
    const email = 'pending.site@example.org';
    const reg = await register({ email });
    const moved = { x: -94.4123, y: 39.0876 };
    const updated = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'update',
      payload: JSON.stringify({
        location: moved,
        cameras: [
          {
            attributes: {
              label: 'Garage',
              mount: 'exterior',
              recording_mode: 'continuous',
              retention_days: 30,
            },
            location: moved,
          },
        ],
      }),
    });
    const invalid = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'update',
      payload: JSON.stringify({ site: { phone: 'call me' } }),
    });
    const reconfirmed = await changeRequest({
      registration_ref: reg.reference,
      manage_code: reg.manageCode,
      request_type: 'reconfirm',
    });
    const { report } = await processJson();
    expect(report).toMatchObject({
      requests: {
        applied: { update: 1, reconfirm: 1, withdraw: 0 },
        refused: { BAD_CODE: 0, INVALID_CHANGES: 1 },
      },
      mail: { sent: 3 },
    });
    expect(site(reg.reference)).toMatchObject({
      ...moved,
      location_method: 'pin_adjusted',
      phone: '+18165550100',
    });
    expect(
      server.db
        .prepare('SELECT label, status, _x AS x, _y AS y FROM cameras WHERE site_guid = ?')
        .all(reg.siteGuid),
    ).toEqual([{ label: 'Garage', status: 'active', ...moved }]);
    expect([updated, invalid, reconfirmed].map((id) => requestRow(id))).toEqual([
      { request_status: 'applied', result: 'UPDATED', manage_code: null, payload: null },
      { request_status: 'rejected', result: 'INVALID_CHANGES', manage_code: null, payload: null },
      { request_status: 'applied', result: 'RECONFIRMED', manage_code: null, payload: null },
    ]);
    const mails = smtp.to(email);
    expect(mails.map((m) => m.subject)).toEqual([
      'Your camera registration was updated',
      'Your changes were not saved',
      'Your camera registration is confirmed',
    ]);
    expect(mails[1]?.text).toContain('  - Phone: is not a valid phone number');
    expect(mails[1]?.html).toContain('<li>Phone: is not a valid phone number</li>');
  });

  it('counts e-mails as not sent without CCR_SMTP_URL, and a refused mailbox as failed (exit 1)', async () => {
    const quiet = await register({ email: 'no.smtp@example.org' });
    await changeRequest({
      registration_ref: quiet.reference,
      manage_code: quiet.manageCode,
      request_type: 'reconfirm',
    });
    const noAddress = await register({});
    await changeRequest({
      registration_ref: noAddress.reference,
      manage_code: noAddress.manageCode,
      request_type: 'reconfirm',
    });
    const unset = await ccr(processArgs(), { CCR_SMTP_URL: undefined, CCR_MAIL_FROM: undefined });
    expect(unset.code).toBe(0);
    expect(unset.out.at(-1)).toBe(
      'E-mails to residents: none sent (CCR_SMTP_URL is not set): 1 not sent, 1 with no address on file.',
    );
    expect(smtp.to('no.smtp@example.org')).toEqual([]);

    const bounced = await register({ email: REFUSED_MAILBOX });
    await changeRequest({
      registration_ref: bounced.reference,
      manage_code: bounced.manageCode,
      request_type: 'reconfirm',
    });
    const { code, report } = await processJson();
    expect(code).toBe(1);
    expect(report).toMatchObject({
      requests: { applied: { reconfirm: 1 } },
      mail: { sent: 0, failed: 1 },
    });
  });

  it('refuses usage mistakes with exit 2 and failed sign-ins with exit 3, naming no one', async () => {
    const usage = [
      [...processArgs(), '--watch', '0'],
      [...processArgs(), '--watch', '86401'],
      [...processArgs(), '--watch', 'soon'],
      [...processArgs(), '--interval-days', '0'],
      ['process-requests', '--username', 'analyst1'],
      ['process-requests', '--portal', `${server.url}/arcgis`, '--service', server.service(SOURCE)],
      ['process-requests', ...portal(), '--service', `${server.url}/arcgis/rest/services/x`],
    ];
    for (const args of usage) expect((await ccr(args)).code, args.join(' ')).toBe(2);
    // A mail server without a sender to send as.
    expect((await ccr(processArgs(), { CCR_MAIL_FROM: undefined })).code).toBe(2);

    const wrongPassword = await ccr([...processArgs(), '--json'], { CCR_PASSWORD: 'not-it' });
    expect(wrongPassword.code).toBe(3);
    expect(JSON.parse(wrongPassword.out[0] as string)).toMatchObject({ ok: false });
    const asOfficer = await ccr([
      'process-requests',
      '--portal',
      `${server.url}/arcgis`,
      '--username',
      'officer1',
      '--service',
      server.service(SOURCE),
    ]);
    expect(asOfficer.code).toBe(3);
    expect(asOfficer.err.join('\n')).toContain('permission');
  });
});

describe('ccr process-requests --watch', () => {
  it('runs a pass every SECONDS and stops cleanly on SIGTERM', async () => {
    const reg = await register({});
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/ccr.ts', ...processArgs(), '--watch', '1', '--json'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          CCR_PASSWORD: TEST_PASSWORD,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const passes: Json[] = [];
    let stderr = '';
    let buffered = '';
    const waiters: (() => void)[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') passes.push(JSON.parse(line) as Json);
      for (const wake of waiters.splice(0)) wake();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = once(child, 'exit');
    const until = async (test: () => boolean) => {
      const deadline = Date.now() + 60_000;
      while (!test()) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`Gave up waiting: ${stderr}\n${JSON.stringify(passes)}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 500);
        });
      }
    };
    try {
      await until(() => passes.length >= 1);
      expect(passes[0]).toMatchObject({ ok: true, pass: 1 });
      await changeRequest({
        registration_ref: reg.reference,
        manage_code: reg.manageCode,
        request_type: 'reconfirm',
      });
      await until(() =>
        passes.some(
          (p) => (p.requests as { applied: { reconfirm: number } }).applied.reconfirm === 1,
        ),
      );
      const applied = passes.find(
        (p) => (p.requests as { applied: { reconfirm: number } }).applied.reconfirm === 1,
      );
      expect(applied).toMatchObject({
        pass: expect.any(Number) as number,
        mail: { configured: false },
      });
      expect(applied?.pass as number).toBeGreaterThan(1);
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code, stderr).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});

describe('the e-mails residents get', () => {
  const reference = '7K3M-9QXP-3HTD';
  const until = Date.UTC(2027, 6, 4, 12);
  const notices: OutcomeNotice[] = [
    { kind: 'updated', reference, confirmedUntil: until },
    { kind: 'reconfirmed', reference, confirmedUntil: until },
    { kind: 'review-approved', reference, confirmedUntil: until },
    { kind: 'withdrawn', reference },
    { kind: 'held', reference },
    { kind: 'review-rejected', reference },
    { kind: 'review-invalid', reference },
    { kind: 'refused-code', reference, requestType: 'reconfirm' },
    {
      kind: 'refused-invalid',
      reference,
      issues: [
        { field: 'phone', code: 'INVALID_PHONE' },
        { field: 'cameras[1].label', code: 'REQUIRED' },
        { field: 'cameras[0].location', code: 'WRONG_TYPE' },
        { field: 'payload', code: 'SOMETHING_NEW' },
      ],
    },
  ];

  it('say every outcome in English and Spanish, with the reference and nothing undefined', () => {
    for (const language of ['en', 'es'] as const) {
      const subjects = new Set<string>();
      for (const notice of notices) {
        const mail = composeOutcomeMail(notice, language, { timeZone: 'America/Chicago' });
        subjects.add(mail.subject);
        expect(mail.text, notice.kind).toContain(reference);
        expect(mail.html, notice.kind).toContain(`<html lang="${language}">`);
        expect(`${mail.subject}${mail.text}${mail.html}`).not.toMatch(
          /undefined|NaN|Invalid Date|<img/,
        );
      }
      expect(subjects.size).toBe(notices.length);
    }
    const date = composeOutcomeMail(notices[1] as OutcomeNotice, 'es', {
      timeZone: 'America/Chicago',
    });
    expect(date.text).toContain('hasta el 4 de julio de 2027');
    const refused = composeOutcomeMail(notices[7] as OutcomeNotice, 'es');
    expect(refused.text).toContain('una solicitud para reconfirmar el registro');
    const invalid = composeOutcomeMail(notices[8] as OutcomeNotice, 'es');
    expect(invalid.text).toContain(
      [
        '  - Teléfono: no es un número de teléfono válido',
        '  - Cámara 2: Nombre: es obligatorio',
        '  - Cámara 1: Ubicación en el mapa: tiene un tipo de valor incorrecto',
        '  - Los cambios: no es válido',
      ].join('\n'),
    );
  });

  it('remind with the link, escaped in HTML, and say when the registration goes', () => {
    const link = 'https://city.example/r.html?mode=manage&ref=7K3M-9QXP-3HTD';
    const notice = {
      reference,
      dueAt: Date.UTC(2027, 5, 1, 12),
      purgeAt: Date.UTC(2027, 7, 30, 12),
      link,
    };
    const before = composeReminderMail({ ...notice, expired: false }, 'en', { timeZone: 'UTC' });
    expect(before.text).toContain('is due to be confirmed by June 1, 2027');
    expect(before.text).toContain('on August 30, 2027 it will be deleted');
    expect(before.text).toContain(`Manage your registration:\n${link}`);
    expect(before.html).toContain(
      'href="https://city.example/r.html?mode=manage&amp;ref=7K3M-9QXP-3HTD"',
    );
    const after = composeReminderMail({ ...notice, expired: true }, 'es', { timeZone: 'UTC' });
    expect(after.subject).toBe('Su registro de cámaras venció');
    expect(after.text).toContain('confírmelo antes del 30 de agosto de 2027');
  });
});
