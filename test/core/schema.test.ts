import { describe, expect, it } from 'vitest';
import * as core from '../../src/core/index.js';
import { capabilitiesOf, fieldJson, layerJson } from '../../src/core/schema/layer-json.js';
import { LAYERS, RELATIONSHIPS } from '../../src/core/schema/registry-schema.js';
import {
  fieldsInView,
  layersInView,
  operationsInView,
  viewOfService,
} from '../../src/core/schema/views.js';

describe('the registry schema', () => {
  it('is importable from the core entry point without Node or DOM', () => {
    expect(core.LAYERS).toBe(LAYERS);
    expect(typeof core.validateAttributes).toBe('function');
  });

  it('gives every layer an OBJECTID, a GlobalID and editor tracking', () => {
    for (const layer of LAYERS) {
      const names = layer.fields.map((f) => f.name);
      expect(names.slice(0, 2)).toEqual(['OBJECTID', 'GlobalID']);
      expect(names).toEqual(
        expect.arrayContaining(['Creator', 'CreationDate', 'Editor', 'EditDate']),
      );
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    }
  });

  it('labels every coded value in English and Spanish, with unique codes', () => {
    for (const field of LAYERS.flatMap((l) => l.fields)) {
      if (!field.domain) continue;
      const codes = field.domain.values.map((v) => v.code);
      expect(new Set(codes).size).toBe(codes.length);
      for (const value of field.domain.values) {
        expect(value.en.length).toBeGreaterThan(0);
        expect(value.es.length).toBeGreaterThan(0);
      }
    }
  });

  it('collects nothing the program does not need', () => {
    const names = LAYERS.flatMap((l) => l.fields.map((f) => f.name.toLowerCase()));
    for (const banned of ['birth', 'dob', 'password', 'stream', 'rtsp', 'ssn', 'login']) {
      expect(names.filter((n) => n.includes(banned))).toEqual([]);
    }
  });

  it('keeps the public view write-only and the officer view to what officers need', () => {
    for (const layer of layersInView('public'))
      expect(operationsInView(layer, 'public')).toEqual(['create']);
    expect(layersInView('public').map((l) => l.name)).toEqual([
      'Sites',
      'Cameras',
      'ChangeRequests',
    ]);
    const officerSiteFields = fieldsInView(LAYERS[0]!, 'officer').map((f) => f.name);
    expect(officerSiteFields).not.toContain('manage_code_hash');
    expect(officerSiteFields).not.toContain('registration_ref');
    expect(officerSiteFields).toContain('phone');
    expect(operationsInView(LAYERS[3]!, 'officer')).toEqual(['create']);
    expect(operationsInView(LAYERS[3]!, 'source')).toEqual(['query', 'create']);
  });

  it('resolves service names case-insensitively', () => {
    expect(viewOfService('communitycameras_OFFICER')).toBe('officer');
    expect(viewOfService('Other')).toBeUndefined();
  });

  it('writes ArcGIS layer JSON that says exactly what the view may do', () => {
    const publicSites = layerJson(LAYERS[0]!, 'public', { maxRecordCount: 2000 });
    expect(publicSites.capabilities).toBe('Create,Editing');
    expect(
      (publicSites.advancedQueryCapabilities as Record<string, boolean>).supportsPagination,
    ).toBe(false);
    const officerSites = layerJson(LAYERS[0]!, 'officer', { maxRecordCount: 2000 });
    expect(officerSites.capabilities).toBe('Query');
    expect((officerSites.fields as { name: string }[]).map((f) => f.name)).toEqual(
      fieldsInView(LAYERS[0]!, 'officer').map((f) => f.name),
    );
    expect(capabilitiesOf(['query', 'create', 'update', 'delete'])).toBe(
      'Query,Create,Update,Delete,Editing',
    );
    const table = layerJson(LAYERS[2]!, 'officer', { maxRecordCount: 2000 });
    expect(table.type).toBe('Table');
    expect(table.geometryType).toBeUndefined();
  });

  it('describes domains as ArcGIS does, multi-select fields with their coded domain too', () => {
    const siteType = fieldJson(LAYERS[0]!.fields.find((f) => f.name === 'site_type')!);
    expect(siteType).toMatchObject({
      type: 'esriFieldTypeString',
      domain: { type: 'codedValue', name: 'SiteType' },
    });
    const coverage = fieldJson(LAYERS[1]!.fields.find((f) => f.name === 'coverage')!);
    expect(coverage.domain).toMatchObject({ type: 'codedValue', name: 'Coverage' });
    const bearing = fieldJson(LAYERS[1]!.fields.find((f) => f.name === 'view_bearing')!);
    expect(bearing.domain).toEqual({ type: 'range', name: 'view_bearing_range', range: [0, 359] });
  });

  it('relates cameras and contact entries to sites by GlobalID', () => {
    expect(
      RELATIONSHIPS.map((r) => [r.originLayerId, r.destinationLayerId, r.destinationKey]),
    ).toEqual([
      [0, 1, 'site_guid'],
      [0, 2, 'site_guid'],
    ]);
  });
});
