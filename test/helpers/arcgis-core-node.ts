/**
 * Makes `@arcgis/core` usable in Node tests, offline.
 *
 * - Node's `fetch` refuses `file:` URLs, and the geometry operators fetch `pe-wasm.wasm`
 *   from `esriConfig.assetsPath`; a thin wrapper serves `file:` URLs from disk and passes
 *   everything else to the real `fetch`.
 * - `assetsPath` points at the installed package's assets instead of the public CDN.
 * - `request.useIdentity = false`, so the SDK never loads its DOM-bound identity manager.
 *   Tokens travel as a layer's `apiKey` (the SDK drops a `token` put in `customParameters`).
 * - `log.level = 'none'`: tests that expect a layer to fail check the failure themselves,
 *   so the SDK's own "Failed to load layer" console lines are only noise.
 *
 * Import this module before any other `@arcgis/core` module is used.
 */
import esriConfig from '@arcgis/core/config.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ASSETS_DIR = resolve(import.meta.dirname, '../../node_modules/@arcgis/core/assets');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.js': 'text/javascript',
};

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

const SHIMMED = Symbol.for('ccr.arcgis-core-node.fetch');

/** Installs the `file:` fetch wrapper once per process. */
function installFileFetch(): void {
  const current = globalThis.fetch as typeof fetch & { [SHIMMED]?: true };
  if (current[SHIMMED]) return;
  const realFetch = current;
  const wrapped = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = urlOf(input);
    if (!url.startsWith('file:')) return realFetch(input, init);
    const path = fileURLToPath(url);
    const extension = /\.[a-z0-9]+$/i.exec(path)?.[0]?.toLowerCase() ?? '';
    return new Response(await readFile(path), {
      headers: { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream' },
    });
  }) as typeof fetch & { [SHIMMED]?: true };
  wrapped[SHIMMED] = true;
  globalThis.fetch = wrapped;
}

installFileFetch();
esriConfig.assetsPath = pathToFileURL(ASSETS_DIR).href;
esriConfig.request.useIdentity = false;
esriConfig.log.level = 'none';

export { esriConfig };
