/**
 * Issue 13, residents' items 3 and 4, against the running local server: defaults the resident
 * has not touched follow a language change made after load; the phone's Back gesture moves
 * one step back inside the form; a reload (a new element in the same tab) brings the draft
 * back at its step; the draft lives in session storage only, until submitted or abandoned,
 * and never in staff mode.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { signInWithPassword } from '../../widgets/incident-search/sign-in.js';
import type { CamRegistration } from '../../widgets/registration/index.js';
import {
  $,
  $$,
  axeViolations,
  button,
  heading,
  mount,
  pickAddress,
  pressSubmit,
  querySource,
  shownCodes,
  SOURCE_VIEW,
  TEST_PASSWORD,
  waitForHeading,
} from './registration-helpers.js';

/** Something only this test's forms contain, to find them in storage. */
const NAME = 'Issue Thirteen Resident';
const PHONE = '816-555-0113';

/** Every value a storage holds, as one string. */
function storageText(storage: Storage): string {
  const values: string[] = [];
  for (let i = 0; i < storage.length; i += 1) {
    const key = storage.key(i);
    if (key !== null) values.push(`${key}=${storage.getItem(key) ?? ''}`);
  }
  return values.join('\n');
}

/** Removes what any widget stored in this tab (only the widget's entries, not the runner's). */
function forgetDrafts(): void {
  for (const storage of [sessionStorage, localStorage]) {
    for (let i = storage.length - 1; i >= 0; i -= 1) {
      const key = storage.key(i);
      if (key !== null && (storage.getItem(key) ?? '').includes(NAME)) storage.removeItem(key);
    }
  }
}

let localBefore = '';

beforeEach(async () => {
  await page.viewport(1024, 900);
  forgetDrafts();
  localBefore = storageText(localStorage);
});

afterEach(() => {
  history.pushState = History.prototype.pushState;
  document.body.replaceChildren();
  document.documentElement.lang = 'en';
  forgetDrafts();
});

/** Nothing of the form ever reaches local storage. */
function expectLocalStorageUntouched(): void {
  expect(storageText(localStorage)).toBe(localBefore);
  expect(storageText(localStorage)).not.toContain(NAME);
}

/**
 * The Back gesture. Refuses when the page has no history entry of its own to go back to, where
 * Back would leave the test page (and end the run) instead of failing one test.
 */
function back(): void {
  if (history.state === null)
    throw new Error('no history entry to go back to: Back would leave the page');
  history.back();
}

/**
 * Counts the history entries pages add (the browser caps `history.length` at 50, so a long run
 * cannot count them there).
 */
function countPushes(): { readonly count: () => number; readonly stop: () => void } {
  const real = History.prototype.pushState;
  let count = 0;
  history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    count += 1;
    real.apply(this, args);
  };
  return {
    count: () => count,
    stop: () => {
      history.pushState = real;
    },
  };
}

function value(widget: CamRegistration, selector: string): string {
  return $<HTMLInputElement | HTMLSelectElement>(widget, selector).value;
}

/** Fills the site step (a residence, contact, address) without sending it. */
async function fillSite(widget: CamRegistration): Promise<void> {
  await userEvent.click($(widget, '#cam-f-site_type-0'));
  await userEvent.fill($(widget, '#cam-f-contact_name'), NAME);
  await userEvent.selectOptions($(widget, '#cam-f-contact_role'), 'owner');
  await userEvent.fill($(widget, '#cam-f-phone'), PHONE);
  await userEvent.click($(widget, '#cam-f-share_willingness-0'));
  await pickAddress(widget, '1200 E White');
}

/** From the first step to the cameras step, with the site filled. */
async function toCameras(widget: CamRegistration): Promise<void> {
  await pressSubmit(widget);
  await waitForHeading(widget, 'Your address and contact');
  await fillSite(widget);
  await pressSubmit(widget);
  await waitForHeading(widget, 'Your cameras');
}

