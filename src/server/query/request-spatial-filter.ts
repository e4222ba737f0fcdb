import { numberParam, stringParam, type Params } from '../request-params.js';
import { buildSpatialFilter, type SpatialFilter } from './geometry-filter.js';
import { parseSpatialReference } from './projection.js';

/** The spatial filter a query request describes (`geometry` and its companions), if any. */
export function spatialFilterOfRequest(params: Params): SpatialFilter | undefined {
  const geometry = stringParam(params, 'geometry');
  if (geometry === undefined) return undefined;
  return buildSpatialFilter({
    geometry,
    geometryType: stringParam(params, 'geometryType'),
    inSR: params.inSR ? parseSpatialReference(params.inSR, 4326) : undefined,
    spatialRel: stringParam(params, 'spatialRel'),
    relationParam: stringParam(params, 'relationParam'),
    distance: numberParam(params, 'distance'),
    units: stringParam(params, 'units'),
  });
}
