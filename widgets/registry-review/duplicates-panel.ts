import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import {
  arcgisRequest,
  queryFeaturePages,
  sqlString,
  type FeatureBody,
} from '../../src/client/arcgis-request.js';
import {
  DuplicateIndex,
  type DuplicateCandidate,
  type DuplicateSite,
} from '../../src/core/duplicates/find-duplicates.js';
import { CAMERAS, REVIEW_LOG, SITES } from '../../src/core/schema/registry-schema.js';
import { mergeSites, type MergeReport } from '../../src/ops/merge-sites.js';
import type { OfficerSession } from '../incident-search/sign-in.js';
import { describeError } from '../shared/describe-error.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import { tokens } from '../shared/tokens.styles.js';
import {
  duplicatesMessagesFor,
  type DuplicatesMessages,
  type PanelOverrides,
} from './panels.messages.js';
import { panelStyles } from './panels.styles.js';

/**
 * Every candidate pair, found in a worker so the page keeps answering (seconds at 100,000
 * sites); on the page itself, after a paint, where workers cannot start (a strict host page).
 */
async function findCandidates(
  sites: readonly DuplicateSite[],
  signal: AbortSignal,
): Promise<readonly DuplicateCandidate[]> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./duplicates-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 0));
    return new DuplicateIndex(sites).allCandidates();
  }
  try {
    return await new Promise<readonly DuplicateCandidate[]>((resolve, reject) => {
      worker.addEventListener('message', (event: MessageEvent<readonly DuplicateCandidate[]>) =>
        resolve(event.data),
      );
      worker.addEventListener('error', (event) => {
        // A worker that could not load: do the work here instead.
        event.preventDefault();
        resolve(new DuplicateIndex(sites).allCandidates());
      });
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      worker.postMessage(sites);
    });
  } finally {
    worker.terminate();
  }
}

/** Site statuses looked through for duplicates: withdrawn and rejected sites are left alone. */
const STATUSES = ['pending', 'verified', 'expired'] as const;
/** What finding duplicates needs of every site, and what the list shows. */
const LIST_FIELDS = [
  'GlobalID',
  'registration_ref',
  'address',
  'unit',
  'phone',
  'email',
  'status',
  'CreationDate',
] as const;
/** What the side-by-side comparison shows of the two sites of a pair. */
const COMPARE_FIELDS = [
  'registration_ref',
  'address',
  'unit',
  'contact_name',
  'business_name',
  'phone',
  'email',
  'preferred_contact',
  'preferred_language',
  'best_hours',
  'status',
  'CreationDate',
] as const;
/** Pairs listed at first, and added by each "show more". */
const PAGE = 50;

type Attributes = FeatureBody['attributes'];

interface LoadedSite {
  readonly attributes: Attributes;
  readonly point: readonly [number, number] | null;
}

interface Comparison {
  readonly candidate: DuplicateCandidate;
  readonly sites: readonly [Attributes, Attributes];
  readonly cameras: readonly [number, number];
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The site a pair keeps unless the analyst says otherwise: the verified one, else the older. */
export function defaultKeep(a: Attributes, b: Attributes): 0 | 1 {
  const verifiedA = a.status === 'verified';
  const verifiedB = b.status === 'verified';
  if (verifiedA !== verifiedB) return verifiedA ? 0 : 1;
  const createdA = typeof a.CreationDate === 'number' ? a.CreationDate : Infinity;
  const createdB = typeof b.CreationDate === 'number' ? b.CreationDate : Infinity;
  return createdB < createdA ? 1 : 0;
}

/**
 * `<cam-review-duplicates>`: the analyst workspace's duplicates panel. Loads the source
 * service's sites (the fields duplicate finding needs, a page at a time with progress),
 * lists the candidate pairs best first with their score out of 100 and reasons in words;
 * a pair opens side by side, the analyst picks which registration to keep (the verified or
 * older one by default) and merges: cameras and contact entries move, blanks are filled,
 * the other registration is removed, and a ReviewLog row `merged` is written in the same
 * `applyEdits`.
 *
 * @fires cam-review-changed - after a merge; `detail.siteGuid` is the kept site.
 */
export class CamReviewDuplicates extends LitElement {
  static override styles = [tokens, panelStyles];

  @state() private locale: Locale = 'en';
  @state() private phase: 'idle' | 'loading' | 'finding' | 'ready' | 'failed' = 'idle';
  @state() private loaded = 0;
  @state() private total: number | null = null;
  @state() private failure: unknown = null;
  @state() private candidates: readonly DuplicateCandidate[] = [];
  @state() private shown = PAGE;
  @state() private comparison: Comparison | null = null;
  @state() private comparing = false;
  @state() private keep: 0 | 1 = 0;
  @state() private merging = false;
  @state() private announcement = '';

