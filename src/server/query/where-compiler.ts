import pkg from 'node-sql-parser';
import { AppError, ErrorCode } from '../../core/errors.js';
import type { FieldDef } from '../../core/schema/schema-types.js';

const { Parser } = pkg;

export interface CompiledWhere {
  readonly sql: string;
  readonly params: readonly (string | number | null)[];
  /** Canonical names of the fields the clause reads (none for an empty clause). */
  readonly fields?: readonly string[];
}

export interface CompileWhereOptions {
  /** Epoch ms that CURRENT_TIMESTAMP, CURRENT_TIME and CURRENT_DATE stand for; defaults to `Date.now()`. */
  readonly now?: number;
  /**
   * The signed-in user CURRENT_USER stands for: a username, or `null` for an anonymous
   * caller (CURRENT_USER is then NULL, as for ArcGIS). Left out, CURRENT_USER is refused.
   */
  readonly currentUser?: string | null;
}

type Param = string | number | null;
type Node = { readonly [key: string]: unknown };

interface Fragment {
  readonly sql: string;
  readonly params: readonly Param[];
}

/**
 * What a value is. Dates are epoch milliseconds; an interval is a duration in milliseconds
 * that only date arithmetic may use; `null` is a NULL literal given to a function.
 */
type Kind = 'number' | 'text' | 'date' | 'interval' | 'null';

/** A value in a condition. */
interface Operand extends Fragment {
  readonly kind: Kind;
  /** The content of a plain string literal, which a date on the other side may reinterpret. */
  readonly text?: string;
  /** The value of a number literal (or of a folded interval), known at compile time. */
  readonly constant?: number;
}

interface Context {
  readonly fields: ReadonlyMap<string, FieldDef>;
  readonly strings: readonly string[];
  readonly trims: ReadonlyMap<number, TrimSpec>;
  readonly now: number;
  readonly currentUser: string | null | undefined;
}

const MAX_WHERE_LENGTH = 4000;
const MAX_WHERE_DEPTH = 64;
/**
 * Bounds on the compiled SQL (SQLite takes at most 32,766 parameters). Some functions repeat an
 * argument (TRUNCATE reads it five times), so nesting them could otherwise grow the SQL
 * exponentially; every piece of SQL is built through {@link compose}, which enforces them.
 */
const MAX_SQL_LENGTH = 100_000;
const MAX_SQL_PARAMS = 10_000;
/** Longest VARCHAR(n) or CHAR(n) a CAST may ask for. */
const MAX_CAST_LENGTH = 10_000;

const DAY_MS = 86_400_000;
const PREFIX = 'SELECT * FROM t WHERE ';
/**
 * node-sql-parser's MySQL grammar reads the SQL-92 forms ArcGIS documents (EXTRACT(unit FROM
 * date), TRIM(BOTH ' ' FROM s), INTERVAL '1' DAY), which its SQLite grammar does not. MySQL's
 * own quirks never matter: string literals reach the parser as numbered placeholders, double
 * quotes are read as field names, and the lexer refuses backticks, `#`, `@` and the like.
 */
