import { describe, expect, it } from 'vitest';
import {
  EMPTY_SITE_DRAFT,
  newCameraDraft,
  type CameraDraft,
} from '../../src/core/registration/registration-draft.js';
import {
  followLanguage,
  parseSavedRegistration,
  SAVED_REGISTRATION_VERSION,
  serializeRegistration,
  type SavedRegistration,
} from '../../src/core/registration/saved-registration.js';

const STEPS = ['about', 'site', 'cameras', 'review'] as const;
const english = (n: number) => `Camera ${n}`;
const spanish = (n: number) => `Cámara ${n}`;

const CAMERA: CameraDraft = {
  ...newCameraDraft('{A}', 'Porch'),
  view_bearing: 90,
  coverage: ['street'],
  position: { x: -94.4, y: 39.1 },
};

const SAVED: SavedRegistration<(typeof STEPS)[number]> = {
  step: 'cameras',
  site: { ...EMPTY_SITE_DRAFT, contact_name: 'Ana Ruiz', preferred_language: 'en' },
  location: { point: { x: -94.4, y: 39.1 }, method: 'geocoded', score: 97 },
  geocoded: { point: { x: -94.4, y: 39.1 }, address: '1200 E White Oak St' },
  cameras: [CAMERA, newCameraDraft('{B}', 'Camera 2')],
  aimIndex: 1,
  untouched: { preferredLanguage: true, cameraLabels: { '{B}': 2 } },
};

/** The saved text with one part replaced (as an edited or older tab would hold it). */
function withPart(patch: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(serializeRegistration(SAVED)), ...patch });
}

describe('parseSavedRegistration', () => {
  it('reads back exactly what was written', () => {
    expect(parseSavedRegistration(serializeRegistration(SAVED), STEPS)).toEqual(SAVED);
    const bare = { ...SAVED, location: null, geocoded: null, aimIndex: 0 };
    expect(parseSavedRegistration(serializeRegistration(bare), STEPS)).toEqual(bare);
    const pinned = {
      ...SAVED,
      location: { point: { x: 1, y: 2 }, method: 'pin_adjusted' as const, score: null },
      cameras: [{ ...CAMERA, view_bearing: null, position: null }],
      aimIndex: 0,
    };
    expect(parseSavedRegistration(serializeRegistration(pinned), STEPS)).toEqual(pinned);
  });

  it('has nothing to read when nothing was kept or the text is not JSON', () => {
    expect(parseSavedRegistration(null, STEPS)).toBeNull();
    expect(parseSavedRegistration('{"version":1', STEPS)).toBeNull();
    expect(parseSavedRegistration('[]', STEPS)).toBeNull();
    expect(parseSavedRegistration('null', STEPS)).toBeNull();
  });

  it.each([
    ['another version', { version: SAVED_REGISTRATION_VERSION + 1 }],
    ['no version', { version: undefined }],
    ['a step the form does not have', { step: 'done' }],
    ['a site field missing', { site: { ...SAVED.site, unit: undefined } }],
    ['an extra site field', { site: { ...SAVED.site, password: 'x' } }],
    ['a site field of another type', { site: { ...SAVED.site, phone: 8165550134 } }],
    ['a location without a point', { location: { method: 'geocoded', score: 90 } }],
    ['a point off the number line', { location: { ...SAVED.location, point: { x: 'a', y: 1 } } }],
    ['an unknown placing method', { location: { ...SAVED.location, method: 'guessed' } }],
    ['a score that is not a number', { location: { ...SAVED.location, score: '90' } }],
    ['a geocoded point without address', { geocoded: { point: { x: 1, y: 2 } } }],
    ['a geocoded value that is no object', { geocoded: 'here' }],
    ['cameras that are no list', { cameras: { 0: CAMERA } }],
    ['no camera', { cameras: [], aimIndex: 0 }],
    ['a camera label that is no text', { cameras: [{ ...CAMERA, label: 3 }], aimIndex: 0 }],
    ['a bearing that is no number', { cameras: [{ ...CAMERA, view_bearing: 'N' }], aimIndex: 0 }],
    ['coverage that is no list', { cameras: [{ ...CAMERA, coverage: 'street' }], aimIndex: 0 }],
    ['a coverage code that is no text', { cameras: [{ ...CAMERA, coverage: [1] }], aimIndex: 0 }],
    [
      'a camera position that is no point',
      { cameras: [{ ...CAMERA, position: [1, 2] }], aimIndex: 0 },
    ],
    ['a camera that is no object', { cameras: ['Porch'], aimIndex: 0 }],
    ['a camera index below the list', { aimIndex: -1 }],
    ['a camera index at the end of the list', { aimIndex: 2 }],
    ['a camera index that is no whole number', { aimIndex: 0.5 }],
    ['no untouched defaults', { untouched: undefined }],
    [
      'an untouched flag that is no boolean',
      { untouched: { ...SAVED.untouched, preferredLanguage: 'yes' } },
    ],
    [
      'untouched names that are no map',
      { untouched: { preferredLanguage: true, cameraLabels: [] } },
    ],
    [
      'an untouched name number of 0',
      { untouched: { preferredLanguage: true, cameraLabels: { '{B}': 0 } } },
    ],
    [
      'an untouched name number that is text',
      { untouched: { preferredLanguage: true, cameraLabels: { '{B}': '2' } } },
    ],
  ])('ignores a draft with %s', (_why, patch) => {
    expect(parseSavedRegistration(withPart(patch), STEPS)).toBeNull();
  });

  it('reads the lowest and highest camera index', () => {
    expect(parseSavedRegistration(withPart({ aimIndex: 0 }), STEPS)?.aimIndex).toBe(0);
    expect(parseSavedRegistration(withPart({ aimIndex: 1 }), STEPS)?.aimIndex).toBe(1);
  });
});

describe('followLanguage', () => {
  it('moves untouched defaults to the new language and keeps what the resident typed', () => {
    const followed = followLanguage(SAVED, 'es', spanish);
    expect(followed.site).toEqual({ ...SAVED.site, preferred_language: 'es' });
    expect(followed.cameras.map((c) => c.label)).toEqual(['Porch', 'Cámara 2']);
    // Everything but the default name stays as it was.
    expect(followed.cameras[1]).toEqual({ ...SAVED.cameras[1], label: 'Cámara 2' });
    expect(followed.cameras[0]).toBe(SAVED.cameras[0]);
  });

  it('keeps a language and names the resident chose', () => {
    const chosen = { ...SAVED, untouched: { preferredLanguage: false, cameraLabels: {} } };
    const followed = followLanguage(chosen, 'es', spanish);
    expect(followed.site).toBe(chosen.site);
    expect(followed.cameras).toBe(chosen.cameras);
  });

  it('returns the same objects when the defaults already speak the language', () => {
    const followed = followLanguage(SAVED, 'en', english);
    expect(followed.site).toBe(SAVED.site);
    expect(followed.cameras).toBe(SAVED.cameras);
  });
});
