/**
 * The functions and operators of ArcGIS Online's standardized SQL, run by SQLite on real rows
 * of the Sites table and compared with the same computation written independently in
 * JavaScript, just below, at and above the edges of each; NULLs; and the refusals.
 * https://doc.arcgis.com/en/arcgis-online/reference/sql-agol.htm
 */
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../src/core/errors.js';
import { SITES } from '../../src/core/schema/registry-schema.js';
import { insertRow, newGlobalId } from '../../src/server/db/feature-rows.js';
import { ensureRegistrySchema } from '../../src/server/db/registry-tables.js';
import { compileWhere } from '../../src/server/query/where-compiler.js';

const DAY = 86_400_000;
/** Now, as the clauses see it: exactly the consent time of the fifth row. */
const NOW = Date.UTC(2024, 5, 15, 8, 30, 0, 250);

/** A date from UTC parts, years 0–99 included (Date.UTC would read 24 as 1924). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

interface Fixture {
  readonly ref: string;
  readonly address: string | null;
  readonly unit: string | null;
  readonly name: string | null;
  readonly score: number | null;
  readonly at: number | null;
  readonly due: number | null;
  readonly status: string | null;
}

const REF_LENGTH = SITES.fields.find((f) => f.name === 'registration_ref')!.length!;

/** Rows at the edges: field length ± 1, empty text, astral characters, ties, negative dates. */
const FIXTURES: readonly Fixture[] = [
  {
    ref: 'CCR-2024-0000001',
    address: '12 Oak St',
    unit: null,
    name: "Bob's Café",
    score: 95.5,
    at: utc(2024, 1, 15, 10),
    due: utc(2024, 7, 1),
    status: 'verified',
  },
  {
    ref: 'CCR-2024-000002',
    address: '  40 Main St  ',
    unit: 'Suite 100%',
    name: null,
    score: 80,
    at: utc(2023, 12, 31, 23, 59, 59, 999),
    due: null,
    status: 'pending',
  },
  {
    ref: 'CCR-2024-00000003',
    address: 'xxAxx',
    unit: 'x',
    name: 'ACME Corp',
    score: 42,
    at: utc(1969, 12, 31, 23, 59, 59),
    due: utc(1970, 1, 1),
    status: 'verified',
  },
  {
    ref: '',
    address: null,
    unit: null,
    name: null,
    score: null,
    at: null,
    due: null,
    status: null,
  },
  {
    ref: 'é🎥ñ',
    address: '1 A St',
    unit: 'Unit_5',
    name: 'ada lovelace',
    score: 100,
    at: NOW,
    due: utc(2025, 1, 1),
    status: 'rejected',
  },
  {
    ref: 'r6',
    address: 'x',
    unit: ' ',
    name: '',
    score: -2.5,
    at: utc(2000, 2, 29, 12, 34, 56, 789),
    due: utc(2000, 2, 29),
    status: 'pending',
  },
  {
    ref: 'r7',
    address: 'Sailboat',
    unit: null,
    name: 'boat',
    score: 0.29,
    at: 0,
    due: null,
    status: 'verified',
  },
  {
    ref: 'r8',
    address: 'Nova Scotia',
    unit: null,
    name: null,
    score: 0.285,
    at: utc(9999, 12, 31, 23, 59, 59),
    due: null,
    status: null,
  },
  {
    ref: 'r9',
    address: 'a_b',
    unit: null,
    name: null,
    score: -0.29,
    at: utc(24, 2, 29, 6, 7, 8),
    due: null,
    status: 'x',
  },
  {
    ref: 'r10',
    address: '   ',
    unit: null,
    name: null,
    score: 2.5,
    at: utc(2024, 6, 15),
    due: null,
    status: null,
  },
  {
    ref: 'r11',
    address: "O'Brien",
    unit: null,
    name: null,
    score: 1234.5,
    at: utc(2024, 6, 14, 23, 59, 59, 999),
    due: null,
    status: null,
  },
  {
    ref: 'r12',
    address: '',
    unit: null,
    name: null,
    score: 12.345,
    at: utc(2024, 6, 15, 8, 30),
    due: null,
    status: null,
  },
  {
    ref: 'r13',
    address: 'ÉCOLE',
    unit: null,
    name: null,
    score: -7.5,
    at: utc(2024, 6, 15, 8, 30, 0, 249),
    due: null,
    status: null,
  },
  {
    ref: 'r14',
    address: 'x%_y',
    unit: null,
    name: null,
    score: 7,
    at: utc(1900, 1, 1),
    due: null,
    status: null,
  },
];

// ---------------------------------------------------------------------------------------------
// The JavaScript side: each function as the documentation describes it

type Value = string | number | null;

/** Characters (code points), as CHAR_LENGTH and POSITION count them. */
const chars = (s: string) => [...s];
const isNull = (v: Value | undefined): v is null | undefined =>
  v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** SQL's three-valued comparison, collapsed to "selects the row". */
function holds(a: Value, op: string, b: Value): boolean {
  if (isNull(a) || isNull(b)) return false;
  switch (op) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
  throw new Error(op);
}

