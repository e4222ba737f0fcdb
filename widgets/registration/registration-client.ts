import {
  AppError,
  appErrorFromEditResult,
  ArcgisEditCode,
  ErrorCode,
  errorCodeFromArcgis,
  type EditResultError,
  type FieldIssue,
} from '../../src/core/errors.js';
import type { LonLat } from '../../src/core/registration/change-request.js';
import type { FormIssue, LayerAdds } from '../../src/core/registration/registration-draft.js';
import { IssueCode } from '../../src/core/validation/validate-attributes.js';
import type { Extent } from '../../src/core/schema/layer-json.js';
import { CAMERAS } from '../../src/core/schema/registry-schema.js';

/** One address the geocoder offers while the resident types. */
export interface AddressSuggestion {
  readonly text: string;
  readonly magicKey: string;
}

/** A located address. */
export interface AddressCandidate {
  readonly address: string;
  readonly point: LonLat;
  /** The geocoder's match score, 0-100. */
  readonly score: number;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
}

/**
 * What the form knows about who filled it: the honeypot's value (people leave it empty)
 * and the time spent. Sent as `ccr_hp` and `ccr_fill_ms`, which the local server checks;
 * other ArcGIS servers ignore unknown parameters.
 */
export interface FormSignals {
  readonly honeypot: string;
  readonly fillMs: number;
}

export interface EditOptions extends RequestOptions {
  readonly form?: FormSignals;
}

/** A change request as stored in the public view's ChangeRequests table. */
export interface ChangeRequest {
  readonly registrationRef: string;
  readonly manageCode: string;
  readonly requestType: 'update' | 'reconfirm' | 'withdraw';
  /** JSON text of a `ChangeRequestPayload`, or null when the request carries none. */
  readonly payload: string | null;
}

/** What the widget needs from the ArcGIS REST API; hosts may supply their own. */
export interface RegistrationClient {
  /** GeocodeServer `suggest`. */
  suggest(text: string, options?: RequestOptions): Promise<AddressSuggestion[]>;
  /** GeocodeServer `findAddressCandidates`, by the suggestion's `magicKey` or by the text alone. */
  findAddress(
    query: { readonly text: string; readonly magicKey?: string },
    options?: RequestOptions,
  ): Promise<AddressCandidate[]>;
  /** One service-level `applyEdits` with client GlobalIDs; resolves when every add succeeded. */
  register(edits: readonly LayerAdds[], options?: EditOptions): Promise<void>;
  /** Adds one ChangeRequests row; resolves when accepted (applied, or queued for processing). */
  requestChange(request: ChangeRequest, options?: EditOptions): Promise<void>;
}

/**
 * A refused request, with what the widget can act on: the field problems the service named
 * (those the form has words for) and when to try again. Both come from the answer's data,
 * never from its words.
 */
export class RequestRefused extends AppError {
  override readonly issues: readonly FormIssue[];
  constructor(
    code: ErrorCode,
    message: string,
    details: readonly string[],
    extra: { issues?: readonly FormIssue[]; retryAfterSeconds?: number } = {},
  ) {
    super(code, message, details, {
      retryAfterSeconds: extra.retryAfterSeconds,
      issues: extra.issues,
    });
    this.issues = extra.issues ?? [];
  }
}

export interface RegistrationClientOptions {
  /** The public view: `.../CommunityCameras_public/FeatureServer`. */
  readonly serviceUrl: string;
  /** A GeocodeServer: `.../GeocodeServer`. */
  readonly geocoderUrl: string;
  /** The city (WGS84): matches near its centre come first. */
  readonly searchExtent?: Extent;
  /** Transport; defaults to the page's `fetch`, looked up on every call. */
  readonly fetch?: typeof fetch;
  /** ChangeRequests layer id in the public view. */
  readonly changeRequestsLayerId?: number;
}

const KNOWN_ISSUES = new Set<string>(Object.values(IssueCode));

/**
 * ArcGIS's top-level error. Our service adds data beside the words (ArcGIS clients ignore
 * it): `retryAfter`.
 */
interface ArcgisErrorBody {
  readonly code?: number | string;
  readonly message?: string;
  readonly details?: readonly unknown[];
  readonly retryAfter?: number;
}

interface EditResultBody {
  readonly success?: boolean;
  readonly error?: EditResultError | null;
}

