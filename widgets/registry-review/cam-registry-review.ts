import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ErrorCode } from '../../src/core/errors.js';
import {
  readReviewConfig,
  REVIEW_CONFIG_URL_KEYS,
  type RegistryReviewConfig,
} from '../../src/core/review/review-config.js';
import { fetchConfigFile } from '../shared/config-file.js';
import { describeError, errorCodeOf } from '../shared/describe-error.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import { signInWithPassword, type OfficerSession } from '../incident-search/sign-in.js';
import {
  REGISTRY_REVIEW_MESSAGES,
  type RegistryReviewMessages,
} from './cam-registry-review.messages.js';
import { registryReviewStyles } from './cam-registry-review.styles.js';
import { ReviewClient } from './review-client.js';
import type { ReviewMapAdapter } from './review-map.js';

/** The workspace's tabs, in order. */
export const REVIEW_TABS = ['queue', 'duplicates', 'reconfirm', 'paper'] as const;
export type ReviewTab = (typeof REVIEW_TABS)[number];

/** The sign-in form was sent without a username or password. */
const MISSING_CREDENTIALS = Symbol('missing credentials');

/** Whether a failure means the account may not use the source service at all. */
function refusedAccount(error: unknown): boolean {
  return errorCodeOf(error) === ErrorCode.Forbidden;
}

/**
 * The GIS analyst's workspace over the SOURCE feature service: a review queue of new
 * registrations and held changes (verify, reject with a reason, correct, move), duplicates,
 * re-confirmation and paper forms. Every decision is written with its ReviewLog row in one
 * `applyEdits`.
 *
 * @fires cam-review-changed - After a decision; `detail.siteGuid` names the site.
 * @cssprop --cam-accent - Buttons, links and the selected tab.
 * @cssprop --cam-danger - Errors.
 * @cssprop --cam-font-family - Font family.
 */
export class CamRegistryReview extends LitElement {
  static override styles = registryReviewStyles;

  @state() private activeTab: ReviewTab = 'queue';
  @state() private signingIn = false;
  @state() private signInFailure: unknown = null;
  @state() private checkedSession: OfficerSession | null = null;
  @state() private fileConfig: Readonly<Record<string, unknown>> | 'pending' = {};
  @state() private fileFailure: unknown = null;

  /** Settings as one object; attributes override it, and it overrides the `config-url` file. */
  @property({ attribute: false }) config: Partial<RegistryReviewConfig> = {};
  /** A JSON file with the same settings as `config`; paths in it resolve against the file. */
  @property({ attribute: 'config-url' }) configUrl?: string;
  /** The SOURCE FeatureServer URL. */
  @property({ attribute: 'service-url' }) serviceUrl?: string;
  @property({ attribute: 'token-url' }) tokenUrl?: string;
  @property({ attribute: 'geocode-url' }) geocodeUrl?: string;
  @property({ attribute: 'assets-path' }) assetsPath?: string;
  @property({ attribute: 'context-layer-url' }) contextLayerUrl?: string;
  /**
   * A credential the host (Experience Builder) already holds; without one the widget shows
   * its own sign-in form. Accounts the source service refuses are told so in plain words.
   */
  @property({ attribute: false }) session: OfficerSession | null = null;
  /** Show no map at all. */
  @property({ type: Boolean, attribute: 'no-map' }) noMap = false;
  /** Replace the map implementation (tests, other map libraries). */
  @property({ attribute: false }) mapAdapter?: ReviewMapAdapter;
  @property({ attribute: false }) messageOverrides: Partial<RegistryReviewMessages> = {};

