/**
 * One import of paper forms: read the sheet, check every row with the core validators, skip
 * forms already stored, place the addresses, store each registration whole or not at all,
 * and hand each stored registration's letter to the letter file. Problems are data, row by
 * row; only failures that no row can mend (sign-in, network, service) are thrown.
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import { AppError, ErrorCode } from '../../core/errors.js';
import {
  buildRegistration,
  type ImportChannel,
  type Registration,
  type RowLocation,
} from './build-registration.js';
import type { Letter } from './confirmation-letters.js';
import { geocodeAddress, type GeocoderOptions } from './geocode-address.js';
import { mapColumns, type ColumnMap } from './import-columns.js';
import type { Problem } from './import-report.js';
import { ImportIssueCode, readRow, type RowIssue, type ValidRow } from './read-row.js';
import { readSheet } from './read-sheet.js';
import { storedForms } from './stored-forms.js';
import { writeRegistrations } from './write-registrations.js';

/** Where progress is shown (a bar on a terminal, nothing otherwise). */
export interface ImportProgress {
  start(total: number, label: string): void;
  tick(by?: number): void;
  stop(): void;
}

export interface ImportOptions {
  readonly file: string;
  /** The source feature service (`…/CommunityCameras/FeatureServer`). */
  readonly serviceUrl: string;
  readonly authentication: IAuthenticationManager | null;
  readonly geocoder: GeocoderOptions;
  readonly channel: ImportChannel;
  /** The agreement version for rows that do not give one. */
  readonly consentVersion?: string;
  readonly batchSize?: number;
  /** Geocoder requests in flight at once; default 4. */
  readonly concurrency?: number;
  /** Check and geocode, store nothing. */
  readonly dryRun?: boolean;
  /** Receives the letters of each group of stored registrations. */
  readonly letters?: { add(letters: readonly Letter[]): Promise<void> };
  readonly progress?: ImportProgress;
  readonly now?: () => number;
}

export interface ImportResult {
  readonly format: 'csv' | 'xlsx';
  /** Rows below the header with anything in them. */
  readonly rows: number;
  /** Registrations stored by this run (with a dry run: that would be stored). */
  readonly stored: number;
  readonly cameras: number;
  /** Rows whose form number the service already holds (skipped). */
  readonly alreadyImported: number;
  /** Rows not stored because of a problem. */
  readonly problemRows: number;
  readonly problems: readonly Problem[];
  /** Headers that name no import column, as written. */
  readonly ignoredColumns: readonly string[];
  readonly dryRun: boolean;
  readonly elapsedMs: number;
  /**
   * What stopped the run while storing (sign-in, network, service): what was stored before
   * it is counted above and has its letters; the rest can be imported by running again.
   */
  readonly failure?: Error;
}

const NO_PROGRESS: ImportProgress = { start() {}, tick() {}, stop() {} };

function usage(message: string): AppError {
  return new AppError(ErrorCode.InvalidInput, message, [], { field: 'file' });
}

