/**
 * Sign-in that cannot be turned against officers: failed sign-ins slow the client address
 * that made them (doubling up to a cap), one budget across both token URLs, the same answer
 * for known and unknown usernames, tokens bound to the referer they were issued for, and a
 * security log that folds repeats instead of growing a row per request.
 * https://developers.arcgis.com/rest/services-reference/enterprise/generate-token/
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientKey,
  DEFAULT_TOKEN_POLICY,
  type TokenPolicy,
} from '../../src/server/auth/accounts.js';
import {
  NAMES_PER_MINUTE,
  OTHER_NAMES,
  recordSecurityEvent,
  securityEvents,
} from '../../src/server/security/security-events.js';
import {
  addUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from '../helpers/test-server.js';

const PORTAL = '/arcgis/sharing/rest/generateToken';
const SERVER = '/arcgis/tokens/generateToken';
const SELF = '/arcgis/sharing/rest/community/self';

/** A clock the tests move, so waits are checked to the millisecond without sleeping. */
let clockMs = Date.UTC(2030, 0, 1);
/**
 * Per client: 3 free failures, then 10 s, 20 s, and 40 s from the 5th on. Per username: 4 free,
 * then 5 s, 10 s, 20 s at most, and only for clients that have failed themselves.
 */
const POLICY: TokenPolicy = {
  ...DEFAULT_TOKEN_POLICY,
  clientDelays: { freeFailures: 3, firstDelaySeconds: 10, maxDelaySeconds: 40, forgetMinutes: 60 },
  accountDelays: { freeFailures: 4, firstDelaySeconds: 5, maxDelaySeconds: 20, forgetMinutes: 60 },
  now: () => clockMs,
};

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: {
    token?: string;
    username?: string;
    error?: { code: number; message: string; details: string[]; retryAfter?: number };
  };
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ sites: 0, tokenPolicy: POLICY });
  await Promise.all(['officer7', 'officer8'].map((name) => addUser(server, name, 'officer')));
});
afterAll(() => server?.close());

/**
 * One HTTP request from a chosen loopback address (all of 127/8 is this machine), so each test
 * is a different client as `request.ip` sees it.
 */
