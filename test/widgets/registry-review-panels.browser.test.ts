/**
 * The analyst workspace's duplicates and re-confirmation panels against the running local
 * server (2,000 seeded sites), signed in as analyst1: a planted duplicate pair is found,
 * scored and merged with nothing lost; a reminder asked for is recorded and shown queued.
 */
import axe from 'axe-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import { signInWithPassword, TokenAuthentication } from '../../widgets/incident-search/sign-in.js';
import type { OfficerSession } from '../../widgets/incident-search/sign-in.js';
import { ERROR_MESSAGES } from '../../widgets/shared/describe-error.js';
import '../../widgets/registry-review/duplicates-panel.js';
import '../../widgets/registry-review/reconfirm-panel.js';

const SOURCE = '/arcgis/rest/services/CommunityCameras/FeatureServer';
const PASSWORD = 'test-password-1';
const DAY = 86_400_000;

let session: OfficerSession;
let token = '';
const mounted: HTMLElement[] = [];

beforeAll(async () => {
  session = await signInWithPassword('/arcgis/sharing/rest/generateToken', 'analyst1', PASSWORD);
  token = await session.authentication.getToken(SOURCE);
});

afterEach(async () => {
  for (const element of mounted.splice(0)) element.remove();
  document.documentElement.lang = 'en';
  await page.viewport(1024, 768);
});

type Json = Record<string, unknown>;
type Attributes = Record<string, unknown>;

