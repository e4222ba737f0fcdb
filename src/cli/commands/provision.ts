/**
 * `ccr provision`: creates, from the core schema, the hosted feature service, its two views,
 * the officers' group and the sharing, through the ArcGIS REST API alone. Idempotent: a second
 * run changes nothing and says so. `--dry-run` prints the plan; `--check` reports drift between
 * the schema and the live service, field by field (exit 1 when there is any).
 */
import type { Command } from 'commander';
import {
  checkDrift,
  DEFAULT_OFFICER_GROUP,
  planProvisioning,
  provision,
  ProvisionError,
  type Drift,
  type ProvisionStep,
} from '../../ops/provision/index.js';
import {
  EXIT,
  failure,
  signIn,
  withPortalOptions,
  type CliIo,
  type PortalOptions,
} from '../cli-kit.js';

interface ProvisionFlags extends PortalOptions {
  readonly dryRun?: boolean;
  readonly check?: boolean;
  readonly officerGroup: string;
}

const MARK: Record<ProvisionStep['status'], string> = {
  done: 'done   ',
  already: 'already',
  'would-do': 'to do  ',
};

/** One drift as a line: what differs, where, and the two values. */
export function describeDrift(drift: Drift): string {
  const where = [drift.service, drift.layer, drift.field].filter(Boolean).join(' / ');
  const values =
    drift.expected === undefined && drift.actual === undefined
      ? ''
      : `: schema ${JSON.stringify(drift.expected)}, live ${JSON.stringify(drift.actual)}`;
  return `${drift.kind} ${where}${drift.property ? ` (${drift.property})` : ''}${values}`;
}

export function registerProvision(program: Command, io: CliIo, done: (code: number) => void) {
  withPortalOptions(
    program
      .command('provision')
      .summary('create the hosted feature service, its views, the officers group and sharing')
      .option('--dry-run', 'print the plan; change nothing')
      .option('--check', 'report drift between the schema and the live service')
      .option(
        '--officer-group <title>',
        'the group the officer view is shared with',
        DEFAULT_OFFICER_GROUP,
      ),
  ).action(async (flags: ProvisionFlags) => {
    try {
      const auth = await signIn(flags, io);
      const plan = planProvisioning({ officerGroupTitle: flags.officerGroup });
      if (flags.check) {
        const report = await checkDrift(auth, plan);
        if (flags.json) io.out(JSON.stringify(report));
        else if (report.clean) io.out('No drift: the live service matches the schema.');
        else {
          io.out(`${report.drift.length} difference(s) between the schema and the live service:`);
          for (const drift of report.drift) io.out(`  ${describeDrift(drift)}`);
        }
        return done(report.clean ? EXIT.ok : EXIT.attention);
      }
      const result = await provision(auth, plan, {
        dryRun: flags.dryRun,
        onStep: (step) => {
          if (flags.json) return;
          io.out(`${MARK[step.status]}  ${step.summary}`);
          for (const detail of step.details) io.out(`           ${detail}`);
        },
      });
      if (flags.json) io.out(JSON.stringify(result));
      else if (flags.dryRun)
        io.out(result.changed ? 'Dry run: nothing was changed.' : 'Nothing to change.');
      else if (!result.changed) io.out('Nothing to change: everything was already in place.');
      else for (const s of result.services) io.out(`${s.name}: ${s.url ?? '(no URL)'}`);
      done(EXIT.ok);
    } catch (error) {
      if (error instanceof ProvisionError && !flags.json)
        for (const d of error.differences) io.err(`  ${JSON.stringify(d)}`);
      done(failure(io, error, flags.json));
    }
  });
}
