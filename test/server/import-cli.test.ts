/**
 * `ccr import` against the real local server over its REST API: a 500-row sheet (CSV and
 * XLSX, filled into the template `ccr import --template` writes) with planted bad rows; the
 * report names exactly those rows, a second run stores nothing, the letters carry each stored
 * reference with the manage code whose hash the site holds. Then the writer's refusal paths:
 * a refused registration set aside, a call too large split, an answer lost on the way.
 */
import { ApiKeyManager } from '@esri/arcgis-rest-request';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCcr } from '../../src/cli/ccr.js';
import type { CliIo } from '../../src/cli/cli-kit.js';
import { arcgisRequest, retryWhenRateLimited } from '../../src/client/arcgis-request.js';
import { hashManageCode } from '../../src/core/change-requests/manage-code-hash.js';
import { AppError, ErrorCode } from '../../src/core/errors.js';
import { buildRegistration, type Registration } from '../../src/ops/import/build-registration.js';
import { templateColumns } from '../../src/ops/import/import-columns.js';
import type { RowIssue, ValidRow } from '../../src/ops/import/read-row.js';
import { writeRegistrations } from '../../src/ops/import/write-registrations.js';
import { openDatabase } from '../../src/server/db/open-database.js';
import { loadAddressPoints } from '../../src/server/geocode/address-points.js';
import { runCli } from '../helpers/run-cli.js';
import { seededRandom } from '../helpers/registrations.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let dir: string;
let analystToken: string;
let addresses: { number: string; street: string; x: number; y: number }[];

