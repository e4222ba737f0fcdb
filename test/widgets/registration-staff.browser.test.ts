/**
 * Staff mode of `<cam-registration>` against the running local server: an analyst enters a
 * paper form through the source service, prints the resident's letter, and the resident later
 * withdraws with the letter's reference and code through the ordinary manage form.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { manageCodeHashInput } from '../../src/core/registration/registration-codes.js';
import { signInWithPassword, type OfficerSession } from '../../widgets/incident-search/sign-in.js';
import type { CamRegistration } from '../../widgets/registration/index.js';
import {
  $,
  $$,
  axeViolations,
  button,
  deepActive,
  heading,
  mount,
  pickAddress,
  pressSubmit,
  querySource,
  shownCodes,
  SOURCE_VIEW,
  tabTo,
  TEST_PASSWORD,
  waitForHeading,
} from './registration-helpers.js';

const TOKEN_URL = '/arcgis/sharing/rest/generateToken';
const realFetch = window.fetch;
const realOpen = window.open;

beforeEach(async () => {
  await page.viewport(1024, 900);
});

afterEach(() => {
  window.fetch = realFetch;
  window.open = realOpen;
  document.body.replaceChildren();
  document.documentElement.lang = 'en';
});

function signIn(username: string): Promise<OfficerSession> {
  return signInWithPassword(TOKEN_URL, username, TEST_PASSWORD);
}

/** The widget in staff mode on the source service, signed in with `session` (if any). */
function mountStaff(session: OfficerSession | null): Promise<CamRegistration> {
  return mount({
    attributes: {
      mode: 'staff',
      'service-url': SOURCE_VIEW,
      'manage-url': '/registration.html?mode=manage',
    },
    properties: { session },
  });
}

/** Paths of the requests the page sends until `stop`. */
function recordRequests(): { paths: string[]; stop: () => void } {
  const paths: string[] = [];
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    paths.push(new URL(url, location.href).pathname);
    return realFetch(input, init);
  };
  return { paths, stop: () => (window.fetch = realFetch) };
}

