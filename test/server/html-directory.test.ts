/**
 * The Services Directory pages (`f=html`) rendered from the JSON bodies of the routes:
 * well-formed, accessible, every value escaped, links that lead where ArcGIS's do, and a
 * query form whose GET submission the server answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerJson } from '../../src/core/schema/layer-json.js';
import { CONTACT_LOG, SITES } from '../../src/core/schema/registry-schema.js';
import type { LayerDef } from '../../src/core/schema/schema-types.js';
import {
  escapeHtml,
  HTML_PAGE_KINDS,
  pageTitle,
  renderHtml,
  type HtmlContext,
  type HtmlPageKind,
} from '../../src/server/handlers/html-directory.js';
import { describeService } from '../../src/server/handlers/service-info.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const ROOT = '/arcgis/rest/services';
const SERVICE = `${ROOT}/CommunityCameras/FeatureServer`;
const EVIL = `<script>alert(1)</script>" onmouseover="x' &amp;`;
/** Evil, but a path segment: no slash. */
const EVIL_SEGMENT = `<img alt="x" onerror='y'>&amp;`;
const CITY = { xmin: -94.6, ymin: 39.0, xmax: -94.3, ymax: 39.2 };
const VOID = new Set(['meta', 'input', 'br', 'hr', 'img', 'link']);

const layer = (def: LayerDef = SITES) =>
  layerJson(def, 'source', { maxRecordCount: 2000, extent: CITY });

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescape = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

interface Tag {
  readonly closing: boolean;
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/**
 * A strict reading of the page: every tag has the shape the renderer writes (attribute
 * values double-quoted, free of `"`, `<` and `>`), elements nest properly, and no text
 * holds a raw `<` or `>`. A value that escaped its escaping would break one of these.
 */
function parse(html: string): Tag[] {
  const body = html.replace(/^<!DOCTYPE html>\n/, '').replace(/<style>[^<]*<\/style>/, '');
  const tags: Tag[] = [];
  const stack: string[] = [];
  const pattern = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z-]*(?:="[^"<>]*")?)*)\s*>/g;
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    expect(body.slice(last, match.index), 'text between tags').not.toMatch(/[<>]/);
    last = match.index + match[0].length;
    const [, slash, name, rawAttributes] = match;
    const attributes = new Map(
      [...rawAttributes!.matchAll(/([a-z][a-z-]*)(?:="([^"]*)")?/g)].map((a) => [
        a[1]!,
        unescape(a[2] ?? ''),
      ]),
    );
    tags.push({ closing: slash === '/', name: name!, attributes });
    if (VOID.has(name!)) continue;
    if (slash === '/') expect(stack.pop(), `closing </${name}>`).toBe(name);
    else stack.push(name!);
  }
  expect(body.slice(last)).not.toMatch(/[<>]/);
  expect(stack).toEqual([]);
  return tags;
}

/** Checks what every page must be, and returns its tags. */
function checkPage(html: string): Tag[] {
  expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
  const tags = parse(html);
  const opened = (name: string) => tags.filter((t) => t.name === name && !t.closing);
  expect(opened('title')).toHaveLength(1);
  expect(opened('h1')).toHaveLength(1);
  expect(opened('main')).toHaveLength(1);
  for (const tag of tags) {
    // No script, no handler, nothing fetched from elsewhere.
    expect(tag.name).not.toBe('script');
    for (const name of tag.attributes.keys()) expect(name).not.toMatch(/^(on|src$|style$)/);
    const href = tag.attributes.get('href');
    if (href !== undefined) expect(href, 'same-origin link').toMatch(/^\/[^/]/);
  }
  expect(html).not.toMatch(/<link\b|@import|url\(/);
  // Every table has header cells with a scope.
  const tables = html.split('<table>').slice(1);
  for (const table of tables) expect(table).toMatch(/<th scope="(col|row)">/);
  // Every visible form control has a label.
  const labelled = new Set(
    tags.filter((t) => t.name === 'label').map((t) => t.attributes.get('for')),
  );
  for (const tag of tags) {
    if (!['input', 'select', 'textarea'].includes(tag.name) || tag.closing) continue;
    if (tag.attributes.get('type') === 'hidden') continue;
    expect(labelled, `label for ${tag.attributes.get('name')}`).toContain(tag.attributes.get('id'));
  }
  return tags;
}

function hrefs(html: string): string[] {
  return parse(html)
    .map((t) => t.attributes.get('href'))
    .filter((h): h is string => h !== undefined);
}

/** What a browser sends for the page's form (successful controls, in order), as a URL. */
function submission(html: string): URL {
  const form = /<form method="get" action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  expect(form).not.toBeNull();
  const pairs = new URLSearchParams();
  const controls =
    /<input ([^>]*)>|<textarea [^>]*name="([^"]*)"[^>]*>([^<]*)<\/textarea>|<select [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g;
  for (const match of form![2]!.matchAll(controls)) {
    if (match[1] !== undefined) {
      const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(match[1]!)?.[1];
      if (attr('type') === 'radio' && !/\bchecked\b/.test(match[1])) continue;
      pairs.append(attr('name')!, unescape(attr('value') ?? ''));
    } else if (match[2] !== undefined) {
      pairs.append(match[2], unescape(match[3]!));
    } else {
      const options = [...match[5]!.matchAll(/<option value="([^"]*)"( selected)?>/g)];
      const chosen = options.find((o) => o[2]) ?? options[0];
      pairs.append(match[4]!, unescape(chosen?.[1] ?? ''));
    }
  }
  const url = new URL(unescape(form![1]!), 'http://directory.test');
  url.search = pairs.toString();
  return url;
}

