import type { DatabaseSync } from 'node:sqlite';
import { LAYERS } from '../../core/schema/registry-schema.js';
import type { FieldDef, FieldType, LayerDef } from '../../core/schema/schema-types.js';

/** Stored point coordinates (WGS84) of point layers; no schema field starts with `_`. */
export const X_COLUMN = '_x';
export const Y_COLUMN = '_y';

const SQLITE_TYPE: Readonly<Record<FieldType, string>> = {
  oid: 'INTEGER',
  globalId: 'TEXT',
  guid: 'TEXT',
  string: 'TEXT',
  integer: 'INTEGER',
  smallInteger: 'INTEGER',
  double: 'REAL',
  date: 'INTEGER',
};

export function tableName(layer: LayerDef): string {
  return layer.name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export function rtreeName(layer: LayerDef): string {
  return `${tableName(layer)}_rtree`;
}

export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`Bad identifier: ${name}`);
  return `"${name}"`;
}

function columnDdl(field: FieldDef): string {
  if (field.type === 'oid')
    return `${quoteIdentifier(field.name)} INTEGER PRIMARY KEY AUTOINCREMENT`;
  if (field.type === 'globalId') return `${quoteIdentifier(field.name)} TEXT NOT NULL UNIQUE`;
  return `${quoteIdentifier(field.name)} ${SQLITE_TYPE[field.type]}`;
}

/**
 * Columns no two rows may share (NULLs aside), by layer. A registration reference names one
 * site: the change-request processor finds the site by it, so a second site with the same
 * reference could never be managed by its owner.
 */
export const UNIQUE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Sites: ['registration_ref'],
};

/**
 * Indexes holding every column a check reads, by layer, so the check never reads the row. The
 * officer view shows a camera only when its site is verified and not expired; that is probed
 * by the site's GlobalID once per candidate camera (about 950 for a 500 ft search at a million
 * cameras), and with this index each probe stays in the index's pages instead of also reading
 * the wide site row (median 46 ms instead of 70 ms for the candidates of one search).
 */
export const COVERING_INDEXES: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Sites: [['GlobalID', 'status', 'confirm_due_at']],
};

function layerDdl(layer: LayerDef): string[] {
  const table = tableName(layer);
  const columns = layer.fields.map(columnDdl);
  if (layer.kind === 'point') columns.push(`${X_COLUMN} REAL`, `${Y_COLUMN} REAL`);
  const statements = [`CREATE TABLE IF NOT EXISTS ${table} (\n  ${columns.join(',\n  ')}\n)`];
  const unique = UNIQUE_FIELDS[layer.name] ?? [];
  for (const field of layer.fields) {
    if (unique.includes(field.name)) continue; // see createUniqueIndex
    if (
      field.type === 'guid' ||
      field.name === 'status' ||
      field.name === 'registration_ref' ||
      field.name === 'case_number'
    ) {
      statements.push(
        `CREATE INDEX IF NOT EXISTS ${table}_${field.name} ON ${table}(${quoteIdentifier(field.name)})`,
      );
    }
  }
  for (const columns of COVERING_INDEXES[layer.name] ?? []) {
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${table}_${columns.join('_')} ON ${table}(${columns.map(quoteIdentifier).join(', ')})`,
    );
  }
  if (layer.kind === 'point') {
    const rtree = rtreeName(layer);
    statements.push(
      `CREATE VIRTUAL TABLE IF NOT EXISTS ${rtree} USING rtree(id, minx, maxx, miny, maxy)`,
      // Triggers keep the spatial index in the same transaction as the row, whoever writes.
      `CREATE TRIGGER IF NOT EXISTS ${table}_rtree_insert AFTER INSERT ON ${table}
         WHEN NEW.${X_COLUMN} IS NOT NULL AND NEW.${Y_COLUMN} IS NOT NULL BEGIN
         INSERT INTO ${rtree} VALUES (NEW."OBJECTID", NEW.${X_COLUMN}, NEW.${X_COLUMN}, NEW.${Y_COLUMN}, NEW.${Y_COLUMN});
       END`,
      `CREATE TRIGGER IF NOT EXISTS ${table}_rtree_update AFTER UPDATE OF ${X_COLUMN}, ${Y_COLUMN} ON ${table} BEGIN
         DELETE FROM ${rtree} WHERE id = OLD."OBJECTID";
         INSERT INTO ${rtree} SELECT NEW."OBJECTID", NEW.${X_COLUMN}, NEW.${X_COLUMN}, NEW.${Y_COLUMN}, NEW.${Y_COLUMN}
           WHERE NEW.${X_COLUMN} IS NOT NULL AND NEW.${Y_COLUMN} IS NOT NULL;
       END`,
      `CREATE TRIGGER IF NOT EXISTS ${table}_rtree_delete AFTER DELETE ON ${table} BEGIN
         DELETE FROM ${rtree} WHERE id = OLD."OBJECTID";
       END`,
    );
  }
  return statements;
}

const SYSTEM_DDL = [
  `CREATE TABLE IF NOT EXISTS users (
     username TEXT PRIMARY KEY,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('officer', 'analyst', 'admin')),
     full_name TEXT
   )`,
  `CREATE TABLE IF NOT EXISTS tokens (
     token_hash TEXT PRIMARY KEY,
     username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
     issued_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     last_used_at INTEGER NOT NULL,
     referer TEXT,
     client_ip TEXT
   )`,
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS security_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     username TEXT,
     route TEXT NOT NULL,
     count INTEGER NOT NULL DEFAULT 1,
     last_at INTEGER
   )`,
  // Finds the row of one kind, route and minute that a repeated event adds to.
  `CREATE INDEX IF NOT EXISTS security_events_window ON security_events(kind, route, at)`,
];

