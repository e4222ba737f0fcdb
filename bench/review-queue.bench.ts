/**
 * The analyst's workspace at city scale: 100,000 demo sites (the generator's mix: about 6%
 * pending) plus 500 planted duplicates (the same registration sent again and still pending:
 * a few metres off, the address spelled out, the phone written another way), in a SQLite
 * file, the real server on loopback, an analyst's token. Prints, over HTTP:
 *
 * - the review queue's first page as `<cam-registry-review>` asks for it (Sites
 *   `status = 'pending'` by CreationDate, 50 rows, every field but the manage-code hash,
 *   with geometry) and its count (`returnCountOnly`): median and p95 of 50 runs each;
 * - the duplicates panel's work: every pending, verified or expired site's duplicate fields
 *   read in pages of 1,000 (`queryFeaturePages`, as the panel reads them), then
 *   `DuplicateIndex` and every candidate pair; the time of each step, and how many planted
 *   pairs come out with the top score. Fails unless all of them do.
 *
 * Per-client budgets and bot checks are off (one analyst asking hundreds of times in a row).
 * The seeded file is cached in the system temp folder, keyed by size, seed and the schema.
 * `CCR_BENCH_SITES` and `CCR_BENCH_RUNS` override the sizes. Alone: `npm run bench -- review`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import { queryFeaturePages, sqlString } from '../src/client/arcgis-request.js';
import { DuplicateIndex, type DuplicateSite } from '../src/core/duplicates/find-duplicates.js';
import { formatReference } from '../src/core/registration/registration-codes.js';
import { LAYERS, SITES } from '../src/core/schema/registry-schema.js';
import { createServer } from '../src/server/create-server.js';
import { insertRow } from '../src/server/db/feature-rows.js';
import { inWriteTransaction, openDatabase } from '../src/server/db/open-database.js';
import { tableName, X_COLUMN, Y_COLUMN } from '../src/server/db/registry-tables.js';
import { seedDatabase } from '../src/server/seed/seed-database.js';
import { SeededRandom } from '../src/server/seed/seeded-random.js';

const SITE_COUNT = Number(process.env.CCR_BENCH_SITES ?? 100_000);
const RUNS = Number(process.env.CCR_BENCH_RUNS ?? 50);
const PLANTED = 500;
const SEED = 1;
const PASSWORD = 'bench-password-1';
/** Dates in the seeded data are placed relative to this instant. */
const SEED_NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
/** The statuses the duplicates panel compares (withdrawn and rejected sites are left out). */
const DUPLICATE_STATUSES = ['pending', 'verified', 'expired'];
/** What the queue reads of each site: every field but the manage-code hash. */
const QUEUE_FIELDS = SITES.fields.map((f) => f.name).filter((n) => n !== 'manage_code_hash');
/** What duplicate finding reads of each site. */
const DUPLICATE_FIELDS = ['GlobalID', 'registration_ref', 'address', 'unit', 'phone', 'email'];

const root = resolve(import.meta.dirname, '..');

/** Changes whenever the schema, the generator or this planting changes. */
function cacheKey(): string {
  const hash = createHash('sha256').update(JSON.stringify(LAYERS));
  for (const file of [
    'src/server/db/registry-tables.ts',
    'src/server/seed/generate-registry.ts',
    'src/server/seed/seed-database.ts',
    'bench/review-queue.bench.ts',
  ])
    hash.update(readFileSync(resolve(root, file)));
  return hash.digest('hex').slice(0, 12);
}

type Row = Record<string, string | number | null>;

/**
 * Plants {@link PLANTED} duplicates: a copy of a random pending, verified or expired site,
 * sent again recently (pending, a new reference and GlobalID), 4 m east and 3 m south, the
 * street type spelled out, the phone written `(816) 555-0100`. Returns original → copy.
 */
