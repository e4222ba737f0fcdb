/**
 * Duplicate finding at city scale: 100,000 sites from the demo generator, with 500 planted
 * duplicates (the same registration sent again: a few metres off, the address spelled
 * out, the phone written another way). Prints the time to build the index, to find every
 * candidate pair, to find one site's candidates, and how many planted pairs came out on top;
 * fails unless every planted pair did.
 * `CCR_BENCH_SITES` overrides the size.
 */
import { performance } from 'node:perf_hooks';
import { DuplicateIndex, type DuplicateSite } from '../src/core/duplicates/find-duplicates.js';
import { generateRegistry } from '../src/server/seed/generate-registry.js';
import { SeededRandom } from '../src/server/seed/seeded-random.js';

const SITE_COUNT = Number(process.env.CCR_BENCH_SITES ?? 100_000);
const PLANTED = 500;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const sites: DuplicateSite[] = [];
for (const { site } of generateRegistry({
  sites: SITE_COUNT,
  seed: 1,
  now: Date.UTC(2026, 10, 1),
})) {
  const a = site.attributes;
  sites.push({
    id: String(a.GlobalID),
    point: [site.point.x, site.point.y],
    address: text(a.address),
    unit: text(a.unit),
    phone: text(a.phone),
    email: text(a.email),
  });
}
const random = new SeededRandom(7);
const planted = new Map<string, string>();
for (let n = 0; n < PLANTED; n++) {
  const original = sites[random.int(0, sites.length - 1)] as DuplicateSite;
  const [lon, lat] = original.point as [number, number];
  const id = `planted-${n}`;
  planted.set(id, original.id);
  sites.push({
    ...original,
    id,
    point: [lon + 0.00004, lat - 0.00003],
    address: (original.address ?? '').replace(/\bSt\b/, 'Street').replace(/\bRd\b/, 'Road'),
    phone: original.phone
      ? original.phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3')
      : null,
  });
}

const t0 = performance.now();
const index = new DuplicateIndex(sites);
const t1 = performance.now();
const all = index.allCandidates();
const t2 = performance.now();
const sample = sites.slice(0, 1000);
for (const site of sample) index.candidatesFor(site.id);
const t3 = performance.now();

// Found: the original is among the planted copy's candidates with the top score (another
// copy of the same original, planted too, may tie with it).
let found = 0;
const top = new Map<string, { score: number; ids: Set<string> }>();
for (const c of all)
  for (const [self, other] of [
    [c.a, c.b],
    [c.b, c.a],
  ] as const) {
    const entry = top.get(self);
    if (!entry) top.set(self, { score: c.score, ids: new Set([other]) });
    else if (entry.score === c.score) entry.ids.add(other);
  }
for (const [id, original] of planted) if (top.get(id)?.ids.has(original)) found += 1;

console.log(`sites: ${sites.length} (${PLANTED} planted duplicates)`);
console.log(`build index: ${(t1 - t0).toFixed(0)} ms`);
console.log(`all candidate pairs: ${(t2 - t1).toFixed(0)} ms, ${all.length} pairs`);
console.log(
  `one site's candidates: ${((t3 - t2) / sample.length).toFixed(2)} ms each (mean of ${sample.length})`,
);
console.log(`planted duplicates found with the top score: ${found}/${PLANTED}`);
if (found < PLANTED) process.exitCode = 1;
