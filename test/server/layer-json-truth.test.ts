/**
 * The layer JSON each view serves tells the truth about what `validateAttributes` accepts:
 * a field an add cannot leave out is `nullable: false`, every domain, range and length the
 * validator checks is advertised, rules between fields are stated in words, and the
 * template's prototype is what the server would store.
 * https://developers.arcgis.com/rest/services-reference/enterprise/layer-feature-service/
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CROSS_FIELD_RULES,
  type ArcgisField,
  type ArcgisTemplate,
} from '../../src/core/schema/layer-json.js';
import { LAYERS } from '../../src/core/schema/registry-schema.js';
import type { FieldDef, LayerDef, ViewName } from '../../src/core/schema/schema-types.js';
import { operationsInView, SERVICE_OF_VIEW } from '../../src/core/schema/views.js';
import { formatReference } from '../../src/core/registration/registration-codes.js';
import {
  IssueCode,
  validateAttributes,
  type ValidationIssue,
} from '../../src/core/validation/validate-attributes.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface LayerBody {
  name: string;
  description: string;
  fields: ArcgisField[];
  templates: ArcgisTemplate[];
  types: unknown[];
}

type Attributes = Record<string, string | number | null>;

const VIEWS: readonly ViewName[] = ['source', 'public', 'officer'];
/** Who reads each view's layer JSON in these tests. */
const READER: Readonly<Record<ViewName, string | undefined>> = {
  public: undefined,
  officer: 'officer1',
  source: 'analyst1',
};

let server: TestServer;
const served = new Map<string, LayerBody>();
const tokens = new Map<string, string>();

function key(view: ViewName, layer: LayerDef): string {
  return `${view}/${layer.name}`;
}

beforeAll(async () => {
  server = await startTestServer({ sites: 0 });
  for (const username of ['officer1', 'analyst1'])
    tokens.set(username, await server.token(username));
  for (const view of VIEWS) {
    for (const layer of LAYERS) {
      if (operationsInView(layer, view).length === 0) continue;
      const params = new URLSearchParams({ f: 'json' });
      const reader = READER[view];
      if (reader) params.set('token', tokens.get(reader)!);
      const response = await fetch(
        `${server.service(SERVICE_OF_VIEW[view])}/${layer.id}?${params}`,
      );
      served.set(key(view, layer), (await response.json()) as LayerBody);
    }
  }
});
afterAll(() => server?.close());

/** Every (view, layer) the service answers, with its served JSON. */
function described(): { view: ViewName; layer: LayerDef; body: LayerBody }[] {
  return VIEWS.flatMap((view) =>
    LAYERS.filter((layer) => operationsInView(layer, view).length > 0).map((layer) => ({
      view,
      layer,
      body: served.get(key(view, layer))!,
    })),
  );
}

const creating = () => described().filter(({ view, layer }) => canCreate(layer, view));

function canCreate(layer: LayerDef, view: ViewName): boolean {
  return operationsInView(layer, view).includes('create');
}

function schemaField(layer: LayerDef, name: string): FieldDef {
  const field = layer.fields.find((f) => f.name === name);
  if (!field) throw new Error(`${layer.name}.${name} is not in the schema`);
  return field;
}

/** A value the validator should accept for the field, chosen from what the JSON advertises. */
function sample(layer: LayerDef, field: ArcgisField): string | number {
  if (field.domain?.type === 'codedValue') return field.domain.codedValues[0]!.code;
  if (field.domain?.type === 'range') return field.domain.range[0];
  switch (schemaField(layer, field.name).format) {
    case 'email':
      return 'resident@example.org';
    case 'e164':
      return '+18165550188';
    case 'sha256':
      return 'a'.repeat(64);
    case 'reference':
      return formatReference(randomBytes(8));
    case undefined:
      break;
  }
  switch (field.type) {
    case 'esriFieldTypeGUID':
      return '{6F9619FF-8B86-D011-B42D-00C04FC964FF}';
    case 'esriFieldTypeDate':
      return Date.UTC(2026, 0, 15);
    case 'esriFieldTypeDouble':
      return 1.5;
    case 'esriFieldTypeString':
      return 'x';
    default:
      return 1;
  }
}

/** A complete record every field of which holds an advertised, valid value. */
function fullRecord(layer: LayerDef, body: LayerBody): Attributes {
  return Object.fromEntries(
    body.fields.filter((f) => f.editable).map((f) => [f.name, sample(layer, f)]),
  );
}

function issuesOf(
  layer: LayerDef,
  view: ViewName,
  attributes: Attributes,
  mode: 'create' | 'patch' = 'create',
): readonly ValidationIssue[] {
  const result = validateAttributes(layer, attributes, { view, mode });
  return result.ok ? [] : result.issues;
}

function words(field: ArcgisField): string {
  if (field.description === undefined) return '';
  return (JSON.parse(field.description) as { value: string }).value;
}

