import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import {
  arcgisRequest,
  firstFailedEdit,
  layersOf,
  type EditResultBody,
  type LayerResultsBody,
} from '../../src/client/arcgis-request.js';
import {
  AppError,
  appErrorFromEditResult,
  ErrorCode,
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
  /** ChangeRequests layer id in the public view. */
  readonly changeRequestsLayerId?: number;
  /**
   * Signs the feature service's requests (staff entering a registration through the source
   * service); the geocoder is always called without it. None for residents.
   */
  readonly authentication?: IAuthenticationManager | null;
}

const KNOWN_ISSUES = new Set<string>(Object.values(IssueCode));

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

/** Every field problem in edit results; a registration's cameras are named by position. */
function issuesOfResults(results: unknown): FormIssue[] {
  return layersOf(results).flatMap((layer) =>
    (layer.addResults ?? []).flatMap((result, index) =>
      formIssues(result?.error?.issues, layer.id === CAMERAS.id ? `cameras[${index}].` : ''),
    ),
  );
}

/** A call refused as a whole: the shared client's error, as the form reads it. */
function refusal(error: unknown): unknown {
  if (!(error instanceof AppError) || error.code === ErrorCode.Network) return error;
  return new RequestRefused(error.code, error.message, error.details, {
    retryAfterSeconds: error.retryAfterSeconds,
  });
}

/** An edit the service answered for and refused: its error's data, as an AppError says it. */
function editRefusal(results: unknown, failure: EditResultBody): RequestRefused {
  const cause = appErrorFromEditResult(failure.error);
  return new RequestRefused(cause.code, cause.message, [], {
    issues: cause.code === ErrorCode.InvalidInput ? issuesOfResults(results) : [],
    retryAfterSeconds: cause.retryAfterSeconds,
  });
}

/** The default client: the shared ArcGIS request layer (arcgis-rest-js), anonymous unless given a credential. */
export function createRegistrationClient(options: RegistrationClientOptions): RegistrationClient {
  const serviceUrl = options.serviceUrl.replace(/\/+$/, '');
  const geocoderUrl = options.geocoderUrl.replace(/\/+$/, '');
  const changeLayer = options.changeRequestsLayerId ?? 4;
  async function call(
    url: string,
    params: Record<string, string>,
    method: 'GET' | 'POST',
    signal: AbortSignal | undefined,
    authentication: IAuthenticationManager | null = null,
  ): Promise<unknown> {
    try {
      return await arcgisRequest<unknown>(url, params, {
        httpMethod: method,
        signal,
        authentication,
      });
    } catch (error) {
      throw refusal(error);
    }
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
      const body = await call(
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
      const body = await call(
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
      const body = await call(
        `${serviceUrl}/applyEdits`,
        {
          edits: JSON.stringify(edits),
          useGlobalIds: 'true',
          rollbackOnFailure: 'true',
          ...formParams(requestOptions?.form),
        },
        'POST',
        requestOptions?.signal,
        options.authentication,
      );
      if (!Array.isArray(body))
        throw new AppError(ErrorCode.Service, 'Unexpected applyEdits answer');
      const results = layersOf(body).flatMap((l) => l.addResults ?? []);
      const expected = edits.reduce((sum, layer) => sum + layer.adds.length, 0);
      const failure = firstFailedEdit(body);
      if (failure) throw editRefusal(body, failure);
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
      const body = await call(
        `${serviceUrl}/${changeLayer}/applyEdits`,
        {
          adds: JSON.stringify([{ attributes }]),
          rollbackOnFailure: 'false',
          ...formParams(requestOptions?.form),
        },
        'POST',
        requestOptions?.signal,
        options.authentication,
      );
      const result = (body as LayerResultsBody).addResults?.[0];
      if (!result) throw new AppError(ErrorCode.Service, 'No result for the change request');
      if (result.success !== true) throw editRefusal(body, result);
    },
  };
}
