/**
 * The link in a re-confirmation reminder: the city's manage-form page with the registration
 * reference filled in (`?ref=7K3M-9QXP-3HTD`). Never the manage code: a link travels through
 * mail servers, browser histories and shared screens.
 */
import { normalizeReference } from '../registration/registration-codes.js';

/** The query parameter that carries the reference. */
export const REFERENCE_PARAMETER = 'ref';

// Crockford base32 without I, L, O, U: three groups of four (as the schema's `reference` format).
const REFERENCE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * `pageUrl` with `ref=<reference>` added to its query (before any `#fragment`); a `ref`
 * already there is replaced.
 */
export function manageLink(pageUrl: string, reference: string): string {
  const hashAt = pageUrl.indexOf('#');
  const fragment = hashAt === -1 ? '' : pageUrl.slice(hashAt);
  const beforeFragment = hashAt === -1 ? pageUrl : pageUrl.slice(0, hashAt);
  const queryAt = beforeFragment.indexOf('?');
  const path = queryAt === -1 ? beforeFragment : beforeFragment.slice(0, queryAt);
  const kept = (queryAt === -1 ? '' : beforeFragment.slice(queryAt + 1))
    .split('&')
    .filter((pair) => pair !== '' && parameterName(pair) !== REFERENCE_PARAMETER);
  kept.push(`${REFERENCE_PARAMETER}=${encodeURIComponent(normalizeReference(reference))}`);
  return `${path}?${kept.join('&')}${fragment}`;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function parameterName(pair: string): string | undefined {
  const equals = pair.indexOf('=');
  return decode(equals === -1 ? pair : pair.slice(0, equals));
}

/**
 * The registration reference a manage link carries, from a page's query string
 * (`location.search`, with or without its `?`), normalized as the form normalizes what is
 * typed; empty when there is none or it cannot be a reference.
 */
export function referenceFromQuery(search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  for (const pair of query.split('&')) {
    if (parameterName(pair) !== REFERENCE_PARAMETER) continue;
    const equals = pair.indexOf('=');
    const value = equals === -1 ? '' : (decode(pair.slice(equals + 1)) ?? '');
    const reference = normalizeReference(value);
    return REFERENCE.test(reference) ? reference : '';
  }
  return '';
}
