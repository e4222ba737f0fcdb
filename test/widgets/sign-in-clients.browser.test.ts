/**
 * The three clients officers sign in with, in Chromium against the real local server
 * (through Vite's `/arcgis` proxy): @arcgis/core's IdentityManager (its own password dialog,
 * and OAuth 2 in a popup), arcgis-rest-js's ArcGISIdentityManager (OAuth 2 with PKCE), and
 * `<cam-incident-search>` through its "Sign in with ArcGIS" button. Each ends in officer-view
 * queries, so each crosses the portal (`portals/self`), the federation exchange
 * (`generateToken` with `serverUrl` and `token`) and the OAuth endpoints as the SDK uses them.
 *
 * Popups: the tests replace `window.open` and do the popup's part themselves: they load the
 * authorize URL the SDK asked for in an iframe, sign in on the server's own page like a person
 * (labels, fields, the Sign in button), and hand the redirect back the way the SDKs' callback
 * pages do (`arcgis:auth:location:search` for @arcgis/core, `completeOAuth2` in the redirect
 * window for arcgis-rest-js).
 */
import type IdentityManagerInstance from '@arcgis/core/identity/IdentityManager.js';
import type OAuthInfoClass from '@arcgis/core/identity/OAuthInfo.js';
import type FeatureLayerClass from '@arcgis/core/layers/FeatureLayer.js';
import { queryFeatures } from '@esri/arcgis-rest-feature-service';
import { ArcGISIdentityManager, type IExtent } from '@esri/arcgis-rest-request';
import type { AxeResults, RunOptions } from 'axe-core';
import axeUrl from 'axe-core/axe.min.js?url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CamIncidentSearch } from '../../widgets/incident-search/index.js';
import {
  $,
  busyIncidentPoint,
  expectedCameras,
  fillSearch,
  mount,
  PASSWORD,
  shadow,
  submitSearch,
  tokenFor,
  until,
} from './incident-search-helpers.js';

const ORIGIN = globalThis.location.origin;
const CLIENT = 'ccr-test-client';
/** Registered for the test client as `http://localhost/oauth-callback.html`: any port. */
const REDIRECT = `${ORIGIN}/oauth-callback.html`;
const PORTAL = `${ORIGIN}/arcgis/sharing/rest`;
const CAMERAS_URL = `${ORIGIN}/arcgis/rest/services/CommunityCameras_officer/FeatureServer/1`;
/** Officers search an area: a part of the demo town. */
const AREA: IExtent = { xmin: -94.43, ymin: 39.07, xmax: -94.4, ymax: 39.09 };

/** Requests the page made, as `METHOD path [parameter names]`, in order. */
let requests: string[] = [];

function parameterNames(body: BodyInit | null | undefined, url: URL): string[] {
  const names = new Set(url.searchParams.keys());
  if (typeof body === 'string') for (const key of new URLSearchParams(body).keys()) names.add(key);
  else if (body instanceof URLSearchParams || body instanceof FormData)
    for (const key of body.keys()) names.add(key);
  return [...names].sort();
}

/**
 * Two things only a deployment can set right, done here by wrapping `fetch`:
 *
 * 1. Behind Vite's proxy the test server sees the proxy's port in the Host header and, having
 *    no `publicUrl`, advertises its socket address (`http://127.0.0.1:47321/arcgis`) as
 *    `owningSystemUrl` and token service in `/rest/info` and `/sharing/rest/info`. Both SDKs
 *    then treat the page's `/arcgis` as not federated with that portal, and cross-origin
 *    calls to it are refused (no CORS). The wrapper gives those two answers the page's
 *    origin, as a server started with `publicUrl` set to it would.
 * 2. @arcgis/core always speaks HTTPS to a portal's OAuth endpoints (`oauth2/authorize`,
 *    `oauth2/token`), as ArcGIS Online is HTTPS only; the test server has no TLS, so
 *    `https://<this origin>` is sent to `http://<this origin>`.
 */
