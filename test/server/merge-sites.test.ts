/**
 * A planted duplicate pair is found with the top score and merged over REST with analyst
 * rights with nothing lost; refusals leave everything as it was.
 */
import { ArcGISIdentityManager } from '@esri/arcgis-rest-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateIndex } from '../../src/core/duplicates/find-duplicates.js';
import { CAMERAS, CONTACT_LOG, SITES } from '../../src/core/schema/registry-schema.js';
import { getRowByGlobalId } from '../../src/server/db/feature-rows.js';
import { tableName } from '../../src/server/db/registry-tables.js';
import { mergeSites } from '../../src/ops/merge-sites.js';
import type { RegistryService } from '../../src/ops/process-requests.js';
import { makeRegistration, postRegistration, seededRandom } from '../helpers/registrations.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let analyst: RegistryService;
let officer: RegistryService;
const random = seededRandom(99);

async function credential(username: string): Promise<ArcGISIdentityManager> {
  return ArcGISIdentityManager.fromToken({
    token: await server.token(username),
    // Tokens the server issues last an hour; the tests take seconds.
    tokenExpires: new Date(Date.now() + 3_600_000),
    portal: `${server.url}/arcgis/sharing/rest`,
    server: `${server.url}/arcgis/rest/services`,
  });
}

beforeAll(async () => {
  server = await startTestServer({ sites: 400 });
  const url = server.service('CommunityCameras');
  analyst = { url, authentication: await credential('analyst1') };
  officer = { url, authentication: await credential('officer1') };
});
afterAll(() => server?.close());

const rows = <T>(sql: string, ...params: (string | number)[]) =>
  server.db.prepare(sql).all(...params) as T[];
const camerasOf = (guid: string) =>
  rows<{ GlobalID: string }>(
    `SELECT "GlobalID" FROM ${tableName(CAMERAS)} WHERE site_guid = ?`,
    guid,
  )
    .map((r) => r.GlobalID)
    .sort();
const site = (guid: string) => getRowByGlobalId(server.db, SITES, guid)?.attributes;

/** The same household registered twice: a few metres apart, address and phone written differently. */
async function plantPair(): Promise<{ first: string; second: string }> {
  const first = makeRegistration(random, {
    address: '4410 S Noland Rd',
    phone: '+18165550142',
    contactName: 'Robin Canary-Merge',
  });
  const second = makeRegistration(random, {
    address: '4410 South Noland Road',
    phone: '+18165550142',
    email: 'robin.merge@example.com',
    contactName: 'Robin Canary-Merge',
  });
  const place = (edits: string, x: number) => {
    const layers = JSON.parse(edits) as { adds: { geometry: Record<string, unknown> }[] }[];
    for (const layer of layers)
      for (const add of layer.adds)
        add.geometry = { x, y: 39.061, spatialReference: { wkid: 4326 } };
    return JSON.stringify(layers);
  };
  for (const [r, x] of [
    [first, -94.40412],
    [second, -94.40408],
  ] as const)
    expect(
      (
        await postRegistration(server.service('CommunityCameras_public'), {
          ...r,
          edits: place(r.edits, x),
        })
      ).kind,
    ).toBe('acknowledged');
  return { first: first.siteGuid, second: second.siteGuid };
}

describe('duplicates and merge', () => {
  it('finds the planted pair as the top candidate and merges it with nothing lost', async () => {
    const { first, second } = await plantPair();
    // An officer's contact with the second registration, which must follow the merge.
    server.db
      .prepare(
        `INSERT INTO ${tableName(CONTACT_LOG)} ("GlobalID", site_guid, case_number, contact_method, outcome) VALUES (?, ?, ?, ?, ?)`,
      )
      .run('{0D5A1B2C-3D4E-4F50-8A6B-7C8D9E0F1A2B}', second, '26-000123', 'phone', 'no_answer');

    const sites = rows<Record<string, string | number | null>>(
      `SELECT "GlobalID", address, unit, phone, email, _x AS x, _y AS y FROM ${tableName(SITES)}`,
    );
    const index = new DuplicateIndex(
      sites.map((s) => ({
        id: String(s.GlobalID),
        point: [Number(s.x), Number(s.y)],
        address: s.address as string,
        unit: s.unit as string | null,
        phone: s.phone as string | null,
        email: s.email as string | null,
      })),
    );
    const [top] = index.allCandidates();
    expect(new Set([top?.a, top?.b])).toEqual(new Set([first, second]));
    expect(top?.reasons.map((r) => r.kind)).toEqual(['near', 'address', 'phone']);
    expect(index.candidatesFor(first)[0]?.score).toBe(top?.score);

    expect(site(first)?.quality_flags).toBe('duplicate_suspect');
    expect(site(second)?.quality_flags).toBe('duplicate_suspect');
    const before = [...camerasOf(first), ...camerasOf(second)].sort();
    expect(before).toHaveLength(4);
    const report = await mergeSites(analyst, first, second);
    expect(report).toEqual({
      kept: first,
      removed: second,
      camerasMoved: 2,
      contactEntriesMoved: 1,
      filled: ['email'],
      differing: [],
    });
    expect(camerasOf(first)).toEqual(before);
    expect(camerasOf(second)).toEqual([]);
    expect(site(second)).toBeUndefined();
    expect(site(first)).toMatchObject({
      email: 'robin.merge@example.com',
      duplicate_of: second,
      // Flagged while the pair stood; the merge leaves nothing to suspect.
      quality_flags: null,
    });
    expect(rows(`SELECT 1 FROM ${tableName(CONTACT_LOG)} WHERE site_guid = ?`, first)).toHaveLength(
      1,
    );
  });

  it('changes nothing when the service refuses part of the merge', async () => {
    const { first, second } = await plantPair();
    // A kept site stored before a rule existed: the update of it is refused, so all is.
    server.db
      .prepare(
        `UPDATE ${tableName(SITES)} SET site_type = 'business', business_name = NULL WHERE "GlobalID" = ?`,
      )
      .run(first);
    await expect(mergeSites(analyst, first, second)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(camerasOf(second)).toHaveLength(2);
    expect(site(second)).toBeDefined();
    expect(site(first)?.duplicate_of).toBeNull();
  });

  it('refuses bad GlobalIDs, a site merged with itself, missing sites and officers', async () => {
    const { first, second } = await plantPair();
    await expect(mergeSites(analyst, 'not-a-guid', second)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'keep',
    });
    await expect(mergeSites(analyst, first, first.toLowerCase())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'remove',
    });
    await expect(
      mergeSites(analyst, first, '{00000000-0000-4000-8000-000000000000}'),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'remove' });
    await expect(mergeSites(officer, first, second)).rejects.toMatchObject({
      code: expect.stringMatching(/FORBIDDEN|NOT_FOUND|INVALID_INPUT/),
    });
    expect(camerasOf(second)).toHaveLength(2);
    expect(site(second)).toBeDefined();
  });
});
