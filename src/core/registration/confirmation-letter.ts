/**
 * Printable confirmation letters: one HTML document, one letter per printed page, each in the
 * resident's preferred language (English or Spanish), carrying the registration reference
 * and the private manage code. The manage code exists nowhere else: the service keeps only
 * its hash, and reports and logs never show it. `ccr import` writes them to a file; the
 * registration widget's staff mode prints one for a form entered by hand. DOM-free.
 */
import { manageLink } from '../change-requests/manage-link.js';

/** The languages a letter is written in. */
export type LetterLanguage = 'en' | 'es';

/** What one letter says. */
export interface Letter {
  readonly language: LetterLanguage;
  readonly contactName: string;
  readonly businessName: string | null;
  readonly address: string;
  readonly unit: string | null;
  /** The paper form's number; null when the form has none. */
  readonly formNumber: string | null;
  /** How the registration reached the program; a paper form unless said otherwise. */
  readonly channel?: 'paper' | 'officer_assisted';
  readonly reference: string;
  readonly manageCode: string;
  readonly cameraLabels: readonly string[];
}

export interface LetterOptions {
  /** The program's name as the letterhead shows it. */
  readonly programName: string;
  /** The city's page with the manage form; each letter links to it with its reference filled in. */
  readonly manageUrl?: string;
  /** The letters' date. */
  readonly date: Date;
  /** Points about the program, per language, listed under the introduction. */
  readonly about?: Partial<Record<LetterLanguage, readonly string[]>>;
}

interface LetterWords {
  readonly title: string;
  readonly intro: (formNumber: string, cameras: string) => string;
  readonly introUnnumbered: (cameras: string) => string;
  readonly introAssisted: (cameras: string) => string;
  readonly review: string;
  readonly reference: string;
  readonly code: string;
  readonly keep: string;
  readonly manageAt: (url: string) => string;
  readonly manageAsk: string;
  readonly cameraList: (labels: readonly string[]) => string;
}

const WORDS: Readonly<Record<LetterLanguage, LetterWords>> = {
  en: {
    title: 'Your camera registration',
    intro: (formNumber, cameras) =>
      `Thank you for joining the program. We have entered your paper form (number ${formNumber}) and registered ${cameras}.`,
    introUnnumbered: (cameras) =>
      `Thank you for joining the program. We have entered your paper form and registered ${cameras}.`,
    introAssisted: (cameras) =>
      `Thank you for joining the program. Program staff have registered ${cameras} with you.`,
    review:
      'Program staff will review your registration. Officers contact you only when an incident happens near you, and sharing video is always your choice.',
    reference: 'Registration reference',
    code: 'Private manage code',
    keep: 'Keep this letter private and safe. You need both codes to update your details, re-confirm, or withdraw at any time. The manage code cannot be recovered: we keep only a scrambled form of it.',
    manageAt: (url) =>
      `To update, re-confirm or withdraw, go to ${url} (your reference is filled in there) and enter your manage code.`,
    manageAsk: 'To update, re-confirm or withdraw, contact the program and give both codes.',
    cameraList: (labels) =>
      labels.length === 1
        ? `one camera (${labels[0]})`
        : `${labels.length} cameras (${labels.join(', ')})`,
  },
  es: {
    title: 'El registro de sus cámaras',
    intro: (formNumber, cameras) =>
      `Gracias por unirse al programa. Hemos ingresado su formulario en papel (número ${formNumber}) y registrado ${cameras}.`,
    introUnnumbered: (cameras) =>
      `Gracias por unirse al programa. Hemos ingresado su formulario en papel y registrado ${cameras}.`,
    introAssisted: (cameras) =>
      `Gracias por unirse al programa. El personal del programa registró con usted ${cameras}.`,
    review:
      'El personal del programa revisará su registro. Los agentes lo contactarán solo cuando ocurra un incidente cerca de usted, y compartir video siempre es su decisión.',
    reference: 'Referencia del registro',
    code: 'Código de administración privado',
    keep: 'Guarde esta carta en un lugar privado y seguro. Necesita ambos códigos para actualizar sus datos, reconfirmar o retirarse en cualquier momento. El código de administración no se puede recuperar: solo guardamos una forma cifrada de él.',
    manageAt: (url) =>
      `Para actualizar, reconfirmar o retirarse, visite ${url} (su referencia ya aparece allí) e ingrese su código de administración.`,
    manageAsk:
      'Para actualizar, reconfirmar o retirarse, comuníquese con el programa e indique ambos códigos.',
    cameraList: (labels) =>
      labels.length === 1
        ? `una cámara (${labels[0]})`
        : `${labels.length} cámaras (${labels.join(', ')})`,
  },
};

