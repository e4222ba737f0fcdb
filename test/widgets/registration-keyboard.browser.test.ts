import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  $,
  axeViolations,
  button,
  byId,
  deepActive,
  heading,
  mount,
  querySource,
  shownCodes,
  tabTo,
  waitForHeading,
} from './registration-helpers.js';

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.lang = 'en';
});

describe('registration by keyboard alone on a phone', () => {
  it('stores the site and cameras exactly as entered', async () => {
    await page.viewport(375, 812);
    document.documentElement.lang = 'en';
    const widget = await mount();
    expect(heading(widget)).toBe('About the program');
    expect(await axeViolations(widget)).toEqual([]);

    // Step 1 → 2
    await tabTo(button('Next'));
    await userEvent.keyboard('{Enter}');
    await waitForHeading(widget, 'Your address and contact');
    expect(deepActive()?.tagName).toBe('H2');

    // Site type: the first radio is Residence; Space picks it.
    await tabTo((el) => el.id === 'cam-f-site_type-0');
    await userEvent.keyboard(' ');
    await tabTo(byId('cam-f-contact_name'));
    await userEvent.keyboard('Ana Ruiz');
    await tabTo(byId('cam-f-contact_role'));
    await userEvent.keyboard('{ArrowDown}'); // Owner
    await tabTo(byId('cam-f-phone'));
    await userEvent.keyboard('(816) 555-0134');
    await tabTo(byId('cam-f-email'));
    await userEvent.keyboard('ana.ruiz@example.org');
    // Preferred contact: move from Phone call to Text message with the arrow key.
    await tabTo((el) => el.id === 'cam-f-preferred_contact-0');
    await userEvent.keyboard('{ArrowDown}');
    await tabTo(byId('cam-f-best_hours'));
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}{ArrowDown}'); // Evenings
    await tabTo((el) => el.id === 'cam-f-share_willingness-0');
    await userEvent.keyboard(' ');
    await tabTo(byId('cam-f-address'));
    await userEvent.keyboard('1200 E White');
    await expect
      .poll(() => $(widget, '#cam-f-address').getAttribute('aria-expanded'), { timeout: 10_000 })
      .toBe('true');
    await userEvent.keyboard('{ArrowDown}{Enter}');
    await expect
      .poll(() => widget.shadowRoot?.querySelector('.found')?.textContent ?? '', {
        timeout: 10_000,
      })
      .toContain('1200 E White Oak St');
    // Nudge the pin 10 m east with the arrow buttons.
    await tabTo((el) => el.textContent?.includes('Move pin east') ?? false);
    await userEvent.keyboard('{Enter}{Enter}');
    await expect.poll(() => widget.shadowRoot?.textContent ?? '').toContain('Pin moved 10 m');
    await tabTo(byId('cam-f-unit'));
    await userEvent.keyboard('Rear');
    expect(await axeViolations(widget)).toEqual([]);
    await tabTo(button('Next'));
    await userEvent.keyboard('{Enter}');
    await waitForHeading(widget, 'Your cameras');

    // Camera 1: rename, mount, kind, direction south, coverage, recording, retention.
    await tabTo(byId('cam-f-cameras-0-label'));
    await userEvent.keyboard('{Control>}a{/Control}Front door');
    await tabTo((el) => el.id === 'cam-f-cameras-0-mount-0');
    await userEvent.keyboard(' ');
    await tabTo(byId('cam-f-cameras-0-form'));
    await userEvent.keyboard('{ArrowDown}'); // Doorbell → field of view 160
    await tabTo((el) => (el as HTMLInputElement).name === 'cam-f-cameras-0-view_bearing');
    // From "Not sure" (centre) down the grid to South: E, SW, S.
    await userEvent.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}');
    await tabTo((el) => el.id === 'cam-f-cameras-0-coverage-0');
    await userEvent.keyboard(' '); // Street
    await userEvent.keyboard('{Tab} '); // Sidewalk
    await tabTo(byId('cam-f-cameras-0-recording_mode'));
    await userEvent.keyboard('{ArrowDown}{ArrowDown}'); // Records on motion
    await tabTo(byId('cam-f-cameras-0-retention_days'));
    await userEvent.keyboard('30');
    await tabTo(byId('cam-f-cameras-0-can_export'));
    await userEvent.keyboard('{ArrowDown}'); // Yes, as a file

    // Camera 2: added with the button, facing east, kept for 7 days.
    await tabTo(button(/Add another camera/));
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => deepActive()?.id).toBe('cam-f-cameras-1-label');
    await userEvent.keyboard('{Control>}a{/Control}Driveway');
    await tabTo((el) => el.id === 'cam-f-cameras-1-mount-0');
    await userEvent.keyboard(' ');
    await tabTo((el) => (el as HTMLInputElement).name === 'cam-f-cameras-1-view_bearing');
    await userEvent.keyboard('{ArrowRight}'); // East
    await tabTo(byId('cam-f-cameras-1-recording_mode'));
    await userEvent.keyboard('{ArrowDown}'); // Records all the time
    await tabTo(byId('cam-f-cameras-1-retention_days'));
    await userEvent.keyboard('7');
    expect(await axeViolations(widget)).toEqual([]);
    await tabTo(button('Next'));
    await userEvent.keyboard('{Enter}');
    await waitForHeading(widget, 'Check and agree');

    // Review: the consent box is required.
    expect(await axeViolations(widget)).toEqual([]);
    await tabTo(button('Register my cameras'));
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => deepActive()?.id).toBe('cam-f-consent');
    expect($(widget, '#cam-f-consent').getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(widget)).toEqual([]);
    await userEvent.keyboard(' ');
    await tabTo(button('Register my cameras'));
    await userEvent.keyboard('{Enter}');
    await waitForHeading(widget, 'Thank you, you are registered');
    expect(await axeViolations(widget)).toEqual([]);

    const { reference, code } = shownCodes(widget);
    expect(reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const [site, ...others] = await querySource(0, `registration_ref = '${reference}'`);
    expect(others).toEqual([]);
    expect(site?.attributes).toMatchObject({
      site_type: 'residence',
      business_name: null,
      contact_name: 'Ana Ruiz',
      contact_role: 'owner',
      phone: '+18165550134',
      email: 'ana.ruiz@example.org',
      preferred_contact: 'sms',
      preferred_language: 'en',
      best_hours: 'evening',
      share_willingness: 'yes',
      address: '1200 E White Oak St, Independence, MO 64050',
      unit: 'Rear',
      location_method: 'pin_adjusted',
      geocode_score: 100,
      consent_version: '2026-01',
      status: 'pending',
      source_channel: 'web',
    });
    expect(site?.attributes.manage_code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof site?.attributes.consent_at).toBe('number');
    // Two 5 m moves east of the geocoded point (-94.401738, 39.100218).
    expect(site?.geometry?.y).toBeCloseTo(39.100218, 6);
    const eastMeters =
      ((site?.geometry?.x ?? 0) + 94.401738) * 111_320 * Math.cos((39.1 * Math.PI) / 180);
    expect(eastMeters).toBeGreaterThan(9.9);
    expect(eastMeters).toBeLessThan(10.1);

    const cameras = await querySource(1, `site_guid = '${String(site?.attributes.GlobalID)}'`);
    const byLabel = Object.fromEntries(cameras.map((c) => [c.attributes.label, c]));
    expect(Object.keys(byLabel).sort()).toEqual(['Driveway', 'Front door']);
    expect(byLabel['Front door']?.attributes).toMatchObject({
      mount: 'exterior',
      form: 'doorbell',
      view_bearing: 180,
      fov_deg: 160,
      coverage: 'street,sidewalk',
      recording_mode: 'motion',
      retention_days: 30,
      can_export: 'yes_file',
    });
    expect(byLabel.Driveway?.attributes).toMatchObject({
      mount: 'exterior',
      form: null,
      view_bearing: 90,
      fov_deg: null,
      coverage: null,
      recording_mode: 'continuous',
      retention_days: 7,
      can_export: null,
    });
    for (const camera of cameras) {
      expect(camera.geometry?.x).toBeCloseTo(site?.geometry?.x ?? 0, 9);
      expect(camera.geometry?.y).toBeCloseTo(site?.geometry?.y ?? 0, 9);
    }
  });
});
