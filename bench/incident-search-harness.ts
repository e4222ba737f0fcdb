/**
 * What the incident search benchmark and screenshots share: the demo build, seeded SQLite
 * files cached in the system temp folder by size, the real server on loopback serving the
 * build, and Debian's Chromium driven by Playwright.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright';
import { build } from 'vite';
import { LAYERS } from '../src/core/schema/registry-schema.js';
import { createServer } from '../src/server/create-server.js';
import { openDatabase, type Database } from '../src/server/db/open-database.js';
import { seedDatabase } from '../src/server/seed/seed-database.js';

/** The page's globals these scripts touch (they compile without DOM types). */
declare const document: {
  querySelector(selector: string): PageElement | null;
  createElement(tag: string): PageElement;
};
interface PageElement {
  config?: unknown;
  noMap?: boolean;
  mapStatus?: string;
  adapter?: { mapView?: { updating?: boolean } | null } | null;
  shadowRoot?: {
    querySelector(selector: string): unknown;
    querySelectorAll(selector: string): { length: number };
  } | null;
  replaceWith(other: PageElement): void;
}

export const ROOT = resolve(import.meta.dirname, '..');
export const PASSWORD = 'bench-password-1';
/** Dates in the seeded data are placed relative to this instant. */
export const SEED_NOW = Date.UTC(2026, 10, 1);

/** Builds the demo pages into dist/demo (Vite's build API, the project's own config). */
export async function buildDemo(): Promise<void> {
  await build({ configFile: resolve(ROOT, 'vite.config.ts'), logLevel: 'error' });
}

/** Changes whenever the schema or the generator changes, so a stale cache is never used. */
function schemaKey(): string {
  const hash = createHash('sha256').update(JSON.stringify(LAYERS));
  for (const file of [
    'src/server/db/registry-tables.ts',
    'src/server/seed/generate-registry.ts',
    'src/server/seed/seed-database.ts',
  ]) {
    hash.update(readFileSync(resolve(ROOT, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

export interface SeededFile {
  readonly file: string;
  readonly sites: number;
  readonly cameras: number;
  /** Seeding time, ms (of the run that made the file). */
  readonly seedMs: number;
  readonly cached: boolean;
}

/** A SQLite file with `sites` seeded sites (seed 1), made once and kept in the temp folder. */
export async function seededFile(sites: number): Promise<SeededFile> {
  const base = join(tmpdir(), `ccr-incident-bench-${sites}-1-${schemaKey()}`);
  const file = `${base}.sqlite`;
  const recordFile = `${base}.json`;
  if (existsSync(file) && existsSync(recordFile)) {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as Omit<SeededFile, 'cached'>;
    return { ...record, file, cached: true };
  }
  const partial = `${base}.partial.sqlite`;
  for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`])
    rmSync(leftover, { force: true });
  const db = openDatabase(partial);
  const counts = await seedDatabase(db, { sites, seed: 1, now: SEED_NOW, demoPassword: PASSWORD });
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(partial, file);
  for (const leftover of [`${partial}-wal`, `${partial}-shm`]) rmSync(leftover, { force: true });
  const record = { file, sites: counts.sites, cameras: counts.cameras, seedMs: counts.elapsedMs };
  writeFileSync(recordFile, JSON.stringify(record));
  return { ...record, cached: false };
}

export interface RunningServer {
  readonly url: string;
  readonly db: Database;
  readonly app: FastifyInstance;
  /** Milliseconds the server spent on feature service requests since the last reset. */
  serverMs(): number;
  resetServerMs(): void;
  close(): Promise<void>;
}

/** The real server on loopback over `file`, serving dist/demo, timing its own requests. */
export async function serve(file: string): Promise<RunningServer> {
  const db = openDatabase(file);
  // Day caps off: the benchmark is one officer running many searches in a row.
  const app = await createServer({
    db,
    staticDir: resolve(ROOT, 'dist/demo'),
    officerReads: { maxSitesPerDay: 1e12, flagSitesPerDay: 1e12 },
  });
  let spent = 0;
  app.addHook('onResponse', async (request, reply) => {
    // The search's own requests; the contact log is read after the list is shown.
    const url = request.url;
    if (url.startsWith('/arcgis/rest/services/') && !url.includes('/FeatureServer/2/')) {
      spent += reply.elapsedTime;
    }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    app,
    serverMs: () => spent,
    resetServerMs: () => {
      spent = 0;
    },
    async close() {
      await app.close();
      db.close();
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CCR_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Opens the demo page and signs in as officer1 through the widget's own form. With
 * `noMap`, the page's widget is first swapped for one with `no-map` (the list alone).
 */
export async function openSignedIn(
  page: Page,
  url: string,
  options: { readonly lang?: string; readonly noMap?: boolean } = {},
): Promise<void> {
  await page.goto(`${url}/incident-search.html?lang=${options.lang ?? 'en'}`);
  if (options.noMap) {
    await page.evaluate(() => {
      const old = document.querySelector('cam-incident-search');
      if (!old) return;
      const element = document.createElement('cam-incident-search');
      element.config = old.config;
      element.noMap = true;
      old.replaceWith(element);
    });
  }
  await page.fill('cam-incident-search #username', 'officer1');
  await page.fill('cam-incident-search #password', PASSWORD);
  await page.click('cam-incident-search form button[type=submit]');
  await page.waitForSelector('cam-incident-search #case-number');
  await page.waitForFunction(
    () => !document.querySelector('cam-incident-search')?.shadowRoot?.querySelector('#username'),
  );
}

/** Fills the search form: case, purpose, coordinates and the radius preset at `radiusIndex`. */
export async function fillSearch(
  page: Page,
  caseNumber: string,
  point: readonly [number, number],
  radiusIndex = 1,
): Promise<void> {
  await page.fill('cam-incident-search #case-number', caseNumber);
  await page.selectOption('cam-incident-search #purpose', 'criminal_investigation');
  await page.fill(
    'cam-incident-search #coordinates',
    `${point[1].toFixed(6)}, ${point[0].toFixed(6)}`,
  );
  await page.click('cam-incident-search #coordinates + button');
  await page.check(`cam-incident-search #radius-${radiusIndex}`);
}