const PARSE_OPTIONS = { database: 'mysql' } as const;
const COMPARISONS: ReadonlyMap<string, string> = new Map([
  ['=', '='],
  ['<>', '<>'],
  ['!=', '<>'],
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
]);
/** Operators of ArcGIS standardized SQL that compute a value. */
const VALUE_OPERATORS = new Set(['+', '-', '*', '/', '||']);
/** Other value operators the parser knows; named in the refusal. */
const OTHER_OPERATORS = new Set(['%', 'DIV', 'MOD', '&', '|', '^', '<<', '>>', 'XOR', '->', '->>']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
/** A number literal: digits, fraction, exponent. */
const NUMBER_TEXT = /^(\d+)(\.\d*)?([eE][+-]?\d+)?/;
// Characters allowed outside quotes; everything else (; ` [ ] % | @ $ ? : etc.) is refused.
// `|` is allowed only as `||`, and `--` and `/*` (comments) are refused by the lexer.
const BARE_CHAR = /[A-Za-z0-9_ \t\r\n(),.=<>!+*/|-]/;
/** Functions the compiler emits (SQLite's), each written as `NAME(`. */
const EMITTED_FUNCTIONS = [
  'CAST',
  'UPPER',
  'LOWER',
  'LENGTH',
  'INSTR',
  'SUBSTR',
  'TRIM',
  'LTRIM',
  'RTRIM',
  'PRINTF',
  'STRFTIME',
  'UNIXEPOCH',
  'CEILING',
  'FLOOR',
  'COS',
  'SIN',
  'TAN',
  'LN',
  'LOG10',
  'MOD',
  'POWER',
  'ROUND',
  'TRUNC',
  'SIGN',
  'MAX',
  'REPLACE',
  'NULLIF',
  'COALESCE',
] as const;
// The only tokens compiled SQL may contain (checked before returning, as defence in depth).
// Operators never pair into comments: `-` is never followed by `-`, nor `/` by `*`.
const SQL_TOKEN = new RegExp(
  [
    '\\s+',
    '"([A-Za-z_][A-Za-z0-9_]*)"',
    '\\?',
    '\\(',
    '\\)',
    ',',
    '<>',
    '<=',
    '>=',
    '=',
    '<',
    '>',
    '\\|\\|',
    '\\+',
    '-(?![-])',
    '\\*(?![/])',
    '/(?![*/])',
    `(?:${EMITTED_FUNCTIONS.join('|')})\\(`,
    '(?:IS|NOT|NULL|IN|BETWEEN|LIKE|ESCAPE|AND|OR|AS|INTEGER|REAL|TEXT)\\b',
  ].join('|'),
  'y',
);

const parser = new Parser();
const WRAPPER = wrapperShape(parser.astify(`${PREFIX}1=1`, PARSE_OPTIONS));

/**
 * Parsed clauses by their text. Parsing is most of a compilation (about 2 ms for the officer
 * view's definitions, on every officer query), and the same few clauses come back on every
 * request. The AST is frozen, so one parse can serve every compilation. Clauses that fail to
 * parse are not kept. Bounded: emptied when full, so callers' clauses cannot grow it.
 */
const parsedClauses = new Map<string, { readonly lexed: Lexed; readonly ast: Node }>();
const MAX_PARSED_CLAUSES = 256;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function parsedClause(where: string): { readonly lexed: Lexed; readonly ast: Node } {
  let parsed = parsedClauses.get(where);
  if (!parsed) {
    const lexed = lex(where);
    parsed = { lexed, ast: deepFreeze(parse(where, lexed)) };
    if (parsedClauses.size >= MAX_PARSED_CLAUSES) parsedClauses.clear();
    parsedClauses.set(where, parsed);
  }
  return parsed;
}

/**
 * Compiles an ArcGIS standardized-SQL where clause into a parameterized SQLite expression over
 * `fields`. Every literal becomes a `?` placeholder; field names are emitted as their canonical,
 * double-quoted names. Anything outside the supported subset throws an INVALID_INPUT `AppError`.
 *
 * Besides comparisons, IN, BETWEEN, LIKE … ESCAPE, IS [NOT] NULL, NOT, AND and OR, it takes the
 * functions ArcGIS Online documents for standardized queries: CURRENT_DATE, CURRENT_TIME,
 * CURRENT_TIMESTAMP, EXTRACT, CURRENT_USER; ABS, CAST, CEILING, COS, FLOOR, LOG (natural),
 * LOG10, MOD, NULLIF, POWER, ROUND, SIN, TAN, TRUNCATE; CHAR_LENGTH, CONCAT, LOWER, POSITION,
 * SUBSTRING, TRIM, UPPER; and COALESCE, the operators `+ - * /` and `||`, and
 * `date ± INTERVAL 'n' DAY|HOUR|MINUTE|SECOND` as the ArcGIS Maps SDK's SQL engine reads them.
 * See https://doc.arcgis.com/en/arcgis-online/reference/sql-agol.htm
 */
export function compileWhere(
  where: string | undefined,
  fields: readonly FieldDef[],
  options: CompileWhereOptions = {},
): CompiledWhere {
  const now = options.now ?? Date.now();
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number, got ${now}`);
  if (where === undefined || where.trim() === '') return { sql: '1=1', params: [] };
  if (where.length > MAX_WHERE_LENGTH) {
    throw invalid(`It is longer than ${MAX_WHERE_LENGTH} characters`);
  }
  const { lexed, ast } = parsedClause(where);
  const fieldMap = new Map<string, FieldDef>();
  for (const field of fields) {
    const key = field.name.toLowerCase();
    if (!fieldMap.has(key)) fieldMap.set(key, field);
  }
  const context = {
    fields: fieldMap,
    strings: lexed.strings,
    trims: lexed.trims,
    now,
    currentUser: options.currentUser,
  };
  const compiled = predicate(ast, context, 0);
  return selfCheck(compiled, fields);
}

function invalid(reason: string): AppError {
  return new AppError(ErrorCode.InvalidInput, `Invalid where clause: ${reason}`);
}

function quoteSnippet(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`;
}

/** What a TRIM(… FROM …) call asked for, recorded by the lexer (see {@link rewritesOf}). */
interface TrimSpec {
  readonly mode: 'BOTH' | 'LEADING' | 'TRAILING';
  /** The character to remove; spaces when the call names none. */
  readonly character: string | undefined;
}

interface Lexed {
  /** The clause with each string literal replaced by `'<index>'`, safe for the parser. */
  readonly text: string;
  readonly strings: readonly string[];
  /** TRIM keywords the lexer replaced by a placeholder, by the placeholder's index. */
  readonly trims: ReadonlyMap<number, TrimSpec>;
  readonly toOriginalOffset: (offset: number) => number;
}

/**
 * Scans the clause before the parser sees it. This is where comments, semicolons, stray
 * characters, unbalanced quotes or parentheses and deep nesting are refused, and where string
 * literals get ArcGIS semantics ('' is the only escape; the parser would also honour backslashes).
 */
function lex(where: string): Lexed {
  const bad = forbiddenCharAt(where);
  if (bad >= 0) throw invalid(`Character ${codePoint(where, bad)} is not allowed`);
  const rewrites = rewritesOf(where);
  const strings: string[] = [];
  const trims = new Map<number, TrimSpec>();
  const spans: { rStart: number; rEnd: number; oStart: number; oEnd: number }[] = [];
  let text = '';
  let depth = 0;
  let i = 0;
  let next = 0;
  const emit = (token: string, end: number) => {
    spans.push({ rStart: text.length, rEnd: text.length + token.length, oStart: i, oEnd: end });
    text += token;
    i = end;
  };
  while (i < where.length) {
    const rewrite = rewrites[next];
    if (rewrite !== undefined && rewrite.start === i) {
      next += 1;
      if (rewrite.trim === undefined) {
        emit(rewrite.text, rewrite.end);
      } else {
        trims.set(strings.length, rewrite.trim);
        emit(`'${strings.length}', `, rewrite.end);
        strings.push('');
      }
      continue;
    }
    const ch = where.charAt(i);
    if (ch === "'" || ch === '"') {
      const end = closingQuote(where, i);
      const content = where.slice(i + 1, end).replaceAll(ch + ch, ch);
      if (ch === "'") {
        emit(`'${strings.length}'`, end + 1);
        strings.push(content);
      } else {
        if (!IDENTIFIER.test(content))
          throw invalid(`Invalid quoted field name ${quoteSnippet(content)}`);
        emit(`"${content}"`, end + 1);
      }
      continue;
    }
    const pair = where.slice(i, i + 2);
    if (pair === '--' || pair === '/*') throw invalid('Comments are not allowed');
    if (ch === ';') throw invalid('Semicolons are not allowed');
    if (ch === '%') {
      throw invalid(`Operator '%' is not supported; use MOD(a, b) (position ${i + 1})`);
    }
    if (ch === '|' && pair !== '||') throw invalid(`Unexpected character '|' at position ${i + 1}`);
    if (!BARE_CHAR.test(ch)) {
      const shown = ch >= '!' && ch <= '~' ? `'${ch}'` : codePoint(where, i);
      throw invalid(`Unexpected character ${shown} at position ${i + 1}`);
    }
    if (ch === '(') {
      depth += 1;
      if (depth > MAX_WHERE_DEPTH) throw invalid('Parentheses are nested too deeply');
    } else if (ch === ')') {
      depth -= 1;
      if (depth < 0) throw invalid('Unbalanced parentheses');
    }
    const token = ch === '|' ? pair : ch;
    text += token;
    i += token.length;
  }
  if (depth !== 0) throw invalid('Unbalanced parentheses');
  const toOriginalOffset = (offset: number): number => {
    let mapped = offset;
    for (const span of spans) {
      if (span.rStart > offset) break;
      mapped = offset < span.rEnd ? span.oStart : span.oEnd + (offset - span.rEnd);
    }
    return mapped;
  };
  return { text, strings, trims, toOriginalOffset };
}

interface Token {
  readonly kind: 'word' | 'number' | 'string' | 'name' | 'symbol';
  /** Upper-cased for words; as written otherwise. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** The clause's tokens, up to an unbalanced quote (which the lexer then reports). */
function tokensOf(where: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < where.length) {
    const ch = where.charAt(i);
    if (/[ \t\r\n]/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let end = -1;
      for (let j = i + 1; j < where.length; j += 1) {
        if (where.charAt(j) !== ch) continue;
        if (where.charAt(j + 1) === ch) j += 1;
        else {
          end = j;
          break;
        }
      }
      if (end < 0) break;
      tokens.push({
        kind: ch === "'" ? 'string' : 'name',
        text: where.slice(i, end + 1),
        start: i,
        end: end + 1,
      });
      i = end + 1;
      continue;
    }
    const previous = where.charAt(i - 1);
    const number = /[A-Za-z0-9_.]/.test(previous)
      ? null
      : NUMBER_TEXT.exec(where.slice(i, i + 400));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], start: i, end: i + number[0].length });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z0-9_]+/.exec(where.slice(i, i + 200))?.[0];
    if (word !== undefined) {
      tokens.push({ kind: 'word', text: word.toUpperCase(), start: i, end: i + word.length });
      i += word.length;
      continue;
    }
    const symbol = where.startsWith('||', i) ? '||' : ch;
    tokens.push({ kind: 'symbol', text: symbol, start: i, end: i + symbol.length });
    i += symbol.length;
  }
  return tokens;
}

interface Rewrite {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly trim?: TrimSpec;
}

/**
 * The places where the clause is rewritten before parsing, because node-sql-parser's MySQL
 * grammar (see {@link PARSE_OPTIONS}) does not read what ArcGIS writes there:
 * - SUBSTRING(s FROM a FOR n) and POSITION(a IN s) take their comma forms (also ArcGIS's);
 * - TRIM([BOTH|LEADING|TRAILING] ['c'] FROM s) becomes TRIM('<k>', s), where `<k>` is a
 *   placeholder only the lexer can make (a TRIM('x', s) written by the caller is refused);
 * - CURRENT_USER gains the parentheses the grammar needs, and CAST(… AS REAL) is read as
 *   DOUBLE (the same type here);
 * - 1e5 becomes 1.0e5, as the grammar reads names that start with a digit.
 * Only exact shapes are rewritten; anything else is left for the parser to refuse.
 */