function throughTheProxy(advertisedRoot: string): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.protocol === 'https:' && url.host === location.host) url.protocol = 'http:';
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    if (url.pathname.startsWith('/arcgis/'))
      requests.push(`${method} ${url.pathname} [${parameterNames(init?.body, url).join(',')}]`);
    const response = await realFetch(
      input instanceof Request ? new Request(url, input) : url,
      init,
    );
    if (!/^\/arcgis\/(sharing\/)?rest\/info$/.test(url.pathname) || advertisedRoot === ORIGIN)
      return response;
    const text = (await response.text()).replaceAll(advertisedRoot, ORIGIN);
    return new Response(text, {
      status: response.status,
      headers: { 'content-type': response.headers.get('content-type') ?? 'application/json' },
    });
  };
  return () => {
    globalThis.fetch = realFetch;
  };
}

/** The SDK, imported once `esriConfig.assetsPath` is set (its dialogs load strings from it). */
let IdentityManager: typeof IdentityManagerInstance;
let OAuthInfo: typeof OAuthInfoClass;
let FeatureLayer: typeof FeatureLayerClass;

let restoreFetch = () => {};
/** What the officer view holds in the area, counted with a generateToken token. */
let expectedInArea = 0;

/** Cameras in the officer view within the area, with `token`; or the error code. */
async function officerCountInArea(token: string): Promise<number> {
  const body = new URLSearchParams({
    f: 'json',
    token,
    returnCountOnly: 'true',
    geometry: JSON.stringify(AREA),
    geometryType: 'esriGeometryEnvelope',
  });
  const response = await fetch(`${CAMERAS_URL}/query`, { method: 'POST', body });
  const answer = (await response.json()) as { count?: number; error?: { code: number } };
  return answer.count ?? answer.error?.code ?? Number.NaN;
}

beforeAll(async () => {
  const info = (await (await fetch('/arcgis/rest/info?f=json')).json()) as {
    owningSystemUrl: string;
  };
  restoreFetch = throughTheProxy(info.owningSystemUrl.replace(/\/arcgis$/, ''));
  expectedInArea = await officerCountInArea(await tokenFor('officer1'));
  expect(expectedInArea).toBeGreaterThan(0);
  // Read by @arcgis/core's config when it loads: no CDN here.
  (globalThis as { esriConfig?: object }).esriConfig = { assetsPath: '/assets' };
  [IdentityManager, OAuthInfo, FeatureLayer] = await Promise.all([
    import('@arcgis/core/identity/IdentityManager.js').then((m) => m.default),
    import('@arcgis/core/identity/OAuthInfo.js').then((m) => m.default),
    import('@arcgis/core/layers/FeatureLayer.js').then((m) => m.default),
  ]);
  requests = [];
});
afterAll(() => restoreFetch());

const frames: HTMLIFrameElement[] = [];
afterEach(() => {
  for (const frame of frames.splice(0)) frame.remove();
  IdentityManager.destroyCredentials();
  requests = [];
});

