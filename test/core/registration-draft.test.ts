import { describe, expect, it } from 'vitest';
import { validateChangePayload } from '../../src/core/registration/change-request.js';
import {
  buildRegistrationEdits,
  buildUpdatePayload,
  EMPTY_SITE_DRAFT,
  newCameraDraft,
  siteAttributesOf,
  toGlobalId,
  validateCameraDrafts,
  validateSiteDraft,
  type CameraDraft,
  type SiteDraft,
  type SiteLocation,
} from '../../src/core/registration/registration-draft.js';

const SITE: SiteDraft = {
  ...EMPTY_SITE_DRAFT,
  site_type: 'residence',
  contact_name: 'Ana Ruiz',
  contact_role: 'owner',
  phone: '(816) 555-0134',
  preferred_contact: 'sms',
  preferred_language: 'es',
  best_hours: 'evening',
  share_willingness: 'yes',
  address: '1200 E White Oak St, Independence, MO 64050',
};
const LOCATION: SiteLocation = {
  point: { x: -94.401738, y: 39.100218 },
  method: 'geocoded',
  score: 100,
};
const CAMERA: CameraDraft = {
  ...newCameraDraft('{11111111-2222-4333-8444-555555555555}', 'Front door'),
  mount: 'exterior',
  form: 'doorbell',
  view_bearing: 180,
  fov_deg: '160',
  coverage: ['street', 'sidewalk'],
  recording_mode: 'motion',
  retention_days: '30',
  can_export: 'yes_file',
};
const SITE_GUID = '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}';
const HASH = 'a'.repeat(64);

describe('toGlobalId', () => {
  it('wraps a UUID in braces, upper case', () => {
    expect(toGlobalId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(
      '{0F8FAD5B-D9CB-469F-A165-70867728950E}',
    );
  });
  it('refuses anything else', () => {
    expect(() => toGlobalId('not-a-uuid')).toThrow(RangeError);
  });
});

describe('validateSiteDraft', () => {
  it('accepts a complete residence', () => {
    expect(validateSiteDraft(SITE, LOCATION)).toEqual([]);
  });

  it('lists every problem in form order, required fields first', () => {
    const issues = validateSiteDraft(EMPTY_SITE_DRAFT, null);
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['site_type', 'REQUIRED'],
      ['contact_name', 'REQUIRED'],
      ['contact_role', 'REQUIRED'],
      ['phone', 'CONTACT_REQUIRED'],
      ['share_willingness', 'REQUIRED'],
      ['address', 'REQUIRED'],
    ]);
  });

  it('asks for a located address when text was typed but not found', () => {
    expect(validateSiteDraft(SITE, null)).toEqual([
      { field: 'address', code: 'LOCATION_REQUIRED' },
    ]);
  });

  it('names a phone it cannot read', () => {
    expect(validateSiteDraft({ ...SITE, phone: '555-0134' }, LOCATION)).toEqual([
      { field: 'phone', code: 'INVALID_PHONE' },
    ]);
  });

  it('accepts an email instead of a phone, and checks the preferred contact', () => {
    const emailOnly = { ...SITE, phone: '', email: 'ana@example.org', preferred_contact: 'email' };
    expect(validateSiteDraft(emailOnly, LOCATION)).toEqual([]);
    expect(validateSiteDraft({ ...emailOnly, preferred_contact: 'sms' }, LOCATION)).toEqual([
      { field: 'preferred_contact', code: 'PREFERRED_CONTACT_MISSING' },
    ]);
    expect(validateSiteDraft({ ...emailOnly, email: 'ana@' }, LOCATION)).toEqual([
      { field: 'email', code: 'INVALID_EMAIL' },
    ]);
  });

  it('needs a business name for anything but a residence', () => {
    expect(validateSiteDraft({ ...SITE, site_type: 'business' }, LOCATION)).toEqual([
      { field: 'business_name', code: 'BUSINESS_NAME_REQUIRED' },
    ]);
    const business = { ...SITE, site_type: 'business', business_name: 'Corner Deli' };
    expect(validateSiteDraft(business, LOCATION)).toEqual([]);
  });

  it('reports lengths with their limit', () => {
    expect(validateSiteDraft({ ...SITE, contact_name: 'x'.repeat(201) }, LOCATION)).toEqual([
      { field: 'contact_name', code: 'TOO_LONG', limit: [200] },
    ]);
  });
});

describe('siteAttributesOf', () => {
  it('stores the phone in E.164 and trims text', () => {
    const attributes = siteAttributesOf({ ...SITE, contact_name: '  Ana Ruiz ' });
    expect(attributes.phone).toBe('+18165550134');
    expect(attributes.contact_name).toBe('Ana Ruiz');
  });
  it('drops a business name left over when the site is a residence', () => {
    expect(siteAttributesOf({ ...SITE, business_name: 'Old' }).business_name).toBe('');
  });
});

describe('validateCameraDrafts', () => {
  it('accepts a complete camera and a minimal one', () => {
    const minimal = {
      ...newCameraDraft('{11111111-2222-4333-8444-555555555556}', 'Back'),
      mount: 'interior_facing_out',
      recording_mode: 'continuous',
      retention_days: '7',
    };
    expect(validateCameraDrafts([CAMERA, minimal])).toEqual([]);
  });

  it('names problems per camera, in form order', () => {
    const blank = newCameraDraft('{11111111-2222-4333-8444-555555555557}', '');
    const issues = validateCameraDrafts([
      CAMERA,
      { ...blank, fov_deg: '400', retention_days: 'x' },
    ]);
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['cameras[1].label', 'REQUIRED'],
      ['cameras[1].mount', 'REQUIRED'],
      ['cameras[1].fov_deg', 'OUT_OF_RANGE'],
      ['cameras[1].recording_mode', 'REQUIRED'],
      ['cameras[1].retention_days', 'WRONG_TYPE'],
    ]);
  });

  it('needs at least one camera', () => {
    expect(validateCameraDrafts([])).toEqual([
      { field: 'cameras', code: 'OUT_OF_RANGE', limit: [1, 50] },
    ]);
  });
});

