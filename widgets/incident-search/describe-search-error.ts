import { ErrorCode } from '../../src/core/errors.js';
import { describeError, errorCodeOf } from '../shared/describe-error.js';
import type { IncidentSearchMessages } from './cam-incident-search.messages.js';

/** Whether a failure means the officer must sign in (again): 498 or 499 from the service. */
export function needsSignIn(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === ErrorCode.InvalidToken || code === ErrorCode.AuthRequired;
}

/**
 * The words an officer sees for a failure, in the search's own wording. Only the code picks
 * the text: server messages and stacks never reach the screen.
 */
export function describeSearchError(error: unknown, messages: IncidentSearchMessages): string {
  return describeError(error, { ...messages.errors, UNKNOWN: messages.unknownError });
}
