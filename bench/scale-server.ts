/**
 * The server of the scale benchmark, in its own process so its memory is measured alone:
 * opens the registry file in `argv[2]`, listens on a free loopback port, prints
 * `{"port": n}` on one line, and answers the parent's `'rss'` message with its resident set.
 * Rate limits and the officers' day caps are off: the benchmark is one officer running
 * hundreds of searches in a row.
 */
import { createServer } from '../src/server/create-server.js';
import { openDatabase } from '../src/server/db/open-database.js';

const file = process.argv[2];
if (!file) throw new Error('usage: scale-server.ts <registry.sqlite>');
const db = openDatabase(file);
const app = await createServer({
  db,
  rateLimits: false,
  officerReads: { maxSitesPerDay: 1e12, flagSitesPerDay: 1e12 },
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port })}\n`);

process.on('message', (message) => {
  if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (message === 'stop') {
    void app.close().then(() => {
      db.close();
      process.exit(0);
    });
  }
});
