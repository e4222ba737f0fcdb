import { CONTACT_LOG, RELATIONSHIPS, SEARCH_AUDIT } from '../../core/schema/registry-schema.js';
import type { LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { layerById } from '../../core/schema/views.js';
import { quoteIdentifier, tableName } from '../db/registry-tables.js';
import { SITE_READ_MEMORY_MS } from '../security/officer-read-guard.js';
import { compileWhere, type CompiledWhere } from './where-compiler.js';

/**
 * The rows a view shows of a layer: its definition expression and, where the view says
 * so, only rows whose parent (by relationship) the same view shows. Officers therefore
 * never see the cameras of a pending, expired or withdrawn site.
 *
 * On the officer view the ContactLog shows a `reader` only what their work needs: entries of
 * cases they searched for, entries they wrote, and entries about sites their own searches
 * returned in the last 30 days.
 */
export function viewDefinition(
  layer: LayerDef,
  view: ViewName,
  now: number,
  options: { readonly reader?: string | undefined; readonly depth?: number } = {},
): CompiledWhere {
  const depth = options.depth ?? 0;
  const access = layer.access[view];
  const parts: CompiledWhere[] = [];
  if (view === 'officer' && layer.name === CONTACT_LOG.name) {
    parts.push(
      options.reader === undefined
        ? { sql: '1=0', params: [] }
        : {
            sql: `"case_number" IN (SELECT "case_number" FROM ${tableName(SEARCH_AUDIT)} WHERE "Creator" = ?)
              OR "Creator" = ?
              OR "site_guid" IN (SELECT site_guid FROM officer_site_reads WHERE username = ? AND read_at > ?)`,
            params: [options.reader, options.reader, options.reader, now - SITE_READ_MEMORY_MS],
          },
    );
  }
  if (access?.definitionExpression)
    parts.push(compileWhere(access.definitionExpression, layer.fields, { now }));
  const relationship = RELATIONSHIPS.find((r) => r.id === access?.visibleWithParent);
  const parent = relationship ? layerById(relationship.originLayerId) : undefined;
  if (relationship && parent && depth < 4) {
    const inner = viewDefinition(parent, view, now, { ...options, depth: depth + 1 });
    // A correlated EXISTS probes the parent by its key per row; `IN (SELECT ...)` would
    // build the whole set of visible parents on every query (seconds at a million sites).
    parts.push({
      sql: `EXISTS (SELECT 1 FROM ${tableName(parent)} p WHERE p.${quoteIdentifier(relationship.originKey)} = ${quoteIdentifier(relationship.destinationKey)} AND (${inner.sql}))`,
      params: inner.params,
    });
  }
  if (parts.length === 0) return { sql: '1=1', params: [] };
  return {
    sql: parts.map((p) => `(${p.sql})`).join(' AND '),
    params: parts.flatMap((p) => p.params),
  };
}
