import { describe, expect, it } from 'vitest';
import { validateChangePayload } from '../../src/core/registration/change-request.js';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
  normalizeCode,
  normalizeReference,
} from '../../src/core/registration/registration-codes.js';

describe('registration codes', () => {
  it('formats references and manage codes in Crockford base32 groups', () => {
    expect(formatReference(new Uint8Array(8))).toBe('0000-0000-0000');
    expect(formatManageCode(new Uint8Array(10).fill(255))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    const reference = formatReference(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}$/);
  });

  it('refuses too few random bytes', () => {
    expect(() => formatManageCode(new Uint8Array(4))).toThrow(RangeError);
  });

  it('reads what people type: case, spaces, and letters mistaken for digits', () => {
    expect(normalizeCode(' k7m2 9qxp-3htd wora ')).toBe('K7M29QXP3HTDW0RA');
    expect(normalizeReference('7k3m-9qxp-3htd')).toBe('7K3M-9QXP-3HTD');
    expect(manageCodeHashInput('7k3m9qxp3htd', 'k7m2-9qxp-3htd-w4ra')).toBe(
      manageCodeHashInput('7K3M-9QXP-3HTD', 'K7M29QXP3HTDW4RA'),
    );
  });
});

describe('change-request payloads', () => {
  it('accepts contact changes and a full camera list', () => {
    const result = validateChangePayload({
      site: { phone: '+18165550100' },
      location: { x: -94.4, y: 39.08 },
      cameras: [
        {
          attributes: {
            label: 'Gate',
            mount: 'exterior',
            recording_mode: 'motion',
            retention_days: 3,
          },
          location: { x: -94.4, y: 39.08 },
        },
      ],
    });
    expect(result).toMatchObject({
      ok: true,
      site: { phone: '+18165550100' },
      cameras: [{ attributes: { label: 'Gate' } }],
    });
  });

  it('lists every problem, including fields a registrant may not change', () => {
    const result = validateChangePayload({
      site: { status: 'verified', phone: 'x', manage_code_hash: 'b'.repeat(64) },
      location: { x: 500, y: 0 },
      cameras: [{ attributes: { label: '' }, location: { x: 0, y: 0 } }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.issues.map((i) => `${i.field}:${i.code}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'status:NOT_EDITABLE',
        'manage_code_hash:NOT_EDITABLE',
        'phone:INVALID_PHONE',
        'location:WRONG_TYPE',
        'cameras[0].label:REQUIRED',
      ]),
    );
  });

  it('refuses an empty camera list', () => {
    expect(validateChangePayload({ cameras: [] })).toMatchObject({
      ok: false,
      issues: [{ field: 'cameras', code: 'OUT_OF_RANGE' }],
    });
  });
});
