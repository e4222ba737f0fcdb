import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  moveCameraEdits,
  moveSiteEdits,
  type PlacedCamera,
  type PlacementSource,
} from '../../src/core/review/move-site.js';
import { formatCoordinates, parseCoordinates } from '../../src/core/search/parse-coordinates.js';
import { describeError } from '../shared/describe-error.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import {
  REGISTRY_REVIEW_MESSAGES,
  type RegistryReviewMessages,
} from './cam-registry-review.messages.js';
import { registryReviewStyles } from './cam-registry-review.styles.js';
import type { AddressCandidate, CameraRecord, ReviewClient, SiteRecord } from './review-client.js';
import { ArcgisReviewMap, type ReviewMapAdapter } from './review-map.js';
import type { ReviewChangedDetail } from './review-queue.js';

type MapStatus = 'off' | 'loading' | 'ready' | 'failed';

/**
 * Placement of one site: the map (optional), and moving the site with all its cameras by the
 * same offset, or one camera, to a point clicked, typed, or chosen from the geocoder's
 * candidates for the address. One `applyEdits` per move, with its ReviewLog row.
 *
 * @fires cam-review-changed - A move was written.
 */
export class CamReviewPlacement extends LitElement {
  static override styles = registryReviewStyles;

  @state() private mapStatus: MapStatus = 'off';
  @state() private target: readonly [number, number] | null = null;
  @state() private source: PlacementSource = { kind: 'analyst' };
  @state() private coordinatesText = '';
  @state() private coordinatesInvalid = false;
  @state() private candidates: readonly AddressCandidate[] | null = null;
  @state() private geocoding = false;
  @state() private moving: string = 'site';
  @state() private saving = false;
  @state() private failure: unknown = null;

  @property({ attribute: false }) site: SiteRecord | null = null;
  @property({ attribute: false }) cameras: readonly CameraRecord[] = [];
  @property({ attribute: false }) client: ReviewClient | null = null;
  @property({ attribute: false }) assetsPath = '/assets';
  @property({ attribute: false }) contextLayerUrl: string | null = null;
  @property({ attribute: false }) noMap = false;
  @property({ attribute: false }) mapAdapter?: ReviewMapAdapter;
  @property({ attribute: false }) messageOverrides: Partial<RegistryReviewMessages> = {};

  @query('.map-view') private mapContainer?: HTMLDivElement;

