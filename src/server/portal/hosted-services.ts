import { AppError, ErrorCode } from '../../core/errors.js';
import { RELATIONSHIPS } from '../../core/schema/registry-schema.js';
import type { LayerDef, ViewName } from '../../core/schema/schema-types.js';
import { layersInView, SERVICE_OF_VIEW, viewOfService } from '../../core/schema/views.js';
import { notFound } from '../arcgis-error.js';
import { prepared, type Database } from '../db/open-database.js';
import { jsonParam, type Params } from '../request-params.js';

/**
 * Which hosted feature services exist and which of their layers have been defined. A service
 * exists once `createService` has made its item; a layer, once `addToDefinition` has added
 * it. Until then the Feature Service routes answer as ArcGIS does for what is not there.
 * The aliases and descriptions set through `updateDefinition` are kept here too, and the
 * served layer JSON reports them.
 */

export interface HostedService {
  /** The service name as the schema spells it (`CommunityCameras_public`). */
  readonly name: string;
  readonly view: ViewName;
  readonly itemId: string;
  readonly owner: string;
  readonly isView: boolean;
}

interface ServiceRow {
  service_name: string;
  id: string;
  owner: string;
  is_view: number;
}

/** The hosted service of that name (any case), when it has been created. */
export function hostedService(db: Database, name: string): HostedService | undefined {
  const view = viewOfService(name);
  if (!view) return undefined;
  const row = prepared(
    db,
    'SELECT service_name, id, owner, is_view FROM portal_items WHERE service_name = ?',
  ).get(SERVICE_OF_VIEW[view]) as ServiceRow | undefined;
  if (!row) return undefined;
  return {
    name: row.service_name,
    view,
    itemId: row.id,
    owner: row.owner,
    isView: row.is_view === 1,
  };
}

/** Ids of the layers and tables `addToDefinition` has given the service. */
export function definedLayerIds(db: Database, serviceName: string): ReadonlySet<number> {
  const rows = prepared(db, 'SELECT layer_id FROM hosted_layers WHERE service_name = ?').all(
    serviceName,
  ) as { layer_id: number }[];
  return new Set(rows.map((row) => row.layer_id));
}

/** Records layers as defined (the caller has checked them against the schema). */
export function defineLayers(
  db: Database,
  serviceName: string,
  layers: readonly { readonly id: number; readonly definition: unknown }[],
  now: number,
): void {
  const insert = prepared(
    db,
    'INSERT INTO hosted_layers (service_name, layer_id, definition, added_at) VALUES (?, ?, ?, ?)',
  );
  for (const layer of layers) {
    insert.run(
      serviceName,
      layer.id,
      layer.definition === null ? null : JSON.stringify(layer.definition),
      now,
    );
  }
}

export function setFieldAlias(
  db: Database,
  serviceName: string,
  layerId: number,
  fieldName: string,
  alias: string,
): void {
  prepared(
    db,
    `INSERT INTO hosted_field_aliases (service_name, layer_id, field_name, alias) VALUES (?, ?, ?, ?)
     ON CONFLICT (service_name, layer_id, field_name) DO UPDATE SET alias = excluded.alias`,
  ).run(serviceName, layerId, fieldName, alias);
}

export function setLayerDescription(
  db: Database,
  serviceName: string,
  layerId: number,
  description: string,
): void {
  prepared(
    db,
    'UPDATE hosted_layers SET description = ? WHERE service_name = ? AND layer_id = ?',
  ).run(description, serviceName, layerId);
}

interface Overrides {
  readonly aliases: ReadonlyMap<string, string>;
  readonly description: string | null;
}

function overridesOf(db: Database, serviceName: string, layerId: number): Overrides {
  const aliases = prepared(
    db,
    'SELECT field_name, alias FROM hosted_field_aliases WHERE service_name = ? AND layer_id = ?',
  ).all(serviceName, layerId) as { field_name: string; alias: string }[];
  const row = prepared(
    db,
    'SELECT description FROM hosted_layers WHERE service_name = ? AND layer_id = ?',
  ).get(serviceName, layerId) as { description: string | null } | undefined;
  return {
    aliases: new Map(aliases.map((a) => [a.field_name, a.alias])),
    description: row?.description ?? null,
  };
}

/**
 * A layer's JSON as its hosted service now defines it: aliases and the description set by
 * `updateDefinition`, and only the relationships whose other end the service has.
 */
export function withDefinitionState(
  db: Database,
  view: ViewName,
  layer: LayerDef,
  json: Record<string, unknown>,
): Record<string, unknown> {
  const serviceName = SERVICE_OF_VIEW[view];
  const { aliases, description } = overridesOf(db, serviceName, layer.id);
  const defined = definedLayerIds(db, serviceName);
  const fields = json.fields as { name: string; alias: string }[];
  const relationships = json.relationships as { relatedTableId: number }[];
  return {
    ...json,
    ...(description === null ? {} : { description }),
    fields: fields.map((field) =>
      aliases.has(field.name) ? { ...field, alias: aliases.get(field.name) } : field,
    ),
    relationships: relationships.filter((rel) => defined.has(rel.relatedTableId)),
  };
}

interface ServiceEntry {
  readonly id: number;
}

/**
 * A service description as the hosted service now stands: only the layers, tables and
 * relationships defined so far, and the service's item id.
 */
export function withServiceState(
  db: Database,
  service: HostedService,
  json: Record<string, unknown>,
): Record<string, unknown> {
  const defined = definedLayerIds(db, service.name);
  const keep = (entries: unknown) => (entries as ServiceEntry[]).filter((e) => defined.has(e.id));
  const layers = keep(json.layers);
  const tables = keep(json.tables);
  const ids = new Set([...layers, ...tables].map((e) => e.id));
  return {
    ...json,
    serviceItemId: service.itemId,
    layers,
    tables,
    relationships: (json.relationships as { id: number }[]).filter((rel) => {
      const def = RELATIONSHIPS.find((r) => r.id === rel.id);
      return def !== undefined && ids.has(def.originLayerId) && ids.has(def.destinationLayerId);
    }),
  };
}

const layerMissing = (raw: string | number): AppError =>
  new AppError(ErrorCode.NotFound, `Layer ${raw} does not exist in this service.`, ['layer']);

/**
 * Refuses a Feature Service request for a service not created yet, or for a layer (by path,
 * or in a service-level `applyEdits`) not added yet, as ArcGIS answers for what is not there.
 * Names that are no service of the schema are left to the route (it answers the same).
 */
export function assertFeatureServiceDefined(
  db: Database,
  routeParams: { readonly service?: string; readonly layer?: string },
  url: string | undefined,
  params: Params,
): void {
  const name = routeParams.service ?? '';
  if (!viewOfService(name)) return;
  const service = hostedService(db, name);
  if (!service) throw notFound(name);
  const defined = definedLayerIds(db, service.name);
  // Only layers of the view that are not added yet: the routes answer for any other id.
  const pending = (id: number) =>
    !defined.has(id) && layersInView(service.view).some((l) => l.id === id);
  const layer = routeParams.layer;
  if (layer !== undefined && /^\d+$/.test(layer) && pending(Number(layer)))
    throw layerMissing(layer);
  if (layer === undefined && url?.endsWith('/applyEdits')) {
    let edits: unknown;
    try {
      edits = jsonParam(params, 'edits');
    } catch {
      return; // the route reports unreadable edits
    }
    if (!Array.isArray(edits)) return;
    for (const entry of edits) {
      const id = (entry as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && pending(id)) throw layerMissing(id);
    }
  }
}
