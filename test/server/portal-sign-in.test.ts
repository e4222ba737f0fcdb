/**
 * The server as the portal that ArcGIS clients sign in to: `portals/self` and
 * `sharing/rest/info`, generateToken's server-token exchange (`request=getToken&serverUrl=…
 * &token=…`), and OAuth 2 with PKCE (`oauth2/authorize`, `oauth2/token`,
 * `oauth2/revokeToken`), over real HTTP, ending each time in an officer-view query.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/portal-self/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/generate-token/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/authorize/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/token/
 */
import { queryFeatures, type IQueryFeaturesResponse } from '@esri/arcgis-rest-feature-service';
import { ArcGISIdentityManager, type IExtent } from '@esri/arcgis-rest-request';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_POLICY, type TokenPolicy } from '../../src/server/auth/accounts.js';
import { OAUTH_LIFETIMES } from '../../src/server/auth/oauth.js';
import { ROUTES } from '../../src/server/routes/index.js';
import { securityEvents } from '../../src/server/security/security-events.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

/** Moves the server's token clock (codes, tokens, refresh tokens) without sleeping. */
let skewMs = 0;
const POLICY: TokenPolicy = { ...DEFAULT_TOKEN_POLICY, now: () => Date.now() + skewMs };

const CLIENT = 'ccr-test-client';
const REDIRECT = 'https://officer-app.example/oauth-callback.html';
const OTHER_REDIRECT = 'https://officer-app.example/other-callback.html';
const AUTHORIZE = '/arcgis/sharing/rest/oauth2/authorize';
const TOKEN = '/arcgis/sharing/rest/oauth2/token';
const GENERATE = '/arcgis/sharing/rest/generateToken';
const OFFICER_LAYER = '/arcgis/rest/services/CommunityCameras_officer/FeatureServer/1';
/** Officers search an area: a part of the demo town. */
const AREA = { geometry: '-94.43,39.07,-94.40,39.09', geometryType: 'esriGeometryEnvelope' };
const ENVELOPE: IExtent = { xmin: -94.43, ymin: 39.07, xmax: -94.4, ymax: 39.09 };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ sites: 30, tokenPolicy: POLICY });
});
afterAll(() => server?.close());

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** One HTTP request, redirects not followed, from a chosen loopback address if given. */
function call(
  path: string,
  options: {
    readonly form?: Record<string, string | undefined>;
    readonly query?: Record<string, string | undefined>;
    readonly from?: string;
    readonly headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const url = new URL(path, server.url);
  for (const [name, value] of Object.entries(options.query ?? {}))
    if (value !== undefined) url.searchParams.set(name, value);
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(options.form ?? {}))
    if (value !== undefined) form.set(name, value);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: options.form ? 'POST' : 'GET',
        agent: false,
        ...(options.from ? { localAddress: options.from } : {}),
        headers: {
          ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...options.headers,
        },
      },
      (incoming) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (text += chunk));
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.form ? form.toString() : undefined);
  });
}

type Json = Record<string, unknown> & {
  error?: { code: number; message: string; details: string[]; error?: string };
};

async function json(path: string, options: Parameters<typeof call>[1] = {}): Promise<Json> {
  const answer = await call(path, options);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(answer.text) as Json;
}

async function passwordToken(
  username = 'officer1',
  extra: Record<string, string> = {},
): Promise<{ token: string; expires: number }> {
  const body = await json(GENERATE, {
    form: { username, password: TEST_PASSWORD, f: 'json', ...extra },
  });
  expect(body.error).toBeUndefined();
  return body as unknown as { token: string; expires: number };
}

/** Cameras in the officer view within the area, with `token`, or the error code. */
async function officerCount(token: string, headers: Record<string, string> = {}) {
  const body = await json(OFFICER_LAYER + '/query', {
    form: { f: 'json', returnCountOnly: 'true', token, ...AREA },
    headers,
  });
  return body.error ? body.error.code : (body.count as number);
}

let expectedCount = 0;
beforeAll(async () => {
  expectedCount = (await officerCount((await passwordToken()).token)) as number;
  expect(expectedCount).toBeGreaterThan(0);
});

