import { describe, expect, it } from 'vitest';
import {
  changeDecisionEdits,
  correctSiteEdits,
  REASON_MAX_LENGTH,
  rejectSiteEdits,
  reviewLogRow,
  verifySiteEdits,
  type ReviewSite,
} from '../../src/core/review/review-decisions.js';

const site: ReviewSite = {
  objectId: 42,
  globalId: '{11111111-2222-4333-8444-555555555555}',
  registrationRef: 'ABCD-EFGH-JKMN',
  attributes: {
    site_type: 'residence',
    contact_name: 'Pat Resident',
    contact_role: 'owner',
    phone: '+18165550100',
    email: null,
    address: '100 S Main St',
    unit: null,
    share_willingness: 'yes',
    status: 'pending',
  },
};

/** Every contact value a test site holds or is corrected to. */
const CONTACT_VALUES = [
  'Pat Resident',
  '+18165550100',
  '100 S Main St',
  'pat@example.org',
  '+18165550199',
  'Robin Roe',
  '200 N Elm St',
];

function logOf(
  edits: readonly { id: number; adds?: readonly { attributes: Record<string, unknown> }[] }[],
) {
  const row = edits.find((e) => e.id === 5)?.adds?.[0]?.attributes;
  if (!row) throw new Error('no ReviewLog row');
  return row;
}

describe('verifySiteEdits', () => {
  it('sets status, verifier and time, with one ReviewLog row, in one edit set', () => {
    const result = verifySiteEdits(site, 'analyst1', 1_700_000_000_000);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.edits).toEqual([
      {
        id: 0,
        updates: [
          {
            attributes: {
              OBJECTID: 42,
              status: 'verified',
              verified_by: 'analyst1',
              verified_at: 1_700_000_000_000,
            },
          },
        ],
      },
      {
        id: 5,
        adds: [
          {
            attributes: {
              site_guid: site.globalId,
              registration_ref: 'ABCD-EFGH-JKMN',
              decision: 'verified',
              reason: null,
              details: JSON.stringify({ fields: ['status', 'verified_by', 'verified_at'] }),
            },
          },
        ],
      },
    ]);
  });

  it('leaves verified_by empty when the signed-in name is not known', () => {
    for (const name of [null, '', '  ']) {
      const result = verifySiteEdits(site, name, 1);
      if (!result.ok) throw new Error('refused');
      expect(result.edits[0]?.updates?.[0]?.attributes.verified_by).toBeNull();
    }
    const named = verifySiteEdits(site, ' analyst1 ', 1);
    if (!named.ok) throw new Error('refused');
    expect(named.edits[0]?.updates?.[0]?.attributes.verified_by).toBe('analyst1');
  });

  it('keeps a note up to the limit and refuses one over it', () => {
    expect(verifySiteEdits(site, 'a', 1, 'x'.repeat(REASON_MAX_LENGTH)).ok).toBe(true);
    expect(verifySiteEdits(site, 'a', 1, 'x'.repeat(REASON_MAX_LENGTH + 1))).toEqual({
      ok: false,
      issues: [{ field: 'reason', code: 'TOO_LONG', limit: [REASON_MAX_LENGTH] }],
    });
  });
});

describe('rejectSiteEdits', () => {
  it('requires a reason: empty and blank are refused as data', () => {
    for (const reason of ['', '   \n']) {
      expect(rejectSiteEdits(site, reason)).toEqual({
        ok: false,
        issues: [{ field: 'reason', code: 'REQUIRED' }],
      });
    }
  });

  it('accepts a reason of one character and of the limit, not one over', () => {
    expect(rejectSiteEdits(site, 'x').ok).toBe(true);
    expect(rejectSiteEdits(site, 'y'.repeat(REASON_MAX_LENGTH)).ok).toBe(true);
    expect(rejectSiteEdits(site, 'y'.repeat(REASON_MAX_LENGTH + 1)).ok).toBe(false);
  });

  it('sets status rejected and logs the trimmed reason', () => {
    const result = rejectSiteEdits(site, '  Not in the city  ');
    if (!result.ok) throw new Error('refused');
    expect(result.edits[0]).toEqual({
      id: 0,
      updates: [{ attributes: { OBJECTID: 42, status: 'rejected' } }],
    });
    expect(logOf(result.edits)).toMatchObject({ decision: 'rejected', reason: 'Not in the city' });
  });
});

