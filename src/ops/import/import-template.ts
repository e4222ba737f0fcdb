/**
 * The import template: the columns headed by the schema's aliases (English, or Spanish),
 * then how to fill them and the codes of every coded column with their English and Spanish
 * labels. In XLSX the codes are a second sheet and coded columns offer them in a list; in
 * CSV they are notes above the header row (rows starting with `#`; the import skips them).
 */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import type { FieldDef } from '../../core/schema/schema-types.js';
import {
  MAX_CAMERAS_PER_ROW,
  TEMPLATE_CAMERAS,
  targetName,
  templateColumns,
  type Language,
  type TemplateColumn,
} from './import-columns.js';

/** Rows of the XLSX sheet that offer the coded columns' lists. */
const LIST_ROWS = 500;

const NOTES: readonly string[] = [
  'One row per paper form (one registration: a site and its cameras).',
  'Form number is required and must differ on every row. Forms already stored are skipped, so the same file can be imported again.',
  'Coded columns take the code or its English or Spanish label, as listed below. Coverage takes several, separated by commas.',
  'Required: form number, consent version (unless given with --consent-version), site type, contact name, contact role, willing to share footage, address, and a phone or an e-mail. A business name is required unless the site is a residence.',
  'Phone: a 10-digit US number written in any usual way, or + and the country code.',
  'The address is placed with the geocoder. When it cannot be placed, give Longitude and Latitude (decimal degrees, WGS84): the point is then used as given.',
  `Cameras: each camera has its own group of columns, "Camera 1 …", "Camera 2 …"; copy a group with the next number for more (at most ${MAX_CAMERAS_PER_ROW}). Each camera needs a label, mount, recording and footage kept (days). View direction: degrees from 0 to 359, or a compass point (N, NE, E …), blank when not known.`,
];

/** A coded column's codes (one per camera field, not per camera group). */
function codedFields(columns: readonly TemplateColumn[]): { header: string; field: FieldDef }[] {
  const seen = new Set<string>();
  const out: { header: string; field: FieldDef }[] = [];
  for (const column of columns) {
    const target = column.target;
    if (target.kind === 'coordinate' || !target.field.domain) continue;
    const key = target.kind === 'camera' ? `camera.${target.field.name}` : target.field.name;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      header: target.kind === 'camera' ? column.header.replace(/\s*1\s/, ' N ') : column.header,
      field: target.field,
    });
  }
  return out;
}

function csvTemplate(columns: readonly TemplateColumn[]): string {
  const rows: string[][] = NOTES.map((note) => [`# ${note}`]);
  rows.push(['# Codes: column, then code = English label / Spanish label']);
  for (const { header, field } of codedFields(columns)) {
    rows.push([
      `# ${header}`,
      ...(field.domain?.values ?? []).map((value) => `${value.code} = ${value.en} / ${value.es}`),
    ]);
  }
  rows.push([]);
  rows.push(columns.map((column) => column.header));
  return stringify(rows, { bom: true });
}

async function xlsxTemplate(
  columns: readonly TemplateColumn[],
  language: Language,
  file: string,
): Promise<void> {
  // Loaded on use: it takes half a second, which every other `ccr` command would pay.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  workbook.creator = 'Community Camera Registry';
  const sheet = workbook.addWorksheet(language === 'es' ? 'Registros' : 'Registrations', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((column) => ({
    header: column.header,
    key: targetName(column.target),
    width: Math.max(12, Math.min(40, column.header.length + 2)),
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  columns.forEach((column, index) => {
    const target = column.target;
    if (target.kind === 'coordinate' || !target.field.domain || target.field.multi) return;
    const codes = target.field.domain.values.map((value) => value.code);
    for (let row = 2; row <= LIST_ROWS + 1; row += 1) {
      // A list of the codes to pick from; labels typed by hand are accepted too.
      sheet.getCell(row, index + 1).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [`"${codes.join(',')}"`],
        showErrorMessage: false,
      };
    }
  });

  const codes = workbook.addWorksheet(language === 'es' ? 'Códigos' : 'Codes');
  codes.getColumn(1).width = 34;
  codes.getColumn(2).width = 22;
  codes.getColumn(3).width = 34;
  codes.getColumn(4).width = 40;
  codes.addRow(['How to fill in the sheet']).font = { bold: true, size: 13 };
  for (const note of NOTES) {
    const row = codes.addRow([note]);
    codes.mergeCells(row.number, 1, row.number, 4);
    row.alignment = { wrapText: true, vertical: 'top' };
    row.height = 30;
  }
  codes.addRow([]);
  codes.addRow(['Column', 'Code', 'English', 'Spanish']).font = { bold: true };
  for (const { header: name, field } of codedFields(columns)) {
    for (const value of field.domain?.values ?? [])
      codes.addRow([name, value.code, value.en, value.es]);
  }
  await workbook.xlsx.writeFile(file);
}

export interface TemplateOptions {
  readonly format: 'csv' | 'xlsx';
  readonly language: Language;
  readonly file: string;
  /** Camera column groups; default {@link TEMPLATE_CAMERAS}. */
  readonly cameras?: number;
}

/** Writes the template file. */
export async function writeTemplate(options: TemplateOptions): Promise<{ columns: number }> {
  const columns = templateColumns(options.language, options.cameras ?? TEMPLATE_CAMERAS);
  if (options.format === 'csv') await writeFile(options.file, csvTemplate(columns));
  else await xlsxTemplate(columns, options.language, options.file);
  return { columns: columns.length };
}
