/**
 * The map of the officer search, with the ArcGIS Maps SDK kept behind {@link MapAdapter}:
 * the widget never touches SDK classes, the SDK loads only when a map is shown, and a host
 * can hand over its own MapView or `<arcgis-map>` (Experience Builder) instead of ours.
 */
import type Graphic from '@arcgis/core/Graphic.js';
import type GraphicsLayer from '@arcgis/core/layers/GraphicsLayer.js';
import type MapView from '@arcgis/core/views/MapView.js';
import type { ClickEvent } from '@arcgis/core/views/input/types.js';
import type { LonLat, Visibility } from '../../src/core/search/rank-cameras.js';
import type { SearchArea } from '../../src/core/search/run-incident-search.js';

export interface MapCamera {
  readonly id: number;
  readonly location: LonLat;
  /** The view wedge ring, or null when the direction is unknown. */
  readonly wedge: readonly (readonly [number, number])[] | null;
  /** The wedge's width or depth is assumed or unknown: drawn dashed, not as a fact. */
  readonly wedgeApproximate?: boolean;
  readonly visibility: Visibility;
  /** Short text for the map's tooltip. */
  readonly title: string;
}

export interface MapScene {
  readonly incident: LonLat;
  readonly area: SearchArea;
  readonly cameras: readonly MapCamera[];
}

/** Where the map goes: a container for a map of our own, or the host's view. */
export type MapTarget =
  | {
      readonly kind: 'own';
      readonly container: HTMLDivElement;
      readonly center: LonLat;
      readonly zoom: number;
      readonly contextLayerUrl: string | null;
    }
  | { readonly kind: 'host'; readonly view: unknown };

/** What the widget needs of a map. */
export interface MapAdapter {
  /** Loads the SDK and shows the map; rejects when it cannot (no WebGL, no SDK...). */
  mount(target: MapTarget): Promise<void>;
  /** Marks the chosen incident point (before any search). */
  showIncident(point: LonLat | null): void;
  /** Draws a search's area, incident and cameras with their wedges, and zooms to them. */
  showScene(scene: MapScene | null): void;
  /** Highlights one camera (or none). */
  select(id: number | null): void;
  /** Called with `[lon, lat]` when the officer clicks the map away from any camera. */
  onMapClick: ((point: LonLat) => void) | null;
  /** Called with a camera's id when the officer clicks it. */
  onCameraClick: ((id: number) => void) | null;
  /** A PNG data URL of the map, or null when the view cannot take one. */
  screenshot(): Promise<string | null>;
  /** Removes everything this adapter added (and its own view). */
  destroy(): void;
}

const COLORS: Readonly<Record<Visibility, [number, number, number]>> = {
  sees: [0, 122, 74],
  faces: [0, 94, 162],
  maybe: [178, 106, 0],
  away: [96, 96, 96],
};
const SHAPES: Readonly<Record<Visibility, 'circle' | 'triangle' | 'diamond' | 'square'>> = {
  sees: 'circle',
  faces: 'triangle',
  maybe: 'diamond',
  away: 'square',
};

interface HostMapElement {
  viewOnReady(): Promise<unknown>;
  readonly view: unknown;
}

function isMapElement(value: unknown): value is HostMapElement {
  return typeof (value as HostMapElement | null)?.viewOnReady === 'function';
}

/** The SDK implementation of {@link MapAdapter}. */
export class ArcgisMapAdapter implements MapAdapter {
  onMapClick: ((point: LonLat) => void) | null = null;
  onCameraClick: ((id: number) => void) | null = null;

  private readonly assetsPath: string;
  private sdk: Awaited<ReturnType<typeof loadSdk>> | null = null;
  private view: MapView | null = null;
  private ownView = false;
  private layer: GraphicsLayer | null = null;
  private handles: { remove(): void }[] = [];
  private incidentPoint: LonLat | null = null;
  private scene: MapScene | null = null;
  private selected: number | null = null;
  private destroyed = false;

  constructor(assetsPath: string) {
    this.assetsPath = assetsPath;
  }

  /** The SDK view once mounted (ours or the host's), e.g. to add layers of one's own. */
  get mapView(): MapView | null {
    return this.view;
  }

