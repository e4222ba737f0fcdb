import type { FastifyRequest } from 'fastify';
import type { ViewName } from '../../core/schema/schema-types.js';
import { describeLayer } from '../handlers/service-info.js';
import { queryRelatedRecords } from '../query/query-related.js';
import { runQuery } from '../query/run-query.js';
import { OfficerReadGuard } from '../security/officer-read-guard.js';
import { BY_VIEW, FS, READ } from './route-policies.js';
import {
  layerFor,
  requireQuery,
  send,
  sendPage,
  viewFor,
  wantsHtml,
  type RouteDef,
  type ServerContext,
} from './route-kit.js';

/** The read guard of an officer's request on the officer view; none elsewhere. */
function guardFor(
  request: FastifyRequest,
  context: ServerContext,
  view: ViewName,
): OfficerReadGuard | null {
  if (view !== 'officer' || request.caller.kind !== 'user') return null;
  return new OfficerReadGuard(
    context.db,
    context.officerReads,
    request.caller.username,
    request.routeOptions.url ?? 'unmatched',
  );
}

/** Feature reads: query and queryRelatedRecords, each through the officer-read guard. */
export const QUERY_ROUTES: readonly RouteDef[] = [
  {
    methods: READ,
    url: `${FS}/:layer/query`,
    access: BY_VIEW,
    purpose: 'Query features',
    handler: (request, reply, context) => {
      const view = viewFor(request);
      const layer = layerFor(request, view);
      requireQuery(layer, view);
      const guard = guardFor(request, context, view);
      const username = request.caller.kind === 'user' ? request.caller.username : null;
      if (wantsHtml(request.params_)) {
        // The query form, and under it the answer when the form was submitted.
        const asked = Object.keys(request.params_).some((k) => k !== 'f' && k !== 'token');
        const result = asked
          ? runQuery(
              { db: context.db, layer, view, guard, username },
              { ...request.params_, f: 'json' },
            ).body
          : undefined;
        return sendPage(reply, request, 'query', describeLayer(context.db, layer, view, context), {
          params: request.params_,
          result,
        });
      }
      const { body, format } = runQuery(
        { db: context.db, layer, view, guard, username },
        request.params_,
      );
      return send(reply, request.params_, body, format);
    },
  },
  {
    methods: READ,
    url: `${FS}/:layer/queryRelatedRecords`,
    access: BY_VIEW,
    purpose: 'Query related records',
    handler: (request, reply, context) => {
      const view = viewFor(request);
      const layer = layerFor(request, view);
      const guard = guardFor(request, context, view);
      return send(
        reply,
        request.params_,
        queryRelatedRecords({ db: context.db, layer, view, guard }, request.params_),
      );
    },
  },
];
