import { queryRelatedRecords } from '../query/query-related.js';
import { runQuery } from '../query/run-query.js';
import { checkOfficerQuery } from '../security/request-limits.js';
import { BY_VIEW, FS, READ } from './route-policies.js';
import { layerFor, requireQuery, send, viewFor, type RouteDef } from './route-kit.js';

/** Feature reads: query and queryRelatedRecords. */
export const QUERY_ROUTES: readonly RouteDef[] = [
  {
    methods: READ,
    url: `${FS}/:layer/query`,
    access: BY_VIEW,
    purpose: 'Query features',
    handler: (request, reply, { db }) => {
      const view = viewFor(request);
      const layer = layerFor(request, view);
      requireQuery(layer, view);
      if (view === 'officer') checkOfficerQuery(layer, request.params_);
      const { body, format } = runQuery({ db, layer, view }, request.params_);
      return send(reply, request.params_, body, format);
    },
  },
  {
    methods: READ,
    url: `${FS}/:layer/queryRelatedRecords`,
    access: BY_VIEW,
    purpose: 'Query related records',
    handler: (request, reply, { db }) => {
      const view = viewFor(request);
      const layer = layerFor(request, view);
      return send(
        reply,
        request.params_,
        queryRelatedRecords({ db, layer, view }, request.params_),
      );
    },
  },
];