function rewritesOf(where: string): Rewrite[] {
  const tokens = tokensOf(where);
  const rewrites: Rewrite[] = [];
  /** Index of the `)` closing the `(` at `open`, or -1. */
  const closing = (open: number): number => {
    let depth = 0;
    for (let k = open; k < tokens.length; k += 1) {
      const t = tokens[k]!.text;
      if (t === '(') depth += 1;
      else if (t === ')' && (depth -= 1) === 0) return k;
    }
    return -1;
  };
  tokens.forEach((token, index) => {
    const after = tokens[index + 1];
    if (token.kind === 'number') {
      const [, digits = '', fraction, exponent] = NUMBER_TEXT.exec(
        where.slice(token.start, token.end),
      )!;
      if (exponent !== undefined && fraction === undefined) {
        rewrites.push({ start: token.start, end: token.end, text: `${digits}.0${exponent}` });
      }
      return;
    }
    if (token.kind !== 'word') return;
    if (token.text === 'CURRENT_USER' && after?.text !== '(') {
      rewrites.push({ start: token.start, end: token.end, text: 'CURRENT_USER()' });
    } else if (token.text === 'REAL' && tokens[index - 1]?.text === 'AS') {
      rewrites.push({ start: token.start, end: token.end, text: 'DOUBLE' });
    } else if (after?.text === '(' && (token.text === 'SUBSTRING' || token.text === 'POSITION')) {
      const end = closing(index + 1);
      if (end < 0) return;
      const top: Token[] = [];
      let depth = 0;
      for (let k = index + 2; k < end; k += 1) {
        const t = tokens[k]!;
        if (t.text === '(') depth += 1;
        else if (t.text === ')') depth -= 1;
        else if (depth === 0 && ['FROM', 'FOR', 'IN', ','].includes(t.text)) top.push(t);
      }
      const words = top.map((t) => t.text).join(' ');
      const wanted = token.text === 'SUBSTRING' ? ['FROM', 'FROM FOR'] : ['IN'];
      if (!wanted.includes(words)) return;
      for (const t of top) rewrites.push({ start: t.start, end: t.end, text: ',' });
    } else if (after?.text === '(' && token.text === 'TRIM') {
      let k = index + 2;
      const modeToken = tokens[k];
      const mode =
        modeToken?.text === 'BOTH' ||
        modeToken?.text === 'LEADING' ||
        modeToken?.text === 'TRAILING'
          ? modeToken.text
          : undefined;
      if (mode !== undefined) k += 1;
      const characterToken = tokens[k]?.kind === 'string' ? tokens[k] : undefined;
      if (characterToken !== undefined) k += 1;
      const from = tokens[k];
      if (from?.kind !== 'word' || from.text !== 'FROM') return;
      const first = tokens[index + 2]!;
      rewrites.push({
        start: first.start,
        end: from.end,
        text: '',
        trim: {
          mode: mode ?? 'BOTH',
          character: characterToken && characterToken.text.slice(1, -1).replaceAll("''", "'"),
        },
      });
    }
  });
  return rewrites.sort((a, b) => a.start - b.start);
}

/** Index of the first C0 control (other than tab, LF, CR), DEL or lone surrogate, or -1. */
function forbiddenCharAt(text: string): number {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return i;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return i;
      i += 1; // a valid pair
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return i;
    }
  }
  return -1;
}

function codePoint(text: string, index: number): string {
  const code = text.codePointAt(index) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Index of the quote closing the literal opened at `start` (a doubled quote is an escape). */
function closingQuote(where: string, start: number): number {
  const quote = where.charAt(start);
  let j = start + 1;
  while (j < where.length) {
    if (where.charAt(j) === quote) {
      if (where.charAt(j + 1) !== quote) return j;
      j += 2;
    } else {
      j += 1;
    }
  }
  throw invalid('Unbalanced quotes');
}

function parse(where: string, lexed: Lexed): Node {
  let ast: unknown;
  try {
    ast = parser.astify(PREFIX + lexed.text, PARSE_OPTIONS);
  } catch (error) {
    const offset = syntaxErrorOffset(error);
    if (offset === undefined) throw invalid('It could not be parsed');
    const position = lexed.toOriginalOffset(Math.max(0, offset - PREFIX.length));
    const near = where.slice(position, position + 20);
    throw invalid(
      near === ''
        ? 'It ends unexpectedly'
        : `Syntax error near ${quoteSnippet(near)} (position ${position + 1})`,
    );
  }
  if (Array.isArray(ast)) throw invalid('Only one condition is allowed');
  if (!isNode(ast) || !isNode(ast.where)) throw invalid('It could not be parsed');
  const { where: condition, ...wrapper } = ast;
  if (JSON.stringify(wrapper) !== WRAPPER) {
    throw invalid('Only a condition is allowed (no UNION, ORDER BY, LIMIT or other clauses)');
  }
  return condition;
}

function syntaxErrorOffset(error: unknown): number | undefined {
  if (!isNode(error) || !isNode(error.location) || !isNode(error.location.start)) return undefined;
  const offset = error.location.start.offset;
  return typeof offset === 'number' ? offset : undefined;
}

function wrapperShape(ast: unknown): string {
  if (!isNode(ast)) throw new Error('node-sql-parser returned an unexpected AST');
  const { where: _where, ...wrapper } = ast;
  return JSON.stringify(wrapper);
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asNode(value: unknown): Node {
  if (!isNode(value)) throw invalid('It uses syntax that is not supported');
  return value;
}

function nodeType(node: Node): string {
  return typeof node.type === 'string' ? node.type : 'unknown';
}

function operatorOf(node: Node): string {
  return typeof node.operator === 'string' ? node.operator.toUpperCase().replace(/\s+/g, ' ') : '';
}

/**
 * Allow-list of AST keys: `type`, `parentheses` and `allowed` may carry values; any other key the
 * parser adds (collate, over, table, distinct...) must be empty, or the syntax is not ours.
 */
function checkKeys(node: Node, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'parentheses' || allowed.includes(key)) continue;
    if (value === null || value === undefined) continue;
    throw invalid(`It uses syntax that is not supported (${key})`);
  }
}

function enter(depth: number): number {
  if (depth >= MAX_WHERE_DEPTH) throw invalid('The expression is nested too deeply');
  return depth + 1;
}

function predicate(node: Node, ctx: Context, depth: number): Fragment {
  const next = enter(depth);
  const type = nodeType(node);
  if (type === 'binary_expr') {
    checkKeys(node, ['operator', 'left', 'right']);
    const op = operatorOf(node);
    if (op === 'AND' || op === 'OR') return chain(node, ctx, next);
    const lifted = withoutLeadingNot(node);
    if (lifted !== undefined) return not(lifted, ctx, next);
    const comparison = COMPARISONS.get(op);
    if (comparison !== undefined) return compare(node, comparison, ctx, next);
    if (op === 'IN' || op === 'NOT IN') return inList(node, op, ctx, next);
    if (op === 'BETWEEN' || op === 'NOT BETWEEN') return between(node, op, ctx, next);
    if (op === 'LIKE' || op === 'NOT LIKE') return like(node, op, ctx, next);
    if (op === 'IS' || op === 'IS NOT') return isNull(node, op, ctx, next);
    if (!VALUE_OPERATORS.has(op)) throw operatorRefused(op);
  }
  if (type === 'unary_expr' && operatorOf(node) === 'NOT') {
    checkKeys(node, ['operator', 'expr']);
    return not(asNode(node.expr), ctx, next);
  }
  // The parser reads `NOT (...)` as a call to a function named NOT.
  if (type === 'function' && functionName(node) === 'NOT') {
    checkKeys(node, ['name', 'args']);
    const args = argumentList(node);
    const only = args[0];
    if (args.length !== 1 || only === undefined) throw invalid('NOT takes a single condition');
    return not(only, ctx, next);
  }
  if (VALUE_TYPES.has(type)) {
    value(node, ctx, next); // reports unknown fields and functions first
    throw invalid("Expected a condition (such as status = 'x') but found a value");
  }
  throw unsupported(node);
}