/** Like `until`, for checks that must wait for an answer. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Types into an input the way a person does: value, then input and change events. */
function typeInto(input: HTMLInputElement, text: string): void {
  input.value = text;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

/** Replaces `window.open` until the returned function runs; records what was opened. */
function catchPopups(): { opened: string[]; restore: () => void } {
  const realOpen = globalThis.open;
  const opened: string[] = [];
  globalThis.open = ((url?: string | URL) => {
    opened.push(String(url));
    // What the SDKs touch on a popup: focus() when opening, closed while waiting.
    return { closed: false, focus() {}, close() {} } as unknown as Window;
  }) as typeof globalThis.open;
  return { opened, restore: () => (globalThis.open = realOpen) };
}

/**
 * axe-core run inside the frame, loaded the way the page's own policy allows scripts
 * (`script-src 'self'`): the page is checked under the CSP it is served with.
 */
async function axeViolations(frame: HTMLIFrameElement): Promise<string[]> {
  const page = frame.contentDocument!;
  const script = page.createElement('script');
  script.src = axeUrl;
  const loaded = new Promise((resolve, reject) => {
    script.addEventListener('load', resolve);
    script.addEventListener('error', reject);
  });
  page.head.append(script);
  await loaded;
  const inFrame = (frame.contentWindow as unknown as { axe: AxeInFrame }).axe;
  const results = await inFrame.run(page, { resultTypes: ['violations'] });
  return results.violations.map((v) => v.id);
}
interface AxeInFrame {
  run(context: Document, options: RunOptions): Promise<AxeResults>;
}

/**
 * Does the popup's part: opens `authorizeUrl` (on this origin) in an iframe, checks the page,
 * signs in as a person would, and resolves with the window it was redirected to.
 */
async function signInOnServerPage(authorizeUrl: string, username = 'officer1'): Promise<Window> {
  const target = new URL(authorizeUrl);
  const frame = document.createElement('iframe');
  frame.title = 'Sign-in window';
  frame.style.inlineSize = '600px';
  frame.style.blockSize = '500px';
  frames.push(frame);
  const loaded = () =>
    new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
  let next = loaded();
  frame.src = `${ORIGIN}${target.pathname}${target.search}`;
  document.body.append(frame);
  await next;
  const page = frame.contentDocument;
  if (!page) throw new Error('the sign-in page did not load');
  expect(page.documentElement.lang).toBe('en');
  expect(page.title).toBe('Sign in – Community Camera Registry');
  expect(await axeViolations(frame)).toEqual([]);
  // Fields found by their visible labels, as a person (or a screen reader) finds them.
  const field = (label: string): HTMLInputElement => {
    const forId = [...page.querySelectorAll('label')].find((l) => l.textContent === label)?.htmlFor;
    const input = forId ? page.getElementById(forId) : null;
    if (input?.tagName !== 'INPUT') throw new Error(`no ${label} field`);
    return input as HTMLInputElement;
  };
  typeInto(field('Username'), username);
  typeInto(field('Password'), PASSWORD);
  next = loaded();
  [...page.querySelectorAll('button')].find((b) => b.textContent === 'Sign in')?.click();
  await next;
  const landed = frame.contentWindow!;
  expect(`${landed.location.origin}${landed.location.pathname}`).toBe(REDIRECT);
  return landed;
}

describe('@arcgis/core IdentityManager', () => {
  it('signs in with its own dialog, trades the portal token for a server token, then loads and queries the officer view', async () => {
    const layer = new FeatureLayer({ url: CAMERAS_URL });
    const loading = layer.load();
    // The SDK's sign-in dialog, filled in and submitted as a person would.
    await until(() => IdentityManager.dialog, 'the sign-in dialog');
    const form = await until(
      () => document.querySelector<HTMLFormElement>('.esri-identity-modal form'),
      'the dialog form',
    );
    const field = (name: string) =>
      form.querySelector(`calcite-input[name="${name}"]`)?.shadowRoot?.querySelector('input');
    await until(() => field('username') && field('password'), 'the dialog fields');
    typeInto(field('username')!, 'officer1');
    typeInto(field('password')!, PASSWORD);
    // The fields take their new values on their next render; then OK submits the form.
    await until(() => form.checkValidity(), 'the filled-in dialog');
    form.requestSubmit();
    await loading;
    expect(layer.loaded).toBe(true);
    const result = await layer.queryFeatures({
      geometry: { type: 'extent', ...AREA, spatialReference: { wkid: 4326 } },
      spatialRelationship: 'intersects',
      outFields: ['OBJECTID'],
      returnGeometry: false,
    });
    expect(result.features).toHaveLength(expectedInArea);
    const credential = IdentityManager.findCredential(CAMERAS_URL);
    expect(credential).toMatchObject({ userId: 'officer1', scope: 'server' });
    expect(requests).toEqual([
      'GET /arcgis/rest/services/CommunityCameras_officer/FeatureServer/1 [f]',
      'GET /arcgis/rest/info [f]',
      'GET /arcgis/sharing/rest/portals/self [f]',
      'POST /arcgis/sharing/rest/generateToken [expiration,f,password,referer,request,username]',
      'POST /arcgis/sharing/rest/generateToken [f,referer,request,serverUrl,token]',
      'GET /arcgis/rest/services/CommunityCameras_officer/FeatureServer/1 [f,token]',
      // The layer reads the signed-in user's privileges from the portal.
      'GET /arcgis/sharing/rest/community/self [f,token]',
      'GET /arcgis/rest/services/CommunityCameras_officer/FeatureServer/1/query [f,geometry,geometryType,inSR,outFields,returnGeometry,spatialRel,token]',
    ]);
  });

  it('signs in with OAuth 2 in a popup (registerOAuthInfos, authorization code with S256), then loads and queries the officer view', async () => {
    const popups = catchPopups();
    try {
      IdentityManager.registerOAuthInfos([
        new OAuthInfo({
          appId: CLIENT,
          portalUrl: `${ORIGIN}/arcgis`,
          popup: true,
          popupCallbackUrl: REDIRECT,
          flowType: 'authorization-code',
        }),
      ]);
      const layer = new FeatureLayer({ url: CAMERAS_URL });
      const loading = layer.load();
      // The SDK first asks whether to open the sign-in window: the person says OK.
      const confirm = await until(
        () => document.querySelector<HTMLFormElement>('.esri-identity-modal form'),
        'the OAuth confirmation',
      );
      confirm.requestSubmit();
      const authorizeUrl = await until(() => popups.opened[0], 'the popup');
      const asked = new URL(authorizeUrl);
      // @arcgis/core opens …/sharing/oauth2/authorize, always over HTTPS.
      expect(`${asked.protocol}//${asked.host}${asked.pathname}`).toBe(
        `https://${location.host}/arcgis/sharing/oauth2/authorize`,
      );
      expect(Object.fromEntries(asked.searchParams)).toMatchObject({
        client_id: CLIENT,
        response_type: 'code',
        redirect_uri: REDIRECT,
        code_challenge_method: 'S256',
      });
      const landed = await signInOnServerPage(authorizeUrl);
      // What the SDK's oauth-callback.html does in the popup.
      globalThis.dispatchEvent(
        new CustomEvent('arcgis:auth:location:search', { detail: landed.location.search }),
      );
      await loading;
      const result = await layer.queryFeatures({
        geometry: { type: 'extent', ...AREA, spatialReference: { wkid: 4326 } },
        spatialRelationship: 'intersects',
        outFields: ['OBJECTID'],
        returnGeometry: false,
      });
      expect(result.features).toHaveLength(expectedInArea);
      const credential = IdentityManager.findCredential(CAMERAS_URL);
      expect(credential).toMatchObject({ userId: 'officer1', scope: 'server' });
      expect(requests).toContain(
        'POST /arcgis/sharing/rest/oauth2/token [client_id,code,code_verifier,grant_type,redirect_uri]',
      );
      expect(requests).toContain(
        'POST /arcgis/sharing/rest/generateToken [f,referer,request,serverUrl,token]',
      );
      // Signing out revokes the refresh token, and with it the server token traded for it.
      IdentityManager.destroyCredentials();
      await until(
        () => requests.find((r) => r.startsWith('POST /arcgis/sharing/rest/oauth2/revokeToken')),
        'the revocation',
      );
      expect(requests.at(-1)).toBe(
        'POST /arcgis/sharing/rest/oauth2/revokeToken [auth_token,client_id,f,token_type_hint]',
      );
      await eventually(
        async () => (await officerCountInArea(credential!.token)) === 498,
        'the revoked token',
      );
    } finally {
      popups.restore();
    }
  });
});

describe('arcgis-rest-js ArcGISIdentityManager', () => {
  it('signs in with OAuth 2 and PKCE (beginOAuth2 / completeOAuth2, redirect flow), then queries the officer view', async () => {
    // The app's window, except that going to the sign-in page is recorded, not done.
    const navigations: string[] = [];
    const appWindow = {
      crypto: globalThis.crypto,
      isSecureContext: globalThis.isSecureContext,
      TextEncoder: globalThis.TextEncoder,
      btoa: globalThis.btoa.bind(globalThis),
      localStorage: globalThis.localStorage,
      location: {
        get href() {
          return location.href;
        },
        set href(url: string) {
          navigations.push(url);
        },
      },
    };
    const options = { clientId: CLIENT, portal: PORTAL, redirectUri: REDIRECT, popup: false };
    await ArcGISIdentityManager.beginOAuth2(options, appWindow as unknown as Window);
    const asked = new URL(navigations[0] ?? '');
    expect(`${asked.origin}${asked.pathname}`).toBe(`${PORTAL}/oauth2/authorize`);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      client_id: CLIENT,
      response_type: 'code',
      redirect_uri: REDIRECT,
      code_challenge_method: 'S256',
    });
    const landed = await signInOnServerPage(asked.href);
    // The redirect page's window: the code in its query, the app's storage.
    const redirectWindow = {
      localStorage: globalThis.localStorage,
      location: { search: landed.location.search, href: landed.location.href },
      history: { state: null, replaceState() {} },
    };
    const manager = await ArcGISIdentityManager.completeOAuth2(
      options,
      redirectWindow as unknown as Window,
    );
    expect(manager.username).toBe('officer1');
    expect(manager.refreshToken).toBeTruthy();
    const response = (await queryFeatures({
      url: CAMERAS_URL,
      authentication: manager,
      returnCountOnly: true,
      geometry: AREA,
      geometryType: 'esriGeometryEnvelope',
    })) as unknown as { count: number };
    expect(response.count).toBe(expectedInArea);
    expect(requests).toEqual([
      'POST /arcgis/sharing/rest/oauth2/token [client_id,code,code_verifier,f,grant_type,redirect_uri]',
      'GET /arcgis/sharing/rest/portals/self [f,token]',
      'POST /arcgis/rest/info [f]',
      'POST /arcgis/sharing/rest/info [f]',
      'POST /arcgis/sharing/rest/generateToken [expiration,f,serverUrl,token]',
      'GET /arcgis/rest/services/CommunityCameras_officer/FeatureServer/1/query [f,geometry,geometryType,outFields,returnCountOnly,token,where]',
    ]);
  });
});

