import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import {
  describeAuditChain,
  verifyAuditChain,
  verifyReadAuditChain,
  type AuditAnchor,
} from './verify-audit-chain.js';

/**
 * `tsx src/server/audit/verify-audit-cli.ts --db FILE [--anchor OBJECTID:HASH]`: checks the
 * SearchAudit and officer-read audit hash chains and says in plain words whether it is intact or where it breaks.
 * Opens the database read-only, so it can run beside the live server. Exits 0 when intact,
 * 1 when broken, 2 on bad usage. Keep the printed last entry and hash somewhere else and pass
 * them back as `--anchor` next time: that also catches removed or rewritten newest entries.
 */
const USAGE = 'Usage: verify-audit-cli --db FILE [--anchor OBJECTID:HASH]';

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

let values: { db?: string; anchor?: string };
try {
  ({ values } = parseArgs({ options: { db: { type: 'string' }, anchor: { type: 'string' } } }));
} catch (error) {
  usage(error instanceof Error ? error.message : 'Unreadable arguments.');
}
if (!values.db) usage('--db is required.');
if (!existsSync(values.db)) usage(`No database at ${values.db}.`);

let anchor: AuditAnchor | undefined;
if (values.anchor !== undefined) {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(values.anchor.trim());
  if (!match) usage('--anchor must be OBJECTID:HASH (a whole number, a colon, 64 hex digits).');
  anchor = { objectId: Number(match[1]), entryHash: match[2] as string };
}

let db: DatabaseSync;
try {
  db = new DatabaseSync(values.db, { readOnly: true, timeout: 10_000 });
} catch (error) {
  console.error(`Cannot open ${values.db}: ${error instanceof Error ? error.message : error}`);
  process.exit(2);
}
try {
  const result = verifyAuditChain(db, { anchor });
  console.log(describeAuditChain(result));
  const reads = verifyReadAuditChain(db);
  console.log(describeAuditChain(reads, { audit: 'officer-read audit', entry: 'entry' }));
  process.exitCode = result.ok && reads.ok ? 0 : 1;
} catch (error) {
  console.error(
    `Cannot read the search audit: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 2;
} finally {
  db.close();
}
