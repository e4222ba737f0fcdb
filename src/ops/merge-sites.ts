/**
 * Merging two registrations of one place, through the ArcGIS REST API with analyst rights:
 * the kept site takes the other's cameras and contact-log entries, fills its own blank
 * contact fields from it, and records in `duplicate_of` the GlobalID of the site merged into
 * it; the other site is then deleted. One `applyEdits` call with `rollbackOnFailure`: all of
 * it happens, or none.
 */
import {
  applyServiceEdits,
  queryFeaturePages,
  queryObjectIds,
  sqlString,
  type FeatureBody,
  type LayerEditsBody,
} from '../client/arcgis-request.js';
import { AppError, ErrorCode } from '../core/errors.js';
import { CAMERAS, CONTACT_LOG, SITES } from '../core/schema/registry-schema.js';
import { normalizeGuid } from '../core/validation/validate-attributes.js';
import type { RegistryService } from './process-requests.js';

/** Fields the kept site takes from the other when its own is blank. */
export const FILLED_FROM_DUPLICATE = [
  'business_name',
  'phone',
  'email',
  'preferred_contact',
  'preferred_language',
  'best_hours',
  'unit',
] as const;

/** What a merge did; field names and counts only, never the values. */
export interface MergeReport {
  readonly kept: string;
  readonly removed: string;
  readonly camerasMoved: number;
  readonly contactEntriesMoved: number;
  /** Blank fields of the kept site filled from the removed one. */
  readonly filled: readonly string[];
  /**
   * Fields both sites had, with different values: the kept site's value stays (the other's
   * is gone with it), so the analyst can check them before or after.
   */
  readonly differing: readonly string[];
}

const blank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const GUID = /^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/;

async function siteByGlobalId(
  service: RegistryService,
  globalId: string,
  field: string,
): Promise<FeatureBody> {
  for await (const page of queryFeaturePages(
    `${service.url}/${SITES.id}`,
    { where: `GlobalID = ${sqlString(globalId)}`, outFields: '*', pageSize: 2 },
    { authentication: service.authentication },
  )) {
    const [site] = page;
    if (site) return site;
  }
  throw new AppError(ErrorCode.NotFound, 'No site has that GlobalID.', [], { field });
}

export interface MergeOptions {
  /**
   * Edits of other layers to make in the same `applyEdits` (a ReviewLog row recording the
   * decision): with the merge, or not at all.
   */
  readonly alsoEdit?: readonly LayerEditsBody[];
}

/**
 * Merges site `removeGlobalId` into site `keepGlobalId` (see the module comment). Refuses
 * (`INVALID_INPUT`) a GlobalID that is not one and a site merged with itself, and answers
 * `NOT_FOUND` for a site that does not exist; the service's own refusals come back as its
 * `AppError`, with nothing changed.
 */
export async function mergeSites(
  service: RegistryService,
  keepGlobalId: string,
  removeGlobalId: string,
  options: MergeOptions = {},
): Promise<MergeReport> {
  for (const [value, field] of [
    [keepGlobalId, 'keep'],
    [removeGlobalId, 'remove'],
  ] as const)
    if (!GUID.test(value.trim()))
      throw new AppError(ErrorCode.InvalidInput, 'Give a site by its GlobalID.', [], { field });
  const keepId = normalizeGuid(keepGlobalId);
  const removeId = normalizeGuid(removeGlobalId);
  if (keepId === removeId)
    throw new AppError(ErrorCode.InvalidInput, 'A site cannot be merged with itself.', [], {
      field: 'remove',
    });
  const call = { authentication: service.authentication };
  const keep = await siteByGlobalId(service, keepId, 'keep');
  const remove = await siteByGlobalId(service, removeId, 'remove');
  const bySite = `site_guid = ${sqlString(removeId)}`;
  const [cameras, contacts] = await Promise.all([
    queryObjectIds(`${service.url}/${CAMERAS.id}`, bySite, call),
    queryObjectIds(`${service.url}/${CONTACT_LOG.id}`, bySite, call),
  ]);

  const filled: string[] = [];
  const differing: string[] = [];
  const values: Record<string, unknown> = {};
  for (const name of FILLED_FROM_DUPLICATE) {
    const mine = keep.attributes[name];
    const theirs = remove.attributes[name];
    if (blank(theirs)) continue;
    if (blank(mine)) {
      values[name] = theirs;
      filled.push(name);
    } else if (mine !== theirs) differing.push(name);
  }
  const moved = (ids: readonly number[]) =>
    ids.map((id) => ({ attributes: { OBJECTID: id, site_guid: keepId } }));
  await applyServiceEdits(
    service.url,
    [
      { id: CAMERAS.id, updates: moved(cameras) },
      { id: CONTACT_LOG.id, updates: moved(contacts) },
      {
        id: SITES.id,
        updates: [
          { attributes: { OBJECTID: keep.attributes.OBJECTID, ...values, duplicate_of: removeId } },
        ],
        deletes: [remove.attributes.OBJECTID as number],
      },
      ...(options.alsoEdit ?? []),
    ],
    call,
  );
  return {
    kept: keepId,
    removed: removeId,
    camerasMoved: cameras.length,
    contactEntriesMoved: contacts.length,
    filled,
    differing,
  };
}