  async mount(target: MapTarget): Promise<void> {
    const sdk = await loadSdk(this.assetsPath);
    if (this.destroyed) return;
    this.sdk = sdk;
    let view: MapView;
    if (target.kind === 'host') {
      const host = isMapElement(target.view)
        ? (await target.view.viewOnReady(), target.view.view)
        : target.view;
      view = host as MapView;
    } else {
      const layers = target.contextLayerUrl
        ? [
            new sdk.GeoJSONLayer({
              url: new URL(target.contextLayerUrl, globalThis.location?.href).href,
              title: 'Streets',
              renderer: new sdk.SimpleRenderer({
                symbol: new sdk.SimpleLineSymbol({ color: [150, 150, 150], width: 1 }),
              }),
              labelingInfo: [],
            }),
          ]
        : [];
      view = new sdk.MapView({
        container: target.container,
        map: new sdk.Map({ layers }),
        center: [target.center[0], target.center[1]],
        zoom: target.zoom,
        spatialReference: { wkid: 3857 },
        constraints: { snapToZoom: false },
      });
      view.ui.components = ['zoom'];
      this.ownView = true;
    }
    this.view = view;
    await view.when();
    if (this.destroyed) return;
    this.layer = new sdk.GraphicsLayer({ title: 'Incident search', listMode: 'hide' });
    view.map?.add(this.layer);
    this.handles.push(view.on('click', (event) => void this.handleClick(event)));
    this.redraw();
  }

  private async handleClick(event: ClickEvent): Promise<void> {
    const view = this.view;
    if (!view || !this.layer) return;
    const hit = await view.hitTest(event, { include: [this.layer] });
    for (const result of hit.results) {
      const id =
        'graphic' in result
          ? (result.graphic.attributes as { cameraId?: number } | null)?.cameraId
          : undefined;
      if (typeof id === 'number') {
        this.onCameraClick?.(id);
        return;
      }
    }
    const point = event.mapPoint;
    if (point && typeof point.longitude === 'number' && typeof point.latitude === 'number') {
      this.onMapClick?.([point.longitude, point.latitude]);
    }
  }

  showIncident(point: LonLat | null): void {
    this.incidentPoint = point;
    this.redraw();
  }

  showScene(scene: MapScene | null): void {
    this.scene = scene;
    this.selected = null;
    if (scene) this.incidentPoint = scene.incident;
    this.redraw();
    const sdk = this.sdk;
    if (scene && sdk && this.view) {
      const area = new sdk.Polygon({
        rings: scene.area.rings.map((r) => r.map((p) => [p[0], p[1]])),
        spatialReference: { wkid: 4326 },
      });
      this.view
        .goTo(area.extent?.clone().expand(1.15) ?? area, { animate: false })
        .catch(() => undefined);
    }
  }

  select(id: number | null): void {
    this.selected = id;
    this.redraw();
  }

  private redraw(): void {
    const sdk = this.sdk;
    const layer = this.layer;
    if (!sdk || !layer) return;
    const graphics: Graphic[] = [];
    const wgs84 = { wkid: 4326 };
    const scene = this.scene;
    if (scene) {
      graphics.push(
        new sdk.Graphic({
          geometry: new sdk.Polygon({
            rings: scene.area.rings.map((r) => r.map((p) => [p[0], p[1]])),
            spatialReference: wgs84,
          }),
          symbol: new sdk.SimpleFillSymbol({
            color: [0, 94, 162, 0.04],
            outline: new sdk.SimpleLineSymbol({ color: [0, 94, 162], width: 2, style: 'dash' }),
          }),
        }),
      );
      for (const camera of scene.cameras) {
        if (!camera.wedge) continue;
        const [r, g, b] = COLORS[camera.visibility];
        const chosen = camera.id === this.selected;
        graphics.push(
          new sdk.Graphic({
            geometry: new sdk.Polygon({
              rings: [camera.wedge.map((p) => [p[0], p[1]])],
              spatialReference: wgs84,
            }),
            symbol: new sdk.SimpleFillSymbol({
              color: [r, g, b, chosen ? 0.35 : 0.14],
              outline: new sdk.SimpleLineSymbol({
                color: [r, g, b, chosen ? 1 : 0.5],
                width: chosen ? 2 : 0.75,
                style: camera.wedgeApproximate ? 'dash' : 'solid',
              }),
            }),
            attributes: { cameraId: camera.id },
          }),
        );
      }
      // Under the camera markers: a camera at the incident's spot stays visible and clickable.
      this.pushIncident(graphics);
      for (const camera of scene.cameras) {
        const chosen = camera.id === this.selected;
        graphics.push(
          new sdk.Graphic({
            geometry: new sdk.Point({
              x: camera.location[0],
              y: camera.location[1],
              spatialReference: wgs84,
            }),
            symbol: new sdk.SimpleMarkerSymbol({
              style: SHAPES[camera.visibility],
              color: COLORS[camera.visibility],
              size: chosen ? 16 : 10,
              outline: { color: chosen ? [0, 0, 0] : [255, 255, 255], width: chosen ? 3 : 1.5 },
            }),
            attributes: { cameraId: camera.id, title: camera.title },
          }),
        );
      }
    } else {
      this.pushIncident(graphics);
    }
    layer.removeAll();
    layer.addMany(graphics);
  }

