/**
 * What the builder stores for the officer search (`config.json` holds the defaults). Empty
 * texts leave the setting to the config file, or to the widget's defaults.
 */
export interface Config {
  /** A JSON file with any setting of `<cam-incident-search>`; paths in it resolve against it. */
  readonly configUrl: string;
  /** The officer view: `https://…/CommunityCameras_officer/FeatureServer`. */
  readonly serviceUrl: string;
  /** A GeocodeServer for the incident address. */
  readonly geocodeUrl: string;
  /** Radii in feet (`ft`) or metres (`m`). */
  readonly radiusUnit: 'ft' | 'm';
}
