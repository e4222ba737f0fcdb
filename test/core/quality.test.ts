/**
 * Quality flags by rule, each just below, at and above its threshold, and stored as the
 * schema's multi-valued `quality_flags` reads them.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUALITY_RULES,
  parseQualityFlags,
  qualityFlagsOf,
  qualityFlagsValue,
  withQualityFlag,
} from '../../src/core/quality/quality-flags.js';
import { QualityFlag } from '../../src/core/schema/domains.js';
import { SITES } from '../../src/core/schema/registry-schema.js';
import { validateAttributes } from '../../src/core/validation/validate-attributes.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2027, 0, 15);
const site = (extra: Record<string, unknown> = {}) => ({
  phone: '+18165550100',
  email: 'pat@example.com',
  geocode_score: 95,
  location_method: 'geocoded',
  confirm_due_at: NOW + 30 * DAY,
  ...extra,
});
const camera = (extra: Record<string, unknown> = {}) => ({
  view_bearing: 90,
  fov_deg: 90,
  retention_days: 14,
  recording_mode: 'motion',
  status: 'active',
  ...extra,
});
const flags = (s: Record<string, unknown>, cameras = [camera()], context = {}) =>
  qualityFlagsOf(s, cameras, { now: NOW, ...context });

describe('qualityFlagsOf', () => {
  it('flags nothing on a complete, well-placed, current site', () => {
    expect(flags(site())).toEqual([]);
  });

  it('geocode_low: below the minimum score, not at or above it', () => {
    expect(DEFAULT_QUALITY_RULES.minGeocodeScore).toBe(80);
    expect(flags(site({ geocode_score: 79.99 }))).toEqual(['geocode_low']);
    expect(flags(site({ geocode_score: 80 }))).toEqual([]);
    expect(flags(site({ geocode_score: 80.01 }))).toEqual([]);
    expect(flags(site({ geocode_score: 0, location_method: null }))).toEqual(['geocode_low']);
    expect(flags(site({ geocode_score: null }))).toEqual([]);
  });

  it('geocode_low: not when the registrant moved the pin or an analyst corrected it', () => {
    expect(flags(site({ geocode_score: 40, location_method: 'pin_adjusted' }))).toEqual([]);
    expect(flags(site({ geocode_score: 40, location_method: 'analyst_corrected' }))).toEqual([]);
  });

  it('geocode_low: follows a threshold the caller sets', () => {
    const rules = { ...DEFAULT_QUALITY_RULES, minGeocodeScore: 90 };
    expect(flags(site({ geocode_score: 89 }), [camera()], { rules })).toEqual(['geocode_low']);
    expect(flags(site({ geocode_score: 90 }), [camera()], { rules })).toEqual([]);
  });

  it('outside_city: only when the point is known to be in no district', () => {
    expect(flags(site(), [camera()], { insideCity: false })).toEqual(['outside_city']);
    expect(flags(site(), [camera()], { insideCity: true })).toEqual([]);
    expect(flags(site(), [camera()], {})).toEqual([]);
  });

  it('missing_direction: a camera in service without a bearing, unless it sees all round', () => {
    expect(flags(site(), [camera(), camera({ view_bearing: null })])).toEqual([
      'missing_direction',
    ]);
    expect(flags(site(), [camera({ view_bearing: undefined })])).toEqual(['missing_direction']);
    expect(flags(site(), [camera({ view_bearing: 0 })])).toEqual([]);
    expect(flags(site(), [camera({ view_bearing: null, fov_deg: 359 })])).toEqual([
      'missing_direction',
    ]);
    expect(flags(site(), [camera({ view_bearing: null, fov_deg: 360 })])).toEqual([]);
    expect(flags(site(), [camera({ view_bearing: null, status: 'removed' })])).toEqual([]);
    expect(flags(site(), [camera({ view_bearing: null, status: 'temporarily_down' })])).toEqual([
      'missing_direction',
    ]);
  });

  it('stale: from the due date on, not before', () => {
    expect(flags(site({ confirm_due_at: NOW - 1 }))).toEqual(['stale']);
    expect(flags(site({ confirm_due_at: NOW }))).toEqual(['stale']);
    expect(flags(site({ confirm_due_at: NOW + 1 }))).toEqual([]);
  });

  it('stale: with no due date, once the last confirmation is a full interval old', () => {
    const interval = DEFAULT_QUALITY_RULES.confirmationIntervalDays * DAY;
    const confirmed = (at: number) => site({ confirm_due_at: null, last_confirmed_at: at });
    expect(flags(confirmed(NOW - interval - 1))).toEqual(['stale']);
    expect(flags(confirmed(NOW - interval))).toEqual(['stale']);
    expect(flags(confirmed(NOW - interval + 1))).toEqual([]);
    expect(flags(site({ confirm_due_at: null }))).toEqual([]);
  });

  it('no_retention: a camera in service keeping 0 days, or recording nothing', () => {
    expect(flags(site(), [camera({ retention_days: 0 })])).toEqual(['no_retention']);
    expect(flags(site(), [camera({ retention_days: 1 })])).toEqual([]);
    expect(flags(site(), [camera({ recording_mode: 'live_only' })])).toEqual(['no_retention']);
    expect(flags(site(), [camera({ retention_days: 0, status: 'removed' })])).toEqual([]);
  });

  it('contact_unreachable: no valid phone and no valid e-mail', () => {
    expect(flags(site({ phone: null, email: null }))).toEqual(['contact_unreachable']);
    expect(flags(site({ phone: '  ', email: '' }))).toEqual(['contact_unreachable']);
    expect(flags(site({ phone: '816-555-0100', email: 'not an address' }))).toEqual([
      'contact_unreachable',
    ]);
    expect(flags(site({ phone: '816-555-0100' }))).toEqual([]);
    expect(flags(site({ email: 'pat@example' }))).toEqual([]);
    expect(flags(site({ phone: null }))).toEqual([]);
    expect(flags(site({ email: null }))).toEqual([]);
  });

  it('duplicate_suspect: as the duplicate search says, else as stored', () => {
    expect(flags(site(), [camera()], { duplicateSuspect: true })).toEqual(['duplicate_suspect']);
    const stored = site({ quality_flags: 'geocode_low,duplicate_suspect' });
    expect(flags(stored)).toEqual(['duplicate_suspect']);
    expect(flags(stored, [camera()], { duplicateSuspect: false })).toEqual([]);
  });

  it('lists several flags in the domain’s order', () => {
    const all = flags(
      site({ geocode_score: 10, phone: null, email: null, confirm_due_at: NOW }),
      [camera({ view_bearing: null, retention_days: 0 })],
      { insideCity: false, duplicateSuspect: true },
    );
    expect(all).toEqual(QualityFlag.values.map((v) => v.code));
  });
});

describe('stored quality_flags', () => {
  it('are a value the schema accepts, or null', () => {
    const every = qualityFlagsValue(QualityFlag.values.map((v) => v.code));
    expect(
      validateAttributes(SITES, { quality_flags: every }, { view: 'source', mode: 'patch' }).ok,
    ).toBe(true);
    expect(qualityFlagsValue([])).toBeNull();
    expect(parseQualityFlags(every)).toEqual(QualityFlag.values.map((v) => v.code));
    expect(parseQualityFlags(' stale , ,geocode_low')).toEqual(['stale', 'geocode_low']);
    expect(parseQualityFlags(null)).toEqual([]);
  });

  it('take one more flag in the domain’s order, once', () => {
    expect(withQualityFlag(null, 'duplicate_suspect')).toBe('duplicate_suspect');
    expect(withQualityFlag('stale,contact_unreachable', 'geocode_low')).toBe(
      'geocode_low,stale,contact_unreachable',
    );
    expect(withQualityFlag('duplicate_suspect', 'duplicate_suspect')).toBe('duplicate_suspect');
  });
});
