/**
 * `ccr report` against the local server seeded with a canary registrant: every file it
 * writes holds aggregates only (no contact value of any site, no case number, no canary)
 * and no count under the suppression threshold.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCcr } from '../../src/cli/ccr.js';
import {
  SUPPRESSED,
  SUPPRESSION_THRESHOLD,
  type TransparencyReport,
} from '../../src/core/report/transparency-report.js';
import { hashManageCode } from '../../src/core/change-requests/manage-code-hash.js';
import { SITES } from '../../src/core/schema/registry-schema.js';
import { tableName } from '../../src/server/db/registry-tables.js';
import { seedDatabase } from '../../src/server/seed/seed-database.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

const CANARY = 'ZqReportCanary7';
const CASE = 'CASE-ZQ-4471';

let server: TestServer;
let out: string;
let analyst: string;

async function ccr(args: readonly string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runCcr(args, {
    env: { CCR_PASSWORD: TEST_PASSWORD },
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    interactive: false,
  });
  return { code, lines, errors };
}

async function post(url: string, params: Record<string, unknown>, token: string) {
  const body = new URLSearchParams({ f: 'json', token });
  for (const [k, v] of Object.entries(params)) body.set(k, JSON.stringify(v));
  const answer = (await (await fetch(url, { method: 'POST', body })).json()) as {
    addResults?: { success: boolean }[];
  };
  expect(answer.addResults?.every((r) => r.success)).toBe(true);
}

beforeAll(async () => {
  server = await startTestServer();
  await seedDatabase(server.db, {
    sites: 800,
    seed: 5,
    demoPassword: TEST_PASSWORD,
    force: true,
    canary: CANARY,
  });
  analyst = await server.token('analyst1');
  const source = server.service('CommunityCameras');
  const canarySite = server.db
    .prepare(`SELECT "GlobalID" AS g FROM ${tableName(SITES)} WHERE contact_name LIKE ?`)
    .get(`%${CANARY}%`) as { g: string };
  // Twelve searches for one purpose, three for another (to be suppressed), all naming the case.
  const search = (purpose: string) => ({
    attributes: {
      case_number: CASE,
      purpose,
      incident_x: -94.41,
      incident_y: 39.09,
      radius_m: 150,
    },
  });
  await post(
    `${source}/3/addFeatures`,
    {
      features: [
        ...Array(12).fill(search('criminal_investigation')),
        ...Array(3).fill(search('missing_person')),
      ],
    },
    analyst,
  );
  // Contacts with the canary's site, a follow-up note that repeats the canary's name.
  const contact = (outcome: string) => ({
    attributes: {
      site_guid: canarySite.g,
      case_number: CASE,
      contact_method: 'phone',
      outcome,
      follow_up: `Call ${CANARY} back`,
    },
  });
  await post(
    `${source}/2/addFeatures`,
    { features: [...Array(6).fill(contact('footage_received')), contact('declined')] },
    analyst,
  );
  // Five registrants (not the canary) withdraw through the public view, one of them twice.
  const CODE = 'K7M2-9QXP-3HTD-W4RA';
  const withdrawing = server.db
    .prepare(
      `SELECT registration_ref AS ref FROM ${tableName(SITES)}
         WHERE contact_name NOT LIKE ? ORDER BY "OBJECTID" LIMIT 5`,
    )
    .all(`%${CANARY}%`) as { ref: string }[];
  for (const { ref } of withdrawing)
    server.db
      .prepare(`UPDATE ${tableName(SITES)} SET manage_code_hash = ? WHERE registration_ref = ?`)
      .run(hashManageCode(ref, CODE), ref);
  const withdraw = (ref: string) =>
    fetch(`${server.service('CommunityCameras_public')}/4/addFeatures`, {
      method: 'POST',
      body: new URLSearchParams({
        f: 'json',
        features: JSON.stringify([
          { attributes: { registration_ref: ref, manage_code: CODE, request_type: 'withdraw' } },
        ]),
      }),
    }).then(async (r) => ((await r.json()) as { addResults: { success: boolean }[] }).addResults);
  for (const { ref } of withdrawing) expect(await withdraw(ref)).toMatchObject([{ success: true }]);
  expect(await withdraw(withdrawing[0]?.ref as string)).toMatchObject([{ success: false }]);
  out = mkdtempSync(join(tmpdir(), 'ccr-report-'));
});
afterAll(async () => {
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('ccr report', () => {
  it('writes report.json and a CSV per table, aggregates only', async () => {
    const run = await ccr([
      'report',
      '--portal',
      `${server.url}/arcgis`,
      '--username',
      'analyst1',
      '--service',
      server.service('CommunityCameras'),
      '--out',
      out,
      '--json',
    ]);
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual([
      'cameras_by_district_month.csv',
      'contacts_by_outcome.csv',
      'registrations_by_district_month.csv',
      'report.json',
      'searches_by_purpose_month.csv',
      'withdrawals_expiries_by_month.csv',
    ]);
    const texts = files.map((file) => readFileSync(join(out, file), 'utf8').toLowerCase());

    // No contact value of any site, no case number, no canary, in any file.
    const contactValues = (
      server.db
        .prepare(
          `SELECT contact_name, business_name, phone, email, address FROM ${tableName(SITES)}`,
        )
        .all() as Record<string, string | null>[]
    )
      .flatMap((row) => Object.values(row))
      .filter((v): v is string => typeof v === 'string' && v.length >= 6)
      .map((v) => v.toLowerCase());
    expect(contactValues.length).toBeGreaterThan(1500);
    expect(contactValues.some((v) => v.includes(CANARY.toLowerCase()))).toBe(true);
    for (const text of texts) {
      expect(text).not.toContain(CANARY.toLowerCase());
      expect(text).not.toContain(CASE.toLowerCase());
      for (const value of contactValues)
        if (text.includes(value)) expect.fail(`a contact value in the report`);
    }

    // Every count is 0, at or above the threshold, or suppressed; both kinds occur.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as TransparencyReport;
    const counts = report.tables.flatMap((t) => t.rows.map((row) => row.at(-1)));
    for (const count of counts)
      expect(
        count === SUPPRESSED ||
          count === 0 ||
          (typeof count === 'number' && count >= SUPPRESSION_THRESHOLD),
      ).toBe(true);
    expect(counts).toContain(SUPPRESSED);
    expect(counts.some((c) => typeof c === 'number' && c >= SUPPRESSION_THRESHOLD)).toBe(true);
    for (const file of files.filter((f) => f.endsWith('.csv'))) {
      const rows = readFileSync(join(out, file), 'utf8').trim().split('\r\n').slice(1);
      for (const row of rows) {
        const count = row.split(',').at(-1) as string;
        expect(
          count === SUPPRESSED || Number(count) === 0 || Number(count) >= SUPPRESSION_THRESHOLD,
          `${file}: ${row}`,
        ).toBe(true);
      }
    }
    const searches = report.tables.find((t) => t.id === 'searches_by_purpose_month')?.rows ?? [];
    expect(searches.map((r) => [r[0], r[2]])).toEqual([
      ['criminal_investigation', 12],
      ['missing_person', SUPPRESSED],
    ]);
    const contacts = report.tables.find((t) => t.id === 'contacts_by_outcome')?.rows ?? [];
    expect(contacts).toEqual([
      ['declined', SUPPRESSED],
      ['footage_received', 6],
    ]);
    // The five withdrawals carried out, in the month they were carried out (the repeat is not).
    const months = server.db
      .prepare(
        `SELECT DISTINCT strftime('%Y-%m', processed_at / 1000, 'unixepoch') AS month
           FROM change_requests WHERE request_type = 'withdraw' AND request_status = 'applied'`,
      )
      .all() as { month: string }[];
    expect(months).toHaveLength(1);
    const endings = report.tables.find((t) => t.id === 'withdrawals_expiries_by_month')?.rows ?? [];
    expect(endings.filter((r) => r[0] === 'withdrawal_carried_out')).toEqual([
      ['withdrawal_carried_out', months[0]?.month, 5],
    ]);
  });

  it('refuses an officer, who may not read the registry', async () => {
    const run = await ccr([
      'report',
      '--portal',
      `${server.url}/arcgis`,
      '--username',
      'officer1',
      '--service',
      server.service('CommunityCameras'),
      '--out',
      join(out, 'officer'),
    ]);
    expect(run.code).toBe(3);
    expect(() => readdirSync(join(out, 'officer'))).toThrow();
  });
});
