import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../src/core/errors.js';
import { SITES } from '../../src/core/schema/registry-schema.js';
import { fieldsInView } from '../../src/core/schema/views.js';
import { insertRow, type Row } from '../../src/server/db/feature-rows.js';
import { ensureRegistrySchema, UNIQUE_FIELDS } from '../../src/server/db/registry-tables.js';
import { compileWhere } from '../../src/server/query/where-compiler.js';
import { seededRandom, clientGlobalId } from '../helpers/registrations.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import {
  DATE_POOL,
  ORACLE_FUNCTIONS,
  TEXT_POOL,
  WhereGrammar,
  type GeneratedWhere,
} from '../helpers/where-grammar.js';

declare module 'vitest' {
  interface TaskMeta {
    whereFuzz?: Record<string, number | string>;
  }
}

const SEED = Number(process.env.CCR_FUZZ_SEED ?? 0x3e1e_c7ed);
// 25,000 per test run keeps the whole suite well within its time; CCR_FUZZ_INPUTS=100000 for a deeper run.
const INPUTS = Number(process.env.CCR_FUZZ_INPUTS ?? 25_000);
const HTTP_SAMPLE_EVERY = 50; // 500 of them also go through the running server
const MAX_COMPILE_MS = 250; // a safety bound against pathological inputs, not a benchmark
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const FIELDS = fieldsInView(SITES, 'officer');
const FIELD_NAMES = new Set(FIELDS.map((f) => f.name));
/**
 * Everything compiled SQL may consist of (the compiler's own output grammar): quoted fields,
 * placeholders, comparison and arithmetic operators that never form a comment, and calls of
 * the SQLite functions the documented ArcGIS functions are written with.
 */
const SQL_TOKEN = new RegExp(
  [
    String.raw`\s+`,
    '"([A-Za-z_][A-Za-z0-9_]*)"',
    String.raw`\?`,
    String.raw`\(`,
    String.raw`\)`,
    ',',
    '<>|<=|>=|=|<|>',
    String.raw`\|\|`,
    String.raw`\+`,
    '-(?!-)',
    String.raw`\*(?!/)`,
    '/(?![*/])',
    String.raw`(?:CAST|UPPER|LOWER|LENGTH|INSTR|SUBSTR|L?TRIM|RTRIM|PRINTF|STRFTIME|UNIXEPOCH|CEILING|FLOOR|COS|SIN|TAN|LN|LOG10|MOD|POWER|ROUND|TRUNC|SIGN|MAX|REPLACE|NULLIF|COALESCE)\(`,
    String.raw`(?:IS|NOT|NULL|IN|BETWEEN|LIKE|ESCAPE|AND|OR|AS|INTEGER|REAL|TEXT)\b`,
  ].join('|'),
  'y',
);

/** The real Sites table, filled with values the generator's literals are drawn from. */
function sitesTable(random: () => number): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  ensureRegistrySchema(db);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const unique = new Set(UNIQUE_FIELDS[SITES.name] ?? []);
  for (let i = 0; i < 120; i += 1) {
    const values: Row = {};
    for (const field of SITES.fields) {
      if (field.type === 'oid') continue;
      if (field.type === 'globalId' || field.type === 'guid') {
        values[field.name] =
          field.type === 'globalId' || random() < 0.5 ? clientGlobalId(random) : null;
        continue;
      }
      if (random() < 0.15) {
        values[field.name] = null;
        continue;
      }
      switch (field.type) {
        case 'date':
          values[field.name] = random() < 0.8 ? pick(DATE_POOL) : Math.floor(random() * 2e12);
          break;
        case 'double':
          values[field.name] = Math.round(random() * 10_000) / 100;
          break;
        default: {
          const codes = field.domain?.values.map((v) => v.code) ?? [];
          const value = codes.length && random() < 0.6 ? pick(codes) : pick(TEXT_POOL);
          // No two sites may share a value of a unique field: suffix the row number.
          values[field.name] = unique.has(field.name) ? `${value}${i}` : value;
        }
      }
    }
    insertRow(db, SITES, values, { x: -94.4 + random() * 0.05, y: 39.05 + random() * 0.05 });
  }
  // The generator's oracle SQL computes some functions in JavaScript.
  for (const [name, fn] of Object.entries(ORACLE_FUNCTIONS)) {
    db.function(name, { deterministic: true, varargs: true }, (...args) => fn(...args));
  }
  return db;
}

