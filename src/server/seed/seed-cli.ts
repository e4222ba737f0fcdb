import { parseArgs } from 'node:util';
import { AppError, ErrorCode } from '../../core/errors.js';
import { openDatabase } from '../db/open-database.js';
import { DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, seedDatabase } from './seed-database.js';

const USAGE = `Usage: ccr seed --db FILE --sites N [--seed S] [--password P] [--force]

  --db FILE       SQLite database to fill (created when missing)
  --sites N       synthetic sites to generate (each with 1-4 cameras)
  --seed S        generator seed, default 1 (same seed, same data)
  --password P    demo account password; default $CCR_DEMO_PASSWORD, else the built-in demo one
  --force         replace the registry of a database that already has sites
  --canary TEXT   put TEXT into one site's contact name and email (privacy tests)`;

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
}

const PROCESS_IO: CliIo = {
  env: process.env,
  log: (line) => console.log(line),
  error: (line) => console.error(line),
};

function wholeNumber(text: string | undefined, name: string, fallback?: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new RangeError(`--${name} is required`);
    return fallback;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value))
    throw new RangeError(`--${name} must be a whole number, got "${text}"`);
  return value;
}

/**
 * The seed command, without the process: parses `argv`, seeds, reports through `io`.
 * Returns the exit code (0 done, 1 refused or failed, 2 bad arguments).
 */
export async function runSeedCli(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  let options: {
    db: string;
    sites: number;
    seed: number;
    password: string;
    passwordFrom: string;
    force: boolean;
    canary?: string;
  };
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        db: { type: 'string' },
        sites: { type: 'string' },
        seed: { type: 'string' },
        password: { type: 'string' },
        force: { type: 'boolean', default: false },
        canary: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      io.log(USAGE);
      return 0;
    }
    if (!values.db) throw new RangeError('--db is required');
    const fromEnv = io.env.CCR_DEMO_PASSWORD;
    options = {
      db: values.db,
      sites: wholeNumber(values.sites, 'sites'),
      seed: wholeNumber(values.seed, 'seed', 1),
      password: values.password ?? fromEnv ?? DEFAULT_DEMO_PASSWORD,
      passwordFrom: values.password ? '--password' : fromEnv ? 'CCR_DEMO_PASSWORD' : 'default',
      force: values.force,
      ...(values.canary !== undefined ? { canary: values.canary } : {}),
    };
  } catch (error) {
    io.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  const db = openDatabase(options.db);
  try {
    let lastReport = 0;
    const counts = await seedDatabase(db, {
      sites: options.sites,
      seed: options.seed,
      demoPassword: options.password,
      force: options.force,
      ...(options.canary !== undefined ? { canary: options.canary } : {}),
      onProgress: (progress) => {
        if (progress.phase === 'users') io.log('Creating demo accounts...');
        else if (progress.phase === 'address-points') io.log('Loading address points...');
        else if (
          progress.phase === 'registry' &&
          (progress.elapsedMs - lastReport > 1000 || progress.sites === progress.totalSites)
        ) {
          lastReport = progress.elapsedMs;
          const percent =
            progress.totalSites === 0
              ? 100
              : Math.floor((100 * progress.sites) / progress.totalSites);
          io.log(
            `  ${progress.sites.toLocaleString('en-US')} / ${progress.totalSites.toLocaleString('en-US')} sites (${percent}%)`,
          );
        }
      },
    });
    const seconds = counts.elapsedMs / 1000;
    io.log(
      [
        `Seeded ${options.db} (seed ${options.seed}) in ${seconds.toFixed(1)} s:`,
        `  sites           ${counts.sites.toLocaleString('en-US')}`,
        `  cameras         ${counts.cameras.toLocaleString('en-US')}`,
        `  address points  ${counts.addressPoints.toLocaleString('en-US')}${counts.addressPointsLoaded ? '' : ' (kept)'}`,
        `  demo accounts   ${DEMO_ACCOUNTS.map((account) => `${account.username} (${account.role})`).join(', ')}`,
        `  password        ${options.passwordFrom === 'default' ? DEFAULT_DEMO_PASSWORD : `from ${options.passwordFrom}`}`,
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.Conflict) {
      io.error(`${error.message} Pass --force to replace its registry.`);
    } else {
      io.error(
        error instanceof AppError || error instanceof RangeError ? error.message : String(error),
      );
    }
    return 1;
  } finally {
    db.close();
  }
}