async function fillCamera(widget: CamRegistration, index: number): Promise<void> {
  // With two cameras the radios share their names ("Outside", "North"): click them directly.
  $(widget, `#cam-f-cameras-${index}-mount-0`).click();
  $(widget, `#cam-f-cameras-${index}-view_bearing-1`).click();
  await userEvent.selectOptions($(widget, `#cam-f-cameras-${index}-recording_mode`), 'motion');
  await userEvent.fill($(widget, `#cam-f-cameras-${index}-retention_days`), '10');
}

function addCameraButton(widget: CamRegistration): HTMLButtonElement {
  return $$(widget, 'button').find(
    button(/Add another camera|Añadir|Agregar/),
  ) as HTMLButtonElement;
}

function startOverButton(widget: CamRegistration): HTMLButtonElement | undefined {
  return $$<HTMLButtonElement>(widget, 'button').find(button(/^(Start over|Empezar de nuevo)$/));
}

describe('defaults follow a language change made after load (issue 13, item 3)', () => {
  it('switches untouched defaults to Spanish, keeps what was typed, and stores Spanish', async () => {
    const widget = await mount();
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your address and contact');
    expect(value(widget, '#cam-f-preferred_language')).toBe('en');
    await fillSite(widget);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your cameras');
    expect(value(widget, '#cam-f-cameras-0-label')).toBe('Camera 1');
    await userEvent.click(addCameraButton(widget));
    expect(value(widget, '#cam-f-cameras-1-label')).toBe('Camera 2');
    await userEvent.fill($(widget, '#cam-f-cameras-1-label'), 'Porch');
    await fillCamera(widget, 0);
    await fillCamera(widget, 1);

    document.documentElement.lang = 'es';
    await waitForHeading(widget, 'Sus cámaras');
    // The default name follows the language; the typed one stays.
    await expect.poll(() => value(widget, '#cam-f-cameras-0-label')).toBe('Cámara 1');
    expect(value(widget, '#cam-f-cameras-1-label')).toBe('Porch');
    expect(await axeViolations(widget)).toEqual([]);

    await userEvent.click($$(widget, 'button').find(button('Atrás')) as HTMLButtonElement);
    await waitForHeading(widget, 'Su dirección y contacto');
    expect(value(widget, '#cam-f-preferred_language')).toBe('es');
    expect(value(widget, '#cam-f-contact_name')).toBe(NAME);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Sus cámaras');
    await pressSubmit(widget);
    await waitForHeading(widget, 'Revisar y aceptar');
    await userEvent.click($(widget, '#cam-f-consent'));
    await pressSubmit(widget);
    await waitForHeading(widget, 'Gracias, ya está registrado');

    const { reference } = shownCodes(widget);
    const [site] = await querySource(0, `registration_ref = '${reference}'`);
    expect(site?.attributes.preferred_language).toBe('es');
    const cameras = await querySource(1, `site_guid = '${String(site?.attributes.GlobalID)}'`);
    expect(cameras.map((c) => c.attributes.label).sort()).toEqual(['Cámara 1', 'Porch']);
  });

  it('keeps a language and a camera name the resident chose, even when they match a default', async () => {
    const widget = await mount();
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your address and contact');
    // Choosing the language shown is a choice too: it must not follow the page.
    await userEvent.selectOptions($(widget, '#cam-f-preferred_language'), 'es');
    await userEvent.selectOptions($(widget, '#cam-f-preferred_language'), 'en');
    await fillSite(widget);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your cameras');
    await userEvent.fill($(widget, '#cam-f-cameras-0-label'), 'Camera 1');

    document.documentElement.lang = 'es';
    await waitForHeading(widget, 'Sus cámaras');
    expect(value(widget, '#cam-f-cameras-0-label')).toBe('Camera 1');
    await userEvent.click($$(widget, 'button').find(button('Atrás')) as HTMLButtonElement);
    await waitForHeading(widget, 'Su dirección y contacto');
    expect(value(widget, '#cam-f-preferred_language')).toBe('en');

    // Back to English and to Spanish again: untouched defaults keep following, both ways.
    await pressSubmit(widget);
    await waitForHeading(widget, 'Sus cámaras');
    await userEvent.click(addCameraButton(widget));
    expect(value(widget, '#cam-f-cameras-1-label')).toBe('Cámara 2');
    document.documentElement.lang = 'en';
    await waitForHeading(widget, 'Your cameras');
    await expect.poll(() => value(widget, '#cam-f-cameras-1-label')).toBe('Camera 2');
    expect(value(widget, '#cam-f-cameras-0-label')).toBe('Camera 1');
  });
});

