import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { AppError } from '../../src/core/errors.js';
import { describeError, ERROR_MESSAGES, errorCodeOf } from '../../widgets/shared/describe-error.js';
import type { CamRegistration } from '../../widgets/registration/index.js';
import {
  $,
  $$,
  axeViolations,
  deepActive,
  heading,
  mount,
  pickAddress,
  pressSubmit,
  querySource,
  fillRegistration,
  registerSite,
  shownCodes,
  waitForHeading,
} from './registration-helpers.js';

const realFetch = window.fetch;

beforeEach(async () => {
  await page.viewport(1024, 900);
});

afterEach(() => {
  window.fetch = realFetch;
  document.body.replaceChildren();
  document.documentElement.lang = 'en';
});

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

async function manage(
  widget: CamRegistration,
  codes: { reference: string; code: string },
  action: number,
) {
  await userEvent.fill($(widget, '#cam-f-registration_ref'), codes.reference);
  await userEvent.fill($(widget, '#cam-f-manage_code'), codes.code);
  await userEvent.click($(widget, `#cam-f-request_type-${action}`));
  await pressSubmit(widget);
  await expect.poll(() => heading(widget)).not.toBe('Your reference and code');
}

function alertText(widget: CamRegistration): string {
  return $(widget, '.alert').textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

describe('sending a registration', () => {
  it('a retry after a lost answer stores one site, not two', async () => {
    const widget = await mount();
    await fillRegistration(widget);
    // The first applyEdits reaches the server, but its answer never arrives.
    let applyEditsCalls = 0;
    let firstStored: Promise<Response> | undefined;
    window.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/CommunityCameras_public/FeatureServer/applyEdits')) {
        applyEditsCalls += 1;
        if (applyEditsCalls === 1) {
          firstStored = realFetch(input, init);
          return firstStored.then(() => Promise.reject(new TypeError('Failed to fetch')));
        }
      }
      return realFetch(input, init);
    };
    await pressSubmit(widget);
    await expect.poll(() => alertText(widget)).toContain('Your registration was not sent.');
    // Nothing typed is lost, and the failure says what to do.
    expect(heading(widget)).toBe('Check and agree');
    expect(alertText(widget)).toContain('We could not reach the service');
    expect(alertText(widget)).toContain('Everything you typed is still here.');
    expect(($(widget, '#cam-f-consent') as HTMLInputElement).checked).toBe(true);
    expect(widget.shadowRoot?.textContent).toContain('Dana Smith');
    expect(await axeViolations(widget)).toEqual([]);
    await firstStored;

    await userEvent.click($(widget, '.alert button'));
    await waitForHeading(widget, 'Thank you, you are registered');
    expect(applyEditsCalls).toBe(2);
    const { reference } = shownCodes(widget);
    const sites = await querySource(0, `registration_ref = '${reference}'`);
    expect(sites).toHaveLength(1);
    const cameras = await querySource(1, `site_guid = '${String(sites[0]?.attributes.GlobalID)}'`);
    expect(cameras.map((c) => c.attributes.label)).toEqual(['Porch']);
  });

  it('sends the form signals the server checks, and one applyEdits', async () => {
    const widget = await mount();
    const seen: URLSearchParams[] = [];
    window.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/applyEdits')) seen.push(new URLSearchParams(String(init?.body)));
      return realFetch(input, init);
    };
    await registerSite(widget);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.get('ccr_hp')).toBe('');
    expect(Number(seen[0]?.get('ccr_fill_ms'))).toBeGreaterThan(0);
    expect(seen[0]?.get('useGlobalIds')).toBe('true');
    expect(seen[0]?.get('rollbackOnFailure')).toBe('true');
  });

  it('sends nothing when the honeypot is filled, yet looks the same', async () => {
    const widget = await mount();
    const requests = recordRequests();
    const { reference } = await registerSite(widget, {
      onSiteStep: () => {
        const trap = $(widget, '#cam-hp-notes') as HTMLInputElement;
        expect(trap.tabIndex).toBe(-1);
        expect(trap.autocomplete).toBe('off');
        expect(trap.closest('[aria-hidden="true"]')).not.toBeNull();
        trap.value = 'cheap pills';
        trap.dispatchEvent(new Event('input', { bubbles: true }));
      },
    });
    requests.stop();
    expect(requests.paths.filter((p) => p.endsWith('/applyEdits'))).toEqual([]);
    expect(reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await querySource(0, `registration_ref = '${reference}'`)).toEqual([]);
  });

  it('holds a form filled faster than a person usually can, then stores it: nothing lost', async () => {
    // The form's clock starts when it first renders, inside mount().
    const mountedAt = performance.now();
    const widget = await mount({ attributes: { 'min-fill-seconds': '5' } });
    const sent: number[] = [];
    window.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/applyEdits')) sent.push(performance.now() - mountedAt);
      return realFetch(input, init);
    };
    const { reference } = await registerSite(widget);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeGreaterThanOrEqual(5000);
    expect(await querySource(0, `registration_ref = '${reference}'`)).toHaveLength(1);
  });

  it('sends a withdrawal made within seconds of the page loading: the code is the proof', async () => {
    const widget = await mount();
    const codes = await registerSite(widget);
    widget.remove();
    const manager = await mount({ mode: 'manage', attributes: { 'min-fill-seconds': '3600' } });
    await manage(manager, codes, 3);
    await userEvent.click($(manager, '#cam-f-withdraw_confirm'));
    await pressSubmit(manager);
    await waitForHeading(manager, 'Request sent');
    expect(await querySource(0, `registration_ref = '${codes.reference}'`)).toEqual([]);
  });
});