function call(
  path: string,
  options: { from: string; form?: Record<string, string>; headers?: Record<string, string> },
): Promise<Answer> {
  const body = options.form ? new URLSearchParams({ f: 'json', ...options.form }).toString() : '';
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${server.url}${path}`,
      {
        method: options.form ? 'POST' : 'GET',
        localAddress: options.from,
        agent: false,
        headers: {
          ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...options.headers,
        },
      },
      (incoming) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (text += chunk));
        incoming.on('end', () => {
          const retryAfter = incoming.headers['retry-after'];
          resolve({
            status: incoming.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            body: JSON.parse(text) as Answer['body'],
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const signIn = (from: string, username: string, password: string, path = PORTAL) =>
  call(path, { from, form: { username, password } });

const WRONG = {
  code: 400,
  message: 'Unable to generate token.',
  details: ['Invalid username or password.'],
};

function held(seconds: number): Pick<Answer, 'status' | 'retryAfter' | 'body'> {
  return {
    status: 429,
    retryAfter: String(seconds),
    body: {
      error: {
        code: 429,
        message: 'Too many failed sign-ins. Try again later.',
        details: [`Retry after ${seconds} seconds.`],
        retryAfter: seconds,
      },
    },
  };
}

/** Fails `times` password checks, waiting out each hold; returns the holds met, in seconds. */
async function failRepeatedly(from: string, username: string, times: number): Promise<number[]> {
  const holds: number[] = [];
  for (let failed = 0; failed < times;) {
    const answer = await signIn(from, username, `guess-${failed}`);
    if (answer.status === 429) {
      holds.push(Number(answer.retryAfter));
      clockMs += Number(answer.retryAfter) * 1000;
    } else {
      expect(answer.body.error).toEqual(WRONG);
      failed += 1;
    }
  }
  return holds;
}

describe('nobody can lock an officer out (problem 1)', () => {
  it('the right password from a clean address works while another address hammers the account', async () => {
    const holds = await failRepeatedly('127.0.0.11', 'officer7', 8);
    // The attacker was slowed: 10 s after its 3rd failure, doubling to the 40 s cap.
    expect(holds).toEqual([10, 20, 40, 40, 40]);
    const officer = await signIn('127.0.0.12', 'officer7', TEST_PASSWORD);
    expect(officer.status).toBe(200);
    const self = await call(`${SELF}?f=json&token=${officer.body.token!}`, { from: '127.0.0.12' });
    expect(self.body.username).toBe('officer7');
    // The attacker itself is still held, right password or not.
    expect(await signIn('127.0.0.11', 'officer7', TEST_PASSWORD)).toEqual(held(40));
    // The account's own failures slow, modestly, only clients that have failed themselves.
    // officer7 has 8 failures, 4 past its free ones: 5 s doubling would be 80 s; the cap is 20 s.
    expect((await signIn('127.0.0.13', 'someone-else', 'nope')).body.error).toEqual(WRONG);
    expect(await signIn('127.0.0.13', 'officer7', TEST_PASSWORD)).toEqual(held(20));
    clockMs += 20_000;
    expect((await signIn('127.0.0.13', 'officer7', TEST_PASSWORD)).status).toBe(200);
  });
});

describe('failures slow the client that makes them', () => {
  it('below the threshold nothing waits; at it the client waits 10 s, doubling to the 40 s cap', async () => {
    const from = '127.0.0.21';
    // Each guess at a new name, so only the client's own count is at work.
    for (const name of ['a1', 'a2'])
      expect((await signIn(from, name, 'x')).body.error).toEqual(WRONG);
    // Below: the 3rd attempt goes straight through. At: after it, even the right password waits.
    expect((await signIn(from, 'a3', 'x')).body.error).toEqual(WRONG);
    expect(await signIn(from, 'officer1', TEST_PASSWORD)).toEqual(held(10));
    clockMs += 9_999;
    expect(await signIn(from, 'a4', 'x')).toEqual(held(1));
    clockMs += 1;
    expect((await signIn(from, 'a4', 'x')).body.error).toEqual(WRONG);
    // Below the cap, at the cap, and past it (80 s would be next without the cap).
    expect(await signIn(from, 'a5', 'x')).toEqual(held(20));
    clockMs += 20_000;
    expect((await signIn(from, 'a5', 'x')).body.error).toEqual(WRONG);
    expect(await signIn(from, 'a6', 'x')).toEqual(held(40));
    clockMs += 40_000;
    expect((await signIn(from, 'a6', 'x')).body.error).toEqual(WRONG);
    expect(await signIn(from, 'a7', 'x')).toEqual(held(40));
    // Others are not held by this client's failures.
    expect((await signIn('127.0.0.22', 'officer1', TEST_PASSWORD)).status).toBe(200);
  });

  it('parallel guesses cannot slip past the threshold: 3 checked, the rest held', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn('127.0.0.23', `b${i}`, 'x')),
    );
    expect(answers.filter((a) => a.status === 200 && a.body.error?.code === 400)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(9);
  });

  it('counts an IPv6 client by its /64, and an IPv4-mapped address as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });
});

describe('one guessing budget across both token URLs (problem 3)', () => {
  it('failures at either URL count together', async () => {
    const from = '127.0.0.31';
    expect((await signIn(from, 'c1', 'x', PORTAL)).body.error).toEqual(WRONG);
    expect((await signIn(from, 'c2', 'x', SERVER)).body.error).toEqual(WRONG);
    expect((await signIn(from, 'c3', 'x', PORTAL)).body.error).toEqual(WRONG);
    expect(await signIn(from, 'c4', 'x', SERVER)).toEqual(held(10));
    expect(await signIn(from, 'c4', 'x', PORTAL)).toEqual(held(10));
  });
});

describe('the same answer for known and unknown usernames (problem 2)', () => {
  it('at every step, below, at and past the limits, slowed or not', async () => {
    // officer8 exists, officer9 does not; each is tried from its own address, in step.
    const steps: [Answer, Answer][] = [];
    for (let failed = 0; failed < 7;) {
      const pair: [Answer, Answer] = [
        await signIn('127.0.0.41', 'officer8', `guess-${failed}`),
        await signIn('127.0.0.42', 'officer9', `guess-${failed}`),
      ];
      steps.push(pair);
      if (pair[0].status === 429) clockMs += Number(pair[0].retryAfter) * 1000;
      else failed += 1;
    }
    for (const [known, unknown] of steps) expect(unknown).toEqual(known);
    expect(steps.map(([known]) => known.status)).toEqual([
      200, 200, 200, 429, 200, 429, 200, 429, 200, 429, 200,
    ]);
  });
});

describe('tokens bound to a referer (problem 4)', () => {
  const from = '127.0.0.51';
  const self = (token: string, headers: Record<string, string> = {}) =>
    call(`${SELF}?f=json&token=${token}`, { from, headers });

  it('work only from requests whose Referer falls under the one they were issued for', async () => {
    const issued = await call(PORTAL, {
      from,
      form: {
        username: 'analyst1',
        password: TEST_PASSWORD,
        client: 'referer',
        referer: 'https://city.example/app',
      },
    });
    const token = issued.body.token!;
    for (const referer of [
      'https://city.example/app',
      'https://city.example/app/search.html?near=1',
      'HTTPS://CITY.EXAMPLE:443/app/',
    ]) {
      expect((await self(token, { referer })).body.username).toBe('analyst1');
    }
    const invalid = { code: 498, message: 'Invalid token.', details: [] };
    for (const referer of [
      'https://evil.example/app',
      'https://city.example.evil.example/app',
      'http://city.example/app',
      'https://city.example/apple',
      'https://city.example/',
    ]) {
      expect((await self(token, { referer })).body.error).toEqual(invalid);
    }
    expect((await self(token)).body.error).toEqual(invalid);
  });

  it('match a referer that is not a web address exactly, and need one', async () => {
    const issued = await call(SERVER, {
      from,
      form: { username: 'analyst1', password: TEST_PASSWORD, client: 'referer', referer: 'my-app' },
    });
    expect((await self(issued.body.token!, { referer: 'my-app' })).body.username).toBe('analyst1');
    expect((await self(issued.body.token!, { referer: 'my-app-2' })).body.error?.code).toBe(498);
    const missing = await call(PORTAL, {
      from,
      form: { username: 'analyst1', password: TEST_PASSWORD, client: 'referer' },
    });
    expect(missing.body.error?.details).toEqual([
      "'referer' is required when 'client' is 'referer'.",
    ]);
  });

  it('leave tokens without client unbound, and bind client=requestip to the address', async () => {
    const free = await signIn(from, 'analyst1', TEST_PASSWORD);
    expect(
      (await self(free.body.token!, { referer: 'https://anywhere.example/' })).body.username,
    ).toBe('analyst1');
    const pinned = await call(PORTAL, {
      from,
      form: { username: 'analyst1', password: TEST_PASSWORD, client: 'requestip' },
    });
    expect((await self(pinned.body.token!)).body.username).toBe('analyst1');
    const elsewhere = await call(`${SELF}?f=json&token=${pinned.body.token!}`, {
      from: '127.0.0.52',
    });
    expect(elsewhere.body.error?.code).toBe(498);
  });
});

describe('the security log folds repeats (problem 5)', () => {
  it('2,000 bad-token requests make one row per minute they span, counting all 2,000', async () => {
    const url = `${server.service('CommunityCameras_public')}?f=json&token=forged-`;
    const route = '/arcgis/rest/services/:service/FeatureServer';
    const before = Date.now();
    for (let batch = 0; batch < 40; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fetch(`${url}${batch * 50 + i}`).then((r) => r.json()),
        ),
      );
      expect(answers).toEqual(
        Array(50).fill({ error: { code: 498, message: 'Invalid token.', details: [] } }),
      );
    }
    const after = Date.now();
    const rows = securityEvents(server.db).filter(
      (e) => e.kind === 'TOKEN_INVALID' && e.route === route,
    );
    const minutes = new Set(rows.map((row) => Math.floor(row.at / 60_000)));
    expect(minutes.size).toBe(rows.length);
    expect(rows.length).toBeLessThanOrEqual(
      Math.floor(after / 60_000) - Math.floor(before / 60_000) + 1,
    );
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(2000);
    const stored = JSON.stringify(server.db.prepare('SELECT * FROM security_events').all());
    expect(stored).not.toContain('forged-');
  });

  it(`names ${NAMES_PER_MINUTE} accounts a minute per kind and route, and counts the rest as ${OTHER_NAMES}`, () => {
    const minute = Date.UTC(2031, 0, 1);
    const route = '/test/names';
    for (let i = 0; i < NAMES_PER_MINUTE + 5; i += 1) {
      recordSecurityEvent(server.db, {
        kind: 'SIGN_IN_FAILED',
        username: `name${i}`,
        route,
        at: minute + i,
      });
      recordSecurityEvent(server.db, {
        kind: 'SIGN_IN_FAILED',
        username: `name${i}`,
        route,
        at: minute + i,
      });
    }
    recordSecurityEvent(server.db, {
      kind: 'SIGN_IN_FAILED',
      username: 'name0',
      route,
      at: minute + 60_000,
    });
    const rows = securityEvents(server.db, minute).filter((e) => e.route === route);
    expect(rows).toHaveLength(NAMES_PER_MINUTE + 2);
    expect(rows.filter((r) => r.username === OTHER_NAMES)).toMatchObject([
      { count: 10, at: minute + 20 },
    ]);
    expect(rows.filter((r) => r.username === 'name0')).toMatchObject([
      { count: 2, at: minute, lastAt: minute },
      { count: 1, at: minute + 60_000 },
    ]);
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(2 * (NAMES_PER_MINUTE + 5) + 1);
  });
});
