import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { ref } from 'lit/directives/ref.js';
import {
  compassPointOf,
  isInsideExtent,
  localDistanceMeters,
  offsetPoint,
} from '../../src/core/registration/camera-view.js';
import type { LonLat } from '../../src/core/registration/change-request.js';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';
import {
  buildRegistrationEdits,
  EMPTY_SITE_DRAFT,
  FormIssueCode,
  newCameraDraft,
  toGlobalId,
  validateCameraDrafts,
  validateSiteDraft,
  type CameraDraft,
  type FormIssue,
  type SiteDraft,
  type SiteLocation,
} from '../../src/core/registration/registration-draft.js';
import { formatPhone, normalizePhone } from '../../src/core/registration/phone-number.js';
import {
  followLanguage,
  type SavedRegistration,
  type UntouchedDefaults,
} from '../../src/core/registration/saved-registration.js';
import {
  buildStaffRegistrationEdits,
  isStaffChannel,
  STAFF_CHANNELS,
  validateStaffEntry,
  type StaffEntry,
} from '../../src/core/registration/staff-registration.js';
import { retryWhenRateLimited } from '../../src/client/arcgis-request.js';
import { ErrorCode } from '../../src/core/errors.js';
import * as d from '../../src/core/schema/domains.js';
import { describeError, errorCodeOf } from '../shared/describe-error.js';
import { emit } from '../shared/events.js';
import { AddressSearch } from './address-search.js';
import { renderCameraEditor } from './camera-editor.js';
import { DraftController, loadDraft } from './draft-store.js';
import { FlowBase, arrowBearing, NUDGE_METERS, type FlowSettings } from './flow-base.js';
import { FormHistory } from './form-history.js';
import {
  domainChoices,
  domainLabel,
  fieldLabel,
  radioField,
  selectField,
  textField,
} from './form-fields.js';
import { RequestRefused, type AddressCandidate } from './registration-client.js';
import { SiteMapController } from './site-map-controller.js';
import { printLetter, staffLetterDocument } from './staff-letter.js';

declare global {
  interface GlobalEventHandlersEventMap {
    /** A registration decision or entry changed the registry (analyst workspace panels). */
    'cam-review-changed': CustomEvent<{ siteGuid: string }>;
  }
}

const STEPS = ['about', 'site', 'cameras', 'review', 'done'] as const;
type Step = (typeof STEPS)[number];
/** Steps a kept draft can be on (a sent registration keeps nothing). */
const DRAFT_STEPS = STEPS.filter((step): step is Exclude<Step, 'done'> => step !== 'done');

/** The codes of one registration attempt, made once and kept across retries. */
interface Attempt {
  readonly registrationRef: string;
  readonly manageCode: string;
  readonly siteGlobalId: string;
  readonly manageCodeHash: string;
  /** Staff mode's ReviewLog row, stored with the site. */
  readonly reviewLogGlobalId: string;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function newAttempt(): Promise<Attempt> {
  const registrationRef = formatReference(crypto.getRandomValues(new Uint8Array(8)));
  const manageCode = formatManageCode(crypto.getRandomValues(new Uint8Array(10)));
  return {
    registrationRef,
    manageCode,
    siteGlobalId: toGlobalId(crypto.randomUUID()),
    reviewLogGlobalId: toGlobalId(crypto.randomUUID()),
    manageCodeHash: await sha256Hex(manageCodeHashInput(registrationRef, manageCode)),
  };
}

function fixed(n: number): string {
  return n.toFixed(6);
}

/**
 * The registration steps: about the program, site and contact, cameras, review and
 * consent, confirmation. Rendered by `<cam-registration>`; not used on its own. In staff mode
 * the first step is the paper form's own facts (channel, number), the consent is the one the
 * resident signed on paper, and the confirmation prints the resident's letter.
 *
 * @fires cam-registered - The registration was stored (or accepted from a suspected bot, silently).
 * @fires cam-registration-failed - Sending failed; everything typed is kept for a retry.
 * @fires cam-review-changed - Staff mode stored a registration; `detail.siteGuid`.
 */
export class RegistrationFlow extends FlowBase {
  @state() private step: Step = 'about';
  @state() private site: SiteDraft = EMPTY_SITE_DRAFT;
  @state() private location: SiteLocation | null = null;
  @state() private geocoded: { point: LonLat; address: string } | null = null;
  @state() private cameras: CameraDraft[] = [];
  @state() private aimIndex = 0;
  @state() private consent = false;
  @state() private sending = false;
  @state() private registered: { attempt: Attempt; at: Date } | null = null;
  /** Staff mode: how the registration came in and the paper form's number. */
  @state() private entry: StaffEntry = { channel: 'paper', formNumber: '' };
  /** Staff mode: what happened when the letter was asked for. */
  @state() private letterNote = '';

