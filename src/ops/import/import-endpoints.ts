/**
 * Where an import writes and geocodes, when not given: the source service beside a portal
 * that serves its own services (our local server, an Enterprise web adaptor at `/arcgis`),
 * and the geocoder the portal names in `portals/self` (`helperServices.geocode`; on ArcGIS
 * Online, the World geocoder), biased towards the centre of the portal's default extent.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/portal-self/
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import { arcgisRequest } from '../../client/arcgis-request.js';
import { AppError, ErrorCode } from '../../core/errors.js';
import type { LonLat } from '../../core/registration/change-request.js';
import { SERVICE_NAME } from '../../core/schema/registry-schema.js';

/** `http://host/arcgis` (or its `/sharing/rest`) → the source service beside it. */
export function defaultServiceUrl(portal: string): string | undefined {
  const base = portal.replace(/\/+$/, '').replace(/\/sharing\/rest$/i, '');
  return /\/arcgis$/i.test(base)
    ? `${base}/rest/services/${SERVICE_NAME}/FeatureServer`
    : undefined;
}

interface PortalSelf {
  readonly helperServices?: { readonly geocode?: readonly { readonly url?: unknown }[] };
  readonly defaultExtent?: {
    readonly xmin?: unknown;
    readonly ymin?: unknown;
    readonly xmax?: unknown;
    readonly ymax?: unknown;
    readonly spatialReference?: { readonly wkid?: unknown; readonly latestWkid?: unknown };
  };
}

const EARTH_RADIUS = 6_378_137;

/** The centre of an extent in WGS84 or Web Mercator, as longitude and latitude. */
function centreOf(extent: PortalSelf['defaultExtent']): LonLat | undefined {
  if (!extent) return undefined;
  const { xmin, ymin, xmax, ymax } = extent;
  if (![xmin, ymin, xmax, ymax].every((n) => typeof n === 'number' && Number.isFinite(n)))
    return undefined;
  const x = ((xmin as number) + (xmax as number)) / 2;
  const y = ((ymin as number) + (ymax as number)) / 2;
  const wkid = extent.spatialReference?.latestWkid ?? extent.spatialReference?.wkid;
  if (wkid === 4326) return { x, y };
  if (wkid === 3857 || wkid === 102100)
    return {
      x: (x / EARTH_RADIUS) * (180 / Math.PI),
      y: (2 * Math.atan(Math.exp(y / EARTH_RADIUS)) - Math.PI / 2) * (180 / Math.PI),
    };
  return undefined;
}

/** The portal's geocoder and the point its matches are ranked from. */
export async function portalGeocoder(
  sharingUrl: string,
  authentication: IAuthenticationManager | null,
): Promise<{ url: string; near: LonLat | undefined }> {
  const self = await arcgisRequest<PortalSelf>(
    `${sharingUrl}/portals/self`,
    {},
    { authentication, httpMethod: 'GET' },
  );
  const url = self.helperServices?.geocode?.find((g) => typeof g.url === 'string')?.url;
  if (typeof url !== 'string')
    throw new AppError(
      ErrorCode.InvalidInput,
      'The portal names no geocoder: give --geocoder URL (a GeocodeServer).',
      [],
      { field: 'geocoder' },
    );
  return { url, near: centreOf(self.defaultExtent) };
}
