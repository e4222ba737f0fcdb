import { AppError, ErrorCode } from '../../src/core/errors.js';
import type { Extent } from '../../src/core/schema/layer-json.js';
import { fetchConfigFile } from '../shared/config-file.js';
import type { Locale } from '../shared/locale.js';
import type { MessageOverrides, ProgramText } from './cam-registration.messages.js';

/**
 * Everything a city sets for the registration widget, as attributes/properties or as one
 * JSON file (`config-url`). See `config/registration.example.json`.
 */
export interface RegistrationConfig {
  /** The public view: `.../CommunityCameras_public/FeatureServer`. */
  readonly serviceUrl?: string;
  /** A GeocodeServer supporting `suggest` and `findAddressCandidates`. */
  readonly geocoderUrl?: string;
  /** The city's extent (WGS84); addresses outside it get a warning. */
  readonly cityExtent?: Extent;
  /** The agreement residents accept: its version and its text per language. */
  readonly consent?: { readonly version: string } & Partial<Record<Locale, string>>;
  /** The "about the program" text per language (any part). */
  readonly program?: Partial<Record<Locale, Partial<ProgramText>>>;
  /** Where the ArcGIS SDK's assets are served (`esriConfig.assetsPath`). */
  readonly assetsPath?: string;
  /** A portal basemap id, a basemap style name, or a tile URL (`{level}/{row}/{col}` or a MapServer). */
  readonly basemap?: string;
  /** GeoJSON lines drawn as context when there is no basemap (e.g. the city's streets). */
  readonly contextLayerUrl?: string;
  /** Seconds a person needs at least to fill the form; quicker submissions are not sent. */
  readonly minFillSeconds?: number;
  /**
   * The residents' manage page (e.g. `.../cameras.html?mode=manage`); the letter staff print
   * links to it with the reference filled in.
   */
  readonly manageUrl?: string;
  /** `--cam-*` custom properties set on the widget. */
  readonly theme?: Readonly<Record<string, string>>;
  readonly messageOverrides?: MessageOverrides;
}

export const DEFAULTS = {
  serviceUrl: '/arcgis/rest/services/CommunityCameras_public/FeatureServer',
  /** Staff mode writes to the source service (analysts only). */
  staffServiceUrl: '/arcgis/rest/services/CommunityCameras/FeatureServer',
  geocoderUrl: '/arcgis/rest/services/Geocode/GeocodeServer',
  assetsPath: '/assets',
  minFillSeconds: 4,
  consentVersion: '1',
} as const;

function fail(detail: string): never {
  throw new AppError(ErrorCode.InvalidInput, 'Invalid registration config', [detail]);
}

function optionalString(source: Record<string, unknown>, key: string): string | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(`${key} must be text`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function extentOf(value: unknown): Extent | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) fail('cityExtent must be an object');
  const { xmin, ymin, xmax, ymax } = value;
  if (
    typeof xmin !== 'number' ||
    typeof ymin !== 'number' ||
    typeof xmax !== 'number' ||
    typeof ymax !== 'number' ||
    !(xmin < xmax && ymin < ymax)
  ) {
    fail('cityExtent needs numbers xmin < xmax and ymin < ymax');
  }
  return { xmin, ymin, xmax, ymax };
}

function textsByLocale<T>(value: unknown, key: string): Partial<Record<Locale, T>> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) fail(`${key} must be an object keyed by language`);
  return value as Partial<Record<Locale, T>>;
}

/** Checks a parsed config file; unknown keys are ignored, wrong types are refused. */
export function parseRegistrationConfig(raw: unknown): RegistrationConfig {
  if (!isRecord(raw)) fail('the config must be a JSON object');
  const consent = raw.consent;
  if (consent !== undefined && (!isRecord(consent) || typeof consent.version !== 'string')) {
    fail('consent needs a version');
  }
  const theme = raw.theme;
  if (theme !== undefined) {
    if (!isRecord(theme)) fail('theme must be an object');
    for (const [name, value] of Object.entries(theme)) {
      if (!name.startsWith('--cam-') || typeof value !== 'string') {
        fail('theme holds --cam-* properties with text values');
      }
    }
  }
  const seconds = raw.minFillSeconds;
  if (seconds !== undefined && (typeof seconds !== 'number' || !(seconds >= 0))) {
    fail('minFillSeconds must be a number of seconds');
  }
  return {
    serviceUrl: optionalString(raw, 'serviceUrl'),
    geocoderUrl: optionalString(raw, 'geocoderUrl'),
    assetsPath: optionalString(raw, 'assetsPath'),
    basemap: optionalString(raw, 'basemap'),
    contextLayerUrl: optionalString(raw, 'contextLayerUrl'),
    manageUrl: optionalString(raw, 'manageUrl'),
    cityExtent: extentOf(raw.cityExtent),
    consent: consent as RegistrationConfig['consent'],
    program: textsByLocale<Partial<ProgramText>>(raw.program, 'program'),
    minFillSeconds: seconds,
    theme: theme as Record<string, string> | undefined,
    messageOverrides: textsByLocale(raw.messageOverrides, 'messageOverrides') as
      MessageOverrides | undefined,
  };
}

/** The settings that hold addresses (paths in a config file resolve against the file). */
const URL_KEYS = [
  'serviceUrl',
  'geocoderUrl',
  'assetsPath',
  'basemap',
  'contextLayerUrl',
  'manageUrl',
] as const;

/** Fetches and checks a config file; paths in it resolve against the file's address. */
export async function loadRegistrationConfig(
  url: string,
  signal?: AbortSignal,
): Promise<RegistrationConfig> {
  return parseRegistrationConfig(await fetchConfigFile(url, URL_KEYS, signal));
}

/** `over`'s settings where it has them, else `base`'s (the config object over the file). */
export function mergeRegistrationConfig(
  base: RegistrationConfig,
  over: RegistrationConfig,
): RegistrationConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) if (value !== undefined) merged[key] = value;
  return merged as RegistrationConfig;
}
