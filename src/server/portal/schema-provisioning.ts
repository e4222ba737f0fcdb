import type { ViewName } from '../../core/schema/schema-types.js';
import { layersInView, SERVICE_OF_VIEW } from '../../core/schema/views.js';
import { inWriteTransaction, prepared, type Database } from '../db/open-database.js';
import { defineLayers, definedLayerIds, hostedService } from './hosted-services.js';
import {
  findGroupByTitle,
  insertGroup,
  insertServiceItem,
  newPortalId,
  shareItem,
} from './portal-store.js';

/**
 * The group the officer view is shared with. Provisioning (`src/ops/provision`) creates a
 * group of this title by default, so a server whose services are present from the start has
 * nothing left for it to do.
 */
export const OFFICER_GROUP_TITLE = 'Community Camera Officers';

/** Who owns what is present from the start: the first administrator by name. */
function defaultOwner(db: Database): string {
  const row = prepared(
    db,
    "SELECT username FROM users WHERE role = 'admin' ORDER BY username LIMIT 1",
  ).get() as { username: string } | undefined;
  return row?.username ?? 'admin';
}

/** How each view's item is shared once provisioned: the public view with everyone, the officer view with the officers' group, the source with nobody. */
const SHARED_WITH: Readonly<Record<ViewName, 'everyone' | 'officers' | 'nobody'>> = {
  source: 'nobody',
  public: 'everyone',
  officer: 'officers',
};

/**
 * Records the three services as provisioned, as `ccr provision` would leave them: each
 * service's item with every layer of its view defined, the officers' group, and the sharing.
 * Only what is missing is added, so a restart changes nothing and an earlier partial
 * provisioning is completed.
 */
export function recordSchemaProvisioning(db: Database, now: number = Date.now()): void {
  inWriteTransaction(db, () => {
    const owner = defaultOwner(db);
    let group = findGroupByTitle(db, OFFICER_GROUP_TITLE);
    if (!group) {
      insertGroup(db, {
        id: newPortalId(),
        title: OFFICER_GROUP_TITLE,
        owner,
        description: 'Officers who search the registry through the officer view.',
        access: 'private',
        isInvitationOnly: true,
        now,
      });
      group = findGroupByTitle(db, OFFICER_GROUP_TITLE);
    }
    for (const view of ['source', 'public', 'officer'] as const) {
      const name = SERVICE_OF_VIEW[view];
      let service = hostedService(db, name);
      if (!service) {
        const id = newPortalId();
        insertServiceItem(db, {
          id,
          owner,
          serviceName: name,
          isView: view !== 'source',
          createParameters: null,
          now,
        });
        const sharing = SHARED_WITH[view];
        if (sharing === 'everyone') shareItem(db, id, { everyone: true, groups: [] }, now);
        if (sharing === 'officers' && group) shareItem(db, id, { groups: [group.id] }, now);
        service = hostedService(db, name);
      }
      if (!service) continue;
      const defined = definedLayerIds(db, name);
      const missing = layersInView(view).filter((layer) => !defined.has(layer.id));
      defineLayers(
        db,
        name,
        missing.map((layer) => ({ id: layer.id, definition: null })),
        now,
      );
    }
  });
}
