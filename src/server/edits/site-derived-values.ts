/**
 * The values the server derives for a site, never the caller: its district and beat (from
 * the configured polygon layers, when it is created or moved) and its data-quality flags
 * (from the site and its cameras, whenever either is written). Every write path calls
 * {@link refreshSiteDerivedValues}: applyEdits for each site an edit touched, and the
 * change-request processor after it writes a site. A site near another that scores as a
 * likely duplicate (`core/duplicates`) is flagged `duplicate_suspect`, and so is the other.
 */
import { insideDistricts, placeSite, type SitePlacement } from '../../core/districts/place-site.js';
import {
  DEFAULT_DUPLICATE_OPTIONS,
  scoreDuplicatePair,
  type DuplicateSite,
} from '../../core/duplicates/find-duplicates.js';
import { boundingBoxAround } from '../../core/geometry/geodesy.js';
import {
  parseQualityFlags,
  qualityFlagsOf,
  qualityFlagsValue,
  withQualityFlag,
} from '../../core/quality/quality-flags.js';
import { CAMERAS, SITES } from '../../core/schema/registry-schema.js';
import type { LayerDef } from '../../core/schema/schema-types.js';
import { normalizeGuid } from '../../core/validation/validate-attributes.js';
import type { EditOptions, LayerEditResults, LayerEdits } from './apply-edits.js';
import { getRow, objectIdOfGlobalId, updateRow, type Row } from '../db/feature-rows.js';
import { prepared, type Database } from '../db/open-database.js';
import { rtreeName, tableName, X_COLUMN, Y_COLUMN } from '../db/registry-tables.js';

/** Sites an edit call touched, by GlobalID; `moved` ones had their point written. */
export interface TouchedSites {
  readonly touched: Set<string>;
  readonly moved: Set<string>;
}

export function noTouchedSites(): TouchedSites {
  return { touched: new Set(), moved: new Set() };
}

function cameraSite(db: Database, objectId: number | undefined): string | undefined {
  if (objectId === undefined) return undefined;
  const guid = getRow(db, CAMERAS, objectId)?.attributes.site_guid;
  return typeof guid === 'string' ? guid : undefined;
}

function targetId(db: Database, raw: unknown, useGlobalIds: boolean): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') return objectIdOfGlobalId(db, CAMERAS, normalizeGuid(raw));
  const attributes = (raw as { attributes?: unknown } | null)?.attributes;
  if (!attributes || typeof attributes !== 'object') return undefined;
  const record = attributes as Record<string, unknown>;
  const name = useGlobalIds ? 'globalid' : 'objectid';
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return targetId(
    db,
    typeof value === 'number' || typeof value === 'string' ? value : null,
    useGlobalIds,
  );
}

/**
 * Before the edits run: the sites of cameras about to be updated or deleted (a deleted
 * camera, or one moved to another site, changes its old site's flags).
 */
export function sitesBeforeEdits(
  db: Database,
  edits: readonly LayerEdits[],
  layers: readonly LayerDef[],
  options: EditOptions,
  into: TouchedSites,
): void {
  edits.forEach((edit, i) => {
    if (layers[i]?.name !== CAMERAS.name) return;
    for (const raw of [...(edit.updates ?? []), ...(edit.deletes ?? [])]) {
      const site = cameraSite(db, targetId(db, raw, options.useGlobalIds));
      if (site) into.touched.add(site);
    }
  });
}

/** After the edits ran: sites added or updated (moved when a point was sent), cameras' sites. */
export function sitesAfterEdits(
  db: Database,
  edits: readonly LayerEdits[],
  layers: readonly LayerDef[],
  results: readonly LayerEditResults[],
  into: TouchedSites,
): void {
  results.forEach((result, i) => {
    const layer = layers[i];
    const edit = edits[i];
    if (layer?.name === SITES.name) {
      for (const add of result.addResults) {
        if (!add.success || add.globalId === null) continue;
        into.touched.add(add.globalId);
        into.moved.add(add.globalId);
      }
      result.updateResults.forEach((update, u) => {
        if (!update.success || update.globalId === null) return;
        into.touched.add(update.globalId);
        const geometry = (edit?.updates?.[u] as { geometry?: unknown } | null)?.geometry;
        if (geometry !== undefined && geometry !== null) into.moved.add(update.globalId);
      });
    }
    if (layer?.name === CAMERAS.name) {
      for (const r of [...result.addResults, ...result.updateResults]) {
        const site = r.success ? cameraSite(db, r.objectId) : undefined;
        if (site) into.touched.add(site);
      }
    }
  });
}

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function duplicateSite(
  id: string,
  attributes: Row,
  point: readonly [number, number],
): DuplicateSite {
  return {
    id,
    point,
    address: textOf(attributes.address),
    unit: textOf(attributes.unit),
    phone: textOf(attributes.phone),
    email: textOf(attributes.email),
  };
}

