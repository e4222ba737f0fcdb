import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** main.ts prints this line once the server is listening. */
const READY = /Feature service: (http:\/\/\S+)\/arcgis\/rest\/services/;

export interface ServerProcessOptions {
  /** SQLite file; created and seeded (0 sites, demo users) when missing. */
  readonly dbFile: string;
  /** Password of the demo accounts when the file is created; `CCR_DEMO_PASSWORD`. */
  readonly demoPassword?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Longest wait for the server to listen, in milliseconds. */
  readonly startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Feature service URL of a view: `${url}/arcgis/rest/services/${name}/FeatureServer`. */
  service(name: string): string;
  /** Everything the server wrote to stdout so far. */
  stdout(): string;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Signs in through `generateToken` and returns the token. */
  token(username: string, password: string): Promise<string>;
  /** Sends `signal` and resolves once the process has exited. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  readonly exited: boolean;
}

/** A port nothing listens on right now, picked by the kernel. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  probe.close();
  await once(probe, 'close');
  return port;
}

function launch(
  options: ServerProcessOptions,
  port: number,
): { child: ChildProcess; out: string[]; err: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      CCR_DB: options.dbFile,
      CCR_SEED_SITES: '0',
      ...(options.demoPassword ? { CCR_DEMO_PASSWORD: options.demoPassword } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
  return { child, out, err };
}

async function waitUntilListening(
  child: ChildProcess,
  out: string[],
  err: string[],
  timeoutMs: number,
): Promise<string> {
  return new Promise<string>((resolvePromise, reject) => {
    const check = () => {
      const match = READY.exec(out.join(''));
      if (match?.[1]) {
        done();
        resolvePromise(match[1]);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(
        new Error(
          `Server exited before listening (code ${code}, signal ${signal}): ${err.join('').slice(-2000)}`,
        ),
      );
    };
    const timer = setTimeout(() => {
      done();
      child.kill('SIGKILL');
      reject(
        new Error(`Server did not listen within ${timeoutMs} ms: ${err.join('').slice(-2000)}`),
      );
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/**
 * Starts the real server (`src/server/main.ts`) as a child process on a free loopback port,
 * with request logging on, and resolves once it listens. Its stdout and stderr are kept.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  let lastError: unknown;
  // A port found free can be taken before the child binds it; try a fresh one then.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const { child, out, err } = launch(options, port);
    const exit = once(child, 'exit');
    let url: string;
    try {
      url = await waitUntilListening(child, out, err, options.startTimeoutMs ?? 30_000);
    } catch (error) {
      lastError = error;
      if (!err.join('').includes('EADDRINUSE')) throw error;
      continue;
    }
    let exited = false;
    void exit.then(() => {
      exited = true;
    });
    return {
      url,
      pid: child.pid ?? -1,
      service: (name) => `${url}/arcgis/rest/services/${name}/FeatureServer`,
      stdout: () => out.join(''),
      stderr: () => err.join(''),
      async token(username, password) {
        const response = await fetch(`${url}/arcgis/sharing/rest/generateToken`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username, password, f: 'json' }),
        });
        const body = (await response.json()) as { token?: string };
        if (!body.token) throw new Error(`No token for ${username}`);
        return body.token;
      },
      async stop(signal = 'SIGTERM') {
        if (exited || child.exitCode !== null || child.signalCode !== null) return;
        child.kill(signal);
        await exit;
      },
      get exited() {
        return exited || child.exitCode !== null || child.signalCode !== null;
      },
    };
  }
  throw lastError;
}
