import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { AppError } from '../../src/core/errors.js';
import { parseQualityFlags } from '../../src/core/quality/quality-flags.js';
import { changeDiff, type ChangeRow } from '../../src/core/review/change-diff.js';
import {
  changeDecisionEdits,
  CORRECTABLE_SITE_FIELDS,
  correctSiteEdits,
  rejectSiteEdits,
  verifySiteEdits,
  type CorrectableField,
  type DecisionResult,
  type ReviewDecisionCode,
  type ReviewSite,
} from '../../src/core/review/review-decisions.js';
import { ReviewDecision } from '../../src/core/schema/domains.js';
import { CAMERAS, SITES } from '../../src/core/schema/registry-schema.js';
import type { ReviewLogAttributes } from '../../src/core/schema/registry-types.js';
import type { CodedDomain, FieldDef } from '../../src/core/schema/schema-types.js';
import type { IssueCode } from '../../src/core/validation/validate-attributes.js';
import { describeError } from '../shared/describe-error.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import {
  REGISTRY_REVIEW_MESSAGES,
  type RegistryReviewMessages,
} from './cam-registry-review.messages.js';
import { registryReviewStyles } from './cam-registry-review.styles.js';
import type { CameraRecord, QueueEntry, ReviewClient, SiteRecord } from './review-client.js';
import type { ReviewMapAdapter } from './review-map.js';
import type { ReviewChangedDetail } from './review-queue.js';

/** The submitted values shown, in the form's order. */
const SHOWN_SITE_FIELDS = [
  'site_type',
  'business_name',
  'contact_name',
  'contact_role',
  'phone',
  'email',
  'preferred_contact',
  'preferred_language',
  'best_hours',
  'address',
  'unit',
  'location_method',
  'geocode_score',
  'share_willingness',
  'consent_version',
  'source_channel',
  'status',
  'district',
  'beat',
] as const;

const FIELD_DEFS: ReadonlyMap<string, FieldDef> = new Map(
  SITES.fields.map((f) => [f.name, f as FieldDef]),
);
const CAMERA_DEFS: ReadonlyMap<string, FieldDef> = new Map(
  CAMERAS.fields.map((f) => [f.name, f as FieldDef]),
);

type Issues = Partial<Record<string, IssueCode>>;

function issuesByField(issues: readonly { field: string; code: string }[]): Issues {
  const byField: Issues = {};
  for (const issue of issues) byField[issue.field] ??= issue.code as IssueCode;
  return byField;
}

/**
 * One queue item: the map and placement, the submitted values with aliases and domain labels,
 * the cameras, flags, what a held change would change, the decisions and the site's history.
 *
 * @fires cam-review-changed - A decision was written (with its ReviewLog row).
 * @fires cam-review-close - The analyst went back to the queue.
 */
export class CamReviewItem extends LitElement {
  static override styles = registryReviewStyles;

  @state() private site: SiteRecord | null = null;
  @state() private cameras: readonly CameraRecord[] = [];
  @state() private history: readonly ReviewLogAttributes[] = [];
  @state() private loading = false;
  @state() private loadFailure: unknown = null;
  @state() private reason = '';
  @state() private saving = false;
  @state() private failure: unknown = null;
  @state() private issues: Issues = {};
  @state() private editing = false;
  @state() private editValues: Partial<Record<CorrectableField, string>> = {};
  /** A quiet outcome with no decision to record ("nothing was changed"). */
  @state() private notice = '';