describe('buildRegistrationEdits', () => {
  const submission = {
    site: SITE,
    location: LOCATION,
    cameras: [
      CAMERA,
      {
        ...CAMERA,
        key: '{11111111-2222-4333-8444-555555555558}',
        label: 'Drive',
        position: { x: -94.4018, y: 39.1003 },
      },
    ],
    siteGlobalId: SITE_GUID,
    registrationRef: '7K3M-9QXP-3HTD',
    manageCodeHash: HASH,
    consentVersion: '2026-01',
  };

  it('builds one site and its cameras, linked by the client GlobalID', () => {
    const result = buildRegistrationEdits(submission);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [sites, cameras] = result.edits;
    expect(sites?.id).toBe(0);
    expect(sites?.adds).toEqual([
      {
        geometry: { x: -94.401738, y: 39.100218, spatialReference: { wkid: 4326 } },
        attributes: {
          GlobalID: SITE_GUID,
          registration_ref: '7K3M-9QXP-3HTD',
          manage_code_hash: HASH,
          consent_version: '2026-01',
          location_method: 'geocoded',
          geocode_score: 100,
          site_type: 'residence',
          business_name: null,
          contact_name: 'Ana Ruiz',
          contact_role: 'owner',
          phone: '+18165550134',
          email: null,
          preferred_contact: 'sms',
          preferred_language: 'es',
          best_hours: 'evening',
          share_willingness: 'yes',
          address: '1200 E White Oak St, Independence, MO 64050',
          unit: null,
        },
      },
    ]);
    expect(cameras?.id).toBe(1);
    expect(cameras?.adds.map((a) => a.attributes.site_guid)).toEqual([SITE_GUID, SITE_GUID]);
    expect(cameras?.adds[0]).toEqual({
      geometry: { x: -94.401738, y: 39.100218, spatialReference: { wkid: 4326 } },
      attributes: {
        GlobalID: CAMERA.key,
        site_guid: SITE_GUID,
        label: 'Front door',
        mount: 'exterior',
        form: 'doorbell',
        view_bearing: 180,
        fov_deg: 160,
        coverage: 'street,sidewalk',
        recording_mode: 'motion',
        retention_days: 30,
        can_export: 'yes_file',
      },
    });
    // A moved camera keeps its own point.
    expect(cameras?.adds[1]?.geometry).toEqual({
      x: -94.4018,
      y: 39.1003,
      spatialReference: { wkid: 4326 },
    });
  });

  it('refuses an incomplete registration with every problem', () => {
    const result = buildRegistrationEdits({
      ...submission,
      location: null,
      registrationRef: 'bad',
      cameras: [],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.field, i.code])).toEqual([
      ['address', 'LOCATION_REQUIRED'],
      ['cameras', 'OUT_OF_RANGE'],
      ['registration_ref', 'INVALID_FORMAT'],
    ]);
  });
});

describe('buildRegistrationEdits with a malformed site GlobalID', () => {
  it('refuses to attach the cameras', () => {
    const result = buildRegistrationEdits({
      site: SITE,
      location: LOCATION,
      cameras: [CAMERA],
      siteGlobalId: 'not-a-guid',
      registrationRef: '7K3M-9QXP-3HTD',
      manageCodeHash: HASH,
      consentVersion: '2026-01',
    });
    expect(result).toEqual({ ok: false, issues: [{ field: 'site_guid', code: 'INVALID_FORMAT' }] });
  });
});

describe('buildUpdatePayload', () => {
  it('carries only the contact fields that were typed', () => {
    const payload = buildUpdatePayload({
      contact: { contact_name: ' ', phone: '816.555.0199', best_hours: 'morning' },
    });
    expect(payload).toEqual({ site: { phone: '+18165550199', best_hours: 'morning' } });
    expect(validateChangePayload(payload).ok).toBe(true);
  });

  it('restates the cameras at the site point unless moved', () => {
    const site = { x: -94.4, y: 39.1 };
    const moved = { ...CAMERA, key: 'k2', position: { x: -94.41, y: 39.11 } };
    const payload = buildUpdatePayload({ contact: {}, cameras: { list: [CAMERA, moved], site } });
    expect(payload.site).toBeUndefined();
    expect(payload.cameras?.map((c) => c.location)).toEqual([site, moved.position]);
    expect(payload.cameras?.[0]?.attributes).toMatchObject({
      fov_deg: 160,
      coverage: 'street,sidewalk',
    });
    const checked = validateChangePayload(payload);
    expect(checked.ok).toBe(true);
  });

  it('leaves bad input for validateChangePayload to name', () => {
    const payload = buildUpdatePayload({
      contact: { phone: '555' },
      cameras: { list: [{ ...CAMERA, retention_days: 'lots' }], site: { x: -94.4, y: 39.1 } },
    });
    const checked = validateChangePayload(payload);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((i) => [i.field, i.code])).toEqual([
      ['phone', 'INVALID_PHONE'],
      ['cameras[0].retention_days', 'WRONG_TYPE'],
    ]);
  });
});
