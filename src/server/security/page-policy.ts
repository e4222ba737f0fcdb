/**
 * What the content security policy of the served pages allows beyond this server: which
 * sites may show the embed pages in a frame (`frame-ancestors`) and which hosts the pages'
 * widgets may call (`connect-src`). Both come from configuration, and nothing wider.
 *
 * @see https://www.w3.org/TR/CSP3/#directive-frame-ancestors
 */

/** The pages made to be framed (Experience Builder's Embed widget, a city site's iframe). */
export const EMBED_PREFIX = '/embed/';

/** Config keys (of either widget) holding an address the widget calls with `fetch`. */
const CALLED_URL_KEYS = [
  'serviceUrl',
  'geocoderUrl',
  'geocodeUrl',
  'tokenUrl',
  'portalUrl',
  'contextLayerUrl',
  'basemap',
] as const;

/**
 * `scheme://host[:port]`, the host optionally starting with one `*.` label, nothing else (a
 * trailing slash, as URLs are often pasted, is dropped).
 */
const ORIGIN_SOURCE = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?\/?$/i;

/** Whether a request path is one of the embed pages or their scripts. */
export function isEmbedPath(url: string): boolean {
  return url.startsWith(EMBED_PREFIX);
}

/**
 * The `frame-ancestors` sources of the embed pages: `'self'` when none are given, else the
 * given ones, each `'self'`, `'none'` (alone) or an origin such as
 * `https://experience.arcgis.com` or `https://*.maps.arcgis.com`.
 *
 * @throws RangeError naming the first value that is none of these (a path, `*`, `https:`).
 */
export function frameAncestorSources(values: readonly string[] = []): string[] {
  const sources = values.map((value) => value.trim()).filter((value) => value !== '');
  if (sources.length === 0) return ["'self'"];
  for (const source of sources) {
    if (source !== "'self'" && source !== "'none'" && !ORIGIN_SOURCE.test(source)) {
      throw new RangeError(
        `frame ancestor must be 'self', 'none' or an origin (https://host[:port]), got ${source}`,
      );
    }
  }
  if (sources.includes("'none'") && sources.length > 1) {
    throw new RangeError(`'none' cannot be combined with other frame ancestors`);
  }
  return [...new Set(sources.map((source) => source.replace(/\/$/, '')))];
}

/** The origin of an absolute http(s) URL; null for a path (this server) or anything else. */
function originOf(value: string): string | null {
  if (!/^https?:\/\//i.test(value)) return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/**
 * `connect-src` of the served pages: this server, plus the origins of the given absolute
 * URLs (service, portal, geocoder), sorted, each once. Paths are this server already.
 */
export function connectSources(urls: readonly string[]): string[] {
  const origins = urls.flatMap((url) => originOf(url) ?? []);
  return ["'self'", ...[...new Set(origins)].sort()];
}

/**
 * The addresses a widget config (registration or officer search, as the config files hold
 * them) makes the widget call: services, geocoder, portal and tokens, context layer and a
 * basemap given as a URL. Anything that is not a config object yields none.
 */
export function widgetConfigUrls(config: unknown): string[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return [];
  const record = config as Record<string, unknown>;
  return CALLED_URL_KEYS.flatMap((key) => {
    const value = record[key];
    return typeof value === 'string' && value.trim() !== '' ? [value.trim()] : [];
  });
}