async function post(path: string, form: Record<string, string>): Promise<Json> {
  const response = await fetch(`${SOURCE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ f: 'json', token, ...form }),
  });
  return (await response.json()) as Json;
}

async function query(layer: number, where: string): Promise<Attributes[]> {
  const answer = await post(`/${layer}/query`, { where, outFields: '*' });
  if (!Array.isArray(answer.features)) throw new Error(JSON.stringify(answer));
  return (answer.features as { attributes: Attributes }[]).map((f) => f.attributes);
}

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const braces = (guid: string) => `{${guid.toUpperCase()}}`;

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface Planted {
  readonly guid: string;
  readonly reference: string;
  readonly cameras: readonly string[];
}

/**
 * One registration stored through the source service as an analyst: the site at `[x, y]`
 * with `cameras` cameras, then `status` set.
 */
async function plant(
  site: Attributes,
  point: readonly [number, number],
  cameras: number,
  status: string,
  update: Attributes = {},
): Promise<Planted> {
  const reference = formatReference(random(8));
  const guid = braces(crypto.randomUUID());
  const cameraGuids = Array.from({ length: cameras }, () => braces(crypto.randomUUID()));
  const geometry = (dx: number) => ({
    x: point[0] + dx,
    y: point[1],
    spatialReference: { wkid: 4326 },
  });
  const answer = await post('/applyEdits', {
    useGlobalIds: 'true',
    rollbackOnFailure: 'true',
    edits: JSON.stringify([
      {
        id: 0,
        adds: [
          {
            attributes: {
              GlobalID: guid,
              registration_ref: reference,
              manage_code_hash: await sha256(
                manageCodeHashInput(reference, formatManageCode(random(10))),
              ),
              site_type: 'residence',
              contact_role: 'owner',
              share_willingness: 'yes',
              consent_version: '2026-01',
              ...site,
            },
            geometry: geometry(0),
          },
        ],
      },
      {
        id: 1,
        adds: cameraGuids.map((cameraGuid, i) => ({
          attributes: {
            GlobalID: cameraGuid,
            site_guid: guid,
            label: `Camera ${i + 1}`,
            mount: 'exterior',
            recording_mode: 'motion',
            retention_days: 14,
          },
          geometry: geometry(0.00002 * (i + 1)),
        })),
      },
    ]),
  });
  expect(JSON.stringify(answer)).not.toContain('"success":false');
  expect(answer.error).toBeUndefined();
  const updated = await post('/0/applyEdits', {
    useGlobalIds: 'true',
    updates: JSON.stringify([{ attributes: { GlobalID: guid, status, ...update } }]),
  });
  expect(updated.updateResults, JSON.stringify(updated)).toMatchObject([{ success: true }]);
  return { guid, reference, cameras: cameraGuids };
}

function mount<K extends 'cam-review-duplicates' | 'cam-review-reconfirm'>(
  tag: K,
  as: OfficerSession | null = session,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.serviceUrl = SOURCE;
  element.session = as;
  document.body.append(element);
  mounted.push(element);
  return element;
}

function root(element: HTMLElement): ShadowRoot {
  if (!element.shadowRoot) throw new Error('no shadow root');
  return element.shadowRoot;
}

/** Waits for `find` to find something; a timeout names what and shows what the panels say. */
/**
 * The row of the pair of sites `a` and `b`, showing more pairs until it is listed: other tests
 * on the shared server register look-alike sites that may outscore it.
 */
function pairRow(element: HTMLElement, a: string, b: string): HTMLTableRowElement | undefined {
  const row = [...root(element).querySelectorAll<HTMLTableRowElement>('tr[data-pair]')].find(
    (r) => r.dataset.pair?.includes(a) && r.dataset.pair.includes(b),
  );
  if (row) return row;
  [...root(element).querySelectorAll<HTMLButtonElement>('button')]
    .find((button) =>
      /^(Show more pairs|Mostrar más pares)$/.test(button.textContent?.trim() ?? ''),
    )
    ?.click();
  return undefined;
}

async function until<T>(find: () => T | null | undefined, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > end) {
      const shown = mounted.map((e) => e.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim());
      throw new Error(`timed out waiting for ${what}; the panels say: ${shown.join(' | ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function axeViolations(element: HTMLElement): Promise<string[]> {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

const say = (element: HTMLElement) =>
  root(element).querySelector('[role="status"]')?.textContent?.trim() ?? '';

/** A spot in the demo city, different on every run. */
function spot(): [number, number] {
  const [a = 0, b = 0] = random(2);
  return [-94.44 + a / 5000, 39.05 + b / 5000];
}

describe('<cam-review-duplicates>', () => {
  it('finds a planted pair with its score and reasons, and merges it with nothing lost', async () => {
    await page.viewport(375, 800);
    const tag = Array.from(random(3), (b) => b.toString(10).padStart(3, '0')).join('');
    const phone = `+1913${tag.slice(0, 7).padEnd(7, '7')}`;
    const street = `Canary Merge ${tag} Lane`;
    const here = spot();
    // The same household twice: the older, verified one without an e-mail address; the newer
    // one 3 m away, pending, with the address written another way and an e-mail address.
    const first = await plant(
      { contact_name: 'Robin Canary', address: `4410 ${street}`, phone },
      here,
      2,
      'verified',
    );
    const email = `robin.${tag}@example.org`;
    const second = await plant(
      {
        contact_name: 'Robin Canary',
        address: `4410 ${street.replace('Lane', 'Ln')}`,
        phone,
        email,
      },
      [here[0] + 0.000035, here[1]],
      1,
      'pending',
    );

    // The pairs are found in a worker, so the page keeps answering at 100,000 sites.
    const RealWorker = window.Worker;
    const workers: string[] = [];
    window.Worker = class extends RealWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        workers.push(String(url));
      }
    };
    const element = mount('cam-review-duplicates');
    let changed: unknown = null;
    element.addEventListener('cam-review-changed', (event) => {
      changed = (event as CustomEvent).detail;
    });
    // Progress while the sites load, with counts.
    const progress = await until(
      () => root(element).querySelector('progress'),
      'the loading progress',
    );
    expect(progress.getAttribute('aria-labelledby')).toBe('progress-text');
    expect(root(element).querySelector('#progress-text')?.textContent).toMatch(/Loading sites/);
    await until(() => root(element).querySelector('#count'), 'the candidate count', 60_000);
    window.Worker = RealWorker;
    expect(workers).toEqual([expect.stringContaining('duplicates-worker')]);
    expect(root(element).querySelector('#count')?.textContent).toMatch(
      /\d+ possible duplicate pairs? among [\d,]+ sites\./,
    );
    // Listed best first.
    const scores = [...root(element).querySelectorAll('tbody tr td.number .visually-hidden')].map(
      (s) => Number(s.textContent?.split(' ')[0]),
    );
    expect(scores.length).toBeGreaterThan(0);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));

    const rowOf = () => pairRow(element, first.guid, second.guid);
    const row = await until(rowOf, 'the planted pair');
    // Near (under 10 m: full 30), same address (30), same phone (20): 80 out of 100.
    expect(row.querySelector('td.number [aria-hidden="true"]')?.textContent).toBe('80 / 100');
    expect(row.querySelector('td.number .visually-hidden')?.textContent).toBe('80 out of 100');
    expect(row.querySelector('td.reasons')?.textContent?.trim()).toMatch(
      /^near \(3 m apart\), same address, same phone$/,
    );
    expect(await axeViolations(element)).toEqual([]);
    // Fits a 375 px phone: nothing but the tables' own boxes scroll sideways.
    expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(375);

    // Compare, by keyboard.
    const compare = row.querySelector<HTMLButtonElement>('button.compare');
    expect(compare?.textContent?.trim()).toMatch(
      new RegExp(
        `^Compare (${first.reference} and ${second.reference}|${second.reference} and ${first.reference})$`,
      ),
    );
    compare?.focus();
    await userEvent.keyboard('{Enter}');
    const heading = await until(
      () => root(element).querySelector<HTMLElement>('#compare-heading'),
      'the comparison',
    );
    expect(root(element).activeElement).toBe(heading);
    const table = root(element).querySelector('section table') as HTMLTableElement;
    const cell = (label: string) =>
      [...table.querySelectorAll('tbody tr')]
        .find((r) => r.querySelector('th')?.textContent?.trim() === label)
        ?.querySelectorAll('td');
    const order = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim());
    const firstColumn = order.indexOf(first.reference) - 1;
    expect(firstColumn).toBeGreaterThanOrEqual(0);
    const secondColumn = 1 - firstColumn;
    expect(cell('Cameras')?.[firstColumn]?.textContent?.trim()).toBe('2');
    expect(cell('Cameras')?.[secondColumn]?.textContent?.trim()).toBe('1');
    expect(cell('Status')?.[firstColumn]?.textContent?.trim()).toBe('Verified');
    expect(cell('Status')?.[secondColumn]?.textContent?.trim()).toBe('Pending review');
    expect(cell('E-mail')?.[firstColumn]?.textContent?.trim()).toBe('(blank)');
    expect(cell('E-mail')?.[secondColumn]?.textContent?.trim()).toBe(email);
    expect(cell('Registered')?.[firstColumn]?.textContent?.trim()).not.toBe('(blank)');
    // The verified (and older) one is kept unless the analyst says otherwise.
    const radios = [...root(element).querySelectorAll<HTMLInputElement>('input[name="keep"]')];
    const checked = radios
      .find((r) => r.checked)
      ?.closest('label')
      ?.textContent?.trim();
    expect(checked).toBe(`Keep ${first.reference} (verified)`);
    const merge = root(element).querySelector<HTMLButtonElement>('button.merge');
    expect(merge?.textContent?.trim()).toBe(`Merge ${second.reference} into ${first.reference}`);
    expect(await axeViolations(element)).toEqual([]);

    merge?.focus();
    await userEvent.keyboard('{Enter}');
    await until(() => say(element).startsWith('Merged'), 'the merge to be announced');
    expect(say(element)).toBe(
      `Merged ${second.reference} into ${first.reference}: 1 camera moved, 1 blank detail filled. ${second.reference} is removed.`,
    );
    expect(rowOf()).toBeUndefined();
    expect(changed).toEqual({ siteGuid: first.guid });
    // Focus stays in the list, on the pair that took the merged one's place (or the count).
    const focused = root(element).activeElement;
    expect(focused?.matches('button.compare, #count')).toBe(true);

    // Nothing lost, read back through REST.
    const cameras = await query(1, `site_guid = '${first.guid}'`);
    expect(cameras.map((c) => c.GlobalID).sort()).toEqual(
      [...first.cameras, ...second.cameras].sort(),
    );
    expect(await query(1, `site_guid = '${second.guid}'`)).toEqual([]);
    expect(await query(0, `GlobalID = '${second.guid}'`)).toEqual([]);
    const [kept] = await query(0, `GlobalID = '${first.guid}'`);
    expect(kept).toMatchObject({
      email,
      phone,
      duplicate_of: second.guid,
      status: 'verified',
      registration_ref: first.reference,
    });
    const log = await query(5, `site_guid = '${first.guid}' AND decision = 'merged'`);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ registration_ref: first.reference, Creator: 'analyst1' });
    expect(JSON.parse(String(log[0]?.details))).toEqual({
      kept: first.reference,
      removed: second.reference,
      removedSite: second.guid,
    });
    // Never contact values in the log.
    expect(JSON.stringify(log)).not.toMatch(new RegExp(`${tag}|Robin|@`));
  });

  it('speaks Spanish with no axe findings, and a refused sign-in in plain words', async () => {
    const tag = Array.from(random(3), (b) => b.toString(10).padStart(3, '0')).join('');
    const phone = `+1816${tag.slice(0, 7).padEnd(7, '4')}`;
    const here = spot();
    // Different addresses, same phone, the e-mail domain mistyped once, 2 m apart.
    const one = await plant(
      {
        contact_name: 'Ana Pareja',
        address: `1 Uno ${tag} St`,
        phone,
        email: `ana.${tag}@example.org`,
      },
      here,
      1,
      'pending',
    );
    const other = await plant(
      {
        contact_name: 'Ana Pareja',
        address: `2 Dos ${tag} St`,
        phone,
        email: `ana.${tag}@exmple.org`,
      },
      [here[0] + 0.000023, here[1]],
      1,
      'pending',
    );
    document.documentElement.lang = 'es';
    const element = mount('cam-review-duplicates');
    await until(() => root(element).querySelector('#count'), 'the candidate count', 60_000);
    expect(root(element).querySelector('h2')?.textContent).toBe('Posibles duplicados');
    expect(root(element).querySelector('#count')?.textContent).toMatch(
      /^\s*\d+ posibles? (par|pares) duplicados? entre [\d.,]+ sitios\.\s*$/,
    );
    const row = await until(() => pairRow(element, one.guid, other.guid), 'the planted pair');
    // Near (30), same phone (20), e-mail one typo apart (10).
    expect(row.querySelector('td.number .visually-hidden')?.textContent).toBe('60 de 100');
    expect(row.querySelector('td.reasons')?.textContent?.trim()).toBe(
      'cerca (a 2 m), mismo teléfono, correo parecido',
    );
    expect(await axeViolations(element)).toEqual([]);
    row.querySelector<HTMLButtonElement>('button.compare')?.click();
    await until(() => root(element).querySelector('#compare-heading'), 'the comparison');
    expect(root(element).querySelector('button.merge')?.textContent).toMatch(/^\s*Fusionar /);
    expect(await axeViolations(element)).toEqual([]);
    // Back to the list: focus returns to the same pair's button.
    root(element).querySelector<HTMLButtonElement>('button.back')?.click();
    const back = await until(
      () => root(element).activeElement?.closest<HTMLElement>('tr[data-pair]'),
      'focus back on the list',
    );
    expect(back.dataset.pair).toBe(row.dataset.pair);

    document.documentElement.lang = 'en';
    const expired: OfficerSession = {
      ...session,
      authentication: new TokenAuthentication('not-a-token', session.authentication.portal),
    };
    const refused = mount('cam-review-duplicates', expired);
    const alert = await until(
      () => root(refused).querySelector('[role="alert"]')?.textContent?.trim(),
      'the error',
    );
    expect([ERROR_MESSAGES.en.INVALID_TOKEN, ERROR_MESSAGES.en.AUTH_REQUIRED]).toContain(alert);
    const signedOut = mount('cam-review-duplicates', null);
    await signedOut.updateComplete;
    expect(root(signedOut).textContent).toContain('Sign in as an analyst');
  });
});

