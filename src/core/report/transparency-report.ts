/**
 * The program's public transparency report: counts only, from fields that name no one
 * (dates, district, purpose, outcome, request type), never a contact value, a case number,
 * a place finer than a district or a person's name. Small counts are suppressed: a count
 * from 1 to {@link SUPPRESSION_THRESHOLD} − 1 is published as {@link SUPPRESSED}
 * (`"<5"`), so no published figure singles out a few households or a single case. Zero is
 * published as 0. No totals are published beside the cells, so a suppressed cell can never be
 * worked out by subtraction. Months are calendar months in UTC (`2026-07`).
 */

/** Counts below this (and above zero) are not published. */
export const SUPPRESSION_THRESHOLD = 5;
/** What a suppressed count is published as. */
export const SUPPRESSED = `<${SUPPRESSION_THRESHOLD}`;

/** A published count: a number (0, or the threshold and above) or {@link SUPPRESSED}. */
export type PublishedCount = number | typeof SUPPRESSED;

/** One table of the report: column names, then rows of text keys ending in counts. */
export interface ReportTable {
  /** File-name-safe id (`registrations_by_district_month`). */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | PublishedCount)[])[];
}

export interface TransparencyReport {
  /** When the data was read (ISO 8601). */
  readonly generatedAt: string;
  readonly suppressionThreshold: number;
  readonly suppressedAs: string;
  readonly tables: readonly ReportTable[];
  /** What the report cannot count, and why. */
  readonly notes: readonly string[];
}

type Value = string | number | null | undefined;
type Row = Readonly<Record<string, Value>>;

/** The rows the report reads; each holds only the fields listed in {@link REPORT_FIELDS}. */
export interface ReportInput {
  readonly sites: readonly Row[];
  readonly cameras: readonly Row[];
  readonly searches: readonly Row[];
  readonly contacts: readonly Row[];
  readonly changeRequests: readonly Row[];
}

/** The only fields the report reads of each layer: none of them a contact value. */
export const REPORT_FIELDS = {
  sites: ['GlobalID', 'district', 'status', 'CreationDate', 'confirm_due_at', 'EditDate'],
  cameras: ['site_guid', 'CreationDate', 'status'],
  searches: ['purpose', 'CreationDate'],
  contacts: ['outcome', 'contacted_at', 'CreationDate'],
  changeRequests: ['request_type', 'request_status', 'processed_at', 'CreationDate'],
} as const satisfies Record<keyof ReportInput, readonly string[]>;

const UNASSIGNED = 'unassigned';
const UNKNOWN = 'unknown';

/** `2026-07` for an epoch-ms time (UTC), or `unknown`. */
export function monthOf(value: Value): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? new Date(value).toISOString().slice(0, 7)
    : UNKNOWN;
}

/** A count as published: suppressed from 1 to the threshold less one. */
export function publishCount(count: number): PublishedCount {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  return count > 0 && count < SUPPRESSION_THRESHOLD ? SUPPRESSED : count;
}

const text = (value: Value, blank: string): string =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : blank;

/** Counts rows by a key of several parts; rows sorted by their parts. */
function countBy(
  id: string,
  title: string,
  columns: readonly string[],
  keys: Iterable<readonly string[]>,
): ReportTable {
  const counts = new Map<string, { parts: readonly string[]; n: number }>();
  for (const parts of keys) {
    const key = JSON.stringify(parts);
    const entry = counts.get(key);
    if (entry) entry.n += 1;
    else counts.set(key, { parts, n: 1 });
  }
  const rows = [...counts.values()]
    .sort((a, b) => {
      for (let i = 0; i < a.parts.length; i++) {
        const order = (a.parts[i] as string).localeCompare(b.parts[i] as string);
        if (order !== 0) return order;
      }
      return 0;
    })
    .map(({ parts, n }) => [...parts, publishCount(n)]);
  return { id, title, columns, rows };
}

