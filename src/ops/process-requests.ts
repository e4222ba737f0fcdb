/**
 * `ccr process-requests`: carries residents' change requests out on any ArcGIS feature
 * service (ArcGIS Online, Enterprise, the local server) through the REST API alone, with
 * analyst rights. The rules are `core/change-requests`, the same the local server applies
 * as requests arrive; this file only looks up what they need and writes what they decide.
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import {
  applyServiceEdits,
  arcgisRequest,
  queryFeaturePages,
  queryObjectIds,
  sqlString,
  type FeatureBody,
  type LayerEditsBody,
} from '../client/arcgis-request.js';
import {
  decideChangeRequest,
  decideReview,
  needsStoredCameras,
  outcomeOf,
  PENDING_REQUESTS_WHERE,
  REVIEW_DECISIONS_WHERE,
  type ChangeDecision,
  type RequestSettlement,
  type ReviewResult,
  type SiteChange,
  type Values,
} from '../core/change-requests/change-decision.js';
import { manageCodeMatches } from '../core/change-requests/manage-code-hash.js';
import { AppError, ErrorCode } from '../core/errors.js';
import type { StoredCamera } from '../core/registration/camera-changes.js';
import { normalizeReference } from '../core/registration/registration-codes.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONTACT_LOG,
  SERVICE_NAME,
  SITES,
} from '../core/schema/registry-schema.js';
import type { LayerDef } from '../core/schema/schema-types.js';
import { composeOutcomeMail } from './mail/compose-mail.js';
import { mailLanguageOf, type OutcomeNotice } from './mail/mail-messages.js';
import { addMailCounts, deliver, noMail, type Mailer, type MailCounts } from './mail/mailer.js';

/** The registry's source feature service and an analyst's (or admin's) credential for it. */
export interface RegistryService {
  /** `…/rest/services/CommunityCameras/FeatureServer` */
  readonly url: string;
  readonly authentication: IAuthenticationManager;
}

/** A progress bar, or nothing (see `progress` in the command-line kit). */
export interface ProgressSink {
  start(total: number, label: string): void;
  tick(by?: number): void;
  stop(): void;
}

export interface ProcessRequestsOptions {
  /** Residents are told outcomes through it; null counts the e-mails as not sent. */
  readonly mailer: Mailer | null;
  /** The clock (epoch ms); `Date.now` by default. */
  readonly now?: () => number;
  /** Days from a confirmation to the next due date (default: the schema's). */
  readonly confirmationIntervalDays?: number;
  /** Requests read per page. */
  readonly pageSize?: number;
  /** IANA time zone of dates in e-mails; the machine's by default. */
  readonly timeZone?: string;
  readonly progress?: ProgressSink;
  /** Stops the run between two requests (each request is carried out whole or not at all). */
  readonly signal?: AbortSignal;
}

/** What one run did; counts only (no references, no contact details). */
export interface ProcessReport {
  readonly requests: {
    applied: { update: number; reconfirm: number; withdraw: number };
    held: number;
    refused: { BAD_CODE: number; INVALID_CHANGES: number };
    /** Left pending because the service refused the edits; tried again next run. */
    failed: number;
  };
  readonly reviews: Record<ReviewResult, number> & {
    /** Left as decided because the service refused the edits; tried again next run. */
    failed: number;
  };
  readonly mail: MailCounts;
}

export function emptyReport(): ProcessReport {
  return {
    requests: {
      applied: { update: 0, reconfirm: 0, withdraw: 0 },
      held: 0,
      refused: { BAD_CODE: 0, INVALID_CHANGES: 0 },
      failed: 0,
    },
    reviews: {
      UPDATED: 0,
      REVIEW_REJECTED: 0,
      REVIEW_INVALID: 0,
      SITE_GONE: 0,
      NOT_IN_REVIEW: 0,
      failed: 0,
    },
    mail: noMail(),
  };
}