describe('validation', () => {
  it('marks every problem, links it from one alert, and focuses the first', async () => {
    const widget = await mount();
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your address and contact');
    await userEvent.fill($(widget, '#cam-f-email'), 'ana@');
    await pressSubmit(widget);
    await expect.poll(() => deepActive()?.id).toBe('cam-f-site_type-0');
    expect($$(widget, '[role=alert]')).toHaveLength(1);
    expect(alertText(widget)).toContain('There are 6 problems to fix:');
    const email = $(widget, '#cam-f-email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    const described = email.getAttribute('aria-describedby')?.split(' ') ?? [];
    expect(described).toContain('cam-f-email-error');
    expect($(widget, '#cam-f-email-error').textContent).toContain(
      'Enter an email address like name@example.com.',
    );
    expect($(widget, '#cam-f-contact_name-error').textContent).toContain('Enter contact name.');
    expect($(widget, '#cam-f-address-error').textContent).toContain('Enter street address.');
    expect(await axeViolations(widget)).toEqual([]);

    // Following a summary link focuses that field.
    const link = $$<HTMLAnchorElement>(widget, '.alert a').find((a) =>
      a.textContent?.includes('email address like'),
    );
    await userEvent.click(link as HTMLElement);
    expect(deepActive()?.id).toBe('cam-f-email');

    // A fixed field loses its message as soon as it is right.
    await userEvent.fill(email, 'ana@example.org');
    await expect.poll(() => widget.shadowRoot?.querySelector('#cam-f-email-error')).toBeNull();
    expect(email.getAttribute('aria-invalid')).toBe('false');
  });

  it('speaks Spanish, domain labels and problems included, and keeps what was typed', async () => {
    document.documentElement.lang = 'es';
    const widget = await mount();
    expect(heading(widget)).toBe('Sobre el programa');
    await pressSubmit(widget);
    await waitForHeading(widget, 'Su dirección y contacto');
    await userEvent.fill($(widget, '#cam-f-contact_name'), 'Ana Ruiz');
    await userEvent.fill($(widget, '#cam-f-phone'), '555-0134');
    await pressSubmit(widget);
    await expect.poll(() => alertText(widget)).toContain('Hay 5 problemas que corregir:');
    expect($(widget, '#cam-f-phone-error').textContent).toContain(
      'Escriba un teléfono con código de área, como (816) 555-0134.',
    );
    expect($(widget, '#cam-f-site_type-error').textContent).toContain(
      'Elija una respuesta para «Tipo de lugar».',
    );
    const labels = $$(widget, '#cam-f-site_type .option span').map((s) => s.textContent?.trim());
    expect(labels).toEqual([
      'Residencia',
      'Negocio',
      'Organización sin fines de lucro',
      'Lugar de culto',
      'Gobierno',
      'Otro',
    ]);
    expect(await axeViolations(widget)).toEqual([]);

    // The page switches to English: the words change, the typed data stays.
    document.documentElement.lang = 'en';
    await expect.poll(() => heading(widget)).toBe('Your address and contact');
    expect(($(widget, '#cam-f-contact_name') as HTMLInputElement).value).toBe('Ana Ruiz');
    expect($(widget, '#cam-f-phone-error').textContent).toContain(
      'Enter a phone number with area code',
    );
  });

  it('warns about an address outside the city but lets it through', async () => {
    const widget = await mount({ properties: { cityExtent: undefined } });
    widget.setAttribute('city-extent', '-94.2, 39.2, -94.1, 39.3');
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your address and contact');
    await pickAddress(widget, '1200 E White');
    expect(widget.shadowRoot?.textContent).toContain('This address looks outside the city.');
  });
});

describe('the map', () => {
  it('appears once there is an address; the pin moves by arrow keys and by dragging', async () => {
    const widget = await mount();
    expect(widget.shadowRoot?.querySelector('.map-frame')).toBeNull();
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your address and contact');
    expect(widget.shadowRoot?.querySelector('.map-frame')).toBeNull();
    await pickAddress(widget, '1200 E White');
    await expect
      .poll(() => widget.shadowRoot?.querySelector('.map-frame canvas') !== null, {
        timeout: 20_000,
      })
      .toBe(true);
    expect(widget.shadowRoot?.textContent).toContain('Pin is at the address point.');
    const before = $(widget, '.coords').textContent;
    // Arrow keys on the map move the pin north, not the map.
    const surface = $(widget, '.map-frame .esri-view-surface');
    surface.focus();
    await userEvent.keyboard('{ArrowUp}{ArrowUp}{ArrowUp}');
    await expect.poll(() => widget.shadowRoot?.textContent ?? '').toContain('Pin moved 15 m');
    expect($(widget, '.coords').textContent).not.toBe(before);
    expect(await axeViolations(widget)).toEqual([]);
    // Back to the address point.
    await userEvent.click(
      $$(widget, 'button.link').find((b) =>
        b.textContent?.includes('Put the pin back'),
      ) as HTMLElement,
    );
    expect($(widget, '.coords').textContent).toBe(before);

    // Dragging the pin (it sits at the centre of the map) moves it too.
    const canvas = $(widget, '.map-frame canvas');
    const { width, height } = canvas.getBoundingClientRect();
    await userEvent.dragAndDrop(canvas, canvas, {
      sourcePosition: { x: width / 2, y: height / 2 },
      targetPosition: { x: width / 2 + 80, y: height / 2 },
    });
    await expect.poll(() => $(widget, '.coords').textContent).not.toBe(before);
    const moved = /Pin moved (\d+) m/.exec(widget.shadowRoot?.textContent ?? '')?.[1];
    expect(Number(moved)).toBeGreaterThan(10);
  });

  it('points the selected camera where the map is dragged', async () => {
    const widget = await mount();
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your address and contact');
    await userEvent.click($(widget, '#cam-f-site_type-0'));
    await userEvent.fill($(widget, '#cam-f-contact_name'), 'Kim');
    await userEvent.selectOptions($(widget, '#cam-f-contact_role'), 'tenant');
    await userEvent.fill($(widget, '#cam-f-email'), 'kim@example.org');
    await userEvent.click($(widget, '#cam-f-share_willingness-2'));
    await pickAddress(widget, '1200 E White');
    await pressSubmit(widget);
    await waitForHeading(widget, 'Your cameras');
    await expect
      .poll(() => widget.shadowRoot?.querySelector('.map-frame canvas') !== null, {
        timeout: 20_000,
      })
      .toBe(true);
    const canvas = $(widget, '.map-frame canvas');
    const { width, height } = canvas.getBoundingClientRect();
    // The camera stands at the centre; drag from there towards the east.
    await userEvent.dragAndDrop(canvas, canvas, {
      sourcePosition: { x: width / 2, y: height / 2 },
      targetPosition: { x: width / 2 + 90, y: height / 2 },
    });
    await expect
      .poll(() => ($(widget, '#cam-f-cameras-0-view_bearing-5') as HTMLInputElement).checked)
      .toBe(true);
    // Left and right arrow keys on the map turn it by 15 degrees.
    $(widget, '.map-frame .esri-view-surface').focus();
    await userEvent.keyboard('{ArrowRight}');
    await expect
      .poll(() => $(widget, '#cam-f-cameras-0-view_bearing').textContent ?? '')
      .toContain('Facing 105°');
  });

  it('without WebGL the step still works from the address alone', async () => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (
      this: HTMLCanvasElement,
      type: string,
      ...rest: unknown[]
    ) {
      if (type.startsWith('webgl')) return null;
      return (original as (...a: unknown[]) => unknown).call(this, type, ...rest);
    } as typeof original;
    try {
      const widget = await mount();
      await pressSubmit(widget);
      await waitForHeading(widget, 'Your address and contact');
      await pickAddress(widget, '1200 E White');
      expect($(widget, '.map-status').textContent).toContain(
        'The map cannot be shown on this device.',
      );
      expect($(widget, '.coords').textContent?.trim()).toBe(
        'Latitude 39.100218, longitude -94.401738',
      );
      expect(widget.shadowRoot?.querySelector('.map-frame')).toBeNull();
      expect(await axeViolations(widget)).toEqual([]);
      widget.remove();

      const another = await mount();
      const { reference } = await registerSite(another);
      const [site] = await querySource(0, `registration_ref = '${reference}'`);
      expect(site?.attributes.location_method).toBe('geocoded');
      expect(site?.geometry?.x).toBeCloseTo(-94.401738, 6);
      expect(site?.geometry?.y).toBeCloseTo(39.100218, 6);
    } finally {
      HTMLCanvasElement.prototype.getContext = original;
    }
  });
});

