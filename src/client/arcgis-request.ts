/**
 * The one way our code talks to an ArcGIS REST endpoint, in the widgets and in `ccr` alike:
 * arcgis-rest-js's `request`, with every failure turned into an {@link AppError} whose data
 * (code, field, issues, retry time) comes from the answer's data, never from its words.
 */
import {
  request,
  type IAuthenticationManager,
  type IRequestOptions,
} from '@esri/arcgis-rest-request';
import {
  AppError,
  appErrorFromEditResult,
  ArcgisEditCode,
  ErrorCode,
  errorCodeFromArcgis,
  type EditResultError,
  type FieldIssue,
} from '../core/errors.js';

export interface CallOptions {
  /** The signed-in user's credential; none for anonymous calls. */
  readonly authentication?: IAuthenticationManager | null;
  readonly httpMethod?: 'GET' | 'POST';
  readonly signal?: AbortSignal;
}

/** ArcGIS's top-level error, with the data our service puts beside the words. */
interface ErrorBody {
  readonly code?: number | string;
  readonly message?: string;
  readonly details?: readonly unknown[];
  readonly issues?: readonly FieldIssue[];
  readonly retryAfter?: number;
}

/**
 * Seconds to wait before trying again: a `retryAfter` in the answer's data, else the
 * `Retry-After` header (seconds or an HTTP date).
 */
export function retryAfterSeconds(
  header: string | null | undefined,
  fromBody: number | undefined,
  now: number = Date.now(),
): number | undefined {
  if (typeof fromBody === 'number' && fromBody > 0) return fromBody;
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.round((date - now) / 1000));
  }
  return undefined;
}

function isResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers?.get === 'function'
  );
}

/**
 * Turns whatever a request threw into an `AppError` (an abort passes through unchanged):
 * ArcGIS's error envelope by its code and data, an HTTP failure by its status (429 with its
 * `Retry-After`), a failed fetch as a network error.
 */
