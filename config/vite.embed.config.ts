/**
 * `vite build -c config/vite.embed.config.ts`: the script-tag bundles in `dist/embed/`, one
 * ES module per widget (`cam-registration.js`, `cam-incident-search.js`) with their on-demand
 * chunks in `chunks/`, the pages made for frames (`registration.html`, `incident-search.html`),
 * their config files, and the ArcGIS SDK assets the maps load.
 *
 * The bundles define their elements and nothing else: no global styles (CSS that SDK modules
 * import is dropped, and nothing is injected into the host's document), no module-preload
 * links, no reading or writing of the host's attributes. Each prints its sizes, writes them
 * to `sizes.json`, and the build fails when the registration widget's initial JavaScript
 * exceeds its budget.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..');
const outDir = resolve(process.env.CCR_EMBED_OUT_DIR ?? join(root, 'dist/embed'));

/** Budget of the registration widget's initial JavaScript, gzipped. */
export const REGISTRATION_INITIAL_BUDGET_BYTES = 60 * 1024;

const ENTRIES = {
  'cam-registration': resolve(root, 'widgets/registration/index.ts'),
  'cam-incident-search': resolve(root, 'widgets/incident-search/index.ts'),
  'embed-page': resolve(root, 'demo/embed/embed-page.ts'),
} as const;
/** The entries that are widgets (the page script is not one). */
const WIDGETS = ['cam-registration', 'cam-incident-search'] as const;

/**
 * SDK assets the two maps and the geodesic buffer load (found by recording what they
 * request): workers and their wasm, the projection engine, strings, the view's style sheet
 * with its fonts and icons, and the strings of the view's own widgets. The rest of
 * `@arcgis/core/assets` (84 MB) is not needed.
 */
const SDK_ASSETS = [
  'esri/core/workers',
  'esri/core/libs',
  'esri/geometry',
  'esri/t9n',
  'esri/themes/base/fonts',
  'esri/themes/base/icons',
  'esri/themes/light',
  'esri/widgets/Attribution',
  'esri/widgets/Popup',
  'esri/widgets/Zoom',
  // Calcite's, for the zoom buttons: their strings and the two icons (not all 4,500, 18 MB).
  'components/assets/button/t9n',
  'components/assets/icon/plus16.json',
  'components/assets/icon/minus16.json',
];

export interface ChunkSizes {
  readonly files: number;
  readonly bytes: number;
  readonly gzipBytes: number;
}
export interface WidgetSizes {
  /** The entry and everything it imports statically: what a page loads up front. */
  readonly initial: ChunkSizes;
  /** What the widget's own `import()` calls bring in (the map), beyond the initial files. */
  readonly onDemand: ChunkSizes;
  /** Everything the SDK might load after that, at most (layer types the maps never use included). */
  readonly reachable: ChunkSizes;
}

interface ChunkInfo {
  readonly code: string;
  readonly imports: readonly string[];
  readonly dynamicImports: readonly string[];
}

function closure(start: Iterable<string>, chunks: ReadonlyMap<string, ChunkInfo>): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !chunks.has(name)) return;
    seen.add(name);
    for (const next of chunks.get(name)?.imports ?? []) visit(next);
  };
  for (const name of start) visit(name);
  return seen;
}

function sizesOf(names: Iterable<string>, chunks: ReadonlyMap<string, ChunkInfo>): ChunkSizes {
  let files = 0;
  let bytes = 0;
  let gzipBytes = 0;
  for (const name of names) {
    const code = Buffer.from(chunks.get(name)?.code ?? '');
    files += 1;
    bytes += code.length;
    gzipBytes += gzipSync(code, { level: 9 }).length;
  }
  return { files, bytes, gzipBytes };
}