interface Problem {
  readonly what: string;
  readonly kind: GeneratedWhere['kind'];
  readonly where: string;
  readonly detail?: string;
}

/** Checks the compiler's own output: only its tokens, only the view's fields, all bound. */
function outputProblem(sql: string, params: readonly unknown[]): string | undefined {
  if (sql === '1=1') return params.length === 0 ? undefined : 'values without placeholders';
  let at = 0;
  let placeholders = 0;
  while (at < sql.length) {
    SQL_TOKEN.lastIndex = at;
    const match = SQL_TOKEN.exec(sql);
    if (!match) return `unexpected SQL text at ${at}: ${sql.slice(at, at + 20)}`;
    if (match[1] !== undefined && !FIELD_NAMES.has(match[1]))
      return `field ${match[1]} is not in the view`;
    if (match[0] === '?') placeholders += 1;
    at += match[0].length;
  }
  if (placeholders !== params.length)
    return `${placeholders} placeholders for ${params.length} values`;
  const unbound = params.find(
    (p) => !(typeof p === 'string' || (typeof p === 'number' && Number.isFinite(p))),
  );
  return unbound === undefined ? undefined : `unexpected parameter ${String(unbound)}`;
}

/**
 * Compile time of an input that looked slow, as the fastest of three more runs: an input that
 * makes the compiler work hard is slow every time, while a garbage collection or a busy machine
 * only delays one run.
 */
