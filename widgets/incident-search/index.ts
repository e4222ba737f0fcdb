/**
 * `<cam-incident-search>`: the officer's search for registered cameras near an incident.
 * Importing this module defines the element (once).
 */
import { CamIncidentSearch } from './cam-incident-search.js';

export { CamIncidentSearch };
export type { IncidentSearchMessages } from './cam-incident-search.messages.js';
export type { MapAdapter, MapScene, MapTarget } from './map-adapter.js';
export { completeOAuthSignIn, type OfficerSession } from './sign-in.js';

if (!customElements.get('cam-incident-search')) {
  customElements.define('cam-incident-search', CamIncidentSearch);
}

declare global {
  interface HTMLElementTagNameMap {
    'cam-incident-search': CamIncidentSearch;
  }
}