/** Sizes of one widget's entry chunk in the bundle graph. */
export function widgetSizes(entry: string, chunks: ReadonlyMap<string, ChunkInfo>): WidgetSizes {
  const initial = closure([entry], chunks);
  const dynamicRoots = [...initial].flatMap((name) => chunks.get(name)?.dynamicImports ?? []);
  const onDemand = [...closure(dynamicRoots, chunks)].filter((name) => !initial.has(name));
  const reachable = new Set([...initial, ...onDemand]);
  for (let grew = true; grew;) {
    grew = false;
    for (const name of [...reachable]) {
      const info = chunks.get(name);
      for (const next of [...(info?.imports ?? []), ...(info?.dynamicImports ?? [])]) {
        if (!reachable.has(next) && chunks.has(next)) {
          reachable.add(next);
          grew = true;
        }
      }
    }
  }
  return {
    initial: sizesOf(initial, chunks),
    onDemand: sizesOf(onDemand, chunks),
    reachable: sizesOf(reachable, chunks),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** A config example adapted to the embed pages: the SDK assets served beside them. */
function embedConfig(example: string, changes: Record<string, unknown>): string {
  const config = JSON.parse(readFileSync(resolve(root, 'config', example), 'utf8')) as object;
  return `${JSON.stringify({ ...config, ...changes }, null, 2)}\n`;
}

function embedFiles(): Plugin {
  let sizes: Record<string, WidgetSizes> = {};
  return {
    name: 'ccr-embed-files',
    // After Vite's own plugins, so that the CSS they emit is there to drop.
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const [fileName, output] of Object.entries(bundle)) {
        // CSS that SDK modules import (Calcite's global rules) would style the host page.
        if (output.type === 'asset' && fileName.endsWith('.css')) delete bundle[fileName];
      }
      const chunks = new Map<string, ChunkInfo>();
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk') chunks.set(output.fileName, output);
      }
      sizes = Object.fromEntries(WIDGETS.map((name) => [name, widgetSizes(`${name}.js`, chunks)]));
      const registration = sizes['cam-registration']?.initial.gzipBytes ?? Infinity;
      if (registration > REGISTRATION_INITIAL_BUDGET_BYTES) {
        this.error(
          `cam-registration.js loads ${kb(registration)} gzipped up front; the budget is ${kb(REGISTRATION_INITIAL_BUDGET_BYTES)}`,
        );
      }
      this.emitFile({
        type: 'asset',
        fileName: 'sizes.json',
        source: `${JSON.stringify({ budgetGzipBytes: { 'cam-registration': REGISTRATION_INITIAL_BUDGET_BYTES }, widgets: sizes }, null, 2)}\n`,
      });
    },
    writeBundle() {
      for (const page of ['registration.html', 'incident-search.html']) {
        cpSync(resolve(root, 'demo/embed', page), join(outDir, page));
      }
      writeFileSync(
        join(outDir, 'registration.json'),
        embedConfig('registration.example.json', { assetsPath: './assets' }),
      );
      writeFileSync(
        join(outDir, 'incident-search.json'),
        embedConfig('incident-search.example.json', {
          $comment:
            'Settings of the embed page /embed/incident-search.html. Paths resolve against this file. For OAuth sign-in, register this page as a redirect URI of your app and set oauthClientId and portalUrl.',
          assetsPath: './assets',
          oauthClientId: null,
          portalUrl: null,
        }),
      );
      for (const path of SDK_ASSETS) {
        const target = join(outDir, 'assets', path);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(resolve(root, 'node_modules/@arcgis/core/assets', path), target, {
          recursive: true,
        });
      }
    },
    closeBundle() {
      const rows = Object.entries(sizes).map(
        ([name, { initial, onDemand, reachable }]) =>
          `| ${name}.js | ${kb(initial.gzipBytes)} (${initial.files} files) | ${kb(onDemand.gzipBytes)} (${onDemand.files} files) | ${kb(reachable.gzipBytes)} (${reachable.files} files) |`,
      );
      console.log(
        [
          '',
          'Script-tag bundles, JavaScript gzipped:',
          '| bundle | initial | map, on demand | most the SDK may add |',
          '| --- | --- | --- | --- |',
          ...rows,
          `Budget of cam-registration.js, initial: ${kb(REGISTRATION_INITIAL_BUDGET_BYTES)}`,
        ].join('\n'),
      );
    },
  };
}

// Vite never reads config/tsconfig*.json, so state what Lit's legacy decorators need here.
const oxc = {
  decorator: { legacy: true },
  typescript: { removeClassFieldsWithoutInitializer: true },
  assumptions: { setPublicClassFields: true },
};

export default defineConfig({
  root,
  publicDir: false,
  oxc,
  // Library builds leave `process.env.NODE_ENV` alone; a host page has no `process`.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  plugins: [embedFiles()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    copyPublicDir: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 6000,
    lib: {
      entry: ENTRIES,
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rollupOptions: {
      output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
    },
  },
});
