/**
 * The Services Directory pages ArcGIS answers `f=html` with, rendered from the same JSON
 * bodies the JSON routes return: the services list, a feature service, its layers, one
 * layer, the query form (with the answer under it) and an error.
 *
 * Pure functions, no I/O. Every value is escaped: registry data can hold `<script>`. No
 * script and no external resource: the pages live under a CSP that allows only a `<style>`
 * element and same-origin forms.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/using-the-services-directory/
 */

export const HTML_PAGE_KINDS = [
  'services',
  'service',
  'layers',
  'layer',
  'query',
  'error',
] as const;
export type HtmlPageKind = (typeof HTML_PAGE_KINDS)[number];

export interface HtmlContext {
  /** Path of the resource the page shows, without a query string (`…/FeatureServer/0/query`). */
  readonly url: string;
  /** Page title; ArcGIS's own (`Layer: Sites (ID: 0)`) when left out. */
  readonly title?: string;
  /** The request's parameters: the query form shows them as sent. */
  readonly params?: Readonly<Record<string, string>>;
  /** The JSON answer of the query the form sent, shown under the form. */
  readonly result?: unknown;
  /** A token the caller put in the URL: links and the query form carry it on. */
  readonly token?: string;
}

type Json = Readonly<Record<string, unknown>>;

const ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text and attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
}

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A JSON value as escaped text; objects as compact JSON. */
function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'object') return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
  return escapeHtml(value);
}

function urlWith(path: string, query: Readonly<Record<string, string>>, token?: string): string {
  const search = new URLSearchParams({ ...query, ...(token ? { token } : {}) }).toString();
  return search === '' ? path : `${path}?${search}`;
}

function link(path: string, label: string, token?: string): string {
  return `<a href="${escapeHtml(urlWith(path, {}, token))}">${label}</a>`;
}

/** Where a page sits in the directory, read from its path. */
interface Place {
  readonly root: string;
  readonly service?: { readonly name: string; readonly type: string; readonly url: string };
  readonly layer?: string;
  readonly operation?: string;
}

const PLACE =
  /^(.*?\/rest\/services)(?:\/([^/]+)\/(FeatureServer|GeocodeServer)(?:\/(layers|\d+)(?:\/([A-Za-z]+))?)?)?\/?$/;

