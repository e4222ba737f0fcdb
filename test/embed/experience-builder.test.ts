/**
 * The Experience Builder widgets against Esri's documented widget structure (developer guide
 * "Widget manifest", the SDK resources' manifest reference and widget skeleton): each
 * manifest holds the required fields and only documented ones, its label and locales match
 * the translations it ships, and the build yields folders whose element leaves the ArcGIS
 * Maps SDK to Experience Builder.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildExperienceBuilder,
  EXB_WIDGETS,
  esriModuleOf,
} from '../../config/build-experience-builder.js';

const SOURCE = resolve(import.meta.dirname, '../../widgets/experience-builder');

/** Every field the manifest reference documents. */
const DOCUMENTED_FIELDS = new Set([
  'name',
  'label',
  'type',
  'version',
  'exbVersion',
  'author',
  'description',
  'copyright',
  'license',
  'notSupportAGOL',
  'notAllowAdd',
  'properties',
  'extensions',
  'publishMessages',
  'messageActions',
  'dataActions',
  'excludeDataActions',
  'translatedLocales',
  'dependency',
  'settingDependency',
  'defaultSize',
  'widgetType',
  'layouts',
  'urlParameters',
  'requireLicense',
]);
/** `properties` the reference documents, less those the build generates itself. */
const DOCUMENTED_PROPERTIES = new Set([
  'hasConfigInSettingPage',
  'supportInlineEditing',
  'supportRepeat',
  'supportAutoSize',
  'forbidOneByOneEffect',
  'hasEmbeddedLayout',
  'lockChildren',
  'passDataSourceToChildren',
  'canCreateMapView',
  'canCrossLayoutBoundary',
  'canConsumeDataAction',
  'canProvideRepeatDataSource',
  'canGenerateMultipleOutputDataSources',
]);
const SEMVER = /^\d+\.\d+\.\d+$/;

type Manifest = Record<string, unknown>;

function manifestOf(widget: string): Manifest {
  return JSON.parse(readFileSync(join(SOURCE, widget, 'manifest.json'), 'utf8')) as Manifest;
}

/** A `default.ts` translation module's object (plain `export default { … }`). */
function defaultMessages(path: string): Record<string, string> {
  const text = readFileSync(path, 'utf8').replace(/^export default\s*/m, 'return ');
  return new Function(text)() as Record<string, string>;
}

/** A `System.register` translation module's object, run as Experience Builder runs it. */
function registeredMessages(path: string): Record<string, string> {
  let exported: Record<string, string> = {};
  const System = {
    register: (
      _deps: unknown,
      factory: (out: (value: Record<string, string>) => void) => { execute(): void },
    ) => factory((value) => (exported = value)).execute(),
  };
  new Function('System', readFileSync(path, 'utf8'))(System);
  return exported;
}

describe.each(EXB_WIDGETS)('the Experience Builder widget %s', (widget) => {
  const manifest = manifestOf(widget);
  const folder = join(SOURCE, widget);

  it('has the required manifest fields, named after its folder', () => {
    expect(manifest).toMatchObject({ name: widget, type: 'widget' });
    expect(manifest.version).toMatch(SEMVER);
    expect(manifest.exbVersion).toMatch(SEMVER);
    expect(typeof manifest.label).toBe('string');
    expect(manifest.translatedLocales).toContain('en');
  });

  it('uses only documented fields and properties, none the build generates', () => {
    expect(Object.keys(manifest).filter((key) => !DOCUMENTED_FIELDS.has(key))).toEqual([]);
    const properties = Object.keys(manifest.properties as object);
    expect(properties.filter((key) => !DOCUMENTED_PROPERTIES.has(key))).toEqual([]);
  });

  it('loads the Maps SDK through jimu-arcgis and states a default size', () => {
    expect([manifest.dependency].flat()).toContain('jimu-arcgis');
    expect(manifest.defaultSize).toEqual({
      width: expect.any(Number) as number,
      height: expect.any(Number) as number,
    });
  });

  it('has the documented files', () => {
    for (const file of [
      'config.json',
      'icon.svg',
      'src/config.ts',
      'src/runtime/widget.tsx',
      'src/runtime/translations/default.ts',
      'src/setting/setting.tsx',
      'src/setting/translations/default.ts',
    ]) {
      expect(existsSync(join(folder, file)), file).toBe(true);
    }
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as object;
    expect(typeof config).toBe('object');
  });

  it('ships every locale it declares, with the same strings, and its label as _widgetLabel', () => {
    for (const part of ['runtime', 'setting']) {
      const dir = join(folder, 'src', part, 'translations');
      const english = defaultMessages(join(dir, 'default.ts'));
      if (part === 'runtime') expect(english._widgetLabel).toBe(manifest.label);
      const shipped = readdirSync(dir)
        .filter((name) => name.endsWith('.js'))
        .map((name) => name.replace(/\.js$/, ''));
      expect(['en', ...shipped].sort()).toEqual(
        [...(manifest.translatedLocales as string[])].sort(),
      );
      for (const locale of shipped) {
        const strings = registeredMessages(join(dir, `${locale}.js`));
        expect(Object.keys(strings).sort(), `${part} ${locale}`).toEqual(
          Object.keys(english).sort(),
        );
        expect(Object.values(strings).every((text) => text.trim() !== '')).toBe(true);
      }
    }
  });

  it('has a settings panel with the map widget selector and the service URLs', () => {
    const setting = readFileSync(join(folder, 'src/setting/setting.tsx'), 'utf8');
    expect(setting).toContain('<MapWidgetSelector');
    expect(setting).toMatch(/'serviceUrl'/);
    const runtime = readFileSync(join(folder, 'src/runtime/widget.tsx'), 'utf8');
    expect(runtime).toContain('<JimuMapViewComponent');
  });
});

describe('the Experience Builder build', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'ccr-exb-'));
    await buildExperienceBuilder(out);
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('names SDK modules as Experience Builder does', () => {
    expect(esriModuleOf('@arcgis/core/views/MapView.js')).toBe('esri/views/MapView');
    expect(esriModuleOf('@arcgis/core/geometry/operators/geodesicBufferOperator.js')).toBe(
      'esri/geometry/operators/geodesicBufferOperator',
    );
    expect(esriModuleOf('@arcgis/core/config')).toBe('esri/config');
  });

  it.each(EXB_WIDGETS)(
    'gives %s its folder with the bundled element, which imports only esri/* modules',
    (widget) => {
      const folder = join(out, widget);
      expect(manifestOf(widget)).toEqual(
        JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Manifest,
      );
      expect(existsSync(join(folder, 'src/runtime/widget.tsx'))).toBe(true);
      expect(existsSync(join(folder, 'src/setting/setting.tsx'))).toBe(true);
      expect(existsSync(join(folder, `src/runtime/${widget}-element.ts`))).toBe(false);
      const element = readFileSync(join(folder, `src/runtime/${widget}-element.js`), 'utf8');
      const imports = [
        ...element.matchAll(/^\s*import\s[^'"]*?from\s*["']([^"']+)["']/gm),
        ...element.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
      ].map((match) => match[1]);
      expect(imports.length).toBeGreaterThan(3);
      expect(imports.filter((id) => !id?.startsWith('esri/'))).toEqual([]);
      expect(element).not.toContain('@arcgis/core/');
      expect(element).toContain('customElements.define');
      // Our `jimu-*` declarations are for type checking here only.
      expect(existsSync(join(out, 'types'))).toBe(false);
    },
  );
});
