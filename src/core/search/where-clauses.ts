/**
 * Where clauses the officer search sends, in the SQL-92 subset every ArcGIS feature service
 * accepts (and our server's where compiler).
 */

/** A string literal: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A GlobalID in ArcGIS form: upper case in braces, or null when it is not a GUID. */
export function normalizeGuid(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const match = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i.exec(
    value.trim(),
  );
  return match?.[1] ? `{${match[1].toUpperCase()}}` : null;
}

/** Longest where clause we send; hosted services take far more, our server 4,000 characters. */
export const MAX_WHERE_LENGTH = 3500;

/**
 * `field IN (...)` clauses covering every value, each at most `maxLength` characters long,
 * values in the order given (duplicates dropped).
 */
export function inClauses(
  field: string,
  values: readonly string[],
  maxLength = MAX_WHERE_LENGTH,
): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field))
    throw new RangeError(`Invalid field name ${JSON.stringify(field)}`);
  const clauses: string[] = [];
  const prefix = `${field} IN (`;
  let current: string[] = [];
  let length = prefix.length + 1;
  for (const value of new Set(values)) {
    const literal = sqlString(value);
    const added = literal.length + (current.length > 0 ? 2 : 0);
    if (prefix.length + literal.length + 1 > maxLength) {
      throw new RangeError(`A value is too long for a ${maxLength}-character where clause`);
    }
    if (current.length > 0 && length + added > maxLength) {
      clauses.push(`${prefix}${current.join(', ')})`);
      current = [];
      length = prefix.length + 1;
    }
    length += literal.length + (current.length > 0 ? 2 : 0);
    current.push(literal);
  }
  if (current.length > 0) clauses.push(`${prefix}${current.join(', ')})`);
  return clauses;
}
