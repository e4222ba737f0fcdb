/**
 * Sign-in and tokens: generateToken (portal and server URLs), how a token may be presented,
 * expiry, how failed sign-ins slow the client (never lock the account), and how credentials
 * are stored. sign-in-hardening.test.ts has the delays at and past their limits.
 * https://developers.arcgis.com/rest/services-reference/enterprise/generate-token/
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_POLICY, signIn, type TokenPolicy } from '../../src/server/auth/accounts.js';
import {
  addUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from '../helpers/test-server.js';

const MINUTE = 60_000;
/** Short lifetimes so expiry can be seen within a test. */
const POLICY: TokenPolicy = {
  ...DEFAULT_TOKEN_POLICY,
  defaultMinutes: 2,
  maxMinutes: 5,
  idleMinutes: 0.005,
};
const TOKEN_URLS = ['/arcgis/sharing/rest/generateToken', '/arcgis/tokens/generateToken'];

interface Issued {
  token?: string;
  expires?: number;
  ssl?: boolean;
  error?: { code: number; message: string; details: string[] };
}

let server: TestServer;
let shortLived: TestServer;

beforeAll(async () => {
  [server, shortLived] = await Promise.all([
    startTestServer({ sites: 20 }),
    startTestServer({ sites: 0, tokenPolicy: POLICY }),
  ]);
});
afterAll(async () => {
  await server?.close();
  await shortLived?.close();
});

async function generate(
  target: TestServer,
  params: Record<string, string | number>,
  path = TOKEN_URLS[0]!,
): Promise<Issued> {
  const response = await fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      f: 'json',
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Issued;
}

/** Counts officer-view cameras in a part of town, presenting the token as `how`. */
async function officerCount(
  target: TestServer,
  how: { param?: string; header?: [string, string]; body?: string },
): Promise<{ count?: number; error?: { code: number } }> {
  const url = new URL(`${target.service('CommunityCameras_officer')}/1/query`);
  url.searchParams.set('f', 'json');
  url.searchParams.set('returnCountOnly', 'true');
  // Officers search an area (a count of the whole registry is refused).
  url.searchParams.set('geometry', '-94.43,39.07,-94.40,39.09');
  url.searchParams.set('geometryType', 'esriGeometryEnvelope');
  if (how.param) url.searchParams.set('token', how.param);
  const init: RequestInit = { headers: how.header ? { [how.header[0]]: how.header[1] } : {} };
  if (how.body) {
    init.method = 'POST';
    init.headers = { ...init.headers, 'content-type': 'application/x-www-form-urlencoded' };
    init.body = new URLSearchParams({ token: how.body });
  }
  const response = await fetch(url, init);
  expect(response.status).toBe(200);
  return (await response.json()) as { count?: number; error?: { code: number } };
}