  @property({ attribute: false }) entry: QueueEntry | null = null;
  @property({ attribute: false }) client: ReviewClient | null = null;
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
    if (changed.has('entry')) {
      const before = changed.get('entry');
      const same =
        before &&
        this.entry &&
        before.kind === this.entry.kind &&
        (before.kind === 'site'
          ? before.site.attributes.OBJECTID === this.entry.site?.attributes.OBJECTID
          : before.change.attributes.OBJECTID ===
            (this.entry.kind === 'change' ? this.entry.change.attributes.OBJECTID : -1));
      if (!same) {
        this.reason = '';
        this.failure = null;
        this.issues = {};
        this.editing = false;
        this.notice = '';
      }
      this.site = this.entry?.site ?? null;
      void this.load();
    }
  }

  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector<HTMLElement>('#item-heading')?.focus(options);
  }

  private get locale(): Locale {
    return resolveLocale(this);
  }

  private get messages(): RegistryReviewMessages {
    return { ...REGISTRY_REVIEW_MESSAGES[this.locale], ...this.messageOverrides };
  }

  /** The site as stored now, its cameras and its decision history. */
  private async load(): Promise<void> {
    const client = this.client;
    const objectId = this.entry?.site?.attributes.OBJECTID;
    if (!client || typeof objectId !== 'number') return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.loading = true;
    this.loadFailure = null;
    try {
      const site = (await client.site(objectId, controller.signal)) ?? this.site;
      const guid = site?.attributes.GlobalID ?? '';
      const [cameras, history] = await Promise.all([
        client.cameras(guid, controller.signal),
        client.history(guid, controller.signal),
      ]);
      if (controller.signal.aborted) return;
      this.site = site;
      this.cameras = cameras;
      this.history = history;
    } catch (error) {
      if (!controller.signal.aborted) this.loadFailure = error;
    } finally {
      if (this.controller === controller) this.loading = false;
    }
  }

  private reviewSite(): ReviewSite | null {
    const a = this.site?.attributes;
    if (!a || typeof a.OBJECTID !== 'number' || typeof a.GlobalID !== 'string') return null;
    return {
      objectId: a.OBJECTID,
      globalId: a.GlobalID,
      registrationRef: a.registration_ref ?? null,
      attributes: a,
    };
  }

  private label(field: string): string {
    return (
      this.messages.fieldLabels[field] ??
      FIELD_DEFS.get(field)?.alias ??
      CAMERA_DEFS.get(field)?.alias ??
      field
    );
  }

  private display(def: FieldDef | undefined, value: unknown): string {
    const none = this.messages.detail.none;
    if (value === null || value === undefined || value === '') return none;
    const domain: CodedDomain | undefined = def?.domain;
    if (domain && typeof value === 'string') {
      return value
        .split(',')
        .map((code) => domain.values.find((v) => v.code === code.trim())?.[this.locale] ?? code)
        .join(', ');
    }
    if (def?.type === 'date' && typeof value === 'number')
      return new Intl.DateTimeFormat(this.locale, {
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(value);
    if (typeof value === 'number') return new Intl.NumberFormat(this.locale).format(value);
    return String(value);
  }

  private changedFields(): string[] {
    const rows = this.diff();
    return rows === null ? [] : rows.map((r) => r.field);
  }

  private diff(): readonly ChangeRow[] | null {
    if (this.entry?.kind !== 'change' || !this.site) return null;
    const result = changeDiff(
      this.entry.change.attributes.payload,
      this.site.attributes,
      this.site.location,
      this.cameras.map((c) => c.attributes.label ?? ''),
    );
    return result.ok ? result.rows : null;
  }

  /** Builds a decision's edits; refusals become field issues, the first one focused. */
  private async decide(decision: ReviewDecisionCode, stays = false): Promise<void> {
    const site = this.reviewSite();
    const client = this.client;
    if (!site || !client || this.saving) return;
    let result: DecisionResult;
    const entry = this.entry;
    switch (decision) {
      case 'verified':
        result = verifySiteEdits(site, this.username, Date.now(), this.reason);
        break;
      case 'rejected':
        result = rejectSiteEdits(site, this.reason);
        break;
      case 'change_approved':
      case 'change_rejected':
        if (entry?.kind !== 'change') return;
        result = changeDecisionEdits(
          site,
          entry.change.attributes.OBJECTID ?? -1,
          decision === 'change_approved',
          this.reason,
          this.changedFields(),
        );
        break;
      case 'edited':
        result = correctSiteEdits(site, this.editValues, this.reason);
        break;
      case 'moved':
        return;
    }
    this.failure = null;
    if (!result.ok) {
      this.issues = issuesByField(result.issues);
      await this.focusFirstIssue();
      return;
    }
    this.issues = {};
    if (result.edits.length === 0) {
      this.editing = false;
      this.notice = this.messages.decide.nothingChanged;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#start-edit')?.focus();
      return;
    }
    this.notice = '';
    this.saving = true;
    try {
      await client.apply(result.edits);
      this.editing = false;
      this.reason = '';
      this.dispatchEvent(
        new CustomEvent<ReviewChangedDetail>('cam-review-changed', {
          detail: {
            siteGuid: site.globalId,
            decision,
            registrationRef: site.registrationRef ?? '',
            stays,
          },
          bubbles: true,
          composed: true,
        }),
      );
      if (stays) await this.load();
    } catch (error) {
      this.failure = error;
      if (error instanceof AppError && error.issues.length > 0) {
        this.issues = issuesByField(error.issues);
      }
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#decision-failure')?.focus();
    } finally {
      this.saving = false;
    }
  }

  private async focusFirstIssue(): Promise<void> {
    await this.updateComplete;
    const order = ['reason', ...CORRECTABLE_SITE_FIELDS];
    const first = order.find((field) => this.issues[field]);
    if (first) this.renderRoot.querySelector<HTMLElement>(`#edit-${first}, #${first}`)?.focus();
  }

  private startEditing(): void {
    const a = this.site?.attributes ?? {};
    const values: Partial<Record<CorrectableField, string>> = {};
    for (const field of CORRECTABLE_SITE_FIELDS) {
      const value = (a as Record<string, unknown>)[field];
      values[field] = value === null || value === undefined ? '' : String(value);
    }
    this.editValues = values;
    this.editing = true;
    this.issues = {};
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`#edit-${CORRECTABLE_SITE_FIELDS[0]}`)?.focus(),
    );
  }

  private issueText(field: string): TemplateResult | typeof nothing {
    const code = this.issues[field];
    if (!code) return nothing;
    return html`<p class="issue" id="issue-${field}">${this.messages.issues[code] ?? code}</p>`;
  }

  private renderEditField(field: CorrectableField): TemplateResult {
    const def = FIELD_DEFS.get(field);
    const value = this.editValues[field] ?? '';
    const invalid = this.issues[field] !== undefined;
    const set = (next: string) => (this.editValues = { ...this.editValues, [field]: next });
    const control = def?.domain
      ? html`<select
          id="edit-${field}"
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${invalid ? `issue-${field}` : nothing}
          @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}
        >
          <option value="" ?selected=${value === ''}>${this.messages.detail.none}</option>
          ${def.domain.values.map(
            (v) =>
              html`<option value=${v.code} ?selected=${v.code === value}>
                ${v[this.locale]}
              </option>`,
          )}
        </select>`
      : html`<input
          id="edit-${field}"
          .value=${value}
          maxlength=${def?.length ?? 255}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${invalid ? `issue-${field}` : nothing}
          @input=${(e: InputEvent) => set((e.target as HTMLInputElement).value)}
        />`;
    return html`<div class="field">
      <label for="edit-${field}">${this.label(field)}</label>
      ${control} ${this.issueText(field)}
    </div>`;
  }

  private renderValues(m: RegistryReviewMessages): TemplateResult {
    const a = (this.site?.attributes ?? {}) as Record<string, unknown>;
    const location = this.site?.location;
    if (this.editing) {
      const count = CORRECTABLE_SITE_FIELDS.filter((f) => this.issues[f]).length;
      return html`<form
        novalidate
        aria-labelledby="edit-heading"
        @submit=${(e: SubmitEvent) => {
          e.preventDefault();
          void this.decide('edited', true);
        }}
      >
        <h4 id="edit-heading">${m.edit.heading}</h4>
        ${count > 0 ? html`<p class="alert">${m.edit.fixBelow(count)}</p>` : nothing}
        ${CORRECTABLE_SITE_FIELDS.map((field) => this.renderEditField(field))}
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.saving}>${m.edit.save}</button>
          <button
            type="button"
            @click=${() => {
              this.editing = false;
              this.issues = {};
              void this.updateComplete.then(() =>
                this.renderRoot.querySelector<HTMLElement>('#start-edit')?.focus(),
              );
            }}
          >
            ${m.edit.cancel}
          </button>
        </div>
      </form>`;
    }
    return html`<h4>${m.detail.submitted}</h4>
      <dl>
        ${SHOWN_SITE_FIELDS.map(
          (field) =>
            html`<dt>${this.label(field)}</dt>
              <dd>${this.display(FIELD_DEFS.get(field), a[field])}</dd>`,
        )}
        <dt>${m.detail.location}</dt>
        <dd>${location ? `${location.y.toFixed(6)}, ${location.x.toFixed(6)}` : m.detail.none}</dd>
      </dl>
      <button type="button" id="start-edit" @click=${this.startEditing}>${m.edit.start}</button>`;
  }

  private renderCameras(m: RegistryReviewMessages): TemplateResult {
    if (this.cameras.length === 0)
      return html`<h4>${m.detail.cameras}</h4>
        <p>${m.detail.noCameras}</p>`;
    const columns = ['label', 'mount', 'view_bearing', 'recording_mode', 'retention_days'] as const;
    return html`<h4>${m.detail.cameras}</h4>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">
            ${m.detail.camerasCaption}
          </caption>
          <thead>
            <tr>
              ${columns.map((c) => html`<th scope="col">${this.label(c)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${this.cameras.map(
              (camera) =>
                html`<tr>
                  ${columns.map((c, i) =>
                    i === 0
                      ? html`<th scope="row">
                          ${this.display(CAMERA_DEFS.get(c), camera.attributes[c])}
                        </th>`
                      : html`<td>${this.display(CAMERA_DEFS.get(c), camera.attributes[c])}</td>`,
                  )}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  private renderDiff(m: RegistryReviewMessages): TemplateResult | typeof nothing {
    if (this.entry?.kind !== 'change') return nothing;
    const rows = this.diff();
    return html`<h4>${m.detail.changes}</h4>
      ${
        rows === null
          ? html`<p class="alert">${m.detail.badPayload}</p>`
          : rows.length === 0
            ? html`<p>${m.detail.noChanges}</p>`
            : html`<div class="table-wrap">
                <table class="diff">
                  <caption class="sr-only">
                    ${m.detail.changesCaption}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${m.detail.field}</th>
                      <th scope="col">${m.detail.before}</th>
                      <th scope="col">${m.detail.after}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${rows.map(
                      (row) =>
                        html`<tr data-field=${row.field}>
                          <th scope="row">${this.label(row.field)}</th>
                          <td>${this.display(FIELD_DEFS.get(row.field), row.before)}</td>
                          <td>${this.display(FIELD_DEFS.get(row.field), row.after)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
      }`;
  }

  private renderDecisions(m: RegistryReviewMessages): TemplateResult {
    const status = this.site?.attributes.status;
    const isChange = this.entry?.kind === 'change';
    const invalid = this.issues.reason !== undefined;
    return html`<section class="block" aria-labelledby="decide-heading">
      <h4 id="decide-heading">${m.decide.heading}</h4>
      <div class="field">
        <label for="reason">${m.decide.reason}</label>
        <textarea
          id="reason"
          rows="2"
          maxlength="500"
          .value=${this.reason}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${invalid ? 'reason-hint issue-reason' : 'reason-hint'}
          @input=${(e: InputEvent) => (this.reason = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
        <p class="hint" id="reason-hint">${m.decide.reasonHint}</p>
        ${this.issueText('reason')}
      </div>
      <div class="actions">
        ${
          isChange
            ? html`<button
                  class="primary"
                  type="button"
                  id="approve-change"
                  ?disabled=${this.saving}
                  @click=${() => void this.decide('change_approved')}
                >
                  ${m.decide.approve}
                </button>
                <button
                  class="danger"
                  type="button"
                  id="reject-change"
                  ?disabled=${this.saving}
                  @click=${() => void this.decide('change_rejected')}
                >
                  ${m.decide.rejectChange}
                </button>`
            : html`${
                status !== 'verified'
                  ? html`<button
                      class="primary"
                      type="button"
                      id="verify"
                      ?disabled=${this.saving}
                      @click=${() => void this.decide('verified')}
                    >
                      ${m.decide.verify}
                    </button>`
                  : nothing
              }
              ${
                status !== 'rejected'
                  ? html`<button
                      class="danger"
                      type="button"
                      id="reject"
                      ?disabled=${this.saving}
                      @click=${() => void this.decide('rejected')}
                    >
                      ${m.decide.reject}
                    </button>`
                  : nothing
              }`
        }
        ${this.saving ? html`<span class="hint">${m.decide.saving}</span>` : nothing}
      </div>
    </section>`;
  }

  private renderHistory(m: RegistryReviewMessages): TemplateResult {
    return html`<h4>${m.detail.history}</h4>
      ${
        this.history.length === 0
          ? html`<p class="hint">${m.detail.historyEmpty}</p>`
          : html`<ul class="history">
              ${this.history.map((row) => {
                const decision =
                  ReviewDecision.values.find((v) => v.code === row.decision)?.[this.locale] ??
                  row.decision ??
                  '';
                const when =
                  typeof row.CreationDate === 'number'
                    ? new Intl.DateTimeFormat(this.locale, {
                        dateStyle: 'medium',
                        timeStyle: 'short',
                      }).format(row.CreationDate)
                    : '';
                return html`<li data-decision=${row.decision ?? ''}>
                  ${m.detail.historyEntry(row.Creator ?? m.detail.none, when, decision)}${
                    row.reason ? html` — ${row.reason}` : nothing
                  }
                </li>`;
              })}
            </ul>`
      }`;
  }

  override render(): TemplateResult {
    const m = this.messages;
    const entry = this.entry;
    if (!entry) return html``;
    const ref =
      entry.kind === 'site'
        ? (entry.site.attributes.registration_ref ?? '')
        : (entry.change.attributes.registration_ref ?? '');
    const flags = parseQualityFlags(this.site?.attributes.quality_flags);
    const flagDef = FIELD_DEFS.get('quality_flags');
    return html`<article
      class="panel"
      aria-labelledby="item-heading"
      aria-busy=${this.loading ? 'true' : 'false'}
    >
      <div class="bar">
        <h3 id="item-heading" tabindex="-1">
          ${entry.kind === 'change' ? m.queue.changeOf(ref) : m.detail.heading(ref)}
        </h3>
        <button
          type="button"
          class="link"
          @click=${() =>
            this.dispatchEvent(
              new CustomEvent('cam-review-close', { bubbles: true, composed: true }),
            )}
        >
          ${m.detail.close}
        </button>
      </div>
      <div role="alert">
        ${
          this.failure
            ? html`<p class="alert" id="decision-failure" tabindex="-1">
                ${describeError(this.failure, m.errors)} ${m.decide.refused}
              </p>`
            : nothing
        }
        ${
          this.loadFailure
            ? html`<p class="alert">${describeError(this.loadFailure, m.errors)}</p>`
            : nothing
        }
      </div>
      <p class="hint" role="status" id="item-notice">${this.notice}</p>
      ${
        !this.site
          ? html`<p class="alert">${m.detail.siteMissing}</p>`
          : html`${this.renderDiff(m)} ${this.renderValues(m)}
              <h4>${m.detail.flags}</h4>
              ${
                flags.length === 0
                  ? html`<p>${m.detail.noFlags}</p>`
                  : html`<ul class="flags">
                      ${flags.map(
                        (flag) => html`<li data-flag=${flag}>${this.display(flagDef, flag)}</li>`,
                      )}
                    </ul>`
              }
              ${this.renderCameras(m)} ${this.renderDecisions(m)}
              <cam-review-placement
                .site=${this.site}
                .cameras=${this.cameras}
                .client=${this.client}
                .assetsPath=${this.assetsPath}
                .contextLayerUrl=${this.contextLayerUrl}
                .noMap=${this.noMap}
                .mapAdapter=${this.mapAdapter}
                .messageOverrides=${this.messageOverrides}
                @cam-review-changed=${() => void this.load()}
              ></cam-review-placement>
              ${this.renderHistory(m)}`
      }
    </article>`;
  }
}
