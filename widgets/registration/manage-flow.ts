import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { referenceFromQuery } from '../../src/core/change-requests/manage-link.js';
import { offsetPoint } from '../../src/core/registration/camera-view.js';
import {
  validateChangePayload,
  type ChangeRequestPayload,
  type LonLat,
} from '../../src/core/registration/change-request.js';
import {
  normalizeCode,
  normalizeReference,
} from '../../src/core/registration/registration-codes.js';
import {
  buildUpdatePayload,
  EMPTY_SITE_DRAFT,
  FormIssueCode,
  newCameraDraft,
  toGlobalId,
  validateCameraDrafts,
  type CameraDraft,
  type FormIssue,
  type SiteDraft,
} from '../../src/core/registration/registration-draft.js';
import { CHANGE_REQUESTS } from '../../src/core/schema/registry-schema.js';
import * as d from '../../src/core/schema/domains.js';
import { ErrorCode } from '../../src/core/errors.js';
import { validateAttributes } from '../../src/core/validation/validate-attributes.js';
import { describeError, errorCodeOf } from '../shared/describe-error.js';
import { emit } from '../shared/events.js';
import { AddressSearch } from './address-search.js';
import { renderCameraEditor } from './camera-editor.js';
import { FlowBase, NUDGE_METERS } from './flow-base.js';
import { domainChoices, radioField, selectField, textField } from './form-fields.js';
import {
  EMPTY_ONE_CAMERA,
  MATCH_FIELD,
  oneCameraIssue,
  oneCameraPayload,
  type OneCameraDraft,
} from './one-camera.js';
import type { FieldContext } from './form-fields.js';
import { RequestRefused } from './registration-client.js';

const STEPS = ['codes', 'changes', 'finished'] as const;
type Step = (typeof STEPS)[number];
export type ManageAction = 'update' | 'cameras' | 'reconfirm' | 'withdraw' | 'camera';
const ACTIONS: readonly ManageAction[] = ['update', 'cameras', 'reconfirm', 'withdraw', 'camera'];

const REQUEST_TYPE: Readonly<Record<ManageAction, 'update' | 'reconfirm' | 'withdraw'>> = {
  update: 'update',
  cameras: 'update',
  reconfirm: 'reconfirm',
  withdraw: 'withdraw',
  camera: 'update',
};

/** Actions whose changes step has fields typed by the resident. */
const TYPED: ReadonlySet<ManageAction> = new Set(['update', 'cameras', 'camera']);

/**
 * Manage mode: the registration reference and manage code, then an update of the contact
 * details, a new camera list, a change to one camera (only what changed is sent), a
 * re-confirmation or a withdrawal, sent as one ChangeRequests row. A refusal, a wrong code
 * included, keeps everything typed. Rendered by `<cam-registration mode="manage">`.
 *
 * @fires cam-change-requested - The change request was accepted.
 */
export class ManageFlow extends FlowBase {
  @state() private step: Step = 'codes';
  @state() private reference = '';
  @state() private code = '';
  @state() private action: ManageAction | '' = '';
  @state() private contact: SiteDraft = EMPTY_SITE_DRAFT;
  @state() private cameras: CameraDraft[] = [];
  @state() private oneCamera: OneCameraDraft = EMPTY_ONE_CAMERA;
  @state() private site: { point: LonLat; address: string } | null = null;
  @state() private addressText = '';
  @state() private withdrawConfirmed = false;
  @state() private sending = false;
  @state() private accepted: ManageAction | null = null;

