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
  /** Epoch ms that CURRENT_TIMESTAMP and CURRENT_DATE stand for; defaults to `Date.now()`. */
  readonly now?: number;
}

type Param = string | number | null;
type Node = { readonly [key: string]: unknown };

interface Fragment {
  readonly sql: string;
  readonly params: readonly Param[];
}

/** A value in a condition; `text` marks a string literal that a date operand may reinterpret. */
interface Operand extends Fragment {
  readonly isDate: boolean;
  readonly text?: string;
}

interface Context {
  readonly fields: ReadonlyMap<string, FieldDef>;
  readonly strings: readonly string[];
  readonly now: number;
}

const MAX_WHERE_LENGTH = 4000;
const MAX_WHERE_DEPTH = 64;

const DAY_MS = 86_400_000;
const PREFIX = 'SELECT * FROM t WHERE ';
const PARSE_OPTIONS = { database: 'sqlite' } as const;
const COMPARISONS: ReadonlyMap<string, string> = new Map([
  ['=', '='],
  ['<>', '<>'],
  ['!=', '<>'],
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
]);
const ARITHMETIC = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  'DIV',
  'MOD',
  '&',
  '|',
  '^',
  '<<',
  '>>',
]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
// Characters allowed outside quotes; everything else (; ` [ ] * / + | @ $ ? : etc.) is refused.
const BARE_CHAR = /[A-Za-z0-9_ \t\r\n(),.=<>!-]/;
// The only tokens compiled SQL may contain (checked before returning, as defence in depth).
const SQL_TOKEN =
  /\s+|"([A-Za-z_][A-Za-z0-9_]*)"|\?|\(|\)|,|<>|<=|>=|=|<|>|(?:UPPER|LOWER)\(|(?:IS|NOT|NULL|IN|BETWEEN|LIKE|ESCAPE|AND|OR)\b/y;

const parser = new Parser();
const WRAPPER = wrapperShape(parser.astify(`${PREFIX}1=1`, PARSE_OPTIONS));

/**
 * Compiles an ArcGIS standardized-SQL where clause into a parameterized SQLite expression over
 * `fields`. Every literal becomes a `?` placeholder; field names are emitted as their canonical,
 * double-quoted names. Anything outside the supported subset throws an INVALID_INPUT `AppError`.
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
  const lexed = lex(where);
  const ast = parse(where, lexed);
  const fieldMap = new Map<string, FieldDef>();
  for (const field of fields) {
    const key = field.name.toLowerCase();
    if (!fieldMap.has(key)) fieldMap.set(key, field);
  }
  const compiled = predicate(ast, { fields: fieldMap, strings: lexed.strings, now }, 0);
  return selfCheck(compiled, fields);
}

function invalid(reason: string): AppError {
  return new AppError(ErrorCode.InvalidInput, `Invalid where clause: ${reason}`);
}

function quoteSnippet(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`;
}

interface Lexed {
  /** The clause with each string literal replaced by `'<index>'`, safe for the parser. */
  readonly text: string;
  readonly strings: readonly string[];
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
  const strings: string[] = [];
  const spans: { rStart: number; rEnd: number; oStart: number; oEnd: number }[] = [];
  let text = '';
  let depth = 0;
  let i = 0;
  while (i < where.length) {
    const ch = where.charAt(i);
    if (ch === "'" || ch === '"') {
      const end = closingQuote(where, i);
      const content = where.slice(i + 1, end).replaceAll(ch + ch, ch);
      let token: string;
      if (ch === "'") {
        token = `'${strings.length}'`;
        strings.push(content);
      } else {
        if (!IDENTIFIER.test(content))
          throw invalid(`Invalid quoted field name ${quoteSnippet(content)}`);
        token = `"${content}"`;
      }
      spans.push({
        rStart: text.length,
        rEnd: text.length + token.length,
        oStart: i,
        oEnd: end + 1,
      });
      text += token;
      i = end + 1;
      continue;
    }
    const pair = where.slice(i, i + 2);
    if (pair === '--' || pair === '/*') throw invalid('Comments are not allowed');
    if (ch === ';') throw invalid('Semicolons are not allowed');
    if (ch === '+' || ch === '/' || ch === '%') {
      throw invalid(`Arithmetic is not supported ('${ch}' at position ${i + 1})`);
    }
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
    text += ch;
    i += 1;
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
  return { text, strings, toOriginalOffset };
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
    const comparison = COMPARISONS.get(op);
    if (comparison !== undefined) return compare(node, comparison, ctx, next);
    if (op === 'IN' || op === 'NOT IN') return inList(node, op, ctx, next);
    if (op === 'BETWEEN' || op === 'NOT BETWEEN') return between(node, op, ctx, next);
    if (op === 'LIKE' || op === 'NOT LIKE') return like(node, op, ctx, next);
    if (op === 'IS' || op === 'IS NOT') return isNull(node, op, ctx, next);
    if (ARITHMETIC.has(op)) throw invalid('Arithmetic is not supported');
    throw invalid(`Operator '${op}' is not supported`);
  }
  if (type === 'unary_expr') {
    checkKeys(node, ['operator', 'expr']);
    if (operatorOf(node) !== 'NOT') throw invalid('Expected a condition but found a value');
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
  if (VALUE_TYPES.has(type) || type === 'function') {
    value(node, ctx, next); // reports unknown fields and functions first
    throw invalid("Expected a condition (such as status = 'x') but found a value");
  }
  throw unsupported(node);
}

function not(operand: Node, ctx: Context, depth: number): Fragment {
  const inner = predicate(operand, ctx, depth);
  return { sql: `NOT (${inner.sql})`, params: inner.params };
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
  return {
    sql: `(${parts.map((part) => part.sql).join(separator)})`,
    params: parts.flatMap((part) => part.params),
  };
}

function compare(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const left = value(asNode(node.left), ctx, depth);
  const right = value(asNode(node.right), ctx, depth);
  const l = coerce(left, right.isDate);
  const r = coerce(right, left.isDate);
  return { sql: `${l.sql} ${op} ${r.sql}`, params: [...l.params, ...r.params] };
}

function inList(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const left = value(asNode(node.left), ctx, depth);
  const items = listItems(node.right, 'IN');
  if (items.length === 0) throw invalid('IN needs at least one value');
  const values = items.map((item) => coerce(value(item, ctx, depth), left.isDate));
  return {
    sql: `${left.sql} ${op} (${values.map((item) => item.sql).join(', ')})`,
    params: [...left.params, ...values.flatMap((item) => item.params)],
  };
}

function between(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const left = value(asNode(node.left), ctx, depth);
  const [low, high, ...rest] = listItems(node.right, 'BETWEEN');
  if (!low || !high || rest.length > 0) throw invalid('BETWEEN needs two values joined by AND');
  const lo = coerce(value(low, ctx, depth), left.isDate);
  const hi = coerce(value(high, ctx, depth), left.isDate);
  // Parenthesised so its inner AND can never be read as part of a surrounding chain.
  return {
    sql: `(${left.sql} ${op} ${lo.sql} AND ${hi.sql})`,
    params: [...left.params, ...lo.params, ...hi.params],
  };
}

function like(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const left = value(asNode(node.left), ctx, depth);
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
  if (pattern.isDate) throw invalid('LIKE needs a text pattern');
  const sql = `${left.sql} ${op} ${pattern.sql}`;
  const params = [...left.params, ...pattern.params];
  return escape === undefined
    ? { sql, params }
    : { sql: `${sql} ESCAPE ?`, params: [...params, escape] };
}

function isNull(node: Node, op: string, ctx: Context, depth: number): Fragment {
  const right = asNode(node.right);
  if (nodeType(right) !== 'null') throw invalid('IS can only be followed by NULL or NOT NULL');
  checkKeys(right, ['value']);
  const left = value(asNode(node.left), ctx, depth);
  return { sql: `${left.sql} ${op === 'IS' ? 'IS NULL' : 'IS NOT NULL'}`, params: left.params };
}

function listItems(list: unknown, keyword: string): Node[] {
  const node = asNode(list);
  if (nodeType(node) !== 'expr_list' || !Array.isArray(node.value)) {
    throw invalid(`${keyword} needs a list of values`);
  }
  checkKeys(node, ['value']);
  return node.value.map(asNode);
}

const VALUE_TYPES = new Set([
  'column_ref',
  'double_quote_string',
  'single_quote_string',
  'number',
  'bigint',
  'timestamp',
  'date',
  'null',
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
      return { sql: '?', params: [text], isDate: false, text };
    }
    case 'number':
    case 'bigint':
      checkKeys(node, ['value']);
      return { sql: '?', params: [numberLiteral(node.value)], isDate: false };
    case 'unary_expr': {
      checkKeys(node, ['operator', 'expr']);
      const operand = asNode(node.expr);
      const type = nodeType(operand);
      if (operatorOf(node) !== '-' || (type !== 'number' && type !== 'bigint')) {
        if (operatorOf(node) === 'NOT') throw invalid('Expected a value but found a condition');
        throw invalid('Arithmetic is not supported');
      }
      checkKeys(operand, ['value']);
      return { sql: '?', params: [-numberLiteral(operand.value)], isDate: false };
    }
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
      return { sql: '?', params: [ms], isDate: true };
    }
    case 'function':
      return functionCall(node, ctx, next);
    case 'null':
      throw invalid('NULL can only be used as IS NULL or IS NOT NULL');
    case 'binary_expr': {
      const op = operatorOf(node);
      if (ARITHMETIC.has(op)) throw invalid('Arithmetic is not supported');
      throw invalid('Expected a value but found a condition');
    }
    default:
      throw unsupported(node);
  }
}

