import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { parseQualityFlags } from '../../src/core/quality/quality-flags.js';
import { QUEUE_PAGE_SIZE, QueueKind } from '../../src/core/review/review-queue.js';
import { QualityFlag } from '../../src/core/schema/domains.js';
import { describeError } from '../shared/describe-error.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import {
  REGISTRY_REVIEW_MESSAGES,
  type RegistryReviewMessages,
} from './cam-registry-review.messages.js';
import { registryReviewStyles } from './cam-registry-review.styles.js';
import type { QueueEntry, QueuePage, ReviewClient } from './review-client.js';
import type { ReviewMapAdapter } from './review-map.js';

/** What a part of the workspace reports after it wrote a decision. */
export interface ReviewChangedDetail {
  readonly siteGuid: string;
  /** The ReviewLog decision written, when the queue's own item wrote it. */
  readonly decision?: string;
  readonly registrationRef?: string;
  /** Whether the item stays in the queue (a correction or a move). */
  readonly stays?: boolean;
}

/** A stable key of a queue entry (the selection survives a reload). */
export function entryKey(entry: QueueEntry): string {
  return entry.kind === 'site'
    ? `site-${entry.site.attributes.OBJECTID ?? ''}`
    : `change-${entry.change.attributes.OBJECTID ?? ''}`;
}

/**
 * The review queue: pending registrations or held changes (or every site, for the quality
 * list), oldest first, a page at a time, filterable by quality flag; the chosen item opens
 * beside the list.
 */
export class CamReviewQueue extends LitElement {
  static override styles = registryReviewStyles;

  @state() private kind: QueueKind = QueueKind.Registrations;
  @state() private flag = '';
  @state() private offset = 0;
  @state() private page: QueuePage | null = null;
  @state() private loading = false;
  @state() private failure: unknown = null;
  @state() private selectedKey: string | null = null;
  @state() private announcement = '';

  @property({ attribute: false }) client: ReviewClient | null = null;
  /** Who decides (recorded as `verified_by`). */
  @property({ attribute: false }) username = '';
  @property({ attribute: false }) assetsPath = '/assets';
  @property({ attribute: false }) contextLayerUrl: string | null = null;
  @property({ attribute: false }) noMap = false;
  @property({ attribute: false }) mapAdapter?: ReviewMapAdapter;
  @property({ attribute: false }) messageOverrides: Partial<RegistryReviewMessages> = {};

