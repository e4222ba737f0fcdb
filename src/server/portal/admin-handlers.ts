/**
 * The administrative operations of a hosted feature service, as ArcGIS Online documents
 * them: its admin description, `addToDefinition` and `updateDefinition` for the service and
 * each layer. Definitions are checked against the compiled-in schema (definition-check.ts):
 * layers are added when they say what the schema says; afterwards only field aliases and
 * layer descriptions can change, because the local store's types and rules are the schema's.
 *
 * @see https://developers.arcgis.com/rest/services-reference/online/add-to-definition-feature-service/
 * @see https://developers.arcgis.com/rest/services-reference/online/add-to-definition-feature-layer/
 * @see https://developers.arcgis.com/rest/services-reference/online/update-definition-feature-service/
 * @see https://developers.arcgis.com/rest/services-reference/online/update-definition-feature-layer/
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../core/errors.js';
import { SERVICE_NAME } from '../../core/schema/registry-schema.js';
import type { LayerDef } from '../../core/schema/schema-types.js';
import { fieldsInView, layerById, layersInView } from '../../core/schema/views.js';
import { notFound } from '../arcgis-error.js';
import { inWriteTransaction } from '../db/open-database.js';
import { jsonParam } from '../request-params.js';
import { send, type ServerContext } from '../routes/route-kit.js';
import { adminLayerJson, adminServiceJson } from './admin-json.js';
import {
  checkSourceLayer,
  checkViewLayer,
  DefinitionRefused,
  expectedList,
  layerOfPosted,
  sameJson,
  type DefinitionDifference,
} from './definition-check.js';
import {
  defineLayers,
  definedLayerIds,
  hostedService,
  setFieldAlias,
  setLayerDescription,
  type HostedService,
} from './hosted-services.js';
type Handler = (
  request: FastifyRequest,
  reply: FastifyReply,
  context: ServerContext,
) => FastifyReply | Promise<FastifyReply>;

/** Longest alias and description `updateDefinition` stores. */
const MAX_ALIAS_LENGTH = 255;
const MAX_DESCRIPTION_LENGTH = 4000;

function requireService(request: FastifyRequest, context: ServerContext): HostedService {
  const name = (request.params as { service?: string }).service ?? '';
  const service = hostedService(context.db, name);
  if (!service) throw notFound(name);
  return service;
}

function requireLayer(
  request: FastifyRequest,
  context: ServerContext,
  service: HostedService,
): LayerDef {
  const raw = (request.params as { layer?: string }).layer ?? '';
  const layer = /^\d+$/.test(raw) ? layerById(Number(raw)) : undefined;
  const defined = definedLayerIds(context.db, service.name);
  if (!layer || !layersInView(service.view).includes(layer) || !defined.has(layer.id)) {
    throw new AppError(ErrorCode.NotFound, `Layer ${raw} does not exist in this service.`, [
      'layer',
    ]);
  }
  return layer;
}

function objectParam(request: FastifyRequest, name: string): Record<string, unknown> {
  const value = jsonParam(request.params_, name);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError(ErrorCode.InvalidInput, `'${name}' must be a JSON object.`, [name], {
      field: name,
    });
  }
  return value as Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `rest/admin/services/{name}/FeatureServer`. */
export const adminService: Handler = (request, reply, context) =>
  send(
    reply,
    request.params_,
    adminServiceJson(context.db, requireService(request, context), context),
  );

/** `rest/admin/services/{name}/FeatureServer/{id}`. */
export const adminLayer: Handler = (request, reply, context) => {
  const service = requireService(request, context);
  const layer = requireLayer(request, context, service);
  return send(reply, request.params_, adminLayerJson(context.db, service, layer, context));
};

/**
 * Service `addToDefinition`: adds `layers` and `tables`, each with its fields and
 * relationships (the source) or its view definition (a view). All are checked first; one
 * difference refuses the whole call.
 */
