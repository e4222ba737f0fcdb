/**
 * The settings a city gives the officer search (one JSON file, see
 * `config/incident-search.example.json`), checked and completed with defaults.
 */
import { DEFAULT_URGENT_WITHIN_HOURS } from './footage-deadline.js';
import type { LonLat } from './rank-cameras.js';

/** Units a radius is typed in. */
export const RadiusUnit = { Feet: 'ft', Meters: 'm' } as const;
export type RadiusUnit = (typeof RadiusUnit)[keyof typeof RadiusUnit];

const METERS_PER_FOOT = 0.3048;
/**
 * Widest box, in metres each way, whose sites an officer view gives contact details for (the
 * server's default officer-read limit).
 */
export const CONTACT_SEARCH_MAX_SPAN_METERS = 4000;

/**
 * Largest search radius, metres: one mile. Its circle (3.2 km across) and the sites of the
 * cameras in it stay inside {@link CONTACT_SEARCH_MAX_SPAN_METERS}.
 */
export const MAX_RADIUS_METERS = 1609.344;
/** Smallest radius, metres. */
export const MIN_RADIUS_METERS = 1;

export interface IncidentSearchConfig {
  /** Officer view feature service, e.g. `/arcgis/rest/services/CommunityCameras_officer/FeatureServer`. */
  readonly serviceUrl: string;
  /** GeocodeServer for the address search. */
  readonly geocodeUrl: string;
  /** `generateToken` endpoint for the username and password form. */
  readonly tokenUrl: string;
  /** Portal for ArcGIS OAuth 2 sign-in (`https://org.maps.arcgis.com/sharing/rest`); with `oauthClientId`. */
  readonly portalUrl: string | null;
  readonly oauthClientId: string | null;
  /** Registered OAuth redirect page; default the page itself. */
  readonly oauthRedirectUri: string | null;
  /** Where the ArcGIS SDK loads its workers and wasm (`esriConfig.assetsPath`). */
  readonly assetsPath: string;
  /** GeoJSON drawn under the results as context (the demo's street lines); null for none. */
  readonly contextLayerUrl: string | null;
  readonly radiusUnit: RadiusUnit;
  /** Radius choices in `radiusUnit`. */
  readonly radiusPresets: readonly number[];
  /** Preset chosen at start, in `radiusUnit`. */
  readonly defaultRadius: number;
  readonly urgentWithinHours: number;
  /** Map centre `[lon, lat]` before any search. */
  readonly center: LonLat;
  readonly zoom: number;
}

export const DEFAULT_SEARCH_CONFIG: IncidentSearchConfig = {
  serviceUrl: '/arcgis/rest/services/CommunityCameras_officer/FeatureServer',
  geocodeUrl: '/arcgis/rest/services/Geocode/GeocodeServer',
  tokenUrl: '/arcgis/sharing/rest/generateToken',
  portalUrl: null,
  oauthClientId: null,
  oauthRedirectUri: null,
  assetsPath: '/assets',
  contextLayerUrl: null,
  radiusUnit: RadiusUnit.Feet,
  radiusPresets: [250, 500, 1000],
  defaultRadius: 500,
  urgentWithinHours: DEFAULT_URGENT_WITHIN_HOURS,
  center: [-94.4155, 39.0911],
  zoom: 15,
};

/** A radius in `unit` as metres. */
export function radiusToMeters(value: number, unit: RadiusUnit): number {
  if (!Number.isFinite(value)) throw new RangeError(`radius must be finite, got ${value}`);
  return unit === RadiusUnit.Feet ? value * METERS_PER_FOOT : value;
}

/** Metres as a radius in `unit`. */
export function metersToRadius(meters: number, unit: RadiusUnit): number {
  return unit === RadiusUnit.Feet ? meters / METERS_PER_FOOT : meters;
}

export type ConfigResult =
  | { readonly ok: true; readonly value: IncidentSearchConfig }
  | { readonly ok: false; readonly issues: readonly string[] };

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isPositive = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * Checks a parsed config object (unknown keys are refused, so typos show) and fills what it
 * leaves out from {@link DEFAULT_SEARCH_CONFIG}. Issues name the offending key.
 */