describe('<cam-review-reconfirm>', () => {
  it('lists a site due in 10 days, records a reminder request and shows it queued', async () => {
    await page.viewport(375, 800);
    const tag = Array.from(random(3), (b) => b.toString(10).padStart(3, '0')).join('');
    const due = Date.now() + 10 * DAY;
    const site = await plant(
      {
        contact_name: 'Sam Reminder',
        address: `12 Reminder ${tag} Court`,
        phone: `+1660${tag.slice(0, 7).padEnd(7, '3')}`,
        email: `sam.${tag}@example.org`,
      },
      spot(),
      1,
      'verified',
      { confirm_due_at: due, last_confirmed_at: due - 365 * DAY },
    );
    const element = mount('cam-review-reconfirm');
    let changed: unknown = null;
    element.addEventListener('cam-review-changed', (event) => {
      changed = (event as CustomEvent).detail;
    });
    await until(() => root(element).querySelector('section[data-list="expired"]'), 'the lists');
    const headings = [...root(element).querySelectorAll('section h3')].map((h) => h.textContent);
    expect(headings).toHaveLength(3);
    expect(headings[0]).toMatch(/^Due within 30 days: [\d,]+ registrations?$/);
    expect(headings[1]).toMatch(/^Overdue, still verified: [\d,]+ registrations?$/);
    expect(headings[2]).toMatch(/^Expired: [\d,]+ registrations?$/);

    // The window: below 1 and above 365 refused, 1 and 365 accepted; then 12 days.
    const days = root(element).querySelector<HTMLInputElement>('#due-within') as HTMLInputElement;
    const show = async (value: string) => {
      days.value = value;
      root(element).querySelector<HTMLButtonElement>('form button[type="submit"]')?.click();
      await element.updateComplete;
    };
    for (const refused of ['0', '366', '2.5']) {
      await show(refused);
      expect(days.getAttribute('aria-invalid'), refused).toBe('true');
      expect(root(element).activeElement).toBe(days);
    }
    for (const accepted of ['1', '365', '12']) {
      await show(accepted);
      expect(days.getAttribute('aria-invalid'), accepted).toBe('false');
      await until(
        () =>
          root(element)
            .querySelector('section[data-list="dueSoon"] h3')
            ?.textContent?.startsWith(`Due within ${accepted} day`),
        `the ${accepted}-day list`,
      );
    }

    const rowOf = () =>
      root(element).querySelector<HTMLTableRowElement>(
        `section[data-list="dueSoon"] tr[data-site="${site.guid}"]`,
      );
    const row = await until(rowOf, 'the site due in 10 days');
    expect(row.querySelector('th')?.textContent?.trim()).toBe(site.reference);
    expect(row.textContent).toContain(`12 Reminder ${tag} Court`);
    expect(row.textContent).toContain(
      new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(due),
    );
    expect(row.textContent).toContain('Not sent');
    expect(await axeViolations(element)).toEqual([]);
    expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(375);

    const button = row.querySelector<HTMLButtonElement>('button.remind');
    expect(button?.textContent?.trim()).toBe(`Send reminder to ${site.reference}`);
    button?.focus();
    await userEvent.keyboard('{Enter}');
    await until(() => say(element).startsWith('Reminder queued'), 'the announcement');
    expect(say(element)).toBe(
      `Reminder queued for ${site.reference}: it goes out with the next reminder run.`,
    );
    expect(changed).toEqual({ siteGuid: site.guid });
    expect(rowOf()?.querySelector('button.remind')).toBeNull();
    expect(rowOf()?.textContent).toContain('Queued for the next reminder run');
    expect(root(element).activeElement?.getAttribute('data-reminder')).toBe(site.guid);

    const log = await query(5, `site_guid = '${site.guid}'`);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      decision: 'reminder_sent',
      registration_ref: site.reference,
      Creator: 'analyst1',
    });

    // Read afresh (as after a reload): still queued, from the ReviewLog.
    const again = mount('cam-review-reconfirm');
    again.dueWithinDays = 12;
    const fresh = await until(
      () => root(again).querySelector(`section[data-list="dueSoon"] tr[data-site="${site.guid}"]`),
      'the site again',
    );
    expect(fresh.textContent).toContain('Queued for the next reminder run');
    expect(fresh.querySelector('button.remind')).toBeNull();
  });

  it('speaks Spanish with no axe findings, and says when no e-mail can carry a reminder', async () => {
    const tag = Array.from(random(3), (b) => b.toString(10).padStart(3, '0')).join('');
    const due = Date.now() + 5 * DAY;
    const site = await plant(
      {
        contact_name: 'Ana Sin Correo',
        address: `9 Papel ${tag} Way`,
        phone: `+1785${tag.slice(0, 7).padEnd(7, '5')}`,
      },
      spot(),
      1,
      'verified',
      { confirm_due_at: due },
    );
    document.documentElement.lang = 'es';
    const element = mount('cam-review-reconfirm');
    element.dueWithinDays = 6;
    const row = await until(
      () =>
        root(element).querySelector(`section[data-list="dueSoon"] tr[data-site="${site.guid}"]`),
      'the site without e-mail',
    );
    expect(root(element).querySelector('h2')?.textContent).toBe('Reconfirmación');
    expect(root(element).querySelector('section[data-list="dueSoon"] h3')?.textContent).toMatch(
      /^Vencen en 6 días: /,
    );
    expect(row.textContent).toContain('No hay correo electrónico registrado');
    expect(row.querySelector('button.remind')).toBeNull();
    expect(await axeViolations(element)).toEqual([]);
  });
});