/** One layer's results; `id` only in a service-level answer. */
interface LayerResultsBody {
  readonly id?: number;
  readonly addResults?: readonly (EditResultBody | null)[];
}

/** The field problems of an edit result that the form has words for, named as the form names them. */
function formIssues(issues: readonly FieldIssue[] | undefined, prefix: string): FormIssue[] {
  return (issues ?? []).flatMap((issue) =>
    typeof issue.field === 'string' && KNOWN_ISSUES.has(issue.code)
      ? [
          {
            field: `${prefix}${issue.field}`,
            code: issue.code as IssueCode,
            ...(Array.isArray(issue.limit) ? { limit: issue.limit } : {}),
          },
        ]
      : [],
  );
}

/** The layers of an edit answer: a service-level array, or one layer's results. */
function layersOf(results: unknown): readonly LayerResultsBody[] {
  if (Array.isArray(results)) return results as LayerResultsBody[];
  return results && typeof results === 'object' ? [results as LayerResultsBody] : [];
}

/** Every field problem in edit results; a registration's cameras are named by position. */
function issuesOfResults(results: unknown): FormIssue[] {
  return layersOf(results).flatMap((layer) =>
    (layer.addResults ?? []).flatMap((result, index) =>
      formIssues(result?.error?.issues, layer.id === CAMERAS.id ? `cameras[${index}].` : ''),
    ),
  );
}

/** The first edit that failed on its own account (not one undone because another failed). */
function firstFailure(results: unknown): EditResultBody | undefined {
  const failed = layersOf(results)
    .flatMap((layer) => layer.addResults ?? [])
    .filter((result): result is EditResultBody => result?.success !== true);
  return failed.find((r) => r.error?.code !== ArcgisEditCode.RolledBack) ?? failed[0];
}

/**
 * Seconds to wait before trying again: a `retryAfter` in the answer's data, else the
 * `Retry-After` header (seconds or an HTTP date).
 */
function retryAfterFrom(header: string | null, fromBody: number | undefined): number | undefined {
  if (typeof fromBody === 'number' && fromBody > 0) return fromBody;
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.round((date - Date.now()) / 1000));
  }
  return undefined;
}

/** A call refused as a whole (ArcGIS's top-level error); its edits' problems come per edit. */
function refusal(error: ArcgisErrorBody, retryAfterHeader: string | null): RequestRefused {
  const code = errorCodeFromArcgis(error.code);
  const details = (error.details ?? []).filter((d): d is string => typeof d === 'string');
  return new RequestRefused(code, error.message ?? 'Request refused', details, {
    retryAfterSeconds: retryAfterFrom(retryAfterHeader, error.retryAfter),
  });
}

/** An edit the service answered for and refused: its error's data, as an AppError says it. */
function editRefusal(
  results: unknown,
  failure: EditResultBody,
  retryAfterHeader: string | null,
): RequestRefused {
  const cause = appErrorFromEditResult(failure.error);
  return new RequestRefused(cause.code, cause.message, [], {
    issues: cause.code === ErrorCode.InvalidInput ? issuesOfResults(results) : [],
    retryAfterSeconds: retryAfterFrom(retryAfterHeader, cause.retryAfterSeconds),
  });
}

