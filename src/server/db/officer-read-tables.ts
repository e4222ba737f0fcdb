import type { DatabaseSync } from 'node:sqlite';

/**
 * The officer-read audit (append-only, hash-chained like SearchAudit) and the sites each
 * officer's reads returned (which ContactLog entries the officer may then see).
 */
const OFFICER_READ_DDL = [
  `CREATE TABLE IF NOT EXISTS officer_read_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     username TEXT NOT NULL,
     route TEXT NOT NULL,
     layer TEXT NOT NULL,
     summary TEXT NOT NULL,
     sites INTEGER NOT NULL,
     flagged INTEGER NOT NULL DEFAULT 0,
     prev_hash TEXT NOT NULL,
     entry_hash TEXT NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS officer_read_audit_user_at ON officer_read_audit(username, at)`,
  `CREATE TRIGGER IF NOT EXISTS officer_read_audit_no_update BEFORE UPDATE ON officer_read_audit BEGIN
     SELECT RAISE(ABORT, 'The officer-read audit is append-only');
   END`,
  `CREATE TRIGGER IF NOT EXISTS officer_read_audit_no_delete BEFORE DELETE ON officer_read_audit BEGIN
     SELECT RAISE(ABORT, 'The officer-read audit is append-only');
   END`,
  `CREATE TABLE IF NOT EXISTS officer_site_reads (
     username TEXT NOT NULL,
     site_guid TEXT NOT NULL,
     read_at INTEGER NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS officer_site_reads_user_site ON officer_site_reads(username, site_guid, read_at)`,
  `CREATE INDEX IF NOT EXISTS officer_site_reads_at ON officer_site_reads(read_at)`,
];

export function ensureOfficerReadSchema(db: DatabaseSync): void {
  for (const statement of OFFICER_READ_DDL) db.exec(statement);
}
