/**
 * `ccr report`: the public transparency report (aggregates only, small counts suppressed)
 * from the registry over the REST API with analyst rights, written as `report.json` and one
 * CSV per table into a folder an analyst can publish. Reads only the fields the report
 * counts by (`REPORT_FIELDS`): no contact value is ever fetched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { queryFeaturePages, type CallOptions } from '../../client/arcgis-request.js';
import { AppError, ErrorCode } from '../../core/errors.js';
import {
  buildTransparencyReport,
  REPORT_FIELDS,
  reportTableCsv,
  type ReportInput,
} from '../../core/report/transparency-report.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONTACT_LOG,
  SEARCH_AUDIT,
  SITES,
} from '../../core/schema/registry-schema.js';
import { registryServiceUrl } from '../../ops/process-requests.js';
import { EXIT, signIn, withPortalOptions, type CliIo, type PortalOptions } from '../cli-kit.js';

interface ReportOptions extends PortalOptions {
  readonly service?: string;
  readonly out: string;
}

type Rows = ReportInput['sites'];

async function readAll(
  layerUrl: string,
  outFields: readonly string[],
  call: CallOptions,
): Promise<Rows> {
  const rows: Rows[number][] = [];
  for await (const page of queryFeaturePages(
    layerUrl,
    { where: '1=1', outFields, pageSize: 2000 },
    call,
  ))
    for (const feature of page) rows.push(feature.attributes);
  return rows;
}

async function run(options: ReportOptions, io: CliIo): Promise<number> {
  const out = options.out.trim();
  if (out === '')
    throw new AppError(ErrorCode.InvalidInput, 'Give --out DIR.', [], { field: 'out' });
  const authentication = await signIn(options, io);
  const url = await registryServiceUrl(options.portal, options.service, authentication);
  const call = { authentication };
  const layer = (id: number) => `${url}/${id}`;
  const [sites, cameras, searches, contacts, changeRequests] = await Promise.all([
    readAll(layer(SITES.id), REPORT_FIELDS.sites, call),
    readAll(layer(CAMERAS.id), REPORT_FIELDS.cameras, call),
    readAll(layer(SEARCH_AUDIT.id), REPORT_FIELDS.searches, call),
    readAll(layer(CONTACT_LOG.id), REPORT_FIELDS.contacts, call),
    readAll(layer(CHANGE_REQUESTS.id), REPORT_FIELDS.changeRequests, call),
  ]);
  const report = buildTransparencyReport(
    { sites, cameras, searches, contacts, changeRequests },
    Date.now(),
  );
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const files = ['report.json', ...report.tables.map((t) => `${t.id}.csv`)];
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const table of report.tables)
    writeFileSync(join(dir, `${table.id}.csv`), reportTableCsv(table));
  if (options.json) io.out(JSON.stringify({ ok: true, dir, files }));
  else {
    io.out(`Transparency report written to ${dir}:`);
    for (const file of files) io.out(`  ${file}`);
    io.out(
      `Counts from 1 to ${report.suppressionThreshold - 1} are shown as "${report.suppressedAs}".`,
    );
  }
  return EXIT.ok;
}

export function registerReport(program: Command, io: CliIo, done: (code: number) => void): void {
  withPortalOptions(
    program
      .command('report')
      .summary('write the public transparency report as JSON and CSV (REST)')
      .description(
        [
          'Counts for the public: registrations and cameras by district and month, officer',
          'searches by purpose and month, contacts by outcome, withdrawals and expiries.',
          'Aggregates only; reads no contact field; counts from 1 to 4 are shown as "<5".',
          'Writes report.json and one CSV per table into --out. Needs analyst rights.',
          'Exit codes: 0 done, 2 bad usage, 3 failed.',
        ].join('\n'),
      ),
  )
    .option('--service <url>', 'the source feature service (default: found in the portal)')
    .requiredOption('--out <dir>', 'folder to write the report into (created if missing)')
    .action(async (options: ReportOptions) => done(await run(options, io)));
}
