import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ErrorCode, AppError } from '../../src/core/errors.js';
import * as domains from '../../src/core/schema/domains.js';
import {
  CAMERAS,
  CONTACT_LOG,
  SEARCH_AUDIT,
  SITES,
} from '../../src/core/schema/registry-schema.js';
import type { ContactLogAttributes } from '../../src/core/schema/registry-types.js';
import type { CodedDomain } from '../../src/core/schema/schema-types.js';
import {
  canvassRows,
  canvassSheet,
  compassSector,
  SHEET_COLUMNS,
  type CanvassFormat,
  type CanvassSheet,
  type CanvassSheetFormat,
  type ContactSummary,
} from '../../src/core/search/canvass-rows.js';
import { toCsv } from '../../src/core/search/csv.js';
import { FootageUrgency, footageTimeLeft } from '../../src/core/search/footage-deadline.js';
import { formatCoordinates, parseCoordinates } from '../../src/core/search/parse-coordinates.js';
import {
  sortRanked,
  SortKey,
  Visibility,
  type LonLat,
  type RankedCamera,
} from '../../src/core/search/rank-cameras.js';
import {
  runIncidentSearch,
  type FoundCamera,
  type GeodesicBuffer,
  type IncidentSearchResult,
} from '../../src/core/search/run-incident-search.js';
import {
  DEFAULT_SEARCH_CONFIG,
  metersToRadius,
  radiusToMeters,
  readSearchConfig,
  type IncidentSearchConfig,
} from '../../src/core/search/search-config.js';
import {
  validateSearchInput,
  type IncidentSearchInput,
  type SearchInputField,
  type SearchInputIssue,
} from '../../src/core/search/validate-search-input.js';
import { viewWedgeRing } from '../../src/core/search/view-wedge.js';
import { normalizeGuid } from '../../src/core/search/where-clauses.js';
import { fetchConfigFile } from '../shared/config-file.js';
import { errorCodeOf } from '../shared/describe-error.js';
import { emit } from '../shared/events.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import { canvassSheetCss, incidentSearchStyles } from './cam-incident-search.styles.js';
import {
  INCIDENT_SEARCH_MESSAGES,
  type IncidentSearchMessages,
} from './cam-incident-search.messages.js';
import { describeSearchError, needsSignIn } from './describe-search-error.js';
import { sdkGeodesicBuffer } from './geodesic-buffer.js';
import { ArcgisMapAdapter, type MapAdapter, type MapCamera } from './map-adapter.js';
import { SearchClient, type AddressSuggestion } from './search-client.js';
import {
  sessionFromHost,
  signInWithOAuth,
  signInWithPassword,
  type OfficerSession,
} from './sign-in.js';

/** Where the incident location came from. */
interface IncidentLocation {
  readonly point: LonLat;
  readonly label: string;
}

type MapStatus = 'off' | 'loading' | 'ready' | 'failed';

/** Rows the list shows at first and adds per "show more" (the CSV always has them all). */
const PAGE_ROWS = 100;
/** Drawn depth of a wedge whose range nobody knows (dashed: a direction, not a reach). */
const UNKNOWN_RANGE_DRAWN_METERS = 25;
/** Drawn width of a wedge whose width nobody knows. */
const UNKNOWN_FOV_DRAWN_DEGREES = 30;

const FIELD_ORDER: readonly SearchInputField[] = [
  'caseNumber',
  'purpose',
  'incident',
  'incidentAt',
  'radius',
];
const FIELD_INPUT_ID: Readonly<Record<SearchInputField, string>> = {
  caseNumber: 'case-number',
  purpose: 'purpose',
  incident: 'address',
  incidentAt: 'incident-at',
  radius: 'radius-0',
};
/** Settings that hold addresses: paths in a config file resolve against the file. */
const CONFIG_URL_KEYS: readonly (keyof IncidentSearchConfig)[] = [
  'serviceUrl',
  'geocodeUrl',
  'tokenUrl',
  'portalUrl',
  'oauthRedirectUri',
  'assetsPath',
  'contextLayerUrl',
];
const DOMAIN_OF_FIELD: ReadonlyMap<string, CodedDomain> = new Map(
  [...SITES.fields, ...CAMERAS.fields, ...CONTACT_LOG.fields, ...SEARCH_AUDIT.fields].flatMap(
    (field) => (field.domain ? [[field.name, field.domain] as const] : []),
  ),
);

/** A location's label with its coordinates, unless the label already shows them. */
function locationText(location: IncidentLocation): string {
  const coordinates = formatCoordinates(location.point);
  return location.label.includes(coordinates)
    ? location.label
    : `${location.label} (${coordinates})`;
}

