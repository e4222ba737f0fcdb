import { describe, expect, it } from 'vitest';
import {
  decideChangeRequest,
  decideReview,
  IN_REVIEW,
  needsStoredCameras,
  type Values,
} from '../../src/core/change-requests/change-decision.js';
import {
  checkCameraChanges,
  resolveCameraChanges,
  type StoredCamera,
} from '../../src/core/registration/camera-changes.js';
import { validateChangePayload } from '../../src/core/registration/change-request.js';

const NOW = Date.UTC(2027, 2, 1, 12);
const POINT = { x: -94.4, y: 39.08 };

const SITE: Values = {
  OBJECTID: 7,
  GlobalID: '{6F1B0C8E-2D4A-4C3B-9E2F-0A1B2C3D4E5F}',
  registration_ref: '7K3M-9QXP-3HTD',
  site_type: 'residence',
  contact_name: 'Ana Example',
  contact_role: 'owner',
  phone: '+18165550100',
  share_willingness: 'yes',
  status: 'pending',
  verified_at: null,
};

const camera = (id: number, label: string, retention_days = 10): StoredCamera => ({
  id,
  attributes: {
    OBJECTID: id,
    GlobalID: `{00000000-0000-0000-0000-00000000000${id}}`,
    site_guid: SITE.GlobalID,
    label,
    mount: 'exterior',
    recording_mode: 'motion',
    retention_days,
    status: 'active',
  },
});

// Stored out of order: positions count from the first registered (lowest OBJECTID).
const CAMERAS = [camera(12, 'Driveway', 14), camera(11, 'Porch')];

const FULL = {
  label: 'Garage',
  mount: 'interior_facing_out',
  recording_mode: 'scheduled',
  retention_days: 3,
};

function resolve(cameraChanges: unknown, stored: readonly StoredCamera[] = CAMERAS) {
  const checked = checkCameraChanges(cameraChanges);
  if (!checked.ok) return checked;
  return resolveCameraChanges(stored, checked.value);
}

describe('cameraChanges: one camera without restating the others', () => {
  it('changes only the named fields of the camera named by its label, in any case', () => {
    expect(resolve([{ match: { label: '  driveway ' }, set: { retention_days: 30 } }])).toEqual({
      ok: true,
      value: { updates: [{ id: 12, attributes: { retention_days: 30 } }], adds: [], deletes: [] },
    });
  });

  it('names a camera by its position, first registered first, and moves its point', () => {
    expect(resolve([{ match: { position: 1 }, location: POINT }])).toEqual({
      ok: true,
      value: { updates: [{ id: 11, attributes: {}, location: POINT }], adds: [], deletes: [] },
    });
  });

  it('adds and removes cameras in one request', () => {
    expect(
      resolve([
        { match: { label: 'Porch' }, remove: true },
        { add: { attributes: FULL, location: POINT } },
      ]),
    ).toEqual({
      ok: true,
      value: {
        updates: [],
        adds: [{ attributes: expect.objectContaining(FULL) as object, location: POINT }],
        deletes: [11],
      },
    });
  });

  it('tells two cameras sharing a name apart by position, and only so', () => {
    const twins = [camera(1, 'Yard'), camera(2, 'Yard')];
    expect(resolve([{ match: { label: 'Yard' }, set: { retention_days: 5 } }], twins)).toEqual({
      ok: false,
      issues: [{ field: 'cameraChanges[0].match.position', code: 'REQUIRED' }],
    });
    expect(resolve([{ match: { label: 'Yard', position: 2 }, remove: true }], twins)).toEqual({
      ok: true,
      value: { updates: [], adds: [], deletes: [2] },
    });
  });

  it('refuses a label that names no camera, and a label and position that disagree', () => {
    for (const match of [{ label: 'Garage' }, { label: 'Porch', position: 2 }])
      expect(resolve([{ match, set: { retention_days: 5 } }])).toEqual({
        ok: false,
        issues: [{ field: 'cameraChanges[0].match.label', code: 'NOT_IN_DOMAIN' }],
      });
  });

  it('refuses a position beyond the cameras, below and at the limit accepted', () => {
    expect(resolve([{ match: { position: 3 }, set: { retention_days: 5 } }])).toEqual({
      ok: false,
      issues: [{ field: 'cameraChanges[0].match.position', code: 'OUT_OF_RANGE', limit: [1, 2] }],
    });
    expect(resolve([{ match: { position: 2 }, set: { retention_days: 5 } }])).toMatchObject({
      ok: true,
    });
  });

  it('refuses two entries naming the same camera', () => {
    expect(
      resolve([
        { match: { label: 'Porch' }, set: { retention_days: 5 } },
        { match: { position: 1 }, remove: true },
      ]),
    ).toEqual({
      ok: false,
      issues: [{ field: 'cameraChanges[1].match', code: 'INVALID_FORMAT' }],
    });
  });

  it('refuses leaving the site without cameras, or with more than 50', () => {
    expect(
      resolve([
        { match: { position: 1 }, remove: true },
        { match: { position: 2 }, remove: true },
      ]),
    ).toEqual({ ok: false, issues: [{ field: 'cameras', code: 'OUT_OF_RANGE', limit: [1, 50] }] });
    const fifty = Array.from({ length: 50 }, (_, i) => camera(i + 1, `Camera ${i + 1}`));
    const add = { add: { attributes: FULL, location: POINT } };
    expect(resolve([add], fifty)).toEqual({
      ok: false,
      issues: [{ field: 'cameras', code: 'OUT_OF_RANGE', limit: [1, 50] }],
    });
    expect(resolve([add], fifty.slice(1))).toMatchObject({ ok: true });
  });

  it('refuses a change that leaves the camera invalid as a whole', () => {
    // A required value cannot be blanked.
    expect(resolve([{ match: { label: 'Porch' }, set: { recording_mode: null } }])).toEqual({
      ok: false,
      issues: [{ field: 'cameraChanges[0].set.recording_mode', code: 'REQUIRED' }],
    });
    // Stored without a required value: the change must give it.
    const incomplete: StoredCamera = {
      id: 1,
      attributes: { label: 'Porch', mount: 'exterior' },
    };
    expect(resolve([{ match: { position: 1 }, set: { retention_days: 5 } }], [incomplete])).toEqual(
      { ok: false, issues: [{ field: 'cameraChanges[0].set.recording_mode', code: 'REQUIRED' }] },
    );
  });
});

