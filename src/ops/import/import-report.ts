/**
 * The problem report of an import: one line per problem, naming the row (as the spreadsheet
 * numbers it), the form number, the column and the issue code, with plain words for people.
 * Never a value from the row: no names, phones, e-mails or addresses, and no codes.
 */
import { stringify } from 'csv-stringify/sync';
import { IssueCode } from '../../core/validation/validate-attributes.js';
import { ImportIssueCode } from './read-row.js';

export interface Problem {
  /** The spreadsheet row (the header is a lower row). */
  readonly row: number;
  readonly formNumber: string | null;
  /** The column's import name: `phone`, `camera2_mount`, `longitude` (blank: the whole row). */
  readonly field: string;
  /** The column's header as the sheet writes it, when the sheet has that column. */
  readonly column: string;
  readonly code: string;
  readonly limit?: readonly number[];
  /** For a form number repeated in the file: the row that has it first. */
  readonly firstRow?: number;
}

const WORDS: Readonly<Record<string, (problem: Problem) => string>> = {
  [IssueCode.Required]: () => 'Required, but blank.',
  [IssueCode.WrongType]: () => 'Not a number (give digits only, with a point for decimals).',
  [IssueCode.TooLong]: (p) => `Too long: at most ${p.limit?.[0] ?? '?'} characters.`,
  [IssueCode.NotInDomain]: () => 'Not one of the codes or labels listed in the template.',
  [IssueCode.OutOfRange]: (p) =>
    p.limit ? `Out of range: from ${p.limit[0]} to ${p.limit[1]}.` : 'Out of range.',
  [IssueCode.InvalidEmail]: () => 'Not an e-mail address.',
  [IssueCode.InvalidPhone]: () =>
    'Not a phone number: a 10-digit US number, or + and the country code.',
  [IssueCode.InvalidFormat]: () => 'Not in the expected form, or holds hidden characters.',
  [IssueCode.NotEditable]: () => 'This value cannot be set by an import.',
  [IssueCode.ContactRequired]: () => 'Give a phone number or an e-mail address.',
  [IssueCode.BusinessNameRequired]: () =>
    'Give a business name for a site that is not a residence.',
  [IssueCode.PreferredContactMissing]: () =>
    'The preferred way to contact needs its phone number or e-mail address.',
  [ImportIssueCode.CameraRequired]: () => 'No camera: give at least one camera.',
  [ImportIssueCode.DuplicateInFile]: (p) =>
    `Form number already used on row ${p.firstRow ?? '?'} of this file.`,
  [ImportIssueCode.AddressNotFound]: () =>
    'The address cannot be placed on the map: correct it, or give longitude and latitude.',
  [ImportIssueCode.AddressAmbiguous]: () =>
    'The address matches several places: add the city and ZIP, or give longitude and latitude.',
  DUPLICATE: () => 'Already stored (another registration holds this value).',
};

/** The issue in plain English. */
export function describeProblem(problem: Problem): string {
  return WORDS[problem.code]?.(problem) ?? `Refused by the service (${problem.code}).`;
}

/** The report as CSV (formula-looking cells are escaped, so a spreadsheet shows them as text). */
export function reportCsv(problems: readonly Problem[]): string {
  return stringify(
    problems.map((problem) => [
      problem.row,
      problem.formNumber ?? '',
      problem.field,
      problem.column,
      problem.code,
      describeProblem(problem),
    ]),
    {
      header: true,
      columns: ['row', 'form_number', 'field', 'column', 'issue', 'explanation'],
      escape_formulas: true,
      bom: true,
    },
  );
}
