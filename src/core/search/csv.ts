/**
 * CSV for spreadsheets, safely: RFC 4180 quoting and CRLF line ends, and text cells that a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
 * return) get a leading `'` so they show as text (OWASP "CSV injection"). A cell that is
 * only a sign and digits (a phone as `+18165552468`, a signed number) is read as a number,
 * never a formula, so it is written as it is: the apostrophe would end up in the number.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4180
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */

/** One cell: text, a number (written as is, never escaped) or nothing. */
export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
/** A sign, digits and at most one decimal point: a number to any spreadsheet, no formula. */
const SIGNED_NUMBER = /^[+-]\d+(?:\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell as CSV text: formula-escaped when text, quoted when it must be. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return String(value);
  }
  const text = FORMULA_START.test(value) && !SIGNED_NUMBER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole table as CSV: one line per row, CRLF after every line (RFC 4180). */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
