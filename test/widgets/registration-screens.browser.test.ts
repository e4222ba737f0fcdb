/**
 * Every step of both modes, in English and Spanish, at phone and desktop widths: axe finds
 * nothing, and a screenshot is taken. With VITE_CCR_SCREENSHOTS=1 the screenshots are
 * written to docs/screenshots/ (how the committed ones were made); otherwise they are
 * taken and discarded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { CamRegistration } from '../../widgets/registration/index.js';
import {
  $,
  $$,
  axeViolations,
  heading,
  mount,
  pickAddress,
  shownCodes,
  waitForHeading,
} from './registration-helpers.js';

const SAVE = Boolean(import.meta.env.VITE_CCR_SCREENSHOTS);
const WIDTHS = [375, 1280] as const;

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.lang = 'en';
});

/** Waits until the map on the step has drawn (or given up), so screenshots show it. */
async function settleMap(widget: CamRegistration): Promise<void> {
  await expect
    .poll(
      () => {
        const status = widget.shadowRoot?.querySelector('.map-status')?.textContent ?? '';
        return !/Loading the map|Cargando el mapa/.test(status);
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  // Let the view draw its first frame after loading.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

async function capture(widget: CamRegistration, name: string, lang: 'en' | 'es'): Promise<void> {
  for (const width of lang === 'en' ? WIDTHS : ([375] as const)) {
    await page.viewport(width, width === 375 ? 812 : 900);
    await widget.updateComplete;
    if (widget.shadowRoot?.querySelector('.map-frame')) await settleMap(widget);
    expect(await axeViolations(widget), `${name} ${lang} ${width}`).toEqual([]);
    // Element screenshots show only what is inside the viewport: make it as tall as the widget.
    await page.viewport(width, Math.max(width === 375 ? 812 : 900, widget.scrollHeight + 32));
    await widget.updateComplete;
    const path = `../../docs/screenshots/registration-${name}${lang === 'es' ? '-es' : ''}-${width}.png`;
    await page.screenshot({ path, save: SAVE, element: widget });
  }
}

async function next(widget: CamRegistration, expected: string): Promise<void> {
  await userEvent.click($(widget, 'button[type=submit]'));
  await waitForHeading(widget, expected);
}

const TEXT = {
  en: {
    about: 'About the program',
    site: 'Your address and contact',
    cameras: 'Your cameras',
    review: 'Check and agree',
    done: 'Thank you, you are registered',
    codes: 'Your reference and code',
    finished: 'Request sent',
  },
  es: {
    about: 'Sobre el programa',
    site: 'Su dirección y contacto',
    cameras: 'Sus cámaras',
    review: 'Revisar y aceptar',
    done: 'Gracias, ya está registrado',
    codes: 'Su referencia y código',
    finished: 'Solicitud enviada',
  },
} as const;

async function walkRegistration(lang: 'en' | 'es'): Promise<{ reference: string; code: string }> {
  document.documentElement.lang = lang;
  await page.viewport(375, 812);
  const widget = await mount();
  const t = TEXT[lang];
  expect(heading(widget)).toBe(t.about);
  await capture(widget, '1-about', lang);

  await next(widget, t.site);
  // An empty Next shows every problem, linked from the summary.
  await userEvent.click($(widget, 'button[type=submit]'));
  await expect.poll(() => $$(widget, '.alert li').length).toBeGreaterThan(3);
  await capture(widget, '2-site-problems', lang);

  await userEvent.click($(widget, '#cam-f-site_type-1')); // Business
  await userEvent.fill($(widget, '#cam-f-business_name'), 'Corner Deli');
  await userEvent.fill($(widget, '#cam-f-contact_name'), 'Luis Ortega');
  await userEvent.selectOptions($(widget, '#cam-f-contact_role'), 'manager_operator');
  await userEvent.fill($(widget, '#cam-f-phone'), '816.555.0188');
  await userEvent.click($(widget, '#cam-f-preferred_contact-0'));
  await userEvent.selectOptions($(widget, '#cam-f-best_hours'), 'morning');
  await userEvent.click($(widget, '#cam-f-share_willingness-1'));
  await pickAddress(widget, '1200 E White');
  await capture(widget, '2-site', lang);

  await next(widget, t.cameras);
  await userEvent.fill(
    $(widget, '#cam-f-cameras-0-label'),
    lang === 'en' ? 'Storefront' : 'Fachada',
  );
  await userEvent.click($(widget, '#cam-f-cameras-0-mount-0'));
  await userEvent.selectOptions($(widget, '#cam-f-cameras-0-form'), 'fixed');
  await userEvent.click($(widget, '#cam-f-cameras-0-view_bearing-7')); // South
  await userEvent.click($(widget, '#cam-f-cameras-0-coverage-0'));
  await userEvent.click($(widget, '#cam-f-cameras-0-coverage-5'));
  await userEvent.selectOptions($(widget, '#cam-f-cameras-0-recording_mode'), 'continuous');
  await userEvent.fill($(widget, '#cam-f-cameras-0-retention_days'), '14');
  await userEvent.selectOptions($(widget, '#cam-f-cameras-0-can_export'), 'yes_file');
  await capture(widget, '3-cameras', lang);

  await next(widget, t.review);
  await userEvent.click($(widget, '#cam-f-consent'));
  await capture(widget, '4-review', lang);

  await userEvent.click($(widget, 'button[type=submit]'));
  await waitForHeading(widget, t.done);
  await capture(widget, '5-done', lang);
  const codes = shownCodes(widget);
  widget.remove();
  return codes;
}

async function walkManage(lang: 'en' | 'es', codes: { reference: string; code: string }) {
  document.documentElement.lang = lang;
  await page.viewport(375, 812);
  const widget = await mount({ mode: 'manage' });
  const t = TEXT[lang];
  expect(heading(widget)).toBe(t.codes);
  await userEvent.fill($(widget, '#cam-f-registration_ref'), codes.reference.toLowerCase());
  await userEvent.fill($(widget, '#cam-f-manage_code'), codes.code);
  await capture(widget, 'manage-1-codes', lang);

  // Each action's form, then back to pick the next one.
  const actions = ['update', 'cameras', 'reconfirm', 'withdraw'] as const;
  for (const [index, action] of actions.entries()) {
    await userEvent.click($(widget, `#cam-f-request_type-${index}`));
    await userEvent.click($(widget, 'button[type=submit]'));
    await expect.poll(() => heading(widget)).not.toBe(t.codes);
    if (action === 'update') await userEvent.fill($(widget, '#cam-f-email'), 'luis@example.org');
    if (action === 'cameras') await pickAddress(widget, '1200 E White');
    await capture(widget, `manage-2-${action}`, lang);
    if (action !== 'update') {
      await userEvent.click($(widget, '.nav button.secondary'));
      await waitForHeading(widget, t.codes);
    }
    if (action === 'update') {
      await userEvent.click($(widget, 'button[type=submit]'));
      await waitForHeading(widget, t.finished);
      await capture(widget, 'manage-3-finished', lang);
      await userEvent.click($(widget, '.success-banner + p button'));
      await waitForHeading(widget, t.codes);
      await userEvent.fill($(widget, '#cam-f-manage_code'), codes.code);
    }
  }
}

describe('every step, both languages, phone and desktop', () => {
  it('in English', async () => {
    const codes = await walkRegistration('en');
    await walkManage('en', codes);
  });

  it('in Spanish', async () => {
    const codes = await walkRegistration('es');
    await walkManage('es', codes);
  });
});
