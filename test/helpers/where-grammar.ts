import type { FieldDef } from '../../src/core/schema/schema-types.js';

type Param = string | number;
const DAY_MS = 86_400_000;
/** The longest clause the server takes (longer ones are refused). */
const MAX_WHERE_LENGTH = 4000;

/** One generated where clause, with what an independent reading of it says it should do. */
export interface GeneratedWhere {
  readonly kind: 'valid' | 'refused' | 'mutated' | 'hostile' | 'bytes';
  readonly where: string;
  /**
   * For `valid`: the same condition written directly as SQLite SQL (literals bound),
   * following standard SQL precedence, for comparing results with the compiler's SQL.
   */
  readonly oracle?: { readonly sql: string; readonly params: readonly Param[] };
}

/** Values every generated literal is drawn from, so comparisons sometimes match stored rows. */
export const TEXT_POOL: readonly string[] = [
  'verified',
  'pending',
  'residence',
  'business',
  'owner',
  '100 S Main St',
  "O'Brien",
  'José Núñez',
  '東京',
  '50% off',
  'a_b',
  'C:\\temp',
  '',
  ' ',
  'x',
  'Suite 100',
  '+18165550100',
  'pat@example.org',
  'NULL',
  "'; DROP TABLE sites --",
  '🎥 cam',
];

/** Instants every generated date literal is drawn from (2020-01-01 .. 2027-12-31). */
export const DATE_POOL: readonly number[] = Array.from({ length: 24 }, (_, i) =>
  Date.UTC(2020 + (i % 8), (i * 5) % 12, 1 + ((i * 7) % 28), (i * 3) % 24, (i * 11) % 60, 0),
);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function timestampText(ms: number, dateOnly: boolean): string {
  const d = new Date(ms);
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return dateOnly
    ? day
    : `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const LIKE_PATTERNS = [
  '%Main%',
  "O'Brien",
  '%',
  '_',
  '%a\\_b%',
  '50!%%',
  'ver%',
  '%St',
  '#%#_',
  '',
  '%é%',
  '%!',
];

const NOT_DATES = ['not a date', '2024-13-01', '2024-02-30', '2024/01/01', '24-01-01', 'yesterday'];

/** Names that are real columns of the table but not fields of the view, or SQLite internals. */
export const HIDDEN_NAMES = [
  'registration_ref',
  'manage_code_hash',
  'consent_at',
  'consent_version',
  'verified_by',
  'geocode_score',
  'quality_flags',
  'duplicate_of',
  'Creator',
  'EditDate',
  '_x',
  '_y',
  'rowid',
  'oid',
  '_rowid_',
];

const HOSTILE = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '; DROP TABLE sites',
  '; DELETE FROM users;',
  ' UNION SELECT password_hash FROM users',
  ' UNION ALL SELECT * FROM tokens --',
  '/* comment */',
  '-- comment',
  '#',
  "\\' OR 1=1",
  '`status`',
  '[status]',
  '?',
  '?1',
  ':name',
  '@x',
  '$x',
  '(SELECT 1)',
  'EXISTS (SELECT 1 FROM users)',
  "load_extension('x')",
  'randomblob(1000000000)',
  'zeroblob(2147483647)',
  "printf('%s', 1)",
  'char(39)',
  'hex(randomblob(8))',
  'sqlite_version()',
  'CAST(status AS TEXT)',
  'status COLLATE NOCASE',
  'CASE WHEN 1 THEN 2 END',
  'status GLOB "*"',
  "status REGEXP 'x'",
  "status MATCH 'x'",
  'sqlite_master',
  'pragma_table_info',
  "ATTACH DATABASE 'x' AS y",
  ' LIMIT 1',
  ' ORDER BY 1',
  ' GROUP BY status HAVING 1',
  '; PRAGMA writable_schema=1',
  "x'00'",
  "X'41'",
  '0x7fffffff',
  '1e308',
  '1e309',
  '-9223372036854775809',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u00a0',
  '\u200b',
  '\u2028',
  '\ufeff',
  '\ud800',
  '\udc00',
  '＝',
  '；',
  'ʼ',
  '‘',
  '’',
  'IS',
  'NOT',
  'AND',
  'OR',
  'IN ()',
  'BETWEEN',
  'LIKE',
  'ESCAPE',
  'NULL',
  '(',
  ')',
  "'",
  '"',
  ',',
  '.',
  '||',
  '+',
  '*',
  '%',
  '/',
  '<<',
  '&',
  '~',
  '!',
  '=',
  '==',
  '<=>',
  '->',
  "->>'$.a'",
];

function kindOf(field: FieldDef): 'number' | 'text' | 'date' {
  if (field.type === 'date') return 'date';
  if (['oid', 'integer', 'smallInteger', 'double'].includes(field.type)) return 'number';
  return 'text';
}

const KEYWORD_CASES = (word: string, random: () => number): string => {
  const r = random();
  if (r < 0.7) return word;
  if (r < 0.85) return word.toLowerCase();
  return [...word].map((c) => (random() < 0.5 ? c.toLowerCase() : c)).join('');
};

type Kind = 'number' | 'text' | 'date';

interface Operand {
  readonly text: string;
  readonly sql: string;
  readonly params: readonly Param[];
  readonly kind: Kind;
  /** Set for plain string literals: a date on the other side reads it as a timestamp. */
  readonly literal?: string;
  /** Set for number literals. */
  readonly value?: number;
}

type Generated = Operand & { readonly valid: boolean };

const pad3 = (n: number) => String(n).padStart(3, '0');

/** SQL SUBSTRING over code points: positions before 1 are cut off; a negative length is ''. */
function oracleSubstring(s: unknown, start: unknown, length?: unknown): string | null {
  if (typeof s !== 'string' || typeof start !== 'number') return null;
  if (length === null || (length !== undefined && typeof length !== 'number')) return null;
  const chars = [...s];
  const end = length === undefined ? chars.length + 1 : start + Math.trunc(length);
  const from = Math.max(Math.trunc(start), 1);
  return from >= end ? '' : chars.slice(from - 1, end - 1).join('');
}

function oracleDateText(ms: number): string | null {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(ms) || year < 0 || year > 9999) return null;
  const p = (v: number) => String(v).padStart(2, '0');
  const text = `${String(year).padStart(4, '0')}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  return ms % 1000 === 0 ? text : `${text}.${pad3(d.getUTCMilliseconds())}`;
}

