import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Access } from '../access-policy.js';
import { toArcgisError } from '../arcgis-error.js';
import {
  addToLayerDefinition,
  addToServiceDefinition,
  adminLayer,
  adminService,
  updateLayerDefinition,
  updateServiceDefinition,
} from '../portal/admin-handlers.js';
import {
  createService,
  getItem,
  getItemGroups,
  isServiceNameAvailable,
  searchItems,
  shareAsGroupAdmin,
  shareAsOwner,
  unshareAsOwner,
  userContent,
} from '../portal/content-handlers.js';
import { DefinitionRefused } from '../portal/definition-check.js';
import { addUsers, createGroup, getGroup, searchGroups } from '../portal/group-handlers.js';
import { READ, STAFF, WRITE } from './route-policies.js';
import { send, type RouteDef, type RouteHandler } from './route-kit.js';

/** Organization administrators only: provisioning creates, defines and shares services. */
const ADMIN: Access = { kind: 'signed-in', roles: ['admin'] };
const SHARING = '/arcgis/sharing/rest';
const ADMIN_FS = '/arcgis/rest/admin/services/:service/FeatureServer';

/**
 * Answers a definition refused for differing from the schema with ArcGIS's error, its
 * `differences` beside the words as data (ArcGIS clients ignore the key). Other failures go
 * to the server's one error mapper.
 */
function withDifferences(handler: RouteHandler): RouteHandler {
  return async (request: FastifyRequest, reply: FastifyReply, context) => {
    try {
      return await handler(request, reply, context);
    } catch (error) {
      if (!(error instanceof DefinitionRefused)) throw error;
      const { error: envelope } = toArcgisError(error, (e) => request.log.error(e));
      return send(reply, request.params_, {
        error: { ...envelope, differences: error.differences },
      });
    }
  };
}

/**
 * The ArcGIS Online operations provisioning uses (`ccr provision`): create hosted feature
 * services and views, add their layers, change aliases, read and share items, and manage the
 * officers' group. The anonymous budget applies to anyone who tries them without a token.
 */
export const PORTAL_ADMIN_ROUTES: readonly RouteDef[] = [
  {
    methods: WRITE,
    url: `${SHARING}/content/users/:user/createService`,
    access: ADMIN,
    purpose: 'Create a hosted feature service or view (checked against the compiled-in schema)',
    rate: 'lookup',
    handler: withDifferences(createService),
  },
  {
    methods: READ,
    url: `${SHARING}/portals/:portal/isServiceNameAvailable`,
    access: ADMIN,
    purpose: 'Whether a service name is free in the organization',
    rate: 'lookup',
    handler: isServiceNameAvailable,
  },
  {
    methods: READ,
    url: `${SHARING}/content/items/:id`,
    access: ADMIN,
    purpose: 'An item (a hosted service or view) with its sharing level',
    rate: 'lookup',
    handler: getItem,
  },
  {
    methods: READ,
    url: `${SHARING}/content/items/:id/groups`,
    access: ADMIN,
    purpose: 'The groups an item is shared with',
    rate: 'lookup',
    handler: getItemGroups,
  },
  {
    methods: READ,
    url: `${SHARING}/search`,
    access: STAFF,
    purpose: "Search the organization's items the caller may see",
    rate: 'lookup',
    handler: searchItems,
  },
  {
    methods: READ,
    url: `${SHARING}/content/users/:user`,
    access: ADMIN,
    purpose: "A user's items",
    rate: 'lookup',
    handler: userContent,
  },
  {
    methods: WRITE,
    url: `${SHARING}/content/users/:user/items/:id/share`,
    access: ADMIN,
    purpose: 'Share an item with everyone, the organization or groups (as its owner)',
    rate: 'lookup',
    handler: shareAsOwner,
  },
  {
    methods: WRITE,
    url: `${SHARING}/content/users/:user/items/:id/unshare`,
    access: ADMIN,
    purpose: 'Stop sharing an item with groups (as its owner)',
    rate: 'lookup',
    handler: unshareAsOwner,
  },
  {
    methods: WRITE,
    url: `${SHARING}/content/items/:id/share`,
    access: ADMIN,
    purpose: 'Share an item with groups (as a group administrator)',
    rate: 'lookup',
    handler: shareAsGroupAdmin,
  },
  {
    methods: WRITE,
    url: `${SHARING}/community/createGroup`,
    access: ADMIN,
    purpose: 'Create a group (the officers who use the officer view)',
    rate: 'lookup',
    handler: createGroup,
  },
  {
    methods: READ,
    url: `${SHARING}/community/groups`,
    access: ADMIN,
    purpose: "Search the organization's groups",
    rate: 'lookup',
    handler: searchGroups,
  },
  {
    methods: READ,
    url: `${SHARING}/community/groups/:id`,
    access: ADMIN,
    purpose: "A group, with the caller's membership",
    rate: 'lookup',
    handler: getGroup,
  },
  {
    methods: WRITE,
    url: `${SHARING}/community/groups/:id/addUsers`,
    access: ADMIN,
    purpose: 'Add users to a group (at most 25 a request)',
    rate: 'lookup',
    handler: addUsers,
  },
  {
    methods: READ,
    url: ADMIN_FS,
    access: ADMIN,
    purpose: 'A hosted service with its layers in full, as its administrators see it',
    rate: 'lookup',
    handler: adminService,
  },
  {
    methods: READ,
    url: `${ADMIN_FS}/:layer`,
    access: ADMIN,
    purpose: "A hosted layer with its admin info (a view's source and definition query)",
    rate: 'lookup',
    handler: adminLayer,
  },
  {
    methods: WRITE,
    url: `${ADMIN_FS}/addToDefinition`,
    access: ADMIN,
    purpose: 'Add layers and tables to a hosted service (checked against the compiled-in schema)',
    rate: 'lookup',
    handler: withDifferences(addToServiceDefinition),
  },
  {
    methods: WRITE,
    url: `${ADMIN_FS}/:layer/addToDefinition`,
    access: ADMIN,
    purpose: "Add fields to a hosted layer (refused: the schema's fields all come with the layer)",
    rate: 'lookup',
    handler: withDifferences(addToLayerDefinition),
  },
  {
    methods: WRITE,
    url: `${ADMIN_FS}/updateDefinition`,
    access: ADMIN,
    purpose: "Update a hosted service's layers: field aliases and descriptions only",
    rate: 'lookup',
    handler: withDifferences(updateServiceDefinition),
  },
  {
    methods: WRITE,
    url: `${ADMIN_FS}/:layer/updateDefinition`,
    access: ADMIN,
    purpose: 'Update a hosted layer: field aliases and its description only',
    rate: 'lookup',
    handler: withDifferences(updateLayerDefinition),
  },
];