function functionCall(node: Node, ctx: Context, depth: number): Operand {
  const name = functionName(node);
  checkKeys(node, ['name', 'args']);
  if (name === 'CURRENT_TIMESTAMP' || name === 'CURRENT_DATE') {
    if (node.args != null) throw invalid(`Write ${name} without parentheses`);
    const ms = name === 'CURRENT_TIMESTAMP' ? ctx.now : Math.floor(ctx.now / DAY_MS) * DAY_MS;
    return { sql: '?', params: [ms], isDate: true };
  }
  if (name === 'UPPER' || name === 'LOWER') {
    const args = argumentList(node);
    const only = args[0];
    if (args.length !== 1 || only === undefined) throw invalid(`${name} takes one value`);
    const arg = value(only, ctx, depth);
    return { sql: `${name}(${arg.sql})`, params: arg.params, isDate: false };
  }
  throw invalid(`Function ${quoteSnippet(name)} is not supported`);
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

function fieldRef(name: string, ctx: Context): Operand {
  const field = ctx.fields.get(name.toLowerCase());
  if (!field) throw invalid(`Unknown field ${quoteSnippet(name)}`);
  return { sql: `"${field.name}"`, params: [], isDate: field.type === 'date' };
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

/** A string literal compared with a date becomes epoch ms, or the comparison is refused. */
function coerce(operand: Operand, againstDate: boolean): Operand {
  if (!againstDate || operand.text === undefined) return operand;
  const ms = parseTimestamp(operand.text);
  if (ms === undefined) {
    throw invalid(
      `${quoteSnippet(operand.text)} is not a valid date; use timestamp 'YYYY-MM-DD HH:MI:SS'`,
    );
  }
  return { sql: '?', params: [ms], isDate: true };
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
