import { describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_OF_VIEW } from '../../../src/core/registration/camera-view.js';
import {
  cameraView,
  DEFAULT_RANGE_METERS,
  defaultRangeMeters,
} from '../../../src/core/search/camera-view-defaults.js';
import { CameraForm } from '../../../src/core/schema/domains.js';

describe('defaultRangeMeters', () => {
  it('knows a usual range for the kinds the form knows a usual width for, and no others', () => {
    expect(defaultRangeMeters('doorbell')).toBe(15);
    expect(defaultRangeMeters('fixed')).toBe(30);
    expect(defaultRangeMeters('ptz')).toBe(50);
    for (const form of ['other', 'unknown', '', null, undefined, 'toString']) {
      expect(defaultRangeMeters(form)).toBeNull();
    }
    // Same kinds as the registration form's field-of-view table, all real CameraForm codes,
    // within the schema's range for range_m (5 to 150).
    expect(Object.keys(DEFAULT_RANGE_METERS).sort()).toEqual(
      Object.keys(DEFAULT_FIELD_OF_VIEW).sort(),
    );
    const codes = CameraForm.values.map((v) => v.code as string);
    for (const [form, meters] of Object.entries(DEFAULT_RANGE_METERS)) {
      expect(codes).toContain(form);
      expect(meters).toBeGreaterThanOrEqual(5);
      expect(meters).toBeLessThanOrEqual(150);
    }
  });
});

describe('cameraView', () => {
  it('keeps what the owner stated and says what it assumed', () => {
    expect(
      cameraView({ viewBearingDegrees: 90, fovDegrees: 70, rangeMeters: 12, form: 'doorbell' }),
    ).toEqual({
      bearingDegrees: 90,
      fovDegrees: 70,
      rangeMeters: 12,
      fovAssumed: false,
      rangeAssumed: false,
    });
    expect(
      cameraView({ viewBearingDegrees: 90, fovDegrees: null, rangeMeters: null, form: 'fixed' }),
    ).toEqual({
      bearingDegrees: 90,
      fovDegrees: 90,
      rangeMeters: 30,
      fovAssumed: true,
      rangeAssumed: true,
    });
    expect(
      cameraView({ viewBearingDegrees: null, fovDegrees: null, rangeMeters: null, form: 'other' }),
    ).toEqual({
      bearingDegrees: null,
      fovDegrees: null,
      rangeMeters: null,
      fovAssumed: false,
      rangeAssumed: false,
    });
    expect(
      cameraView({ viewBearingDegrees: 10, fovDegrees: 45, rangeMeters: null }).rangeAssumed,
    ).toBe(false);
  });
});
