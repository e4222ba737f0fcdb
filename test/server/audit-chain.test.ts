import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChainBreak,
  GENESIS_HASH,
  verifyAuditChain,
} from '../../src/server/audit/verify-audit-chain.js';
import type { Database } from '../../src/server/db/open-database.js';
import { auditEntryHash } from '../../src/server/edits/apply-edits.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { runCli as runTool } from '../helpers/run-cli.js';

const OFFICER = 'CommunityCameras_officer';
const SOURCE = 'CommunityCameras';

interface AuditRow {
  OBJECTID: number;
  case_number: string;
  prev_hash: string;
  entry_hash: string;
  Creator: string | null;
  [field: string]: string | number | null;
}

async function post(url: string, token: string | undefined, form: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { 'x-esri-authorization': `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams({ f: 'json', ...form }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function search(caseNumber: string, n: number) {
  return {
    attributes: {
      case_number: caseNumber,
      purpose: n % 2 ? 'criminal_investigation' : 'missing_person',
      incident_at: Date.UTC(2026, 9, n, 14, 30),
      incident_x: -94.41 + n * 0.001,
      incident_y: 39.08 - n * 0.0005,
      radius_m: 150 + n * 25.5,
      result_count: n * 3,
      // Chain fields and editor tracking are the server's: these must be ignored.
      prev_hash: 'f'.repeat(64),
      entry_hash: 'e'.repeat(64),
      Creator: 'someone-else',
    },
  };
}

function rows(db: Database): AuditRow[] {
  return db.prepare('SELECT * FROM search_audit ORDER BY "OBJECTID"').all() as AuditRow[];
}

/**
 * Tampers inside a transaction that is rolled back afterwards, as someone with the database
 * file would (dropping any trigger that stands in the way first), and returns the verdict.
 */
function dropGuards(db: Database): void {
  const triggers = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'search_audit'")
    .all() as { name: string }[];
  for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
}

function tampered(db: Database, ...statements: string[]) {
  db.exec('BEGIN IMMEDIATE');
  try {
    dropGuards(db);
    for (const statement of statements) db.exec(statement);
    return verifyAuditChain(db);
  } finally {
    db.exec('ROLLBACK');
  }
}

function runCli(args: readonly string[]) {
  return runTool('src/cli/ccr.ts', ['verify-audit', ...args]);
}

describe('SearchAudit hash chain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccr-audit-'));
  const dbFile = join(dir, 'registry.sqlite');
  let server: TestServer;
  let officer: string;
  let original: AuditRow[];

  beforeAll(async () => {
    server = await startTestServer({ dbFile });
    officer = await server.token('officer1');
    const layer = `${server.service(OFFICER)}/3`;
    const results: unknown[] = [];
    results.push(
      await post(`${layer}/addFeatures`, officer, {
        features: JSON.stringify([search('CASE-2026-0001', 1)]),
      }),
    );
    results.push(
      await post(`${layer}/applyEdits`, officer, {
        adds: JSON.stringify([search('CASE-2026-0002', 2), search('CASE-2026-0003', 3)]),
      }),
    );
    results.push(
      await post(`${server.service(OFFICER)}/applyEdits`, officer, {
        edits: JSON.stringify([{ id: 3, adds: [search('CASE-2026-0004', 4)] }]),
      }),
    );
    for (let n = 5; n <= 7; n += 1) {
      results.push(
        await post(`${layer}/addFeatures`, officer, {
          features: JSON.stringify([search(`CASE-2026-000${n}`, n)]),
        }),
      );
    }
    expect(JSON.stringify(results)).not.toContain('"success":false');
    expect(JSON.stringify(results)).not.toContain('"error"');
    original = rows(server.db);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chains every entry written through the officer view, and verifies', () => {
    expect(original.map((r) => r.case_number)).toEqual([
      'CASE-2026-0001',
      'CASE-2026-0002',
      'CASE-2026-0003',
      'CASE-2026-0004',
      'CASE-2026-0005',
      'CASE-2026-0006',
      'CASE-2026-0007',
    ]);
    expect(original[0]?.prev_hash).toBe(GENESIS_HASH);
    original.forEach((row, i) => {
      expect(row.Creator).toBe('officer1');
      if (i > 0) expect(row.prev_hash).toBe(original[i - 1]?.entry_hash);
      expect(row.entry_hash).toBe(auditEntryHash(row.prev_hash, row));
    });
    const last = original.at(-1) as AuditRow;
    expect(verifyAuditChain(server.db)).toEqual({
      ok: true,
      entries: 7,
      head: last.entry_hash,
      lastObjectId: last.OBJECTID,
    });
  });

  it('names the first broken link when a field is edited', () => {
    const [, second, third] = original as [AuditRow, AuditRow, AuditRow];
    expect(
      tampered(
        server.db,
        `UPDATE search_audit SET case_number = 'CASE-9999' WHERE "OBJECTID" = ${third.OBJECTID}`,
      ),
    ).toEqual({
      ok: false,
      entries: 7,
      firstBrokenObjectId: third.OBJECTID,
      reason: ChainBreak.EntryHashMismatch,
    });
    // Numbers are covered too, as is who searched and when.
    for (const change of [
      'radius_m = radius_m + 0.5',
      'result_count = 0',
      "Creator = 'officer2'",
      'CreationDate = CreationDate - 1',
      'incident_x = incident_x + 0.00001',
    ]) {
      expect(
        tampered(
          server.db,
          `UPDATE search_audit SET ${change} WHERE "OBJECTID" = ${second.OBJECTID}`,
        ),
      ).toMatchObject({ ok: false, firstBrokenObjectId: second.OBJECTID });
    }
    expect(
      tampered(
        server.db,
        `UPDATE search_audit SET prev_hash = '${'1'.repeat(64)}' WHERE "OBJECTID" = ${third.OBJECTID}`,
      ),
    ).toMatchObject({ ok: false, firstBrokenObjectId: third.OBJECTID });
  });

  it('names the entry after a deleted middle row', () => {
    const [, , third, fourth] = original as [AuditRow, AuditRow, AuditRow, AuditRow];
    expect(
      tampered(server.db, `DELETE FROM search_audit WHERE "OBJECTID" = ${third.OBJECTID}`),
    ).toEqual({
      ok: false,
      entries: 6,
      firstBrokenObjectId: fourth.OBJECTID,
      reason: ChainBreak.PrevHashMismatch,
    });
    expect(
      tampered(server.db, `DELETE FROM search_audit WHERE "OBJECTID" = ${original[0]?.OBJECTID}`),
    ).toMatchObject({
      ok: false,
      firstBrokenObjectId: original[1]?.OBJECTID,
      reason: ChainBreak.PrevHashMismatch,
    });
  });

  it('catches forged rows, even ones hashed with the right formula', () => {
    const [, second, third, fourth] = original as [AuditRow, AuditRow, AuditRow, AuditRow];
    const last = original.at(-1) as AuditRow;
    // Replace a middle entry with a forgery that chains correctly from the entry before it.
    const forgedGuid = '{6F9619FF-8B86-D011-B42D-00C04FC964FF}';
    const forged = { ...third, GlobalID: forgedGuid, case_number: 'CASE-FORGED' };
    const forgedHash = auditEntryHash(second.entry_hash, forged);
    expect(
      tampered(
        server.db,
        `DELETE FROM search_audit WHERE "OBJECTID" = ${third.OBJECTID}`,
        `INSERT INTO search_audit ("OBJECTID", "GlobalID", case_number, purpose, incident_at,
           incident_x, incident_y, radius_m, result_count, prev_hash, entry_hash, Creator, CreationDate)
         VALUES (${third.OBJECTID}, '${forgedGuid}', 'CASE-FORGED',
           '${third.purpose}', ${third.incident_at}, ${third.incident_x}, ${third.incident_y},
           ${third.radius_m}, ${third.result_count}, '${second.entry_hash}', '${forgedHash}',
           '${third.Creator}', ${third.CreationDate})`,
      ),
    ).toEqual({
      ok: false,
      entries: 7,
      firstBrokenObjectId: fourth.OBJECTID,
      reason: ChainBreak.PrevHashMismatch,
    });
    // A row added at the end with a made-up hash.
    expect(
      tampered(
        server.db,
        `INSERT INTO search_audit ("GlobalID", case_number, purpose, incident_x, incident_y,
           radius_m, prev_hash, entry_hash, Creator, CreationDate)
         VALUES ('{7F9619FF-8B86-D011-B42D-00C04FC964FF}', 'CASE-LATE', 'other', -94.4, 39.1,
           100, '${last.entry_hash}', '${'a'.repeat(64)}', 'officer1', ${Date.now()})`,
      ),
    ).toEqual({
      ok: false,
      entries: 8,
      firstBrokenObjectId: last.OBJECTID + 1,
      reason: ChainBreak.EntryHashMismatch,
    });
    // Two entries swapped.
    expect(
      tampered(
        server.db,
        `UPDATE search_audit SET "OBJECTID" = -1 WHERE "OBJECTID" = ${second.OBJECTID}`,
        `UPDATE search_audit SET "OBJECTID" = ${second.OBJECTID} WHERE "OBJECTID" = ${third.OBJECTID}`,
        `UPDATE search_audit SET "OBJECTID" = ${third.OBJECTID} WHERE "OBJECTID" = -1`,
      ),
    ).toEqual({
      ok: false,
      entries: 7,
      firstBrokenObjectId: second.OBJECTID,
      reason: ChainBreak.PrevHashMismatch,
    });
  });

  it('needs an anchor kept elsewhere to catch a cut tail or a rewritten chain', () => {
    const last = original.at(-1) as AuditRow;
    const anchor = { objectId: last.OBJECTID, entryHash: last.entry_hash };
    expect(verifyAuditChain(server.db, { anchor })).toMatchObject({ ok: true, entries: 7 });
    const cut = `DELETE FROM search_audit WHERE "OBJECTID" = ${last.OBJECTID}`;
    expect(tampered(server.db, cut)).toMatchObject({ ok: true, entries: 6 });
    server.db.exec('BEGIN IMMEDIATE');
    try {
      dropGuards(server.db);
      server.db.exec(cut);
      expect(verifyAuditChain(server.db, { anchor })).toEqual({
        ok: false,
        entries: 6,
        firstBrokenObjectId: last.OBJECTID,
        reason: ChainBreak.AnchorMismatch,
      });
      server.db.exec('ROLLBACK');
      // Edit an entry and recompute every hash after it: the chain holds, the anchor does not.
      server.db.exec('BEGIN IMMEDIATE');
      dropGuards(server.db);
      server.db.exec(
        `UPDATE search_audit SET case_number = 'CASE-REWRITTEN' WHERE "OBJECTID" = ${original[1]?.OBJECTID}`,
      );
      let prev = GENESIS_HASH;
      for (const row of rows(server.db)) {
        const hash = auditEntryHash(prev, row);
        server.db
          .prepare('UPDATE search_audit SET prev_hash = ?, entry_hash = ? WHERE "OBJECTID" = ?')
          .run(prev, hash, row.OBJECTID);
        prev = hash;
      }
      expect(verifyAuditChain(server.db)).toMatchObject({ ok: true });
      expect(verifyAuditChain(server.db, { anchor })).toMatchObject({
        ok: false,
        firstBrokenObjectId: last.OBJECTID,
        reason: ChainBreak.AnchorMismatch,
      });
    } finally {
      server.db.exec('ROLLBACK');
    }
  });

  it('refuses updates and deletes below the API too', () => {
    const first = original[0] as AuditRow;
    expect(() =>
      server.db
        .prepare('UPDATE search_audit SET case_number = ? WHERE "OBJECTID" = ?')
        .run('X', first.OBJECTID),
    ).toThrow(/append-only/);
    expect(() =>
      server.db.prepare('DELETE FROM search_audit WHERE "OBJECTID" = ?').run(first.OBJECTID),
    ).toThrow(/append-only/);
    expect(verifyAuditChain(server.db)).toMatchObject({ ok: true, entries: 7 });
  });

  it('lets nobody update or delete an entry through the API', async () => {
    const analyst = await server.token('analyst1');
    const admin = await server.token('admin1');
    const target = original[2] as AuditRow;
    const update = JSON.stringify([
      { attributes: { OBJECTID: target.OBJECTID, case_number: 'CASE-CHANGED' } },
    ]);
    const attempts: [string, string | undefined, string, Record<string, string>][] = [];
    for (const [who, token, service] of [
      ['officer', officer, OFFICER],
      ['analyst', analyst, SOURCE],
      ['admin', admin, SOURCE],
    ] as const) {
      const layer = `${server.service(service)}/3`;
      attempts.push(
        [who, token, `${layer}/applyEdits`, { updates: update }],
        [who, token, `${layer}/applyEdits`, { deletes: String(target.OBJECTID) }],
        [who, token, `${layer}/updateFeatures`, { features: update }],
        [who, token, `${layer}/deleteFeatures`, { objectIds: String(target.OBJECTID) }],
        [who, token, `${layer}/deleteFeatures`, { where: '1=1' }],
        [
          who,
          token,
          `${server.service(service)}/applyEdits`,
          { edits: JSON.stringify([{ id: 3, updates: JSON.parse(update) as unknown }]) },
        ],
        [
          who,
          token,
          `${server.service(service)}/applyEdits`,
          { edits: JSON.stringify([{ id: 3, deletes: [target.OBJECTID] }]) },
        ],
      );
    }
    // An officer cannot reach the source service at all.
    attempts.push([
      'officer',
      officer,
      `${server.service(SOURCE)}/3/deleteFeatures`,
      { objectIds: String(target.OBJECTID) },
    ]);
    const answers = [];
    for (const [who, token, url, form] of attempts) {
      const body = await post(url, token, form);
      answers.push({
        who,
        url: url.slice(server.url.length),
        code: (body.error as { code?: number })?.code,
      });
    }
    expect(answers.filter((a) => a.code !== 403)).toEqual([]);
    // Anonymous callers do not even see the table.
    const anonymous = await post(
      `${server.service('CommunityCameras_public')}/3/applyEdits`,
      undefined,
      {
        deletes: String(target.OBJECTID),
      },
    );
    expect([400, 403, 404, 499]).toContain((anonymous.error as { code: number }).code);
    expect(anonymous).not.toHaveProperty('deleteResults');
    expect(rows(server.db)).toEqual(original);
    expect(verifyAuditChain(server.db)).toMatchObject({ ok: true, entries: 7 });
  });

  it('has a command line that says in plain words whether the chain holds', async () => {
    const intact = await runCli(['--db', dbFile]);
    expect(intact).toMatchObject({ code: 0, err: '' });
    expect(intact.out).toContain('intact: 7 entries');
    const last = original.at(-1) as AuditRow;
    const anchor = `${last.OBJECTID}:${last.entry_hash}`;
    expect((await runCli(['--db', dbFile, '--anchor', anchor])).code).toBe(0);

    const edited = original[3] as AuditRow;
    dropGuards(server.db);
    server.db
      .prepare('UPDATE search_audit SET result_count = result_count + 1 WHERE "OBJECTID" = ?')
      .run(edited.OBJECTID);
    const broken = await runCli(['--db', dbFile]);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`broken at OBJECTID ${edited.OBJECTID}`);
    expect(broken.out).toContain('edited');

    const usage = await runCli(['--db', join(dir, 'missing.sqlite')]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Usage');
  }, 30_000);
});
