/**
 * The officer's search, start to finish, with the feature service and the geodesic buffer
 * injected: buffer the incident point, find the cameras in it and their sites, rank them,
 * and write the search to SearchAudit. Nothing is returned unless the audit was written.
 */
import { AppError, ErrorCode } from '../errors.js';
import type { CameraAttributes, SiteAttributes } from '../schema/registry-types.js';
import { geodesicDistanceMeters } from '../geometry/geodesy.js';
import {
  rankCameras,
  type LonLat,
  type RankableCamera,
  type RankedCamera,
} from './rank-cameras.js';
import {
  validateSearchInput,
  type IncidentSearchInput,
  type ValidSearchInput,
} from './validate-search-input.js';
import { normalizeGuid } from './where-clauses.js';

/** A feature as the service returns it: attributes and a WGS84 point (null when missing). */
export interface FeatureRecord<A> {
  readonly attributes: A;
  readonly location: LonLat | null;
}
export type CameraRecord = FeatureRecord<CameraAttributes>;
export type SiteRecord = FeatureRecord<SiteAttributes>;

/** A polygon in WGS84 `[lon, lat]` rings, as ArcGIS JSON `rings`. */
export interface SearchArea {
  readonly rings: readonly (readonly (readonly [number, number])[])[];
}

/** One SearchAudit row, as the officer view takes it (who and when the server adds). */
export interface SearchAuditEntry {
  readonly case_number: string;
  readonly purpose: string;
  readonly incident_at: number;
  readonly incident_x: number;
  readonly incident_y: number;
  readonly radius_m: number;
  readonly result_count: number;
}

/**
 * What the core needs of an abort signal (the DOM's `AbortSignal` fits; the core has no DOM
 * types, so the service names its own signal type).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  throwIfAborted(): void;
}

/** The feature service as the search sees it (the officer view). */
export interface IncidentSearchService<S extends AbortSignalLike = AbortSignalLike> {
  /** Cameras whose point intersects `area` (the view hides removed cameras). */
  camerasInArea(area: SearchArea, signal?: S): Promise<CameraRecord[]>;
  /** Sites by GlobalID (the view returns only verified, unexpired sites). */
  sitesByGlobalId(globalIds: readonly string[], signal?: S): Promise<SiteRecord[]>;
  /** Appends the search to SearchAudit; rejects when it could not be written. */
  recordSearch(entry: SearchAuditEntry, signal?: S): Promise<void>;
}

/**
 * A geodesic buffer of `center`: a polygon within `maxDeviationMeters` of the true circle
 * of `radiusMeters` (the ArcGIS SDK's geodesicBufferOperator in the widgets).
 */
export type GeodesicBuffer = (
  center: LonLat,
  radiusMeters: number,
  maxDeviationMeters: number,
) => Promise<SearchArea>;

/** A camera found by the search, with its site. */
export interface FoundCamera extends RankableCamera {
  readonly globalId: string;
  readonly siteGlobalId: string;
  readonly attributes: CameraAttributes;
  readonly site: SiteRecord;
}

export interface IncidentSearchResult {
  readonly input: ValidSearchInput;
  /** The buffer the service was asked about. */
  readonly area: SearchArea;
  /** Cameras within the radius at listed sites, best first. */
  readonly cameras: readonly RankedCamera<FoundCamera>[];
  /** Listed sites by normalized GlobalID. */
  readonly sites: ReadonlyMap<string, SiteRecord>;
  /** When the search ran, epoch ms. */
  readonly searchedAt: number;
}

export interface IncidentSearchOptions<S extends AbortSignalLike = AbortSignalLike> {
  readonly urgentWithinHours?: number;
  readonly signal?: S;
  /** The clock, epoch ms; default `Date.now`. */
  readonly now?: () => number;
  /** Told as each step finishes (for progress and timing marks). */
  readonly onStep?: (step: SearchStep) => void;
}

/** The steps of a search, in order. */
export type SearchStep = 'buffered' | 'cameras' | 'sites' | 'ranked' | 'audited';

