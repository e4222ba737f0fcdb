import { describe, expect, it } from 'vitest';
import { validateSearchInput } from '../../../src/core/search/validate-search-input.js';

const NOW = Date.UTC(2026, 10, 20);
const good = {
  caseNumber: '26-1',
  purpose: 'missing_person',
  incident: [-94.4, 39.1] as const,
  incidentAt: NOW - 1000,
  radiusMeters: 152.4,
};

describe('validateSearchInput', () => {
  it('accepts a complete request and trims the case number', () => {
    expect(validateSearchInput({ ...good, caseNumber: '  26-1 ' }, NOW)).toEqual({
      ok: true,
      value: good,
    });
  });
  it('names every problem by field', () => {
    expect(
      validateSearchInput({
        caseNumber: '',
        purpose: '',
        incident: null,
        incidentAt: Number.NaN,
        radiusMeters: Number.NaN,
      }),
    ).toEqual({
      ok: false,
      issues: {
        caseNumber: 'REQUIRED',
        purpose: 'REQUIRED',
        incident: 'REQUIRED',
        incidentAt: 'REQUIRED',
        radius: 'REQUIRED',
      },
    });
    expect(
      validateSearchInput(
        {
          caseNumber: 'x'.repeat(41),
          purpose: 'fun',
          incident: [200, 0],
          incidentAt: NOW + 3_600_000,
          radiusMeters: 6000,
        },
        NOW,
      ),
    ).toEqual({
      ok: false,
      issues: {
        caseNumber: 'TOO_LONG',
        purpose: 'NOT_IN_DOMAIN',
        incident: 'OUT_OF_RANGE',
        incidentAt: 'OUT_OF_RANGE',
        radius: 'OUT_OF_RANGE',
      },
    });
    expect(validateSearchInput({ ...good, caseNumber: 'a\u0007b' })).toMatchObject({
      ok: false,
      issues: { caseNumber: 'INVALID' },
    });
  });
});
