import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEARCH_CONFIG,
  metersToRadius,
  radiusToMeters,
  readSearchConfig,
} from '../../../src/core/search/search-config.js';

describe('readSearchConfig', () => {
  it('accepts the example config shipped in config/', () => {
    const example: unknown = JSON.parse(
      readFileSync('config/incident-search.example.json', 'utf8'),
    );
    const result = readSearchConfig(example);
    expect(result).toMatchObject({
      ok: true,
      value: { radiusUnit: 'ft', radiusPresets: [250, 500, 1000] },
    });
  });
  it('fills defaults and sorts presets', () => {
    expect(readSearchConfig({})).toEqual({ ok: true, value: DEFAULT_SEARCH_CONFIG });
    expect(
      readSearchConfig({ radiusUnit: 'm', radiusPresets: [300, 100, 100], defaultRadius: 100 }),
    ).toMatchObject({
      ok: true,
      value: { radiusUnit: 'm', radiusPresets: [100, 300], defaultRadius: 100 },
    });
  });
  it('names each bad setting', () => {
    const result = readSearchConfig({
      radiusUnit: 'yards',
      radiusPresets: [0],
      urgentWithinHours: -1,
      center: [0],
      zoom: 40,
      oauthClientId: 'abc',
      serviceUrl: '',
      colour: 'red',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.split(':')[0])).toEqual([
      'colour',
      'radiusUnit',
      'radiusPresets',
      'urgentWithinHours',
      'center',
      'zoom',
      'oauthClientId and portalUrl',
      'serviceUrl',
    ]);
    expect(readSearchConfig([])).toEqual({ ok: false, issues: ['config must be a JSON object'] });
    expect(readSearchConfig({ radiusPresets: [20000] })).toMatchObject({ ok: false });
  });
  it('converts radii', () => {
    expect(radiusToMeters(500, 'ft')).toBeCloseTo(152.4, 9);
    expect(radiusToMeters(150, 'm')).toBe(150);
    expect(metersToRadius(152.4, 'ft')).toBeCloseTo(500, 9);
    expect(() => radiusToMeters(Number.NaN, 'm')).toThrow(RangeError);
  });
});