  private readonly address = new AddressSearch(this, {
    client: () => this.settings.client,
    onLocated: (candidate) => {
      this.site = { point: candidate.point, address: candidate.address };
      this.addressText = candidate.address;
      this.issues = this.issues.filter((issue) => issue.field !== 'address');
    },
    onEdited: (text) => {
      this.addressText = text;
      this.site = null;
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // A reminder's link (`?ref=7K3M-9QXP-3HTD`) fills the reference in; the code never travels.
    if (this.reference === '') this.reference = referenceFromQuery(location.search);
    if (this.cameras.length === 0) {
      this.cameras = [
        newCameraDraft(
          toGlobalId(crypto.randomUUID()),
          this.settings.messages.cameras.defaultLabel(1),
        ),
      ];
    }
  }

  private async goTo(step: Step): Promise<void> {
    this.step = step;
    this.issues = [];
    if (step !== 'codes') this.failure = null;
    await this.focusHeading();
  }

  /** Problems the resident has fixed disappear as they type; new ones wait for the button. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const edited = [
      'reference',
      'code',
      'action',
      'contact',
      'cameras',
      'oneCamera',
      'site',
      'withdrawConfirmed',
    ].some((key) => changed.has(key as keyof ManageFlow));
    if (!edited || this.issues.length === 0) return;
    const current =
      this.step === 'codes'
        ? this.codeIssues()
        : this.action === ''
          ? []
          : this.payloadFor(this.action).issues;
    const still = this.issues.filter((issue) =>
      current.some((c) => c.field === issue.field && c.code === issue.code),
    );
    if (still.length !== this.issues.length) this.issues = still;
  }

  private codeIssues(): FormIssue[] {
    const issues: FormIssue[] = [];
    const reference = normalizeReference(this.reference);
    if (this.reference.trim() === '') {
      issues.push({ field: 'registration_ref', code: FormIssueCode.CodeRequired });
    } else {
      const checked = validateAttributes(
        CHANGE_REQUESTS,
        { registration_ref: reference },
        { view: 'public', mode: 'patch' },
      );
      if (!checked.ok) issues.push(...checked.issues);
    }
    const code = normalizeCode(this.code);
    if (code === '') issues.push({ field: 'manage_code', code: FormIssueCode.CodeRequired });
    else if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(code)) {
      issues.push({ field: 'manage_code', code: 'INVALID_FORMAT' });
    }
    if (this.action === '')
      issues.push({ field: 'request_type', code: FormIssueCode.ChoiceRequired });
    return issues;
  }

  /** The payload for the chosen action, or the problems that stop it. */
  private payloadFor(action: ManageAction): {
    payload: ChangeRequestPayload | null;
    issues: FormIssue[];
  } {
    switch (action) {
      case 'camera': {
        const built = oneCameraPayload(this.oneCamera);
        if (!built.payload) return built;
        const checked = validateChangePayload(built.payload);
        return {
          payload: built.payload,
          issues: checked.ok ? [] : checked.issues.map(oneCameraIssue),
        };
      }
      case 'reconfirm':
        return { payload: null, issues: [] };
      case 'withdraw':
        return this.withdrawConfirmed
          ? { payload: null, issues: [] }
          : {
              payload: null,
              issues: [{ field: 'withdraw_confirm', code: FormIssueCode.ChoiceRequired }],
            };
      case 'update': {
        const payload = buildUpdatePayload({ contact: this.contact });
        if (!payload.site) {
          return {
            payload,
            issues: [{ field: 'contact_name', code: FormIssueCode.NothingToChange }],
          };
        }
        const checked = validateChangePayload(payload);
        return { payload, issues: checked.ok ? [] : [...checked.issues] };
      }
      case 'cameras': {
        const issues: FormIssue[] = [];
        if (!this.site) {
          issues.push({
            field: 'address',
            code: this.addressText.trim() ? FormIssueCode.LocationRequired : 'REQUIRED',
          });
        }
        issues.push(...validateCameraDrafts(this.cameras));
        if (!this.site || issues.length > 0) return { payload: null, issues };
        const payload = buildUpdatePayload({
          contact: {},
          cameras: { list: this.cameras, site: this.site.point },
        });
        const checked = validateChangePayload(payload);
        return { payload, issues: checked.ok ? [] : [...checked.issues] };
      }
    }
  }

  private async handleSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.sending) return;
    if (this.step === 'codes') {
      const issues = this.codeIssues();
      if (issues.length > 0) return this.showIssues(issues);
      this.failure = null;
      return this.goTo('changes');
    }
    if (this.step === 'changes') return this.send();
  }

