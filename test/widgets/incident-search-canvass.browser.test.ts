/**
 * The canvass sheet (issue 13, officers 3), against the local server: two planted sites
 * outside the seeded city, one with three cameras and one shop with one, searched as
 * `officer1`. The sheet is printed from a document of its own, so the host page's header
 * and navigation never reach the paper.
 */
import axe from 'axe-core';
import geographiclib from 'geographiclib-geodesic';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  arcgisRequest,
  requireEditsApplied,
  type CallOptions,
} from '../../src/client/arcgis-request.js';
import { formatReference } from '../../src/core/registration/registration-codes.js';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import type { CamIncidentSearch } from '../../widgets/incident-search/index.js';
import { ArcgisMapAdapter } from '../../widgets/incident-search/map-adapter.js';
import { signInWithPassword } from '../../widgets/incident-search/sign-in.js';
import {
  fillSearch,
  mount,
  PASSWORD,
  shadow,
  signIn,
  submitSearch,
  tableIds,
  until,
} from './incident-search-helpers.js';

const WGS84 = geographiclib.Geodesic.WGS84;
const SOURCE = new URL('/arcgis/rest/services/CommunityCameras/FeatureServer', location.href).href;
/** East of the seeded city box (-94.48..-94.33, 39.03..39.13) and of issue 13's planted site. */
const HOME: readonly [number, number] = [-94.2905, 39.1552];

function moved(from: readonly [number, number], bearing: number, meters: number) {
  const r = WGS84.Direct(from[1], from[0], bearing, meters);
  return [r.lon2 ?? Number.NaN, r.lat2 ?? Number.NaN] as [number, number];
}

/** The incident: 8 m east of the home's cameras; the shop is 25 m north of it. */
const INCIDENT = moved(HOME, 90, 8);
const SHOP = moved(INCIDENT, 0, 25);
const HOST_HEADING = 'Riverside Police Department intranet';

let analyst: CallOptions;
const mounted: CamIncidentSearch[] = [];
/** Map views of removed widgets: the adapter destroys them once they settle. */
const views: { readonly destroyed: boolean }[] = [];
const realOpen = window.open.bind(window);
let hostHeader: HTMLElement;

async function add(layer: number, features: readonly object[]) {
  const answer = requireEditsApplied(
    await arcgisRequest<{ addResults: { objectId: number; globalId?: string }[] }>(
      `${SOURCE}/${layer}/addFeatures`,
      { features, f: 'json' },
      analyst,
    ),
  );
  return answer.addResults;
}

function site(at: readonly [number, number], attributes: object) {
  return {
    geometry: { x: at[0], y: at[1], spatialReference: { wkid: 4326 } },
    attributes: {
      registration_ref: formatReference(crypto.getRandomValues(new Uint8Array(8))),
      manage_code_hash: 'cd'.repeat(32),
      contact_role: 'owner',
      preferred_contact: 'phone',
      share_willingness: 'yes',
      consent_version: '2025-01',
      status: 'verified',
      ...attributes,
    },
  };
}

function camera(
  siteGuid: string | undefined,
  label: string,
  at: readonly [number, number],
  view: object,
) {
  return {
    geometry: { x: at[0], y: at[1], spatialReference: { wkid: 4326 } },
    attributes: {
      site_guid: siteGuid,
      label,
      mount: 'exterior',
      recording_mode: 'continuous',
      retention_days: 7,
      ...view,
    },
  };
}

/** Lets the sheet's window open for real, but records its print request instead of printing. */
function catchSheet(): { window: () => Window | null; prints: () => number } {
  let opened: Window | null = null;
  let prints = 0;
  window.open = (...args: Parameters<typeof window.open>) => {
    const win = realOpen(...args);
    if (win) {
      opened = win;
      win.print = () => {
        prints += 1;
      };
    }
    return win;
  };
  return { window: () => opened, prints: () => prints };
}

async function axeViolations(context: Element) {
  const results = await axe.run(context, { resultTypes: ['violations'] });
  return results.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) }));
}

/** axe run inside the sheet's own window (axe checks the document it was loaded into). */
async function sheetViolations(win: Window): Promise<{ id: string }[]> {
  const script = win.document.createElement('script');
  script.textContent = axe.source;
  win.document.head.append(script);
  const inner = (win as Window & { axe?: typeof axe }).axe;
  if (!inner) throw new Error('axe did not load in the sheet window');
  const results = await inner.run(win.document, { resultTypes: ['violations'] });
  return results.violations.map((v) => ({ id: v.id }));
}