  private adapter: ReviewMapAdapter | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.adapter?.destroy();
    this.adapter = null;
    this.mapStatus = 'off';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && !this.adapter) void this.mountMap();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    const before = changed.get('site');
    if (changed.has('site') && before?.attributes.OBJECTID !== this.site?.attributes.OBJECTID) {
      this.target = null;
      this.candidates = null;
      this.coordinatesText = '';
      this.coordinatesInvalid = false;
      this.failure = null;
      this.moving = 'site';
    }
  }

  override firstUpdated(): void {
    void this.mountMap();
  }

  override updated(): void {
    this.adapter?.show({
      site: this.sitePoint(),
      cameras: this.cameras.flatMap((c) =>
        c.location ? [[c.location.x, c.location.y] as const] : [],
      ),
      target: this.target,
    });
  }

  private get locale(): Locale {
    return resolveLocale(this);
  }

  private get messages(): RegistryReviewMessages {
    return { ...REGISTRY_REVIEW_MESSAGES[this.locale], ...this.messageOverrides };
  }

  private sitePoint(): [number, number] | null {
    const p = this.site?.location;
    return p ? [p.x, p.y] : null;
  }

  private async mountMap(): Promise<void> {
    // Not within the update that called it: the status below is state of its own.
    await this.updateComplete;
    if (this.noMap || this.adapter || !this.isConnected) return;
    const adapter = this.mapAdapter ?? new ArcgisReviewMap(this.assetsPath);
    this.adapter = adapter;
    adapter.onMapClick = (point) => this.choose(point, { kind: 'analyst' });
    this.mapStatus = 'loading';
    await this.updateComplete;
    try {
      const container = this.mapContainer;
      if (!container) throw new Error('No map container');
      await adapter.mount(container, this.sitePoint() ?? [-94.4155, 39.0911], this.contextLayerUrl);
      if (this.adapter !== adapter) return;
      this.mapStatus = 'ready';
    } catch {
      if (this.adapter !== adapter) return;
      // No WebGL, no SDK: the coordinates and candidates below do everything the map does.
      this.mapStatus = 'failed';
    }
  }

  private choose(point: readonly [number, number], source: PlacementSource): void {
    this.target = point;
    this.source = source;
    this.failure = null;
    this.coordinatesText = formatCoordinates(point, 6);
    this.coordinatesInvalid = false;
  }

  private handleCoordinates(): void {
    const parsed = parseCoordinates(this.coordinatesText);
    if (!parsed.ok) {
      this.coordinatesInvalid = true;
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>('#coordinates')?.focus(),
      );
      return;
    }
    this.choose(parsed.value, { kind: 'analyst' });
  }

  private async handleGeocode(): Promise<void> {
    const address = [this.site?.attributes.address, this.site?.attributes.unit]
      .filter(Boolean)
      .join(', ');
    if (!this.client || address === '') return;
    this.geocoding = true;
    this.failure = null;
    try {
      this.candidates = await this.client.candidates(address);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#candidates-heading')?.focus();
    } catch (error) {
      this.failure = error;
      this.candidates = null;
    } finally {
      this.geocoding = false;
    }
  }

  private placedCameras(): PlacedCamera[] {
    return this.cameras.flatMap((c) =>
      c.location && typeof c.attributes.OBJECTID === 'number' && c.attributes.GlobalID
        ? [
            {
              objectId: c.attributes.OBJECTID,
              globalId: c.attributes.GlobalID,
              location: [c.location.x, c.location.y] as const,
            },
          ]
        : [],
    );
  }

  private async handleMove(): Promise<void> {
    const site = this.site;
    const from = this.sitePoint();
    const target = this.target;
    const a = site?.attributes;
    if (!this.client || !site || !from || !target || !a || typeof a.OBJECTID !== 'number') return;
    const reviewSite = {
      objectId: a.OBJECTID,
      globalId: a.GlobalID ?? '',
      registrationRef: a.registration_ref ?? null,
      attributes: a,
    };
    const cameras = this.placedCameras();
    const camera = cameras.find((c) => String(c.objectId) === this.moving);
    const edits =
      this.moving === 'site' || !camera
        ? moveSiteEdits(reviewSite, from, target, cameras, this.source)
        : moveCameraEdits(reviewSite, camera, target);
    this.saving = true;
    this.failure = null;
    try {
      await this.client.apply(edits);
      this.target = null;
      this.candidates = null;
      this.coordinatesText = '';
      this.dispatchEvent(
        new CustomEvent<ReviewChangedDetail>('cam-review-changed', {
          detail: {
            siteGuid: reviewSite.globalId,
            decision: 'moved',
            registrationRef: reviewSite.registrationRef ?? '',
            stays: true,
          },
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      this.failure = error;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#move-failure')?.focus();
    } finally {
      this.saving = false;
    }
  }

  private renderCandidates(m: RegistryReviewMessages): TemplateResult | typeof nothing {
    const candidates = this.candidates;
    if (candidates === null) return nothing;
    const score = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 1 });
    return html`<h5 id="candidates-heading" tabindex="-1">${m.place.candidates}</h5>
      ${
        candidates.length === 0
          ? html`<p>${m.place.noCandidates}</p>`
          : html`<ul class="candidates">
              ${candidates.map(
                (c, i) =>
                  html`<li>
                    <button
                      type="button"
                      class="link"
                      id="candidate-${i}"
                      aria-pressed=${this.target?.join() === c.location.join() ? 'true' : 'false'}
                      @click=${() => this.choose(c.location, { kind: 'geocoded', score: c.score })}
                    >
                      ${m.place.candidate(c.address, score.format(c.score))}
                    </button>
                  </li>`,
              )}
            </ul>`
      }`;
  }

  override render(): TemplateResult {
    const m = this.messages;
    const cameras = this.cameras;
    return html`<section class="block" aria-labelledby="place-heading">
      <h4 id="place-heading">${m.place.heading}</h4>
      ${
        this.noMap
          ? nothing
          : html`<div class="map-view" part="map" ?hidden=${this.mapStatus === 'failed'}></div>
              ${
                this.mapStatus === 'failed'
                  ? html`<p class="warn" id="map-note">${m.detail.mapFailed}</p>`
                  : this.mapStatus === 'loading'
                    ? html`<p class="hint">${m.detail.mapLoading}</p>`
                    : nothing
              }`
      }
      <p class="hint">${m.place.hint}</p>
      <fieldset>
        <legend>${m.place.heading}</legend>
        <label class="radio"
          ><input
            type="radio"
            name="moving"
            value="site"
            .checked=${this.moving === 'site'}
            @change=${() => (this.moving = 'site')}
          />${m.place.moveSite}</label
        >
        ${cameras.map(
          (c) =>
            html`<label class="radio"
              ><input
                type="radio"
                name="moving"
                value=${String(c.attributes.OBJECTID)}
                .checked=${this.moving === String(c.attributes.OBJECTID)}
                @change=${() => (this.moving = String(c.attributes.OBJECTID))}
              />${m.place.moveCamera}: ${c.attributes.label}</label
            >`,
        )}
      </fieldset>
      <div class="field">
        <label for="coordinates">${m.place.coordinates}</label>
        <input
          id="coordinates"
          inputmode="decimal"
          autocomplete="off"
          .value=${this.coordinatesText}
          aria-invalid=${this.coordinatesInvalid ? 'true' : 'false'}
          aria-describedby=${this.coordinatesInvalid ? 'coordinates-issue' : 'coordinates-hint'}
          @input=${(e: InputEvent) => {
            this.coordinatesText = (e.target as HTMLInputElement).value;
            this.coordinatesInvalid = false;
          }}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              this.handleCoordinates();
            }
          }}
        />
        ${
          this.coordinatesInvalid
            ? html`<p class="issue" id="coordinates-issue">${m.place.badCoordinates}</p>`
            : html`<p class="hint" id="coordinates-hint">${m.place.coordinatesHint}</p>`
        }
      </div>
      <div class="actions">
        <button type="button" id="use-coordinates" @click=${this.handleCoordinates}>
          ${m.place.useCoordinates}
        </button>
        <button
          type="button"
          id="geocode"
          ?disabled=${this.geocoding}
          @click=${() => void this.handleGeocode()}
        >
          ${this.geocoding ? m.place.geocoding : m.place.geocode}
        </button>
      </div>
      ${this.renderCandidates(m)}
      <p id="target" aria-live="polite">
        ${this.target ? m.place.target(formatCoordinates(this.target, 6)) : m.place.noTarget}
      </p>
      <div role="alert">
        ${
          this.failure
            ? html`<p class="alert" id="move-failure" tabindex="-1">
                ${describeError(this.failure, m.errors)} ${m.decide.refused}
              </p>`
            : nothing
        }
      </div>
      <button
        class="primary"
        type="button"
        id="move"
        ?disabled=${!this.target || this.saving}
        @click=${() => void this.handleMove()}
      >
        ${this.moving === 'site' ? m.place.moveSite : m.place.moveCamera}
      </button>
    </section>`;
  }
}
