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