  /** The source feature service (`…/CommunityCameras/FeatureServer`). */
  @property({ attribute: 'service-url' }) serviceUrl = '';
  /** The signed-in analyst; every request is signed with it. */
  @property({ attribute: false }) session: OfficerSession | null = null;
  /** Any string, per language. */
  @property({ attribute: false }) messageOverrides?: PanelOverrides<DuplicatesMessages>;

  private sites = new Map<string, LoadedSite>();
  private loading: AbortController | null = null;
  private langObserver: MutationObserver | undefined;
  /** The candidate whose row had focus before it was compared, to return to it. */
  private returnTo: DuplicateCandidate | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLocale(this);
    this.langObserver = new MutationObserver(() => {
      this.locale = resolveLocale(this);
    });
    this.langObserver.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
      subtree: true,
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.langObserver?.disconnect();
    this.loading?.abort();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('serviceUrl') || changed.has('session')) void this.load();
  }

  private get messages(): DuplicatesMessages {
    return duplicatesMessagesFor(this.locale, this.messageOverrides);
  }

  private get call() {
    return { authentication: this.session?.authentication ?? null };
  }

  /** Loads every site in a cycle status, then finds the candidate pairs. */
  async load(): Promise<void> {
    this.loading?.abort();
    this.comparison = null;
    this.candidates = [];
    this.sites = new Map();
    if (!this.serviceUrl || !this.session) {
      this.phase = 'idle';
      return;
    }
    const controller = new AbortController();
    this.loading = controller;
    const options = { ...this.call, signal: controller.signal };
    const layer = `${this.serviceUrl}/${SITES.id}`;
    const where = `status IN (${STATUSES.map(sqlString).join(', ')})`;
    this.phase = 'loading';
    this.loaded = 0;
    this.total = null;
    this.failure = null;
    try {
      const counted = await arcgisRequest<{ count?: number }>(
        `${layer}/query`,
        { where, returnCountOnly: true },
        options,
      );
      this.total = typeof counted.count === 'number' ? counted.count : null;
      const sites = new Map<string, LoadedSite>();
      for await (const page of queryFeaturePages(
        layer,
        { where, outFields: LIST_FIELDS, returnGeometry: true, outSR: 4326, pageSize: 1000 },
        options,
      )) {
        for (const feature of page) {
          const g = feature.geometry as { x?: unknown; y?: unknown } | undefined;
          const point =
            typeof g?.x === 'number' && typeof g.y === 'number' ? ([g.x, g.y] as const) : null;
          sites.set(text(feature.attributes.GlobalID), { attributes: feature.attributes, point });
        }
        this.loaded = sites.size;
      }
      this.phase = 'finding';
      const candidates = await findCandidates(
        [...sites.entries()].map(([id, site]): DuplicateSite => ({
          id,
          point: site.point,
          address: text(site.attributes.address),
          unit: text(site.attributes.unit),
          phone: text(site.attributes.phone),
          email: text(site.attributes.email),
        })),
        controller.signal,
      );
      if (controller.signal.aborted) return;
      this.sites = sites;
      this.candidates = candidates;
      this.shown = PAGE;
      this.phase = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      this.failure = error;
      this.phase = 'failed';
    }
  }

  private reference(id: string): string {
    return text(this.sites.get(id)?.attributes.registration_ref) || this.messages.noReference;
  }

  private async handleCompare(candidate: DuplicateCandidate): Promise<void> {
    this.returnTo = candidate;
    this.comparing = true;
    this.failure = null;
    this.announcement = '';
    try {
      const ids = [candidate.a, candidate.b];
      const inList = ids.map(sqlString).join(', ');
      const [siteAnswer, cameraAnswer] = await Promise.all([
        arcgisRequest<{ features?: FeatureBody[] }>(
          `${this.serviceUrl}/${SITES.id}/query`,
          {
            where: `GlobalID IN (${inList})`,
            outFields: ['GlobalID', ...COMPARE_FIELDS].join(','),
            returnGeometry: false,
          },
          this.call,
        ),
        arcgisRequest<{ features?: FeatureBody[] }>(
          `${this.serviceUrl}/${CAMERAS.id}/query`,
          {
            where: `site_guid IN (${inList})`,
            outFields: 'site_guid',
            returnGeometry: false,
          },
          this.call,
        ),
      ]);
      const byId = (id: string) =>
        siteAnswer.features?.find((f) => text(f.attributes.GlobalID) === id)?.attributes;
      const a = byId(candidate.a);
      const b = byId(candidate.b);
      if (!a || !b) {
        // One of the two is gone since the list was made (merged or withdrawn elsewhere).
        await this.load();
        return;
      }
      const count = (id: string) =>
        (cameraAnswer.features ?? []).filter((f) => text(f.attributes.site_guid) === id).length;
      this.comparison = {
        candidate,
        sites: [a, b],
        cameras: [count(candidate.a), count(candidate.b)],
      };
      this.keep = defaultKeep(a, b);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#compare-heading')?.focus();
    } catch (error) {
      this.failure = error;
    } finally {
      this.comparing = false;
    }
  }

  private async handleBack(): Promise<void> {
    const back = this.returnTo;
    this.comparison = null;
    await this.updateComplete;
    const index = back ? this.candidates.indexOf(back) : -1;
    this.focusRow(index);
  }

  private focusRow(index: number): void {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLElement>('button.compare')];
    const target = buttons[Math.min(Math.max(index, 0), buttons.length - 1)];
    if (target) target.focus();
    else this.renderRoot.querySelector<HTMLElement>('#count')?.focus();
  }

  private async handleMerge(): Promise<void> {
    const comparison = this.comparison;
    const session = this.session;
    if (!comparison || !session || this.merging) return;
    const { candidate, sites } = comparison;
    const keepId = this.keep === 0 ? candidate.a : candidate.b;
    const removeId = this.keep === 0 ? candidate.b : candidate.a;
    const kept = sites[this.keep];
    const removed = sites[this.keep === 0 ? 1 : 0];
    const keptRef = text(kept.registration_ref);
    const removedRef = text(removed.registration_ref);
    this.merging = true;
    this.failure = null;
    let report: MergeReport;
    try {
      report = await mergeSites(
        { url: this.serviceUrl, authentication: session.authentication },
        keepId,
        removeId,
        {
          alsoEdit: [
            {
              id: REVIEW_LOG.id,
              adds: [
                {
                  attributes: {
                    site_guid: keepId,
                    registration_ref: keptRef || null,
                    decision: 'merged',
                    // References and the removed site's GlobalID only, never contact values.
                    details: JSON.stringify({
                      kept: keptRef,
                      removed: removedRef,
                      removedSite: removeId,
                    }),
                  },
                },
              ],
            },
          ],
        },
      );
    } catch (error) {
      this.failure = error;
      this.merging = false;
      return;
    }
    this.merging = false;
    const position = this.candidates.indexOf(candidate);
    this.sites.delete(removeId);
    this.candidates = this.candidates.filter((c) => c.a !== removeId && c.b !== removeId);
    this.comparison = null;
    const m = this.messages;
    this.announcement = m.merged(
      removedRef || m.noReference,
      keptRef || m.noReference,
      report.camerasMoved,
      report.filled.length,
    );
    this.dispatchEvent(
      new CustomEvent('cam-review-changed', {
        detail: { siteGuid: keepId },
        bubbles: true,
        composed: true,
      }),
    );
    await this.updateComplete;
    this.focusRow(position);
  }

  private renderReasons(candidate: DuplicateCandidate) {
    const m = this.messages;
    return candidate.reasons.map((r) => m.reason(r)).join(', ');
  }

  private renderList() {
    const m = this.messages;
    const shown = this.candidates.slice(0, this.shown);
    return html`<div class="table-box" role="region" tabindex="0" aria-labelledby="pairs-caption">
        <table>
          <caption id="pairs-caption">
            ${m.caption}
          </caption>
          <thead>
            <tr>
              <th scope="col">${m.columns.score}</th>
              <th scope="col">${m.columns.sites}</th>
              <th scope="col">${m.columns.reasons}</th>
              <th scope="col">${m.columns.action}</th>
            </tr>
          </thead>
          <tbody>
            ${shown.map((c) => {
              const a = this.reference(c.a);
              const b = this.reference(c.b);
              return html`<tr data-pair="${c.a} ${c.b}">
                <td class="number">
                  <span aria-hidden="true">${m.score(c.score)}</span
                  ><span class="visually-hidden">${m.scoreSpoken(c.score)}</span>
                </td>
                <th scope="row">
                  ${a}<br />${text(this.sites.get(c.a)?.attributes.address)}<br />
                  ${b}<br />${text(this.sites.get(c.b)?.attributes.address)}
                </th>
                <td class="reasons">${this.renderReasons(c)}</td>
                <td>
                  <button
                    type="button"
                    class="compare"
                    ?disabled=${this.comparing}
                    @click=${() => void this.handleCompare(c)}
                  >
                    ${m.compare(a, b)}
                  </button>
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      ${
        this.candidates.length > shown.length
          ? html`<p>${m.showing(shown.length, this.candidates.length)}</p>
              <button type="button" @click=${() => (this.shown += PAGE)}>${m.showMore}</button>`
          : nothing
      }`;
  }

  private value(field: (typeof COMPARE_FIELDS)[number], value: unknown): string {
    const m = this.messages;
    if (value === null || value === undefined || value === '') return m.blank;
    if (field === 'CreationDate' && typeof value === 'number')
      return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }).format(value);
    const domain = SITES.fields.find((f) => f.name === field)?.domain;
    const coded = domain?.values.find((v) => v.code === value);
    return coded ? coded[this.locale] : String(value);
  }

  private renderComparison(comparison: Comparison) {
    const m = this.messages;
    const [a, b] = comparison.sites;
    const refA = text(a.registration_ref) || m.noReference;
    const refB = text(b.registration_ref) || m.noReference;
    const refs = [refA, refB] as const;
    const note = (i: 0 | 1) => {
      const site = comparison.sites[i];
      const other = comparison.sites[i === 0 ? 1 : 0];
      if (site.status === 'verified' && other.status !== 'verified') return m.keepNoteVerified;
      if (site.status === other.status && defaultKeep(a, b) === i) return m.keepNoteOlder;
      return '';
    };
    const removed = refs[this.keep === 0 ? 1 : 0];
    const kept = refs[this.keep];
    return html`<section>
      <h3 id="compare-heading" tabindex="-1">${m.compareCaption(refA, refB)}</h3>
      <div class="table-box" role="region" tabindex="0" aria-labelledby="compare-heading">
        <table>
          <caption class="visually-hidden">
            ${m.compareCaption(refA, refB)}
          </caption>
          <thead>
            <tr>
              <th scope="col">${m.field}</th>
              <th scope="col">${refA}</th>
              <th scope="col">${refB}</th>
            </tr>
          </thead>
          <tbody>
            ${COMPARE_FIELDS.filter((f) => f !== 'registration_ref').map(
              (field) =>
                html`<tr>
                  <th scope="row">${m.fields[field]}</th>
                  <td>${this.value(field, a[field])}</td>
                  <td>${this.value(field, b[field])}</td>
                </tr>`,
            )}
            <tr>
              <th scope="row">${m.fields.cameras}</th>
              <td class="number">${comparison.cameras[0]}</td>
              <td class="number">${comparison.cameras[1]}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <fieldset>
        <legend>${m.keepLegend}</legend>
        ${([0, 1] as const).map(
          (i) =>
            html`<label
              ><input
                type="radio"
                name="keep"
                .checked=${this.keep === i}
                @change=${() => (this.keep = i)}
              />${m.keepOption(refs[i], note(i))}</label
            >`,
        )}
      </fieldset>
      <p id="merge-explained">${m.mergeExplained(removed, kept)}</p>
      <div class="actions">
        <button
          type="button"
          class="primary merge"
          aria-describedby="merge-explained"
          ?disabled=${this.merging}
          @click=${() => void this.handleMerge()}
        >
          ${this.merging ? m.merging : m.merge(removed, kept)}
        </button>
        <button type="button" class="back" @click=${() => void this.handleBack()}>
          ${m.cancel}
        </button>
      </div>
    </section>`;
  }

  private renderBody() {
    const m = this.messages;
    switch (this.phase) {
      case 'idle':
        return html`<p>${m.signIn}</p>`;
      case 'loading':
        return html`<p id="progress-text">${m.loading(this.loaded, this.total)}</p>
          ${
            this.total === null || this.total === 0
              ? html`<progress aria-labelledby="progress-text"></progress>`
              : html`<progress
                  aria-labelledby="progress-text"
                  max=${this.total}
                  .value=${Math.min(this.loaded, this.total)}
                ></progress>`
          }`;
      case 'finding':
        return html`<p>${m.finding}</p>`;
      case 'failed':
        return html`<button type="button" @click=${() => void this.load()}>${m.reload}</button>`;
      case 'ready':
        if (this.comparison) return this.renderComparison(this.comparison);
        return html`<p id="count" tabindex="-1">
            ${
              this.candidates.length === 0
                ? m.none(this.sites.size)
                : m.count(this.candidates.length, this.sites.size)
            }
          </p>
          ${this.candidates.length === 0 ? nothing : this.renderList()}
          <p>
            <button type="button" class="reload" @click=${() => void this.load()}>
              ${m.reload}
            </button>
          </p>`;
    }
  }

  override render() {
    const m = this.messages;
    return html`<h2>${m.heading}</h2>
      <p class="muted">${m.intro}</p>
      <div role="alert" class="error">
        ${this.failure ? describeError(this.failure, m.errors) : nothing}
      </div>
      <p role="status" class="announcement">${this.announcement}</p>
      ${this.comparing ? html`<p>${m.loadingPair}</p>` : nothing} ${this.renderBody()}`;
  }
}

if (!customElements.get('cam-review-duplicates'))
  customElements.define('cam-review-duplicates', CamReviewDuplicates);

declare global {
  interface HTMLElementTagNameMap {
    'cam-review-duplicates': CamReviewDuplicates;
  }
}