function operatorRefused(op: string): AppError {
  if (op === 'MOD' || op === '%')
    return invalid(`Operator '${op}' is not supported; use MOD(a, b)`);
  return invalid(`Operator '${op}' is not supported`);
}

/**
 * The parser reads `NOT (a) = b` as a call NOT(a) compared with b; NOT binds more loosely than
 * any comparison, so it means NOT ((a) = b). Returns the condition without that leading NOT,
 * or undefined when there is none (a parenthesised `(NOT (a))` is left alone).
 */
function withoutLeadingNot(node: Node): Node | undefined {
  const left = isNode(node.left) ? node.left : undefined;
  if (left === undefined || left.parentheses === true) return undefined;
  const type = nodeType(left);
  if (type === 'function' && functionName(left) === 'NOT') {
    const args = argumentList(left);
    return args.length === 1 ? { ...node, left: args[0] } : undefined;
  }
  if (type === 'binary_expr' && VALUE_OPERATORS.has(operatorOf(left))) {
    const inner = withoutLeadingNot(left);
    return inner === undefined ? undefined : { ...node, left: inner };
  }
  return undefined;
}

function not(operand: Node, ctx: Context, depth: number): Fragment {
  return compose('NOT (', predicate(operand, ctx, depth), ')');
}

/**
 * AND/OR chains. node-sql-parser 5.4 (sqlite, mysql and postgresql grammars) reads
 * `a OR b AND c` as `(a OR b) AND c`, so the chain is flattened in source order (stopping at
 * parenthesised groups, which it marks) and rebuilt with AND binding tighter than OR.
 * Flattening iteratively keeps long chains from consuming the recursion budget.
 */
function chain(root: Node, ctx: Context, depth: number): Fragment {
  const operands: Node[] = [];
  const operators: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === 'AND' || item === 'OR') {
      operators.push(item);
      continue;
    }
    const node = asNode(item);
    const op = nodeType(node) === 'binary_expr' ? operatorOf(node) : '';
    if ((op === 'AND' || op === 'OR') && (node === root || node.parentheses !== true)) {
      checkKeys(node, ['operator', 'left', 'right']);
      stack.push(node.right, op, node.left);
    } else {
      operands.push(node);
    }
  }
  const groups: Fragment[][] = [];
  operands.forEach((operand, index) => {
    const compiled = predicate(operand, ctx, depth);
    const group = groups.at(-1);
    if (index > 0 && operators[index - 1] === 'AND' && group) group.push(compiled);
    else groups.push([compiled]);
  });
  const ored = groups.map((group) => join(group, ' AND '));
  return join(ored, ' OR ');
}

function join(parts: readonly Fragment[], separator: string): Fragment {
  const [first] = parts;
  if (parts.length === 1 && first) return first;
  return compose('(', ...joined(parts, separator), ')');
}

function compare(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const [left, [right]] = comparedWith(value(asNode(node.left), ctx, depth), [
    value(asNode(node.right), ctx, depth),
  ]);
  return compose(left, ` ${op} `, right!);
}

/** A value and the values it is compared with, each pair read as dates when one is a date. */
function comparedWith(left: Operand, others: readonly Operand[]): [Operand, Operand[]] {
  const l = comparable(
    left,
    others.some((other) => other.kind === 'date'),
  );
  return [l, others.map((other) => comparable(other, l.kind === 'date'))];
}

function inList(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const items = listItems(node.right, 'IN');
  if (items.length === 0) throw invalid('IN needs at least one value');
  const [left, values] = comparedWith(
    value(asNode(node.left), ctx, depth),
    items.map((item) => value(item, ctx, depth)),
  );
  return compose(left, ` ${op} (`, ...joined(values, ', '), ')');
}

function between(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const [low, high, ...rest] = listItems(node.right, 'BETWEEN');
  if (!low || !high || rest.length > 0) throw invalid('BETWEEN needs two values joined by AND');
  const [left, [lo, hi]] = comparedWith(value(asNode(node.left), ctx, depth), [
    value(low, ctx, depth),
    value(high, ctx, depth),
  ]);
  // Parenthesised so its inner AND can never be read as part of a surrounding chain.
  return compose('(', left, ` ${op} `, lo!, ' AND ', hi!, ')');
}

function like(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const left = comparable(value(asNode(node.left), ctx, depth), false);
  const patternNode = asNode(node.right);
  let escape: string | undefined;
  if (nodeType(patternNode) === 'single_quote_string' && patternNode.escape != null) {
    const clause = asNode(patternNode.escape);
    checkKeys(clause, ['value']);
    const escapeNode = asNode(clause.value);
    if (clause.type !== 'ESCAPE' || nodeType(escapeNode) !== 'single_quote_string') {
      throw invalid('ESCAPE needs a quoted character');
    }
    checkKeys(escapeNode, ['value']);
    escape = stringLiteral(escapeNode, ctx);
    if ([...escape].length !== 1) throw invalid('ESCAPE needs exactly one character');
  }
  const { escape: _escape, ...bare } = patternNode;
  const pattern = value(bare, ctx, depth);
  if (pattern.kind === 'date' || pattern.kind === 'interval') {
    throw invalid('LIKE needs a text pattern');
  }
  const sql = compose(left, ` ${op} `, pattern);
  return escape === undefined ? sql : compose(sql, ' ESCAPE ', bind(escape));
}

function isNull(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const right = asNode(node.right);
  if (nodeType(right) !== 'null') throw invalid('IS can only be followed by NULL or NOT NULL');
  checkKeys(right, ['value']);
  const left = comparable(value(asNode(node.left), ctx, depth), false);
  return compose(left, op === 'IS' ? ' IS NULL' : ' IS NOT NULL');
}

function listItems(list: unknown, keyword: string): Node[] {
  const node = asNode(list);
  if (nodeType(node) !== 'expr_list' || !Array.isArray(node.value)) {
    throw invalid(`${keyword} needs a list of values`);
  }
  checkKeys(node, ['value']);
  return node.value.map(asNode);
}

/** Node types that are values (a predicate finding one says it expected a condition). */
const VALUE_TYPES = new Set([
  'column_ref',
  'double_quote_string',
  'single_quote_string',
  'number',
  'bigint',
  'timestamp',
  'date',
  'null',
  'function',
  'cast',
  'extract',
  'interval',
  'unary_expr',
  'binary_expr',
]);

