import { hashManageCode } from '../../src/server/auth/manage-code.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import { validateAttributes } from '../../src/core/validation/validate-attributes.js';
import { signIn } from '../../src/server/auth/accounts.js';
import { openDatabase, type Database } from '../../src/server/db/open-database.js';
import { ensureGeocodeSchema } from '../../src/server/geocode/address-points.js';
import { generateAddressPoints } from '../../src/server/seed/generate-address-points.js';
import {
  canarySiteIndex,
  generateRegistry,
  type GeneratedSite,
} from '../../src/server/seed/generate-registry.js';
import { CITY_BOX } from '../../src/server/seed/independence-streets.js';
import { runSeedCli } from '../../src/server/seed/seed-cli.js';
import {
  DEFAULT_DEMO_PASSWORD,
  prepareSeedTarget,
  seedDatabase,
} from '../../src/server/seed/seed-database.js';
import { SeededRandom } from '../../src/server/seed/seeded-random.js';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;
const PASSWORD = 'seed-test-password';

function records(sites: number, seed: number, canary?: string): GeneratedSite[] {
  return [...generateRegistry({ sites, seed, now: NOW, ...(canary ? { canary } : {}) })];
}

function count(db: Database, table: string): number {
  return Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
}

function metersBetween(a: { x: number; y: number }, b: { x: number; y: number }): number {
  const dy = (b.y - a.y) * 111_320;
  const dx = (b.x - a.x) * 111_320 * Math.cos((a.y * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

async function freshDb(): Promise<Database> {
  const db = openDatabase(':memory:');
  ensureGeocodeSchema(db);
  return db;
}

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const c = new SeededRandom(8);
    const first = Array.from({ length: 50 }, () => a.uint32());
    expect(Array.from({ length: 50 }, () => b.uint32())).toEqual(first);
    expect(Array.from({ length: 50 }, () => c.uint32())).not.toEqual(first);
  });

  it('keeps int, pick, chance and next within their ranges', () => {
    const random = new SeededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = random.int(-2, 3);
      expect(value).toBeGreaterThanOrEqual(-2);
      expect(value).toBeLessThanOrEqual(3);
      seen.add(value);
      const unit = random.next();
      expect(unit).toBeGreaterThanOrEqual(0);
      expect(unit).toBeLessThan(1);
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2, 3]);
    expect(random.pick(['only'])).toBe('only');
    expect(random.chance(0)).toBe(false);
    expect(random.chance(1)).toBe(true);
    expect(() => random.int(3, 2)).toThrow(RangeError);
    expect(() => random.pick([])).toThrow(RangeError);
  });
});

describe('generateAddressPoints', () => {
  const points = generateAddressPoints();

  it('makes a stable set of 5,000 to 20,000 unique points inside the city box', () => {
    expect(points.length).toBeGreaterThanOrEqual(5000);
    expect(points.length).toBeLessThanOrEqual(20_000);
    expect(generateAddressPoints()).toEqual(points);
    expect(new Set(points.map((p) => `${p.number} ${p.street}`)).size).toBe(points.length);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(CITY_BOX.xmin);
      expect(p.x).toBeLessThanOrEqual(CITY_BOX.xmax);
      expect(p.y).toBeGreaterThanOrEqual(CITY_BOX.ymin);
      expect(p.y).toBeLessThanOrEqual(CITY_BOX.ymax);
      expect(p.zip).toMatch(/^6405[02-8]$/);
      expect(p).toMatchObject({ city: 'Independence', state: 'MO' });
    }
  });

  it('numbers houses upwards away from the centre lines, odd and even on opposite sides', () => {
    const noland = points.filter((p) => p.street === 'S Noland Rd');
    for (const parity of [0, 1]) {
      // South of Truman Rd, numbers grow going south.
      const side = noland.filter((p) => p.number % 2 === parity).sort((a, b) => b.y - a.y);
      expect(side.length).toBeGreaterThan(50);
      for (let i = 1; i < side.length; i++) {
        expect(side[i]!.number).toBeGreaterThan(side[i - 1]!.number);
      }
      const xs = side.map((p) => p.x);
      // Each side of the street keeps to its own side of the centre line.
      expect(Math.max(...xs) < -94.404 || Math.min(...xs) > -94.404).toBe(true);
    }
    expect(points.some((p) => p.street === "S Lee's Summit Rd")).toBe(true);
  });
});

