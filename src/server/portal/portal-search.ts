import { AppError, ErrorCode } from '../../core/errors.js';
import { intParam, stringParam, type Params } from '../request-params.js';

/**
 * The portal's search query language, as much of it as finding items and groups by their
 * properties needs: `field:value` and `field:"a phrase"` terms, bare words (matched against
 * titles and the like), `AND`, `OR`, `NOT` and parentheses; terms side by side mean AND.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/search-reference/
 */

type Node =
  | { readonly kind: 'term'; readonly field: string | undefined; readonly value: string }
  | { readonly kind: 'not'; readonly operand: Node }
  | { readonly kind: 'and' | 'or'; readonly left: Node; readonly right: Node };

type Token =
  | { readonly kind: 'open' | 'close' | 'and' | 'or' | 'not' }
  | { readonly kind: 'term'; readonly field: string | undefined; readonly value: string };

/** The words one field of a record is searched in (lower case). */
export type Searchable = Readonly<Record<string, readonly string[]>>;

export interface SearchFields {
  /** Fields compared whole (ids, owners, types): a term matches a word equal to it. */
  readonly exact: readonly string[];
  /** Fields searched for the phrase anywhere in them (titles, descriptions). */
  readonly phrase: readonly string[];
  /** Fields a bare word is looked for in. */
  readonly bare: readonly string[];
}

const MAX_QUERY_LENGTH = 2000;

function badQuery(detail: string): AppError {
  return new AppError(ErrorCode.InvalidInput, 'Unable to perform the search.', [detail], {
    field: 'q',
  });
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|(?:([A-Za-z]+):\s*)?(?:"([^"]*)"|([^\s()"]+)))/y;
  let at = 0;
  const text = query.trim();
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) throw badQuery(`Unreadable query at character ${at + 1}.`);
    at = pattern.lastIndex;
    const [, open, close, field, quoted, word] = match;
    if (open) tokens.push({ kind: 'open' });
    else if (close) tokens.push({ kind: 'close' });
    else if (!field && quoted === undefined && /^(AND|OR|NOT)$/.test(word ?? '')) {
      tokens.push({ kind: (word ?? '').toLowerCase() as 'and' | 'or' | 'not' });
    } else {
      tokens.push({ kind: 'term', field: field?.toLowerCase(), value: quoted ?? word ?? '' });
    }
    while (at < text.length && /\s/.test(text[at] ?? '')) at += 1;
  }
  return tokens;
}

function parse(tokens: readonly Token[]): Node {
  let at = 0;
  const peek = () => tokens[at];
  const orExpression = (): Node => {
    let node = andExpression();
    while (peek()?.kind === 'or') {
      at += 1;
      node = { kind: 'or', left: node, right: andExpression() };
    }
    return node;
  };
  const andExpression = (): Node => {
    let node = unary();
    for (;;) {
      const next = peek();
      if (next?.kind === 'and') at += 1;
      else if (!next || next.kind === 'or' || next.kind === 'close') return node;
      node = { kind: 'and', left: node, right: unary() };
    }
  };
  const unary = (): Node => {
    const token = tokens[at];
    at += 1;
    if (!token) throw badQuery('The query ends where a term was expected.');
    if (token.kind === 'not') return { kind: 'not', operand: unary() };
    if (token.kind === 'open') {
      const inner = orExpression();
      if (tokens[at]?.kind !== 'close') throw badQuery('A parenthesis is not closed.');
      at += 1;
      return inner;
    }
    if (token.kind === 'term') return token;
    throw badQuery(`Unexpected ${token.kind.toUpperCase()} in the query.`);
  };
  const node = orExpression();
  if (at < tokens.length) throw badQuery('Unexpected closing parenthesis.');
  return node;
}

/** Compiles a query into a test of one record's searchable fields. */
export function compileSearch(
  query: string,
  fields: SearchFields,
): (record: Searchable) => boolean {
  if (query.length > MAX_QUERY_LENGTH)
    throw badQuery(`The query is longer than ${MAX_QUERY_LENGTH} characters.`);
  const tokens = tokenize(query);
  if (tokens.length === 0) return () => true;
  const root = parse(tokens);
  const known = new Set([...fields.exact, ...fields.phrase]);
  const check = (node: Node): void => {
    if (node.kind === 'term') {
      if (node.field !== undefined && !known.has(node.field))
        throw badQuery(`'${node.field}' is not a field this search knows.`);
    } else if (node.kind === 'not') check(node.operand);
    else {
      check(node.left);
      check(node.right);
    }
  };
  check(root);
  const exact = new Set(fields.exact);
  const test = (node: Node, record: Searchable): boolean => {
    switch (node.kind) {
      case 'not':
        return !test(node.operand, record);
      case 'and':
        return test(node.left, record) && test(node.right, record);
      case 'or':
        return test(node.left, record) || test(node.right, record);
      case 'term': {
        const value = node.value.trim().toLowerCase();
        const names = node.field === undefined ? fields.bare : [node.field];
        return names.some((name) =>
          (record[name] ?? []).some((text) =>
            node.field !== undefined && exact.has(name) ? text === value : text.includes(value),
          ),
        );
      }
    }
  };
  return (record) => test(root, record);
}

export interface SearchPage<T> {
  readonly query: string;
  readonly total: number;
  readonly start: number;
  readonly num: number;
  readonly nextStart: number;
  readonly results: T[];
}

/** Orders `records` as `sortField`/`sortOrder` ask and takes the page `start`/`num` ask for. */
export function pageOf<T>(
  params: Params,
  matches: readonly T[],
  sortKeys: Readonly<Record<string, (record: T) => string | number>>,
): SearchPage<T> {
  const start = intParam(params, 'start', { min: 1 }) ?? 1;
  const num = intParam(params, 'num', { min: 0, max: 100 }) ?? 10;
  const sortField = stringParam(params, 'sortField')?.toLowerCase();
  const order = stringParam(params, 'sortOrder')?.toLowerCase() === 'desc' ? -1 : 1;
  const key = sortField === undefined ? undefined : sortKeys[sortField];
  if (sortField !== undefined && !key)
    throw new AppError(ErrorCode.InvalidInput, `'sortField' cannot be ${sortField}.`, [
      'sortField',
    ]);
  const sorted = key
    ? [...matches].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * order;
      })
    : [...matches];
  const results = sorted.slice(start - 1, start - 1 + num);
  const next = start + results.length;
  return {
    query: params.q ?? '',
    total: matches.length,
    start,
    num,
    nextStart: results.length > 0 && next <= matches.length ? next : -1,
    results,
  };
}
