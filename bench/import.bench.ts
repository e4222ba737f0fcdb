/**
 * `npm run bench -- import`: how fast `ccr import` takes a 500-row sheet of paper forms.
 *
 * The real server on loopback (in-memory SQLite, the seeded address points for its
 * geocoder, default rate limits), `ccr import` in a process of its own over HTTP, signed in
 * as an analyst: a CSV of 500 forms
 * (1 to 3 cameras each, 5 bad rows), the same sheet again (every form already stored), and
 * the same forms as XLSX under new form numbers. Each run: the command's wall time from
 * start to exit (Node and tsx start-up, sign-in included), and the import's own time after
 * sign-in, with rows per second for both.
 */
import ExcelJS from 'exceljs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { templateColumns, targetName } from '../src/ops/import/import-columns.js';
import { createServer } from '../src/server/create-server.js';
import { openDatabase } from '../src/server/db/open-database.js';
import { seedDatabase } from '../src/server/seed/seed-database.js';

const root = resolve(import.meta.dirname, '..');
const ROWS = 500;
const BAD = new Set([17, 111, 222, 333, 444]);
const PASSWORD = 'bench-password-1';

type Form = Record<string, string | number>;

function forms(prefix: string, addresses: readonly { number: string; street: string }[]): Form[] {
  return Array.from({ length: ROWS }, (_unused, i) => {
    const a = addresses[i % addresses.length] as { number: string; street: string };
    const form: Form = {
      form_number: `${prefix}-${i + 1}`,
      consent_version: '2025-1',
      site_type: i % 4 === 0 ? 'Business' : 'Residence',
      business_name: i % 4 === 0 ? `Shop ${i}` : '',
      contact_name: `Resident ${i}`,
      contact_role: i % 2 === 0 ? 'owner' : 'Tenant',
      phone: `(816) 555-${String(1000 + i).slice(-4)}`,
      email: i % 3 === 0 ? `resident${i}@example.org` : '',
      preferred_language: i % 3 === 1 ? 'Español' : 'en',
      share_willingness: i % 2 === 0 ? 'yes' : 'Case by case',
      address: `${a.number} ${a.street}`,
    };
    for (let k = 1; k <= 1 + (i % 3); k += 1) {
      Object.assign(form, {
        [`camera${k}_label`]: `Camera ${k}`,
        [`camera${k}_mount`]: k === 1 ? 'exterior' : 'Inside, facing out',
        [`camera${k}_view_bearing`]: ['N', 90, 'SW'][k - 1] as string | number,
        [`camera${k}_coverage`]: 'street,sidewalk',
        [`camera${k}_recording_mode`]: 'motion',
        [`camera${k}_retention_days`]: 14,
      });
    }
    // Bad rows: a phone that is no phone, or an address no one can place.
    if (BAD.has(i)) {
      if (i % 2 === 0) Object.assign(form, { phone: '555-12', email: '' });
      else form.address = `${i} Nowhere Lane`;
    }
    return form;
  });
}

const columns = templateColumns('en');

function csv(rows: readonly Form[]): string {
  const cell = (value: string | number | undefined): string => {
    const text = value === undefined ? '' : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map((c) => cell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[targetName(c.target)])).join(','));
  return `${lines.join('\n')}\n`;
}

async function xlsx(rows: readonly Form[], path: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Registrations');
  sheet.addRow(columns.map((c) => c.header));
  for (const row of rows) sheet.addRow(columns.map((c) => row[targetName(c.target)] ?? null));
  await workbook.xlsx.writeFile(path);
}

const dir = mkdtempSync(join(tmpdir(), 'ccr-import-bench-'));
const db = openDatabase(':memory:');
try {
  await seedDatabase(db, { sites: 0, seed: 1, demoPassword: PASSWORD });
  const app = await createServer({ db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const addresses = db
    .prepare(
      `SELECT number, street FROM address_points WHERE unit IS NULL
       GROUP BY number, street HAVING COUNT(*) = 1 ORDER BY MIN(id) LIMIT ${ROWS}`,
    )
    .all() as { number: string; street: string }[];
  writeFileSync(join(dir, 'forms.csv'), csv(forms('C', addresses)));
  await xlsx(forms('X', addresses), join(dir, 'forms.xlsx'));

  const run = async (label: string, sheet: string, letters: string): Promise<void> => {
    const started = performance.now();
    // The command in a process of its own, as an analyst runs it, while this one serves.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(root, 'src/cli/ccr.ts'),
        'import',
        join(dir, sheet),
        '--portal',
        `http://127.0.0.1:${port}/arcgis`,
        '--username',
        'analyst1',
        '--letters',
        join(dir, letters),
        '--json',
      ],
      {
        cwd: root,
        env: { ...process.env, CCR_PASSWORD: PASSWORD },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const [code] = (await once(child, 'exit')) as [number];
    const seconds = (performance.now() - started) / 1000;
    const result = JSON.parse(out) as {
      rows: number;
      stored: number;
      alreadyImported: number;
      problemRows: number;
      elapsedMs: number;
      rowsPerSecond: number;
    };
    console.log(
      `${label}: ${result.rows} rows; command ${seconds.toFixed(2)} s = ${(result.rows / seconds).toFixed(0)} rows/s ` +
        `(import after sign-in ${(result.elapsedMs / 1000).toFixed(2)} s = ${result.rowsPerSecond.toFixed(0)} rows/s); ` +
        `stored ${result.stored}, already imported ${result.alreadyImported}, problems ${result.problemRows}, exit ${code}`,
    );
  };
  try {
    await run('CSV, first run (sign-in, geocode, store, letters)', 'forms.csv', 'letters-1.html');
    await run('CSV, second run (every form already stored)', 'forms.csv', 'letters-2.html');
    await run('XLSX, new form numbers', 'forms.xlsx', 'letters-3.html');
  } finally {
    await app.close();
  }
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