const asNumber = (v: unknown): number | null =>
  typeof v === 'number' && !Number.isNaN(v) ? v : null;
const asText = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

/**
 * JavaScript versions of the functions whose SQLite spelling is not a one-to-one call,
 * registered on the fuzz database (`db.function`) so that the oracle SQL can use them: the
 * generator's oracle then computes them independently of the compiler's SQL.
 */
export const ORACLE_FUNCTIONS: Readonly<
  Record<string, (...args: unknown[]) => string | number | null>
> = {
  oracle_abs: (x) => (asNumber(x) === null ? null : Math.abs(x as number)),
  oracle_text: (x) => asText(x),
  oracle_char_length: (s) => (asText(s) === null ? null : [...(asText(s) as string)].length),
  oracle_position: (sub, s) => {
    const [a, b] = [asText(sub), asText(s)];
    if (a === null || b === null) return null;
    const at = b.indexOf(a);
    return at < 0 ? 0 : [...b.slice(0, at)].length + 1;
  },
  oracle_substring: (s, start, length) => oracleSubstring(asText(s), start, length),
  oracle_trim: (mode, c, s) => {
    const text = asText(s);
    if (text === null) return null;
    let chars = [...text];
    if (mode !== 'TRAILING') while (chars[0] === c) chars = chars.slice(1);
    if (mode !== 'LEADING') while (chars.at(-1) === c) chars = chars.slice(0, -1);
    return chars.join('');
  },
  oracle_concat: (...parts) => {
    const texts = parts.map(asText);
    return texts.some((t) => t === null) ? null : texts.join('');
  },
  oracle_round: (x, d) => {
    if (asNumber(x) === null) return null;
    const n = x as number;
    const places = d as number;
    if (places >= 0) return Number(n.toFixed(places));
    const p = 10 ** -places;
    return Math.sign(n) * Math.floor(Math.abs(n) / p + 0.5) * p;
  },
  oracle_truncate: (x, d) => {
    if (asNumber(x) === null) return null;
    const shift = (v: number, by: number) => {
      const [mantissa, exponent = '0'] = String(v).split('e');
      return Number(`${mantissa}e${Number(exponent) + by}`);
    };
    return shift(Math.trunc(shift(x as number, d as number)), -(d as number));
  },
  oracle_extract: (unit, ms) => {
    if (asNumber(ms) === null) return null;
    const d = new Date(ms as number);
    const year = d.getUTCFullYear();
    if (!Number.isFinite(year) || year < 0 || year > 9999) return null;
    const parts: Record<string, number> = {
      YEAR: year,
      MONTH: d.getUTCMonth() + 1,
      DAY: d.getUTCDate(),
      HOUR: d.getUTCHours(),
      MINUTE: d.getUTCMinutes(),
      SECOND: d.getUTCSeconds(),
    };
    return parts[unit as string] ?? null;
  },
  oracle_day: (ms) => {
    if (asNumber(ms) === null || oracleDateText(ms as number) === null) return null;
    return Math.floor((ms as number) / DAY_MS) * DAY_MS;
  },
  oracle_varchar: (x, n) => {
    const text = asText(x);
    return text === null ? null : [...text].slice(0, n as number).join('');
  },
  oracle_date_varchar: (ms, n) => {
    const text = asNumber(ms) === null ? null : oracleDateText(ms as number);
    return text === null ? null : [...text].slice(0, n as number).join('');
  },
  oracle_char: (x, n) => {
    const text = asText(x);
    if (text === null) return null;
    const chars = [...text].slice(0, n as number);
    while (chars.length < (n as number)) chars.push(' ');
    return chars.join('');
  },
};