export function readSearchConfig(raw: unknown): ConfigResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: ['config must be a JSON object'] };
  }
  const input = raw as Record<string, unknown>;
  const issues: string[] = [];
  const known = new Set(Object.keys(DEFAULT_SEARCH_CONFIG));
  for (const key of Object.keys(input)) {
    if (!known.has(key) && !key.startsWith('$')) issues.push(`${key}: unknown setting`);
  }
  const text = (key: keyof IncidentSearchConfig, nullable: boolean): string | null => {
    const value = input[key];
    if (value === undefined) return DEFAULT_SEARCH_CONFIG[key] as string | null;
    if (value === null && nullable) return null;
    if (!isText(value)) issues.push(`${key}: must be ${nullable ? 'text or null' : 'text'}`);
    return isText(value) ? value : (DEFAULT_SEARCH_CONFIG[key] as string | null);
  };
  const unit = input.radiusUnit ?? DEFAULT_SEARCH_CONFIG.radiusUnit;
  if (unit !== RadiusUnit.Feet && unit !== RadiusUnit.Meters)
    issues.push("radiusUnit: must be 'ft' or 'm'");
  const radiusUnit = unit === RadiusUnit.Meters ? RadiusUnit.Meters : RadiusUnit.Feet;
  const inRange = (value: number) => {
    const meters = radiusToMeters(value, radiusUnit);
    return meters >= MIN_RADIUS_METERS && meters <= MAX_RADIUS_METERS;
  };
  let radiusPresets = DEFAULT_SEARCH_CONFIG.radiusPresets;
  if (input.radiusPresets !== undefined) {
    const presets = input.radiusPresets;
    if (!Array.isArray(presets) || presets.length === 0 || !presets.every(isPositive)) {
      issues.push('radiusPresets: must be a non-empty list of positive numbers');
    } else if (!presets.every(inRange)) {
      issues.push(
        `radiusPresets: each must lie between ${MIN_RADIUS_METERS} and ${MAX_RADIUS_METERS} m`,
      );
    } else {
      radiusPresets = [...new Set(presets)].sort((a, b) => a - b);
    }
  }
  let defaultRadius =
    input.defaultRadius ??
    (radiusPresets.includes(DEFAULT_SEARCH_CONFIG.defaultRadius)
      ? DEFAULT_SEARCH_CONFIG.defaultRadius
      : radiusPresets[0]);
  if (!isPositive(defaultRadius) || !inRange(defaultRadius)) {
    issues.push('defaultRadius: must be a positive radius within the allowed range');
    defaultRadius = radiusPresets[0] ?? DEFAULT_SEARCH_CONFIG.defaultRadius;
  }
  const urgent = input.urgentWithinHours ?? DEFAULT_SEARCH_CONFIG.urgentWithinHours;
  if (typeof urgent !== 'number' || !Number.isFinite(urgent) || urgent < 0) {
    issues.push('urgentWithinHours: must be a number >= 0');
  }
  const center = input.center ?? DEFAULT_SEARCH_CONFIG.center;
  const centerOk =
    Array.isArray(center) &&
    center.length === 2 &&
    typeof center[0] === 'number' &&
    typeof center[1] === 'number' &&
    Math.abs(center[0]) <= 180 &&
    Math.abs(center[1]) <= 90;
  if (!centerOk) issues.push('center: must be [lon, lat]');
  const zoom = input.zoom ?? DEFAULT_SEARCH_CONFIG.zoom;
  if (typeof zoom !== 'number' || !Number.isFinite(zoom) || zoom < 0 || zoom > 24) {
    issues.push('zoom: must be a number from 0 to 24');
  }
  const oauthClientId = text('oauthClientId', true);
  const portalUrl = text('portalUrl', true);
  if ((oauthClientId === null) !== (portalUrl === null)) {
    issues.push('oauthClientId and portalUrl: give both or neither');
  }
  const value: IncidentSearchConfig = {
    serviceUrl: text('serviceUrl', false) as string,
    geocodeUrl: text('geocodeUrl', false) as string,
    tokenUrl: text('tokenUrl', false) as string,
    portalUrl,
    oauthClientId,
    oauthRedirectUri: text('oauthRedirectUri', true),
    assetsPath: text('assetsPath', false) as string,
    contextLayerUrl: text('contextLayerUrl', true),
    radiusUnit,
    radiusPresets,
    defaultRadius: defaultRadius as number,
    urgentWithinHours:
      typeof urgent === 'number' ? urgent : DEFAULT_SEARCH_CONFIG.urgentWithinHours,
    center: centerOk ? [center[0] as number, center[1] as number] : DEFAULT_SEARCH_CONFIG.center,
    zoom: typeof zoom === 'number' ? zoom : DEFAULT_SEARCH_CONFIG.zoom,
  };
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}