/** The sheet's table: header texts and each row's cell texts, whitespace collapsed. */
function sheetTable(win: Window): { header: string[]; rows: string[][] } {
  const text = (cell: Element) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
  const header = [...win.document.querySelectorAll('thead th')].map(text);
  const rows = [...win.document.querySelectorAll('tbody tr')].map((row) =>
    [...row.querySelectorAll('th, td')].map(text),
  );
  return { header, rows };
}

/** The toolbar's print button, found by what it says. */
function printButton(element: CamIncidentSearch): HTMLButtonElement {
  const found = [...shadow(element).querySelectorAll<HTMLButtonElement>('button')].find((b) =>
    /^(Print canvass sheet|Imprimir hoja de visitas)$/.test(b.textContent?.trim() ?? ''),
  );
  if (!found) throw new Error('no print button');
  return found;
}

async function printSheet(element: CamIncidentSearch) {
  const sheet = catchSheet();
  printButton(element).click();
  await until(() => sheet.prints() > 0, 'the sheet to print');
  const win = sheet.window();
  if (!win) throw new Error('no sheet window');
  return win;
}

beforeAll(async () => {
  const session = await signInWithPassword(
    '/arcgis/sharing/rest/generateToken',
    'analyst1',
    PASSWORD,
  );
  analyst = { authentication: session.authentication };
  const [home, shop] = await add(SITES.id, [
    site(HOME, {
      site_type: 'residence',
      contact_name: 'Marta Canvass',
      phone: '+18165552470',
      preferred_language: 'es',
      best_hours: 'evening',
      address: '2 Canvass Way, Independence, MO',
      unit: 'Apt 3',
    }),
    site(SHOP, {
      site_type: 'business',
      business_name: 'Corner Deli',
      contact_name: 'Lee Canvass',
      contact_role: 'manager_operator',
      phone: '+18165552471',
      preferred_language: 'en',
      best_hours: 'morning',
      address: '4 Canvass Way, Independence, MO',
    }),
  ]);
  await add(CAMERAS.id, [
    camera(home?.globalId, 'Porch', HOME, {
      form: 'fixed',
      view_bearing: 90,
      fov_deg: 90,
      range_m: 30,
    }),
    camera(home?.globalId, 'Driveway', HOME, { form: 'unknown' }),
    camera(home?.globalId, 'Garden', HOME, { form: 'fixed', view_bearing: 270, fov_deg: 90 }),
    camera(shop?.globalId, 'Counter', SHOP, {
      form: 'fixed',
      view_bearing: 180,
      fov_deg: 90,
      range_m: 40,
    }),
  ]);
});

beforeEach(() => {
  // The host page's own header and navigation, as on the demo page and in a GIS viewer.
  hostHeader = document.createElement('header');
  hostHeader.innerHTML = `<h1>${HOST_HEADING}</h1><nav aria-label="Host"><a href="#">Dispatch</a></nav>`;
  document.body.prepend(hostHeader);
});

afterEach(async () => {
  window.open = realOpen;
  for (const element of mounted.splice(0)) element.remove();
  hostHeader.remove();
  document.documentElement.lang = 'en';
  // A view destroyed with the test page mid-update rejects its workers' jobs uncaught.
  for (const view of views.splice(0)) await until(() => view.destroyed, 'the map to close', 40_000);
});