describe('manage mode', () => {
  it('updates contact details; blank fields stay as they are', async () => {
    const widget = await mount();
    const codes = await registerSite(widget, { name: 'Pat Lee' });
    widget.remove();

    const manager = await mount({ mode: 'manage' });
    expect(heading(manager)).toBe('Your reference and code');
    // Typed as people type: lower case, no dashes.
    await manage(
      manager,
      {
        reference: codes.reference.toLowerCase().replace(/-/g, ' '),
        code: codes.code.toLowerCase(),
      },
      0,
    );
    expect(heading(manager)).toBe('Update my contact details');
    await userEvent.fill($(manager, '#cam-f-phone'), '(816) 555-0199');
    await userEvent.selectOptions($(manager, '#cam-f-best_hours'), 'weekends');
    expect(await axeViolations(manager)).toEqual([]);
    await pressSubmit(manager);
    await waitForHeading(manager, 'Request sent');
    expect(manager.shadowRoot?.textContent).toContain('Your request was accepted.');

    const [site] = await querySource(0, `registration_ref = '${codes.reference}'`);
    expect(site?.attributes).toMatchObject({
      contact_name: 'Pat Lee',
      phone: '+18165550199',
      best_hours: 'weekends',
      share_willingness: 'yes',
    });
  });

  it('replaces the camera list', async () => {
    const widget = await mount();
    const codes = await registerSite(widget);
    widget.remove();
    const manager = await mount({ mode: 'manage' });
    await manage(manager, codes, 1);
    await pickAddress(manager, '1200 E White');
    await userEvent.fill($(manager, '#cam-f-cameras-0-label'), 'Garage');
    await userEvent.click($(manager, '#cam-f-cameras-0-mount-1'));
    await userEvent.click($(manager, '#cam-f-cameras-0-view_bearing-3')); // West
    await userEvent.selectOptions($(manager, '#cam-f-cameras-0-recording_mode'), 'scheduled');
    await userEvent.fill($(manager, '#cam-f-cameras-0-retention_days'), '3');
    await pressSubmit(manager);
    await waitForHeading(manager, 'Request sent');
    const [site] = await querySource(0, `registration_ref = '${codes.reference}'`);
    const cameras = await querySource(1, `site_guid = '${String(site?.attributes.GlobalID)}'`);
    expect(cameras.map((c) => c.attributes)).toMatchObject([
      { label: 'Garage', mount: 'interior_facing_out', view_bearing: 270, retention_days: 3 },
    ]);
  });

  it('re-confirms: the confirmation date moves on, nothing else changes', async () => {
    const widget = await mount();
    const codes = await registerSite(widget);
    widget.remove();
    const [before] = await querySource(0, `registration_ref = '${codes.reference}'`);
    const manager = await mount({ mode: 'manage' });
    await manage(manager, codes, 2);
    expect(heading(manager)).toBe('Confirm my details are still right');
    await pressSubmit(manager);
    await waitForHeading(manager, 'Request sent');
    expect(manager.shadowRoot?.textContent).toContain('Thank you for confirming.');
    const [after] = await querySource(0, `registration_ref = '${codes.reference}'`);
    expect(Number(after?.attributes.last_confirmed_at)).toBeGreaterThan(
      Number(before?.attributes.last_confirmed_at),
    );
    expect(after?.attributes.contact_name).toBe(before?.attributes.contact_name);
  });

  it('withdraws after a confirmation: the site and its cameras are gone', async () => {
    const widget = await mount();
    const codes = await registerSite(widget);
    widget.remove();
    const [site] = await querySource(0, `registration_ref = '${codes.reference}'`);
    const siteGuid = String(site?.attributes.GlobalID);
    expect(await querySource(1, `site_guid = '${siteGuid}'`)).toHaveLength(1);

    const manager = await mount({ mode: 'manage' });
    await manage(manager, codes, 3);
    expect(heading(manager)).toBe('Withdraw from the program');
    await pressSubmit(manager);
    // Not without ticking the confirmation.
    await expect.poll(() => deepActive()?.id).toBe('cam-f-withdraw_confirm');
    expect(await axeViolations(manager)).toEqual([]);
    await userEvent.click($(manager, '#cam-f-withdraw_confirm'));
    await pressSubmit(manager);
    await waitForHeading(manager, 'Request sent');
    expect(await querySource(0, `registration_ref = '${codes.reference}'`)).toEqual([]);
    expect(await querySource(1, `site_guid = '${siteGuid}'`)).toEqual([]);
  });

  it('says plainly when the code is wrong, slows a guesser, never locks the owner out', async () => {
    const widget = await mount();
    const codes = await registerSite(widget);
    widget.remove();
    const manager = await mount({ mode: 'manage' });
    const wrong = { reference: codes.reference, code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' };
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await manage(manager, wrong, 2);
      await pressSubmit(manager);
      await waitForHeading(manager, 'Your reference and code');
      expect(alertText(manager)).toBe(
        'The reference or manage code is not right, or the registration has already been withdrawn. Nothing was changed.',
      );
      expect(deepActive()?.id).toBe('cam-f-registration_ref');
    }
    expect(await axeViolations(manager)).toEqual([]);
    // The fourth wrong code in a row earns a short wait, said in seconds.
    await manage(manager, wrong, 2);
    await pressSubmit(manager);
    await expect
      .poll(() => alertText(manager))
      .toMatch(
        /^There have been too many attempts\. Nothing was changed\. Please wait \d+ seconds?, then try again\.$/,
      );
    expect(deepActive()?.id).toBe('cam-f-registration_ref');
    const seconds = Number(/wait (\d+)/.exec(alertText(manager))?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(4);
    // After the wait the owner's right code goes through.
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 200));
    await manage(manager, codes, 2);
    await pressSubmit(manager);
    await waitForHeading(manager, 'Request sent');
    const [site] = await querySource(0, `registration_ref = '${codes.reference}'`);
    expect(site).toBeDefined();
  });

  it('maps changes the service refuses to the fields they concern', async () => {
    const widget = await mount();
    const codes = await registerSite(widget);
    widget.remove();
    const manager = await mount({ mode: 'manage' });
    await manage(manager, codes, 0);
    // The registration has no email, so email cannot become the preferred contact.
    await userEvent.selectOptions($(manager, '#cam-f-preferred_contact'), 'email');
    await pressSubmit(manager);
    await expect
      .poll(() => alertText(manager))
      .toContain('Some of your changes could not be accepted. Nothing was changed.');
    expect($(manager, '#cam-f-preferred_contact').getAttribute('aria-invalid')).toBe('true');
    expect($(manager, '#cam-f-preferred_contact-error').textContent).toContain(
      'You chose a way to contact you that you have not filled in.',
    );
    expect(await axeViolations(manager)).toEqual([]);
    const [site] = await querySource(0, `registration_ref = '${codes.reference}'`);
    expect(site?.attributes.preferred_contact).toBeNull();
  });
});

