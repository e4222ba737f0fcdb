/**
 * `ccr`: provisions and operates the registry. Its operational commands speak only the ArcGIS
 * REST API (ArcGIS Online, Enterprise, or the local server); the local tools work on the
 * local server's SQLite file. `ccr <command> --help` for each.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, failure, PROCESS_IO, type CliIo } from './cli-kit.js';
import { registerImport } from './commands/import.js';
import { registerLocalTools } from './commands/local-tools.js';
import { registerProcessRequests } from './commands/process-requests.js';
import { registerProvision } from './commands/provision.js';
import { registerReconfirm } from './commands/reconfirm.js';
import { registerReport } from './commands/report.js';

/** The command line, without the process: returns the exit code. */
export async function runCcr(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  let code: number = EXIT.ok;
  const done = (result: number) => {
    code = result;
  };
  const program = new Command('ccr')
    .description('Community Camera Registry: provision and operate the registry')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    })
    .showHelpAfterError();
  registerProvision(program, io, done);
  registerLocalTools(program, io, done);
  registerImport(program, io, done);
  registerProcessRequests(program, io, done);
  registerReconfirm(program, io, done);
  registerReport(program, io, done);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return failure(io, error, argv.includes('--json'));
  }
  return code;
}

if (import.meta.main) process.exitCode = await runCcr(process.argv.slice(2));
