/**
 * `ccr import FILE.csv|FILE.xlsx`: paper brochure forms and partner lists into the registry,
 * over the ArcGIS REST API with analyst rights; `ccr import --template` writes the sheet to
 * fill. See src/ops/import/run-import.ts for what an import does.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AppError, ErrorCode } from '../../core/errors.js';
import { IMPORT_CHANNELS, type ImportChannel } from '../../ops/import/build-registration.js';
import { DEFAULT_MIN_SCORE } from '../../ops/import/geocode-address.js';
import type { Language } from '../../ops/import/import-columns.js';
import { defaultServiceUrl, portalGeocoder } from '../../ops/import/import-endpoints.js';
import { describeProblem, reportCsv } from '../../ops/import/import-report.js';
import { writeTemplate } from '../../ops/import/import-template.js';
import { letterFile } from '../../ops/import/letter-file.js';
import { sheetFormatOf } from '../../ops/import/read-sheet.js';
import { runImport, type ImportResult } from '../../ops/import/run-import.js';
import { DEFAULT_BATCH_SIZE } from '../../ops/import/write-registrations.js';
import {
  EXIT,
  progress,
  sharingUrl,
  signIn,
  withPortalOptions,
  type CliIo,
  type PortalOptions,
} from '../cli-kit.js';

interface ImportCommandOptions extends Partial<PortalOptions> {
  readonly template?: boolean;
  readonly format?: 'csv' | 'xlsx';
  readonly language: Language;
  readonly out?: string;
  readonly service?: string;
  readonly geocoder?: string;
  readonly city?: string;
  readonly minScore: number;
  readonly channel: ImportChannel;
  readonly consentVersion?: string;
  readonly batchSize: number;
  readonly report?: string;
  readonly letters?: string;
  readonly programName: string;
  readonly manageUrl?: string;
  readonly dryRun?: boolean;
}

/** Problems listed on the terminal; the report has them all. */
const LISTED_PROBLEMS = 25;

function wholeNumber(low: number, high: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < low || value > high)
      throw new InvalidArgumentError(`a whole number from ${low} to ${high}`);
    return value;
  };
}

function usage(message: string, field: string): AppError {
  return new AppError(ErrorCode.InvalidInput, message, [], { field });
}

async function template(options: ImportCommandOptions, io: CliIo): Promise<number> {
  if (!options.out) throw usage('Give --out FILE for the template.', 'out');
  const format = options.format ?? sheetFormatOf(options.out);
  if (!format)
    throw usage('Give --format csv|xlsx, or an --out file ending in .csv or .xlsx.', 'format');
  const { columns } = await writeTemplate({
    format,
    language: options.language,
    file: options.out,
  });
  if (options.json) io.out(JSON.stringify({ ok: true, file: options.out, format, columns }));
  else io.out(`Wrote the import template ${options.out} (${format}, ${columns} columns).`);
  return EXIT.ok;
}

