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
    const code = response.status === 429 ? ErrorCode.RateLimited : ErrorCode.Service;
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
