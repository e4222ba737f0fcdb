/**
 * What ranking and the map may assume about a camera's view when the owner left part of it
 * out: the field of view usual for its kind (the same table the registration form offers as
 * its default) and a useful range usual for its kind (the form does not ask for range).
 */
import { DEFAULT_FIELD_OF_VIEW, defaultFieldOfView } from '../registration/camera-view.js';

/**
 * Usual useful range, in metres, by camera form (`CameraForm` codes): how far a face or a
 * plate is still recognisable on a typical camera of that kind. Kinds not listed have none.
 */
export const DEFAULT_RANGE_METERS: Readonly<Record<string, number>> = {
  doorbell: 15,
  fixed: 30,
  ptz: 50,
};

/** The usual useful range of a camera form in metres, or null when the kind has none. */
export function defaultRangeMeters(form: string | null | undefined): number | null {
  return form && Object.hasOwn(DEFAULT_RANGE_METERS, form)
    ? (DEFAULT_RANGE_METERS[form] ?? null)
    : null;
}

/** A camera's view as ranking uses it: stated values, else the usual ones for its kind. */
export interface CameraView {
  /** Degrees clockwise from north, or null when unknown (nothing defaults a direction). */
  readonly bearingDegrees: number | null;
  readonly fovDegrees: number | null;
  readonly rangeMeters: number | null;
  /** The field of view is the usual one for the kind, not the owner's. */
  readonly fovAssumed: boolean;
  /** The range is the usual one for the kind, not the owner's. */
  readonly rangeAssumed: boolean;
}

/** What a camera record states about its view. */
export interface StatedView {
  readonly viewBearingDegrees: number | null;
  readonly fovDegrees: number | null;
  readonly rangeMeters: number | null;
  /** `CameraForm` code, when known. */
  readonly form?: string | null;
}

/** The view with each missing width or range filled from the camera's kind where it can be. */
export function cameraView(camera: StatedView): CameraView {
  const form = camera.form ?? '';
  // Own keys only: a code such as "toString" names no kind.
  const fovDefault =
    camera.fovDegrees === null && Object.hasOwn(DEFAULT_FIELD_OF_VIEW, form)
      ? defaultFieldOfView(form)
      : null;
  const rangeDefault = camera.rangeMeters === null ? defaultRangeMeters(camera.form) : null;
  return {
    bearingDegrees: camera.viewBearingDegrees,
    fovDegrees: camera.fovDegrees ?? fovDefault,
    rangeMeters: camera.rangeMeters ?? rangeDefault,
    fovAssumed: fovDefault !== null,
    rangeAssumed: rangeDefault !== null,
  };
}