describe('generateToken', () => {
  for (const path of TOKEN_URLS) {
    it(`issues a working token at ${path}`, async () => {
      const before = Date.now();
      const issued = await generate(
        server,
        { username: 'officer1', password: TEST_PASSWORD },
        path,
      );
      const after = Date.now();
      expect(issued.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(issued.ssl).toBe(false);
      expect(issued.expires).toBeGreaterThanOrEqual(before + 60 * MINUTE);
      expect(issued.expires).toBeLessThanOrEqual(after + 60 * MINUTE);
      expect((await officerCount(server, { param: issued.token! })).count).toBeGreaterThan(0);
    });

    it(`refuses GET at ${path}, so passwords never sit in URLs and logs`, async () => {
      const query = new URLSearchParams({
        username: 'officer1',
        password: TEST_PASSWORD,
        f: 'json',
      });
      const response = await fetch(`${server.url}${path}?${query.toString()}`);
      const body = (await response.json()) as Issued;
      expect(body.token).toBeUndefined();
      expect(body.error?.code).toBe(404);
    });
  }

  it('answers every refused sign-in with the same words', async () => {
    const wrongPassword = await generate(server, { username: 'analyst1', password: 'nope' });
    const unknownUser = await generate(server, { username: 'nobody', password: 'nope' });
    expect(wrongPassword.token).toBeUndefined();
    expect(wrongPassword.error).toEqual({
      code: 400,
      message: 'Unable to generate token.',
      details: ['Invalid username or password.'],
    });
    expect(unknownUser.error).toEqual(wrongPassword.error);
    const missing = await generate(server, { username: 'analyst1' });
    expect(missing.error?.code).toBe(400);
  });

  it('matches the username without regard to case', async () => {
    const issued = await generate(server, { username: 'Officer1', password: TEST_PASSWORD });
    expect(issued.token).toBeDefined();
  });
});

describe('expiration', () => {
  it('honours the default, the requested and the largest lifetime of the policy', async () => {
    for (const [requested, minutes] of [
      [undefined, POLICY.defaultMinutes],
      [3, 3],
      [600, POLICY.maxMinutes],
    ] as const) {
      const before = Date.now();
      const issued = await generate(shortLived, {
        username: 'analyst1',
        password: TEST_PASSWORD,
        ...(requested === undefined ? {} : { expiration: requested }),
      });
      const after = Date.now();
      expect(issued.expires).toBeGreaterThanOrEqual(before + minutes * MINUTE);
      expect(issued.expires).toBeLessThanOrEqual(after + minutes * MINUTE);
    }
  });

  it('refuses an expired token with 498', async () => {
    // Issued five minutes ago for two minutes: expired three minutes ago.
    const issued = await signIn(
      server.db,
      { username: 'officer1', password: TEST_PASSWORD, expirationMinutes: 2 },
      undefined,
      Date.now() - 5 * MINUTE,
    );
    expect(issued.expires).toBeLessThan(Date.now());
    expect(await officerCount(server, { param: issued.token })).toEqual({
      error: { code: 498, message: 'Invalid token.', details: [] },
    });
  });

  it('refuses a token left idle longer than the policy allows', async () => {
    const issued = await generate(shortLived, { username: 'officer1', password: TEST_PASSWORD });
    const issuedAt = Date.now();
    await sleep(POLICY.idleMinutes * MINUTE + 50);
    expect(Date.now() - issuedAt).toBeGreaterThan(POLICY.idleMinutes * MINUTE);
    expect((await officerCount(shortLived, { param: issued.token! })).error?.code).toBe(498);
  });

  it('refuses a token that was never issued, anywhere a token is read', async () => {
    expect((await officerCount(server, { param: 'forged' })).error?.code).toBe(498);
    expect(
      (await officerCount(server, { header: ['X-Esri-Authorization', 'Bearer forged'] })).error
        ?.code,
    ).toBe(498);
    // Even on the public view, which needs no token: a bad token is never read as anonymous.
    const response = await fetch(
      `${server.service('CommunityCameras_public')}?f=json&token=forged`,
    );
    expect(((await response.json()) as Issued).error?.code).toBe(498);
  });
});

describe('presenting a token', () => {
  it('accepts the token parameter, the X-Esri-Authorization and Authorization headers, and a form body', async () => {
    const { token } = await generate(server, { username: 'officer1', password: TEST_PASSWORD });
    const expected = (await officerCount(server, { param: token! })).count;
    expect(expected).toBeGreaterThan(0);
    expect(
      await officerCount(server, { header: ['X-Esri-Authorization', `Bearer ${token!}`] }),
    ).toEqual({ count: expected });
    expect(await officerCount(server, { header: ['Authorization', `Bearer ${token!}`] })).toEqual({
      count: expected,
    });
    expect(await officerCount(server, { body: token! })).toEqual({ count: expected });
  });

  it('answers 499 when no token is presented', async () => {
    expect((await officerCount(server, {})).error?.code).toBe(499);
  });

  it('tells a signed-in client who it is', async () => {
    const { token } = await generate(server, { username: 'admin1', password: TEST_PASSWORD });
    const self = await fetch(
      `${server.url}/arcgis/sharing/rest/community/self?f=json&token=${token!}`,
    );
    expect(await self.json()).toMatchObject({ username: 'admin1', role: 'org_admin' });
    const anonymous = await fetch(`${server.url}/arcgis/sharing/rest/community/self?f=json`);
    expect(((await anonymous.json()) as Issued).error?.code).toBe(499);
  });

  it('advertises where to get a token', async () => {
    const info = (await (await fetch(`${server.url}/arcgis/rest/info?f=json`)).json()) as {
      authInfo: { isTokenBasedSecurity: boolean; tokenServicesUrl: string };
    };
    expect(info.authInfo).toMatchObject({
      isTokenBasedSecurity: true,
      tokenServicesUrl: `${server.url}/arcgis/sharing/rest/generateToken`,
    });
  });
});

describe('failed sign-ins', () => {
  // The default delays (5 free failures per client, then 1 s doubling), on a clock the test moves.
  let clockMs = Date.now();
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await startTestServer({
      sites: 0,
      tokenPolicy: { ...DEFAULT_TOKEN_POLICY, now: () => clockMs },
    });
  });
  afterAll(() => guarded?.close());

  it('slow the client after 5, and never lock the account: a second later the right password works', async () => {
    await addUser(guarded, 'officer2', 'officer');
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const failed = await generate(guarded, {
        username: 'officer2',
        password: `wrong-${attempt}`,
      });
      expect(failed.error?.details).toEqual(['Invalid username or password.']);
    }
    const response = await fetch(`${guarded.url}${TOKEN_URLS[1]!}`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'officer2', password: TEST_PASSWORD, f: 'json' }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      error: {
        code: 429,
        message: 'Too many failed sign-ins. Try again later.',
        details: ['Retry after 1 seconds.'],
        retryAfter: 1,
      },
    });
    clockMs += 1000;
    expect(
      (await generate(guarded, { username: 'officer2', password: TEST_PASSWORD })).token,
    ).toBeDefined();
  });

  it('are not cleared by a good sign-in, so nobody launders guesses with their own account', async () => {
    clockMs += 2 * 60 * MINUTE; // the failures above are forgotten after an hour
    await addUser(guarded, 'officer3', 'officer');
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await generate(guarded, { username: 'officer3', password: 'wrong' });
    }
    expect(
      (await generate(guarded, { username: 'officer3', password: TEST_PASSWORD })).token,
    ).toBeDefined();
    expect((await generate(guarded, { username: 'analyst1', password: 'wrong' })).error?.code).toBe(
      400,
    );
    const held = await fetch(`${guarded.url}${TOKEN_URLS[0]!}`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'officer3', password: TEST_PASSWORD, f: 'json' }),
    });
    expect(held.status).toBe(429);
  });
});

describe('stored credentials', () => {
  it('keeps passwords scrypt-hashed and tokens only as hashes', async () => {
    const { token } = await generate(server, { username: 'analyst1', password: TEST_PASSWORD });
    const users = server.db.prepare('SELECT password_hash FROM users').all() as {
      password_hash: string;
    }[];
    expect(users.length).toBeGreaterThanOrEqual(3);
    for (const user of users) {
      expect(user.password_hash.startsWith('scrypt$')).toBe(true);
      expect(user.password_hash).not.toContain(TEST_PASSWORD);
    }
    const everything = JSON.stringify([
      server.db.prepare('SELECT * FROM users').all(),
      server.db.prepare('SELECT * FROM tokens').all(),
    ]);
    expect(everything).not.toContain(TEST_PASSWORD);
    expect(everything).not.toContain(token!);
  });
});
