import { describe, expect, it } from 'vitest';
import { changeDiff } from '../../src/core/review/change-diff.js';
import { flagWhere, sitesWhere } from '../../src/core/review/review-queue.js';
import { DEFAULT_REVIEW_CONFIG, readReviewConfig } from '../../src/core/review/review-config.js';

const site = { phone: '+18165550100', email: null, address: '1 Main St', site_type: 'residence' };

describe('changeDiff', () => {
  it('lists only the fields that change, with before and after', () => {
    const payload = JSON.stringify({
      site: { phone: '+18165550199', email: 'a@example.org', address: '1 Main St' },
    });
    expect(changeDiff(payload, site, null, [])).toEqual({
      ok: true,
      rows: [
        { field: 'phone', before: '+18165550100', after: '+18165550199' },
        { field: 'email', before: null, after: 'a@example.org' },
      ],
    });
  });

  it('shows a moved point and a restated camera list', () => {
    const payload = JSON.stringify({
      location: { x: -94.4, y: 39.1 },
      cameras: [
        { attributes: { label: 'Porch' }, location: { x: -94.4, y: 39.1 } },
        { attributes: { label: 'Garage' }, location: { x: -94.4, y: 39.1 } },
      ],
    });
    expect(changeDiff(payload, site, { x: -94.41, y: 39.1 }, ['Porch'])).toEqual({
      ok: true,
      rows: [
        { field: 'location', before: '39.100000, -94.410000', after: '39.100000, -94.400000' },
        { field: 'cameras', before: 'Porch', after: 'Porch, Garage' },
      ],
    });
  });

  it('lists nothing for a payload that changes nothing, and refuses one that is not an object', () => {
    expect(changeDiff(JSON.stringify({ site: { phone: '+18165550100' } }), site, null, [])).toEqual(
      {
        ok: true,
        rows: [],
      },
    );
    for (const bad of ['', 'null', '[1]', '{oops', null, undefined]) {
      expect(changeDiff(bad, site, null, [])).toEqual({ ok: false });
    }
  });
});

describe('queue where clauses', () => {
  it('matches a flag as a whole item of the comma list', () => {
    const where = flagWhere('no_retention');
    expect(where).toBe(
      "(quality_flags = 'no_retention' OR quality_flags LIKE 'no!_retention,%' ESCAPE '!' OR " +
        "quality_flags LIKE '%,no!_retention' ESCAPE '!' OR quality_flags LIKE '%,no!_retention,%' ESCAPE '!')",
    );
  });

  it('refuses a code outside the QualityFlag domain (no SQL from outside)', () => {
    expect(() => flagWhere("x' OR 1=1 --")).toThrow(RangeError);
  });

  it('narrows pending or all sites by a flag', () => {
    expect(sitesWhere('registrations', null)).toBe("status = 'pending'");
    expect(sitesWhere('all', null)).toBe('1=1');
    expect(sitesWhere('all', 'stale')).toBe(`1=1 AND ${flagWhere('stale')}`);
    expect(sitesWhere('registrations', 'stale')).toBe(
      `status = 'pending' AND ${flagWhere('stale')}`,
    );
  });
});

describe('readReviewConfig', () => {
  it('fills defaults and takes given addresses', () => {
    expect(readReviewConfig({})).toEqual({ value: DEFAULT_REVIEW_CONFIG, issues: [] });
    expect(
      readReviewConfig({ serviceUrl: ' /x/FeatureServer ', geocodeUrl: null, $schema: 'y' }),
    ).toEqual({
      value: { ...DEFAULT_REVIEW_CONFIG, serviceUrl: '/x/FeatureServer', geocodeUrl: null },
      issues: [],
    });
  });

  it('names unknown keys and wrong values, keeping the defaults', () => {
    expect(readReviewConfig({ serviceUrl: 3, tokenUrl: null, colour: 'red' })).toEqual({
      value: DEFAULT_REVIEW_CONFIG,
      issues: [
        'serviceUrl: must be an address',
        'tokenUrl: must be an address',
        'colour: unknown setting',
      ],
    });
  });
});
