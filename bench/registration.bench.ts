/**
 * `npm run bench -- registration`: what a resident's browser pays before the form is usable.
 *
 * 1. The widget's initial JavaScript, gzipped: `widgets/registration/index.ts` built alone
 *    with Vite, counting the entry chunk and every chunk it imports statically; the map
 *    (a dynamic import) is reported apart. Target: 60 KB.
 * 2. Time until the first step is usable on the demo page: the demo built with `vite build`,
 *    served by the real server, loaded cold in Chromium five times; navigation start to the
 *    moment the Next button exists and is enabled. The median is reported.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright';
import { build, type Manifest } from 'vite';
import { createServer } from '../src/server/create-server.js';
import { openDatabase } from '../src/server/db/open-database.js';
import { seedDatabase } from '../src/server/seed/seed-database.js';

const root = resolve(import.meta.dirname, '..');
const TARGET_KB = 60;
const RUNS = 5;

/** The few DOM types the page-side check needs (this file is type-checked without the DOM). */
interface PageGlobals {
  readonly document: {
    querySelector(selector: string): {
      readonly shadowRoot: {
        querySelector(selector: string): { readonly disabled: boolean } | null;
      } | null;
    } | null;
  };
  readonly performance: { now(): number };
}

/** In the page: `performance.now()` once the first step's Next button is enabled. */
function nextEnabledAt(): number | false {
  const { document, performance } = globalThis as unknown as PageGlobals;
  const next = document
    .querySelector('cam-registration')
    ?.shadowRoot?.querySelector('button[type=submit]');
  return next && !next.disabled ? performance.now() : false;
}

// The same decorator settings as vite.config.ts (Lit's legacy decorators).
const oxc = {
  decorator: { legacy: true },
  typescript: { removeClassFieldsWithoutInitializer: true },
  assumptions: { setPublicClassFields: true },
};

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function gzipSize(file: string): number {
  return gzipSync(readFileSync(file)).length;
}

/** The entry chunk and, recursively, the chunks it imports statically. */
function staticClosure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const child of manifest[key]?.imports ?? []) staticClosure(manifest, child, seen);
  return seen;
}

async function initialJavaScript(): Promise<{ initial: number; lazy: number; files: number }> {
  const outDir = mkdtempSync(join(tmpdir(), 'ccr-registration-'));
  try {
    await build({
      configFile: false,
      root,
      logLevel: 'silent',
      oxc,
      build: {
        outDir,
        emptyOutDir: true,
        manifest: true,
        target: 'es2022',
        rolldownOptions: {
          input: { registration: resolve(root, 'widgets/registration/index.ts') },
        },
      },
    });
    const manifest = JSON.parse(
      readFileSync(join(outDir, '.vite/manifest.json'), 'utf8'),
    ) as Manifest;
    const entry = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
    if (!entry) throw new Error('no entry chunk in the manifest');
    const initialKeys = staticClosure(manifest, entry);
    const jsOf = (key: string) => manifest[key]?.file ?? '';
    const initial = [...initialKeys].reduce(
      (sum, key) => sum + gzipSize(join(outDir, jsOf(key))),
      0,
    );
    // What opening the map adds: the map module and the chunks it needs at once (the SDK
    // loads further pieces, such as workers, only as it draws).
    const mapKeys = new Set<string>();
    for (const key of initialKeys) {
      for (const dynamic of manifest[key]?.dynamicImports ?? [])
        staticClosure(manifest, dynamic, mapKeys);
    }
    for (const key of initialKeys) mapKeys.delete(key);
    const lazy = [...mapKeys].reduce((sum, key) => sum + gzipSize(join(outDir, jsOf(key))), 0);
    return { initial, lazy, files: initialKeys.size };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function timeToFirstStep(): Promise<number[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'ccr-demo-'));
  const db = openDatabase(':memory:');
  try {
    await build({
      configFile: resolve(root, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    await seedDatabase(db, { sites: 0, seed: 1, demoPassword: 'bench-password-1' });
    const app = await createServer({ db, staticDir: outDir });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const browser = await chromium.launch({
      executablePath: process.env.CCR_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const times: number[] = [];
    try {
      for (let run = 0; run < RUNS; run += 1) {
        // A fresh context each time: a first visit, nothing cached.
        const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
        const page = await context.newPage();
        await page.goto(`http://127.0.0.1:${port}/registration.html`);
        const usableAt = await page.waitForFunction(nextEnabledAt, undefined, {
          polling: 'raf',
          timeout: 30_000,
        });
        times.push((await usableAt.jsonValue()) as number);
        await context.close();
      }
    } finally {
      await browser.close();
      await app.close();
    }
    return times;
  } finally {
    db.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const js = await initialJavaScript();
console.log(
  `initial JavaScript (gzip, ${js.files} chunk${js.files === 1 ? '' : 's'}): ${kb(js.initial)} (target ≤ ${TARGET_KB} KB) ${js.initial <= TARGET_KB * 1024 ? 'OK' : 'OVER'}`,
);
console.log(`map module and its static imports, loaded on demand (gzip): ${kb(js.lazy)}`);

const times = await timeToFirstStep();
console.log(
  `first step usable on the demo page (median of ${RUNS}): ${median(times).toFixed(0)} ms  [${times.map((t) => t.toFixed(0)).join(', ')}]`,
);
if (js.initial > TARGET_KB * 1024) process.exitCode = 1;
