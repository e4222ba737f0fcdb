/**
 * The small part of Leaflet 1.9 and esri-leaflet 3.1 the compatibility tests use. Neither
 * package ships types (and the project adds no @types packages for a test), so these are
 * written from their sources: leaflet/src/map/Map.js, layer/vector/CircleMarker.js;
 * esri-leaflet/src/Layers/FeatureLayer/{FeatureManager,FeatureLayer}.js, Tasks/Query.js,
 * Services/FeatureLayerService.js, Request.js.
 */
declare module 'leaflet' {
  export const version: string;
  export interface LatLng {
    readonly lat: number;
    readonly lng: number;
  }
  export interface LatLngBounds {
    contains(latlng: LatLng): boolean;
    getSouthWest(): LatLng;
    getNorthEast(): LatLng;
  }
  export function latLngBounds(
    southWest: [number, number],
    northEast: [number, number],
  ): LatLngBounds;

  export interface Renderer {
    readonly _leaflet_renderer?: never;
  }
  export function canvas(): Renderer;

  export interface Layer {
    addTo(map: Map): this;
    remove(): this;
  }
  export interface CircleMarker extends Layer {
    getLatLng(): LatLng;
  }
  export function circleMarker(
    latlng: LatLng,
    options?: { renderer?: Renderer; radius?: number },
  ): CircleMarker;

  export interface MapOptions {
    attributionControl?: boolean;
    zoomControl?: boolean;
    fadeAnimation?: boolean;
    zoomAnimation?: boolean;
    markerZoomAnimation?: boolean;
    preferCanvas?: boolean;
  }
  export interface Map {
    fitBounds(bounds: LatLngBounds, options?: { animate?: boolean }): this;
    getBounds(): LatLngBounds;
    getZoom(): number;
    hasLayer(layer: Layer): boolean;
    remove(): this;
  }
  export function map(element: HTMLElement, options?: MapOptions): Map;
}

declare module 'esri-leaflet' {
  import type { CircleMarker, LatLng, LatLngBounds, Layer, Renderer } from 'leaflet';

  export interface GeoJsonPoint {
    type: 'Feature';
    id?: number;
    geometry: { type: 'Point'; coordinates: [number, number] };
    properties: Record<string, unknown>;
  }
  export interface FeatureCollection {
    type: 'FeatureCollection';
    features: GeoJsonPoint[];
  }

  /** What the server's `{ error }` envelope or a per-feature result's `error` becomes. */
  export interface EsriError {
    code: number | string;
    message?: string;
    description?: string;
    details?: string[];
  }
  export interface EditResult {
    objectId: number;
    globalId?: string | null;
    success: boolean;
    error?: EsriError;
  }
  export type Callback<T> = (error: EsriError | undefined, result: T) => void;

  export interface Query {
    intersects(geometry: LatLngBounds): this;
    where(where: string): this;
    fields(fields: string[]): this;
    run(
      callback: (error: EsriError | undefined, features: FeatureCollection, raw: unknown) => void,
    ): unknown;
    count(callback: Callback<number>): unknown;
    ids(callback: Callback<number[]>): unknown;
  }

  export interface FeatureLayerOptions {
    url: string;
    token?: string;
    where?: string;
    fields?: string[];
    fetchAllFeatures?: boolean;
    pointToLayer?: (feature: GeoJsonPoint, latlng: LatLng) => CircleMarker;
    renderer?: Renderer;
  }
  export interface FeatureLayer extends Layer {
    on(event: 'load', handler: () => void): this;
    on(event: 'drawlimitexceeded', handler: () => void): this;
    eachFeature(fn: (layer: CircleMarker & { feature: GeoJsonPoint }) => void): this;
    getFeature(id: number): (CircleMarker & { feature: GeoJsonPoint }) | undefined;
    query(): Query;
    /** The callback gets `null` when every cell's query succeeded. */
    setWhere(where: string, callback?: (error: EsriError | null) => void): this;
    addFeature(feature: GeoJsonPoint, callback: Callback<EditResult | undefined>): void;
    updateFeature(feature: GeoJsonPoint, callback: Callback<EditResult | undefined>): void;
    deleteFeature(id: number, callback: Callback<EditResult | undefined>): void;
  }
  export function featureLayer(options: FeatureLayerOptions): FeatureLayer;
  export const VERSION: string;
}
