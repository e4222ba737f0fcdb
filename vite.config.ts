import { playwright } from '@vitest/browser-playwright';
import { cpSync, createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type axe from 'axe-core';
import type { Plugin } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import type { BrowserCommand } from 'vitest/node';

const here = import.meta.dirname;
/** Port of the local feature service that browser tests reach through the proxy below. */
const testApiPort = Number(process.env.CCR_TEST_API_PORT ?? 47321);
const arcgisAssets = resolve(here, 'node_modules/@arcgis/core/assets');

const MIME: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/**
 * The ArcGIS SDK loads workers, wasm and themes from `esriConfig.assetsPath` (a CDN by
 * default). Serve them from `/assets/` in dev and tests, and copy them into the build,
 * so everything works offline.
 */
function serveArcgisAssets(): Plugin {
  return {
    name: 'ccr-arcgis-assets',
    configureServer(server) {
      server.middlewares.use('/assets/', (request, response, next) => {
        const path = normalize(decodeURIComponent((request.url ?? '').split('?')[0] ?? ''));
        const file = join(arcgisAssets, path);
        if (!file.startsWith(arcgisAssets) || !existsSync(file) || !statSync(file).isFile())
          return next();
        response.setHeader('content-type', MIME[extname(file)] ?? 'application/octet-stream');
        createReadStream(file).pipe(response);
      });
    },
    writeBundle(options) {
      if (options.dir) cpSync(arcgisAssets, join(options.dir, 'assets'), { recursive: true });
    },
  };
}

/** The embed servers' registry (`test/embed/embed-servers.ts`), filled by its global setup. */
function embedRegistry():
  | {
      start?: (testOrigin: string) => Promise<unknown>;
      hostPage?: (name: string) => Promise<string | null>;
    }
  | undefined {
  return (globalThis as Record<symbol, never>)[Symbol.for('ccr.embed-servers')];
}

/**
 * The embed tests' plain city pages at `/embed-host/*.html`, served as they are (no dev
 * client injected), at real addresses of the test page's origin.
 */
function serveEmbedHostPages(): Plugin {
  return {
    name: 'ccr-embed-host-pages',
    configureServer(server) {
      server.middlewares.use('/embed-host/', (request, response, next) => {
        const name = (request.url ?? '').split('?')[0]?.replace(/^\//, '') ?? '';
        void (embedRegistry()?.hostPage?.(name) ?? Promise.resolve(null)).then((html) => {
          if (html === null) return next();
          response.setHeader('content-type', 'text/html; charset=utf-8');
          response.end(html);
        }, next);
      });
    },
  };
}

// Vite never reads config/tsconfig*.json, so state what Lit's legacy decorators need here.
const oxc = {
  decorator: { legacy: true },
  typescript: { removeClassFieldsWithoutInitializer: true },
  assumptions: { setPublicClassFields: true },
};

/**
 * Browser commands of the embed tests (`test/embed/`): they run in Node with Playwright, so
 * they reach frames on other origins, read headers the page may not, and start the servers
 * of `test/embed/embed-servers.ts` through the registry its global setup fills.
 */
const embedCommands: Record<string, BrowserCommand<never[]> | BrowserCommand<string[]>> = {
  async embedServers(context) {
    const start = embedRegistry()?.start;
    if (!start) throw new Error('test/embed/embed-global-setup.ts has not run');
    return start(new URL(context.page.url()).origin);
  },
  /** The frames inside frames at `parentPrefix`: address, title, widgets and heading shown. */
  async framesInside(context, parentPrefix: string) {
    const frames = context.page
      .frames()
      .filter((frame) => frame.parentFrame()?.url().startsWith(parentPrefix));
    return Promise.all(
      frames.map(async (frame) => ({
        url: frame.url(),
        title: await frame.title().catch(() => ''),
        widgets: await frame
          .locator('cam-registration, cam-incident-search')
          .count()
          .catch(() => 0),
        // CSS locators pierce shadow roots: the widget's step heading.
        heading: await frame
          .locator('h2')
          .first()
          .textContent({ timeout: 1000 })
          .then((text) => text?.trim() ?? null)
          .catch(() => null),
      })),
    );
  },
  /** Status and framing headers of a page, as a browser receives them. */
  async pageHeaders(_context, url: string) {
    const response = await fetch(url);
    await response.arrayBuffer();
    return {
      status: response.status,
      csp: response.headers.get('content-security-policy'),
      xFrameOptions: response.headers.get('x-frame-options'),
    };
  },
  /**
   * A user's action on an element of the test's host page (`iframe[data-embed-host]`), through
   * Playwright: CSS selectors reach into the widgets' shadow roots, and input is real input.
   */
  async inHost(context, selector: string, action: string, value = '') {
    const target = (await context.frame())
      .frameLocator('iframe[data-embed-host]')
      .locator(selector);
    if (action === 'fill') await target.fill(value);
    else if (action === 'select') await target.selectOption(value);
    else if (action === 'check') await target.check();
    else if (action === 'click') await target.click();
    else throw new Error(`unknown action ${action}`);
  },
  /** axe-core run inside the first frame at `urlPrefix` (through DevTools, past its CSP). */
  async axeInFrame(context, urlPrefix: string) {
    const frame = context.page.frames().find((f) => f.url().startsWith(urlPrefix));
    if (!frame) throw new Error(`no frame at ${urlPrefix}`);
    await frame.evaluate(readFileSync(resolve(here, 'node_modules/axe-core/axe.min.js'), 'utf8'));
    return frame.evaluate(async () => {
      const { axe: inFrame } = globalThis as unknown as { axe: typeof axe };
      const results = await inFrame.run(document, { resultTypes: ['violations'] });
      return results.violations.map(
        (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
    });
  },
};

const demoRoot = resolve(here, 'demo');
const demoPages = Object.fromEntries(
  readdirSync(demoRoot)
    .filter((name) => name.endsWith('.html'))
    .map((name) => [name.replace(/\.html$/, ''), resolve(demoRoot, name)]),
);

/**
 * Pre-bundled up front: discovered mid-run, Vite re-optimizes and reloads the test page,
 * which makes a first (cold-cache) run flaky.
 */
const prebundled = [
  'lit',
  'lit/decorators.js',
  'lit/directives/if-defined.js',
  'lit/directives/live.js',
  'lit/directives/ref.js',
  '@lit/task',
  'axe-core',
  'kdbush',
  'fastest-levenshtein',
  '@esri/arcgis-rest-request',
  '@esri/arcgis-rest-feature-service',
  'leaflet',
  'esri-leaflet',
  ...[
    'identity/IdentityManager',
    'identity/OAuthInfo',
    'layers/FeatureLayer',
    'Basemap',
    'Graphic',
    'Map',
    'config',
    'core/reactiveUtils',
    'geometry/Point',
    'geometry/Polygon',
    'geometry/operators/geodesicBufferOperator',
    'layers/GeoJSONLayer',
    'layers/GraphicsLayer',
    'layers/TileLayer',
    'layers/WebTileLayer',
    'renderers/SimpleRenderer',
    'symbols/SimpleFillSymbol',
    'symbols/SimpleLineSymbol',
    'symbols/SimpleMarkerSymbol',
    'views/MapView',
    'webmap/background/ColorBackground',
  ].map((module) => `@arcgis/core/${module}.js`),
];

export default defineConfig({
  root: demoRoot,
  optimizeDeps: { include: prebundled },
  publicDir: false,
  oxc,
  plugins: [serveArcgisAssets(), serveEmbedHostPages()],
  build: {
    outDir: resolve(here, 'dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    rollupOptions: { input: demoPages },
  },
  server: {
    proxy: {
      '/arcgis': { target: `http://127.0.0.1:${testApiPort}` },
      '/demo-data': { target: `http://127.0.0.1:${testApiPort}` },
    },
  },
  test: {
    root: here,
    /**
     * The ArcGIS SDK's worker pool rejects its own in-flight extent update ("Worker closing")
     * when a test removes a map mid-draw; nothing of ours can catch it. Every other unhandled
     * error still fails the run.
     */
    onUnhandledError(error) {
      const sdkTeardown = error.name === 'AbortError' && /Worker closing/.test(error.message ?? '');
      return sdkTeardown ? false : undefined;
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/core/**/*.test.ts',
            'test/server/**/*.test.ts',
            'test/compat/**/*.test.ts',
            'test/embed/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, '**/*.browser.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: [
            'test/widgets/**/*.browser.test.ts',
            'test/compat/**/*.browser.test.ts',
            'test/embed/**/*.browser.test.ts',
          ],
          globalSetup: ['test/helpers/browser-global-setup.ts', 'test/embed/embed-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CCR_CHROMIUM ?? '/usr/bin/chromium',
                args: [
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                  '--no-first-run',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
            commands: embedCommands,
          },
        },
      },
    ],
  },
});