describe('checkCameraChanges: the payload alone', () => {
  it('takes 1 to 50 entries', () => {
    const one = { match: { position: 1 }, remove: true };
    for (const raw of [[], Array.from({ length: 51 }, () => one), 'all', null])
      expect(checkCameraChanges(raw)).toEqual({
        ok: false,
        issues: [{ field: 'cameraChanges', code: 'OUT_OF_RANGE', limit: [1, 50] }],
      });
    expect(checkCameraChanges(Array.from({ length: 50 }, () => one))).toMatchObject({ ok: true });
  });

  it.each([
    ['an entry that is not an object', 'x', 'cameraChanges[0]', 'WRONG_TYPE'],
    ['no match', { set: { retention_days: 5 } }, 'cameraChanges[0].match', 'REQUIRED'],
    ['an empty match', { match: {}, remove: true }, 'cameraChanges[0].match.label', 'REQUIRED'],
    [
      'a blank label',
      { match: { label: ' ' }, remove: true },
      'cameraChanges[0].match.label',
      'WRONG_TYPE',
    ],
    [
      'position 0',
      { match: { position: 0 }, remove: true },
      'cameraChanges[0].match.position',
      'WRONG_TYPE',
    ],
    [
      'position 1.5',
      { match: { position: 1.5 }, remove: true },
      'cameraChanges[0].match.position',
      'WRONG_TYPE',
    ],
    [
      'remove other than true',
      { match: { position: 1 }, remove: 'yes' },
      'cameraChanges[0].remove',
      'WRONG_TYPE',
    ],
    [
      'remove with set',
      { match: { position: 1 }, remove: true, set: { label: 'A' } },
      'cameraChanges[0].set',
      'NOT_EDITABLE',
    ],
    ['nothing to change', { match: { position: 1 } }, 'cameraChanges[0].set', 'REQUIRED'],
    [
      'set that is not an object',
      { match: { position: 1 }, set: [1] },
      'cameraChanges[0].set',
      'WRONG_TYPE',
    ],
    [
      'another site',
      { match: { position: 1 }, set: { site_guid: '{00000000-0000-0000-0000-000000000001}' } },
      'cameraChanges[0].set.site_guid',
      'NOT_EDITABLE',
    ],
    [
      'an officer field',
      { match: { position: 1 }, set: { status: 'removed' } },
      'cameraChanges[0].set.status',
      'UNKNOWN_FIELD',
    ],
    [
      'a value out of range',
      { match: { position: 1 }, set: { retention_days: 366 } },
      'cameraChanges[0].set.retention_days',
      'OUT_OF_RANGE',
    ],
    [
      'a bad point',
      { match: { position: 1 }, location: { x: 200, y: 0 } },
      'cameraChanges[0].location',
      'WRONG_TYPE',
    ],
    [
      'an add with a match',
      { match: { position: 1 }, add: { attributes: FULL, location: POINT } },
      'cameraChanges[0].match',
      'NOT_EDITABLE',
    ],
    [
      'an add missing a field',
      { add: { attributes: { ...FULL, mount: undefined }, location: POINT } },
      'cameraChanges[0].add.mount',
      'REQUIRED',
    ],
    [
      'an add without a point',
      { add: { attributes: FULL } },
      'cameraChanges[0].add.location',
      'WRONG_TYPE',
    ],
  ])('refuses %s', (_what, entry, field, code) => {
    const result = checkCameraChanges([entry]);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('is checked with the payload; never together with a whole list', () => {
    const cameras = [{ attributes: FULL, location: POINT }];
    const cameraChanges = [{ match: { position: 1 }, remove: true }];
    expect(validateChangePayload({ cameras, cameraChanges })).toEqual({
      ok: false,
      issues: [{ field: 'cameraChanges', code: 'NOT_EDITABLE' }],
    });
    expect(validateChangePayload({ cameraChanges: [] })).toMatchObject({ ok: false });
    expect(validateChangePayload({ cameraChanges })).toEqual({
      ok: true,
      site: {},
      cameraChanges: [{ kind: 'remove', match: { position: 1 } }],
    });
  });
});

describe('the decision with cameraChanges', () => {
  const payload = JSON.stringify({
    site: { best_hours: 'weekends' },
    cameraChanges: [
      { match: { label: 'Driveway' }, set: { retention_days: 30 } },
      { add: { attributes: FULL, location: POINT } },
    ],
  });

  it('asks for the stored cameras only for an update naming single cameras', () => {
    expect(needsStoredCameras({ requestType: 'update', payload })).toBe(true);
    expect(needsStoredCameras({ requestType: 'reconfirm', payload })).toBe(false);
    expect(needsStoredCameras({ requestType: 'update', payload: '{"cameras":[]}' })).toBe(false);
    expect(needsStoredCameras({ requestType: 'update', payload: '{' })).toBe(false);
    expect(needsStoredCameras({ requestType: 'update', payload: 'null' })).toBe(false);
  });

  it('applies the site fields and the single-camera edits; added cameras are active', () => {
    const decision = decideChangeRequest({
      request: { requestType: 'update', payload },
      site: SITE,
      cameras: CAMERAS,
      now: NOW,
    });
    expect(decision).toMatchObject({
      action: 'update',
      change: {
        site: { best_hours: 'weekends' },
        cameraEdits: {
          updates: [{ id: 12, attributes: { retention_days: 30 } }],
          adds: [{ attributes: { ...FULL, status: 'active' }, location: POINT }],
          deletes: [],
        },
      },
    });
    expect(decision.action === 'update' && decision.change.cameras).toBeUndefined();
  });

  it('refuses with issues as data when a camera does not match, changing nothing', () => {
    const bad = JSON.stringify({ cameraChanges: [{ match: { label: 'Garage' }, remove: true }] });
    expect(
      decideChangeRequest({
        request: { requestType: 'update', payload: bad },
        site: SITE,
        cameras: CAMERAS,
        now: NOW,
      }),
    ).toMatchObject({
      action: 'refuse',
      reason: 'INVALID_CHANGES',
      issues: [{ field: 'cameraChanges[0].match.label', code: 'NOT_IN_DOMAIN' }],
    });
  });

  it('a wrong code is refused before the cameras are looked at', () => {
    expect(
      decideChangeRequest({
        request: { requestType: 'update', payload },
        site: undefined,
        now: NOW,
      }),
    ).toMatchObject({ action: 'refuse', reason: 'BAD_CODE' });
  });

  it('throws when a caller forgets the stored cameras', () => {
    expect(() =>
      decideChangeRequest({ request: { requestType: 'update', payload }, site: SITE, now: NOW }),
    ).toThrow(RangeError);
  });

  it('an approved held change is matched again against the cameras as they are now', () => {
    const request = {
      requestType: 'update',
      requestStatus: 'approved',
      result: IN_REVIEW,
      payload,
    };
    const verified = { ...SITE, status: 'verified', verified_at: NOW - 1 };
    expect(decideReview({ request, site: verified, cameras: CAMERAS, now: NOW })).toMatchObject({
      result: 'UPDATED',
      change: { cameraEdits: { updates: [{ id: 12 }] } },
    });
    // Driveway was removed by staff meanwhile.
    expect(
      decideReview({ request, site: verified, cameras: [camera(11, 'Porch')], now: NOW }),
    ).toMatchObject({ result: 'REVIEW_INVALID' });
  });
});
