/**
 * The analyst workspace's calls to the source feature service and the geocoder, through the
 * one client layer (`src/client/arcgis-request.ts`): failures arrive as `AppError`s.
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import {
  applyServiceEdits,
  arcgisRequest,
  sqlString,
  type FeatureBody,
  type LayerEditsBody,
} from '../../src/client/arcgis-request.js';
import type { ReviewLayerEdits } from '../../src/core/review/review-decisions.js';
import {
  CHANGES_IN_REVIEW_WHERE,
  sitesWhere,
  type QueueKind,
} from '../../src/core/review/review-queue.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  REVIEW_LOG,
  SITES,
} from '../../src/core/schema/registry-schema.js';
import type {
  CameraAttributes,
  ChangeRequestAttributes,
  ReviewLogAttributes,
  SiteAttributes,
} from '../../src/core/schema/registry-types.js';

type Point = { readonly x: number; readonly y: number };

export interface SiteRecord {
  readonly attributes: SiteAttributes;
  readonly location: Point | null;
}

export interface CameraRecord {
  readonly attributes: CameraAttributes;
  readonly location: Point | null;
}

export interface ChangeRecord {
  readonly attributes: ChangeRequestAttributes;
}

/** One row of the queue: a site waiting (or any site, filtered), or a held change. */
export type QueueEntry =
  | { readonly kind: 'site'; readonly site: SiteRecord }
  | { readonly kind: 'change'; readonly change: ChangeRecord; readonly site: SiteRecord | null };

export interface QueuePage {
  readonly entries: readonly QueueEntry[];
  readonly total: number;
}

/** One geocoder candidate for re-geocoding. */
export interface AddressCandidate {
  readonly address: string;
  readonly score: number;
  readonly location: readonly [number, number];
}

export interface ReviewClientOptions {
  readonly serviceUrl: string;
  readonly geocodeUrl: string | null;
  readonly authentication: () => IAuthenticationManager | null;
}

/** Site fields the workspace reads (everything but the manage-code hash). */
const SITE_FIELDS = SITES.fields.map((f) => f.name).filter((n) => n !== 'manage_code_hash');

function pointOf(geometry: unknown): Point | null {
  const g = geometry as { x?: unknown; y?: unknown } | null | undefined;
  return typeof g?.x === 'number' && typeof g.y === 'number' ? { x: g.x, y: g.y } : null;
}

function siteOf(feature: FeatureBody): SiteRecord {
  return { attributes: feature.attributes as SiteAttributes, location: pointOf(feature.geometry) };
}

export class ReviewClient {
  private readonly options: ReviewClientOptions;

  constructor(options: ReviewClientOptions) {
    this.options = options;
  }

  private call<T>(url: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    return arcgisRequest<T>(url, params, {
      authentication: this.options.authentication(),
      signal,
    });
  }

  private layer(id: number): string {
    return `${this.options.serviceUrl}/${id}`;
  }

