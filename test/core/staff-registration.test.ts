import { describe, expect, it } from 'vitest';
import { hashManageCode } from '../../src/core/change-requests/manage-code-hash.js';
import {
  EMPTY_SITE_DRAFT,
  newCameraDraft,
  type CameraDraft,
  type SiteDraft,
  type SiteLocation,
} from '../../src/core/registration/registration-draft.js';
import {
  buildStaffRegistrationEdits,
  isStaffChannel,
  validateStaffEntry,
  type StaffSubmission,
} from '../../src/core/registration/staff-registration.js';

const SITE: SiteDraft = {
  ...EMPTY_SITE_DRAFT,
  site_type: 'residence',
  contact_name: 'Ana Ruiz',
  contact_role: 'owner',
  phone: '(816) 555-0134',
  preferred_language: 'es',
  share_willingness: 'yes',
  address: '1200 E White Oak St, Independence, MO 64050',
};
const LOCATION: SiteLocation = {
  point: { x: -94.401738, y: 39.100218 },
  method: 'geocoded',
  score: 100,
};
const CAMERA: CameraDraft = {
  ...newCameraDraft('{11111111-2222-4333-8444-555555555555}', 'Porch'),
  mount: 'exterior',
  view_bearing: 0,
  recording_mode: 'motion',
  retention_days: '10',
};
const REFERENCE = '7K3M-9QXP-3HTD';
const CODE = 'K7M2-9QXP-3HTD-W4RA';
const NOW = Date.UTC(2026, 10, 30, 12);

function submission(overrides: Partial<StaffSubmission> = {}): StaffSubmission {
  return {
    site: SITE,
    location: LOCATION,
    cameras: [CAMERA],
    siteGlobalId: '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}',
    registrationRef: REFERENCE,
    manageCodeHash: hashManageCode(REFERENCE, CODE),
    consentVersion: '2026-01',
    entry: { channel: 'paper', formNumber: ' PF-0042 ' },
    reviewLogGlobalId: '{99999999-8888-4777-8666-555555555555}',
    now: NOW,
    ...overrides,
  };
}

describe('validateStaffEntry', () => {
  it('accepts both staff channels, with or without a form number', () => {
    expect(validateStaffEntry({ channel: 'paper', formNumber: 'PF-1' })).toEqual([]);
    expect(validateStaffEntry({ channel: 'officer_assisted', formNumber: '' })).toEqual([]);
    expect(isStaffChannel('paper')).toBe(true);
  });

  it('refuses the web and import channels and a missing choice', () => {
    for (const channel of ['web', 'import', '']) {
      expect(validateStaffEntry({ channel, formNumber: '' })).toEqual([
        { field: 'source_channel', code: 'CHOICE_REQUIRED' },
      ]);
    }
  });

  it('takes a form number of up to 40 characters, not 41', () => {
    expect(validateStaffEntry({ channel: 'paper', formNumber: 'x'.repeat(39) })).toEqual([]);
    expect(validateStaffEntry({ channel: 'paper', formNumber: 'x'.repeat(40) })).toEqual([]);
    expect(validateStaffEntry({ channel: 'paper', formNumber: 'x'.repeat(41) })).toEqual([
      { field: 'form_number', code: 'TOO_LONG', limit: [40] },
    ]);
  });
});

describe('buildStaffRegistrationEdits', () => {
  it('stores the site with its channel and form number, its cameras and a ReviewLog row', () => {
    const built = buildStaffRegistrationEdits(submission());
    if (!built.ok) throw new Error(JSON.stringify(built.issues));
    const [sites, cameras, log] = built.edits;
    expect(built.edits.map((layer) => layer.id)).toEqual([0, 1, 5]);
    expect(sites?.adds[0]?.attributes).toMatchObject({
      GlobalID: '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}',
      registration_ref: REFERENCE,
      manage_code_hash: hashManageCode(REFERENCE, CODE),
      source_channel: 'paper',
      form_number: 'PF-0042',
      status: 'pending',
      last_confirmed_at: NOW,
      confirm_due_at: NOW + 365 * 86_400_000,
      consent_version: '2026-01',
      phone: '+18165550134',
    });
    expect(sites?.adds[0]?.geometry).toEqual({
      x: -94.401738,
      y: 39.100218,
      spatialReference: { wkid: 4326 },
    });
    expect(cameras?.adds.map((c) => c.attributes)).toMatchObject([
      { label: 'Porch', site_guid: '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}' },
    ]);
    expect(log?.adds[0]?.attributes).toEqual({
      GlobalID: '{99999999-8888-4777-8666-555555555555}',
      site_guid: '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}',
      registration_ref: REFERENCE,
      decision: 'paper_entered',
      details: '{"source_channel":"paper","form_number":"PF-0042"}',
    });
  });

  it('records no form number when none was typed, and never a contact value in the log', () => {
    const built = buildStaffRegistrationEdits(
      submission({ entry: { channel: 'officer_assisted', formNumber: '  ' } }),
    );
    if (!built.ok) throw new Error(JSON.stringify(built.issues));
    expect(built.edits[0]?.adds[0]?.attributes).toMatchObject({
      source_channel: 'officer_assisted',
      form_number: null,
    });
    const details = String(built.edits[2]?.adds[0]?.attributes.details);
    expect(details).toBe('{"source_channel":"officer_assisted"}');
    for (const value of ['Ana Ruiz', '5550134', 'White Oak']) expect(details).not.toContain(value);
  });

  it('names every problem: the entry first, then the form', () => {
    const built = buildStaffRegistrationEdits(
      submission({
        entry: { channel: 'web', formNumber: 'x'.repeat(41) },
        site: { ...SITE, contact_name: '' },
      }),
    );
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.issues.map((issue) => [issue.field, issue.code])).toEqual([
      ['source_channel', 'CHOICE_REQUIRED'],
      ['form_number', 'TOO_LONG'],
      ['contact_name', 'REQUIRED'],
    ]);
  });

  it('refuses a registration without a located address', () => {
    const built = buildStaffRegistrationEdits(submission({ location: null }));
    expect(built).toEqual({
      ok: false,
      issues: [{ field: 'address', code: 'LOCATION_REQUIRED' }],
    });
  });
});
