import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/server/backup/backup-database.js';
import {
  makeRegistration,
  postRegistration,
  seededRandom,
  type Registration,
} from '../helpers/registrations.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { runCli as runTool } from '../helpers/run-cli.js';

const PASSWORD = 'backup-test-pw-1';
const PUBLIC = 'CommunityCameras_public';
const dir = mkdtempSync(join(tmpdir(), 'ccr-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Sent {
  readonly registration: Registration;
  readonly sentAt: number;
  acknowledgedAt?: number;
}

/** Clients posting registrations back to back until `stop()`; every post is timed. */
function writeLoad(server: ServerProcess, clients: number, seed: number) {
  const sent: Sent[] = [];
  const failures: string[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, i) => {
    const random = seededRandom(seed + i);
    while (running) {
      const entry: Sent = { registration: makeRegistration(random), sentAt: performance.now() };
      sent.push(entry);
      const outcome = await postRegistration(server.service(PUBLIC), entry.registration);
      if (outcome.kind === 'acknowledged') entry.acknowledgedAt = performance.now();
      else failures.push(`${outcome.status} ${outcome.body.slice(0, 200)}`);
    }
  });
  return {
    sent,
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

function runCli(args: readonly string[]) {
  return runTool('src/cli/ccr.ts', ['backup', ...args]);
}

function siteGuids(db: DatabaseSync): Set<string> {
  return new Set(
    (db.prepare('SELECT "GlobalID" AS g FROM sites').all() as { g: string }[]).map((r) => r.g),
  );
}

/** Checks a restored copy against what the clients were told. */
function checkCopy(file: string, sent: readonly Sent[], startedAt: number, finishedAt: number) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    const guids = siteGuids(db);
    const cameraSites = new Map(
      (
        db.prepare('SELECT "GlobalID" AS g, site_guid AS s FROM cameras').all() as {
          g: string;
          s: string;
        }[]
      ).map((r) => [r.g, r.s]),
    );
    const before = sent.filter(
      (s) => s.acknowledgedAt !== undefined && s.acknowledgedAt < startedAt,
    );
    const missing = before.filter(
      ({ registration: r }) =>
        !guids.has(r.siteGuid) || r.cameraGuids.some((g) => cameraSites.get(g) !== r.siteGuid),
    );
    expect(missing.map((s) => s.registration.reference)).toEqual([]);
    // A snapshot: nothing sent after the backup finished, nothing never sent, nothing partial.
    const after = sent.filter((s) => s.sentAt > finishedAt && guids.has(s.registration.siteGuid));
    expect(after).toEqual([]);
    const known = new Set(sent.map((s) => s.registration.siteGuid));
    expect([...guids].filter((g) => !known.has(g))).toEqual([]);
    const partial = db
      .prepare(
        `SELECT COUNT(*) AS n FROM sites s
           WHERE (SELECT COUNT(*) FROM cameras c WHERE c.site_guid = s."GlobalID") <> 2`,
      )
      .get() as { n: number };
    expect(partial.n).toBe(0);
    expect(cameraSites.size).toBe(guids.size * 2);
    const rtree = db.prepare('SELECT COUNT(*) AS n FROM sites_rtree').get() as { n: number };
    expect(rtree.n).toBe(guids.size);
    return { sites: guids.size, before: before.length };
  } finally {
    db.close();
  }
}

