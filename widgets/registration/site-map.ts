/**
 * The small map of the registration form, loaded with `import()` only when a site point
 * exists, so the first step's JavaScript stays small. It shows the site pin (draggable) and
 * the cameras' view wedges (drag to aim the selected camera). No internet basemap: a
 * configured basemap, or the city's street lines as GeoJSON on a plain background.
 *
 * Everything a keyboard user needs (moving the pin, pointing a camera) also exists outside
 * the map, so a map that cannot load (no WebGL) loses nothing.
 */
import esriConfig from '@arcgis/core/config.js';
import Graphic from '@arcgis/core/Graphic.js';
import EsriMap from '@arcgis/core/Map.js';
import Basemap from '@arcgis/core/Basemap.js';
import Point from '@arcgis/core/geometry/Point.js';
import Polygon from '@arcgis/core/geometry/Polygon.js';
import GeoJSONLayer from '@arcgis/core/layers/GeoJSONLayer.js';
import GraphicsLayer from '@arcgis/core/layers/GraphicsLayer.js';
import TileLayer from '@arcgis/core/layers/TileLayer.js';
import WebTileLayer from '@arcgis/core/layers/WebTileLayer.js';
import SimpleRenderer from '@arcgis/core/renderers/SimpleRenderer.js';
import SimpleFillSymbol from '@arcgis/core/symbols/SimpleFillSymbol.js';
import SimpleLineSymbol from '@arcgis/core/symbols/SimpleLineSymbol.js';
import SimpleMarkerSymbol from '@arcgis/core/symbols/SimpleMarkerSymbol.js';
import MapView from '@arcgis/core/views/MapView.js';
import ColorBackground from '@arcgis/core/webmap/background/ColorBackground.js';
import type { LonLat } from '../../src/core/registration/change-request.js';
import { localBearingDegrees, viewWedgeRing } from '../../src/core/registration/camera-view.js';

/** A camera as the map draws it. */
export interface SiteMapCamera {
  readonly location: LonLat;
  readonly bearing: number | null;
  readonly fov: number | null;
  /** The camera that dragging on the map points. */
  readonly active: boolean;
}

export interface SiteMapState {
  readonly site: LonLat;
  readonly cameras: readonly SiteMapCamera[];
  /** `pin`: drag or click moves the site pin; `aim`: dragging points the active camera. */
  readonly mode: 'pin' | 'aim';
}

export interface SiteMapOptions extends SiteMapState {
  readonly container: HTMLDivElement;
  readonly assetsPath: string;
  readonly basemap?: string;
  readonly contextLayerUrl?: string;
  /** The accent colour, `#rrggbb`. */
  readonly accent?: string;
  readonly onPinMoved?: (point: LonLat) => void;
  readonly onAim?: (bearing: number) => void;
}

/** A live map; `update` redraws, `destroy` releases the view. */
export interface SiteMap {
  update(state: SiteMapState): void;
  destroy(): void;
}

/** About 70 cm a pixel: the house, its street and the next block. */
const SITE_SCALE = 2_500;
/** Metres a wedge is drawn deep (for drawing only; range is not asked for). */
const WEDGE_METERS = 25;
/** Pointer distance, in pixels, within which a drag picks up the pin. */
const PIN_GRAB_PIXELS = 28;

function hasWebGl2(): boolean {
  try {
    return document.createElement('canvas').getContext('webgl2') !== null;
  } catch {
    return false;
  }
}

function basemapFor(spec: string): Basemap | string {
  if (/^(https?:)?\/\//.test(spec) || spec.startsWith('/')) {
    const tiled = /\{(level|z)\}/.test(spec)
      ? new WebTileLayer({
          urlTemplate: spec
            .replace('{z}', '{level}')
            .replace('{x}', '{col}')
            .replace('{y}', '{row}'),
        })
      : new TileLayer({ url: spec });
    return new Basemap({ baseLayers: [tiled] });
  }
  if (/^[0-9a-f]{32}$/i.test(spec)) return new Basemap({ portalItem: { id: spec } });
  return spec;
}

/** `#rrggbb` as `[r, g, b]`; anything else is the default accent. */
function rgbOf(hex: string): [number, number, number] {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!match) return [0, 94, 162];
  return [1, 2, 3].map((i) => Number.parseInt(match[i] as string, 16)) as [number, number, number];
}

function lonLatOf(point: Point): LonLat {
  return { x: point.longitude ?? point.x, y: point.latitude ?? point.y };
}

/**
 * Creates the map in `container`. Rejects when the device cannot draw it (no WebGL2) or
 * the view fails to start; the form then carries on without it.
 */
