/**
 * How alike two canonical names are, in work bounded by their length: letter pairs in
 * linear time, and edit distance only on short names, banded and stopping early.
 */

/** Names longer than this are compared by letter pairs only (stored street names are at most 100). */
export const MAX_EDIT_DISTANCE_CHARS = 100;

/** Dice coefficient of character bigrams: 1 for equal strings, 0 for nothing shared. */
export function dice(a: string, b: string): number {
  if (a.length < 2 || b.length < 2) return 0;
  const bigrams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const gram = a.slice(i, i + 2);
    bigrams.set(gram, (bigrams.get(gram) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const gram = b.slice(i, i + 2);
    const count = bigrams.get(gram) ?? 0;
    if (count > 0) {
      bigrams.set(gram, count - 1);
      shared++;
    }
  }
  return (2 * shared) / (a.length - 1 + b.length - 1);
}

/**
 * Edits (insert, delete, substitute, swap two neighbours: optimal string alignment)
 * between `a` and `b` when there are at most `limit`, otherwise `limit + 1`. Only cells
 * within `limit` of the diagonal are filled and it stops at the first row whose cells all
 * exceed `limit`, so it takes O(min(limit, |b|) · |a|) time and O(|b|) memory.
 */
export function editDistanceWithin(a: string, b: string, limit: number): number {
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a whole number of at least 0, got ${limit}`);
  const over = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return over;
  const cols = b.length + 1;
  // Rows i - 2, i - 1 and i of the full matrix; cells outside the band hold `over`.
  let beforePrevious = new Array<number>(cols).fill(over);
  let previous = new Array<number>(cols).fill(over);
  let current = new Array<number>(cols).fill(over);
  for (let j = 0; j <= Math.min(b.length, limit); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    current[from - 1] = from === 1 && i <= limit ? i : over;
    if (to < b.length) current[to + 1] = over;
    let rowMin = current[from - 1] as number;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (beforePrevious[j - 2] as number) + 1);
      current[j] = Math.min(best, over);
      if (best < rowMin) rowMin = best;
    }
    // A swap reaches back two rows, but never below the row between: this row bounds all later ones.
    if (rowMin > limit) return over;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[b.length] as number;
}

/**
 * How alike two names are, 0 to 1: the better of shared letter pairs (good for missing or
 * extra words) and edit distance (good for typos and swapped letters: "Mian" for "Main").
 * Edit distance is only worked out as far as it could beat the letter pairs, and not at
 * all for names over {@link MAX_EDIT_DISTANCE_CHARS}.
 */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const pairs = dice(a, b);
  const longest = Math.max(a.length, b.length);
  if (longest > MAX_EDIT_DISTANCE_CHARS) return pairs;
  // 1 - edits / longest beats `pairs` only with fewer than longest · (1 - pairs) edits.
  const limit = Math.ceil(longest * (1 - pairs)) - 1;
  if (limit < 0) return pairs;
  const edits = editDistanceWithin(a, b, limit);
  return edits > limit ? pairs : Math.max(pairs, 1 - edits / longest);
}