describe('generateRegistry', () => {
  it('yields the same records for the same seed and different ones for another', () => {
    const first = records(200, 1);
    expect(records(200, 1)).toEqual(first);
    const other = records(200, 2);
    expect(other.map((r) => r.site.attributes.GlobalID)).not.toEqual(
      first.map((r) => r.site.attributes.GlobalID),
    );
    // A longer run starts with the shorter one.
    expect(records(300, 1).slice(0, 200)).toEqual(first);
  });

  it('produces sites and cameras that pass validation through the source view', () => {
    for (const record of records(2000, 5)) {
      const site = validateAttributes(SITES, record.site.attributes, {
        view: 'source',
        mode: 'create',
      });
      expect(site.ok ? [] : site.issues).toEqual([]);
      expect(record.cameras.length).toBeGreaterThanOrEqual(1);
      expect(record.cameras.length).toBeLessThanOrEqual(4);
      for (const camera of record.cameras) {
        const checked = validateAttributes(CAMERAS, camera.attributes, {
          view: 'source',
          mode: 'create',
        });
        expect(checked.ok ? [] : checked.issues).toEqual([]);
        expect(camera.attributes.site_guid).toBe(record.site.attributes.GlobalID);
        const meters = metersBetween(record.site.point, camera.point);
        expect(meters).toBeGreaterThanOrEqual(2.9);
        expect(meters).toBeLessThanOrEqual(15.1);
      }
    }
  });

  it('writes GlobalIDs, references and manage-code hashes in their formats', () => {
    const all = records(3000, 9);
    const refs = new Set<unknown>();
    for (const { site, cameras, manageCode } of all) {
      expect(site.attributes.GlobalID).toMatch(
        /^\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$/,
      );
      for (const camera of cameras)
        expect(camera.attributes.GlobalID).toMatch(/^\{[0-9A-F-]{36}\}$/);
      expect(site.attributes.registration_ref).toMatch(
        /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}$/,
      );
      refs.add(site.attributes.registration_ref);
      expect(site.attributes.manage_code_hash).toBe(
        hashManageCode(site.attributes.registration_ref as string, manageCode),
      );
      expect(site.attributes.manage_code_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(refs.size).toBe(all.length);
    expect(hashManageCode('7k3m-9qxp-3htd', 'ab12-cd34')).toBe(
      hashManageCode('7K3M9QXP3HTD', 'AB12CD34'),
    );
  });

  it('gives a realistic mix of statuses, contacts and dates', () => {
    const all = records(5000, 3);
    const sites = all.map((r) => r.site.attributes);
    const share = (test: (a: (typeof sites)[number]) => boolean): number =>
      sites.filter(test).length / sites.length;
    expect(share((a) => a.status === 'verified')).toBeGreaterThan(0.82);
    expect(share((a) => a.status === 'verified')).toBeLessThan(0.88);
    for (const status of ['pending', 'expired', 'withdrawn']) {
      expect(share((a) => a.status === status)).toBeGreaterThan(0.01);
    }
    expect(share((a) => a.site_type === 'residence')).toBeGreaterThan(0.75);
    expect(
      share((a) => a.site_type === 'business' && typeof a.business_name === 'string'),
    ).toBeGreaterThan(0.08);
    expect(share((a) => a.preferred_language === 'es')).toBeGreaterThan(0.05);
    for (const a of sites) {
      if (a.phone !== null) expect(a.phone).toMatch(/^\+1816555\d{4}$/);
      if (a.email !== null) expect(a.email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.com$/);
      expect(a.consent_version).toBe('2026-01');
      const confirmed = a.last_confirmed_at as number;
      expect(confirmed).toBeGreaterThanOrEqual(NOW - 730 * DAY);
      expect(confirmed).toBeLessThanOrEqual(NOW);
      expect(a.confirm_due_at).toBe(confirmed + 365 * DAY);
      expect(a.address).toMatch(/^\d+ [NSEW] .+, Independence, MO 6405\d$/);
    }
    const pastDue = share((a) => a.status === 'verified' && (a.confirm_due_at as number) < NOW);
    expect(pastDue).toBeGreaterThan(0.03);
    expect(pastDue).toBeLessThan(0.2);
    const cameras = all.flatMap((r) => r.cameras.map((c) => c.attributes));
    const unknownBearing = cameras.filter((c) => c.view_bearing === null).length / cameras.length;
    expect(unknownBearing).toBeGreaterThan(0.1);
    expect(unknownBearing).toBeLessThan(0.2);
    expect(cameras.filter((c) => c.form === 'doorbell').every((c) => c.fov_deg === 160)).toBe(true);
    expect(cameras.filter((c) => c.form === 'ptz').every((c) => c.fov_deg === 360)).toBe(true);
    expect(new Set(cameras.map((c) => c.retention_days))).toEqual(
      new Set([0, 1, 3, 7, 14, 30, 60]),
    );
  });

  it('puts the canary into one site only, leaving every other record unchanged', () => {
    const plain = records(400, 4);
    const marked = records(400, 4, 'ZZCANARY-42');
    const at = canarySiteIndex(400);
    const carrying = marked.filter((r) => JSON.stringify(r).includes('ZZCANARY-42'));
    expect(carrying.map((r) => r.index)).toEqual([at]);
    const canary = marked[at]!.site.attributes;
    expect(canary.contact_name).toContain('ZZCANARY-42');
    expect(canary.email).toBe('ZZCANARY-42@example.com');
    expect(canary.status).toBe('verified');
    expect(validateAttributes(SITES, canary, { view: 'source', mode: 'create' }).ok).toBe(true);
    expect(marked.filter((_, i) => i !== at)).toEqual(plain.filter((_, i) => i !== at));
    expect(() => records(10, 1, 'has space')).toThrow(RangeError);
  });

  it('reuses address points with unit numbers once every point has a site', () => {
    const points = generateAddressPoints().slice(0, 10);
    const all = [...generateRegistry({ sites: 25, seed: 1, now: NOW, addressPoints: points })];
    expect(all.slice(0, 10).every((r) => r.site.attributes.unit === null)).toBe(true);
    expect(all.slice(10, 20).every((r) => r.site.attributes.unit === 'Apt 2')).toBe(true);
    expect(all.slice(20).every((r) => r.site.attributes.unit === 'Apt 3')).toBe(true);
    const addresses = (from: number, to: number): string[] =>
      all
        .slice(from, to)
        .map((r) => String(r.site.attributes.address))
        .sort();
    expect(addresses(10, 20)).toEqual(addresses(0, 10));
  });
});

describe('seedDatabase', () => {
  it('loads users, address points and 500 sites with their spatial index', async () => {
    const db = await freshDb();
    const progress: string[] = [];
    const counts = await seedDatabase(db, {
      sites: 500,
      seed: 1,
      now: NOW,
      demoPassword: PASSWORD,
      batchRows: 300,
      onProgress: (p) => progress.push(p.phase),
    });
    const expectedCameras = records(500, 1).reduce((sum, r) => sum + r.cameras.length, 0);
    expect(counts).toMatchObject({ sites: 500, cameras: expectedCameras, users: 3 });
    expect(count(db, 'sites')).toBe(500);
    expect(count(db, 'cameras')).toBe(expectedCameras);
    expect(count(db, 'sites_rtree')).toBe(500);
    expect(count(db, 'cameras_rtree')).toBe(expectedCameras);
    const points = generateAddressPoints().length;
    expect(counts.addressPoints).toBe(points);
    expect(count(db, 'address_points')).toBe(points);
    expect(count(db, 'address_points_rtree')).toBe(points);
    expect(progress.filter((phase) => phase === 'registry').length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe('done');

    const orphans = db
      .prepare(
        'SELECT count(*) AS n FROM cameras c LEFT JOIN sites s ON s.GlobalID = c.site_guid WHERE s.OBJECTID IS NULL',
      )
      .get() as { n: number };
    expect(orphans.n).toBe(0);
    const first = db.prepare('SELECT registration_ref, _x, _y FROM sites WHERE OBJECTID = 1').get();
    const generated = records(1, 1)[0]!.site;
    expect(first).toEqual({
      registration_ref: generated.attributes.registration_ref,
      _x: generated.point.x,
      _y: generated.point.y,
    });

    const users = db.prepare('SELECT username, role FROM users ORDER BY username').all();
    expect(users.map((u) => ({ ...u }))).toEqual([
      { username: 'admin1', role: 'admin' },
      { username: 'analyst1', role: 'analyst' },
      { username: 'officer1', role: 'officer' },
    ]);
    await expect(signIn(db, { username: 'officer1', password: PASSWORD })).resolves.toMatchObject({
      role: 'officer',
    });
    db.close();
  });

  it('refuses a database that already has sites unless forced, then restarts the registry', async () => {
    const db = await freshDb();
    await seedDatabase(db, { sites: 20, seed: 1, now: NOW, demoPassword: PASSWORD });
    await expect(
      seedDatabase(db, { sites: 20, seed: 1, now: NOW, demoPassword: PASSWORD }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(() => prepareSeedTarget(db)).toThrow(/already has 20 sites/);

    const counts = await seedDatabase(db, {
      sites: 30,
      seed: 2,
      now: NOW,
      demoPassword: PASSWORD,
      force: true,
    });
    expect(counts).toMatchObject({ sites: 30, addressPointsLoaded: 0 });
    expect(count(db, 'sites')).toBe(30);
    expect(count(db, 'sites_rtree')).toBe(30);
    expect(count(db, 'cameras')).toBe(counts.cameras);
    const ids = db.prepare('SELECT min(OBJECTID) AS lo, max(OBJECTID) AS hi FROM sites').get();
    expect({ ...ids }).toEqual({ lo: 1, hi: 30 });
    db.close();
  });

  it('seeds only users and address points when asked for no sites', async () => {
    const db = await freshDb();
    const counts = await seedDatabase(db, { sites: 0, seed: 1, now: NOW, demoPassword: PASSWORD });
    expect(counts).toMatchObject({ sites: 0, cameras: 0, users: 3 });
    expect(count(db, 'sites')).toBe(0);
    expect(count(db, 'users')).toBe(3);
    db.close();
  });
});

describe('runSeedCli', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccr-seed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function io(env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { env, log: (line: string) => out.push(line), error: (line: string) => err.push(line) },
    };
  }

  it('seeds, refuses to seed again without --force, and replaces with it', async () => {
    const file = join(dir, 'cli.sqlite');
    const first = io();
    expect(await runSeedCli(['--db', file, '--sites', '40', '--seed', '3'], first.io)).toBe(0);
    const printed = first.out.join('\n');
    expect(printed).toMatch(/sites\s+40/);
    expect(printed).toContain(DEFAULT_DEMO_PASSWORD);
    // The summary names no resident.
    expect(printed).not.toMatch(/@example\.com|\+1816555/);

    const again = io();
    expect(await runSeedCli(['--db', file, '--sites', '40'], again.io)).toBe(1);
    expect(again.err.join('\n')).toMatch(/already has 40 sites.*--force/);

    const forced = io({ CCR_DEMO_PASSWORD: 'from-the-env' });
    expect(await runSeedCli(['--db', file, '--sites', '15', '--force'], forced.io)).toBe(0);
    expect(forced.out.join('\n')).toContain('from CCR_DEMO_PASSWORD');
    expect(forced.out.join('\n')).not.toContain('from-the-env');
    const db = openDatabase(file);
    expect(count(db, 'sites')).toBe(15);
    await expect(
      signIn(db, { username: 'admin1', password: 'from-the-env' }),
    ).resolves.toMatchObject({
      role: 'admin',
    });
    db.close();
  });

  it('rejects bad arguments with exit code 2', async () => {
    for (const args of [
      [],
      ['--db', join(dir, 'x.sqlite')],
      ['--db', 'x', '--sites', 'many'],
      ['--bogus'],
    ]) {
      const run = io();
      expect(await runSeedCli(args, run.io)).toBe(2);
      expect(run.err.join('\n')).toContain('Usage:');
    }
  });
});
