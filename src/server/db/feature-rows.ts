import { randomUUID } from 'node:crypto';
import type { LayerDef } from '../../core/schema/schema-types.js';
import type { AttributeValue } from '../../core/validation/validate-attributes.js';
import { prepared, type Database } from './open-database.js';
import { quoteIdentifier, tableName, X_COLUMN, Y_COLUMN } from './registry-tables.js';

export type Row = Record<string, AttributeValue>;
export interface StoredPoint {
  readonly x: number;
  readonly y: number;
}

/** A new GlobalID as ArcGIS writes it: upper case in braces. */
export function newGlobalId(): string {
  return `{${randomUUID().toUpperCase()}}`;
}

/**
 * Inserts one row. Every value is bound; column names come only from the schema.
 * Returns the new OBJECTID.
 */
export function insertRow(
  db: Database,
  layer: LayerDef,
  values: Row,
  point?: StoredPoint | null,
): number {
  const columns = Object.keys(values).map(quoteIdentifier);
  const params: (string | number | null)[] = Object.values(values);
  if (layer.kind === 'point') {
    columns.push(X_COLUMN, Y_COLUMN);
    params.push(point?.x ?? null, point?.y ?? null);
  }
  const sql = `INSERT INTO ${tableName(layer)} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  const result = prepared(db, sql).run(...params);
  return Number(result.lastInsertRowid);
}

/** Updates one row by OBJECTID; `point` undefined leaves the geometry as it is. */
export function updateRow(
  db: Database,
  layer: LayerDef,
  objectId: number,
  values: Row,
  point?: StoredPoint | null,
): boolean {
  const sets = Object.keys(values).map((name) => `${quoteIdentifier(name)} = ?`);
  const params: (string | number | null)[] = Object.values(values);
  if (layer.kind === 'point' && point !== undefined) {
    sets.push(`${X_COLUMN} = ?`, `${Y_COLUMN} = ?`);
    params.push(point?.x ?? null, point?.y ?? null);
  }
  if (sets.length === 0) return rowExists(db, layer, objectId);
  const sql = `UPDATE ${tableName(layer)} SET ${sets.join(', ')} WHERE "OBJECTID" = ?`;
  return Number(prepared(db, sql).run(...params, objectId).changes) > 0;
}

export function deleteRow(db: Database, layer: LayerDef, objectId: number): boolean {
  return (
    Number(
      prepared(db, `DELETE FROM ${tableName(layer)} WHERE "OBJECTID" = ?`).run(objectId).changes,
    ) > 0
  );
}

export function rowExists(db: Database, layer: LayerDef, objectId: number): boolean {
  return (
    prepared(db, `SELECT 1 FROM ${tableName(layer)} WHERE "OBJECTID" = ?`).get(objectId) !==
    undefined
  );
}

export interface StoredRow {
  readonly attributes: Row;
  readonly point: StoredPoint | null;
}

function toStored(
  layer: LayerDef,
  raw: Record<string, unknown> | undefined,
): StoredRow | undefined {
  if (!raw) return undefined;
  const attributes: Row = {};
  for (const field of layer.fields)
    attributes[field.name] = (raw[field.name] ?? null) as AttributeValue;
  const x = raw[X_COLUMN];
  const y = raw[Y_COLUMN];
  const point = typeof x === 'number' && typeof y === 'number' ? { x, y } : null;
  return { attributes, point };
}

export function getRow(db: Database, layer: LayerDef, objectId: number): StoredRow | undefined {
  const raw = prepared(db, `SELECT * FROM ${tableName(layer)} WHERE "OBJECTID" = ?`).get(objectId);
  return toStored(layer, raw as Record<string, unknown> | undefined);
}

export function getRowByGlobalId(
  db: Database,
  layer: LayerDef,
  globalId: string,
): StoredRow | undefined {
  const raw = prepared(db, `SELECT * FROM ${tableName(layer)} WHERE "GlobalID" = ?`).get(globalId);
  return toStored(layer, raw as Record<string, unknown> | undefined);
}

export function objectIdOfGlobalId(
  db: Database,
  layer: LayerDef,
  globalId: string,
): number | undefined {
  const raw = prepared(
    db,
    `SELECT "OBJECTID" AS id FROM ${tableName(layer)} WHERE "GlobalID" = ?`,
  ).get(globalId) as { id: number } | undefined;
  return raw?.id;
}
