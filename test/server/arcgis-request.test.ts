/**
 * The one client layer (src/client/arcgis-request.ts) against the real local server: every
 * kind of failure arrives as an AppError whose data comes from the answer's data (code,
 * field, issues, retry time), never from its words.
 */
import { ApiKeyManager } from '@esri/arcgis-rest-request';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arcgisRequest,
  firstFailedEdit,
  requireEditsApplied,
  retryAfterSeconds,
  toAppError,
} from '../../src/client/arcgis-request.js';
import { AppError, ErrorCode } from '../../src/core/errors.js';
import { makeRegistration, seededRandom } from '../helpers/registrations.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let limited: TestServer;
let analyst = '';

beforeAll(async () => {
  server = await startTestServer({ sites: 10 });
  limited = await startTestServer({
    sites: 0,
    rateLimits: { 'sign-in': 1_000, 'anonymous-edit': 1_000, lookup: 2 },
  });
  analyst = await server.token('analyst1');
});
afterAll(async () => {
  await server?.close();
  await limited?.close();
});

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('arcgisRequest', () => {
  it('answers with the body of a successful call', async () => {
    const body = await arcgisRequest<{ count: number }>(
      `${server.service('CommunityCameras')}/0/query`,
      { where: '1=1', returnCountOnly: true },
      { authentication: ApiKeyManager.fromKey(analyst) },
    );
    expect(body.count).toBe(10);
  });

  it('maps a missing token (499) and a bad token (498) by their codes', async () => {
    const url = `${server.service('CommunityCameras')}/0/query`;
    expect((await failureOf(arcgisRequest(url, { where: '1=1' }))).code).toBe(
      ErrorCode.AuthRequired,
    );
    const bad = await failureOf(
      arcgisRequest(url, { where: '1=1' }, { authentication: ApiKeyManager.fromKey('nope') }),
    );
    expect(bad.code).toBe(ErrorCode.InvalidToken);
  });

  it("keeps a whole-call refusal's issues as data", async () => {
    const registration = JSON.parse(makeRegistration(seededRandom(7)).edits) as unknown[];
    const failure = await failureOf(
      arcgisRequest(`${server.service('CommunityCameras_public')}/applyEdits`, {
        edits: JSON.stringify([registration[0]]),
        useGlobalIds: true,
      }),
    );
    expect(failure.code).toBe(ErrorCode.InvalidInput);
    expect(failure.issues).toEqual([{ field: 'adds', code: 'CAMERA_REQUIRED', layerId: 1 }]);
  });

  it('turns HTTP 429 into RATE_LIMITED with the Retry-After seconds', async () => {
    const url = `${limited.url}/arcgis/rest/services/Geocode/GeocodeServer/suggest`;
    const codes: string[] = [];
    let waited: number | undefined;
    for (let i = 0; i < 4; i++) {
      const outcome = await arcgisRequest(url, { text: 'Main' }, { httpMethod: 'GET' }).then(
        () => 'ok',
        (e: unknown) => {
          waited = (e as AppError).retryAfterSeconds;
          return (e as AppError).code;
        },
      );
      codes.push(outcome);
    }
    expect(codes.slice(0, 2)).toEqual(['ok', 'ok']);
    expect(codes.slice(2)).toEqual([ErrorCode.RateLimited, ErrorCode.RateLimited]);
    expect(waited).toBeGreaterThan(0);
  });

  it('turns a refused connection into NETWORK_ERROR', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const failure = await failureOf(arcgisRequest(`http://127.0.0.1:${port}/x`, {}));
    expect(failure.code).toBe(ErrorCode.Network);
  });
});

describe('edit answers', () => {
  it('requireEditsApplied throws the refused edit’s own error, not the undone ones', async () => {
    const registration = makeRegistration(seededRandom(8));
    const edits = JSON.parse(registration.edits) as { adds: { attributes: object }[] }[];
    Object.assign(edits[1]!.adds[1]!.attributes, { retention_days: 9999 });
    const answer = await arcgisRequest<unknown>(
      `${server.service('CommunityCameras_public')}/applyEdits`,
      { edits: JSON.stringify(edits), useGlobalIds: true },
    );
    expect(firstFailedEdit(answer)?.error?.code).toBe(1000);
    const failure = (() => {
      try {
        requireEditsApplied(answer);
      } catch (error) {
        return error as AppError;
      }
      return undefined;
    })();
    expect(failure).toMatchObject({
      code: ErrorCode.InvalidInput,
      field: 'retention_days',
      issues: [{ field: 'retention_days', code: 'OUT_OF_RANGE', limit: [0, 365] }],
    });
    const stored = await arcgisRequest<unknown>(
      `${server.service('CommunityCameras_public')}/applyEdits`,
      { edits: registration.edits.replace(/9999/g, '14'), useGlobalIds: true },
    );
    expect(requireEditsApplied(stored)).toBe(stored);
  });
});

describe('retryAfterSeconds', () => {
  it('prefers the data, then the header in seconds or as a date, never a negative wait', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfterSeconds('30', 12, now)).toBe(12);
    expect(retryAfterSeconds('30', undefined, now)).toBe(30);
    expect(retryAfterSeconds('Mon, 30 Nov 2026 12:01:00 GMT', undefined, now)).toBe(60);
    expect(retryAfterSeconds('Mon, 30 Nov 2026 11:00:00 GMT', undefined, now)).toBe(0);
    expect(retryAfterSeconds('soon', undefined, now)).toBeUndefined();
    expect(retryAfterSeconds(null, 0, now)).toBeUndefined();
  });

  it('toAppError lets an abort through unchanged', () => {
    const abort = new DOMException('stopped', 'AbortError');
    expect(toAppError(abort)).toBe(abort);
  });
});
