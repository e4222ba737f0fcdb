import { playwright } from '@vitest/browser-playwright';
import { cpSync, createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';

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

// Vite never reads config/tsconfig*.json, so state what Lit's legacy decorators need here.
const oxc = {
  decorator: { legacy: true },
  typescript: { removeClassFieldsWithoutInitializer: true },
  assumptions: { setPublicClassFields: true },
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
  plugins: [serveArcgisAssets()],
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
          include: ['test/widgets/**/*.browser.test.ts', 'test/compat/**/*.browser.test.ts'],
          globalSetup: ['test/helpers/browser-global-setup.ts'],
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
          },
        },
      },
    ],
  },
});