/**
 * How far past the radius the buffer reaches, so its chords never cut inside the true
 * circle: the buffer is drawn at `radius + pad` within `pad / 2` of exact. Cameras are then
 * kept by their exact geodesic distance.
 */
export function bufferPadMeters(radiusMeters: number): number {
  return 0.5 + radiusMeters * 0.002;
}

function toFoundCamera(
  record: CameraRecord,
  sites: ReadonlyMap<string, SiteRecord>,
): FoundCamera | null {
  const a = record.attributes;
  const siteGlobalId = normalizeGuid(a.site_guid);
  const site = siteGlobalId ? sites.get(siteGlobalId) : undefined;
  if (!record.location || !site || !siteGlobalId || typeof a.OBJECTID !== 'number') return null;
  return {
    objectId: a.OBJECTID,
    globalId: normalizeGuid(a.GlobalID) ?? '',
    siteGlobalId,
    location: record.location,
    viewBearingDegrees: a.view_bearing ?? null,
    fovDegrees: a.fov_deg ?? null,
    rangeMeters: a.range_m ?? null,
    retentionDays: a.retention_days ?? null,
    form: a.form ?? null,
    attributes: a,
    site,
  };
}

/**
 * Runs one search. Throws `AppError` INVALID_INPUT (details name the fields) for a bad
 * request, and passes on the service's errors, the audit's included: when SearchAudit
 * cannot be written, no result is returned.
 */
export async function runIncidentSearch<S extends AbortSignalLike>(
  deps: { readonly service: IncidentSearchService<S>; readonly buffer: GeodesicBuffer },
  request: IncidentSearchInput,
  options: IncidentSearchOptions<S> = {},
): Promise<IncidentSearchResult> {
  const clock = options.now ?? Date.now;
  const checked = validateSearchInput(request, clock());
  if (!checked.ok) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'The search request is incomplete.',
      Object.keys(checked.issues),
    );
  }
  const input = checked.value;
  const { signal } = options;
  const pad = bufferPadMeters(input.radiusMeters);
  const area = await deps.buffer(input.incident, input.radiusMeters + pad, pad / 2);
  signal?.throwIfAborted();
  options.onStep?.('buffered');

  const inArea = await deps.service.camerasInArea(area, signal);
  options.onStep?.('cameras');
  const inRadius = inArea.filter(
    (camera) =>
      camera.location !== null &&
      geodesicDistanceMeters(camera.location, input.incident) <= input.radiusMeters,
  );
  const siteIds = [
    ...new Set(inRadius.flatMap((camera) => normalizeGuid(camera.attributes.site_guid) ?? [])),
  ];
  const siteRecords = siteIds.length > 0 ? await deps.service.sitesByGlobalId(siteIds, signal) : [];
  options.onStep?.('sites');
  const sites = new Map<string, SiteRecord>();
  for (const site of siteRecords) {
    const id = normalizeGuid(site.attributes.GlobalID);
    if (id) sites.set(id, site);
  }
  const found = inRadius.flatMap((camera) => toFoundCamera(camera, sites) ?? []);
  const searchedAt = clock();
  const cameras = rankCameras(found, {
    incident: input.incident,
    incidentAt: input.incidentAt,
    now: searchedAt,
    urgentWithinHours: options.urgentWithinHours,
  });
  const listed = new Set(found.map((camera) => camera.siteGlobalId));
  const listedSites = new Map([...sites].filter(([id]) => listed.has(id)));

  options.onStep?.('ranked');
  signal?.throwIfAborted();
  await deps.service.recordSearch(
    {
      case_number: input.caseNumber,
      purpose: input.purpose,
      incident_at: input.incidentAt,
      incident_x: input.incident[0],
      incident_y: input.incident[1],
      radius_m: input.radiusMeters,
      result_count: cameras.length,
    },
    signal,
  );
  options.onStep?.('audited');
  return { input, area, cameras, sites: listedSites, searchedAt };
}
