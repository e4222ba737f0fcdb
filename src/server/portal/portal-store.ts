import { randomUUID } from 'node:crypto';
import { prepared, type Database } from '../db/open-database.js';

/**
 * Portal items and groups as ArcGIS Online keeps them: one item per hosted feature service
 * or view, with its sharing (everyone, the organization, groups), and groups with their
 * members. Every function takes and returns plain rows; the handlers shape the JSON.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/item/
 * @see https://developers.arcgis.com/rest/users-groups-and-items/group/
 */

/** The one organization of this portal (`portals/self`'s `id`). */
export const ORG_ID = 'community-camera-registry';

/** An item's sharing level: only the highest shows (`public` over `org` over `shared`). */
export type ItemAccess = 'private' | 'shared' | 'org' | 'public';
export type GroupAccess = 'private' | 'org' | 'public';
export type MemberType = 'owner' | 'admin' | 'member';

/** Type keywords ArcGIS Online gives a hosted feature service item; views add "View Service". */
const SERVICE_KEYWORDS = [
  'ArcGIS Server',
  'Data',
  'Feature Access',
  'Feature Service',
  'Service',
  'Hosted Service',
];

export interface ItemRow {
  readonly id: string;
  readonly owner: string;
  readonly title: string;
  readonly type: string;
  readonly type_keywords: string;
  readonly description: string | null;
  readonly snippet: string | null;
  readonly tags: string;
  readonly service_name: string;
  readonly is_view: number;
  readonly everyone: number;
  readonly org: number;
  readonly created: number;
  readonly modified: number;
}

export interface GroupRow {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly description: string | null;
  readonly snippet: string | null;
  readonly tags: string;
  readonly access: GroupAccess;
  readonly is_invitation_only: number;
  readonly created: number;
  readonly modified: number;
}

/** A new item or group id: 32 lower-case hexadecimal characters, as ArcGIS Online's. */
export function newPortalId(): string {
  return randomUUID().replaceAll('-', '');
}

const ITEM_COLUMNS = `id, owner, title, type, type_keywords, description, snippet, tags, service_name,
  is_view, everyone, org, created, modified`;

export function findItem(db: Database, id: string): ItemRow | undefined {
  return prepared(db, `SELECT ${ITEM_COLUMNS} FROM portal_items WHERE id = ?`).get(
    id.toLowerCase(),
  ) as ItemRow | undefined;
}

export function allItems(db: Database): ItemRow[] {
  return prepared(
    db,
    `SELECT ${ITEM_COLUMNS} FROM portal_items ORDER BY created, id`,
  ).all() as unknown as ItemRow[];
}

export interface NewServiceItem {
  readonly id: string;
  readonly owner: string;
  readonly serviceName: string;
  readonly isView: boolean;
  readonly createParameters: unknown;
  readonly description?: string | undefined;
  readonly snippet?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly now: number;
}