function placeOf(url: string): Place {
  const match = PLACE.exec(url);
  if (!match?.[1]) return { root: '/arcgis/rest/services' };
  const [, root, name, type, layer, operation] = match;
  return {
    root,
    ...(name && type ? { service: { name, type, url: `${root}/${name}/${type}` } } : {}),
    ...(layer ? { layer } : {}),
    ...(operation ? { operation } : {}),
  };
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function layerLabel(layer: Json): string {
  return `${String(layer.name ?? '')} (ID: ${String(layer.id ?? '')})`;
}

/** ArcGIS's own page titles. */
export function pageTitle(kind: HtmlPageKind, body: unknown, url: string): string {
  const place = placeOf(url);
  const data = obj(body);
  const service = place.service ? decoded(place.service.name) : '';
  switch (kind) {
    case 'services':
      return 'Folder: /';
    case 'service':
      return `${service} (${place.service?.type ?? 'FeatureServer'})`;
    case 'layers':
      return `All Layers and Tables (${service})`;
    case 'layer':
      return `${data.type === 'Table' ? 'Table' : 'Layer'}: ${layerLabel(data)}`;
    case 'query':
      return `Query: ${layerLabel(data)}`;
    case 'error':
      return 'Error';
  }
}

function breadcrumbs(place: Place, kind: HtmlPageKind, body: Json, token?: string): string {
  const crumbs: { label: string; path: string }[] = [{ label: 'Home', path: place.root }];
  if (place.service) {
    crumbs.push({
      label: `${decoded(place.service.name)} (${place.service.type})`,
      path: place.service.url,
    });
    if (place.layer === 'layers') {
      crumbs.push({ label: 'All Layers and Tables', path: `${place.service.url}/layers` });
    } else if (place.layer !== undefined) {
      const named = (kind === 'layer' || kind === 'query') && typeof body.name === 'string';
      crumbs.push({
        label: named ? String(body.name) : place.layer,
        path: `${place.service.url}/${place.layer}`,
      });
      if (place.operation) {
        crumbs.push({
          label: place.operation,
          path: `${place.service.url}/${place.layer}/${place.operation}`,
        });
      }
    }
  }
  const items = crumbs.map((crumb, index) =>
    index === crumbs.length - 1 && kind !== 'error'
      ? `<li aria-current="page">${escapeHtml(crumb.label)}</li>`
      : `<li>${link(crumb.path, escapeHtml(crumb.label), token)}</li>`,
  );
  return `<nav aria-label="Breadcrumb"><ol class="crumbs">${items.join('')}</ol></nav>`;
}

/** A definition list of label/value rows; rows with no value say so. */
function properties(rows: readonly (readonly [string, string])[]): string {
  const items = rows.map(
    ([term, value]) =>
      `<div><dt>${escapeHtml(term)}</dt><dd>${value === '' ? '<span class="none">none</span>' : value}</dd></div>`,
  );
  return `<dl class="properties">${items.join('')}</dl>`;
}

function extentText(value: unknown): string {
  const extent = obj(value);
  if (extent.xmin === undefined) return '';
  const sr = obj(extent.spatialReference);
  return escapeHtml(
    `XMin: ${String(extent.xmin)}, YMin: ${String(extent.ymin)}, XMax: ${String(extent.xmax)}, YMax: ${String(extent.ymax)}${
      sr.wkid === undefined ? '' : ` (Spatial Reference: ${String(sr.wkid)})`
    }`,
  );
}

function renderServices(body: Json, place: Place, token?: string): string {
  const services = list(body.services).map((entry) => {
    const service = obj(entry);
    const name = String(service.name ?? '');
    const type = String(service.type ?? '');
    const path = `${place.root}/${encodeURIComponent(name)}/${encodeURIComponent(type)}`;
    return `<li>${link(path, escapeHtml(name), token)} (${escapeHtml(type)})</li>`;
  });
  const folders = list(body.folders).map((folder) => `<li>${escapeHtml(folder)}</li>`);
  return [
    properties([['Current Version', show(body.currentVersion)]]),
    '<h2>Folders</h2>',
    folders.length ? `<ul>${folders.join('')}</ul>` : '<p>None.</p>',
    '<h2>Services</h2>',
    services.length ? `<ul>${services.join('')}</ul>` : '<p>None you may use.</p>',
  ].join('\n');
}

function layerList(entries: unknown, serviceUrl: string, token?: string): string {
  const items = list(entries).map((entry) => {
    const layer = obj(entry);
    return `<li>${link(`${serviceUrl}/${encodeURIComponent(String(layer.id ?? ''))}`, escapeHtml(layerLabel(layer)), token)}</li>`;
  });
  return items.length ? `<ul>${items.join('')}</ul>` : '<p>None.</p>';
}

function renderService(body: Json, url: string, token?: string): string {
  const sr = obj(body.spatialReference);
  const relationships = list(body.relationships).map((entry) => {
    const rel = obj(entry);
    return `<li>${escapeHtml(rel.name)} (${escapeHtml(rel.id)})</li>`;
  });
  return [
    properties([
      ['Current Version', show(body.currentVersion)],
      ['Service Description', show(body.serviceDescription)],
      ['Has Versioned Data', show(body.hasVersionedData)],
      ['Max Record Count', show(body.maxRecordCount)],
      ['Supported Query Formats', show(body.supportedQueryFormats)],
      ['Capabilities', show(body.capabilities)],
      ['Description', show(body.description)],
      ['Copyright Text', show(body.copyrightText)],
      ['Spatial Reference', show(sr.wkid)],
      ['Initial Extent', extentText(body.initialExtent)],
      ['Full Extent', extentText(body.fullExtent)],
      ['Units', show(body.units)],
      ['Allow Geometry Updates', show(body.allowGeometryUpdates)],
      ['Sync Enabled', show(body.syncEnabled)],
    ]),
    '<h2>Layers</h2>',
    layerList(body.layers, url, token),
    '<h2>Tables</h2>',
    layerList(body.tables, url, token),
    '<h2>Relationships</h2>',
    relationships.length ? `<ul>${relationships.join('')}</ul>` : '<p>None.</p>',
    `<p>${link(`${url}/layers`, 'All Layers and Tables', token)}</p>`,
  ].join('\n');
}

function domainCell(value: unknown): string {
  const domain = obj(value);
  if (domain.type === 'codedValue') {
    const codes = list(domain.codedValues).map((entry) => {
      const coded = obj(entry);
      return `<li><code>${escapeHtml(coded.code)}</code>: ${escapeHtml(coded.name)}</li>`;
    });
    return `${escapeHtml(domain.name)} (coded values)<ul class="codes">${codes.join('')}</ul>`;
  }
  if (domain.type === 'range') {
    const [min, max] = list(domain.range);
    return `${escapeHtml(domain.name)} (range): ${escapeHtml(min)} to ${escapeHtml(max)}`;
  }
  return '';
}

/** A field's description is ArcGIS Online's JSON string; show its words and value type. */
function descriptionCell(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  let parsed: Json;
  try {
    parsed = obj(JSON.parse(value));
  } catch {
    return escapeHtml(value);
  }
  const words = typeof parsed.value === 'string' ? parsed.value : '';
  const type = typeof parsed.fieldValueType === 'string' ? parsed.fieldValueType : '';
  return [escapeHtml(words), type ? `<span class="value-type">(${escapeHtml(type)})</span>` : '']
    .filter((part) => part !== '')
    .join(' ');
}

function fieldsTable(fields: unknown, layerName: string, headingLevel: number): string {
  const rows = list(fields).map((entry) => {
    const field = obj(entry);
    return `<tr><th scope="row"><code>${escapeHtml(field.name)}</code></th><td>${escapeHtml(
      field.type,
    )}</td><td>${escapeHtml(field.alias)}</td><td>${show(field.nullable)}</td><td>${show(
      field.editable,
    )}</td><td>${show(field.length)}</td><td>${domainCell(field.domain)}</td><td>${show(
      field.defaultValue,
    )}</td><td>${descriptionCell(field.description)}</td></tr>`;
  });
  return [
    `<h${headingLevel}>Fields</h${headingLevel}>`,
    '<div class="scroll"><table>',
    `<caption>Fields of ${escapeHtml(layerName)}</caption>`,
    '<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Alias</th>' +
      '<th scope="col">Nullable</th><th scope="col">Editable</th><th scope="col">Length</th>' +
      '<th scope="col">Domain</th><th scope="col">Default value</th><th scope="col">Description</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
  ].join('\n');
}

function templatesSection(templates: unknown, headingLevel: number): string {
  const items = list(templates).map((entry) => {
    const template = obj(entry);
    const attributes = Object.entries(obj(obj(template.prototype).attributes)).map(
      ([name, value]) =>
        `<tr><th scope="row"><code>${escapeHtml(name)}</code></th><td>${value === null ? '<span class="none">null</span>' : show(value)}</td></tr>`,
    );
    return [
      `<h${headingLevel + 1}>${escapeHtml(template.name)}</h${headingLevel + 1}>`,
      properties([
        ['Description', show(template.description)],
        ['Drawing Tool', show(template.drawingTool)],
      ]),
      '<table>',
      `<caption>Prototype attributes of ${escapeHtml(template.name)}</caption>`,
      '<thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>',
      `<tbody>${attributes.join('')}</tbody>`,
      '</table>',
    ].join('\n');
  });
  return [
    `<h${headingLevel}>Templates</h${headingLevel}>`,
    items.length ? items.join('\n') : '<p>None.</p>',
  ].join('\n');
}

function relationshipsSection(
  relationships: unknown,
  serviceUrl: string | undefined,
  headingLevel: number,
  token?: string,
): string {
  const items = list(relationships).map((entry) => {
    const rel = obj(entry);
    const target = escapeHtml(`ID ${String(rel.relatedTableId ?? '')}`);
    const related =
      serviceUrl === undefined
        ? target
        : link(
            `${serviceUrl}/${encodeURIComponent(String(rel.relatedTableId ?? ''))}`,
            target,
            token,
          );
    return `<li>${escapeHtml(rel.name)} (${escapeHtml(rel.id)}): related to ${related}; role ${escapeHtml(
      rel.role,
    )}, cardinality ${escapeHtml(rel.cardinality)}, key field <code>${escapeHtml(rel.keyField)}</code></li>`;
  });
  return [
    `<h${headingLevel}>Relationships</h${headingLevel}>`,
    items.length ? `<ul>${items.join('')}</ul>` : '<p>None.</p>',
  ].join('\n');
}

function capabilityList(body: Json): readonly string[] {
  return String(body.capabilities ?? '')
    .split(',')
    .map((word) => word.trim())
    .filter((word) => word !== '');
}

function operationsSection(
  body: Json,
  layerUrl: string,
  headingLevel: number,
  token?: string,
): string {
  const capabilities = capabilityList(body);
  const items: string[] = [];
  if (capabilities.includes('Query')) {
    items.push(`<li>${link(`${layerUrl}/query`, 'Query', token)}</li>`);
    if (list(body.relationships).length > 0) items.push('<li>Query Related Records</li>');
  }
  if (capabilities.some((word) => ['Create', 'Update', 'Delete'].includes(word))) {
    // Edits are POST only: named here, sent by clients.
    items.push('<li>Apply Edits (POST)</li>');
    if (capabilities.includes('Create')) items.push('<li>Add Features (POST)</li>');
    if (capabilities.includes('Update')) items.push('<li>Update Features (POST)</li>');
    if (capabilities.includes('Delete')) items.push('<li>Delete Features (POST)</li>');
  }
  return [
    `<h${headingLevel}>Supported Operations</h${headingLevel}>`,
    items.length ? `<ul>${items.join('')}</ul>` : '<p>None.</p>',
  ].join('\n');
}

function layerSections(
  body: Json,
  layerUrl: string,
  serviceUrl: string | undefined,
  headingLevel: number,
  token?: string,
): string {
  const sr = obj(body.spatialReference);
  const isLayer = body.geometryType !== undefined;
  return [
    properties([
      ['Name', show(body.name)],
      ['Display Field', show(body.displayField)],
      ['Type', show(body.type)],
      ...(isLayer ? [['Geometry Type', show(body.geometryType)] as const] : []),
      ['Description', show(body.description)],
      ['Copyright Text', show(body.copyrightText)],
      ['Default Visibility', show(body.defaultVisibility)],
      ['Capabilities', show(body.capabilities)],
      ['Max Record Count', show(body.maxRecordCount)],
      ['Supported Query Formats', show(body.supportedQueryFormats)],
      ...(isLayer
        ? [
            ['Extent', extentText(body.extent)] as const,
            ['Spatial Reference', show(sr.wkid)] as const,
          ]
        : []),
      ['Has Attachments', show(body.hasAttachments)],
      ['Object ID Field', show(body.objectIdField)],
      ['Global ID Field', show(body.globalIdField)],
      ['Type ID Field', show(body.typeIdField)],
    ]),
    fieldsTable(body.fields, String(body.name ?? ''), headingLevel),
    templatesSection(body.templates, headingLevel),
    relationshipsSection(body.relationships, serviceUrl, headingLevel, token),
    operationsSection(body, layerUrl, headingLevel, token),
  ].join('\n');
}

function renderLayers(body: Json, place: Place, token?: string): string {
  const serviceUrl = place.service?.url ?? '';
  const sections = [...list(body.layers), ...list(body.tables)].map((entry) => {
    const layer = obj(entry);
    const layerUrl = `${serviceUrl}/${encodeURIComponent(String(layer.id ?? ''))}`;
    const heading = `${layer.type === 'Table' ? 'Table' : 'Layer'}: ${layerLabel(layer)}`;
    return [
      '<section>',
      `<h2>${link(layerUrl, escapeHtml(heading), token)}</h2>`,
      layerSections(layer, layerUrl, place.service?.url, 3, token),
      '</section>',
    ].join('\n');
  });
  return sections.length ? sections.join('\n') : '<p>None.</p>';
}

/** One labelled control of the query form. */
interface Control {
  readonly name: string;
  readonly label: string;
  readonly kind: 'text' | 'textarea' | 'number' | 'select' | 'boolean';
  readonly options?: readonly string[];
  readonly fallback?: string;
  readonly hint?: string;
}

const GEOMETRY_TYPES = [
  'esriGeometryEnvelope',
  'esriGeometryPoint',
  'esriGeometryMultipoint',
  'esriGeometryPolyline',
  'esriGeometryPolygon',
];
const UNITS = [
  '',
  'esriSRUnit_Meter',
  'esriSRUnit_Foot',
  'esriSRUnit_Kilometer',
  'esriSRUnit_StatuteMile',
  'esriSRUnit_NauticalMile',
  'esriSRUnit_USNauticalMile',
];
const FORMATS = ['html', 'json', 'pjson', 'geojson'];

function queryControls(layer: Json): Control[] {
  const isLayer = layer.geometryType !== undefined;
  const fieldNames = list(layer.fields)
    .map((field) => String(obj(field).name ?? ''))
    .join(', ');
  const relations = list(layer.supportedSpatialRelationships).map(String);
  return [
    { name: 'where', label: 'Where', kind: 'textarea', hint: 'A SQL where clause, e.g. 1=1.' },
    { name: 'objectIds', label: 'Object IDs', kind: 'text', hint: 'Comma-separated.' },
    ...(isLayer
      ? ([
          { name: 'geometry', label: 'Input Geometry', kind: 'textarea' },
          { name: 'geometryType', label: 'Geometry Type', kind: 'select', options: GEOMETRY_TYPES },
          { name: 'inSR', label: 'Input Spatial Reference', kind: 'text' },
          {
            name: 'spatialRel',
            label: 'Spatial Relationship',
            kind: 'select',
            options: relations.length ? relations : ['esriSpatialRelIntersects'],
          },
          { name: 'distance', label: 'Distance', kind: 'number' },
          { name: 'units', label: 'Units', kind: 'select', options: UNITS },
        ] satisfies Control[])
      : []),
    { name: 'outFields', label: 'Out Fields', kind: 'text', hint: `* or some of: ${fieldNames}.` },
    ...(isLayer
      ? ([
          { name: 'returnGeometry', label: 'Return Geometry', kind: 'boolean', fallback: 'true' },
          { name: 'outSR', label: 'Output Spatial Reference', kind: 'text' },
        ] satisfies Control[])
      : []),
    { name: 'orderByFields', label: 'Order By Fields', kind: 'text' },
    { name: 'groupByFieldsForStatistics', label: 'Group By Fields (for statistics)', kind: 'text' },
    { name: 'outStatistics', label: 'Output Statistics', kind: 'textarea' },
    { name: 'resultOffset', label: 'Result Offset', kind: 'number' },
    { name: 'resultRecordCount', label: 'Result Record Count', kind: 'number' },
    { name: 'returnDistinctValues', label: 'Return Distinct Values', kind: 'boolean' },
    { name: 'returnIdsOnly', label: 'Return IDs Only', kind: 'boolean' },
    { name: 'returnCountOnly', label: 'Return Count Only', kind: 'boolean' },
    ...(isLayer
      ? ([
          { name: 'returnExtentOnly', label: 'Return Extent Only', kind: 'boolean' },
        ] satisfies Control[])
      : []),
    { name: 'f', label: 'Format', kind: 'select', options: FORMATS, fallback: 'html' },
  ];
}

function controlHtml(control: Control, params: Readonly<Record<string, string>>): string {
  const id = `q-${control.name}`;
  const value = params[control.name] ?? control.fallback ?? '';
  const hintId = `${id}-hint`;
  const hint = control.hint ? `<p class="hint" id="${hintId}">${escapeHtml(control.hint)}</p>` : '';
  const described = control.hint ? ` aria-describedby="${hintId}"` : '';
  switch (control.kind) {
    case 'boolean': {
      const current = value.trim().toLowerCase() === 'true' ? 'true' : 'false';
      const radios = ['true', 'false'].map(
        (choice) =>
          `<input type="radio" id="${id}-${choice}" name="${control.name}" value="${choice}"${
            choice === current ? ' checked' : ''
          }> <label for="${id}-${choice}">${choice === 'true' ? 'True' : 'False'}</label>`,
      );
      return `<fieldset class="row"><legend>${escapeHtml(control.label)}</legend>${radios.join(' ')}</fieldset>`;
    }
    case 'select': {
      const options = [...(control.options ?? [])];
      if (value !== '' && !options.includes(value)) options.push(value);
      const items = options.map(
        (option) =>
          `<option value="${escapeHtml(option)}"${option === value ? ' selected' : ''}>${
            option === '' ? '(none)' : escapeHtml(option)
          }</option>`,
      );
      return `<div class="row"><label for="${id}">${escapeHtml(control.label)}</label><select id="${id}" name="${control.name}"${described}>${items.join('')}</select>${hint}</div>`;
    }
    case 'textarea':
      return `<div class="row"><label for="${id}">${escapeHtml(control.label)}</label><textarea id="${id}" name="${control.name}" rows="3"${described}>${escapeHtml(value)}</textarea>${hint}</div>`;
    case 'number':
    case 'text':
      return `<div class="row"><label for="${id}">${escapeHtml(control.label)}</label><input type="${
        control.kind === 'number' ? 'number' : 'text'
      }" id="${id}" name="${control.name}" value="${escapeHtml(value)}"${
        control.kind === 'number' ? ' step="any"' : ''
      }${described}>${hint}</div>`;
  }
}

function featureTable(result: Json): string {
  const fields = list(result.fields).map(obj);
  const features = list(result.features).map(obj);
  const hasGeometry = features.some((feature) => feature.geometry !== undefined);
  const header = [
    ...fields.map((field) => `<th scope="col">${escapeHtml(field.name)}</th>`),
    ...(hasGeometry ? ['<th scope="col">Geometry</th>'] : []),
  ];
  const rows = features.map((feature) => {
    const attributes = obj(feature.attributes);
    const cells = fields.map((field) => {
      const value = attributes[String(field.name)];
      const shown =
        field.type === 'esriFieldTypeDate' && typeof value === 'number' && Number.isFinite(value)
          ? escapeHtml(new Date(value).toISOString())
          : show(value);
      return `<td>${shown}</td>`;
    });
    if (hasGeometry) cells.push(`<td>${show(feature.geometry)}</td>`);
    return `<tr>${cells.join('')}</tr>`;
  });
  return [
    `<p>${escapeHtml(features.length)} feature${features.length === 1 ? '' : 's'}${
      result.exceededTransferLimit === true ? '; more match (page with Result Offset)' : ''
    }.</p>`,
    '<div class="scroll"><table>',
    '<caption>Features</caption>',
    `<thead><tr>${header.join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
  ].join('\n');
}

function resultSection(result: unknown): string {
  if (result === undefined) return '';
  const answer = obj(result);
  const parts: string[] = ['<section aria-labelledby="results">', '<h2 id="results">Results</h2>'];
  if (answer.error !== undefined) parts.push(errorDetails(obj(answer.error)));
  else {
    if (answer.count !== undefined) parts.push(properties([['Count', show(answer.count)]]));
    if (answer.extent !== undefined)
      parts.push(properties([['Extent', extentText(answer.extent)]]));
    if (answer.objectIds !== undefined) {
      const ids = list(answer.objectIds);
      parts.push(
        properties([
          ['Object ID Field', show(answer.objectIdFieldName)],
          ['Object IDs', ids.map((id) => escapeHtml(id)).join(', ')],
        ]),
      );
    }
    if (answer.features !== undefined) parts.push(featureTable(answer));
  }
  parts.push('</section>');
  return parts.join('\n');
}

function renderQuery(layer: Json, context: HtmlContext): string {
  const params = context.params ?? {};
  const controls = queryControls(layer).map((control) => controlHtml(control, params));
  const layerUrl = context.url.replace(/\/query\/?$/, '');
  return [
    `<p>${link(layerUrl, escapeHtml(`Back to ${String(layer.name ?? 'the layer')}`), context.token)}</p>`,
    `<form method="get" action="${escapeHtml(context.url)}" class="query">`,
    ...controls,
    context.token ? `<input type="hidden" name="token" value="${escapeHtml(context.token)}">` : '',
    '<div class="row"><button type="submit">Query (GET)</button></div>',
    '</form>',
    resultSection(context.result),
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function errorDetails(error: Json): string {
  const details = list(error.details).map((detail) => `<li>${escapeHtml(detail)}</li>`);
  return properties([
    ['Code', show(error.code)],
    ['Message', show(error.message)],
    ['Details', details.length ? `<ul>${details.join('')}</ul>` : ''],
  ]);
}

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.45; }
body { margin: 0; }
header { background: #1f3b57; color: #fff; padding-block: 0.5rem; padding-inline: 1rem; }
header a { color: #fff; }
.product { margin: 0; font-weight: 600; }
.crumbs { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem; }
.crumbs li + li::before { content: '>'; padding-inline-end: 0.25rem; }
main { padding-inline: 1rem; padding-block-end: 2rem; max-inline-size: 100rem; }
.formats { margin-block: 0.5rem; }
.properties { display: grid; gap: 0.25rem; }
.properties div { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: 1rem; }
.properties dt { font-weight: 600; }
.properties dd { margin: 0; overflow-wrap: anywhere; }
.none { color: GrayText; font-style: italic; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin-block: 0.5rem 1rem; }
caption { text-align: start; font-weight: 600; padding-block: 0.25rem; }
th, td { border: 1px solid GrayText; padding: 0.25rem 0.5rem; text-align: start; vertical-align: top; }
.codes { margin: 0; padding-inline-start: 1.25rem; }
.value-type { color: GrayText; }
.query .row { margin-block: 0.5rem; }
.query label, .query legend { display: block; font-weight: 600; }
.query fieldset label { display: inline; font-weight: normal; }
.query fieldset { border: 0; padding: 0; margin-inline: 0; }
.query input[type='text'], .query input[type='number'], .query textarea, .query select { inline-size: min(40rem, 100%); font: inherit; }
.hint { margin: 0; color: GrayText; }
a:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, button:focus-visible { outline: 3px solid Highlight; outline-offset: 2px; }
`;

/**
 * Renders one Services Directory page (`f=html`) from the JSON body the same route answers
 * with `f=json`: `services` (the services list), `service` (a FeatureServer), `layers`
 * (all layers and tables), `layer`, `query` (the body is the layer; `context.result` is the
 * query's answer, if one was asked) and `error` (an ArcGIS error envelope).
 */
export function renderHtml(kind: HtmlPageKind, body: unknown, given: HtmlContext): string {
  // `…/FeatureServer/0/` is `…/FeatureServer/0` (the server ignores trailing slashes).
  const context = { ...given, url: given.url.replace(/(.)\/+$/, '$1') };
  const data = obj(body);
  const place = placeOf(context.url);
  const title = context.title ?? pageTitle(kind, body, context.url);
  const token = context.token;
  let content: string;
  switch (kind) {
    case 'services':
      content = renderServices(data, place, token);
      break;
    case 'service':
      content = renderService(data, place.service?.url ?? context.url, token);
      break;
    case 'layers':
      content = renderLayers(data, place, token);
      break;
    case 'layer':
      content = layerSections(data, context.url, place.service?.url, 2, token);
      break;
    case 'query':
      content = renderQuery(data, context);
      break;
    case 'error':
      content = errorDetails(obj(data.error));
      break;
  }
  const json =
    kind === 'error'
      ? ''
      : `<p class="formats">Formats: <a href="${escapeHtml(urlWith(context.url, { f: 'pjson' }, token))}">JSON</a></p>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)} - ArcGIS REST Services Directory</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<p class="product">ArcGIS REST Services Directory</p>',
    breadcrumbs(place, kind, data, token),
    '</header>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    json,
    content,
    '</main>',
    '</body>',
    '</html>',
    '',
  ]
    .filter((line, index, lines) => line !== '' || index === lines.length - 1)
    .join('\n');
}
