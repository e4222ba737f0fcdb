/**
 * The yearly re-confirmation cycle of a registration: a reminder some days before
 * `confirm_due_at`, expiry at the due date (officers no longer see the site), and purge
 * once a grace period after the due date has passed. Pure: `ccr reconfirm` reads the sites
 * and carries the plan out.
 */
import { CONFIRMATION_INTERVAL_DAYS } from '../schema/registry-schema.js';
import type { AttributeValue } from '../validation/validate-attributes.js';

const DAY_MS = 86_400_000;

export interface ConfirmationSchedule {
  /** Days before the due date that the reminder goes out. */
  readonly reminderDays: number;
  /** Days after the due date that an expired site is kept (and can still be re-confirmed). */
  readonly graceDays: number;
  /**
   * Days from a confirmation to its due date, for sites stored without a due date (their due
   * date is then counted from `last_confirmed_at`, else from `CreationDate`).
   */
  readonly intervalDays: number;
}

/** A month's notice, three months' grace, the schema's year between confirmations. */
export const DEFAULT_CONFIRMATION_SCHEDULE: ConfirmationSchedule = {
  reminderDays: 30,
  graceDays: 90,
  intervalDays: CONFIRMATION_INTERVAL_DAYS,
};

/** Site statuses the cycle looks after; `rejected` and `withdrawn` are left to analysts. */
export const CYCLE_STATUSES = ['pending', 'verified', 'expired'] as const;

/** The site fields the cycle reads. */
export const CYCLE_FIELDS = [
  'status',
  'confirm_due_at',
  'last_confirmed_at',
  'reminded_at',
  'CreationDate',
] as const;

export type CycleSite = Readonly<Partial<Record<(typeof CYCLE_FIELDS)[number], AttributeValue>>>;

/**
 * What one run does with one site: `purge` it (with its cameras, contact entries and change
 * requests), or `expire` it and/or `remind` its registrant; `none` when nothing is due.
 */
export type ConfirmationPlan =
  | { readonly action: 'none' }
  | { readonly action: 'purge'; readonly dueAt: number }
  | {
      readonly action: 'cycle';
      readonly expire: boolean;
      readonly remind: boolean;
      /** The due date (epoch ms) the reminder names. */
      readonly dueAt: number;
      /** When the site will be purged unless re-confirmed (epoch ms). */
      readonly purgeAt: number;
    };

const asTime = (value: AttributeValue | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** The site's due date: stored, else counted from its last confirmation or its creation. */
export function dueDateOf(site: CycleSite, intervalDays: number): number | null {
  const stored = asTime(site.confirm_due_at);
  if (stored !== null) return stored;
  const from = asTime(site.last_confirmed_at) ?? asTime(site.CreationDate);
  return from === null ? null : from + intervalDays * DAY_MS;
}

/**
 * Whether the registrant was already reminded in this cycle: a reminder counts until the
 * next confirmation (re-confirming or an applied update sets `last_confirmed_at`).
 */
export function remindedThisCycle(site: CycleSite): boolean {
  const reminded = asTime(site.reminded_at);
  if (reminded === null) return false;
  const confirmed = asTime(site.last_confirmed_at);
  return confirmed === null || reminded >= confirmed;
}

/**
 * The plan for one site at `now`. A site is purged only once it has been marked expired and
 * the grace period after its due date is over, so every purged site went through a run that
 * expired it (and hid it from officers) first. The reminder window runs from `reminderDays`
 * before the due date until the purge, so a registrant not reached before expiry (no mail
 * server then) still hears before their details go; one reminder per cycle.
 */
export function planConfirmation(
  site: CycleSite,
  now: number,
  schedule: ConfirmationSchedule = DEFAULT_CONFIRMATION_SCHEDULE,
): ConfirmationPlan {
  const status = site.status;
  if (typeof status !== 'string' || !(CYCLE_STATUSES as readonly string[]).includes(status))
    return { action: 'none' };
  const dueAt = dueDateOf(site, schedule.intervalDays);
  if (dueAt === null) return { action: 'none' };
  const purgeAt = dueAt + schedule.graceDays * DAY_MS;
  if (status === 'expired' && now >= purgeAt) return { action: 'purge', dueAt };
  const expire = status !== 'expired' && now >= dueAt;
  const remind =
    now >= dueAt - schedule.reminderDays * DAY_MS && now < purgeAt && !remindedThisCycle(site);
  return expire || remind
    ? { action: 'cycle', expire, remind, dueAt, purgeAt }
    : { action: 'none' };
}
