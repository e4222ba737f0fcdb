/**
 * `ccr reconfirm` answers analysts' reminder requests: a ReviewLog `reminder_sent` row newer
 * than the site's `reminded_at` (or a site never reminded) gets the cycle's own reminder, in
 * the same words, through the same mail path, once; then `reminded_at` records it.
 */
import { ArcGISIdentityManager } from '@esri/arcgis-rest-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../src/ops/mail/mailer.js';
import { reconfirm as reconfirmSites, SITES_PER_QUERY } from '../../src/ops/reconfirm.js';
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

const DAY = 86_400_000;
const MANAGE_PAGE = 'https://cameras.city.example/registration.html?mode=manage';

type Json = Record<string, unknown>;

let server: TestServer;
let smtp: SmtpSink;
let analyst: string;

beforeAll(async () => {
  [server, smtp] = await Promise.all([startTestServer(), startSmtpSink()]);
  analyst = await server.token('analyst1');
});
afterAll(async () => {
  await Promise.all([server.close(), smtp.close()]);
});

const source = () => server.service('CommunityCameras');

/** `ccr reconfirm --json` as of `now`; the exit code and the report. */
async function reconfirm(
  now: number,
  options: { extra?: string[]; env?: Record<string, string | undefined> } = {},
): Promise<{ code: number; report: Json }> {
  const run = await runCcrHere(
    [
      'reconfirm',
      '--portal',
      `${server.url}/arcgis`,
      '--username',
      'analyst1',
      '--service',
      source(),
      '--now',
      new Date(now).toISOString(),
      '--json',
      ...(options.extra ?? []),
    ],
    {
      CCR_PASSWORD: TEST_PASSWORD,
      CCR_SMTP_URL: smtp.url,
      CCR_MAIL_FROM: 'registry@city.example',
      CCR_MANAGE_URL: MANAGE_PAGE,
      ...options.env,
    },
  );
  expect(run.out, run.err.join('\n')).toHaveLength(1);
  return { code: run.code, report: JSON.parse(run.out[0] as string) as Json };
}

let seed = 4200;
async function register(contact: RegistrationContact, status = 'verified'): Promise<Registration> {
  seed += 1;
  const registration = makeRegistration(seededRandom(seed), contact);
  expect(await postRegistration(server.service('CommunityCameras_public'), registration)).toEqual({
    kind: 'acknowledged',
  });
  const answer = await postForm(
    `${source()}/0/applyEdits`,
    {
      useGlobalIds: 'true',
      updates: JSON.stringify([{ attributes: { GlobalID: registration.siteGuid, status } }]),
    },
    analyst,
  );
  expect(answer.updateResults).toMatchObject([{ success: true }]);
  return registration;
}

/** What the analyst workspace records when an analyst asks for a reminder. */
async function requestReminder(registration: Registration): Promise<number> {
  const answer = await postForm(
    `${source()}/5/addFeatures`,
    {
      features: JSON.stringify([
        {
          attributes: {
            site_guid: registration.siteGuid,
            registration_ref: registration.reference,
            decision: 'reminder_sent',
          },
        },
      ]),
    },
    analyst,
  );
  expect(answer.addResults, JSON.stringify(answer)).toMatchObject([{ success: true }]);
  const row = server.db
    .prepare(
      `SELECT "CreationDate" AS at FROM review_log WHERE site_guid = ? ORDER BY "OBJECTID" DESC`,
    )
    .get(registration.siteGuid) as { at: number };
  return row.at;
}

const site = (registration: Registration) =>
  server.db
    .prepare('SELECT status, reminded_at, confirm_due_at FROM sites WHERE "GlobalID" = ?')
    .get(registration.siteGuid) as {
    status: string;
    reminded_at: number | null;
    confirm_due_at: number;
  };

const setSite = (registration: Registration, column: string, value: number | string | null) =>
  server.db
    .prepare(`UPDATE sites SET ${column} = ? WHERE "GlobalID" = ?`)
    .run(value, registration.siteGuid);

