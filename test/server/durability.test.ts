import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import {
  makeRegistration,
  postRegistration,
  seededRandom,
  type Registration,
} from '../helpers/registrations.js';

declare module 'vitest' {
  interface TaskMeta {
    durability?: Record<string, number>;
  }
}

const SEED = 0x5eed_2026;
const KILLS = 12;
const CLIENTS = 4;
/** A kill lands this long (ms, at random) after the restarted server acknowledged its first registration. */
const KILL_AFTER_MS: readonly [number, number] = [0, 400];
const PUBLIC = 'CommunityCameras_public';

const dir = mkdtempSync(join(tmpdir(), 'ccr-durability-'));
const running = new Set<ServerProcess>();
afterAll(async () => {
  // A failed assertion must not leave a server behind.
  for (const server of running) await server.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(dbFile: string): Promise<ServerProcess> {
  const server = await startServerProcess({ dbFile, demoPassword: 'durability-pw-1' });
  running.add(server);
  return server;
}

interface Client {
  readonly random: () => number;
  /** A registration sent but never acknowledged; sent again (same GlobalIDs) until it is. */
  pending?: Registration;
}

interface Tally {
  requests: number;
  refused: string[];
  readonly sent: Map<string, Registration>;
  readonly acknowledged: Map<string, Registration>;
}

/** Posts registrations back to back until the server goes away (or `stop` is set). */
async function runClient(
  server: ServerProcess,
  client: Client,
  tally: Tally,
  stop: { now: boolean },
): Promise<void> {
  while (!stop.now) {
    const registration = client.pending ?? makeRegistration(client.random);
    client.pending = registration;
    tally.sent.set(registration.siteGuid, registration);
    tally.requests += 1;
    let outcome;
    try {
      outcome = await postRegistration(server.service(PUBLIC), registration);
    } catch {
      return; // the connection died with the server: not acknowledged, sent again next time
    }
    if (outcome.kind === 'acknowledged') {
      tally.acknowledged.set(registration.siteGuid, registration);
      client.pending = undefined;
    } else {
      tally.refused.push(`${outcome.status} ${outcome.body.slice(0, 300)}`);
      return;
    }
  }
}

function count(db: DatabaseSync, sql: string, ...params: string[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

/** Every check that must hold on the file after any number of crashes. */
function checkStore(dbFile: string, tally: Tally): { lost: number } {
  const db = new DatabaseSync(dbFile, { timeout: 10_000 });
  try {
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    const sites = new Map(
      (
        db.prepare('SELECT "GlobalID" AS g, registration_ref AS ref FROM sites').all() as {
          g: string;
          ref: string;
        }[]
      ).map((row) => [row.g, row.ref]),
    );
    const cameras = new Map(
      (
        db.prepare('SELECT "GlobalID" AS g, site_guid AS site FROM cameras').all() as {
          g: string;
          site: string;
        }[]
      ).map((row) => [row.g, row.site]),
    );
    let lost = 0;
    for (const registration of tally.acknowledged.values()) {
      const present =
        sites.get(registration.siteGuid) === registration.reference &&
        registration.cameraGuids.every((g) => cameras.get(g) === registration.siteGuid);
      if (!present) lost += 1;
    }
    // Nothing appears that was never sent, and nothing twice.
    const unknown = [...sites.keys()].filter((g) => !tally.sent.has(g));
    expect(unknown).toEqual([]);
    expect(
      db
        .prepare(
          'SELECT registration_ref, COUNT(*) AS n FROM sites GROUP BY registration_ref HAVING n > 1',
        )
        .all(),
    ).toEqual([]);
    expect(
      db
        .prepare('SELECT "GlobalID", COUNT(*) AS n FROM sites GROUP BY "GlobalID" HAVING n > 1')
        .all(),
    ).toEqual([]);
    expect(
      db
        .prepare('SELECT "GlobalID", COUNT(*) AS n FROM cameras GROUP BY "GlobalID" HAVING n > 1')
        .all(),
    ).toEqual([]);
    // A registration is all or nothing: no camera without its site, no site short of cameras.
    expect(
      count(
        db,
        'SELECT COUNT(*) AS n FROM cameras c WHERE NOT EXISTS (SELECT 1 FROM sites s WHERE s."GlobalID" = c.site_guid)',
      ),
    ).toBe(0);
    expect(
      count(
        db,
        'SELECT COUNT(*) AS n FROM sites s WHERE (SELECT COUNT(*) FROM cameras c WHERE c.site_guid = s."GlobalID") <> 2',
      ),
    ).toBe(0);
    // The spatial index matches its table row for row (its boxes hold 32-bit floats).
    for (const table of ['sites', 'cameras']) {
      expect(count(db, `SELECT COUNT(*) AS n FROM ${table}_rtree`)).toBe(
        count(db, `SELECT COUNT(*) AS n FROM ${table} WHERE _x IS NOT NULL`),
      );
      expect(
        count(
          db,
          `SELECT COUNT(*) AS n FROM ${table} t LEFT JOIN ${table}_rtree r ON r.id = t."OBJECTID" WHERE r.id IS NULL OR NOT (r.minx <= t._x AND r.maxx >= t._x AND r.miny <= t._y AND r.maxy >= t._y)`,
        ),
      ).toBe(0);
    }
    return { lost };
  } finally {
    db.close();
  }
}

describe('durability', () => {
  const tally: Tally = { requests: 0, refused: [], sent: new Map(), acknowledged: new Map() };
  const dbFile = join(dir, 'registry.sqlite');

  it(`keeps every acknowledged registration through ${KILLS} SIGKILLs under write load`, async ({
    task,
  }) => {
    const random = seededRandom(SEED);
    const clients: Client[] = Array.from({ length: CLIENTS }, (_, i) => ({
      random: seededRandom(SEED + 1 + i),
    }));
    let survived = 0;
    let checkedBetweenKills = 0;
    for (let cycle = 0; cycle < KILLS; cycle += 1) {
      const server = await startServer(dbFile);
      const stop = { now: false };
      const before = tally.acknowledged.size;
      let active = clients.length;
      const load = clients.map((client) =>
        runClient(server, client, tally, stop).finally(() => (active -= 1)),
      );
      // Writes are flowing once one is acknowledged; the kill comes at a random moment after.
      while (tally.acknowledged.size === before && active > 0) await sleep(5);
      const [min, max] = KILL_AFTER_MS;
      await sleep(min + random() * (max - min));
      await server.stop('SIGKILL');
      stop.now = true;
      await Promise.all(load);
      survived += 1;
      expect(server.stdout()).not.toMatch(/"level":(50|60)/);
      expect(tally.refused).toEqual([]);
      // Every fifth crash is inspected before the restart; the others are recovered by the server.
      if (cycle % 5 === 4) {
        expect(checkStore(dbFile, tally).lost).toBe(0);
        checkedBetweenKills += 1;
      }
    }
    // One last clean run settles the registrations still unacknowledged when the last kill came.
    const server = await startServer(dbFile);
    for (const client of clients) {
      if (!client.pending) continue;
      tally.requests += 1;
      const outcome = await postRegistration(server.service(PUBLIC), client.pending);
      expect(outcome).toEqual({ kind: 'acknowledged' });
      tally.acknowledged.set(client.pending.siteGuid, client.pending);
      client.pending = undefined;
    }
    await server.stop('SIGTERM');

    const { lost } = checkStore(dbFile, tally);
    expect(lost).toBe(0);
    expect(survived).toBe(KILLS);
    // The load really ran: every restart acknowledged registrations before its kill.
    expect(tally.acknowledged.size).toBeGreaterThan(KILLS);
    task.meta.durability = {
      killsSurvived: survived,
      checkedBetweenKills,
      requestsSent: tally.requests,
      registrationsSent: tally.sent.size,
      acknowledged: tally.acknowledged.size,
      lost,
    };
  }, 180_000);

  it('takes 200 concurrent registrations: none lost, none twice, every answer a success', async ({
    task,
  }) => {
    const server = await startServer(dbFile);
    const random = seededRandom(SEED ^ 0xc0ffee);
    const batch = Array.from({ length: 200 }, () => makeRegistration(random));
    try {
      const outcomes = await Promise.all(
        batch.map((registration) => postRegistration(server.service(PUBLIC), registration)),
      );
      const refused = outcomes.filter((o) => o.kind !== 'acknowledged');
      expect(refused).toEqual([]);
    } finally {
      await server.stop('SIGTERM');
    }
    for (const registration of batch) {
      tally.sent.set(registration.siteGuid, registration);
      tally.acknowledged.set(registration.siteGuid, registration);
    }
    expect(checkStore(dbFile, tally).lost).toBe(0);
    const db = new DatabaseSync(dbFile, { readOnly: true });
    try {
      const refs = batch.map((r) => r.reference);
      const found = db
        .prepare(
          `SELECT COUNT(*) AS n FROM sites WHERE registration_ref IN (SELECT value FROM json_each(?))`,
        )
        .get(JSON.stringify(refs)) as { n: number };
      expect(found.n).toBe(200);
    } finally {
      db.close();
    }
    expect(server.stderr()).toBe('');
    expect(server.stdout()).not.toMatch(/"level":(50|60)/);
    task.meta.durability = { concurrent: 200, acknowledged: batch.length, lost: 0 };
  });
});
