/**
 * Screenshots of the officer search for the docs: a search near the old town square at
 * desktop (1280 px), tablet (768 px) and phone (375 px, Spanish) widths, and the printed
 * canvass sheet. Uses the demo build in dist/demo (run `npm run build` first) and the
 * cached 10,000-site file of the benchmark.
 *
 * Run: `node --import tsx bench/incident-search-screenshots.ts`
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright';
import {
  fillSearch,
  launchChromium,
  openSignedIn,
  ROOT,
  seededFile,
  serve,
} from './incident-search-harness.js';

/** The page's globals these scripts touch (they compile without DOM types). */
declare const document: {
  querySelector(selector: string): {
    adapter?: { mapView?: { updating?: boolean } | null } | null;
  } | null;
};

const OUT = resolve(ROOT, 'docs/screenshots');
const INCIDENT: readonly [number, number] = [-94.4155, 39.0911];

async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('cam-incident-search')?.adapter?.mapView?.updating !== true,
  );
  await page.waitForTimeout(1500);
}

async function searchAt(page: Page, url: string, width: number, lang: string): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await openSignedIn(page, url, { lang });
  await fillSearch(page, '26-004512', INCIDENT, 1);
  await page.click('cam-incident-search form[aria-labelledby="form-heading"] button[type=submit]');
  await page.waitForSelector('cam-incident-search tbody tr');
  await page.click('cam-incident-search tbody tr:nth-child(2) .row-button');
  await settle(page);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const seeded = await seededFile(10_000);
  const server = await serve(seeded.file);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    for (const [name, width, lang] of [
      ['desktop', 1280, 'en'],
      ['tablet', 768, 'en'],
      ['mobile-es', 375, 'es'],
    ] as const) {
      await searchAt(page, server.url, width, lang);
      await page.screenshot({ path: resolve(OUT, `incident-search-${name}.png`), fullPage: true });
      console.log(`incident-search-${name}.png`);
    }
    await searchAt(page, server.url, 1280, 'en');
    // The print button snapshots the map, then calls print(): keep the dialog away.
    await page.evaluate(() => {
      (globalThis as unknown as { print: () => void }).print = () => undefined;
    });
    await page.click('cam-incident-search .toolbar button:last-child');
    await page.waitForSelector('cam-incident-search img.print-map', { state: 'attached' });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: resolve(OUT, 'incident-search-print.png'), fullPage: true });
    console.log('incident-search-print.png');
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