describe('ccr reconfirm and reminders analysts asked for', () => {
  it('sends a requested reminder out of turn, once, in the cycle’s words, and records it', async () => {
    const pat = await register({ email: 'pat.asked@example.org' });
    const luz = await register({
      email: 'luz.pedido@example.org',
      extra: { preferred_language: 'es' },
    });
    const bystander = await register({ email: 'not.asked@example.org' });
    // Due in a year: far outside the cycle's 30-day window.
    const now = Date.now();
    expect(site(pat).confirm_due_at - now).toBeGreaterThan(300 * DAY);

    // Nothing asked for: nothing sent.
    expect((await reconfirm(now)).report).toMatchObject({
      requested: 0,
      reminders: { sent: 0 },
    });

    const asked = await requestReminder(pat);
    await requestReminder(luz);

    // A dry run counts them, sends nothing and records nothing.
    expect((await reconfirm(now, { extra: ['--dry-run'] })).report).toMatchObject({
      requested: 2,
      reminders: { sent: 0, notSent: 2 },
    });
    expect(smtp.messages).toHaveLength(0);
    expect(site(pat).reminded_at).toBeNull();

    // Without a mail server: counted as not sent, not recorded, still waiting.
    expect(
      (await reconfirm(now, { env: { CCR_SMTP_URL: undefined, CCR_MANAGE_URL: undefined } }))
        .report,
    ).toMatchObject({ requested: 0, reminders: { configured: false, sent: 0, notSent: 2 } });
    expect(site(pat).reminded_at).toBeNull();

    const first = await reconfirm(now);
    expect(first).toMatchObject({
      code: 0,
      report: { requested: 2, reminders: { sent: 2, failed: 0 }, expired: 0 },
    });
    const [en] = smtp.to('pat.asked@example.org');
    const [es] = smtp.to('luz.pedido@example.org');
    expect(en?.subject).toBe('Please confirm your camera registration');
    expect(es?.subject).toBe('Confirme su registro de cámaras, por favor');
    expect(en?.text).toContain(`Registration ${pat.reference} is due to be confirmed by`);
    expect(en?.text).toContain(
      `https://cameras.city.example/registration.html?mode=manage&ref=${pat.reference}`,
    );
    expect(smtp.to('not.asked@example.org')).toEqual([]);
    // Recorded at the run's time, and never before the request it answers.
    expect(site(pat).reminded_at).toBe(Math.max(now, asked));
    expect(site(bystander).reminded_at).toBeNull();
    expect(site(pat).status).toBe('verified');

    // Answered: the next run sends nothing.
    expect((await reconfirm(now + 1000)).report).toMatchObject({
      requested: 0,
      reminders: { sent: 0 },
    });
    expect(smtp.messages).toHaveLength(2);

    // A newer request is answered again.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await requestReminder(pat);
    expect((await reconfirm(Date.now())).report).toMatchObject({
      requested: 1,
      reminders: { sent: 1 },
    });
    expect(smtp.to('pat.asked@example.org')).toHaveLength(2);
  }, 90_000);

  it('answers a request made before the run’s clock by the request’s own time', async () => {
    const reg = await register({ email: 'early.clock@example.org' });
    const asked = await requestReminder(reg);
    // The run's clock a minute behind the service's: reminded_at still covers the request.
    const behind = asked - 60_000;
    expect((await reconfirm(behind)).report).toMatchObject({ requested: 1 });
    expect(site(reg).reminded_at).toBe(asked);
    expect((await reconfirm(behind)).report).toMatchObject({ requested: 0 });
    expect(smtp.to('early.clock@example.org')).toHaveLength(1);
  });

  it('sends one reminder, not two, to a site both due and asked for', async () => {
    const reg = await register({ email: 'due.and.asked@example.org' });
    await requestReminder(reg);
    const due = site(reg).confirm_due_at;
    // Inside the window: the cycle reminds it and that answers the request.
    const run = await reconfirm(due - 10 * DAY);
    expect(run.report).toMatchObject({ requested: 1 });
    expect(smtp.to('due.and.asked@example.org')).toHaveLength(1);
    expect(site(reg).reminded_at).toBeGreaterThanOrEqual(due - 10 * DAY);
    expect((await reconfirm(due - 9 * DAY)).report).toMatchObject({ requested: 0 });
    expect(smtp.to('due.and.asked@example.org')).toHaveLength(1);
  });

  it('tells an expired registrant, already reminded this cycle, what the cycle would', async () => {
    const expired = await register({ email: 'expired.asked@example.org' });
    const now = Date.now();
    // Confirmed 400 days ago, reminded 40 days ago, due 5 days ago and expired since.
    setSite(expired, 'last_confirmed_at', now - 400 * DAY);
    setSite(expired, 'reminded_at', now - 40 * DAY);
    setSite(expired, 'confirm_due_at', now - 5 * DAY);
    setSite(expired, 'status', 'expired');
    // The cycle alone sends nothing more.
    expect((await reconfirm(now)).report).toMatchObject({ reminders: { sent: 0 } });
    await requestReminder(expired);
    const run = await reconfirm(now);
    expect(run.report).toMatchObject({ requested: 1, reminders: { sent: 1 } });
    const [mail] = smtp.to('expired.asked@example.org');
    expect(mail?.subject).toBe('Your camera registration has expired');
    expect(mail?.text).toContain(expired.reference);
    expect(site(expired).status).toBe('expired');
  });

  it('leaves out requests already answered, withdrawn and rejected sites, and sites with no e-mail', async () => {
    const answered = await register({ email: 'already.answered@example.org' });
    const askedAt = await requestReminder(answered);
    // Reminded after the request (by an earlier run): nothing more to do.
    setSite(answered, 'reminded_at', askedAt + 1);
    const withdrawn = await register({ email: 'withdrawn.asked@example.org' }, 'withdrawn');
    await requestReminder(withdrawn);
    const rejected = await register({ email: 'rejected.asked@example.org' }, 'rejected');
    await requestReminder(rejected);
    const noEmail = await register({});
    await requestReminder(noEmail);

    // Nothing to send in a dry run either.
    expect((await reconfirm(Date.now(), { extra: ['--dry-run'] })).report).toMatchObject({
      requested: 0,
      reminders: { sent: 0, notSent: 0, noAddress: 1 },
    });
    const run = await reconfirm(Date.now());
    expect(run.report).toMatchObject({ requested: 0, reminders: { sent: 0, noAddress: 1 } });
    for (const address of [
      'already.answered@example.org',
      'withdrawn.asked@example.org',
      'rejected.asked@example.org',
    ])
      expect(smtp.to(address)).toEqual([]);
    expect(site(answered).reminded_at).toBe(askedAt + 1);
    expect(site(withdrawn).reminded_at).toBeNull();
    expect(site(noEmail).reminded_at).toBeNull();
  });

  it('reads requests and sites page by page, and more sites than one query names, each once', async () => {
    // More sites than one `IN (...)` list holds, and pages of 20.
    const count = SITES_PER_QUERY + 2;
    const many: Registration[] = [];
    for (let i = 0; i < count; i += 10) {
      const batch = Array.from({ length: Math.min(10, count - i) }, (_, j) =>
        register({ email: `paged.${i + j}@example.org` }),
      );
      many.push(...(await Promise.all(batch)));
    }
    await Promise.all(many.map((reg) => requestReminder(reg)));
    // Asked twice: reminded once.
    await requestReminder(many[0] as Registration);
    const sent = smtp.messages.length;
    const mailer = smtpMailer(smtp.url, 'registry@city.example');
    const authentication = await ArcGISIdentityManager.fromToken({
      token: analyst,
      tokenExpires: new Date(Date.now() + 3_600_000),
      portal: `${server.url}/arcgis/sharing/rest`,
      server: `${server.url}/arcgis/rest/services`,
    });
    try {
      const report = await reconfirmSites(
        { url: source(), authentication },
        { now: Date.now(), mailer, manageUrl: MANAGE_PAGE, pageSize: 20 },
      );
      expect(report).toMatchObject({ requested: count, reminders: { sent: count } });
    } finally {
      mailer.close();
    }
    expect(smtp.messages.length - sent).toBe(count);
    for (let i = 0; i < count; i++) expect(smtp.to(`paged.${i}@example.org`)).toHaveLength(1);
  }, 120_000);
});