export const addToServiceDefinition: Handler = (request, reply, context) => {
  const service = requireService(request, context);
  const body = objectParam(request, 'addToDefinition');
  const differences: DefinitionDifference[] = [];
  const accepted: { layer: LayerDef; definition: Record<string, unknown> }[] = [];
  const defined = definedLayerIds(context.db, service.name);
  const sourceLayers = hostedService(context.db, SERVICE_NAME)
    ? definedLayerIds(context.db, SERVICE_NAME)
    : new Set<number>();
  for (const key of Object.keys(body)) {
    if (key !== 'layers' && key !== 'tables') {
      differences.push({
        kind: 'unexpected',
        service: service.name,
        property: key,
        actual: body[key],
      });
    }
  }
  const posted = (['layers', 'tables'] as const).flatMap((list) => {
    const entries = body[list];
    if (entries === undefined) return [];
    if (!Array.isArray(entries)) {
      throw new AppError(ErrorCode.InvalidInput, `'${list}' must be a list.`, [list], {
        field: list,
      });
    }
    return entries.map((entry) => ({ list, entry }));
  });
  if (posted.length === 0) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Unable to add feature service definition.',
      ['addToDefinition has no layers or tables.'],
      { field: 'addToDefinition' },
    );
  }
  for (const { list, entry } of posted) {
    if (!isRecord(entry)) {
      differences.push({
        kind: 'unexpected',
        service: service.name,
        property: list,
        actual: entry,
      });
      continue;
    }
    const layer = layerOfPosted(service.view, entry);
    if (!layer) {
      differences.push({
        kind: 'unexpected',
        service: service.name,
        property: 'layer',
        expected: layersInView(service.view).map((l) => l.name),
        actual: entry.name ?? entry.id,
      });
      continue;
    }
    if (defined.has(layer.id) || accepted.some((a) => a.layer === layer)) {
      differences.push({
        kind: 'exists',
        service: service.name,
        layer: layer.name,
        property: 'layer',
      });
      continue;
    }
    if (service.isView) {
      differences.push(...checkViewLayer(service.view, service.name, layer, entry, list));
      if (!sourceLayers.has(layer.id)) {
        differences.push({
          kind: 'missing',
          service: SERVICE_NAME,
          layer: layer.name,
          property: 'layer',
          expected: layer.name,
        });
      }
    } else {
      differences.push(...checkSourceLayer(layer, entry, list));
    }
    accepted.push({ layer, definition: entry });
  }
  if (differences.length > 0) {
    throw new DefinitionRefused('Unable to add feature service definition.', differences);
  }
  inWriteTransaction(context.db, () =>
    defineLayers(
      context.db,
      service.name,
      accepted.map((a) => ({ id: a.layer.id, definition: a.definition })),
      Date.now(),
    ),
  );
  const summary = (list: 'layers' | 'tables') =>
    accepted
      .filter((a) => expectedList(a.layer) === list)
      .map((a) => ({ name: a.layer.name, id: a.layer.id }));
  return send(reply, request.params_, {
    layers: summary('layers'),
    tables: summary('tables'),
    success: true,
  });
};

/**
 * Layer `addToDefinition` (fields, indexes). Every field of the schema is defined with its
 * layer, so a field is either already there or not one of the schema's; both are refused by
 * name, and so is anything else (indexes and the like are the store's own).
 */
export const addToLayerDefinition: Handler = (request, _reply, context) => {
  const service = requireService(request, context);
  const layer = requireLayer(request, context, service);
  const body = objectParam(request, 'addToDefinition');
  const names = new Set(fieldsInView(layer, service.view).map((f) => f.name.toLowerCase()));
  const differences: DefinitionDifference[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'fields' || !Array.isArray(value)) {
      differences.push({
        kind: 'unexpected',
        service: service.name,
        layer: layer.name,
        property: key,
        actual: value,
      });
      continue;
    }
    for (const field of value) {
      const name = isRecord(field) && typeof field.name === 'string' ? field.name : undefined;
      const where = { service: service.name, layer: layer.name, property: 'field' };
      if (name !== undefined && names.has(name.toLowerCase()))
        differences.push({ kind: 'exists', ...where, field: name });
      else
        differences.push({
          kind: 'unexpected',
          ...where,
          ...(name === undefined ? {} : { field: name }),
          actual: name ?? field,
        });
    }
  }
  if (differences.length === 0) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'Unable to add feature service layer definition.',
      ['addToDefinition has no fields.'],
      { field: 'addToDefinition' },
    );
  }
  throw new DefinitionRefused('Unable to add feature service layer definition.', differences);
};

/** What `updateDefinition` may change on one layer, checked before anything is stored. */
interface LayerChange {
  readonly layer: LayerDef;
  readonly aliases: { readonly field: string; readonly alias: string }[];
  readonly description: string | undefined;
}

function refusedChange(
  service: HostedService,
  layer: LayerDef | undefined,
  property: string,
  expected: unknown,
  actual: unknown,
  field?: string,
): DefinitionDifference {
  return {
    kind: 'differs',
    service: service.name,
    ...(layer ? { layer: layer.name } : {}),
    ...(field === undefined ? {} : { field }),
    property,
    expected,
    actual,
  };
}

/**
 * Checks a layer's `updateDefinition`: `fields[].alias` and `description` may change (they
 * are stored); any other property is accepted only when it already has the posted value.
 */