  private async query(
    layerId: number,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<FeatureBody[]> {
    const answer = await this.call<{ features?: FeatureBody[] }>(
      `${this.layer(layerId)}/query`,
      { outSR: 4326, ...params },
      signal,
    );
    return answer.features ?? [];
  }

  private async count(layerId: number, where: string, signal?: AbortSignal): Promise<number> {
    const answer = await this.call<{ count?: number }>(
      `${this.layer(layerId)}/query`,
      { where, returnCountOnly: true },
      signal,
    );
    return answer.count ?? 0;
  }

  /**
   * One page of the queue, oldest first, with the total. Refused for accounts that may not
   * read the source service (FORBIDDEN), which is how an officer's sign-in is told apart.
   */
  async queuePage(
    kind: QueueKind,
    flag: string | null,
    offset: number,
    pageSize: number,
    signal?: AbortSignal,
  ): Promise<QueuePage> {
    if (kind === 'changes') {
      const [total, rows] = await Promise.all([
        this.count(CHANGE_REQUESTS.id, CHANGES_IN_REVIEW_WHERE, signal),
        this.query(
          CHANGE_REQUESTS.id,
          {
            where: CHANGES_IN_REVIEW_WHERE,
            outFields:
              'OBJECTID,GlobalID,registration_ref,request_type,payload,request_status,CreationDate',
            orderByFields: 'OBJECTID ASC',
            resultOffset: offset,
            resultRecordCount: pageSize,
          },
          signal,
        ),
      ]);
      const refs = [
        ...new Set(
          rows.map((r) => r.attributes.registration_ref).filter((r) => typeof r === 'string'),
        ),
      ];
      const sites =
        refs.length === 0
          ? []
          : await this.query(
              SITES.id,
              {
                where: `registration_ref IN (${refs.map((r) => sqlString(String(r))).join(',')})`,
                outFields: SITE_FIELDS.join(','),
                returnGeometry: true,
              },
              signal,
            );
      const byRef = new Map(sites.map((s) => [s.attributes.registration_ref, siteOf(s)]));
      return {
        total,
        entries: rows.map((row) => ({
          kind: 'change' as const,
          change: { attributes: row.attributes as ChangeRequestAttributes },
          site: byRef.get(row.attributes.registration_ref ?? '') ?? null,
        })),
      };
    }
    const where = sitesWhere(kind, flag);
    const [total, rows] = await Promise.all([
      this.count(SITES.id, where, signal),
      this.query(
        SITES.id,
        {
          where,
          outFields: SITE_FIELDS.join(','),
          orderByFields: 'CreationDate ASC,OBJECTID ASC',
          resultOffset: offset,
          resultRecordCount: pageSize,
          returnGeometry: true,
        },
        signal,
      ),
    ]);
    return { total, entries: rows.map((row) => ({ kind: 'site' as const, site: siteOf(row) })) };
  }

  /** A site as stored now, by object id (after a decision, or to refresh a change's site). */
  async site(objectId: number, signal?: AbortSignal): Promise<SiteRecord | null> {
    const rows = await this.query(
      SITES.id,
      { where: `OBJECTID = ${objectId}`, outFields: SITE_FIELDS.join(','), returnGeometry: true },
      signal,
    );
    return rows[0] ? siteOf(rows[0]) : null;
  }

  /** The cameras of a site, in object-id order. */
  async cameras(siteGuid: string, signal?: AbortSignal): Promise<CameraRecord[]> {
    const rows = await this.query(
      CAMERAS.id,
      {
        where: `site_guid = ${sqlString(siteGuid)}`,
        outFields: '*',
        orderByFields: 'OBJECTID ASC',
        returnGeometry: true,
      },
      signal,
    );
    return rows.map((row) => ({
      attributes: row.attributes as CameraAttributes,
      location: pointOf(row.geometry),
    }));
  }

  /** The site's decision history, newest first. */
  async history(siteGuid: string, signal?: AbortSignal): Promise<ReviewLogAttributes[]> {
    const rows = await this.query(
      REVIEW_LOG.id,
      {
        where: `site_guid = ${sqlString(siteGuid)}`,
        outFields: '*',
        orderByFields: 'OBJECTID DESC',
        returnGeometry: false,
      },
      signal,
    );
    return rows.map((row) => row.attributes as ReviewLogAttributes);
  }

  /** Carries out one decision: its edits in one `applyEdits`, all or nothing. */
  async apply(edits: readonly ReviewLayerEdits[], signal?: AbortSignal): Promise<void> {
    await applyServiceEdits(this.options.serviceUrl, edits as readonly LayerEditsBody[], {
      authentication: this.options.authentication(),
      signal,
    });
  }

  /**
   * Candidates for an address, best first (`findAddressCandidates`); none without a geocoder.
   *
   * @see https://developers.arcgis.com/rest/geocode/api-reference/geocoding-find-address-candidates.htm
   */
  async candidates(text: string, signal?: AbortSignal): Promise<AddressCandidate[]> {
    const url = this.options.geocodeUrl;
    if (!url) return [];
    const answer = await arcgisRequest<{
      candidates?: { address?: string; score?: number; location?: { x?: number; y?: number } }[];
    }>(
      `${url}/findAddressCandidates`,
      { SingleLine: text, outSR: 4326, maxLocations: 6, outFields: 'Match_addr' },
      { httpMethod: 'GET', signal },
    );
    return (answer.candidates ?? []).flatMap((c) =>
      typeof c.location?.x === 'number' && typeof c.location.y === 'number'
        ? [
            {
              address: c.address ?? text,
              score: c.score ?? 0,
              location: [c.location.x, c.location.y] as const,
            },
          ]
        : [],
    );
  }
}
