/**
 * The portal's group operations a provisioning script uses, as ArcGIS Online documents them:
 * create a group, search groups, read one, and add users to it.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/create-group/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/group-search/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/group/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/add-users-to-group/
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../core/errors.js';
import { notPermitted } from '../arcgis-error.js';
import { inWriteTransaction } from '../db/open-database.js';
import { boolParam, stringListParam, stringParam } from '../request-params.js';
import { send, type ServerContext } from '../routes/route-kit.js';
import { compileSearch, pageOf, type Searchable } from './portal-search.js';
import {
  addGroupMembers,
  allGroups,
  findGroup,
  findGroupByTitle,
  groupJson,
  insertGroup,
  memberTypeOf,
  newPortalId,
  ORG_ID,
  type GroupAccess,
  type GroupRow,
} from './portal-store.js';

type Handler = (
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
) => FastifyReply | Promise<FastifyReply>;

/** Users `addUsers` takes in one request, as ArcGIS Online documents. */
export const MAX_USERS_PER_ADD = 25;
const MAX_TITLE_LENGTH = 250;

function callerName(request: FastifyRequest): string {
  const caller = request.caller;
  if (caller.kind !== 'user') throw notPermitted('Signed-in users only');
  return caller.username;
}

/** `access` as ArcGIS takes it; `account` is the older word for the organization. */
function accessParam(request: FastifyRequest): GroupAccess {
  const value = stringParam(request.params_, 'access')?.toLowerCase() ?? 'private';
  if (value === 'account') return 'org';
  if (value === 'private' || value === 'org' || value === 'public') return value;
  throw new AppError(
    ErrorCode.InvalidInput,
    "'access' must be private, org or public.",
    ['access'],
    { field: 'access' },
  );
}

/** `community/createGroup`: the caller becomes the group's owner. Titles are unique in the organization. */
export const createGroup: Handler = (request, reply, context) => {
  const owner = callerName(request);
  const params = request.params_;
  const title = stringParam(params, 'title');
  if (!title || title.length > MAX_TITLE_LENGTH) {
    throw new AppError(
      ErrorCode.InvalidInput,
      `'title' is required, at most ${MAX_TITLE_LENGTH} characters.`,
      ['title'],
      { field: 'title' },
    );
  }
  const access = accessParam(request);
  const isInvitationOnly = boolParam(params, 'isInvitationOnly', false);
  if (findGroupByTitle(context.db, title)) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Unable to create group.',
      [`A group titled '${title}' already exists in the organization.`],
      { field: 'title' },
    );
  }
  const id = newPortalId();
  inWriteTransaction(context.db, () =>
    insertGroup(context.db, {
      id,
      title,
      owner,
      description: stringParam(params, 'description'),
      snippet: stringParam(params, 'snippet'),
      tags: stringListParam(params, 'tags'),
      access,
      isInvitationOnly,
      now: Date.now(),
    }),
  );
  const group = findGroup(context.db, id) as GroupRow;
  return send(reply, params, { success: true, group: groupJson(group) });
};

const GROUP_FIELDS = {
  exact: ['id', 'owner', 'tags', 'access', 'orgid'],
  phrase: ['title', 'description', 'snippet'],
  bare: ['title', 'tags', 'snippet', 'description'],
} as const;

const GROUP_SORT = {
  title: (group: GroupRow) => group.title.toLowerCase(),
  owner: (group: GroupRow) => group.owner,
  created: (group: GroupRow) => group.created,
  modified: (group: GroupRow) => group.modified,
};

function searchableGroup(group: GroupRow): Searchable {
  const lower = (values: readonly (string | null)[]) =>
    values.filter((v): v is string => v !== null).map((v) => v.toLowerCase());
  return {
    id: [group.id],
    owner: [group.owner],
    title: lower([group.title]),
    tags: lower(JSON.parse(group.tags) as string[]),
    access: [group.access],
    orgid: [ORG_ID],
    description: lower([group.description]),
    snippet: lower([group.snippet]),
  };
}

/** `community/groups?q=`: the organization's groups that match `q`. */
export const searchGroups: Handler = (request, reply, context) => {
  const params = request.params_;
  const q = stringParam(params, 'q');
  if (!q) throw new AppError(ErrorCode.InvalidInput, "'q' is required.", ['q'], { field: 'q' });
  const matches = compileSearch(q, GROUP_FIELDS);
  const page = pageOf(
    params,
    allGroups(context.db).filter((group) => matches(searchableGroup(group))),
    GROUP_SORT,
  );
  return send(reply, params, { ...page, results: page.results.map(groupJson) });
};

function requireGroup(request: FastifyRequest, context: ServerContext): GroupRow {
  const id = ((request.params as { id?: string }).id ?? '').trim();
  const group = /^[0-9a-f]{32}$/i.test(id) ? findGroup(context.db, id) : undefined;
  if (!group) {
    throw new AppError(ErrorCode.InvalidInput, 'Group does not exist or is inaccessible.', [id], {
      field: 'id',
    });
  }
  return group;
}

/** `community/groups/{id}`: the group, with the caller's membership. */
export const getGroup: Handler = (request, reply, context) => {
  const group = requireGroup(request, context);
  const username = callerName(request);
  return send(reply, request.params_, {
    ...groupJson(group),
    userMembership: {
      username,
      memberType: memberTypeOf(context.db, group.id, username) ?? 'none',
      applications: 0,
    },
  });
};

/**
 * `community/groups/{id}/addUsers`: adds `users` as members and `admins` as managers, at most
 * 25 in one request; answers the usernames that could not be added (`notAdded`).
 */
export const addUsers: Handler = (request, reply, context) => {
  const group = requireGroup(request, context);
  const params = request.params_;
  const users = stringListParam(params, 'users') ?? [];
  const admins = stringListParam(params, 'admins') ?? [];
  if (users.length + admins.length === 0) {
    throw new AppError(ErrorCode.InvalidInput, "'users' or 'admins' is required.", ['users'], {
      field: 'users',
    });
  }
  if (users.length + admins.length > MAX_USERS_PER_ADD) {
    throw new AppError(
      ErrorCode.InvalidInput,
      `A maximum of ${MAX_USERS_PER_ADD} users can be added in one request.`,
      [`${users.length + admins.length} were given.`],
      { field: 'users' },
    );
  }
  const notAdded = inWriteTransaction(context.db, () => [
    ...addGroupMembers(context.db, group.id, users, 'member'),
    ...addGroupMembers(context.db, group.id, admins, 'admin'),
  ]);
  return send(reply, params, { notAdded });
};