function value(node: Node, ctx: Context, depth: number): Operand {
  const next = enter(depth);
  switch (nodeType(node)) {
    case 'column_ref': {
      if (node.table != null) throw invalid('Field names cannot be qualified with a table name');
      checkKeys(node, ['column']);
      if (typeof node.column !== 'string') throw unsupported(node);
      return fieldRef(node.column, ctx);
    }
    case 'double_quote_string': {
      checkKeys(node, ['value']);
      if (typeof node.value !== 'string') throw unsupported(node);
      return fieldRef(node.value, ctx);
    }
    case 'single_quote_string': {
      checkKeys(node, ['value']);
      const text = stringLiteral(node, ctx);
      return { sql: '?', params: [text], kind: 'text', text };
    }
    case 'number':
    case 'bigint': {
      checkKeys(node, ['value']);
      return numberOperand(numberLiteral(node.value));
    }
    case 'unary_expr':
      return unary(node, ctx, next);
    case 'timestamp':
    case 'date': {
      checkKeys(node, ['value']);
      const text = stringLiteral(node, ctx);
      const dateOnly = node.type === 'date';
      if (dateOnly && !DATE_TEXT.test(text)) {
        throw invalid(`Invalid date ${quoteSnippet(text)}; expected date 'YYYY-MM-DD'`);
      }
      const ms = parseTimestamp(text);
      if (ms === undefined) {
        throw invalid(
          `Invalid ${dateOnly ? 'date' : 'timestamp'} ${quoteSnippet(text)}; expected ` +
            (dateOnly ? "date 'YYYY-MM-DD'" : "timestamp 'YYYY-MM-DD HH:MI:SS'"),
        );
      }
      return dateParam(ms);
    }
    case 'function':
      return functionCall(node, ctx, next);
    case 'cast':
      return cast(node, ctx, next);
    case 'extract':
      return extract(node, ctx, next);
    case 'interval':
      return interval(node, ctx);
    case 'null':
      throw invalid('NULL can only be used as IS NULL or IS NOT NULL');
    case 'binary_expr': {
      checkKeys(node, ['operator', 'left', 'right']);
      const op = operatorOf(node);
      if (VALUE_OPERATORS.has(op)) return arithmetic(node, op, ctx, next);
      if (OTHER_OPERATORS.has(op)) throw operatorRefused(op);
      throw invalid('Expected a value but found a condition');
    }
    default:
      throw unsupported(node);
  }
}

// ---------------------------------------------------------------------------------------------
// Building SQL

/** One bound value. */
function bind(param: string | number): Fragment {
  return { sql: '?', params: [param] };
}

/** Concatenates SQL text and fragments, keeping parameters in placeholder order. */
function compose(...parts: readonly (string | Fragment)[]): Fragment {
  let sql = '';
  const params: Param[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      sql += part;
    } else {
      sql += part.sql;
      params.push(...part.params);
    }
  }
  if (sql.length > MAX_SQL_LENGTH || params.length > MAX_SQL_PARAMS) {
    throw invalid('The expression is too complex');
  }
  return { sql, params };
}

function joined(parts: readonly Fragment[], separator: string): (string | Fragment)[] {
  return parts.flatMap((part, i) => (i === 0 ? [part] : [separator, part]));
}

function as(kind: Kind, fragment: Fragment): Operand {
  return { sql: fragment.sql, params: fragment.params, kind };
}

function numberOperand(n: number): Operand {
  return { sql: '?', params: [n], kind: 'number', constant: n };
}

function dateParam(ms: number): Operand {
  return { sql: '?', params: [ms], kind: 'date' };
}

function describe(operand: Operand): string {
  if (operand.text !== undefined) return `the text ${quoteSnippet(operand.text)}`;
  const names = {
    number: 'a number',
    text: 'text',
    date: 'a date',
    interval: 'an INTERVAL',
    null: 'NULL',
  };
  return names[operand.kind];
}

/** A NULL literal as a function argument (COALESCE(NULL, -21, 33) is ArcGIS's own example). */
const NULL_ARGUMENT: Operand = { sql: 'NULL', params: [], kind: 'null' };

/**
 * An operand of a comparison: a string literal opposite a date becomes epoch ms, and other
 * text cannot be compared with a date (numbers can: dates are epoch ms).
 */
function comparable(operand: Operand, againstDate: boolean): Operand {
  if (operand.kind === 'interval') {
    throw invalid('An INTERVAL can only be added to or subtracted from a date');
  }
  if (!againstDate || operand.kind !== 'text') return operand;
  if (operand.text === undefined) throw invalid('Text cannot be compared with a date');
  return dateParam(literalDate(operand.text));
}

/** Epoch ms of a date string literal, or throws. */
function literalDate(text: string): number {
  const ms = parseTimestamp(text);
  if (ms === undefined) {
    throw invalid(`${quoteSnippet(text)} is not a valid date; use timestamp 'YYYY-MM-DD HH:MI:SS'`);
  }
  return ms;
}

/** `operand` as a date: a date, a date string literal, or (when allowed) epoch ms. */
function dateOf(operand: Operand, what: string, numbers = false): Operand {
  if (operand.kind === 'date' || operand.kind === 'null') return operand;
  if (operand.text !== undefined) return dateParam(literalDate(operand.text));
  if (numbers && operand.kind === 'number') return as('date', operand);
  throw invalid(`${what} needs a date, not ${describe(operand)}`);
}

function needNumber(operand: Operand, what: string): Operand {
  if (operand.kind !== 'number' && operand.kind !== 'null') {
    throw invalid(`${what} needs a number, not ${describe(operand)}`);
  }
  return operand;
}

/** Text, or a number read as its text (see {@link textOf}); never a date. */
function needText(operand: Operand, what: string): Operand {
  if (operand.kind === 'number') return as('text', textOf(operand));
  if (operand.kind !== 'text' && operand.kind !== 'null') {
    throw invalid(`${what} needs text, not ${describe(operand)}`);
  }
  return operand;
}

// ---------------------------------------------------------------------------------------------
// Operators

function unary(node: Node, ctx: Context, depth: number): Operand {
  checkKeys(node, ['operator', 'expr']);
  const op = operatorOf(node);
  if (op === 'NOT') throw invalid('Expected a value but found a condition');
  if (op !== '-' && op !== '+') throw operatorRefused(op);
  const inner = asNode(node.expr);
  const type = nodeType(inner);
  if (op === '-' && (type === 'number' || type === 'bigint')) {
    checkKeys(inner, ['value']);
    return numberOperand(-numberLiteral(inner.value));
  }
  const operand = needNumber(value(inner, ctx, depth), `Unary '${op}'`);
  if (op === '+') return operand;
  if (operand.constant !== undefined) return numberOperand(-operand.constant);
  return as('number', compose('(- ', operand, ')'));
}

/**
 * `+ - * /` on numbers (division is never integer division, as in the ArcGIS Maps SDK),
 * `||` on text, and date arithmetic as the SDK reads it: date ± number of days,
 * date ± INTERVAL, INTERVAL + date, and date − date in days.
 */
function arithmetic(node: Node, op: string, ctx: Context, depth: number): Operand {
  const left = value(asNode(node.left), ctx, depth);
  const right = value(asNode(node.right), ctx, depth);
  if (op === '||') return concat([left, right], "'||'");
  const [l, r] = [left.kind, right.kind];
  if (l === 'number' && r === 'number') {
    return as(
      'number',
      op === '/'
        ? compose('(', left, ' / CAST(', right, ' AS REAL))')
        : compose('(', left, ` ${op} `, right, ')'),
    );
  }
  const additive = op === '+' || op === '-';
  if (additive && l === 'date' && r === 'number') {
    return as('date', compose('(', left, ` ${op} `, right, ' * ', bind(DAY_MS), ')'));
  }
  if (additive && l === 'date' && r === 'interval') {
    return as('date', compose('(', left, ` ${op} `, right, ')'));
  }
  if (op === '+' && l === 'interval' && r === 'date') {
    return as('date', compose('(', left, ' + ', right, ')'));
  }
  if (op === '-' && l === 'date' && r === 'date') {
    return as('number', compose('((', left, ' - ', right, ') / ', bind(DAY_MS), ')'));
  }
  if (additive && left.constant !== undefined && right.constant !== undefined) {
    if (l === 'interval' && r === 'interval') {
      const ms = op === '+' ? left.constant + right.constant : left.constant - right.constant;
      return { sql: '?', params: [ms], kind: 'interval', constant: ms };
    }
  }
  const names = `${describe(left)} ${op} ${describe(right)}`;
  if (l === 'text' || r === 'text') {
    throw invalid(`Cannot compute ${names}; join text with CONCAT or ||`);
  }
  throw invalid(`Cannot compute ${names}`);
}

