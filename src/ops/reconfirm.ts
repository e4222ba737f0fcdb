/**
 * `ccr reconfirm`: the yearly re-confirmation cycle, through the ArcGIS REST API alone.
 * Reminds registrants before their due date (once per cycle, recorded in `reminded_at`),
 * marks sites `expired` at the due date (the officer view shows only verified sites), and
 * purges expired sites, with their cameras, contact entries and change requests, once the
 * grace period is over. The rules are `core/change-requests/confirmation-cycle.ts`.
 *
 * An analyst asks for a reminder out of turn by recording a ReviewLog row `reminder_sent`
 * (the analyst workspace does); each run sends one, in the same words, to every site in the
 * cycle whose latest such row is newer than its `reminded_at`, then sets `reminded_at`.
 */
import {
  applyServiceEdits,
  queryFeaturePages,
  queryObjectIds,
  sqlString,
  sqlTimestamp,
  type FeatureBody,
  type LayerEditsBody,
} from '../client/arcgis-request.js';
import {
  CYCLE_FIELDS,
  CYCLE_STATUSES,
  DEFAULT_CONFIRMATION_SCHEDULE,
  dueDateOf,
  planConfirmation,
  type ConfirmationSchedule,
} from '../core/change-requests/confirmation-cycle.js';
import { manageLink } from '../core/change-requests/manage-link.js';
import { AppError, ErrorCode } from '../core/errors.js';
import { normalizeReference } from '../core/registration/registration-codes.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONTACT_LOG,
  REVIEW_LOG,
  SITES,
} from '../core/schema/registry-schema.js';
import { normalizeGuid } from '../core/validation/validate-attributes.js';
import { composeReminderMail } from './mail/compose-mail.js';
import { mailLanguageOf } from './mail/mail-messages.js';
import { addMailCounts, deliver, noMail, type Mailer, type MailCounts } from './mail/mailer.js';
import type { ProgressSink, RegistryService } from './process-requests.js';

const DAY_MS = 86_400_000;

export interface ReconfirmOptions {
  /** The moment the run acts as of (epoch ms). */
  readonly now: number;
  readonly schedule?: ConfirmationSchedule;
  /** Reminders go through it; null counts them as not sent (and records none). */
  readonly mailer: Mailer | null;
  /** The page with the manage form; each reminder links to it with `?ref=` filled in. */
  readonly manageUrl?: string;
  /** Plans only: nothing is changed and nothing is sent. */
  readonly dryRun?: boolean;
  readonly pageSize?: number;
  /** IANA time zone of dates in e-mails; the machine's by default. */
  readonly timeZone?: string;
  readonly progress?: ProgressSink;
}

/** What one run did (or, in a dry run, would do); counts only. */
export interface ReconfirmReport {
  /** Sites looked at: due within the reminder window, overdue, or expired. */
  examined: number;
  /** All reminders: those the cycle sends and those analysts asked for. */
  readonly reminders: MailCounts;
  /**
   * Sites with an analyst's reminder request (a ReviewLog `reminder_sent` row newer than
   * their `reminded_at`) that this run reminded (or, in a dry run, would remind); also
   * counted in `reminders`.
   */
  requested: number;
  expired: number;
  readonly purged: {
    sites: number;
    cameras: number;
    contactEntries: number;
    changeRequests: number;
  };
  /** Sites whose edits the service refused; tried again next run. */
  failed: number;
}

function emptyReport(): ReconfirmReport {
  return {
    examined: 0,
    reminders: noMail(),
    requested: 0,
    expired: 0,
    purged: { sites: 0, cameras: 0, contactEntries: 0, changeRequests: 0 },
    failed: 0,
  };
}

