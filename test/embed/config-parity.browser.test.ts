/**
 * Both widgets take their settings the same three ways, with the same names: a file
 * (`config-url`), one object (`config`), and attributes; attributes win over the object,
 * which wins over the file, and paths in a file resolve against the file's address. The file
 * here is the embed config on the widget server, another origin than the page's.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../widgets/incident-search/index.js';
import '../../widgets/registration/index.js';
import type { CamIncidentSearch } from '../../widgets/incident-search/index.js';
import type { CamRegistration } from '../../widgets/registration/index.js';

let widgetOrigin = '';

beforeAll(async () => {
  ({ widgetOrigin } = await commands.embedServers());
}, 180_000);

afterEach(() => {
  document.body.replaceChildren();
});

function programTitle(element: CamRegistration): string {
  return element.shadowRoot?.querySelector('h3')?.textContent?.trim() ?? '';
}

function radiusLabels(element: CamIncidentSearch): string[] {
  return [...(element.shadowRoot?.querySelectorAll('input[name=radius]') ?? [])].map(
    (input) => input.parentElement?.textContent?.trim() ?? '',
  );
}

describe('<cam-registration> settings', () => {
  it('come from config-url, then the config object, then properties and attributes', async () => {
    const element = document.createElement('cam-registration');
    element.setAttribute('config-url', `${widgetOrigin}/embed/registration.json`);
    document.body.append(element);
    await expect
      .poll(() => programTitle(element), { timeout: 10_000 })
      .toBe('Independence Community Camera Program');

    element.config = { program: { en: { title: 'Blue Springs Camera Program' } } };
    await expect.poll(() => programTitle(element)).toBe('Blue Springs Camera Program');
    // A property (as an attribute would) wins over the object.
    element.program = { en: { title: 'Grain Valley Camera Program' } };
    await expect.poll(() => programTitle(element)).toBe('Grain Valley Camera Program');
    element.program = undefined;
    expect(element.configUrl).toBe(`${widgetOrigin}/embed/registration.json`);
    expect(element.getAttribute('config-url')).toBe(`${widgetOrigin}/embed/registration.json`);

    element.config = {};
    await expect.poll(() => programTitle(element)).toBe('Independence Community Camera Program');
    // Reading a file never writes the page's attribute.
    expect(element.getAttribute('config-url')).toBe(`${widgetOrigin}/embed/registration.json`);
  });

  it('refuse a config object of the wrong shape as they refuse such a file', async () => {
    const element = document.createElement('cam-registration');
    element.config = { minFillSeconds: -1 };
    document.body.append(element);
    await expect
      .poll(() => element.shadowRoot?.querySelector('[role=alert]')?.textContent ?? '')
      .not.toBe('');
  });
});

describe('<cam-incident-search> settings', () => {
  it('come from config-url (paths resolved against it), then config, then attributes', async () => {
    const element = document.createElement('cam-incident-search');
    element.noMap = true;
    element.setAttribute('config-url', `${widgetOrigin}/embed/incident-search.json`);
    document.body.append(element);
    await expect
      .poll(() => radiusLabels(element), { timeout: 10_000 })
      .toEqual(['250 ft', '500 ft', '1,000 ft', 'Custom']);
    expect(element.settings.serviceUrl).toBe(
      `${widgetOrigin}/arcgis/rest/services/CommunityCameras_officer/FeatureServer`,
    );
    expect(element.settings.tokenUrl).toBe(`${widgetOrigin}/arcgis/sharing/rest/generateToken`);

    element.config = { radiusUnit: 'm', radiusPresets: [100, 200], defaultRadius: 200 };
    await expect.poll(() => radiusLabels(element)).toEqual(['100 m', '200 m', 'Custom']);
    // The file still gives what the object leaves out.
    expect(element.settings.serviceUrl).toBe(
      `${widgetOrigin}/arcgis/rest/services/CommunityCameras_officer/FeatureServer`,
    );

    element.setAttribute('radius-presets', '300,600');
    await expect.poll(() => radiusLabels(element)).toEqual(['300 m', '600 m', 'Custom']);
    expect(element.getAttribute('config-url')).toBe(`${widgetOrigin}/embed/incident-search.json`);
  });

  it('name a config-url that cannot be loaded', async () => {
    const element = document.createElement('cam-incident-search');
    element.noMap = true;
    element.setAttribute('config-url', `${widgetOrigin}/embed/missing.json`);
    document.body.append(element);
    await expect
      .poll(() => element.shadowRoot?.querySelector('.alert')?.textContent ?? '')
      .toContain('config-url: could not be loaded (NOT_FOUND)');
    // Without its file the widget falls back to its other settings, and says so.
    expect(element.shadowRoot?.querySelector('#username')).not.toBeNull();
  });
});
