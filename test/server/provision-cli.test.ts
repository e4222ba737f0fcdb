/**
 * `ccr provision` as an administrator runs it, against an empty local server over HTTP: the
 * first run creates everything, a second changes nothing and says so, `--check` is clean, a
 * manual alias change is reported as exactly that field (exit 1), a dry run changes nothing,
 * and usage errors exit 2 without a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let portal = '';

beforeAll(async () => {
  server = await startTestServer({ sites: 0, provisioned: 'portal' });
  portal = `${server.url}/arcgis`;
});
afterAll(() => server?.close());

const ccr = (...args: string[]) => runCli('src/cli/ccr.ts', args, { CCR_PASSWORD: TEST_PASSWORD });

describe('ccr provision', () => {
  it('provisions an empty server, then has nothing to change; --check sees a manual change', async () => {
    const dry = await ccr('provision', '--portal', portal, '--username', 'admin1', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('to do');
    expect(dry.out).toContain('Dry run: nothing was changed.');
    const admin = await server.token('admin1');
    const listed = async () =>
      (
        (await (
          await fetch(`${server.url}/arcgis/rest/services?f=json&token=${admin}`)
        ).json()) as {
          services: { name: string; type: string }[];
        }
      ).services.filter((s) => s.type === 'FeatureServer');
    expect(await listed()).toEqual([]);

    const first = await ccr('provision', '--portal', portal, '--username', 'admin1');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(/^done/m);
    // Only the source's sharing was already right: a new item is private.
    expect(first.out.match(/^already.*$/gm)).toEqual([
      'already  CommunityCameras shared with nobody (private)',
    ]);
    expect(first.out).toContain('CommunityCameras_officer: ');
    expect((await listed()).map((s) => s.name).sort()).toEqual([
      'CommunityCameras',
      'CommunityCameras_public',
    ]);
    const officer = await server.token('officer1');
    const officerView = (await (
      await fetch(
        `${server.url}/arcgis/rest/services/CommunityCameras_officer/FeatureServer?f=json&token=${officer}`,
      )
    ).json()) as { layers?: { name: string }[]; tables?: { name: string }[] };
    expect(
      [...(officerView.layers ?? []), ...(officerView.tables ?? [])].map((l) => l.name),
    ).toEqual(['Sites', 'Cameras', 'ContactLog', 'SearchAudit']);

    const second = await ccr('provision', '--portal', portal, '--username', 'admin1', '--json');
    expect(second.code).toBe(0);
    const result = JSON.parse(second.out) as { changed: boolean; steps: { status: string }[] };
    expect(result.changed).toBe(false);
    expect(new Set(result.steps.map((s) => s.status))).toEqual(new Set(['already']));
    const plain = await ccr('provision', '--portal', portal, '--username', 'admin1');
    expect(plain.out).toContain('Nothing to change: everything was already in place.');

    expect(
      (await ccr('provision', '--portal', portal, '--username', 'admin1', '--check')).out,
    ).toBe('No drift: the live service matches the schema.\n');
    const changed = await fetch(
      `${server.url}/arcgis/rest/admin/services/CommunityCameras/FeatureServer/0/updateDefinition`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          f: 'json',
          token: admin,
          updateDefinition: JSON.stringify({ fields: [{ name: 'phone', alias: 'Telephone' }] }),
        }),
      },
    );
    expect(await changed.json()).toMatchObject({ success: true });
    const check = await ccr('provision', '--portal', portal, '--username', 'admin1', '--check');
    expect(check.code).toBe(1);
    expect(check.out.trim().split('\n')).toEqual([
      '1 difference(s) between the schema and the live service:',
      expect.stringMatching(
        /^ {2}field-differs CommunityCameras \/ Sites \/ phone \(alias\): schema "Phone", live "Telephone"$/,
      ),
    ]);
  }, 120_000);

  it('refuses to run without credentials or with a wrong password, in plain words', async () => {
    const none = await runCli('src/cli/ccr.ts', ['provision', '--portal', portal], {});
    expect(none.code).toBe(2);
    expect(none.err).toContain('Give --username (or --token).');
    expect(none.err).not.toMatch(/\n\s+at /);
    const wrong = await runCli(
      'src/cli/ccr.ts',
      ['provision', '--portal', portal, '--username', 'admin1'],
      { CCR_PASSWORD: 'not-the-password' },
    );
    expect(wrong.code).toBe(3);
    expect(wrong.err).toMatch(/^ccr: /);
    expect(wrong.err).not.toMatch(/\n\s+at /);
    const analyst = await ccr('provision', '--portal', portal, '--username', 'analyst1');
    expect(analyst.code).toBe(3);
    expect(analyst.err).toContain('You do not have permissions');
    const missing = await ccr('provision');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("required option '--portal <url>' not specified");
  }, 60_000);
});
