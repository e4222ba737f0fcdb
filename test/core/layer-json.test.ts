import { describe, expect, it } from 'vitest';
import { LocationMethod, QualityFlag } from '../../src/core/schema/domains.js';
import {
  CROSS_FIELD_RULES,
  fieldJson,
  layerFieldJson,
  layerJson,
  layerRules,
  type ArcgisField,
  type ArcgisTemplate,
} from '../../src/core/schema/layer-json.js';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONTACT_LOG,
  SEARCH_AUDIT,
  SITES,
} from '../../src/core/schema/registry-schema.js';
import type { FieldDef, LayerDef, ViewName } from '../../src/core/schema/schema-types.js';

function fieldsOf(layer: LayerDef, view: ViewName): Map<string, ArcgisField> {
  const body = layerJson(layer, view, { maxRecordCount: 2000 });
  return new Map((body.fields as ArcgisField[]).map((f) => [f.name, f]));
}

function field(layer: LayerDef, name: string): FieldDef {
  return layer.fields.find((f) => f.name === name)!;
}

function description(json: ArcgisField): { value: string; fieldValueType?: string } | undefined {
  return json.description === undefined
    ? undefined
    : (JSON.parse(json.description) as { value: string; fieldValueType?: string });
}

describe('layer JSON fields', () => {
  it('marks what an add requires as not nullable, in the views that add and those that read', () => {
    for (const view of ['public', 'source'] as const) {
      const fields = fieldsOf(SITES, view);
      for (const name of [
        'registration_ref',
        'manage_code_hash',
        'contact_role',
        'share_willingness',
        'consent_version',
        'site_type',
      ]) {
        expect(fields.get(name)?.nullable, `${view} ${name}`).toBe(false);
      }
      expect(fields.get('phone')?.nullable).toBe(true);
    }
    // Officers only read sites, but every add (public and source) requires these.
    const officer = fieldsOf(SITES, 'officer');
    expect(officer.get('contact_role')?.nullable).toBe(false);
    expect(officer.get('business_name')?.nullable).toBe(true);
  });

  it('keeps a required field nullable where some view adds records without it', () => {
    const note: FieldDef = {
      name: 'note',
      type: 'string',
      alias: 'Note',
      length: 10,
      nullable: true,
      editable: true,
      required: true,
      views: { officer: true },
    };
    const layer: LayerDef = {
      ...CONTACT_LOG,
      fields: [...CONTACT_LOG.fields, note],
      access: {
        source: { operations: ['query'] },
        officer: { operations: ['query'] },
        public: { operations: ['create'] },
      },
    };
    expect(layerFieldJson(layer, note, 'officer').nullable).toBe(true);
    expect(layerFieldJson(layer, note, 'public').nullable).toBe(false);
  });

  it('writes length on text fields only', () => {
    const fields = fieldsOf(SITES, 'source');
    expect(fields.get('address')?.length).toBe(255);
    for (const name of ['OBJECTID', 'GlobalID', 'geocode_score', 'consent_at', 'duplicate_of'])
      expect(fields.get(name), name).not.toHaveProperty('length');
  });

  it('advertises coded domains, multi-value ones included, and ranges', () => {
    const flags = fieldJson(field(SITES, 'quality_flags'));
    expect(flags.domain).toEqual({
      type: 'codedValue',
      name: 'QualityFlag',
      codedValues: QualityFlag.values.map((v) => ({ name: v.en, code: v.code })),
    });
    expect(description(flags)?.value).toContain('separated by commas');
    expect(fieldJson(field(CAMERAS, 'view_bearing')).domain).toEqual({
      type: 'range',
      name: 'view_bearing_range',
      range: [0, 359],
    });
    expect(fieldJson(field(SITES, 'address')).domain).toBeNull();
  });

  it('leaves analyst-only codes out of the domains of views that write, not of views that read', () => {
    const codes = (view: ViewName, layer: LayerDef = SITES) => {
      const domain = fieldsOf(layer, view).get('location_method')?.domain;
      return domain?.type === 'codedValue' ? domain.codedValues.map((c) => c.code) : [];
    };
    expect(codes('source')).toEqual(LocationMethod.values.map((v) => v.code));
    expect(codes('public')).not.toContain('analyst_corrected');
    const readOnly: LayerDef = {
      ...SITES,
      fields: SITES.fields.map((f) =>
        f.name === 'location_method' ? { ...f, views: { officer: true } } : f,
      ),
    };
    expect(codes('officer', readOnly)).toContain('analyst_corrected');
  });

  it('describes fields as ArcGIS Online does: words and a value type in a JSON string', () => {
    const fields = fieldsOf(SITES, 'source');
    expect(description(fields.get('email')!)).toEqual({
      value: expect.stringContaining('An e-mail address') as string,
      fieldValueType: 'emailAddress',
    });
    expect(description(fields.get('phone')!)?.fieldValueType).toBe('phoneNumber');
    expect(description(fields.get('registration_ref')!)?.fieldValueType).toBe('uniqueIdentifier');
    expect(description(fields.get('manage_code_hash')!)?.value).toContain('SHA-256');
    expect(description(fields.get('GlobalID')!)).toEqual({
      value: '',
      fieldValueType: 'uniqueIdentifier',
    });
    expect(description(fields.get('CreationDate')!)).toEqual({
      value: 'Set by the server; a value sent is ignored.',
      fieldValueType: 'dateAndTime',
    });
    expect(description(fields.get('site_type')!)?.fieldValueType).toBe('typeOrCategory');
    expect(description(fields.get('confirm_due_at')!)?.value).toContain('plus 365 days');
    expect(description(fields.get('last_confirmed_at')!)?.value).toContain('time of creation');
    expect(description(fields.get('Creator')!)?.fieldValueType).toBeUndefined();
    expect(fields.get('contact_name')).not.toHaveProperty('description');
  });

  it('gives the constant the server stores when a create leaves a field out', () => {
    const fields = fieldsOf(SITES, 'source');
    expect(fields.get('status')?.defaultValue).toBe('pending');
    expect(fields.get('source_channel')?.defaultValue).toBeNull();
    expect(description(fields.get('source_channel')!)?.value).toContain('“web”');
    expect(fields.get('last_confirmed_at')?.defaultValue).toBeNull();
    expect(fieldsOf(CHANGE_REQUESTS, 'source').get('request_status')?.defaultValue).toBe('pending');
    const publicChannel: LayerDef = {
      ...SITES,
      fields: SITES.fields.map((f) =>
        f.name === 'source_channel' ? { ...f, views: { public: true } } : f,
      ),
    };
    expect(fieldsOf(publicChannel, 'public').get('source_channel')?.defaultValue).toBe('web');
  });

  it('describes a field of no layer by itself', () => {
    const own: FieldDef = {
      name: 'score',
      type: 'integer',
      alias: 'Score',
      nullable: true,
      editable: true,
    };
    expect(fieldJson(own)).toEqual({
      name: 'score',
      type: 'esriFieldTypeInteger',
      alias: 'Score',
      sqlType: 'sqlTypeInteger',
      nullable: true,
      editable: true,
      domain: null,
      defaultValue: null,
    });
  });
});

