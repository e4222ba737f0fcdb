/**
 * The analyst's queue as where clauses over the source service: pending registrations (Sites
 * `status = 'pending'`, oldest first), pending changes (ChangeRequests held for review), and a
 * filter by data-quality flag that also works over every site.
 */
import { QualityFlag } from '../schema/domains.js';

/** Which rows the queue lists. */
export const QueueKind = {
  /** New registrations waiting for verification. */
  Registrations: 'registrations',
  /** Updates to verified sites held for an analyst. */
  Changes: 'changes',
  /** Every site (with a flag filter: the data-quality list). */
  AllSites: 'all',
} as const;
export type QueueKind = (typeof QueueKind)[keyof typeof QueueKind];

/** Held updates: see `core/change-requests` (`request_status` `review`). */
export const CHANGES_IN_REVIEW_WHERE = "request_status = 'review'";

const FLAG_CODES: ReadonlySet<string> = new Set(QualityFlag.values.map((v) => v.code));

/**
 * `quality_flags` holds codes separated by commas: a flag matches the whole list, its head,
 * its tail or a middle item, never a code that merely contains it.
 */
export function flagWhere(flag: string): string {
  if (!FLAG_CODES.has(flag)) throw new RangeError(`not a QualityFlag code: ${flag}`);
  // `_` is a LIKE wildcard and every code has one: match it literally.
  const literal = flag.replace(/_/g, '!_');
  const like = (pattern: string) => `quality_flags LIKE '${pattern}' ESCAPE '!'`;
  return (
    `(quality_flags = '${flag}' OR ${like(`${literal},%`)} OR ` +
    `${like(`%,${literal}`)} OR ${like(`%,${literal},%`)})`
  );
}

/** The Sites where clause of a queue: its kind, narrowed by a flag when one is chosen. */
export function sitesWhere(kind: Exclude<QueueKind, 'changes'>, flag: string | null): string {
  const base = kind === QueueKind.Registrations ? "status = 'pending'" : '1=1';
  return flag ? `${base} AND ${flagWhere(flag)}` : base;
}

/** Rows per queue page. */
export const QUEUE_PAGE_SIZE = 25;
