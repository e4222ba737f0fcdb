import { AppError, ErrorCode } from '../core/errors.js';

/** Request parameters as ArcGIS clients send them: query string and form body alike. */
export type Params = Readonly<Record<string, string>>;

/** Merges query string and form body; the query string wins (as ArcGIS Server does). */
export function mergeParams(query: unknown, body: unknown): Params {
  const merged: Record<string, string> = {};
  for (const source of [body, query]) {
    if (!source || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'string') merged[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') merged[key] = String(value);
      else if (Array.isArray(value) && typeof value.at(-1) === 'string')
        merged[key] = value.at(-1) as string;
    }
  }
  return merged;
}

function blank(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === '';
}

export function boolParam(params: Params, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (blank(value)) return fallback;
  const lower = value.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new AppError(ErrorCode.InvalidInput, `'${name}' must be true or false.`, [name]);
}

export function intParam(
  params: Params,
  name: string,
  options: { min?: number; max?: number } = {},
): number | undefined {
  const value = params[name];
  if (blank(value)) return undefined;
  const number = Number(value);
  if (
    !Number.isInteger(number) ||
    number < (options.min ?? -Infinity) ||
    number > (options.max ?? Infinity)
  ) {
    throw new AppError(
      ErrorCode.InvalidInput,
      `'${name}' must be a whole number${
        options.min === undefined ? '' : ` of at least ${options.min}`
      }.`,
      [name],
    );
  }
  return number;
}

export function numberParam(params: Params, name: string): number | undefined {
  const value = params[name];
  if (blank(value)) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number))
    throw new AppError(ErrorCode.InvalidInput, `'${name}' must be a number.`, [name]);
  return number;
}

export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  return blank(value) ? undefined : value.trim();
}

/** Parses a JSON parameter; an empty string (rest-js sends `updates=` for none) is undefined. */
export function jsonParam(params: Params, name: string): unknown {
  const value = params[name];
  if (blank(value)) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw new AppError(ErrorCode.InvalidInput, `'${name}' is not valid JSON.`, [name]);
  }
}

/** `1,2,3` or `[1,2,3]` as ArcGIS accepts object IDs. */
export function idListParam(params: Params, name: string): number[] | undefined {
  const value = params[name];
  if (blank(value)) return undefined;
  const trimmed = value.trim();
  const parts = trimmed.startsWith('[')
    ? (jsonParam(params, name) as unknown[])
    : trimmed.split(',');
  if (!Array.isArray(parts))
    throw new AppError(ErrorCode.InvalidInput, `'${name}' must be a list of IDs.`, [name]);
  return parts.map((part) => {
    const id = typeof part === 'number' ? part : Number(String(part).trim());
    if (!Number.isSafeInteger(id))
      throw new AppError(ErrorCode.InvalidInput, `'${name}' must be a list of whole numbers.`, [
        name,
      ]);
    return id;
  });
}

/** Comma-separated or JSON list of strings (GlobalIDs, field names). */
export function stringListParam(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (blank(value)) return undefined;
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    const parsed = jsonParam(params, name);
    if (!Array.isArray(parsed) || parsed.some((p) => typeof p !== 'string')) {
      throw new AppError(ErrorCode.InvalidInput, `'${name}' must be a list of strings.`, [name]);
    }
    return parsed as string[];
  }
  return trimmed
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
