import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../src/core/errors.js';
import { SITES } from '../../src/core/schema/registry-schema.js';
import type { FieldDef } from '../../src/core/schema/schema-types.js';
import { compileWhere } from '../../src/server/query/where-compiler.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0); // 2024-06-15 12:00:00Z

const SQL_TYPE: Record<FieldDef['type'], string> = {
  oid: 'INTEGER PRIMARY KEY',
  globalId: 'TEXT',
  guid: 'TEXT',
  string: 'TEXT',
  integer: 'INTEGER',
  smallInteger: 'INTEGER',
  double: 'REAL',
  date: 'INTEGER',
};

interface Row {
  readonly OBJECTID: number;
  readonly status: string | null;
  readonly site_type: string;
  readonly business_name: string | null;
  readonly address: string;
  readonly unit: string | null;
  readonly geocode_score: number | null;
  readonly consent_at: number | null;
  readonly confirm_due_at: number | null;
}

const ROWS: readonly Row[] = [
  {
    OBJECTID: 1,
    status: 'verified',
    site_type: 'residence',
    business_name: null,
    address: '12 Oak St',
    unit: null,
    geocode_score: 95.5,
    consent_at: Date.UTC(2024, 0, 15, 10, 0, 0),
    confirm_due_at: Date.UTC(2024, 6, 1),
  },
  {
    OBJECTID: 2,
    status: 'pending',
    site_type: 'business',
    business_name: "Bob's Café",
    address: '40 Main St',
    unit: 'Suite 100%',
    geocode_score: 80,
    consent_at: Date.UTC(2024, 2, 1),
    confirm_due_at: null,
  },
  {
    OBJECTID: 3,
    status: 'verified',
    site_type: 'business',
    business_name: 'ACME Corp',
    address: '7 Elm St',
    unit: null,
    geocode_score: 42,
    consent_at: Date.UTC(2023, 11, 31, 23, 59, 59),
    confirm_due_at: Date.UTC(2024, 0, 1),
  },
  {
    OBJECTID: 4,
    status: 'rejected',
    site_type: 'residence',
    business_name: null,
    address: 'C:\\temp',
    unit: null,
    geocode_score: null,
    consent_at: null,
    confirm_due_at: null,
  },
  {
    OBJECTID: 5,
    status: null,
    site_type: 'nonprofit',
    business_name: 'ada lovelace',
    address: '1 A St',
    unit: 'Unit_5',
    geocode_score: 100,
    consent_at: Date.UTC(2024, 5, 15, 8, 30, 0, 250),
    confirm_due_at: Date.UTC(2025, 0, 1),
  },
];

function createSitesDb(): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  const columns = SITES.fields.map((field) => `"${field.name}" ${SQL_TYPE[field.type]}`);
  db.exec(`CREATE TABLE sites (${columns.join(', ')})`);
  const names = Object.keys(ROWS[0] ?? {});
  const insert = db.prepare(
    `INSERT INTO sites (${names.map((name) => `"${name}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  );
  for (const row of ROWS) insert.run(...Object.values(row));
  return db;
}

/** The pattern a query handler follows: compile first, and only then touch the database. */
function runWhere(db: Pick<DatabaseSync, 'prepare'>, where: string | undefined): number[] {
  const { sql, params } = compileWhere(where, SITES.fields, { now: NOW });
  const rows = db
    .prepare(`SELECT "OBJECTID" AS id FROM sites WHERE ${sql} ORDER BY "OBJECTID"`)
    .all(...params);
  return rows.map((row) => Number(row.id));
}