function settledMs(where: string, firstMs: number): number {
  if (firstMs < MAX_COMPILE_MS / 5) return firstMs;
  let best = firstMs;
  for (let i = 0; i < 3; i += 1) {
    const t0 = performance.now();
    try {
      compileWhere(where, FIELDS, { now: NOW });
    } catch {
      // refused again, as the first time
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function ids(rows: readonly Record<string, unknown>[]): string {
  return rows.map((r) => String(r.id)).join(',');
}

describe('where clause fuzzing', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ sites: 80 });
    token = await server.token('officer1');
  });
  afterAll(() => server.close());

  it(`compiles ${INPUTS.toLocaleString('en-US')} generated clauses into safe, runnable SQL or refuses them`, async ({
    task,
  }) => {
    const random = seededRandom(SEED);
    const grammar = new WhereGrammar(random, FIELDS, NOW);
    const db = sitesTable(seededRandom(SEED ^ 0x9e3779b9));
    const problems: Problem[] = [];
    const tally = { valid: 0, refused: 0, mutated: 0, hostile: 0, bytes: 0 };
    let accepted = 0;
    let rejected = 0;
    let matchedRows = 0;
    let maxMs = 0;
    let slowest = '';
    const timed = (where: string, ms: number) => {
      if (ms <= maxMs) return;
      const settled = settledMs(where, ms);
      if (settled > maxMs) [maxMs, slowest] = [settled, where.slice(0, 120)];
    };
    const sample: string[] = [];
    const started = performance.now();

    for (let n = 0; n < INPUTS; n += 1) {
      const generated = grammar.next();
      const { where, kind } = generated;
      tally[kind] += 1;
      if (n % HTTP_SAMPLE_EVERY === 0) sample.push(where);
      const note = (what: string, detail?: string) => {
        if (problems.length < 25) problems.push({ what, kind, where: where.slice(0, 300), detail });
      };
      let compiled;
      const t0 = performance.now();
      try {
        compiled = compileWhere(where, FIELDS, { now: NOW });
      } catch (error) {
        const ms = performance.now() - t0;
        timed(where, ms);
        rejected += 1;
        if (!(error instanceof AppError) || error.code !== ErrorCode.InvalidInput) {
          note('threw something other than INVALID_INPUT', String(error));
        } else if (kind === 'valid') {
          note('refused a valid clause', error.message);
        }
        continue;
      }
      const ms = performance.now() - t0;
      timed(where, ms);
      accepted += 1;
      if (kind === 'refused') note('accepted a clause naming a hidden field or a bad date');
      const bad = outputProblem(compiled.sql, compiled.params);
      if (bad) note('emitted unsafe SQL', `${bad}: ${compiled.sql.slice(0, 200)}`);
      let rows: Record<string, unknown>[];
      try {
        rows = db
          .prepare(`SELECT "OBJECTID" AS id FROM sites WHERE ${compiled.sql} ORDER BY "OBJECTID"`)
          .all(...compiled.params);
      } catch (error) {
        note('emitted SQL that SQLite refused', `${String(error)}: ${compiled.sql.slice(0, 200)}`);
        continue;
      }
      matchedRows += rows.length;
      if (generated.oracle) {
        let expected: Record<string, unknown>[];
        try {
          expected = db
            .prepare(
              `SELECT "OBJECTID" AS id FROM sites WHERE ${generated.oracle.sql} ORDER BY "OBJECTID"`,
            )
            .all(...generated.oracle.params);
        } catch (error) {
          note(
            'the generator wrote SQL SQLite refused',
            `${String(error)}: ${generated.oracle.sql}`,
          );
          continue;
        }
        if (ids(rows) !== ids(expected)) {
          note(
            'matched different rows than the same condition written directly',
            `${compiled.sql} vs ${generated.oracle.sql}`,
          );
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;

    expect(
      problems.map((p) => JSON.stringify(p)),
      `seed ${SEED}`,
    ).toEqual([]);
    expect(maxMs, `slowest: ${JSON.stringify(slowest)}`).toBeLessThan(MAX_COMPILE_MS);
    // The mix really exercises both paths, and valid clauses really select rows.
    expect(tally.valid).toBeGreaterThan(INPUTS * 0.3);
    expect(accepted).toBeGreaterThan(INPUTS * 0.3);
    expect(rejected).toBeGreaterThan(INPUTS * 0.3);
    expect(matchedRows).toBeGreaterThan(tally.valid);

    // The same inputs through the running server: an answer or a 400, never anything else.
    const httpProblems: string[] = [];
    const codes = new Map<string, number>();
    const query = `${server.service('CommunityCameras_officer')}/0/query`;
    const ask = async (where: string, i: number) => {
      // Officers must search around a place (at most 5 km across): a point and a radius.
      const form: Record<string, string> = {
        f: 'json',
        where,
        outFields: 'OBJECTID,status',
        returnGeometry: 'false',
        geometry:
          i % 2 === 0
            ? JSON.stringify({ x: -94.41, y: 39.08, spatialReference: { wkid: 4326 } })
            : '-94.42,39.07',
        geometryType: 'esriGeometryPoint',
        inSR: '4326',
        distance: '1500',
        units: 'esriSRUnit_Meter',
      };
      const encoded = new URLSearchParams(form).toString();
      const headers = { 'x-esri-authorization': `Bearer ${token}` };
      const response =
        i % 3 === 0 && encoded.length < 6000
          ? await fetch(`${query}?${encoded}`, { headers })
          : await fetch(query, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
              body: encoded,
            });
      const text = await response.text();
      let body: { error?: { code?: number; message?: string }; features?: unknown[] };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        httpProblems.push(`HTTP ${response.status}, not JSON: ${text.slice(0, 100)}`);
        return;
      }
      const outcome = body.error
        ? `error ${body.error.code}`
        : Array.isArray(body.features)
          ? 'features'
          : 'other';
      codes.set(
        `${response.status} ${outcome}`,
        (codes.get(`${response.status} ${outcome}`) ?? 0) + 1,
      );
      // What the server received: the form as decoded, trimmed as parameters are.
      const received = (new URLSearchParams(encoded).get('where') ?? '').trim();
      let locallyValid = true;
      try {
        compileWhere(received, FIELDS, { now: NOW });
      } catch {
        locallyValid = false;
      }
      const good = locallyValid
        ? response.status === 200 && outcome === 'features'
        : response.status === 200 && outcome === 'error 400';
      if (!good) {
        httpProblems.push(
          `${JSON.stringify(where.slice(0, 120))}: HTTP ${response.status} ${outcome} ${body.error?.message ?? ''} (compiles locally: ${locallyValid})`,
        );
      }
    };
    const workers = 6;
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        for (let i = w; i < sample.length; i += workers) await ask(sample[i] as string, i);
      }),
    );
    expect(httpProblems.slice(0, 20)).toEqual([]);
    expect([...codes.keys()].sort()).toEqual(['200 error 400', '200 features']);

    task.meta.whereFuzz = {
      seed: SEED,
      inputs: INPUTS,
      ...tally,
      accepted,
      rejected,
      httpSample: sample.length,
      maxCompileMs: Math.round(maxMs * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
    };
  }, 180_000);
});