  private pushIncident(graphics: Graphic[]): void {
    const sdk = this.sdk;
    if (!sdk || !this.incidentPoint) return;
    graphics.push(
      new sdk.Graphic({
        geometry: new sdk.Point({
          x: this.incidentPoint[0],
          y: this.incidentPoint[1],
          spatialReference: { wkid: 4326 },
        }),
        symbol: new sdk.SimpleMarkerSymbol({
          style: 'x',
          color: [200, 0, 0],
          size: 18,
          outline: { color: [200, 0, 0], width: 4 },
        }),
      }),
    );
  }

  async screenshot(): Promise<string | null> {
    if (!this.view?.ready) return null;
    try {
      const shot = await this.view.takeScreenshot({ format: 'png', width: 1200, height: 700 });
      return shot.dataUrl;
    } catch {
      return null;
    }
  }

  destroy(): void {
    this.destroyed = true;
    for (const handle of this.handles) handle.remove();
    this.handles = [];
    if (this.layer) this.view?.map?.remove(this.layer);
    this.layer?.destroy();
    this.layer = null;
    const view = this.view;
    this.view = null;
    if (this.ownView && view && this.sdk) {
      // Destroying a view mid-update closes its workers under running jobs, which then
      // reject where nobody can catch them: let it settle first (briefly).
      const { whenOnce } = this.sdk.reactiveUtils;
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      void Promise.race([
        whenOnce(() => view.stationary && !view.updating).then(() => pause(500)),
        pause(30_000),
      ]).finally(() => view.destroy());
    }
  }
}

async function loadSdk(assetsPath: string) {
  const [
    config,
    MapView,
    Map,
    GraphicsLayer,
    GeoJSONLayer,
    Graphic,
    Point,
    Polygon,
    SimpleMarkerSymbol,
    SimpleFillSymbol,
    SimpleLineSymbol,
    SimpleRenderer,
    reactiveUtils,
  ] = await Promise.all([
    import('@arcgis/core/config.js'),
    import('@arcgis/core/views/MapView.js'),
    import('@arcgis/core/Map.js'),
    import('@arcgis/core/layers/GraphicsLayer.js'),
    import('@arcgis/core/layers/GeoJSONLayer.js'),
    import('@arcgis/core/Graphic.js'),
    import('@arcgis/core/geometry/Point.js'),
    import('@arcgis/core/geometry/Polygon.js'),
    import('@arcgis/core/symbols/SimpleMarkerSymbol.js'),
    import('@arcgis/core/symbols/SimpleFillSymbol.js'),
    import('@arcgis/core/symbols/SimpleLineSymbol.js'),
    import('@arcgis/core/renderers/SimpleRenderer.js'),
    import('@arcgis/core/core/reactiveUtils.js'),
  ]);
  const esriConfig = config.default;
  if (!esriConfig.assetsPath || esriConfig.assetsPath.includes('js.arcgis.com'))
    esriConfig.assetsPath = assetsPath;
  return {
    MapView: MapView.default,
    Map: Map.default,
    GraphicsLayer: GraphicsLayer.default,
    GeoJSONLayer: GeoJSONLayer.default,
    Graphic: Graphic.default,
    Point: Point.default,
    Polygon: Polygon.default,
    SimpleMarkerSymbol: SimpleMarkerSymbol.default,
    SimpleFillSymbol: SimpleFillSymbol.default,
    SimpleLineSymbol: SimpleLineSymbol.default,
    SimpleRenderer: SimpleRenderer.default,
    reactiveUtils,
  };
}