/** A refusal of the edits by the service, as opposed to no answer or no rights. */
function refusedByService(error: unknown): boolean {
  return (
    error instanceof AppError &&
    (error.code === ErrorCode.InvalidInput ||
      error.code === ErrorCode.Conflict ||
      error.code === ErrorCode.NotFound)
  );
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const time = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * GlobalIDs per `IN (...)` list when reading the sites analysts asked reminders for: 50 keep
 * the where clause well under the 4,000 characters services accept.
 */
export const SITES_PER_QUERY = 50;

/**
 * Outstanding reminder requests: for each site GlobalID with a ReviewLog `reminder_sent` row,
 * the time of its latest one (the service's `CreationDate`).
 */
export async function reminderRequests(
  service: RegistryService,
  pageSize?: number,
): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  for await (const page of queryFeaturePages(
    `${service.url}/${REVIEW_LOG.id}`,
    {
      where: "decision = 'reminder_sent' AND site_guid IS NOT NULL",
      outFields: ['site_guid', 'CreationDate'],
      pageSize,
    },
    { authentication: service.authentication },
  )) {
    for (const row of page) {
      const guid = text(row.attributes.site_guid);
      const at = time(row.attributes.CreationDate);
      if (guid === '' || at === null) continue;
      const key = normalizeGuid(guid);
      latest.set(key, Math.max(at, latest.get(key) ?? at));
    }
  }
  return latest;
}

/** Whether a request made at `requestedAt` is still unanswered by a reminder at `remindedAt`. */
const outstanding = (requestedAt: number | undefined, remindedAt: unknown): boolean =>
  requestedAt !== undefined && !((time(remindedAt) ?? -Infinity) >= requestedAt);

/**
 * Sites the cycle may have work for at `now`: in a cycle status, and due before the end of
 * the reminder window (or with no due date stored, counted from their last confirmation).
 */
export function cycleWhere(now: number, schedule: ConfirmationSchedule): string {
  const statuses = CYCLE_STATUSES.map(sqlString).join(', ');
  const windowEnd = sqlTimestamp(now + schedule.reminderDays * DAY_MS);
  return `status IN (${statuses}) AND (confirm_due_at IS NULL OR confirm_due_at <= ${windowEnd})`;
}