/**
 * Sites near enough to `point` (the R*Tree) that score as likely duplicates of this one
 * (see `core/duplicates`): their OBJECTIDs and stored flags. Far-apart duplicates (same
 * phone across town) are left to the analyst's full duplicate search.
 */
function nearbyDuplicates(
  db: Database,
  objectId: number,
  site: Row,
  point: readonly [number, number],
): { id: number; flags: unknown }[] {
  const [minx, miny, maxx, maxy] = boundingBoxAround(point, DEFAULT_DUPLICATE_OPTIONS.nearMeters);
  const rows = prepared(
    db,
    `SELECT s."OBJECTID" AS id, s.address, s.unit, s.phone, s.email, s.quality_flags AS flags,
       s.${X_COLUMN} AS x, s.${Y_COLUMN} AS y
     FROM ${rtreeName(SITES)} r JOIN ${tableName(SITES)} s ON s."OBJECTID" = r.id
     WHERE r.minx >= ? AND r.maxx <= ? AND r.miny >= ? AND r.maxy <= ? AND r.id <> ?`,
  ).all(minx, maxx, miny, maxy, objectId) as (Row & { id: number; x: number; y: number })[];
  const me = duplicateSite('site', site, point);
  return rows
    .filter(
      (row) =>
        scoreDuplicatePair(me, duplicateSite('other', row, [row.x, row.y])).score >=
        DEFAULT_DUPLICATE_OPTIONS.minScore,
    )
    .map((row) => ({ id: row.id, flags: row.flags }));
}

/**
 * Works out one site's derived values and writes those that changed: district and beat when
 * `moved` (and a polygon layer is configured), the quality flags always. A site that no
 * longer exists is skipped. Call inside the write transaction that wrote the site.
 */
export function refreshSiteDerivedValues(
  db: Database,
  placement: SitePlacement,
  siteGlobalId: string,
  options: { readonly moved: boolean; readonly now: number },
): void {
  const id = objectIdOfGlobalId(db, SITES, siteGlobalId);
  const site = id === undefined ? undefined : getRow(db, SITES, id);
  if (id === undefined || !site) return;
  const point = site.point ? ([site.point.x, site.point.y] as const) : undefined;
  const values: Row = {};
  if (options.moved && point) Object.assign(values, placeSite(placement, point));
  const cameras = prepared(db, `SELECT * FROM ${tableName(CAMERAS)} WHERE site_guid = ?`).all(
    siteGlobalId,
  ) as Record<string, unknown>[];
  const merged = { ...site.attributes, ...values };
  const duplicates = point ? nearbyDuplicates(db, id, merged, point) : [];
  const flags = qualityFlagsValue(
    qualityFlagsOf(merged, cameras, {
      now: options.now,
      insideCity: point ? insideDistricts(placement, point) : undefined,
      duplicateSuspect: point ? duplicates.length > 0 : undefined,
    }),
  );
  // The other site of each pair is a suspect too (its own next write re-checks it).
  for (const other of duplicates)
    if (!parseQualityFlags(other.flags).includes('duplicate_suspect'))
      updateRow(db, SITES, other.id, {
        quality_flags: withQualityFlag(other.flags, 'duplicate_suspect'),
      });
  values.quality_flags = flags;
  const changed = Object.fromEntries(
    Object.entries(values).filter(([name, value]) => !same(site.attributes[name], value)),
  ) as Row;
  if (Object.keys(changed).length > 0) updateRow(db, SITES, id, changed);
}

/** Refreshes every site an edit call touched (see {@link refreshSiteDerivedValues}). */
export function refreshTouchedSites(
  db: Database,
  placement: SitePlacement,
  sites: TouchedSites,
  now: number,
): void {
  for (const guid of sites.touched)
    refreshSiteDerivedValues(db, placement, guid, { moved: sites.moved.has(guid), now });
}
