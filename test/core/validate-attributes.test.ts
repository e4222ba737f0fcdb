import { describe, expect, it } from 'vitest';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import { validateAttributes } from '../../src/core/validation/validate-attributes.js';

const site = {
  registration_ref: '7K3M-9QXP-3HTD',
  manage_code_hash: 'a'.repeat(64),
  site_type: 'residence',
  contact_name: 'Ana Ruiz',
  contact_role: 'owner',
  phone: '+18165550134',
  address: '100 S Main St',
  share_willingness: 'yes',
  consent_version: '2026-01',
};

describe('validateAttributes', () => {
  it('accepts a complete public registration and trims text', () => {
    const result = validateAttributes(
      SITES,
      { ...site, contact_name: '  Ana Ruiz ' },
      { view: 'public', mode: 'create' },
    );
    expect(result).toMatchObject({
      ok: true,
      value: { contact_name: 'Ana Ruiz', site_type: 'residence' },
    });
  });

  it('lists every problem by field', () => {
    const result = validateAttributes(
      SITES,
      {
        ...site,
        phone: '816-555',
        email: 'nobody',
        site_type: 'castle',
        contact_name: 'x'.repeat(201),
        address: '',
      },
      { view: 'public', mode: 'create' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { field: 'phone', code: 'INVALID_PHONE' },
        { field: 'email', code: 'INVALID_EMAIL' },
        { field: 'site_type', code: 'NOT_IN_DOMAIN' },
        { field: 'contact_name', code: 'TOO_LONG', limit: [200] },
        { field: 'address', code: 'REQUIRED' },
      ]),
    );
  });

  it('needs a phone or an email, and a business name for businesses', () => {
    const { phone: _phone, ...noContact } = site;
    const result = validateAttributes(
      SITES,
      { ...noContact, site_type: 'business' },
      { view: 'public', mode: 'create' },
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        { field: 'phone', code: 'CONTACT_REQUIRED' },
        { field: 'business_name', code: 'BUSINESS_NAME_REQUIRED' },
      ],
    });
  });

  it('checks the preferred contact can be reached', () => {
    const result = validateAttributes(
      SITES,
      { ...site, preferred_contact: 'email' },
      { view: 'public', mode: 'create' },
    );
    expect(result).toEqual({
      ok: false,
      issues: [{ field: 'preferred_contact', code: 'PREFERRED_CONTACT_MISSING' }],
    });
  });

  it('refuses fields the view does not carry, ignores system fields it does', () => {
    const result = validateAttributes(
      SITES,
      { ...site, status: 'verified', CreationDate: 1 },
      { view: 'public', mode: 'create' },
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        { field: 'status', code: 'UNKNOWN_FIELD' },
        { field: 'CreationDate', code: 'UNKNOWN_FIELD' },
      ],
    });
    const system = validateAttributes(
      SITES,
      { ...site, consent_at: 5 },
      { view: 'source', mode: 'create' },
    );
    expect(system.ok && 'consent_at' in system.value).toBe(false);
  });

  it('checks numbers, ranges, multi-select codes and GUIDs on cameras', () => {
    const camera = {
      site_guid: '{6F9619FF-8B86-D011-B42D-00C04FC964FF}',
      label: 'Porch',
      mount: 'exterior',
      recording_mode: 'motion',
      retention_days: 7,
    };
    expect(
      validateAttributes(
        CAMERAS,
        { ...camera, coverage: 'street,alley' },
        { view: 'public', mode: 'create' },
      ).ok,
    ).toBe(true);
    const bad = validateAttributes(
      CAMERAS,
      {
        ...camera,
        site_guid: 'nope',
        view_bearing: 360,
        fov_deg: 12.5,
        retention_days: '7',
        coverage: 'street,street',
      },
      { view: 'public', mode: 'create' },
    );
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.issues).toHaveLength(5);
    expect(bad).toMatchObject({
      ok: false,
      issues: expect.arrayContaining([
        { field: 'site_guid', code: 'INVALID_FORMAT' },
        { field: 'view_bearing', code: 'OUT_OF_RANGE', limit: [0, 359] },
        { field: 'fov_deg', code: 'WRONG_TYPE' },
        { field: 'retention_days', code: 'WRONG_TYPE' },
        { field: 'coverage', code: 'NOT_IN_DOMAIN' },
      ]),
    });
  });

  it('normalizes GUIDs and references as ArcGIS stores them', () => {
    const result = validateAttributes(
      CAMERAS,
      { site_guid: '6f9619ff-8b86-d011-b42d-00c04fc964ff' },
      { view: 'public', mode: 'patch' },
    );
    expect(result).toEqual({
      ok: true,
      value: { site_guid: '{6F9619FF-8B86-D011-B42D-00C04FC964FF}' },
    });
    const ref = validateAttributes(
      SITES,
      { registration_ref: '7k3m 9qxp 3htd' },
      { view: 'public', mode: 'patch' },
    );
    expect(ref).toEqual({ ok: true, value: { registration_ref: '7K3M-9QXP-3HTD' } });
  });

  it('patch mode checks only what is given', () => {
    expect(
      validateAttributes(SITES, { phone: '+18165550100' }, { view: 'public', mode: 'patch' }),
    ).toEqual({
      ok: true,
      value: { phone: '+18165550100' },
    });
    expect(validateAttributes(SITES, { email: '' }, { view: 'public', mode: 'patch' })).toEqual({
      ok: true,
      value: { email: null },
    });
  });
});
