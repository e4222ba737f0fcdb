import {
  LETTERS_END,
  letterHtml,
  lettersStart,
  type LetterLanguage,
} from '../../src/core/registration/confirmation-letter.js';
import type { CameraDraft, SiteDraft } from '../../src/core/registration/registration-draft.js';
import type { StaffChannel } from '../../src/core/registration/staff-registration.js';
import type { StaffSettings } from './flow-base.js';

/** What one staff-entered registration's letter says. */
export interface StaffLetterInput {
  readonly reference: string;
  readonly manageCode: string;
  readonly site: SiteDraft;
  readonly cameras: readonly CameraDraft[];
  readonly channel: StaffChannel;
  readonly formNumber: string;
  readonly at: Date;
  readonly staff: StaffSettings;
  /** The window's title, in the staff member's language. */
  readonly title: string;
}

/** The resident's language for the letter: Spanish for Spanish speakers, else English. */
export function letterLanguage(site: SiteDraft): LetterLanguage {
  return site.preferred_language === 'es' ? 'es' : 'en';
}

/** The whole printable document for one resident's confirmation letter. */
export function staffLetterDocument(input: StaffLetterInput): string {
  const language = letterLanguage(input.site);
  const program = input.staff.programFor(language);
  const formNumber = input.formNumber.trim();
  const letter = letterHtml(
    {
      language,
      contactName: input.site.contact_name.trim(),
      businessName:
        input.site.site_type !== 'residence' && input.site.business_name.trim() !== ''
          ? input.site.business_name.trim()
          : null,
      address: input.site.address.trim(),
      unit: input.site.unit.trim() || null,
      formNumber: formNumber === '' ? null : formNumber,
      channel: input.channel,
      reference: input.reference,
      manageCode: input.manageCode,
      cameraLabels: input.cameras.map((camera) => camera.label.trim()),
    },
    {
      programName: program.title,
      manageUrl: input.staff.manageUrl,
      date: input.at,
      about: {
        [language]: [
          program.voluntary,
          program.noRemoteAccess,
          program.contactAfterIncident,
          program.whoSees,
          program.publicRecords,
        ],
      },
    },
  );
  return `${lettersStart(input.title, language)}${letter}${LETTERS_END}`;
}

/**
 * Opens the letter in a window of its own and asks the browser to print it. False when the
 * browser blocked the window (the caller says how to allow it).
 */
export function printLetter(documentHtml: string): boolean {
  const opened = window.open('', '_blank');
  if (!opened) return false;
  opened.document.open();
  opened.document.write(documentHtml);
  opened.document.close();
  opened.focus();
  opened.print();
  return true;
}
