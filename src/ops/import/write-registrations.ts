/**
 * Stores registrations through the source service's service-level `applyEdits`, several per
 * call, each call all or nothing (`rollbackOnFailure=true`, client GlobalIDs with
 * `useGlobalIds=true`, so cameras name their site in the same call). When a call is refused,
 * the registrations whose own edits failed are set aside and the rest are sent again; a
 * refusal that names no edit is split in halves until it does. A call whose answer was lost
 * is checked by form number before anything is sent again, so nothing is stored twice.
 *
 * @see https://developers.arcgis.com/rest/services-reference/enterprise/apply-edits-feature-service/
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import {
  arcgisRequest,
  layersOf,
  retryWhenRateLimited,
  type EditResultBody,
} from '../../client/arcgis-request.js';
import {
  AppError,
  ArcgisEditCode,
  ErrorCode,
  type EditResultError,
  type FieldIssue,
} from '../../core/errors.js';
import { CAMERAS, SITES } from '../../core/schema/registry-schema.js';
import { normalizeGuid } from '../../core/validation/validate-attributes.js';
import type { Registration } from './build-registration.js';
import { ImportIssueCode, type RowIssue } from './read-row.js';
import { storedForms } from './stored-forms.js';

/** Registrations sent in one call by default. */
export const DEFAULT_BATCH_SIZE = 50;
/** Most edits one call carries (a site and its cameras count one each). */
const MAX_EDITS_PER_CALL = 1000;

export interface WriteOptions {
  readonly serviceUrl: string;
  readonly authentication: IAuthenticationManager | null;
  readonly batchSize?: number;
  /** Called once for each group of registrations the service has stored. */
  readonly onStored: (registrations: readonly Registration[]) => Promise<void> | void;
  /** Called once for each registration the service refused, with why. */
  readonly onRefused: (registration: Registration, issues: readonly RowIssue[]) => void;
}

/** Failures that end the run rather than a registration: nothing here can be mended by a row. */
const FATAL: ReadonlySet<string> = new Set([
  ErrorCode.AuthRequired,
  ErrorCode.InvalidToken,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.RateLimited,
]);
/** Failures after which the call may or may not have been applied. */
const UNKNOWN_OUTCOME: ReadonlySet<string> = new Set([ErrorCode.Network, ErrorCode.Service]);

function editCount(registration: Registration): number {
  return 1 + registration.cameras.length;
}

