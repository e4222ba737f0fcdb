/**
 * Where district and beat polygons come from, as configured (`CCR_DISTRICTS`, `CCR_BEATS`):
 * a GeoJSON file (`districts.geojson#DIST_NAME`) or an ArcGIS feature layer
 * (`https://services.arcgis.com/…/FeatureServer/0#DIST_NAME`), read once. The part after `#`
 * names the property holding each area's name (`name` when absent).
 *
 * The core reads no file and opens no connection: the caller passes `readText` and `query`.
 */
import {
  areaLayerFromGeoJson,
  AreaSourceError,
  AreaSourceIssue,
  MAX_AREAS,
  type AreaLayer,
} from './area-layer.js';

/** A configured polygon source, parsed. */
export type AreaSource =
  | { readonly kind: 'file'; readonly path: string; readonly nameProperty: string }
  | {
      readonly kind: 'feature-layer';
      /** The layer's URL without query string (`…/FeatureServer/0`). */
      readonly layerUrl: string;
      /** Query-string parameters given with the URL (a `token`, say), sent with every page. */
      readonly extraParams: Readonly<Record<string, string>>;
      readonly nameProperty: string;
    };

/** `http(s)://host/…/FeatureServer/N` (or MapServer), then an optional query string. */
const LAYER_URL =
  /^(https?:\/\/[^/?#\s]+\/[^?#\s]*\/(?:FeatureServer|MapServer)\/\d+)\/?(?:\?([^#\s]*))?$/i;

function queryParams(search: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of (search ?? '').split('&')) {
    if (pair === '') continue;
    const [key = '', value = ''] = pair.split('=', 2).map((part) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        return part;
      }
    });
    params[key] = value;
  }
  return params;
}

/**
 * Parses a source: `http(s)://…/FeatureServer/N[#PROPERTY]` is a feature layer; anything else
 * a file path. Throws {@link AreaSourceError} `NOT_FEATURE_LAYER` for a URL that names no
 * layer (a service, a folder, a web page).
 */
export function parseAreaSource(spec: string): AreaSource {
  const hash = spec.lastIndexOf('#');
  const location = (hash < 0 ? spec : spec.slice(0, hash)).trim();
  const nameProperty = hash < 0 ? 'name' : spec.slice(hash + 1).trim() || 'name';
  if (!/^https?:\/\//i.test(location)) return { kind: 'file', path: location, nameProperty };
  const match = LAYER_URL.exec(location);
  if (!match)
    throw new AreaSourceError(
      AreaSourceIssue.NotFeatureLayer,
      undefined,
      'An area URL must name one ArcGIS feature layer: https://…/FeatureServer/N.',
    );
  return {
    kind: 'feature-layer',
    layerUrl: match[1] as string,
    extraParams: queryParams(match[2]),
    nameProperty,
  };
}

/** One request to a layer's `query` endpoint: its answer, parsed (GeoJSON asked for). */
export type AreaLayerQuery = (
  queryUrl: string,
  params: Readonly<Record<string, string | number>>,
) => Promise<unknown>;

/** How a source is read: a file's text, and a feature layer's query. */
export interface AreaSourceReaders {
  readonly readText: (path: string) => string;
  readonly query: AreaLayerQuery;
}

function featureCollection(page: unknown): { features: unknown[]; exceeded: boolean } {
  const body = page as {
    type?: unknown;
    features?: unknown;
    exceededTransferLimit?: unknown;
    properties?: { exceededTransferLimit?: unknown } | null;
  } | null;
  if (body?.type !== 'FeatureCollection' || !Array.isArray(body.features))
    throw new AreaSourceError(
      AreaSourceIssue.NotFeatureCollection,
      undefined,
      'The feature layer did not answer with a GeoJSON FeatureCollection.',
    );
  // ArcGIS puts the flag in the collection's `properties`; some servers put it beside.
  const exceeded =
    body.properties?.exceededTransferLimit === true || body.exceededTransferLimit === true;
  return { features: body.features, exceeded };
}

/**
 * Every area of an ArcGIS feature layer: `where=1=1`, only the name field, GeoJSON in WGS84
 * (`outSR=4326`), page after page with `resultOffset` while the service says
 * `exceededTransferLimit`. Errors of the service come from `query` as it throws them; an
 * answer that is not GeoJSON, or an area that is not a named polygon, throws
 * {@link AreaSourceError}.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/query-feature-service-layer/
 */
export async function areaLayerFromFeatureLayer(
  source: Extract<AreaSource, { kind: 'feature-layer' }>,
  query: AreaLayerQuery,
): Promise<AreaLayer> {
  const features: unknown[] = [];
  for (;;) {
    const page = featureCollection(
      await query(`${source.layerUrl}/query`, {
        ...source.extraParams,
        where: '1=1',
        outFields: source.nameProperty,
        returnGeometry: 'true',
        outSR: 4326,
        f: 'geojson',
        resultOffset: features.length,
      }),
    );
    features.push(...page.features);
    if (!page.exceeded || page.features.length === 0) break;
    if (features.length > MAX_AREAS)
      throw new AreaSourceError(
        AreaSourceIssue.TooManyAreas,
        undefined,
        `The feature layer has more than ${MAX_AREAS} areas.`,
      );
  }
  return areaLayerFromGeoJson({ type: 'FeatureCollection', features }, source.nameProperty);
}

/** The area layer a configured source names, read with `readers`. */
export async function loadAreaLayer(spec: string, readers: AreaSourceReaders): Promise<AreaLayer> {
  const source = parseAreaSource(spec);
  if (source.kind === 'feature-layer') return areaLayerFromFeatureLayer(source, readers.query);
  return areaLayerFromGeoJson(
    JSON.parse(readers.readText(source.path)) as unknown,
    source.nameProperty,
  );
}