describe('canvass sheet', () => {
  it('has one row per site with contact, phone, best time and language, blank outcome and notes, and prints alone', async () => {
    const element = mount({ noMap: true });
    mounted.push(element);
    await signIn(element);
    await fillSearch(element, `CV-${Date.now().toString(36)}`, INCIDENT, 0);
    expect(await submitSearch(element)).toBe(4);
    await element.updateComplete;
    expect(tableIds(element)).toHaveLength(4);

    const win = await printSheet(element);
    const { header, rows } = sheetTable(win);
    expect(header).toEqual([
      '#',
      'Site',
      'Cameras',
      'Closest',
      'Footage',
      'Contact',
      'Phone',
      'Best time',
      'Language',
      'Logged so far',
      'Outcome',
      'Notes',
    ]);
    // One row per site, no site twice, walked in the list's order (best camera first).
    expect(rows).toHaveLength(2);
    const [first, second] = rows;
    expect(first?.[0]).toBe('1');
    expect(first?.[1]).toBe('Residence 2 Canvass Way, Independence, MO, Apt 3');
    expect(first?.[2]).toBe(
      '3 cameras: Porch — Sees it; Driveway — Maybe (direction or width not known); Garden — Faces away or too far',
    );
    expect(first?.slice(5, 9)).toEqual([
      'Marta Canvass (Owner)',
      '(816) 555-2470',
      'Evenings',
      'Spanish',
    ]);
    expect(second?.[1]).toBe('Corner Deli 4 Canvass Way, Independence, MO');
    expect(second?.[2]).toBe('1 camera: Counter — Sees it');
    expect(second?.slice(5, 9)).toEqual([
      'Lee Canvass (Manager or operator)',
      '(816) 555-2471',
      'Mornings',
      'English',
    ]);
    // Blank columns to write in on the doorstep.
    for (const row of rows) expect(row.slice(9)).toEqual(['', '', '']);
    const phone = win.document.querySelector<HTMLAnchorElement>('tbody a[href^="tel:"]');
    expect(phone?.getAttribute('href')).toBe('tel:+18165552470');

    // Only the sheet: nothing of the host page's header, navigation or the widget's form.
    const printed = win.document.documentElement.outerHTML;
    expect(printed).not.toContain(HOST_HEADING);
    expect(printed).not.toContain('Dispatch');
    expect(win.document.querySelector('nav, form, cam-incident-search')).toBeNull();
    expect(win.document.querySelector('h1')?.textContent).toContain('Canvass sheet, case CV-');
    expect(win.document.documentElement.lang).toBe('en');
    expect(await sheetViolations(win)).toEqual([]);
    expect(await axeViolations(element)).toEqual([]);
    win.close();

    // Spanish: the same sheet in the officer's language.
    document.documentElement.lang = 'es';
    const spanishWidget = mount({ noMap: true });
    mounted.push(spanishWidget);
    await signIn(spanishWidget);
    await fillSearch(spanishWidget, `CV-${Date.now().toString(36)}`, INCIDENT, 0);
    expect(await submitSearch(spanishWidget)).toBe(4);
    await spanishWidget.updateComplete;
    const es = await printSheet(spanishWidget);
    const spanish = sheetTable(es);
    expect(spanish.header).toEqual([
      'N.º',
      'Sitio',
      'Cámaras',
      'Más cercana',
      'Video',
      'Contacto',
      'Teléfono',
      'Mejor hora',
      'Idioma',
      'Registrado hasta ahora',
      'Resultado',
      'Notas',
    ]);
    expect(spanish.rows).toHaveLength(2);
    expect(spanish.rows[0]?.[2]).toMatch(/^3 cámaras: Porch — Lo ve; /);
    expect(spanish.rows[0]?.slice(7, 9)).toEqual(['Noches', 'Español']);
    expect(es.document.documentElement.lang).toBe('es');
    expect(es.document.documentElement.outerHTML).not.toContain(HOST_HEADING);
    expect(await sheetViolations(es)).toEqual([]);
    es.close();
  });

  it('says how to allow the sheet when the browser blocks its window', async () => {
    const element = mount({ noMap: true });
    mounted.push(element);
    await signIn(element);
    await fillSearch(element, `CV-${Date.now().toString(36)}`, INCIDENT, 0);
    await submitSearch(element);
    await element.updateComplete;
    let asked = 0;
    window.open = () => {
      asked += 1;
      return null;
    };
    printButton(element).click();
    await element.updateComplete;
    expect(asked).toBe(1);
    expect(shadow(element).querySelector('#print-blocked')?.textContent).toContain(
      'Allow pop-up windows for this site',
    );
    expect(await axeViolations(element)).toEqual([]);
  });

  it('carries the map of the search area when the widget shows one', async () => {
    const adapter = new ArcgisMapAdapter('/assets');
    const element = mount({ mapAdapter: adapter });
    mounted.push(element);
    await signIn(element);
    const view = await until(() => adapter.mapView?.ready && adapter.mapView, 'the map view');
    views.push(view);
    await fillSearch(element, `CV-${Date.now().toString(36)}`, INCIDENT, 0);
    expect(await submitSearch(element)).toBe(4);
    await element.updateComplete;
    await until(() => !view.updating, 'the map to settle');
    const win = await printSheet(element);
    const map = win.document.querySelector('img');
    expect(map?.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(map?.alt).toBe('Map of the search area. The list has everything the map shows.');
    expect(sheetTable(win).rows).toHaveLength(2);
    expect(win.document.documentElement.outerHTML).not.toContain(HOST_HEADING);
    win.close();
  });
});