/** The default client: plain `fetch` against the ArcGIS REST endpoints. */
export function createRegistrationClient(options: RegistrationClientOptions): RegistrationClient {
  const serviceUrl = options.serviceUrl.replace(/\/+$/, '');
  const geocoderUrl = options.geocoderUrl.replace(/\/+$/, '');
  const changeLayer = options.changeRequestsLayerId ?? 4;
  const transport: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function call(
    url: string,
    params: Record<string, string>,
    method: 'GET' | 'POST',
    signal: AbortSignal | undefined,
  ): Promise<{ body: unknown; retryAfter: string | null }> {
    const query = new URLSearchParams({ ...params, f: 'json' });
    let response: Response;
    try {
      response =
        method === 'GET'
          ? await transport(`${url}?${query.toString()}`, { signal })
          : await transport(url, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: query.toString(),
              signal,
            });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new AppError(ErrorCode.Network, 'No answer from the service', [], { cause: error });
    }
    const retryAfter = response.headers.get('retry-after');
    if (response.status === 429) {
      const envelope = (await response.json().catch(() => null)) as {
        error?: ArcgisErrorBody;
      } | null;
      throw refusal({ ...envelope?.error, code: 429 }, retryAfter);
    }
    if (!response.ok) {
      throw new AppError(ErrorCode.Service, `HTTP ${response.status}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new AppError(ErrorCode.Service, 'The answer was not JSON', [], { cause: error });
    }
    const envelope = (body as { error?: ArcgisErrorBody } | null)?.error;
    if (envelope) throw refusal(envelope, retryAfter);
    return { body, retryAfter };
  }

  const formParams = (form: FormSignals | undefined): Record<string, string> =>
    form ? { ccr_hp: form.honeypot, ccr_fill_ms: String(Math.round(form.fillMs)) } : {};

  // The city's centre ranks nearby matches first; it does not exclude the rest, so an
  // address just outside the city can still be found (and then gets a warning).
  const extent = options.searchExtent;
  const extentParam: Record<string, string> = extent
    ? {
        location: JSON.stringify({
          x: (extent.xmin + extent.xmax) / 2,
          y: (extent.ymin + extent.ymax) / 2,
          spatialReference: { wkid: 4326 },
        }),
      }
    : {};

  return {
    async suggest(text, requestOptions) {
      const { body } = await call(
        `${geocoderUrl}/suggest`,
        { text, maxSuggestions: '6', ...extentParam },
        'GET',
        requestOptions?.signal,
      );
      const list = (body as { suggestions?: { text?: unknown; magicKey?: unknown }[] }).suggestions;
      return (list ?? []).flatMap((s) =>
        typeof s.text === 'string' && typeof s.magicKey === 'string'
          ? [{ text: s.text, magicKey: s.magicKey }]
          : [],
      );
    },

    async findAddress(query, requestOptions) {
      const { body } = await call(
        `${geocoderUrl}/findAddressCandidates`,
        {
          SingleLine: query.text,
          ...(query.magicKey ? { magicKey: query.magicKey } : {}),
          outSR: '4326',
          outFields: 'Match_addr,Addr_type',
          maxLocations: '5',
          ...extentParam,
        },
        'GET',
        requestOptions?.signal,
      );
      const candidates = (
        body as {
          candidates?: {
            address?: unknown;
            score?: unknown;
            location?: { x?: unknown; y?: unknown };
          }[];
        }
      ).candidates;
      return (candidates ?? []).flatMap((c) =>
        typeof c.address === 'string' &&
        typeof c.score === 'number' &&
        typeof c.location?.x === 'number' &&
        typeof c.location.y === 'number'
          ? [{ address: c.address, score: c.score, point: { x: c.location.x, y: c.location.y } }]
          : [],
      );
    },

    async register(edits, requestOptions) {
      const { body, retryAfter } = await call(
        `${serviceUrl}/applyEdits`,
        {
          edits: JSON.stringify(edits),
          useGlobalIds: 'true',
          rollbackOnFailure: 'true',
          ...formParams(requestOptions?.form),
        },
        'POST',
        requestOptions?.signal,
      );
      if (!Array.isArray(body))
        throw new AppError(ErrorCode.Service, 'Unexpected applyEdits answer');
      const results = layersOf(body).flatMap((l) => l.addResults ?? []);
      const expected = edits.reduce((sum, layer) => sum + layer.adds.length, 0);
      const failure = firstFailure(body);
      if (failure) throw editRefusal(body, failure, retryAfter);
      if (results.length !== expected) {
        throw new AppError(ErrorCode.Service, 'applyEdits answered for fewer features than sent');
      }
    },

    async requestChange(request, requestOptions) {
      const attributes = {
        registration_ref: request.registrationRef,
        manage_code: request.manageCode,
        request_type: request.requestType,
        payload: request.payload,
      };
      // One row per request: a processed request is never replayed by its GlobalID.
      const { body, retryAfter } = await call(
        `${serviceUrl}/${changeLayer}/applyEdits`,
        {
          adds: JSON.stringify([{ attributes }]),
          rollbackOnFailure: 'false',
          ...formParams(requestOptions?.form),
        },
        'POST',
        requestOptions?.signal,
      );
      const result = (body as LayerResultsBody).addResults?.[0];
      if (!result) throw new AppError(ErrorCode.Service, 'No result for the change request');
      if (result.success !== true) throw editRefusal(body, result, retryAfter);
    },
  };
}