/** Text as HTML text or attribute content. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
  @page { size: auto; margin: 2cm; }
  body { margin: 0; color: #000; background: #fff; font: 12pt/1.45 Georgia, 'Times New Roman', serif; }
  .letter { max-width: 17cm; margin: 0 auto; padding: 2cm 0; }
  .letter header { display: flex; justify-content: space-between; border-bottom: 2px solid #000; margin-bottom: 1.5em; }
  .letter h1 { font-size: 16pt; margin: 0 0 .3em; }
  .letter h2 { font-size: 14pt; margin: 1.5em 0 .5em; }
  .recipient { margin: 0 0 1.5em; }
  .about { margin: 0 0 1em; padding-inline-start: 1.2em; }
  .codes { margin: 1.5em 0; border: 1px solid #000; padding: .75em 1em; }
  .codes dt { font-weight: bold; }
  .codes dd { margin: 0 0 .5em; font: 15pt/1.3 'Courier New', monospace; letter-spacing: .08em; }
  @media screen { .letter + .letter { border-top: 1px dashed #888; } }
  @media print {
    .letter { padding: 0; break-after: page; page-break-after: always; }
    .letter:last-of-type { break-after: auto; page-break-after: auto; }
  }
`;

/** The document's start, before the letters; `language` is the document's own. */
export function lettersStart(title: string, language: LetterLanguage = 'en'): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
`;
}

/** The document's end, after the last letter. */
export const LETTERS_END = '</body>\n</html>\n';

/** One letter, a page of its own when printed. */
export function letterHtml(letter: Letter, options: LetterOptions): string {
  const words = WORDS[letter.language];
  const date = new Intl.DateTimeFormat(letter.language === 'es' ? 'es-US' : 'en-US', {
    dateStyle: 'long',
  }).format(options.date);
  const e = escapeHtml;
  const lines = [
    letter.contactName,
    letter.businessName,
    letter.unit ? `${letter.address}, ${letter.unit}` : letter.address,
  ].filter((line): line is string => Boolean(line));
  const cameras = words.cameraList(letter.cameraLabels);
  const intro =
    letter.channel === 'officer_assisted'
      ? words.introAssisted(cameras)
      : letter.formNumber
        ? words.intro(letter.formNumber, cameras)
        : words.introUnnumbered(cameras);
  const about = options.about?.[letter.language] ?? [];
  const manage = options.manageUrl
    ? words.manageAt(manageLink(options.manageUrl, letter.reference))
    : words.manageAsk;
  return `<section class="letter" lang="${letter.language}">
<header><h1>${e(options.programName)}</h1><p>${e(date)}</p></header>
<p class="recipient">${lines.map(e).join('<br>')}</p>
<h2>${e(words.title)}</h2>
<p>${e(intro)}</p>
<p>${e(words.review)}</p>
${about.length > 0 ? `<ul class="about">${about.map((point) => `<li>${e(point)}</li>`).join('')}</ul>\n` : ''}<dl class="codes">
<dt>${e(words.reference)}</dt><dd>${e(letter.reference)}</dd>
<dt>${e(words.code)}</dt><dd>${e(letter.manageCode)}</dd>
</dl>
<p>${e(words.keep)}</p>
<p>${e(manage)}</p>
</section>
`;
}