export function insertServiceItem(db: Database, item: NewServiceItem): void {
  const keywords = item.isView ? [...SERVICE_KEYWORDS, 'View Service'] : SERVICE_KEYWORDS;
  prepared(
    db,
    `INSERT INTO portal_items (id, owner, title, type, type_keywords, description, snippet, tags,
       service_name, is_view, create_parameters, created, modified)
     VALUES (?, ?, ?, 'Feature Service', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    item.id,
    item.owner,
    item.serviceName,
    JSON.stringify(keywords),
    item.description ?? null,
    item.snippet ?? null,
    JSON.stringify(item.tags ?? []),
    item.serviceName,
    item.isView ? 1 : 0,
    item.createParameters === null ? null : JSON.stringify(item.createParameters),
    item.now,
    item.now,
  );
}

/** Ids of the groups an item is shared with. */
export function itemGroupIds(db: Database, itemId: string): string[] {
  return (
    prepared(db, 'SELECT group_id FROM portal_item_groups WHERE item_id = ? ORDER BY group_id').all(
      itemId,
    ) as { group_id: string }[]
  ).map((row) => row.group_id);
}

export function itemAccess(db: Database, item: ItemRow): ItemAccess {
  if (item.everyone === 1) return 'public';
  if (item.org === 1) return 'org';
  return itemGroupIds(db, item.id).length > 0 ? 'shared' : 'private';
}

/** The item as ArcGIS Online describes one (`content/items/{id}`). */
export function itemJson(
  db: Database,
  item: ItemRow,
  servicesRoot: string,
): Record<string, unknown> {
  return {
    id: item.id,
    owner: item.owner,
    orgId: ORG_ID,
    created: item.created,
    modified: item.modified,
    guid: null,
    name: item.service_name,
    title: item.title,
    type: item.type,
    typeKeywords: JSON.parse(item.type_keywords) as string[],
    description: item.description,
    tags: JSON.parse(item.tags) as string[],
    snippet: item.snippet,
    thumbnail: null,
    documentation: null,
    extent: [],
    categories: [],
    spatialReference: null,
    accessInformation: null,
    licenseInfo: null,
    culture: 'en-us',
    properties: null,
    url: `${servicesRoot}/${item.service_name}/FeatureServer`,
    proxyFilter: null,
    access: itemAccess(db, item),
    size: -1,
    appCategories: [],
    industries: [],
    languages: [],
    largeThumbnail: null,
    banner: null,
    screenshots: [],
    listed: false,
    ownerFolder: null,
    protected: false,
    commentsEnabled: false,
    numComments: 0,
    numRatings: 0,
    avgRating: 0,
    numViews: 0,
    isOrgItem: true,
  };
}

export interface SharingChange {
  /** `undefined` leaves the setting as it is (ArcGIS changes only what is sent). */
  readonly everyone?: boolean | undefined;
  readonly org?: boolean | undefined;
  readonly groups: readonly string[];
}

/**
 * Shares an item: sets the `everyone` and `org` flags that were sent and adds the groups that
 * exist; answers the groups it could not share with, as the share operation does.
 */
export function shareItem(
  db: Database,
  itemId: string,
  change: SharingChange,
  now: number,
): { notSharedWith: string[] } {
  const notSharedWith: string[] = [];
  const add = prepared(
    db,
    'INSERT OR IGNORE INTO portal_item_groups (item_id, group_id) VALUES (?, ?)',
  );
  for (const groupId of change.groups) {
    if (findGroup(db, groupId)) add.run(itemId, groupId.toLowerCase());
    else notSharedWith.push(groupId);
  }
  prepared(
    db,
    `UPDATE portal_items SET everyone = coalesce(?, everyone), org = coalesce(?, org), modified = ?
     WHERE id = ?`,
  ).run(
    change.everyone === undefined ? null : Number(change.everyone),
    change.org === undefined ? null : Number(change.org),
    now,
    itemId,
  );
  return { notSharedWith };
}

/** Stops sharing an item with groups; answers those it was not shared with. */
export function unshareItem(
  db: Database,
  itemId: string,
  groups: readonly string[],
): { notUnsharedFrom: string[] } {
  const notUnsharedFrom: string[] = [];
  const remove = prepared(db, 'DELETE FROM portal_item_groups WHERE item_id = ? AND group_id = ?');
  for (const groupId of groups) {
    const { changes } = remove.run(itemId, groupId.toLowerCase());
    if (Number(changes) === 0) notUnsharedFrom.push(groupId);
  }
  return { notUnsharedFrom };
}

const GROUP_COLUMNS =
  'id, title, owner, description, snippet, tags, access, is_invitation_only, created, modified';

export function findGroup(db: Database, id: string): GroupRow | undefined {
  return prepared(db, `SELECT ${GROUP_COLUMNS} FROM portal_groups WHERE id = ?`).get(
    id.toLowerCase(),
  ) as GroupRow | undefined;
}

export function findGroupByTitle(db: Database, title: string): GroupRow | undefined {
  return prepared(db, `SELECT ${GROUP_COLUMNS} FROM portal_groups WHERE title = ?`).get(title) as
    GroupRow | undefined;
}

export function allGroups(db: Database): GroupRow[] {
  return prepared(
    db,
    `SELECT ${GROUP_COLUMNS} FROM portal_groups ORDER BY created, id`,
  ).all() as unknown as GroupRow[];
}

export interface NewGroup {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly description?: string | undefined;
  readonly snippet?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly access: GroupAccess;
  readonly isInvitationOnly: boolean;
  readonly now: number;
}

/** Creates a group; its owner becomes its first member (when the owner is a user here). */
export function insertGroup(db: Database, group: NewGroup): void {
  prepared(
    db,
    `INSERT INTO portal_groups (id, title, owner, description, snippet, tags, access,
       is_invitation_only, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    group.id,
    group.title,
    group.owner,
    group.description ?? null,
    group.snippet ?? null,
    JSON.stringify(group.tags ?? []),
    group.access,
    group.isInvitationOnly ? 1 : 0,
    group.now,
    group.now,
  );
  if (userExists(db, group.owner)) addMember(db, group.id, group.owner, 'owner');
}

function userExists(db: Database, username: string): boolean {
  return prepared(db, 'SELECT 1 FROM users WHERE username = ?').get(username) !== undefined;
}

function addMember(db: Database, groupId: string, username: string, type: MemberType): void {
  prepared(
    db,
    `INSERT INTO portal_group_members (group_id, username, member_type) VALUES (?, ?, ?)
     ON CONFLICT (group_id, username) DO UPDATE SET member_type =
       CASE WHEN member_type = 'owner' THEN 'owner' ELSE excluded.member_type END`,
  ).run(groupId, username, type);
}

/** Adds users to a group; answers the usernames that are no user here (`notAdded`). */
export function addGroupMembers(
  db: Database,
  groupId: string,
  usernames: readonly string[],
  type: Exclude<MemberType, 'owner'>,
): string[] {
  const notAdded: string[] = [];
  for (const name of usernames) {
    const username = name.toLowerCase();
    if (userExists(db, username)) addMember(db, groupId, username, type);
    else notAdded.push(name);
  }
  return notAdded;
}

export function memberTypeOf(
  db: Database,
  groupId: string,
  username: string,
): MemberType | undefined {
  const row = prepared(
    db,
    'SELECT member_type FROM portal_group_members WHERE group_id = ? AND username = ?',
  ).get(groupId, username) as { member_type: MemberType } | undefined;
  return row?.member_type;
}

/** The group as ArcGIS Online describes one (`community/groups/{id}`). */
export function groupJson(group: GroupRow): Record<string, unknown> {
  return {
    id: group.id,
    title: group.title,
    isInvitationOnly: group.is_invitation_only === 1,
    owner: group.owner,
    description: group.description,
    snippet: group.snippet,
    tags: JSON.parse(group.tags) as string[],
    phone: null,
    sortField: 'title',
    sortOrder: 'asc',
    isViewOnly: false,
    thumbnail: null,
    created: group.created,
    modified: group.modified,
    access: group.access,
    capabilities: [],
    isFav: false,
    isReadOnly: false,
    protected: false,
    autoJoin: false,
    notificationsEnabled: false,
    provider: null,
    providerGroupName: null,
    leavingDisallowed: false,
    hiddenMembers: false,
    displaySettings: { itemTypes: '' },
  };
}