  private controller: AbortController | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') && this.client) void this.reload();
  }

  private get locale(): Locale {
    return resolveLocale(this);
  }

  private get messages(): RegistryReviewMessages {
    return { ...REGISTRY_REVIEW_MESSAGES[this.locale], ...this.messageOverrides };
  }

  /** Loads the current page again (after a decision, or when the tab is shown). */
  async reload(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.loading = true;
    this.failure = null;
    try {
      const kind = this.kind;
      const flag = kind === QueueKind.Changes || this.flag === '' ? null : this.flag;
      let page = await client.queuePage(
        kind,
        flag,
        this.offset,
        QUEUE_PAGE_SIZE,
        controller.signal,
      );
      if (page.entries.length === 0 && this.offset > 0 && page.total > 0) {
        // The last item of the last page was decided: show the page before.
        this.offset = Math.max(0, Math.floor((page.total - 1) / QUEUE_PAGE_SIZE) * QUEUE_PAGE_SIZE);
        page = await client.queuePage(kind, flag, this.offset, QUEUE_PAGE_SIZE, controller.signal);
      }
      if (controller.signal.aborted) return;
      this.page = page;
    } catch (error) {
      if (!controller.signal.aborted) this.failure = error;
    } finally {
      if (this.controller === controller) this.loading = false;
    }
  }

  private async changeFilter(kind: QueueKind, flag: string): Promise<void> {
    this.kind = kind;
    this.flag = flag;
    this.offset = 0;
    this.selectedKey = null;
    this.page = null;
    await this.reload();
  }

  private async turnPage(delta: number): Promise<void> {
    this.offset = Math.max(0, this.offset + delta * QUEUE_PAGE_SIZE);
    this.selectedKey = null;
    await this.reload();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('ul.queue button')?.focus();
  }

  private select(entry: QueueEntry): void {
    const key = entryKey(entry);
    this.selectedKey = this.selectedKey === key ? null : key;
    this.announcement = '';
    if (this.selectedKey)
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>('cam-review-item')?.focus(),
      );
  }

  private handleListKeydown(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('ul.queue button')];
    const index = buttons.indexOf(event.target as HTMLButtonElement);
    if (index < 0) return;
    event.preventDefault();
    const next =
      buttons[(index + (event.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length];
    next?.focus();
  }

  private async handleChanged(event: CustomEvent<ReviewChangedDetail>): Promise<void> {
    const detail = event.detail;
    const m = this.messages;
    const done = detail.decision
      ? m.decide.done[detail.decision as keyof RegistryReviewMessages['decide']['done']]
      : undefined;
    this.announcement = done ? done(detail.registrationRef ?? '') : '';
    const entries = this.page?.entries ?? [];
    const index = entries.findIndex((e) => entryKey(e) === this.selectedKey);
    await this.reload();
    const after = this.page?.entries ?? [];
    if (detail.stays && after.some((e) => entryKey(e) === this.selectedKey)) return;
    // The decided item has left the queue: go on to the one that took its place.
    const next = after[Math.min(Math.max(index, 0), after.length - 1)];
    this.selectedKey = null;
    await this.updateComplete;
    if (next) {
      this.renderRoot.querySelector<HTMLElement>(`#item-${entryKey(next)}`)?.focus();
    } else {
      this.renderRoot.querySelector<HTMLElement>('#queue-heading')?.focus();
    }
  }

  private formatDate(epochMs: unknown): string {
    if (typeof epochMs !== 'number') return '';
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }).format(epochMs);
  }

  private renderEntry(entry: QueueEntry, m: RegistryReviewMessages): TemplateResult {
    const key = entryKey(entry);
    const site = entry.site?.attributes;
    const ref =
      entry.kind === 'site'
        ? (site?.registration_ref ?? '')
        : (entry.change.attributes.registration_ref ?? '');
    const title = entry.kind === 'site' ? ref : m.queue.changeOf(ref);
    const flags = parseQualityFlags(site?.quality_flags);
    const created =
      entry.kind === 'site' ? site?.CreationDate : entry.change.attributes.CreationDate;
    return html`<li>
      <button
        type="button"
        id="item-${key}"
        aria-current=${this.selectedKey === key ? 'true' : 'false'}
        @click=${() => this.select(entry)}
      >
        <strong>${title}</strong>
        <span class="sub">${[site?.business_name, site?.address].filter(Boolean).join(' · ')}</span>
        <span class="sub"
          >${m.queue.submittedOn(this.formatDate(created))}${
            flags.length > 0 ? ` · ${m.queue.flagsCount(flags.length)}` : ''
          }</span
        >
      </button>
    </li>`;
  }

  override render(): TemplateResult {
    const m = this.messages;
    const page = this.page;
    const entries = page?.entries ?? [];
    const selected = entries.find((e) => entryKey(e) === this.selectedKey) ?? null;
    const total = page?.total ?? 0;
    return html`<div class="sr-only" role="status" aria-live="polite">${this.announcement}</div>
      <div class="queue-layout">
        <section aria-labelledby="queue-heading">
          <h3 id="queue-heading" tabindex="-1">${m.queue.heading}</h3>
          <div class="filters">
            <div class="field">
              <label for="queue-kind">${m.queue.show}</label>
              <select
                id="queue-kind"
                @change=${(e: Event) =>
                  void this.changeFilter(
                    (e.target as HTMLSelectElement).value as QueueKind,
                    this.flag,
                  )}
              >
                ${Object.values(QueueKind).map(
                  (kind) =>
                    html`<option value=${kind} ?selected=${kind === this.kind}>
                      ${m.queue.kinds[kind]}
                    </option>`,
                )}
              </select>
            </div>
            <div class="field">
              <label for="queue-flag">${m.queue.flag}</label>
              <select
                id="queue-flag"
                ?disabled=${this.kind === QueueKind.Changes}
                @change=${(e: Event) =>
                  void this.changeFilter(this.kind, (e.target as HTMLSelectElement).value)}
              >
                <option value="" ?selected=${this.flag === ''}>${m.queue.anyFlag}</option>
                ${QualityFlag.values.map(
                  (v) =>
                    html`<option value=${v.code} ?selected=${v.code === this.flag}>
                      ${v[this.locale]}
                    </option>`,
                )}
              </select>
            </div>
          </div>
          <div class="actions">
            <p class="hint" id="queue-count" aria-busy=${this.loading ? 'true' : 'false'}>
              ${
                this.loading && !page
                  ? m.queue.loading
                  : this.kind === QueueKind.AllSites
                    ? m.queue.sites(total)
                    : m.queue.count(total)
              }
            </p>
            <button
              type="button"
              class="link"
              id="queue-refresh"
              ?disabled=${this.loading}
              @click=${() => void this.reload()}
            >
              ${m.queue.refresh}
            </button>
          </div>
          ${
            this.failure
              ? html`<p class="alert" role="alert">${describeError(this.failure, m.errors)}</p>`
              : nothing
          }
          ${
            page && entries.length === 0
              ? html`<p>${m.queue.empty}</p>`
              : html`<ul
                  class="queue"
                  aria-label=${m.queue.listLabel}
                  aria-describedby="queue-count"
                  @keydown=${this.handleListKeydown}
                >
                  ${entries.map((entry) => this.renderEntry(entry, m))}
                </ul>`
          }
          ${
            total > QUEUE_PAGE_SIZE
              ? html`<div class="actions pages">
                  <span class="hint"
                    >${m.queue.showing(this.offset + 1, this.offset + entries.length, total)}</span
                  >
                  <button
                    type="button"
                    ?disabled=${this.offset === 0 || this.loading}
                    @click=${() => void this.turnPage(-1)}
                  >
                    ${m.queue.previous}
                  </button>
                  <button
                    type="button"
                    ?disabled=${this.offset + QUEUE_PAGE_SIZE >= total || this.loading}
                    @click=${() => void this.turnPage(1)}
                  >
                    ${m.queue.next}
                  </button>
                </div>`
              : nothing
          }
        </section>
        <div>
          ${
            selected
              ? html`<cam-review-item
                  id="review-item"
                  tabindex="-1"
                  .entry=${selected}
                  .client=${this.client}
                  .username=${this.username}
                  .assetsPath=${this.assetsPath}
                  .contextLayerUrl=${this.contextLayerUrl}
                  .noMap=${this.noMap}
                  .mapAdapter=${this.mapAdapter}
                  .messageOverrides=${this.messageOverrides}
                  @cam-review-changed=${(e: CustomEvent<ReviewChangedDetail>) =>
                    void this.handleChanged(e)}
                  @cam-review-close=${() => {
                    const key = this.selectedKey;
                    this.selectedKey = null;
                    void this.updateComplete.then(() =>
                      this.renderRoot.querySelector<HTMLElement>(`#item-${key}`)?.focus(),
                    );
                  }}
                ></cam-review-item>`
              : nothing
          }
        </div>
      </div>`;
  }
}
