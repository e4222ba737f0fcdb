/**
 * The script-tag bundles on a plain city page of another origin: the page (in a frame of the
 * test page) loads `cam-registration.js` or `cam-incident-search.js` from the widget server
 * with one `<script type="module">`, names a config file on that server, and a resident
 * registers or an officer searches, across origins (CORS allowlist set), with real input.
 * A second copy of the page without the bundle is the control: everything the page owns
 * outside the widget's element must come out the same. With VITE_CCR_SCREENSHOTS=1 the
 * screenshots are written to docs/screenshots/.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands, page } from 'vitest/browser';
import {
  addedGlobals,
  attributesOf,
  documentOf,
  openCityPage,
  pageAxeViolations,
  pageState,
  queryAt,
  tokenAt,
  widgetRoot,
} from './embed-helpers.js';
import { HOST_PAGES, type HostPageKind } from './host-pages.js';

const SAVE = Boolean(import.meta.env.VITE_CCR_SCREENSHOTS);
/**
 * Names the bundles' libraries put on the window, and nothing else may appear: Lit's version
 * markers and property metadata, arcgis-rest-js's shared request settings, and, once the map
 * has loaded, the ArcGIS Maps SDK's `$arcgis` and Calcite's `calciteConfig`.
 * docs/embedding.md lists them.
 */
const LIBRARY_GLOBALS = [
  '$arcgis',
  'ARCGIS_REST_JS_NO_CORS',
  'calciteConfig',
  'litElementVersions',
  'litHtmlVersions',
  'litPropertyMetadata',
  'reactiveElementVersions',
];

let widgetOrigin = '';

beforeAll(async () => {
  ({ widgetOrigin } = await commands.embedServers());
}, 180_000);

afterEach(() => {
  document.body.replaceChildren();
});

function heading(root: ShadowRoot): string {
  return root.querySelector('h2')?.textContent?.trim() ?? '';
}

async function step(root: ShadowRoot, expected: string): Promise<void> {
  await expect.poll(() => heading(root), { timeout: 20_000 }).toBe(expected);
}

/** Opens the city page twice, without and with the bundle, at the same size. */
async function openPair(kind: HostPageKind, height: number) {
  const control = await openCityPage(kind, { width: 1100, height, control: true });
  const host = await openCityPage(kind, { width: 1100, height });
  return { control, host };
}

/** The attributes the city wrote on the widget's element, as they are now. */
function cityAttributes(host: HTMLIFrameElement, kind: HostPageKind): string[] {
  const names = Object.keys(HOST_PAGES[kind].attributes(widgetOrigin));
  return attributesOf(documentOf(host).querySelector(HOST_PAGES[kind].tag), names);
}

function written(kind: HostPageKind): string[] {
  return Object.entries(HOST_PAGES[kind].attributes(widgetOrigin)).map(([k, v]) => `${k}=${v}`);
}

async function screenshot(host: HTMLIFrameElement, name: string): Promise<void> {
  await page.viewport(1140, Number.parseInt(host.style.blockSize, 10) + 40);
  await page.screenshot({ path: `../../docs/screenshots/${name}.png`, save: SAVE, element: host });
}

describe('cam-registration.js from a script tag', () => {
  it('lets a resident register from a city page, which keeps its elements, styles and attributes', async () => {
    const { control, host } = await openPair('registration', 1500);
    const root = await widgetRoot(host, 'cam-registration');
    await step(root, 'About the program');
    expect(await pageAxeViolations(control)).toEqual([]);
    expect(await pageAxeViolations(host)).toEqual([]);

    await commands.inHost('cam-registration button[type=submit]', 'click');
    await step(root, 'Your address and contact');
    await commands.inHost('#cam-f-site_type-0', 'check');
    await commands.inHost('#cam-f-contact_name', 'fill', 'Dana Smith');
    await commands.inHost('#cam-f-contact_role', 'select', 'owner');
    await commands.inHost('#cam-f-phone', 'fill', '816-555-0101');
    await commands.inHost('#cam-f-share_willingness-0', 'check');
    await commands.inHost('#cam-f-address', 'fill', '1200 E White');
    await expect
      .poll(() => root.querySelectorAll('.suggestions li').length, { timeout: 15_000 })
      .toBeGreaterThan(0);
    await commands.inHost('cam-registration .suggestions li >> nth=0', 'click');
    await expect.poll(() => root.querySelector('.found') !== null).toBe(true);
    // The map loads on demand from the widget server; wait until it has drawn or given up.
    await expect
      .poll(() => root.querySelector('.map-status')?.textContent ?? '', { timeout: 30_000 })
      .not.toMatch(/Loading/);
    expect(root.querySelector('.map-frame canvas, .map-frame .esri-view-surface')).not.toBeNull();
    await commands.inHost('cam-registration button[type=submit]', 'click');
    await step(root, 'Your cameras');
    await commands.inHost('#cam-f-cameras-0-label', 'fill', 'Porch');
    await commands.inHost('#cam-f-cameras-0-mount-0', 'check');
    await commands.inHost('#cam-f-cameras-0-view_bearing-1', 'check');
    await commands.inHost('#cam-f-cameras-0-recording_mode', 'select', 'motion');
    await commands.inHost('#cam-f-cameras-0-retention_days', 'fill', '10');
    await commands.inHost('cam-registration button[type=submit]', 'click');
    await step(root, 'Check and agree');
    await commands.inHost('#cam-f-consent', 'check');
    await commands.inHost('cam-registration button[type=submit]', 'click');
    await step(root, 'Thank you, you are registered');
    const reference = root.querySelector('#cam-done-ref')?.textContent?.trim() ?? '';
    expect(reference).not.toBe('');

    // Stored on the widget server, read back through the source view as an analyst.
    const analyst = await tokenAt(widgetOrigin, 'analyst1');
    const sites = await queryAt(widgetOrigin, 'CommunityCameras', 0, analyst, {
      where: `registration_ref = '${reference}'`,
    });
    expect(sites.map((site) => site.attributes.contact_name)).toEqual(['Dana Smith']);

    // The page is as the city wrote it: only the widget's own element changed.
    expect(cityAttributes(host, 'registration')).toEqual(written('registration'));
    expect(pageState(host)).toEqual(pageState(control));
    expect(addedGlobals(control, host).sort()).toEqual(LIBRARY_GLOBALS);
    expect(await pageAxeViolations(host)).toEqual([]);
    await screenshot(host, 'embed-registration-city-page');
  });
});

