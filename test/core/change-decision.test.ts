import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decideChangeRequest,
  decideReview,
  IN_REVIEW,
  outcomeOf,
  settled,
  updateNeedsReview,
  type ChangeDecision,
  type Values,
} from '../../src/core/change-requests/change-decision.js';
import {
  hashManageCode,
  manageCodeMatches,
  sameHash,
} from '../../src/core/change-requests/manage-code-hash.js';
import { manageCodeHashInput } from '../../src/core/registration/registration-codes.js';

const NOW = Date.UTC(2027, 2, 1, 12);
const DAY = 86_400_000;

/** A stored site as the processor reads it (the fields the rules look at, and some more). */
const SITE: Values = {
  OBJECTID: 7,
  GlobalID: '{6F1B0C8E-2D4A-4C3B-9E2F-0A1B2C3D4E5F}',
  registration_ref: '7K3M-9QXP-3HTD',
  site_type: 'residence',
  contact_name: 'Ana Example',
  contact_role: 'owner',
  phone: '+18165550100',
  email: 'ana@example.org',
  preferred_contact: 'email',
  address: '100 S Main St',
  share_willingness: 'yes',
  status: 'pending',
  verified_at: null,
  last_confirmed_at: NOW - 300 * DAY,
  confirm_due_at: NOW + 65 * DAY,
};

const decide = (
  requestType: unknown,
  payload: unknown = null,
  /** `null`: the code did not match (or the reference is unknown). */
  site: Values | null = SITE,
  confirmationIntervalDays?: number,
): ChangeDecision =>
  decideChangeRequest({
    request: { requestType, payload },
    site: site ?? undefined,
    now: NOW,
    confirmationIntervalDays,
  });

const wiped = (status: 'applied' | 'rejected', result: string) => ({
  request_status: status,
  result,
  processed_at: NOW,
  manage_code: null,
  payload: null,
});

const CAMERA = {
  attributes: { label: 'Garage', mount: 'exterior', recording_mode: 'motion', retention_days: 14 },
  location: { x: -94.41, y: 39.08 },
};

