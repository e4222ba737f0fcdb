/**
 * Reading edit answers as ArcGIS shapes them: per edit, `success` and, when refused, an
 * `error` with ArcGIS's `code` and `description` and our data beside them (`appCode`,
 * `field`, `issues`). A rolled-back call answers the same way: the refused edits with their
 * errors, every other edit as not applied (1003).
 */

export interface EditResult {
  objectId: number;
  uniqueId?: number;
  globalId: string | null;
  success: boolean;
  error?: {
    code: number;
    description: string;
    appCode?: string;
    field?: string;
    issues?: { field: string; code: string; limit?: number[] }[];
    retryAfter?: number;
  };
}

export interface LayerResults {
  id?: number;
  addResults: EditResult[];
  updateResults: EditResult[];
  deleteResults: EditResult[];
}

/** A layer route's body or a service-level `applyEdits` array. */
export type EditAnswer = Partial<LayerResults> | Partial<LayerResults>[];

const LISTS = ['addResults', 'updateResults', 'deleteResults'] as const;

function layersOf(answer: EditAnswer): Partial<LayerResults>[] {
  return Array.isArray(answer) ? answer : [answer];
}

/** Every result in the answer, in order, with where it sits. */
export function eachResult(answer: EditAnswer): {
  layer: number | undefined;
  list: (typeof LISTS)[number];
  index: number;
  result: EditResult;
}[] {
  return layersOf(answer).flatMap((layer) =>
    LISTS.flatMap((list) =>
      (layer[list] ?? []).map((result, index) => ({ layer: layer.id, list, index, result })),
    ),
  );
}

/**
 * The edits refused on their own account, as data: layer, edit and each field problem
 * (`layer/list[index] field CODE`); edits undone only because another failed (1003) are left out.
 */
export function refusedEdits(answer: EditAnswer): string[] {
  return eachResult(answer).flatMap(({ layer, list, index, result }) =>
    result.error && result.error.code !== 1003
      ? (result.error.issues ?? [{ field: result.error.field, code: result.error.appCode }]).map(
          (issue) => `${layer ?? ''}/${list}[${index}] ${issue.field} ${issue.code}`,
        )
      : [],
  );
}

/** True when nothing in the answer was applied: each edit refused or reported as undone. */
export function nothingApplied(answer: EditAnswer): boolean {
  const all = eachResult(answer);
  return all.length > 0 && all.every(({ result }) => result.success === false && result.error);
}
