/**
 * The few Experience Builder (`jimu-*`) types the widgets use, declared from the developer
 * documentation and Esri's widget samples: the packages come with Experience Builder and are
 * not published to npm. Only for type checking here; Experience Builder brings the real ones.
 *
 * @see https://developers.arcgis.com/experience-builder/guide/extend-base-widget/
 * @see https://developers.arcgis.com/experience-builder/guide/use-mapview-sceneview-in-a-widget/
 */
declare module 'jimu-core' {
  import type * as ReactModule from 'react';

  /** Experience Builder's copy of React. */
  export const React: typeof ReactModule;

  /** A seamless-immutable object: read like the plain one, changed through `set`. */
  export type ImmutableObject<T> = Readonly<T> & {
    set<K extends keyof T>(key: K, value: T[K]): ImmutableObject<T>;
  };
  export type ImmutableArray<T> = readonly T[];

  /** The app's state; widgets read parts of it through `mapExtraStateProps`. */
  export interface IMState {
    readonly appContext: { readonly locale: string };
  }

  /** Props of a widget's runtime component. */
  export interface AllWidgetProps<Config> {
    readonly id: string;
    readonly label?: string;
    readonly config: Config;
    /** The map widgets chosen in the settings (`MapWidgetSelector`). */
    readonly useMapWidgetIds?: ImmutableArray<string>;
  }

  /** An arcgis-rest-js session: the signed-in user and tokens for the portal's servers. */
  export interface Session {
    readonly username?: string;
    readonly portal?: string;
    getToken(url: string): Promise<string>;
  }

  /** The app's sign-in sessions. */
  export class SessionManager {
    static getInstance(): SessionManager;
    /** The signed-in user's session; null in an app opened anonymously. */
    getMainSession(): Session | null;
  }

  export const hooks: {
    /** Strings by id from the given translation objects (the app's locale first). */
    useTranslation(
      ...messages: readonly Record<string, string>[]
    ): (id: string, values?: Record<string, unknown>) => string;
  };
}

declare module 'jimu-arcgis' {
  import type { ReactElement } from 'react';
  import type MapView from 'esri/views/MapView';
  import type SceneView from 'esri/views/SceneView';

  /** A map widget's view, as Experience Builder shares it between widgets. */
  export interface JimuMapView {
    readonly id: string;
    readonly mapWidgetId: string;
    /** The map widget's `<arcgis-map>` element (the current way to reach the view). */
    readonly mapComponent?: HTMLElement & { readonly view?: MapView | SceneView };
    /** @deprecated Use {@link mapComponent}. */
    readonly view?: MapView | SceneView;
    whenJimuMapViewLoaded(): Promise<JimuMapView>;
  }

  export interface JimuMapViewComponentProps {
    readonly useMapWidgetId: string;
    readonly onActiveViewChange?: (view: JimuMapView | null) => void;
  }

  /** Renders nothing; reports the chosen map widget's active view. */
  export function JimuMapViewComponent(props: JimuMapViewComponentProps): ReactElement | null;
}

declare module 'jimu-for-builder' {
  import type { ImmutableArray } from 'jimu-core';

  /** Props of a widget's settings panel. */
  export interface AllWidgetSettingProps<Config> {
    readonly id: string;
    readonly config: Config;
    readonly useMapWidgetIds?: ImmutableArray<string>;
    onSettingChange(change: {
      readonly id: string;
      readonly config?: Config;
      readonly useMapWidgetIds?: readonly string[];
    }): void;
  }
}

declare module 'jimu-ui' {
  import type { ReactElement } from 'react';

  /** A text box that reports its value when accepted (Enter or leaving it). */
  export function TextInput(props: {
    readonly id?: string;
    readonly type?: 'text' | 'url';
    readonly defaultValue?: string;
    readonly placeholder?: string;
    readonly 'aria-label'?: string;
    readonly onAcceptValue?: (value: string) => void;
  }): ReactElement;

  export function Select(props: {
    readonly value?: string;
    readonly 'aria-label'?: string;
    readonly onChange?: (event: { readonly target: { readonly value: string } }) => void;
    readonly children?: ReactElement | readonly ReactElement[];
  }): ReactElement;

  export function Option(props: {
    readonly value: string;
    readonly children?: string;
  }): ReactElement;
}

declare module 'jimu-ui/advanced/setting-components' {
  import type { ReactElement, ReactNode } from 'react';

  export function SettingSection(props: {
    readonly title?: string;
    readonly children?: ReactNode;
  }): ReactElement;

  export function SettingRow(props: {
    readonly label?: string;
    readonly flow?: 'wrap' | 'no-wrap';
    readonly children?: ReactNode;
  }): ReactElement;

  /** Picks the map widgets a widget works with. */
  export function MapWidgetSelector(props: {
    readonly useMapWidgetIds?: readonly string[];
    readonly onSelect: (useMapWidgetIds: string[]) => void;
  }): ReactElement;
}
