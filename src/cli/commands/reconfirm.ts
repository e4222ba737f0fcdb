/**
 * `ccr reconfirm`: reminders before the confirmation due date, expiry at it, purge after the
 * grace period, through the REST API. Prints counts, never contact details.
 */
import type { Command } from 'commander';
import { DEFAULT_CONFIRMATION_SCHEDULE } from '../../core/change-requests/confirmation-cycle.js';
import { AppError, ErrorCode } from '../../core/errors.js';
import { mailerFromEnv } from '../../ops/mail/mailer.js';
import { registryServiceUrl } from '../../ops/process-requests.js';
import { reconfirm, type ReconfirmReport } from '../../ops/reconfirm.js';
import {
  EXIT,
  progress,
  signIn,
  withPortalOptions,
  type CliIo,
  type PortalOptions,
} from '../cli-kit.js';
import { describeMail, wholeNumber } from './process-requests.js';

interface ReconfirmOptions extends PortalOptions {
  readonly service?: string;
  readonly manageUrl?: string;
  readonly now?: string;
  readonly reminderDays: string;
  readonly graceDays: string;
  readonly intervalDays: string;
  readonly mailFrom?: string;
  readonly dryRun?: boolean;
}

const usage = (message: string, field: string) =>
  new AppError(ErrorCode.InvalidInput, message, [], { field });

/** `--now`: an ISO 8601 date or time (`2027-05-01`, `2027-05-01T09:00:00Z`). */
function parseNow(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(ms)) throw usage('--now must be an ISO 8601 date or time.', 'now');
  return ms;
}

function parseManageUrl(value: string | undefined): string | undefined {
  const url = value?.trim();
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return url;
  } catch {
    // reported below
  }
  throw usage('--manage-url must be an http(s) address.', 'manage-url');
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describe(report: ReconfirmReport, mailConfigured: boolean, dryRun: boolean): string[] {
  const p = report.purged;
  const lines = [
    `Sites examined: ${report.examined}.`,
    dryRun
      ? `Reminders due: ${report.reminders.notSent} (not sent in a dry run), ${report.reminders.noAddress} with no address on file.`
      : describeMail(report.reminders, mailConfigured, 'Reminders'),
    `${dryRun ? 'Would expire' : 'Expired'} (no longer shown to officers): ${report.expired}.`,
    `${dryRun ? 'Would purge' : 'Purged'}: ${plural(p.sites, 'site', 'sites')}, with ${plural(p.cameras, 'camera', 'cameras')}, ${plural(p.contactEntries, 'contact entry', 'contact entries')} and ${plural(p.changeRequests, 'change request', 'change requests')}.`,
  ];
  if (report.failed > 0)
    lines.push(
      `Not carried out: ${report.failed} (the service refused the edits); tried again next run.`,
    );
  if (dryRun) lines.push('Dry run: nothing was changed and nothing was sent.');
  return lines;
}

async function run(options: ReconfirmOptions, io: CliIo): Promise<number> {
  const now = parseNow(options.now);
  const schedule = {
    intervalDays: wholeNumber(options.intervalDays, 'interval-days', 1, 3650),
    reminderDays: wholeNumber(options.reminderDays, 'reminder-days', 0, 365),
    graceDays: wholeNumber(options.graceDays, 'grace-days', 0, 3650),
  };
  if (schedule.reminderDays >= schedule.intervalDays)
    throw usage('--reminder-days must be fewer than --interval-days.', 'reminder-days');
  const manageUrl = parseManageUrl(options.manageUrl ?? io.env.CCR_MANAGE_URL);
  const dryRun = options.dryRun === true;
  const mailer = mailerFromEnv(io.env, options.mailFrom);
  try {
    const authentication = await signIn(options, io);
    const url = await registryServiceUrl(options.portal, options.service, authentication);
    const report = await reconfirm(
      { url, authentication },
      {
        now,
        schedule,
        mailer,
        manageUrl,
        dryRun,
        progress: progress(io, options.json),
      },
    );
    if (options.json)
      io.out(
        JSON.stringify({
          ok: true,
          dryRun,
          now: new Date(now).toISOString(),
          schedule,
          ...report,
          reminders: { configured: mailer !== null, ...report.reminders },
        }),
      );
    else {
      io.out(
        `Re-confirmation as of ${new Date(now).toISOString()}: reminders ${schedule.reminderDays} days before the due date, purge ${schedule.graceDays} days after it.`,
      );
      for (const line of describe(report, mailer !== null, dryRun)) io.out(line);
    }
    return report.failed + report.reminders.failed > 0 ? EXIT.attention : EXIT.ok;
  } finally {
    mailer?.close();
  }
}

export function registerReconfirm(program: Command, io: CliIo, done: (code: number) => void): void {
  const d = DEFAULT_CONFIRMATION_SCHEDULE;
  withPortalOptions(
    program
      .command('reconfirm')
      .summary('remind, expire and purge registrations by their confirmation date (REST)')
      .description(
        [
          'The yearly re-confirmation cycle. Sends a reminder (once per cycle; English or',
          "Spanish as the registrant chose) --reminder-days before a site's confirmation due",
          'date, with a link to the manage form (--manage-url or CCR_MANAGE_URL, with ?ref=',
          'added). At the due date the site becomes expired and officers no longer see it;',
          'once --grace-days have passed after it, the site, its cameras, contact entries and',
          'change requests are deleted. Sites without a due date are due --interval-days after',
          'their last confirmation. A site an analyst asked to remind (a ReviewLog',
          '`reminder_sent` row newer than its last reminder) gets the same reminder out of turn.',
          'E-mail needs CCR_SMTP_URL and CCR_MAIL_FROM (or',
          '--mail-from); without them reminders are counted, not sent, and not recorded.',
          'Exit codes: 0 done, 1 done but some edits or e-mails failed, 2 bad usage, 3 failed.',
        ].join(' '),
      ),
  )
    .option('--service <url>', 'the source feature service (default: found in the portal)')
    .option('--manage-url <url>', 'the page with the manage form (default: CCR_MANAGE_URL)')
    .option('--now <iso>', 'act as of this date or time instead of now (ISO 8601)')
    .option('--reminder-days <days>', 'days before the due date to remind', String(d.reminderDays))
    .option('--grace-days <days>', 'days after the due date before purging', String(d.graceDays))
    .option(
      '--interval-days <days>',
      'days from a confirmation to its due date (sites without one)',
      String(d.intervalDays),
    )
    .option('--mail-from <address>', 'sender of reminders (default: CCR_MAIL_FROM)')
    .option('--dry-run', 'count what would happen; change nothing, send nothing')
    .action(async (options: ReconfirmOptions) => done(await run(options, io)));
}
