import { AppError, ErrorCode } from '../../core/errors.js';
import { fieldJson, WGS84 } from '../../core/schema/layer-json.js';
import { RELATIONSHIPS } from '../../core/schema/registry-schema.js';
import type { FieldDef } from '../../core/schema/schema-types.js';
import { fieldsInView, layerById, operationsInView } from '../../core/schema/views.js';
import { notPermitted } from '../arcgis-error.js';
import { quoteIdentifier, tableName, X_COLUMN, Y_COLUMN } from '../db/registry-tables.js';
import { boolParam, idListParam, intParam, stringParam, type Params } from '../request-params.js';
import { parseSpatialReference, projectPoints } from './projection.js';
import { contactFieldsTouched, type SelectedSite } from '../security/officer-read-guard.js';
import { guardOf, type QueryContext } from './run-query.js';
import { viewDefinition } from './view-definition.js';
import { compileWhere } from './where-compiler.js';

/** The ArcGIS `queryRelatedRecords` operation over the schema's relationships. */
export function queryRelatedRecords(context: QueryContext, params: Params): unknown {
  const { db, layer, view } = context;
  const now = context.now ?? Date.now();
  // Permission first: a caller who may not query this layer learns nothing about its relationships.
  if (!operationsInView(layer, view).includes('query'))
    throw notPermitted(`query is not allowed on ${layer.name}.`);
  const relationshipId = intParam(params, 'relationshipId', { min: 0 });
  const relationship = RELATIONSHIPS.find((r) => r.id === relationshipId);
  if (
    !relationship ||
    (relationship.originLayerId !== layer.id && relationship.destinationLayerId !== layer.id)
  ) {
    throw new AppError(
      ErrorCode.InvalidInput,
      `Relationship ${String(relationshipId)} does not exist on ${layer.name}.`,
      ['relationshipId'],
    );
  }
  const forward = relationship.originLayerId === layer.id;
  const related = layerById(forward ? relationship.destinationLayerId : relationship.originLayerId);
  if (!related) throw new AppError(ErrorCode.Service, 'Relationship has no related layer.');
  if (!operationsInView(related, view).includes('query'))
    throw notPermitted(`query is not allowed on ${related.name}.`);
  const objectIds = idListParam(params, 'objectIds');
  if (!objectIds || objectIds.length === 0) {
    throw new AppError(ErrorCode.InvalidInput, "'objectIds' is required.", ['objectIds']);
  }
  const ownKey = forward ? relationship.originKey : relationship.destinationKey;
  const relatedKey = forward ? relationship.destinationKey : relationship.originKey;
  const relatedFields = fieldsInView(related, view);
  const outNames = stringParam(params, 'outFields') ?? 'OBJECTID';
  const byName = new Map(relatedFields.map((f) => [f.name.toLowerCase(), f]));
  const outFields: FieldDef[] =
    outNames.trim() === '*'
      ? [...relatedFields]
      : outNames.split(',').map((name) => {
          const field = byName.get(name.trim().toLowerCase());
          if (!field)
            throw new AppError(
              ErrorCode.InvalidInput,
              `Invalid field in outFields: '${name.trim()}'.`,
              ['outFields'],
            );
          return field;
        });
  const returnGeometry = related.kind === 'point' && boolParam(params, 'returnGeometry', true);
  const outSR = parseSpatialReference(params.outSR, 4326);

  const guard = guardOf(context);
  const ownWhere = viewDefinition(layer, view, now, { reader: guard?.username });
  const owners = db
    .prepare(
      `SELECT "OBJECTID" AS id, ${quoteIdentifier(ownKey)} AS k FROM ${tableName(layer)} WHERE "OBJECTID" IN (SELECT value FROM json_each(?)) AND (${ownWhere.sql})`,
    )
    .all(JSON.stringify(objectIds), ...ownWhere.params) as { id: number; k: string | null }[];

  const relatedDefinition = viewDefinition(related, view, now, { reader: guard?.username });
  const extra = compileWhere(stringParam(params, 'definitionExpression'), relatedFields, { now });
  const contactFields = guard
    ? contactFieldsTouched(related, [...outFields.map((f) => f.name), ...(extra.fields ?? [])])
    : [];
  if (guard && contactFields.length > 0) {
    guard.checkFilter(undefined, objectIds.length);
    const keys = owners.map((owner) => owner.k).filter((k) => k !== null);
    const selected = db
      .prepare(
        `SELECT "OBJECTID" AS id, "GlobalID" AS guid, ${related.kind === 'point' ? `${X_COLUMN} AS x, ${Y_COLUMN} AS y` : 'NULL AS x, NULL AS y'} FROM ${tableName(related)} WHERE ${quoteIdentifier(relatedKey)} IN (SELECT value FROM json_each(?)) AND (${relatedDefinition.sql}) AND (${extra.sql}) LIMIT ?`,
      )
      .all(
        JSON.stringify(keys),
        ...relatedDefinition.params,
        ...extra.params,
        guard.limits.maxSitesPerRequest + 1,
      ) as unknown as SelectedSite[];
    guard.admit(related, selected, {
      operation: 'queryRelatedRecords',
      answer: 'related',
      objectIds: objectIds.length,
      ...(extra.fields?.length ? { whereFields: extra.fields } : {}),
      contactFields,
    });
  }
  const columns = [
    ...outFields.map((f) => quoteIdentifier(f.name)),
    ...(returnGeometry ? [X_COLUMN, Y_COLUMN] : []),
  ];
  const statement = db.prepare(
    `SELECT ${columns.join(', ')} FROM ${tableName(related)} WHERE ${quoteIdentifier(relatedKey)} = ? AND (${relatedDefinition.sql}) AND (${extra.sql}) ORDER BY "OBJECTID"`,
  );
  const relatedRecordGroups = owners
    .filter((owner) => owner.k !== null)
    .map((owner) => {
      const rows = statement.all(owner.k, ...relatedDefinition.params, ...extra.params) as Record<
        string,
        string | number | null
      >[];
      const points = returnGeometry
        ? projectPoints(
            rows.map((r) => [r[X_COLUMN] as number, r[Y_COLUMN] as number]),
            4326,
            outSR,
          )
        : [];
      return {
        objectId: owner.id,
        relatedRecords: rows.map((row, i) => {
          const attributes: Record<string, unknown> = {};
          for (const f of outFields) attributes[f.name] = row[f.name] ?? null;
          const p = points[i];
          return returnGeometry && p
            ? { attributes, geometry: { x: p[0], y: p[1] } }
            : { attributes };
        }),
      };
    })
    .filter((group) => group.relatedRecords.length > 0);
  return {
    fields: outFields.map(fieldJson),
    ...(related.kind === 'point'
      ? {
          geometryType: 'esriGeometryPoint',
          spatialReference: outSR === 4326 ? WGS84 : { wkid: outSR },
          hasZ: false,
          hasM: false,
        }
      : {}),
    relatedRecordGroups,
  };
}
