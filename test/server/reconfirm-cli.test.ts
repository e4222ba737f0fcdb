import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const PUBLIC = 'CommunityCameras_public';
const SOURCE = 'CommunityCameras';
const OFFICER = 'CommunityCameras_officer';
const DAY = 86_400_000;
const MANAGE_PAGE = 'https://cameras.city.example/registration.html?mode=manage';

type Json = Record<string, unknown>;

let server: TestServer;
let smtp: SmtpSink;
let analyst: string;
let officer: string;

beforeAll(async () => {
  [server, smtp] = await Promise.all([startTestServer(), startSmtpSink()]);
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
    CCR_MAIL_FROM: 'registry@city.example',
    CCR_MANAGE_URL: MANAGE_PAGE,
    ...env,
  });

const reconfirmArgs = () => [
  'reconfirm',
  '--portal',
  `${server.url}/arcgis`,
  '--username',
  'analyst1',
  '--service',
  server.service(SOURCE),
];

/** `ccr reconfirm --json` as of `now`; the exit code and the report. */
async function reconfirm(now: number, ...extra: string[]): Promise<{ code: number; report: Json }> {
  const run = await ccr([
    ...reconfirmArgs(),
    '--now',
    new Date(now).toISOString(),
    '--json',
    ...extra,
  ]);
  expect(run.out, run.err.join('\n')).toHaveLength(1);
  return { code: run.code, report: JSON.parse(run.out[0] as string) as Json };
}

const post = postForm;

let seed = 900;
async function register(contact: RegistrationContact): Promise<Registration> {
  seed += 1;
  const registration = makeRegistration(seededRandom(seed), contact);
  expect(await postRegistration(server.service(PUBLIC), registration)).toEqual({
    kind: 'acknowledged',
  });
  const verified = await post(
    `${server.service(SOURCE)}/0/applyEdits`,
    {
      useGlobalIds: 'true',
      updates: JSON.stringify([
        { attributes: { GlobalID: registration.siteGuid, status: 'verified' } },
      ]),
    },
    analyst,
  );
  expect(verified.updateResults).toMatchObject([{ success: true }]);
  return registration;
}

/** Whether an officer's query through the officer view finds the site. */
async function officerSees(siteGuid: string): Promise<boolean> {
  const point = server.db
    .prepare('SELECT _x AS x, _y AS y FROM sites WHERE "GlobalID" = ?')
    .get(siteGuid) as { x: number; y: number };
  const answer = await post(
    `${server.service(OFFICER)}/0/query`,
    {
      where: `GlobalID = '${siteGuid}'`,
      outFields: 'status',
      geometry: JSON.stringify({ ...point, spatialReference: { wkid: 4326 } }),
      geometryType: 'esriGeometryPoint',
      inSR: '4326',
      distance: '200',
      units: 'esriSRUnit_Meter',
    },
    officer,
  );
  expect(answer.error, JSON.stringify(answer)).toBeUndefined();
  return (answer.features as unknown[]).length > 0;
}

const count = (sql: string, ...params: string[]) =>
  (server.db.prepare(sql).get(...params) as { n: number }).n;

const siteRow = (siteGuid: string) =>
  server.db
    .prepare('SELECT status, reminded_at, confirm_due_at FROM sites WHERE "GlobalID" = ?')
    .get(siteGuid) as
    { status: string; reminded_at: number | null; confirm_due_at: number } | undefined;

