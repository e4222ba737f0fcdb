/**
 * The review map, with the ArcGIS Maps SDK kept behind {@link ReviewMapAdapter} as in the
 * officer widget: the SDK loads only when a map is shown, and the panel works without it.
 */
import type GraphicsLayer from '@arcgis/core/layers/GraphicsLayer.js';
import type MapView from '@arcgis/core/views/MapView.js';

type LonLat = readonly [number, number];

/** Map scale a site is shown at: its cameras a few metres apart stay distinct. */
const SITE_SCALE = 1500;

/** What the map shows: the site, its cameras, and a chosen new point (if any). */
export interface ReviewScene {
  readonly site: LonLat | null;
  readonly cameras: readonly LonLat[];
  readonly target: LonLat | null;
}

export interface ReviewMapAdapter {
  /** Loads the SDK and shows the map; rejects when it cannot (no WebGL, no SDK...). */
  mount(container: HTMLDivElement, center: LonLat, contextLayerUrl: string | null): Promise<void>;
  show(scene: ReviewScene): void;
  /** Called with `[lon, lat]` when the analyst clicks the map. */
  onMapClick: ((point: [number, number]) => void) | null;
  destroy(): void;
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
    Marker,
    Line,
    Renderer,
  ] = await Promise.all([
    import('@arcgis/core/config.js'),
    import('@arcgis/core/views/MapView.js'),
    import('@arcgis/core/Map.js'),
    import('@arcgis/core/layers/GraphicsLayer.js'),
    import('@arcgis/core/layers/GeoJSONLayer.js'),
    import('@arcgis/core/Graphic.js'),
    import('@arcgis/core/geometry/Point.js'),
    import('@arcgis/core/symbols/SimpleMarkerSymbol.js'),
    import('@arcgis/core/symbols/SimpleLineSymbol.js'),
    import('@arcgis/core/renderers/SimpleRenderer.js'),
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
    SimpleMarkerSymbol: Marker.default,
    SimpleLineSymbol: Line.default,
    SimpleRenderer: Renderer.default,
  };
}

/** The SDK implementation of {@link ReviewMapAdapter}. */
export class ArcgisReviewMap implements ReviewMapAdapter {
  onMapClick: ((point: [number, number]) => void) | null = null;
  private readonly assetsPath: string;
  private sdk: Awaited<ReturnType<typeof loadSdk>> | null = null;
  private view: MapView | null = null;
  private layer: GraphicsLayer | null = null;
  private handles: { remove(): void }[] = [];
  private scene: ReviewScene | null = null;
  private destroyed = false;

  constructor(assetsPath: string) {
    this.assetsPath = assetsPath;
  }

  /** The SDK view once mounted (to add layers of one's own, or to read what is drawn). */
  get mapView(): MapView | null {
    return this.view;
  }

  /** The layer the review draws on, once mounted. */
  get graphicsLayer(): GraphicsLayer | null {
    return this.layer;
  }

  async mount(
    container: HTMLDivElement,
    center: LonLat,
    contextLayerUrl: string | null,
  ): Promise<void> {
    const sdk = await loadSdk(this.assetsPath);
    if (this.destroyed) return;
    this.sdk = sdk;
    const graphics = new sdk.GraphicsLayer({ title: 'Review', listMode: 'hide' });
    const layers = [
      ...(contextLayerUrl
        ? [
            new sdk.GeoJSONLayer({
              url: new URL(contextLayerUrl, globalThis.location?.href).href,
              title: 'Streets',
              renderer: new sdk.SimpleRenderer({
                symbol: new sdk.SimpleLineSymbol({ color: [150, 150, 150], width: 1 }),
              }),
            }),
          ]
        : []),
      graphics,
    ];
    const view = new sdk.MapView({
      container,
      map: new sdk.Map({ layers }),
      center: [center[0], center[1]],
      // A scale, not a zoom level: without a tiled basemap the view has no levels of detail.
      scale: SITE_SCALE,
      spatialReference: { wkid: 3857 },
      constraints: { snapToZoom: false, rotationEnabled: false },
    });
    view.ui.components = ['zoom'];
    this.view = view;
    await view.when();
    if (this.destroyed) return;
    this.layer = graphics;
    this.handles.push(
      view.on('click', (event) => {
        const p = event.mapPoint;
        if (p && typeof p.longitude === 'number' && typeof p.latitude === 'number')
          this.onMapClick?.([p.longitude, p.latitude]);
      }),
    );
    this.redraw(true);
  }

  show(scene: ReviewScene): void {
    const recenter = scene.site?.join() !== this.scene?.site?.join();
    this.scene = scene;
    this.redraw(recenter);
  }

  private redraw(recenter: boolean): void {
    const sdk = this.sdk;
    const layer = this.layer;
    const scene = this.scene;
    if (!sdk || !layer || !scene) return;
    const point = (p: LonLat) =>
      new sdk.Point({ x: p[0], y: p[1], spatialReference: { wkid: 4326 } });
    const graphics = [
      ...scene.cameras.map(
        (c) =>
          new sdk.Graphic({
            geometry: point(c),
            symbol: new sdk.SimpleMarkerSymbol({
              style: 'diamond',
              color: [0, 94, 162],
              size: 10,
              outline: { color: [255, 255, 255], width: 1.5 },
            }),
          }),
      ),
      ...(scene.site
        ? [
            new sdk.Graphic({
              geometry: point(scene.site),
              symbol: new sdk.SimpleMarkerSymbol({
                style: 'circle',
                color: [27, 27, 27],
                size: 14,
                outline: { color: [255, 255, 255], width: 2 },
              }),
            }),
          ]
        : []),
      ...(scene.target
        ? [
            new sdk.Graphic({
              geometry: point(scene.target),
              symbol: new sdk.SimpleMarkerSymbol({
                style: 'x',
                color: [192, 86, 0],
                size: 18,
                outline: { color: [192, 86, 0], width: 4 },
              }),
            }),
          ]
        : []),
    ];
    layer.removeAll();
    layer.addMany(graphics);
    if (recenter && scene.site && this.view)
      this.view
        .goTo({ target: point(scene.site), scale: SITE_SCALE }, { animate: false })
        .catch(() => undefined);
  }

  destroy(): void {
    this.destroyed = true;
    for (const handle of this.handles) handle.remove();
    this.handles = [];
    this.layer = null;
    const view = this.view;
    this.view = null;
    // Let a view that is still drawing settle before its workers close.
    if (view) setTimeout(() => view.destroy(), 500);
  }
}
