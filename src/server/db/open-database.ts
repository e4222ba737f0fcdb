import { DatabaseSync } from 'node:sqlite';
import { ensureGeocodeSchema } from '../geocode/address-points.js';
import { ensureOAuthSchema } from './oauth-tables.js';
import { ensureOfficerReadSchema } from './officer-read-tables.js';
import { ensureRegistrySchema } from './registry-tables.js';

export type Database = DatabaseSync;

/**
 * Opens (and creates) the registry database: WAL so readers never block the writer,
 * `synchronous=FULL` so an acknowledged write survives power loss.
 */
export function openDatabase(file: string): Database {
  const db = new DatabaseSync(file, { enableForeignKeyConstraints: true, timeout: 10_000 });
  if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA temp_store = MEMORY');
  // Deleted rows are overwritten with zeros: a withdrawn registrant leaves nothing in free pages.
  db.exec('PRAGMA secure_delete = ON');
  ensureRegistrySchema(db);
  ensureGeocodeSchema(db);
  ensureOfficerReadSchema(db);
  ensureOAuthSchema(db);
  // Planner statistics, refreshed when stale: without them SQLite may prefer the status
  // index to the GlobalID one (275 ms instead of 0.7 ms per lookup at a million sites).
  db.exec('PRAGMA optimize=0x10002');
  return db;
}

/**
 * Runs `work` inside `BEGIN IMMEDIATE`, taking the write lock up front so two writers
 * never deadlock on a read-to-write upgrade; rolls back on any throw.
 */
export function inWriteTransaction<T>(db: Database, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

const statementCache = new WeakMap<Database, Map<string, ReturnType<Database['prepare']>>>();

/** A prepared statement, reused per connection: SQL text is fixed, values are always bound. */
export function prepared(db: Database, sql: string): ReturnType<Database['prepare']> {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
