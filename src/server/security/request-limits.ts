import { AppError, ErrorCode } from '../../core/errors.js';
import type { LayerDef } from '../../core/schema/schema-types.js';
import type { LayerEdits } from '../edits/apply-edits.js';
import type { Params } from '../request-params.js';

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
  // Adds per layer across every entry: two entries for one layer share its limit.
  const adds = new Map<LayerDef, number>();
  edits.forEach((edit, i) => {
    total += (edit.adds?.length ?? 0) + (edit.updates?.length ?? 0) + (edit.deletes?.length ?? 0);
    const layer = layers[i];
    if (layer) adds.set(layer, (adds.get(layer) ?? 0) + (edit.adds?.length ?? 0));
  });
  for (const [layer, count] of adds) {
    const limit = PUBLIC_ADD_LIMITS[layer.name];
    if (anonymous && limit !== undefined && count > limit) {
      throw new AppError(ErrorCode.TooLarge, 'Too many features in one request.', [
        `${layer.name}: at most ${limit}`,
      ]);
    }
  }
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

/** What gave a request away as automated, if anything. */
export type BotSignal =
  { readonly kind: 'honeypot' } | { readonly kind: 'too-fast'; readonly waitMs: number };

/**
 * The resident form sends `ccr_hp` (a honeypot nobody sees, so people leave it empty) and
 * `ccr_fill_ms` (time spent on the form). Clients that send neither (other ArcGIS clients)
 * are not judged. A filled honeypot is certain: no person reaches it. A quick form is only a
 * suspicion (autofill, a returning resident), so it says how long to wait instead.
 */
export function botSignal(params: Params, check: BotCheck): BotSignal | null {
  if ((params.ccr_hp ?? '').trim() !== '') return { kind: 'honeypot' };
  const fill = params.ccr_fill_ms;
  if (fill === undefined || fill.trim() === '') return null;
  const ms = Number(fill);
  if (!Number.isFinite(ms) || ms < 0) return { kind: 'too-fast', waitMs: check.minFillMs };
  return ms < check.minFillMs ? { kind: 'too-fast', waitMs: check.minFillMs - ms } : null;
}