describe('cam-incident-search.js from a script tag', () => {
  it(
    'lets an officer sign in and search from a city intranet page, which stays as it was',
    { timeout: 120_000 },
    async () => {
      const { control, host } = await openPair('incident-search', 2600);
      const root = await widgetRoot(host, 'cam-incident-search');
      await expect.poll(() => root.querySelector('#username') !== null).toBe(true);
      expect(await pageAxeViolations(control)).toEqual([]);
      expect(await pageAxeViolations(host)).toEqual([]);

      // An incident 12 m off a camera that officers may see.
      const officer = await tokenAt(widgetOrigin, 'officer1');
      const [camera] = await queryAt(widgetOrigin, 'CommunityCameras_officer', 1, officer, {
        where: '1=1',
        returnGeometry: 'true',
        outSR: '4326',
        resultRecordCount: '1',
      });
      const x = (camera?.geometry?.x ?? 0) + 0.0001;
      const y = (camera?.geometry?.y ?? 0) + 0.0001;

      await commands.inHost('#username', 'fill', 'officer1');
      await commands.inHost('#password', 'fill', 'test-password-1');
      await commands.inHost('cam-incident-search form:has(#username) button[type=submit]', 'click');
      await expect.poll(() => root.querySelector('#username'), { timeout: 15_000 }).toBeNull();
      const caseNumber = `E-${Date.now().toString(36)}`;
      await commands.inHost('#case-number', 'fill', caseNumber);
      await commands.inHost('#purpose', 'select', 'criminal_investigation');
      await commands.inHost('#coordinates', 'fill', `${y.toFixed(7)}, ${x.toFixed(7)}`);
      await commands.inHost('cam-incident-search #coordinates + button', 'click');
      await commands.inHost('#radius-2', 'check');
      const complete = new Promise<number>((resolve) =>
        documentOf(host)
          .querySelector('cam-incident-search')
          ?.addEventListener(
            'cam-search-complete',
            (e) => resolve((e as CustomEvent<{ resultCount: number }>).detail.resultCount),
            {
              once: true,
            },
          ),
      );
      await commands.inHost(
        'cam-incident-search form:has(#case-number) button[type=submit]',
        'click',
      );
      const count = await complete;
      expect(count).toBeGreaterThan(0);
      await expect.poll(() => root.querySelectorAll('tbody tr').length).toBe(Math.min(count, 100));
      // The map loaded on demand from the widget server and drew the result.
      await expect
        .poll(() => root.querySelector('.legend') !== null, { timeout: 30_000 })
        .toBe(true);

      // The search was audited on the widget server before the list showed.
      const analyst = await tokenAt(widgetOrigin, 'analyst1');
      const audit = await queryAt(widgetOrigin, 'CommunityCameras', 3, analyst, {
        where: `case_number = '${caseNumber}'`,
      });
      expect(audit.map((row) => row.attributes.result_count)).toEqual([count]);

      expect(cityAttributes(host, 'incident-search')).toEqual(written('incident-search'));
      expect(pageState(host)).toEqual(pageState(control));
      expect(addedGlobals(control, host).sort()).toEqual(LIBRARY_GLOBALS);
      expect(await pageAxeViolations(host)).toEqual([]);
      await screenshot(host, 'embed-incident-search-city-page');
    },
  );
});
