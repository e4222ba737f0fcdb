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

const KEYWORD_CASES = (word: string, random: () => number): string => {
  const r = random();
  if (r < 0.7) return word;
  if (r < 0.85) return word.toLowerCase();
  return [...word].map((c) => (random() < 0.5 ? c.toLowerCase() : c)).join('');
};

interface Operand {
  readonly text: string;
  readonly sql: string;
  readonly params: readonly Param[];
  readonly isDate: boolean;
  /** Set for plain string literals: a date on the other side reads it as a timestamp. */
  readonly literal?: string;
}

interface Condition {
  readonly text: string;
  readonly sql: string;
  readonly params: readonly Param[];
  /** False once the clause holds something the compiler must refuse. */
  readonly valid: boolean;
}

/**
 * Grammar-based where-clause generator over a view's fields (ArcGIS standardized SQL subset:
 * comparisons, IN, BETWEEN, LIKE with ESCAPE, IS NULL, NOT, AND/OR, parentheses, UPPER/LOWER,
 * date and timestamp literals, CURRENT_DATE/CURRENT_TIMESTAMP), plus mutations of it, known
 * injection payloads and random character strings. Deterministic for a given `random`.
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

  private field(): Operand & { readonly valid: boolean } {
    if (this.random() < this.hiddenRate) {
      const name = this.pick(this.hidden);
      return { text: name, sql: '', params: [], isDate: false, valid: false };
    }
    const def = this.pick(this.fields);
    const r = this.random();
    const name =
      r < 0.6
        ? def.name
        : r < 0.75
          ? def.name.toUpperCase()
          : r < 0.85
            ? def.name.toLowerCase()
            : `"${def.name}"`;
    return {
      text: name,
      sql: `"${def.name}"`,
      params: [],
      isDate: def.type === 'date',
      valid: true,
    };
  }

  private stringLiteral(forDate: boolean): Operand & { readonly valid: boolean } {
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
      isDate: false,
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
    return { text, sql: '?', params: [value], isDate: false };
  }

  private dateLiteral(): Operand {
    const r = this.random();
    if (r < 0.2)
      return { text: this.kw('CURRENT_TIMESTAMP'), sql: '?', params: [this.now], isDate: true };
    if (r < 0.3) {
      const day = Math.floor(this.now / DAY_MS) * DAY_MS;
      return { text: this.kw('CURRENT_DATE'), sql: '?', params: [day], isDate: true };
    }
    const ms = this.pick(DATE_POOL);
    if (r < 0.65) {
      return {
        text: `${this.kw('timestamp')} '${timestampText(ms, false)}'`,
        sql: '?',
        params: [ms],
        isDate: true,
      };
    }
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    return {
      text: `${this.kw('date')} '${timestampText(day, true)}'`,
      sql: '?',
      params: [day],
      isDate: true,
    };
  }

  /** A value on the far side of a comparison with `against`. */
  private literalFor(against: Operand): Operand & { readonly valid: boolean } {
    const r = this.random();
    if (against.isDate) {
      if (r < 0.45) return { ...this.dateLiteral(), valid: true };
      if (r < 0.8) {
        const literal = this.stringLiteral(true);
        if (!literal.valid) return literal;
        const ms = parseTimestamp(literal.literal ?? '');
        return { ...literal, sql: '?', params: [ms as number], isDate: true };
      }
      return { ...this.number(), valid: true };
    }
    if (r < 0.6) return this.stringLiteral(false);
    if (r < 0.85) return { ...this.number(), valid: true };
    if (r < 0.95) {
      const inner = this.stringLiteral(false);
      const fn = this.random() < 0.5 ? 'UPPER' : 'LOWER';
      return {
        ...inner,
        text: `${this.kw(fn)}(${inner.text})`,
        sql: `${fn}(?)`,
        literal: undefined,
      };
    }
    return { ...this.dateLiteral(), valid: true };
  }

  /** A field, sometimes wrapped in UPPER/LOWER. */
  private subject(): Operand & { readonly valid: boolean } {
    const field = this.field();
    if (field.valid && !field.isDate && this.random() < 0.15) {
      const fn = this.random() < 0.5 ? 'UPPER' : 'LOWER';
      return {
        ...field,
        text: `${this.kw(fn)}(${field.text})`,
        sql: `${fn}(${field.sql})`,
        isDate: false,
      };
    }
    return field;
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
      const right = this.random() < 0.1 && left.valid ? this.subject() : this.literalFor(left);
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
      const items = Array.from({ length: 1 + this.int(4) }, () => this.literalFor(left));
      out = {
        text: `${left.text}${s()}${not ? `${this.kw('NOT')} ` : ''}${this.kw('IN')}${s()}(${items.map((i) => i.text).join(`,${s()}`)})`,
        sql: `${left.sql} ${not ? 'NOT ' : ''}IN (${items.map((i) => i.sql).join(', ')})`,
        params: [...left.params, ...items.flatMap((i) => i.params)],
        valid: left.valid && items.every((i) => i.valid),
      };
    } else if (kind < 0.67) {
      const not = this.random() < 0.3;
      const lo = this.literalFor(left);
      const hi = this.literalFor(left);
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
      out = {
        text: `${left.text}${s()}${not ? `${this.kw('NOT')} ` : ''}${this.kw('LIKE')}${s()}'${raw}'${escape ? `${s()}${this.kw('ESCAPE')}${s()}'${escape}'` : ''}`,
        sql: `${left.sql} ${not ? 'NOT ' : ''}LIKE ?${escape ? ' ESCAPE ?' : ''}`,
        params: [...left.params, pattern, ...(escape ? [escape] : [])],
        valid: left.valid,
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
