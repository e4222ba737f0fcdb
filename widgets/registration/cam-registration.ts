import { Task } from '@lit/task';
import { html, LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Extent } from '../../src/core/schema/layer-json.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import { tokens } from '../shared/tokens.styles.js';
import {
  messagesFor,
  type MessageOverrides,
  type ProgramText,
  type RegistrationMessages,
} from './cam-registration.messages.js';
import { styles } from './cam-registration.styles.js';
import type { FlowSettings } from './flow-base.js';
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
 * It writes only through the public view (create-only) and never reads the registry.
 * Every setting can come from attributes/properties, from one object (`config`) or from one
 * JSON file (`config-url`) with the same names; attributes and properties win over the
 * object, which wins over the file. Language follows the nearest `lang`.
 *
 * @fires cam-registered - A registration was stored; `detail.registrationRef`.
 * @fires cam-registration-failed - Sending failed (everything typed is kept); `detail.code`.
 * @fires cam-change-requested - A manage request was accepted; `detail.registrationRef`, `detail.requestType`.
 * @cssprop --cam-accent - See `widgets/shared/tokens.styles.ts` for every `--cam-*` token.
 */
export class CamRegistration extends LitElement {
  static override styles = [tokens, styles];

  @state() private locale: Locale = 'en';

  /** `register` (default) or `manage`. */
  @property({ reflect: true }) mode: 'register' | 'manage' = 'register';
  /** The public view: `.../CommunityCameras_public/FeatureServer`. */
  @property({ attribute: 'service-url' }) serviceUrl?: string;
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
  private builtClient: { key: string; client: RegistrationClient } | undefined;

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
    const messages: RegistrationMessages = {
      ...base,
      program: { ...base.program, ...program },
      consent: consentText ? { ...base.consent, text: consentText } : base.consent,
    };
    const serviceUrl = this.serviceUrl ?? file.serviceUrl ?? DEFAULTS.serviceUrl;
    const geocoderUrl = this.geocoderUrl ?? file.geocoderUrl ?? DEFAULTS.geocoderUrl;
    const cityExtent = this.cityExtent ?? file.cityExtent;
    return {
      locale,
      messages,
      client: this.client ?? this.defaultClient(serviceUrl, geocoderUrl, cityExtent),
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
    };
  }

  private defaultClient(
    serviceUrl: string,
    geocoderUrl: string,
    searchExtent: Extent | undefined,
  ): RegistrationClient {
    const key = JSON.stringify([serviceUrl, geocoderUrl, searchExtent]);
    if (this.builtClient?.key !== key) {
      this.builtClient = {
        key,
        client: createRegistrationClient({ serviceUrl, geocoderUrl, searchExtent }),
      };
    }
    return this.builtClient.client;
  }

  override render() {
    const label = messagesFor(this.locale, this.messageOverrides);
    return html`<section
      aria-label=${this.mode === 'manage' ? label.manageLabel : label.widgetLabel}
      lang=${this.locale}
    >
      ${this.configTask.render({
        initial: () => html`<p class="frame" role="status">${label.loading}</p>`,
        pending: () => html`<p class="frame" role="status">${label.loading}</p>`,
        error: () => html`<p class="frame" role="alert">${label.configFailed}</p>`,
        complete: (file) => {
          const settings = this.settingsFrom(file);
          return this.mode === 'manage'
            ? html`<cam-registration-manage .settings=${settings}></cam-registration-manage>`
            : html`<cam-registration-flow .settings=${settings}></cam-registration-flow>`;
        },
      })}
    </section>`;
  }
}
