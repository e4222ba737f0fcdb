import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process (so one benchmark's
 * memory and JIT state never colour another's) and prints their figures.
 * `npm run bench -- query` runs only files whose name contains "query". Benchmarks in
 * `ON_REQUEST` (minutes of seeding) run only when the filter names them.
 */
const ON_REQUEST = ['scale.bench.ts'];
const here = import.meta.dirname;
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => (filter ? name.includes(filter) : !ON_REQUEST.includes(name)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(here, file)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed += 1;
}
if (failed > 0) {
  console.error(`${failed} benchmark(s) failed`);
  process.exit(1);
}
