import { AppError, ARCGIS_ERROR_CODE, ErrorCode } from '../core/errors.js';

export interface ArcgisErrorEnvelope {
  error: {
    code: number;
    message: string;
    details: readonly string[];
    messageCode?: string;
    retryAfter?: number;
    /** The parameter at fault, as named on the wire. */
    field?: string;
  };
}

/**
 * The one place a failure becomes ArcGIS's error envelope. Callers answer HTTP 200:
 * ArcGIS clients read failures from the body. Unexpected errors are logged (without
 * request data) and reported without a stack or internal text.
 */
export function toArcgisError(error: unknown, log: (error: unknown) => void): ArcgisErrorEnvelope {
  if (error instanceof AppError) {
    const envelope: ArcgisErrorEnvelope = {
      error: {
        code: ARCGIS_ERROR_CODE[error.code],
        message: error.message,
        details: error.details,
      },
    };
    if (error.code === ErrorCode.AuthRequired) envelope.error.messageCode = 'GWM_0003';
    // The wait as data beside the words (and in the Retry-After header); ArcGIS clients ignore it.
    if (error.retryAfterSeconds !== undefined) envelope.error.retryAfter = error.retryAfterSeconds;
    if (error.field !== undefined) envelope.error.field = error.field;
    return envelope;
  }
  log(error);
  return { error: { code: 500, message: 'Unable to complete operation.', details: [] } };
}

export const tokenRequired = (): AppError =>
  new AppError(ErrorCode.AuthRequired, 'Token Required', ['Token Required']);

export const notPermitted = (what: string): AppError =>
  new AppError(
    ErrorCode.Forbidden,
    'You do not have permissions to access this resource or perform this operation.',
    [what],
  );

export const notFound = (what: string): AppError =>
  new AppError(ErrorCode.NotFound, 'Service not found or not accessible.', [what]);