/** Runs `work` over `items`, at most `limit` at once, results in input order. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function letterOf(registration: Registration): Letter {
  const site = registration.site.attributes;
  const text = (value: unknown): string | null =>
    typeof value === 'string' && value !== '' ? value : null;
  return {
    language: registration.row.language,
    contactName: text(site.contact_name) ?? '',
    businessName: text(site.business_name),
    address: text(site.address) ?? '',
    unit: text(site.unit),
    formNumber: registration.row.formNumber,
    reference: registration.reference,
    manageCode: registration.manageCode,
    cameraLabels: registration.cameras.map((camera) => String(camera.attributes.label ?? '')),
  };
}

/** Imports one sheet; see the module comment. */
export async function runImport(options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const progress = options.progress ?? NO_PROGRESS;
  const sheet = await readSheet(options.file);
  const map: ColumnMap = mapColumns(sheet.headers);
  if (map.repeated.length > 0)
    throw usage(`More than one column gives ${map.repeated.join(', ')}; keep one of each.`);
  if (!map.columns.has('form_number'))
    throw usage('The sheet has no Form number column: every row needs its form number.');

  const problems: Problem[] = [];
  const problemRows = new Set<number>();
  const report = (row: number, formNumber: string | null, issues: readonly RowIssue[]): void => {
    problemRows.add(row);
    for (const issue of issues)
      problems.push({
        row,
        formNumber,
        field: issue.field,
        column: map.columns.get(issue.field)?.header ?? '',
        code: issue.code,
        ...(issue.limit ? { limit: issue.limit } : {}),
        ...(issue.firstRow === undefined ? {} : { firstRow: issue.firstRow }),
      });
  };

  // Check every row; a form number met again is a problem of the later row.
  const firstRowOf = new Map<string, number>();
  const checked: ValidRow[] = [];
  const pending: { row: number; formNumber: string | null; issues: RowIssue[] }[] = [];
  for (const sheetRow of sheet.rows) {
    const result = readRow(sheetRow, map, { consentVersion: options.consentVersion });
    const formNumber = result.ok ? result.row.formNumber : result.formNumber;
    const issues: RowIssue[] = result.ok ? [] : [...result.issues];
    if (formNumber !== null) {
      const first = firstRowOf.get(formNumber);
      if (first === undefined) firstRowOf.set(formNumber, sheetRow.rowNumber);
      else
        issues.unshift({
          field: 'form_number',
          code: ImportIssueCode.DuplicateInFile,
          firstRow: first,
        });
    }
    if (result.ok && issues.length === 0) checked.push(result.row);
    else pending.push({ row: sheetRow.rowNumber, formNumber, issues });
  }

  // Forms already stored are skipped, whatever their row says now.
  const stored = await storedForms(
    options.serviceUrl,
    [...firstRowOf.keys()],
    options.authentication,
  );
  const isStored = (row: number, formNumber: string | null): boolean =>
    formNumber !== null && stored.has(formNumber) && firstRowOf.get(formNumber) === row;
  let alreadyImported = 0;
  for (const { row, formNumber, issues } of pending) {
    if (isStored(row, formNumber)) alreadyImported += 1;
    else report(row, formNumber, issues);
  }
  const toPlace = checked.filter((row) => {
    if (!isStored(row.rowNumber, row.formNumber)) return true;
    alreadyImported += 1;
    return false;
  });

  // Place each address (rows with their own coordinates keep them).
  const now = (options.now ?? Date.now)();
  const toGeocode = toPlace.filter((row) => row.point === null).length;
  if (toGeocode > 0) progress.start(toGeocode, 'Geocoding');
  const located = await pool(toPlace, options.concurrency ?? 4, async (row) => {
    if (row.point)
      return {
        row,
        location: {
          point: row.point,
          method: 'analyst_corrected',
          score: null,
          matchedAddress: null,
        } satisfies RowLocation,
      };
    const found = await geocodeAddress(String(row.site.address ?? ''), options.geocoder);
    progress.tick();
    if (!found.ok) {
      report(row.rowNumber, row.formNumber, [{ field: 'address', code: found.code }]);
      return undefined;
    }
    return {
      row,
      location: {
        point: found.point,
        method: 'geocoded',
        score: found.score,
        matchedAddress: found.address,
      } satisfies RowLocation,
    };
  }).finally(() => {
    if (toGeocode > 0) progress.stop();
  });

  const registrations: Registration[] = [];
  for (const placed of located) {
    if (!placed) continue;
    const built = buildRegistration(placed.row, placed.location, { channel: options.channel, now });
    if (built.ok) registrations.push(built.registration);
    else report(placed.row.rowNumber, placed.row.formNumber, built.issues);
  }

  let storedCount = 0;
  let cameras = 0;
  let failure: Error | undefined;
  if (options.dryRun) {
    storedCount = registrations.length;
    cameras = registrations.reduce((sum, r) => sum + r.cameras.length, 0);
  } else if (registrations.length > 0) {
    progress.start(registrations.length, 'Storing');
    try {
      await writeRegistrations(registrations, {
        serviceUrl: options.serviceUrl,
        authentication: options.authentication,
        batchSize: options.batchSize,
        onStored: async (group) => {
          storedCount += group.length;
          cameras += group.reduce((sum, r) => sum + r.cameras.length, 0);
          await options.letters?.add(group.map(letterOf));
          progress.tick(group.length);
        },
        onRefused: (registration, issues) => {
          report(registration.row.rowNumber, registration.row.formNumber, issues);
          progress.tick();
        },
      });
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      progress.stop();
    }
  }

  const order = (problem: Problem): number => map.columns.get(problem.field)?.index ?? -1;
  problems.sort((a, b) => a.row - b.row || order(a) - order(b));
  return {
    format: sheet.format,
    rows: sheet.rows.length,
    stored: storedCount,
    cameras,
    alreadyImported,
    problemRows: problemRows.size,
    problems,
    ignoredColumns: map.ignored,
    dryRun: options.dryRun === true,
    elapsedMs: performance.now() - started,
    ...(failure ? { failure } : {}),
  };
}