function concat(operands: readonly Operand[], what: string): Operand {
  const parts = operands.map((operand) => needText(operand, what));
  if (parts.length === 1) return as('text', compose('(', parts[0]!, ' || ', bind(''), ')'));
  return as('text', compose('(', ...joined(parts, ' || '), ')'));
}

// ---------------------------------------------------------------------------------------------
// Functions

interface FunctionRule {
  readonly min: number;
  readonly max: number;
  readonly build: (args: readonly Operand[], name: string) => Operand;
}

/** A function of one argument of kind `takes`, giving a value of kind `gives`. */
const one = (
  sqlName: string,
  takes: 'number' | 'text',
  gives: 'number' | 'text' = takes,
): FunctionRule => ({
  min: 1,
  max: 1,
  build: ([x], name) =>
    as(
      gives,
      compose(`${sqlName}(`, takes === 'number' ? needNumber(x!, name) : needText(x!, name), ')'),
    ),
});

const two = (sqlName: string): FunctionRule => ({
  min: 2,
  max: 2,
  build: ([a, b], name) =>
    as('number', compose(`${sqlName}(`, needNumber(a!, name), ', ', needNumber(b!, name), ')')),
});

/** Decimal places of ROUND and TRUNCATE: a whole-number literal. */
function places(operand: Operand | undefined, name: string): number | undefined {
  if (operand === undefined) return undefined;
  const d = operand.constant;
  if (operand.kind !== 'number' || d === undefined || !Number.isInteger(d) || Math.abs(d) > 300) {
    throw invalid(`${name} needs a whole number of decimal places, such as 2`);
  }
  return d;
}

/**
 * The documented functions (https://doc.arcgis.com/en/arcgis-online/reference/sql-agol.htm)
 * and COALESCE. Names are ArcGIS's; the SQL is SQLite's, written to give ArcGIS's answer.
 */
const FUNCTIONS: ReadonlyMap<string, FunctionRule> = new Map<string, FunctionRule>([
  // |x| without SQLite's abs(), which fails on the smallest 64-bit integer.
  [
    'ABS',
    {
      min: 1,
      max: 1,
      build: ([x], name) => {
        const n = needNumber(x!, name);
        return as('number', compose('MAX(', n, ', (- ', n, '))'));
      },
    },
  ],
  ['CEILING', one('CEILING', 'number')],
  ['FLOOR', one('FLOOR', 'number')],
  ['COS', one('COS', 'number')],
  ['SIN', one('SIN', 'number')],
  ['TAN', one('TAN', 'number')],
  // ArcGIS's LOG is the natural logarithm; SQLite's log() is base 10.
  ['LOG', one('LN', 'number')],
  ['LOG10', one('LOG10', 'number')],
  // The remainder with the sign of the dividend, also for fractions (SQLite's mod()).
  ['MOD', two('MOD')],
  ['POWER', two('POWER')],
  [
    'ROUND',
    {
      min: 1,
      max: 2,
      // Halves round away from zero; negative places round to tens, hundreds, ...
      build: ([x, digits], name) => {
        const n = needNumber(x!, name);
        const d = places(digits, name);
        if (d === undefined) return as('number', compose('ROUND(', n, ')'));
        if (d >= 0) return as('number', compose('ROUND(', n, ', ', bind(d), ')'));
        const scale = bind(10 ** -d);
        return as('number', compose('(ROUND(', n, ' / ', scale, ') * ', scale, ')'));
      },
    },
  ],
  [
    'TRUNCATE',
    {
      min: 1,
      max: 2,
      build: ([x, digits], name) => {
        const n = needNumber(x!, name);
        const d = places(digits, name) ?? 0;
        if (d === 0) return as('number', compose('TRUNC(', n, ')'));
        if (d < 0) {
          const scale = bind(10 ** -d);
          return as('number', compose('(TRUNC(', n, ' / ', scale, ') * ', scale, ')'));
        }
        // Cut the decimal the number is written as (0.29 stays 0.29, though 0.29 * 100 is
        // 28.999…): round to d places, and step back towards zero if that went away from it.
        const rounded = compose('ROUND(', n, ', ', bind(d), ')');
        return as(
          'number',
          compose(
            'ROUND(',
            rounded,
            ' - ((',
            rounded,
            ' - ',
            n,
            ') * SIGN(',
            n,
            ') > ',
            bind(0),
            ') * SIGN(',
            n,
            ') * ',
            bind(10 ** -d),
            ', ',
            bind(d),
            ')',
          ),
        );
      },
    },
  ],
  ['CHAR_LENGTH', one('LENGTH', 'text', 'number')],
  ['UPPER', one('UPPER', 'text')],
  ['LOWER', one('LOWER', 'text')],
  ['CONCAT', { min: 1, max: 255, build: (args, name) => concat(args, name) }],
  [
    'POSITION',
    {
      min: 2,
      max: 2,
      build: ([sub, text], name) =>
        as('number', compose('INSTR(', needText(text!, name), ', ', needText(sub!, name), ')')),
    },
  ],
  [
    'SUBSTRING',
    {
      min: 2,
      max: 3,
      // Positions before the first character are cut off (SQL's rule), never counted from the
      // end as SQLite's substr() does with a negative start; a negative length gives ''.
      build: ([text, start, length], name) => {
        const s = needText(text!, name);
        const a = needNumber(start!, name);
        const from = compose('MAX(', a, ', ', bind(1), ')');
        if (length === undefined) return as('text', compose('SUBSTR(', s, ', ', from, ')'));
        const l = needNumber(length, name);
        const count = compose('MAX(', a, ' + ', l, ' - ', from, ', ', bind(0), ')');
        return as('text', compose('SUBSTR(', s, ', ', from, ', ', count, ')'));
      },
    },
  ],
  ['NULLIF', { min: 2, max: 2, build: (args, name) => alike('NULLIF', args, name) }],
  ['COALESCE', { min: 2, max: 255, build: (args, name) => alike('COALESCE', args, name) }],
]);

/** NULLIF and COALESCE: values of one kind (text literals read as dates beside dates). */
function alike(sqlName: string, args: readonly Operand[], name: string): Operand {
  const dated = args.some((a) => a.kind === 'date');
  const values = args.map((a) => (dated ? dateOf(a, name, true) : comparable(a, false)));
  const kinds = new Set(values.map((v) => v.kind).filter((kind) => kind !== 'null'));
  if (kinds.size > 1) {
    throw invalid(`${name} needs values of one type, not ${values.map(describe).join(' and ')}`);
  }
  const [kind = 'null'] = kinds;
  return as(kind, compose(`${sqlName}(`, ...joined(values, ', '), ')'));
}

