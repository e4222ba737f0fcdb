/**
 * The portal's content operations a provisioning script uses, as ArcGIS Online documents
 * them: create a hosted feature service or view, check a service name, read items, search,
 * list a user's content, and share or unshare an item.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/create-service/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/check-service-name/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/item/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/search/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/user-content/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/share-item-as-item-owner/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/share-item-as-group-admin/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/unshare-item-as-item-owner/
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../core/errors.js';
import { SERVICE_NAME } from '../../core/schema/registry-schema.js';
import { SERVICE_OF_VIEW, viewOfService } from '../../core/schema/views.js';
import { notPermitted } from '../arcgis-error.js';
import type { Caller } from '../auth/accounts.js';
import { inWriteTransaction } from '../db/open-database.js';
import { describeService } from '../handlers/service-info.js';
import { boolParam, jsonParam, stringListParam, stringParam } from '../request-params.js';
import { send, serverRoot, type ServerContext } from '../routes/route-kit.js';
import {
  checkCreateParameters,
  DefinitionRefused,
  type DefinitionDifference,
} from './definition-check.js';
import { hostedService } from './hosted-services.js';
import { compileSearch, pageOf, type Searchable } from './portal-search.js';
import {
  allItems,
  findGroup,
  findItem,
  insertServiceItem,
  itemAccess,
  itemGroupIds,
  itemJson,
  memberTypeOf,
  newPortalId,
  ORG_ID,
  shareItem,
  unshareItem,
  type ItemRow,
} from './portal-store.js';

type Handler = (
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
) => FastifyReply | Promise<FastifyReply>;

const SERVICE_NAMES = Object.values(SERVICE_OF_VIEW);

/** The signed-in caller's username (the route policy admits only signed-in administrators). */
function callerName(request: FastifyRequest): string {
  const caller = request.caller;
  if (caller.kind !== 'user') throw notPermitted('Signed-in users only');
  return caller.username;
}

function pathParam(request: FastifyRequest, name: string): string {
  return ((request.params as Record<string, string | undefined>)[name] ?? '').trim();
}

/** `https://host/arcgis/rest/services`: where the items' services are. */
function servicesRoot(context: ServerContext, request: FastifyRequest): string {
  return `${serverRoot(context, request)}/arcgis/rest/services`;
}

const itemNotFound = (id: string): AppError =>
  new AppError(ErrorCode.InvalidInput, `Item '${id}' does not exist or is inaccessible.`, [], {
    field: 'id',
  });

/** The item `:id` names, or ArcGIS's answer for an item that is not there. */
function requireItem(request: FastifyRequest, context: ServerContext): ItemRow {
  const id = pathParam(request, 'id');
  const item = /^[0-9a-f]{32}$/i.test(id) ? findItem(context.db, id) : undefined;
  if (!item) throw itemNotFound(id);
  return item;
}

/** The user part of a `content/users/:user/...` URL must name the caller. */
function requireSelf(request: FastifyRequest): string {
  const username = callerName(request);
  if (pathParam(request, 'user').toLowerCase() !== username) {
    throw notPermitted(`content of ${pathParam(request, 'user')}`);
  }
  return username;
}

const SERVICE_NAME_PATTERN = /^[A-Za-z0-9_]{1,120}$/;

/**
 * `createService`: records the item of a hosted feature service (or, with `isView=true`, a
 * view of the source service), when `createParameters` names a service of the schema and
 * says what the schema says. Its layers come with `addToDefinition`.
 */
export const createService: Handler = (request, reply, context) => {
  const owner = requireSelf(request);
  const params = request.params_;
  const db = context.db;
  const outputType = stringParam(params, 'outputType');
  if (outputType !== 'featureService') {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Unable to create service.',
      [`'outputType' must be featureService; it is ${outputType ?? 'missing'}.`],
      { field: 'outputType' },
    );
  }
  let create: unknown;
  try {
    create = jsonParam(params, 'createParameters');
  } catch {
    create = undefined;
  }
  if (create === null || typeof create !== 'object' || Array.isArray(create)) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Unable to create service.',
      ["'createParameters' must be a JSON object."],
      { field: 'createParameters' },
    );
  }
  const createParameters = create as Record<string, unknown>;
  const name = createParameters.name;
  if (typeof name !== 'string' || !SERVICE_NAME_PATTERN.test(name)) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Unable to create service.',
      [
        'createParameters.name must be 1 to 120 letters, digits and underscores (no spaces or other characters).',
      ],
      { field: 'name' },
    );
  }
  const isView = boolParam(params, 'isView', false);
  const view = viewOfService(name);
  if (!view) {
    throw new DefinitionRefused('Unable to create service.', [
      {
        kind: 'unexpected',
        service: name,
        property: 'name',
        expected: SERVICE_NAMES,
        actual: name,
      },
    ]);
  }
  const canonical = SERVICE_OF_VIEW[view];
  if (hostedService(db, canonical)) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Unable to create service.',
      [`Service name '${canonical}' already exists for the organization.`],
      { field: 'name' },
    );
  }
  const differences: DefinitionDifference[] = [];
  if (isView !== (view !== 'source')) {
    differences.push({
      kind: 'differs',
      service: canonical,
      property: 'isView',
      expected: view !== 'source',
      actual: isView,
    });
  }
  if (view !== 'source' && !hostedService(db, SERVICE_NAME)) {
    differences.push({
      kind: 'missing',
      service: SERVICE_NAME,
      property: 'service',
      expected: SERVICE_NAME,
    });
  }
  differences.push(
    ...checkCreateParameters(canonical, createParameters, describeService(view, context)),
  );
  if (differences.length > 0) throw new DefinitionRefused('Unable to create service.', differences);
  const id = newPortalId();
  inWriteTransaction(db, () =>
    insertServiceItem(db, {
      id,
      owner,
      serviceName: canonical,
      isView,
      createParameters,
      description: stringParam(params, 'description'),
      snippet: stringParam(params, 'snippet'),
      tags: stringListParam(params, 'tags'),
      now: Date.now(),
    }),
  );
  const url = `${servicesRoot(context, request)}/${canonical}/FeatureServer`;
  const item = findItem(db, id);
  return send(reply, params, {
    encodedServiceURL: encodeURI(url),
    itemId: id,
    name: canonical,
    serviceItemId: id,
    serviceurl: url,
    size: -1,
    success: true,
    type: 'Feature Service',
    typeKeywords: item ? (JSON.parse(item.type_keywords) as string[]) : [],
    isView,
  });
};

