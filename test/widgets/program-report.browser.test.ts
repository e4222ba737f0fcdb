/**
 * `<cam-program-report>` showing the transparency report made from the local server's seeded
 * registry (2,000 demo sites) as `ccr report` makes it: the fields `REPORT_FIELDS` names,
 * read over REST as an analyst, then `buildTransparencyReport`. A few officer searches and
 * contacts are logged first, some too few to publish. Checks what a reader sees: captions,
 * headers, no count from 1 to 4 anywhere (only "<5", read as "fewer than 5"), no contact
 * value, English and Spanish, axe, a phone's width; and saves the docs screenshot.
 */
import axe from 'axe-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import {
  arcgisRequest,
  queryFeaturePages,
  requireEditsApplied,
  type CallOptions,
} from '../../src/client/arcgis-request.js';
import {
  buildTransparencyReport,
  REPORT_FIELDS,
  SUPPRESSED,
  SUPPRESSION_THRESHOLD,
  type ReportInput,
  type TransparencyReport,
} from '../../src/core/report/transparency-report.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONTACT_LOG,
  SEARCH_AUDIT,
  SITES,
} from '../../src/core/schema/registry-schema.js';
import { signInWithPassword } from '../../widgets/incident-search/sign-in.js';
import type { CamProgramReport } from '../../widgets/program-report/index.js';
import '../../widgets/program-report/index.js';

const PASSWORD = 'test-password-1';
const SOURCE = new URL('/arcgis/rest/services/CommunityCameras/FeatureServer', location.href).href;
/** This run's own case: the searches and contacts other tests log on the shared server are left out. */
const CASE = `RPT-${Date.now().toString(36).toUpperCase()}`;
const TABLE_IDS = [
  'registrations_by_district_month',
  'cameras_by_district_month',
  'searches_by_purpose_month',
  'contacts_by_outcome',
  'withdrawals_expiries_by_month',
];

let report: TransparencyReport;
/** Every contact value of every site (six characters or more), lower-cased. */
let contactValues: string[] = [];
const mounted: HTMLElement[] = [];

async function readAll(
  layer: number,
  outFields: readonly string[],
  call: CallOptions,
  where = '1=1',
) {
  const rows: ReportInput['sites'][number][] = [];
  for await (const features of queryFeaturePages(
    `${SOURCE}/${layer}`,
    { where, outFields, pageSize: 2000 },
    call,
  ))
    for (const feature of features) rows.push(feature.attributes);
  return rows;
}

async function add(layer: number, features: readonly object[], call: CallOptions) {
  requireEditsApplied(
    await arcgisRequest(`${SOURCE}/${layer}/addFeatures`, { features, f: 'json' }, call),
  );
}

beforeAll(async () => {
  const session = await signInWithPassword(
    '/arcgis/sharing/rest/generateToken',
    'analyst1',
    PASSWORD,
  );
  const call = { authentication: session.authentication };
  const sites = await readAll(
    SITES.id,
    ['GlobalID', 'contact_name', 'business_name', 'phone', 'email', 'address'],
    call,
  );
  contactValues = sites
    .flatMap((s) => [s.contact_name, s.business_name, s.phone, s.email, s.address])
    .filter((v): v is string => typeof v === 'string' && v.length >= 6)
    .map((v) => v.toLowerCase());
  // Twelve searches for one purpose and three (too few to publish) for another; contacts
  // with one site: six with footage received, two declined (too few).
  const search = (purpose: string) => ({
    attributes: {
      case_number: CASE,
      purpose,
      incident_x: -94.41,
      incident_y: 39.09,
      radius_m: 150,
    },
  });
  await add(
    SEARCH_AUDIT.id,
    [
      ...Array(12).fill(search('criminal_investigation')),
      ...Array(3).fill(search('missing_person')),
    ],
    call,
  );
  const contact = (outcome: string) => ({
    attributes: {
      site_guid: sites[0]?.GlobalID,
      case_number: CASE,
      contact_method: 'phone',
      outcome,
    },
  });
  await add(
    CONTACT_LOG.id,
    [...Array(6).fill(contact('footage_received')), ...Array(2).fill(contact('declined'))],
    call,
  );
  const [siteRows, cameras, searches, contacts, changeRequests] = await Promise.all([
    readAll(SITES.id, REPORT_FIELDS.sites, call),
    readAll(CAMERAS.id, REPORT_FIELDS.cameras, call),
    readAll(SEARCH_AUDIT.id, REPORT_FIELDS.searches, call, `case_number = '${CASE}'`),
    readAll(CONTACT_LOG.id, REPORT_FIELDS.contacts, call, `case_number = '${CASE}'`),
    readAll(CHANGE_REQUESTS.id, REPORT_FIELDS.changeRequests, call),
  ]);
  expect(siteRows.length).toBeGreaterThanOrEqual(2000);
  report = buildTransparencyReport(
    { sites: siteRows, cameras, searches, contacts, changeRequests },
    Date.now(),
  );
});

