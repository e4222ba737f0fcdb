import { SEARCH_AUDIT } from '../../core/schema/registry-schema.js';
import type { AttributeValue } from '../../core/validation/validate-attributes.js';
import type { Database } from '../db/open-database.js';
import { tableName } from '../db/registry-tables.js';
import { auditEntryHash } from '../edits/apply-edits.js';
import {
  READ_AUDIT_GENESIS,
  readAuditEntryHash,
  type ReadAuditEntry,
} from '../security/officer-read-guard.js';

/** The `prev_hash` of the first SearchAudit entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Why the chain breaks at an entry. */
export const ChainBreak = {
  /** The entry's fields no longer hash to its `entry_hash`: the row was edited. */
  EntryHashMismatch: 'ENTRY_HASH_MISMATCH',
  /** The entry does not point at the entry before it: a row was deleted, inserted or moved. */
  PrevHashMismatch: 'PREV_HASH_MISMATCH',
  /** The entry recorded earlier as `anchor` is gone or changed: the chain was cut or rebuilt. */
  AnchorMismatch: 'ANCHOR_MISMATCH',
} as const;
export type ChainBreak = (typeof ChainBreak)[keyof typeof ChainBreak];

export type AuditChainResult =
  | {
      readonly ok: true;
      readonly entries: number;
      /** `entry_hash` of the last entry (the genesis hash when there is none): keep it elsewhere. */
      readonly head: string;
      readonly lastObjectId: number | null;
    }
  | {
      readonly ok: false;
      /** Entries in the table, broken or not. */
      readonly entries: number;
      readonly firstBrokenObjectId: number;
      readonly reason: ChainBreak;
    };

/** A head recorded earlier (for example printed by the verifier into an operator's log). */
export interface AuditAnchor {
  readonly objectId: number;
  readonly entryHash: string;
}

export interface VerifyOptions {
  /**
   * An entry known from an earlier run. The chain alone cannot tell that its newest entries
   * were removed, or that someone rewrote every hash after an edit; an anchor kept outside
   * the database can.
   */
  readonly anchor?: AuditAnchor;
}

type AuditRow = Record<string, AttributeValue> & {
  OBJECTID: number;
  prev_hash: string | null;
  entry_hash: string | null;
};

/**
 * Walks the SearchAudit hash chain in OBJECTID order. Each entry's `prev_hash` must be the
 * previous entry's `entry_hash` (the first entry's is {@link GENESIS_HASH}), and its
 * `entry_hash` must be {@link auditEntryHash} of that and its own fields. Reports the first
 * entry where either fails.
 */
export function verifyAuditChain(db: Database, options: VerifyOptions = {}): AuditChainResult {
  const table = tableName(SEARCH_AUDIT);
  const { entries } = db.prepare(`SELECT COUNT(*) AS entries FROM ${table}`).get() as {
    entries: number;
  };
  const rows = db
    .prepare(`SELECT * FROM ${table} ORDER BY "OBJECTID"`)
    .iterate() as Iterable<AuditRow>;
  let expectedPrev = GENESIS_HASH;
  let lastObjectId: number | null = null;
  let anchorSeen = false;
  for (const row of rows) {
    const broken = (reason: ChainBreak): AuditChainResult => ({
      ok: false,
      entries,
      firstBrokenObjectId: row.OBJECTID,
      reason,
    });
    if (row.prev_hash !== expectedPrev) return broken(ChainBreak.PrevHashMismatch);
    if (row.entry_hash !== auditEntryHash(row.prev_hash, row))
      return broken(ChainBreak.EntryHashMismatch);
    if (options.anchor && row.OBJECTID === options.anchor.objectId) {
      if (row.entry_hash !== options.anchor.entryHash) return broken(ChainBreak.AnchorMismatch);
      anchorSeen = true;
    }
    expectedPrev = row.entry_hash;
    lastObjectId = row.OBJECTID;
  }
  if (options.anchor && !anchorSeen) {
    return {
      ok: false,
      entries,
      firstBrokenObjectId: options.anchor.objectId,
      reason: ChainBreak.AnchorMismatch,
    };
  }
  return { ok: true, entries, head: expectedPrev, lastObjectId };
}

/** The result in plain words, for people reading a log. */
export function describeAuditChain(
  result: AuditChainResult,
  names: { readonly audit: string; readonly entry: string } = {
    audit: 'search audit',
    entry: 'OBJECTID',
  },
): string {
  const { audit } = names;
  if (result.ok) {
    return result.entries === 0
      ? `The ${audit} is empty; there is nothing to verify.`
      : `The ${audit} chain is intact: ${result.entries} entries, the last is ${names.entry} ${result.lastObjectId} with hash ${result.head}.`;
  }
  const at = `${names.entry} ${result.firstBrokenObjectId}`;
  switch (result.reason) {
    case ChainBreak.EntryHashMismatch:
      return `The ${audit} chain is broken at ${at}: its contents no longer match its hash, so the entry was edited.`;
    case ChainBreak.PrevHashMismatch:
      return `The ${audit} chain is broken at ${at}: it does not follow the entry before it, so an entry was deleted, inserted or reordered just before it.`;
    case ChainBreak.AnchorMismatch:
      return `The ${audit} chain does not contain the recorded entry ${at} unchanged: entries were removed or the chain was rewritten.`;
  }
}

/**
 * Walks the officer-read audit (the server's own record of every officer read of contact
 * details) the same way: each entry must follow the one before and hash to its own hash.
 */
export function verifyReadAuditChain(db: Database): AuditChainResult {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'officer_read_audit'")
    .get();
  if (!exists) return { ok: true, entries: 0, head: READ_AUDIT_GENESIS, lastObjectId: null };
  const { entries } = db.prepare('SELECT COUNT(*) AS entries FROM officer_read_audit').get() as {
    entries: number;
  };
  const rows = db.prepare('SELECT * FROM officer_read_audit ORDER BY id').iterate() as Iterable<
    ReadAuditEntry & { id: number; prev_hash: string; entry_hash: string }
  >;
  let expectedPrev = READ_AUDIT_GENESIS;
  let lastObjectId: number | null = null;
  for (const row of rows) {
    const broken = (reason: ChainBreak): AuditChainResult => ({
      ok: false,
      entries,
      firstBrokenObjectId: row.id,
      reason,
    });
    if (row.prev_hash !== expectedPrev) return broken(ChainBreak.PrevHashMismatch);
    if (row.entry_hash !== readAuditEntryHash(row.prev_hash, row))
      return broken(ChainBreak.EntryHashMismatch);
    expectedPrev = row.entry_hash;
    lastObjectId = row.id;
  }
  return { ok: true, entries, head: expectedPrev, lastObjectId };
}
