/**
 * Drift between the plan (the core schema) and a live portal, field by field: a missing
 * service, layer or field, a field whose type, alias, length, nullability, editability or
 * domain differs, a view whose source, fields or definition query differ, a missing group,
 * and sharing that is not the plan's. Reported as data; nothing is changed.
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import type { LayerPlan, PlannedField, ProvisionPlan, ServicePlan, SharingPlan } from './plan.js';
import {
  adminService,
  connect,
  findGroup,
  findServiceItem,
  isServiceNameAvailable,
  itemSharing,
  type ItemSharing,
  type PortalSession,
} from './portal-client.js';

export type DriftKind =
  | 'missing-group'
  | 'missing-service'
  | 'missing-layer'
  | 'missing-field'
  | 'unexpected-field'
  /** A field property (`property`: type, alias, length, nullable, editable, domain) differs. */
  | 'field-differs'
  /** A layer property (`property`: capabilities) differs. */
  | 'layer-differs'
  | 'view-query-differs'
  /** A view layer shows another service or layer than the plan's. */
  | 'view-source-differs'
  /** The item's `access`, or its groups (`property`), are not the plan's. */
  | 'sharing-differs';

export interface Drift {
  readonly kind: DriftKind;
  /** The service (or, for a missing group, the group's title). */
  readonly service: string;
  readonly layer?: string;
  readonly field?: string;
  readonly property?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

export interface DriftReport {
  /** True when the live portal is what the plan says. */
  readonly clean: boolean;
  readonly drift: readonly Drift[];
}

/** Equality of JSON values, object keys in any order (portals reorder keys freely). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function capabilitySet(value: unknown): string {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((word) => word.trim().toLowerCase())
        .filter((word) => word !== '')
        .sort()
        .join(',')
    : '';
}

const normalizeQuery = (query: unknown): string =>
  typeof query === 'string' ? query.trim().replace(/\s+/g, ' ') : '';

type Json = Record<string, unknown>;

const FIELD_PROPERTIES = ['type', 'alias', 'length', 'nullable', 'editable', 'domain'] as const;

function compareFields(
  service: ServicePlan,
  layer: LayerPlan,
  live: readonly Json[],
  properties: readonly (typeof FIELD_PROPERTIES)[number][],
): Drift[] {
  const drift: Drift[] = [];
  const byName = new Map(live.map((field) => [String(field.name).toLowerCase(), field]));
  for (const planned of layer.fields) {
    const key = planned.name.toLowerCase();
    const got = byName.get(key);
    byName.delete(key);
    const where = { service: service.name, layer: layer.name, field: planned.name };
    if (!got) {
      drift.push({ kind: 'missing-field', ...where });
      continue;
    }
    for (const property of properties) {
      const wanted = planned[property as keyof PlannedField];
      if (property === 'length' && wanted === undefined) continue;
      const actual = property === 'domain' ? (got.domain ?? null) : got[property];
      if (!sameJson(wanted, actual))
        drift.push({ kind: 'field-differs', ...where, property, expected: wanted, actual });
    }
  }
  for (const field of byName.values()) {
    drift.push({
      kind: 'unexpected-field',
      service: service.name,
      layer: layer.name,
      field: String(field.name),
    });
  }
  return drift;
}

/**
 * Differences between a planned service and its administrative JSON (`rest/admin/services/
 * <name>/FeatureServer`, every layer in full). For the source every field property counts;
 * a view's fields come from the source, so for a view the fields it shows, their aliases, its
 * source and its definition query count.
 */
export function compareService(service: ServicePlan, admin: Json): Drift[] {
  const live = [
    ...((admin.layers as Json[] | undefined) ?? []),
    ...((admin.tables as Json[] | undefined) ?? []),
  ];
  const byName = new Map(live.map((layer) => [String(layer.name).toLowerCase(), layer]));
  const drift: Drift[] = [];
  for (const layer of service.layers) {
    const got = byName.get(layer.name.toLowerCase());
    const where = { service: service.name, layer: layer.name };
    if (!got) {
      drift.push({ kind: 'missing-layer', ...where });
      continue;
    }
    if (capabilitySet(got.capabilities) !== capabilitySet(layer.capabilities)) {
      drift.push({
        kind: 'layer-differs',
        ...where,
        property: 'capabilities',
        expected: layer.capabilities,
        actual: got.capabilities,
      });
    }
    const fields = (got.fields as Json[] | undefined) ?? [];
    if (!service.isView) {
      drift.push(...compareFields(service, layer, fields, FIELD_PROPERTIES));
      continue;
    }
    drift.push(...compareFields(service, layer, fields, ['alias']));
    const definition = ((got.adminLayerInfo as Json | undefined)?.viewLayerDefinition ??
      {}) as Json;
    const source = String(definition.sourceServiceName ?? '');
    if (
      source.toLowerCase() !== (service.sourceServiceName ?? '').toLowerCase() ||
      definition.sourceLayerId !== layer.id
    ) {
      drift.push({
        kind: 'view-source-differs',
        ...where,
        expected: { sourceServiceName: service.sourceServiceName, sourceLayerId: layer.id },
        actual: {
          sourceServiceName: definition.sourceServiceName,
          sourceLayerId: definition.sourceLayerId,
        },
      });
    }
    if (normalizeQuery(got.viewDefinitionQuery) !== normalizeQuery(layer.viewDefinitionQuery)) {
      drift.push({
        kind: 'view-query-differs',
        ...where,
        property: 'viewDefinitionQuery',
        expected: layer.viewDefinitionQuery ?? '',
        actual: got.viewDefinitionQuery ?? '',
      });
    }
  }
  return drift;
}

/** The `access` an item shared as `sharing` says has (ArcGIS shows only the highest level). */
export function accessOf(sharing: SharingPlan): string {
  if (sharing.everyone) return 'public';
  if (sharing.org) return 'org';
  return sharing.groups.length > 0 ? 'shared' : 'private';
}

/**
 * Differences between a planned item's sharing and the live one. `groupIds` maps the plan's
 * group titles to their ids (absent: the group does not exist). Groups beyond the plan's count
 * only for an item the plan keeps private.
 */
export function compareSharing(
  service: ServicePlan,
  live: ItemSharing,
  groupIds: ReadonlyMap<string, string | undefined>,
): Drift[] {
  const drift: Drift[] = [];
  const access = accessOf(service.sharing);
  if (live.access !== access) {
    drift.push({
      kind: 'sharing-differs',
      service: service.name,
      property: 'access',
      expected: access,
      actual: live.access,
    });
  }
  const wanted = service.sharing.groups.map((title) => groupIds.get(title));
  const missing = service.sharing.groups.filter((_, i) => {
    const id = wanted[i];
    return id === undefined || !live.groupIds.includes(id);
  });
  const extra =
    service.sharing.groups.length === 0 && !service.sharing.everyone && !service.sharing.org
      ? live.groupIds
      : [];
  if (missing.length > 0 || extra.length > 0) {
    drift.push({
      kind: 'sharing-differs',
      service: service.name,
      property: 'groups',
      expected: service.sharing.groups,
      actual: live.groupIds,
    });
  }
  return drift;
}

async function groupIdsOf(
  session: PortalSession,
  plan: ProvisionPlan,
  drift: Drift[],
): Promise<Map<string, string | undefined>> {
  const ids = new Map<string, string | undefined>();
  for (const group of plan.groups) {
    const found = await findGroup(session, group.title);
    ids.set(group.title, found?.id);
    if (!found) drift.push({ kind: 'missing-group', service: group.title });
  }
  return ids;
}

/** Reads the live portal and reports every difference from the plan. */
export async function checkDrift(
  authentication: IAuthenticationManager,
  plan: ProvisionPlan,
): Promise<DriftReport> {
  const session = await connect(authentication);
  const drift: Drift[] = [];
  const groupIds = await groupIdsOf(session, plan, drift);
  for (const service of plan.services) {
    const item = (await isServiceNameAvailable(session, service.name))
      ? undefined
      : await findServiceItem(session, service.name);
    if (!item?.url) {
      drift.push({ kind: 'missing-service', service: service.name });
      continue;
    }
    drift.push(...compareService(service, await adminService(session, item.url)));
    drift.push(...compareSharing(service, await itemSharing(session, item.id), groupIds));
  }
  return { clean: drift.length === 0, drift };
}