describe('describeError', () => {
  it('gives the words for the code, never the server text', () => {
    const server = new AppError('SERVICE_ERROR', 'SQLITE_BUSY: database is locked at /srv/db');
    expect(describeError(server, ERROR_MESSAGES.en)).toBe(
      'The service had a problem. Please try again in a moment.',
    );
    expect(describeError(new TypeError('Failed to fetch'), ERROR_MESSAGES.es)).toBe(
      'No pudimos comunicarnos con el servicio. Revise su conexión e inténtelo de nuevo.',
    );
    expect(describeError(new Error('boom'), ERROR_MESSAGES.en)).toBe(
      'Something went wrong. Please try again.',
    );
    expect(errorCodeOf(new AppError('RATE_LIMITED', 'x'))).toBe('RATE_LIMITED');
  });
});

describe('configuration file', () => {
  it('takes the consent text, version, program text and theme from config-url', async () => {
    const config = {
      consent: { version: '2027-03', en: 'Custom agreement text.', es: 'Texto propio.' },
      program: { en: { title: 'Independence Camera Partners' } },
      theme: { '--cam-accent': '#2e6b30' },
      messageOverrides: { en: { next: 'Continue' } },
      minFillSeconds: 0,
    };
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(config)], { type: 'application/json' }),
    );
    const widget = await mount({ attributes: { 'config-url': url }, consentVersion: null });
    await expect
      .poll(() => widget.shadowRoot?.textContent ?? '')
      .toContain('Independence Camera Partners');
    expect(widget.shadowRoot?.textContent).toContain('Custom agreement text.');
    expect(widget.shadowRoot?.textContent).toContain('Agreement version 2027-03');
    expect($(widget, 'button[type=submit]').textContent?.trim()).toBe('Continue');
    expect(getComputedStyle($(widget, 'button[type=submit]')).backgroundColor).toBe(
      'rgb(46, 107, 48)',
    );
    const { reference } = await registerSite(widget);
    const [site] = await querySource(0, `registration_ref = '${reference}'`);
    expect(site?.attributes.consent_version).toBe('2027-03');
  });

  it('says so when the file cannot be read', async () => {
    const element = document.createElement('cam-registration');
    element.setAttribute('config-url', '/no/such/config.json');
    document.body.append(element);
    await expect
      .poll(() => element.shadowRoot?.querySelector('[role=alert]')?.textContent ?? '')
      .toContain('could not load its settings');
  });
});
