/**
 * Nearest points on the globe through a static 2-d tree (kdbush's layout): built once per
 * load in O(n log n), then each search takes O(log n) however far the location lies from
 * the points. Positions are `[lon, lat]` in degrees, WGS84.
 */

/** A 2-d tree over points: `ids[i]` sits at `coords[2i], coords[2i + 1]` (lon, lat). */
export interface PointTree {
  readonly ids: Float64Array;
  readonly coords: Float64Array;
  /** The largest |latitude| of any point, degrees. */
  readonly maxAbsLat: number;
}

/** Points in a leaf, scanned one by one. */
const NODE_SIZE = 16;
const RAD = Math.PI / 180;

function swap(tree: PointTree, i: number, j: number): void {
  const { ids, coords } = tree;
  [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
  [coords[2 * i], coords[2 * j]] = [coords[2 * j] as number, coords[2 * i] as number];
  [coords[2 * i + 1], coords[2 * j + 1]] = [
    coords[2 * j + 1] as number,
    coords[2 * i + 1] as number,
  ];
}

/** Reorders `left..right` so item `k` is in its sorted place along `axis` (quickselect). */
function select(tree: PointTree, k: number, left: number, right: number, axis: number): void {
  const { coords } = tree;
  while (right > left) {
    const pivot = coords[2 * k + axis] as number;
    let i = left;
    let j = right;
    swap(tree, left, k);
    if ((coords[2 * right + axis] as number) > pivot) swap(tree, left, right);
    while (i < j) {
      swap(tree, i, j);
      i++;
      j--;
      while ((coords[2 * i + axis] as number) < pivot) i++;
      while ((coords[2 * j + axis] as number) > pivot) j--;
    }
    if (coords[2 * left + axis] === pivot) swap(tree, left, j);
    else {
      j++;
      swap(tree, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function sortRange(tree: PointTree, left: number, right: number, axis: number): void {
  if (right - left <= NODE_SIZE) return;
  const middle = (left + right) >> 1;
  select(tree, middle, left, right, axis);
  sortRange(tree, left, middle - 1, 1 - axis);
  sortRange(tree, middle + 1, right, 1 - axis);
}

/** Builds the tree; `points` are not changed. */
export function buildPointTree(
  points: readonly { readonly id: number; readonly x: number; readonly y: number }[],
): PointTree {
  const tree: PointTree = {
    ids: new Float64Array(points.length),
    coords: new Float64Array(2 * points.length),
    maxAbsLat: points.reduce((most, point) => Math.max(most, Math.abs(point.y)), 0),
  };
  points.forEach((point, i) => {
    if (!Number.isFinite(point.x) || !Number.isFinite(point.y))
      throw new RangeError(`point ${point.id} has no finite position: ${point.x}, ${point.y}`);
    tree.ids[i] = point.id;
    tree.coords[2 * i] = point.x;
    tree.coords[2 * i + 1] = point.y;
  });
  sortRange(tree, 0, points.length - 1, 0);
  return tree;
}

/**
 * Ids of the `count` points nearest `[lon, lat]`, nearest first, equal distances by id.
 * Distance is equirectangular at the pair's mean latitude: within a few metres of the
 * great-circle distance up to 50 km, so a caller measuring a few more than it needs by
 * great circle gets the exact nearest.
 */
export function nearestPointIds(
  tree: PointTree,
  lon: number,
  lat: number,
  count: number,
): number[] {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`count must be a whole number of at least 1, got ${count}`);
  const { ids, coords } = tree;
  // A lower bound of the east-west scale anywhere between the location and any point.
  const minScale = Math.cos(Math.min(90, (tree.maxAbsLat + Math.abs(lat)) / 2) * RAD);
  const best: { id: number; d2: number }[] = [];
  const worst = (): number =>
    best.length < count ? Number.POSITIVE_INFINITY : (best[best.length - 1] as { d2: number }).d2;
  const consider = (i: number): void => {
    const x = coords[2 * i] as number;
    const y = coords[2 * i + 1] as number;
    const dx = (x - lon) * Math.cos(((y + lat) / 2) * RAD);
    const d2 = dx * dx + (y - lat) * (y - lat);
    const id = ids[i] as number;
    if (best.length === count && d2 > worst()) return;
    let at = best.length;
    while (at > 0) {
      const before = best[at - 1] as { id: number; d2: number };
      if (before.d2 < d2 || (before.d2 === d2 && before.id < id)) break;
      at--;
    }
    best.splice(at, 0, { id, d2 });
    if (best.length > count) best.pop();
  };
  const search = (left: number, right: number, axis: number): void => {
    if (right < left) return;
    if (right - left <= NODE_SIZE) {
      for (let i = left; i <= right; i++) consider(i);
      return;
    }
    const middle = (left + right) >> 1;
    consider(middle);
    const split = coords[2 * middle + axis] as number;
    const gap = (axis === 0 ? lon : lat) - split;
    const near: [number, number] = gap < 0 ? [left, middle - 1] : [middle + 1, right];
    const far: [number, number] = gap < 0 ? [middle + 1, right] : [left, middle - 1];
    search(near[0], near[1], 1 - axis);
    // Every point across the split is at least this far, whatever its other coordinate.
    const bound = axis === 0 ? gap * minScale : gap;
    if (bound * bound <= worst()) search(far[0], far[1], 1 - axis);
  };
  search(0, ids.length - 1, 0);
  return best.map((entry) => entry.id);
}