export function toAppError(error: unknown): Error {
  if (error instanceof AppError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const thrown = error as { response?: unknown; code?: unknown } | null;
  const response = thrown?.response;
  if (isResponse(response)) {
    const retry = retryAfterSeconds(response.headers.get('retry-after'), undefined);
    const code =
      response.status === 429
        ? ErrorCode.RateLimited
        : response.status === 413
          ? ErrorCode.TooLarge
          : ErrorCode.Service;
    return new AppError(code, `HTTP ${response.status}`, [], {
      cause: error,
      retryAfterSeconds: retry,
    });
  }
  const body = (response as { error?: ErrorBody } | null | undefined)?.error;
  const raw = body?.code ?? (typeof thrown?.code === 'number' ? thrown.code : undefined);
  if (raw !== undefined) {
    const details = (body?.details ?? []).filter((d): d is string => typeof d === 'string');
    return new AppError(errorCodeFromArcgis(raw), body?.message ?? `ArcGIS error ${raw}`, details, {
      cause: error,
      issues: body?.issues,
      retryAfterSeconds: retryAfterSeconds(undefined, body?.retryAfter),
    });
  }
  if (typeof thrown?.code === 'string' && thrown.code.startsWith('HTTP '))
    return new AppError(ErrorCode.Service, thrown.code, [], { cause: error });
  if (error instanceof TypeError)
    return new AppError(ErrorCode.Network, 'No answer from the service', [], { cause: error });
  return new AppError(ErrorCode.Service, 'Unexpected failure', [], { cause: error });
}

/** One call to an ArcGIS REST endpoint (`f=json`); failures as {@link toAppError} says. */
export async function arcgisRequest<T>(
  url: string,
  params: Record<string, unknown>,
  options: CallOptions = {},
): Promise<T> {
  const requestOptions: IRequestOptions = {
    params,
    httpMethod: options.httpMethod ?? 'POST',
    ...(options.authentication ? { authentication: options.authentication } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    return (await request(url, requestOptions)) as T;
  } catch (error) {
    throw toAppError(error);
  }
}

/** One edit's result as ArcGIS shapes it. */
export interface EditResultBody {
  readonly objectId?: number;
  readonly globalId?: string | null;
  readonly success?: boolean;
  readonly error?: EditResultError | null;
}

/** One layer's results; `id` only in a service-level answer. */
export interface LayerResultsBody {
  readonly id?: number;
  readonly addResults?: readonly (EditResultBody | null)[];
  readonly updateResults?: readonly (EditResultBody | null)[];
  readonly deleteResults?: readonly (EditResultBody | null)[];
}

/** The layers of an edit answer: a service-level array, or one layer's results. */
export function layersOf(answer: unknown): readonly LayerResultsBody[] {
  if (Array.isArray(answer)) return answer as LayerResultsBody[];
  return answer && typeof answer === 'object' ? [answer as LayerResultsBody] : [];
}

/**
 * The first edit that failed on its own account (not one undone because another failed), or
 * the first failed edit at all; undefined when every edit succeeded.
 */
export function firstFailedEdit(answer: unknown): EditResultBody | undefined {
  const failed = layersOf(answer)
    .flatMap((layer) => [
      ...(layer.addResults ?? []),
      ...(layer.updateResults ?? []),
      ...(layer.deleteResults ?? []),
    ])
    .filter((result): result is EditResultBody => result?.success !== true);
  return failed.find((r) => r.error?.code !== ArcgisEditCode.RolledBack) ?? failed[0];
}

/** Throws the first failed edit's error as an `AppError`; returns the answer when all succeeded. */
export function requireEditsApplied<T>(answer: T): T {
  const failure = firstFailedEdit(answer);
  if (failure) throw appErrorFromEditResult(failure.error ?? undefined);
  return answer;
}

/** A text value as a where-clause literal: in single quotes, any quote in it doubled. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A time as a standardized-SQL timestamp literal (UTC, whole seconds, rounded up). */
export function sqlTimestamp(epochMs: number): string {
  const text = new Date(Math.ceil(epochMs / 1000) * 1000).toISOString();
  return `timestamp '${text.slice(0, 10)} ${text.slice(11, 19)}'`;
}

/** One feature of a query answer. */
export interface FeatureBody {
  readonly attributes: Record<string, string | number | null>;
  readonly geometry?: unknown;
}

export interface PagedQuery {
  readonly where: string;
  readonly outFields: readonly string[] | '*';
  readonly returnGeometry?: boolean;
  /** Features asked for per page; the service may send fewer (its `maxRecordCount`). */
  readonly pageSize?: number;
  /** The layer's object-id field. */
  readonly objectIdField?: string;
  /** Well-known ID of the spatial reference geometry comes back in (the layer's own if none). */
  readonly outSR?: number;
}

/**
 * Every feature of a layer that `where` matches, a page at a time, in object-id order. Pages
 * follow on from the last object id seen rather than an offset, so features the caller
 * changes or deletes between pages neither shift nor repeat the rest.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/query-feature-service-layer/
 */
export async function* queryFeaturePages(
  layerUrl: string,
  query: PagedQuery,
  options: CallOptions = {},
): AsyncGenerator<readonly FeatureBody[]> {
  const id = query.objectIdField ?? 'OBJECTID';
  const pageSize = query.pageSize ?? 500;
  const outFields =
    query.outFields === '*' ? '*' : [...new Set([id, ...query.outFields])].join(',');
  let after: number | undefined;
  for (;;) {
    const answer = await arcgisRequest<{
      features?: FeatureBody[];
      exceededTransferLimit?: boolean;
    }>(
      `${layerUrl}/query`,
      {
        where: after === undefined ? `(${query.where})` : `(${query.where}) AND ${id} > ${after}`,
        outFields,
        returnGeometry: query.returnGeometry ?? false,
        ...(query.outSR === undefined ? {} : { outSR: query.outSR }),
        orderByFields: `${id} ASC`,
        resultRecordCount: pageSize,
      },
      options,
    );
    const features = answer.features ?? [];
    if (features.length === 0) return;
    yield features;
    const last = features.at(-1)?.attributes[id];
    if (typeof last !== 'number') return;
    after = last;
    if (features.length < pageSize && answer.exceededTransferLimit !== true) return;
  }
}

/** The object ids of a layer's features that `where` matches (`returnIdsOnly`). */
export async function queryObjectIds(
  layerUrl: string,
  where: string,
  options: CallOptions = {},
): Promise<number[]> {
  const answer = await arcgisRequest<{ objectIds?: number[] | null }>(
    `${layerUrl}/query`,
    { where, returnIdsOnly: true },
    options,
  );
  return [...(answer.objectIds ?? [])].sort((a, b) => a - b);
}

/** One layer's part of a service-level `applyEdits` call. */
export interface LayerEditsBody {
  readonly id: number;
  readonly adds?: readonly unknown[];
  readonly updates?: readonly unknown[];
  readonly deletes?: readonly number[];
}

/**
 * Edits across the layers of one feature service as one transaction
 * (`rollbackOnFailure=true`): all are applied or none. Layers are sent in the order given
 * (children before their parent when deleting both); layers without edits are left out.
 * Throws the first failed edit's error (see {@link requireEditsApplied}).
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/apply-edits-feature-service/
 */
export async function applyServiceEdits(
  serviceUrl: string,
  edits: readonly LayerEditsBody[],
  options: CallOptions = {},
): Promise<readonly LayerResultsBody[]> {
  const layers = edits.filter(
    (e) => (e.adds?.length ?? 0) + (e.updates?.length ?? 0) + (e.deletes?.length ?? 0) > 0,
  );
  if (layers.length === 0) return [];
  const answer = await arcgisRequest<unknown>(
    `${serviceUrl}/applyEdits`,
    {
      edits: JSON.stringify(
        layers.map((e) => ({
          id: e.id,
          ...(e.adds?.length ? { adds: e.adds } : {}),
          ...(e.updates?.length ? { updates: e.updates } : {}),
          ...(e.deletes?.length ? { deletes: e.deletes } : {}),
        })),
      ),
      rollbackOnFailure: true,
    },
    options,
  );
  return layersOf(requireEditsApplied(answer));
}

/** How {@link retryWhenRateLimited} waits and how often it tries again. */
export interface RateLimitRetry {
  /** Tries after the first; default 3. */
  readonly retries?: number;
  /** Longest wait between tries, in seconds; a longer `retryAfterSeconds` fails at once. Default 120. */
  readonly maxWaitSeconds?: number;
  /** Waits this long (tests pass a fake clock). */
  readonly sleep?: (seconds: number) => Promise<void>;
}

const sleepSeconds = (seconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Runs `work`, and again after the wait the service asked for when it answers
 * `RATE_LIMITED` (a 429 or ArcGIS's rate-limit code, with its `retryAfterSeconds`); any other
 * failure, or a rate limit beyond the retries, is thrown as it came.
 */
export async function retryWhenRateLimited<T>(
  work: () => Promise<T>,
  options: RateLimitRetry = {},
): Promise<T> {
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? sleepSeconds;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const wait = error instanceof AppError ? error.retryAfterSeconds : undefined;
      if (
        !(error instanceof AppError) ||
        error.code !== ErrorCode.RateLimited ||
        attempt >= retries ||
        (wait ?? 1) > (options.maxWaitSeconds ?? 120)
      )
        throw error;
      await sleep(wait ?? 1);
    }
  }
}