describe('portals/self', () => {
  it('describes the portal to anonymous callers, with the fields the SDKs read', async () => {
    const self = await json('/arcgis/sharing/rest/portals/self', { query: { f: 'json' } });
    expect(self).toMatchObject({
      isPortal: true,
      portalMode: 'singletenant',
      supportsOAuth: true,
      allSSL: false,
      currentVersion: '11.3',
      helperServices: {
        geocode: [
          {
            url: `${server.url}/arcgis/rest/services/Geocode/GeocodeServer`,
            placefinding: true,
            suggest: true,
          },
        ],
      },
    });
    expect(self).not.toHaveProperty('user');
    // A single-tenant portal has no ArcGIS Online organisation key or base URL.
    expect(self).not.toHaveProperty('urlKey');
    expect(self).not.toHaveProperty('customBaseUrl');
  });

  it('adds the user when a token comes with the request, and refuses a bad one with 498', async () => {
    const { token } = await passwordToken('officer1');
    const self = await json('/arcgis/sharing/rest/portals/self', { query: { f: 'json', token } });
    expect(self.user).toEqual({
      username: 'officer1',
      fullName: 'Demo Officer',
      role: 'org_user',
      privileges: [],
      groups: [],
    });
    const forged = await json('/arcgis/sharing/rest/portals/self', {
      query: { f: 'json', token: 'forged' },
    });
    expect(forged.error?.code).toBe(498);
  });

  it('advertises the server from configuration, never from the Host header', async () => {
    const info = await json('/arcgis/sharing/rest/info', {
      query: { f: 'json' },
      headers: { host: 'evil.example' },
    });
    expect(info).toEqual({
      owningSystemUrl: `${server.url}/arcgis`,
      authInfo: {
        isTokenBasedSecurity: true,
        tokenServicesUrl: `${server.url}/arcgis/sharing/rest/generateToken`,
      },
    });
    const self = await call('/arcgis/sharing/rest/portals/self?f=json', {
      headers: { host: 'evil.example' },
    });
    expect(self.text).not.toContain('evil.example');
  });
});

describe('generateToken: a server token for a portal token', () => {
  const exchange = (token: string, extra: Record<string, string> = {}) =>
    json(GENERATE, {
      form: {
        request: 'getToken',
        serverUrl: `${server.url}${OFFICER_LAYER}`,
        token,
        f: 'json',
        ...extra,
      },
    });

  it('issues a token for the same user that works on the officer view, never outliving the portal token', async () => {
    const portal = await passwordToken('officer1', { expiration: '5' });
    const issued = await exchange(portal.token, { expiration: '60' });
    expect(issued.error).toBeUndefined();
    expect(issued).toMatchObject({ ssl: false });
    expect(issued.token).not.toBe(portal.token);
    expect(issued.expires).toBe(portal.expires);
    expect(await officerCount(issued.token as string)).toBe(expectedCount);
    const self = await json('/arcgis/sharing/rest/community/self', {
      query: { f: 'json', token: issued.token as string },
    });
    expect(self.username).toBe('officer1');
  });

  it('accepts the server root, as arcgis-rest-js sends it', async () => {
    const portal = await passwordToken('analyst1');
    const issued = await exchange(portal.token, { serverUrl: `${server.url}/arcgis` });
    expect(typeof issued.token).toBe('string');
  });

  it('refuses a serverUrl that is not this server, or none, as ArcGIS does', async () => {
    const { token } = await passwordToken();
    for (const serverUrl of [
      'https://elsewhere.example/arcgis/rest/services',
      `${server.url}/elsewhere/rest/services`,
      'not a url',
    ]) {
      expect((await exchange(token, { serverUrl })).error).toEqual({
        code: 400,
        message: 'Unable to generate token.',
        details: [`'serverUrl' ${serverUrl} is not a server of this portal.`],
      });
    }
    const withoutServer = { request: 'getToken', token, f: 'json' };
    expect((await json(GENERATE, { form: withoutServer })).error?.details).toEqual([
      "'serverUrl' is required with 'token'.",
    ]);
  });

  it('refuses an unknown or expired portal token with 498', async () => {
    expect((await exchange('forged')).error?.code).toBe(498);
    const portal = await passwordToken('officer1', { expiration: '1' });
    skewMs = 61_000;
    try {
      expect((await exchange(portal.token)).error).toEqual({
        code: 498,
        message: 'Invalid token.',
        details: [],
      });
    } finally {
      skewMs = 0;
    }
  });

  it('keeps the portal token’s referer binding, unless another client is named', async () => {
    const referer = 'https://city.example/officers';
    const portal = await passwordToken('officer1', { client: 'referer', referer });
    // The portal token must itself be presented from its referer.
    expect((await json(GENERATE, { form: { ...base(portal.token) } })).error?.code).toBe(498);
    const inherited = await json(GENERATE, {
      form: base(portal.token),
      headers: { referer },
    });
    expect(await officerCount(inherited.token as string)).toBe(498);
    expect(await officerCount(inherited.token as string, { referer })).toBe(expectedCount);
    const rebound = await json(GENERATE, {
      form: { ...base(portal.token), client: 'referer', referer: 'my-script' },
      headers: { referer },
    });
    expect(await officerCount(rebound.token as string, { referer: 'my-script' })).toBe(
      expectedCount,
    );

    function base(token: string) {
      return { request: 'getToken', serverUrl: `${server.url}/arcgis`, token, f: 'json' };
    }
  });

  it('leaves password sign-in as it was', async () => {
    expect((await json(GENERATE, { form: { username: 'officer1', f: 'json' } })).error).toEqual({
      code: 400,
      message: 'Unable to generate token.',
      details: ["'username' and 'password' are required."],
    });
    expect(
      (await json(GENERATE, { form: { username: 'officer1', password: 'wrong', f: 'json' } })).error
        ?.details,
    ).toEqual(['Invalid username or password.']);
  });
});

