import type { Database } from '../db/open-database.js';
import {
  clock,
  DEFAULT_TOKEN_POLICY,
  issueToken,
  presentedToken,
  type IssuedToken,
  type TokenBinding,
  type TokenPolicy,
  type TokenUse,
} from './accounts.js';
import { joinGrantOf } from './oauth.js';

/**
 * A server token for the holder of a portal token (generateToken with `token` and
 * `serverUrl`, as federated ArcGIS servers are reached). Portal and server are one here, so
 * the server token is another token of the same user: it never outlives the portal token,
 * keeps its binding (referer or address) unless the caller names another `client`, and ends
 * with the OAuth sign-in the portal token came from, if any. A portal token that is unknown,
 * expired, idle or presented from elsewhere is refused with 498, as everywhere.
 *
 * @see https://developers.arcgis.com/rest/users-groups-and-items/generate-token/
 */
export function serverTokenFor(
  db: Database,
  portalToken: string,
  use: TokenUse,
  grant: { readonly expirationMinutes?: number | undefined; readonly bindTo?: TokenBinding },
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = clock(policy),
): IssuedToken {
  const portal = presentedToken(db, portalToken, policy, use, now);
  const issued = issueToken(
    db,
    portal,
    {
      expirationMinutes: grant.expirationMinutes,
      bindTo: grant.bindTo ?? portal.binding,
      notAfter: portal.expires,
    },
    policy,
    now,
  );
  joinGrantOf(db, portalToken, issued.token);
  return issued;
}