const SERVICE_TYPES = ['feature service', 'map service'];

/** `portals/{id}/isServiceNameAvailable`: whether no service of that name and type exists. */
export const isServiceNameAvailable: Handler = (request, reply, context) => {
  const portal = pathParam(request, 'portal');
  if (portal !== 'self' && portal !== ORG_ID) {
    throw new AppError(ErrorCode.InvalidInput, `Portal '${portal}' does not exist.`, [], {
      field: 'portal',
    });
  }
  const params = request.params_;
  const name = stringParam(params, 'name');
  const type = stringParam(params, 'type') ?? stringParam(params, 'serviceType');
  if (!name) {
    throw new AppError(ErrorCode.InvalidInput, "'name' is required.", ['name'], { field: 'name' });
  }
  if (!type || !SERVICE_TYPES.includes(type.toLowerCase())) {
    throw new AppError(
      ErrorCode.InvalidInput,
      "'type' must be Feature Service or Map Service.",
      ['type'],
      { field: 'type' },
    );
  }
  const taken =
    type.toLowerCase() === 'feature service' && hostedService(context.db, name) !== undefined;
  return send(reply, params, { available: !taken });
};

/** `content/items/{id}`. */
export const getItem: Handler = (request, reply, context) =>
  send(
    reply,
    request.params_,
    itemJson(context.db, requireItem(request, context), servicesRoot(context, request)),
  );

/** `content/items/{id}/groups`: the groups an item is shared with, by the caller's membership. */
export const getItemGroups: Handler = (request, reply, context) => {
  const item = requireItem(request, context);
  const username = callerName(request);
  const answer: Record<'admin' | 'member' | 'other', unknown[]> = {
    admin: [],
    member: [],
    other: [],
  };
  for (const groupId of itemGroupIds(context.db, item.id)) {
    const group = findGroup(context.db, groupId);
    if (!group) continue;
    const type = memberTypeOf(context.db, group.id, username);
    const json = { id: group.id, title: group.title, owner: group.owner, access: group.access };
    if (type === 'owner' || type === 'admin') answer.admin.push(json);
    else if (type === 'member') answer.member.push(json);
    else answer.other.push(json);
  }
  return send(reply, request.params_, answer);
};

function searchableItem(context: ServerContext, item: ItemRow): Searchable {
  const lower = (values: readonly (string | null)[]) =>
    values.filter((v): v is string => v !== null).map((v) => v.toLowerCase());
  return {
    id: [item.id],
    owner: [item.owner],
    title: lower([item.title]),
    name: lower([item.service_name]),
    type: lower([item.type]),
    typekeywords: lower(JSON.parse(item.type_keywords) as string[]),
    tags: lower(JSON.parse(item.tags) as string[]),
    access: [itemAccess(context.db, item)],
    group: itemGroupIds(context.db, item.id),
    orgid: [ORG_ID],
    description: lower([item.description]),
    snippet: lower([item.snippet]),
  };
}

const ITEM_FIELDS = {
  exact: ['id', 'owner', 'name', 'type', 'typekeywords', 'tags', 'access', 'group', 'orgid'],
  phrase: ['title', 'description', 'snippet'],
  bare: ['title', 'name', 'tags', 'snippet', 'description'],
} as const;

const ITEM_SORT = {
  title: (item: ItemRow) => item.title.toLowerCase(),
  created: (item: ItemRow) => item.created,
  modified: (item: ItemRow) => item.modified,
  owner: (item: ItemRow) => item.owner,
  type: (item: ItemRow) => item.type,
};