/** Each editable field at each value worth trying: left out, or each advertised code. */
function variants(body: LayerBody): { name: string; value: string | number | undefined }[] {
  return body.fields
    .filter((f) => f.editable)
    .flatMap((f) => [
      { name: f.name, value: undefined },
      ...(f.domain?.type === 'codedValue'
        ? f.domain.codedValues.map((c) => ({ name: f.name, value: c.code }))
        : []),
    ]);
}

describe('layer JSON against the validator', () => {
  it('serves every view it describes', () => {
    for (const { view, layer, body } of described()) {
      expect(body.name, `${view}/${layer.name}`).toBe(layer.name);
    }
  });

  it('builds a valid record from what each creating view advertises', () => {
    for (const { view, layer, body } of creating()) {
      expect(issuesOf(layer, view, fullRecord(layer, body)), `${view}/${layer.name}`).toEqual([]);
    }
  });

  it('says nullable: false exactly for the fields an add cannot leave out', () => {
    for (const { view, layer, body } of creating()) {
      const full = fullRecord(layer, body);
      for (const field of body.fields.filter((f) => f.editable)) {
        const { [field.name]: _left, ...without } = full;
        const refused = issuesOf(layer, view, without).some(
          (i) => i.field === field.name && i.code === IssueCode.Required,
        );
        expect(field.nullable, `${view}/${layer.name}.${field.name}`).toBe(!refused);
        // A blank value is no value.
        const blank = issuesOf(layer, view, { ...full, [field.name]: '' }).some(
          (i) => i.field === field.name && i.code === IssueCode.Required,
        );
        expect(blank, `${view}/${layer.name}.${field.name} blank`).toBe(refused);
      }
    }
  });

  it('keeps a field every add requires non-nullable in views that only read', () => {
    for (const { view, layer, body } of described()) {
      if (canCreate(layer, view)) continue;
      for (const field of body.fields) {
        const creators = creating().filter((c) => c.layer === layer);
        const requiredEverywhere =
          creators.length > 0 &&
          creators.every((c) => c.body.fields.some((f) => f.name === field.name && !f.nullable));
        if (requiredEverywhere)
          expect(field.nullable, `${view}/${layer.name}.${field.name}`).toBe(false);
      }
    }
  });

  it('explains every refusal of a pair of changes: a non-nullable field or a stated rule', () => {
    for (const { view, layer, body } of creating()) {
      const full = fullRecord(layer, body);
      const byName = new Map(body.fields.map((f) => [f.name, f]));
      const tried = variants(body);
      const seen = new Set<string>();
      for (const first of tried) {
        for (const second of tried) {
          if (first.name === second.name) continue;
          const record: Attributes = { ...full };
          for (const change of [first, second]) {
            if (change.value === undefined) delete record[change.name];
            else record[change.name] = change.value;
          }
          for (const issue of issuesOf(layer, view, record)) {
            const where = `${view}/${layer.name} with ${first.name}=${String(first.value)}, ${second.name}=${String(second.value)}: ${issue.field} ${issue.code}`;
            if (issue.code === IssueCode.Required) {
              expect(byName.get(issue.field)?.nullable, where).toBe(false);
              continue;
            }
            // Anything else must be a rule between fields, stated for this layer.
            const rule = CROSS_FIELD_RULES.find(
              (r) => r.layer === layer.name && r.code === issue.code,
            );
            expect(rule, where).toBeDefined();
            expect(rule!.fields, where).toContain(issue.field);
            seen.add(issue.code);
          }
        }
      }
      // Each rule of the layer is stated in the layer's description and on its fields.
      for (const rule of CROSS_FIELD_RULES.filter((r) => r.layer === layer.name)) {
        expect(seen, `${view}/${layer.name} never broke ${rule.code}`).toContain(rule.code);
        expect(body.description, `${view}/${layer.name}`).toContain(rule.text);
        for (const name of rule.fields) expect(words(byName.get(name)!)).toContain(rule.text);
      }
    }
  });

  it('advertises exactly the codes each writing view accepts', () => {
    for (const { view, layer, body } of creating()) {
      const full = fullRecord(layer, body);
      for (const field of body.fields.filter(
        (f) => f.editable && f.type === 'esriFieldTypeString',
      )) {
        const where = `${view}/${layer.name}.${field.name}`;
        const made = issuesOf(layer, view, { ...full, [field.name]: 'zz_no_such_code' }, 'patch');
        const checksDomain = made.some((i) => i.code === IssueCode.NotInDomain);
        expect(field.domain?.type === 'codedValue', where).toBe(checksDomain);
        if (field.domain?.type !== 'codedValue') continue;
        const advertised = field.domain.codedValues.map((c) => c.code);
        for (const value of schemaField(layer, field.name).domain?.values ?? []) {
          const accepted =
            issuesOf(layer, view, { [field.name]: value.code }, 'patch').length === 0;
          expect(accepted, `${where} ${value.code}`).toBe(advertised.includes(value.code));
        }
        // A multi-value field takes several codes; its description says how.
        const several = advertised.slice(0, 2).join(',');
        const multi = issuesOf(layer, view, { [field.name]: several }, 'patch').length === 0;
        expect(words(field).includes('comma'), where).toBe(multi);
      }
    }
  });

  it('advertises the range and the length the validator checks', () => {
    for (const { view, layer, body } of creating()) {
      for (const field of body.fields.filter((f) => f.editable)) {
        const where = `${view}/${layer.name}.${field.name}`;
        const check = (value: string | number) =>
          issuesOf(layer, view, { [field.name]: value }, 'patch').map((i) => i.code);
        if (field.type === 'esriFieldTypeString') {
          expect(field.length, where).toBeGreaterThan(0);
          expect(check('x'.repeat(field.length! + 1)), where).toContain(IssueCode.TooLong);
          expect(check('x'.repeat(field.length!)), where).not.toContain(IssueCode.TooLong);
          continue;
        }
        expect(field, where).not.toHaveProperty('length');
        if (field.type === 'esriFieldTypeGUID' || field.type === 'esriFieldTypeDate') continue;
        const ranged = check(1e12).includes(IssueCode.OutOfRange);
        expect(field.domain?.type === 'range', where).toBe(ranged);
        if (field.domain?.type !== 'range') continue;
        const [min, max] = field.domain.range;
        const step = field.type === 'esriFieldTypeDouble' ? 0.001 : 1;
        expect(check(min), where).toEqual([]);
        expect(check(max), where).toEqual([]);
        expect(check(min - step), where).toContain(IssueCode.OutOfRange);
        expect(check(max + step), where).toContain(IssueCode.OutOfRange);
      }
    }
  });

  it('writes no length on fields that are not text, in every view', () => {
    for (const { body } of described()) {
      for (const field of body.fields) {
        if (field.type !== 'esriFieldTypeString') expect(field).not.toHaveProperty('length');
      }
    }
  });

  it('gives field descriptions as ArcGIS Online does: a JSON string with value and value type', () => {
    for (const { body } of described()) {
      for (const field of body.fields) {
        if (field.description === undefined) continue;
        const parsed = JSON.parse(field.description) as Record<string, unknown>;
        expect(typeof parsed.value).toBe('string');
        if ('fieldValueType' in parsed) expect(typeof parsed.fieldValueType).toBe('string');
      }
    }
  });
});