/** Requests processed in a report (review decisions aside). */
export function requestsProcessed(report: ProcessReport): number {
  const r = report.requests;
  return (
    r.applied.update +
    r.applied.reconfirm +
    r.applied.withdraw +
    r.held +
    r.refused.BAD_CODE +
    r.refused.INVALID_CHANGES
  );
}

export function reviewsCarriedOut(report: ProcessReport): number {
  const r = report.reviews;
  return r.UPDATED + r.REVIEW_REJECTED + r.REVIEW_INVALID + r.SITE_GONE + r.NOT_IN_REVIEW;
}

/**
 * Edits the service itself refused (a value, a missing row): the request is left as it was
 * and counted, and the run goes on. Anything else (no answer, signed out, no rights) stops
 * the run.
 */
function refusedByService(error: unknown): boolean {
  return (
    error instanceof AppError &&
    (error.code === ErrorCode.InvalidInput ||
      error.code === ErrorCode.Conflict ||
      error.code === ErrorCode.NotFound)
  );
}

const WGS84 = { wkid: 4326 } as const;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

class Run {
  readonly report = emptyReport();
  /** Requests this run deleted (a withdrawal takes every other request naming its site). */
  private readonly deleted = new Set<number>();
  /** References whose owner was already told of a wrong code in this run. */
  private readonly toldOfBadCode = new Set<string>();

  private readonly service: RegistryService;
  private readonly options: ProcessRequestsOptions;

  constructor(service: RegistryService, options: ProcessRequestsOptions) {
    this.service = service;
    this.options = options;
  }

  private get call() {
    return { authentication: this.service.authentication };
  }