interface Condition {
  readonly text: string;
  readonly sql: string;
  readonly params: readonly Param[];
  /** False once the clause holds something the compiler must refuse. */
  readonly valid: boolean;
}

/**
 * Grammar-based where-clause generator over a view's fields (ArcGIS standardized SQL:
 * comparisons, IN, BETWEEN, LIKE with ESCAPE, IS NULL, NOT, AND/OR, parentheses, date and
 * timestamp literals, CURRENT_DATE/CURRENT_TIME/CURRENT_TIMESTAMP, the documented functions —
 * EXTRACT, ABS, CAST, CEILING, COS, FLOOR, LOG, LOG10, MOD, NULLIF, POWER, ROUND, SIN, TAN,
 * TRUNCATE, CHAR_LENGTH, CONCAT, LOWER, POSITION, SUBSTRING, TRIM, UPPER — COALESCE, the
 * operators + - * / || and date ± INTERVAL), plus mutations of it, known injection payloads and
 * random character strings. Deterministic for a given `random`. The oracle SQL of a valid
 * clause calls {@link ORACLE_FUNCTIONS} where the compiler's SQL is more than a renamed call.
 */
export class WhereGrammar {
  private readonly random: () => number;
  private readonly fields: readonly FieldDef[];
  private readonly now: number;
  /** Chance that a field reference names a hidden column instead (the clause is then refused). */
  private readonly hiddenRate: number;
  private readonly hidden: readonly string[];

  constructor(random: () => number, fields: readonly FieldDef[], now: number, hiddenRate = 0.02) {
    this.random = random;
    this.fields = fields;
    this.now = now;
    this.hiddenRate = hiddenRate;
    const shown = new Set(fields.map((f) => f.name.toLowerCase()));
    this.hidden = HIDDEN_NAMES.filter((name) => !shown.has(name.toLowerCase()));
  }

