import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { runCcr } from '../../src/cli/ccr.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs one of the project's TypeScript command-line tools and collects what it printed. */
export async function runCli(
  script: string,
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    ...(env ? { env: { ...process.env, CCR_PASSWORD: '', ...env } } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, out, err };
}

/**
 * Runs `ccr` in this process (over real HTTP and SMTP) with `env` as its whole environment;
 * what it printed, line by line, and its exit code.
 */
export async function runCcrHere(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCcr(args, {
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    interactive: false,
  });
  return { code, out, err };
}

/** An ArcGIS form post (`f=json`), the token in the header ArcGIS clients use; the answer. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  token?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { 'x-esri-authorization': `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams({ f: 'json', ...form }),
  });
  return (await response.json()) as Record<string, unknown>;
}
