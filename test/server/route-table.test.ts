/**
 * The route table: every route the server answers is a row with its policy, budgets are
 * shared per class, and what the server advertises never echoes a caller's Host header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_ROUTES, ROUTES } from '../../src/server/routes/index.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

async function post(url: string, form: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ f: 'json', ...form }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the route table', () => {
  it('has one row per method and URL, each with a purpose', () => {
    const keys = [...ROUTES, ...PLUGIN_ROUTES].flatMap((route) =>
      route.methods.map((method) => `${method} ${route.url}`),
    );
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of [...ROUTES, ...PLUGIN_ROUTES])
      expect(route.purpose.length).toBeGreaterThan(5);
  });
});

describe('sign-in budget', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      rateLimits: { 'sign-in': 4, 'anonymous-edit': 50, lookup: 100 },
    });
  });
  afterAll(() => server.close());

  it('is one budget across both token URLs: the 5th attempt is refused whichever URL it uses', async () => {
    const urls = [
      `${server.url}/arcgis/sharing/rest/generateToken`,
      `${server.url}/arcgis/tokens/generateToken`,
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const attempt = await post(urls[i % 2]!, { username: 'nobody', password: `x${i}` });
      statuses.push(attempt.status);
    }
    // Four within budget (3, 4 = just below and at), the fifth and sixth over it.
    expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});

describe('trailing slashes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ sites: 20 });
  });
  afterAll(() => server.close());

  it('answer as without them, as ArcGIS does (esri-leaflet always adds one)', async () => {
    const officer = await server.token('officer1');
    for (const path of [
      '/arcgis/rest/services/',
      '/arcgis/rest/services/CommunityCameras_officer/FeatureServer/',
      '/arcgis/rest/services/CommunityCameras_officer/FeatureServer/1/',
      '/arcgis/rest/services/CommunityCameras_officer/FeatureServer/1/query/',
    ]) {
      const withSlash = await fetch(
        `${server.url}${path}?f=json&where=1%3D1&returnCountOnly=true&token=${officer}`,
      );
      const without = await fetch(
        `${server.url}${path.slice(0, -1)}?f=json&where=1%3D1&returnCountOnly=true&token=${officer}`,
      );
      expect(withSlash.status, path).toBe(200);
      expect(await withSlash.json(), path).toEqual(await without.json());
    }
    const analyst = await server.token('analyst1');
    const add = await post(`${server.service('CommunityCameras')}/applyEdits/`, {
      edits: '[]',
      token: analyst,
    });
    expect(add.status).toBe(200);
    expect(add.body.error).toBeUndefined();
  });
});

describe('geocoder bodies', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('are refused unparsed above 64 KB (413), read just below it', async () => {
    const url = `${server.url}/arcgis/rest/services/Geocode/GeocodeServer/findAddressCandidates`;
    const body = (size: number) => {
      const prefix = 'f=json&SingleLine=100+Main&pad=';
      return prefix + 'x'.repeat(size - prefix.length);
    };
    const send = (size: number) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body(size),
      });
    expect((await send(64 * 1024 - 1)).status).toBe(200);
    expect((await send(64 * 1024)).status).toBe(200);
    const over = await send(64 * 1024 + 1);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: 413 } });
  });
});

describe('f=html: the Services Directory in a browser', () => {
  let server: TestServer;
  let token = '';
  beforeAll(async () => {
    server = await startTestServer({ sites: 20 });
    token = await server.token('analyst1');
  });
  afterAll(() => server.close());
  const page = async (path: string) => {
    const response = await fetch(
      `${server.url}${path}${path.includes('?') ? '&' : '?'}f=html&token=${token}`,
    );
    return { type: response.headers.get('content-type'), text: await response.text() };
  };

  it('serves the services list, a service, a layer and a query page as HTML', async () => {
    for (const path of [
      '/arcgis/rest/services',
      '/arcgis/rest/services/CommunityCameras/FeatureServer',
      '/arcgis/rest/services/CommunityCameras/FeatureServer/0',
      '/arcgis/rest/services/CommunityCameras/FeatureServer/0/query',
    ]) {
      const { type, text } = await page(path);
      expect(type, path).toMatch(/^text\/html/);
      expect(text, path).toMatch(/^<!doctype html>/i);
      expect(text, path).toContain('<html lang="en"');
    }
    const layer = await page('/arcgis/rest/services/CommunityCameras/FeatureServer/0');
    expect(layer.text).toContain('registration_ref');
  });

  it('answers a submitted query form with the rows, and errors as an HTML page', async () => {
    const answered = await page(
      '/arcgis/rest/services/CommunityCameras/FeatureServer/1/query?where=1%3D1&outFields=label&resultRecordCount=2',
    );
    expect(answered.type).toMatch(/^text\/html/);
    expect(answered.text).toContain('label');
    expect(answered.text).not.toContain('Output format');
    const refused = await page(
      '/arcgis/rest/services/CommunityCameras/FeatureServer/1/query?where=nonsense%3D',
    );
    expect(refused.type).toMatch(/^text\/html/);
    expect(refused.text).toContain('400');
  });
});

describe('CURRENT_USER in where clauses', () => {
  it('stands for the signed-in caller', async () => {
    const server = await startTestServer({ sites: 20 });
    try {
      const token = await server.token('analyst1');
      const count = async (where: string) => {
        const response = await fetch(
          `${server.service('CommunityCameras')}/1/query?f=json&returnCountOnly=true&token=${token}&where=${encodeURIComponent(where)}`,
        );
        return ((await response.json()) as { count: number }).count;
      };
      const all = await count('1=1');
      expect(all).toBeGreaterThan(0);
      expect(await count("CURRENT_USER = 'analyst1'")).toBe(all);
      expect(await count("CURRENT_USER = 'officer1'")).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('/rest/info', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('does not reflect a forged Host header', async () => {
    const { request } = await import('node:http');
    const port = new URL(server.url).port;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/arcgis/rest/info?f=json',
          headers: { host: 'evil.example' },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(body).not.toContain('evil.example');
    const info = JSON.parse(body) as {
      owningSystemUrl: string;
      authInfo: { tokenServicesUrl: string };
    };
    expect(info.owningSystemUrl).toBe(`http://127.0.0.1:${port}/arcgis`);
    expect(info.authInfo.tokenServicesUrl).toBe(
      `http://127.0.0.1:${port}/arcgis/sharing/rest/generateToken`,
    );
  });

  it('advertises the configured public address when there is one', async () => {
    const configured = await startTestServer({ publicUrl: 'https://cameras.city.example/' });
    try {
      const response = await fetch(`${configured.url}/arcgis/rest/info?f=json`);
      const info = (await response.json()) as { owningSystemUrl: string };
      expect(info.owningSystemUrl).toBe('https://cameras.city.example/arcgis');
    } finally {
      await configured.close();
    }
  });
});