describe('online backup', () => {
  it('backs up while registrations keep arriving; the copy restores whole and consistent', async () => {
    const dbFile = join(dir, 'live.sqlite');
    const out = join(dir, 'backups', 'registry-backup.sqlite');
    const server = await startServerProcess({ dbFile, demoPassword: PASSWORD });
    mkdirSync(join(dir, 'backups'), { recursive: true });
    const load = writeLoad(server, 4, 7100);
    let report;
    const timing = { startedAt: 0, finishedAt: 0 };
    let cli;
    const cliOut = join(dir, 'backups', 'registry-backup-cli.sqlite');
    try {
      // Back up once the load is well under way.
      while (load.sent.filter((s) => s.acknowledgedAt !== undefined).length < 20) {
        expect(load.failures).toEqual([]);
        await sleep(20);
      }
      timing.startedAt = performance.now();
      const acknowledgedBefore = load.sent.filter((s) => s.acknowledgedAt !== undefined).length;
      report = await backupDatabase(dbFile, out);
      timing.finishedAt = performance.now();
      expect(acknowledgedBefore).toBeGreaterThanOrEqual(20);
      await sleep(200);
      cli = await runCli(['--db', dbFile, '--out', cliOut]);
      await sleep(100);
    } finally {
      await load.stop();
      await server.stop('SIGTERM');
    }
    expect(load.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.integrity).toEqual(['ok']);
    const { sites, before } = checkCopy(out, load.sent, timing.startedAt, timing.finishedAt);
    expect(sites).toBeGreaterThanOrEqual(before);
    expect(report.counts).toMatchObject({ sites, cameras: sites * 2, sites_rtree: sites });
    expect(report.counts.users).toBe(3);
    // Writes went on during the backup, so the live file moved past the copy.
    const live = new DatabaseSync(dbFile, { readOnly: true });
    const liveSites = siteGuids(live).size;
    live.close();
    expect(liveSites).toBeGreaterThan(sites);
    // The copy stands alone: one file, no WAL, nothing left behind under a temporary name.
    expect(readdirSync(join(dir, 'backups')).sort()).toEqual([
      'registry-backup-cli.sqlite',
      'registry-backup.sqlite',
    ]);

    expect(cli.err).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('Integrity check: ok.');
    expect(cli.out).toMatch(/ sites: \d+ rows/);
    const cliSites = checkCopy(
      cliOut,
      load.sent,
      timing.finishedAt,
      Number.POSITIVE_INFINITY,
    ).sites;
    expect(cliSites).toBeGreaterThanOrEqual(sites);

    // Restoring is starting the server on the copy: it serves what the copy holds.
    const restored = await startServerProcess({ dbFile: out });
    try {
      const token = await restored.token('analyst1', PASSWORD);
      const response = await fetch(
        `${restored.service('CommunityCameras')}/0/query?f=json&where=1%3D1&returnCountOnly=true`,
        { headers: { 'x-esri-authorization': `Bearer ${token}` } },
      );
      expect(await response.json()).toEqual({ count: sites });
    } finally {
      await restored.stop('SIGTERM');
    }
  }, 90_000);

  it('replaces an older backup, and keeps no copy that fails its integrity check', async () => {
    const source = join(dir, 'small.sqlite');
    const target = join(dir, 'small-backup.sqlite');
    const db = new DatabaseSync(source);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    db.exec('CREATE INDEX t_name ON t(name)');
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    for (let i = 0; i < 2000; i += 1) insert.run(`name-${i}`);
    const first = await backupDatabase(source, target);
    expect(first).toMatchObject({ ok: true, counts: { t: 2000 } });
    insert.run('one more');
    const second = await backupDatabase(source, target);
    expect(second).toMatchObject({ ok: true, counts: { t: 2001 } });
    const { rootpage } = db
      .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 't_name'")
      .get() as { rootpage: number };
    const { page_size: pageSize } = db.prepare('PRAGMA page_size').get() as { page_size: number };
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    // Scribble over the index's root page: the file still opens, but it is no longer sound.
    const fd = openSync(source, 'r+');
    writeSync(fd, Buffer.alloc(64, 0x5a), 0, 64, (rootpage - 1) * pageSize + 8);
    closeSync(fd);
    const broken = join(dir, 'broken-backup.sqlite');
    const report = await backupDatabase(source, broken);
    expect(report.ok).toBe(false);
    expect(report.integrity.join()).not.toBe('ok');
    expect(existsSync(broken)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('broken-backup'))).toEqual([]);
    const cli = await runCli(['--db', source, '--out', broken]);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/integrity check/);
    expect(existsSync(broken)).toBe(false);
    // The good backup from before is untouched.
    const kept = new DatabaseSync(target, { readOnly: true });
    expect(kept.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2001 });
    kept.close();
  }, 30_000);
});