function sqlText(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function sqlNumber(n: number): string {
  return String(n);
}

/** A whole number as text; other numbers as their shortest round-trip digits. */
function numberText(n: number): string {
  return String(n);
}

function dateText(ms: number): string {
  const d = new Date(ms);
  const pad = (v: number, w = 2) => String(v).padStart(w, '0');
  const text = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return d.getUTCMilliseconds() === 0 ? text : `${text}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** SQL SUBSTRING: positions before 1 are cut off; a negative length gives ''. */
function substring(s: string | null, start: number, length?: number): string | null {
  if (s === null) return null;
  const all = chars(s);
  const end = length === undefined ? all.length + 1 : start + length;
  const from = Math.max(start, 1);
  return from >= end ? '' : all.slice(from - 1, end - 1).join('');
}

function position(sub: string, s: string | null): number | null {
  if (s === null) return null;
  const at = s.indexOf(sub);
  return at < 0 ? 0 : chars(s.slice(0, at)).length + 1;
}

function trim(mode: 'BOTH' | 'LEADING' | 'TRAILING', c: string, s: string | null): string | null {
  if (s === null) return null;
  let all = chars(s);
  if (mode !== 'TRAILING') while (all[0] === c) all = all.slice(1);
  if (mode !== 'LEADING') while (all.at(-1) === c) all = all.slice(0, -1);
  return all.join('');
}

/** SQLite's UPPER and LOWER fold ASCII letters only. */
const upperAscii = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());
const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** ROUND: halves away from zero, on the exact binary value (as toFixed does for d >= 0). */
function round(x: number, d = 0): number {
  if (d >= 0) return Number(x.toFixed(d));
  const p = 10 ** -d;
  return Math.sign(x) * Math.floor(Math.abs(x) / p + 0.5) * p;
}

/** TRUNCATE: cut the decimal the number is written as, by shifting the exponent in text. */
function truncate(x: number, d = 0): number {
  const shift = (v: number, by: number) => {
    const [mantissa, exponent = '0'] = String(v).split('e');
    return Number(`${mantissa}e${Number(exponent) + by}`);
  };
  return shift(Math.trunc(shift(x, d)), -d);
}

/** SQLite reads the longest leading integer of text, or 0. */
function textToInteger(s: string): number {
  const match = /^\s*([+-]?\d+)/.exec(s);
  return match ? Number(match[1]) : 0;
}

function extract(unit: string, ms: number | null): number | null {
  if (ms === null) return null;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) return null;
  return {
    YEAR: year,
    MONTH: d.getUTCMonth() + 1,
    DAY: d.getUTCDate(),
    HOUR: d.getUTCHours(),
    MINUTE: d.getUTCMinutes(),
    SECOND: d.getUTCSeconds(),
  }[unit]!;
}

// ---------------------------------------------------------------------------------------------

interface Case {
  readonly where: string;
  readonly expected: (row: Fixture) => boolean;
}

function createSites(): { db: DatabaseSync; ids: Map<Fixture, number> } {
  const db = new DatabaseSync(':memory:');
  ensureRegistrySchema(db);
  const ids = new Map<Fixture, number>();
  for (const f of FIXTURES) {
    const id = insertRow(
      db,
      SITES,
      {
        GlobalID: newGlobalId(),
        registration_ref: f.ref,
        address: f.address,
        unit: f.unit,
        business_name: f.name,
        geocode_score: f.score,
        consent_at: f.at,
        confirm_due_at: f.due,
        status: f.status,
      },
      { x: -94.4, y: 39.08 },
    );
    ids.set(f, id);
  }
  return { db, ids };
}

/** Compiles and runs `where`; every compiled clause must also pass the SQL self-check. */
function run(db: Pick<DatabaseSync, 'prepare'>, where: string): number[] {
  const { sql, params } = compileWhere(where, SITES.fields, { now: NOW });
  return db
    .prepare(`SELECT "OBJECTID" AS id FROM sites WHERE ${sql} ORDER BY "OBJECTID"`)
    .all(...params)
    .map((row) => Number(row.id));
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('Expected an error, but nothing was thrown');
}

/** Just below, at and above `v`, for each comparison. */
function edges(expression: string, actual: (f: Fixture) => Value, v: number | string): Case[] {
  const literal = typeof v === 'number' ? sqlNumber(v) : sqlText(v);
  return ['=', '<>', '<', '<=', '>', '>='].map((op) => ({
    where: `${expression} ${op} ${literal}`,
    expected: (f: Fixture) => holds(actual(f), op, v),
  }));
}

/** Cases comparing `expression` with the value it has on every row, and one either side. */
function perRow(
  expression: string,
  actual: (f: Fixture) => Value,
  neighbours: (v: number) => number[] = (v) => [v - 1, v, v + 1],
): Case[] {
  const values = new Set<number | string>();
  for (const f of FIXTURES) {
    const v = actual(f);
    if (isNull(v)) continue;
    if (typeof v === 'number') for (const n of neighbours(v)) values.add(n);
    else values.add(v);
  }
  return [...values].flatMap((v) => edges(expression, actual, v));
}

/** A transcendental result is only compared within a relative tolerance. */
function near(expression: string, actual: (f: Fixture) => number | null): Case[] {
  return FIXTURES.flatMap((f) => {
    const v = actual(f);
    if (v === null || !Number.isFinite(v)) return [];
    const tolerance = Math.max(Math.abs(v) * 1e-12, 1e-15);
    return [
      {
        where: `${expression} BETWEEN ${sqlNumber(v - tolerance)} AND ${sqlNumber(v + tolerance)}`,
        expected: (g: Fixture) => {
          const w = actual(g);
          return w !== null && Math.abs(w - v) <= tolerance * 0.999;
        },
      },
    ];
  });
}

const score = (f: Fixture) => f.score;
/** OBJECTID of a fixture: rows are inserted in order into a fresh table. */
const idOf = (f: Fixture) => FIXTURES.indexOf(f) + 1;
const CASES: readonly [string, readonly Case[]][] = [
  [
    'CHAR_LENGTH at, below and above the field length',
    [
      ...perRow('CHAR_LENGTH(registration_ref)', (f) => chars(f.ref).length),
      ...edges('CHAR_LENGTH(registration_ref)', (f) => chars(f.ref).length, REF_LENGTH),
      ...perRow('CHAR_LENGTH(address)', (f) =>
        f.address === null ? null : chars(f.address).length,
      ),
      ...perRow('CHAR_LENGTH(unit)', (f) => (f.unit === null ? null : chars(f.unit).length)),
      ...edges(
        'CHAR_LENGTH(geocode_score)',
        (f) => (f.score === null ? null : numberText(f.score).length),
        4,
      ),
    ],
  ],
  [
    'CONCAT and ||',
    FIXTURES.flatMap((f) => {
      const both = (g: Fixture) =>
        g.status === null || g.unit === null ? null : g.status + g.unit;
      const v = both(f);
      if (v === null) return [];
      return [
        { where: `CONCAT(status, unit) = ${sqlText(v)}`, expected: (g: Fixture) => both(g) === v },
        { where: `status || unit = ${sqlText(v)}`, expected: (g: Fixture) => both(g) === v },
      ];
    }).concat([
      {
        where: "CONCAT(status, ' ', address, '!') LIKE 'verified %!'",
        expected: (g) => g.status === 'verified' && g.address !== null,
      },
      {
        where: "CONCAT(registration_ref, '=', geocode_score) = 'r14=7'",
        expected: (g) => g.ref === 'r14',
      },
      { where: 'CONCAT(unit) IS NULL', expected: (g) => g.unit === null },
      { where: 'CONCAT(status, NULL) IS NULL', expected: () => true },
    ]),
  ],
  [
    'POSITION, in both spellings',
    ['St', 'boat', 'x', 'ñ', '', ' ', '%'].flatMap((sub) => [
      ...perRow(`POSITION(${sqlText(sub)} IN address)`, (f) => position(sub, f.address)),
      ...perRow(`POSITION(${sqlText(sub)}, registration_ref)`, (f) => position(sub, f.ref)),
    ]),
  ],
  [
    'SUBSTRING, in both spellings, at and beyond both ends',
    [-1, 0, 1, 2, 5, 16, 17]
      .flatMap((start) =>
        [-1, 0, 1, 3, 16].flatMap((length) =>
          FIXTURES.flatMap((f) => {
            const v = substring(f.ref, start, length);
            return v === null
              ? []
              : [
                  {
                    where: `SUBSTRING(registration_ref FROM ${start} FOR ${length}) = ${sqlText(v)}`,
                    expected: (g: Fixture) => substring(g.ref, start, length) === v,
                  },
                  {
                    where: `SUBSTRING(address, ${start}, ${length}) = ${sqlText(substring(f.address, start, length) ?? '')}`,
                    expected: (g: Fixture) =>
                      g.address !== null &&
                      substring(g.address, start, length) ===
                        (substring(f.address, start, length) ?? ''),
                  },
                ];
          }),
        ),
      )
      .concat(
        [-1, 0, 1, 3, 17].flatMap((start) =>
          FIXTURES.map((f) => {
            const v = substring(f.ref, start) ?? '';
            return {
              where: `SUBSTRING(registration_ref, ${start}) = ${sqlText(v)}`,
              expected: (g: Fixture) => substring(g.ref, start) === v,
            };
          }),
        ),
      ),
  ],
  [
    'TRIM, UPPER and LOWER',
    (['BOTH', 'LEADING', 'TRAILING'] as const)
      .flatMap((mode) =>
        [' ', 'x'].flatMap((c) =>
          FIXTURES.map((f) => {
            const v = trim(mode, c, f.address) ?? '';
            return {
              where: `TRIM(${mode} ${sqlText(c)} FROM address) = ${sqlText(v)}`,
              expected: (g: Fixture) => trim(mode, c, g.address) === v,
            };
          }),
        ),
      )
      .concat(
        FIXTURES.flatMap((f) => {
          if (f.address === null) return [];
          const address = f.address;
          return [
            {
              where: `TRIM(address) = ${sqlText(address.trim())}`,
              expected: (g: Fixture) =>
                g.address !== null && trim('BOTH', ' ', g.address) === address.trim(),
            },
            {
              where: `TRIM(TRAILING 'x' FROM (address || 'x')) = ${sqlText(trim('TRAILING', 'x', address)!)}`,
              expected: (g: Fixture) =>
                g.address !== null &&
                trim('TRAILING', 'x', g.address) === trim('TRAILING', 'x', address),
            },
            {
              where: `NOT (CHAR_LENGTH(address)) IN (${chars(address).length})`,
              expected: (g: Fixture) =>
                g.address !== null && chars(g.address).length !== chars(address).length,
            },
            {
              where: `TRIM(LEADING FROM address) = ${sqlText(trim('LEADING', ' ', address)!)}`,
              expected: (g: Fixture) =>
                trim('LEADING', ' ', g.address) === trim('LEADING', ' ', address),
            },
            {
              where: `UPPER(address) = ${sqlText(upperAscii(address))}`,
              expected: (g: Fixture) =>
                g.address !== null && upperAscii(g.address) === upperAscii(address),
            },
            {
              where: `LOWER(address) = ${sqlText(lowerAscii(address))}`,
              expected: (g: Fixture) =>
                g.address !== null && lowerAscii(g.address) === lowerAscii(address),
            },
          ];
        }),
      ),
  ],
  [
    'ABS, CEILING, FLOOR, MOD and arithmetic, exactly',
    [
      ...perRow('ABS(geocode_score)', (f) => (f.score === null ? null : Math.abs(f.score))),
      ...perRow('CEILING(geocode_score)', (f) => (f.score === null ? null : Math.ceil(f.score))),
      ...perRow('FLOOR(geocode_score)', (f) => (f.score === null ? null : Math.floor(f.score))),
      ...perRow('MOD(geocode_score, 2)', (f) => (f.score === null ? null : f.score % 2)),
      ...perRow('MOD(geocode_score, -0.5)', (f) => (f.score === null ? null : f.score % -0.5)),
      ...perRow('MOD(OBJECTID, 3)', (f) => idOf(f) % 3),
      ...edges('MOD(geocode_score, 0)', () => null, 0),
      ...perRow('geocode_score + 1.5', (f) => (f.score === null ? null : f.score + 1.5)),
      ...perRow('geocode_score - OBJECTID', (f) => (f.score === null ? null : f.score - idOf(f))),
      ...perRow('geocode_score * -3', (f) => (f.score === null ? null : f.score * -3)),
      ...perRow('OBJECTID / 2', (f) => idOf(f) / 2),
      ...perRow('geocode_score / OBJECTID', (f) => (f.score === null ? null : f.score / idOf(f))),
      ...edges('geocode_score / 0', () => null, 0),
      ...perRow('-geocode_score', (f) => (f.score === null ? null : -f.score)),
      ...perRow('2 + 3 * geocode_score - 4 / 8', (f) =>
        f.score === null ? null : 2 + 3 * f.score - 4 / 8,
      ),
    ],
  ],
  [
    'ROUND and TRUNCATE at ties and at decimal edges',
    [-2, -1, 0, 1, 2, 3]
      .flatMap((d) => [
        ...perRow(
          `ROUND(geocode_score, ${d})`,
          (f) => (f.score === null ? null : round(f.score, d)),
          (v) => [v],
        ),
        ...perRow(
          `TRUNCATE(geocode_score, ${d})`,
          (f) => (f.score === null ? null : truncate(f.score, d)),
          (v) => [v],
        ),
      ])
      .concat([
        ...perRow(
          'ROUND(geocode_score)',
          (f) => (f.score === null ? null : round(f.score)),
          (v) => [v],
        ),
        ...perRow(
          'TRUNCATE(geocode_score)',
          (f) => (f.score === null ? null : truncate(f.score)),
          (v) => [v],
        ),
      ]),
  ],
  [
    'COS, SIN, TAN, LOG, LOG10 and POWER, within 1e-12',
    [
      ...near('COS(geocode_score)', (f) => (f.score === null ? null : Math.cos(f.score))),
      ...near('SIN(geocode_score)', (f) => (f.score === null ? null : Math.sin(f.score))),
      ...near('TAN(geocode_score)', (f) => (f.score === null ? null : Math.tan(f.score))),
      ...near('LOG(geocode_score)', (f) =>
        f.score !== null && f.score > 0 ? Math.log(f.score) : null,
      ),
      ...near('LOG10(geocode_score)', (f) =>
        f.score !== null && f.score > 0 ? Math.log10(f.score) : null,
      ),
      ...near('POWER(geocode_score, 2)', (f) => (f.score === null ? null : f.score ** 2)),
      ...near('POWER(geocode_score, 0.5)', (f) =>
        f.score !== null && f.score >= 0 ? f.score ** 0.5 : null,
      ),
      { where: 'LOG(geocode_score) IS NULL', expected: (f) => f.score === null || f.score <= 0 },
      {
        where: 'POWER(geocode_score, 0.5) IS NULL',
        expected: (f) => f.score === null || f.score < 0,
      },
    ],
  ],
  [
    'CAST to numbers, text and dates',
    [
      ...perRow('CAST(geocode_score AS INTEGER)', (f) =>
        f.score === null ? null : Math.trunc(f.score),
      ),
      ...perRow('CAST(geocode_score AS INT)', (f) =>
        f.score === null ? null : Math.trunc(f.score),
      ),
      ...perRow('CAST(geocode_score AS SMALLINT)', (f) =>
        f.score === null ? null : Math.trunc(f.score),
      ),
      ...perRow('CAST(geocode_score AS FLOAT)', score, (v) => [v]),
      ...perRow(
        'CAST(OBJECTID AS DOUBLE) / 4',
        (f) => idOf(f) / 4,
        (v) => [v],
      ),
      ...perRow('CAST(address AS INTEGER)', (f) =>
        f.address === null ? null : textToInteger(f.address),
      ),
      ...perRow('CAST(geocode_score AS VARCHAR(4))', (f) =>
        f.score === null ? null : chars(numberText(f.score)).slice(0, 4).join(''),
      ),
      ...perRow('CAST(geocode_score AS VARCHAR)', (f) =>
        f.score === null ? null : numberText(f.score),
      ),
      ...perRow('CAST(registration_ref AS VARCHAR(3))', (f) => chars(f.ref).slice(0, 3).join('')),
      ...perRow('CAST(unit AS CHAR(6))', (f) =>
        f.unit === null ? null : chars(f.unit).slice(0, 6).join('').padEnd(6, ' '),
      ),
      ...perRow('CAST(unit AS CHAR)', (f) => (f.unit === null ? null : (chars(f.unit)[0] ?? ' '))),
      ...perRow('CAST(consent_at AS VARCHAR(30))', (f) =>
        f.at === null || extract('YEAR', f.at) === null ? null : dateText(f.at),
      ),
      ...perRow('CAST(consent_at AS VARCHAR(10))', (f) =>
        f.at === null || extract('YEAR', f.at) === null ? null : dateText(f.at).slice(0, 10),
      ),
      ...perRow(
        'CAST(consent_at AS DATE)',
        (f) =>
          f.at === null || extract('YEAR', f.at) === null ? null : Math.floor(f.at / DAY) * DAY,
        (v) => [v - 1, v, v + 1],
      ),
      ...edges("CAST('1424.87' AS INTEGER)", () => 1424, 1424),
      ...edges('CAST(1424.87 AS INT)', () => 1424, 1424),
      ...edges('CAST(1424 AS FLOAT) / 3', () => 1424 / 3, 1424 / 3),
      {
        where: "consent_at >= CAST('2024-06-15 08:30' AS DATE)",
        expected: (f) => f.at !== null && f.at >= utc(2024, 6, 15),
      },
      {
        where: "consent_at = CAST('2024-06-15 08:30:00.25' AS TIMESTAMP)",
        expected: (f) => f.at === NOW,
      },
      {
        where: 'CAST(consent_at AS TIMESTAMP) = consent_at',
        expected: (f) => f.at !== null,
      },
      ...perRow('CAST(geocode_score AS REAL) * 1e1', (f) =>
        f.score === null ? null : f.score * 10,
      ),
      ...edges('2.5E-1 + 0', () => 0.25, 0.25),
    ],
  ],
  [
    'EXTRACT of every unit, from fields and from a literal',
    ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND']
      .flatMap((unit) => [
        ...perRow(`EXTRACT(${unit} FROM consent_at)`, (f) => extract(unit, f.at)),
        ...perRow(`EXTRACT(${unit.toLowerCase()} FROM confirm_due_at)`, (f) =>
          extract(unit, f.due),
        ),
      ])
      .concat([
        // ArcGIS's own examples: the parts of 2016-12-21 15:11.
        ...edges("EXTRACT(YEAR FROM '2016-12-21 15:11')", () => 2016, 2016),
        ...edges("EXTRACT(MONTH FROM '2016-12-21 15:11')", () => 12, 12),
        ...edges("EXTRACT(DAY FROM '2016-12-21 15:11')", () => 21, 21),
        ...edges("EXTRACT(HOUR FROM '2016-12-21 15:11')", () => 15, 15),
        ...edges("EXTRACT(MINUTE FROM '2016-12-21 15:11')", () => 11, 11),
        ...edges("EXTRACT(YEAR FROM timestamp '2016-12-21 15:11:00')", () => 2016, 2016),
      ]),
  ],
  [
    'CURRENT_DATE, CURRENT_TIME and CURRENT_TIMESTAMP at their instants',
    [
      ...(['<', '<=', '=', '>=', '>'] as const).flatMap((op) => [
        {
          where: `consent_at ${op} CURRENT_TIMESTAMP`,
          expected: (f: Fixture) => holds(f.at, op, NOW),
        },
        {
          where: `consent_at ${op} CURRENT_TIMESTAMP()`,
          expected: (f: Fixture) => holds(f.at, op, NOW),
        },
        {
          where: `consent_at ${op} CURRENT_TIME()`,
          expected: (f: Fixture) => holds(f.at, op, Math.floor(NOW / 1000) * 1000),
        },
        {
          where: `consent_at ${op} CURRENT_DATE`,
          expected: (f: Fixture) => holds(f.at, op, Math.floor(NOW / DAY) * DAY),
        },
        {
          where: `consent_at ${op} CURRENT_DATE()`,
          expected: (f: Fixture) => holds(f.at, op, Math.floor(NOW / DAY) * DAY),
        },
      ]),
    ],
  ],
  [
    'date arithmetic with days and INTERVALs',
    [
      ...(['<', '=', '>'] as const).flatMap((op) => [
        {
          where: `consent_at ${op} CURRENT_TIMESTAMP - INTERVAL '1' DAY`,
          expected: (f: Fixture) => holds(f.at, op, NOW - DAY),
        },
        {
          where: `consent_at + INTERVAL '30' MINUTE ${op} CURRENT_TIMESTAMP`,
          expected: (f: Fixture) => holds(f.at === null ? null : f.at + 1_800_000, op, NOW),
        },
        {
          where: `consent_at ${op} CURRENT_TIMESTAMP - INTERVAL '0.25' SECOND`,
          expected: (f: Fixture) => holds(f.at, op, NOW - 250),
        },
        {
          where: `INTERVAL '8' HOUR + CURRENT_DATE ${op} consent_at - INTERVAL '30' MINUTE`,
          expected: (f: Fixture) =>
            holds(
              Math.floor(NOW / DAY) * DAY + 8 * 3_600_000,
              op,
              f.at === null ? null : f.at - 1_800_000,
            ),
        },
        {
          where: `consent_at - 0.5 ${op} timestamp '2024-06-14 20:30:00.25'`,
          expected: (f: Fixture) => holds(f.at === null ? null : f.at - DAY / 2, op, NOW - DAY / 2),
        },
        {
          where: `consent_at ${op} CURRENT_DATE - INTERVAL '1' DAY + INTERVAL '2' HOUR`,
          expected: (f: Fixture) => holds(f.at, op, Math.floor(NOW / DAY) * DAY - DAY + 7_200_000),
        },
      ]),
      ...perRow('confirm_due_at - consent_at', (f) =>
        f.due === null || f.at === null ? null : (f.due - f.at) / DAY,
      ),
    ],
  ],
  [
    'NULLIF and COALESCE',
    [
      {
        where: "NULLIF(status, 'verified') IS NULL",
        expected: (f) => f.status === null || f.status === 'verified',
      },
      { where: "NULLIF(status, 'verified') = 'pending'", expected: (f) => f.status === 'pending' },
      {
        where: 'NULLIF(geocode_score, 80) IS NULL',
        expected: (f) => f.score === null || f.score === 80,
      },
      {
        where: "COALESCE(unit, status, 'none') = 'none'",
        expected: (f) => (f.unit ?? f.status) === null,
      },
      {
        where: "COALESCE(unit, status) = 'verified'",
        expected: (f) => (f.unit ?? f.status) === 'verified',
      },
      { where: 'COALESCE(NULL, -21, 33, NULL) = -21', expected: () => true },
      { where: 'COALESCE(geocode_score, -1) < 0', expected: (f) => (f.score ?? -1) < 0 },
      {
        where: "COALESCE(confirm_due_at, '2024-06-15') = date '2024-06-15'",
        expected: (f) => (f.due ?? utc(2024, 6, 15)) === utc(2024, 6, 15),
      },
      {
        where: 'NULLIF(consent_at, CURRENT_TIMESTAMP) IS NULL',
        expected: (f) => f.at === null || f.at === NOW,
      },
    ],
  ],
  [
    'NULL in, NULL out',
    [
      'CHAR_LENGTH(address)',
      'UPPER(business_name)',
      'LOWER(business_name)',
      "TRIM(BOTH ' ' FROM address)",
      'SUBSTRING(business_name, 1, 2)',
      "POSITION('a' IN business_name)",
      "CONCAT(business_name, 'x')",
      'ABS(geocode_score)',
      'CEILING(geocode_score)',
      'FLOOR(geocode_score)',
      'COS(geocode_score)',
      'SIN(geocode_score)',
      'TAN(geocode_score)',
      'MOD(geocode_score, 2)',
      'POWER(geocode_score, 2)',
      'ROUND(geocode_score, 1)',
      'TRUNCATE(geocode_score, 1)',
      'CAST(geocode_score AS INTEGER)',
      'CAST(business_name AS VARCHAR(3))',
      'EXTRACT(YEAR FROM consent_at)',
      'CAST(consent_at AS DATE)',
      'consent_at + 1',
      'geocode_score * 2',
    ].map((expression) => ({
      where: `${expression} IS NULL`,
      expected: (f: Fixture) =>
        (/business_name/.test(expression) && f.name === null) ||
        (/address/.test(expression) && f.address === null) ||
        (/geocode_score/.test(expression) && f.score === null) ||
        (/consent_at/.test(expression) && f.at === null),
    })),
  ],
];

let db: DatabaseSync;
beforeAll(() => {
  let ids: Map<Fixture, number>;
  ({ db, ids } = createSites());
  // OBJECTIDs follow insertion order in a fresh table, which the cases rely on.
  expect([...ids.values()]).toEqual(FIXTURES.map(idOf));
});

describe('standardized SQL functions on real rows', () => {
  it.each(CASES.map(([name, cases]) => [name, cases] as const))('%s', (_name, cases) => {
    const mismatches: string[] = [];
    for (const { where, expected } of cases) {
      let actual: number[];
      try {
        actual = run(db, where);
      } catch (error) {
        mismatches.push(`${where}: ${(error as Error).message}`);
        continue;
      }
      const wanted = FIXTURES.filter(expected)
        .map(idOf)
        .sort((a, b) => a - b);
      if (actual.join() !== wanted.join()) {
        mismatches.push(`${where}: expected [${wanted.join()}], got [${actual.join()}]`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(cases.length).toBeGreaterThan(5);
  });

  it('counts characters: the edge row is exactly the field length long', () => {
    expect(run(db, `CHAR_LENGTH(registration_ref) = ${REF_LENGTH}`)).toEqual([1]);
    expect(run(db, `CHAR_LENGTH(registration_ref) > ${REF_LENGTH}`)).toEqual([3]);
    // One character per code point, emoji included.
    expect(run(db, "CHAR_LENGTH(registration_ref) = 3 AND registration_ref LIKE 'é%'")).toEqual([
      5,
    ]);
  });

  it('binds every argument and reports exactly the fields read', () => {
    const compiled = compileWhere(
      "EXTRACT(YEAR FROM consent_at) = 2024 AND TRIM(BOTH ' ' FROM contact_name) = 'x' OR CHAR_LENGTH(phone) > 3",
      SITES.fields,
      { now: NOW },
    );
    expect(compiled.sql).not.toMatch(/'/);
    expect(compiled.params).toContain(2024);
    expect([...(compiled.fields ?? [])].sort()).toEqual(['consent_at', 'contact_name', 'phone']);
    const cases: [string, string[]][] = [
      ["CAST(email AS VARCHAR(5)) = 'x'", ['email']],
      ["SUBSTRING(address FROM 1 FOR 2) = '12'", ['address']],
      ["POSITION('@' IN email) > 0", ['email']],
      ["COALESCE(unit, business_name, 'x') = 'x'", ['business_name', 'unit']],
      ['ABS(geocode_score) > OBJECTID', ['OBJECTID', 'geocode_score']],
      ["CONCAT(contact_name, phone) = 'x'", ['contact_name', 'phone']],
      ['TRUNCATE(geocode_score, 2) = 1', ['geocode_score']],
      ['CURRENT_DATE - 1 < CURRENT_TIMESTAMP', []],
      ["CHAR_LENGTH('phone') = 5", []],
    ];
    for (const [where, fields] of cases) {
      expect([...(compileWhere(where, SITES.fields).fields ?? [])].sort(), where).toEqual(fields);
    }
  });

  it('answers CURRENT_USER only when the caller says who is asking', () => {
    const where = "CURRENT_USER = 'officer1' AND Creator = CURRENT_USER";
    expect(thrownBy(() => compileWhere(where, SITES.fields))).toMatchObject({
      code: ErrorCode.InvalidInput,
      message: expect.stringMatching(/CURRENT_USER is not supported/),
    });
    expect(compileWhere(where, SITES.fields, { currentUser: 'officer1' })).toMatchObject({
      sql: '(? = ? AND "Creator" = ?)',
      params: ['officer1', 'officer1', 'officer1'],
      fields: ['Creator'],
    });
    expect(compileWhere(where, SITES.fields, { currentUser: null }).sql).toBe(
      '(NULL = ? AND "Creator" = NULL)',
    );
    expect(run(db, 'CURRENT_DATE() - CURRENT_DATE = 0')).toHaveLength(FIXTURES.length);
  });

  it('keeps nested functions within bounds instead of growing the SQL exponentially', () => {
    const deep = `${'TRUNCATE('.repeat(12)}geocode_score${', 2)'.repeat(12)} = 1`;
    const started = performance.now();
    expect(thrownBy(() => compileWhere(deep, SITES.fields))).toMatchObject({
      code: ErrorCode.InvalidInput,
      message: expect.stringMatching(/too complex/),
    });
    expect(performance.now() - started).toBeLessThan(1000);
    // Many such conditions together are bounded too, below SQLite's limit on parameters.
    const wide = Array.from(
      { length: 40 },
      () => 'TRUNCATE(TRUNCATE(TRUNCATE(TRUNCATE(geocode_score, 1), 1), 1), 1) = 1',
    ).join(' OR ');
    expect(wide.length).toBeLessThan(4000);
    expect(thrownBy(() => compileWhere(wide, SITES.fields))).toMatchObject({
      code: ErrorCode.InvalidInput,
      message: expect.stringMatching(/too complex/),
    });
    const nested = `${'UPPER(LOWER('.repeat(25)}address${'))'.repeat(25)} = 'X'`;
    expect(run(db, nested)).toEqual([6]); // the address 'x'
  });
});

/** Undocumented functions and injection through function arguments: refused before any SQL. */
const REFUSED: readonly [string, RegExp][] = [
  ['SQRT(geocode_score) > 1', /Function 'SQRT' is not supported/],
  ["SUBSTR(status, 1, 1) = 'v'", /Function 'SUBSTR' is not supported/],
  ['LENGTH(status) = 1', /Function 'LENGTH' is not supported/],
  ['LEN(status) = 1', /not supported/],
  ["INSTR(status, 'v') = 1", /not supported/],
  ['CHARACTER_LENGTH(status) = 1', /not supported/],
  ["REPLACE(status, 'a', 'b') = 'x'", /not supported/],
  ["LEFT(status, 1) = 'v'", /./],
  ['SIGN(geocode_score) = 1', /not supported/],
  ['ASIN(geocode_score) = 1', /not supported/],
  ['EXP(geocode_score) = 1', /not supported/],
  ['LN(geocode_score) = 1', /not supported/],
  ['MAX(geocode_score, 1) = 1', /./],
  ['MIN(geocode_score, 1) = 1', /./],
  ["IFNULL(status, 'x') = 'x'", /not supported/],
  ["IIF(1 = 1, 'a', 'b') = 'a'", /not supported/],
  ['NOW() > consent_at', /not supported/],
  ["PRINTF('%s', status) = 'x'", /not supported/],
  ["STRFTIME('%Y', consent_at) = '2024'", /not supported/],
  ['UNIXEPOCH(consent_at) > 1', /not supported/],
  ['RANDOM() > 0', /not supported/],
  ["load_extension('/tmp/x.so') = 1", /not supported/],
  ['TYPEOF(status) = 1', /not supported/],
  ["CAST(status AS TEXT) = 'x'", /CAST to TEXT is not supported/],
  ['CAST(geocode_score AS DECIMAL) = 1', /CAST to DECIMAL/],
  ['CAST(consent_at AS TIME) = 1', /TIME is not supported/],
  ['CAST(consent_at AS INTEGER) = 1', /date cannot be cast/],
  ['CAST(geocode_score AS INTEGER UNSIGNED) = 1', /plain type/],
  ["CAST(status AS CHAR(3) CHARACTER SET utf8) = 'x'", /./],
  ["CAST(status AS VARCHAR(0)) = 'x'", /length of VARCHAR/],
  ["CAST(status AS VARCHAR(1000000)) = 'x'", /length of VARCHAR/],
  ['CAST(status AS DATE) = 1', /CAST to DATE needs a date/],
  ['EXTRACT(DOW FROM consent_at) = 1', /EXTRACT takes YEAR/],
  ['EXTRACT(YEAR FROM geocode_score) = 1', /EXTRACT needs a date/],
  ["EXTRACT(YEAR FROM 'yesterday') = 1", /not a valid date/],
  ["consent_at > CURRENT_TIMESTAMP - INTERVAL '1' MONTH", /INTERVAL takes DAY/],
  ['consent_at > CURRENT_TIMESTAMP - INTERVAL 1 DAY', /in quotes/],
  ["consent_at > CURRENT_TIMESTAMP - INTERVAL '-1' DAY", /Invalid INTERVAL/],
  ["consent_at > INTERVAL '1' DAY", /INTERVAL can only be added/],
  ["geocode_score + INTERVAL '1' DAY > 1", /Cannot compute/],
  ['consent_at + consent_at > 1', /Cannot compute a date \+ a date/],
  ['1 + consent_at > 1', /Cannot compute/],
  ["status + 'x' = 'y'", /join text with CONCAT/],
  ['UPPER(consent_at) = 1', /UPPER needs text, not a date/],
  ['ABS(status) = 1', /ABS needs a number, not text/],
  ['ROUND(geocode_score, OBJECTID) = 1', /whole number of decimal places/],
  ['ROUND(geocode_score, 1.5) = 1', /whole number of decimal places/],
  ['TRUNCATE(geocode_score, 1e400) = 1', /out of range/],
  ["TRIM(BOTH 'ab' FROM status) = 'x'", /exactly one character/],
  ["TRIM(status, 'x') = 'x'", /TRIM/],
  ["TRIM(BOTH status FROM address) = 'x'", /Write TRIM/],
  ["COALESCE(status, 1) = 'x'", /one type/],
  ['COALESCE(status) = 1', /at least 2/],
  ['NULLIF(status) = 1', /takes 2 values/],
  ['POSITION(status) = 1', /takes 2 values/],
  ["SUBSTRING(status FROM 1 FOR 2 FOR 3) = 'x'", /./],
  ["POSITION('a' IN status IN address) = 1", /./],
  ['CURRENT_DATE(1) > consent_at', /takes no arguments/],
  // The lexer's own TRIM placeholder cannot be forged by writing a string first.
  ["TRIM('0', address) = 'x'", /Write TRIM/],
  ["TRIM(' ', address) = 'x'", /Write TRIM/],
  // Injection through arguments
  ["UPPER(status) = UPPER('x'); DROP TABLE sites", /Semicolons/],
  ["SUBSTRING(status FROM 1 FOR (SELECT 1)) = 'v'", /./],
  ['POSITION((SELECT name FROM sqlite_master) IN status) = 1', /./],
  ["TRIM(BOTH (SELECT 'x') FROM status) = 'x'", /./],
  ['CAST((SELECT 1) AS INTEGER) = 1', /./],
  ['EXTRACT(YEAR FROM (SELECT 1)) = 1', /./],
  ["CONCAT(status, load_extension('x')) = 'a'", /not supported/],
  ["COALESCE(status, sqlite_version()) = 'a'", /not supported/],
  ['CHAR_LENGTH(status) = 1 UNION SELECT 1', /Only a condition/],
  ["UPPER(status COLLATE NOCASE) = 'X'", /./],
  ["SUBSTRING(status, 1, 2) = 'v' -- x", /Comments/],
  ["LOWER(status /* x */) = 'v'", /Comments/],
  ["CAST(status AS VARCHAR(10); DROP TABLE sites) = 'a'", /Semicolons/],
  ["LOWER(`status`) = 'x'", /Unexpected character/],
  ['CHAR_LENGTH("status""") = 1', /Invalid quoted field name/],
  ['CHAR_LENGTH(sqlite_master) = 1', /Unknown field/],
  ['CHAR_LENGTH(sites.status) = 1', /cannot be qualified/],
  ["CONCAT(status, CHAR(39)) = 'x'", /not supported/],
  ['MOD(geocode_score, 2) = 0 AND randomblob(1000000000) IS NULL', /not supported/],
  ['ABS(-9223372036854775808) > 0', /too large to be exact/],
  ["UPPER(x'41') = 'A'", /./],
  ['ABS(geocode_score) > 1 OR 1 = 1 ORDER BY 1', /Only a condition/],
  [
    "consent_at > CURRENT_TIMESTAMP - INTERVAL '1; DROP TABLE sites' DAY",
    /Semicolons|Invalid INTERVAL/,
  ],
  ["consent_at > CURRENT_TIMESTAMP - INTERVAL '1' DAY_HOUR", /INTERVAL takes DAY/],
  ['ROUND(geocode_score, 2) = ?', /./],
  ['TRUNCATE(geocode_score, :d) = 1', /./],
  ["UPPER(status || ?) = 'x'", /./],
  ["CONCAT(status, @x) = 'x'", /./],
  ['ABS(geocode_score) % 2 = 1', /use MOD/],
  ["status = CAST(x'27' AS VARCHAR(1))", /./],
];

describe('refusals', () => {
  it.each(REFUSED)('refuses %s', (where, message) => {
    const error = thrownBy(() => compileWhere(where, SITES.fields, { now: NOW }));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCode.InvalidInput });
    expect((error as AppError).message).toMatch(message);
  });

  it('prepares no statement for any of them', () => {
    const { db: target } = createSites();
    const prepared: string[] = [];
    const spy = new Proxy(target, {
      get(object, property) {
        if (property === 'prepare') {
          return (sql: string) => {
            prepared.push(sql);
            return object.prepare(sql);
          };
        }
        const member: unknown = Reflect.get(object, property, object);
        return typeof member === 'function' ? member.bind(object) : member;
      },
    });
    for (const [where] of REFUSED) {
      expect(thrownBy(() => run(spy, where))).toMatchObject({ code: ErrorCode.InvalidInput });
    }
    expect(prepared).toEqual([]);
    // A hostile-looking argument that is only a string is bound, not run.
    const payload = "a') OR 1=1; DROP TABLE sites --";
    expect(run(spy, `CHAR_LENGTH(${sqlText(payload)}) = ${payload.length}`)).toHaveLength(
      FIXTURES.length,
    );
    expect(prepared).toHaveLength(1);
    expect(run(target, '1=1')).toHaveLength(FIXTURES.length);
  });
});
