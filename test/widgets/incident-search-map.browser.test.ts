import type Point from '@arcgis/core/geometry/Point.js';
import GraphicsLayer from '@arcgis/core/layers/GraphicsLayer.js';
import EsriMap from '@arcgis/core/Map.js';
import MapView from '@arcgis/core/views/MapView.js';
import axe from 'axe-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ArcgisMapAdapter, type MapAdapter } from '../../widgets/incident-search/map-adapter.js';
import {
  $,
  busyIncidentPoint,
  fillSearch,
  mount,
  shadow,
  signIn,
  submitSearch,
  tableIds,
  tokenFor,
  until,
} from './incident-search-helpers.js';

let incident: [number, number] = [0, 0];
const cleanup: (() => void)[] = [];

beforeAll(async () => {
  incident = await busyIncidentPoint(await tokenFor('analyst1'), 1000 * 0.3048);
});

afterEach(() => {
  for (const undo of cleanup.splice(0)) undo();
});

class RecordingAdapter extends ArcgisMapAdapter {
  readonly selections: (number | null)[] = [];
  override select(id: number | null): void {
    this.selections.push(id);
    super.select(id);
  }
}

describe('<cam-incident-search> map', () => {
  it('draws the search and keeps map and list selection in step', async () => {
    await page.viewport(1400, 1000);
    const adapter = new RecordingAdapter('/assets');
    const element = mount({ mapAdapter: adapter });
    cleanup.push(() => element.remove());
    await signIn(element);
    const view = await until(() => adapter.mapView?.ready && adapter.mapView, 'the map view');
    await fillSearch(element, `M-${Date.now().toString(36)}`, incident);
    await submitSearch(element);
    await element.updateComplete;
    const ids = tableIds(element);
    expect(ids.length).toBeGreaterThan(1);

    // The results layer: buffer, wedges, one marker per camera, the incident.
    const layer = view.map?.layers.find((l) => l.title === 'Incident search') as GraphicsLayer;
    const markers = layer.graphics.filter(
      (g) => g.geometry?.type === 'point' && g.attributes?.cameraId !== undefined,
    );
    expect(markers.length).toBe(ids.length);

    // List → map.
    $<HTMLButtonElement>(element, `#row-${ids[1]}`).click();
    await element.updateComplete;
    expect(adapter.selections.at(-1)).toBe(ids[1]);
    const chosen = layer.graphics.find(
      (g) => g.geometry?.type === 'point' && g.attributes?.cameraId === ids[1],
    );
    expect((chosen?.symbol as { size?: number } | null)?.size).toBe(16);

    // Map → list: a real click on a marker selects the camera drawn on top there.
    await until(() => !view.updating, 'the map to settle');
    const first = layer.graphics.find(
      (g) => g.geometry?.type === 'point' && g.attributes?.cameraId === ids[0],
    );
    const screen = view.toScreen(first?.geometry as Point);
    if (!screen) throw new Error('marker off screen');
    const hit = await view.hitTest(screen, { include: [layer] });
    // Wedges and the ring carry no camera; the marker is the first hit that does.
    const top = hit.results.find(
      (r) => 'graphic' in r && typeof r.graphic.attributes?.cameraId === 'number',
    );
    const target =
      top && 'graphic' in top ? (top.graphic.attributes as { cameraId: number }).cameraId : NaN;
    expect(ids).toContain(target);
    const surface = $<HTMLElement>(element, '.map-view');
    await userEvent.click(surface, {
      position: { x: Math.round(screen.x), y: Math.round(screen.y) },
    });
    await until(
      () => $(element, `tr[data-camera-id="${target}"]`).getAttribute('aria-current') === 'true',
      'the clicked camera selected in the list',
    );
    // Focus follows the selection on the next frame; under load that can come a moment later.
    await until(
      () => shadow(element).activeElement?.id === `row-${target}`,
      'focus on the row of the clicked camera',
    ).catch((error: unknown) => {
      const active = shadow(element).activeElement ?? document.activeElement;
      throw new Error(
        `${String(error)}; focus is on <${active?.tagName.toLowerCase() ?? 'nothing'}` +
          ` id="${active?.id ?? ''}" class="${active?.className ?? ''}">`,
      );
    });
    expect(adapter.selections.at(-1)).toBe(target);

    // A click away from any camera moves the incident point there.
    await userEvent.click(surface, {
      position: { x: 12, y: Math.round(surface.clientHeight - 12) },
    });
    await until(
      () => $(element, '#location-status').textContent?.includes('Point on the map'),
      'the clicked point',
    );
  });

  it('works without a map when the map cannot load, and says so', async () => {
    const broken: MapAdapter = {
      mount: () => Promise.reject(new Error('WebGL unavailable')),
      showIncident: () => undefined,
      showScene: () => undefined,
      select: () => undefined,
      screenshot: () => Promise.resolve(null),
      destroy: () => undefined,
      onMapClick: null,
      onCameraClick: null,
    };
    const element = mount({ mapAdapter: broken });
    cleanup.push(() => element.remove());
    await signIn(element);
    await until(() => shadow(element).querySelector('.map-wrap.failed'), 'the map failure note');
    expect($(element, '.map-wrap').textContent).toContain('The map could not be shown here');
    await fillSearch(element, `NM-${Date.now().toString(36)}`, incident);
    expect(await submitSearch(element)).toBeGreaterThan(0);
    expect(tableIds(element).length).toBeGreaterThan(0);
    expect((await axe.run(element)).violations).toEqual([]);
  });

  it("draws into a host's MapView instead of its own", async () => {
    const container = document.createElement('div');
    container.style.cssText = 'width: 600px; height: 400px';
    document.body.append(container);
    const hostLayer = new GraphicsLayer({ title: 'Host layer' });
    const view = new MapView({
      container,
      map: new EsriMap({ layers: [hostLayer] }),
      center: [incident[0], incident[1]],
      zoom: 16,
      spatialReference: { wkid: 3857 },
    });
    const element = mount({ view });
    cleanup.push(() => {
      element.remove();
      container.remove();
    });
    await signIn(element);
    await view.when();
    expect(shadow(element).querySelector('.map-wrap')).toBeNull();
    await fillSearch(element, `H-${Date.now().toString(36)}`, incident);
    const count = await submitSearch(element);
    const layer = await until(
      () =>
        view.map?.layers.find((l) => l.title === 'Incident search') as GraphicsLayer | undefined,
      'our layer in the host map',
    );
    const markers = layer.graphics.filter(
      (g) => g.attributes?.cameraId !== undefined && g.geometry?.type === 'point',
    );
    expect(markers.length).toBe(count);
    expect(view.map?.layers.includes(hostLayer)).toBe(true);
    element.remove();
    expect(view.map?.layers.find((l) => l.title === 'Incident search')).toBeUndefined();
    expect(view.destroyed).toBe(false);
    // Destroying a view mid-update rejects its workers' jobs where nobody can catch them.
    await until(() => view.stationary && !view.updating, 'the host map to settle');
    await new Promise((resolve) => setTimeout(resolve, 500));
    view.destroy();
  });
});