/** One run of the cycle at `options.now`. */
export async function reconfirm(
  service: RegistryService,
  options: ReconfirmOptions,
): Promise<ReconfirmReport> {
  const schedule = options.schedule ?? DEFAULT_CONFIRMATION_SCHEDULE;
  const call = { authentication: service.authentication };
  const layer = (id: number) => `${service.url}/${id}`;
  const report = emptyReport();
  const { now, dryRun = false } = options;
  const mailer = dryRun ? null : options.mailer;
  if (mailer && !options.manageUrl)
    throw new AppError(
      ErrorCode.InvalidInput,
      'Reminders link to the manage form: give --manage-url or CCR_MANAGE_URL.',
      [],
      { field: 'manage-url' },
    );

  const purge = async (site: FeatureBody): Promise<void> => {
    const a = site.attributes;
    const bySite = `site_guid = ${sqlString(text(a.GlobalID))}`;
    const reference = normalizeReference(text(a.registration_ref));
    const [cameras, contacts, requests] = await Promise.all([
      queryObjectIds(layer(CAMERAS.id), bySite, call),
      queryObjectIds(layer(CONTACT_LOG.id), bySite, call),
      reference === ''
        ? Promise.resolve([])
        : queryObjectIds(
            layer(CHANGE_REQUESTS.id),
            `registration_ref = ${sqlString(reference)}`,
            call,
          ),
    ]);
    if (!dryRun)
      await applyServiceEdits(
        service.url,
        [
          { id: CAMERAS.id, deletes: cameras },
          { id: CONTACT_LOG.id, deletes: contacts },
          { id: CHANGE_REQUESTS.id, deletes: requests },
          { id: SITES.id, deletes: [a.OBJECTID as number] },
        ],
        call,
      );
    report.purged.sites += 1;
    report.purged.cameras += cameras.length;
    report.purged.contactEntries += contacts.length;
    report.purged.changeRequests += requests.length;
  };

  /** Applies one page's updates together; a refused batch is retried site by site. */
  const update = async (updates: readonly { attributes: Record<string, unknown> }[]) => {
    if (dryRun || updates.length === 0) return updates.length;
    const edits = (chunk: readonly unknown[]): LayerEditsBody[] => [
      { id: SITES.id, updates: chunk },
    ];
    try {
      await applyServiceEdits(service.url, edits(updates), call);
      return updates.length;
    } catch (error) {
      if (!refusedByService(error)) throw error;
    }
    let done = 0;
    for (const one of updates) {
      try {
        await applyServiceEdits(service.url, edits([one]), call);
        done += 1;
      } catch (error) {
        if (!refusedByService(error)) throw error;
        report.failed += 1;
      }
    }
    return done;
  };

  const requests = await reminderRequests(service, options.pageSize);
  /** Sites reminded in this run (or counted as due in a dry run): never twice in one run. */
  const remindedInRun = new Set<string>();
  const remind = async (
    a: FeatureBody['attributes'],
    dueAt: number,
    purgeAt: number,
    expired: boolean,
  ): Promise<{ attributes: Record<string, unknown> } | null> => {
    const guid = normalizeGuid(text(a.GlobalID));
    const requestedAt = requests.get(guid);
    const asked = outstanding(requestedAt, a.reminded_at);
    remindedInRun.add(guid);
    const reference = normalizeReference(text(a.registration_ref));
    const counts = await deliver(mailer, [text(a.email)], () =>
      composeReminderMail(
        {
          reference,
          dueAt,
          purgeAt,
          expired,
          link: manageLink(options.manageUrl ?? '', reference),
        },
        mailLanguageOf(a.preferred_language),
        { timeZone: options.timeZone },
      ),
    );
    addMailCounts(report.reminders, counts);
    if (asked && (counts.sent > 0 || (dryRun && counts.notSent > 0))) report.requested += 1;
    if (counts.sent === 0) return null;
    // Never before the request it answers, whatever the two machines' clocks say.
    const at = asked ? Math.max(now, requestedAt ?? now) : now;
    return { attributes: { OBJECTID: a.OBJECTID, reminded_at: at } };
  };

  const where = cycleWhere(now, schedule);
  if (options.progress) {
    const ids = await queryObjectIds(layer(SITES.id), where, call);
    options.progress.start(ids.length, 'Sites');
  }
  try {
    for await (const page of queryFeaturePages(
      layer(SITES.id),
      {
        where,
        outFields: ['GlobalID', 'registration_ref', 'email', 'preferred_language', ...CYCLE_FIELDS],
        pageSize: options.pageSize,
      },
      call,
    )) {
      const expirations: { attributes: Record<string, unknown> }[] = [];
      const reminded: { attributes: Record<string, unknown> }[] = [];
      for (const site of page) {
        report.examined += 1;
        options.progress?.tick();
        const a = site.attributes;
        const plan = planConfirmation(a, now, schedule);
        if (plan.action === 'purge') {
          try {
            await purge(site);
          } catch (error) {
            if (!refusedByService(error)) throw error;
            report.failed += 1;
          }
          continue;
        }
        if (plan.action !== 'cycle') continue;
        if (plan.expire)
          expirations.push({ attributes: { OBJECTID: a.OBJECTID, status: 'expired' } });
        if (!plan.remind) continue;
        const done = await remind(
          a,
          plan.dueAt,
          plan.purgeAt,
          plan.expire || a.status === 'expired',
        );
        if (done) reminded.push(done);
      }
      report.expired += await update(expirations);
      await update(reminded);
    }

    // Reminders analysts asked for that the cycle did not send above.
    const asked = [...requests.keys()].filter((guid) => !remindedInRun.has(guid));
    const statuses = CYCLE_STATUSES.map(sqlString).join(', ');
    for (let i = 0; i < asked.length; i += SITES_PER_QUERY) {
      const ids = asked
        .slice(i, i + SITES_PER_QUERY)
        .map(sqlString)
        .join(', ');
      for await (const page of queryFeaturePages(
        layer(SITES.id),
        {
          where: `GlobalID IN (${ids}) AND status IN (${statuses})`,
          outFields: [
            'GlobalID',
            'registration_ref',
            'email',
            'preferred_language',
            ...CYCLE_FIELDS,
          ],
          pageSize: options.pageSize,
        },
        call,
      )) {
        const reminded: { attributes: Record<string, unknown> }[] = [];
        for (const site of page) {
          const a = site.attributes;
          const guid = normalizeGuid(text(a.GlobalID));
          if (remindedInRun.has(guid) || !outstanding(requests.get(guid), a.reminded_at)) continue;
          const dueAt = dueDateOf(a, schedule.intervalDays);
          if (dueAt === null) continue;
          const done = await remind(
            a,
            dueAt,
            dueAt + schedule.graceDays * DAY_MS,
            a.status === 'expired' || now >= dueAt,
          );
          if (done) reminded.push(done);
        }
        await update(reminded);
      }
    }
  } finally {
    options.progress?.stop();
  }
  return report;
}
