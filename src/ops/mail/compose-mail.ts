/**
 * Turns a notice into an e-mail: a plain-text part and a simple HTML part saying the same.
 * No images, no remote content, no tracking; the only link is the manage form's.
 */
import {
  MAIL_MESSAGES,
  type MailBody,
  type MailLanguage,
  type MailMessages,
  type OutcomeNotice,
  type ReminderNotice,
} from './mail-messages.js';

export interface ComposedMail {
  readonly language: MailLanguage;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface ComposeOptions {
  /** IANA time zone for dates; the machine's by default. */
  readonly timeZone?: string;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function dateFormatter(messages: MailMessages, options: ComposeOptions): (ms: number) => string {
  const format = new Intl.DateTimeFormat(messages.locale, {
    dateStyle: 'long',
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
  return (ms) => format.format(new Date(ms));
}

function render(
  language: MailLanguage,
  body: MailBody,
  link?: { readonly label: string; readonly url: string },
): ComposedMail {
  const m = MAIL_MESSAGES[language];
  const [first = '', ...rest] = body.paragraphs;
  const list = body.list ?? [];
  const text = [
    m.greeting,
    '',
    first,
    ...(list.length > 0 ? ['', ...list.map((item) => `  - ${item}`)] : []),
    ...rest.flatMap((p) => ['', p]),
    ...(link ? ['', `${link.label}:`, link.url] : []),
    '',
    ...m.signature,
    '',
    '--',
    m.why,
    '',
  ].join('\n');
  const paragraph = (p: string) => `<p>${escapeHtml(p)}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${language}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(body.subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">',
    paragraph(m.greeting),
    paragraph(first),
    ...(list.length > 0
      ? ['<ul>', ...list.map((item) => `<li>${escapeHtml(item)}</li>`), '</ul>']
      : []),
    ...rest.map(paragraph),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
    `<p>${m.signature.map(escapeHtml).join('<br>')}</p>`,
    `<hr><p><small>${escapeHtml(m.why)}</small></p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { language, subject: body.subject, text, html };
}

/** The e-mail telling a resident how their change request ended. */
export function composeOutcomeMail(
  notice: OutcomeNotice,
  language: MailLanguage,
  options: ComposeOptions = {},
): ComposedMail {
  const m = MAIL_MESSAGES[language];
  return render(language, m.outcome(notice, dateFormatter(m, options)));
}

/** The re-confirmation reminder, with the link that opens the manage form. */
export function composeReminderMail(
  notice: ReminderNotice,
  language: MailLanguage,
  options: ComposeOptions = {},
): ComposedMail {
  const m = MAIL_MESSAGES[language];
  return render(language, m.reminder(notice, dateFormatter(m, options)), {
    label: m.manageLinkLabel,
    url: notice.link,
  });
}
