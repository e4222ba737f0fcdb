/**
 * The build entry of `<cam-incident-search>` for Experience Builder: `npm run build` bundles
 * it, with the ArcGIS Maps SDK left to Experience Builder (`esri/*`), into
 * `dist/experience-builder/cam-incident-search/src/runtime/cam-incident-search-element.js`.
 */
export { CamIncidentSearch } from '../../../../incident-search/index.js';
