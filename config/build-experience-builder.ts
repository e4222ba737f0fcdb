/**
 * `tsx config/build-experience-builder.ts` (part of `npm run build`): the Experience Builder
 * widgets in `dist/experience-builder/<widget>/`, ready to copy into Experience Builder's
 * `client/your-extensions/widgets/`. Each folder is the source folder with its element entry
 * (`src/runtime/<widget>-element.ts`) replaced by the bundled element, one ES module with Lit
 * and our code inside and the ArcGIS Maps SDK left outside as `esri/*` imports, which
 * Experience Builder resolves to its own copy of the SDK.
 */
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
export const EXB_WIDGETS = ['cam-registration', 'cam-incident-search'] as const;

// Vite never reads config/tsconfig*.json, so state what Lit's legacy decorators need here.
const oxc = {
  decorator: { legacy: true },
  typescript: { removeClassFieldsWithoutInitializer: true },
  assumptions: { setPublicClassFields: true },
};

/** `@arcgis/core/views/MapView.js` → `esri/views/MapView`, as Experience Builder names it. */
export function esriModuleOf(id: string): string {
  return id.replace(/^@arcgis\/core\/(.+?)(\.js)?$/, 'esri/$1');
}

export async function buildExperienceBuilder(
  outDir = join(root, 'dist/experience-builder'),
): Promise<void> {
  // Production builds of the dependencies (Lit without its development mode).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    rmSync(outDir, { recursive: true, force: true });
    for (const widget of EXB_WIDGETS) {
      const source = join(root, 'widgets/experience-builder', widget);
      const target = join(outDir, widget);
      const entry = join(source, 'src/runtime', `${widget}-element.ts`);
      cpSync(source, target, { recursive: true, filter: (path) => path !== entry });
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        publicDir: false,
        oxc,
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir: join(target, 'src/runtime'),
          emptyOutDir: false,
          target: 'es2022',
          copyPublicDir: false,
          minify: false,
          reportCompressedSize: false,
          lib: { entry, formats: ['es'], fileName: () => `${widget}-element.js` },
          rollupOptions: {
            external: (id) => id.startsWith('@arcgis/core/'),
            // One file: Experience Builder's bundler takes it in whole.
            output: { codeSplitting: false, paths: esriModuleOf },
          },
        },
      });
    }
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

if (import.meta.main) {
  await buildExperienceBuilder();
  console.log('Experience Builder widgets: dist/experience-builder/');
}
