/**
 * The portal calls provisioning makes, each one documented ArcGIS REST operation through
 * arcgis-rest-js, with failures turned into {@link ProvisionError}s that carry the answer's
 * data (its code and, from the local server, the `differences` a refused definition had).
 */
import {
  addToServiceDefinition,
  createFeatureService,
  updateServiceDefinition,
  type ILayerDefinition,
} from '@esri/arcgis-rest-feature-service';
import {
  createGroup,
  getItem,
  getItemGroups,
  searchGroups,
  searchItems,
  type IGroup,
  type IItem,
} from '@esri/arcgis-rest-portal';
import {
  request,
  type ArcGISIdentityManager,
  type IAuthenticationManager,
} from '@esri/arcgis-rest-request';
import { AppError, ErrorCode, errorCodeFromArcgis } from '../../core/errors.js';
import type { GroupPlan, ServicePlan } from './plan.js';

/** A difference the portal reported for a refused definition (the local server's `differences`). */
export interface ReportedDifference {
  readonly kind: string;
  readonly service: string;
  readonly layer?: string;
  readonly field?: string;
  readonly property: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

/** A portal call that failed, with what the portal said as data. */
export class ProvisionError extends AppError {
  /** What was being done (`create service CommunityCameras`). */
  readonly action: string;
  readonly differences: readonly ReportedDifference[];
  constructor(
    code: ErrorCode,
    action: string,
    message: string,
    details: readonly string[],
    differences: readonly ReportedDifference[],
    cause: unknown,
  ) {
    super(code, `${action}: ${message}`, details, { cause });
    this.action = action;
    this.differences = differences;
  }
}

interface ErrorBody {
  readonly code?: number | string;
  readonly message?: string;
  readonly details?: readonly unknown[];
  readonly differences?: readonly ReportedDifference[];
}

function toProvisionError(action: string, error: unknown): ProvisionError {
  if (error instanceof ProvisionError) return error;
  const thrown = error as { response?: { error?: ErrorBody }; code?: unknown; message?: unknown };
  const body = thrown?.response?.error;
  const raw = body?.code ?? (typeof thrown?.code === 'number' ? thrown.code : undefined);
  const code =
    raw !== undefined
      ? errorCodeFromArcgis(raw)
      : error instanceof TypeError
        ? ErrorCode.Network
        : ErrorCode.Service;
  const message =
    body?.message ?? (typeof thrown?.message === 'string' ? thrown.message : 'failed');
  const details = (body?.details ?? []).filter((d): d is string => typeof d === 'string');
  return new ProvisionError(code, action, message, details, body?.differences ?? [], error);
}

async function attempt<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toProvisionError(action, error);
  }
}

/** A signed-in portal: the session, the portal's sharing URL and who is signed in. */
export interface PortalSession {
  readonly authentication: IAuthenticationManager;
  /** `https://city.maps.arcgis.com/sharing/rest`. */
  readonly portal: string;
  readonly username: string;
}

/**
 * rest-js types its admin helpers for user sessions; they only ask the manager for tokens,
 * which any authentication manager gives.
 */
const asUserSession = (authentication: IAuthenticationManager) =>
  authentication as ArcGISIdentityManager;

/** Who the session belongs to (`community/self`). */
export async function connect(authentication: IAuthenticationManager): Promise<PortalSession> {
  const portal = authentication.portal.replace(/\/+$/, '');
  const self = await attempt('read the signed-in user', () =>
    request(`${portal}/community/self`, { authentication, httpMethod: 'GET' }),
  );
  const username = (self as { username?: unknown }).username;
  if (typeof username !== 'string' || username === '') {
    throw new ProvisionError(
      ErrorCode.AuthRequired,
      'read the signed-in user',
      'the portal names no signed-in user',
      [],
      [],
      undefined,
    );
  }
  return { authentication, portal, username };
}

/** The group of that title (any case), if the caller can see it. */
export async function findGroup(
  session: PortalSession,
  title: string,
): Promise<IGroup | undefined> {
  const found = await attempt(`find group ${title}`, () =>
    searchGroups({ q: `title:"${title}"`, num: 100, authentication: session.authentication }),
  );
  return found.results.find((group) => group.title.toLowerCase() === title.toLowerCase());
}

export async function createGroupFrom(session: PortalSession, plan: GroupPlan): Promise<IGroup> {
  const created = await attempt(`create group ${plan.title}`, () =>
    createGroup({
      group: {
        title: plan.title,
        access: plan.access,
        description: plan.description,
        snippet: plan.snippet,
        tags: [...plan.tags],
        isInvitationOnly: plan.isInvitationOnly,
      },
      authentication: session.authentication,
    }),
  );
  return created.group;
}

/** Whether no Feature Service of that name exists in the organization. */
export async function isServiceNameAvailable(
  session: PortalSession,
  name: string,
): Promise<boolean> {
  const answer = await attempt(`check service name ${name}`, () =>
    request(`${session.portal}/portals/self/isServiceNameAvailable`, {
      params: { name, type: 'Feature Service' },
      httpMethod: 'GET',
      authentication: session.authentication,
    }),
  );
  return (answer as { available?: unknown }).available === true;
}

/** The service name in a Feature Service URL (`…/rest/services/<name>/FeatureServer`). */
export function serviceNameOfUrl(url: string | undefined): string | undefined {
  return /\/rest\/services\/([^/]+)\/FeatureServer\/?$/i.exec(url ?? '')?.[1];
}