describe('templates', () => {
  it('give each creating view one prototype of every editable field at its default', () => {
    for (const { view, layer, body } of described()) {
      const where = `${view}/${layer.name}`;
      if (!canCreate(layer, view)) {
        expect(body.templates, where).toEqual([]);
        continue;
      }
      expect(body.types, where).toEqual([]);
      expect(body.templates, where).toHaveLength(1);
      const editable = body.fields.filter((f) => f.editable);
      expect(body.templates[0]!.prototype.attributes, where).toEqual(
        Object.fromEntries(editable.map((f) => [f.name, f.defaultValue])),
      );
      for (const field of editable.filter((f) => !f.nullable)) {
        expect(body.templates[0]!.description, where).toContain(field.alias);
      }
    }
  });

  it('start an add the server accepts, and the defaults are what the server stores', async () => {
    const sites = LAYERS[0]!;
    const body = served.get(key('source', sites))!;
    const prototype = body.templates[0]!.prototype.attributes;
    const defaults = Object.entries(prototype).filter(([, value]) => value !== null);
    expect(defaults.length).toBeGreaterThan(0);
    const filled = fullRecord(sites, body);
    // From the prototype, with a value for every field it leaves empty.
    const fromPrototype = Object.fromEntries(
      Object.entries(prototype).map(([name, value]) => [name, value ?? filled[name]!]),
    );
    // Leaving out every field that has a default: the server fills it in.
    const leftOut = Object.fromEntries(
      Object.entries(fromPrototype).filter(([name]) => prototype[name] === null),
    );
    leftOut.registration_ref = formatReference(randomBytes(8));
    const url = server.service(SERVICE_OF_VIEW.source);
    const token = tokens.get('analyst1')!;
    const response = await fetch(`${url}/0/applyEdits`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        f: 'json',
        token,
        adds: JSON.stringify(
          [fromPrototype, leftOut].map((attributes) => ({
            geometry: { x: -94.41, y: 39.09 },
            attributes,
          })),
        ),
      }),
    });
    const added = (await response.json()) as {
      addResults: { objectId: number; success: boolean }[];
    };
    expect(added.addResults.map((r) => r.success)).toEqual([true, true]);
    const query = new URLSearchParams({
      f: 'json',
      token,
      objectIds: String(added.addResults[1]!.objectId),
      outFields: defaults.map(([name]) => name).join(','),
    });
    const stored = (await (await fetch(`${url}/0/query?${query}`)).json()) as {
      features: { attributes: Attributes }[];
    };
    expect(stored.features[0]!.attributes).toEqual(Object.fromEntries(defaults));
  });
});
