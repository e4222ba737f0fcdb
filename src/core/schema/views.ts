import { LAYERS, SERVICE_NAME } from './registry-schema.js';
import type { FieldDef, LayerDef, Operation, ViewName } from './schema-types.js';

/** The ArcGIS service name of each view. */
export const SERVICE_OF_VIEW: Readonly<Record<ViewName, string>> = {
  source: SERVICE_NAME,
  public: `${SERVICE_NAME}_public`,
  officer: `${SERVICE_NAME}_officer`,
};

export function viewOfService(serviceName: string): ViewName | undefined {
  const lower = serviceName.toLowerCase();
  return (Object.keys(SERVICE_OF_VIEW) as ViewName[]).find(
    (view) => SERVICE_OF_VIEW[view].toLowerCase() === lower,
  );
}

/** Layers a view carries: those with any operation in it. */
export function layersInView(view: ViewName): readonly LayerDef[] {
  return LAYERS.filter((layer) => (layer.access[view]?.operations.length ?? 0) > 0);
}

export function layerById(id: number): LayerDef | undefined {
  return LAYERS.find((layer) => layer.id === id);
}

/** Fields a view shows (for query layers) or accepts (for create-only layers). */
export function fieldsInView(layer: LayerDef, view: ViewName): readonly FieldDef[] {
  if (view === 'source') return layer.fields;
  return layer.fields.filter((field) => field.views?.[view] === true);
}

export function operationsInView(layer: LayerDef, view: ViewName): readonly Operation[] {
  return layer.access[view]?.operations ?? [];
}

export function findField(layer: LayerDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return layer.fields.find((field) => field.name.toLowerCase() === lower);
}