  private client: ReviewClient | null = null;
  private clientKey = '';
  private fileController: AbortController | null = null;
  private lastLocale: Locale | null = null;
  /** The session being checked; a newer one makes an older answer moot. */
  private checking: OfficerSession | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.fileController?.abort();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('configUrl')) void this.loadConfigFile(this.configUrl);
    if (changed.has('session') && this.session !== this.checkedSession) {
      void this.checkSession(this.session);
    }
  }

  override updated(): void {
    // Panels read the language from the page; tell them when it changes.
    const locale = this.locale;
    if (this.lastLocale !== null && locale !== this.lastLocale) {
      for (const panel of this.renderRoot.querySelectorAll<LitElement>('[data-panel]'))
        panel.requestUpdate?.();
    }
    this.lastLocale = locale;
  }

  /** The effective settings: file, then `config`, then attributes. */
  get settings(): RegistryReviewConfig {
    const file = this.fileConfig === 'pending' ? {} : this.fileConfig;
    const own: Partial<Record<keyof RegistryReviewConfig, string | undefined>> = {
      serviceUrl: this.serviceUrl,
      tokenUrl: this.tokenUrl,
      geocodeUrl: this.geocodeUrl,
      assetsPath: this.assetsPath,
      contextLayerUrl: this.contextLayerUrl,
    };
    const merged: Record<string, unknown> = { ...file, ...this.config };
    for (const [key, value] of Object.entries(own)) if (value !== undefined) merged[key] = value;
    return readReviewConfig(merged).value;
  }

  private get configIssues(): readonly string[] {
    const file = this.fileConfig === 'pending' ? {} : this.fileConfig;
    const fileIssues = this.fileFailure
      ? [`config-url: could not be loaded (${errorCodeOf(this.fileFailure)})`]
      : [];
    return [...fileIssues, ...readReviewConfig({ ...file, ...this.config }).issues];
  }

  private get locale(): Locale {
    return resolveLocale(this);
  }

  private get messages(): RegistryReviewMessages {
    return { ...REGISTRY_REVIEW_MESSAGES[this.locale], ...this.messageOverrides };
  }

  private get reviewClient(): ReviewClient {
    const { serviceUrl, geocodeUrl } = this.settings;
    const key = `${serviceUrl}|${geocodeUrl}`;
    if (!this.client || key !== this.clientKey) {
      this.client = new ReviewClient({
        serviceUrl,
        geocodeUrl,
        authentication: () => this.checkedSession?.authentication ?? null,
      });
      this.clientKey = key;
    }
    return this.client;
  }

  private async loadConfigFile(url: string | undefined): Promise<void> {
    this.fileController?.abort();
    this.fileFailure = null;
    if (!url) {
      this.fileConfig = {};
      return;
    }
    const controller = new AbortController();
    this.fileController = controller;
    this.fileConfig = 'pending';
    let file: Record<string, unknown> = {};
    try {
      file = await fetchConfigFile(url, REVIEW_CONFIG_URL_KEYS, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.fileFailure = error;
    }
    if (!controller.signal.aborted) this.fileConfig = file;
  }

  /**
   * Asks the source service whether the account may read it (one count of the queue): an
   * officer's or resident's token is refused there (403), and is told so before anything shows.
   */
  private async checkSession(session: OfficerSession | null): Promise<void> {
    this.checking = session;
    if (!session) {
      this.checkedSession = null;
      return;
    }
    const probe = new ReviewClient({
      serviceUrl: this.settings.serviceUrl,
      geocodeUrl: null,
      authentication: () => session.authentication,
    });
    try {
      await probe.queuePage('registrations', null, 0, 1);
      if (this.checking !== session) return;
      this.checkedSession = session;
      this.signInFailure = null;
    } catch (error) {
      if (this.checking !== session) return;
      this.checkedSession = null;
      this.signInFailure = error;
    }
  }

  private async handleSignIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (username === '' || password === '') {
      this.signInFailure = MISSING_CREDENTIALS;
      await this.updateComplete;
      this.renderRoot
        .querySelector<HTMLInputElement>(username ? '#password' : '#username')
        ?.focus();
      return;
    }
    this.signingIn = true;
    this.signInFailure = null;
    try {
      const session = await signInWithPassword(this.settings.tokenUrl, username, password);
      await this.checkSession(session);
      if (this.checkedSession === session) {
        form.reset();
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('#tab-queue')?.focus();
      } else {
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('#sign-in-failure')?.focus();
      }
    } catch (error) {
      this.signInFailure = error;
    } finally {
      this.signingIn = false;
    }
  }

  private handleSignOut(): void {
    this.checking = null;
    this.checkedSession = null;
    this.session = null;
    this.activeTab = 'queue';
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLInputElement>('#username')?.focus(),
    );
  }

  private handleTabKeydown(event: KeyboardEvent): void {
    const index = REVIEW_TABS.indexOf(this.activeTab);
    const last = REVIEW_TABS.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % REVIEW_TABS.length
        : event.key === 'ArrowLeft'
          ? (index + last) % REVIEW_TABS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : -1;
    if (next < 0) return;
    event.preventDefault();
    void this.selectTab(REVIEW_TABS[next] ?? 'queue', true);
  }

  private async selectTab(tab: ReviewTab, focus: boolean): Promise<void> {
    this.activeTab = tab;
    await this.updateComplete;
    if (focus) this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus();
    if (tab === 'queue')
      void this.renderRoot
        .querySelector<LitElement & { reload?: () => Promise<void> }>('cam-review-queue')
        ?.reload?.();
  }

  /** Which tab is shown. */
  get tab(): ReviewTab {
    return this.activeTab;
  }

  private signInMessage(m: RegistryReviewMessages): string {
    const failure = this.signInFailure;
    if (refusedAccount(failure)) return m.signIn.notAnalyst;
    if (failure === MISSING_CREDENTIALS) return m.signIn.missing;
    if (errorCodeOf(failure) === ErrorCode.InvalidInput) return m.signIn.wrong;
    return describeError(failure, m.errors);
  }

  private renderSignIn(m: RegistryReviewMessages): TemplateResult {
    return html`<form
      class="panel"
      @submit=${this.handleSignIn}
      novalidate
      aria-labelledby="sign-in-heading"
    >
      <h3 id="sign-in-heading">${m.signIn.heading}</h3>
      <p class="hint">${m.signIn.intro}</p>
      <div role="alert">
        ${
          this.signInFailure
            ? html`<p class="alert" id="sign-in-failure" tabindex="-1">${this.signInMessage(m)}</p>`
            : nothing
        }
      </div>
      <div class="field">
        <label for="username">${m.signIn.username}</label>
        <input id="username" name="username" autocomplete="username" required />
      </div>
      <div class="field">
        <label for="password">${m.signIn.password}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
      </div>
      <button class="primary" type="submit" ?disabled=${this.signingIn}>
        ${this.signingIn ? m.signIn.signingIn : m.signIn.submit}
      </button>
    </form>`;
  }

  private renderPanel(tab: ReviewTab, session: OfficerSession): TemplateResult {
    const settings = this.settings;
    switch (tab) {
      case 'queue':
        return html`<cam-review-queue
          data-panel
          .client=${this.reviewClient}
          .username=${session.username ?? ''}
          .assetsPath=${settings.assetsPath}
          .contextLayerUrl=${settings.contextLayerUrl}
          .noMap=${this.noMap}
          .mapAdapter=${this.mapAdapter}
          .messageOverrides=${this.messageOverrides}
        ></cam-review-queue>`;
      case 'duplicates':
        return html`<cam-review-duplicates
          data-panel
          .serviceUrl=${settings.serviceUrl}
          .session=${session}
        ></cam-review-duplicates>`;
      case 'reconfirm':
        return html`<cam-review-reconfirm
          data-panel
          .serviceUrl=${settings.serviceUrl}
          .session=${session}
        ></cam-review-reconfirm>`;
      case 'paper':
        return html`<cam-registration
          data-panel
          mode="staff"
          service-url=${settings.serviceUrl}
          geocoder-url=${settings.geocodeUrl ?? nothing}
          context-layer-url=${settings.contextLayerUrl ?? nothing}
          .session=${session}
        ></cam-registration>`;
    }
  }

  private renderWorkspace(m: RegistryReviewMessages, session: OfficerSession): TemplateResult {
    const tagOf: Record<ReviewTab, string> = {
      queue: 'cam-review-queue',
      duplicates: 'cam-review-duplicates',
      reconfirm: 'cam-review-reconfirm',
      paper: 'cam-registration',
    };
    const defined = customElements.get(tagOf[this.activeTab]) !== undefined;
    return html`<div role="tablist" aria-label=${m.tabs.label} @keydown=${this.handleTabKeydown}>
        ${REVIEW_TABS.map(
          (tab) =>
            html`<button
              type="button"
              role="tab"
              id="tab-${tab}"
              aria-selected=${tab === this.activeTab ? 'true' : 'false'}
              aria-controls="panel-${tab}"
              tabindex=${tab === this.activeTab ? 0 : -1}
              @click=${() => void this.selectTab(tab, false)}
            >
              ${m.tabs[tab]}
            </button>`,
        )}
      </div>
      ${REVIEW_TABS.map(
        (tab) =>
          html`<div
            role="tabpanel"
            id="panel-${tab}"
            aria-labelledby="tab-${tab}"
            ?hidden=${tab !== this.activeTab}
          >
            ${
              tab === this.activeTab
                ? html`${this.renderPanel(tab, session)}${
                    defined ? nothing : html`<p class="hint">${m.tabs.loading}</p>`
                  }`
                : nothing
            }
          </div>`,
      )}`;
  }

  override render(): TemplateResult {
    const m = this.messages;
    const session = this.checkedSession;
    const issues = this.configIssues;
    return html`
      <div class="bar">
        <h2>${m.title}</h2>
        ${
          session
            ? html`<div class="who">
                <span
                  >${session.username ? m.signIn.signedInAs(session.username) : m.signIn.signedIn}</span
                >
                <button type="button" class="link" @click=${this.handleSignOut}>
                  ${m.signIn.signOut}
                </button>
              </div>`
            : nothing
        }
      </div>
      ${
        issues.length > 0
          ? html`<ul class="alert">
              ${issues.map((issue) => html`<li>${issue}</li>`)}
            </ul>`
          : nothing
      }
      ${
        this.fileConfig === 'pending'
          ? html`<p class="hint" aria-busy="true"></p>`
          : session
            ? this.renderWorkspace(m, session)
            : this.renderSignIn(m)
      }
    `;
  }
}
