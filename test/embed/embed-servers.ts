/**
 * What the embed browser tests stand on, started on first use by a browser command (so other
 * browser test files never pay for it) and closed by `embed-global-setup.ts`:
 *
 * - the widget server: the real local server with the script-tag bundles at `/embed/`, the
 *   test page's origin on its CORS and `frame-ancestors` allowlists, and a seeded registry;
 * - another site on another port (an origin on neither allowlist) whose page frames the
 *   embed page, as a site that was never allowed would.
 *
 * The bundles are the current `dist/embed/` when it is newer than every source it is built
 * from; otherwise they are built into a temporary folder, leaving `dist/` alone.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { fillHostPage, HOST_PAGES, type HostPageKind } from './host-pages.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** Sites seeded into the widget server's registry: enough for searches to find cameras. */
export const EMBED_TEST_SITES = 600;

export interface EmbedServers {
  /** The widget server, e.g. `http://127.0.0.1:41234`. */
  readonly widgetOrigin: string;
  /** The site no allowlist names, e.g. `http://127.0.0.1:41235`. */
  readonly otherOrigin: string;
  /** Where the bundles came from: `dist/embed` or a fresh build. */
  readonly bundles: string;
}

const SOURCES = [
  'widgets',
  'src/core',
  'src/client',
  'demo/embed',
  'config/vite.embed.config.ts',
  'config/registration.example.json',
  'config/incident-search.example.json',
  'package-lock.json',
];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** `dist/embed` when it is up to date, else a fresh build in a temporary folder. */
async function bundles(): Promise<{ dir: string; temporary: boolean }> {
  const built = join(ROOT, 'dist/embed');
  const stamp = join(built, 'sizes.json');
  if (existsSync(stamp)) {
    const sources = Math.max(...SOURCES.map((path) => newestChange(join(ROOT, path))));
    if (statSync(stamp).mtimeMs > sources) return { dir: built, temporary: false };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ccr-embed-'));
  // As `npm run build` does it: production builds of the dependencies (Lit without dev mode).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  process.env.CCR_EMBED_OUT_DIR = dir;
  try {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'config/vite.embed.config.ts'), logLevel: 'warn' });
  } finally {
    delete process.env.CCR_EMBED_OUT_DIR;
    process.env.NODE_ENV = nodeEnv;
  }
  return { dir, temporary: true };
}

function framingPage(src: string): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>A site that was never allowed</title></head>
  <body>
    <main>
      <h1>A site that was never allowed</h1>
      <iframe src="${src}" title="Camera registration" width="800" height="600"></iframe>
    </main>
  </body>
</html>
`;
}

interface Running {
  readonly servers: EmbedServers;
  close(): Promise<void>;
}

/**
 * Shared through `globalThis`: the browser commands in `vite.config.ts` and the global setup
 * run in one process but load this module separately.
 */
export const EMBED_SERVERS_KEY = Symbol.for('ccr.embed-servers');
export interface EmbedServersRegistry {
  running?: Promise<Running>;
  start?: (testOrigin: string) => Promise<EmbedServers>;
  hostPage?: (name: string) => Promise<string | null>;
}
const registry = ((globalThis as Record<symbol, unknown>)[EMBED_SERVERS_KEY] ??=
  {}) as EmbedServersRegistry;

async function start(testOrigin: string): Promise<Running> {
  const { dir, temporary } = await bundles();
  const widget: TestServer = await startTestServer({
    sites: EMBED_TEST_SITES,
    embedDir: dir,
    corsOrigins: [testOrigin],
    frameAncestors: ["'self'", testOrigin],
  });
  const other: Server = createServer((request, response) => {
    const src = new URL(request.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    // Only the widget server's pages: this site serves nothing else.
    if (!src.startsWith(`${widget.url}/embed/`)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(framingPage(src));
  });
  other.listen(0, '127.0.0.1');
  await once(other, 'listening');
  const address = other.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    servers: {
      widgetOrigin: widget.url,
      otherOrigin: `http://127.0.0.1:${port}`,
      bundles: dir,
    },
    async close() {
      other.close();
      // The browser keeps its connections open; they would hold the process.
      other.closeAllConnections();
      const closing = widget.close();
      widget.app.server.closeAllConnections();
      await closing;
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the servers once per test run; later calls get the same ones. */
export async function embedServers(testOrigin: string): Promise<EmbedServers> {
  registry.running ??= start(testOrigin);
  return (await registry.running).servers;
}

/**
 * A city page served by the test page's own server (`/embed-host/<kind>.html`, or
 * `<kind>-control.html` without the bundle): a plain page at a real address, on an origin
 * that is not the widget server's. Null for any other name, or before the servers run.
 */
export async function hostPage(name: string): Promise<string | null> {
  const match = /^([a-z-]+?)(-control)?\.html$/.exec(name);
  const kind = match?.[1];
  if (!registry.running || !kind || !(kind in HOST_PAGES)) return null;
  const { servers } = await registry.running;
  const template = readFileSync(join(import.meta.dirname, 'city-page.html'), 'utf8');
  return fillHostPage(template, kind as HostPageKind, servers.widgetOrigin, Boolean(match[2]));
}

/** Closes whatever {@link embedServers} started. */
export async function closeEmbedServers(): Promise<void> {
  const running = registry.running;
  registry.running = undefined;
  if (running) await (await running).close();
}
