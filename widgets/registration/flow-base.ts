import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { FormIssue } from '../../src/core/registration/registration-draft.js';
import type { Extent } from '../../src/core/schema/layer-json.js';
import type { Locale } from '../shared/locale.js';
import type { ProgramText, RegistrationMessages } from './cam-registration.messages.js';
import { alertRegion, fieldId, type FieldContext } from './form-fields.js';
import type { RegistrationClient } from './registration-client.js';

/** What staff mode adds: staff enter a resident's form through the source service. */
export interface StaffSettings {
  /** The residents' manage page, absolute; the printed letter links to it. */
  readonly manageUrl: string | undefined;
  /** The program's text in a resident's language (the letter is in theirs, not the staff's). */
  readonly programFor: (language: Locale) => ProgramText;
}

/** What `<cam-registration>` hands to the step element it shows. */
export interface FlowSettings {
  readonly locale: Locale;
  readonly messages: RegistrationMessages;
  readonly client: RegistrationClient;
  readonly consentVersion: string;
  readonly cityExtent: Extent | undefined;
  readonly assetsPath: string;
  readonly basemap: string | undefined;
  readonly contextLayerUrl: string | undefined;
  readonly minFillSeconds: number;
  /** The accent colour the map draws with. */
  readonly accent: string;
  /** Set in staff mode (signed-in staff, no bot checks); null for residents. */
  readonly staff: StaffSettings | null;
  /** Names this form (mode, service, element id): its draft and history entries are its own. */
  readonly formKey: string;
  /** Keep the draft in the tab's session storage (residents registering; never staff). */
  readonly keepDraft: boolean;
  /** One history entry per step, so Back moves inside the form (off with `no-history`). */
  readonly history: boolean;
}

/** Metres one press of a pin-moving button moves it. */
export const NUDGE_METERS = 5;

const ARROW_BEARINGS: Readonly<Record<string, number>> = {
  ArrowUp: 0,
  ArrowRight: 90,
  ArrowDown: 180,
  ArrowLeft: 270,
};

/** The bearing an arrow key points, if the key is an arrow. */
export function arrowBearing(key: string): number | undefined {
  return ARROW_BEARINGS[key];
}

/**
 * Shared behaviour of the register and manage step elements. They render into the
 * `<cam-registration>` shadow root (no shadow of their own), so its styles, ids and
 * `aria-describedby` links all live in one tree.
 */
export abstract class FlowBase extends LitElement {
  /** Problems shown inline and in the alert summary. */
  @state() protected issues: FormIssue[] = [];
  /** A failure message for the alert region (server errors, wrong codes). */
  @state() protected failure: TemplateResult | string | null = null;
  /** Polite announcements (a camera added, a code copied). */
  @state() protected announcement = '';

  @property({ attribute: false }) settings!: FlowSettings;

