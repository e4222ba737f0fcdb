import { describe, expect, it } from 'vitest';
import {
  CAMERAS,
  CHANGE_REQUESTS,
  CONTACT_LOG,
  SITES,
} from '../../src/core/schema/registry-schema.js';
import type { LayerDef, ViewName } from '../../src/core/schema/schema-types.js';
import { fieldsInView } from '../../src/core/schema/views.js';
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

describe('e-mail addresses', () => {
  const email = (value: string) =>
    validateAttributes(SITES, { email: value }, { view: 'public', mode: 'patch' });
  const refused = { ok: false, issues: [{ field: 'email', code: 'INVALID_EMAIL' }] };
  // A domain of `length` characters: labels of at most 63 characters, each with its dot, then
  // `com`.
  const domain = (length: number) => {
    let text = '';
    for (let left = length - 'com'.length; left > 0; left = length - 'com'.length - text.length) {
      text += `${'d'.repeat(Math.min(63, left - 1))}.`;
    }
    return `${text}com`;
  };

  it('accepts ordinary addresses as typed', () => {
    for (const value of [
      'x@b.co',
      'robin.example+cameras@mail.example.org',
      'A.B_c%d+e-f@sub-1.Example.ORG',
      '7@9.io',
    ]) {
      expect(email(value), value).toEqual({ ok: true, value: { email: value } });
    }
  });

  it('refuses anything a mailto: link would read as more than an address', () => {
    for (const value of [
      'x@b.com?subject=Footage&body=Send%20it',
      'x@b.com?cc=y@c.com',
      'x@b.com&body=hi',
      'x@b.com,y@c.com',
      'x@b.com;y@c.com',
      'x y@b.com',
      'x@b.com y',
      '"x"@b.com',
      "x'y@b.com",
      '<x@b.com>',
      'x@b.com>',
      'x(comment)@b.com',
      'x@[127.0.0.1]',
      'x\\y@b.com',
      'x:y@b.com',
      'x#y@b.com',
      'x!y@b.com',
      'x/y@b.com',
      'x=y@b.com',
      'maría@b.com',
      'x@bü.com',
      'x@@b.com',
      'x@y@b.com',
      '@b.com',
      'x@',
      'x',
    ]) {
      expect(email(value), value).toEqual(refused);
    }
  });

  it('refuses leading, trailing and double dots, and malformed domains', () => {
    for (const value of [
      '.x@b.com',
      'x.@b.com',
      'x..y@b.com',
      'x@.b.com',
      'x@b..com',
      'x@b.com.',
      'x@b',
      'x@b.c',
      'x@b.c0m',
      'x@b.co-m',
      'x@-b.com',
      'x@b-.com',
      'x@b_c.com',
    ]) {
      expect(email(value), value).toEqual(refused);
    }
  });

  it('takes local parts up to 64 characters and domain labels up to 63', () => {
    expect(email(`${'a'.repeat(63)}@b.com`).ok).toBe(true);
    expect(email(`${'a'.repeat(64)}@b.com`).ok).toBe(true);
    expect(email(`${'a'.repeat(65)}@b.com`)).toEqual(refused);
    expect(email(`x@${'b'.repeat(62)}.com`).ok).toBe(true);
    expect(email(`x@${'b'.repeat(63)}.com`).ok).toBe(true);
    expect(email(`x@${'b'.repeat(64)}.com`)).toEqual(refused);
  });

  it('takes addresses up to 254 characters in all', () => {
    const local = 'a'.repeat(64);
    for (const length of [253, 254]) {
      const value = `${local}@${domain(length - 65)}`;
      expect(value).toHaveLength(length);
      expect(email(value), String(length)).toEqual({ ok: true, value: { email: value } });
    }
    const tooLong = `${local}@${domain(255 - 65)}`;
    expect(tooLong).toHaveLength(255);
    expect(email(tooLong)).toEqual({
      ok: false,
      issues: [{ field: 'email', code: 'TOO_LONG', limit: [254] }],
    });
  });
});