describe('<cam-incident-search>', () => {
  const RADIUS_M = 1000 * 0.3048;
  let analyst = '';
  let incident: [number, number] = [0, 0];
  const mounted: CamIncidentSearch[] = [];
  beforeAll(async () => {
    analyst = await tokenFor('analyst1');
    incident = await busyIncidentPoint(analyst, RADIUS_M);
  });
  afterEach(() => {
    for (const element of mounted.splice(0)) element.remove();
  });

  it('signs in through "Sign in with ArcGIS" (OAuth popup with PKCE) and searches the officer view', async () => {
    const popups = catchPopups();
    try {
      const element = mount({
        portalUrl: PORTAL,
        oauthClientId: CLIENT,
        oauthRedirectUri: REDIRECT,
      });
      mounted.push(element);
      await element.updateComplete;
      const button = [...shadow(element).querySelectorAll('button')].find(
        (b) => b.textContent?.trim() === 'Sign in with ArcGIS',
      );
      if (!button) throw new Error('no OAuth button');
      button.click();
      const authorizeUrl = await until(() => popups.opened[0], 'the popup');
      expect(new URL(authorizeUrl).pathname).toBe('/arcgis/sharing/rest/oauth2/authorize');
      const landed = await signInOnServerPage(authorizeUrl);
      // The redirect page, inside the popup, hands the code to its opener (the widget's page),
      // as demo/incident-search.ts does with completeOAuthSignIn().
      Object.defineProperty(landed, 'opener', { value: globalThis, configurable: true });
      await ArcGISIdentityManager.completeOAuth2(
        { clientId: CLIENT, portal: PORTAL, redirectUri: REDIRECT, popup: true, pkce: true },
        landed,
      );
      await until(() => !shadow(element).querySelector('#username'), 'the OAuth sign-in');
      await element.updateComplete;
      expect(shadow(element).textContent).toContain('Signed in as officer1');
      await fillSearch(element, `T-${Date.now().toString(36)}`, incident);
      const count = await submitSearch(element);
      const expected = await expectedCameras(analyst, incident, RADIUS_M, Date.now());
      expect(expected.length).toBeGreaterThan(3);
      expect(count).toBe(expected.length);
      expect($(element, '[role="status"]').textContent).toContain(
        `${expected.length} cameras found`,
      );
      expect(requests).toContain(
        'POST /arcgis/sharing/rest/generateToken [expiration,f,serverUrl,token]',
      );
    } finally {
      popups.restore();
    }
  });
});
