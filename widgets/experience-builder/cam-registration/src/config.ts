/**
 * What the builder stores for the registration widget (`config.json` holds the defaults).
 * Empty texts leave the setting to the config file, or to the widget's defaults.
 */
export interface Config {
  /** A JSON file with any setting of `<cam-registration>`; paths in it resolve against it. */
  readonly configUrl: string;
  /** The public view: `https://…/CommunityCameras_public/FeatureServer`. */
  readonly serviceUrl: string;
  /** A GeocodeServer with `suggest` and `findAddressCandidates`. */
  readonly geocoderUrl: string;
  /** `register` (a new registration) or `manage` (update, re-confirm, withdraw). */
  readonly mode: 'register' | 'manage';
}
