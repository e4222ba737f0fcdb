/**
 * The tools that work on the local server's own SQLite file (never on ArcGIS Online): seed
 * demo data, load address points, back up, verify the audit chains.
 */
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { Command } from 'commander';
import {
  describeAuditChain,
  verifyAuditChain,
  verifyReadAuditChain,
  type AuditAnchor,
} from '../../server/audit/verify-audit-chain.js';
import { backupDatabase } from '../../server/backup/backup-database.js';
import { runLoadAddressesCli } from '../../server/geocode/load-addresses-cli.js';
import { runSeedCli } from '../../server/seed/seed-cli.js';
import { EXIT, type CliIo } from '../cli-kit.js';

/** A command that hands its arguments, as given, to a tool with its own parser. */
function passThrough(program: Command, name: string, summary: string): Command {
  return program
    .command(name)
    .summary(summary)
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]');
}

export function registerLocalTools(program: Command, io: CliIo, done: (code: number) => void) {
  const toolIo = { env: io.env, log: io.out, error: io.err };
  passThrough(program, 'seed', 'fill a local database with demo data (--db FILE --sites N)').action(
    async (args: string[]) => done(await runSeedCli(args, toolIo)),
  );
  passThrough(
    program,
    'load-addresses',
    "load the city's address points for the local geocoder (--db FILE --csv FILE)",
  ).action((args: string[]) => done(runLoadAddressesCli(args, toolIo)));

  program
    .command('backup')
    .summary('online backup of a local database, checked with integrity_check')
    .requiredOption('--db <file>', 'the registry database')
    .requiredOption('--out <file>', 'where the checked copy goes')
    .option('--json', 'print one JSON document')
    .action(async (options: { db: string; out: string; json?: boolean }, command: Command) => {
      if (!existsSync(options.db)) {
        io.err(`ccr backup: no registry database at ${options.db}\n${command.helpInformation()}`);
        return done(EXIT.usage);
      }
      const report = await backupDatabase(options.db, options.out);
      if (options.json) io.out(JSON.stringify(report));
      else if (!report.ok)
        io.err(
          `Backup failed its integrity check and was not kept: ${report.integrity.slice(0, 5).join('; ')}`,
        );
      else {
        io.out(
          `Backed up ${options.db} to ${report.file} (${report.pages} pages, ${report.bytes} bytes).`,
        );
        io.out('Integrity check: ok.');
        for (const [table, rows] of Object.entries(report.counts))
          io.out(`  ${table}: ${rows} rows`);
      }
      done(report.ok ? EXIT.ok : EXIT.attention);
    });

  program
    .command('verify-audit')
    .summary('verify the SearchAudit and officer-read audit hash chains')
    .requiredOption('--db <file>', 'the registry database (opened read-only)')
    .option('--anchor <objectid:hash>', 'the last entry and hash printed by an earlier run')
    .option('--json', 'print one JSON document')
    .action((options: { db: string; anchor?: string; json?: boolean }, command: Command) => {
      if (!existsSync(options.db)) {
        io.err(`ccr verify-audit: no database at ${options.db}\n${command.helpInformation()}`);
        return done(EXIT.usage);
      }
      let anchor: AuditAnchor | undefined;
      if (options.anchor !== undefined) {
        const match = /^(\d+):([0-9a-f]{64})$/.exec(options.anchor.trim());
        if (!match) {
          io.err(
            `ccr verify-audit: --anchor must be OBJECTID:HASH (64 hex digits).\n${command.helpInformation()}`,
          );
          return done(EXIT.usage);
        }
        anchor = { objectId: Number(match[1]), entryHash: match[2] as string };
      }
      const db = new DatabaseSync(options.db, { readOnly: true, timeout: 10_000 });
      try {
        const search = verifyAuditChain(db, { anchor });
        const reads = verifyReadAuditChain(db);
        if (options.json) io.out(JSON.stringify({ search, reads }));
        else {
          io.out(describeAuditChain(search));
          io.out(describeAuditChain(reads, { audit: 'officer-read audit', entry: 'entry' }));
        }
        done(search.ok && reads.ok ? EXIT.ok : EXIT.attention);
      } finally {
        db.close();
      }
    });
}
