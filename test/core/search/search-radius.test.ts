import { describe, expect, it } from 'vitest';
import {
  CONTACT_SEARCH_MAX_SPAN_METERS,
  MAX_RADIUS_METERS,
  readSearchConfig,
} from '../../../src/core/search/search-config.js';
import { validateSearchInput } from '../../../src/core/search/validate-search-input.js';

const input = (radiusMeters: number) => ({
  caseNumber: 'CASE-1',
  purpose: 'criminal_investigation',
  incident: [-94.41, 39.09] as [number, number],
  incidentAt: Date.UTC(2026, 10, 1),
  radiusMeters,
});

describe('the largest search radius', () => {
  it('is one mile, whose circle fits the contact-details span with room for camera offsets', () => {
    expect(MAX_RADIUS_METERS).toBeCloseTo(1609.344, 3);
    expect(2 * MAX_RADIUS_METERS).toBeLessThan(CONTACT_SEARCH_MAX_SPAN_METERS - 700);
  });

  it('accepts just below and at one mile, refuses just above', () => {
    expect(validateSearchInput(input(1609)).ok).toBe(true);
    expect(validateSearchInput(input(MAX_RADIUS_METERS)).ok).toBe(true);
    expect(validateSearchInput(input(1610))).toMatchObject({
      ok: false,
      issues: { radius: 'OUT_OF_RANGE' },
    });
  });

  it('a city config may not offer a preset above it', () => {
    const over = readSearchConfig({ radiusUnit: 'ft', radiusPresets: [500, 5280, 5281] });
    expect(over).toMatchObject({ ok: false });
    expect(over.ok ? '' : over.issues.join(' ')).toMatch(/radiusPresets/);
    expect(readSearchConfig({ radiusUnit: 'ft', radiusPresets: [500, 5280] })).toMatchObject({
      ok: true,
    });
  });
});