  private attempt: Attempt | undefined;
  /** Defaults the resident has not changed: they follow the page's language. */
  private untouched: UntouchedDefaults = { preferredLanguage: true, cameraLabels: {} };

  private readonly draft = new DraftController(this, {
    formKey: () => (this.settings.keepDraft ? this.settings.formKey : null),
    snapshot: () => this.snapshot(),
  });

  private readonly formHistory = new FormHistory(this, {
    steps: STEPS,
    formKey: () => this.settings.formKey,
    enabled: () => this.settings.history,
    current: () => this.step,
    // The confirmation stays put: a stray Back must not hide the codes shown once.
    show: (step) => {
      if (this.step !== 'done') void this.goTo(step, false);
    },
  });

  private readonly address = new AddressSearch(this, {
    client: () => this.settings.client,
    onLocated: (candidate) => this.handleLocated(candidate),
    onEdited: (text) => {
      this.site = { ...this.site, address: text };
      // The point belonged to the old text.
      this.location = null;
      this.geocoded = null;
    },
  });

  private readonly map = new SiteMapController(this, () => ({
    assetsPath: this.settings.assetsPath,
    basemap: this.settings.basemap,
    contextLayerUrl: this.settings.contextLayerUrl,
    accent: this.settings.accent,
    onPinMoved: (point) => this.movePin(point),
    onAim: (bearing) => this.aim(bearing),
    state: this.location
      ? {
          site: this.location.point,
          mode: this.step === 'cameras' ? 'aim' : 'pin',
          cameras:
            this.step === 'cameras'
              ? this.cameras.map((camera, index) => ({
                  location: camera.position ?? (this.location as SiteLocation).point,
                  bearing: camera.view_bearing,
                  fov: Number(camera.fov_deg) || null,
                  active: index === this.aimIndex,
                }))
              : [],
        }
      : null,
  }));

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.cameras.length === 0) {
      const saved = this.settings.keepDraft ? loadDraft(this.settings.formKey, DRAFT_STEPS) : null;
      if (saved) {
        this.restore(saved);
      } else {
        const key = toGlobalId(crypto.randomUUID());
        this.cameras = [newCameraDraft(key, this.settings.messages.cameras.defaultLabel(1))];
        this.untouched = { preferredLanguage: true, cameraLabels: { [key]: 1 } };
        this.site = { ...this.site, preferred_language: this.settings.locale };
        this.draft.markPristine();
      }
    }
    if (this.site.preferred_language === '') {
      this.site = { ...this.site, preferred_language: this.settings.locale };
    }
    this.formHistory.sync();
  }

  /** A kept draft brought back after a reload, with untouched defaults in today's language. */
  private restore(saved: SavedRegistration<Exclude<Step, 'done'>>): void {
    this.step = saved.step;
    this.location = saved.location;
    this.geocoded = saved.geocoded;
    this.aimIndex = saved.aimIndex;
    this.untouched = saved.untouched;
    const followed = followLanguage(
      saved,
      this.settings.locale,
      this.settings.messages.cameras.defaultLabel,
    );
    this.site = followed.site;
    this.cameras = [...followed.cameras];
  }

  /** What a reload should bring back; nothing once the registration is sent. */
  private snapshot(): SavedRegistration | null {
    if (this.step === 'done' || this.cameras.length === 0) return null;
    return {
      step: this.step,
      site: this.site,
      location: this.location,
      geocoded: this.geocoded,
      cameras: this.cameras,
      aimIndex: this.aimIndex,
      untouched: this.untouched,
    };
  }

  /** Problems the resident has fixed disappear as they type; new ones wait for Next. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const before = changed.get('settings') as FlowSettings | undefined;
    if (before && before.locale !== this.settings.locale) {
      // The page's language changed: defaults the resident has not touched follow it.
      const followed = followLanguage(
        { site: this.site, cameras: this.cameras, untouched: this.untouched },
        this.settings.locale,
        this.settings.messages.cameras.defaultLabel,
      );
      this.site = followed.site;
      if (followed.cameras !== this.cameras) this.cameras = [...followed.cameras];
    }
    const edited = ['site', 'location', 'cameras', 'consent', 'entry'].some((key) =>
      changed.has(key as keyof RegistrationFlow),
    );
    if (!edited || this.issues.length === 0) return;
    const current = [
      ...(this.settings.staff && (this.step === 'about' || this.step === 'review')
        ? validateStaffEntry(this.entry)
        : []),
      ...(this.step === 'site' || this.step === 'review'
        ? validateSiteDraft(this.site, this.location)
        : []),
      ...(this.step === 'cameras' || this.step === 'review'
        ? validateCameraDrafts(this.cameras)
        : []),
      ...(this.step === 'review' && !this.consent
        ? [{ field: 'consent', code: FormIssueCode.ConsentRequired }]
        : []),
    ];
    const still = this.issues.filter((issue) =>
      current.some((c) => c.field === issue.field && c.code === issue.code),
    );
    if (still.length !== this.issues.length) this.issues = still;
  }

  private handleLocated(candidate: AddressCandidate): void {
    this.site = { ...this.site, address: candidate.address };
    this.location = { point: candidate.point, method: 'geocoded', score: candidate.score };
    this.geocoded = { point: candidate.point, address: candidate.address };
    this.issues = this.issues.filter((issue) => issue.field !== 'address');
  }

  private movePin(point: LonLat): void {
    if (!this.location) return;
    this.location = { ...this.location, point, method: 'pin_adjusted' };
  }

  private nudgePin(bearing: number): void {
    if (!this.location) return;
    this.movePin(offsetPoint(this.location.point, bearing, NUDGE_METERS));
  }

  private resetPin(): void {
    if (!this.geocoded || !this.location) return;
    this.location = { ...this.location, point: this.geocoded.point, method: 'geocoded' };
  }

  private aim(bearing: number): void {
    this.updateCamera(this.aimIndex, { view_bearing: bearing });
  }

  private updateSite(patch: Partial<SiteDraft>): void {
    if ('preferred_language' in patch) {
      this.untouched = { ...this.untouched, preferredLanguage: false };
    }
    this.site = { ...this.site, ...patch };
  }

  private updateCamera(index: number, patch: Partial<CameraDraft>): void {
    const key = this.cameras[index]?.key;
    if ('label' in patch && key !== undefined && key in this.untouched.cameraLabels) {
      const { [key]: _typed, ...rest } = this.untouched.cameraLabels;
      this.untouched = { ...this.untouched, cameraLabels: rest };
    }
    this.cameras = this.cameras.map((camera, i) =>
      i === index ? { ...camera, ...patch } : camera,
    );
  }

  private nudgeCamera(index: number, bearing: number): void {
    const camera = this.cameras[index];
    const from = camera?.position ?? this.location?.point;
    if (!camera || !from) return;
    this.aimIndex = index;
    this.updateCamera(index, { position: offsetPoint(from, bearing, NUDGE_METERS) });
  }

  private async addCamera(): Promise<void> {
    const m = this.settings.messages.cameras;
    const n = this.cameras.length + 1;
    const label = m.defaultLabel(n);
    const key = toGlobalId(crypto.randomUUID());
    this.untouched = {
      ...this.untouched,
      cameraLabels: { ...this.untouched.cameraLabels, [key]: n },
    };
    this.cameras = [...this.cameras, newCameraDraft(key, label)];
    this.aimIndex = this.cameras.length - 1;
    this.announcement = m.added(label);
    await this.updateComplete;
    this.focusField(`cameras[${this.cameras.length - 1}].label`);
  }

  private async removeCamera(index: number): Promise<void> {
    const camera = this.cameras[index];
    if (!camera || this.cameras.length <= 1) return;
    const m = this.settings.messages.cameras;
    this.cameras = this.cameras.filter((_, i) => i !== index);
    this.aimIndex = Math.min(this.aimIndex, this.cameras.length - 1);
    this.issues = [];
    this.announcement = m.removed(camera.label.trim() || m.heading(index + 1));
    await this.updateComplete;
    this.focusField(`cameras[${Math.max(0, index - 1)}].label`);
  }

  /** Shows a step; `record` false when history itself moved there (Back, Forward). */
  private async goTo(step: Step, record = true): Promise<void> {
    const from = this.step;
    this.step = step;
    if (record) this.formHistory.moved(from, step);
    this.issues = [];
    this.failure = null;
    await this.focusHeading();
  }

  private handleBack(): void {
    const index = STEPS.indexOf(this.step);
    if (index > 0) void this.goTo(STEPS[index - 1] as Step);
  }

  private async handleSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.sending) return;
    switch (this.step) {
      case 'about': {
        const issues = this.settings.staff ? validateStaffEntry(this.entry) : [];
        if (issues.length > 0) return this.showIssues(issues);
        return this.goTo('site');
      }
      case 'site': {
        const issues = validateSiteDraft(this.site, this.location);
        if (issues.length > 0) return this.showIssues(issues);
        return this.goTo('cameras');
      }
      case 'cameras': {
        const issues = validateCameraDrafts(this.cameras);
        if (issues.length > 0) return this.showIssues(issues);
        return this.goTo('review');
      }
      case 'review':
        return this.submit();
      case 'done':
        return;
    }
  }

  private async submit(): Promise<void> {
    const staff = this.settings.staff;
    const issues: FormIssue[] = [
      ...(staff ? validateStaffEntry(this.entry) : []),
      ...validateSiteDraft(this.site, this.location),
      ...validateCameraDrafts(this.cameras),
    ];
    if (!this.consent) issues.push({ field: 'consent', code: FormIssueCode.ConsentRequired });
    if (issues.length > 0) return this.showIssues(issues);

    this.sending = true;
    this.failure = null;
    this.issues = [];
    try {
      this.attempt ??= await newAttempt();
      const attempt = this.attempt;
      if (this.honeypotFilled()) {
        // Only software fills the hidden field: it sees what a person would, nothing is
        // stored, and no person loses anything.
        return this.finish(attempt);
      }
      const submission = {
        site: this.site,
        location: this.location,
        cameras: this.cameras,
        siteGlobalId: attempt.siteGlobalId,
        registrationRef: attempt.registrationRef,
        manageCodeHash: attempt.manageCodeHash,
        consentVersion: this.settings.consentVersion,
      };
      if (staff) {
        const built = buildStaffRegistrationEdits({
          ...submission,
          entry: this.entry,
          reviewLogGlobalId: attempt.reviewLogGlobalId,
          now: Date.now(),
        });
        if (!built.ok) return this.showIssues(built.issues);
        // Signed by the session; staff are no bots, so no form signals.
        await this.settings.client.register(built.edits);
        await this.finish(attempt);
        emit(this, 'cam-review-changed', { siteGuid: attempt.siteGlobalId });
        return;
      }
      const built = buildRegistrationEdits(submission);
      if (!built.ok) return this.showIssues(built.issues);
      // A form sent sooner than a person usually can is held until then, and sent again if
      // the service still asks for a wait: a quick person loses nothing.
      const wait = this.remainingFillMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await retryWhenRateLimited(
        () => this.settings.client.register(built.edits, { form: this.formSignals() }),
        { retries: 2, maxWaitSeconds: 30 },
      );
      return this.finish(attempt);
    } catch (error) {
      const m = this.settings.messages;
      const fieldIssues = error instanceof RequestRefused ? [...error.issues] : [];
      // Staff signed in with an account the source service refuses: say who may do this.
      const why =
        staff && errorCodeOf(error) === ErrorCode.Forbidden
          ? m.staff.forbidden
          : describeError(error, m.errors);
      this.failure = html`<p>${m.review.failed} ${why}</p>
        <p>${m.review.kept}</p>
        <button type="button" class="primary" @click=${() => void this.submit()}>
          ${m.review.retry}
        </button>`;
      this.issues = fieldIssues;
      emit(this, 'cam-registration-failed', { code: errorCodeOf(error) });
      await this.focusAlert();
    } finally {
      this.sending = false;
    }
  }

  private async finish(attempt: Attempt): Promise<void> {
    this.registered = { attempt, at: new Date() };
    this.sending = false;
    emit(this, 'cam-registered', { registrationRef: attempt.registrationRef });
    await this.goTo('done');
  }

  private startOver(): void {
    this.attempt = undefined;
    this.registered = null;
    this.entry = { channel: this.entry.channel, formNumber: '' };
    this.letterNote = '';
    this.site = { ...EMPTY_SITE_DRAFT, preferred_language: this.settings.locale };
    this.location = null;
    this.geocoded = null;
    this.consent = false;
    const key = toGlobalId(crypto.randomUUID());
    this.cameras = [newCameraDraft(key, this.settings.messages.cameras.defaultLabel(1))];
    this.untouched = { preferredLanguage: true, cameraLabels: { [key]: 1 } };
    this.aimIndex = 0;
    this.startedAt = performance.now();
    void this.goTo('about');
    this.draft.markPristine();
  }

  /** "Start over" on a step: everything typed goes, the kept draft too. */
  private handleStartOver(): void {
    this.startOver();
    this.issues = [];
    this.announcement = this.settings.messages.cleared;
  }

  private handleMapKeys(event: KeyboardEvent): void {
    const bearing = arrowBearing(event.key);
    if (bearing === undefined) return;
    // Arrow keys move the pin (or turn the camera) instead of panning the map.
    event.preventDefault();
    event.stopPropagation();
    if (this.step === 'cameras') {
      const camera = this.cameras[this.aimIndex];
      const turn = event.key === 'ArrowLeft' ? -15 : event.key === 'ArrowRight' ? 15 : 0;
      if (camera && turn !== 0) this.aim(((camera.view_bearing ?? 0) + turn + 360) % 360);
    } else {
      this.nudgePin(bearing);
    }
  }

  // ---- rendering ----

  private renderMap(mode: 'pin' | 'aim'): TemplateResult {
    const m = this.settings.messages.map;
    const status = this.map.status;
    return html`<link
        rel="stylesheet"
        href="${this.settings.assetsPath}/esri/themes/light/view.css"
      />
      ${
        status === 'failed'
          ? nothing
          : html`<div
              class="map-frame"
              aria-label=${m.label}
              role="region"
              ${ref(this.map.attach)}
              @keydown=${{ handleEvent: (e: KeyboardEvent) => this.handleMapKeys(e), capture: true }}
            ></div>`
      }
      <p class="map-status" aria-live="polite">
        ${status === 'loading' ? m.loading : status === 'failed' ? m.unavailable : mode === 'pin' ? m.pinHint : m.aimHint}
      </p>`;
  }

  /** Staff mode's first step: how the registration came in, and the paper form's number. */
  private renderEntry(): TemplateResult {
    const m = this.settings.messages;
    const ctx = this.ctx;
    return html`<p>${m.staff.entryIntro}</p>
      ${radioField(ctx, {
        field: 'source_channel',
        value: this.entry.channel,
        choices: STAFF_CHANNELS.map((code) => ({ code, label: m.staff.channels[code] })),
        required: true,
        onChange: (channel) => {
          this.entry = { ...this.entry, channel };
        },
      })}
      ${textField(ctx, {
        field: 'form_number',
        value: this.entry.formNumber,
        hint: m.staff.formNumberHint,
        autocomplete: 'off',
        maxlength: 40,
        onInput: (formNumber) => {
          this.entry = { ...this.entry, formNumber };
        },
      })}`;
  }

  private renderAbout(): TemplateResult {
    if (this.settings.staff) return this.renderEntry();
    const m = this.settings.messages;
    const p = m.program;
    return html`<h3>${p.title}</h3>
      <p>${p.intro}</p>
      <ul class="program">
        ${[
          p.voluntary,
          p.noRemoteAccess,
          p.contactAfterIncident,
          p.whoSees,
          p.publicRecords,
          p.leaving,
        ].map((text) => html`<li>${text}</li>`)}
      </ul>
      <h3>${m.consent.heading}</h3>
      <div class="panel">
        <p class="consent-text">${m.consent.text}</p>
        <p class="hint">${m.consent.version(this.settings.consentVersion)}</p>
      </div>`;
  }

  private renderLocation(): TemplateResult {
    const m = this.settings.messages;
    const location = this.location;
    if (!location || !this.geocoded) return html``;
    const extent = this.settings.cityExtent;
    const outside = extent !== undefined && !isInsideExtent(location.point, extent);
    const moved = Math.round(localDistanceMeters(this.geocoded.point, location.point));
    return html`<div class="location">
      <p class="found">${m.address.found(this.geocoded.address)}</p>
      <p class="coords">
        ${m.address.coordinates(fixed(location.point.y), fixed(location.point.x))}
      </p>
      ${
        outside
          ? html`<p class="note">
              <span class="icon" aria-hidden="true">!</span>${m.address.outsideCity}
            </p>`
          : nothing
      }
      ${
        location.score !== null && location.score < 80
          ? html`<p class="note">
              <span class="icon" aria-hidden="true">!</span>${m.address.lowScore}
            </p>`
          : nothing
      }
      ${this.renderMap('pin')}
      ${this.renderNudge({
        label: m.map.nudgeGroup,
        onNudge: (bearing) => this.nudgePin(bearing),
        status: moved > 0 ? m.map.moved(moved) : m.map.atGeocoded,
        onReset: moved > 0 ? () => this.resetPin() : undefined,
      })}
    </div>`;
  }

  private renderSite(): TemplateResult {
    const m = this.settings.messages;
    const { locale } = this.settings;
    const ctx = this.ctx;
    const s = this.site;
    const business = s.site_type !== '' && s.site_type !== 'residence';
    return html`<fieldset class="group">
        <legend>${m.sections.site}</legend>
        ${radioField(ctx, {
          field: 'site_type',
          value: s.site_type,
          choices: domainChoices(d.SiteType, m, locale),
          required: true,
          columns: true,
          onChange: (site_type) => this.updateSite({ site_type }),
        })}
        ${
          business
            ? textField(ctx, {
                field: 'business_name',
                value: s.business_name,
                hint: m.hints.business_name,
                required: true,
                autocomplete: 'organization',
                maxlength: 255,
                onInput: (business_name) => this.updateSite({ business_name }),
              })
            : nothing
        }
      </fieldset>
      <fieldset class="group">
        <legend>${m.sections.contact}</legend>
        <div class="pair">
          ${textField(ctx, {
            field: 'contact_name',
            value: s.contact_name,
            required: true,
            autocomplete: 'name',
            maxlength: 200,
            onInput: (contact_name) => this.updateSite({ contact_name }),
          })}
          ${selectField(ctx, {
            field: 'contact_role',
            value: s.contact_role,
            choices: domainChoices(d.ContactRole, m, locale),
            required: true,
            onChange: (contact_role) => this.updateSite({ contact_role }),
          })}
        </div>
        <p class="hint">${m.hints.contactEither}</p>
        <div class="pair">
          ${textField(ctx, {
            field: 'phone',
            value: s.phone,
            type: 'tel',
            autocomplete: 'tel',
            inputmode: 'tel',
            hint: m.hints.phone,
            onInput: (phone) => this.updateSite({ phone }),
          })}
          ${textField(ctx, {
            field: 'email',
            value: s.email,
            type: 'email',
            autocomplete: 'email',
            inputmode: 'email',
            spellcheck: false,
            hint: m.hints.email,
            maxlength: 254,
            onInput: (email) => this.updateSite({ email }),
          })}
        </div>
        ${radioField(ctx, {
          field: 'preferred_contact',
          value: s.preferred_contact,
          choices: domainChoices(d.PreferredContact, m, locale),
          onChange: (preferred_contact) => this.updateSite({ preferred_contact }),
        })}
        <div class="pair">
          ${selectField(ctx, {
            field: 'preferred_language',
            value: s.preferred_language,
            choices: domainChoices(d.Language, m, locale),
            onChange: (preferred_language) => this.updateSite({ preferred_language }),
          })}
          ${selectField(ctx, {
            field: 'best_hours',
            value: s.best_hours,
            choices: domainChoices(d.BestHours, m, locale),
            onChange: (best_hours) => this.updateSite({ best_hours }),
          })}
        </div>
        ${radioField(ctx, {
          field: 'share_willingness',
          value: s.share_willingness,
          choices: domainChoices(d.ShareWillingness, m, locale),
          required: true,
          onChange: (share_willingness) => this.updateSite({ share_willingness }),
        })}
      </fieldset>
      <fieldset class="group">
        <legend>${m.sections.location}</legend>
        ${this.address.render(ctx, {
          field: 'address',
          value: s.address,
          located: this.location !== null,
          required: true,
        })}
        ${this.renderLocation()}
        ${textField(ctx, {
          field: 'unit',
          value: s.unit,
          hint: m.hints.unit,
          autocomplete: 'address-line2',
          maxlength: 50,
          onInput: (unit) => this.updateSite({ unit }),
        })}
      </fieldset>
      ${this.renderHoneypot()}`;
  }

  private renderCameras(): TemplateResult {
    const m = this.settings.messages;
    const site = this.location?.point ?? null;
    return html`<p>${m.cameras.intro}</p>
      ${renderCameraEditor(this.ctx, {
        cameras: this.cameras,
        site,
        onChange: (index, patch) => {
          if ('view_bearing' in patch) this.aimIndex = index;
          this.updateCamera(index, patch);
        },
        onAdd: () => void this.addCamera(),
        onRemove: (index) => void this.removeCamera(index),
        renderMove: (index) =>
          this.renderNudge({
            label: `${m.map.nudgeGroup}: ${this.cameras[index]?.label ?? ''}`,
            onNudge: (bearing) => this.nudgeCamera(index, bearing),
            status: '',
            onReset: this.cameras[index]?.position
              ? () => this.updateCamera(index, { position: null })
              : undefined,
          }),
      })}
      ${
        site
          ? html`<h3>${m.map.label}</h3>
              ${
                this.cameras.length > 1
                  ? selectField(this.ctx, {
                      field: 'aim_camera',
                      label: m.map.aimCamera,
                      value: String(this.aimIndex),
                      choices: this.cameras.map((camera, i) => ({
                        code: String(i),
                        label: camera.label.trim() || m.cameras.heading(i + 1),
                      })),
                      required: true,
                      onChange: (value) => {
                        this.aimIndex = Number(value);
                      },
                    })
                  : nothing
              }
              ${this.renderMap('aim')}`
          : nothing
      }`;
  }

  private directionText(bearing: number | null): string {
    const m = this.settings.messages.cameras;
    if (bearing === null) return m.notSure;
    const point = compassPointOf(bearing);
    return point ? `${m.compass[point]} (${m.degrees(bearing)})` : m.bearing(bearing);
  }

  private renderReview(): TemplateResult {
    const m = this.settings.messages;
    const { locale } = this.settings;
    const s = this.site;
    const label = (code: string, domain: Parameters<typeof domainLabel>[0]) =>
      domainLabel(domain, code, m, locale);
    const text = (value: string) => value.trim() || m.review.notGiven;
    const phone = normalizePhone(s.phone);
    const row = (field: string, value: string) =>
      html`<dt>${fieldLabel(m, field)}</dt>
        <dd>${value}</dd>`;
    const section = (title: string, step: Step, body: TemplateResult) =>
      html`<section class="review-section">
        <div class="review-head">
          <h3>${title}</h3>
          <button type="button" class="link" @click=${() => void this.goTo(step)}>
            ${m.review.edit}<span class="visually-hidden"> ${title}</span>
          </button>
        </div>
        ${body}
      </section>`;
    const location = this.location;
    const consentIssue = this.issues.find((i) => i.field === 'consent');
    const staff = this.settings.staff;
    const channel = this.entry.channel;
    return html`<p>${m.review.intro}</p>
      ${
        staff
          ? section(
              m.staff.entry,
              'about',
              html`<dl>
                ${row('source_channel', isStaffChannel(channel) ? m.staff.channels[channel] : m.review.notGiven)}
                ${row('form_number', text(this.entry.formNumber))}
              </dl>`,
            )
          : nothing
      }
      ${section(
        m.sections.site,
        'site',
        html`<dl>
          ${row('site_type', label(s.site_type, d.SiteType))}
          ${s.site_type !== 'residence' ? row('business_name', text(s.business_name)) : nothing}
          ${row('address', text(s.address))} ${row('unit', text(s.unit))}
          ${
            location
              ? row(
                  'location',
                  `${m.address.coordinates(fixed(location.point.y), fixed(location.point.x))}. ${label(location.method, d.LocationMethod)}`,
                )
              : nothing
          }
        </dl>`,
      )}
      ${section(
        m.sections.contact,
        'site',
        html`<dl>
          ${row('contact_name', text(s.contact_name))}
          ${row('contact_role', label(s.contact_role, d.ContactRole))}
          ${row('phone', phone ? formatPhone(phone) : text(s.phone))} ${row('email', text(s.email))}
          ${row('preferred_contact', label(s.preferred_contact, d.PreferredContact))}
          ${row('preferred_language', label(s.preferred_language, d.Language))}
          ${row('best_hours', label(s.best_hours, d.BestHours))}
          ${row('share_willingness', label(s.share_willingness, d.ShareWillingness))}
        </dl>`,
      )}
      ${section(
        m.steps.cameras,
        'cameras',
        html`${this.cameras.map(
          (camera, i) =>
            html`<h4>${m.cameras.heading(i + 1)}: ${text(camera.label)}</h4>
              <dl>
                ${row('mount', label(camera.mount, d.Mount))}
                ${row('form', label(camera.form, d.CameraForm))}
                ${row('view_bearing', this.directionText(camera.view_bearing))}
                ${row('fov_deg', camera.fov_deg ? m.cameras.degrees(Number(camera.fov_deg)) : m.review.notGiven)}
                ${row(
                  'coverage',
                  camera.coverage.length > 0
                    ? camera.coverage.map((c) => label(c, d.Coverage)).join(', ')
                    : m.review.notGiven,
                )}
                ${row('recording_mode', label(camera.recording_mode, d.RecordingMode))}
                ${row('retention_days', m.cameras.days(Number(camera.retention_days)))}
                ${row('can_export', label(camera.can_export, d.CanExport))}
              </dl>`,
        )}`,
      )}
      <div class="consent-box field ${consentIssue ? 'invalid' : ''}">
        <h3>${m.consent.heading}</h3>
        <p class="consent-text">${m.consent.text}</p>
        <p class="hint">${m.consent.version(this.settings.consentVersion)}</p>
        ${staff ? html`<p class="hint">${m.staff.consentHint}</p>` : nothing}
        ${
          consentIssue
            ? html`<p class="field-error" id="cam-f-consent-error">
                <span class="icon" aria-hidden="true">!</span
                >${m.issues.CONSENT_REQUIRED(m.fields.consent ?? '')}
              </p>`
            : nothing
        }
        <label class="option" for="cam-f-consent">
          <input
            type="checkbox"
            id="cam-f-consent"
            .checked=${this.consent}
            aria-required="true"
            aria-invalid=${consentIssue ? 'true' : 'false'}
            aria-describedby=${consentIssue ? 'cam-f-consent-error' : nothing}
            @change=${(e: Event) => {
              this.consent = (e.target as HTMLInputElement).checked;
            }}
          />
          <span>${m.consent.accept}</span>
        </label>
      </div>
      <p class="visually-hidden" role="status">${this.sending ? m.review.sending : ''}</p>`;
  }

  private async copy(text: string, what: string): Promise<void> {
    const m = this.settings.messages.done;
    let copied: boolean;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      // No Clipboard API (or no permission): copy through a selected, off-screen text area.
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'hp';
      this.append(area);
      area.select();
      try {
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
      area.remove();
    }
    this.announcement = copied ? m.copied(what) : m.copyFailed;
  }

  private save(attempt: Attempt, at: Date): void {
    const m = this.settings.messages.done;
    const date = new Intl.DateTimeFormat(this.settings.locale, {
      dateStyle: 'long',
      timeStyle: 'short',
    }).format(at);
    const blob = new Blob([m.fileText(attempt.registrationRef, attempt.manageCode, date)], {
      type: 'text/plain;charset=utf-8',
    });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = m.fileName(attempt.registrationRef);
    link.className = 'hp';
    this.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private handlePrintLetter(attempt: Attempt, at: Date): void {
    const staff = this.settings.staff;
    if (!staff || !isStaffChannel(this.entry.channel)) return;
    const m = this.settings.messages.staff;
    const opened = printLetter(
      staffLetterDocument({
        reference: attempt.registrationRef,
        manageCode: attempt.manageCode,
        site: this.site,
        cameras: this.cameras,
        channel: this.entry.channel,
        formNumber: this.entry.formNumber,
        at,
        staff,
        title: m.letterTitle(attempt.registrationRef),
      }),
    );
    this.letterNote = opened ? m.letterOpened : m.letterBlocked;
  }

  private renderDone(): TemplateResult {
    const m = this.settings.messages.done;
    const done = this.registered;
    if (!done) return html``;
    const { attempt } = done;
    const box = (label: string, value: string, id: string) =>
      html`<div class="code-box">
        <p class="code-label" id="${id}-label">${label}</p>
        <p class="code-value" id=${id} aria-labelledby="${id}-label ${id}">${value}</p>
        <button
          type="button"
          class="secondary no-print"
          @click=${() => void this.copy(value, label)}
        >
          ${m.copy(label)}
        </button>
      </div>`;
    const codes = html`<div class="success-banner"><p>${m.intro}</p></div>
      <div class="codes">
        ${box(m.reference, attempt.registrationRef, 'cam-done-ref')}
        ${box(m.code, attempt.manageCode, 'cam-done-code')}
      </div>
      <p class="warning-strong"><span class="icon" aria-hidden="true">!</span>${m.warning}</p>`;
    if (this.settings.staff) {
      const s = this.settings.messages.staff;
      return html`${codes}
        <div class="actions">
          <button
            type="button"
            class="primary"
            @click=${() => this.handlePrintLetter(attempt, done.at)}
          >
            ${s.printLetter}
          </button>
        </div>
        <p class="letter-note" role="status">${this.letterNote}</p>
        <p class="no-print">
          <button type="button" class="link" @click=${() => this.startOver()}>${s.another}</button>
        </p>`;
    }
    return html`${codes}
      <div class="actions">
        <button type="button" class="secondary" @click=${() => window.print()}>${m.print}</button>
        <button type="button" class="secondary" @click=${() => this.save(attempt, done.at)}>
          ${m.save}
        </button>
      </div>
      <p>${m.next}</p>
      <p class="no-print">
        <button type="button" class="link" @click=${() => this.startOver()}>${m.startOver}</button>
      </p>`;
  }

  override render() {
    const m = this.settings.messages;
    const index = STEPS.indexOf(this.step);
    const titles: Record<Step, string> = {
      about: m.steps.about,
      site: m.steps.site,
      cameras: m.steps.cameras,
      review: m.steps.review,
      done: m.done.heading,
    };
    if (this.step === 'done') {
      return html`<div class="frame">
        ${this.renderHeader(index + 1, STEPS.length, titles.done)} ${this.renderDone()}
        ${this.renderAnnouncement()}
      </div>`;
    }
    const body: Record<Exclude<Step, 'done'>, () => TemplateResult> = {
      about: () => this.renderAbout(),
      site: () => this.renderSite(),
      cameras: () => this.renderCameras(),
      review: () => this.renderReview(),
    };
    return html`<form
      class="frame"
      novalidate
      @submit=${(e: SubmitEvent) => void this.handleSubmit(e)}
    >
      ${this.renderHeader(index + 1, STEPS.length, titles[this.step])} ${this.renderAlert()}
      ${body[this.step]()}
      <div class="nav">
        ${
          index > 0
            ? html`<button type="button" class="secondary" @click=${() => this.handleBack()}>
                ${m.back}
              </button>`
            : nothing
        }
        <button type="submit" class="primary" ?disabled=${this.sending}>
          ${this.step === 'review' ? (this.sending ? m.review.sending : m.review.submit) : m.next}
        </button>
      </div>
      ${
        this.settings.keepDraft && this.draft.changed
          ? html`<p class="start-over">
              <button type="button" class="link" @click=${() => this.handleStartOver()}>
                ${m.startOver}
              </button>
            </p>`
          : nothing
      }
      ${this.renderAnnouncement()}
    </form>`;
  }
}
