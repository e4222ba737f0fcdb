/**
 * docs/deploy-arcgis-online.md is run, not just read: every `npx ccr` command in its `sh`
 * blocks runs in order against an empty local server (ArcGIS Online's address replaced by the
 * local portal, its example accounts by the demo accounts) and must succeed; the commands the
 * cron and systemd examples schedule are exactly commands that ran; the officer widget's JSON
 * block is read by its config reader, the resident widget's has only settings of the shipped
 * example, each of the same type.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSearchConfig } from '../../src/core/search/search-config.js';
import { makeRegistration, postRegistration, seededRandom } from '../helpers/registrations.js';
import { runCli } from '../helpers/run-cli.js';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/test-server.js';

const DOC = readFileSync(
  resolve(import.meta.dirname, '../../docs/deploy-arcgis-online.md'),
  'utf8',
);
const ONLINE = 'https://city.maps.arcgis.com';
const ACCOUNTS: Record<string, string> = { cityadmin: 'admin1', 'registry-analyst': 'analyst1' };

/** The fenced blocks of one language, in order. */
function blocks(language: string): string[] {
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...DOC.matchAll(fence)].map((match) => match[1] ?? '');
}

/** Each `npx ccr …` in the text, as its arguments (up to a shell redirection). */
function ccrCommands(text: string): string[][] {
  return [...text.matchAll(/npx ccr ([^\n>#]+)/g)].map((m) => (m[1] ?? '').trim().split(/\s+/));
}

let server: TestServer;
let portal = '';

beforeAll(async () => {
  server = await startTestServer({ sites: 0, provisioned: 'portal' });
  portal = `${server.url}/arcgis`;
});
afterAll(() => server?.close());

/** A command as written, with the local portal and accounts. */
const local = (args: readonly string[]) =>
  args.map((arg) => (arg === ONLINE ? portal : (ACCOUNTS[arg] ?? arg)));

describe('docs/deploy-arcgis-online.md', () => {
  const commands = blocks('sh').flatMap(ccrCommands);

  it('has the commands a deployment needs, in order', () => {
    expect(commands.map((args) => args[0])).toEqual([
      'provision',
      'provision',
      'provision',
      'process-requests',
      'reconfirm',
      'reconfirm',
    ]);
    for (const args of commands) expect(args).toContain(ONLINE);
  });

  it('every command in it succeeds against an empty local server, in order', async () => {
    const ran: string[] = [];
    for (const [index, args] of commands.entries()) {
      // Before the scheduled jobs, a resident registers and withdraws through the public view.
      if (args[0] === 'process-requests') {
        const registration = makeRegistration(seededRandom(11));
        const url = server.service('CommunityCameras_public');
        expect((await postRegistration(url, registration)).kind).toBe('acknowledged');
      }
      const result = await runCli('src/cli/ccr.ts', local(args), { CCR_PASSWORD: TEST_PASSWORD });
      expect(result.code, `${args.join(' ')}\n${result.err}`).toBe(0);
      expect(result.err).not.toMatch(/\n\s+at /);
      ran.push(args.join(' '));
      if (index === 1) expect(result.out).toMatch(/^done/m);
    }
    // The scheduled jobs run exactly commands that ran above.
    for (const args of [...blocks('cron'), ...blocks('ini')].flatMap(ccrCommands))
      expect(ran).toContain(args.join(' '));
  }, 180_000);

  it('its config examples are read by the widgets without a complaint', () => {
    const [registration, officer] = blocks('json').map(
      (text) => JSON.parse(text) as Record<string, unknown>,
    );
    const example = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../config/registration.example.json'), 'utf8'),
    ) as Record<string, unknown>;
    for (const [key, value] of Object.entries(registration ?? {}))
      expect(typeof value, key).toBe(typeof example[key]);
    expect(registration?.serviceUrl).toMatch(/\/CommunityCameras_public\/FeatureServer$/);
    const read = readSearchConfig(officer);
    expect(read).toMatchObject({ ok: true });
    expect(read.ok && read.value.serviceUrl).toMatch(/\/CommunityCameras_officer\/FeatureServer$/);
  });
});
