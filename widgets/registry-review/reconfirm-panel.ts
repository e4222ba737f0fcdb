import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import {
  applyServiceEdits,
  arcgisRequest,
  sqlString,
  sqlTimestamp,
  type FeatureBody,
} from '../../src/client/arcgis-request.js';
import { REVIEW_LOG, SITES } from '../../src/core/schema/registry-schema.js';
import type { OfficerSession } from '../incident-search/sign-in.js';
import { describeError } from '../shared/describe-error.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import { tokens } from '../shared/tokens.styles.js';
import {
  reconfirmMessagesFor,
  type PanelOverrides,
  type ReconfirmMessages,
} from './panels.messages.js';
import { panelStyles } from './panels.styles.js';

const DAY_MS = 86_400_000;
/** Rows each list shows (earliest due first); the count says how many there are in all. */
const LIST_LIMIT = 100;
export const DEFAULT_DUE_WITHIN_DAYS = 30;
const MAX_DUE_WITHIN_DAYS = 365;
/** GlobalIDs per `IN (...)` list: 50 keep a where clause well under the 4,000 characters services accept. */
const GUIDS_PER_QUERY = 50;

const FIELDS = [
  'OBJECTID',
  'GlobalID',
  'registration_ref',
  'address',
  'unit',
  'last_confirmed_at',
  'confirm_due_at',
  'reminded_at',
  // Read only to tell whether a reminder can reach anyone; never shown.
  'email',
] as const;

export type ReconfirmList = 'dueSoon' | 'overdue' | 'expired';
const LISTS: readonly ReconfirmList[] = ['dueSoon', 'overdue', 'expired'];

/** The where clause of each list at `now`. */
export function reconfirmWhere(list: ReconfirmList, now: number, withinDays: number): string {
  const at = sqlTimestamp(now);
  switch (list) {
    case 'dueSoon':
      return `status = 'verified' AND confirm_due_at > ${at} AND confirm_due_at <= ${sqlTimestamp(now + withinDays * DAY_MS)}`;
    case 'overdue':
      return `status = 'verified' AND confirm_due_at <= ${at}`;
    case 'expired':
      return "status = 'expired'";
  }
}

interface ListState {
  readonly total: number;
  readonly rows: readonly FeatureBody['attributes'][];
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const time = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/**
 * `<cam-review-reconfirm>`: the analyst workspace's re-confirmation panel. Three lists from
 * the source service: due within N days (30 by default), overdue but still verified, and
 * expired; each row with the site's reference, address, last confirmation, due date and
 * reminder state. "Send reminder" records a ReviewLog row `reminder_sent` (one
 * `applyEdits`); the next `ccr reconfirm` run sends it, in the cycle's own words.
 *
 * @fires cam-review-changed - after a reminder is asked for; `detail.siteGuid` is the site.
 */
export class CamReviewReconfirm extends LitElement {
  static override styles = [tokens, panelStyles];

  @state() private locale: Locale = 'en';
  @state() private phase: 'idle' | 'loading' | 'ready' | 'failed' = 'idle';
  @state() private lists: Partial<Record<ReconfirmList, ListState>> = {};
  /** Latest reminder request per site GlobalID (ReviewLog `reminder_sent`). */
  @state() private requested = new Map<string, number>();
  @state() private sending = new Set<string>();
  @state() private failure: unknown = null;
  @state() private announcement = '';
  @state() private daysIssue = false;

  /** The source feature service (`…/CommunityCameras/FeatureServer`). */
  @property({ attribute: 'service-url' }) serviceUrl = '';
  /** The signed-in analyst; every request is signed with it. */
  @property({ attribute: false }) session: OfficerSession | null = null;
  /** How many days ahead "due soon" looks (1–365). */
  @property({ type: Number, attribute: 'due-within-days' }) dueWithinDays = DEFAULT_DUE_WITHIN_DAYS;
  /** Any string, per language. */
  @property({ attribute: false }) messageOverrides?: PanelOverrides<ReconfirmMessages>;

  private loading: AbortController | null = null;
  private langObserver: MutationObserver | undefined;

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
    if (changed.has('serviceUrl') || changed.has('session') || changed.has('dueWithinDays'))
      void this.load();
  }

  private get messages(): ReconfirmMessages {
    return reconfirmMessagesFor(this.locale, this.messageOverrides);
  }