/** Returns what `fn` throws; fails the test when it throws nothing. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('Expected an error, but nothing was thrown');
}

function expectInvalid(where: string, message?: RegExp): void {
  const error = thrownBy(() => compileWhere(where, SITES.fields, { now: NOW }));
  expect(error, `where: ${JSON.stringify(where.slice(0, 80))}`).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: ErrorCode.InvalidInput });
  if (message) expect((error as AppError).message).toMatch(message);
}

describe('compileWhere', () => {
  let db: DatabaseSync;
  beforeAll(() => {
    db = createSitesDb();
  });

  it.each([undefined, '', '   ', '\n\t'])('treats %j as no filter', (where) => {
    expect(compileWhere(where, SITES.fields)).toEqual({ sql: '1=1', params: [] });
    expect(runWhere(db, where)).toEqual([1, 2, 3, 4, 5]);
  });

  it('binds every literal and emits canonical quoted field names', () => {
    expect(compileWhere("STATUS = 'it''s' AND Geocode_Score >= -1.5", SITES.fields)).toEqual({
      sql: `("status" = ? AND "geocode_score" >= ?)`,
      params: ["it's", -1.5],
      fields: ['status', 'geocode_score'],
    });
    expect(compileWhere(`"Status" <> 'x'`, SITES.fields)).toEqual({
      sql: `"status" <> ?`,
      params: ['x'],
      fields: ['status'],
    });
    expect(compileWhere('1=1', SITES.fields)).toEqual({ sql: '? = ?', params: [1, 1], fields: [] });
    // Non-ASCII text (including surrogate pairs) is fine inside a literal; it is only bound.
    expect(compileWhere("business_name = 'Café 🎥 ''; DROP TABLE sites --'", SITES.fields)).toEqual(
      {
        sql: `"business_name" = ?`,
        params: ["Café 🎥 '; DROP TABLE sites --"],
        fields: ['business_name'],
      },
    );
  });

  it.each<[string, number[]]>([
    ['1=1', [1, 2, 3, 4, 5]],
    ['1=0', []],
    ["status = 'verified'", [1, 3]],
    ["status <> 'verified'", [2, 4]],
    ["status != 'verified'", [2, 4]],
    ['geocode_score > 80', [1, 5]],
    ['geocode_score >= 80', [1, 2, 5]],
    ['geocode_score < 80', [3]],
    ['geocode_score <= 80', [2, 3]],
    ['geocode_score = 95.5', [1]],
    ['geocode_score > -1', [1, 2, 3, 5]],
    ['geocode_score > - 1', [1, 2, 3, 5]],
    ["site_type IN ('business', 'nonprofit')", [2, 3, 5]],
    ["site_type NOT IN ('business')", [1, 4, 5]],
    ['geocode_score BETWEEN 42 AND 80', [2, 3]],
    ['geocode_score NOT BETWEEN 42 AND 80', [1, 5]],
    ["address LIKE '%St'", [1, 2, 3, 5]],
    ["address NOT LIKE '%oak%'", [2, 3, 4, 5]], // SQLite LIKE ignores ASCII case, as ArcGIS does
    ["unit LIKE '%!%' ESCAPE '!'", [2]],
    ["unit LIKE 'Unit\\_5' ESCAPE '\\'", [5]],
    ["unit LIKE 'Unit__'", [5]],
    ["address = 'C:\\temp'", [4]], // backslash is an ordinary character, as in ArcGIS SQL
    ['status IS NULL', [5]],
    ['status IS NOT NULL', [1, 2, 3, 4]],
    ["business_name = 'Bob''s Café'", [2]],
    ["UPPER(business_name) = 'ADA LOVELACE'", [5]],
    ["lower(business_name) = 'acme corp'", [3]],
    ["UPPER(LOWER(business_name)) = UPPER('acme corp')", [3]],
    ["NOT status = 'verified'", [2, 4]],
    ["NOT (status = 'verified')", [2, 4]],
    ["NOT (status = 'verified' OR status IS NULL)", [2, 4]],
    ["NOT status IN ('pending', 'rejected')", [1, 3]],
    // AND binds tighter than OR (the parser alone gets this wrong; the compiler regroups).
    ["status = 'rejected' OR site_type = 'business' AND geocode_score < 50", [3, 4]],
    ["site_type = 'business' AND geocode_score < 50 OR status = 'rejected'", [3, 4]],
    ["(status = 'rejected' OR site_type = 'business') AND geocode_score < 50", [3]],
    [
      "status = 'rejected' OR (site_type = 'business' OR site_type = 'nonprofit') AND unit IS NOT NULL",
      [2, 4, 5],
    ],
    ["status = 'rejected' OR NOT site_type = 'residence' AND geocode_score > 90", [4, 5]],
    [
      "geocode_score BETWEEN 40 AND 50 OR geocode_score BETWEEN 90 AND 96 AND status = 'verified'",
      [1, 3],
    ],
    [
      "status = 'x' OR status = 'y' OR site_type = 'nonprofit' AND unit = 'Unit_5' OR OBJECTID = 4",
      [4, 5],
    ],
    ['((((OBJECTID = 1))))', [1]],
    ['objectid in (1, 3) and not (objectid = 3)', [1]],
    // Dates: epoch ms, literals read as UTC.
    ["consent_at > timestamp '2024-01-15 10:00:00'", [2, 5]],
    ["consent_at >= TIMESTAMP '2024-01-15 10:00:00'", [1, 2, 5]],
    ["consent_at < date '2024-01-01'", [3]],
    ["consent_at BETWEEN date '2024-01-01' AND date '2024-03-01'", [1, 2]],
    ["consent_at = timestamp '2024-06-15 08:30:00.25'", [5]],
    ["consent_at > '2024-02-01'", [2, 5]],
    ["consent_at < '2024-01-01 00:00:00'", [3]],
    ["consent_at IN ('2024-03-01', timestamp '2023-12-31 23:59:59')", [2, 3]],
    ['consent_at < CURRENT_TIMESTAMP', [1, 2, 3, 5]],
    ['consent_at < CURRENT_DATE', [1, 2, 3]],
    ['confirm_due_at > CURRENT_TIMESTAMP', [1, 5]],
    [`consent_at <= ${Date.UTC(2024, 0, 15, 10)}`, [1, 3]],
    [SITES.access.officer.definitionExpression, [1]],
    // Functions and operators of ArcGIS standardized SQL (more in sql-functions.test.ts).
    ['CAST(geocode_score AS INTEGER) = 95', [1]],
    ['ABS(geocode_score - 90) <= 10', [1, 2, 5]],
    ['consent_at < CURRENT_TIMESTAMP()', [1, 2, 3, 5]],
    ['geocode_score + 1 > 96', [1, 5]],
    ['geocode_score * 2 >= 160', [1, 2, 5]],
    ["status || 'x' = 'verifiedx'", [1, 3]],
    ['EXTRACT(YEAR FROM consent_at) = 2024', [1, 2, 5]],
    ['CHAR_LENGTH(address) = 8', [3]],
    ['geocode_score > 9e1', [1, 5]],
    ['geocode_score < 5E+1', [3]],
  ])('%s', (where, expected) => {
    expect(runWhere(db, where)).toEqual(expected);
  });

  it('binds CURRENT_TIMESTAMP to now and CURRENT_DATE to the start of its UTC day', () => {
    const compiled = compileWhere(
      'consent_at BETWEEN CURRENT_DATE AND CURRENT_TIMESTAMP',
      SITES.fields,
      {
        now: NOW,
      },
    );
    expect(compiled.params).toEqual([Date.UTC(2024, 5, 15), NOW]);
  });

  it('reads date and timestamp literals as UTC and refuses impossible ones', () => {
    expect(compileWhere("consent_at = date '0024-02-29'", SITES.fields).params).toEqual([
      new Date('0024-02-29T00:00:00Z').getTime(),
    ]);
    expectInvalid("consent_at = timestamp '2023-02-29 00:00:00'", /Invalid timestamp/);
    expectInvalid("consent_at = timestamp '2024-01-01 24:00:00'", /Invalid timestamp/);
    expectInvalid("consent_at = date '2024-1-1'", /Invalid date/);
    expectInvalid("consent_at = 'next tuesday'", /not a valid date/);
  });

  it('names the problem in plain English', () => {
    expectInvalid("foo = 'x'", /Unknown field 'foo'/);
    expectInvalid("SUBSTR(status, 1, 1) = 'v'", /Function 'SUBSTR' is not supported/);
    expectInvalid("status = 'x", /Unbalanced quotes/);
    expectInvalid("(status = 'x'", /Unbalanced parentheses/);
    expectInvalid("status = 'x' -- c", /Comments are not allowed/);
    expectInvalid("status = 'x'; DROP TABLE sites", /Semicolons are not allowed/);
    expectInvalid("status = 'x' UNION SELECT status FROM sites", /Only a condition is allowed/);
    expectInvalid('status = = 1', /Syntax error near '= 1'/);
    expectInvalid("status = 'é' AND = 1", /position 18/);
    // Positions count the clause as written, around the lexer's own rewrites too.
    expectInvalid('geocode_score > 1e5 AND = 1', /position 25/);
    expectInvalid("TRIM(BOTH 'x' FROM address) = = 1", /position 31/);
    expectInvalid('status + 1 > 2', /Cannot compute text \+ a number; join text with CONCAT/);
    expectInvalid('geocode_score % 2 = 1', /use MOD\(a, b\)/);
    expectInvalid('SQRT(geocode_score) > 1', /Function 'SQRT' is not supported/);
    expectInvalid('status = CURRENT_DATE', /Text cannot be compared with a date/);
    expectInvalid('status = NULL', /IS NULL/);
    expectInvalid('status IN (SELECT status FROM sites)', /Subqueries are not supported/);
    expectInvalid("sites.status = 'x'", /cannot be qualified/);
    expectInvalid("sta\u200Btus = 'x'", /Unexpected character U\+200B at position 4/);
  });
});

/** Each of these must be refused with INVALID_INPUT before any SQL runs. */
const HOSTILE: readonly string[] = [
  // Stacked statements and injection classics
  '1=1; DROP TABLE sites',
  "status = 'x'; DELETE FROM sites",
  "status = 'x'\n;\nDROP TABLE sites",
  "status = 'x' ; ",
  "' OR '1'='1",
  "status = '' OR '1'='1",
  "status = 'x' OR 1=1 --",
  "status = 'x' UNION SELECT * FROM sqlite_master",
  "status = 'x' UNION ALL SELECT name FROM sqlite_master",
  '1=1 UNION SELECT 1',
  "status = 'x' UNION SELECT load_extension('/tmp/evil.so')",
  'status IN (SELECT status FROM sites)',
  '(SELECT 1) = 1',
  "status IN ('a', (SELECT 1))",
  'EXISTS (SELECT 1 FROM sqlite_master)',
  "status = 'x' AND (SELECT COUNT(*) FROM sqlite_master) > 0",
  "status = 'x' AND 1 = (SELECT 1)",
  'DROP TABLE sites',
  'DELETE FROM sites',
  'PRAGMA table_info(sites)',
  "ATTACH DATABASE '/tmp/evil.db' AS evil",
  // Comments
  "status = 'x' -- comment",
  "status = 'x' /* comment */",
  "/**/status = 'x'",
  "status/**/= 'x'",
  // Internal tables and dangerous functions
  'sqlite_master = 1',
  'name IN (SELECT name FROM sqlite_master)',
  "load_extension('evil') = 1",
  'randomblob(10) = 1',
  "hex(status) = '41'",
  "status = 'x' AND sqlite_version() > '3'",
  'RANDOM() > 0',
  'status = CHAR(65)',
  // Unknown fields and functions
  "foo = 'x'",
  'status = verified',
  `status = "verified"`,
  "SUBSTR(status, 1, 1) = 'v'",
  'COUNT(*) > 0',
  "UPPER(status, 'x') = 'X'",
  "UPPER() = 'X'",
  "main.upper(status) = 'X'",
  'status = CURRENT_TIME',
  'SQRT(geocode_score) > 1',
  "CAST(status AS TEXT) = 'x'",
  // Unbalanced quotes and parentheses
  "status = 'unterminated",
  "status = 'a'' ",
  `"status = 'x'`,
  "(status = 'x'",
  "status = 'x')",
  "((status = 'x')",
  // Lists, trailing garbage, stacked or missing operators
  'status IN ()',
  "status IN ('x',)",
  "status = 'x' garbage",
  "status = = 'x'",
  "status = < 'x'",
  "status == 'x'",
  "status = 'x' AND",
  "AND status = 'x'",
  "status = 'x' OR status = 'y' OR",
  "status NOT NOT IN ('x')",
  "status = 'x', status = 'y'",
  'geocode_score BETWEEN 1',
  'geocode_score BETWEEN 1 AND 2 AND',
  "status = 'a' 'b'",
  // Oversized and deeply nested input
  `status = '${'a'.repeat(5000)}'`,
  `${'('.repeat(10_000)}status = 'x'${')'.repeat(10_000)}`,
  `${'('.repeat(70)}status = 'x'${')'.repeat(70)}`,
  `${'NOT '.repeat(500)}status = 'x'`,
  `${'UPPER('.repeat(65)}status${')'.repeat(65)} = 'X'`,
  `${"NOT (status = 'x' AND ".repeat(40)}1=1${')'.repeat(40)}`,
  // Control characters and unicode tricks
  "status = 'x'\u0000",
  "status = 'x\u0000'",
  "status = 'x'\u0000; DROP TABLE sites",
  "status \uFF1D 'x'", // fullwidth equals sign
  'status = \u2018x\u2019', // typographic quotes
  "sta\u200Btus = 'x'", // zero-width space
  "\u0455tatus = 'x'", // Cyrillic dze looks like s
  "status = 'x' \u202E", // right-to-left override
  "status = '\uD800'", // lone surrogate
  "status = 'x'\u001B",
  // Other identifier and parameter syntaxes
  "`status` = 'x'",
  "[status] = 'x'",
  "sites.status = 'x'",
  "main.sites.status = 'x'",
  `"sta tus" = 'x'`,
  `"" = 'x'`,
  'status = ?',
  'status = :name',
  'status = @name',
  'status = $1',
  // Arithmetic, concatenation and other SQLite operators
  'geocode_score % 2 = 1',
  'geocode_score MOD 2 = 1',
  'geocode_score DIV 2 = 1',
  'geocode_score | 1 = 1',
  'geocode_score & 1 = 1',
  '~geocode_score = 1',
  "-status = 'x'",
  "status + 'x' = 'yx'",
  "status = +'x'",
  "status GLOB 'v*'",
  "status REGEXP 'v'",
  "status MATCH 'v'",
  "status COLLATE NOCASE = 'x'",
  "status IS NOT DISTINCT FROM 'x'",
  'status NOTNULL',
  'status ISNULL',
  'CASE WHEN 1=1 THEN 1 END = 1',
  // Literals outside the subset
  "status = x'41'",
  'status = 0x41',
  "status = N'x'",
  'status = NULL',
  "status IN ('x', NULL)",
  'status = TRUE',
  "status IS 'x'",
  'geocode_score = 1e400',
  'geocode_score = 99999999999999999999',
  "consent_at > timestamp '2024-13-01 00:00:00'",
  "consent_at > date '2024-01-01 10:00:00'",
  "consent_at > 'yesterday'",
  "status LIKE 'a' ESCAPE 'ab'",
  "status LIKE 'a' ESCAPE ''",
  "status > time '10:00:00'",
  // Not a condition, or more than a condition
  'status',
  "'x'",
  'UPPER(status)',
  'NOT status',
  '1=1 ORDER BY status',
  '1=1 LIMIT 1',
  '1=1 GROUP BY status HAVING COUNT(*) > 1',
  "status = 'x' \\",
];

