import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backupDatabase } from './backup-database.js';

/**
 * `tsx src/server/backup/backup-cli.ts --db FILE --out FILE`: an online backup of the registry
 * while the server runs, checked with `PRAGMA integrity_check` before it replaces `--out`.
 * Prints table counts only (never rows). Exits 0 when the backup is sound, 1 when not.
 */
const USAGE = 'Usage: backup-cli --db FILE --out FILE';

let values: { db?: string; out?: string };
try {
  ({ values } = parseArgs({ options: { db: { type: 'string' }, out: { type: 'string' } } }));
} catch {
  console.error(USAGE);
  process.exit(2);
}
if (!values.db || !values.out || !existsSync(values.db)) {
  console.error(`${USAGE} (--db must be an existing registry database)`);
  process.exit(2);
}

try {
  const report = await backupDatabase(values.db, values.out);
  if (!report.ok) {
    console.error(
      `Backup failed its integrity check and was not kept: ${report.integrity.slice(0, 5).join('; ')}`,
    );
    process.exit(1);
  }
  console.log(
    `Backed up ${values.db} to ${report.file} (${report.pages} pages, ${report.bytes} bytes).`,
  );
  console.log('Integrity check: ok.');
  for (const [table, rows] of Object.entries(report.counts))
    console.log(`  ${table}: ${rows} rows`);
} catch (error) {
  console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