afterEach(() => {
  for (const element of mounted.splice(0)) element.remove();
  document.documentElement.lang = 'en';
});

async function mount(
  value: TransparencyReport | undefined,
  width: number,
  lang = 'en',
): Promise<CamProgramReport> {
  document.documentElement.lang = lang;
  const element = document.createElement('cam-program-report');
  element.report = value;
  element.style.inlineSize = `${width}px`;
  document.body.append(element);
  mounted.push(element);
  await element.updateComplete;
  return element;
}

const root = (element: CamProgramReport) => element.shadowRoot as ShadowRoot;
const texts = (nodes: Iterable<Element>) =>
  [...nodes].map((n) => (n.textContent ?? '').replace(/\s+/g, ' ').trim());

async function axeViolations(element: Element) {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' '))}`);
}

/** What a sighted reader sees in each count cell (the spoken text is visually hidden). */
function shownCounts(element: CamProgramReport): string[] {
  return [...root(element).querySelectorAll('td.count .figure')].map((figure) =>
    (figure.querySelector('[aria-hidden="true"]') ?? figure).textContent.trim(),
  );
}

describe('<cam-program-report> with the report of the seeded registry', () => {
  it('shows every table with its caption and headers, and no count from 1 to 4', async () => {
    const element = await mount(report, 960);
    const shadow = root(element);
    expect(texts(shadow.querySelectorAll('h2'))).toEqual([
      'Community Camera Program: transparency report',
    ]);
    expect(texts(shadow.querySelectorAll('caption'))).toEqual([
      'Registrations by district and month',
      'Cameras by district and month',
      'Officer searches by purpose and month',
      'Officer contacts with registrants by outcome',
      'Withdrawals and expiries by month',
    ]);
    const tables = [...shadow.querySelectorAll('table')];
    expect(tables.map((t) => texts(t.querySelectorAll('thead th')))).toEqual([
      ['District', 'Month', 'Registrations'],
      ['District', 'Month', 'Cameras'],
      ['Purpose', 'Month', 'Searches'],
      ['Outcome', 'Contacts'],
      ['Event', 'Month', 'Registrations'],
    ]);
    for (const th of shadow.querySelectorAll('thead th'))
      expect(th.getAttribute('scope')).toBe('col');
    // One row per report row, its first key a row header.
    tables.forEach((table, i) => {
      const rows = report.tables[i]?.rows ?? [];
      expect(report.tables[i]?.id).toBe(TABLE_IDS[i]);
      expect(table.querySelectorAll('tbody tr')).toHaveLength(Math.max(1, rows.length));
      if (rows.length > 0)
        expect(table.querySelectorAll('tbody th[scope="row"]')).toHaveLength(rows.length);
    });

    // The seeded data has both kinds of count: published, and suppressed.
    const all = report.tables.flatMap((t) => t.rows.map((r) => r.at(-1)));
    expect(all).toContain(SUPPRESSED);
    expect(all.some((c) => typeof c === 'number' && c >= SUPPRESSION_THRESHOLD)).toBe(true);
    const shown = shownCounts(element);
    expect(shown).toHaveLength(all.length);
    expect(shown).toContain('<5');
    for (const count of shown)
      expect(count === '<5' || /^(0|[5-9]|\d{2,}|\d{1,3}(,\d{3})+)$/.test(count), count).toBe(true);
    // No cell of any kind is a bare number from 1 to 4.
    for (const cell of texts(shadow.querySelectorAll('td, th')))
      expect(/^[1-4]$/.test(cell), cell).toBe(false);

    // The searches and contacts logged above, as published.
    const rowsOf = (index: number) =>
      [...(tables[index]?.querySelectorAll('tbody tr') ?? [])].map((tr) =>
        texts(tr.querySelectorAll('th, td')),
      );
    const month = new Intl.DateTimeFormat('en', {
      year: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    }).format(Date.now());
    expect(rowsOf(2)).toEqual([
      ['Criminal investigation', month, '12'],
      ['Missing person', month, '<5fewer than 5'],
    ]);
    expect(rowsOf(3)).toEqual([
      ['Declined', '<5fewer than 5'],
      ['Footage received', '6'],
    ]);
    // A suppressed cell reads "fewer than 5"; the "<5" itself is hidden from screen readers.
    const suppressed = tables[2]?.querySelector('tbody tr:last-child td.count');
    expect(suppressed?.querySelector('[aria-hidden="true"]')?.textContent).toBe('<5');
    expect(suppressed?.querySelector('.visually-hidden')?.textContent).toBe('fewer than 5');
    // The bars repeat the figures and are hidden from screen readers; the largest is full.
    const bars = [...(tables[2]?.querySelectorAll('.bar') ?? [])] as HTMLElement[];
    expect(bars.map((b) => b.style.inlineSize)).toEqual(['100%']);
    expect(bars[0]?.closest('[aria-hidden="true"]')).not.toBeNull();

    expect(texts(shadow.querySelectorAll('h3'))).toEqual(['About these figures']);
    expect(await axeViolations(element)).toEqual([]);
  });

  it('publishes no contact value and no case number', async () => {
    const element = await mount(report, 960);
    const shown = (root(element).textContent ?? '').toLowerCase();
    expect(contactValues.length).toBeGreaterThan(1500);
    expect(shown).not.toContain(CASE.toLowerCase());
    for (const value of contactValues)
      if (shown.includes(value)) expect.fail('a contact value is shown in the report');
  });

  it('speaks Spanish: captions, headers, months, suppressed counts; axe clean', async () => {
    const element = await mount(report, 960, 'es');
    const shadow = root(element);
    expect(texts(shadow.querySelectorAll('h2'))).toEqual([
      'Programa de Cámaras Comunitarias: informe de transparencia',
    ]);
    expect(texts(shadow.querySelectorAll('caption'))).toEqual([
      'Registros por distrito y mes',
      'Cámaras por distrito y mes',
      'Búsquedas de agentes por propósito y mes',
      'Contactos de agentes con registrantes por resultado',
      'Retiros y vencimientos por mes',
    ]);
    const first = shadow.querySelector('tbody tr');
    expect(texts(first?.querySelectorAll('th, td') ?? [])[0]).toMatch(/^Distrito \d$/);
    expect(texts(first?.querySelectorAll('td') ?? [])[0]).toMatch(/^[a-z]+ de \d{4}$/);
    expect(texts(shadow.querySelectorAll('.visually-hidden'))).toContain('menos de 5');
    expect(texts(shadow.querySelectorAll('h3'))).toEqual(['Sobre estas cifras']);
    for (const cell of texts(shadow.querySelectorAll('td, th')))
      expect(/^[1-4]$/.test(cell), cell).toBe(false);
    expect(await axeViolations(element)).toEqual([]);
    // The page's language changes and the report follows.
    document.documentElement.lang = 'en';
    await expect.poll(() => texts(shadow.querySelectorAll('h3'))).toEqual(['About these figures']);
  });

  it('fits a phone 375 px wide without sideways scrolling', async () => {
    const element = await mount(report, 375, 'es');
    const shadow = root(element);
    expect(element.getBoundingClientRect().width).toBe(375);
    for (const table of shadow.querySelectorAll('table'))
      expect(table.getBoundingClientRect().width, table.id).toBeLessThanOrEqual(375);
    expect(element.scrollWidth).toBeLessThanOrEqual(375);
    expect(await axeViolations(element)).toEqual([]);
  });

  it('says so when there is no report, and when a table has nothing to count', async () => {
    const none = await mount(undefined, 600);
    expect(texts(root(none).querySelectorAll('p'))).toEqual(['No report to show.']);
    const empty = buildTransparencyReport(
      { sites: [], cameras: [], searches: [], contacts: [], changeRequests: [] },
      Date.now(),
    );
    const element = await mount(empty, 600);
    const cells = [...root(element).querySelectorAll('tbody td')];
    expect(texts(cells)).toEqual(Array(5).fill('Nothing to count yet.'));
    expect(cells.map((c) => c.getAttribute('colspan'))).toEqual(['3', '3', '3', '2', '3']);
    expect(await axeViolations(element)).toEqual([]);
  });

  it('saves the screenshot for the docs', async () => {
    await page.viewport(1000, 1400);
    const frame = document.createElement('div');
    frame.style.cssText = 'inline-size: 960px; block-size: 1300px; overflow: hidden; padding: 16px';
    document.body.append(frame);
    mounted.push(frame);
    const element = document.createElement('cam-program-report');
    element.report = report;
    frame.append(element);
    await element.updateComplete;
    const path = await page.screenshot({
      element: frame,
      path: '../../docs/screenshots/program-report.png',
    });
    expect(path).toMatch(/docs\/screenshots\/program-report\.png$/);
  });
});