describe('decideChangeRequest', () => {
  it('refuses a wrong code and an unknown reference alike, whatever was asked', () => {
    for (const type of ['withdraw', 'reconfirm', 'update', 'nonsense', null])
      expect(decide(type, '{}', null)).toEqual({
        action: 'refuse',
        reason: 'BAD_CODE',
        issues: [],
        request: wiped('rejected', 'BAD_CODE'),
      });
  });

  it('withdraws at once, verified or not, keeping the request settled with code and payload wiped', () => {
    expect(decide('withdraw')).toEqual({
      action: 'withdraw',
      request: wiped('applied', 'WITHDRAWN'),
    });
    expect(decide('withdraw', null, { ...SITE, status: 'verified' })).toEqual({
      action: 'withdraw',
      request: wiped('applied', 'WITHDRAWN'),
    });
  });

  it('re-confirms: the clock starts again from now, by the interval given', () => {
    expect(decide('reconfirm')).toEqual({
      action: 'reconfirm',
      change: { site: { last_confirmed_at: NOW, confirm_due_at: NOW + 365 * DAY } },
      request: wiped('applied', 'RECONFIRMED'),
    });
    expect(decide('reconfirm', null, SITE, 30)).toMatchObject({
      change: { site: { confirm_due_at: NOW + 30 * DAY } },
    });
  });

  it('brings an expired site back as it was: verified once, verified again; else pending', () => {
    const expired = { ...SITE, status: 'expired' };
    expect(decide('reconfirm', null, { ...expired, verified_at: NOW - 500 * DAY })).toMatchObject({
      change: { site: { status: 'verified' } },
    });
    expect(decide('reconfirm', null, expired)).toMatchObject({
      change: { site: { status: 'pending' } },
    });
    // Not expired: the status is left alone.
    const current = decide('reconfirm', null, { ...SITE, status: 'verified' });
    expect(current.action === 'reconfirm' && 'status' in current.change.site).toBe(false);
  });

  it('applies a valid update of a site nobody verified, with its point and cameras', () => {
    const payload = JSON.stringify({
      site: { phone: '+18165550199' },
      location: { x: -94.4101, y: 39.0801 },
      cameras: [CAMERA],
    });
    expect(decide('update', payload)).toEqual({
      action: 'update',
      change: {
        site: {
          phone: '+18165550199',
          last_confirmed_at: NOW,
          confirm_due_at: NOW + 365 * DAY,
          location_method: 'pin_adjusted',
        },
        location: { x: -94.4101, y: 39.0801 },
        cameras: [
          { attributes: { ...CAMERA.attributes, status: 'active' }, location: CAMERA.location },
        ],
      },
      request: wiped('applied', 'UPDATED'),
    });
  });

  it('keeps the location method the resident gave, and sets none without a new point', () => {
    const geocoded = decide(
      'update',
      JSON.stringify({ site: { location_method: 'geocoded' }, location: { x: -94.4, y: 39.1 } }),
    );
    expect(geocoded).toMatchObject({ change: { site: { location_method: 'geocoded' } } });
    const contactOnly = decide('update', JSON.stringify({ site: { unit: 'B' } }));
    expect(contactOnly).toMatchObject({ action: 'update' });
    expect(contactOnly.action === 'update' && contactOnly.change).toEqual({
      site: { unit: 'B', last_confirmed_at: NOW, confirm_due_at: NOW + 365 * DAY },
    });
  });

  it('refuses an update that is not JSON, names the fields of an invalid one, and checks it with the stored site', () => {
    expect(decide('update', '{not json')).toEqual({
      action: 'refuse',
      reason: 'INVALID_CHANGES',
      issues: [{ field: 'payload', code: 'WRONG_TYPE' }],
      request: wiped('rejected', 'INVALID_CHANGES'),
    });
    expect(
      decide('update', JSON.stringify({ site: { phone: 'call me', status: 'verified' } })),
    ).toMatchObject({
      action: 'refuse',
      issues: expect.arrayContaining([
        { field: 'phone', code: 'INVALID_PHONE' },
        { field: 'status', code: 'NOT_EDITABLE' },
      ]) as unknown,
    });
    // Valid alone, but the stored site prefers e-mail: removing the address breaks it.
    expect(decide('update', JSON.stringify({ site: { email: null } }))).toMatchObject({
      action: 'refuse',
      reason: 'INVALID_CHANGES',
      issues: [{ field: 'preferred_contact', code: 'PREFERRED_CONTACT_MISSING' }],
    });
    expect(decide('update', JSON.stringify({ cameras: [] }))).toMatchObject({
      issues: [{ field: 'cameras', code: 'OUT_OF_RANGE', limit: [1, 50] }],
    });
  });

  it('holds a valid update of a site officers can see, or could see again, keeping the payload', () => {
    const held = {
      action: 'hold',
      request: {
        request_status: 'review',
        result: IN_REVIEW,
        processed_at: NOW,
        manage_code: null,
      },
    };
    const payload = JSON.stringify({ site: { unit: 'B' } });
    expect(decide('update', payload, { ...SITE, status: 'verified' })).toEqual(held);
    expect(decide('update', payload, { ...SITE, status: 'expired', verified_at: 1 })).toEqual(held);
    // An invalid update is refused at once, even for a verified site.
    expect(
      decide('update', JSON.stringify({ site: { phone: 'x' } }), { ...SITE, status: 'verified' }),
    ).toMatchObject({ action: 'refuse', reason: 'INVALID_CHANGES' });
    expect(updateNeedsReview({ status: 'pending', verified_at: null })).toBe(false);
    expect(updateNeedsReview({ status: 'pending' })).toBe(false);
  });

  it('refuses a request type it does not know', () => {
    expect(decide('delete')).toEqual({
      action: 'refuse',
      reason: 'INVALID_CHANGES',
      issues: [{ field: 'request_type', code: 'NOT_IN_DOMAIN' }],
      request: wiped('rejected', 'INVALID_CHANGES'),
    });
  });

  it('reports each decision as the resident learns it', () => {
    expect(outcomeOf(decide('withdraw'))).toEqual({ status: 'applied', requestType: 'withdraw' });
    expect(outcomeOf(decide('reconfirm'))).toEqual({ status: 'applied', requestType: 'reconfirm' });
    expect(outcomeOf(decide('update', '{}'))).toEqual({ status: 'applied', requestType: 'update' });
    expect(outcomeOf(decide('update', '{}', { ...SITE, status: 'verified' }))).toEqual({
      status: 'review',
      requestType: 'update',
    });
    expect(outcomeOf(decide('withdraw', null, null))).toEqual({
      status: 'rejected',
      reason: 'BAD_CODE',
      issues: [],
    });
  });
});

