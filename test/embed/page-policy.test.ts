/**
 * Who may frame the served pages and whom they may call: the policy functions at and beyond
 * their limits, the headers the server sends with them, and `npm start`'s environment
 * (CCR_FRAME_ANCESTORS, CCR_EMBED_DIR and the embed pages' config files) end to end.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSources,
  frameAncestorSources,
  isEmbedPath,
  widgetConfigUrls,
} from '../../src/server/security/page-policy.js';
import { startServerProcess } from '../helpers/server-process.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** One directive of a content security policy, its sources joined by single spaces. */
function directive(policy: string | null, name: string): string | undefined {
  const found = (policy ?? '')
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([key]) => key === name);
  return found?.slice(1).join(' ');
}

/** A folder laid out as `dist/embed`: a page, a bundle and the pages' config files. */
function embedFolder(configs: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccr-embed-policy-'));
  writeFileSync(join(dir, 'registration.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'cam-registration.js'), 'export {};');
  mkdirSync(join(dir, 'assets'));
  for (const [name, config] of Object.entries(configs)) {
    writeFileSync(join(dir, name), JSON.stringify(config));
  }
  return dir;
}

const AGOL_REGISTRATION = {
  serviceUrl:
    'https://services3.arcgis.com/AbCdEf123/arcgis/rest/services/CommunityCameras_public/FeatureServer',
  geocoderUrl: 'https://geocode.arcgis.com/arcgis/rest/services/World/GeocodeServer',
  assetsPath: './assets',
  basemap: 'arcgis/streets',
};
const AGOL_SEARCH = {
  serviceUrl:
    'https://services3.arcgis.com/AbCdEf123/arcgis/rest/services/CommunityCameras_officer/FeatureServer',
  geocodeUrl: 'https://geocode.arcgis.com/arcgis/rest/services/World/GeocodeServer',
  tokenUrl: 'https://www.arcgis.com/sharing/rest/generateToken',
  portalUrl: 'https://www.arcgis.com/sharing/rest',
  contextLayerUrl: '/demo-data/streets.geojson',
};

describe('frame ancestors', () => {
  it("are only 'self' unless some are given", () => {
    expect(frameAncestorSources()).toEqual(["'self'"]);
    expect(frameAncestorSources([])).toEqual(["'self'"]);
    expect(frameAncestorSources(['', '  '])).toEqual(["'self'"]);
  });

  it("take 'self', 'none' and origins, with ports and one leading wildcard label", () => {
    expect(
      frameAncestorSources([
        "'self'",
        'https://experience.arcgis.com',
        'https://*.maps.arcgis.com',
        'http://localhost:8080/',
        'https://experience.arcgis.com',
      ]),
    ).toEqual([
      "'self'",
      'https://experience.arcgis.com',
      'https://*.maps.arcgis.com',
      'http://localhost:8080',
    ]);
    expect(frameAncestorSources(["'none'"])).toEqual(["'none'"]);
  });

  it.each([
    ['*'],
    ['https:'],
    ['https://'],
    ['https://city.example/page.html'],
    ['city.example'],
    ['https://*.*.example'],
    ['ftp://city.example'],
    ["'unsafe-inline'"],
    ['self'],
    ['https://city.example:123456'],
  ])('refuse %s, naming it', (value) => {
    expect(() => frameAncestorSources([value])).toThrow(new RegExp(`got ${escape(value)}$`));
  });

  it("refuse 'none' beside another source", () => {
    expect(() => frameAncestorSources(["'none'", "'self'"])).toThrow(RangeError);
  });
});

function escape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('connect sources', () => {
  it("are 'self' plus the origins of full URLs, each once and sorted; paths are 'self'", () => {
    expect(connectSources([])).toEqual(["'self'"]);
    expect(
      connectSources([
        ...widgetConfigUrls(AGOL_SEARCH),
        ...widgetConfigUrls(AGOL_REGISTRATION),
        'not a url',
        'https://',
      ]),
    ).toEqual([
      "'self'",
      'https://geocode.arcgis.com',
      'https://services3.arcgis.com',
      'https://www.arcgis.com',
    ]);
  });

  it('come from the settings that are called, never from the SDK assets or a redirect page', () => {
    expect(
      widgetConfigUrls({
        ...AGOL_SEARCH,
        assetsPath: 'https://cdn.example/assets',
        oauthRedirectUri: 'https://other.example/back.html',
        serviceUrl: 42,
      }),
    ).toEqual([
      AGOL_SEARCH.geocodeUrl,
      AGOL_SEARCH.tokenUrl,
      AGOL_SEARCH.portalUrl,
      AGOL_SEARCH.contextLayerUrl,
    ]);
    expect(widgetConfigUrls(null)).toEqual([]);
    expect(widgetConfigUrls([AGOL_SEARCH])).toEqual([]);
  });
});

describe('served pages', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = embedFolder({});
    server = await startTestServer({
      embedDir: dir,
      corsOrigins: ['https://www.city.example'],
      frameAncestors: ["'self'", 'https://experience.arcgis.com'],
      connectUrls: widgetConfigUrls(AGOL_REGISTRATION),
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('let the allowed sites frame the embed pages, with no X-Frame-Options', async () => {
    const page = await fetch(`${server.url}/embed/registration.html`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy');
    expect(directive(csp, 'frame-ancestors')).toBe("'self' https://experience.arcgis.com");
    expect(directive(csp, 'connect-src')).toBe(
      "'self' https://geocode.arcgis.com https://services3.arcgis.com",
    );
    expect(page.headers.get('x-frame-options')).toBeNull();
  });

  it('serve the bundles to allowed sites across origins (CORS and resource policy)', async () => {
    const script = await fetch(`${server.url}/embed/cam-registration.js`, {
      headers: { origin: 'https://www.city.example' },
    });
    expect(script.status).toBe(200);
    expect(script.headers.get('access-control-allow-origin')).toBe('https://www.city.example');
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const stranger = await fetch(`${server.url}/embed/cam-registration.js`, {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keep every other page to its own site', async () => {
    for (const path of ['/arcgis/rest/services?f=html', '/arcgis/rest/info?f=json', '/embedded']) {
      const response = await fetch(`${server.url}${path}`);
      expect(directive(response.headers.get('content-security-policy'), 'frame-ancestors')).toBe(
        "'self'",
      );
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    }
  });

  it('answer a missing embed file with 404', async () => {
    expect((await fetch(`${server.url}/embed/nothing.html`)).status).toBe(404);
  });
});

describe('a server without embed settings', () => {
  it('frames nothing from elsewhere and calls only itself; /embed/ is not served', async () => {
    const server = await startTestServer();
    try {
      const response = await fetch(`${server.url}/embed/registration.html`);
      expect(response.status).toBe(404);
      const csp = response.headers.get('content-security-policy');
      expect(directive(csp, 'frame-ancestors')).toBe("'self'");
      expect(directive(csp, 'connect-src')).toBe("'self'");
    } finally {
      await server.close();
    }
  });
});

describe('npm start / npm run serve', () => {
  let dir: string;
  let dbDir: string;
  beforeAll(() => {
    dir = embedFolder({
      'registration.json': AGOL_REGISTRATION,
      'incident-search.json': AGOL_SEARCH,
      'sizes.json': { widgets: {} },
    });
    dbDir = mkdtempSync(join(tmpdir(), 'ccr-embed-db-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  });

  it('take frame ancestors from CCR_FRAME_ANCESTORS and connect-src from the embed configs', async () => {
    const server = await startServerProcess({
      dbFile: join(dbDir, 'ok.sqlite'),
      env: {
        CCR_EMBED_DIR: dir,
        CCR_FRAME_ANCESTORS: "'self', https://experience.arcgis.com https://www.city.example",
      },
    });
    try {
      const page = await fetch(`${server.url}/embed/registration.html`);
      const csp = page.headers.get('content-security-policy');
      expect(directive(csp, 'frame-ancestors')).toBe(
        "'self' https://experience.arcgis.com https://www.city.example",
      );
      expect(directive(csp, 'connect-src')).toBe(
        "'self' https://geocode.arcgis.com https://services3.arcgis.com https://www.arcgis.com",
      );
    } finally {
      await server.stop();
    }
  });

  it('refuse to start with a frame ancestor that is not an origin', async () => {
    await expect(
      startServerProcess({
        dbFile: join(dbDir, 'bad.sqlite'),
        env: { CCR_EMBED_DIR: dir, CCR_FRAME_ANCESTORS: 'https://city.example/page.html' },
      }),
    ).rejects.toThrow(/frame ancestor must be .* got https:\/\/city\.example\/page\.html/);
  });
});

describe('embed paths', () => {
  it('are those under /embed/ only', () => {
    expect(isEmbedPath('/embed/registration.html')).toBe(true);
    expect(isEmbedPath('/embed/')).toBe(true);
    expect(isEmbedPath('/embed')).toBe(false);
    expect(isEmbedPath('/embedded/x')).toBe(false);
    expect(isEmbedPath('/demo/embed/x')).toBe(false);
  });
});
