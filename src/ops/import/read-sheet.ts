/**
 * Reads an import sheet (CSV, or the first worksheet of an XLSX workbook that has a header)
 * into rows of cells, numbered as a spreadsheet numbers them, and finds its header row: the
 * first row whose cells name at least two import columns (notes may stand above it, as in
 * the template). Cells keep their type: text stays text, numbers stay numbers.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { AppError, ErrorCode } from '../../core/errors.js';
import { headerScore } from './import-columns.js';

export type Cell = string | number | null;

/** One row below the header: its spreadsheet row number (the header's is lower) and cells. */
export interface SheetRow {
  readonly rowNumber: number;
  readonly cells: readonly Cell[];
}

export interface Sheet {
  readonly format: 'csv' | 'xlsx';
  readonly headerRow: number;
  readonly headers: readonly string[];
  /** Rows after the header with at least one non-blank cell. */
  readonly rows: readonly SheetRow[];
}

/** Rows searched for the header. */
const HEADER_SEARCH_ROWS = 50;
/** Most data rows one import takes: a larger file is split by the analyst. */
export const MAX_IMPORT_ROWS = 50_000;

export function sheetFormatOf(file: string): 'csv' | 'xlsx' | undefined {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.xlsx') return 'xlsx';
  return undefined;
}

function usage(message: string, field = 'file'): AppError {
  return new AppError(ErrorCode.InvalidInput, message, [], { field });
}

/** The separator a CSV uses: comma, semicolon (Excel in many locales) or tab, by count. */
function detectDelimiter(text: string): string {
  const sample = text.slice(0, 8192);
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    const count = sample.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function readCsv(text: string): Cell[][] {
  const records = parse(text, {
    bom: true,
    delimiter: detectDelimiter(text),
    relax_column_count: true,
    skip_empty_lines: false,
  }) as string[][];
  return records.map((record) => record.map((cell) => cell));
}

/** A cell as text or number, whatever Excel stored (rich text, links, formulas, dates). */
function excelCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('hyperlink' in value) {
    const text = value.text as unknown;
    // A link's text may itself be rich text (Excel turns typed e-mail addresses into links).
    return typeof text === 'object' && text !== null && 'richText' in text
      ? excelCell(text as ExcelJS.CellRichTextValue)
      : String(text ?? '');
  }
  if ('error' in value) return value.error;
  if ('result' in value) return excelCell(value.result ?? null);
  return null;
}

/** Each worksheet's rows, in workbook order. */
async function readXlsx(file: string): Promise<Cell[][][]> {
  // Loaded on use: it takes half a second, which every other `ccr` command would pay.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (error) {
    throw new AppError(ErrorCode.InvalidInput, `${file} is not a readable XLSX workbook.`, [], {
      field: 'file',
      cause: error,
    });
  }
  return workbook.worksheets.map((sheet) => {
    const rows: Cell[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const cells: Cell[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = excelCell(cell.value);
      });
      rows[rowNumber - 1] = Array.from(cells, (cell) => cell ?? null);
    });
    return Array.from(rows, (row) => row ?? []);
  });
}

/** The index of the header row: the first of the top rows that names two import columns. */
function headerIndexOf(grid: readonly (readonly Cell[])[]): number {
  return grid
    .slice(0, HEADER_SEARCH_ROWS)
    .findIndex((cells) => headerScore(cells.map((cell) => String(cell ?? ''))) >= 2);
}

function isBlankRow(cells: readonly Cell[]): boolean {
  return cells.every((cell) => cell === null || (typeof cell === 'string' && cell.trim() === ''));
}

/** Reads `file` and finds its header; a file that is not an import sheet is a usage error. */
export async function readSheet(file: string): Promise<Sheet> {
  const format = sheetFormatOf(file);
  if (!format) throw usage(`${file}: give a .csv or .xlsx file.`);
  let grid: Cell[][];
  if (format === 'csv') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new AppError(ErrorCode.InvalidInput, `Cannot read ${file}.`, [], {
        field: 'file',
        cause: error,
      });
    }
    // Excel's plain "CSV" is Windows-1252: its accented letters would be stored broken.
    if (text.includes('\uFFFD'))
      throw usage(`${file} is not UTF-8 text: save it as "CSV UTF-8" (or give the XLSX).`);
    try {
      grid = readCsv(text);
    } catch (error) {
      throw new AppError(ErrorCode.InvalidInput, `${file} is not valid CSV.`, [], {
        field: 'file',
        cause: error,
      });
    }
  } else {
    // The first worksheet with a header row (the template's codes sheet has none).
    const sheets = await readXlsx(file);
    grid = sheets.find((candidate) => headerIndexOf(candidate) >= 0) ?? sheets[0] ?? [];
  }
  const headerIndex = headerIndexOf(grid);
  if (headerIndex < 0)
    throw usage(
      `${file} has no header row naming the import's columns (see ccr import --template).`,
    );
  const rows: SheetRow[] = [];
  grid.slice(headerIndex + 1).forEach((cells, offset) => {
    if (!isBlankRow(cells)) rows.push({ rowNumber: headerIndex + 2 + offset, cells });
  });
  if (rows.length > MAX_IMPORT_ROWS)
    throw usage(`${file} has ${rows.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.`);
  return {
    format,
    headerRow: headerIndex + 1,
    headers: (grid[headerIndex] ?? []).map((cell) => String(cell ?? '')),
    rows,
  };
}
