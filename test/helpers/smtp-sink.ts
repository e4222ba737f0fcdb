import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as it arrived: the envelope recipients and the parsed message. */
export interface ArrivedMail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly from: string;
  readonly headers: ReadonlyMap<string, unknown>;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, for `CCR_SMTP_URL`. */
  readonly url: string;
  /** Every message accepted so far, in order of arrival. */
  readonly messages: ArrivedMail[];
  /** Messages accepted for `address` so far. */
  to(address: string): ArrivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback (smtp-server, no TLS, no login) that parses every message
 * it accepts with mailparser. Recipients `refuse` names are turned away, as a mail server
 * turns away an unknown mailbox.
 */
export async function startSmtpSink(
  options: { refuse?: readonly string[] } = {},
): Promise<SmtpSink> {
  const messages: ArrivedMail[] = [];
  const refuse = new Set((options.refuse ?? []).map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        const error = new Error('No such mailbox') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            from: mail.from?.text ?? '',
            headers: mail.headers,
          });
          callback();
        },
        (error: unknown) => callback(error as Error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => m.to.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