describe('arcgis-rest-js against the server as its portal', () => {
  it('signs in with a password and queries the officer view through the federation exchange', async () => {
    const requested: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      requested.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      const manager = await ArcGISIdentityManager.signIn({
        username: 'officer1',
        password: TEST_PASSWORD,
        portal: `${server.url}/arcgis/sharing/rest`,
      });
      const response = (await queryFeatures({
        url: `${server.url}${OFFICER_LAYER}`,
        authentication: manager,
        returnCountOnly: true,
        geometry: ENVELOPE,
        geometryType: 'esriGeometryEnvelope',
      })) as unknown as { count: number };
      expect(response.count).toBe(expectedCount);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(requested).toEqual([
      'POST /arcgis/sharing/rest/generateToken',
      'GET /arcgis/sharing/rest/community/self',
      'GET /arcgis/sharing/rest/portals/self',
      'POST /arcgis/rest/info',
      'POST /arcgis/sharing/rest/info',
      'POST /arcgis/sharing/rest/generateToken',
      'GET /arcgis/rest/services/CommunityCameras_officer/FeatureServer/1/query',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// OAuth 2 with PKCE

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeQuery(challenge: string, extra: Record<string, string | undefined> = {}) {
  return {
    client_id: CLIENT,
    response_type: 'code',
    redirect_uri: REDIRECT,
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    expiration: '120',
    ...extra,
  };
}

const unescape = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The hidden fields of the sign-in form, as a browser would send them back. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[unescape(match[1]!)] = unescape(match[2]!);
  return fields;
}

/** Opens the sign-in page and submits it; returns the answer to the form (a redirect, or a page). */
async function submitSignIn(
  challenge: string,
  options: {
    readonly username?: string;
    readonly password?: string;
    readonly from?: string;
    readonly extra?: Record<string, string | undefined>;
    readonly action?: string;
  } = {},
): Promise<Answer> {
  const page = await call(AUTHORIZE, {
    query: authorizeQuery(challenge, options.extra),
    ...(options.from ? { from: options.from } : {}),
  });
  expect(page.status).toBe(200);
  return call(AUTHORIZE, {
    form: {
      ...hiddenFields(page.text),
      username: options.username ?? 'officer1',
      password: options.password ?? TEST_PASSWORD,
      action: options.action ?? 'sign-in',
    },
    ...(options.from ? { from: options.from } : {}),
  });
}

/** Signs in on the page and returns the code the app is sent back with. */
async function codeFor(challenge: string, username = 'officer1'): Promise<string> {
  const answer = await submitSignIn(challenge, { username });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.location ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe('state-1');
  return location.searchParams.get('code') ?? '';
}

const tokenCall = (form: Record<string, string | undefined>) =>
  json(TOKEN, { form: { f: 'json', client_id: CLIENT, ...form } });

const redeem = (code: string, verifier: string | undefined, redirectUri = REDIRECT) =>
  tokenCall({
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });

function oauthError(error: string, description: string) {
  return { code: 400, error, error_description: description, message: description, details: [] };
}

describe('OAuth 2 sign-in page (oauth2/authorize)', () => {
  it('is an accessible English form with labels and nothing from elsewhere, under the server’s CSP', async () => {
    const { challenge } = pkce();
    const page = await call(AUTHORIZE, { query: authorizeQuery(challenge) });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    // The form's answer redirects to the app, so that one origin is added to form-action.
    expect(csp).toContain("form-action 'self' https://officer-app.example");
    const html = page.text;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Sign in – Community Camera Registry</title>');
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<input id="username" name="username" type="text"');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('<input id="password" name="password" type="password"');
    expect(html).toContain('<strong>Automated tests</strong> asks you to sign in');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|https?:\/\/(?!officer-app)/i);
    expect(html).toContain(`<form method="post" action="${AUTHORIZE}"`);
    expect(hiddenFields(html)).toEqual({
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'state-1',
      expiration: '120',
    });
  });

  it('answers at /sharing/oauth2/authorize too, where @arcgis/core sends officers', async () => {
    const page = await call('/arcgis/sharing/oauth2/authorize', {
      query: authorizeQuery(pkce().challenge),
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/arcgis/sharing/oauth2/authorize"');
  });

  it('escapes what the app sends', async () => {
    const page = await call(AUTHORIZE, {
      query: authorizeQuery(pkce().challenge, { state: '"><script>alert(1)</script>' }),
    });
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('shows an unknown app or redirect URI instead of redirecting to it (Error 400)', async () => {
    const { challenge } = pkce();
    const cases: [Record<string, string | undefined>, string][] = [
      [{ client_id: 'unregistered-app' }, 'Invalid client_id'],
      [{ client_id: undefined }, 'Invalid client_id'],
      [{ redirect_uri: 'https://evil.example/oauth-callback.html' }, 'Invalid redirect_uri'],
      // Exact match only: no prefixes, no extra query, no other path on the same origin.
      [{ redirect_uri: `${REDIRECT}?next=/admin` }, 'Invalid redirect_uri'],
      [{ redirect_uri: 'https://officer-app.example/' }, 'Invalid redirect_uri'],
      [{ redirect_uri: 'https://OFFICER-APP.example/oauth-callback.html' }, 'Invalid redirect_uri'],
      [{ redirect_uri: undefined }, 'Invalid redirect_uri'],
      // A loopback URI registered without a port matches on any port, and nothing more.
      [{ redirect_uri: 'http://localhost:4567/oauth-callback.html?x=1' }, 'Invalid redirect_uri'],
      [{ redirect_uri: 'http://localhost:4567/other.html' }, 'Invalid redirect_uri'],
      [{ redirect_uri: 'https://localhost:4567/oauth-callback.html' }, 'Invalid redirect_uri'],
      [
        { redirect_uri: 'http://localhost.evil.example:4567/oauth-callback.html' },
        'Invalid redirect_uri',
      ],
      // The demo app registered its ports: other ports are other apps.
      [
        {
          client_id: 'ccr-officer-demo',
          redirect_uri: 'http://localhost:9999/incident-search.html',
        },
        'Invalid redirect_uri',
      ],
    ];
    for (const [extra, message] of cases) {
      for (const method of ['GET', 'POST'] as const) {
        const query = authorizeQuery(challenge, extra);
        const answer =
          method === 'GET'
            ? await call(AUTHORIZE, { query })
            : await call(AUTHORIZE, {
                form: { ...query, username: 'officer1', password: TEST_PASSWORD },
              });
        expect(answer.status, `${method} ${JSON.stringify(extra)}`).toBe(400);
        expect(answer.headers.location).toBeUndefined();
        expect(answer.text).toContain(`<p class="problem" role="alert">${message}</p>`);
        expect(answer.text).toContain('Error: 400');
      }
    }
  });

  it('takes a loopback redirect URI registered without a port on any port (RFC 8252 §7.3)', async () => {
    for (const redirectUri of [
      'http://localhost:4567/oauth-callback.html',
      'http://127.0.0.1:63315/oauth-callback.html',
    ]) {
      const page = await call(AUTHORIZE, {
        query: authorizeQuery(pkce().challenge, { redirect_uri: redirectUri }),
      });
      expect(page.status, redirectUri).toBe(200);
      expect(hiddenFields(page.text).redirect_uri).toBe(redirectUri);
    }
  });

  it('sends other faults back to the app as documented: error, error_description, state', async () => {
    const { challenge, verifier } = pkce();
    const cases: [Record<string, string | undefined>, string, string][] = [
      [
        { code_challenge_method: 'plain', code_challenge: verifier },
        'invalid_request',
        'code_challenge_method must be S256.',
      ],
      [
        { code_challenge_method: undefined },
        'invalid_request',
        'code_challenge_method must be S256.',
      ],
      [
        { code_challenge: undefined },
        'invalid_request',
        'code_challenge must be a base64url SHA-256 digest.',
      ],
      [
        { code_challenge: 'too-short' },
        'invalid_request',
        'code_challenge must be a base64url SHA-256 digest.',
      ],
      [
        { response_type: 'token' },
        'unsupported_response_type',
        'Only response_type=code with PKCE is supported.',
      ],
      [
        { response_type: undefined },
        'invalid_request',
        'Only response_type=code with PKCE is supported.',
      ],
      [{ expiration: '-5' }, 'invalid_request', 'expiration must be a whole number of minutes.'],
    ];
    for (const [extra, error, description] of cases) {
      const answer = await call(AUTHORIZE, { query: authorizeQuery(challenge, extra) });
      expect(answer.status, JSON.stringify(extra)).toBe(302);
      const location = new URL(answer.headers.location ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        error,
        error_description: description,
        state: 'state-1',
      });
    }
  });

  it('returns to the app with access_denied when the officer cancels', async () => {
    const answer = await submitSignIn(pkce().challenge, { action: 'cancel', password: '' });
    expect(answer.status).toBe(302);
    expect(Object.fromEntries(new URL(answer.headers.location ?? '').searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The user denied your request.',
      state: 'state-1',
    });
  });

  it('shows a wrong password on the page, as an alert tied to the fields, keeping the name', async () => {
    const answer = await submitSignIn(pkce().challenge, {
      password: 'wrong',
      from: '127.0.0.71',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.text).toContain(
      '<p id="sign-in-problem" class="problem" role="alert">Invalid username or password.</p>',
    );
    expect(answer.text).toMatch(
      /<input id="username"[^>]* value="officer1" aria-invalid="true" aria-describedby="sign-in-problem">/,
    );
    expect(answer.text).toMatch(
      /<input id="password"[^>]* aria-invalid="true" aria-describedby="sign-in-problem" autofocus>/,
    );
  });

  it('holds a guessing client with the same per-client delays as generateToken, counted together', async () => {
    // A clock that stands still, so the waits are exact.
    let frozenMs = Date.now();
    const guarded = await startTestServer({
      sites: 0,
      tokenPolicy: {
        ...DEFAULT_TOKEN_POLICY,
        now: () => frozenMs,
        clientDelays: {
          freeFailures: 2,
          firstDelaySeconds: 10,
          maxDelaySeconds: 40,
          forgetMinutes: 60,
        },
      },
    });
    const at = (path: string) => new URL(path, guarded.url).href;
    try {
      const from = '127.0.0.72';
      const { challenge } = pkce();
      const page = await call(at(AUTHORIZE), { query: authorizeQuery(challenge), from });
      const form = (password: string) => ({
        ...hiddenFields(page.text),
        username: 'officer1',
        password,
        action: 'sign-in',
      });
      // One failure at generateToken, one on the page: the page's next attempt waits 10 s.
      const failed = await call(at(GENERATE), {
        form: { username: 'x', password: 'y', f: 'json' },
        from,
      });
      expect(JSON.parse(failed.text)).toMatchObject({ error: { code: 400 } });
      expect((await call(at(AUTHORIZE), { form: form('wrong'), from })).status).toBe(200);
      const held = await call(at(AUTHORIZE), { form: form(TEST_PASSWORD), from });
      expect(held.status).toBe(429);
      expect(held.headers['retry-after']).toBe('10');
      expect(held.text).toContain(
        'role="alert">Too many failed sign-ins. Try again in 10 seconds.',
      );
      const heldThere = await call(at(GENERATE), {
        form: { username: 'officer1', password: TEST_PASSWORD, f: 'json' },
        from,
      });
      expect(heldThere.status).toBe(429);
      // Another client is not held; this one is let through once the wait is over.
      expect(
        (await call(at(AUTHORIZE), { form: form(TEST_PASSWORD), from: '127.0.0.73' })).status,
      ).toBe(302);
      frozenMs += 10_000;
      expect((await call(at(AUTHORIZE), { form: form(TEST_PASSWORD), from })).status).toBe(302);
      // Both kinds of refusal reach the security log, as at generateToken.
      expect(
        securityEvents(guarded.db)
          .filter((e) => e.route === AUTHORIZE)
          .map((e) => [e.kind, e.username, e.count]),
      ).toEqual([
        ['SIGN_IN_FAILED', 'officer1', 1],
        ['RATE_LIMITED', null, 1],
      ]);
    } finally {
      await guarded.close();
    }
  });
});

describe('OAuth 2 authorization code with PKCE (oauth2/token)', () => {
  it('trades a code and the S256 verifier for tokens that work like generateToken tokens', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const tokens = await redeem(code, verifier);
    expect(Object.keys(tokens)).toEqual([
      'access_token',
      'expires_in',
      'username',
      'ssl',
      'refresh_token',
      'refresh_token_expires_in',
    ]);
    expect(tokens).toMatchObject({
      expires_in: OAUTH_LIFETIMES.accessMinutes * 60,
      username: 'officer1',
      ssl: false,
      // The app asked for 120 minutes (`expiration` at authorize).
      refresh_token_expires_in: 120 * 60,
    });
    const access = tokens.access_token as string;
    expect(await officerCount(access)).toBe(expectedCount);
    expect(
      (await json('/arcgis/sharing/rest/community/self', { query: { f: 'json', token: access } }))
        .username,
    ).toBe('officer1');
    // …and through arcgis-rest-js, as the widget uses it: federation exchange included.
    const manager = new ArcGISIdentityManager({
      clientId: CLIENT,
      portal: `${server.url}/arcgis/sharing/rest`,
      token: access,
      tokenExpires: new Date(Date.now() + 1_800_000),
      refreshToken: tokens.refresh_token as string,
      refreshTokenExpires: new Date(Date.now() + 7_200_000),
      username: 'officer1',
      redirectUri: REDIRECT,
    });
    const response = (await queryFeatures({
      url: `${server.url}${OFFICER_LAYER}`,
      authentication: manager,
      returnCountOnly: true,
      geometry: ENVELOPE,
      geometryType: 'esriGeometryEnvelope',
    })) as unknown as IQueryFeaturesResponse & { count: number };
    expect(response.count).toBe(expectedCount);
    // rest-js renews a refresh token that ends within a day (grant_type=exchange_refresh_token).
    await manager.refreshCredentials();
    expect(manager.refreshToken).not.toBe(tokens.refresh_token);
    expect(manager.token).not.toBe(access);
    expect(await officerCount(manager.token)).toBe(expectedCount);
  });

  it('stores codes and refresh tokens only hashed', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const stored = () =>
      JSON.stringify([
        server.db.prepare('SELECT * FROM oauth_codes').all(),
        server.db.prepare('SELECT * FROM oauth_refresh_tokens').all(),
        server.db.prepare('SELECT * FROM tokens').all(),
      ]);
    expect(stored()).not.toContain(code);
    const tokens = await redeem(code, verifier);
    for (const secret of [code, tokens.refresh_token, tokens.access_token])
      expect(stored()).not.toContain(secret as string);
  });

  it('refuses a wrong verifier, and the code is used up by the attempt', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    expect((await redeem(code, pkce().verifier)).error).toEqual(
      oauthError('invalid_grant', 'Invalid code_verifier.'),
    );
    expect((await redeem(code, verifier)).error).toEqual(
      oauthError('invalid_grant', 'Authorization code has already been used.'),
    );
  });

  it('refuses a missing verifier, and the challenge itself as the verifier (plain)', async () => {
    const first = pkce();
    expect((await redeem(await codeFor(first.challenge), undefined)).error).toEqual(
      oauthError('invalid_request', 'code_verifier is required.'),
    );
    const second = pkce();
    expect((await redeem(await codeFor(second.challenge), second.challenge)).error).toEqual(
      oauthError('invalid_grant', 'Invalid code_verifier.'),
    );
  });

  it('refuses a reused code and revokes what the first use was given', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const tokens = await redeem(code, verifier);
    const access = tokens.access_token as string;
    // A server token traded for the access token belongs to the same sign-in.
    const server_ = await json(GENERATE, {
      form: { request: 'getToken', serverUrl: `${server.url}/arcgis`, token: access, f: 'json' },
    });
    expect(await officerCount(server_.token as string)).toBe(expectedCount);
    expect((await redeem(code, verifier)).error).toEqual(
      oauthError('invalid_grant', 'Authorization code has already been used.'),
    );
    expect(await officerCount(access)).toBe(498);
    expect(await officerCount(server_.token as string)).toBe(498);
    const refreshed = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
    });
    expect(refreshed.error).toEqual(oauthError('invalid_grant', 'Invalid refresh_token.'));
  });

  it('refuses a redirect_uri other than the one the code was issued for', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    expect((await redeem(code, verifier, OTHER_REDIRECT)).error).toEqual(
      oauthError('invalid_grant', 'Invalid redirect_uri.'),
    );
    const other = pkce();
    const withoutRedirect = await tokenCall({
      grant_type: 'authorization_code',
      code: await codeFor(other.challenge),
      code_verifier: other.verifier,
    });
    expect(withoutRedirect.error).toEqual(oauthError('invalid_grant', 'Invalid redirect_uri.'));
  });

  it('refuses an unregistered client, and a code issued to another client', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const unregistered = await json(TOKEN, {
      form: {
        f: 'json',
        client_id: 'unregistered-app',
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
      },
    });
    expect(unregistered.error).toEqual(oauthError('invalid_client', 'Invalid client_id.'));
    const otherClient = await json(TOKEN, {
      form: {
        f: 'json',
        client_id: 'ccr-officer-demo',
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
      },
    });
    expect(otherClient.error).toEqual(oauthError('invalid_grant', 'Invalid authorization code.'));
  });

  it(`refuses a code after ${OAUTH_LIFETIMES.codeSeconds} seconds`, async () => {
    const { verifier, challenge } = pkce();
    const stale = await codeFor(challenge);
    const fresh = pkce();
    const freshCode = await codeFor(fresh.challenge);
    skewMs = OAUTH_LIFETIMES.codeSeconds * 1000 - 1000;
    try {
      expect((await redeem(freshCode, fresh.verifier)).error).toBeUndefined();
      skewMs = OAUTH_LIFETIMES.codeSeconds * 1000;
      expect((await redeem(stale, verifier)).error).toEqual(
        oauthError('invalid_grant', 'Invalid authorization code.'),
      );
    } finally {
      skewMs = 0;
    }
  });

  it('refuses unknown grant types and missing parameters', async () => {
    expect((await tokenCall({ grant_type: 'client_credentials' })).error).toEqual(
      oauthError(
        'unsupported_grant_type',
        'grant_type client_credentials is not supported here (app credentials are not).',
      ),
    );
    expect((await tokenCall({})).error).toEqual(
      oauthError('invalid_request', 'grant_type is required.'),
    );
    expect((await tokenCall({ grant_type: 'authorization_code' })).error).toEqual(
      oauthError('invalid_request', 'code is required.'),
    );
    expect((await tokenCall({ grant_type: 'authorization_code', code: 'guess' })).error).toEqual(
      oauthError('invalid_grant', 'Invalid authorization code.'),
    );
  });
});

