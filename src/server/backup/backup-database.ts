import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';

/** What a finished backup holds, as checked on the copy itself. */
export interface BackupReport {
  /** The backup file (absolute path). */
  readonly file: string;
  readonly bytes: number;
  readonly pages: number;
  /** `PRAGMA integrity_check` of the copy: `['ok']` when sound. */
  readonly integrity: readonly string[];
  readonly ok: boolean;
  /** Rows per table (and R*Tree index) in the copy. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface BackupOptions {
  /** Milliseconds to wait for a lock held by the live server. */
  readonly busyTimeoutMs?: number;
}

/**
 * Pages copied per step. One step copies the whole database inside a single read transaction,
 * so the copy is one committed snapshot: in WAL mode the live server keeps writing meanwhile,
 * while a step-by-step copy would restart every time another connection committed.
 */
const ALL_PAGES = 2_147_483_647;

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Row counts of every ordinary and virtual table (not SQLite's own or index shadow tables). */
function tableCounts(db: DatabaseSync): Record<string, number> {
  const tables = db.prepare('PRAGMA main.table_list').all() as { name: string; type: string }[];
  const counts: Record<string, number> = {};
  for (const { name, type } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    if ((type !== 'table' && type !== 'virtual') || name.startsWith('sqlite_')) continue;
    const row = db.prepare(`SELECT COUNT(*) AS n FROM ${quoted(name)}`).get() as { n: number };
    counts[name] = row.n;
  }
  return counts;
}

/**
 * Takes an online backup of the registry at `source` into `target` with SQLite's backup API,
 * while the server keeps running. The copy is written under a temporary name beside `target`,
 * turned into a single self-contained file (rollback journal, not WAL), checked with
 * `PRAGMA integrity_check`, synced to disk and only then renamed over `target`, so `target`
 * is never a partial or unchecked copy. A copy that fails the check is deleted and reported.
 */
export async function backupDatabase(
  source: string,
  target: string,
  options: BackupOptions = {},
): Promise<BackupReport> {
  const from = resolve(source);
  const to = resolve(target);
  if (!existsSync(from)) throw new Error(`No database at ${from}`);
  if (from === to) throw new Error('The backup must go to a different file than the database');
  const temporary = join(
    dirname(to),
    `.${basename(to)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`,
  );
  const live = new DatabaseSync(from, { timeout: options.busyTimeoutMs ?? 10_000 });
  let pages: number;
  try {
    pages = await backup(live, temporary, { rate: ALL_PAGES });
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    live.close();
  }

  let integrity: string[];
  let counts: Record<string, number> = {};
  try {
    const copy = new DatabaseSync(temporary);
    try {
      copy.exec('PRAGMA journal_mode = DELETE');
      integrity = (
        copy.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]
      ).map((row) => row.integrity_check);
      if (integrity.join() === 'ok') counts = tableCounts(copy);
    } finally {
      copy.close();
    }
  } catch (error) {
    // Damage bad enough that SQLite refuses to read on is a failed check, not a crash.
    integrity = [error instanceof Error ? error.message : String(error)];
  }
  for (const leftover of [`${temporary}-wal`, `${temporary}-shm`, `${temporary}-journal`])
    rmSync(leftover, { force: true });

  const ok = integrity.length === 1 && integrity[0] === 'ok';
  if (!ok) {
    rmSync(temporary, { force: true });
    return { file: to, bytes: 0, pages, integrity, ok, counts };
  }
  fsyncPath(temporary);
  // A journal or WAL left beside an older backup would be replayed into the new one.
  for (const stale of [`${to}-wal`, `${to}-shm`, `${to}-journal`]) rmSync(stale, { force: true });
  renameSync(temporary, to);
  fsyncPath(dirname(to));
  return { file: to, bytes: statSync(to).size, pages, integrity, ok, counts };
}