describe('each page kind', () => {
  it('renders the services list with links to each service', () => {
    const html = renderHtml(
      'services',
      {
        currentVersion: 11.3,
        folders: [],
        services: [
          { name: 'CommunityCameras_public', type: 'FeatureServer' },
          { name: 'Geocode', type: 'GeocodeServer' },
        ],
      },
      { url: ROOT, title: 'Folder: /' },
    );
    checkPage(html);
    expect(hrefs(html)).toEqual(
      expect.arrayContaining([
        `${ROOT}/CommunityCameras_public/FeatureServer`,
        `${ROOT}/Geocode/GeocodeServer`,
        `${ROOT}?f=pjson`,
      ]),
    );
    expect(html).toContain('<title>Folder: / - ArcGIS REST Services Directory</title>');
  });

  it('renders a feature service with its layers, tables and relationships', () => {
    const body = describeService('source', { cityExtent: CITY });
    const html = renderHtml('service', body, {
      url: SERVICE,
      title: pageTitle('service', body, SERVICE),
    });
    checkPage(html);
    expect(html).toContain('<h1>CommunityCameras (FeatureServer)</h1>');
    expect(hrefs(html)).toEqual(
      expect.arrayContaining([
        `${ROOT}`,
        `${SERVICE}/0`,
        `${SERVICE}/4`,
        `${SERVICE}/layers`,
        `${SERVICE}?f=pjson`,
      ]),
    );
    expect(html).toContain('Site_Cameras (0)');
  });

  it('renders a layer: fields with type, alias, nullable, length and domain; templates; links', () => {
    const body = layer();
    const url = `${SERVICE}/0`;
    const html = renderHtml('layer', body, { url, title: pageTitle('layer', body, url) });
    const tags = checkPage(html);
    expect(html).toContain('<h1>Layer: Sites (ID: 0)</h1>');
    // The fields table: one row per field, each header cell naming it.
    const rowHeads = html.match(/<tr><th scope="row"><code>[^<]+<\/code><\/th><td>esriField/g);
    expect(rowHeads).toHaveLength(SITES.fields.length);
    expect(html).toContain(
      '<tr><th scope="row"><code>registration_ref</code></th><td>esriFieldTypeString</td><td>Registration reference</td><td>false</td><td>true</td><td>16</td>',
    );
    expect(html).toContain('QualityFlag (coded values)');
    expect(html).toContain('<li><code>geocode_low</code>: Low geocode score</li>');
    expect(html).toContain('geocode_score_range (range): 0 to 100');
    expect(html).toContain('Phone or Email is required');
    expect(html).toContain('<h2>Templates</h2>');
    expect(html).toContain('Prototype attributes of Sites');
    expect(hrefs(html)).toEqual(
      expect.arrayContaining([`${url}/query`, `${SERVICE}/1`, `${SERVICE}/2`, `${url}?f=pjson`]),
    );
    expect(tags.some((t) => t.name === 'li' && t.attributes.get('aria-current') === 'page')).toBe(
      true,
    );
    // A table (no geometry) says so; a layer that cannot be queried has no query link.
    const officerTable = layerJson(CONTACT_LOG, 'officer', { maxRecordCount: 2000 });
    const table = renderHtml(
      'layer',
      { ...officerTable, capabilities: 'Create,Editing' },
      {
        url: `${ROOT}/CommunityCameras_officer/FeatureServer/2`,
        title: pageTitle('layer', officerTable, ''),
      },
    );
    checkPage(table);
    expect(table).toContain('<h1>Table: ContactLog (ID: 2)</h1>');
    expect(table).not.toContain('Geometry Type');
    expect(hrefs(table).some((h) => h.endsWith('/query'))).toBe(false);
    expect(table).toContain('Add Features (POST)');
  });

  it('renders all layers and tables of a service', () => {
    const html = renderHtml(
      'layers',
      { layers: [layer()], tables: [layer(CONTACT_LOG)] },
      { url: `${SERVICE}/layers`, title: 'All Layers and Tables' },
    );
    checkPage(html);
    expect(html).toContain('Layer: Sites (ID: 0)');
    expect(html).toContain('Table: ContactLog (ID: 2)');
    expect(hrefs(html)).toEqual(
      expect.arrayContaining([`${SERVICE}/0`, `${SERVICE}/2`, `${SERVICE}/0/query`]),
    );
  });

  it('renders the query form, filled from the request, and the answer under it', () => {
    const url = `${SERVICE}/0/query`;
    const html = renderHtml('query', layer(), {
      url,
      title: pageTitle('query', layer(), url),
      params: { where: "status = 'pending'", outFields: '*', returnGeometry: 'false' },
      result: {
        fields: [
          { name: 'OBJECTID', type: 'esriFieldTypeOID' },
          { name: 'CreationDate', type: 'esriFieldTypeDate' },
        ],
        features: [{ attributes: { OBJECTID: 7, CreationDate: 0 }, geometry: { x: 1, y: 2 } }],
        exceededTransferLimit: true,
      },
    });
    const tags = checkPage(html);
    expect(html).toContain('<h1>Query: Sites (ID: 0)</h1>');
    const sent = submission(html);
    expect(sent.pathname).toBe(url);
    expect(sent.searchParams.get('where')).toBe("status = 'pending'");
    expect(sent.searchParams.get('outFields')).toBe('*');
    expect(sent.searchParams.get('returnGeometry')).toBe('false');
    expect(sent.searchParams.get('returnCountOnly')).toBe('false');
    expect(sent.searchParams.get('f')).toBe('html');
    expect(sent.searchParams.has('token')).toBe(false);
    for (const name of ['geometry', 'spatialRel', 'distance', 'units', 'outSR'])
      expect(sent.searchParams.has(name), name).toBe(true);
    expect(tags.filter((t) => t.name === 'fieldset' && !t.closing).length).toBeGreaterThan(0);
    expect(tags.filter((t) => t.name === 'legend' && !t.closing).length).toBe(
      tags.filter((t) => t.name === 'fieldset' && !t.closing).length,
    );
    expect(html).toContain('<td>7</td><td>1970-01-01T00:00:00.000Z</td>');
    expect(html).toContain('1 feature; more match');
    // A table has no spatial controls.
    const table = renderHtml('query', layer(CONTACT_LOG), { url: `${SERVICE}/2/query` });
    checkPage(table);
    expect(submission(table).searchParams.has('geometry')).toBe(false);
  });

  it('renders counts, ids and errors a query answers', () => {
    const url = `${SERVICE}/0/query`;
    const count = renderHtml('query', layer(), { url, result: { count: 42 } });
    expect(count).toContain('<dt>Count</dt><dd>42</dd>');
    const ids = renderHtml('query', layer(), {
      url,
      result: { objectIdFieldName: 'OBJECTID', objectIds: [3, 5] },
    });
    expect(ids).toContain('<dd>3, 5</dd>');
    const failed = renderHtml('query', layer(), {
      url,
      result: { error: { code: 400, message: 'Invalid where clause.', details: ['where'] } },
    });
    checkPage(failed);
    expect(failed).toContain('<dd>Invalid where clause.</dd>');
  });

  it('renders an error envelope', () => {
    const html = renderHtml(
      'error',
      { error: { code: 499, message: 'Token Required', details: [] } },
      { url: `${SERVICE}/0`, title: 'Error' },
    );
    checkPage(html);
    expect(html).toContain('<dt>Code</dt><dd>499</dd>');
    expect(html).toContain('<dd>Token Required</dd>');
    expect(hrefs(html)).toContain(ROOT);
    expect(html).not.toContain('f=pjson');
  });

  it('reads a path with a trailing slash as the resource itself', () => {
    const html = renderHtml('layer', layer(), { url: `${SERVICE}/0/` });
    expect(hrefs(html)).toContain(`${SERVICE}/0/query`);
  });

  it('gives every kind a title of its own', () => {
    const titles = HTML_PAGE_KINDS.map((kind: HtmlPageKind) =>
      pageTitle(kind, layer(), `${SERVICE}/0`),
    );
    expect(new Set(titles).size).toBe(HTML_PAGE_KINDS.length);
  });
});