  /** When the form was first shown; submissions quicker than the minimum are not sent. */
  protected startedAt = 0;
  /** The honeypot's value: people never see or reach it, so anything here came from a bot. */
  protected honeypot = '';

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.startedAt === 0) this.startedAt = performance.now();
  }

  protected get ctx(): FieldContext {
    return {
      messages: this.settings.messages,
      locale: this.settings.locale,
      issues: this.issues,
    };
  }

  /** What the server may check too: the honeypot and the time spent on the form. */
  protected formSignals(): { honeypot: string; fillMs: number } {
    return { honeypot: this.honeypot, fillMs: performance.now() - this.startedAt };
  }

  /** True for a filled honeypot: only software reaches it (never for staff). */
  protected honeypotFilled(): boolean {
    return !this.settings.staff && this.honeypot !== '';
  }

  /**
   * Milliseconds until the form has been open as long as a person needs at least (0 for
   * staff). A quicker form is only a suspicion, so it waits this long and is then sent.
   */
  protected remainingFillMs(): number {
    if (this.settings.staff) return 0;
    const elapsed = performance.now() - this.startedAt;
    return Math.max(0, this.settings.minFillSeconds * 1000 - elapsed);
  }

  /** Shows the problems and moves the focus to the first one. */
  protected async showIssues(issues: FormIssue[]): Promise<void> {
    this.issues = issues;
    await this.updateComplete;
    const first = issues[0];
    if (first) this.focusField(first.field);
  }

  protected focusField(field: string): void {
    const target = this.querySelector<HTMLElement>(`#${CSS.escape(fieldId(field))}`);
    if (!target) {
      this.querySelector<HTMLElement>('.alert')?.focus();
      return;
    }
    const focusable =
      target instanceof HTMLFieldSetElement
        ? (target.querySelector<HTMLElement>('input:checked') ??
          target.querySelector<HTMLElement>('input, select, button'))
        : target;
    (focusable ?? target).focus();
    (focusable ?? target).scrollIntoView?.({ block: 'center' });
  }

  protected async focusHeading(): Promise<void> {
    await this.updateComplete;
    const heading = this.querySelector<HTMLElement>('h2');
    heading?.focus();
    heading?.scrollIntoView?.({ block: 'nearest' });
  }

  protected async focusAlert(): Promise<void> {
    await this.updateComplete;
    this.querySelector<HTMLElement>('.alert')?.focus();
  }

  protected renderHeader(step: number, total: number, title: string): TemplateResult {
    const m = this.settings.messages;
    return html`<header>
      <p class="progress-text">${m.stepOf(step, total)}</p>
      <div class="progress-bar" aria-hidden="true">
        ${Array.from(
          { length: total },
          (_, i) => html`<span class=${i < step ? 'reached' : ''}></span>`,
        )}
      </div>
      <h2 tabindex="-1">${title}</h2>
    </header>`;
  }

  protected renderAlert(): TemplateResult {
    return alertRegion(this.ctx, this.failure, (field) => this.focusField(field));
  }

  protected renderAnnouncement(): TemplateResult {
    return html`<p class="visually-hidden" role="status">${this.announcement}</p>`;
  }

  /** A field no person sees or can reach; bots that fill every input fill it too. Not for staff. */
  protected renderHoneypot(): TemplateResult | typeof nothing {
    if (this.settings.staff) return nothing;
    return html`<div class="hp" aria-hidden="true">
      <label for="cam-hp-notes">Leave this empty</label>
      <input
        id="cam-hp-notes"
        name="notes_extra"
        type="text"
        tabindex="-1"
        autocomplete="off"
        @input=${(e: Event) => {
          this.honeypot = (e.target as HTMLInputElement).value;
        }}
      />
    </div>`;
  }

  /** Four buttons that move a pin (arrow keys work on them too), with a status line. */
  protected renderNudge(options: {
    label: string;
    onNudge: (bearing: number) => void;
    status: string;
    onReset?: () => void;
  }): TemplateResult {
    const m = this.settings.messages.map;
    const keys = (e: KeyboardEvent) => {
      const bearing = arrowBearing(e.key);
      if (bearing === undefined) return;
      e.preventDefault();
      options.onNudge(bearing);
    };
    return html`<div class="nudge-row">
      <div class="nudge" role="group" aria-label=${options.label} @keydown=${keys}>
        <button type="button" class="secondary n" @click=${() => options.onNudge(0)}>
          <span aria-hidden="true">↑</span><span class="visually-hidden">${m.nudge.north}</span>
        </button>
        <button type="button" class="secondary w" @click=${() => options.onNudge(270)}>
          <span aria-hidden="true">←</span><span class="visually-hidden">${m.nudge.west}</span>
        </button>
        <button type="button" class="secondary e" @click=${() => options.onNudge(90)}>
          <span aria-hidden="true">→</span><span class="visually-hidden">${m.nudge.east}</span>
        </button>
        <button type="button" class="secondary s" @click=${() => options.onNudge(180)}>
          <span aria-hidden="true">↓</span><span class="visually-hidden">${m.nudge.south}</span>
        </button>
      </div>
      <div>
        <p class="hint">${m.nudgeKeys}</p>
        <p aria-live="polite">${options.status}</p>
        ${
          options.onReset
            ? html`<button type="button" class="link" @click=${options.onReset}>${m.reset}</button>`
            : nothing
        }
      </div>
    </div>`;
  }
}