describe('compileWhere with hostile input', () => {
  it('has a large fixture', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(50);
    expect(new Set(HOSTILE).size).toBe(HOSTILE.length);
  });

  it.each(HOSTILE.map((where) => [where.length > 60 ? `${where.slice(0, 57)}...` : where, where]))(
    'refuses %j',
    (_label, where) => {
      expectInvalid(where);
    },
  );

  it('runs no SQL for any of them', () => {
    const db = createSitesDb();
    const prepared: string[] = [];
    const spy = new Proxy(db, {
      get(target, property) {
        if (property === 'prepare') {
          return (sql: string) => {
            prepared.push(sql);
            return target.prepare(sql);
          };
        }
        const member: unknown = Reflect.get(target, property, target);
        return typeof member === 'function' ? member.bind(target) : member;
      },
    });
    for (const where of HOSTILE) {
      expect(thrownBy(() => runWhere(spy, where))).toMatchObject({ code: ErrorCode.InvalidInput });
    }
    expect(prepared).toEqual([]);
    // The spy does see statements when the clause is valid.
    expect(runWhere(spy, "status = 'verified'")).toEqual([1, 3]);
    expect(prepared).toHaveLength(1);
    // And the hostile inputs left the table intact.
    expect(runWhere(db, '1=1')).toEqual([1, 2, 3, 4, 5]);
  });
});
