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

/** What an error says about itself besides its code and message: data, never parsed text. */
export interface AppErrorOptions extends ErrorOptions {
  /** The parameter or attribute at fault, as named on the wire. */
  readonly field?: string;
  /** How long the caller should wait before trying again, in whole seconds. */
  readonly retryAfterSeconds?: number;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: readonly string[];
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
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
