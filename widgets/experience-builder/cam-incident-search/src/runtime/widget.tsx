/**
 * The officer search in Experience Builder: `<cam-incident-search>` drawing on the map widget
 * chosen in the settings (its `JimuMapView`, not a second map), signed in with the app's own
 * session when there is one (the element asks for a sign-in otherwise), in the app's language.
 * The element is built against Experience Builder's own ArcGIS Maps SDK (`esri/*`).
 */
import esriConfig from 'esri/config';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import {
  hooks,
  React,
  SessionManager,
  type AllWidgetProps,
  type IMState,
  type Session,
} from 'jimu-core';
import { JimuMapViewComponent, type JimuMapView } from 'jimu-arcgis';
import type { Config } from '../config';
import defaultMessages from './translations/default';
import './cam-incident-search-element';

/** The properties of `<cam-incident-search>` this widget sets. */
interface IncidentSearchElement extends HTMLElement {
  configUrl?: string;
  config: Record<string, unknown>;
  view?: unknown;
  credential?: unknown;
  assetsPath?: string;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- how React types custom elements
  namespace JSX {
    interface IntrinsicElements {
      'cam-incident-search': DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement>;
    }
  }
}

interface ExtraProps {
  readonly locale: string;
}

export default function Widget(props: AllWidgetProps<Config> & ExtraProps) {
  const translate = hooks.useTranslation(defaultMessages);
  const element = React.useRef<IncidentSearchElement>(null);
  const [jimuMapView, setJimuMapView] = React.useState<JimuMapView | null>(null);
  const { configUrl, serviceUrl, geocodeUrl, radiusUnit } = props.config;
  const mapWidgetId = props.useMapWidgetIds?.[0];

  // Before the element's first render: an empty setting leaves the config file's value.
  React.useLayoutEffect(() => {
    const widget = element.current;
    if (!widget || !jimuMapView) return;
    const config: Record<string, unknown> = { radiusUnit: radiusUnit === 'm' ? 'm' : 'ft' };
    if (serviceUrl) config.serviceUrl = serviceUrl;
    if (geocodeUrl) config.geocodeUrl = geocodeUrl;
    widget.config = config;
    widget.configUrl = configUrl || undefined;
    // The app's SDK assets, so that the element never points the shared SDK elsewhere.
    if (esriConfig.assetsPath) widget.assetsPath = esriConfig.assetsPath;
    // The app's map and sign-in: the search draws on the map widget's view.
    widget.view = jimuMapView.mapComponent ?? jimuMapView.view;
    const session: Session | null = SessionManager.getInstance().getMainSession();
    if (session) widget.credential = session;
  }, [configUrl, serviceUrl, geocodeUrl, radiusUnit, jimuMapView]);

  const message = !configUrl && !serviceUrl ? 'notConfigured' : !mapWidgetId ? 'chooseMap' : null;
  if (message || !mapWidgetId) {
    return (
      <div className="jimu-widget widget-cam-incident-search">
        <p>{translate(message ?? 'chooseMap')}</p>
      </div>
    );
  }
  return (
    <div
      className="jimu-widget widget-cam-incident-search"
      lang={props.locale}
      style={{ overflow: 'auto', height: '100%' }}
    >
      <JimuMapViewComponent useMapWidgetId={mapWidgetId} onActiveViewChange={setJimuMapView} />
      {jimuMapView ? <cam-incident-search ref={element}></cam-incident-search> : null}
    </div>
  );
}

Widget.mapExtraStateProps = (state: IMState): ExtraProps => ({
  locale: state.appContext.locale,
});
