/**
 * Provisioning: brings a portal to the plan, doing only what is missing. It reads what exists
 * (the service names, the items, each service's layers, the groups and the sharing), then
 * creates the officers' group, each service, its missing layers and tables, restores field
 * aliases that differ from the plan, and shares each item as planned. Every step reports
 * `done`, `already` (nothing to do) or, in a dry run, `would-do`; a second run reports
 * everything `already`.
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import { ErrorCode } from '../../core/errors.js';
import { accessOf, compareService, type Drift } from './check.js';
import type { LayerPlan, ProvisionPlan, ServicePlan } from './plan.js';
import {
  addLayers,
  adminService,
  connect,
  createGroupFrom,
  createService,
  findGroup,
  findServiceItem,
  isServiceNameAvailable,
  itemSharing,
  ProvisionError,
  shareItem,
  unshareItem,
  updateAliases,
  type PortalSession,
} from './portal-client.js';

export type StepStatus = 'done' | 'already' | 'would-do';

export type StepKind =
  'create-group' | 'create-service' | 'add-layers' | 'restore-aliases' | 'share';

export interface ProvisionStep {
  readonly kind: StepKind;
  /** The group title or service name the step is about. */
  readonly target: string;
  readonly status: StepStatus;
  /** One line for people (`add to CommunityCameras: Sites, Cameras, ContactLog`). */
  readonly summary: string;
  /** The layers added, the fields whose aliases were restored, the groups shared with. */
  readonly details: readonly string[];
}

export interface ProvisionOptions {
  /** Read only: report what would be done, change nothing. */
  readonly dryRun?: boolean;
  /** Called with each step as it completes (progress output). */
  readonly onStep?: (step: ProvisionStep) => void;
}

export interface ProvisionedService {
  readonly name: string;
  /** Absent when a dry run found the service missing. */
  readonly itemId?: string;
  readonly url?: string;
}

export interface ProvisionResult {
  readonly steps: readonly ProvisionStep[];
  /** False when every step was already in place: nothing changed (or, dry, nothing would). */
  readonly changed: boolean;
  readonly services: readonly ProvisionedService[];
}

interface Run {
  readonly session: PortalSession;
  readonly dryRun: boolean;
  readonly steps: ProvisionStep[];
  readonly onStep: ((step: ProvisionStep) => void) | undefined;
}

function record(run: Run, step: ProvisionStep): void {
  run.steps.push(step);
  run.onStep?.(step);
}

/** `done`, or `would-do` in a dry run, after running `work` unless dry. */
async function change(run: Run, work: () => Promise<void>): Promise<StepStatus> {
  if (run.dryRun) return 'would-do';
  await work();
  return 'done';
}

function layerList(layers: readonly LayerPlan[]): string[] {
  return layers.map((layer) => layer.name);
}

async function ensureGroups(
  run: Run,
  plan: ProvisionPlan,
): Promise<Map<string, string | undefined>> {
  const ids = new Map<string, string | undefined>();
  for (const group of plan.groups) {
    const found = await findGroup(run.session, group.title);
    let id = found?.id;
    const status = found
      ? 'already'
      : await change(run, async () => {
          id = (await createGroupFrom(run.session, group)).id;
        });
    ids.set(group.title, id);
    record(run, {
      kind: 'create-group',
      target: group.title,
      status,
      summary: `group "${group.title}"`,
      details: [],
    });
  }
  return ids;
}

interface Located {
  readonly itemId: string | undefined;
  readonly owner: string | undefined;
  readonly url: string | undefined;
  readonly created: boolean;
}

async function ensureService(run: Run, service: ServicePlan): Promise<Located> {
  const summary = service.isView
    ? `service ${service.name} (a view of ${service.sourceServiceName ?? ''})`
    : `service ${service.name}`;
  if (!(await isServiceNameAvailable(run.session, service.name))) {
    const item = await findServiceItem(run.session, service.name);
    if (!item?.url) {
      throw new ProvisionError(
        ErrorCode.Conflict,
        `create service ${service.name}`,
        'a service of this name exists, but its item cannot be found by this account',
        [],
        [],
        undefined,
      );
    }
    record(run, {
      kind: 'create-service',
      target: service.name,
      status: 'already',
      summary,
      details: [],
    });
    return { itemId: item.id, owner: item.owner, url: item.url, created: false };
  }
  let located: Located = { itemId: undefined, owner: undefined, url: undefined, created: true };
  const status = await change(run, async () => {
    const created = await createService(run.session, service);
    located = {
      itemId: created.itemId,
      owner: run.session.username,
      url: created.url,
      created: true,
    };
  });
  record(run, { kind: 'create-service', target: service.name, status, summary, details: [] });
  return located;
}

/** Names (lower case) of the layers and tables in a service's administrative JSON. */
function layerNames(admin: Record<string, unknown> | undefined): Set<string> {
  const entries = [
    ...((admin?.layers as { name: string }[] | undefined) ?? []),
    ...((admin?.tables as { name: string }[] | undefined) ?? []),
  ];
  return new Set(entries.map((entry) => String(entry.name).toLowerCase()));
}