describe('escaping', () => {
  it('escapes every value of every page, in text and in attributes', () => {
    const evilLayer = {
      ...layer(),
      name: EVIL,
      description: EVIL,
      displayField: EVIL,
      fields: [
        {
          name: EVIL,
          type: 'esriFieldTypeString',
          alias: EVIL,
          length: 10,
          nullable: true,
          editable: true,
          domain: { type: 'codedValue', name: EVIL, codedValues: [{ name: EVIL, code: EVIL }] },
          defaultValue: EVIL,
          description: JSON.stringify({ value: EVIL, fieldValueType: EVIL }),
        },
      ],
      templates: [
        {
          name: EVIL,
          description: EVIL,
          drawingTool: EVIL,
          prototype: { attributes: { [EVIL]: EVIL } },
        },
      ],
      relationships: [{ id: EVIL, name: EVIL, relatedTableId: EVIL, role: EVIL, keyField: EVIL }],
    };
    const context: HtmlContext = {
      url: `${ROOT}/${EVIL_SEGMENT}/FeatureServer/0`,
      params: { where: EVIL, f: EVIL },
      token: EVIL,
      result: { fields: [{ name: EVIL }], features: [{ attributes: { [EVIL]: EVIL } }] },
    };
    const pages: [HtmlPageKind, unknown][] = [
      ['services', { services: [{ name: EVIL, type: EVIL }], folders: [EVIL] }],
      [
        'service',
        {
          serviceDescription: EVIL,
          layers: [{ id: EVIL, name: EVIL }],
          relationships: [{ id: 1, name: EVIL }],
        },
      ],
      ['layers', { layers: [evilLayer], tables: [] }],
      ['layer', evilLayer],
      ['query', evilLayer],
      ['error', { error: { code: EVIL, message: EVIL, details: [EVIL] } }],
    ];
    for (const [kind, body] of pages) {
      for (const title of [EVIL, undefined]) {
        const url = kind === 'query' ? `${context.url}/query` : context.url;
        const html = renderHtml(kind, body, { ...context, url, ...(title ? { title } : {}) });
        checkPage(html);
        expect(html, kind).not.toContain('<script>');
        expect(html, kind).not.toContain('<img');
        expect(html, kind).toContain('&lt;script&gt;');
        expect(html, kind).toContain('&lt;img alt=&quot;x&quot; onerror=&#39;y&#39;&gt;&amp;amp;');
      }
    }
    // What the form sends back is what was sent, unchanged by the escaping.
    const sent = submission(
      renderHtml('query', evilLayer, { ...context, url: `${context.url}/query` }),
    );
    expect(sent.searchParams.get('where')).toBe(EVIL);
    expect(sent.searchParams.get('f')).toBe(EVIL);
    expect(sent.searchParams.get('token')).toBe(EVIL);
  });

  it('escapes the five characters HTML gives meaning to', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('against the server', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ sites: 20 });
    token = await server.token('analyst1');
  });
  afterAll(() => server?.close());

  async function served(path: string): Promise<Record<string, unknown>> {
    const response = await fetch(
      `${server.url}${path}?${new URLSearchParams({ f: 'json', token })}`,
    );
    return (await response.json()) as Record<string, unknown>;
  }

  it('submits the query form, as rendered, with GET and gets an answer', async () => {
    for (const id of [SITES.id, CONTACT_LOG.id]) {
      const path = `${SERVICE}/${id}`;
      const body = await served(path);
      for (const params of [{}, { where: '1=1', outFields: '*', resultRecordCount: '5' }] as Record<
        string,
        string
      >[]) {
        const html = renderHtml('query', body, { url: `${path}/query`, params, token });
        const sent = submission(html);
        expect(sent.searchParams.get('token')).toBe(token);
        // `f=html` is the directory's own; the JSON route answers the same parameters.
        sent.searchParams.set('f', 'json');
        const response = await fetch(`${server.url}${sent.pathname}${sent.search}`);
        const answer = (await response.json()) as Record<string, unknown>;
        expect(answer.error, JSON.stringify(answer.error)).toBeUndefined();
        expect(Array.isArray(answer.features)).toBe(true);
        const page = renderHtml('query', body, {
          url: `${path}/query`,
          params,
          token,
          result: answer,
        });
        checkPage(page);
      }
    }
  });

  it('renders the JSON the routes answer, links carrying the token', async () => {
    const pages: [HtmlPageKind, string][] = [
      ['services', ROOT],
      ['service', SERVICE],
      ['layers', `${SERVICE}/layers`],
      ['layer', `${SERVICE}/0`],
    ];
    for (const [kind, path] of pages) {
      const html = renderHtml(kind, await served(path), { url: path, token });
      checkPage(html);
      for (const href of hrefs(html)) {
        expect(new URL(href, server.url).searchParams.get('token'), href).toBe(token);
      }
    }
  });
});
