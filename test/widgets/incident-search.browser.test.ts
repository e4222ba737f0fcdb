import axe from 'axe-core';
import { parse } from 'csv-parse/browser/esm/sync';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CamIncidentSearch } from '../../widgets/incident-search/index.js';
import {
  $,
  busyIncidentPoint,
  expectedCameras,
  fillSearch,
  mount,
  querySource,
  shadow,
  signIn,
  submitSearch,
  tableIds,
  tokenFor,
  type,
  until,
} from './incident-search-helpers.js';

const RADIUS_FT = 1000;
const RADIUS_M = RADIUS_FT * 0.3048;
let analyst = '';
let incident: [number, number] = [0, 0];
const mounted: CamIncidentSearch[] = [];

function track(element: CamIncidentSearch): CamIncidentSearch {
  mounted.push(element);
  return element;
}

async function axeViolations(element: CamIncidentSearch) {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.map((v) => ({
    id: v.id,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
}

beforeAll(async () => {
  analyst = await tokenFor('analyst1');
  incident = await busyIncidentPoint(analyst, RADIUS_M);
});

afterEach(() => {
  for (const element of mounted.splice(0)) element.remove();
  document.documentElement.lang = 'en';
});

describe('<cam-incident-search> against the local server', () => {
  it('finds what a brute-force check expects, audits first, logs contacts and exports the list', async () => {
    document.documentElement.lang = 'en';
    const element = track(mount());
    expect(await axeViolations(element)).toEqual([]);
    await signIn(element);
    const caseNumber = `T-${Date.now().toString(36)}`;
    await fillSearch(element, caseNumber, incident);
    const count = await submitSearch(element);
    await element.updateComplete;

    // The list against an independent computation from the source view.
    const expected = await expectedCameras(analyst, incident, RADIUS_M, Date.now());
    expect(expected.length).toBeGreaterThan(3);
    expect(new Set(expected.map((e) => e.visibility)).size).toBeGreaterThan(1);
    expect(count).toBe(expected.length);
    // The list shows the first 100 rows; the CSV holds them all.
    expect(tableIds(element)).toEqual(expected.slice(0, 100).map((e) => e.objectId));
    const badges = [...shadow(element).querySelectorAll('tbody tr .badge')].map((b) =>
      [...b.classList].find((c) => c.startsWith('vis-')),
    );
    expect(badges).toEqual(expected.slice(0, 100).map((e) => `vis-${e.visibility}`));
    expect($(element, '[role="status"]').textContent).toContain(`${expected.length} cameras found`);

    // The audit row, read back through the source view.
    const audit = await querySource(analyst, 3, { where: `case_number = '${caseNumber}'` });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.attributes).toMatchObject({
      case_number: caseNumber,
      purpose: 'criminal_investigation',
      result_count: expected.length,
      Creator: 'officer1',
    });
    expect(audit[0]?.attributes.radius_m).toBeCloseTo(RADIUS_M, 6);
    expect(audit[0]?.attributes.incident_x).toBeCloseTo(incident[0], 6);
    expect(audit[0]?.attributes.incident_y).toBeCloseTo(incident[1], 6);

    // The CSV holds the same rows in the same order.
    const csv = parse(element.exportCsv()) as string[][];
    const [header, ...rows] = csv;
    expect(header?.[0]).toBe('Rank');
    expect(rows).toHaveLength(expected.length);
    const tableRows = [...shadow(element).querySelectorAll<HTMLTableRowElement>('tbody tr')];
    rows.slice(0, 100).forEach((row, i) => {
      const cells = tableRows[i]?.querySelectorAll('td, th');
      expect(row[0]).toBe(cells?.[0]?.textContent?.trim());
      expect(row[1]).toBe(cells?.[2]?.textContent?.trim());
      expect(row[4]).toBe(tableRows[i]?.querySelector('.row-button')?.textContent?.trim());
      expect(Number(row[2])).toBeCloseTo((expected[i]?.distance ?? 0) / 0.3048, -0.5);
    });

    // A screen-reader friendly table with a detail card; log a contact for the first site.
    $<HTMLButtonElement>(element, 'tbody tr .row-button').click();
    await element.updateComplete;
    expect($(element, 'tbody tr').getAttribute('aria-current')).toBe('true');
    expect($(element, '#detail').textContent).toContain('Contacts for this case');
    const phone = shadow(element).querySelector<HTMLAnchorElement>('#detail a[href^="tel:"]');
    if (phone) expect(phone.href).toMatch(/^tel:\+\d+$/);
    expect(await axeViolations(element)).toEqual([]);
    const logged = new Promise<string>((resolve) =>
      element.addEventListener('cam-contact-logged', (e) => resolve(e.detail.outcome), {
        once: true,
      }),
    );
    const select = (id: string, value: string) => {
      const s = $<HTMLSelectElement>(element, id);
      s.value = value;
      s.dispatchEvent(new Event('change'));
    };
    select('#contact-method', 'phone');
    select('#contact-outcome', 'footage_requested');
    await type(element, '#contact-follow-up', 'Call back Friday');
    $<HTMLFormElement>(element, '#contact-method').form?.requestSubmit();
    expect(await logged).toBe('footage_requested');
    await element.updateComplete;
    expect($(element, 'tbody tr').textContent).toContain('Footage requested');
    const firstSite = expected[0]?.siteGuid ?? '';
    const stored = await querySource(analyst, 2, { where: `case_number = '${caseNumber}'` });
    expect(
      stored.map((s) => [String(s.attributes.site_guid).toUpperCase(), s.attributes.outcome]),
    ).toEqual([[firstSite, 'footage_requested']]);

    // A fresh widget (same case) shows the logged outcome again.
    element.remove();
    const again = track(mount());
    await signIn(again);
    await fillSearch(again, caseNumber, incident);
    await submitSearch(again);
    await until(
      () => shadow(again).querySelector('tbody tr')?.textContent?.includes('Footage requested'),
      'the logged outcome after reload',
    );
    const sameSite = expected.filter((e) => e.siteGuid === firstSite).length;
    const shown = [...shadow(again).querySelectorAll('tbody tr')].filter((r) =>
      r.textContent?.includes('Footage requested'),
    );
    expect(shown).toHaveLength(sameSite);
    expect(again.exportCsv()).toContain('Footage requested');
    const audits = await querySource(analyst, 3, { where: `case_number = '${caseNumber}'` });
    expect(audits).toHaveLength(2);
  });

  it('asks to sign in again on an invalid token, keeps the inputs, then runs the search', async () => {
    const element = track(mount({ token: 'not-a-real-token' }));
    await element.updateComplete;
    expect(shadow(element).querySelector('#username')).toBeNull();
    const caseNumber = `X-${Date.now().toString(36)}`;
    await fillSearch(element, caseNumber, incident, 1);
    $<HTMLFormElement>(element, '#case-number').form?.requestSubmit();
    await until(() => shadow(element).querySelector('#username'), 'the sign-in prompt');
    await element.updateComplete;
    expect($(element, '#signin-heading').closest('section')?.textContent).toContain(
      'Your session has ended',
    );
    expect($<HTMLInputElement>(element, '#case-number').value).toBe(caseNumber);
    expect($<HTMLSelectElement>(element, '#purpose').value).toBe('criminal_investigation');
    expect($<HTMLInputElement>(element, '#radius-1').checked).toBe(true);
    expect($(element, '#location-status').textContent).toContain(incident[1].toFixed(5));
    expect(await axeViolations(element)).toEqual([]);
    const done = new Promise<number>((resolve) =>
      element.addEventListener('cam-search-complete', (e) => resolve(e.detail.resultCount), {
        once: true,
      }),
    );
    await type(element, '#username', 'officer1');
    await type(element, '#password', 'test-password-1');
    $<HTMLFormElement>(element, '#username').form?.requestSubmit();
    const count = await done;
    expect(count).toBe(tableIds(element).length);
    const audit = await querySource(analyst, 3, { where: `case_number = '${caseNumber}'` });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.attributes.radius_m).toBeCloseTo(500 * 0.3048, 6);
  });

  it('uses a credential the host hands over: an SDK Credential or an authentication manager', async () => {
    const token = await tokenFor('officer1');
    const element = track(
      mount({ credential: { token, userId: 'officer1', expires: Date.now() + 3_600_000 } }),
    );
    await element.updateComplete;
    expect(shadow(element).querySelector('#username')).toBeNull();
    expect($(element, '.who').textContent).toContain('Signed in as officer1');
    await fillSearch(element, `C-${Date.now().toString(36)}`, incident, 1);
    expect(await submitSearch(element)).toBe(tableIds(element).length);
    element.remove();

    let asked = 0;
    const manager = track(
      mount({
        credential: {
          portal: '/arcgis/sharing/rest',
          getToken: () => {
            asked++;
            return Promise.resolve(token);
          },
        },
      }),
    );
    await manager.updateComplete;
    await fillSearch(manager, `C-${Date.now().toString(36)}`, incident, 1);
    await submitSearch(manager);
    expect(tableIds(manager).length).toBeGreaterThan(0);
    expect(asked).toBeGreaterThanOrEqual(3);
  });

  it('refuses a wrong password and an incomplete search with clear, focused messages', async () => {
    const element = track(mount());
    await element.updateComplete;
    await type(element, '#username', 'officer1');
    await type(element, '#password', 'wrong-password');
    $<HTMLFormElement>(element, '#username').form?.requestSubmit();
    await until(
      () =>
        $(element, '#signin-heading')
          .closest('section')
          ?.querySelector('[role="alert"]')
          ?.textContent?.trim(),
      'the sign-in error',
    );
    expect($(element, '[role="alert"]').textContent).toContain('Check the username and password');
    await signIn(element);
    $<HTMLFormElement>(element, '#case-number').form?.requestSubmit();
    await until(
      () => $(element, '#case-number').getAttribute('aria-invalid') === 'true',
      'field issues',
    );
    expect(shadow(element).activeElement?.id).toBe('case-number');
    expect($(element, '#case-number-issue').textContent).toBe('Required.');
    expect($(element, '#purpose').getAttribute('aria-invalid')).toBe('true');
    expect($(element, '#incident-issue').textContent).toBe('Required.');
    await type(element, '#coordinates', '39.09 N 94.41 N');
    $<HTMLButtonElement>(element, '#coordinates + button').click();
    await element.updateComplete;
    expect($(element, '#coordinates-issue').textContent).toContain('not coordinates we can read');
    await type(element, '#coordinates', `39°05'12.3"N 94°24'55"W`);
    $<HTMLButtonElement>(element, '#coordinates + button').click();
    await element.updateComplete;
    expect($(element, '#location-status').textContent).toContain('39.08675, -94.41528');
    expect(await axeViolations(element)).toEqual([]);
  });

  it('finds an address through the geocoder suggestions', async () => {
    const element = track(mount());
    await signIn(element);
    const sites = await querySource(
      analyst,
      0,
      {
        where: "status = 'verified'",
        resultRecordCount: '1',
        outFields: 'address',
      },
      1,
    );
    const address = String(sites[0]?.attributes.address ?? '');
    const street = address.split(',')[0] ?? address;
    const input = $<HTMLInputElement>(element, '#address');
    await type(element, '#address', street);
    await until(
      () => shadow(element).querySelectorAll('[role="option"]').length > 0,
      'suggestions',
    );
    expect(input.getAttribute('aria-expanded')).toBe('true');
    input.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, composed: true }),
    );
    await element.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).toBe('address-option-0');
    input.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }),
    );
    await until(
      () => $(element, '#location-status').textContent?.includes(street.split(' ')[0] ?? ''),
      'the geocoded location',
    );
    expect($(element, '#location-status').textContent).toMatch(/\d+\.\d{5}, -\d+\.\d{5}/);
  });

  it('speaks Spanish, sorts, moves through rows by keyboard and passes axe', async () => {
    document.documentElement.lang = 'es';
    const element = track(mount({}, 768));
    await signIn(element);
    expect($(element, 'h2').textContent).toBe('Buscar cámaras cerca de un incidente');
    await fillSearch(element, `ES-${Date.now().toString(36)}`, incident);
    await submitSearch(element);
    await element.updateComplete;
    expect($(element, '[role="status"]').textContent).toMatch(/cámaras? encontradas?/);
    const buttons = () => [...shadow(element).querySelectorAll<HTMLButtonElement>('.row-button')];
    expect(buttons().filter((b) => b.tabIndex === 0)).toHaveLength(1);
    buttons()[0]?.focus();
    buttons()[0]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await element.updateComplete;
    expect(shadow(element).activeElement).toBe(buttons()[1]);
    buttons()[1]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    await element.updateComplete;
    expect(shadow(element).activeElement).toBe(buttons().at(-1));
    (shadow(element).activeElement as HTMLButtonElement).click();
    await element.updateComplete;
    expect($(element, '#detail h3').textContent).toContain(String(buttons().length));
    expect(await axeViolations(element)).toEqual([]);

    // Sorting by distance gives nondecreasing distances; by deadline, what can be saved first.
    const byRank = tableIds(element);
    const sort = $<HTMLSelectElement>(element, '#sort');
    sort.value = 'distance';
    sort.dispatchEvent(new Event('change'));
    await element.updateComplete;
    const csv = parse(element.exportCsv()) as string[][];
    const distances = csv.slice(1).map((row) => Number(row[2]));
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(tableIds(element).slice().sort()).toEqual(byRank.slice().sort());
    expect(csv[0]?.[0]).toBe('Orden');
  });
});
