import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCcr } from '../cli/ccr.js';
import { arcgisRequest } from '../client/arcgis-request.js';
import { AreaSourceError, type AreaLayer } from '../core/districts/area-layer.js';
import { loadAreaLayer } from '../core/districts/area-source.js';
import { AppError } from '../core/errors.js';
import { createServer } from './create-server.js';
import { openDatabase } from './db/open-database.js';
import { DEFAULT_DEMO_PASSWORD, seedDatabase } from './seed/seed-database.js';
import { widgetConfigUrls } from './security/page-policy.js';

/**
 * `npm start` (demo pages + service) and `npm run serve` (service only).
 * Environment: PORT (8080), HOST (127.0.0.1), CCR_DB (data/registry.sqlite, seeded when
 * missing), CCR_SEED_SITES (2000), CCR_DEMO_PASSWORD, CCR_CORS_ORIGINS (comma-separated),
 * CCR_RATE_LIMITS (`off` turns per-client budgets and bot checks off), CCR_EMBED_DIR
 * (dist/embed, served at /embed/ when built), CCR_FRAME_ANCESTORS (who may frame the embed
 * pages; 'self' by default), CCR_DISTRICTS and CCR_BEATS (district and beat polygons: a
 * GeoJSON file or an ArcGIS feature layer URL, `…#PROPERTY` naming the property that holds
 * each area's name, `name` by default; with --demo, the invented demo polygons in config/
 * unless these are set).
 */
const { values } = parseArgs({
  options: {
    demo: { type: 'boolean', default: false },
    // `--empty`: start as an empty ArcGIS Online organisation, with no feature service until
    // one is provisioned (`ccr provision`); the registry data, users and geocoder stay.
    empty: { type: 'boolean', default: false },
  },
});
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

/**
 * A polygon layer from `file.geojson[#PROPERTY]` or an ArcGIS feature layer URL
 * (`https://…/FeatureServer/N[#PROPERTY]`, read once now, page by page).
 */
async function areaLayerFrom(spec: string): Promise<AreaLayer> {
  try {
    return await loadAreaLayer(spec, {
      readText: (file) => readFileSync(resolve(file), 'utf8'),
      query: (url, params) => arcgisRequest(url, params, { httpMethod: 'GET' }),
    });
  } catch (error) {
    const code =
      error instanceof AppError
        ? `${error.code}: `
        : error instanceof AreaSourceError
          ? `${error.issue}: `
          : '';
    console.error(
      `Cannot use ${spec.split(/[?#]/)[0]} as district or beat polygons: ${code}${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}
const demoAreas = (name: string) => (values.demo ? resolve(root, `config/${name}`) : undefined);
const districtsSource = process.env.CCR_DISTRICTS || demoAreas('demo-districts.geojson');
const beatsSource = process.env.CCR_BEATS || demoAreas('demo-beats.geojson');
const placement = {
  ...(districtsSource ? { districts: await areaLayerFrom(districtsSource) } : {}),
  ...(beatsSource ? { beats: await areaLayerFrom(beatsSource) } : {}),
};

const staticDir = values.demo ? resolve(root, 'dist/demo') : undefined;
if (staticDir && !existsSync(staticDir)) {
  console.error('Demo pages are not built: run `npm start` (it builds them first).');
  process.exit(1);
}
const embedDir = resolve(process.env.CCR_EMBED_DIR ?? resolve(root, 'dist/embed'));
const embedBuilt = existsSync(embedDir);
// The embed pages' config files name the services, portal and geocoder their widgets call.
const connectUrls = embedBuilt
  ? readdirSync(embedDir)
      .filter((name) => name.endsWith('.json'))
      .flatMap((name) =>
        widgetConfigUrls(JSON.parse(readFileSync(resolve(embedDir, name), 'utf8')) as unknown),
      )
  : [];
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
  placement,
  rateLimits: limitsOff ? false : undefined,
  botCheck: limitsOff ? false : undefined,
  publicUrl: process.env.CCR_PUBLIC_URL || undefined,
  // Proxy addresses or ranges (`127.0.0.1,10.0.0.0/8`) whose X-Forwarded-For names the client.
  trustProxy: process.env.CCR_TRUST_PROXY || undefined,
  provisioned: values.empty ? 'portal' : 'schema',
  embedDir: embedBuilt ? embedDir : undefined,
  frameAncestors: (process.env.CCR_FRAME_ANCESTORS ?? '').split(/[\s,]+/).filter(Boolean),
  connectUrls,
});
await app.listen({ port, host });
console.log(
  `Community Camera Registry on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`,
);
console.log(`Feature service: http://${host}:${port}/arcgis/rest/services`);
if (staticDir) {
  // The demo's report page shows what `ccr report` publishes, made now from this registry.
  const code = await runCcr(
    [
      'report',
      '--portal',
      `http://127.0.0.1:${port}/arcgis`,
      '--username',
      'analyst1',
      '--out',
      resolve(staticDir, 'report'),
      '--json',
    ],
    {
      env: { CCR_PASSWORD: process.env.CCR_DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD },
      out: () => undefined,
      err: (line) => console.error(line),
      interactive: false,
    },
  );
  if (code === 0) console.log('Transparency report written to /report/report.json');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void app.close().then(() => {
      db.close();
      process.exit(0);
    });
  });
}