async function ensureLayers(
  run: Run,
  service: ServicePlan,
  url: string | undefined,
  admin: Record<string, unknown> | undefined,
): Promise<void> {
  const present = layerNames(admin);
  const missing = service.layers.filter((layer) => !present.has(layer.name.toLowerCase()));
  const details = layerList(missing);
  const status =
    missing.length === 0
      ? 'already'
      : await change(run, () => addLayers(run.session, service, url ?? '', missing));
  record(run, {
    kind: 'add-layers',
    target: service.name,
    status,
    summary:
      missing.length === 0
        ? `${service.name}: every layer and table in place`
        : `add to ${service.name}: ${details.join(', ')}`,
    details,
  });
}

/** Field aliases that differ from the plan (someone renamed a field by hand), by layer. */
function aliasDrift(drift: readonly Drift[], service: ServicePlan): Map<LayerPlan, Drift[]> {
  const byLayer = new Map<LayerPlan, Drift[]>();
  for (const entry of drift) {
    if (entry.kind !== 'field-differs' || entry.property !== 'alias') continue;
    const layer = service.layers.find((l) => l.name === entry.layer);
    if (!layer) continue;
    byLayer.set(layer, [...(byLayer.get(layer) ?? []), entry]);
  }
  return byLayer;
}

async function restoreAliases(
  run: Run,
  service: ServicePlan,
  url: string,
  admin: Record<string, unknown>,
): Promise<void> {
  const drift = compareService(service, admin);
  const byLayer = aliasDrift(drift, service);
  const details = [...byLayer].flatMap(([layer, entries]) =>
    entries.map((entry) => `${layer.name}.${entry.field ?? ''}`),
  );
  const status =
    byLayer.size === 0
      ? 'already'
      : await change(run, async () => {
          for (const [layer, entries] of byLayer) {
            const fields = entries.map((entry) => ({
              name: entry.field ?? '',
              alias: String(entry.expected),
            }));
            await updateAliases(run.session, url, layer.id, fields);
          }
        });
  record(run, {
    kind: 'restore-aliases',
    target: service.name,
    status,
    summary:
      byLayer.size === 0
        ? `${service.name}: field aliases as planned`
        : `restore aliases in ${service.name}: ${details.join(', ')}`,
    details,
  });
}

function sharingWords(service: ServicePlan): string {
  const parts = [
    ...(service.sharing.everyone ? ['everyone'] : []),
    ...(service.sharing.org ? ['the organization'] : []),
    ...service.sharing.groups.map((title) => `group "${title}"`),
  ];
  return parts.length === 0 ? 'nobody (private)' : parts.join(', ');
}

async function ensureSharing(
  run: Run,
  service: ServicePlan,
  located: Located,
  groupIds: ReadonlyMap<string, string | undefined>,
): Promise<void> {
  const wanted = service.sharing.groups.map((title) => groupIds.get(title));
  const live =
    located.itemId === undefined ? undefined : await itemSharing(run.session, located.itemId);
  const missingGroups = wanted.filter(
    (id) => id === undefined || !(live?.groupIds ?? []).includes(id),
  );
  const isPrivate = accessOf(service.sharing) === 'private';
  const extraGroups = isPrivate ? (live?.groupIds ?? []) : [];
  const accessRight = live !== undefined && live.access === accessOf(service.sharing);
  const inPlace =
    live !== undefined && accessRight && missingGroups.length === 0 && extraGroups.length === 0;
  const status = inPlace
    ? 'already'
    : await change(run, async () => {
        const item = { id: located.itemId ?? '', owner: located.owner ?? run.session.username };
        if (extraGroups.length > 0) await unshareItem(run.session, item, extraGroups);
        await shareItem(run.session, item, {
          everyone: service.sharing.everyone,
          org: service.sharing.org,
          groups: wanted.filter((id): id is string => id !== undefined),
        });
      });
  record(run, {
    kind: 'share',
    target: service.name,
    status,
    summary: `${service.name} shared with ${sharingWords(service)}`,
    details: service.sharing.groups,
  });
}

/**
 * Brings the portal `authentication` signs in to to the plan. Throws a {@link ProvisionError}
 * (with the portal's `differences` when it refused a definition) at the first failed call;
 * the steps completed before it stay done, and a rerun continues from there.
 */
export async function provision(
  authentication: IAuthenticationManager,
  plan: ProvisionPlan,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const run: Run = {
    session: await connect(authentication),
    dryRun: options.dryRun ?? false,
    steps: [],
    onStep: options.onStep,
  };
  const groupIds = await ensureGroups(run, plan);
  const services: ProvisionedService[] = [];
  for (const service of plan.services) {
    const located = await ensureService(run, service);
    // The administrative JSON: owners and administrators read every layer there, views included.
    const admin = located.url ? await adminService(run.session, located.url) : undefined;
    await ensureLayers(run, service, located.url, admin);
    if (!located.created && located.url && admin)
      await restoreAliases(run, service, located.url, admin);
    await ensureSharing(run, service, located, groupIds);
    services.push({
      name: service.name,
      ...(located.itemId === undefined ? {} : { itemId: located.itemId }),
      ...(located.url === undefined ? {} : { url: located.url }),
    });
  }
  return {
    steps: run.steps,
    changed: run.steps.some((step) => step.status !== 'already'),
    services,
  };
}