describe('Back, reload and drafts (issue 13, item 4)', () => {
  it('the Back gesture goes back one step inside the form, with what was typed', async () => {
    const startUrl = location.href;
    const widget = await mount();
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your address and contact');
    // One history entry per step forward.
    const pushes = countPushes();
    await fillSite(widget);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your cameras');
    expect(pushes.count()).toBe(1);
    expectLocalStorageUntouched();

    back();
    await waitForHeading(widget, 'Your address and contact');
    expect(value(widget, '#cam-f-contact_name')).toBe(NAME);
    expect(value(widget, '#cam-f-phone')).toBe(PHONE);
    expect(widget.shadowRoot?.querySelector('.found')).not.toBeNull();
    expect(location.href).toBe(startUrl);
    expect(await axeViolations(widget)).toEqual([]);

    history.forward();
    await waitForHeading(widget, 'Your cameras');
    back();
    await waitForHeading(widget, 'Your address and contact');
    back();
    await waitForHeading(widget, 'About the program');
    expect(location.href).toBe(startUrl);

    // Next after going back replaces the steps ahead: still one entry per step.
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your address and contact');
    expect(pushes.count()).toBe(2);
    pushes.stop();
  });

  it("the form's own Back button and the gesture agree on where the resident is", async () => {
    const widget = await mount();
    await toCameras(widget);
    await userEvent.click($$(widget, 'button').find(button('Back')) as HTMLButtonElement);
    await waitForHeading(widget, 'Your address and contact');
    // The gesture from here goes to the first step, not to the cameras again.
    back();
    await waitForHeading(widget, 'About the program');
    history.forward();
    await waitForHeading(widget, 'Your address and contact');
    expect(value(widget, '#cam-f-contact_name')).toBe(NAME);
  });

  it('"Edit" on the review step goes back through the same history entries', async () => {
    const widget = await mount();
    await toCameras(widget);
    const pushes = countPushes();
    await fillCamera(widget, 0);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Check and agree');
    expect(pushes.count()).toBe(1);
    await userEvent.click($$(widget, '.review-head button')[0] as HTMLButtonElement);
    await waitForHeading(widget, 'Your address and contact');
    // Two steps back in one move: the gesture from here goes on to the first step.
    back();
    await waitForHeading(widget, 'About the program');
    history.forward();
    await waitForHeading(widget, 'Your address and contact');
    expect(value(widget, '#cam-f-contact_name')).toBe(NAME);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your cameras');
    // Going on from an earlier step adds one entry (in place of the steps that were ahead).
    expect(pushes.count()).toBe(2);
    pushes.stop();
  });

  it("ignores history entries the widget did not make (the host page's own)", async () => {
    const widget = await mount();
    await toCameras(widget);
    history.pushState({ hostRoute: 'faq' }, '');
    window.dispatchEvent(new PopStateEvent('popstate', { state: { hostRoute: 'faq' } }));
    window.dispatchEvent(new PopStateEvent('popstate', { state: null }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heading(widget)).toBe('Your cameras');
    // Coming back from the host's entry lands on the widget's own: still the cameras step.
    back();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heading(widget)).toBe('Your cameras');
    back();
    await waitForHeading(widget, 'Your address and contact');
  });

  it('with no-history, steps add no history entries', async () => {
    const widget = await mount({ attributes: { 'no-history': '' } });
    const pushes = countPushes();
    const state: unknown = history.state;
    await toCameras(widget);
    pushes.stop();
    expect(pushes.count()).toBe(0);
    expect(history.state).toEqual(state);
  });

  it('a reload brings the draft back at its step; Back still works; never in local storage', async () => {
    const first = await mount();
    await toCameras(first);
    await userEvent.fill($(first, '#cam-f-cameras-0-label'), 'Driveway');
    await userEvent.click($(first, '#cam-f-cameras-0-view_bearing-1'));
    expect(storageText(sessionStorage)).toContain(NAME);
    expectLocalStorageUntouched();
    first.remove();

    const widget = await mount({ keepDraft: true });
    await waitForHeading(widget, 'Your cameras');
    expect(value(widget, '#cam-f-cameras-0-label')).toBe('Driveway');
    expect($<HTMLInputElement>(widget, '#cam-f-cameras-0-view_bearing-1').checked).toBe(true);
    expect(await axeViolations(widget)).toEqual([]);
    back();
    await waitForHeading(widget, 'Your address and contact');
    expect(value(widget, '#cam-f-contact_name')).toBe(NAME);
    expect(value(widget, '#cam-f-phone')).toBe(PHONE);
    expect(widget.shadowRoot?.querySelector('.found')?.textContent).toContain('White');
    expectLocalStorageUntouched();
  });

  it('a widget for another service does not pick up the draft', async () => {
    const first = await mount();
    await toCameras(first);
    first.remove();
    const other = await mount({
      attributes: { 'service-url': `${SOURCE_VIEW}?other` },
      keepDraft: true,
    });
    expect(heading(other)).toBe('About the program');
  });

  it('a sent registration leaves no draft behind', async () => {
    const widget = await mount();
    await toCameras(widget);
    await fillCamera(widget, 0);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Check and agree');
    await userEvent.click($(widget, '#cam-f-consent'));
    expect(storageText(sessionStorage)).toContain(NAME);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Thank you, you are registered');
    expect(storageText(sessionStorage)).not.toContain(NAME);
    expect(storageText(sessionStorage)).not.toContain(shownCodes(widget).code);
    expectLocalStorageUntouched();

    widget.remove();
    const again = await mount({ keepDraft: true });
    expect(heading(again)).toBe('About the program');
  });

  it('"Start over" clears the form and the draft', async () => {
    const widget = await mount();
    expect(startOverButton(widget)).toBeUndefined(); // nothing to clear yet
    await toCameras(widget);
    const startOver = startOverButton(widget);
    expect(startOver).toBeDefined();
    await userEvent.click(startOver as HTMLButtonElement);
    await waitForHeading(widget, 'About the program');
    expect(storageText(sessionStorage)).not.toContain(NAME);
    expect(startOverButton(widget)).toBeUndefined();
    expect(await axeViolations(widget)).toEqual([]);

    widget.remove();
    const again = await mount({ keepDraft: true });
    expect(heading(again)).toBe('About the program');
    await pressSubmit(again);
    await waitForHeading(again, 'Your address and contact');
    expect(value(again, '#cam-f-contact_name')).toBe('');
  });

  it('staff mode keeps no draft anywhere', async () => {
    const session = await signInWithPassword(
      '/arcgis/sharing/rest/generateToken',
      'analyst1',
      TEST_PASSWORD,
    );
    const staffOptions = {
      attributes: { mode: 'staff', 'service-url': SOURCE_VIEW },
      properties: { session },
    };
    const widget = await mount(staffOptions);
    const sessionBefore = storageText(sessionStorage);
    await waitForHeading(widget, 'The paper form');
    await userEvent.fill($(widget, '#cam-f-form_number'), 'ISSUE13-STAFF');
    await pressSubmit(widget);
    await waitForHeading(widget, 'Address and contact');
    await fillSite(widget);
    await pressSubmit(widget);
    await waitForHeading(widget, 'Cameras');
    expect(storageText(sessionStorage)).toBe(sessionBefore);
    expectLocalStorageUntouched();

    widget.remove();
    const again = await mount({ ...staffOptions, keepDraft: true });
    await waitForHeading(again, 'The paper form');
    expect(value(again, '#cam-f-form_number')).toBe('');
  });
});
