/**
 * `ccr process-requests`: carries out analysts' review decisions, then applies pending change
 * requests, on any ArcGIS feature service through the REST API; once, or every `--watch`
 * seconds until stopped. Prints counts, never contact details or codes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { CONFIRMATION_INTERVAL_DAYS } from '../../core/schema/registry-schema.js';
import { AppError, ErrorCode } from '../../core/errors.js';
import {
  processRequests,
  registryServiceUrl,
  requestsProcessed,
  reviewsCarriedOut,
  type ProcessReport,
} from '../../ops/process-requests.js';
import { mailerFromEnv, type MailCounts } from '../../ops/mail/mailer.js';
import {
  EXIT,
  failure,
  progress,
  signIn,
  withPortalOptions,
  type CliIo,
  type PortalOptions,
} from '../cli-kit.js';

interface ProcessOptions extends PortalOptions {
  readonly service?: string;
  readonly watch?: string;
  readonly intervalDays: string;
  readonly mailFrom?: string;
}

/** A whole number option within bounds, or a usage error naming the option. */
export function wholeNumber(value: string, option: string, min: number, max: number): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max)
    throw new AppError(
      ErrorCode.InvalidInput,
      `--${option} must be a whole number from ${min} to ${max}.`,
      [],
      { field: option },
    );
  return number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The e-mail line of a report, in words. */
export function describeMail(mail: MailCounts, configured: boolean, what = 'E-mails'): string {
  const noAddress = `${mail.noAddress} with no address on file`;
  if (!configured)
    return `${what}: none sent (CCR_SMTP_URL is not set): ${mail.notSent} not sent, ${noAddress}.`;
  return `${what}: ${mail.sent} sent, ${mail.failed} failed, ${noAddress}.`;
}

function describe(report: ProcessReport, mailConfigured: boolean): string[] {
  const { requests: q, reviews: r } = report;
  const lines = [
    `Review decisions carried out: ${reviewsCarriedOut(report)} (${r.UPDATED} applied, ${r.REVIEW_REJECTED} rejected by an analyst, ${r.REVIEW_INVALID} no longer valid, ${r.SITE_GONE} for a site that is gone, ${r.NOT_IN_REVIEW} never held for review).`,
    `Change requests processed: ${requestsProcessed(report)}: ${q.applied.update + q.applied.reconfirm + q.applied.withdraw} applied (${plural(q.applied.update, 'update', 'updates')}, ${plural(q.applied.reconfirm, 're-confirmation', 're-confirmations')}, ${plural(q.applied.withdraw, 'withdrawal', 'withdrawals')}), ${q.held} held for review, ${q.refused.BAD_CODE + q.refused.INVALID_CHANGES} refused (${q.refused.BAD_CODE} wrong code, ${q.refused.INVALID_CHANGES} invalid changes).`,
    describeMail(report.mail, mailConfigured, 'E-mails to residents'),
  ];
  if (q.failed + r.failed > 0)
    lines.push(
      `Not carried out: ${q.failed + r.failed} (the service refused the edits); they stay as they are for the next run.`,
    );
  return lines;
}

const needsAttention = (report: ProcessReport) =>
  report.requests.failed + report.reviews.failed + report.mail.failed > 0;

/** Failures a watching run outlives: the service or the network may be back next time. */
function passing(error: unknown): boolean {
  return (
    error instanceof AppError &&
    (error.code === ErrorCode.Network ||
      error.code === ErrorCode.Service ||
      error.code === ErrorCode.RateLimited)
  );
}

async function run(options: ProcessOptions, io: CliIo): Promise<number> {
  const watchSeconds =
    options.watch === undefined ? undefined : wholeNumber(options.watch, 'watch', 1, 86_400);
  const intervalDays = wholeNumber(options.intervalDays, 'interval-days', 1, 3650);
  const mailer = mailerFromEnv(io.env, options.mailFrom);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const authentication = await signIn(options, io);
    const url = await registryServiceUrl(options.portal, options.service, authentication);
    let code: number = EXIT.ok;
    for (let pass = 1; !stop.signal.aborted; pass += 1) {
      const at = new Date();
      try {
        const report = await processRequests(
          { url, authentication },
          {
            mailer,
            confirmationIntervalDays: intervalDays,
            signal: stop.signal,
            ...(watchSeconds === undefined ? { progress: progress(io, options.json) } : {}),
          },
        );
        code = needsAttention(report) ? EXIT.attention : EXIT.ok;
        if (options.json)
          io.out(
            JSON.stringify({
              ok: true,
              ...(watchSeconds === undefined ? {} : { pass, at: at.toISOString() }),
              reviews: report.reviews,
              requests: report.requests,
              mail: { configured: mailer !== null, ...report.mail },
            }),
          );
        else {
          const prefix = watchSeconds === undefined ? '' : `[${at.toISOString()}] `;
          for (const line of describe(report, mailer !== null)) io.out(`${prefix}${line}`);
        }
      } catch (error) {
        if (watchSeconds === undefined || !passing(error)) throw error;
        code = failure(io, error, options.json);
      }
      if (watchSeconds === undefined) return code;
      try {
        await sleep(watchSeconds * 1000, undefined, { signal: stop.signal });
      } catch {
        break;
      }
    }
    // Stopped by a signal: whatever was in hand was finished.
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    mailer?.close();
  }
}

export function registerProcessRequests(
  program: Command,
  io: CliIo,
  done: (code: number) => void,
): void {
  withPortalOptions(
    program
      .command('process-requests')
      .summary("apply residents' change requests and analysts' review decisions (REST)")
      .description(
        [
          "Carries out analysts' decisions on held updates, then applies every pending change",
          'request, oldest first: checks the manage code, refuses or applies (a withdrawal',
          'deletes the site, its cameras, contact entries and requests), wipes the code and',
          'payload and records the outcome. Residents with an e-mail address on file are told',
          'the outcome when CCR_SMTP_URL (and CCR_MAIL_FROM or --mail-from) is set. Needs an',
          'analyst or admin account. Exit codes: 0 done, 1 done but some requests or e-mails',
          'failed, 2 bad usage, 3 failed.',
        ].join(' '),
      ),
  )
    .option('--service <url>', 'the source feature service (default: found in the portal)')
    .option('--watch <seconds>', 'run again every SECONDS until stopped (SIGINT or SIGTERM)')
    .option(
      '--interval-days <days>',
      'days from a confirmation to the next due date',
      String(CONFIRMATION_INTERVAL_DAYS),
    )
    .option('--mail-from <address>', "sender of residents' e-mails (default: CCR_MAIL_FROM)")
    .action(async (options: ProcessOptions) => done(await run(options, io)));
}
