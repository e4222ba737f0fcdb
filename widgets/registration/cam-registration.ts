import { Task } from '@lit/task';
import { html, LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import type { Extent } from '../../src/core/schema/layer-json.js';
import type { OfficerSession } from '../incident-search/sign-in.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import { tokens } from '../shared/tokens.styles.js';
import {
  messagesFor,
  staffMessages,
  type MessageOverrides,
  type ProgramText,
  type RegistrationMessages,
} from './cam-registration.messages.js';
import { styles } from './cam-registration.styles.js';
import type { FlowSettings, StaffSettings } from './flow-base.js';
import { createRegistrationClient, type RegistrationClient } from './registration-client.js';
import {
  DEFAULTS,
  loadRegistrationConfig,
  mergeRegistrationConfig,
  parseRegistrationConfig,
  type RegistrationConfig,
} from './registration-config.js';

/** `xmin,ymin,xmax,ymax` → an extent; anything else is ignored (no warning is better than a wrong one). */
function extentFromAttribute(value: string | null): Extent | undefined {
  const parts = (value ?? '').split(',').map((part) => Number(part.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return undefined;
  const [xmin, ymin, xmax, ymax] = parts as [number, number, number, number];
  return xmin < xmax && ymin < ymax ? { xmin, ymin, xmax, ymax } : undefined;
}

/**
 * The resident's camera registration form: about the program, site and contact, cameras,
 * review and consent, then the registration reference and private manage code. With
 * `mode="manage"`, the same widget updates, re-confirms or withdraws a registration.
 *
 * With `mode="staff"`, program staff enter a resident's paper form (or register with the
 * resident): the same steps and checks, signed with `session`, stored through the source
 * service (`service-url`) with the channel and form number, then a printable confirmation
 * letter in the resident's language. Without a session it says an analyst must sign in.
 *
 * Residents' modes write only through the public view (create-only) and never read the registry.
 * Every setting can come from attributes/properties, from one object (`config`) or from one
 * JSON file (`config-url`) with the same names; attributes and properties win over the
 * object, which wins over the file. Language follows the nearest `lang`, and so do the
 * defaults the resident has not changed (preferred language, camera names).
 *
 * Each step forward adds one browser-history entry (Back goes back a step; `no-history` turns
 * this off), and a resident's draft is kept in the tab's session storage, never in local
 * storage, until it is sent or started over (never in staff mode).
 *
 * @fires cam-registered - A registration was stored; `detail.registrationRef`.
 * @fires cam-registration-failed - Sending failed (everything typed is kept); `detail.code`.
 * @fires cam-change-requested - A manage request was accepted; `detail.registrationRef`, `detail.requestType`.
 * @fires cam-review-changed - Staff mode stored a registration; `detail.siteGuid`.
 * @cssprop --cam-accent - See `widgets/shared/tokens.styles.ts` for every `--cam-*` token.
 */
export class CamRegistration extends LitElement {
  static override styles = [tokens, styles];

  @state() private locale: Locale = 'en';

  /** `register` (default), `manage`, or `staff` (program staff enter a resident's form). */
  @property({ reflect: true }) mode: 'register' | 'manage' | 'staff' = 'register';
  /**
   * The public view: `.../CommunityCameras_public/FeatureServer`; in staff mode the source
   * service, `.../CommunityCameras/FeatureServer`.
   */
  @property({ attribute: 'service-url' }) serviceUrl?: string;
  /** Staff mode: the signed-in analyst, whose credential signs every request. */
  @property({ attribute: false }) session: OfficerSession | null = null;
  /** Staff mode: the residents' manage page, which the printed letter links to. */
  @property({ attribute: 'manage-url' }) manageUrl?: string;
  /** A GeocodeServer with `suggest` and `findAddressCandidates`. */
  @property({ attribute: 'geocoder-url' }) geocoderUrl?: string;
  /** A JSON file with any of the settings (see `config/registration.example.json`). */
  @property({ attribute: 'config-url' }) configUrl?: string;
  /** The settings as one object, with the names the config file uses; it wins over the file. */
  @property({ attribute: false }) config?: RegistrationConfig;
  /** Where the ArcGIS SDK's assets are served; default `/assets`. */
  @property({ attribute: 'assets-path' }) assetsPath?: string;
  /** A portal basemap id, a basemap style name, or a tile URL; none by default (offline). */
  @property() basemap?: string;
  /** GeoJSON lines drawn under the pin when there is no basemap. */
  @property({ attribute: 'context-layer-url' }) contextLayerUrl?: string;
  /** The agreement version stored with each registration. */
  @property({ attribute: 'consent-version' }) consentVersion?: string;
  /** Submissions quicker than this (from first display) are treated as automated. */
  @property({ attribute: 'min-fill-seconds', type: Number }) minFillSeconds?: number;
  /** The city's extent (WGS84), as `xmin,ymin,xmax,ymax` in the attribute; addresses outside get a warning. */
  @property({ attribute: 'city-extent', converter: { fromAttribute: extentFromAttribute } })
  cityExtent?: Extent;
  /** The agreement text per language (and its version). */
  @property({ attribute: false }) consent?: RegistrationConfig['consent'];
  /** The "about the program" text per language. */
  @property({ attribute: false }) program?: Partial<Record<Locale, Partial<ProgramText>>>;
  /** `--cam-*` custom properties to set on the widget. */
  @property({ attribute: false }) theme?: Readonly<Record<string, string>>;
  /** Any string, per language. */
  @property({ attribute: false }) messageOverrides?: MessageOverrides;
  /**
   * Steps add no browser-history entries: for hosts whose router owns history. By default each
   * step forward adds one, so the Back gesture goes back a step instead of leaving the page.
   */
  @property({ type: Boolean, attribute: 'no-history' }) noHistory = false;
  /** Replaces the built-in REST client (tests, hosts with their own transport). */
  @property({ attribute: false }) client?: RegistrationClient;

  private readonly configTask = new Task(this, {
    task: async ([url, config], { signal }): Promise<RegistrationConfig> =>
      mergeRegistrationConfig(
        url ? await loadRegistrationConfig(url, signal) : {},
        config ? parseRegistrationConfig(config) : {},
      ),
    args: () => [this.configUrl, this.config] as const,
  });

  private langObserver: MutationObserver | undefined;
  private builtClient:
    | { key: string; authentication: IAuthenticationManager | null; client: RegistrationClient }
    | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLocale(this);
    // Follow the page when its language changes (a language switcher sets `lang`).
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
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const theme = { ...this.configTask.value?.theme, ...this.theme };
    for (const [name, value] of Object.entries(theme)) {
      if (name.startsWith('--cam-')) this.style.setProperty(name, value);
    }
  }

  /** Properties and attributes win over the config file, which wins over defaults. */
  private settingsFrom(file: RegistrationConfig): FlowSettings {
    const locale = this.locale;
    const consent = this.consent ?? file.consent;
    const program = { ...file.program?.[locale], ...this.program?.[locale] };
    const overrides: MessageOverrides = {
      ...file.messageOverrides,
      ...this.messageOverrides,
    };
    const base = messagesFor(locale, overrides);
    const consentText = consent?.[locale];
    const merged: RegistrationMessages = {
      ...base,
      program: { ...base.program, ...program },
      consent: consentText ? { ...base.consent, text: consentText } : base.consent,
    };
    const staffMode = this.mode === 'staff';
    const messages = staffMode ? staffMessages(merged) : merged;
    const serviceUrl =
      this.serviceUrl ??
      file.serviceUrl ??
      (staffMode ? DEFAULTS.staffServiceUrl : DEFAULTS.serviceUrl);
    const geocoderUrl = this.geocoderUrl ?? file.geocoderUrl ?? DEFAULTS.geocoderUrl;
    const cityExtent = this.cityExtent ?? file.cityExtent;
    return {
      locale,
      messages,
      client:
        this.client ??
        this.defaultClient(
          serviceUrl,
          geocoderUrl,
          cityExtent,
          staffMode ? (this.session?.authentication ?? null) : null,
        ),
      consentVersion: this.consentVersion ?? consent?.version ?? DEFAULTS.consentVersion,
      cityExtent,
      assetsPath: (this.assetsPath ?? file.assetsPath ?? DEFAULTS.assetsPath).replace(/\/+$/, ''),
      basemap: this.basemap ?? file.basemap,
      contextLayerUrl: this.contextLayerUrl ?? file.contextLayerUrl,
      minFillSeconds: this.minFillSeconds ?? file.minFillSeconds ?? DEFAULTS.minFillSeconds,
      accent:
        getComputedStyle(this).getPropertyValue('--cam-accent').trim() ||
        file.theme?.['--cam-accent'] ||
        '#005ea2',
      staff: staffMode ? this.staffSettings(file, overrides) : null,
      formKey: `${this.mode}:${serviceUrl}${this.id ? `#${this.id}` : ''}`,
      // Staff enter forms on shared machines: nothing of a resident's may stay behind.
      keepDraft: this.mode === 'register',
      history: !this.noHistory,
    };
  }

  private staffSettings(file: RegistrationConfig, overrides: MessageOverrides): StaffSettings {
    const manageUrl = this.manageUrl ?? file.manageUrl;
    return {
      // The letter travels on paper: its link must work from anywhere.
      manageUrl: manageUrl ? new URL(manageUrl, document.baseURI).href : undefined,
      programFor: (language) => ({
        ...messagesFor(language, overrides).program,
        ...file.program?.[language],
        ...this.program?.[language],
      }),
    };
  }

  private defaultClient(
    serviceUrl: string,
    geocoderUrl: string,
    searchExtent: Extent | undefined,
    authentication: IAuthenticationManager | null,
  ): RegistrationClient {
    const key = JSON.stringify([serviceUrl, geocoderUrl, searchExtent]);
    if (this.builtClient?.key !== key || this.builtClient.authentication !== authentication) {
      this.builtClient = {
        key,
        authentication,
        client: createRegistrationClient({ serviceUrl, geocoderUrl, searchExtent, authentication }),
      };
    }
    return this.builtClient.client;
  }

  override render() {
    const label = messagesFor(this.locale, this.messageOverrides);
    const sectionLabel =
      this.mode === 'manage'
        ? label.manageLabel
        : this.mode === 'staff'
          ? label.staff.widgetLabel
          : label.widgetLabel;
    if (this.mode === 'staff' && !this.session) {
      // Nothing to fill in: without an analyst's credential nothing could be stored.
      return html`<section aria-label=${sectionLabel} lang=${this.locale}>
        <div class="frame">
          <h2>${label.staff.widgetLabel}</h2>
          <p class="sign-in-required" role="alert">${label.staff.signInRequired}</p>
        </div>
      </section>`;
    }
    return html`<section aria-label=${sectionLabel} lang=${this.locale}>
      ${this.configTask.render({
        initial: () => html`<p class="frame" role="status">${label.loading}</p>`,
        pending: () => html`<p class="frame" role="status">${label.loading}</p>`,
        error: () => html`<p class="frame" role="alert">${label.configFailed}</p>`,
        complete: (file) => {
          const settings = this.settingsFrom(file);
          return this.mode === 'manage'
            ? html`<cam-registration-manage .settings=${settings}></cam-registration-manage>`
            : this.mode === 'staff'
              ? // A template of its own, so switching modes starts a new form: a resident's
                // form and a staff entry never share what was typed.
                html`<cam-registration-flow .settings=${settings}></cam-registration-flow>`
              : html`<cam-registration-flow .settings=${settings}></cam-registration-flow>`;
        },
      })}
    </section>`;
  }
}