describe('refresh tokens', () => {
  async function signedIn() {
    const { verifier, challenge } = pkce();
    return redeem(await codeFor(challenge), verifier);
  }

  it('give new access tokens (grant_type=refresh_token) to their own client only', async () => {
    const tokens = await signedIn();
    const refreshed = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
    });
    expect(Object.keys(refreshed)).toEqual(['access_token', 'expires_in', 'username', 'ssl']);
    expect(refreshed).toMatchObject({ username: 'officer1', ssl: false });
    expect(await officerCount(refreshed.access_token as string)).toBe(expectedCount);
    const other = await json(TOKEN, {
      form: {
        f: 'json',
        client_id: 'ccr-officer-demo',
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token as string,
      },
    });
    expect(other.error).toEqual(oauthError('invalid_grant', 'Invalid refresh_token.'));
  });

  it('expire when asked (expiration at authorize), and access tokens never outlive them', async () => {
    const tokens = await signedIn();
    skewMs = 120 * 60_000 - 10 * 60_000;
    try {
      const refreshed = await tokenCall({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token as string,
      });
      // Ten minutes of the refresh token were left (less the time this test took).
      expect(refreshed.expires_in).toBeGreaterThan(10 * 60 - 30);
      expect(refreshed.expires_in).toBeLessThanOrEqual(10 * 60);
      skewMs = 120 * 60_000;
      expect(
        (
          await tokenCall({
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token as string,
          })
        ).error,
      ).toEqual(oauthError('invalid_grant', 'Invalid refresh_token.'));
    } finally {
      skewMs = 0;
    }
  });

  it('can be exchanged for a new one (exchange_refresh_token), which ends the old one', async () => {
    const tokens = await signedIn();
    const exchanged = await tokenCall({
      grant_type: 'exchange_refresh_token',
      refresh_token: tokens.refresh_token as string,
      redirect_uri: REDIRECT,
    });
    expect(exchanged).toMatchObject({ username: 'officer1', refresh_token_expires_in: 120 * 60 });
    expect(exchanged.refresh_token).not.toBe(tokens.refresh_token);
    expect(await officerCount(tokens.access_token as string)).toBe(498);
    expect(await officerCount(exchanged.access_token as string)).toBe(expectedCount);
    expect(
      (
        await tokenCall({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token as string,
        })
      ).error?.error,
    ).toBe('invalid_grant');
  });

  it('can be revoked (oauth2/revokeToken), ending every token of the sign-in', async () => {
    const tokens = await signedIn();
    const refreshed = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
    });
    const revoke = (clientId: string, token: string) =>
      json('/arcgis/sharing/rest/oauth2/revokeToken', {
        form: { f: 'json', client_id: clientId, auth_token: token },
      });
    expect((await revoke('ccr-officer-demo', tokens.refresh_token as string)).error).toEqual(
      oauthError('unauthorized_client', 'The token was issued to another client.'),
    );
    expect(await revoke(CLIENT, tokens.refresh_token as string)).toEqual({ success: true });
    for (const access of [tokens.access_token, refreshed.access_token])
      expect(await officerCount(access as string)).toBe(498);
    expect(
      (
        await tokenCall({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token as string,
        })
      ).error?.error,
    ).toBe('invalid_grant');
    // Revoking again, or something never issued, is not an error (RFC 7009 §2.2).
    expect(await revoke(CLIENT, tokens.refresh_token as string)).toEqual({ success: true });
  });

  it('go with rest-js signOut, which revokes the refresh token', async () => {
    const tokens = await signedIn();
    const manager = new ArcGISIdentityManager({
      clientId: CLIENT,
      portal: `${server.url}/arcgis/sharing/rest`,
      token: tokens.access_token as string,
      tokenExpires: new Date(Date.now() + 1_800_000),
      refreshToken: tokens.refresh_token as string,
      username: 'officer1',
    });
    await manager.signOut();
    expect(await officerCount(tokens.access_token as string)).toBe(498);
  });
});

describe('the route table', () => {
  it('declares every sign-in route for anyone, with the sign-in budget where credentials are taken', () => {
    const policy = (method: string, url: string) =>
      ROUTES.find((r) => r.url === url && r.methods.includes(method as 'GET'));
    for (const url of [AUTHORIZE, '/arcgis/sharing/oauth2/authorize']) {
      expect(policy('GET', url)).toMatchObject({ access: { kind: 'anyone' } });
      expect(policy('GET', url)?.rate).toBeUndefined();
      expect(policy('POST', url)).toMatchObject({ access: { kind: 'anyone' }, rate: 'sign-in' });
    }
    for (const url of [TOKEN, '/arcgis/sharing/rest/oauth2/revokeToken', GENERATE]) {
      expect(policy('POST', url)).toMatchObject({ access: { kind: 'anyone' }, rate: 'sign-in' });
      expect(policy('GET', url)).toBeUndefined();
    }
    for (const url of ['/arcgis/sharing/rest/portals/self', '/arcgis/sharing/rest/info'])
      expect(policy('GET', url)).toMatchObject({ access: { kind: 'anyone' } });
  });
});