function alertText(widget: CamRegistration): string {
  return $(widget, '.alert').textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

/** The stored hash of a manage code, computed as any browser can (independently of the widget's code path). */
async function manageCodeHash(reference: string, code: string): Promise<string> {
  const input = new TextEncoder().encode(manageCodeHashInput(reference, code));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A form number no earlier run has used. */
function newFormNumber(): string {
  return `PF-${Date.now().toString(36).toUpperCase()}-${Math.floor(Math.random() * 1e4)}`;
}

/**
 * Fills a paper form from the entry step to the review step: a residence whose resident
 * speaks `language`, two cameras. Leaves the consent unticked.
 */
async function fillPaperForm(
  widget: CamRegistration,
  form: { formNumber: string; channel?: 0 | 1; language?: 'en' | 'es'; name?: string },
): Promise<void> {
  await waitForHeading(widget, 'The paper form');
  if (form.channel !== undefined) {
    await userEvent.click($(widget, `#cam-f-source_channel-${form.channel}`));
  }
  await userEvent.fill($(widget, '#cam-f-form_number'), form.formNumber);
  await pressSubmit(widget);
  await waitForHeading(widget, 'Address and contact');
  // Staff are no bots: no honeypot.
  expect(widget.shadowRoot?.querySelector('#cam-hp-notes')).toBeNull();
  await userEvent.click($(widget, '#cam-f-site_type-0'));
  await userEvent.fill($(widget, '#cam-f-contact_name'), form.name ?? 'Rosa Méndez');
  await userEvent.selectOptions($(widget, '#cam-f-contact_role'), 'owner');
  await userEvent.fill($(widget, '#cam-f-phone'), '816-555-0144');
  await userEvent.selectOptions($(widget, '#cam-f-preferred_language'), form.language ?? 'en');
  await userEvent.click($(widget, '#cam-f-share_willingness-0'));
  await pickAddress(widget, '1200 E White');
  await pressSubmit(widget);
  await waitForHeading(widget, 'Cameras');
  await userEvent.fill($(widget, '#cam-f-cameras-0-label'), 'Porch');
  await userEvent.click($(widget, '#cam-f-cameras-0-mount-0'));
  await userEvent.click($(widget, '#cam-f-cameras-0-view_bearing-1'));
  await userEvent.selectOptions($(widget, '#cam-f-cameras-0-recording_mode'), 'motion');
  await userEvent.fill($(widget, '#cam-f-cameras-0-retention_days'), '10');
  await userEvent.click(
    $$(widget, 'button').find(button('+ Add another camera')) as HTMLButtonElement,
  );
  await userEvent.fill($(widget, '#cam-f-cameras-1-label'), 'Garage');
  await userEvent.click($(widget, '#cam-f-cameras-1-mount-0'));
  await userEvent.selectOptions($(widget, '#cam-f-cameras-1-recording_mode'), 'continuous');
  await userEvent.fill($(widget, '#cam-f-cameras-1-retention_days'), '7');
  await pressSubmit(widget);
  await waitForHeading(widget, 'Check and store');
}

/** Lets the letter window open for real, but records its print request instead of printing. */
function catchLetter(): { window: () => Window | null; prints: () => number } {
  let opened: Window | null = null;
  let prints = 0;
  window.open = (...args: Parameters<typeof window.open>) => {
    const win = realOpen.apply(window, args);
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

describe('staff mode: a paper form', () => {
  it('is stored through the source service and withdrawn later with the letter’s code', async () => {
    const session = await signIn('analyst1');
    const widget = await mountStaff(session);
    const changed: string[] = [];
    document.addEventListener('cam-review-changed', (e) => changed.push(e.detail.siteGuid));
    expect(await axeViolations(widget)).toEqual([]);
    // Paper is the channel unless staff choose otherwise.
    expect(($(widget, '#cam-f-source_channel-0') as HTMLInputElement).checked).toBe(true);
    const formNumber = newFormNumber();
    const requests = recordRequests();
    await fillPaperForm(widget, { formNumber, language: 'es' });

    // The consent is the one the resident signed on paper, ticked by staff.
    expect($(widget, 'label[for="cam-f-consent"]').textContent?.trim()).toBe(
      'The resident signed the consent on the paper form',
    );
    expect(widget.shadowRoot?.textContent).toContain(formNumber);
    await pressSubmit(widget);
    await expect.poll(() => deepActive()?.id).toBe('cam-f-consent');
    expect(alertText(widget)).toContain(
      'Tick the box to record that the resident signed the consent.',
    );
    expect(requests.paths.filter((p) => p.endsWith('/applyEdits'))).toEqual([]);
    expect(await axeViolations(widget)).toEqual([]);
    await userEvent.click($(widget, '#cam-f-consent'));
    await pressSubmit(widget);
    await waitForHeading(widget, 'Registration stored');
    requests.stop();

    // One service-level applyEdits on the source service, no form signals.
    expect(requests.paths.filter((p) => p.endsWith('/applyEdits'))).toEqual([
      `${SOURCE_VIEW}/applyEdits`,
    ]);
    const codes = shownCodes(widget);
    expect(codes.reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(codes.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(await axeViolations(widget)).toEqual([]);

    const [site, ...others] = await querySource(0, `form_number = '${formNumber}'`);
    expect(others).toEqual([]);
    const siteGuid = String(site?.attributes.GlobalID);
    expect(changed).toEqual([siteGuid]);
    expect(site?.attributes).toMatchObject({
      registration_ref: codes.reference,
      manage_code_hash: await manageCodeHash(codes.reference, codes.code),
      source_channel: 'paper',
      form_number: formNumber,
      status: 'pending',
      contact_name: 'Rosa Méndez',
      preferred_language: 'es',
      consent_version: '2026-01',
      Creator: 'analyst1',
    });
    const cameras = await querySource(1, `site_guid = '${siteGuid}'`);
    expect(cameras.map((c) => c.attributes.label).sort()).toEqual(['Garage', 'Porch']);
    const [log] = await querySource(5, `site_guid = '${siteGuid}'`);
    expect(log?.attributes).toMatchObject({
      decision: 'paper_entered',
      registration_ref: codes.reference,
      Creator: 'analyst1',
    });
    expect(JSON.parse(String(log?.attributes.details))).toEqual({
      source_channel: 'paper',
      form_number: formNumber,
    });

    // The letter, by keyboard, in the resident's language.
    const letter = catchLetter();
    await tabTo(button('Print confirmation letter'));
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => letter.prints()).toBe(1);
    expect($(widget, '.letter-note').textContent?.trim()).toBe(
      'The letter opened in a new window.',
    );
    const letterDocument = letter.window()?.document;
    expect(letterDocument?.documentElement.lang).toBe('es');
    const [reference, code] = [...(letterDocument?.querySelectorAll('.codes dd') ?? [])].map(
      (dd) => dd.textContent ?? '',
    );
    expect({ reference, code }).toEqual(codes);
    const text = letterDocument?.body.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain(`Hemos ingresado su formulario en papel (número ${formNumber})`);
    expect(text).toContain('2 cámaras (Porch, Garage)');
    expect(text).toContain('Rosa Méndez');
    expect(text).toContain(
      `${location.origin}/registration.html?mode=manage&ref=${codes.reference}`,
    );
    // The program's own text, in Spanish.
    expect(text).toContain('La policía nunca tiene acceso a sus cámaras');
    letter.window()?.close();
    widget.remove();

    // The resident withdraws with what the letter says.
    const manager = await mount({ mode: 'manage' });
    await userEvent.fill($(manager, '#cam-f-registration_ref'), reference ?? '');
    await userEvent.fill($(manager, '#cam-f-manage_code'), code ?? '');
    await userEvent.click($(manager, '#cam-f-request_type-3'));
    await pressSubmit(manager);
    await waitForHeading(manager, 'Withdraw from the program');
    await userEvent.click($(manager, '#cam-f-withdraw_confirm'));
    await pressSubmit(manager);
    await waitForHeading(manager, 'Request sent');
    await expect
      .poll(async () => (await querySource(0, `form_number = '${formNumber}'`)).length, {
        timeout: 15_000,
      })
      .toBe(0);
    expect(await querySource(1, `site_guid = '${siteGuid}'`)).toEqual([]);
  });

  it('records an officer-assisted entry without a form number', async () => {
    const session = await signIn('analyst1');
    const widget = await mountStaff(session);
    const name = `Assisted ${newFormNumber()}`;
    await fillPaperForm(widget, { formNumber: '', channel: 1, name });
    await userEvent.click($(widget, '#cam-f-consent'));
    await pressSubmit(widget);
    await waitForHeading(widget, 'Registration stored');
    const [site] = await querySource(0, `contact_name = '${name}'`);
    expect(site?.attributes).toMatchObject({
      source_channel: 'officer_assisted',
      form_number: null,
    });
    const letter = catchLetter();
    await userEvent.click($$(widget, 'button').find(button('Print confirmation letter'))!);
    await expect.poll(() => letter.prints()).toBe(1);
    const text = letter.window()?.document.body.textContent ?? '';
    expect(letter.window()?.document.documentElement.lang).toBe('en');
    expect(text).toContain('Program staff have registered 2 cameras (Porch, Garage) with you.');
    expect(text).not.toContain('paper form');
    letter.window()?.close();

    // The next form starts clean: no codes, no typed values.
    await userEvent.click($$(widget, 'button').find(button('Enter another form'))!);
    await waitForHeading(widget, 'The paper form');
    expect(($(widget, '#cam-f-form_number') as HTMLInputElement).value).toBe('');
    expect(widget.shadowRoot?.textContent).not.toContain(name);
  });

  it('says when the letter window was blocked, and how to allow it', async () => {
    const session = await signIn('analyst1');
    const widget = await mountStaff(session);
    await fillPaperForm(widget, { formNumber: newFormNumber() });
    await userEvent.click($(widget, '#cam-f-consent'));
    await pressSubmit(widget);
    await waitForHeading(widget, 'Registration stored');
    // What a browser's pop-up blocker answers.
    window.open = () => null;
    await userEvent.click($$(widget, 'button').find(button('Print confirmation letter'))!);
    await expect
      .poll(() => $(widget, '.letter-note').textContent?.trim())
      .toBe(
        'The letter could not open. Allow pop-up windows for this page, then press the button again.',
      );
  });
});

describe('staff mode: who may enter a form', () => {
  it('without a session says an analyst must sign in, and sends nothing', async () => {
    const requests = recordRequests();
    const widget = await mountStaff(null);
    expect($(widget, '[role="alert"]').textContent?.trim()).toBe(
      'An analyst must sign in before a paper form can be entered. Nothing is stored until then.',
    );
    expect(widget.shadowRoot?.querySelector('form')).toBeNull();
    expect(widget.shadowRoot?.querySelector('button')).toBeNull();
    expect(await axeViolations(widget)).toEqual([]);
    requests.stop();
    expect(requests.paths.filter((p) => p.includes('/FeatureServer'))).toEqual([]);

    // Once signed in, the form appears.
    widget.session = await signIn('analyst1');
    await waitForHeading(widget, 'The paper form');
  });

  it('refuses an officer in plain words; nothing is stored', async () => {
    const session = await signIn('officer1');
    const widget = await mountStaff(session);
    const formNumber = newFormNumber();
    await fillPaperForm(widget, { formNumber });
    await userEvent.click($(widget, '#cam-f-consent'));
    await pressSubmit(widget);
    await expect
      .poll(() => widget.shadowRoot?.querySelector('.alert')?.textContent ?? '')
      .toContain('This account may not enter registrations.');
    expect(alertText(widget)).toContain(
      'The registration was not stored. This account may not enter registrations. Sign in with an analyst account.',
    );
    expect(heading(widget)).toBe('Check and store');
    expect(await querySource(0, `form_number = '${formNumber}'`)).toEqual([]);
    expect(await axeViolations(widget)).toEqual([]);
  });
});

describe('staff mode in Spanish', () => {
  it('speaks Spanish and axe finds nothing, the problems shown included', async () => {
    document.documentElement.lang = 'es';
    const none = await mountStaff(null);
    expect($(none, '[role="alert"]').textContent).toContain('Un analista debe iniciar sesión');
    expect(await axeViolations(none)).toEqual([]);
    none.remove();

    const widget = await mountStaff(await signIn('analyst1'));
    await waitForHeading(widget, 'El formulario en papel');
    expect($(widget, '#cam-f-source_channel').textContent).toContain('Formulario en papel');
    expect(await axeViolations(widget)).toEqual([]);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Dirección y contacto');
    await pressSubmit(widget);
    await expect.poll(() => deepActive()?.id).toBe('cam-f-site_type-0');
    expect(alertText(widget)).toMatch(/^Hay \d+ problemas que corregir/);
    expect(await axeViolations(widget)).toEqual([]);
  });
});