/** `YYYY-MM-DDTHH:mm` of a moment in the browser's time zone (a `datetime-local` value). */
function localInputValue(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function parseList(value: string | null): number[] | undefined {
  if (value === null) return undefined;
  return value
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((n) => Number.isFinite(n));
}

/** What the printed sheet says above its table. */
interface SheetHeading {
  readonly lang: string;
  readonly title: string;
  /** Label and value pairs: purpose, location, time, radius, when printed. */
  readonly meta: readonly (readonly [string, string])[];
  /** In what order the sites are listed. */
  readonly order: string;
  readonly map: { readonly src: string; readonly alt: string } | null;
}

/**
 * Writes the canvass sheet into `doc` (an empty window's document) as a page of its own: its
 * heading, the search it came from, the map when there is one, and one table row per site.
 * Values go in as text nodes, so nothing a resident typed is ever read as markup.
 */
function writeSheetDocument(doc: Document, sheet: CanvassSheet, heading: SheetHeading): void {
  // A fixed skeleton gives the window standards mode; everything else is added as nodes.
  doc.open();
  doc.write('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
  doc.close();
  const add = <K extends keyof HTMLElementTagNameMap>(
    parent: Node,
    tag: K,
    text?: string,
  ): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  };
  doc.documentElement.lang = heading.lang;
  doc.title = heading.title;
  add(doc.head, 'style', canvassSheetCss);
  const main = add(doc.body, 'main');
  add(main, 'h1', heading.title);
  const meta = add(main, 'dl');
  for (const [label, value] of heading.meta) {
    const item = add(meta, 'div');
    add(item, 'dt', label);
    add(item, 'dd', value);
  }
  if (heading.map) {
    const img = add(main, 'img');
    img.src = heading.map.src;
    img.alt = heading.map.alt;
  }
  add(main, 'p', heading.order);
  const table = add(main, 'table');
  const headRow = add(add(table, 'thead'), 'tr');
  for (const label of sheet.header) add(headRow, 'th', label).scope = 'col';
  const body = add(table, 'tbody');
  const phoneColumn = SHEET_COLUMNS.indexOf('phone');
  const siteColumn = SHEET_COLUMNS.indexOf('site');
  for (const row of sheet.rows) {
    const tr = add(body, 'tr');
    row.cells.forEach((value, index) => {
      const text = value === null || value === undefined ? '' : String(value);
      const cell = add(tr, index === siteColumn ? 'th' : 'td');
      if (index === siteColumn) cell.setAttribute('scope', 'row');
      cell.className = SHEET_COLUMNS[index] ?? '';
      if (index === phoneColumn && row.dial) {
        add(cell, 'a', text).href = `tel:${row.dial}`;
      } else {
        cell.textContent = text;
      }
    });
  }
}

/**
 * The officer's incident search: sign in, enter the case, place the incident and find the
 * registered cameras that may have seen it, best first; log each contact; export or print
 * a canvass sheet. Every search is written to SearchAudit before any result shows.
 *
 * @fires cam-search-complete - A search ran and was audited; `detail` has the case number and result count.
 * @fires cam-contact-logged - A contact outcome was saved for a site.
 * @csspart map - The map box.
 * @csspart results - The result list and detail card.
 * @cssprop --cam-accent - Buttons, links and the selected row.
 * @cssprop --cam-danger - Errors and urgent footage.
 * @cssprop --cam-font - Font family.
 */
export class CamIncidentSearch extends LitElement {
  static override styles = incidentSearchStyles;

  @state() private session: OfficerSession | null = null;
  @state() private signInReason: 'start' | 'expired' = 'start';
  @state() private signingIn = false;
  @state() private signInFailure: unknown = null;
  @state() private caseNumber = '';
  @state() private purpose = '';
  @state() private incident: IncidentLocation | null = null;
  @state() private incidentAtText = localInputValue(Date.now());
  @state() private radiusChoice = '';
  @state() private customRadius = '';
  @state() private addressText = '';
  @state() private suggestions: AddressSuggestion[] = [];
  @state() private activeSuggestion = -1;
  @state() private addressIssue: string | null = null;
  @state() private coordinatesText = '';
  @state() private coordinatesIssue: string | null = null;
  @state() private fieldIssues: Partial<Record<SearchInputField, SearchInputIssue>> = {};
  @state() private searching = false;
  @state() private searchFailure: unknown = null;
  @state() private pendingSearch = false;
  @state() private result: IncidentSearchResult | null = null;
  @state() private sortKey: SortKey = SortKey.Rank;
  @state() private selectedId: number | null = null;
  @state() private focusIndex = 0;
  @state() private shownRows = PAGE_ROWS;
  /** Where the shown result was searched, in words (the form's point may move on). */
  @state() private searchedLocation = '';
  @state() private contacts: ReadonlyMap<string, readonly ContactLogAttributes[]> = new Map();
  @state() private contactsFailure: unknown = null;
  @state() private contactMethod = '';
  @state() private contactOutcome = '';
  @state() private contactFollowUp = '';
  @state() private savingContact = false;
  @state() private contactNotice = '';
  @state() private contactFailure: unknown = null;
  @state() private mapStatus: MapStatus = 'off';
  @state() private announcement = '';
  /** The browser blocked the canvass sheet's window. */
  @state() private printBlocked = false;
  @state() private configIssues: readonly string[] = [];
  /** The `config-url` file's settings once loaded; pending while it loads. */
  @state() private fileConfig: Readonly<Record<string, unknown>> | 'pending' = {};
  @state() private fileFailure: unknown = null;

  /**
   * Settings as one object (see `config/incident-search.example.json`); attributes override
   * it, and it overrides the `config-url` file.
   */
  @property({ attribute: false }) config: Partial<IncidentSearchConfig> = {};
  /** A JSON file with the same settings as `config`; paths in it resolve against the file. */
  @property({ attribute: 'config-url' }) configUrl?: string;
  /** Officer view FeatureServer URL. */
  @property({ attribute: 'service-url' }) serviceUrl?: string;
  @property({ attribute: 'geocode-url' }) geocodeUrl?: string;
  /** `generateToken` URL for the username and password form. */
  @property({ attribute: 'token-url' }) tokenUrl?: string;
  /** Portal for ArcGIS OAuth 2 sign-in; with `oauth-client-id`. */
  @property({ attribute: 'portal-url' }) portalUrl?: string;
  @property({ attribute: 'oauth-client-id' }) oauthClientId?: string;
  @property({ attribute: 'oauth-redirect-uri' }) oauthRedirectUri?: string;
  /** Where the ArcGIS SDK loads its assets (`esriConfig.assetsPath`); default `/assets`. */
  @property({ attribute: 'assets-path' }) assetsPath?: string;
  /** GeoJSON drawn as context under our own map. */
  @property({ attribute: 'context-layer-url' }) contextLayerUrl?: string;
  /** `ft` or `m`. */
  @property({ attribute: 'radius-unit' }) radiusUnit?: 'ft' | 'm';
  /** Comma-separated radius choices in `radius-unit`. */
  @property({
    attribute: 'radius-presets',
    converter: { fromAttribute: parseList, toAttribute: (v: number[] | undefined) => v?.join(',') },
  })
  radiusPresets?: number[];
  @property({ attribute: 'default-radius', type: Number }) defaultRadius?: number;
  @property({ attribute: 'urgent-within-hours', type: Number }) urgentWithinHours?: number;
  /** A token the host already holds (never reflected to an attribute). */
  @property({ attribute: false }) token?: string;
  /**
   * A credential from the host: an arcgis-rest-js `ArcGISIdentityManager` (or anything
   * with `getToken(url)`), or an ArcGIS SDK `Credential` (`{ token }`).
   */
  @property({ attribute: false }) credential?: unknown;
  /** A MapView or `<arcgis-map>` of the host to draw into, instead of a map of our own. */
  @property({ attribute: false }) view?: unknown;
  /** Show no map at all. */
  @property({ type: Boolean, attribute: 'no-map' }) noMap = false;
  /** Replace the map implementation (tests, other map libraries). */
  @property({ attribute: false }) mapAdapter?: MapAdapter;
  @property({ attribute: false }) messageOverrides: Partial<IncidentSearchMessages> = {};

  @query('.map-view') private mapContainer?: HTMLDivElement;

  private client: SearchClient | null = null;
  private clientKey = '';
  private adapter: MapAdapter | null = null;
  private searchController: AbortController | null = null;
  private suggestController: AbortController | null = null;
  private suggestTimer: ReturnType<typeof setTimeout> | undefined;
  private buffer: GeodesicBuffer | null = null;
  private fileController: AbortController | null = null;
  /** Settles once the `config-url` file has loaded or failed. */
  private fileLoaded: Promise<void> = Promise.resolve();
  private bufferKey = '';

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.adapter === null && this.hasUpdated) void this.mountMap();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.fileController?.abort();
    this.searchController?.abort();
    this.suggestController?.abort();
    clearTimeout(this.suggestTimer);
    this.adapter?.destroy();
    this.adapter = null;
    this.mapStatus = 'off';
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('configUrl')) this.fileLoaded = this.loadConfigFile(this.configUrl);
    if (changed.has('token') || changed.has('credential')) {
      const handed = sessionFromHost(this.credential ?? this.token);
      if (handed) this.session = handed;
    }
    if (this.radiusChoice === '') {
      const settings = this.settings;
      this.radiusChoice = String(settings.defaultRadius);
      if (!settings.radiusPresets.includes(settings.defaultRadius)) {
        this.radiusChoice = 'custom';
        this.customRadius = String(settings.defaultRadius);
      }
    }
  }

  override firstUpdated(): void {
    void this.mountMap();
  }

  /** The effective settings: `config` merged with attributes, checked. */
  get settings(): IncidentSearchConfig {
    const file = this.fileConfig === 'pending' ? {} : this.fileConfig;
    const merged: Record<string, unknown> = { ...file, ...this.config };
    const own: Partial<Record<keyof IncidentSearchConfig, unknown>> = {
      serviceUrl: this.serviceUrl,
      geocodeUrl: this.geocodeUrl,
      tokenUrl: this.tokenUrl,
      portalUrl: this.portalUrl,
      oauthClientId: this.oauthClientId,
      oauthRedirectUri: this.oauthRedirectUri,
      assetsPath: this.assetsPath,
      contextLayerUrl: this.contextLayerUrl,
      radiusUnit: this.radiusUnit,
      radiusPresets: this.radiusPresets,
      defaultRadius: this.defaultRadius,
      urgentWithinHours: this.urgentWithinHours,
    };
    for (const [key, value] of Object.entries(own)) if (value !== undefined) merged[key] = value;
    const read = readSearchConfig(merged);
    const fileIssues = this.fileFailure
      ? [`config-url: could not be loaded (${errorCodeOf(this.fileFailure)})`]
      : [];
    const issues = [...fileIssues, ...(read.ok ? [] : read.issues)];
    if (issues.join() !== this.configIssues.join()) this.configIssues = issues;
    return read.ok ? read.value : DEFAULT_SEARCH_CONFIG;
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
      file = await fetchConfigFile(url, CONFIG_URL_KEYS, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.fileFailure = error;
    }
    if (controller.signal.aborted) return;
    this.fileConfig = file;
    // The file may bring other radius choices: start from its default.
    this.radiusChoice = '';
  }

  private get locale(): Locale {
    return resolveLocale(this);
  }

  private get messages(): IncidentSearchMessages {
    return { ...INCIDENT_SEARCH_MESSAGES[this.locale], ...this.messageOverrides };
  }

  private get searchClient(): SearchClient {
    const { serviceUrl, geocodeUrl } = this.settings;
    const key = `${serviceUrl}|${geocodeUrl}`;
    if (!this.client || key !== this.clientKey) {
      this.client = new SearchClient({
        serviceUrl,
        geocodeUrl,
        authentication: () => this.session?.authentication ?? null,
      });
      this.clientKey = key;
    }
    return this.client;
  }

  private get geodesicBuffer(): GeodesicBuffer {
    const { assetsPath } = this.settings;
    if (!this.buffer || this.bufferKey !== assetsPath) {
      this.buffer = sdkGeodesicBuffer(assetsPath);
      this.bufferKey = assetsPath;
    }
    return this.buffer;
  }

  private async mountMap(): Promise<void> {
    // The map's centre and assets come from the config file: wait for the latest one.
    for (let loading = this.fileLoaded; ; loading = this.fileLoaded) {
      await loading;
      if (loading === this.fileLoaded) break;
    }
    await this.updateComplete;
    if (this.noMap || this.adapter || !this.isConnected) return;
    const settings = this.settings;
    const adapter = this.mapAdapter ?? new ArcgisMapAdapter(settings.assetsPath);
    this.adapter = adapter;
    adapter.onMapClick = (point) => this.setIncident({ point, label: this.messages.form.fromMap });
    adapter.onCameraClick = (id) => this.selectCamera(id, true);
    this.mapStatus = 'loading';
    await this.updateComplete;
    try {
      if (this.view) {
        await adapter.mount({ kind: 'host', view: this.view });
      } else {
        const container = this.mapContainer;
        if (!container) throw new Error('No map container');
        await adapter.mount({
          kind: 'own',
          container,
          center: settings.center,
          zoom: settings.zoom,
          contextLayerUrl: settings.contextLayerUrl,
        });
      }
      if (this.adapter !== adapter) return;
      this.mapStatus = 'ready';
      adapter.showIncident(this.incident?.point ?? null);
      if (this.result) adapter.showScene(this.sceneOf(this.result));
    } catch {
      if (this.adapter !== adapter) return;
      // No WebGL, no SDK, no host view: the list carries everything on its own.
      this.mapStatus = 'failed';
    }
  }

  private setIncident(location: IncidentLocation): void {
    this.incident = location;
    this.fieldIssues = { ...this.fieldIssues, incident: undefined };
    this.adapter?.showIncident(location.point);
  }

  private selectCamera(id: number | null, fromMap = false): void {
    this.selectedId = id;
    this.contactNotice = '';
    this.contactFailure = null;
    this.adapter?.select(id);
    if (id === null || !this.result) return;
    const order = sortRanked(this.result.cameras, this.sortKey);
    const index = order.findIndex((entry) => entry.camera.objectId === id);
    if (index >= 0) {
      this.focusIndex = index;
      if (index >= this.shownRows) this.shownRows = Math.ceil((index + 1) / PAGE_ROWS) * PAGE_ROWS;
    }
    if (fromMap) {
      // The map handles its own pointer sequence (and may focus its surface) within the
      // frame of the click; the row takes focus on the frame after, so it keeps it.
      void this.updateComplete.then(() =>
        requestAnimationFrame(() => {
          if (this.selectedId !== id) return;
          const button = this.renderRoot.querySelector<HTMLButtonElement>(`#row-${id}`);
          button?.scrollIntoView({ block: 'nearest' });
          button?.focus();
        }),
      );
    }
  }

  private currentInput(): IncidentSearchInput {
    const settings = this.settings;
    const radiusValue =
      this.radiusChoice === 'custom' ? Number(this.customRadius) : Number(this.radiusChoice);
    const radiusMeters =
      this.radiusChoice === 'custom' && this.customRadius.trim() === ''
        ? Number.NaN
        : radiusToMeters(
            Number.isFinite(radiusValue) ? radiusValue : Number.NaN,
            settings.radiusUnit,
          );
    return {
      caseNumber: this.caseNumber,
      purpose: this.purpose,
      incident: this.incident?.point ?? null,
      incidentAt: this.incidentAtText ? new Date(this.incidentAtText).getTime() : Number.NaN,
      radiusMeters,
    };
  }

  /**
   * Runs the search again with what the form now holds. Explicit rather than automatic:
   * every run writes a SearchAudit row and counts toward the officer's daily volume, and
   * trying a few radii or fixing a time digit by digit is not a search.
   */
  private async handleSearchAgain(event: Event): Promise<void> {
    performance.mark('cam-search-start', { startTime: event.timeStamp });
    await this.runSearch();
    await this.updateComplete;
    // The button went with the old list: keep the keyboard on the new one.
    this.renderRoot.querySelector<HTMLElement>('#results-heading')?.focus();
  }

  private handleSubmit(event: SubmitEvent): void {
    event.preventDefault();
    performance.mark('cam-search-start', { startTime: event.timeStamp });
    void this.runSearch();
  }

  /**
   * Runs the search with what the form holds: validates, writes SearchAudit, shows results.
   * Resolves when the list is rendered (or the search failed).
   */
  async search(): Promise<void> {
    performance.mark('cam-search-start');
    await this.runSearch();
  }

  private async runSearch(): Promise<void> {
    const input = this.currentInput();
    const checked = validateSearchInput(input, Date.now());
    if (!checked.ok) {
      this.fieldIssues = checked.issues;
      await this.updateComplete;
      const first = FIELD_ORDER.find((field) => checked.issues[field]);
      if (first) this.renderRoot.querySelector<HTMLElement>(`#${FIELD_INPUT_ID[first]}`)?.focus();
      return;
    }
    this.fieldIssues = {};
    if (this.session?.expires && this.session.expires <= Date.now()) {
      // Known to be stale: ask now rather than after a refused request.
      this.session = null;
      this.signInReason = 'expired';
    }
    if (!this.session) {
      this.pendingSearch = true;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#username')?.focus();
      return;
    }
    this.searchController?.abort();
    const controller = new AbortController();
    this.searchController = controller;
    this.searching = true;
    this.searchFailure = null;
    this.result = null;
    this.selectedId = null;
    this.announcement = '';
    // The map is left alone until the list is up: redrawing it competes for the main thread.
    try {
      const result = await runIncidentSearch(
        { service: this.searchClient, buffer: this.geodesicBuffer },
        input,
        {
          signal: controller.signal,
          urgentWithinHours: this.settings.urgentWithinHours,
          onStep: (step) => performance.mark(`cam-search-${step}`),
        },
      );
      if (controller.signal.aborted) return;
      this.result = result;
      this.searchedLocation = this.incident ? locationText(this.incident) : '';
      this.sortKey = SortKey.Rank;
      this.focusIndex = 0;
      this.shownRows = PAGE_ROWS;
      this.contacts = new Map();
      this.contactsFailure = null;
      this.announcement = this.messages.results.announce(result.cameras.length, result.sites.size);
      this.searching = false;
      await this.updateComplete;
      performance.mark('cam-search-rendered');
      performance.measure('cam-search', 'cam-search-start', 'cam-search-rendered');
      this.adapter?.showScene(this.sceneOf(result));
      emit(this, 'cam-search-complete', {
        caseNumber: result.input.caseNumber,
        resultCount: result.cameras.length,
      });
      void this.loadContacts(result, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (needsSignIn(error)) {
        this.session = null;
        this.signInReason = 'expired';
        this.pendingSearch = true;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLInputElement>('#username')?.focus();
      } else {
        this.searchFailure = error;
      }
    } finally {
      if (this.searchController === controller) this.searching = false;
    }
  }

  private async loadContacts(result: IncidentSearchResult, signal: AbortSignal): Promise<void> {
    try {
      const rows = await this.searchClient.contactsForCase(result.input.caseNumber, signal);
      if (this.result !== result) return;
      const bySite = new Map<string, ContactLogAttributes[]>();
      for (const row of rows) {
        const site = normalizeGuid(row.site_guid);
        if (!site) continue;
        bySite.set(site, [...(bySite.get(site) ?? []), row]);
      }
      this.contacts = bySite;
    } catch (error) {
      if (!signal.aborted) this.contactsFailure = error;
    }
  }

  private sceneOf(result: IncidentSearchResult) {
    const cameras: MapCamera[] = result.cameras.map((entry) => {
      const c = entry.camera;
      const view = entry.view;
      // Every camera with a direction gets a wedge; what is assumed or unknown draws dashed.
      const wedge =
        view.bearingDegrees === null
          ? null
          : viewWedgeRing(
              c.location,
              view.bearingDegrees,
              view.fovDegrees ?? UNKNOWN_FOV_DRAWN_DEGREES,
              view.rangeMeters ?? UNKNOWN_RANGE_DRAWN_METERS,
            );
      return {
        id: c.objectId,
        location: c.location,
        wedge,
        wedgeApproximate:
          view.fovDegrees === null ||
          view.rangeMeters === null ||
          view.fovAssumed ||
          view.rangeAssumed,
        visibility: entry.visibility,
        title: `${entry.rank}. ${c.attributes.label ?? ''}`,
      };
    });
    return { incident: result.input.incident, area: result.area, cameras };
  }

  private async handleSignIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (username === '' || password === '') {
      this.signInFailure = new AppError(ErrorCode.InvalidInput, 'Missing credentials');
      return;
    }
    this.signingIn = true;
    this.signInFailure = null;
    try {
      this.session = await signInWithPassword(this.settings.tokenUrl, username, password);
      form.reset();
      await this.afterSignIn();
    } catch (error) {
      this.signInFailure = error;
    } finally {
      this.signingIn = false;
    }
  }

  private async handleOAuth(): Promise<void> {
    const { oauthClientId, portalUrl, oauthRedirectUri } = this.settings;
    if (!oauthClientId || !portalUrl) return;
    this.signingIn = true;
    this.signInFailure = null;
    try {
      this.session = await signInWithOAuth({
        clientId: oauthClientId,
        portalUrl,
        redirectUri:
          oauthRedirectUri ?? `${globalThis.location.origin}${globalThis.location.pathname}`,
      });
      await this.afterSignIn();
    } catch (error) {
      this.signInFailure = error;
    } finally {
      this.signingIn = false;
    }
  }

  private async afterSignIn(): Promise<void> {
    this.signInReason = 'start';
    if (this.pendingSearch) {
      this.pendingSearch = false;
      performance.mark('cam-search-start');
      await this.runSearch();
    } else {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#case-number')?.focus();
    }
  }

  private handleSignOut(): void {
    this.searchController?.abort();
    this.session = null;
    this.result = null;
    this.signInReason = 'start';
    this.adapter?.showScene(null);
  }

  private handleAddressInput(event: InputEvent): void {
    this.addressText = (event.target as HTMLInputElement).value;
    this.addressIssue = null;
    clearTimeout(this.suggestTimer);
    const text = this.addressText.trim();
    if (text.length < 3) {
      this.suggestions = [];
      return;
    }
    this.suggestTimer = setTimeout(() => void this.loadSuggestions(text), 200);
  }

  private async loadSuggestions(text: string): Promise<void> {
    this.suggestController?.abort();
    const controller = new AbortController();
    this.suggestController = controller;
    try {
      const found = await this.searchClient.suggest(text, controller.signal);
      if (controller.signal.aborted || text !== this.addressText.trim()) return;
      this.suggestions = found;
      this.activeSuggestion = -1;
    } catch {
      if (!controller.signal.aborted) this.suggestions = [];
    }
  }

  private handleAddressKeydown(event: KeyboardEvent): void {
    const count = this.suggestions.length;
    if (event.key === 'ArrowDown' && count > 0) {
      event.preventDefault();
      this.activeSuggestion = (this.activeSuggestion + 1) % count;
    } else if (event.key === 'ArrowUp' && count > 0) {
      event.preventDefault();
      this.activeSuggestion = (this.activeSuggestion - 1 + count) % count;
    } else if (event.key === 'Escape') {
      this.suggestions = [];
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = this.suggestions[this.activeSuggestion];
      void this.chooseAddress(chosen);
    }
  }

  private async chooseAddress(suggestion?: AddressSuggestion): Promise<void> {
    clearTimeout(this.suggestTimer);
    this.suggestController?.abort();
    const text = suggestion?.text ?? this.addressText.trim();
    this.suggestions = [];
    this.activeSuggestion = -1;
    if (text === '') {
      this.addressIssue = this.messages.fieldIssues.REQUIRED;
      return;
    }
    this.addressText = text;
    try {
      const match = await this.searchClient.findAddress(text, suggestion?.magicKey);
      if (!match) {
        this.addressIssue = this.messages.addressNotFound;
        return;
      }
      this.addressIssue = null;
      this.setIncident({ point: match.location, label: match.label });
    } catch (error) {
      this.addressIssue = describeSearchError(error, this.messages);
    }
  }

  private handleCoordinatesKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter') {
      event.preventDefault();
      this.useCoordinates();
    }
  }

  private useCoordinates(): void {
    const parsed = parseCoordinates(this.coordinatesText);
    if (!parsed.ok) {
      this.coordinatesIssue = this.messages.coordinateIssues[parsed.issue];
      return;
    }
    this.coordinatesIssue = null;
    this.setIncident({
      point: parsed.value,
      label: `${this.messages.form.fromCoordinates} ${formatCoordinates(parsed.value)}`,
    });
  }

  private handleRowKeydown(event: KeyboardEvent, index: number, count: number): void {
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: count - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(count - 1, target));
    this.focusIndex = next;
    const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>('.row-button');
    buttons[next]?.focus();
  }

  private async handleLogContact(
    event: SubmitEvent,
    entry: RankedCamera<FoundCamera>,
  ): Promise<void> {
    event.preventDefault();
    const result = this.result;
    if (!result || this.contactMethod === '' || this.contactOutcome === '') {
      this.contactFailure = new AppError(ErrorCode.InvalidInput, 'Method and outcome required');
      return;
    }
    this.savingContact = true;
    this.contactFailure = null;
    this.contactNotice = '';
    const row = {
      site_guid: entry.camera.siteGlobalId,
      case_number: result.input.caseNumber,
      contact_method: this.contactMethod,
      outcome: this.contactOutcome,
      contacted_at: Date.now(),
      follow_up: this.contactFollowUp.trim() === '' ? null : this.contactFollowUp.trim(),
    };
    try {
      const objectId = await this.searchClient.logContact(row);
      const saved: ContactLogAttributes = { ...row, OBJECTID: objectId };
      const next = new Map(this.contacts);
      next.set(row.site_guid, [saved, ...(next.get(row.site_guid) ?? [])]);
      this.contacts = next;
      this.contactNotice = this.messages.contactLog.saved;
      this.contactMethod = '';
      this.contactOutcome = '';
      this.contactFollowUp = '';
      emit(this, 'cam-contact-logged', { siteGlobalId: row.site_guid, outcome: row.outcome });
    } catch (error) {
      if (needsSignIn(error)) {
        this.session = null;
        this.signInReason = 'expired';
      }
      this.contactFailure = error;
    } finally {
      this.savingContact = false;
    }
  }

  private handleExport(): void {
    const result = this.result;
    if (!result) return;
    const blob = new Blob(['\uFEFF', this.exportCsv()], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `canvass-${result.input.caseNumber.replace(/[^\w.-]+/g, '_')}.csv`;
    link.hidden = true;
    this.renderRoot.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /**
   * Prints the canvass sheet, and only the sheet. The widget sits in a shadow root on a page
   * it does not own, so printing that page cannot work reliably: styles in the shadow root
   * reach only the widget, never the host's header and navigation, and the host's own print
   * styles may show anything. So the sheet is built as a document of its own from the
   * sheet's rows, in a new window, and that window is printed: the paper holds the sheet
   * whatever the host page holds, and the officer sees it before printing. The window is
   * opened before anything is awaited, while the click still counts as the officer's, so
   * pop-up blockers let it through; when one blocks it anyway, the widget says how to allow it.
   */
  private async handlePrint(): Promise<void> {
    const result = this.result;
    if (!result) return;
    const opened = window.open('', '_blank');
    this.printBlocked = opened === null;
    if (!opened) return;
    const sheet = this.canvassSheet();
    const shot = (await this.adapter?.screenshot()) ?? null;
    // The officer may have closed the window while the map was being drawn.
    if (opened.closed) return;
    const m = this.messages;
    writeSheetDocument(opened.document, sheet, {
      lang: this.locale,
      title: m.printHeading(result.input.caseNumber),
      meta: [
        [m.printMeta.purpose, this.domainLabel('purpose', result.input.purpose)],
        [m.printMeta.location, this.searchedLocation],
        [m.printMeta.time, this.formatDateTime(result.input.incidentAt)],
        [m.printMeta.radius, this.formatDistance(result.input.radiusMeters)],
        [m.printMeta.generated, this.formatDateTime(Date.now())],
      ],
      order: m.sheet.order(m.results.sort[this.sortKey]),
      map: shot ? { src: shot, alt: m.map.label } : null,
    });
    opened.focus();
    opened.print();
  }

  /** The canvass sheet of the current list: one row per site, in the list's order. */
  private canvassSheet(): CanvassSheet {
    const m = this.messages;
    const format: CanvassSheetFormat = {
      headers: m.sheet.headers,
      visibility: (v) => m.visibility[v],
      cameraCount: (count) => m.sheet.cameraCount(count),
      place: (meters, bearing) =>
        `${this.formatDistance(meters)}, ${m.results.toward(this.compass(bearing))}`,
      domain: (field, code) => this.domainLabel(field, code),
      date: (ms) => this.formatDate(ms),
      footageStatus: (urgency, deadline) => this.footageText(urgency, deadline),
    };
    const cameras = this.result ? sortRanked(this.result.cameras, this.sortKey) : [];
    return canvassSheet(cameras, this.latestContacts(), format);
  }

  /** The current result list as CSV (formula-escaped, RFC 4180), in the order shown. */
  exportCsv(): string {
    const result = this.result;
    if (!result) return '';
    const rows = canvassRows(
      sortRanked(result.cameras, this.sortKey),
      this.latestContacts(),
      this.canvassFormat(),
    );
    return toCsv(rows);
  }

  private latestContacts(): Map<string, ContactSummary> {
    const latest = new Map<string, ContactSummary>();
    for (const [site, rows] of this.contacts) {
      const first = rows[0];
      if (first?.outcome) {
        latest.set(site, { outcome: first.outcome, contactedAt: first.contacted_at ?? null });
      }
    }
    return latest;
  }

  private canvassFormat(): CanvassFormat {
    const m = this.messages;
    const unit = this.settings.radiusUnit;
    return {
      headers: {
        ...m.csvHeaders,
        distance: `${m.csvHeaders.distance} (${m.units[unit]})`,
      },
      visibility: (v) => m.visibility[v],
      distance: (meters) => Math.round(metersToRadius(meters, unit)),
      direction: (bearing) => this.compass(bearing),
      domain: (field, code) => this.domainLabel(field, code),
      dateTime: (ms) => this.formatDateTime(ms),
      date: (ms) => this.formatDate(ms),
      footageStatus: (urgency, deadline) => this.footageText(urgency, deadline),
    };
  }

  /**
   * How long the footage has left (or since when it is gone), counted from when the list
   * was searched: the same moment its urgency and sorting were decided.
   */
  private footageText(urgency: FootageUrgency, deadline: number | null): string {
    const m = this.messages;
    const left = footageTimeLeft(deadline, this.result?.searchedAt ?? Date.now());
    if (!left) return m.footage[urgency];
    const amount = new Intl.NumberFormat(this.locale, {
      style: 'unit',
      unit: left.unit,
      unitDisplay: 'long',
    }).format(left.amount);
    return left.passed ? m.footageGone(left.amount, amount) : m.footageLeft(left.amount, amount);
  }

  /** The kind of a camera as words after "usual for". */
  private kindName(form: string | null | undefined): string {
    return this.messages.kindName(form ?? '');
  }

  /** Whether the form now asks for something other than the search the list shows. */
  private isStale(result: IncidentSearchResult): boolean {
    const checked = validateSearchInput(this.currentInput(), Date.now());
    if (!checked.ok) return true;
    const now = checked.value;
    const was = result.input;
    return (
      now.caseNumber !== was.caseNumber ||
      now.purpose !== was.purpose ||
      now.incident[0] !== was.incident[0] ||
      now.incident[1] !== was.incident[1] ||
      now.incidentAt !== was.incidentAt ||
      Math.abs(now.radiusMeters - was.radiusMeters) > 1e-6
    );
  }

  private compass(bearing: number): string {
    return this.messages.compass[compassSector(bearing)] ?? '';
  }

  private domainLabel(field: string, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return '';
    const domain = DOMAIN_OF_FIELD.get(field);
    if (!domain) return code;
    return code
      .split(',')
      .map((part) => domain.values.find((v) => v.code === part.trim())?.[this.locale] ?? part)
      .join(', ');
  }

  private formatDistance(meters: number): string {
    const unit = this.settings.radiusUnit;
    const value = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 0 }).format(
      metersToRadius(meters, unit),
    );
    return this.messages.distance(value, this.messages.units[unit]);
  }

  private formatDateTime(ms: number | null | undefined): string {
    if (ms === null || ms === undefined) return '';
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
      ms,
    );
  }

  private formatDate(ms: number | null | undefined): string {
    if (ms === null || ms === undefined) return '';
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }).format(ms);
  }

  private issueText(field: SearchInputField): string | null {
    const issue = this.fieldIssues[field];
    return issue ? this.messages.fieldIssues[issue] : null;
  }

  private renderIssue(id: string, text: string | null): TemplateResult | typeof nothing {
    return text ? html`<p class="issue" id=${id}>${text}</p>` : nothing;
  }

  private renderSignIn(m: IncidentSearchMessages): TemplateResult {
    const { oauthClientId, portalUrl } = this.settings;
    const failure = !this.signInFailure
      ? ''
      : this.signInFailure instanceof AppError && this.signInFailure.code === ErrorCode.InvalidInput
        ? m.signIn.failed
        : describeSearchError(this.signInFailure, m);
    return html`<section class="panel no-print" aria-labelledby="signin-heading">
      <h3 id="signin-heading">${m.signIn.heading}</h3>
      <p class=${this.signInReason === 'expired' ? 'note' : 'hint'}>
        ${this.signInReason === 'expired' ? m.signIn.expired : m.signIn.intro}
      </p>
      <form @submit=${this.handleSignIn} novalidate>
        <div class="field">
          <label for="username">${m.signIn.username}</label>
          <input id="username" name="username" type="text" autocomplete="username" required />
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
        <div role="alert">${failure ? html`<p class="alert">${failure}</p>` : nothing}</div>
        <div class="inline">
          <button class="primary" type="submit" ?disabled=${this.signingIn}>
            ${this.signingIn ? m.signIn.working : m.signIn.submit}
          </button>
        </div>
      </form>
      ${
        oauthClientId && portalUrl
          ? html`<p class="hint">${m.signIn.oauthNote}</p>
              <button type="button" @click=${this.handleOAuth} ?disabled=${this.signingIn}>
                ${m.signIn.oauth}
              </button>`
          : nothing
      }
    </section>`;
  }

  private renderForm(m: IncidentSearchMessages): TemplateResult {
    const settings = this.settings;
    const unit = m.units[settings.radiusUnit];
    const caseIssue = this.issueText('caseNumber');
    const purposeIssue = this.issueText('purpose');
    const incidentIssue = this.issueText('incident');
    const timeIssue = this.issueText('incidentAt');
    const radiusIssue = this.issueText('radius');
    const expanded = this.suggestions.length > 0;
    return html`<form
      class="panel no-print"
      @submit=${this.handleSubmit}
      novalidate
      aria-labelledby="form-heading"
    >
      <h3 id="form-heading">${m.form.heading}</h3>
      <div class="field">
        <label for="case-number">${m.form.caseNumber}</label>
        <input
          id="case-number"
          type="text"
          maxlength="40"
          required
          autocomplete="off"
          .value=${this.caseNumber}
          @input=${(e: InputEvent) => (this.caseNumber = (e.target as HTMLInputElement).value)}
          aria-invalid=${caseIssue ? 'true' : 'false'}
          aria-describedby=${caseIssue ? 'case-number-issue case-number-hint' : 'case-number-hint'}
        />
        <p class="hint" id="case-number-hint">${m.form.caseNumberHint}</p>
        ${this.renderIssue('case-number-issue', caseIssue)}
      </div>
      <div class="field">
        <label for="purpose">${m.form.purpose}</label>
        <select
          id="purpose"
          required
          .value=${this.purpose}
          @change=${(e: Event) => (this.purpose = (e.target as HTMLSelectElement).value)}
          aria-invalid=${purposeIssue ? 'true' : 'false'}
          aria-describedby=${purposeIssue ? 'purpose-issue' : nothing}
        >
          <option value="" ?selected=${this.purpose === ''}>${m.form.choosePurpose}</option>
          ${domains.SearchPurpose.values.map(
            (v) =>
              html`<option value=${v.code} ?selected=${this.purpose === v.code}>
                ${v[this.locale]}
              </option>`,
          )}
        </select>
        ${this.renderIssue('purpose-issue', purposeIssue)}
      </div>
      <fieldset aria-describedby="location-status${incidentIssue ? ' incident-issue' : ''}">
        <legend>${m.form.location}</legend>
        <div class="field combo">
          <label for="address" id="address-label">${m.form.address}</label>
          <div class="inline">
            <input
              id="address"
              type="text"
              role="combobox"
              aria-labelledby="address-label"
              autocomplete="off"
              aria-autocomplete="list"
              aria-expanded=${expanded ? 'true' : 'false'}
              aria-controls="address-options"
              aria-activedescendant=${this.activeSuggestion >= 0 ? `address-option-${this.activeSuggestion}` : nothing}
              aria-describedby="address-hint${this.addressIssue ? ' address-issue' : ''}"
              aria-invalid=${this.addressIssue || incidentIssue ? 'true' : 'false'}
              .value=${this.addressText}
              @input=${this.handleAddressInput}
              @keydown=${this.handleAddressKeydown}
              @blur=${() => setTimeout(() => (this.suggestions = []), 150)}
            />
            <button type="button" @click=${() => this.chooseAddress()}>
              ${m.form.findAddress}
            </button>
          </div>
          <ul
            id="address-options"
            role="listbox"
            aria-label=${m.form.suggestions}
            ?hidden=${!expanded}
          >
            ${this.suggestions.map(
              (s, i) =>
                html`<li
                  id="address-option-${i}"
                  role="option"
                  aria-selected=${i === this.activeSuggestion ? 'true' : 'false'}
                  @mousedown=${(e: MouseEvent) => {
                    e.preventDefault();
                    void this.chooseAddress(s);
                  }}
                >
                  ${s.text}
                </li>`,
            )}
          </ul>
          <p class="hint" id="address-hint">${m.form.addressHint}</p>
          ${this.renderIssue('address-issue', this.addressIssue)}
        </div>
        <div class="field">
          <label for="coordinates">${m.form.coordinates}</label>
          <div class="inline">
            <input
              id="coordinates"
              type="text"
              autocomplete="off"
              spellcheck="false"
              .value=${this.coordinatesText}
              @input=${(e: InputEvent) => {
                this.coordinatesText = (e.target as HTMLInputElement).value;
                this.coordinatesIssue = null;
              }}
              @keydown=${this.handleCoordinatesKeydown}
              aria-invalid=${this.coordinatesIssue ? 'true' : 'false'}
              aria-describedby="coordinates-hint${this.coordinatesIssue ? ' coordinates-issue' : ''}"
            />
            <button type="button" @click=${this.useCoordinates}>${m.form.useCoordinates}</button>
          </div>
          <p class="hint" id="coordinates-hint">${m.form.coordinatesHint}</p>
          ${this.renderIssue('coordinates-issue', this.coordinatesIssue)}
        </div>
        ${this.mapStatus === 'ready' ? html`<p class="hint">${m.form.mapClickHint}</p>` : nothing}
        <p class="location-status" id="location-status" aria-live="polite">
          ${this.incident ? m.form.locationSet(locationText(this.incident)) : m.form.noLocation}
        </p>
        ${this.renderIssue('incident-issue', incidentIssue)}
      </fieldset>
      <div class="field">
        <label for="incident-at">${m.form.incidentAt}</label>
        <input
          id="incident-at"
          type="datetime-local"
          required
          .value=${this.incidentAtText}
          @input=${(e: InputEvent) => (this.incidentAtText = (e.target as HTMLInputElement).value)}
          aria-invalid=${timeIssue ? 'true' : 'false'}
          aria-describedby=${timeIssue ? 'incident-at-issue' : nothing}
        />
        ${this.renderIssue('incident-at-issue', timeIssue)}
      </div>
      <fieldset aria-describedby=${radiusIssue ? 'radius-issue' : nothing}>
        <legend>${m.form.radius}</legend>
        <div class="radios">
          ${settings.radiusPresets.map(
            (preset, i) =>
              html`<label
                ><input
                  type="radio"
                  name="radius"
                  id="radius-${i}"
                  .value=${String(preset)}
                  .checked=${this.radiusChoice === String(preset)}
                  @change=${() => (this.radiusChoice = String(preset))}
                />${new Intl.NumberFormat(this.locale).format(preset)} ${unit}</label
              >`,
          )}
          <label
            ><input
              type="radio"
              name="radius"
              id="radius-custom-choice"
              value="custom"
              .checked=${this.radiusChoice === 'custom'}
              @change=${() => (this.radiusChoice = 'custom')}
            />${m.form.custom}</label
          >
        </div>
        <div class="field" ?hidden=${this.radiusChoice !== 'custom'}>
          <label for="radius-custom">${m.form.customRadius(unit)}</label>
          <input
            id="radius-custom"
            type="number"
            min="1"
            step="any"
            inputmode="decimal"
            .value=${this.customRadius}
            @input=${(e: InputEvent) => (this.customRadius = (e.target as HTMLInputElement).value)}
            aria-invalid=${radiusIssue ? 'true' : 'false'}
          />
        </div>
        ${this.renderIssue('radius-issue', radiusIssue)}
      </fieldset>
      <div role="alert">
        ${
          this.searchFailure
            ? html`<p class="alert">${describeSearchError(this.searchFailure, m)}</p>`
            : nothing
        }
      </div>
      <div>
        <button class="primary" type="submit" ?disabled=${this.searching}>
          ${this.searching ? m.form.searching : m.form.submit}
        </button>
      </div>
    </form>`;
  }

  private renderMap(m: IncidentSearchMessages): TemplateResult | typeof nothing {
    if (this.noMap) return nothing;
    const hosted = this.view !== undefined;
    if (hosted && this.mapStatus !== 'failed') return nothing;
    return html`<div
      class="map-wrap ${this.mapStatus === 'failed' ? 'failed' : ''}"
      part="map"
      role="region"
      aria-label=${m.map.label}
    >
      <div class="map-view" ?hidden=${this.mapStatus === 'failed'}></div>
      ${
        this.mapStatus === 'loading'
          ? html`<p class="map-status">${m.map.loading}</p>`
          : this.mapStatus === 'failed'
            ? html`<p class="map-status note">${m.map.failed}</p>`
            : nothing
      }
    </div>`;
  }

  private renderResults(m: IncidentSearchMessages): TemplateResult | typeof nothing {
    const result = this.result;
    if (!result) return nothing;
    const order = sortRanked(result.cameras, this.sortKey);
    const counts = { sees: 0, faces: 0, maybe: 0, away: 0, urgent: 0 };
    for (const entry of result.cameras) {
      counts[entry.visibility]++;
      // Urgency matters only for footage that may show the incident.
      if (entry.urgent && entry.visibility !== Visibility.Away) counts.urgent++;
    }
    const stale = this.isStale(result);
    const selected = result.cameras.find((entry) => entry.camera.objectId === this.selectedId);
    const latest = this.latestContacts();
    const visible = order.slice(0, this.shownRows);
    const focusIndex = Math.min(this.focusIndex, Math.max(0, visible.length - 1));
    return html`<section
      class="results-layout ${stale ? 'stale' : ''}"
      part="results"
      aria-labelledby="results-heading"
    >
      <div>
        <div
          id="results-stale"
          class="stale-note no-print ${stale ? 'shown' : ''}"
          role="status"
          aria-live="polite"
        >
          ${
            stale
              ? html`<p>
                    ${m.results.stale(
                      this.formatDistance(result.input.radiusMeters),
                      this.searchedLocation,
                      this.formatDateTime(result.input.incidentAt),
                    )}
                  </p>
                  <button
                    type="button"
                    class="primary"
                    @click=${this.handleSearchAgain}
                    ?disabled=${this.searching}
                  >
                    ${m.results.searchAgain}
                  </button>`
              : nothing
          }
        </div>
        <div class="toolbar">
          <div>
            <h3 id="results-heading" tabindex="-1">${m.results.heading}</h3>
            <p class="hint">${m.results.summary(counts)}</p>
          </div>
          <div class="actions">
            <div class="sort">
              <label for="sort">${m.results.sortBy}</label>
              <select
                id="sort"
                .value=${this.sortKey}
                @change=${(e: Event) => {
                  this.sortKey = (e.target as HTMLSelectElement).value as SortKey;
                  this.focusIndex = 0;
                  this.shownRows = PAGE_ROWS;
                }}
              >
                ${Object.values(SortKey).map(
                  (key) =>
                    html`<option value=${key} ?selected=${this.sortKey === key}>
                      ${m.results.sort[key]}
                    </option>`,
                )}
              </select>
            </div>
            <button
              type="button"
              @click=${this.handleExport}
              ?disabled=${order.length === 0 || stale}
            >
              ${m.exportCsv}
            </button>
            <button type="button" @click=${this.handlePrint} ?disabled=${stale}>${m.print}</button>
          </div>
        </div>
        <div id="print-blocked" class="no-print" role="alert">
          ${this.printBlocked ? html`<p class="note">${m.sheet.blocked}</p>` : nothing}
        </div>
        ${
          order.length === 0
            ? html`<p class="note">${m.results.none}</p>`
            : html`<div class="table-wrap">
                  <table aria-describedby=${stale ? 'results-stale' : nothing}>
                    <caption>
                      ${m.results.caption(result.input.caseNumber)}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">${m.results.columns.rank}</th>
                        <th scope="col">${m.results.columns.camera}</th>
                        <th scope="col">${m.results.columns.visibility}</th>
                        <th scope="col">${m.results.columns.distance}</th>
                        <th scope="col">${m.results.columns.footage}</th>
                        <th scope="col">${m.results.columns.contact}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${visible.map((entry, index) => this.renderRow(entry, index, visible.length, focusIndex, latest))}
                    </tbody>
                  </table>
                </div>
                ${
                  visible.length < order.length
                    ? html`<p class="more">
                        <span>${m.results.showing(visible.length, order.length)}</span>
                        <button type="button" @click=${() => (this.shownRows += PAGE_ROWS)}>
                          ${m.results.showMore(Math.min(PAGE_ROWS, order.length - visible.length))}
                        </button>
                      </p>`
                    : nothing
                }`
        }
        ${
          this.contactsFailure
            ? html`<p class="note">${describeSearchError(this.contactsFailure, m)}</p>`
            : nothing
        }
      </div>
      ${selected ? this.renderDetail(selected, m) : nothing}
    </section>`;
  }

  private renderRow(
    entry: RankedCamera<FoundCamera>,
    index: number,
    count: number,
    focusIndex: number,
    latest: ReadonlyMap<string, ContactSummary>,
  ): TemplateResult {
    const m = this.messages;
    const camera = entry.camera;
    const site = camera.site.attributes;
    const selected = camera.objectId === this.selectedId;
    const contact = latest.get(camera.siteGlobalId);
    const siteName = site.business_name ?? this.domainLabel('site_type', site.site_type);
    const footageClass =
      entry.urgency === FootageUrgency.Urgent
        ? 'urgent'
        : entry.urgency === FootageUrgency.ProbablyGone
          ? 'gone'
          : '';
    return html`<tr aria-current=${selected ? 'true' : nothing} data-camera-id=${camera.objectId}>
      <td>${entry.rank}</td>
      <th scope="row">
        <button
          class="row-button"
          id="row-${camera.objectId}"
          type="button"
          tabindex=${index === focusIndex ? 0 : -1}
          aria-expanded=${selected ? 'true' : 'false'}
          aria-controls="detail"
          @click=${() => this.selectCamera(selected ? null : camera.objectId)}
          @keydown=${(e: KeyboardEvent) => this.handleRowKeydown(e, index, count)}
          @focus=${() => (this.focusIndex = index)}
        >
          ${camera.attributes.label}
        </button>
        <span class="sub"
          >${siteName} · ${[site.address, site.unit].filter(Boolean).join(', ')}</span
        >
      </th>
      <td>
        <span class="badge vis-${entry.visibility}">${m.visibility[entry.visibility]}</span>
        ${
          entry.visibility === Visibility.Sees && entry.view.rangeAssumed
            ? html`<span class="sub">${m.usualRange(this.kindName(camera.attributes.form))}</span>`
            : nothing
        }
      </td>
      <td>
        ${this.formatDistance(entry.distanceMeters)}
        <span class="sub">${m.results.toward(this.compass(entry.bearingFromIncidentDegrees))}</span>
      </td>
      <td>
        ${entry.footageDeadline === null ? '' : this.formatDateTime(entry.footageDeadline)}
        <span class="sub ${footageClass}"
          >${this.footageText(entry.urgency, entry.footageDeadline)}${
            entry.urgent ? ` · ${m.footage.urgent}` : ''
          }</span
        >
      </td>
      <td>
        ${contact ? this.domainLabel('outcome', contact.outcome) : html`<span class="sub">${m.results.notContacted}</span>`}
      </td>
    </tr>`;
  }

  private renderDetail(
    entry: RankedCamera<FoundCamera>,
    m: IncidentSearchMessages,
  ): TemplateResult {
    const camera = entry.camera;
    const a = camera.attributes;
    const site = camera.site.attributes;
    const d = m.detail;
    const none = d.none;
    const history = this.contacts.get(camera.siteGlobalId) ?? [];
    const dash = (value: string | null | undefined) => (value ? value : none);
    return html`<section class="detail" id="detail" aria-labelledby="detail-heading">
      <div class="detail-head">
        <h3 id="detail-heading">${entry.rank}. ${a.label}</h3>
        <button type="button" class="link" @click=${() => this.selectCamera(null)}>
          ${d.close}
        </button>
      </div>
      <h4>${d.contact}</h4>
      <dl>
        <dt>${d.name}</dt>
        <dd>
          ${dash(site.contact_name)}${site.business_name ? html` (${site.business_name})` : nothing}
        </dd>
        <dt>${d.role}</dt>
        <dd>${dash(this.domainLabel('contact_role', site.contact_role))}</dd>
        <dt>${d.phone}</dt>
        <dd>${site.phone ? html`<a href="tel:${site.phone}">${site.phone}</a>` : none}</dd>
        <dt>${d.email}</dt>
        <dd>${site.email ? html`<a href="mailto:${site.email}">${site.email}</a>` : none}</dd>
        <dt>${d.preferred}</dt>
        <dd>${dash(this.domainLabel('preferred_contact', site.preferred_contact))}</dd>
        <dt>${d.bestHours}</dt>
        <dd>${dash(this.domainLabel('best_hours', site.best_hours))}</dd>
        <dt>${d.language}</dt>
        <dd>${dash(this.domainLabel('preferred_language', site.preferred_language))}</dd>
        <dt>${d.share}</dt>
        <dd>${dash(this.domainLabel('share_willingness', site.share_willingness))}</dd>
        <dt>${d.address}</dt>
        <dd>${dash([site.address, site.unit].filter(Boolean).join(', '))}</dd>
        <dt>${d.lastConfirmed}</dt>
        <dd>${dash(this.formatDate(site.last_confirmed_at))}</dd>
      </dl>
      <h4>${d.camera}</h4>
      <dl>
        <dt>${d.form}</dt>
        <dd>${dash(this.domainLabel('form', a.form))}</dd>
        <dt>${d.mount}</dt>
        <dd>${dash(this.domainLabel('mount', a.mount))}</dd>
        <dt>${d.direction}</dt>
        <dd>
          ${
            a.view_bearing === null || a.view_bearing === undefined
              ? d.directionUnknown
              : `${a.view_bearing}° (${this.compass(a.view_bearing)})`
          }
        </dd>
        <dt>${d.fov}</dt>
        <dd>
          ${
            entry.view.fovDegrees === null
              ? none
              : entry.view.fovAssumed
                ? d.usual(`${entry.view.fovDegrees}°`, this.kindName(a.form))
                : `${entry.view.fovDegrees}°`
          }
        </dd>
        <dt>${d.range}</dt>
        <dd>
          ${
            entry.view.rangeMeters === null
              ? none
              : entry.view.rangeAssumed
                ? d.usual(this.formatDistance(entry.view.rangeMeters), this.kindName(a.form))
                : this.formatDistance(entry.view.rangeMeters)
          }
        </dd>
        <dt>${d.coverage}</dt>
        <dd>${dash(this.domainLabel('coverage', a.coverage))}</dd>
        <dt>${d.recording}</dt>
        <dd>
          ${dash(this.domainLabel('recording_mode', a.recording_mode))}${
            typeof a.retention_days === 'number'
              ? html`<br />${d.retention(a.retention_days)}`
              : nothing
          }
        </dd>
        <dt>${d.storage}</dt>
        <dd>${dash(this.domainLabel('storage', a.storage))}</dd>
        <dt>${d.canExport}</dt>
        <dd>${dash(this.domainLabel('can_export', a.can_export))}</dd>
        <dt>${d.status}</dt>
        <dd>${dash(this.domainLabel('status', a.status))}</dd>
      </dl>
      <h4>${m.contactLog.history}</h4>
      ${
        history.length === 0
          ? html`<p class="hint">${m.contactLog.empty}</p>`
          : html`<ul class="history">
              ${history.map(
                (row) =>
                  html`<li>
                    ${m.contactLog.entry(
                      this.formatDateTime(row.contacted_at),
                      this.domainLabel('contact_method', row.contact_method),
                      this.domainLabel('outcome', row.outcome),
                    )}${row.follow_up ? html` — ${row.follow_up}` : nothing}
                  </li>`,
              )}
            </ul>`
      }
      <form
        class="no-print"
        @submit=${(e: SubmitEvent) => this.handleLogContact(e, entry)}
        novalidate
        aria-labelledby="contact-heading"
      >
        <h4 id="contact-heading">${m.contactLog.heading}</h4>
        <div class="field">
          <label for="contact-method">${m.contactLog.method}</label>
          <select
            id="contact-method"
            required
            .value=${this.contactMethod}
            @change=${(e: Event) => (this.contactMethod = (e.target as HTMLSelectElement).value)}
          >
            <option value="" ?selected=${this.contactMethod === ''}>—</option>
            ${domains.ContactMethod.values.map(
              (v) =>
                html`<option value=${v.code} ?selected=${this.contactMethod === v.code}>
                  ${v[this.locale]}
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="contact-outcome">${m.contactLog.outcome}</label>
          <select
            id="contact-outcome"
            required
            .value=${this.contactOutcome}
            @change=${(e: Event) => (this.contactOutcome = (e.target as HTMLSelectElement).value)}
          >
            <option value="" ?selected=${this.contactOutcome === ''}>—</option>
            ${domains.ContactOutcome.values.map(
              (v) =>
                html`<option value=${v.code} ?selected=${this.contactOutcome === v.code}>
                  ${v[this.locale]}
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="contact-follow-up">${m.contactLog.followUp}</label>
          <textarea
            id="contact-follow-up"
            rows="2"
            maxlength="255"
            .value=${this.contactFollowUp}
            @input=${(e: InputEvent) => (this.contactFollowUp = (e.target as HTMLTextAreaElement).value)}
          ></textarea>
        </div>
        <div role="alert">
          ${
            this.contactFailure
              ? html`<p class="alert">
                  ${
                    this.contactFailure instanceof AppError &&
                    this.contactFailure.code === ErrorCode.InvalidInput
                      ? m.fieldIssues.REQUIRED
                      : describeSearchError(this.contactFailure, m)
                  }
                </p>`
              : nothing
          }
        </div>
        <p class="hint" role="status">${this.contactNotice}</p>
        <div>
          <button class="primary" type="submit" ?disabled=${this.savingContact}>
            ${this.savingContact ? m.contactLog.saving : m.contactLog.save}
          </button>
        </div>
      </form>
    </section>`;
  }

  private renderBody(m: IncidentSearchMessages, session: OfficerSession | null): TemplateResult {
    return html`
      ${session ? nothing : this.renderSignIn(m)}
      <div class="layout">
        ${this.renderForm(m)}
        <div class="main-column">
          ${this.renderMap(m)}
          ${
            this.mapStatus === 'ready' && this.result
              ? html`<p class="legend no-print">
                  <span
                    ><span class="vis-sees" aria-hidden="true">●</span> ${m.visibility.sees}</span
                  >
                  <span
                    ><span class="vis-faces" aria-hidden="true">▲</span> ${m.visibility.faces}</span
                  >
                  <span
                    ><span class="vis-maybe" aria-hidden="true">◆</span> ${m.visibility.maybe}</span
                  >
                  <span
                    ><span class="vis-away" aria-hidden="true">■</span> ${m.visibility.away}</span
                  >
                </p>`
              : nothing
          }
          ${
            // Beside the form, under the map: the list starts within the first screen.
            this.renderResults(m)
          }
        </div>
      </div>
    `;
  }

  override render(): TemplateResult {
    const m = this.messages;
    const session = this.session;
    return html`
      <div class="bar">
        <h2>${m.title}</h2>
        ${
          session
            ? html`<div class="who no-print">
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
        this.configIssues.length > 0
          ? html`<ul class="alert no-print">
              ${this.configIssues.map((issue) => html`<li>${issue}</li>`)}
            </ul>`
          : nothing
      }
      <div class="sr-only" role="status" aria-live="polite">${this.announcement}</div>
      ${
        // Nothing to sign in to or search until the config file says where the service is.
        this.fileConfig === 'pending'
          ? html`<p class="hint" aria-busy="true"></p>`
          : this.renderBody(m, session)
      }
    `;
  }
}