describe('hidden characters', () => {
  const HIDDEN = [
    ...['\u202A', '\u202B', '\u202C', '\u202D', '\u202E'],
    ...['\u2066', '\u2067', '\u2068', '\u2069'],
    ...['\u200E', '\u200F', '\u061C'],
    // Other invisible format controls: zero-width space, word joiner, BOM, soft hyphen,
    // Mongolian vowel separator, invisible operators, a tag character.
    ...['\u200B', '\u2060', '\uFEFF', '\u00AD', '\u180E', '\u2062', '\u{E0041}'],
    // Control characters other than tab and line breaks, and a lone surrogate.
    ...['\u0000', '\u0007', '\u001B', '\u007F', '\u0085', '\uD800'],
  ];

  it('refuses each of them in text, never stripping it', () => {
    for (const hidden of HIDDEN) {
      const name = `Robin ${hidden}Example`;
      const label = JSON.stringify(hidden);
      expect(
        validateAttributes(
          SITES,
          { ...site, contact_name: name },
          { view: 'public', mode: 'create' },
        ),
        label,
      ).toEqual({ ok: false, issues: [{ field: 'contact_name', code: 'INVALID_FORMAT' }] });
    }
  });

  it('refuses them in every string field and every view, coded and formatted fields included', () => {
    const checks: [LayerDef, Record<string, unknown>, ViewName][] = [
      [SITES, { business_name: 'Corner\u202E Market' }, 'source'],
      [SITES, { email: 'x\u200E@b.com' }, 'public'],
      [SITES, { phone: '+18165550188\u2069' }, 'public'],
      [SITES, { site_type: '\u2066residence' }, 'public'],
      [SITES, { registration_ref: '7K3M-9QXP-3HTD\u200B' }, 'public'],
      [CAMERAS, { label: 'Porch\u061C' }, 'public'],
      [CONTACT_LOG, { follow_up: 'Call back \u2067Monday\u2069' }, 'officer'],
      [CONTACT_LOG, { case_number: '26-\u202D000123' }, 'officer'],
      [CHANGE_REQUESTS, { payload: '{"site":{"unit":"\u202EApt 2"}}' }, 'public'],
    ];
    for (const [layer, attributes, view] of checks) {
      const [field] = Object.keys(attributes);
      expect(validateAttributes(layer, attributes, { view, mode: 'patch' }), field).toEqual({
        ok: false,
        issues: [{ field, code: 'INVALID_FORMAT' }],
      });
    }
  });

  it('keeps what scripts and emoji need: ZWJ, ZWNJ, tabs and line breaks', () => {
    for (const text of [
      'می\u200Cخواهم',
      'क्\u200Dष',
      'Front door 👨\u200D👩\u200D👧',
      'Call back\nMonday',
      'Call\tback\r\nMonday',
    ]) {
      expect(
        validateAttributes(CONTACT_LOG, { follow_up: text }, { view: 'officer', mode: 'patch' }),
        JSON.stringify(text),
      ).toEqual({ ok: true, value: { follow_up: text } });
    }
  });
});

describe('analyst-only values', () => {
  it('refuses location_method=analyst_corrected outside the source service', () => {
    for (const mode of ['create', 'patch'] as const) {
      expect(
        validateAttributes(
          SITES,
          { ...site, location_method: 'analyst_corrected' },
          { view: 'public', mode },
        ),
      ).toEqual({ ok: false, issues: [{ field: 'location_method', code: 'NOT_EDITABLE' }] });
    }
    expect(
      validateAttributes(
        SITES,
        { location_method: 'analyst_corrected' },
        { view: 'source', mode: 'patch' },
      ),
    ).toEqual({ ok: true, value: { location_method: 'analyst_corrected' } });
    for (const method of ['geocoded', 'pin_adjusted']) {
      expect(
        validateAttributes(SITES, { location_method: method }, { view: 'public', mode: 'patch' }),
      ).toEqual({ ok: true, value: { location_method: method } });
    }
  });

  it('leaves every other analyst-only fact out of the public view', () => {
    const publicFields = new Set(fieldsInView(SITES, 'public').map((field) => field.name));
    for (const name of [
      'status',
      'verified_by',
      'verified_at',
      'source_channel',
      'quality_flags',
      'duplicate_of',
      'district',
      'beat',
      'last_confirmed_at',
      'confirm_due_at',
      'consent_at',
    ]) {
      expect(publicFields.has(name), name).toBe(false);
    }
    expect(fieldsInView(CAMERAS, 'public').some((field) => field.name === 'status')).toBe(false);
  });
});

describe('updates', () => {
  it('may not blank a field a create must give', () => {
    const result = validateAttributes(
      SITES,
      { site_type: null, contact_role: '', contact_name: '  ' },
      { view: 'source', mode: 'patch' },
    );
    expect(result).toMatchObject({ ok: false });
    const fields = result.ok ? [] : result.issues.map((i) => `${i.field}:${i.code}`).sort();
    expect(fields).toEqual([
      'contact_name:REQUIRED',
      'contact_role:REQUIRED',
      'site_type:REQUIRED',
    ]);
    expect(
      validateAttributes(SITES, { unit: null }, { view: 'source', mode: 'patch' }),
    ).toMatchObject({ ok: true });
  });
});

describe('registration references', () => {
  it('keep their characters on Sites (look-alikes refused), are read tolerantly on ChangeRequests', () => {
    const canonical = 'QG1S-AB2C-D3EF';
    for (const typed of [canonical, 'qg1s-ab2c-d3ef', 'QG1SAB2CD3EF', 'qg1s ab2c d3ef']) {
      expect(
        validateAttributes(SITES, { registration_ref: typed }, { view: 'source', mode: 'patch' }),
      ).toEqual({ ok: true, value: { registration_ref: canonical } });
    }
    for (const typed of ['QGIS-AB2C-D3EF', 'qgis-ab2c-d3ef', 'QG1S-AB2C-D3EL', 'QG1S-AB2C-DOEF']) {
      expect(
        validateAttributes(SITES, { registration_ref: typed }, { view: 'source', mode: 'patch' }),
      ).toEqual({ ok: false, issues: [{ field: 'registration_ref', code: 'INVALID_FORMAT' }] });
    }
    expect(
      validateAttributes(
        CHANGE_REQUESTS,
        { registration_ref: 'qgis-ab2c-d3ef', manage_code: 'x', request_type: 'reconfirm' },
        { view: 'public', mode: 'create' },
      ),
    ).toMatchObject({ ok: true, value: { registration_ref: canonical } });
  });
});
