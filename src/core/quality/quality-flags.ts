/**
 * Data-quality flags by rule: what an analyst should look at on a site, computed from the
 * site and its cameras whenever either is written. The flags are codes of the schema's
 * `QualityFlag` domain, stored in the multi-valued `quality_flags` field as one
 * comma-separated text (`geocode_low,missing_direction`), in the domain's order.
 */
import { QualityFlag } from '../schema/domains.js';
import { CONFIRMATION_INTERVAL_DAYS, SITES } from '../schema/registry-schema.js';
import { validateAttributes } from '../validation/validate-attributes.js';

const DAY_MS = 86_400_000;

export type QualityFlagCode =
  | 'geocode_low'
  | 'outside_city'
  | 'missing_direction'
  | 'stale'
  | 'duplicate_suspect'
  | 'no_retention'
  | 'contact_unreachable';

/** The thresholds the rules use; defaults in {@link DEFAULT_QUALITY_RULES}. */
export interface QualityRules {
  /** A geocode score below this (0–100) is low; the score itself is not. */
  readonly minGeocodeScore: number;
  /** Days from the last confirmation after which a site without a due date is stale. */
  readonly confirmationIntervalDays: number;
}

export const DEFAULT_QUALITY_RULES: QualityRules = {
  minGeocodeScore: 80,
  confirmationIntervalDays: CONFIRMATION_INTERVAL_DAYS,
};

type Values = Readonly<Record<string, unknown>>;

/** What the rules read besides the site and its cameras. */
export interface QualityContext {
  /** The moment the flags are computed for (epoch ms). */
  readonly now: number;
  /** Whether the site's point lies in the city's districts; undefined: not known. */
  readonly insideCity?: boolean;
  /**
   * Whether a duplicate search found a likely duplicate; undefined keeps what the site's
   * stored flags say (the rules here cannot see other sites).
   */
  readonly duplicateSuspect?: boolean;
  readonly rules?: QualityRules;
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** The codes of a stored `quality_flags` value (empty for none). */
export function parseQualityFlags(stored: unknown): string[] {
  if (typeof stored !== 'string') return [];
  return stored
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '');
}

/** Whether a contact value passes the schema's own check (`phone`: E.164, `email`). */
function validContact(name: 'phone' | 'email', value: unknown): boolean {
  if (isBlank(value)) return false;
  return validateAttributes(SITES, { [name]: value }, { view: 'source', mode: 'patch' }).ok;
}

/** A camera still in service (a removed camera's settings no longer matter). */
const inService = (camera: Values): boolean => camera.status !== 'removed';

/**
 * Each rule, and whether it holds:
 * - `geocode_low`: the point came from the geocoder (or nobody said how it was placed) with
 *   a score below `minGeocodeScore`; a pin the registrant moved or an analyst corrected is
 *   trusted instead;
 * - `outside_city`: the point is in no district;
 * - `missing_direction`: a camera in service has no view bearing (a 360° camera needs none);
 * - `stale`: the confirmation due date has come (officers no longer see the site), or, with
 *   no due date, the last confirmation is `confirmationIntervalDays` old;
 * - `no_retention`: a camera in service keeps no footage (0 days, or live view only);
 * - `contact_unreachable`: neither a valid phone number nor a valid e-mail address;
 * - `duplicate_suspect`: as the duplicate search said ({@link QualityContext.duplicateSuspect}).
 */
export function qualityFlagsOf(
  site: Values,
  cameras: readonly Values[],
  context: QualityContext,
): QualityFlagCode[] {
  const rules = context.rules ?? DEFAULT_QUALITY_RULES;
  const active = cameras.filter(inService);
  const method = site.location_method;
  const holds: Record<QualityFlagCode, boolean> = {
    geocode_low:
      isNumber(site.geocode_score) &&
      site.geocode_score < rules.minGeocodeScore &&
      (isBlank(method) || method === 'geocoded'),
    outside_city: context.insideCity === false,
    missing_direction: active.some(
      (camera) =>
        !isNumber(camera.view_bearing) && !(isNumber(camera.fov_deg) && camera.fov_deg >= 360),
    ),
    stale: isNumber(site.confirm_due_at)
      ? site.confirm_due_at <= context.now
      : isNumber(site.last_confirmed_at) &&
        site.last_confirmed_at + rules.confirmationIntervalDays * DAY_MS <= context.now,
    duplicate_suspect:
      context.duplicateSuspect ??
      parseQualityFlags(site.quality_flags).includes('duplicate_suspect'),
    no_retention: active.some(
      (camera) => camera.retention_days === 0 || camera.recording_mode === 'live_only',
    ),
    contact_unreachable: !validContact('phone', site.phone) && !validContact('email', site.email),
  };
  return QualityFlag.values
    .map((value) => value.code as QualityFlagCode)
    .filter((code) => holds[code]);
}

/** The `quality_flags` value to store: the codes joined by commas, or null for none. */
export function qualityFlagsValue(flags: readonly string[]): string | null {
  return flags.length === 0 ? null : flags.join(',');
}

/** A stored `quality_flags` value with `code` added (in the domain's order), or as it was. */
export function withQualityFlag(stored: unknown, code: QualityFlagCode): string | null {
  const present = new Set(parseQualityFlags(stored));
  present.add(code);
  return qualityFlagsValue(QualityFlag.values.map((v) => v.code).filter((c) => present.has(c)));
}
