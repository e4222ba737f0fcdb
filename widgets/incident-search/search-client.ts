/**
 * The officer view of the feature service and the geocoder, through arcgis-rest-js: the
 * only place the officer search builds ArcGIS requests. Failures come back as `AppError`s
 * (498/499 as INVALID_TOKEN/AUTH_REQUIRED), aborts as they are.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/query-feature-service-layer/
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/add-features/
 */
import {
  addFeatures,
  queryFeatures,
  type IQueryFeaturesResponse,
} from '@esri/arcgis-rest-feature-service';
import { request, type IAuthenticationManager } from '@esri/arcgis-rest-request';
import { toAppError } from '../../src/client/arcgis-request.js';
import {
  AppError,
  appErrorFromEditResult,
  ErrorCode,
  type EditResultError,
} from '../../src/core/errors.js';
import {
  CAMERAS,
  CONTACT_LOG,
  SEARCH_AUDIT,
  SITES,
} from '../../src/core/schema/registry-schema.js';
import type {
  CameraAttributes,
  ContactLogAttributes,
  SiteAttributes,
} from '../../src/core/schema/registry-types.js';
import type { LonLat } from '../../src/core/search/rank-cameras.js';
import type {
  CameraRecord,
  FeatureRecord,
  IncidentSearchService,
  SearchArea,
  SearchAuditEntry,
  SiteRecord,
} from '../../src/core/search/run-incident-search.js';
import { inClauses, sqlString } from '../../src/core/search/where-clauses.js';

/** A ContactLog row as the officer view takes it. */
export interface ContactLogEntry {
  readonly site_guid: string;
  readonly case_number: string;
  readonly contact_method: string;
  readonly outcome: string;
  readonly contacted_at: number;
  readonly follow_up: string | null;
}

export interface AddressSuggestion {
  readonly text: string;
  readonly magicKey: string;
}

export interface AddressMatch {
  readonly label: string;
  readonly location: LonLat;
  readonly score: number;
}

export interface SearchClientOptions {
  /** Officer view FeatureServer URL (absolute or relative to the page). */
  readonly serviceUrl: string;
  readonly geocodeUrl: string;
  /** The current credential; read at every request, so a new sign-in takes effect at once. */
  readonly authentication: () => IAuthenticationManager | null;
  /** Site queries in flight at once. */
  readonly concurrency?: number;
}

function absolute(url: string): string {
  return new URL(url, globalThis.location?.href).href.replace(/\/+$/, '');
}

function recordOf<A>(feature: {
  attributes: Record<string, unknown>;
  geometry?: unknown;
}): FeatureRecord<A> {
  const geometry = feature.geometry as { x?: unknown; y?: unknown } | null | undefined;
  const location: LonLat | null =
    geometry && typeof geometry.x === 'number' && typeof geometry.y === 'number'
      ? [geometry.x, geometry.y]
      : null;
  return { attributes: feature.attributes as A, location };
}

/** Runs `tasks` with at most `limit` at once, keeping their order. */
async function inParallel<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** The feature service and geocoder calls of the officer search. */
export class SearchClient implements IncidentSearchService<AbortSignal> {
  private readonly serviceUrl: string;
  private readonly geocodeUrl: string;
  private readonly auth: () => IAuthenticationManager | null;
  private readonly concurrency: number;

  constructor(options: SearchClientOptions) {
    this.serviceUrl = absolute(options.serviceUrl);
    this.geocodeUrl = absolute(options.geocodeUrl);
    this.auth = options.authentication;
    this.concurrency = options.concurrency ?? 4;
  }

  private layerUrl(layerId: number): string {
    return `${this.serviceUrl}/${layerId}`;
  }

  private get authentication(): IAuthenticationManager | undefined {
    return this.auth() ?? undefined;
  }