describe('ccr reconfirm on a fake clock', () => {
  it('reminds once, expires at the due date (officers lose sight of the site), purges after grace', async () => {
    const english = await register({ email: 'pat.reminder@example.org' });
    const spanish = await register({
      email: 'luz.recordatorio@example.org',
      extra: { preferred_language: 'es' },
    });
    const unreachable = await register({});
    const contact = await post(
      `${server.service(OFFICER)}/2/addFeatures`,
      {
        features: JSON.stringify([
          {
            attributes: {
              site_guid: english.siteGuid,
              case_number: '26-007700',
              contact_method: 'phone',
              outcome: 'no_answer',
            },
          },
        ]),
      },
      officer,
    );
    expect(contact.addResults).toMatchObject([{ success: true }]);
    // All three registered within the same moment or so: the latest due date decides the clock.
    const sites = [english, spanish, unreachable];
    const due = Math.max(...sites.map((r) => siteRow(r.siteGuid)?.confirm_due_at ?? 0));
    const earliest = Math.min(...sites.map((r) => siteRow(r.siteGuid)?.confirm_due_at ?? 0));
    expect(due - earliest).toBeLessThan(60_000);
    const remindAt = due - 30 * DAY;

    // Before the window opens (the earliest site just outside it): nothing.
    expect((await reconfirm(earliest - 30 * DAY - 1)).report).toMatchObject({
      reminders: { sent: 0, notSent: 0, noAddress: 0 },
      expired: 0,
    });
    // A dry run in the window counts what would go, sends nothing and records nothing.
    const dry = await reconfirm(remindAt, '--dry-run');
    expect(dry).toMatchObject({
      code: 0,
      report: {
        ok: true,
        dryRun: true,
        reminders: { configured: true, sent: 0, notSent: 2, noAddress: 1, failed: 0 },
        expired: 0,
      },
    });
    expect(smtp.messages).toHaveLength(0);
    expect(sites.map((r) => siteRow(r.siteGuid)?.reminded_at)).toEqual([null, null, null]);

    // At the window's start: one reminder each, in the registrant's language.
    const first = await reconfirm(remindAt);
    expect(first).toMatchObject({
      code: 0,
      report: { reminders: { sent: 2, noAddress: 1, failed: 0 }, expired: 0 },
    });
    const [en] = smtp.to('pat.reminder@example.org');
    const [es] = smtp.to('luz.recordatorio@example.org');
    expect(en?.subject).toBe('Please confirm your camera registration');
    expect(es?.subject).toBe('Confirme su registro de cámaras, por favor');
    expect(en?.text).toContain(`Registration ${english.reference} is due to be confirmed by`);
    const link = `https://cameras.city.example/registration.html?mode=manage&ref=${english.reference}`;
    expect(en?.text).toContain(link);
    expect(en?.html).toContain(
      `<a href="${link.replace(/&/g, '&amp;')}">Manage your registration</a>`,
    );
    expect(es?.text).toContain(`ref=${spanish.reference}`);
    expect(`${en?.text}${en?.html}`).not.toContain(english.manageCode);
    expect(siteRow(english.siteGuid)?.reminded_at).toBe(remindAt);

    // Once per cycle: a later run in the window sends none.
    expect((await reconfirm(remindAt + DAY)).report).toMatchObject({
      reminders: { sent: 0, noAddress: 1 },
    });
    expect(smtp.messages).toHaveLength(2);

    // Up to the due date officers still see the site; at it, it expires.
    expect(await officerSees(english.siteGuid)).toBe(true);
    expect((await reconfirm(earliest - 1)).report).toMatchObject({ expired: 0 });
    expect((await reconfirm(due, '--dry-run')).report).toMatchObject({ expired: 3 });
    expect(siteRow(english.siteGuid)?.status).toBe('verified');
    const expiry = await reconfirm(due);
    expect(expiry.report).toMatchObject({ expired: 3, reminders: { sent: 0 } });
    expect(sites.map((r) => siteRow(r.siteGuid)?.status)).toEqual([
      'expired',
      'expired',
      'expired',
    ]);
    expect(await officerSees(english.siteGuid)).toBe(false);

    // Grace: kept until its end (just before: nothing), purged at it, a dry run first.
    const purgeAt = due + 90 * DAY;
    expect((await reconfirm(earliest + 90 * DAY - 1)).report).toMatchObject({
      purged: { sites: 0 },
    });
    expect((await reconfirm(purgeAt, '--dry-run')).report).toMatchObject({
      purged: { sites: 3, cameras: 6, contactEntries: 1, changeRequests: 0 },
    });
    expect(count('SELECT COUNT(*) AS n FROM sites WHERE "GlobalID" = ?', english.siteGuid)).toBe(1);
    const purge = await reconfirm(purgeAt);
    expect(purge).toMatchObject({
      code: 0,
      report: { purged: { sites: 3, cameras: 6, contactEntries: 1, changeRequests: 0 } },
    });
    for (const r of sites) {
      expect(count('SELECT COUNT(*) AS n FROM sites WHERE "GlobalID" = ?', r.siteGuid)).toBe(0);
      expect(count('SELECT COUNT(*) AS n FROM cameras WHERE site_guid = ?', r.siteGuid)).toBe(0);
      expect(count('SELECT COUNT(*) AS n FROM contact_log WHERE site_guid = ?', r.siteGuid)).toBe(
        0,
      );
    }
    expect(smtp.messages).toHaveLength(2);
  });

  it('prints counts in words and never a contact detail', async () => {
    const reg = await register({ email: 'words.only@example.org' });
    const due = siteRow(reg.siteGuid)?.confirm_due_at as number;
    const run = await ccr([
      ...reconfirmArgs(),
      '--now',
      new Date(due - DAY).toISOString(),
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([
      `Re-confirmation as of ${new Date(due - DAY).toISOString()}: reminders 30 days before the due date, purge 90 days after it.`,
      'Sites examined: 1.',
      'Reminders due: 1 (not sent in a dry run), 0 with no address on file.',
      'Would expire (no longer shown to officers): 0.',
      'Would purge: 0 sites, with 0 cameras, 0 contact entries and 0 change requests.',
      'Dry run: nothing was changed and nothing was sent.',
    ]);
    expect(run.out.join('\n')).not.toMatch(/words\.only|@/);
  });

  it('refuses usage mistakes with exit 2', async () => {
    const cases: [string[], Record<string, string | undefined>][] = [
      [['--now', 'next tuesday'], {}],
      [['--reminder-days', '365'], {}],
      [['--reminder-days', '366', '--interval-days', '400'], {}],
      [['--grace-days', '-1'], {}],
      [['--grace-days', '3651'], {}],
      [['--interval-days', '0'], {}],
      [['--manage-url', 'ftp://files.example/manage'], {}],
      // Reminders would be sent with nothing to link to.
      [[], { CCR_MANAGE_URL: undefined }],
    ];
    for (const [extra, env] of cases) {
      const run = await ccr([...reconfirmArgs(), ...extra], env);
      expect(run.code, extra.join(' ')).toBe(2);
    }
    // At the limits: accepted.
    const edges = await ccr([
      ...reconfirmArgs(),
      '--reminder-days',
      '364',
      '--interval-days',
      '365',
      '--grace-days',
      '0',
      '--dry-run',
    ]);
    expect(edges.code, edges.err.join('\n')).toBe(0);
    // Without a mail server nothing needs a link.
    const noMail = await ccr([...reconfirmArgs(), '--dry-run'], {
      CCR_SMTP_URL: undefined,
      CCR_MANAGE_URL: undefined,
    });
    expect(noMail.code).toBe(0);
  });
});