function functionCall(node: Node, ctx: Context, depth: number): Operand {
  const name = functionName(node);
  checkKeys(node, ['name', 'args']);
  const args = node.args == null ? undefined : argumentList(node);
  if (name === 'CURRENT_TIMESTAMP' || name === 'CURRENT_DATE' || name === 'CURRENT_TIME') {
    if (args?.length) throw invalid(`${name} takes no arguments`);
    // CURRENT_TIME: the current UTC date and time to the second, as ArcGIS Online documents.
    const unit = name === 'CURRENT_TIMESTAMP' ? 1 : name === 'CURRENT_TIME' ? 1000 : DAY_MS;
    return dateParam(Math.floor(ctx.now / unit) * unit);
  }
  if (name === 'CURRENT_USER') {
    if (args?.length) throw invalid('CURRENT_USER takes no arguments');
    if (ctx.currentUser === undefined) throw invalid('CURRENT_USER is not supported here');
    return ctx.currentUser === null
      ? { sql: 'NULL', params: [], kind: 'text' }
      : { sql: '?', params: [ctx.currentUser], kind: 'text' };
  }
  if (name === 'NOT') throw invalid('Expected a value but found a condition');
  if (name === 'TRIM' && args !== undefined) return trim(args, ctx, depth);
  const rule = FUNCTIONS.get(name);
  if (rule === undefined || args === undefined) {
    throw invalid(`Function ${quoteSnippet(name)} is not supported`);
  }
  if (args.length < rule.min || args.length > rule.max) {
    const count =
      rule.min === rule.max
        ? `${rule.min}`
        : rule.max > 3
          ? `at least ${rule.min}`
          : `${rule.min} or ${rule.max}`;
    throw invalid(`${name} takes ${count} value${count === '1' ? '' : 's'}`);
  }
  const operands = args.map((arg) => {
    if (nodeType(arg) !== 'null') return value(arg, ctx, depth);
    checkKeys(arg, ['value']);
    return NULL_ARGUMENT;
  });
  return rule.build(operands, name);
}

/**
 * TRIM(text), or TRIM([BOTH | LEADING | TRAILING] ['c'] FROM text), which the lexer has turned
 * into TRIM('<k>', text) with a placeholder of its own (see {@link rewritesOf}).
 */
function trim(args: readonly Node[], ctx: Context, depth: number): Operand {
  const [first, second] = args;
  let spec: TrimSpec = { mode: 'BOTH', character: undefined };
  let source = first;
  if (args.length === 2 && first && nodeType(first) === 'single_quote_string') {
    checkKeys(first, ['value']);
    const index = typeof first.value === 'string' ? Number(first.value) : -1;
    const written = ctx.trims.get(index);
    if (written === undefined)
      throw invalid("Write TRIM([BOTH | LEADING | TRAILING] [' '] FROM text)");
    spec = written;
    source = second;
  } else if (args.length !== 1) {
    throw invalid("Write TRIM([BOTH | LEADING | TRAILING] [' '] FROM text)");
  }
  const { mode, character } = spec;
  if (character !== undefined && [...character].length !== 1) {
    throw invalid('TRIM removes exactly one character');
  }
  const text = needText(value(asNode(source), ctx, depth), 'TRIM');
  const sqlName = mode === 'LEADING' ? 'LTRIM' : mode === 'TRAILING' ? 'RTRIM' : 'TRIM';
  return as(
    'text',
    character === undefined
      ? compose(`${sqlName}(`, text, ')')
      : compose(`${sqlName}(`, text, ', ', bind(character), ')'),
  );
}

const EXTRACT_FORMATS: ReadonlyMap<string, string> = new Map([
  ['YEAR', '%Y'],
  ['MONTH', '%m'],
  ['DAY', '%d'],
  ['HOUR', '%H'],
  ['MINUTE', '%M'],
  ['SECOND', '%S'],
]);

/** A date's epoch ms as SQLite's `unixepoch` seconds: `<date> / 1000, 'unixepoch'`. */
function unixSeconds(date: Fragment): Fragment {
  return compose(date, ' / ', bind(1000), ', ', bind('unixepoch'));
}

/**
 * EXTRACT(unit FROM date): the UTC year, month, day, hour, minute or (whole) second, the
 * units ArcGIS documents. Years outside 0000–9999 give NULL.
 */
function extract(node: Node, ctx: Context, depth: number): Operand {
  checkKeys(node, ['args']);
  const args = asNode(node.args);
  checkKeys(args, ['field', 'source', 'cast_type']);
  const unit = typeof args.field === 'string' ? args.field.toUpperCase() : '';
  const format = EXTRACT_FORMATS.get(unit);
  if (format === undefined) {
    throw invalid(`EXTRACT takes YEAR, MONTH, DAY, HOUR, MINUTE or SECOND, not ${unit}`);
  }
  // The parser splits EXTRACT(YEAR FROM timestamp '...') into a cast_type and a string.
  const typed = args.cast_type == null ? undefined : String(args.cast_type).toLowerCase();
  if (typed !== undefined && typed !== 'timestamp' && typed !== 'date') throw unsupported(node);
  const source = asNode(args.source);
  if (typed !== undefined && nodeType(source) !== 'single_quote_string') throw unsupported(node);
  const date = dateOf(
    value(typed === undefined ? source : { ...source, type: typed }, ctx, depth),
    'EXTRACT',
  );
  return as(
    'number',
    compose('CAST(STRFTIME(', bind(format), ', ', unixSeconds(date), ') AS INTEGER)'),
  );
}

const INTERVAL_MS: ReadonlyMap<string, number> = new Map([
  ['DAY', DAY_MS],
  ['HOUR', 3_600_000],
  ['MINUTE', 60_000],
  ['SECOND', 1000],
]);

/** INTERVAL 'n' DAY | HOUR | MINUTE | SECOND, as a constant number of milliseconds. */
function interval(node: Node, ctx: Context): Operand {
  checkKeys(node, ['expr', 'unit']);
  const unit = typeof node.unit === 'string' ? node.unit.toUpperCase() : '';
  const ms = INTERVAL_MS.get(unit);
  if (ms === undefined) {
    throw invalid(`INTERVAL takes DAY, HOUR, MINUTE or SECOND, not ${unit.replaceAll('_', ' ')}`);
  }
  const amount = asNode(node.expr);
  if (nodeType(amount) !== 'single_quote_string') {
    throw invalid(`Write the amount of an INTERVAL in quotes, such as INTERVAL '1' ${unit}`);
  }
  checkKeys(amount, ['value']);
  const text = stringLiteral(amount, ctx);
  if (!(unit === 'SECOND' ? /^\d{1,9}(?:\.\d{1,3})?$/ : /^\d{1,9}$/).test(text)) {
    throw invalid(`Invalid INTERVAL amount ${quoteSnippet(text)}`);
  }
  const total = Math.round(Number(text) * ms);
  return { sql: '?', params: [total], kind: 'interval', constant: total };
}

/**
 * CAST(value AS type), for the types ArcGIS documents and the SDK reads: INT/INTEGER/SMALLINT
 * (truncating), FLOAT/REAL/DOUBLE, DATE, TIMESTAMP, VARCHAR[(n)] and CHAR[(n)].
 */