  private layerUrl(layer: LayerDef): string {
    return `${this.service.url}/${layer.id}`;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Every site stored under a reference (one, unless the service lets duplicates in). */
  private async sitesNamed(reference: string): Promise<FeatureBody[]> {
    const sites: FeatureBody[] = [];
    for await (const page of queryFeaturePages(
      this.layerUrl(SITES),
      { where: `registration_ref = ${sqlString(reference)}`, outFields: '*' },
      this.call,
    ))
      sites.push(...page);
    return sites;
  }

  /** The site's cameras, first registered first, for a request naming single cameras. */
  private async storedCameras(
    request: { requestType: unknown; payload: unknown },
    site: Values | undefined,
  ): Promise<StoredCamera[] | undefined> {
    if (!site || !needsStoredCameras(request)) return undefined;
    const cameras: StoredCamera[] = [];
    for await (const page of queryFeaturePages(
      this.layerUrl(CAMERAS),
      { where: `site_guid = ${sqlString(text(site.GlobalID))}`, outFields: '*' },
      this.call,
    ))
      for (const camera of page)
        cameras.push({ id: camera.attributes.OBJECTID as number, attributes: camera.attributes });
    return cameras;
  }

  private requestUpdate(requestId: number, settlement: RequestSettlement): LayerEditsBody {
    return {
      id: CHANGE_REQUESTS.id,
      updates: [{ attributes: { OBJECTID: requestId, ...settlement } }],
    };
  }

  /** The edits that write a decided change to a site and its cameras. */
  private async changeEdits(site: Values, change: SiteChange): Promise<LayerEditsBody[]> {
    const siteGuid = text(site.GlobalID);
    const edits: LayerEditsBody[] = [
      {
        id: SITES.id,
        updates: [
          {
            attributes: { OBJECTID: site.OBJECTID, ...change.site },
            ...(change.location
              ? {
                  geometry: { x: change.location.x, y: change.location.y, spatialReference: WGS84 },
                }
              : {}),
          },
        ],
      },
    ];
    if (change.cameras) {
      edits.push({
        id: CAMERAS.id,
        deletes: await queryObjectIds(
          this.layerUrl(CAMERAS),
          `site_guid = ${sqlString(siteGuid)}`,
          this.call,
        ),
        adds: change.cameras.map((camera) => ({
          attributes: { ...camera.attributes, site_guid: siteGuid },
          geometry: { x: camera.location.x, y: camera.location.y, spatialReference: WGS84 },
        })),
      });
    }
    if (change.cameraEdits) {
      const point = (p: { x: number; y: number }) => ({ x: p.x, y: p.y, spatialReference: WGS84 });
      edits.push({
        id: CAMERAS.id,
        updates: change.cameraEdits.updates.map((camera) => ({
          attributes: { OBJECTID: camera.id, ...camera.attributes },
          ...(camera.location ? { geometry: point(camera.location) } : {}),
        })),
        adds: change.cameraEdits.adds.map((camera) => ({
          attributes: { ...camera.attributes, site_guid: siteGuid },
          geometry: point(camera.location),
        })),
        deletes: [...change.cameraEdits.deletes],
      });
    }
    return edits;
  }

  /**
   * The edits that withdraw a site: its cameras, contact entries and every other request
   * naming it go, then the site itself; the withdrawal request is kept, settled with its code
   * and payload wiped, as the count of withdrawals carried out. Its `registration_ref` stays:
   * a random reference that identifies no one once the site is gone.
   */
  private async withdrawalEdits(
    site: Values,
    reference: string,
    requestId: number,
    settlement: RequestSettlement,
  ): Promise<LayerEditsBody[]> {
    const bySite = `site_guid = ${sqlString(text(site.GlobalID))}`;
    const [cameras, contacts, requests] = await Promise.all([
      queryObjectIds(this.layerUrl(CAMERAS), bySite, this.call),
      queryObjectIds(this.layerUrl(CONTACT_LOG), bySite, this.call),
      queryObjectIds(
        this.layerUrl(CHANGE_REQUESTS),
        `registration_ref = ${sqlString(reference)}`,
        this.call,
      ),
    ]);
    return [
      { id: CAMERAS.id, deletes: cameras },
      { id: CONTACT_LOG.id, deletes: contacts },
      {
        ...this.requestUpdate(requestId, settlement),
        deletes: requests.filter((id) => id !== requestId),
      },
      { id: SITES.id, deletes: [site.OBJECTID as number] },
    ];
  }

  private async tell(
    site: Values | undefined,
    notice: OutcomeNotice,
    extra: readonly string[] = [],
  ): Promise<void> {
    const to = [text(site?.email), ...extra];
    const language = mailLanguageOf(site?.preferred_language);
    addMailCounts(
      this.report.mail,
      await deliver(this.options.mailer, to, () =>
        composeOutcomeMail(notice, language, { timeZone: this.options.timeZone }),
      ),
    );
  }

  /** Checks one pending request and carries out what the rules decide. */
  async pending(request: FeatureBody): Promise<void> {
    const a = request.attributes;
    const requestId = a.OBJECTID as number;
    if (this.deleted.has(requestId)) return;
    const reference = normalizeReference(text(a.registration_ref));
    const sites = await this.sitesNamed(reference);
    const site = sites.find((s) =>
      manageCodeMatches(reference, text(a.manage_code), s.attributes.manage_code_hash),
    )?.attributes;
    const now = this.now();
    const asked = { requestType: a.request_type, payload: a.payload };
    const decision = decideChangeRequest({
      request: asked,
      site,
      cameras: await this.storedCameras(asked, site),
      now,
      confirmationIntervalDays: this.options.confirmationIntervalDays,
    });
    let edits: LayerEditsBody[];
    switch (decision.action) {
      case 'withdraw':
        edits = await this.withdrawalEdits(site as Values, reference, requestId, decision.request);
        break;
      case 'reconfirm':
      case 'update':
        edits = [
          ...(await this.changeEdits(site as Values, decision.change)),
          this.requestUpdate(requestId, decision.request),
        ];
        break;
      case 'refuse':
      case 'hold':
        edits = [this.requestUpdate(requestId, decision.request)];
        break;
    }
    try {
      await applyServiceEdits(this.service.url, edits, this.call);
    } catch (error) {
      if (!refusedByService(error)) throw error;
      this.report.requests.failed += 1;
      return;
    }
    if (decision.action === 'withdraw')
      for (const layer of edits)
        if (layer.id === CHANGE_REQUESTS.id)
          for (const id of layer.deletes ?? []) this.deleted.add(id);
    this.count(decision);
    await this.notify(decision, reference, a.request_type, site, sites[0]?.attributes);
  }

  private count(decision: ChangeDecision): void {
    const outcome = outcomeOf(decision);
    const r = this.report.requests;
    if (outcome.status === 'applied') r.applied[outcome.requestType] += 1;
    else if (outcome.status === 'review') r.held += 1;
    else if (outcome.status === 'rejected' && outcome.reason !== 'RATE_LIMITED')
      r.refused[outcome.reason] += 1;
  }

  private async notify(
    decision: ChangeDecision,
    reference: string,
    requestType: unknown,
    site: Values | undefined,
    named: Values | undefined,
  ): Promise<void> {
    switch (decision.action) {
      case 'withdraw':
        return this.tell(site, { kind: 'withdrawn', reference });
      case 'reconfirm':
        return this.tell(site, {
          kind: 'reconfirmed',
          reference,
          confirmedUntil: decision.change.site.confirm_due_at as number,
        });
      case 'update':
        return this.tell(
          site,
          {
            kind: 'updated',
            reference,
            confirmedUntil: decision.change.site.confirm_due_at as number,
          },
          [text(decision.change.site.email)],
        );
      case 'hold':
        return this.tell(site, { kind: 'held', reference });
      case 'refuse':
        if (decision.reason === 'INVALID_CHANGES')
          return this.tell(site, { kind: 'refused-invalid', reference, issues: decision.issues });
        // The owner of the reference hears of a wrong code, once per run however many came.
        if (!named || this.toldOfBadCode.has(reference)) return;
        this.toldOfBadCode.add(reference);
        return this.tell(named, { kind: 'refused-code', reference, requestType });
    }
  }

  /** Carries out an analyst's decision on a held update. */
  async review(request: FeatureBody): Promise<void> {
    const a = request.attributes;
    const requestId = a.OBJECTID as number;
    if (this.deleted.has(requestId)) return;
    const reference = normalizeReference(text(a.registration_ref));
    const [found] = await this.sitesNamed(reference);
    const site = found?.attributes;
    const decision = decideReview({
      request: {
        requestType: a.request_type,
        requestStatus: a.request_status,
        result: a.result,
        payload: a.payload,
      },
      site,
      cameras: await this.storedCameras({ requestType: a.request_type, payload: a.payload }, site),
      now: this.now(),
      confirmationIntervalDays: this.options.confirmationIntervalDays,
    });
    if (!decision) return;
    const edits = [
      ...(decision.change && site ? await this.changeEdits(site, decision.change) : []),
      this.requestUpdate(requestId, decision.request),
    ];
    try {
      await applyServiceEdits(this.service.url, edits, this.call);
    } catch (error) {
      if (!refusedByService(error)) throw error;
      this.report.reviews.failed += 1;
      return;
    }
    this.report.reviews[decision.result] += 1;
    switch (decision.result) {
      case 'UPDATED':
        return this.tell(
          site,
          {
            kind: 'review-approved',
            reference,
            confirmedUntil: decision.change?.site.confirm_due_at as number,
          },
          [text(decision.change?.site.email)],
        );
      case 'REVIEW_REJECTED':
        return this.tell(site, { kind: 'review-rejected', reference });
      case 'REVIEW_INVALID':
        return this.tell(site, { kind: 'review-invalid', reference });
      case 'SITE_GONE':
      case 'NOT_IN_REVIEW':
        // Nobody to tell, or nobody proven to be the registrant.
        return;
    }
  }

  /** Every ChangeRequests row `where` selects, oldest first, each handed to `handle`. */
  async each(where: string, handle: (request: FeatureBody) => Promise<void>): Promise<void> {
    for await (const page of queryFeaturePages(
      this.layerUrl(CHANGE_REQUESTS),
      {
        where,
        outFields: [
          'registration_ref',
          'manage_code',
          'request_type',
          'payload',
          'request_status',
          'result',
        ],
        pageSize: this.options.pageSize,
      },
      this.call,
    )) {
      for (const request of page) {
        if (this.options.signal?.aborted) return;
        await handle(request);
        this.options.progress?.tick();
      }
    }
  }
}

/**
 * One pass: analysts' review decisions first, then every pending change request, oldest
 * first, each in one `applyEdits` call (all or nothing) that also wipes the request's code
 * (and payload, unless it is held for review) and records its outcome. Residents with an
 * e-mail address on file are told how their request ended.
 */
export async function processRequests(
  service: RegistryService,
  options: ProcessRequestsOptions,
): Promise<ProcessReport> {
  const run = new Run(service, options);
  const progress = options.progress;
  if (progress) {
    const call = { authentication: service.authentication };
    const url = `${service.url}/${CHANGE_REQUESTS.id}`;
    const [decided, pending] = await Promise.all([
      queryObjectIds(url, REVIEW_DECISIONS_WHERE, call),
      queryObjectIds(url, PENDING_REQUESTS_WHERE, call),
    ]);
    progress.start(decided.length + pending.length, 'Change requests');
  }
  try {
    await run.each(REVIEW_DECISIONS_WHERE, (request) => run.review(request));
    await run.each(PENDING_REQUESTS_WHERE, (request) => run.pending(request));
  } finally {
    progress?.stop();
  }
  return run.report;
}

/** `https://city.maps.arcgis.com` → `https://city.maps.arcgis.com/sharing/rest`. */
function sharingUrl(portal: string): string {
  const base = portal.replace(/\/+$/, '');
  return base.endsWith('/sharing/rest') ? base : `${base}/sharing/rest`;
}

/**
 * The registry's source service: `--service` when given (a `…/FeatureServer` URL), else the
 * one Feature Service item titled `CommunityCameras` in the signed-in user's organization
 * (views aside), found through the portal's search.
 */
export async function registryServiceUrl(
  portal: string,
  given: string | undefined,
  authentication: IAuthenticationManager,
): Promise<string> {
  if (given !== undefined) {
    const url = given.trim().replace(/\/+$/, '');
    if (!/^https?:\/\/.+\/FeatureServer$/i.test(url))
      throw new AppError(
        ErrorCode.InvalidInput,
        'Give --service as the source feature service URL (…/FeatureServer).',
        [],
        { field: 'service' },
      );
    return url;
  }
  const sharing = sharingUrl(portal);
  const notFound = (cause?: unknown) =>
    new AppError(
      ErrorCode.InvalidInput,
      `Found no single ${SERVICE_NAME} feature service in the portal; give --service URL.`,
      [],
      { field: 'service', cause },
    );
  try {
    const self = await arcgisRequest<{ id?: string }>(
      `${sharing}/portals/self`,
      {},
      { authentication, httpMethod: 'GET' },
    );
    const found = await arcgisRequest<{
      results?: { title?: string; url?: string; typeKeywords?: string[] }[];
    }>(
      `${sharing}/search`,
      {
        q: `title:"${SERVICE_NAME}" AND type:"Feature Service"${self.id ? ` AND orgid:${self.id}` : ''}`,
        num: 100,
      },
      { authentication, httpMethod: 'GET' },
    );
    const matches = (found.results ?? []).filter(
      (item) =>
        item.title === SERVICE_NAME &&
        typeof item.url === 'string' &&
        !(item.typeKeywords ?? []).includes('View Service'),
    );
    if (matches.length !== 1 || !matches[0]?.url) throw notFound();
    return matches[0].url.replace(/\/+$/, '');
  } catch (error) {
    if (error instanceof AppError && error.field === 'service') throw error;
    throw notFound(error);
  }
}
