/**
 * The build entry of `<cam-registration>` for Experience Builder: `npm run build` bundles it,
 * with the ArcGIS Maps SDK left to Experience Builder (`esri/*`), into
 * `dist/experience-builder/cam-registration/src/runtime/cam-registration-element.js`.
 */
export { CamRegistration } from '../../../../registration/index.js';
