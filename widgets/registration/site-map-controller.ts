import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SiteMap, SiteMapOptions, SiteMapState } from './site-map.js';

export type MapStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** What the map needs besides its container: settings and the live state to draw. */
export type SiteMapInput = Omit<SiteMapOptions, 'container' | keyof SiteMapState> & {
  readonly state: SiteMapState | null;
};

/**
 * Loads the map module only when a container appears (a `ref` callback), keeps it in step
 * with the form after every update, and releases it when the container goes away.
 */
export class SiteMapController implements ReactiveController {
  /** `failed` is final: the host then shows the location as text only. */
  status: MapStatus = 'idle';
  private map: SiteMap | undefined;
  private container: HTMLDivElement | undefined;
  /** Bumped whenever the container changes, so a slow load for an old one is dropped. */
  private generation = 0;
  private readonly host: ReactiveControllerHost;
  private readonly input: () => SiteMapInput;

  /** For Lit's `ref()`: called with the container when rendered and undefined when removed. */
  readonly attach = (element: Element | undefined): void => {
    const container = element instanceof HTMLDivElement ? element : undefined;
    if (container === this.container) return;
    this.release();
    this.container = container;
    // Start after the current update: loading changes what the host renders.
    if (container) void Promise.resolve().then(() => this.load(container));
  };

  constructor(host: ReactiveControllerHost, input: () => SiteMapInput) {
    this.host = host;
    this.input = input;
    host.addController(this);
  }

  hostUpdated(): void {
    const state = this.input().state;
    if (this.map && state) this.map.update(state);
  }

  hostDisconnected(): void {
    this.release();
    this.container = undefined;
  }

  private release(): void {
    this.generation += 1;
    this.map?.destroy();
    this.map = undefined;
    // A map that could not load (no WebGL) will not load later: the host stops offering it.
    if (this.status !== 'failed') this.status = 'idle';
  }

  private async load(container: HTMLDivElement): Promise<void> {
    if (container !== this.container) return;
    const generation = this.generation;
    const { state, ...settings } = this.input();
    if (!state) return;
    this.status = 'loading';
    this.host.requestUpdate();
    try {
      const { createSiteMap } = await import('./site-map.js');
      if (generation !== this.generation) return;
      const map = await createSiteMap({ ...settings, ...state, container });
      if (generation !== this.generation) {
        map.destroy();
        return;
      }
      this.map = map;
      this.status = 'ready';
      const latest = this.input().state;
      if (latest) map.update(latest);
    } catch {
      // No WebGL, assets missing, or the view failed: the form works without the map.
      if (generation === this.generation) this.status = 'failed';
    }
    this.host.requestUpdate();
  }
}