  /** Reads the three lists and the reminder requests of the sites they show. */
  async load(): Promise<void> {
    this.loading?.abort();
    if (!this.serviceUrl || !this.session) {
      this.phase = 'idle';
      return;
    }
    const controller = new AbortController();
    this.loading = controller;
    const call = { authentication: this.session.authentication, signal: controller.signal };
    const layer = `${this.serviceUrl}/${SITES.id}/query`;
    const now = Date.now();
    this.phase = 'loading';
    this.failure = null;
    try {
      const loaded = await Promise.all(
        LISTS.map(async (list): Promise<[ReconfirmList, ListState]> => {
          const where = reconfirmWhere(list, now, this.dueWithinDays);
          const [counted, page] = await Promise.all([
            arcgisRequest<{ count?: number }>(layer, { where, returnCountOnly: true }, call),
            arcgisRequest<{ features?: FeatureBody[] }>(
              layer,
              {
                where,
                outFields: FIELDS.join(','),
                orderByFields: 'confirm_due_at ASC, OBJECTID ASC',
                resultRecordCount: LIST_LIMIT,
                returnGeometry: false,
              },
              call,
            ),
          ]);
          const rows = (page.features ?? []).map((f) => f.attributes).slice(0, LIST_LIMIT);
          return [list, { total: counted.count ?? rows.length, rows }];
        }),
      );
      const guids = [
        ...new Set(loaded.flatMap(([, s]) => s.rows.map((r) => text(r.GlobalID)))),
      ].filter((g) => g !== '');
      const requested = new Map<string, number>();
      const chunks: string[][] = [];
      for (let i = 0; i < guids.length; i += GUIDS_PER_QUERY)
        chunks.push(guids.slice(i, i + GUIDS_PER_QUERY));
      const logs = await Promise.all(
        chunks.map((chunk) =>
          arcgisRequest<{ features?: FeatureBody[] }>(
            `${this.serviceUrl}/${REVIEW_LOG.id}/query`,
            {
              where: `decision = 'reminder_sent' AND site_guid IN (${chunk.map(sqlString).join(', ')})`,
              outFields: 'site_guid,CreationDate',
              returnGeometry: false,
            },
            call,
          ),
        ),
      );
      for (const log of logs) {
        for (const row of log.features ?? []) {
          const guid = text(row.attributes.site_guid).toUpperCase();
          const at = time(row.attributes.CreationDate);
          if (at !== null) requested.set(guid, Math.max(at, requested.get(guid) ?? at));
        }
      }
      if (controller.signal.aborted) return;
      this.lists = Object.fromEntries(loaded);
      this.requested = requested;
      this.phase = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      this.failure = error;
      this.phase = 'failed';
    }
  }

  /** Whether the site has a reminder request no reminder has answered yet. */
  private queued(site: FeatureBody['attributes']): boolean {
    const asked = this.requested.get(text(site.GlobalID).toUpperCase());
    if (asked === undefined) return false;
    const reminded = time(site.reminded_at);
    return reminded === null || reminded < asked;
  }

  private handleDays(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#due-within');
    const days = Number(input?.value);
    if (!Number.isInteger(days) || days < 1 || days > MAX_DUE_WITHIN_DAYS) {
      this.daysIssue = true;
      input?.focus();
      return;
    }
    this.daysIssue = false;
    if (days === this.dueWithinDays) void this.load();
    else this.dueWithinDays = days;
  }