function cast(node: Node, ctx: Context, depth: number): Operand {
  checkKeys(node, ['keyword', 'expr', 'symbol', 'target']);
  const targets = node.target;
  if (node.keyword !== 'cast' || node.symbol !== 'as' || !Array.isArray(targets)) {
    throw unsupported(node);
  }
  const target = asNode(targets.length === 1 ? targets[0] : undefined);
  checkKeys(target, ['dataType', 'length', 'parentheses', 'suffix']);
  if (Array.isArray(target.suffix) ? target.suffix.length > 0 : target.suffix != null) {
    throw invalid('CAST takes a plain type, such as CAST(x AS INTEGER)');
  }
  const type = typeof target.dataType === 'string' ? target.dataType.toUpperCase() : '';
  const length = target.length;
  const sized = type === 'VARCHAR' || type === 'CHAR';
  if (length != null && !sized) throw invalid(`CAST to ${type} takes no length`);
  if (
    length != null &&
    (typeof length !== 'number' ||
      !Number.isInteger(length) ||
      length < 1 ||
      length > MAX_CAST_LENGTH)
  ) {
    throw invalid(`The length of ${type} must be a whole number from 1 to ${MAX_CAST_LENGTH}`);
  }
  const operand = value(asNode(node.expr), ctx, depth);
  if (operand.kind === 'interval') throw invalid('An INTERVAL cannot be cast');
  switch (type) {
    case 'INT':
    case 'INTEGER':
    case 'SMALLINT':
      if (operand.kind === 'date') throw invalid(`A date cannot be cast to ${type}`);
      return as('number', compose('CAST(', operand, ' AS INTEGER)'));
    case 'FLOAT':
    case 'REAL':
    case 'DOUBLE':
      if (operand.kind === 'date') throw invalid(`A date cannot be cast to ${type}`);
      return as('number', compose('CAST(', operand, ' AS REAL)'));
    case 'DATE': {
      if (operand.kind !== 'date' && operand.text !== undefined) {
        const ms = literalDate(operand.text);
        return dateParam(Math.floor(ms / DAY_MS) * DAY_MS);
      }
      const date = dateOf(operand, 'CAST to DATE');
      // The start of the date's UTC day.
      return as(
        'date',
        compose(
          '(UNIXEPOCH(',
          unixSeconds(date),
          ', ',
          bind('start of day'),
          ') * ',
          bind(1000),
          ')',
        ),
      );
    }
    case 'TIMESTAMP':
      return dateOf(operand, 'CAST to TIMESTAMP');
    case 'VARCHAR':
    case 'CHAR': {
      const text = textOf(operand);
      const n = typeof length === 'number' ? length : type === 'CHAR' ? 1 : undefined;
      if (n === undefined) return as('text', text);
      // CHAR(n) pads with spaces to n characters; both cut longer text to n.
      const padded =
        type === 'CHAR'
          ? compose(text, ' || PRINTF(', bind('%*s'), ', ', bind(n), ', ', bind(''), ')')
          : text;
      return as('text', compose('SUBSTR(', padded, ', ', bind(1), ', ', bind(n), ')'));
    }
    case 'TIME':
      throw invalid('CAST to TIME is not supported: the layer stores no times of day');
    default:
      throw invalid(`CAST to ${type || 'that type'} is not supported`);
  }
}

/**
 * A value as text: text as it is; a number as its shortest round-trip digits, without the
 * '.0' SQLite writes after whole numbers stored as REAL (80, not 80.0; literals are bound as
 * REAL too); a date as ArcGIS writes one, 'YYYY-MM-DD HH:MI:SS' with '.fff' only when it has
 * milliseconds.
 */
function textOf(operand: Operand): Fragment {
  if (operand.kind === 'text' || operand.kind === 'null') return operand;
  if (operand.kind === 'number') {
    // '~' never occurs in a number's text, so '.0~' matches only a final '.0'.
    return compose(
      'REPLACE(REPLACE(CAST(',
      operand,
      ' AS TEXT) || ',
      bind('~'),
      ', ',
      bind('.0~'),
      ', ',
      bind('~'),
      '), ',
      bind('~'),
      ', ',
      bind(''),
      ')',
    );
  }
  return compose(
    'SUBSTR(STRFTIME(',
    bind('%Y-%m-%d %H:%M:%f'),
    ', ',
    unixSeconds(operand),
    '), ',
    bind(1),
    ', ',
    bind(19),
    ' + ',
    bind(4),
    ' * (MOD(',
    operand,
    ', ',
    bind(1000),
    ') <> ',
    bind(0),
    '))',
  );
}

/** Upper-cased name of a plain (unqualified) function call, or throws. */
function functionName(node: Node): string {
  const name = asNode(node.name);
  checkKeys(name, ['name']);
  const parts = name.name;
  const part: unknown = Array.isArray(parts) && parts.length === 1 ? parts[0] : undefined;
  if (!isNode(part) || typeof part.value !== 'string') {
    throw invalid('Qualified function names are not supported');
  }
  checkKeys(part, ['value']);
  if (part.type !== 'default' && part.type !== 'origin') throw unsupported(node);
  return part.value.toUpperCase();
}

function argumentList(node: Node): Node[] {
  const args = asNode(node.args);
  if (nodeType(args) !== 'expr_list' || !Array.isArray(args.value)) throw unsupported(node);
  checkKeys(args, ['value']);
  return args.value.map(asNode);
}

const FIELD_KINDS: Readonly<Record<FieldDef['type'], Kind>> = {
  oid: 'number',
  integer: 'number',
  smallInteger: 'number',
  double: 'number',
  date: 'date',
  string: 'text',
  globalId: 'text',
  guid: 'text',
};

function fieldRef(name: string, ctx: Context): Operand {
  const field = ctx.fields.get(name.toLowerCase());
  if (!field) throw invalid(`Unknown field ${quoteSnippet(name)}`);
  return { sql: `"${field.name}"`, params: [], kind: FIELD_KINDS[field.type] };
}

function stringLiteral(node: Node, ctx: Context): string {
  const index =
    typeof node.value === 'string' && /^\d+$/.test(node.value) ? Number(node.value) : -1;
  const text = ctx.strings[index];
  // Every literal the parser sees is a placeholder written by lex(); anything else is a bug.
  if (text === undefined) throw new AppError(ErrorCode.Service, 'Where clause literal mismatch');
  return text;
}

function numberLiteral(raw: unknown): number {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$/.test(text)) {
    throw invalid('Invalid number');
  }
  const number = Number(text);
  if (!Number.isFinite(number)) throw invalid(`Number ${quoteSnippet(text)} is out of range`);
  if (Number.isInteger(number) && !Number.isSafeInteger(number)) {
    throw invalid(`Number ${quoteSnippet(text)} is too large to be exact`);
  }
  return number;
}

/** 'YYYY-MM-DD[ HH:MI[:SS[.fff]]]' read as UTC, or undefined when it is not a real instant. */
function parseTimestamp(text: string): number | undefined {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return undefined;
  const part = (index: number): number => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second] = [
    part(1),
    part(2),
    part(3),
    part(4),
    part(5),
    part(6),
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps years 0-99 literal
  date.setUTCHours(hour, minute, second, millis);
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? date.getTime() : undefined;
}

function unsupported(node: Node): AppError {
  const type = nodeType(node);
  if (type === 'aggr_func') return invalid('Aggregate functions are not supported');
  if ('ast' in node) return invalid('Subqueries are not supported');
  if (type === 'expr_list') return invalid('Join conditions with AND or OR, not commas');
  if (type === 'unknown') return invalid('It uses syntax that is not supported');
  return invalid(`It uses syntax that is not supported (${type.replaceAll('_', ' ')})`);
}

/**
 * Defence in depth: the emitted SQL may contain only the allowed tokens and canonical field
 * names, with one `?` per parameter; any other outcome is a compiler bug, not caller error.
 */
function selfCheck(compiled: Fragment, fields: readonly FieldDef[]): CompiledWhere {
  const names = new Set(fields.map((field) => field.name));
  const fail = (why: string): AppError =>
    new AppError(ErrorCode.Service, 'Where clause compiled to unsafe SQL', [why]);
  let placeholders = 0;
  let at = 0;
  const { sql, params } = compiled;
  const referenced = new Set<string>();
  while (at < sql.length) {
    SQL_TOKEN.lastIndex = at;
    const match = SQL_TOKEN.exec(sql);
    if (!match) throw fail(`unexpected text at ${at}`);
    const name = match[1];
    if (name !== undefined && !names.has(name)) throw fail(`unexpected identifier ${name}`);
    if (name !== undefined) referenced.add(name);
    if (match[0] === '?') placeholders += 1;
    at += match[0].length;
  }
  if (placeholders !== params.length) throw fail('placeholder count mismatch');
  for (const param of params) {
    if (typeof param === 'number' ? !Number.isFinite(param) : typeof param !== 'string') {
      throw fail('unexpected parameter type');
    }
  }
  return { sql, params, fields: [...referenced] };
}