  /** One input; `kind` is chosen by the mix below. */
  next(): GeneratedWhere {
    const r = this.random();
    if (r < 0.42) return this.clause();
    if (r < 0.74) return this.mutated();
    if (r < 0.86) return this.hostile();
    return this.bytes();
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  private space(): string {
    const r = this.random();
    if (r < 0.85) return ' ';
    return this.pick(['  ', '\t', '\n', '\r\n', ' \t ']);
  }

  private kw(word: string): string {
    return KEYWORD_CASES(word, this.random);
  }

  /** A valid clause, or one refused on purpose (a hidden field or a bad date). */
  clause(): GeneratedWhere {
    const condition = this.chain(0);
    if (condition.valid && condition.text.length <= MAX_WHERE_LENGTH) {
      return {
        kind: 'valid',
        where: condition.text,
        oracle: { sql: condition.sql, params: condition.params },
      };
    }
    return { kind: 'refused', where: condition.text };
  }

  private field(kind?: Kind): Generated {
    if (this.random() < this.hiddenRate) {
      const name = this.pick(this.hidden);
      return { text: name, sql: '', params: [], kind: kind ?? 'text', valid: false };
    }
    const candidates =
      kind === undefined ? this.fields : this.fields.filter((f) => kindOf(f) === kind);
    const def = this.pick(candidates.length > 0 ? candidates : this.fields);
    const r = this.random();
    const name =
      r < 0.6
        ? def.name
        : r < 0.75
          ? def.name.toUpperCase()
          : r < 0.85
            ? def.name.toLowerCase()
            : `"${def.name}"`;
    return { text: name, sql: `"${def.name}"`, params: [], kind: kindOf(def), valid: true };
  }

  private stringLiteral(forDate: boolean): Generated {
    let content: string;
    let valid = true;
    if (forDate) {
      if (this.random() < 0.15) {
        content = this.pick(NOT_DATES);
        valid = false;
      } else {
        content = timestampText(this.pick(DATE_POOL), this.random() < 0.3);
      }
    } else if (this.random() < 0.75) {
      content = this.pick(TEXT_POOL);
    } else {
      content = this.randomText(12);
    }
    return {
      text: `'${content.replaceAll("'", "''")}'`,
      sql: '?',
      params: [content],
      kind: 'text',
      literal: content,
      valid,
    };
  }

  private randomText(maxLength: number): string {
    const alphabet = 'abcXYZ019 %_\'"\\;-/*()=<>,.é中🎥';
    const chars = [...alphabet];
    return Array.from({ length: this.int(maxLength) }, () => this.pick(chars)).join('');
  }

  private number(): Operand {
    const r = this.random();
    let value: number;
    if (r < 0.4) value = this.int(100);
    else if (r < 0.6) value = -this.int(1000);
    else if (r < 0.8) value = Math.round(this.random() * 10_000) / 100;
    else value = this.pick(DATE_POOL);
    const text = String(value);
    return { text, sql: '?', params: [value], kind: 'number', value };
  }

  private dateLiteral(): Operand {
    const r = this.random();
    const parens = () => (this.random() < 0.3 ? '()' : '');
    if (r < 0.15) {
      return {
        text: `${this.kw('CURRENT_TIMESTAMP')}${parens()}`,
        sql: '?',
        params: [this.now],
        kind: 'date',
      };
    }
    if (r < 0.25) {
      const day = Math.floor(this.now / DAY_MS) * DAY_MS;
      return {
        text: `${this.kw('CURRENT_DATE')}${parens()}`,
        sql: '?',
        params: [day],
        kind: 'date',
      };
    }
    if (r < 0.3) {
      const second = Math.floor(this.now / 1000) * 1000;
      return { text: `${this.kw('CURRENT_TIME')}()`, sql: '?', params: [second], kind: 'date' };
    }
    const ms = this.pick(DATE_POOL);
    if (r < 0.65) {
      return {
        text: `${this.kw('timestamp')} '${timestampText(ms, false)}'`,
        sql: '?',
        params: [ms],
        kind: 'date',
      };
    }
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    return {
      text: `${this.kw('date')} '${timestampText(day, true)}'`,
      sql: '?',
      params: [day],
      kind: 'date',
    };
  }

  /** A value on the far side of a comparison with `against`. */
  private literalFor(against: Operand, plainField = true): Generated {
    const r = this.random();
    if (against.kind === 'date') {
      if (r < 0.45) return { ...this.dateLiteral(), valid: true };
      if (r < 0.8) {
        const literal = this.stringLiteral(true);
        if (!literal.valid) return literal;
        const ms = parseTimestamp(literal.literal ?? '');
        return { ...literal, sql: '?', params: [ms as number], kind: 'date' };
      }
      return { ...this.number(), valid: true };
    }
    // A computed number is compared with numbers only: whether SQLite reads a string literal
    // as a number depends on the expression's column affinity, which is not the point here.
    if (against.kind === 'number' && !plainField) return { ...this.number(), valid: true };
    if (r < 0.6) return this.stringLiteral(false);
    if (r < 0.85) return { ...this.number(), valid: true };
    if (r < 0.95 || against.kind === 'text') {
      const inner = this.stringLiteral(false);
      const fn = this.random() < 0.5 ? 'UPPER' : 'LOWER';
      return {
        ...inner,
        text: `${this.kw(fn)}(${inner.text})`,
        sql: `${fn}(?)`,
        literal: undefined,
      };
    }
    // A number may be compared with a date (dates are epoch milliseconds).
    return { ...this.dateLiteral(), valid: true };
  }

  /** A field, sometimes wrapped in UPPER/LOWER, sometimes a computed value. */
  private subject(): Generated & { readonly plain: boolean } {
    if (this.random() < 0.3) {
      const kind = this.pick<Kind>(['number', 'number', 'text', 'text', 'date']);
      return { ...this.expression(kind, 0), plain: false };
    }
    const field = this.field();
    if (field.valid && field.kind !== 'date' && this.random() < 0.15) {
      const fn = this.random() < 0.5 ? 'UPPER' : 'LOWER';
      return { ...this.textCall(fn, fn, [field]), plain: false };
    }
    return { ...field, plain: true };
  }

  // -------------------------------------------------------------------------------------------
  // Computed values: the documented functions and operators, with an independent oracle

  /** The oracle's text of a value used as text (numbers read as their shortest digits). */
  private static textSql(operand: Operand): string {
    return operand.kind === 'number' ? `oracle_text(${operand.sql})` : operand.sql;
  }

  private textCall(name: string, sqlName: string, args: readonly Generated[]): Generated {
    return {
      text: `${this.kw(name)}(${args.map((a) => a.text).join(', ')})`,
      sql: `${sqlName}(${args.map(WhereGrammar.textSql).join(', ')})`,
      params: args.flatMap((a) => a.params),
      kind: 'text',
      valid: args.every((a) => a.valid),
    };
  }

  private call(
    text: string,
    sql: string,
    params: readonly Param[],
    kind: Kind,
    parts: readonly Generated[],
  ): Generated {
    return { text, sql, params, kind, valid: parts.every((p) => p.valid) };
  }

  /** A leaf of a computed value: a field of that kind, or a literal. */
  private leaf(kind: Kind): Generated {
    if (this.random() < 0.75) return this.field(kind);
    if (kind === 'date') return { ...this.dateLiteral(), valid: true };
    if (kind === 'number') return { ...this.number(), valid: true };
    return this.stringLiteral(false);
  }

  /** A value of `kind` built from the documented functions and operators. */
  expression(kind: Kind, depth: number): Generated {
    if (depth >= 2 || this.random() < 0.25) return this.leaf(kind);
    const next = depth + 1;
    if (kind === 'number') return this.numberExpression(next);
    if (kind === 'text') return this.textExpression(next);
    return this.dateExpression(next);
  }

  private smallInt(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  private numberExpression(depth: number): Generated {
    const n = () => this.expression('number', depth);
    const t = () => this.expression('text', depth);
    const d = () => this.expression('date', depth);
    const r = this.int(17);
    switch (r) {
      case 0: {
        const x = n();
        return this.call(
          `${this.kw('ABS')}(${x.text})`,
          `oracle_abs(${x.sql})`,
          x.params,
          'number',
          [x],
        );
      }
      case 1:
      case 2: {
        const fn = this.pick(['CEILING', 'FLOOR', 'COS', 'SIN', 'TAN', 'LOG', 'LOG10']);
        const x = n();
        const sqlName = fn === 'LOG' ? 'ln' : fn.toLowerCase();
        return this.call(`${this.kw(fn)}(${x.text})`, `${sqlName}(${x.sql})`, x.params, 'number', [
          x,
        ]);
      }
      case 3: {
        const [x, y] = [n(), n()];
        const fn = this.pick(['MOD', 'POWER']);
        return this.call(
          `${this.kw(fn)}(${x.text}, ${y.text})`,
          `${fn.toLowerCase()}(${x.sql}, ${y.sql})`,
          [...x.params, ...y.params],
          'number',
          [x, y],
        );
      }
      case 4: {
        const fn = this.pick(['ROUND', 'TRUNCATE']);
        const x = n();
        const places = this.random() < 0.2 ? undefined : this.smallInt(-2, 3);
        const text = `${this.kw(fn)}(${x.text}${places === undefined ? '' : `, ${places}`})`;
        const sql = `oracle_${fn.toLowerCase()}(${x.sql}, ${places ?? 0})`;
        return this.call(text, sql, x.params, 'number', [x]);
      }
      case 5:
      case 6: {
        const [x, y] = [n(), n()];
        const op = this.pick(['+', '-', '*', '/']);
        // True division, whatever the operands' types.
        const sql =
          op === '/' ? `(CAST(${x.sql} AS REAL) / ${y.sql})` : `(${x.sql} ${op} ${y.sql})`;
        return this.call(`(${x.text} ${op} ${y.text})`, sql, [...x.params, ...y.params], 'number', [
          x,
          y,
        ]);
      }
      case 7: {
        const x = n();
        return this.call(`-(${x.text})`, `(- ${x.sql})`, x.params, 'number', [x]);
      }
      case 8: {
        const x = t();
        return this.call(
          `${this.kw('CHAR_LENGTH')}(${x.text})`,
          `oracle_char_length(${WhereGrammar.textSql(x)})`,
          x.params,
          'number',
          [x],
        );
      }
      case 9: {
        const [sub, x] = [this.stringLiteral(false), t()];
        const text =
          this.random() < 0.5
            ? `${this.kw('POSITION')}(${sub.text} ${this.kw('IN')} ${x.text})`
            : `${this.kw('POSITION')}(${sub.text}, ${x.text})`;
        const sql = `oracle_position(${sub.sql}, ${WhereGrammar.textSql(x)})`;
        return this.call(text, sql, [...sub.params, ...x.params], 'number', [sub, x]);
      }
      case 10:
      case 11: {
        const unit = this.pick(['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND']);
        const x = d();
        return this.call(
          `${this.kw('EXTRACT')}(${this.kw(unit)} ${this.kw('FROM')} ${x.text})`,
          `oracle_extract('${unit}', ${x.sql})`,
          x.params,
          'number',
          [x],
        );
      }
      case 12: {
        const x = this.random() < 0.7 ? n() : t();
        const type = this.pick(['INTEGER', 'INT', 'SMALLINT', 'FLOAT', 'REAL', 'DOUBLE']);
        const sqlType = ['FLOAT', 'REAL', 'DOUBLE'].includes(type) ? 'REAL' : 'INTEGER';
        return this.call(
          `${this.kw('CAST')}(${x.text} ${this.kw('AS')} ${this.kw(type)})`,
          `CAST(${x.sql} AS ${sqlType})`,
          x.params,
          'number',
          [x],
        );
      }
      case 13: {
        const [x, y] = [n(), { ...this.number(), valid: true }];
        const fn = this.pick(['NULLIF', 'COALESCE']);
        return this.call(
          `${this.kw(fn)}(${x.text}, ${y.text})`,
          `${fn.toLowerCase()}(${x.sql}, ${y.sql})`,
          [...x.params, ...y.params],
          'number',
          [x, y],
        );
      }
      case 14: {
        const [x, y] = [d(), d()];
        return this.call(
          `(${x.text} - ${y.text})`,
          `((${x.sql} - ${y.sql}) / 86400000.0)`,
          [...x.params, ...y.params],
          'number',
          [x, y],
        );
      }
      default:
        return this.leaf('number');
    }
  }

  private textExpression(depth: number): Generated {
    const t = () => this.expression('text', depth);
    const textOrNumber = () => this.expression(this.random() < 0.8 ? 'text' : 'number', depth);
    switch (this.int(10)) {
      case 0: {
        const fn = this.pick(['UPPER', 'LOWER']);
        return this.textCall(fn, fn, [textOrNumber()]);
      }
      case 1: {
        const x = textOrNumber();
        const mode = this.pick(['BOTH', 'LEADING', 'TRAILING']);
        const c = this.pick([' ', 'x', 'a', '%', "'", 'é']);
        const form = this.int(4);
        const text =
          form === 0
            ? `${this.kw('TRIM')}(${x.text})`
            : form === 1
              ? `${this.kw('TRIM')}(${this.kw(mode)} ${this.kw('FROM')} ${x.text})`
              : form === 2
                ? `${this.kw('TRIM')}('${c.replaceAll("'", "''")}' ${this.kw('FROM')} ${x.text})`
                : `${this.kw('TRIM')}(${this.kw(mode)} '${c.replaceAll("'", "''")}' ${this.kw('FROM')} ${x.text})`;
        const [m, ch] =
          form === 0
            ? ['BOTH', ' ']
            : form === 1
              ? [mode, ' ']
              : form === 2
                ? ['BOTH', c]
                : [mode, c];
        return this.call(
          text,
          `oracle_trim('${m}', ?, ${WhereGrammar.textSql(x)})`,
          [ch, ...x.params],
          'text',
          [x],
        );
      }
      case 2:
      case 3: {
        const x = textOrNumber();
        const start = this.smallInt(-2, 6);
        const length = this.random() < 0.3 ? undefined : this.smallInt(-1, 5);
        const form = this.int(2);
        const text =
          length === undefined
            ? `${this.kw('SUBSTRING')}(${x.text}, ${start})`
            : form === 0
              ? `${this.kw('SUBSTRING')}(${x.text} ${this.kw('FROM')} ${start} ${this.kw('FOR')} ${length})`
              : `${this.kw('SUBSTRING')}(${x.text}, ${start}, ${length})`;
        const sql = `oracle_substring(${WhereGrammar.textSql(x)}, ${start}${length === undefined ? '' : `, ${length}`})`;
        return this.call(text, sql, x.params, 'text', [x]);
      }
      case 4:
      case 5: {
        const parts = Array.from({ length: 2 + this.int(2) }, textOrNumber);
        const text =
          this.random() < 0.5
            ? `${this.kw('CONCAT')}(${parts.map((p) => p.text).join(', ')})`
            : `(${parts.map((p) => p.text).join(' || ')})`;
        return this.call(
          text,
          `oracle_concat(${parts.map((p) => p.sql).join(', ')})`,
          parts.flatMap((p) => p.params),
          'text',
          parts,
        );
      }
      case 6: {
        // Only simple numbers: SQLite writes very small or large ones with an exponent.
        const source = this.pick<Kind>(['number', 'date', 'text']);
        const x = source === 'number' ? this.leaf('number') : this.expression(source, depth);
        const n = this.smallInt(1, 24);
        const padded = source === 'text' && this.random() < 0.5;
        const type = padded ? 'CHAR' : 'VARCHAR';
        const fn =
          source === 'date' ? 'oracle_date_varchar' : padded ? 'oracle_char' : 'oracle_varchar';
        return this.call(
          `${this.kw('CAST')}(${x.text} ${this.kw('AS')} ${this.kw(type)}(${n}))`,
          `${fn}(${x.sql}, ${n})`,
          x.params,
          'text',
          [x],
        );
      }
      case 7: {
        const [x, y] = [t(), this.stringLiteral(false)];
        const fn = this.pick(['NULLIF', 'COALESCE']);
        return this.call(
          `${this.kw(fn)}(${x.text}, ${y.text})`,
          `${fn.toLowerCase()}(${x.sql}, ${y.sql})`,
          [...x.params, ...y.params],
          'text',
          [x, y],
        );
      }
      default:
        return this.leaf('text');
    }
  }

  private dateExpression(depth: number): Generated {
    const d = () => this.expression('date', depth);
    switch (this.int(6)) {
      case 0:
      case 1: {
        const x = d();
        const unit = this.pick(['DAY', 'HOUR', 'MINUTE', 'SECOND']);
        const amount = this.smallInt(0, 48);
        const ms = amount * { DAY: DAY_MS, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000 }[unit]!;
        const op = this.pick(['+', '-']);
        return this.call(
          `(${x.text} ${op} ${this.kw('INTERVAL')} '${amount}' ${this.kw(unit)})`,
          `(${x.sql} ${op} ?)`,
          [...x.params, ms],
          'date',
          [x],
        );
      }
      case 2: {
        const x = d();
        const days = this.pick([1, 2, 0.5, 7, 30, 365]);
        const op = this.pick(['+', '-']);
        return this.call(
          `(${x.text} ${op} ${days})`,
          `(${x.sql} ${op} ?)`,
          [...x.params, days * DAY_MS],
          'date',
          [x],
        );
      }
      case 3: {
        const x = d();
        return this.call(
          `${this.kw('CAST')}(${x.text} ${this.kw('AS')} ${this.kw('DATE')})`,
          `oracle_day(${x.sql})`,
          x.params,
          'date',
          [x],
        );
      }
      case 4: {
        const x = d();
        const y = { ...this.dateLiteral(), valid: true };
        return this.call(
          `${this.kw('COALESCE')}(${x.text}, ${y.text})`,
          `coalesce(${x.sql}, ${y.sql})`,
          [...x.params, ...y.params],
          'date',
          [x, y],
        );
      }
      default:
        return this.leaf('date');
    }
  }

  private predicate(depth: number): Condition {
    const r = this.random();
    if (depth < 3 && r < 0.08) {
      const inner = this.chain(depth + 1);
      return {
        text: `${this.kw('NOT')}${this.space()}(${inner.text})`,
        sql: `NOT (${inner.sql})`,
        params: inner.params,
        valid: inner.valid,
      };
    }
    if (depth < 3 && r < 0.22) {
      const inner = this.chain(depth + 1);
      return {
        text: `(${inner.text})`,
        sql: `(${inner.sql})`,
        params: inner.params,
        valid: inner.valid,
      };
    }
    const left = this.subject();
    const s = () => this.space();
    const kind = this.random();
    let out: Condition;
    if (kind < 0.4) {
      const op = this.pick(['=', '<>', '!=', '<', '<=', '>', '>=']);
      const other = this.random() < 0.1 && left.valid ? this.subject() : undefined;
      // Two computed values of different kinds could compare differently under SQLite's
      // column affinity in the compiled and the oracle SQL; compare like with like.
      const right =
        other && (other.kind === left.kind || (other.kind !== 'text' && left.kind !== 'text'))
          ? other
          : this.literalFor(left, left.plain);
      const sqlOp = op === '!=' ? '<>' : op;
      // Either order: a string literal is read as a timestamp whichever side the date is on.
      const swap = this.random() < 0.2 && right.literal !== undefined;
      const [first, second] = swap ? [right, left] : [left, right];
      out = {
        text: `${first.text}${s()}${op}${s()}${second.text}`,
        sql: `${first.sql} ${sqlOp} ${second.sql}`,
        params: [...first.params, ...second.params],
        valid: left.valid && right.valid,
      };
    } else if (kind < 0.55) {
      const not = this.random() < 0.3;
      const items = Array.from({ length: 1 + this.int(4) }, () =>
        this.literalFor(left, left.plain),
      );
      out = {
        text: `${left.text}${s()}${not ? `${this.kw('NOT')} ` : ''}${this.kw('IN')}${s()}(${items.map((i) => i.text).join(`,${s()}`)})`,
        sql: `${left.sql} ${not ? 'NOT ' : ''}IN (${items.map((i) => i.sql).join(', ')})`,
        params: [...left.params, ...items.flatMap((i) => i.params)],
        valid: left.valid && items.every((i) => i.valid),
      };
    } else if (kind < 0.67) {
      const not = this.random() < 0.3;
      const lo = this.literalFor(left, left.plain);
      const hi = this.literalFor(left, left.plain);
      out = {
        text: `${left.text}${s()}${not ? `${this.kw('NOT')} ` : ''}${this.kw('BETWEEN')}${s()}${lo.text}${s()}${this.kw('AND')}${s()}${hi.text}`,
        sql: `(${left.sql} ${not ? 'NOT ' : ''}BETWEEN ${lo.sql} AND ${hi.sql})`,
        params: [...left.params, ...lo.params, ...hi.params],
        valid: left.valid && lo.valid && hi.valid,
      };
    } else if (kind < 0.85) {
      const not = this.random() < 0.3;
      const escape = this.random() < 0.25 ? this.pick(['!', '\\', '#', 'é']) : undefined;
      const pattern = this.random() < 0.8 ? this.pick(LIKE_PATTERNS) : this.randomText(8);
      const raw = pattern.replaceAll("'", "''");
      // LIKE reads a computed number or date as SQLite's text of it; keep to text and fields.
      const subject = left.plain || left.kind === 'text' ? left : this.field();
      out = {
        text: `${subject.text}${s()}${not ? `${this.kw('NOT')} ` : ''}${this.kw('LIKE')}${s()}'${raw}'${escape ? `${s()}${this.kw('ESCAPE')}${s()}'${escape}'` : ''}`,
        sql: `${subject.sql} ${not ? 'NOT ' : ''}LIKE ?${escape ? ' ESCAPE ?' : ''}`,
        params: [...subject.params, pattern, ...(escape ? [escape] : [])],
        valid: subject.valid,
      };
    } else {
      const not = this.random() < 0.5;
      out = {
        text: `${left.text}${s()}${this.kw('IS')}${s()}${not ? `${this.kw('NOT')}${s()}` : ''}${this.kw('NULL')}`,
        sql: `${left.sql} IS ${not ? 'NOT ' : ''}NULL`,
        params: left.params,
        valid: left.valid,
      };
    }
    if (this.random() < 0.06) {
      return {
        text: `${this.kw('NOT')}${s()}${out.text}`,
        sql: `NOT ${out.sql}`,
        params: out.params,
        valid: out.valid,
      };
    }
    return out;
  }

  private chain(depth: number): Condition {
    const long = depth === 0 && this.random() < 0.003;
    const length = long ? 40 + this.int(60) : 1 + this.int(3);
    let text = '';
    let sql = '';
    const params: Param[] = [];
    let valid = true;
    for (let i = 0; i < length; i += 1) {
      const part = this.predicate(depth);
      if (i > 0) {
        const op = this.random() < 0.6 ? 'AND' : 'OR';
        text += `${this.space()}${this.kw(op)}${this.space()}`;
        sql += ` ${op} `;
      }
      text += part.text;
      sql += part.sql;
      params.push(...part.params);
      valid &&= part.valid;
    }
    return { text, sql, params, valid };
  }

  /** A valid clause damaged in one to three places. */
  mutated(): GeneratedWhere {
    let text = this.chain(0).text;
    const edits = 1 + this.int(3);
    for (let i = 0; i < edits; i += 1) {
      const at = this.int(text.length + 1);
      const r = this.random();
      if (r < 0.2) text = text.slice(0, at) + text.slice(at + 1 + this.int(6));
      else if (r < 0.45) text = text.slice(0, at) + this.pick(HOSTILE) + text.slice(at);
      else if (r < 0.6)
        text = text.slice(0, at) + String.fromCharCode(this.int(0x80)) + text.slice(at);
      else if (r < 0.7) text = text.slice(0, at);
      else if (r < 0.8) {
        const from = this.int(text.length);
        text = text.slice(0, at) + text.slice(from, from + 1 + this.int(20)) + text.slice(at);
      } else if (r < 0.86) {
        const depth = this.random() < 0.1 ? 60 + this.int(10) : 1 + this.int(5);
        text = `${'('.repeat(depth)}${text}${')'.repeat(depth + this.int(2))}`;
      } else if (r < 0.9) {
        text =
          this.random() < 0.05 ? text.repeat(40).slice(0, 3990 + this.int(20)) : text.repeat(2);
      } else if (r < 0.95) text = text.replaceAll("'", this.pick(['"', '`', "\\'", "''", '’']));
      else text = `${text} ${this.pick(HOSTILE)} ${this.chain(1).text}`;
    }
    return { kind: 'mutated', where: text };
  }

  /** Known injection shapes around real field names. */
  hostile(): GeneratedWhere {
    const field = this.pick(this.fields).name;
    const payload = this.pick(HOSTILE);
    const small = [
      () => `${field} = '${payload}'`,
      () => `${field} = '${payload}`,
      () => `${field} = ${payload}`,
      () => `${payload}`,
      () => `1=1${payload}`,
      () => `${field} IN (${payload})`,
      () => `${field} LIKE '%' ${payload}`,
      () => `${payload} ${field} = 1`,
      () => `${field} = 'a' ${payload} ${field} = 'b'`,
      () => `${this.pick(this.hidden)} IS NOT NULL`,
      () => `${field} = (SELECT ${this.pick(this.hidden)} FROM sites)`,
    ];
    // Inputs at the size and depth limits cost the parser most; a few of each per run.
    const large = [
      () => `${'NOT '.repeat(80)}${field} IS NULL`,
      () => `${'UPPER('.repeat(70)}${field}${')'.repeat(70)} = 'X'`,
      () => `${field} IN (${Array.from({ length: 900 }, (_, i) => i).join(',')})`,
      () => Array.from({ length: 300 }, (_, i) => `${field}=${i}`).join(' OR '),
      () => `${field} = '${'x'.repeat(4100)}'`,
    ];
    const templates = this.random() < 0.02 ? large : small;
    return { kind: 'hostile', where: this.pick(templates)() };
  }

  /** Random code units: printable, control, lone surrogates, anything. */
  bytes(): GeneratedWhere {
    const length = this.int(120);
    const r = this.random();
    const units = Array.from({ length }, () => {
      if (r < 0.4) return this.int(0x100);
      if (r < 0.7) return 0x20 + this.int(0x5f);
      return this.int(0x10000);
    });
    return { kind: 'bytes', where: String.fromCharCode(...units) };
  }
}

/** 'YYYY-MM-DD[ HH:MI:SS]' read as UTC; undefined when it is not a real instant. */
export function parseTimestamp(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0)) as number[];
  const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  const back = new Date(ms);
  return back.getUTCFullYear() === y &&
    back.getUTCMonth() === (mo ?? 1) - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === (h ?? 0)
    ? ms
    : undefined;
}
