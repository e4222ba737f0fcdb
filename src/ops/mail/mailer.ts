/**
 * Sends residents' e-mails over SMTP (nodemailer), and counts what became of them. Nothing
 * here logs an address or a message: counts only.
 */
import nodemailer from 'nodemailer';
import { AppError, ErrorCode } from '../../core/errors.js';
import type { ComposedMail } from './compose-mail.js';

export interface Mailer {
  /** Sends one message; rejects when the mail server refused it or could not be reached. */
  send(to: string, mail: ComposedMail): Promise<void>;
  close(): void;
}

/** What became of the e-mails one run owed residents. */
export interface MailCounts {
  /** Accepted by the mail server. */
  sent: number;
  /** Refused by the mail server, or it could not be reached. */
  failed: number;
  /** Owed to a registration with no e-mail address on file. */
  noAddress: number;
  /** Owed but not sent: no mail server is configured, or a dry run. */
  notSent: number;
}

export const noMail = (): MailCounts => ({ sent: 0, failed: 0, noAddress: 0, notSent: 0 });

export function addMailCounts(into: MailCounts, more: MailCounts): void {
  into.sent += more.sent;
  into.failed += more.failed;
  into.noAddress += more.noAddress;
  into.notSent += more.notSent;
}

/** A mailer over the SMTP server `smtpUrl` (`smtp://user:pass@host:587`, `smtps://…`). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(to, mail) {
      await transport.sendMail({
        from,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: {
          // RFC 3834: sent by a program, so auto-responders stay quiet.
          'Auto-Submitted': 'auto-generated',
          'Content-Language': mail.language,
        },
      });
    },
    close: () => transport.close(),
  };
}

/**
 * The mailer `CCR_SMTP_URL` names, sending as `from` (`--mail-from`, else `CCR_MAIL_FROM`);
 * null when `CCR_SMTP_URL` is unset (residents are then not told, and the counts say so).
 */
export function mailerFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  from: string | undefined,
): Mailer | null {
  const url = env.CCR_SMTP_URL?.trim();
  if (!url) return null;
  const sender = (from ?? env.CCR_MAIL_FROM)?.trim();
  if (!sender)
    throw new AppError(
      ErrorCode.InvalidInput,
      'CCR_SMTP_URL is set: give the sender with --mail-from or CCR_MAIL_FROM.',
      [],
      { field: 'mail-from' },
    );
  return smtpMailer(url, sender);
}

/**
 * Sends one composed message to each address (duplicates once), or counts why not. Never
 * throws: a refused message is counted as failed.
 */
export async function deliver(
  mailer: Mailer | null,
  to: readonly string[],
  compose: () => ComposedMail,
): Promise<MailCounts> {
  const counts = noMail();
  const addresses = [...new Set(to.map((a) => a.trim()).filter((a) => a !== ''))];
  if (addresses.length === 0) {
    counts.noAddress += 1;
    return counts;
  }
  if (!mailer) {
    counts.notSent += addresses.length;
    return counts;
  }
  const mail = compose();
  for (const address of addresses) {
    try {
      await mailer.send(address, mail);
      counts.sent += 1;
    } catch {
      counts.failed += 1;
    }
  }
  return counts;
}