function plantDuplicates(db: ReturnType<typeof openDatabase>): Map<string, string> {
  const random = new SeededRandom(7);
  const ids = (
    db
      .prepare(
        `SELECT "OBJECTID" AS id FROM ${tableName(SITES)} WHERE status IN ('pending', 'verified', 'expired') ORDER BY "OBJECTID"`,
      )
      .all() as { id: number }[]
  ).map((r) => r.id);
  const read = db.prepare(`SELECT * FROM ${tableName(SITES)} WHERE "OBJECTID" = ?`);
  const planted = new Map<string, string>();
  const chosen = new Set<number>();
  inWriteTransaction(db, () => {
    while (planted.size < PLANTED) {
      const id = ids[random.int(0, ids.length - 1)] as number;
      if (chosen.has(id)) continue;
      chosen.add(id);
      const original = read.get(id) as Row;
      const { OBJECTID: _id, [X_COLUMN]: x, [Y_COLUMN]: y, ...attributes } = original;
      const hex = () => random.uint32().toString(16).padStart(8, '0').toUpperCase();
      const globalId = `{${hex()}-${hex().slice(0, 4)}-4${hex().slice(0, 3)}-8${hex().slice(0, 3)}-${hex()}${hex().slice(0, 4)}}`;
      const phone = typeof original.phone === 'string' ? original.phone : null;
      insertRow(
        db,
        SITES,
        {
          ...attributes,
          GlobalID: globalId,
          registration_ref: formatReference(
            Uint8Array.from({ length: 8 }, () => random.int(0, 255)),
          ),
          status: 'pending',
          CreationDate: SEED_NOW - random.int(0, 20) * DAY,
          EditDate: SEED_NOW,
          address: String(original.address ?? '')
            .replace(/\bSt\b/, 'Street')
            .replace(/\bRd\b/, 'Road'),
          phone: phone ? phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3') : null,
        },
        { x: Number(x) + 0.00004, y: Number(y) - 0.00003 },
      );
      planted.set(String(original.GlobalID), globalId);
    }
  });
  return planted;
}

interface SeedRecord {
  sites: number;
  seedMs: number;
  planted: [string, string][];
}

async function seededFile(): Promise<{ file: string; record: SeedRecord; cached: boolean }> {
  const base = join(tmpdir(), `ccr-bench-review-${SITE_COUNT}-${SEED}-${cacheKey()}`);
  const file = `${base}.sqlite`;
  const recordFile = `${base}.json`;
  if (existsSync(file) && existsSync(recordFile))
    return {
      file,
      record: JSON.parse(readFileSync(recordFile, 'utf8')) as SeedRecord,
      cached: true,
    };
  // Seed beside the final name and rename at the end, so an interrupted run leaves no cache.
  const partial = `${base}.partial-${process.pid}.sqlite`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  const db = openDatabase(partial);
  const counts = await seedDatabase(db, {
    sites: SITE_COUNT,
    seed: SEED,
    now: SEED_NOW,
    demoPassword: PASSWORD,
  });
  const planted = plantDuplicates(db);
  db.exec('ANALYZE');
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  renameSync(partial, file);
  const record = { sites: counts.sites + PLANTED, seedMs: counts.elapsedMs, planted: [...planted] };
  writeFileSync(recordFile, JSON.stringify(record));
  return { file, record, cached: false };
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

function summary(label: string, ms: readonly number[], extra: string): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return [
    label.padEnd(40),
    `median ${percentile(sorted, 50).toFixed(2).padStart(7)} ms`,
    `p95 ${percentile(sorted, 95).toFixed(2).padStart(7)} ms`,
    `max ${(sorted.at(-1) ?? Number.NaN).toFixed(2).padStart(7)} ms`,
    extra,
  ]
    .filter(Boolean)
    .join('  ');
}

const { file, record, cached } = await seededFile();
const db = openDatabase(file);
const pending = (
  db.prepare(`SELECT count(*) AS n FROM ${tableName(SITES)} WHERE status = 'pending'`).get() as {
    n: number;
  }
).n;
console.log(
  `registry: ${record.sites.toLocaleString('en-US')} sites (${PLANTED} planted duplicates), ${pending.toLocaleString('en-US')} pending (${((pending / record.sites) * 100).toFixed(1)}%), in ${file}`,
);
console.log(
  `seeding: ${(record.seedMs / 1000).toFixed(1)} s${cached ? ' (measured when the cached file was made)' : ''}`,
);

const app = await createServer({ db, rateLimits: false, botCheck: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const tokenUrl = `${base}/arcgis/sharing/rest/generateToken`;
const tokenAnswer = (await (
  await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'analyst1', password: PASSWORD, f: 'json' }),
  })
).json()) as { token?: string };
const token = tokenAnswer.token;
if (!token) throw new Error('no analyst token');
const layerUrl = `${base}/arcgis/rest/services/CommunityCameras/FeatureServer/${SITES.id}`;