  private async send(): Promise<void> {
    const action = this.action;
    if (action === '') return this.goTo('codes');
    const { payload, issues } = this.payloadFor(action);
    if (issues.length > 0) return this.showIssues(issues);
    const m = this.settings.messages;
    this.sending = true;
    this.failure = null;
    this.issues = [];
    try {
      // The manage code is the proof: a manage request is never judged by its speed.
      await this.settings.client.requestChange(
        {
          registrationRef: normalizeReference(this.reference),
          manageCode: this.code.trim(),
          requestType: REQUEST_TYPE[action],
          payload: payload ? JSON.stringify(payload) : null,
        },
        { form: this.formSignals() },
      );
      emit(this, 'cam-change-requested', {
        registrationRef: normalizeReference(this.reference),
        requestType: REQUEST_TYPE[action],
      });
      this.accepted = action;
      this.sending = false;
      await this.goTo('finished');
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === ErrorCode.Forbidden) {
        // Back to the codes; what was typed for the change stays for the next try.
        this.failure = html`<p>${m.manage.wrongCode}</p>
          ${TYPED.has(action) ? html`<p>${m.manage.keptTyped}</p>` : nothing}`;
        this.step = 'codes';
        this.issues = [];
        await this.updateComplete;
        this.focusField('registration_ref');
        return;
      }
      if (code === ErrorCode.RateLimited) {
        const seconds = error instanceof RequestRefused ? error.retryAfterSeconds : undefined;
        const wait =
          seconds === undefined
            ? undefined
            : {
                seconds,
                until: new Intl.DateTimeFormat(this.settings.locale, {
                  timeStyle: 'short',
                }).format(new Date(Date.now() + seconds * 1000)),
              };
        // Back to the codes, as after a wrong code: the resident may try again after the wait.
        this.failure = html`<p>${m.manage.rateLimited(wait)}</p>`;
        this.step = 'codes';
        this.issues = [];
        await this.updateComplete;
        this.focusField('registration_ref');
        return;
      } else if (code === ErrorCode.InvalidInput) {
        this.failure = html`<p>${m.manage.invalid}</p>`;
        const refused = error instanceof RequestRefused ? [...error.issues] : [];
        this.issues = action === 'camera' ? refused.map(oneCameraIssue) : refused;
      } else {
        this.failure = html`<p>${describeError(error, m.errors)}</p>
          <p>${m.review.kept}</p>
          <button type="button" class="primary" @click=${() => void this.send()}>
            ${m.review.retry}
          </button>`;
      }
      await this.focusAlert();
    } finally {
      this.sending = false;
    }
  }

  private another(): void {
    this.code = '';
    this.action = '';
    this.accepted = null;
    this.withdrawConfirmed = false;
    this.contact = EMPTY_SITE_DRAFT;
    this.oneCamera = EMPTY_ONE_CAMERA;
    this.startedAt = performance.now();
    void this.goTo('codes');
  }

  private updateCamera(index: number, patch: Partial<CameraDraft>): void {
    this.cameras = this.cameras.map((c, i) => (i === index ? { ...c, ...patch } : c));
  }

  /** Words for an action: the first four from `actions`, the one-camera change its own. */
  private actionText(action: ManageAction): string {
    const m = this.settings.messages.manage;
    return action === 'camera' ? m.oneCamera.action : m.actions[action];
  }

  /** The camera's name reads as "Which camera?", and its problems in its own words. */
  protected override get ctx(): FieldContext {
    const base = super.ctx;
    const m = base.messages;
    const which = m.manage.oneCamera.which;
    return {
      ...base,
      messages: {
        ...m,
        fields: { ...m.fields, [MATCH_FIELD]: which },
        issues: {
          ...m.issues,
          NOT_IN_DOMAIN: (label, limit) =>
            label === which
              ? m.manage.oneCamera.noSuchCamera
              : m.issues.NOT_IN_DOMAIN(label, limit),
          INVALID_FORMAT: (label, limit) =>
            label === which ? m.manage.oneCamera.sameName : m.issues.INVALID_FORMAT(label, limit),
        },
      },
    };
  }

  // ---- rendering ----

  private renderCodes(): TemplateResult {
    const m = this.settings.messages;
    const ctx = this.ctx;
    return html`<p>${m.manage.intro}</p>
      <p>${m.manage.whatHappens}</p>
      ${textField(ctx, {
        field: 'registration_ref',
        label: m.manage.reference,
        value: this.reference,
        hint: m.manage.referenceHint,
        required: true,
        spellcheck: false,
        onInput: (value) => {
          this.reference = value;
        },
      })}
      ${textField(ctx, {
        field: 'manage_code',
        label: m.manage.code,
        value: this.code,
        hint: m.manage.codeHint,
        required: true,
        spellcheck: false,
        onInput: (value) => {
          this.code = value;
        },
      })}
      ${radioField(ctx, {
        field: 'request_type',
        label: m.manage.action,
        value: this.action,
        choices: ACTIONS.map((a) => ({ code: a, label: this.actionText(a) })),
        required: true,
        onChange: (value) => {
          this.action = value as ManageAction;
        },
      })}
      ${this.renderHoneypot()}`;
  }

  private renderUpdate(): TemplateResult {
    const m = this.settings.messages;
    const { locale } = this.settings;
    const ctx = this.ctx;
    const c = this.contact;
    const set = (patch: Partial<SiteDraft>) => {
      this.contact = { ...this.contact, ...patch };
    };
    return html`<p>${m.manage.updateIntro}</p>
      <div class="pair">
        ${textField(ctx, {
          field: 'contact_name',
          value: c.contact_name,
          autocomplete: 'name',
          maxlength: 200,
          onInput: (contact_name) => set({ contact_name }),
        })}
        ${selectField(ctx, {
          field: 'contact_role',
          value: c.contact_role,
          placeholder: m.manage.noChange,
          choices: domainChoices(d.ContactRole, m, locale),
          onChange: (contact_role) => set({ contact_role }),
        })}
      </div>
      <div class="pair">
        ${textField(ctx, {
          field: 'phone',
          value: c.phone,
          type: 'tel',
          inputmode: 'tel',
          autocomplete: 'tel',
          hint: m.hints.phone,
          onInput: (phone) => set({ phone }),
        })}
        ${textField(ctx, {
          field: 'email',
          value: c.email,
          type: 'email',
          inputmode: 'email',
          autocomplete: 'email',
          spellcheck: false,
          hint: m.hints.email,
          maxlength: 254,
          onInput: (email) => set({ email }),
        })}
      </div>
      <div class="pair">
        ${selectField(ctx, {
          field: 'preferred_contact',
          value: c.preferred_contact,
          placeholder: m.manage.noChange,
          choices: domainChoices(d.PreferredContact, m, locale),
          onChange: (preferred_contact) => set({ preferred_contact }),
        })}
        ${selectField(ctx, {
          field: 'preferred_language',
          value: c.preferred_language,
          placeholder: m.manage.noChange,
          choices: domainChoices(d.Language, m, locale),
          onChange: (preferred_language) => set({ preferred_language }),
        })}
      </div>
      <div class="pair">
        ${selectField(ctx, {
          field: 'best_hours',
          value: c.best_hours,
          placeholder: m.manage.noChange,
          choices: domainChoices(d.BestHours, m, locale),
          onChange: (best_hours) => set({ best_hours }),
        })}
        ${selectField(ctx, {
          field: 'share_willingness',
          value: c.share_willingness,
          placeholder: m.manage.noChange,
          choices: domainChoices(d.ShareWillingness, m, locale),
          onChange: (share_willingness) => set({ share_willingness }),
        })}
      </div>`;
  }

  private renderCameraChanges(): TemplateResult {
    const m = this.settings.messages;
    return html`<p>${m.manage.camerasIntro}</p>
      ${this.address.render(this.ctx, {
        field: 'address',
        value: this.addressText,
        located: this.site !== null,
        required: true,
      })}
      ${this.site ? html`<p class="found">${m.address.found(this.site.address)}</p>` : nothing}
      ${renderCameraEditor(this.ctx, {
        cameras: this.cameras,
        site: this.site?.point ?? null,
        onChange: (index, patch) => this.updateCamera(index, patch),
        onAdd: () => {
          this.cameras = [
            ...this.cameras,
            newCameraDraft(
              toGlobalId(crypto.randomUUID()),
              m.cameras.defaultLabel(this.cameras.length + 1),
            ),
          ];
          this.announcement = m.cameras.added(m.cameras.defaultLabel(this.cameras.length));
        },
        onRemove: (index) => {
          const removed = this.cameras[index];
          this.cameras = this.cameras.filter((_, i) => i !== index);
          this.announcement = m.cameras.removed(
            removed?.label.trim() || m.cameras.heading(index + 1),
          );
        },
        renderMove: (index) =>
          this.renderNudge({
            label: `${m.map.nudgeGroup}: ${this.cameras[index]?.label ?? ''}`,
            onNudge: (bearing) => {
              const from = this.cameras[index]?.position ?? this.site?.point;
              if (from)
                this.updateCamera(index, { position: offsetPoint(from, bearing, NUDGE_METERS) });
            },
            status: '',
            onReset: this.cameras[index]?.position
              ? () => this.updateCamera(index, { position: null })
              : undefined,
          }),
      })}`;
  }

  private renderOneCamera(): TemplateResult {
    const m = this.settings.messages;
    const one = m.manage.oneCamera;
    const { locale } = this.settings;
    const ctx = this.ctx;
    const c = this.oneCamera;
    const set = (patch: Partial<OneCameraDraft>) => {
      this.oneCamera = { ...this.oneCamera, ...patch };
    };
    return html`<p>${one.intro}</p>
      ${textField(ctx, {
        field: MATCH_FIELD,
        value: c.match,
        hint: one.whichHint,
        required: true,
        maxlength: 100,
        onInput: (match) => set({ match }),
      })}
      <div class="field">
        <label class="option" for="cam-f-camera_remove">
          <input
            type="checkbox"
            id="cam-f-camera_remove"
            .checked=${c.remove}
            @change=${(e: Event) => set({ remove: (e.target as HTMLInputElement).checked })}
          />
          <span>${one.remove}</span>
        </label>
      </div>
      ${
        c.remove
          ? nothing
          : html`${textField(ctx, {
                field: 'cameras[0].label',
                label: one.newLabel,
                value: c.label,
                maxlength: 100,
                onInput: (label) => set({ label }),
              })}
              <div class="pair">
                ${selectField(ctx, {
                  field: 'cameras[0].mount',
                  value: c.mount,
                  placeholder: m.manage.noChange,
                  choices: domainChoices(d.Mount, m, locale),
                  onChange: (mount) => set({ mount }),
                })}
                ${selectField(ctx, {
                  field: 'cameras[0].recording_mode',
                  value: c.recording_mode,
                  placeholder: m.manage.noChange,
                  choices: domainChoices(d.RecordingMode, m, locale),
                  onChange: (recording_mode) => set({ recording_mode }),
                })}
              </div>
              <div class="pair">
                ${textField(ctx, {
                  field: 'cameras[0].retention_days',
                  value: c.retention_days,
                  type: 'number',
                  inputmode: 'numeric',
                  min: 0,
                  max: 365,
                  hint: m.hints.retention_days,
                  onInput: (retention_days) => set({ retention_days }),
                })}
                ${selectField(ctx, {
                  field: 'cameras[0].can_export',
                  value: c.can_export,
                  placeholder: m.manage.noChange,
                  choices: domainChoices(d.CanExport, m, locale),
                  onChange: (can_export) => set({ can_export }),
                })}
              </div>`
      }`;
  }

  private renderWithdraw(): TemplateResult {
    const m = this.settings.messages;
    const issue = this.issues.find((i) => i.field === 'withdraw_confirm');
    return html`<p class="warning-strong">
        <span class="icon" aria-hidden="true">!</span>${m.manage.withdrawIntro}
      </p>
      <div class="field ${issue ? 'invalid' : ''}" style="margin-block-start: 1rem">
        ${
          issue
            ? html`<p class="field-error" id="cam-f-withdraw_confirm-error">
                <span class="icon" aria-hidden="true">!</span>${m.issues.CHOICE_REQUIRED(
                  m.fields.withdraw_confirm ?? '',
                )}
              </p>`
            : nothing
        }
        <label class="option" for="cam-f-withdraw_confirm">
          <input
            type="checkbox"
            id="cam-f-withdraw_confirm"
            .checked=${this.withdrawConfirmed}
            aria-invalid=${issue ? 'true' : 'false'}
            aria-describedby=${issue ? 'cam-f-withdraw_confirm-error' : nothing}
            @change=${(e: Event) => {
              this.withdrawConfirmed = (e.target as HTMLInputElement).checked;
            }}
          />
          <span>${m.manage.withdrawConfirm}</span>
        </label>
      </div>`;
  }

  private renderChanges(): TemplateResult {
    const m = this.settings.messages;
    switch (this.action) {
      case 'update':
        return this.renderUpdate();
      case 'cameras':
        return this.renderCameraChanges();
      case 'camera':
        return this.renderOneCamera();
      case 'reconfirm':
        return html`<p>${m.manage.reconfirmIntro}</p>`;
      case 'withdraw':
        return this.renderWithdraw();
      case '':
        return html``;
    }
  }

  override render() {
    const m = this.settings.messages;
    const index = STEPS.indexOf(this.step);
    if (this.step === 'finished') {
      const action = this.accepted ?? 'update';
      return html`<div class="frame">
        ${this.renderHeader(index + 1, STEPS.length, m.steps.finished)}
        <div class="success-banner">
          <p><strong>${m.manage.accepted}</strong></p>
          <p>
            ${
              action === 'camera'
                ? m.manage.oneCamera.acceptedDetail
                : m.manage.acceptedDetail[action]
            }
          </p>
        </div>
        <p>
          <button type="button" class="secondary" @click=${() => this.another()}>
            ${m.manage.another}
          </button>
        </p>
        ${this.renderAnnouncement()}
      </div>`;
    }
    const title =
      this.step === 'codes'
        ? m.steps.codes
        : this.action
          ? this.actionText(this.action)
          : m.steps.changes;
    const submitLabel =
      this.step === 'codes'
        ? m.next
        : this.sending
          ? m.loading
          : this.action === 'camera'
            ? m.manage.oneCamera.submit
            : this.action
              ? m.manage.submit[this.action]
              : m.next;
    return html`<form
      class="frame"
      novalidate
      @submit=${(e: SubmitEvent) => void this.handleSubmit(e)}
    >
      ${this.renderHeader(index + 1, STEPS.length, title)} ${this.renderAlert()}
      ${this.step === 'codes' ? this.renderCodes() : this.renderChanges()}
      <div class="nav">
        ${
          this.step === 'changes'
            ? html`<button type="button" class="secondary" @click=${() => void this.goTo('codes')}>
                ${m.back}
              </button>`
            : nothing
        }
        <button
          type="submit"
          class=${this.action === 'withdraw' && this.step === 'changes' ? 'danger' : 'primary'}
          ?disabled=${this.sending}
        >
          ${submitLabel}
        </button>
      </div>
      ${this.renderAnnouncement()}
    </form>`;
  }
}
