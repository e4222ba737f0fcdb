/**
 * The geocoder under a flood of its worst anonymous inputs. First each input's time in
 * process (median and max of repeated runs), then the real server on loopback: clients in
 * a worker thread send the worst inputs back to back while this thread times
 * `/arcgis/rest/info`, before and during the flood (p50/p95/max). Target: p95 under 100 ms.
 *
 * `CCR_BENCH_FLOODERS` (default 4) and `CCR_BENCH_SAMPLES` (default 200) override the sizes.
 */
import { Worker } from 'node:worker_threads';
import { createServer } from '../src/server/create-server.js';
import { openDatabase, type Database } from '../src/server/db/open-database.js';
import {
  parseFindRequest,
  parseReverseRequest,
  parseSuggestRequest,
  type GeocodeParams,
} from '../src/server/geocode/geocode-request.js';
import {
  findAddressCandidates,
  reverseGeocode,
  suggest,
} from '../src/server/geocode/geocode-service.js';
import { seedDatabase } from '../src/server/seed/seed-database.js';

const FLOODERS = Number(process.env.CCR_BENCH_FLOODERS ?? 4);
const SAMPLES = Number(process.env.CCR_BENCH_SAMPLES ?? 200);
const RUNS = 20;

type Operation = 'findAddressCandidates' | 'suggest' | 'reverseGeocode';

/** The worst inputs found: over every limit (refused), and the slowest inside them. */
const WORST: readonly [string, Operation, GeocodeParams][] = [
  [
    'SingleLine "A " x 900,000 (1.8 MB)',
    'findAddressCandidates',
    { SingleLine: 'A '.repeat(900_000) },
  ],
  [
    'SingleLine "A " x 64,000 (128 KB)',
    'findAddressCandidates',
    { SingleLine: 'A '.repeat(64_000) },
  ],
  [
    'SingleLine "1234 NOLAND" + 128 KB word',
    'findAddressCandidates',
    { SingleLine: `1234 NOLAND${'D'.repeat(131_072)}` },
  ],
  [
    'Address and City of 128 KB',
    'findAddressCandidates',
    { Address: 'A '.repeat(64_000), City: 'Q'.repeat(131_072) },
  ],
  ['suggest "1 " + "A " x 64,000', 'suggest', { text: `1 ${'A '.repeat(64_000)}A` }],
  [
    'SingleLine "1 " + "E " x 39 (40 words)',
    'findAddressCandidates',
    { SingleLine: `1 ${'E '.repeat(39)}` },
  ],
  [
    'SingleLine "1 NOLAX" x 33',
    'findAddressCandidates',
    { SingleLine: `1 ${'NOLAX '.repeat(33)}`.trim() },
  ],
  ['SingleLine "1305 ST"', 'findAddressCandidates', { SingleLine: '1305 ST' }],
  [
    'SingleLine "NOLAND" + "D" x 194',
    'findAddressCandidates',
    { SingleLine: `NOLAND${'D'.repeat(194)}` },
  ],
  [
    'Address "E " x 40, City/Region/Postal at their caps',
    'findAddressCandidates',
    {
      Address: 'E '.repeat(40).trim(),
      City: 'Q'.repeat(40),
      Region: 'R'.repeat(50),
      Postal: '9'.repeat(10),
    },
  ],
  ['suggest "S" (15 suggestions)', 'suggest', { text: 'S', maxSuggestions: '15' }],
  ['suggest "1 " + "E " x 38 + "E"', 'suggest', { text: `1 ${'E '.repeat(38)}E` }],
  [
    'reverseGeocode 35 km from the city, 50 km',
    'reverseGeocode',
    { location: '-94.85,39.08', distance: '50000' },
  ],
];

function percentile(sortedValues: readonly number[], p: number): number {
  const index = Math.min(sortedValues.length - 1, Math.ceil((p / 100) * sortedValues.length) - 1);
  return sortedValues[Math.max(0, index)] ?? Number.NaN;
}

function summary(label: string, ms: readonly number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return [
    label.padEnd(34),
    `p50 ${percentile(sorted, 50).toFixed(2).padStart(7)} ms`,
    `p95 ${percentile(sorted, 95).toFixed(2).padStart(7)} ms`,
    `max ${sorted.at(-1)!.toFixed(2).padStart(7)} ms`,
  ].join('  ');
}

