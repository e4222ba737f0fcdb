/**
 * The geodesic buffer of the incident point, by the ArcGIS SDK's geodesicBufferOperator
 * (no map or WebGL needed). The SDK loads on first use; its projection engine comes from
 * `assetsPath` (never a CDN).
 */
import type { GeodesicBuffer, SearchArea } from '../../src/core/search/run-incident-search.js';

/** A buffer function bound to the SDK asset folder. */
export function sdkGeodesicBuffer(assetsPath: string): GeodesicBuffer {
  return async (center, radiusMeters, maxDeviationMeters): Promise<SearchArea> => {
    const [{ default: esriConfig }, operator, { default: Point }] = await Promise.all([
      import('@arcgis/core/config.js'),
      import('@arcgis/core/geometry/operators/geodesicBufferOperator.js'),
      import('@arcgis/core/geometry/Point.js'),
    ]);
    // A host (Experience Builder) may have set its own asset path already.
    if (!esriConfig.assetsPath || esriConfig.assetsPath.includes('js.arcgis.com'))
      esriConfig.assetsPath = assetsPath;
    if (!operator.isLoaded()) await operator.load();
    const point = new Point({ x: center[0], y: center[1], spatialReference: { wkid: 4326 } });
    const polygon = operator.execute(point, radiusMeters, {
      unit: 'meters',
      maxDeviation: maxDeviationMeters,
    });
    if (!polygon) throw new Error('The geodesic buffer is empty');
    return {
      rings: polygon.rings.map((ring) => ring.map(([x, y]) => [x as number, y as number] as const)),
    };
  };
}
