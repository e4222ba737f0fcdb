/**
 * Settings of the analyst workspace (`<cam-registry-review>`): the same names as the other
 * widgets, each an address or null.
 */

export interface RegistryReviewConfig {
  /** The SOURCE FeatureServer (analysts and admins only). */
  readonly serviceUrl: string;
  /** `generateToken` for the username and password form. */
  readonly tokenUrl: string;
  /** GeocodeServer for re-geocoding addresses; null hides it. */
  readonly geocodeUrl: string | null;
  /** Where the ArcGIS SDK loads its assets (`esriConfig.assetsPath`). */
  readonly assetsPath: string;
  /** GeoJSON drawn as context under the map. */
  readonly contextLayerUrl: string | null;
}

export const DEFAULT_REVIEW_CONFIG: RegistryReviewConfig = {
  serviceUrl: '/arcgis/rest/services/CommunityCameras/FeatureServer',
  tokenUrl: '/arcgis/sharing/rest/generateToken',
  geocodeUrl: '/arcgis/rest/services/Geocode/GeocodeServer',
  assetsPath: '/assets',
  contextLayerUrl: null,
};

/** Settings that hold addresses: paths in a config file resolve against the file. */
export const REVIEW_CONFIG_URL_KEYS: readonly (keyof RegistryReviewConfig)[] = [
  'serviceUrl',
  'tokenUrl',
  'geocodeUrl',
  'assetsPath',
  'contextLayerUrl',
];

const NULLABLE: ReadonlySet<string> = new Set(['geocodeUrl', 'contextLayerUrl']);

/**
 * Reads settings, filling what is left out from {@link DEFAULT_REVIEW_CONFIG}. Unknown keys and
 * values of the wrong type are listed as issues (naming the key) and left at their default;
 * keys starting with `$` (`$schema`) are ignored.
 */
export function readReviewConfig(raw: Readonly<Record<string, unknown>>): {
  readonly value: RegistryReviewConfig;
  readonly issues: readonly string[];
} {
  const issues: string[] = [];
  const value: Record<string, string | null> = { ...DEFAULT_REVIEW_CONFIG };
  for (const [key, given] of Object.entries(raw)) {
    if (key.startsWith('$') || given === undefined) continue;
    if (!(key in DEFAULT_REVIEW_CONFIG)) {
      issues.push(`${key}: unknown setting`);
    } else if (typeof given === 'string' && given.trim() !== '') {
      value[key] = given.trim();
    } else if ((given === null || given === '') && NULLABLE.has(key)) {
      value[key] = null;
    } else {
      issues.push(`${key}: must be an address`);
    }
  }
  return { value: value as unknown as RegistryReviewConfig, issues };
}