describe('decideReview', () => {
  const payload = JSON.stringify({ site: { phone: '+18165550199' } });
  const review = (
    requestStatus: string,
    result: string | null = IN_REVIEW,
    requestType = 'update',
    /** `null`: the site is gone. */
    site: Values | null = { ...SITE, status: 'verified', verified_at: NOW - DAY },
    body: string | null = payload,
  ) =>
    decideReview({
      request: { requestType, requestStatus, result, payload: body },
      site: site ?? undefined,
      now: NOW,
    });

  it('applies an approved held update as an immediate update would be', () => {
    expect(review('approved')).toEqual({
      result: 'UPDATED',
      request: wiped('applied', 'UPDATED'),
      change: {
        site: { phone: '+18165550199', last_confirmed_at: NOW, confirm_due_at: NOW + 365 * DAY },
      },
    });
  });

  it('ends a rejected held update, and leaves rows with no decision alone', () => {
    expect(review('rejected')).toEqual({
      result: 'REVIEW_REJECTED',
      request: wiped('rejected', 'REVIEW_REJECTED'),
    });
    expect(review('rejected', 'BAD_CODE')).toBeUndefined();
    expect(review('review')).toBeUndefined();
    expect(review('pending', null)).toBeUndefined();
    expect(review('applied', 'UPDATED')).toBeUndefined();
  });

  it('never applies an approval of a request that was not held', () => {
    expect(review('approved', null)).toEqual({
      result: 'NOT_IN_REVIEW',
      request: wiped('rejected', 'NOT_IN_REVIEW'),
    });
    expect(review('approved', IN_REVIEW, 'withdraw')).toMatchObject({ result: 'NOT_IN_REVIEW' });
  });

  it('refuses an approval when the site is gone or the update no longer fits it', () => {
    expect(review('approved', IN_REVIEW, 'update', null)).toEqual({
      result: 'SITE_GONE',
      request: wiped('rejected', 'SITE_GONE'),
    });
    const noEmail = { ...SITE, status: 'verified', email: null, preferred_contact: null };
    expect(
      review(
        'approved',
        IN_REVIEW,
        'update',
        noEmail,
        JSON.stringify({ site: { preferred_contact: 'email' } }),
      ),
    ).toEqual({ result: 'REVIEW_INVALID', request: wiped('rejected', 'REVIEW_INVALID') });
  });

  it('settles with the code and the payload wiped', () => {
    expect(settled('applied', 'X', NOW)).toEqual(wiped('applied', 'X'));
  });
});

describe('manage-code hash', () => {
  const nodeHash = (reference: string, code: string) =>
    createHash('sha256').update(manageCodeHashInput(reference, code)).digest('hex');

  it('is SHA-256 over the hash input, as Node computes it', () => {
    for (const [reference, code] of [
      ['7K3M-9QXP-3HTD', 'K7M2-9QXP-3HTD-W4RA'],
      ['7k3m 9qxp 3htd', 'k7m2 9qxp 3htd w4ra'],
      ['AAAA-BBBB-0001', ''],
      ['ÅÄÖ-ñ', 'código'],
    ] as const)
      expect(hashManageCode(reference, code)).toBe(nodeHash(reference, code));
  });

  it('matches the stored hash however the code is typed, and nothing else', () => {
    const stored = nodeHash('7K3M-9QXP-3HTD', 'K7M2-9QXP-3HTD-W4RA');
    expect(manageCodeMatches('7k3m-9qxp-3htd', 'k7m2 9qxp 3htd w4ra', stored)).toBe(true);
    expect(manageCodeMatches('7K3M-9QXP-3HTD', 'K7M2-9QXP-3HTD-W4RA', stored.toUpperCase())).toBe(
      true,
    );
    expect(manageCodeMatches('7K3M-9QXP-3HTD', 'K7M2-9QXP-3HTD-W4RB', stored)).toBe(false);
    expect(manageCodeMatches('7K3M-9QXP-3HTE', 'K7M2-9QXP-3HTD-W4RA', stored)).toBe(false);
    expect(manageCodeMatches('7K3M-9QXP-3HTD', 'K7M2-9QXP-3HTD-W4RA', null)).toBe(false);
    expect(manageCodeMatches('7K3M-9QXP-3HTD', 'K7M2-9QXP-3HTD-W4RA', 42)).toBe(false);
  });

  it('compares whole hashes: lengths must agree and empty never matches', () => {
    expect(sameHash('abc', 'abc')).toBe(true);
    expect(sameHash('abc', 'abd')).toBe(false);
    expect(sameHash('abc', 'abcd')).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});