beforeAll(async () => {
  server = await startTestServer({ sites: 0 });
  analystToken = await server.token('analyst1');
  dir = mkdtempSync(join(tmpdir(), 'ccr-import-'));
  // Address points the geocoder knows, one per house number and street (no units).
  addresses = server.db
    .prepare(
      `SELECT number, street, MIN(x) AS x, MIN(y) AS y FROM address_points WHERE unit IS NULL
       GROUP BY number, street HAVING COUNT(*) = 1 ORDER BY MIN(id) LIMIT 600`,
    )
    .all() as typeof addresses;
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function ccr(args: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: { CCR_PASSWORD: TEST_PASSWORD },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    interactive: false,
  };
  const code = await runCcr(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const file = (name: string): string => join(dir, name);
const portal = (): string => `${server.url}/arcgis`;

// ---------------------------------------------------------------------------------------
// The sheet: 500 forms, with bad rows planted at fixed places
// ---------------------------------------------------------------------------------------

const ROWS = 500;
type Cell = string | number | ExcelJS.CellValue;

/** One form: values by import column name (`phone`, `camera2_mount`); blank when absent. */
type Form = Record<string, Cell>;

interface Planted {
  readonly index: number;
  readonly problems: readonly { readonly field: string; readonly code: string }[];
  readonly plant: (form: Form, forms: readonly Form[]) => void;
}

const PLANTED: readonly Planted[] = [
  {
    index: 6,
    problems: [{ field: 'phone', code: 'INVALID_PHONE' }],
    plant: (f) => Object.assign(f, { phone: '555-12', email: '', preferred_contact: '' }),
  },
  {
    index: 13,
    problems: [{ field: 'site_type', code: 'NOT_IN_DOMAIN' }],
    plant: (f) => Object.assign(f, { site_type: 'castle', business_name: 'Keep Ltd' }),
  },
  {
    index: 21,
    problems: [{ field: 'contact_name', code: 'REQUIRED' }],
    plant: (f) => Object.assign(f, { contact_name: '' }),
  },
  {
    index: 34,
    problems: [{ field: 'address', code: 'ADDRESS_NOT_FOUND' }],
    plant: (f) => Object.assign(f, { address: '1 Nowhere Lane' }),
  },
  {
    index: 47,
    problems: [{ field: 'form_number', code: 'DUPLICATE_IN_FILE' }],
    plant: (f, forms) => Object.assign(f, { form_number: forms[40]?.form_number }),
  },
  {
    index: 55,
    problems: [
      { field: 'camera1_mount', code: 'NOT_IN_DOMAIN' },
      { field: 'camera2_retention_days', code: 'OUT_OF_RANGE' },
    ],
    plant: (f) => Object.assign(f, { camera1_mount: 'ceiling', camera2_retention_days: 400 }),
  },
  {
    index: 68,
    problems: [{ field: 'form_number', code: 'REQUIRED' }],
    plant: (f) => Object.assign(f, { form_number: '' }),
  },
  {
    index: 79,
    problems: [{ field: 'email', code: 'INVALID_EMAIL' }],
    plant: (f) => Object.assign(f, { email: 'not-an-email', phone: '', preferred_contact: '' }),
  },
  {
    index: 90,
    problems: [{ field: 'preferred_contact', code: 'PREFERRED_CONTACT_MISSING' }],
    plant: (f) => Object.assign(f, { email: '', preferred_contact: 'email' }),
  },
  {
    index: 101,
    problems: [{ field: 'camera1_label', code: 'CAMERA_REQUIRED' }],
    plant: (f) => {
      for (const key of Object.keys(f)) if (key.startsWith('camera')) f[key] = '';
    },
  },
  {
    index: 123,
    problems: [{ field: 'longitude', code: 'REQUIRED' }],
    plant: (f) => Object.assign(f, { latitude: 39.05 }),
  },
  {
    index: 134,
    problems: [{ field: 'camera1_view_bearing', code: 'WRONG_TYPE' }],
    plant: (f) => Object.assign(f, { camera1_view_bearing: 'upward' }),
  },
];
/** An address the geocoder cannot place, on a row that gives its own coordinates: stored. */
const PLACED_BY_HAND = 112;
const BAD_ROWS = PLANTED.length;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/** The 500 forms, deterministic; `prefix` keeps the form numbers of two sheets apart. */
function makeForms(prefix: string): Form[] {
  const random = seededRandom(prefix.charCodeAt(0));
  const forms: Form[] = [];
  for (let i = 0; i < ROWS; i += 1) {
    const point = addresses[i % addresses.length]!;
    const business = i % 4 === 0;
    const phone = `816555${String(1000 + i).padStart(4, '0')}`;
    const form: Form = {
      form_number: `${prefix}-${String(i + 1).padStart(4, '0')}`,
      consent_version: i % 5 === 0 ? '' : '2025-1',
      site_type: business
        ? pick(['business', 'Business', 'Negocio'], i)
        : pick(['residence', 'Residence', 'Residencia'], i),
      business_name: business ? `Shop ${i}` : '',
      contact_name: i % 7 === 0 ? `José Núñez ${i}` : `Resident ${i}`,
      contact_role: pick(['owner', 'tenant', 'Manager or operator', 'Propietario'], i),
      phone: pick(
        [
          `(${phone.slice(0, 3)}) ${phone.slice(3, 6)}-${phone.slice(6)}`,
          `${phone.slice(0, 3)}.${phone.slice(3, 6)}.${phone.slice(6)}`,
          `+1 ${phone}`,
        ],
        i,
      ),
      email: i % 3 === 0 ? `resident${i}@example.org` : '',
      preferred_contact: i % 3 === 0 ? 'email' : pick(['', 'phone', 'Text message'], i),
      preferred_language: pick(['en', 'es', '', 'Español', 'English'], i),
      best_hours: pick(['Mornings', 'evening', '', 'Fines de semana'], i),
      share_willingness: pick(['yes', 'Case by case', 'Según el caso', 'no'], i),
      address: `${point.number} ${point.street}`,
      unit: i % 10 === 0 ? 'Apt 2' : '',
      longitude: '',
      latitude: '',
    };
    const cameras = 1 + (i % 3);
    for (let k = 1; k <= 3; k += 1) {
      const on = k <= cameras;
      const c = (name: string, value: Cell) => (form[`camera${k}_${name}`] = on ? value : '');
      c('label', `Cam ${k} of ${i}`);
      c('mount', pick(['exterior', 'Outside', 'interior_facing_out'], i + k));
      c('form', pick(['doorbell', 'Fixed (bullet or dome)', 'ptz', ''], i + k));
      c('view_bearing', pick([90, 'NE', '', 'Norte', 270], i + k));
      c('fov_deg', pick(['', 90, 120], i + k));
      c('range_m', pick(['', 30], i + k));
      c('coverage', pick(['street,sidewalk', 'Calle; Acera', 'driveway', ''], i + k));
      c('recording_mode', pick(['motion', 'Records all the time', 'continuous'], i + k));
      c('retention_days', pick([30, 7, '14'], i + k + Math.floor(random() * 3)));
      c('storage', pick(['cloud', '', 'Memory card'], i + k));
      c('can_export', pick(['yes_file', '', 'No'], i + k));
    }
    forms.push(form);
  }
  for (const planted of PLANTED) planted.plant(forms[planted.index]!, forms);
  Object.assign(forms[PLACED_BY_HAND]!, {
    address: '2 Nowhere Lane',
    longitude: addresses[3]!.x,
    latitude: addresses[3]!.y,
  });
  return forms;
}

/** The template's column names, in its order (`phone`, `camera1_label`, …). */
const COLUMNS = templateColumns('en').map((column) => {
  const target = column.target;
  return target.kind === 'site'
    ? target.field.name
    : target.kind === 'coordinate'
      ? target.name
      : `camera${target.camera}_${target.field.name}`;
});

function csvField(value: Cell): string {
  const text = value === null || value === undefined ? '' : String(value as string | number);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV template with the forms below its header; returns the header's row number. */
async function writeCsvSheet(path: string, forms: readonly Form[]): Promise<number> {
  const template = file(`template-${Math.random()}.csv`);
  expect((await ccr(['import', '--template', '--out', template])).code).toBe(0);
  const text = readFileSync(template, 'utf8');
  const records = parse(text, { bom: true, relax_column_count: true }) as string[][];
  const headerRow = records.findIndex((record) => record[0] === 'Form number') + 1;
  expect(headerRow).toBeGreaterThan(1); // notes and codes stand above the header
  const lines = forms.map((form) => COLUMNS.map((name) => csvField(form[name] ?? '')).join(','));
  writeFileSync(path, `${text}${lines.join('\r\n')}\r\n`);
  return headerRow;
}

/** The XLSX template with the forms in its first sheet, cells typed as Excel keeps them. */
async function writeXlsxSheet(path: string, forms: readonly Form[]): Promise<void> {
  const template = file(`template-${Math.random()}.xlsx`);
  expect((await ccr(['import', '--template', '--out', template])).code).toBe(0);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(template);
  const sheet = workbook.worksheets[0]!;
  forms.forEach((form, i) => {
    const row = sheet.getRow(i + 2);
    COLUMNS.forEach((name, column) => {
      let value = form[name] ?? '';
      if (value === '') return;
      // Excel keeps digits typed into a cell as a number, and e-mail addresses as links.
      if (name === 'phone' && typeof value === 'string' && /^\(\d{3}\) \d{3}-\d{4}$/.test(value))
        value = Number(value.replace(/\D/g, ''));
      else if (name === 'email' && typeof value === 'string' && value.includes('@'))
        value = { text: value, hyperlink: `mailto:${value}` };
      else if (name === 'contact_name' && i % 11 === 0)
        value = {
          richText: [
            { text: String(value).slice(0, 3), font: { bold: true } },
            { text: String(value).slice(3) },
          ],
        };
      row.getCell(column + 1).value = value as ExcelJS.CellValue;
    });
    row.commit();
  });
  await workbook.xlsx.writeFile(path);
}

interface ReportLine {
  row: string;
  form_number: string;
  field: string;
  column: string;
  issue: string;
  explanation: string;
}

function readReport(path: string): ReportLine[] {
  return parse(readFileSync(path, 'utf8'), { bom: true, columns: true }) as ReportLine[];
}

function expectedProblems(firstDataRow: number): string[] {
  return PLANTED.flatMap((planted) =>
    planted.problems.map((p) => `${planted.index + firstDataRow}:${p.field}:${p.code}`),
  ).sort();
}

interface Letter {
  readonly language: string;
  readonly reference: string;
  readonly code: string;
}

function readLetters(path: string): Letter[] {
  const html = readFileSync(path, 'utf8');
  return [
    ...html.matchAll(
      /<section class="letter" lang="(en|es)">[\s\S]*?<dd>([^<]+)<\/dd>[\s\S]*?<dd>([^<]+)<\/dd>[\s\S]*?<\/section>/g,
    ),
  ].map((m) => ({ language: m[1]!, reference: m[2]!, code: m[3]! }));
}

interface StoredSite {
  registration_ref: string;
  manage_code_hash: string;
  preferred_language: string | null;
  form_number: string;
  source_channel: string;
  status: string;
  location_method: string;
  geocode_score: number | null;
  GlobalID: string;
}

function storedSites(prefix: string): StoredSite[] {
  return server.db
    .prepare(
      `SELECT registration_ref, manage_code_hash, preferred_language, form_number, source_channel,
              status, location_method, geocode_score, "GlobalID" FROM sites WHERE form_number LIKE ?`,
    )
    .all(`${prefix}-%`) as unknown as StoredSite[];
}

function cameraCount(prefix: string): number {
  return (
    server.db
      .prepare(
        `SELECT COUNT(*) AS n FROM cameras WHERE site_guid IN (SELECT "GlobalID" FROM sites WHERE form_number LIKE ?)`,
      )
      .get(`${prefix}-%`) as { n: number }
  ).n;
}

/** Cameras the good rows of `forms` carry. */
function expectedCameras(forms: readonly Form[]): number {
  const bad = new Set(PLANTED.map((p) => p.index));
  return forms.reduce(
    (sum, form, i) =>
      bad.has(i) ? sum : sum + [1, 2, 3].filter((k) => form[`camera${k}_label`] !== '').length,
    0,
  );
}

/** Every value that identifies or reaches a resident, from the good and bad rows alike. */
function contactValues(forms: readonly Form[]): string[] {
  return forms.flatMap((form) =>
    ['contact_name', 'email', 'address', 'business_name']
      .map((name) => String(form[name] ?? ''))
      .filter((value) => value.length > 6),
  );
}

describe('ccr import: 500 forms from CSV', () => {
  const forms = () => makeForms('P');
  let headerRow = 0;
  let first: Run;
  let json: Record<string, unknown>;

  beforeAll(async () => {
    headerRow = await writeCsvSheet(file('forms.csv'), forms());
    first = await ccr([
      'import',
      file('forms.csv'),
      '--portal',
      portal(),
      '--username',
      'analyst1',
      '--consent-version',
      '2025-1',
      '--report',
      file('report.csv'),
      '--letters',
      file('letters.html'),
      '--json',
    ]);
    json = JSON.parse(first.out) as Record<string, unknown>;
  });

  it('stores every good row and exits 1 for the rows with problems', () => {
    expect(first.code).toBe(1);
    expect(json).toMatchObject({
      ok: false,
      format: 'csv',
      rows: ROWS,
      stored: ROWS - BAD_ROWS,
      cameras: expectedCameras(forms()),
      alreadyImported: 0,
      problemRows: BAD_ROWS,
    });
    expect(storedSites('P')).toHaveLength(ROWS - BAD_ROWS);
    expect(cameraCount('P')).toBe(expectedCameras(forms()));
  });

  it('reports exactly the planted rows, by spreadsheet row and column', () => {
    const firstDataRow = headerRow + 1;
    const report = readReport(file('report.csv'));
    expect(report.map((l) => `${l.row}:${l.field}:${l.issue}`).sort()).toEqual(
      expectedProblems(firstDataRow),
    );
    const problems = json.problems as { row: number; field: string; code: string }[];
    expect(problems.map((p) => `${p.row}:${p.field}:${p.code}`).sort()).toEqual(
      expectedProblems(firstDataRow),
    );
    // The header as the sheet writes it, and words for people.
    expect(report.find((l) => l.field === 'phone')).toMatchObject({
      column: 'Phone',
      form_number: 'P-0007',
    });
    expect(report.find((l) => l.issue === 'DUPLICATE_IN_FILE')?.explanation).toContain(
      `row ${40 + firstDataRow}`,
    );
    expect(report.every((l) => l.explanation.length > 10)).toBe(true);
  });

  it('never prints or reports a contact detail', () => {
    const reportText = readFileSync(file('report.csv'), 'utf8');
    for (const value of contactValues(forms())) {
      expect(first.out).not.toContain(value);
      expect(reportText).not.toContain(value);
    }
  });

  it('stores pending paper registrations, read from codes and labels in either language', () => {
    const sites = storedSites('P');
    expect(new Set(sites.map((s) => s.source_channel))).toEqual(new Set(['paper']));
    expect(new Set(sites.map((s) => s.status))).toEqual(new Set(['pending']));
    const geocoded = sites.filter((s) => s.location_method === 'geocoded');
    expect(geocoded).toHaveLength(sites.length - 1);
    expect(geocoded.every((s) => (s.geocode_score ?? 0) >= 85)).toBe(true);
    const row = (n: number) =>
      server.db
        .prepare(
          `SELECT site_type, contact_role, phone, share_willingness, consent_version, preferred_language,
                  location_method, _x AS x, _y AS y, "GlobalID" AS id FROM sites WHERE form_number = ?`,
        )
        .get(`P-${String(n + 1).padStart(4, '0')}`) as Record<string, string | number | null>;
    // Row 2 (index 2): "Según el caso", "Manager or operator", +1 phone, Spanish.
    expect(row(2)).toMatchObject({
      share_willingness: 'case_by_case',
      contact_role: 'manager_operator',
      phone: '+18165551002',
      consent_version: '2025-1',
    });
    // Index 0: business as a code, blank consent filled from --consent-version.
    expect(row(0)).toMatchObject({ site_type: 'business', consent_version: '2025-1' });
    expect(row(3)).toMatchObject({ preferred_language: 'es', contact_role: 'owner' });
    // The row with its own coordinates keeps them, as an analyst's placement.
    expect(row(PLACED_BY_HAND)).toMatchObject({
      location_method: 'analyst_corrected',
      x: addresses[3]!.x,
      y: addresses[3]!.y,
    });
    const camerasOf = (n: number) =>
      server.db
        .prepare(
          'SELECT label, view_bearing, coverage, mount FROM cameras WHERE site_guid = ? ORDER BY label',
        )
        .all(row(n).id as string);
    // Index 0: bearing "NE", coverage "Calle; Acera", mount "Outside".
    expect(camerasOf(0)).toMatchObject([
      { label: 'Cam 1 of 0', view_bearing: 45, coverage: 'street,sidewalk', mount: 'exterior' },
    ]);
    // Index 1: a blank bearing (not known) and "Norte".
    expect(camerasOf(1)).toMatchObject([
      {
        label: 'Cam 1 of 1',
        view_bearing: null,
        coverage: 'driveway',
        mount: 'interior_facing_out',
      },
      { label: 'Cam 2 of 1', view_bearing: 0, coverage: null, mount: 'exterior' },
    ]);
  });

  it('writes one letter per stored registration, with the code the stored hash holds', () => {
    const html = readFileSync(file('letters.html'), 'utf8');
    expect(html).toMatch(/@media print[\s\S]*break-after: page/);
    const letters = readLetters(file('letters.html'));
    const sites = new Map(storedSites('P').map((s) => [s.registration_ref, s]));
    expect(letters).toHaveLength(sites.size);
    expect(new Set(letters.map((l) => l.reference))).toEqual(new Set(sites.keys()));
    for (const letter of letters) {
      const site = sites.get(letter.reference)!;
      expect(hashManageCode(letter.reference, letter.code)).toBe(site.manage_code_hash);
      expect(letter.language).toBe(site.preferred_language === 'es' ? 'es' : 'en');
    }
    expect(letters.some((l) => l.language === 'es')).toBe(true);
    expect(html).toContain('Código de administración privado');
    // Manage codes live in the letters alone.
    const elsewhere = first.out + first.err + readFileSync(file('report.csv'), 'utf8');
    for (const letter of letters) expect(elsewhere).not.toContain(letter.code);
  });

  it('adds nothing when run again: stored forms are skipped, the bad rows reported again', async () => {
    const again = await runCli('src/cli/ccr.ts', [
      'import',
      file('forms.csv'),
      '--portal',
      portal(),
      '--token',
      analystToken,
      '--consent-version',
      '2025-1',
      '--letters',
      file('letters-again.html'),
      '--json',
    ]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({
      stored: 0,
      alreadyImported: ROWS - BAD_ROWS,
      problemRows: BAD_ROWS,
    });
    expect(storedSites('P')).toHaveLength(ROWS - BAD_ROWS);
    expect(cameraCount('P')).toBe(expectedCameras(forms()));
    expect(existsSync(file('letters-again.html'))).toBe(false);
  });
});

describe('ccr import: 500 forms from XLSX', () => {
  const forms = () => makeForms('X');
  let first: Run;

  beforeAll(async () => {
    await writeXlsxSheet(file('forms.xlsx'), forms());
    first = await ccr([
      'import',
      file('forms.xlsx'),
      '--portal',
      portal(),
      '--username',
      'analyst1',
      '--consent-version',
      '2025-1',
      '--channel',
      'officer_assisted',
      '--report',
      file('report-x.csv'),
      '--letters',
      file('letters-x.html'),
      '--manage-url',
      'https://city.example/cameras/manage',
    ]);
  });

  it('stores the same good rows from typed cells (numbers, links, rich text)', () => {
    expect(first.code).toBe(1);
    expect(first.out).toContain(`Stored ${ROWS - BAD_ROWS} registrations`);
    expect(first.out).toMatch(/\d+(\.\d+)? rows\/s/);
    const sites = storedSites('X');
    expect(sites).toHaveLength(ROWS - BAD_ROWS);
    expect(new Set(sites.map((s) => s.source_channel))).toEqual(new Set(['officer_assisted']));
    expect(cameraCount('X')).toBe(expectedCameras(forms()));
    const phone = server.db
      .prepare('SELECT phone, email FROM sites WHERE form_number = ?')
      .get('X-0001') as { phone: string; email: string };
    expect(phone).toEqual({ phone: '+18165551000', email: 'resident0@example.org' });
  });

  it('reports exactly the planted rows (the header is row 1)', () => {
    const report = readReport(file('report-x.csv'));
    expect(report.map((l) => `${l.row}:${l.field}:${l.issue}`).sort()).toEqual(expectedProblems(2));
  });

  it("links each letter to the manage page with the letter's reference", () => {
    const html = readFileSync(file('letters-x.html'), 'utf8');
    const letters = readLetters(file('letters-x.html'));
    expect(letters).toHaveLength(ROWS - BAD_ROWS);
    for (const letter of letters.slice(0, 20))
      expect(html).toContain(`https://city.example/cameras/manage?ref=${letter.reference}`);
  });

  it('adds nothing when run again', async () => {
    const again = await ccr([
      'import',
      file('forms.xlsx'),
      '--portal',
      portal(),
      '--token',
      analystToken,
      '--consent-version',
      '2025-1',
      '--letters',
      file('letters-x2.html'),
    ]);
    expect(again.code).toBe(1);
    expect(again.out).toContain('Stored 0 registrations');
    expect(again.out).toContain(`Already imported (skipped): ${ROWS - BAD_ROWS}.`);
    expect(storedSites('X')).toHaveLength(ROWS - BAD_ROWS);
  });
});

describe('ccr import --template', () => {
  it('writes an XLSX with the aliases as headers, a codes sheet and lists of codes', async () => {
    expect((await ccr(['import', '--template', '--out', file('t.xlsx')])).code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file('t.xlsx'));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Registrations', 'Codes']);
    const headers = (workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(templateColumns('en').map((c) => c.header));
    expect(headers.slice(0, 4)).toEqual([
      'Form number',
      'Consent version',
      'Site type',
      'Business name',
    ]);
    expect(headers).toContain('Camera 3 Footage kept (days)');
    const siteType = headers.indexOf('Site type') + 1;
    expect(workbook.worksheets[0]!.getCell(2, siteType).dataValidation).toMatchObject({
      type: 'list',
      formulae: ['"residence,business,nonprofit,religious,government,other"'],
    });
    const codes: unknown[][] = [];
    workbook.worksheets[1]!.eachRow((row) => codes.push((row.values as unknown[]).slice(1)));
    expect(codes).toContainEqual(['Site type', 'religious', 'Place of worship', 'Lugar de culto']);
    expect(codes).toContainEqual([
      'Camera N Mount',
      'interior_facing_out',
      'Inside, facing out',
      'Interior, mirando hacia afuera',
    ]);
  });

  it('writes Spanish headers that the import reads back; a clean sheet exits 0, twice', async () => {
    expect(
      (
        await ccr([
          'import',
          '--template',
          '--language',
          'es',
          '--format',
          'csv',
          '--out',
          file('es.csv'),
        ])
      ).code,
    ).toBe(0);
    const template = readFileSync(file('es.csv'), 'utf8');
    expect(template).toContain('Número de formulario,Versión del acuerdo,Tipo de lugar');
    const rows = [0, 1, 2].map((i) => {
      const a = addresses[550 + i]!;
      const values: Record<string, string> = {
        form_number: `ES-${i}`,
        consent_version: '2025-1',
        site_type: 'Residencia',
        contact_name: `Vecina ${i}`,
        contact_role: 'Inquilino',
        phone: '816 555 0199',
        share_willingness: 'Sí, cuando se solicite',
        preferred_language: 'Español',
        address: `${a.number} ${a.street}`,
        camera1_label: 'Puerta',
        camera1_mount: 'Exterior',
        camera1_recording_mode: 'Graba al detectar movimiento',
        camera1_retention_days: '30',
      };
      return COLUMNS.map((name) => csvField(values[name] ?? '')).join(',');
    });
    writeFileSync(file('es-forms.csv'), `${template}${rows.join('\n')}\n`);
    const args = (letters: string) => [
      'import',
      file('es-forms.csv'),
      '--portal',
      portal(),
      '--username',
      'analyst1',
      '--letters',
      file(letters),
    ];
    const run = await ccr(args('es-letters.html'));
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain('Stored 3 registrations with 3 cameras');
    expect(readLetters(file('es-letters.html')).map((l) => l.language)).toEqual(['es', 'es', 'es']);
    const again = await ccr(args('es-letters-2.html'));
    expect(again.code).toBe(0);
    expect(again.out).toContain('Already imported (skipped): 3.');
  });
});

describe('ccr import: usage and failures', () => {
  const sheet = () => file('forms.csv');

  it.each([
    ['no letters file', () => ['import', sheet(), '--portal', portal(), '--username', 'analyst1']],
    [
      'a letters file that exists',
      () => [
        'import',
        sheet(),
        '--portal',
        portal(),
        '--username',
        'analyst1',
        '--letters',
        sheet(),
      ],
    ],
    [
      'a file that is not CSV or XLSX',
      () => ['import', file('forms.txt'), '--portal', portal(), '--letters', file('l.html')],
    ],
    ['no file', () => ['import', '--portal', portal()]],
    ['no portal', () => ['import', sheet(), '--letters', file('l.html')]],
    ['a batch size of 0', () => ['import', sheet(), '--portal', portal(), '--batch-size', '0']],
    ['a batch size of 501', () => ['import', sheet(), '--portal', portal(), '--batch-size', '501']],
    ['a minimum score of 0', () => ['import', sheet(), '--portal', portal(), '--min-score', '0']],
    [
      'a minimum score of 101',
      () => ['import', sheet(), '--portal', portal(), '--min-score', '101'],
    ],
    ['an unknown channel', () => ['import', sheet(), '--portal', portal(), '--channel', 'web']],
    ['a template without --out', () => ['import', '--template']],
    ['a template of unknown format', () => ['import', '--template', '--out', file('t.ods')]],
    [
      'a portal with no service beside it',
      () => [
        'import',
        sheet(),
        '--portal',
        'https://city.maps.arcgis.com',
        '--letters',
        file('l.html'),
      ],
    ],
  ])('exits 2 for %s, storing nothing', async (_name, args) => {
    const before = storedSites('P').length;
    const run = await ccr(args());
    expect(run.code, run.out + run.err).toBe(2);
    expect(storedSites('P')).toHaveLength(before);
  });

  it('exits 2 for a sheet it cannot take: no form-number column, a column twice, no header, not a workbook, not UTF-8, too many rows', async () => {
    writeFileSync(file('no-form.csv'), 'Site type,Address\nresidence,1 Main St\n');
    writeFileSync(file('twice.csv'), 'Form number,Phone,phone\nA-1,8165550100,8165550101\n');
    writeFileSync(file('no-header.csv'), 'name,street\nAna,1 Main St\n');
    writeFileSync(file('not-a-workbook.xlsx'), 'Form number,Address\nA-1,1 Main St\n');
    writeFileSync(
      file('latin1.csv'),
      Buffer.from('Form number,Contact name\nA-1,Jos\xe9\n', 'latin1'),
    );
    // One row more than an import takes (50,000): refused before any row is read.
    writeFileSync(file('too-many.csv'), `Form number,Address\n${'T,1 Main St\n'.repeat(50_001)}`);
    for (const name of [
      'no-form.csv',
      'twice.csv',
      'no-header.csv',
      'not-a-workbook.xlsx',
      'latin1.csv',
      'too-many.csv',
    ]) {
      const run = await ccr([
        'import',
        file(name),
        '--portal',
        portal(),
        '--username',
        'analyst1',
        '--letters',
        file(`${name}.html`),
      ]);
      expect(run.code, name).toBe(2);
      expect(existsSync(file(`${name}.html`))).toBe(false);
    }
  });

  it('accepts a batch size of 1 and of 500 (the limits)', async () => {
    const clean = makeForms('B')
      .filter((_form, i) => ![...PLANTED.map((p) => p.index), PLACED_BY_HAND].includes(i))
      .slice(0, 4);
    for (const [size, prefix] of [
      ['1', 'B1'],
      ['500', 'B5'],
    ] as const) {
      const forms = clean.map((form, i) => ({ ...form, form_number: `${prefix}-${i}` }));
      await writeCsvSheet(file(`${prefix}.csv`), forms);
      const run = await ccr([
        'import',
        file(`${prefix}.csv`),
        '--portal',
        portal(),
        '--username',
        'analyst1',
        '--consent-version',
        '1',
        '--batch-size',
        size,
        '--letters',
        file(`${prefix}.html`),
      ]);
      expect(run.code, run.out + run.err).toBe(0);
      expect(storedSites(prefix)).toHaveLength(4);
    }
  });

  it('exits 3 when the service refuses the credentials, and writes no letters', async () => {
    const run = await ccr([
      'import',
      sheet(),
      '--portal',
      portal(),
      '--token',
      'not-a-token',
      '--letters',
      file('refused.html'),
    ]);
    expect(run.code).toBe(3);
    expect(existsSync(file('refused.html'))).toBe(false);
  });

  it('checks and geocodes with --dry-run, storing nothing and needing no letters file', async () => {
    const forms = makeForms('D').slice(0, 40);
    await writeCsvSheet(file('dry.csv'), forms);
    const run = await ccr([
      'import',
      file('dry.csv'),
      '--portal',
      portal(),
      '--username',
      'analyst1',
      '--consent-version',
      '1',
      '--dry-run',
      '--json',
    ]);
    const bad = PLANTED.filter((p) => p.index < 40).length;
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out)).toMatchObject({ dryRun: true, stored: 40 - bad, problemRows: bad });
    expect(storedSites('D')).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------
// The writer's refusal paths, against the real service
// ---------------------------------------------------------------------------------------

let serial = 0;

/** Registrations built as the import builds them, from fresh valid rows. */
function registrations(count: number, prefix: string): Registration[] {
  return Array.from({ length: count }, (_unused, i) => {
    serial += 1;
    const point = addresses[(serial * 7) % addresses.length]!;
    const row: ValidRow = {
      rowNumber: i + 2,
      formNumber: `${prefix}-${i}`,
      site: {
        form_number: `${prefix}-${i}`,
        consent_version: '1',
        site_type: 'residence',
        contact_name: `Writer ${serial}`,
        contact_role: 'owner',
        phone: '+18165550100',
        share_willingness: 'yes',
        address: `${point.number} ${point.street}`,
      },
      cameras: [
        {
          number: 1,
          values: {
            label: 'Front',
            mount: 'exterior',
            recording_mode: 'motion',
            retention_days: 30,
          },
        },
        {
          number: 2,
          values: { label: 'Back', mount: 'exterior', recording_mode: 'motion', retention_days: 7 },
        },
      ],
      point: { x: point.x, y: point.y },
      language: 'en',
    };
    const built = buildRegistration(
      row,
      {
        point: { x: point.x, y: point.y },
        method: 'analyst_corrected',
        score: null,
        matchedAddress: null,
      },
      { channel: 'paper', now: Date.now() },
    );
    if (!built.ok) throw new Error(JSON.stringify(built.issues));
    return built.registration;
  });
}

/** A registration the validators would have caught, as the service sees it. */
function tamper(registration: Registration, site: object, camera?: object): Registration {
  return {
    ...registration,
    site: { ...registration.site, attributes: { ...registration.site.attributes, ...site } },
    cameras: registration.cameras.map((c, i) =>
      i === 1 && camera ? { ...c, attributes: { ...c.attributes, ...camera } } : c,
    ),
  };
}

async function write(
  target: { url: string; token: string },
  list: readonly Registration[],
  batchSize: number,
): Promise<{ stored: string[]; refused: Map<string, readonly RowIssue[]> }> {
  const stored: string[] = [];
  const refused = new Map<string, readonly RowIssue[]>();
  await writeRegistrations(list, {
    serviceUrl: target.url,
    authentication: ApiKeyManager.fromKey(target.token),
    batchSize,
    onStored: (group) => {
      stored.push(...group.map((r) => r.row.formNumber));
    },
    onRefused: (registration, issues) => refused.set(registration.row.formNumber, issues),
  });
  return { stored, refused };
}

/** A second service that takes small requests only and one address look-up a minute. */
let strict: TestServer;
/** One registration, as sent, is about 1.9 KB; two are about 3.3 KB. */
const STRICT_BODY_LIMIT = 2_400;

describe('against the service', () => {
  beforeAll(async () => {
    strict = await startTestServer({
      sites: 0,
      bodyLimit: STRICT_BODY_LIMIT,
      rateLimits: { 'sign-in': 1_000, 'anonymous-edit': 1_000, lookup: 1 },
    });
  });
  afterAll(() => strict?.close());

  describe('writing registrations in batches', () => {
    it('sets aside the registrations the service refuses and stores the rest of their call', async () => {
      const list = registrations(6, 'W');
      list[1] = tamper(list[1]!, { contact_role: 'boss' });
      list[4] = tamper(list[4]!, {}, { mount: 'ceiling' });
      const target = { url: server.service('CommunityCameras'), token: analystToken };
      const { stored, refused } = await write(target, list, 6);
      expect(stored.sort()).toEqual(['W-0', 'W-2', 'W-3', 'W-5']);
      expect([...refused.entries()]).toEqual([
        ['W-1', [{ field: 'contact_role', code: 'NOT_IN_DOMAIN' }]],
        ['W-4', [{ field: 'camera2_mount', code: 'NOT_IN_DOMAIN' }]],
      ]);
      expect(
        storedSites('W')
          .map((s) => s.form_number)
          .sort(),
      ).toEqual(stored);
      // Each stored site has both its cameras; the refused ones left nothing behind.
      expect(cameraCount('W')).toBe(8);
    });

    it('halves a call refused as a whole (too large) until each part goes in', async () => {
      const list = registrations(10, 'L');
      // Alone larger than the service takes: refused, not tried forever.
      list[6] = tamper(list[6]!, {
        contact_name: 'x'.repeat(200),
        address: 'y'.repeat(255),
        business_name: 'z'.repeat(255),
      });
      const target = {
        url: strict.service('CommunityCameras'),
        token: await strict.token('analyst1'),
      };
      const { stored, refused } = await write(target, list, 10);
      expect([...refused.entries()]).toEqual([['L-6', [{ field: '', code: ErrorCode.TooLarge }]]]);
      expect(stored.sort()).toEqual(
        list
          .map((r) => r.row.formNumber)
          .filter((n) => n !== 'L-6')
          .sort(),
      );
      const count = strict.db
        .prepare("SELECT COUNT(*) AS n FROM sites WHERE form_number LIKE 'L-%'")
        .get() as { n: number };
      expect(count.n).toBe(9);
    });

    it('checks by form number after a lost answer, and stores nothing twice', async () => {
      // A hop that delivers the first applyEdits to the service and then drops the answer.
      let dropped = 0;
      const proxy: Server = createHttpServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          void (async () => {
            const answer = await fetch(`${server.url}${request.url}`, {
              method: request.method,
              headers: { 'content-type': request.headers['content-type'] ?? 'text/plain' },
              body: request.method === 'POST' ? Buffer.concat(chunks) : undefined,
            });
            const body = await answer.text();
            if (request.url?.includes('/applyEdits') && dropped === 0) {
              dropped += 1;
              request.socket.destroy();
              return;
            }
            response.writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'application/json',
            });
            response.end(body);
          })();
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      try {
        const address = proxy.address() as { port: number };
        const url = `http://127.0.0.1:${address.port}/arcgis/rest/services/CommunityCameras/FeatureServer`;
        const list = registrations(5, 'N');
        const { stored, refused } = await write({ url, token: analystToken }, list, 5);
        expect(dropped).toBe(1);
        expect(refused.size).toBe(0);
        expect(stored.sort()).toEqual(['N-0', 'N-1', 'N-2', 'N-3', 'N-4']);
        expect(storedSites('N')).toHaveLength(5);
        expect(cameraCount('N')).toBe(10);
      } finally {
        await new Promise((resolve) => proxy.close(resolve));
      }
    });
  });

  describe('retryWhenRateLimited', () => {
    it("waits as long as the service says, then gives up with the service's answer", async () => {
      const url = `${strict.url}/arcgis/rest/services/Geocode/GeocodeServer/findAddressCandidates`;
      const find = () => arcgisRequest(url, { SingleLine: '1 Main St' }, { httpMethod: 'GET' });
      await find();
      const waits: number[] = [];
      const failure = await retryWhenRateLimited(find, {
        retries: 2,
        sleep: async (seconds) => {
          waits.push(seconds);
        },
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).code).toBe(ErrorCode.RateLimited);
      expect(waits).toHaveLength(2);
      for (const wait of waits) expect(wait).toBeGreaterThan(0);
      for (const wait of waits) expect(wait).toBeLessThanOrEqual(60);
      // A wait longer than the caller allows fails at once.
      const impatient: number[] = [];
      await expect(
        retryWhenRateLimited(find, {
          maxWaitSeconds: 0,
          sleep: async (s) => {
            impatient.push(s);
          },
        }),
      ).rejects.toMatchObject({ code: ErrorCode.RateLimited });
      expect(impatient).toEqual([]);
    });
  });
});

describe('the form number on a database made before it', () => {
  it('is added, empty, when the server opens the database', () => {
    const path = file('older.sqlite');
    const made = openDatabase(path);
    made.exec('ALTER TABLE sites DROP COLUMN form_number');
    made.close();
    const opened = openDatabase(path);
    try {
      const columns = opened.prepare('PRAGMA table_info(sites)').all() as { name: string }[];
      expect(columns.map((c) => c.name)).toContain('form_number');
    } finally {
      opened.close();
    }
  });
});

describe('an address the city has twice', () => {
  beforeAll(() => {
    loadAddressPoints(server.db, [
      {
        number: 100,
        street: 'Zephyr Twin Ct',
        city: 'Independence',
        state: 'MO',
        zip: '64050',
        x: -94.4,
        y: 39.08,
      },
      {
        number: 100,
        street: 'Zephyr Twin Ct',
        city: 'Sugar Creek',
        state: 'MO',
        zip: '64054',
        x: -94.45,
        y: 39.11,
      },
    ]);
  });

  it('is ambiguous without its city, and placed in the city --city names', async () => {
    const values: Record<string, string> = {
      form_number: 'TW-1',
      consent_version: '1',
      site_type: 'residence',
      contact_name: 'Twin',
      contact_role: 'owner',
      phone: '816 555 0142',
      share_willingness: 'yes',
      address: '100 Zephyr Twin Ct',
      camera1_label: 'Porch',
      camera1_mount: 'exterior',
      camera1_recording_mode: 'motion',
      camera1_retention_days: '30',
    };
    writeFileSync(
      file('twin.csv'),
      `${COLUMNS.join(',')}\n${COLUMNS.map((name) => csvField(values[name] ?? '')).join(',')}\n`,
    );
    const args = [
      'import',
      file('twin.csv'),
      '--portal',
      portal(),
      '--username',
      'analyst1',
      '--json',
    ];
    const ambiguous = await ccr([...args, '--letters', file('twin-1.html')]);
    expect(ambiguous.code).toBe(1);
    expect(JSON.parse(ambiguous.out).problems).toEqual([
      {
        row: 2,
        formNumber: 'TW-1',
        field: 'address',
        column: 'address',
        code: 'ADDRESS_AMBIGUOUS',
      },
    ]);
    const placed = await ccr([
      ...args,
      '--city',
      'Sugar Creek, MO',
      '--letters',
      file('twin-2.html'),
    ]);
    expect(placed.code, placed.out).toBe(0);
    expect(
      server.db
        .prepare('SELECT address, _x AS x, _y AS y FROM sites WHERE form_number = ?')
        .get('TW-1'),
    ).toEqual({ address: '100 Zephyr Twin Ct, Sugar Creek, MO 64054', x: -94.45, y: 39.11 });
  });
});
