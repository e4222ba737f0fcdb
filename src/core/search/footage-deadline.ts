/**
 * When a camera's footage of an incident is likely overwritten: the incident time plus the
 * days the owner said the recorder keeps. Times are epoch milliseconds.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Hours before the deadline from which footage counts as urgent, unless configured. */
export const DEFAULT_URGENT_WITHIN_HOURS = 48;

/** How pressing a camera's footage is. */
export const FootageUrgency = {
  /** The deadline has passed: the footage is probably overwritten. */
  ProbablyGone: 'probably_gone',
  /** The deadline falls within the urgent window. */
  Urgent: 'urgent',
  /** There is time. */
  Ok: 'ok',
  /** Retention is not known. */
  Unknown: 'unknown',
} as const;
export type FootageUrgency = (typeof FootageUrgency)[keyof typeof FootageUrgency];

/**
 * The moment footage recorded at `incidentAt` is overwritten by a recorder that keeps
 * `retentionDays` days, or `null` when retention is unknown. A retention of 0 (live view
 * only) gives the incident time itself: nothing was kept.
 */
export function footageDeadline(
  incidentAt: number,
  retentionDays: number | null | undefined,
): number | null {
  if (!Number.isFinite(incidentAt))
    throw new RangeError(`incidentAt must be epoch ms, got ${incidentAt}`);
  if (retentionDays === null || retentionDays === undefined) return null;
  if (!Number.isFinite(retentionDays) || retentionDays < 0) {
    throw new RangeError(`retentionDays must be a number >= 0, got ${retentionDays}`);
  }
  return incidentAt + retentionDays * DAY_MS;
}

/**
 * Classifies a deadline against `now`: gone once passed (a deadline equal to `now` counts as
 * passed), urgent when it falls within `urgentWithinHours`, otherwise ok.
 */
export function footageUrgency(
  deadline: number | null,
  now: number,
  urgentWithinHours: number = DEFAULT_URGENT_WITHIN_HOURS,
): FootageUrgency {
  if (!Number.isFinite(now)) throw new RangeError(`now must be epoch ms, got ${now}`);
  if (!Number.isFinite(urgentWithinHours) || urgentWithinHours < 0) {
    throw new RangeError(`urgentWithinHours must be a number >= 0, got ${urgentWithinHours}`);
  }
  if (deadline === null) return FootageUrgency.Unknown;
  if (deadline <= now) return FootageUrgency.ProbablyGone;
  if (deadline - now <= urgentWithinHours * HOUR_MS) return FootageUrgency.Urgent;
  return FootageUrgency.Ok;
}

/** How long until a deadline, or how long since it passed, in one unit people say. */
export interface TimeLeft {
  /** Whole units, rounded down (never more time left than there is). */
  readonly amount: number;
  readonly unit: 'day' | 'hour' | 'minute';
  /** The deadline has passed (at `now` included): `amount` is how long ago. */
  readonly passed: boolean;
}

/**
 * The time between `now` and a deadline as an amount to show: days from two days on, hours
 * from one hour on, else minutes; `null` when the deadline is unknown.
 */
export function footageTimeLeft(deadline: number | null, now: number): TimeLeft | null {
  if (!Number.isFinite(now)) throw new RangeError(`now must be epoch ms, got ${now}`);
  if (deadline === null) return null;
  if (!Number.isFinite(deadline)) {
    throw new RangeError(`deadline must be epoch ms or null, got ${deadline}`);
  }
  const passed = deadline <= now;
  const span = Math.abs(deadline - now);
  if (span >= 2 * DAY_MS) return { amount: Math.floor(span / DAY_MS), unit: 'day', passed };
  if (span >= HOUR_MS) return { amount: Math.floor(span / HOUR_MS), unit: 'hour', passed };
  return { amount: Math.floor(span / 60_000), unit: 'minute', passed };
}
