/**
 * One error vocabulary from SQLite to screen. Server handlers throw {@link AppError};
 * the server maps it to ArcGIS's `{ error: { code, message, details } }` envelope and
 * the client maps envelopes back (see arcgis-rest-js `checkForErrors`).
 */
export const ErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  NotFound: 'NOT_FOUND',
  AuthRequired: 'AUTH_REQUIRED',
  InvalidToken: 'INVALID_TOKEN',
  Forbidden: 'FORBIDDEN',
  RateLimited: 'RATE_LIMITED',
  Conflict: 'CONFLICT',
  TooLarge: 'TOO_LARGE',
  Service: 'SERVICE_ERROR',
  Network: 'NETWORK_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The numeric code ArcGIS puts in its error envelope for each of our codes. */
export const ARCGIS_ERROR_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  AUTH_REQUIRED: 499,
  INVALID_TOKEN: 498,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  CONFLICT: 409,
  TOO_LARGE: 413,
  SERVICE_ERROR: 500,
  NETWORK_ERROR: 502,
};

/**
 * One problem with one field, as the validator names it (`{ field: 'phone', code:
 * 'INVALID_PHONE' }`): carried as data from the validator to the wire to the widget.
 */
export interface FieldIssue {
  /** The attribute (or parameter) at fault; `cameras[1].label` inside a change payload. */
  readonly field: string;
  /** An `IssueCode`, or an edit rule's code such as `CAMERA_REQUIRED`. */
  readonly code: string;
  /** The limit that was broken (length, range bounds). */
  readonly limit?: readonly number[];
  /** The layer a problem with a whole call concerns (`CAMERA_REQUIRED` names Cameras). */
  readonly layerId?: number;
}

/** What an error says about itself besides its code and message: data, never parsed text. */
export interface AppErrorOptions extends ErrorOptions {
  /** The parameter or attribute at fault, as named on the wire. */
  readonly field?: string;
  /** How long the caller should wait before trying again, in whole seconds. */
  readonly retryAfterSeconds?: number;
  /** Every field problem found, for a refusal of the values sent. */
  readonly issues?: readonly FieldIssue[];
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: readonly string[];
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly issues: readonly FieldIssue[];
  constructor(
    code: ErrorCode,
    message: string,
    details: readonly string[] = [],
    options?: AppErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.field = options?.field;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.issues = options?.issues ?? [];
  }
}

/** Maps an ArcGIS envelope code back to ours (498/499 are the token codes). */
export function errorCodeFromArcgis(code: number | string | undefined): ErrorCode {
  const numeric = typeof code === 'string' ? Number.parseInt(code, 10) : code;
  for (const [ours, theirs] of Object.entries(ARCGIS_ERROR_CODE)) {
    if (theirs === numeric) return ours as ErrorCode;
  }
  return ErrorCode.Service;
}

/**
 * The numbers ArcGIS puts in a failed edit result's `error.code`, from its table of feature
 * service error codes.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/feature-service-error-codes/
 */
export const ArcgisEditCode = {
  /** Non-specific edit content error. */
  General: 1000,
  /** Operation rolled back: this edit was not applied because another one failed. */
  RolledBack: 1003,
  /** Object is missing. */
  ObjectMissing: 1011,
  /** Geometry could not be set. */
  GeometryNotSet: 1015,
  /** Internal error during object update: ArcGIS's code for an update a rule refused. */
  UpdateRefused: 1019,
  /** Missing GlobalID. */
  MissingGlobalId: 1020,
  /** Unique constraint violation error on inserting the value. */
  Duplicate: 1022,
} as const;
export type ArcgisEditCode = (typeof ArcgisEditCode)[keyof typeof ArcgisEditCode];

/**
 * The `error` of a failed edit result: ArcGIS's `code` and `description`, then what our
 * widgets read instead of the words (ArcGIS clients ignore keys they do not know).
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/edit-result-object/
 */
export interface EditResultError {
  readonly code: number;
  /** Plain English, for people reading the response; never parsed. */
  readonly description: string;
  /** Our {@link ErrorCode} for the failure. */
  readonly appCode?: string;
  /** The attribute at fault, when there is one. */
  readonly field?: string;
  /** Every field problem, for a refusal of the values sent. */
  readonly issues?: readonly FieldIssue[];
  /** Seconds to wait before trying again. */
  readonly retryAfter?: number;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** The AppError a failed edit result stands for: its data, not its words. */
export function appErrorFromEditResult(error: EditResultError | null | undefined): AppError {
  if (!error) return new AppError(ErrorCode.Service, 'The edit failed without an error.');
  const code =
    error.appCode !== undefined && KNOWN_CODES.has(error.appCode)
      ? (error.appCode as ErrorCode)
      : errorCodeFromArcgis(error.code);
  return new AppError(code, error.description, [], {
    field: error.field,
    retryAfterSeconds: error.retryAfter,
    issues: error.issues,
  });
}