  private async handleRemind(site: FeatureBody['attributes']): Promise<void> {
    const session = this.session;
    const guid = text(site.GlobalID);
    if (!session || guid === '' || this.sending.has(guid)) return;
    const m = this.messages;
    const reference = text(site.registration_ref) || m.noReference;
    this.sending = new Set([...this.sending, guid]);
    this.failure = null;
    this.announcement = '';
    try {
      await applyServiceEdits(
        this.serviceUrl,
        [
          {
            id: REVIEW_LOG.id,
            adds: [
              {
                attributes: {
                  site_guid: guid,
                  registration_ref: text(site.registration_ref) || null,
                  decision: 'reminder_sent',
                },
              },
            ],
          },
        ],
        { authentication: session.authentication },
      );
      // The service stamps the row later than any reminder already recorded for the site.
      this.requested = new Map(this.requested).set(
        guid.toUpperCase(),
        Math.max(Date.now(), (time(site.reminded_at) ?? 0) + 1),
      );
      this.announcement = m.queuedAnnouncement(reference);
      this.dispatchEvent(
        new CustomEvent('cam-review-changed', {
          detail: { siteGuid: guid },
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      this.failure = error;
    } finally {
      const rest = new Set(this.sending);
      rest.delete(guid);
      this.sending = rest;
    }
    await this.updateComplete;
    // The button is gone once queued: focus the row's reminder cell, which says so.
    this.renderRoot.querySelector<HTMLElement>(`[data-reminder="${CSS.escape(guid)}"]`)?.focus();
  }

  private date(value: unknown): string {
    const at = time(value);
    return at === null
      ? this.messages.never
      : new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }).format(at);
  }

  private renderReminder(site: FeatureBody['attributes']) {
    const m = this.messages;
    const guid = text(site.GlobalID);
    const reference = text(site.registration_ref) || m.noReference;
    const reminded = time(site.reminded_at);
    const queued = this.queued(site);
    const status = queued
      ? html`<span class="queued">${m.queued}</span>`
      : reminded === null
        ? m.reminderNone
        : m.reminderSent(this.date(reminded));
    return html`<td>
      <span data-reminder=${guid} tabindex="-1">${status}</span>
      ${
        queued
          ? nothing
          : text(site.email).trim() === ''
            ? html`<br /><span class="muted">${m.noEmail}</span>`
            : html`<br /><button
                  type="button"
                  class="remind"
                  ?disabled=${this.sending.has(guid)}
                  @click=${() => void this.handleRemind(site)}
                >
                  ${this.sending.has(guid) ? m.sending : m.sendReminder(reference)}
                </button>`
      }
    </td>`;
  }

  private renderList(list: ReconfirmList) {
    const m = this.messages;
    const state = this.lists[list];
    if (!state) return nothing;
    const title = list === 'dueSoon' ? m.lists.dueSoon(this.dueWithinDays) : m.lists[list];
    const id = `list-${list}`;
    return html`<section data-list=${list}>
      <h3 id=${id}>${title}: ${m.listCount(state.total)}</h3>
      ${
        state.rows.length === 0
          ? html`<p>${m.empty}</p>`
          : html`${
                state.total > state.rows.length
                  ? html`<p>${m.showing(state.rows.length, state.total)}</p>`
                  : nothing
              }
              <div class="table-box" role="region" tabindex="0" aria-labelledby=${id}>
                <table>
                  <caption class="visually-hidden">
                    ${title}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${m.columns.reference}</th>
                      <th scope="col">${m.columns.address}</th>
                      <th scope="col">${m.columns.lastConfirmed}</th>
                      <th scope="col">${m.columns.due}</th>
                      <th scope="col">${m.columns.reminder}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${state.rows.map(
                      (site) =>
                        html`<tr data-site=${text(site.GlobalID)}>
                          <th scope="row">${text(site.registration_ref) || m.noReference}</th>
                          <td>
                            ${text(site.address)}${text(site.unit) ? `, ${text(site.unit)}` : ''}
                          </td>
                          <td>${this.date(site.last_confirmed_at)}</td>
                          <td>${this.date(site.confirm_due_at)}</td>
                          ${this.renderReminder(site)}
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
      }
    </section>`;
  }

  override render() {
    const m = this.messages;
    return html`<h2>${m.heading}</h2>
      <p class="muted">${m.intro}</p>
      <div role="alert" class="error">
        ${this.failure ? describeError(this.failure, m.errors) : nothing}
      </div>
      <p role="status" class="announcement">${this.announcement}</p>
      ${
        this.phase === 'idle'
          ? html`<p>${m.signIn}</p>`
          : html`<form class="toolbar" novalidate @submit=${this.handleDays}>
                <label for="due-within">${m.withinDays}</label>
                <input
                  id="due-within"
                  type="number"
                  min="1"
                  max=${MAX_DUE_WITHIN_DAYS}
                  step="1"
                  required
                  .value=${String(this.dueWithinDays)}
                  aria-invalid=${this.daysIssue ? 'true' : 'false'}
                  aria-describedby="due-within-hint"
                />
                <span id="due-within-hint" class=${this.daysIssue ? 'error' : 'muted'}
                  >${m.withinDaysHint}</span
                >
                <button type="submit">${m.reload}</button>
              </form>
              ${this.phase === 'loading' ? html`<p>${m.loading}</p>` : nothing}
              ${this.phase === 'ready' ? LISTS.map((list) => this.renderList(list)) : nothing}`
      }`;
  }
}

if (!customElements.get('cam-review-reconfirm'))
  customElements.define('cam-review-reconfirm', CamReviewReconfirm);

declare global {
  interface HTMLElementTagNameMap {
    'cam-review-reconfirm': CamReviewReconfirm;
  }
}
