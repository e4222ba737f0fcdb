import { AppError, ErrorCode } from '../../src/core/errors.js';

/**
 * Fetches a widget's JSON config file (`config-url`). Addresses in it that are paths (they
 * start with `/`, `./` or `../`) are resolved against the file's own address, so one file
 * served beside a service works from any page that embeds the widget; full URLs and names
 * (a basemap style such as `arcgis/streets`) stay as written.
 *
 * @param urlKeys the settings that hold addresses.
 * @throws AppError NETWORK_ERROR when the file cannot be fetched, NOT_FOUND when the server
 *   refuses it, INVALID_INPUT when it is not a JSON object.
 */
export async function fetchConfigFile(
  url: string,
  urlKeys: readonly string[],
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const address = new URL(url, globalThis.document?.baseURI ?? globalThis.location?.href).href;
  let response: Response;
  try {
    response = await fetch(address, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new AppError(ErrorCode.Network, 'Config could not be fetched', [], { cause: error });
  }
  if (!response.ok) throw new AppError(ErrorCode.NotFound, `Config answered ${response.status}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    throw new AppError(ErrorCode.InvalidInput, 'Config is not JSON', [], { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new AppError(ErrorCode.InvalidInput, 'Config is not a JSON object');
  }
  const base = response.url || address;
  const resolved: Record<string, unknown> = { ...json };
  for (const key of urlKeys) {
    const value = resolved[key];
    if (typeof value === 'string' && /^\.{0,2}\//.test(value)) {
      resolved[key] = new URL(value, base).href;
    }
  }
  return resolved;
}