/** Registrations in calls of at most `batchSize` registrations and {@link MAX_EDITS_PER_CALL} edits. */
export function batchesOf(
  registrations: readonly Registration[],
  batchSize: number,
): Registration[][] {
  const batches: Registration[][] = [];
  let current: Registration[] = [];
  let edits = 0;
  for (const registration of registrations) {
    const count = editCount(registration);
    if (current.length > 0 && (current.length >= batchSize || edits + count > MAX_EDITS_PER_CALL)) {
      batches.push(current);
      current = [];
      edits = 0;
    }
    current.push(registration);
    edits += count;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Whose edit each result answers: registration index and camera column group (0 for the site). */
interface Origin {
  readonly registration: number;
  readonly camera: number;
}

function editsOf(batch: readonly Registration[]): { body: string; origins: Map<number, Origin[]> } {
  const siteOrigins: Origin[] = [];
  const cameraOrigins: Origin[] = [];
  batch.forEach((registration, index) => {
    siteOrigins.push({ registration: index, camera: 0 });
    registration.row.cameras.forEach((camera) =>
      cameraOrigins.push({ registration: index, camera: camera.number }),
    );
  });
  const body = JSON.stringify([
    { id: SITES.id, adds: batch.map((registration) => registration.site) },
    { id: CAMERAS.id, adds: batch.flatMap((registration) => registration.cameras) },
  ]);
  return {
    body,
    origins: new Map([
      [SITES.id, siteOrigins],
      [CAMERAS.id, cameraOrigins],
    ]),
  };
}

/** A failed edit's problems, named by sheet column (`phone`, `camera2_mount`). */
function issuesOf(
  error: EditResultError | FieldIssue[] | null | undefined,
  camera: number,
): RowIssue[] {
  const column = (field: string): string =>
    camera > 0 && field !== '' ? `camera${camera}_${field}` : field;
  if (Array.isArray(error)) return error.map((issue) => ({ ...issue, field: column(issue.field) }));
  if (error?.issues && error.issues.length > 0)
    return error.issues.map((issue) => ({ ...issue, field: column(issue.field) }));
  return [
    {
      // Without a field, the camera's group (`camera2`) or the whole row ('').
      field: error?.field ? column(error.field) : camera > 0 ? `camera${camera}` : '',
      code: error?.appCode ?? ImportIssueCode.Refused,
    },
  ];
}

type Answer =
  | { readonly kind: 'stored' }
  | { readonly kind: 'refused'; readonly culprits: Map<number, RowIssue[]> }
  | { readonly kind: 'unanswered' };

/** Reads a service-level answer: all stored, or which registrations failed on their own account. */
function readAnswer(
  answer: unknown,
  batch: readonly Registration[],
  origins: Map<number, Origin[]>,
): Answer {
  // Sites first: a camera whose own site was refused reports only its own problems, not
  // that its site is missing.
  const layers = [...layersOf(answer)].sort(
    (a, b) => Number(a.id !== SITES.id) - Number(b.id !== SITES.id),
  );
  const culprits = new Map<number, RowIssue[]>();
  const siteRefused = new Set<number>();
  let failed = false;
  let answered = 0;
  for (const layer of layers) {
    const layerOrigins = origins.get(layer.id ?? -1) ?? [];
    (layer.addResults ?? []).forEach((result: EditResultBody | null, index) => {
      answered += 1;
      if (result?.success === true) return;
      failed = true;
      const origin = layerOrigins[index];
      if (!origin || result?.error?.code === ArcgisEditCode.RolledBack) return;
      if (origin.camera === 0) siteRefused.add(origin.registration);
      const issues = issuesOf(result?.error, origin.camera).filter(
        (issue) =>
          !(
            siteRefused.has(origin.registration) &&
            issue.field === `camera${origin.camera}_site_guid`
          ),
      );
      const list = culprits.get(origin.registration) ?? [];
      list.push(...issues);
      culprits.set(origin.registration, list);
    });
  }
  const sent = batch.reduce((sum, registration) => sum + editCount(registration), 0);
  if (!failed && answered === sent) return { kind: 'stored' };
  if (!failed) return { kind: 'unanswered' };
  return { kind: 'refused', culprits };
}

/** Writes every registration; throws only for failures that end the run. */
export async function writeRegistrations(
  registrations: readonly Registration[],
  options: WriteOptions,
): Promise<void> {
  const send = (body: string): Promise<unknown> =>
    retryWhenRateLimited(() =>
      arcgisRequest<unknown>(
        `${options.serviceUrl}/applyEdits`,
        { edits: body, useGlobalIds: true, rollbackOnFailure: true },
        { authentication: options.authentication },
      ),
    );

  /** After a lost answer: which of the batch are stored (by their own GlobalID), and the rest. */
  const settleLost = async (batch: readonly Registration[]): Promise<Registration[]> => {
    const stored = await storedForms(
      options.serviceUrl,
      batch.map((registration) => registration.row.formNumber),
      options.authentication,
    );
    const mine: Registration[] = [];
    const rest: Registration[] = [];
    for (const registration of batch) {
      const globalId = stored.get(registration.row.formNumber);
      if (globalId === undefined) rest.push(registration);
      else if (globalId === normalizeGuid(registration.siteGlobalId)) mine.push(registration);
      // Stored meanwhile by someone else: this form is not stored again.
      else options.onRefused(registration, [{ field: 'form_number', code: 'DUPLICATE' }]);
    }
    if (mine.length > 0) await options.onStored(mine);
    return rest;
  };

  const write = async (batch: readonly Registration[], lostBefore = false): Promise<void> => {
    if (batch.length === 0) return;
    const { body, origins } = editsOf(batch);
    let answer: unknown;
    try {
      answer = await send(body);
    } catch (error) {
      if (!(error instanceof AppError) || FATAL.has(error.code)) throw error;
      if (UNKNOWN_OUTCOME.has(error.code)) {
        // Once more after checking what arrived; a second loss ends the run.
        if (lostBefore) throw error;
        return write(await settleLost(batch), true);
      }
      // Refused as a whole: halve until the refusal names one registration.
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await write(batch.slice(0, half));
        return write(batch.slice(half));
      }
      const [only] = batch as [Registration];
      options.onRefused(
        only,
        error.issues.length > 0
          ? issuesOf([...error.issues], 0)
          : [{ field: error.field ?? '', code: error.code }],
      );
      return;
    }
    const outcome = readAnswer(answer, batch, origins);
    if (outcome.kind === 'stored') {
      await options.onStored(batch);
      return;
    }
    if (outcome.kind === 'unanswered') {
      // Stored, perhaps, but not said so of every feature: ask what arrived, as for a lost answer.
      if (lostBefore)
        throw new AppError(ErrorCode.Service, 'applyEdits answered for fewer features than sent');
      return write(await settleLost(batch), true);
    }
    if (outcome.culprits.size === 0) {
      // Every edit undone, none named: split as for a refusal of the whole call.
      if (batch.length === 1) {
        options.onRefused(batch[0] as Registration, [{ field: '', code: ImportIssueCode.Refused }]);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await write(batch.slice(0, half));
      return write(batch.slice(half));
    }
    for (const [index, issues] of outcome.culprits)
      options.onRefused(batch[index] as Registration, issues);
    return write(batch.filter((_registration, index) => !outcome.culprits.has(index)));
  };

  for (const batch of batchesOf(registrations, options.batchSize ?? DEFAULT_BATCH_SIZE))
    await write(batch);
}
