/**
 * `mergeSites` with the analyst's ReviewLog row in the same `applyEdits`: both happen, or
 * neither (the duplicates panel relies on it so that no merge goes unrecorded).
 */
import { ArcGISIdentityManager } from '@esri/arcgis-rest-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEW_LOG } from '../../src/core/schema/registry-schema.js';
import { mergeSites } from '../../src/ops/merge-sites.js';
import type { RegistryService } from '../../src/ops/process-requests.js';
import { makeRegistration, postRegistration, seededRandom } from '../helpers/registrations.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let analyst: RegistryService;
const random = seededRandom(1212);

beforeAll(async () => {
  server = await startTestServer();
  analyst = {
    url: server.service('CommunityCameras'),
    authentication: await ArcGISIdentityManager.fromToken({
      token: await server.token('analyst1'),
      tokenExpires: new Date(Date.now() + 3_600_000),
      portal: `${server.url}/arcgis/sharing/rest`,
      server: `${server.url}/arcgis/rest/services`,
    }),
  };
});
afterAll(() => server?.close());

async function pair(): Promise<{ keep: string; remove: string; keepRef: string }> {
  const keep = makeRegistration(random, { address: '77 Record Merge Rd' });
  const remove = makeRegistration(random, { address: '77 Record Merge Road' });
  for (const r of [keep, remove])
    expect(await postRegistration(server.service('CommunityCameras_public'), r)).toEqual({
      kind: 'acknowledged',
    });
  return { keep: keep.siteGuid, remove: remove.siteGuid, keepRef: keep.reference };
}

const count = (sql: string, ...params: string[]) =>
  (server.db.prepare(sql).get(...params) as { n: number }).n;
const logRows = (guid: string) =>
  server.db.prepare('SELECT * FROM review_log WHERE site_guid = ?').all(guid) as Record<
    string,
    unknown
  >[];

const row = (site: string, reference: string, decision: string) => ({
  id: REVIEW_LOG.id,
  adds: [{ attributes: { site_guid: site, registration_ref: reference, decision } }],
});

describe('mergeSites with a ReviewLog row', () => {
  it('writes the row with the merge', async () => {
    const { keep, remove, keepRef } = await pair();
    const report = await mergeSites(analyst, keep, remove, {
      alsoEdit: [row(keep, keepRef, 'merged')],
    });
    expect(report).toMatchObject({ kept: keep, removed: remove, camerasMoved: 2 });
    expect(logRows(keep)).toMatchObject([
      { decision: 'merged', registration_ref: keepRef, Creator: 'analyst1' },
    ]);
    expect(count('SELECT COUNT(*) AS n FROM sites WHERE "GlobalID" = ?', remove)).toBe(0);
  });

  it('merges nothing when the row is refused', async () => {
    const { keep, remove, keepRef } = await pair();
    await expect(
      mergeSites(analyst, keep, remove, { alsoEdit: [row(keep, keepRef, 'not_a_decision')] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(count('SELECT COUNT(*) AS n FROM sites WHERE "GlobalID" = ?', remove)).toBe(1);
    expect(count('SELECT COUNT(*) AS n FROM cameras WHERE site_guid = ?', remove)).toBe(2);
    expect(count('SELECT COUNT(*) AS n FROM cameras WHERE site_guid = ?', keep)).toBe(2);
    expect(logRows(keep)).toEqual([]);
  });
});