async function query(params: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(`${layerUrl}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ f: 'json', token: token as string, ...params }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (body.error) throw new Error(`query failed: ${JSON.stringify(body.error)}`);
  return body;
}

const queueWhere = "status = 'pending'";
const firstPage = () =>
  query({
    where: queueWhere,
    outFields: QUEUE_FIELDS.join(','),
    orderByFields: 'CreationDate ASC,OBJECTID ASC',
    resultOffset: '0',
    resultRecordCount: '50',
    returnGeometry: 'true',
  });
const count = () => query({ where: queueWhere, returnCountOnly: 'true' });

async function timed(run: () => Promise<Record<string, unknown>>) {
  for (let i = 0; i < 5; i++) await run(); // warm the JIT and SQLite's page cache
  const ms: number[] = [];
  let last: Record<string, unknown> = {};
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    last = await run();
    ms.push(performance.now() - started);
  }
  return { ms, last };
}

console.log(`review queue over HTTP, ${RUNS} runs each:`);
const page = await timed(firstPage);
const rows = (page.last.features as unknown[] | undefined)?.length ?? 0;
if (rows !== Math.min(50, pending)) throw new Error(`first page had ${rows} rows`);
console.log(summary('first page (50 pending, oldest first)', page.ms, `${rows} rows`));
const counted = await timed(count);
if (counted.last.count !== pending) throw new Error(`count said ${String(counted.last.count)}`);
console.log(summary('count (returnCountOnly)', counted.ms, `count ${pending}`));
const both = await timed(async () => (await Promise.all([firstPage(), count()]))[0]);
console.log(summary('page and count together (as sent)', both.ms, ''));

// Duplicates: read as the panel reads, then index and pair.
const authentication = {
  portal: `${base}/arcgis/sharing/rest`,
  getToken: () => Promise.resolve(token),
} as unknown as IAuthenticationManager;
const t0 = performance.now();
const sites: DuplicateSite[] = [];
let pages = 0;
for await (const features of queryFeaturePages(
  layerUrl,
  {
    where: `status IN (${DUPLICATE_STATUSES.map(sqlString).join(', ')})`,
    outFields: DUPLICATE_FIELDS,
    returnGeometry: true,
    pageSize: 1000,
  },
  { authentication },
)) {
  pages += 1;
  for (const { attributes: a, geometry } of features) {
    const g = geometry as { x?: unknown; y?: unknown } | null | undefined;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    sites.push({
      id: String(a.GlobalID),
      point: typeof g?.x === 'number' && typeof g.y === 'number' ? [g.x, g.y] : null,
      address: text(a.address),
      unit: text(a.unit),
      phone: text(a.phone),
      email: text(a.email),
    });
  }
}
const t1 = performance.now();
const index = new DuplicateIndex(sites);
const t2 = performance.now();
const pairs = index.allCandidates();
const t3 = performance.now();

// Found: the original is among the planted copy's top-scored candidates (another copy of the
// same original, or a site at the same address, may tie with it).
const top = new Map<string, { score: number; ids: Set<string> }>();
for (const c of pairs)
  for (const [self, other] of [
    [c.a, c.b],
    [c.b, c.a],
  ] as const) {
    const entry = top.get(self);
    if (!entry || c.score > entry.score) top.set(self, { score: c.score, ids: new Set([other]) });
    else if (entry.score === c.score) entry.ids.add(other);
  }
let found = 0;
for (const [original, copy] of record.planted) if (top.get(copy)?.ids.has(original)) found += 1;

console.log('duplicate finding over HTTP:');
console.log(
  `load ${sites.length.toLocaleString('en-US')} sites' duplicate fields: ${(t1 - t0).toFixed(0)} ms (${pages} pages of up to 1,000)`,
);
console.log(`build index: ${(t2 - t1).toFixed(0)} ms`);
console.log(`all candidate pairs: ${(t3 - t2).toFixed(0)} ms, ${pairs.length} pairs`);
console.log(`total: ${(t3 - t0).toFixed(0)} ms`);
console.log(`planted duplicates found with the top score: ${found}/${PLANTED}`);
if (found < PLANTED) process.exitCode = 1;

await app.close();
db.close();