  /** Every feature matching the query, following `exceededTransferLimit` page by page. */
  private async queryAll(
    layerId: number,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<FeatureRecord<Record<string, unknown>>[]> {
    const records: FeatureRecord<Record<string, unknown>>[] = [];
    for (;;) {
      let page: IQueryFeaturesResponse;
      try {
        page = (await queryFeatures({
          url: this.layerUrl(layerId),
          httpMethod: 'POST',
          authentication: this.authentication,
          signal,
          outFields: '*',
          ...params,
          params: { resultOffset: records.length, ...(params.params as object | undefined) },
        })) as IQueryFeaturesResponse;
      } catch (error) {
        throw toAppError(error);
      }
      for (const feature of page.features) records.push(recordOf(feature));
      if (!page.exceededTransferLimit || page.features.length === 0) return records;
    }
  }

  async camerasInArea(area: SearchArea, signal?: AbortSignal): Promise<CameraRecord[]> {
    return (await this.queryAll(
      CAMERAS.id,
      {
        geometry: { rings: area.rings, spatialReference: { wkid: 4326 } },
        geometryType: 'esriGeometryPolygon',
        spatialRel: 'esriSpatialRelIntersects',
        inSR: '4326',
        outSR: '4326',
        returnGeometry: true,
      },
      signal,
    )) as CameraRecord[];
  }

  async sitesByGlobalId(globalIds: readonly string[], signal?: AbortSignal): Promise<SiteRecord[]> {
    const batches = inClauses('GlobalID', globalIds).map(
      (where) => () => this.queryAll(SITES.id, { where, returnGeometry: false }, signal),
    );
    return (await inParallel(batches, this.concurrency)).flat() as SiteRecord[];
  }

  private async add(layerId: number, attributes: object, signal?: AbortSignal): Promise<number> {
    let response: { addResults?: { success?: boolean; objectId?: number; error?: unknown }[] };
    try {
      response = await addFeatures({
        url: this.layerUrl(layerId),
        authentication: this.authentication,
        signal,
        features: [{ attributes: attributes as Record<string, unknown> }],
      });
    } catch (error) {
      throw toAppError(error);
    }
    const [result] = response.addResults ?? [];
    if (result?.success === false) throw appErrorFromEditResult(result.error as EditResultError);
    if (!result?.success || typeof result.objectId !== 'number') {
      throw new AppError(ErrorCode.Service, 'The record was not written.');
    }
    return result.objectId;
  }

  /** Appends a SearchAudit row; rejects unless the service confirms it. */
  async recordSearch(entry: SearchAuditEntry, signal?: AbortSignal): Promise<void> {
    await this.add(SEARCH_AUDIT.id, entry, signal);
  }

  /** Appends a ContactLog row and returns its OBJECTID. */
  logContact(entry: ContactLogEntry, signal?: AbortSignal): Promise<number> {
    return this.add(CONTACT_LOG.id, entry, signal);
  }

  /** Every contact logged for a case, newest first. */
  async contactsForCase(caseNumber: string, signal?: AbortSignal): Promise<ContactLogAttributes[]> {
    const records = await this.queryAll(
      CONTACT_LOG.id,
      {
        where: `case_number = ${sqlString(caseNumber)}`,
        orderByFields: 'contacted_at DESC, OBJECTID DESC',
      },
      signal,
    );
    return records.map((record) => record.attributes as ContactLogAttributes);
  }

  private async geocode<T>(
    operation: string,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<T> {
    try {
      return (await request(`${this.geocodeUrl}/${operation}`, {
        httpMethod: 'GET',
        authentication: this.authentication,
        signal,
        params: { f: 'json', ...params },
      })) as T;
    } catch (error) {
      throw toAppError(error);
    }
  }

  /** Address suggestions while typing (GeocodeServer `suggest`). */
  async suggest(text: string, signal?: AbortSignal): Promise<AddressSuggestion[]> {
    const body = await this.geocode<{ suggestions?: AddressSuggestion[] }>(
      'suggest',
      { text, maxSuggestions: 6 },
      signal,
    );
    return (body.suggestions ?? []).filter(
      (s) => typeof s.text === 'string' && typeof s.magicKey === 'string',
    );
  }

  /** The best match for an address or a chosen suggestion, or null (`findAddressCandidates`). */
  async findAddress(
    text: string,
    magicKey?: string,
    signal?: AbortSignal,
  ): Promise<AddressMatch | null> {
    const body = await this.geocode<{
      candidates?: { address?: string; score?: number; location?: { x?: number; y?: number } }[];
    }>(
      'findAddressCandidates',
      {
        SingleLine: text,
        ...(magicKey ? { magicKey } : {}),
        outSR: 4326,
        maxLocations: 1,
        outFields: 'Match_addr',
      },
      signal,
    );
    const best = body.candidates?.[0];
    const x = best?.location?.x;
    const y = best?.location?.y;
    if (!best || typeof x !== 'number' || typeof y !== 'number') return null;
    return { label: best.address ?? text, location: [x, y], score: best.score ?? 0 };
  }
}

export type { CameraAttributes, SiteAttributes };
