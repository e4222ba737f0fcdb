import { INDEPENDENCE_STREETS } from '../seed/independence-streets.js';

/**
 * The demo city's (synthetic) street lines as GeoJSON: an offline stand-in for a basemap,
 * so the widgets' maps show streets with no internet.
 */
export function streetsGeojson(): Record<string, unknown> {
  return {
    type: 'FeatureCollection',
    features: INDEPENDENCE_STREETS.map((street, index) => ({
      type: 'Feature',
      id: index + 1,
      properties: { name: street.name },
      geometry: {
        type: 'LineString',
        coordinates:
          street.axis === 'north-south'
            ? [
                [street.at, street.from],
                [street.at, street.to],
              ]
            : [
                [street.from, street.at],
                [street.to, street.at],
              ],
      },
    })),
  };
}