describe('changeDecisionEdits', () => {
  it('approves by setting request_status only, naming the changed fields', () => {
    const result = changeDecisionEdits(site, 7, true, '', ['phone', 'email']);
    if (!result.ok) throw new Error('refused');
    expect(result.edits[0]).toEqual({
      id: 4,
      updates: [{ attributes: { OBJECTID: 7, request_status: 'approved' } }],
    });
    expect(logOf(result.edits)).toMatchObject({
      decision: 'change_approved',
      details: JSON.stringify({ fields: ['phone', 'email'], changeRequest: 7 }),
    });
  });

  it('rejects with a reason, and not without one', () => {
    expect(changeDecisionEdits(site, 7, false, '', [])).toEqual({
      ok: false,
      issues: [{ field: 'reason', code: 'REQUIRED' }],
    });
    const result = changeDecisionEdits(site, 7, false, 'Looks like a prank', ['address']);
    if (!result.ok) throw new Error('refused');
    expect(result.edits[0]?.updates?.[0]?.attributes.request_status).toBe('rejected');
    expect(logOf(result.edits).decision).toBe('change_rejected');
  });
});

describe('correctSiteEdits', () => {
  it('writes only what changed and logs field names, never the values', () => {
    const result = correctSiteEdits(site, {
      contact_name: 'Robin Roe',
      phone: '+18165550199',
      email: 'pat@example.org',
      address: '100 S Main St',
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.edits[0]).toEqual({
      id: 0,
      updates: [
        {
          attributes: {
            OBJECTID: 42,
            contact_name: 'Robin Roe',
            phone: '+18165550199',
            email: 'pat@example.org',
          },
        },
      ],
    });
    const log = logOf(result.edits);
    expect(JSON.parse(String(log.details))).toEqual({ fields: ['contact_name', 'phone', 'email'] });
    const written = JSON.stringify(log);
    for (const value of CONTACT_VALUES) expect(written).not.toContain(value);
  });

  it('returns no edits when nothing differs', () => {
    expect(correctSiteEdits(site, { address: ' 100 S Main St ', unit: '' })).toEqual({
      ok: true,
      edits: [],
    });
  });

  it('lists every field problem from the core validators, by field and code', () => {
    const result = correctSiteEdits(site, {
      phone: '816-555',
      email: 'not-an-email',
      contact_name: '',
      site_type: 'castle',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { field: 'phone', code: 'INVALID_PHONE' },
        { field: 'email', code: 'INVALID_EMAIL' },
        { field: 'contact_name', code: 'REQUIRED' },
        { field: 'site_type', code: 'NOT_IN_DOMAIN' },
      ]),
    );
  });

  it('applies cross-field rules to the merged record', () => {
    expect(correctSiteEdits(site, { phone: '' })).toEqual({
      ok: false,
      issues: [{ field: 'phone', code: 'CONTACT_REQUIRED' }],
    });
    expect(correctSiteEdits(site, { site_type: 'business' })).toEqual({
      ok: false,
      issues: [{ field: 'business_name', code: 'BUSINESS_NAME_REQUIRED' }],
    });
  });

  it('refuses fields an analyst may not correct inline', () => {
    expect(
      correctSiteEdits(site, { status: 'verified' } as unknown as Record<'unit', string>),
    ).toEqual({ ok: false, issues: [{ field: 'status', code: 'NOT_EDITABLE' }] });
  });
});

describe('reviewLogRow', () => {
  it('keeps details within the stored length by dropping the per-camera list', () => {
    const cameras = Array.from({ length: 40 }, (_, i) => ({
      guid: `{00000000-0000-4000-8000-${String(i).padStart(12, '0')}}`,
      from: [-94.41, 39.09] as const,
      to: [-94.42, 39.1] as const,
    }));
    const row = reviewLogRow(site, 'moved', null, {
      from: [-94.41, 39.09],
      to: [-94.42, 39.1],
      cameras,
    });
    const details = String(row.attributes.details);
    expect(details.length).toBeLessThanOrEqual(2000);
    expect(JSON.parse(details)).toEqual({
      from: [-94.41, 39.09],
      to: [-94.42, 39.1],
      cameraCount: 40,
    });
    const few = reviewLogRow(site, 'moved', null, { cameras: cameras.slice(0, 2) });
    expect(JSON.parse(String(few.attributes.details)).cameras).toHaveLength(2);
  });
});
