import type { DatabaseSync } from 'node:sqlite';

/**
 * The portal's own records (`sharing/rest`): items (one per hosted feature service or view,
 * with its sharing), groups and their members, and which layers each hosted service has been
 * given through `addToDefinition`, with the aliases and descriptions set since through
 * `updateDefinition`. The layers' tables and rules themselves are compiled in from the core
 * schema (registry-tables.ts); these tables only say which of them exist, and how they are
 * named and shared. Needs the `users` table (registry-tables.ts) first.
 */
const PORTAL_DDL = [
  `CREATE TABLE IF NOT EXISTS portal_items (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     title TEXT NOT NULL,
     type TEXT NOT NULL,
     type_keywords TEXT NOT NULL DEFAULT '[]',
     description TEXT,
     snippet TEXT,
     tags TEXT NOT NULL DEFAULT '[]',
     -- The hosted service the item stands for (its URL is /arcgis/rest/services/<name>/FeatureServer).
     service_name TEXT NOT NULL UNIQUE,
     is_view INTEGER NOT NULL DEFAULT 0,
     -- createService's createParameters as posted (JSON); NULL for services present from the start.
     create_parameters TEXT,
     everyone INTEGER NOT NULL DEFAULT 0,
     org INTEGER NOT NULL DEFAULT 0,
     created INTEGER NOT NULL,
     modified INTEGER NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS portal_groups (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL UNIQUE COLLATE NOCASE,
     owner TEXT NOT NULL,
     description TEXT,
     snippet TEXT,
     tags TEXT NOT NULL DEFAULT '[]',
     access TEXT NOT NULL CHECK (access IN ('private', 'org', 'public')),
     is_invitation_only INTEGER NOT NULL DEFAULT 0,
     created INTEGER NOT NULL,
     modified INTEGER NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS portal_group_members (
     group_id TEXT NOT NULL REFERENCES portal_groups(id) ON DELETE CASCADE,
     username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
     member_type TEXT NOT NULL CHECK (member_type IN ('owner', 'admin', 'member')),
     PRIMARY KEY (group_id, username)
   )`,
  `CREATE TABLE IF NOT EXISTS portal_item_groups (
     item_id TEXT NOT NULL REFERENCES portal_items(id) ON DELETE CASCADE,
     group_id TEXT NOT NULL REFERENCES portal_groups(id) ON DELETE CASCADE,
     PRIMARY KEY (item_id, group_id)
   )`,
  `CREATE TABLE IF NOT EXISTS hosted_layers (
     service_name TEXT NOT NULL REFERENCES portal_items(service_name) ON DELETE CASCADE,
     layer_id INTEGER NOT NULL,
     -- The definition addToDefinition was given (JSON), as checked; NULL when present from the start.
     definition TEXT,
     -- Set by updateDefinition; NULL shows the schema's description.
     description TEXT,
     added_at INTEGER NOT NULL,
     PRIMARY KEY (service_name, layer_id)
   )`,
  `CREATE TABLE IF NOT EXISTS hosted_field_aliases (
     service_name TEXT NOT NULL,
     layer_id INTEGER NOT NULL,
     field_name TEXT NOT NULL,
     alias TEXT NOT NULL,
     PRIMARY KEY (service_name, layer_id, field_name),
     FOREIGN KEY (service_name, layer_id) REFERENCES hosted_layers(service_name, layer_id)
       ON DELETE CASCADE
   )`,
];

export function ensurePortalSchema(db: DatabaseSync): void {
  for (const statement of PORTAL_DDL) db.exec(statement);
}