/**
 * The item of the hosted service `name`: found by title, else among the caller's own
 * Feature Services, and recognized by its URL (titles can be renamed; service names cannot).
 */
export async function findServiceItem(
  session: PortalSession,
  name: string,
): Promise<IItem | undefined> {
  const matches = (item: IItem) => serviceNameOfUrl(item.url)?.toLowerCase() === name.toLowerCase();
  for (const q of [
    `title:"${name}" AND type:"Feature Service"`,
    `owner:"${session.username}" AND type:"Feature Service"`,
  ]) {
    const found = await attempt(`find the item of ${name}`, () =>
      searchItems({ q, num: 100, authentication: session.authentication }),
    );
    const item = found.results.find(matches);
    if (item) return item;
  }
  return undefined;
}

export interface CreatedService {
  readonly itemId: string;
  readonly url: string;
}

export async function createService(
  session: PortalSession,
  plan: ServicePlan,
): Promise<CreatedService> {
  const created = await attempt(`create service ${plan.name}`, () =>
    createFeatureService({
      item: plan.createParameters,
      owner: session.username,
      // rest-js posts only `params`: `isView` must go there to reach createService.
      params: { isView: plan.isView },
      isView: plan.isView,
      authentication: session.authentication,
    }),
  );
  return { itemId: created.itemId, url: created.serviceurl };
}

/** The service as its administrators see it: every layer in full, with its admin info. */
export async function adminService(
  session: PortalSession,
  url: string,
): Promise<Record<string, unknown>> {
  const adminUrl = url.replace(/\/rest\/services\//i, '/rest/admin/services/');
  return attempt(`read the definition of ${serviceNameOfUrl(url) ?? url}`, () =>
    request(adminUrl, { httpMethod: 'GET', authentication: session.authentication }),
  ) as Promise<Record<string, unknown>>;
}

export async function addLayers(
  session: PortalSession,
  plan: ServicePlan,
  url: string,
  layers: readonly { list: 'layers' | 'tables'; definition: Record<string, unknown> }[],
): Promise<void> {
  const pick = (list: 'layers' | 'tables') =>
    layers.filter((l) => l.list === list).map((l) => l.definition as unknown as ILayerDefinition);
  await attempt(`add layers to ${plan.name}`, () =>
    addToServiceDefinition(url, {
      layers: pick('layers'),
      tables: pick('tables'),
      authentication: asUserSession(session.authentication),
    }),
  );
}

/** Sets field aliases on one layer (`updateDefinition` on the layer). */
export async function updateAliases(
  session: PortalSession,
  url: string,
  layerId: number,
  fields: readonly { name: string; alias: string }[],
): Promise<void> {
  await attempt(`update aliases in ${serviceNameOfUrl(url) ?? url}/${layerId}`, () =>
    updateServiceDefinition(`${url}/${layerId}`, {
      // A layer's definition (its fields), which rest-js types as a service definition.
      params: {
        updateDefinition: { fields: fields.map((f) => ({ name: f.name, alias: f.alias })) },
      },
      authentication: asUserSession(session.authentication),
    }),
  );
}

export interface ItemSharing {
  readonly access: string;
  readonly groupIds: readonly string[];
}

export async function itemSharing(session: PortalSession, itemId: string): Promise<ItemSharing> {
  const item = await attempt(`read item ${itemId}`, () =>
    getItem(itemId, { authentication: session.authentication }),
  );
  const groups = (await attempt(`read the groups of item ${itemId}`, () =>
    getItemGroups(itemId, { authentication: session.authentication }),
  )) as { admin?: IGroup[]; member?: IGroup[]; other?: IGroup[] };
  const all = [...(groups.admin ?? []), ...(groups.member ?? []), ...(groups.other ?? [])];
  return { access: item.access ?? 'private', groupIds: all.map((g) => g.id) };
}

/**
 * Shares an item as its owner (an administrator may, on the owner's behalf): `everyone` and
 * `org` as given, and the groups listed (`share-item-as-item-owner`).
 */
export async function shareItem(
  session: PortalSession,
  item: { id: string; owner: string },
  sharing: { everyone: boolean; org: boolean; groups: readonly string[] },
): Promise<void> {
  const answer = (await attempt(`share item ${item.id}`, () =>
    request(
      `${session.portal}/content/users/${encodeURIComponent(item.owner)}/items/${item.id}/share`,
      {
        params: {
          everyone: sharing.everyone,
          org: sharing.org,
          groups: sharing.groups.length > 0 ? sharing.groups.join(',') : ' ',
        },
        authentication: session.authentication,
      },
    ),
  )) as { notSharedWith?: string[] };
  if ((answer.notSharedWith ?? []).length > 0) {
    throw new ProvisionError(
      ErrorCode.Service,
      `share item ${item.id}`,
      'the item could not be shared with every group',
      answer.notSharedWith ?? [],
      [],
      undefined,
    );
  }
}

/** Stops sharing an item with groups, as its owner (`unshare-item-as-item-owner`). */
export async function unshareItem(
  session: PortalSession,
  item: { id: string; owner: string },
  groups: readonly string[],
): Promise<void> {
  await attempt(`unshare item ${item.id}`, () =>
    request(
      `${session.portal}/content/users/${encodeURIComponent(item.owner)}/items/${item.id}/unshare`,
      { params: { groups: groups.join(',') }, authentication: session.authentication },
    ),
  );
}