describe('layer JSON rules and templates', () => {
  it('states the rules between fields in the layer description, in the schema’s words', () => {
    const rules = CROSS_FIELD_RULES.filter((r) => r.layer === 'Sites');
    expect(rules.map((r) => r.text)).toEqual([
      'Phone or Email is required: give at least one.',
      'Business name is required unless Site type is “Residence”.',
      'Preferred contact “Phone call” or “Text message” needs a Phone; “Email” needs an Email.',
    ]);
    const sites = layerJson(SITES, 'public', { maxRecordCount: 2000 });
    expect(sites.description).toBe(`${SITES.description} ${layerRules(SITES, 'public')}`);
    const cameras = layerJson(CAMERAS, 'public', { maxRecordCount: 2000 });
    expect(cameras.description).toBe(CAMERAS.description);
  });

  it('gives each layer a view can add to one template, point or table', () => {
    const template = (layer: LayerDef, view: ViewName) =>
      layerJson(layer, view, { maxRecordCount: 2000 }).templates as ArcgisTemplate[];
    const [site] = template(SITES, 'public');
    expect(site?.drawingTool).toBe('esriFeatureEditToolPoint');
    expect(site?.description).toMatch(/^Required: the point location, Registration reference/);
    expect(site?.description).toContain('Phone or Email is required');
    expect(site?.prototype.attributes).toMatchObject({ site_type: null, phone: null });
    expect(site?.prototype.attributes).not.toHaveProperty('status');
    expect(template(SITES, 'source')[0]?.prototype.attributes.status).toBe('pending');
    expect(template(SITES, 'officer')).toEqual([]);
    const [audit] = template(SEARCH_AUDIT, 'officer');
    expect(audit?.drawingTool).toBe('esriFeatureEditToolNone');
    expect(audit?.description).toBe(
      'Required: Case number, Purpose, Incident longitude, Incident latitude, Radius (m).',
    );
    expect(audit?.prototype.attributes).not.toHaveProperty('entry_hash');
  });
});