/**
 * Columns the system tables gained after databases were made without them: token bindings,
 * and counts of repeated security events. (Unused `users` lockout columns are left alone.)
 */
const ADDED_SYSTEM_COLUMNS = [
  ['tokens', 'referer', 'TEXT'],
  ['tokens', 'client_ip', 'TEXT'],
  ['security_events', 'count', 'INTEGER NOT NULL DEFAULT 1'],
  ['security_events', 'last_at', 'INTEGER'],
] as const;

function addSystemColumns(db: DatabaseSync): void {
  for (const [table, column, type] of ADDED_SYSTEM_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column))
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/** SearchAudit is append-only below the API too: updates and deletes abort. */
const AUDIT_GUARDS = [
  `CREATE TRIGGER IF NOT EXISTS search_audit_no_update BEFORE UPDATE ON search_audit BEGIN
     SELECT RAISE(ABORT, 'SearchAudit is append-only');
   END`,
  `CREATE TRIGGER IF NOT EXISTS search_audit_no_delete BEFORE DELETE ON search_audit BEGIN
     SELECT RAISE(ABORT, 'SearchAudit is append-only');
   END`,
];

/** Re-creates the SearchAudit guards (after a demo registry was replaced). */
export function restoreAuditGuards(db: DatabaseSync): void {
  for (const statement of AUDIT_GUARDS) db.exec(statement);
}

/** SQLite's extended result code for a broken UNIQUE constraint. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/**
 * Makes `field` unique on `layer`. Databases made before it was unique carry a plain index of
 * the usual name, which goes; if their rows already share values, the server will not start,
 * and says why in words an operator can act on.
 */
function createUniqueIndex(db: DatabaseSync, layer: LayerDef, field: string): void {
  const table = tableName(layer);
  db.exec(`DROP INDEX IF EXISTS ${table}_${field}`);
  try {
    db.exec(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${table}_${field}_unique ON ${table}(${quoteIdentifier(field)})`,
    );
  } catch (error) {
    if ((error as { errcode?: unknown }).errcode !== SQLITE_CONSTRAINT_UNIQUE) throw error;
    throw new Error(
      `Some ${layer.name} rows share a ${field}; give each its own, then start again.`,
      { cause: error },
    );
  }
}

/** Fields the schema gained after a database was made get their (empty) columns. */
function addSchemaColumns(db: DatabaseSync, layer: LayerDef): void {
  const table = tableName(layer);
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  const present = new Set(columns.map((column) => column.name));
  for (const field of layer.fields)
    if (!present.has(field.name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${columnDdl(field)}`);
}

/** Creates every table the server keeps, from the one schema; safe to run on every start. */
export function ensureRegistrySchema(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const statement of SYSTEM_DDL) db.exec(statement);
    addSystemColumns(db);
    for (const layer of LAYERS) {
      for (const statement of layerDdl(layer)) db.exec(statement);
      addSchemaColumns(db, layer);
      for (const field of UNIQUE_FIELDS[layer.name] ?? []) createUniqueIndex(db, layer, field);
    }
    for (const statement of AUDIT_GUARDS) db.exec(statement);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
