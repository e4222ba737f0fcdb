import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * An app registered for OAuth 2 sign-in, as ArcGIS registers an "application" item: its
 * client id and the redirect URIs a code may be sent to.
 * https://developers.arcgis.com/rest/users-groups-and-items/authorize/
 */
export interface OAuthClient {
  readonly clientId: string;
  /** Shown on the sign-in page: who is asking the officer to sign in. */
  readonly name: string;
  /**
   * Absolute http(s) URLs, matched exactly (no prefixes, no wildcards). One exception, from
   * RFC 8252 §7.3: an `http` URI on a loopback host (`127.0.0.1`, `[::1]`, `localhost`)
   * registered without a port matches that URI on any port, for apps (and test runners) that
   * listen on a port the system picks.
   */
  readonly redirectUris: readonly string[];
}

/** Where the registrations live: `CCR_OAUTH_CLIENTS`, else `config/oauth-clients.json`. */
const REGISTRATION_FILE =
  process.env.CCR_OAUTH_CLIENTS ??
  resolve(import.meta.dirname, '../../../config/oauth-clients.json');

const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

function redirectUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || !URL.canParse(uri)) return 'is not a URL';
  const url = new URL(uri);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'is not http(s)';
  if (url.hash !== '' || uri.includes('#')) return 'has a fragment (RFC 6749 §3.1.2)';
  if (url.username !== '' || url.password !== '') return 'carries credentials';
  return undefined;
}

/** Checks a registration file's content; throws (the server does not start) on any fault. */
export function readOAuthClients(json: unknown, source = REGISTRATION_FILE): OAuthClient[] {
  const clients = (json as { clients?: unknown } | null)?.clients;
  if (!Array.isArray(clients)) throw new Error(`${source}: "clients" must be a list`);
  const seen = new Set<string>();
  return clients.map((raw: unknown, index) => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const { clientId, name, redirectUris } = entry;
    const where = `${source}: clients[${index}]`;
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId))
      throw new Error(`${where}.clientId must be 1-64 letters, digits, '.', '_' or '-'`);
    if (seen.has(clientId)) throw new Error(`${where}.clientId ${clientId} is registered twice`);
    seen.add(clientId);
    if (typeof name !== 'string' || name.trim() === '')
      throw new Error(`${where}.name must be a non-empty string`);
    if (!Array.isArray(redirectUris) || redirectUris.length === 0)
      throw new Error(`${where}.redirectUris must be a non-empty list`);
    for (const uri of redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new Error(`${where}.redirectUris: ${String(uri)} ${problem}`);
    }
    return { clientId, name: name.trim(), redirectUris: [...(redirectUris as string[])] };
  });
}

/** The registered apps, read once at start-up. */
export const OAUTH_CLIENTS: readonly OAuthClient[] = readOAuthClients(
  JSON.parse(readFileSync(REGISTRATION_FILE, 'utf8')) as unknown,
);

export function findOAuthClient(clientId: string | undefined): OAuthClient | undefined {
  return clientId === undefined ? undefined : OAUTH_CLIENTS.find((c) => c.clientId === clientId);
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether `uri` is one of the client's redirect URIs, character for character, or a loopback
 * URI registered without its port (see {@link OAuthClient.redirectUris}).
 */
export function isRegisteredRedirect(client: OAuthClient, uri: string | undefined): boolean {
  if (uri === undefined) return false;
  if (client.redirectUris.includes(uri)) return true;
  if (!URL.canParse(uri)) return false;
  const url = new URL(uri);
  // Only a URI already in its normal form, so no second spelling of it gets through.
  if (url.href !== uri || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname))
    return false;
  if (url.port === '') return false;
  url.port = '';
  return client.redirectUris.includes(url.href);
}