function checkLayerUpdate(
  service: HostedService,
  layer: LayerDef,
  update: Record<string, unknown>,
  current: Record<string, unknown>,
  differences: DefinitionDifference[],
): LayerChange {
  const aliases: { field: string; alias: string }[] = [];
  let description: string | undefined;
  const names = new Set(fieldsInView(layer, service.view).map((f) => f.name));
  const currentFields = new Map(
    (current.fields as Record<string, unknown>[]).map((f) => [f.name as string, f]),
  );
  for (const [key, value] of Object.entries(update)) {
    if (key === 'id' && value === layer.id) continue;
    if (key === 'description') {
      if (typeof value !== 'string' || value.length > MAX_DESCRIPTION_LENGTH) {
        differences.push(
          refusedChange(
            service,
            layer,
            'description',
            `text of at most ${MAX_DESCRIPTION_LENGTH} characters`,
            value,
          ),
        );
      } else description = value;
      continue;
    }
    if (key === 'fields' && Array.isArray(value)) {
      for (const posted of value) {
        const name = isRecord(posted) && typeof posted.name === 'string' ? posted.name : undefined;
        if (name === undefined || !names.has(name)) {
          differences.push({
            kind: 'unexpected',
            service: service.name,
            layer: layer.name,
            ...(name === undefined ? {} : { field: name }),
            property: 'field',
            actual: isRecord(posted) ? posted.name : posted,
          });
          continue;
        }
        const now = currentFields.get(name) ?? {};
        for (const [property, wanted] of Object.entries(posted as Record<string, unknown>)) {
          if (property === 'name') continue;
          if (property === 'alias') {
            if (
              typeof wanted === 'string' &&
              wanted.trim() !== '' &&
              wanted.length <= MAX_ALIAS_LENGTH
            )
              aliases.push({ field: name, alias: wanted });
            else
              differences.push(
                refusedChange(
                  service,
                  layer,
                  'alias',
                  `text of 1 to ${MAX_ALIAS_LENGTH} characters`,
                  wanted,
                  name,
                ),
              );
            continue;
          }
          if (!sameJson(now[property], wanted))
            differences.push(refusedChange(service, layer, property, now[property], wanted, name));
        }
      }
      continue;
    }
    if (!sameJson(current[key], value))
      differences.push(refusedChange(service, layer, key, current[key], value));
  }
  return { layer, aliases, description };
}

function applyChanges(
  context: ServerContext,
  service: HostedService,
  changes: readonly LayerChange[],
): void {
  inWriteTransaction(context.db, () => {
    for (const change of changes) {
      for (const { field, alias } of change.aliases)
        setFieldAlias(context.db, service.name, change.layer.id, field, alias);
      if (change.description !== undefined)
        setLayerDescription(context.db, service.name, change.layer.id, change.description);
    }
  });
}

const UPDATE_REFUSED =
  'Unable to update feature service layer definition: only field aliases and layer descriptions can change here, as the layers are compiled in from the schema.';

/** Layer `updateDefinition`. */
export const updateLayerDefinition: Handler = (request, reply, context) => {
  const service = requireService(request, context);
  const layer = requireLayer(request, context, service);
  const update = objectParam(request, 'updateDefinition');
  const differences: DefinitionDifference[] = [];
  const current = adminLayerJson(context.db, service, layer, context);
  const change = checkLayerUpdate(service, layer, update, current, differences);
  if (differences.length > 0) throw new DefinitionRefused(UPDATE_REFUSED, differences);
  applyChanges(context, service, [change]);
  return send(reply, request.params_, { success: true });
};

/**
 * Service `updateDefinition`: `layers` and `tables` entries (by `id`) are layer updates as
 * above; any other property is accepted only when it already has the posted value.
 */
export const updateServiceDefinition: Handler = (request, reply, context) => {
  const service = requireService(request, context);
  const update = objectParam(request, 'updateDefinition');
  const differences: DefinitionDifference[] = [];
  const current = adminServiceJson(context.db, service, context);
  const defined = definedLayerIds(context.db, service.name);
  const changes: LayerChange[] = [];
  for (const [key, value] of Object.entries(update)) {
    if ((key === 'layers' || key === 'tables') && Array.isArray(value)) {
      for (const entry of value) {
        const layer =
          isRecord(entry) && typeof entry.id === 'number' ? layerById(entry.id) : undefined;
        if (
          !layer ||
          !isRecord(entry) ||
          !defined.has(layer.id) ||
          !layersInView(service.view).includes(layer)
        ) {
          differences.push({
            kind: 'unexpected',
            service: service.name,
            property: 'layer',
            actual: isRecord(entry) ? entry.id : entry,
          });
          continue;
        }
        const layerCurrent = adminLayerJson(context.db, service, layer, context);
        changes.push(checkLayerUpdate(service, layer, entry, layerCurrent, differences));
      }
      continue;
    }
    if (!sameJson(current[key], value))
      differences.push(refusedChange(service, undefined, key, current[key], value));
  }
  if (differences.length > 0) throw new DefinitionRefused(UPDATE_REFUSED, differences);
  applyChanges(context, service, changes);
  return send(reply, request.params_, { success: true });
};