/**
 * Whether a search shows the item to the caller, as ArcGIS Online decides: administrators see
 * every item; others their own, those shared with everyone, the organization or a group they
 * belong to. On this server a role, not an item share, is what opens a service (analysts the
 * source, officers the officer view), so those are found by role too.
 */
const SERVICE_OF_ROLE: Readonly<Record<string, string>> = {
  analyst: SERVICE_NAME,
  officer: SERVICE_OF_VIEW.officer,
};

function visibleTo(context: ServerContext, item: ItemRow, caller: Caller): boolean {
  if (caller.kind !== 'user') return item.everyone === 1;
  if (caller.role === 'admin' || item.owner === caller.username) return true;
  if (item.everyone === 1 || item.org === 1) return true;
  const member = itemGroupIds(context.db, item.id).some(
    (group) => memberTypeOf(context.db, group, caller.username) !== undefined,
  );
  return member || item.service_name === SERVICE_OF_ROLE[caller.role];
}

/** `search`: the organization's items that match `q` and that the caller may see. */
export const searchItems: Handler = (request, reply, context) => {
  const params = request.params_;
  const q = stringParam(params, 'q');
  if (!q) throw new AppError(ErrorCode.InvalidInput, "'q' is required.", ['q'], { field: 'q' });
  const matches = compileSearch(q, ITEM_FIELDS);
  const found = allItems(context.db).filter(
    (item) => visibleTo(context, item, request.caller) && matches(searchableItem(context, item)),
  );
  const page = pageOf(params, found, ITEM_SORT);
  const root = servicesRoot(context, request);
  return send(reply, params, {
    ...page,
    results: page.results.map((item) => itemJson(context.db, item, root)),
  });
};

/** `content/users/{user}`: the items a user owns (no folders here). */
export const userContent: Handler = (request, reply, context) => {
  const params = request.params_;
  const username = pathParam(request, 'user').toLowerCase();
  const owned = allItems(context.db).filter((item) => item.owner === username);
  const page = pageOf(params, owned, ITEM_SORT);
  const root = servicesRoot(context, request);
  return send(reply, params, {
    username,
    total: page.total,
    start: page.start,
    num: page.num,
    nextStart: page.nextStart,
    currentFolder: null,
    items: page.results.map((item) => itemJson(context.db, item, root)),
    folders: [],
  });
};

/** Group ids from a `groups` parameter; a blank one (`" "`, as for "make private") is none. */
function groupsParam(request: FastifyRequest): string[] {
  return stringListParam(request.params_, 'groups') ?? [];
}

/** The item a `content/users/:user/items/:id/...` URL names; the user must be its owner. */
function requireOwnedItem(request: FastifyRequest, context: ServerContext): ItemRow {
  const item = requireItem(request, context);
  if (pathParam(request, 'user').toLowerCase() !== item.owner) throw itemNotFound(item.id);
  return item;
}

function optionalBool(request: FastifyRequest, name: string): boolean | undefined {
  return stringParam(request.params_, name) === undefined
    ? undefined
    : boolParam(request.params_, name, false);
}

/**
 * `content/users/{owner}/items/{id}/share`: sets the sharing flags sent (`everyone`, `org`,
 * or the older `account` for the organization) and shares with the groups that exist; an
 * administrator may share on the owner's behalf.
 */
export const shareAsOwner: Handler = (request, reply, context) => {
  const item = requireOwnedItem(request, context);
  const groups = groupsParam(request);
  boolParam(request.params_, 'confirmItemControl', false);
  const everyone = optionalBool(request, 'everyone');
  const org = optionalBool(request, 'org') ?? optionalBool(request, 'account');
  const { notSharedWith } = inWriteTransaction(context.db, () =>
    shareItem(context.db, item.id, { everyone, org, groups }, Date.now()),
  );
  return send(reply, request.params_, { notSharedWith, itemId: item.id });
};

/** `content/items/{id}/share`: shares with groups only (the group-administrator form). */
export const shareAsGroupAdmin: Handler = (request, reply, context) => {
  const item = requireItem(request, context);
  const groups = groupsParam(request);
  if (groups.length === 0) {
    throw new AppError(ErrorCode.InvalidInput, "'groups' is required.", ['groups'], {
      field: 'groups',
    });
  }
  boolParam(request.params_, 'confirmItemControl', false);
  const { notSharedWith } = inWriteTransaction(context.db, () =>
    shareItem(context.db, item.id, { groups }, Date.now()),
  );
  return send(reply, request.params_, { notSharedWith, itemId: item.id });
};

/** `content/users/{owner}/items/{id}/unshare`: stops sharing with the groups named. */
export const unshareAsOwner: Handler = (request, reply, context) => {
  const item = requireOwnedItem(request, context);
  const groups = groupsParam(request);
  if (groups.length === 0) {
    throw new AppError(ErrorCode.InvalidInput, "'groups' is required.", ['groups'], {
      field: 'groups',
    });
  }
  const { notUnsharedFrom } = inWriteTransaction(context.db, () =>
    unshareItem(context.db, item.id, groups),
  );
  return send(reply, request.params_, { notUnsharedFrom, itemId: item.id });
};
