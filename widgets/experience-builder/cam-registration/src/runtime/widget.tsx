/**
 * The registration widget in Experience Builder: `<cam-registration>` with the settings the
 * builder stores, in the app's language, its small map drawn on the basemap of the map widget
 * chosen in the settings. The element is built against Experience Builder's own ArcGIS Maps
 * SDK (`esri/*`), so the app loads one SDK, with its asset path.
 */
import esriConfig from 'esri/config';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import { hooks, React, type AllWidgetProps, type IMState } from 'jimu-core';
import { JimuMapViewComponent, type JimuMapView } from 'jimu-arcgis';
import type { Config } from '../config';
import defaultMessages from './translations/default';
import './cam-registration-element';

/** The properties of `<cam-registration>` this widget sets. */
interface RegistrationElement extends HTMLElement {
  configUrl?: string;
  serviceUrl?: string;
  geocoderUrl?: string;
  assetsPath?: string;
  basemap?: string;
  mode: 'register' | 'manage';
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- how React types custom elements
  namespace JSX {
    interface IntrinsicElements {
      'cam-registration': DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement>;
    }
  }
}

interface ExtraProps {
  readonly locale: string;
}

/** The chosen map's basemap as a portal item id, which the registration map can load. */
function basemapOf(jimuMapView: JimuMapView | null): string | undefined {
  const view = jimuMapView?.mapComponent?.view ?? jimuMapView?.view;
  return view?.map?.basemap?.portalItem?.id ?? undefined;
}

export default function Widget(props: AllWidgetProps<Config> & ExtraProps) {
  const translate = hooks.useTranslation(defaultMessages);
  const element = React.useRef<RegistrationElement>(null);
  const [jimuMapView, setJimuMapView] = React.useState<JimuMapView | null>(null);
  const { configUrl, serviceUrl, geocoderUrl, mode } = props.config;
  const mapWidgetId = props.useMapWidgetIds?.[0];

  // Before the element's first render: an empty setting leaves the config file's value.
  React.useLayoutEffect(() => {
    const widget = element.current;
    if (!widget) return;
    widget.configUrl = configUrl || undefined;
    widget.serviceUrl = serviceUrl || undefined;
    widget.geocoderUrl = geocoderUrl || undefined;
    widget.mode = mode === 'manage' ? 'manage' : 'register';
    widget.basemap = basemapOf(jimuMapView);
    // The app's SDK assets, so that the element never points the shared SDK elsewhere.
    if (esriConfig.assetsPath) widget.assetsPath = esriConfig.assetsPath;
  }, [configUrl, serviceUrl, geocoderUrl, mode, jimuMapView]);

  if (!configUrl && !serviceUrl) {
    return (
      <div className="jimu-widget widget-cam-registration">
        <p>{translate('notConfigured')}</p>
      </div>
    );
  }
  return (
    <div
      className="jimu-widget widget-cam-registration"
      lang={props.locale}
      style={{ overflow: 'auto', height: '100%' }}
    >
      {mapWidgetId ? (
        <JimuMapViewComponent useMapWidgetId={mapWidgetId} onActiveViewChange={setJimuMapView} />
      ) : null}
      <cam-registration ref={element}></cam-registration>
    </div>
  );
}

Widget.mapExtraStateProps = (state: IMState): ExtraProps => ({
  locale: state.appContext.locale,
});
