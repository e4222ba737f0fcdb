import { AppError, ErrorCode } from '../../core/errors.js';
import type { LayerDef } from '../../core/schema/schema-types.js';
import type { LayerEdits } from '../edits/apply-edits.js';
import { geodesicDistanceMeters } from '../../core/geometry/geodesy.js';
import { spatialFilterOfRequest } from '../query/request-spatial-filter.js';
import { idListParam, stringParam, type Params } from '../request-params.js';

/** Most features one anonymous call may add, per layer: one registration at a time. */
export const PUBLIC_ADD_LIMITS: Readonly<Record<string, number>> = {
  Sites: 1,
  Cameras: 20,
  ChangeRequests: 1,
};

/** Most edits any signed-in call may carry. */
export const MAX_EDITS_PER_CALL = 2000;

/** Refuses anonymous calls that carry more than one registration's worth of features. */
export function checkEditCounts(
  edits: readonly LayerEdits[],
  layers: readonly LayerDef[],
  anonymous: boolean,
): void {
  let total = 0;
  edits.forEach((edit, i) => {
    const count =
      (edit.adds?.length ?? 0) + (edit.updates?.length ?? 0) + (edit.deletes?.length ?? 0);
    total += count;
    const layer = layers[i];
    const limit = layer ? PUBLIC_ADD_LIMITS[layer.name] : undefined;
    if (anonymous && limit !== undefined && (edit.adds?.length ?? 0) > limit) {
      throw new AppError(ErrorCode.TooLarge, 'Too many features in one request.', [
        `${layer?.name}: at most ${limit}`,
      ]);
    }
  });
  if (total > MAX_EDITS_PER_CALL) {
    throw new AppError(ErrorCode.TooLarge, 'Too many features in one request.', [
      `at most ${MAX_EDITS_PER_CALL}`,
    ]);
  }
}

export interface BotCheck {
  /** Requests whose form was filled faster than this (ms) are dropped. */
  readonly minFillMs: number;
}

/**
 * The resident form sends `ccr_hp` (a honeypot nobody sees, so people leave it empty) and
 * `ccr_fill_ms` (time spent on the form). Either giving away a bot means a silent drop.
 * Clients that send neither (other ArcGIS clients) are not judged.
 */
export function looksLikeBot(params: Params, check: BotCheck): boolean {
  if ((params.ccr_hp ?? '').trim() !== '') return true;
  const fill = params.ccr_fill_ms;
  if (fill === undefined || fill.trim() === '') return false;
  const ms = Number(fill);
  return !Number.isFinite(ms) || ms < check.minFillMs;
}

/** Largest area an officer query may cover: the diagonal of its box, in meters. */
export const OFFICER_MAX_SPAN_METERS = 5_000;
export const OFFICER_MAX_IDS = 2_000;

/**
 * Officers cannot dump the registry: a query of Sites or Cameras needs a spatial filter
 * no wider than {@link OFFICER_MAX_SPAN_METERS}, or names the features it wants
 * (object IDs, or `GlobalID IN (...)`), and may not ask for counts or IDs of everything.
 */
export function checkOfficerQuery(layer: LayerDef, params: Params): void {
  if (layer.kind !== 'point') return;
  const ids = idListParam(params, 'objectIds');
  if (ids && ids.length > OFFICER_MAX_IDS) {
    throw new AppError(
      ErrorCode.InvalidInput,
      `Ask for at most ${OFFICER_MAX_IDS} features at a time.`,
      ['objectIds'],
    );
  }
  const where = stringParam(params, 'where') ?? '';
  const namesFeatures = (ids?.length ?? 0) > 0 || /^\s*\(?\s*"?GlobalID"?\s+IN\s*\(/i.test(where);
  const filter = spatialFilterOfRequest(params);
  let span: number | undefined;
  if (filter) {
    const [minX, minY, maxX, maxY] = filter.bbox;
    span = geodesicDistanceMeters([minX, minY], [maxX, maxY]);
  }
  if (!namesFeatures && span === undefined) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Searches need a location: add a geometry to the query.',
      ['geometry'],
    );
  }
  if (span !== undefined && span > OFFICER_MAX_SPAN_METERS) {
    throw new AppError(
      ErrorCode.InvalidInput,
      `The search area is too large: keep it within ${OFFICER_MAX_SPAN_METERS / 1000} km.`,
      ['geometry'],
    );
  }
}
