import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from './create-server.js';
import { openDatabase } from './db/open-database.js';
import { DEFAULT_DEMO_PASSWORD, seedDatabase } from './seed/seed-database.js';

/**
 * `npm start` (demo pages + service) and `npm run serve` (service only).
 * Environment: PORT (8080), HOST (127.0.0.1), CCR_DB (data/registry.sqlite, seeded when
 * missing), CCR_SEED_SITES (2000), CCR_DEMO_PASSWORD, CCR_CORS_ORIGINS (comma-separated),
 * CCR_RATE_LIMITS (`off` turns per-client budgets and bot checks off).
 */
const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false } } });
const root = resolve(import.meta.dirname, '../..');
const dbFile = resolve(process.env.CCR_DB ?? resolve(root, 'data/registry.sqlite'));
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';

const fresh = !existsSync(dbFile);
if (fresh) mkdirSync(dirname(dbFile), { recursive: true });
const db = openDatabase(dbFile);
if (fresh) {
  const sites = Number(process.env.CCR_SEED_SITES ?? 2000);
  const password = process.env.CCR_DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD;
  console.log(`Creating ${dbFile} with ${sites} demo sites...`);
  const counts = await seedDatabase(db, { sites, seed: 1, demoPassword: password });
  console.log(
    `Seeded ${counts.sites} sites, ${counts.cameras} cameras, ${counts.addressPoints} address points.`,
  );
  console.log(
    `Demo accounts officer1, analyst1, admin1; password: ${process.env.CCR_DEMO_PASSWORD ? '(from CCR_DEMO_PASSWORD)' : password}`,
  );
}

const staticDir = values.demo ? resolve(root, 'dist/demo') : undefined;
if (staticDir && !existsSync(staticDir)) {
  console.error('Demo pages are not built: run `npm start` (it builds them first).');
  process.exit(1);
}
const corsOrigins = (process.env.CCR_CORS_ORIGINS ?? '')
  .split(',')
  .map((o) => o.trim())
  .filter(Boolean);
// Budgets and bot checks are on unless CCR_RATE_LIMITS=off (load tests from one address).
const limitsOff = process.env.CCR_RATE_LIMITS === 'off';
const app = await createServer({
  db,
  staticDir,
  corsOrigins,
  log: true,
  rateLimits: limitsOff ? false : undefined,
  botCheck: limitsOff ? false : undefined,
  publicUrl: process.env.CCR_PUBLIC_URL || undefined,
  // Proxy addresses or ranges (`127.0.0.1,10.0.0.0/8`) whose X-Forwarded-For names the client.
  trustProxy: process.env.CCR_TRUST_PROXY || undefined,
});
await app.listen({ port, host });
console.log(
  `Community Camera Registry on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`,
);
console.log(`Feature service: http://${host}:${port}/arcgis/rest/services`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void app.close().then(() => {
      db.close();
      process.exit(0);
    });
  });
}