function rowsPerSecond(result: ImportResult): number {
  return result.elapsedMs > 0 ? Math.round((result.rows / result.elapsedMs) * 1000 * 10) / 10 : 0;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function printSummary(
  io: CliIo,
  file: string,
  result: ImportResult,
  options: ImportCommandOptions,
  letters: number,
): void {
  const verb = result.dryRun ? 'Would store' : 'Stored';
  io.out(`Read ${plural(result.rows, 'row')} from ${file}.`);
  io.out(
    `${verb} ${plural(result.stored, 'registration')} with ${plural(result.cameras, 'camera')} (source ${options.channel}, status pending).`,
  );
  io.out(`Already imported (skipped): ${result.alreadyImported}.`);
  if (result.problemRows > 0) {
    io.out(
      `Rows with problems, not stored: ${result.problemRows}${options.report ? ` (report: ${options.report})` : ''}.`,
    );
    for (const problem of result.problems.slice(0, LISTED_PROBLEMS)) {
      const form = problem.formNumber ? ` (form ${problem.formNumber})` : '';
      const where = problem.column || problem.field || 'row';
      io.out(`  row ${problem.row}${form}: ${where}: ${problem.code}. ${describeProblem(problem)}`);
    }
    const more = result.problems.length - LISTED_PROBLEMS;
    if (more > 0)
      io.out(
        `  … and ${more} more${options.report ? ' in the report' : ' (write them all with --report FILE)'}.`,
      );
  }
  if (result.ignoredColumns.length > 0)
    io.out(`Ignored columns (no such import column): ${result.ignoredColumns.join(', ')}.`);
  if (letters > 0 && options.letters)
    io.out(
      `Letters: ${options.letters} (${plural(letters, 'letter')}, one per page). Keep the file private: it holds the residents' manage codes.`,
    );
  const seconds = (result.elapsedMs / 1000).toFixed(1);
  io.out(`Done in ${seconds} s (${rowsPerSecond(result)} rows/s).`);
}

async function importSheet(
  file: string | undefined,
  options: ImportCommandOptions,
  io: CliIo,
): Promise<number> {
  if (!file)
    throw usage('Give the sheet to import (FILE.csv or FILE.xlsx), or --template.', 'file');
  if (!sheetFormatOf(file)) throw usage(`${file}: give a .csv or .xlsx file.`, 'file');
  if (!existsSync(file)) throw usage(`No such file: ${file}`, 'file');
  if (!options.portal) throw usage('Give --portal URL.', 'portal');
  if (!options.dryRun && !options.letters)
    throw usage(
      'Give --letters FILE: the letters are the only place the residents’ manage codes are kept.',
      'letters',
    );
  if (options.letters && existsSync(options.letters))
    throw usage(
      `${options.letters} exists; letters are never written over. Give a new file.`,
      'letters',
    );
  const serviceUrl = (options.service ?? defaultServiceUrl(options.portal))?.replace(/\/+$/, '');
  if (!serviceUrl)
    throw usage(
      'Give --service URL: the CommunityCameras feature service (on ArcGIS Online, from its item page).',
      'service',
    );

  const authentication = await signIn(options as PortalOptions, io);
  const geocoder = options.geocoder
    ? { url: options.geocoder, near: undefined }
    : await portalGeocoder(sharingUrl(options.portal), authentication);
  const letters =
    options.letters && !options.dryRun
      ? letterFile(options.letters, {
          programName: options.programName,
          manageUrl: options.manageUrl,
          date: new Date(),
        })
      : undefined;
  let result: ImportResult;
  let letterCount: number;
  try {
    result = await runImport({
      file,
      serviceUrl,
      authentication,
      geocoder: {
        url: geocoder.url,
        authentication,
        minScore: options.minScore,
        near: geocoder.near,
        city: options.city,
        forStorage: true,
      },
      channel: options.channel,
      consentVersion: options.consentVersion,
      batchSize: options.batchSize,
      dryRun: options.dryRun,
      letters,
      progress: progress(io, options.json),
    });
  } finally {
    letterCount = (await letters?.close()) ?? 0;
  }
  if (options.report) await writeFile(options.report, reportCsv(result.problems));

  const failure = result.failure;
  if (options.json) {
    io.out(
      JSON.stringify({
        ok: result.problemRows === 0 && !failure,
        file,
        format: result.format,
        dryRun: result.dryRun,
        rows: result.rows,
        stored: result.stored,
        cameras: result.cameras,
        alreadyImported: result.alreadyImported,
        problemRows: result.problemRows,
        problems: result.problems.map((p) => ({
          row: p.row,
          formNumber: p.formNumber,
          field: p.field,
          column: p.column,
          code: p.code,
          ...(p.firstRow === undefined ? {} : { firstRow: p.firstRow }),
        })),
        ignoredColumns: result.ignoredColumns,
        ...(options.report ? { report: options.report } : {}),
        ...(letterCount > 0 ? { letters: { file: options.letters, count: letterCount } } : {}),
        elapsedMs: Math.round(result.elapsedMs),
        rowsPerSecond: rowsPerSecond(result),
        ...(failure
          ? {
              failure: {
                code: failure instanceof AppError ? failure.code : ErrorCode.Service,
                message: failure.message,
              },
            }
          : {}),
      }),
    );
  } else {
    printSummary(io, file, result, options, letterCount);
  }
  if (failure) {
    if (!options.json)
      io.err(
        `ccr import: stopped: ${failure.message}. What was stored has its letters; run the same import again for the rest.`,
      );
    return EXIT.failed;
  }
  return result.problemRows > 0 ? EXIT.attention : EXIT.ok;
}

export function registerImport(program: Command, io: CliIo, done: (code: number) => void): void {
  const command = program
    .command('import')
    .summary('import paper forms and partner lists (CSV or XLSX), with letters for residents')
    .description(
      'Stores each row (one form: a site and its cameras) as a pending registration, all or nothing per row. Rows whose form number is already stored are skipped, so running again adds nothing twice.',
    )
    .argument('[file]', 'the sheet: FILE.csv or FILE.xlsx');
  withPortalOptions(command);
  // --template needs no portal: the shared option is checked in the action instead.
  const portal = command.options.find((option) => option.long === '--portal');
  if (portal) portal.mandatory = false;
  command
    .option('--template', 'write the import template instead (with --out)')
    .addOption(new Option('--format <format>', 'template format').choices(['csv', 'xlsx']))
    .addOption(
      new Option('--language <language>', 'template headers in English or Spanish')
        .choices(['en', 'es'])
        .default('en'),
    )
    .option('--out <file>', 'where the template goes')
    .option('--service <url>', 'the CommunityCameras feature service (default: beside the portal)')
    .option('--geocoder <url>', "a GeocodeServer (default: the portal's geocoder)")
    .option(
      '--city <text>',
      'added to addresses without a comma, for the geocoder ("Independence, MO")',
    )
    .option(
      '--min-score <n>',
      'lowest geocoder score taken',
      wholeNumber(1, 100),
      DEFAULT_MIN_SCORE,
    )
    .addOption(
      new Option('--channel <channel>', 'source channel recorded on each site')
        .choices([...IMPORT_CHANNELS])
        .default('paper'),
    )
    .option('--consent-version <version>', 'agreement version for rows without one')
    .option(
      '--batch-size <n>',
      'registrations per applyEdits call',
      wholeNumber(1, 500),
      DEFAULT_BATCH_SIZE,
    )
    .option('--report <file>', 'write the problem report (CSV, one line per problem)')
    .option('--letters <file>', 'write the confirmation letters (HTML; a new file)')
    .option('--program-name <text>', 'letterhead', 'Community Camera Program')
    .option('--manage-url <url>', 'the page where residents manage their registration')
    .option('--dry-run', 'check and geocode every row, store nothing')
    .action(async (file: string | undefined, options: ImportCommandOptions) => {
      done(options.template ? await template(options, io) : await importSheet(file, options, io));
    });
}