export async function createSiteMap(options: SiteMapOptions): Promise<SiteMap> {
  if (!hasWebGl2()) throw new Error('WebGL2 is not available');
  esriConfig.assetsPath = options.assetsPath;
  const [r, g, b] = rgbOf(options.accent ?? '#005ea2');
  const accent = [r, g, b, 1];

  const layers = [];
  if (!options.basemap && options.contextLayerUrl) {
    layers.push(
      new GeoJSONLayer({
        url: options.contextLayerUrl,
        renderer: new SimpleRenderer({
          symbol: new SimpleLineSymbol({ color: [150, 150, 150, 1], width: 2 }),
        }),
      }),
    );
  }
  const wedges = new GraphicsLayer();
  const pins = new GraphicsLayer();
  layers.push(wedges, pins);
  const map = new EsriMap({
    ...(options.basemap ? { basemap: basemapFor(options.basemap) } : {}),
    layers,
  });
  const view = new MapView({
    container: options.container,
    map,
    center: [options.site.x, options.site.y],
    // Scales, not zoom levels: without a tiled basemap the view has no levels of detail.
    scale: SITE_SCALE,
    constraints: { minScale: 50_000, maxScale: 250, rotationEnabled: false },
    ...(options.basemap
      ? {}
      : {
          spatialReference: { wkid: 3857 },
          background: new ColorBackground({ color: [246, 244, 239, 1] }),
        }),
  });
  view.ui.components = [];
  // Esri attribution is owed for Esri basemaps; the offline context layer is the city's own.
  view.attributionVisible = Boolean(options.basemap);

  let state: SiteMapState = options;
  const pinGraphic = new Graphic({
    symbol: new SimpleMarkerSymbol({
      style: 'circle',
      size: 18,
      color: accent,
      outline: { color: [255, 255, 255, 1], width: 3 },
    }),
  });
  pins.add(pinGraphic);

  const draw = () => {
    pinGraphic.geometry = new Point({ longitude: state.site.x, latitude: state.site.y });
    wedges.removeAll();
    for (const camera of state.cameras) {
      const known = camera.bearing !== null;
      const fov = known ? (camera.fov ?? 90) : 360;
      const ring = viewWedgeRing(
        camera.location,
        camera.bearing ?? 0,
        fov,
        known ? WEDGE_METERS : WEDGE_METERS / 3,
      );
      wedges.add(
        new Graphic({
          geometry: new Polygon({ rings: [ring], spatialReference: { wkid: 4326 } }),
          symbol: new SimpleFillSymbol({
            color: [r, g, b, camera.active ? 0.35 : 0.15],
            outline: new SimpleLineSymbol({
              color: camera.active ? accent : [r, g, b, 0.6],
              width: camera.active ? 2 : 1,
              style: known ? 'solid' : 'dash',
            }),
          }),
        }),
      );
      wedges.add(
        new Graphic({
          geometry: new Point({ longitude: camera.location.x, latitude: camera.location.y }),
          symbol: new SimpleMarkerSymbol({
            style: 'square',
            size: 9,
            color: [27, 27, 27, 1],
            outline: { color: [255, 255, 255, 1], width: 1 },
          }),
        }),
      );
    }
  };
  draw();

  let draggingPin = false;
  let aiming = false;
  let pressedAt: { x: number; y: number } | undefined;
  const handles = [
    view.on('pointer-down', (event) => {
      pressedAt = { x: event.x, y: event.y };
    }),
    view.on('drag', (event) => {
      const mapPoint = view.toMap({ x: event.x, y: event.y });
      if (event.action === 'start') {
        const pinScreen = view.toScreen(
          new Point({ longitude: state.site.x, latitude: state.site.y }),
        );
        // Where the pointer went down, not where the drag was recognised (a fast pointer
        // is already well past the pin by then).
        const from = pressedAt ?? event.origin;
        draggingPin =
          state.mode === 'pin' &&
          pinScreen != null &&
          Math.hypot(pinScreen.x - from.x, pinScreen.y - from.y) <= PIN_GRAB_PIXELS;
        aiming = state.mode === 'aim' && state.cameras.some((c) => c.active);
      }
      if (!draggingPin && !aiming) return;
      event.stopPropagation();
      if (!mapPoint) return;
      const here = lonLatOf(mapPoint);
      if (draggingPin) {
        pinGraphic.geometry = mapPoint;
        if (event.action === 'end') {
          draggingPin = false;
          options.onPinMoved?.(here);
        }
      } else {
        const camera = state.cameras.find((c) => c.active);
        if (camera) options.onAim?.(localBearingDegrees(camera.location, here));
        if (event.action === 'end') aiming = false;
      }
    }),
    view.on('click', (event) => {
      if (state.mode !== 'pin') return;
      event.stopPropagation();
      options.onPinMoved?.(lonLatOf(event.mapPoint));
    }),
  ];

  try {
    await view.when();
  } catch (error) {
    for (const handle of handles) handle.remove();
    view.destroy();
    throw error;
  }

  return {
    update(next) {
      const moved = next.site.x !== state.site.x || next.site.y !== state.site.y;
      state = next;
      draw();
      // Keep the pin in sight after it is moved from outside the map (buttons, keys).
      const pin = new Point({ longitude: state.site.x, latitude: state.site.y });
      if (moved && !view.extent?.contains(pin)) {
        void view.goTo(pin, { animate: false }).catch(() => undefined);
      }
    },
    destroy() {
      for (const handle of handles) handle.remove();
      view.destroy();
    },
  };
}
