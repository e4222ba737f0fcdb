import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/open-database.js';
import { processPendingChangeRequests } from './process-change-requests.js';

/**
 * `tsx src/server/change-requests/process-cli.ts --db FILE`: carries out analysts' review
 * decisions, then applies every pending change request (the local server also does this as
 * each request arrives). Prints counts only: requests carry contact details.
 */
const { values } = parseArgs({ options: { db: { type: 'string' } } });
if (!values.db || !existsSync(values.db)) {
  console.error('Usage: process-cli --db FILE (an existing registry database)');
  process.exit(2);
}
const db = openDatabase(values.db);
const outcomes = processPendingChangeRequests(db);
const count = (predicate: (o: (typeof outcomes)[number]) => boolean) =>
  outcomes.filter(predicate).length;
const reviewed = count((o) => o.status === 'reviewed');
console.log(
  `Processed ${outcomes.length - reviewed} change request(s): ${count((o) => o.status === 'applied')} applied, ${count((o) => o.status === 'review')} held for review, ${count((o) => o.status === 'rejected')} rejected. Carried out ${reviewed} review decision(s): ${count((o) => o.status === 'reviewed' && o.result === 'UPDATED')} applied.`,
);
db.close();