const db = openDatabase(':memory:');
const seeded = await seedDatabase(db, {
  sites: 0,
  seed: 1,
  now: Date.UTC(2026, 10, 1),
  demoPassword: 'bench-password-1',
});
console.log(`geocoder: ${seeded.addressPoints.toLocaleString('en-US')} address points`);

/** Each operation as its route runs it: the parse, then the answer. */
const OPERATIONS: Record<Operation, (db: Database, params: GeocodeParams) => unknown> = {
  findAddressCandidates: (db, params) => findAddressCandidates(db, parseFindRequest(params)),
  suggest: (db, params) => suggest(db, parseSuggestRequest(params)),
  reverseGeocode: (db, params) => reverseGeocode(db, parseReverseRequest(params)),
};
console.log(`\nEach worst input in process, ${RUNS} runs after 3 warm-up runs:`);
let worst = { label: '', ms: 0 };
for (const [label, operation, params] of WORST) {
  const run = (): string => {
    try {
      OPERATIONS[operation](db, params);
      return 'answered';
    } catch (error) {
      return `refused (${(error as { details?: string[] }).details?.join(', ') ?? 'error'})`;
    }
  };
  for (let i = 0; i < 3; i++) run();
  const ms: number[] = [];
  let outcome = '';
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    outcome = run();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const max = ms.at(-1)!;
  if (max > worst.ms) worst = { label, ms: max };
  console.log(
    `${label.padEnd(52)} median ${percentile(ms, 50).toFixed(2).padStart(6)} ms  max ${max.toFixed(2).padStart(6)} ms  ${outcome}`,
  );
}
console.log(`worst input: ${worst.label}, ${worst.ms.toFixed(2)} ms`);

const app = await createServer({ db, rateLimits: false, botCheck: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

async function timeInfo(count: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${base}/arcgis/rest/info?f=json`);
    await response.json();
    ms.push(performance.now() - started);
  }
  return ms;
}

await timeInfo(20);
console.log(`\n/arcgis/rest/info, ${SAMPLES} requests one after another:`);
console.log(summary('idle', await timeInfo(SAMPLES)));

/**
 * Clients in a worker thread send `requests` back to back (so building and sending their
 * bodies costs this thread nothing) while this thread times `/rest/info`.
 */
async function floodWith(label: string, requests: typeof WORST): Promise<void> {
  const flood = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const { base, requests, flooders } = workerData;
    let flooding = true;
    let answered = 0;
    parentPort.on('message', () => { flooding = false; });
    const flooder = async (offset) => {
      for (let i = offset; flooding; i++) {
        const [operation, body] = requests[i % requests.length];
        const url = base + '/arcgis/rest/services/Geocode/GeocodeServer/' + operation;
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        await response.json();
        answered++;
      }
    };
    Promise.all(Array.from({ length: flooders }, (_, i) => flooder(i * 3)))
      .then(() => parentPort.postMessage(answered));
    `,
    {
      eval: true,
      workerData: {
        base,
        flooders: FLOODERS,
        requests: requests.map(([, operation, params]) => [
          operation,
          new URLSearchParams({ f: 'json', ...params } as Record<string, string>).toString(),
        ]),
      },
    },
  );
  const finished = new Promise<number>((resolve) => flood.once('message', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = performance.now();
  const during = await timeInfo(SAMPLES);
  const seconds = (performance.now() - started) / 1000;
  flood.postMessage('stop');
  const answered = await finished;
  await flood.terminate();
  const p95 = percentile(
    [...during].sort((a, b) => a - b),
    95,
  );
  console.log(summary(label, during));
  console.log(
    `  ${answered.toLocaleString('en-US')} flood requests answered in ${seconds.toFixed(1)} s; ` +
      `target p95 under 100 ms ${p95 < 100 ? 'met' : 'NOT met'}`,
  );
}

const MB = 1024 * 1024;
const bodyBytes = ([, , params]: (typeof WORST)[number]): number =>
  Object.values(params).reduce((sum, value) => sum + (value?.length ?? 0), 0);
await floodWith(
  `${FLOODERS} clients, bodies up to 256 KB`,
  WORST.filter((input) => bodyBytes(input) <= MB / 4),
);
// Parsing a 1.8 MB form body takes the server longer than the geocoder takes to refuse it.
await floodWith(`${FLOODERS} clients, 1.8 MB bodies too`, WORST);

await app.close();
db.close();
