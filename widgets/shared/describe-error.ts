import { AppError, ErrorCode } from '../../src/core/errors.js';
import type { Locale } from './locale.js';

/** Plain words for every error code, plus `UNKNOWN` for anything that is not an AppError. */
export type ErrorMessages = Readonly<Record<ErrorCode | 'UNKNOWN', string>>;

/** Default wording in every language the widgets speak; widgets may override any entry. */
export const ERROR_MESSAGES: Readonly<Record<Locale, ErrorMessages>> = {
  en: {
    INVALID_INPUT: 'Some of the information could not be accepted. Check it and try again.',
    NOT_FOUND: 'The service could not find what was asked for. Please try again later.',
    AUTH_REQUIRED: 'Please sign in to continue.',
    INVALID_TOKEN: 'Your sign-in has expired. Please sign in again.',
    FORBIDDEN: 'You do not have permission to do this.',
    RATE_LIMITED: 'There have been too many attempts. Please wait a few minutes and try again.',
    CONFLICT: 'Someone else changed this at the same time. Please try again.',
    TOO_LARGE: 'That is more than can be sent at once. Please shorten it and try again.',
    SERVICE_ERROR: 'The service had a problem. Please try again in a moment.',
    NETWORK_ERROR: 'We could not reach the service. Check your connection and try again.',
    UNKNOWN: 'Something went wrong. Please try again.',
  },
  es: {
    INVALID_INPUT: 'No se pudo aceptar parte de la información. Revísela e inténtelo de nuevo.',
    NOT_FOUND: 'El servicio no encontró lo que se pidió. Inténtelo de nuevo más tarde.',
    AUTH_REQUIRED: 'Inicie sesión para continuar.',
    INVALID_TOKEN: 'Su sesión ha vencido. Vuelva a iniciar sesión.',
    FORBIDDEN: 'No tiene permiso para hacer esto.',
    RATE_LIMITED: 'Ha habido demasiados intentos. Espere unos minutos e inténtelo de nuevo.',
    CONFLICT: 'Otra persona cambió esto al mismo tiempo. Inténtelo de nuevo.',
    TOO_LARGE: 'Es más de lo que se puede enviar de una vez. Acórtelo e inténtelo de nuevo.',
    SERVICE_ERROR: 'El servicio tuvo un problema. Inténtelo de nuevo en un momento.',
    NETWORK_ERROR:
      'No pudimos comunicarnos con el servicio. Revise su conexión e inténtelo de nuevo.',
    UNKNOWN: 'Algo salió mal. Inténtelo de nuevo.',
  },
};

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * The error code behind any failure: an AppError's own code, NETWORK_ERROR for a fetch
 * that never got an answer (a `TypeError` from `fetch`), UNKNOWN otherwise.
 */
export function errorCodeOf(error: unknown): ErrorCode | 'UNKNOWN' {
  if (error instanceof AppError && KNOWN_CODES.has(error.code)) return error.code;
  if (error instanceof TypeError) return ErrorCode.Network;
  return 'UNKNOWN';
}

/**
 * What went wrong, in words a resident or officer can act on. Server text never reaches
 * the screen: only the code is read.
 */
export function describeError(error: unknown, messages: ErrorMessages): string {
  return messages[errorCodeOf(error)];
}