/**
 * The report from the rows read (see {@link REPORT_FIELDS}), as of `now`.
 *
 * - registrations and cameras by district and month registered (sites still on record, any
 *   status; a camera counts in its site's district);
 * - officer searches by purpose and month (SearchAudit, append only, so complete);
 * - officer contacts by outcome;
 * - withdrawals and expiries by month: withdrawals carried out (a withdrawal deletes the
 *   site and keeps only its own request, settled `applied`, counted by the month it was
 *   carried out), withdrawal requests still waiting (by the month sent), and sites marked
 *   expired (by due date) or withdrawn. A refused withdrawal (a wrong code, or a reference
 *   already withdrawn) is not counted.
 */
export function buildTransparencyReport(input: ReportInput, now: number): TransparencyReport {
  const districtOf = new Map<string, string>();
  for (const site of input.sites)
    if (typeof site.GlobalID === 'string')
      districtOf.set(site.GlobalID, text(site.district, UNASSIGNED));

  const registrations = countBy(
    'registrations_by_district_month',
    'Registrations by district and month registered',
    ['district', 'month', 'registrations'],
    input.sites.map((s) => [text(s.district, UNASSIGNED), monthOf(s.CreationDate)]),
  );
  const cameras = countBy(
    'cameras_by_district_month',
    'Cameras by district and month registered',
    ['district', 'month', 'cameras'],
    input.cameras
      .filter((c) => c.status !== 'removed')
      .map((c) => [
        districtOf.get(typeof c.site_guid === 'string' ? c.site_guid : '') ?? UNASSIGNED,
        monthOf(c.CreationDate),
      ]),
  );
  const searches = countBy(
    'searches_by_purpose_month',
    'Officer searches by purpose and month',
    ['purpose', 'month', 'searches'],
    input.searches.map((s) => [text(s.purpose, UNKNOWN), monthOf(s.CreationDate)]),
  );
  const contacts = countBy(
    'contacts_by_outcome',
    'Officer contacts with registrants by outcome',
    ['outcome', 'contacts'],
    input.contacts.map((c) => [text(c.outcome, UNKNOWN)]),
  );
  const endings = countBy(
    'withdrawals_expiries_by_month',
    'Withdrawals and expiries by month',
    ['event', 'month', 'registrations'],
    [
      ...input.sites
        .filter((s) => s.status === 'expired')
        .map((s) => ['expired', monthOf(s.confirm_due_at)]),
      ...input.sites
        .filter((s) => s.status === 'withdrawn')
        .map((s) => ['withdrawn', monthOf(s.EditDate)]),
      ...input.changeRequests
        .filter((r) => r.request_type === 'withdraw' && r.request_status === 'applied')
        .map((r) => ['withdrawal_carried_out', monthOf(r.processed_at)]),
      ...input.changeRequests
        .filter((r) => r.request_type === 'withdraw' && r.request_status === 'pending')
        .map((r) => ['withdrawal_requested', monthOf(r.CreationDate)]),
    ],
  );
  return {
    generatedAt: new Date(now).toISOString(),
    suppressionThreshold: SUPPRESSION_THRESHOLD,
    suppressedAs: SUPPRESSED,
    tables: [registrations, cameras, searches, contacts, endings],
    notes: [
      `Counts from 1 to ${SUPPRESSION_THRESHOLD - 1} are shown as "${SUPPRESSED}"; no totals are shown, so they cannot be worked out.`,
      'Months are calendar months in UTC.',
      'A withdrawal deletes the registration; its request is kept, with nothing that names anyone, and counted in the month the withdrawal was carried out. Withdrawal requests still waiting count in the month they were sent; refused ones are not counted. Expired registrations are counted until they are purged.',
    ],
  };
}

/** One table as CSV (RFC 4180: CRLF line ends, fields quoted when they need it). */
export function reportTableCsv(table: ReportTable): string {
  const field = (value: string | number) => {
    const s = String(value);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return (
    [table.columns, ...table.rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n'
  );
}
