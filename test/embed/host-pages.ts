/**
 * The plain city pages the embed tests host the widgets on, shared by the page server (Node)
 * and the tests (browser): which widget markup each page carries and which attributes the
 * city gave the widget's element (those must come out unchanged).
 */
export type HostPageKind = 'registration' | 'incident-search';

export interface HostPage {
  readonly heading: string;
  readonly tag: 'cam-registration' | 'cam-incident-search';
  readonly bundle: string;
  /** The attributes the city writes on the widget's element. */
  readonly attributes: (widgetOrigin: string) => Readonly<Record<string, string>>;
}

export const HOST_PAGES: Readonly<Record<HostPageKind, HostPage>> = {
  registration: {
    heading: 'Register your cameras',
    tag: 'cam-registration',
    bundle: 'cam-registration.js',
    attributes: (origin) => ({
      id: 'registry',
      'config-url': `${origin}/embed/registration.json`,
      'data-cms-block': '42',
    }),
  },
  'incident-search': {
    heading: 'Find registered cameras',
    tag: 'cam-incident-search',
    bundle: 'cam-incident-search.js',
    attributes: (origin) => ({
      id: 'search',
      'config-url': `${origin}/embed/incident-search.json`,
      'data-cms-block': '7',
    }),
  },
};

/** Fills the page template: the widget's element, and its bundle's script tag unless `control`. */
export function fillHostPage(
  template: string,
  kind: HostPageKind,
  widgetOrigin: string,
  control: boolean,
): string {
  const page = HOST_PAGES[kind];
  const attributes = Object.entries(page.attributes(widgetOrigin))
    .map(([name, value]) => ` ${name}="${value}"`)
    .join('');
  return template
    .replace('{{HEADING}}', page.heading)
    .replace('{{WIDGET}}', `<${page.tag}${attributes}></${page.tag}>`)
    .replace(
      '{{SCRIPT}}',
      control ? '' : `<script type="module" src="${widgetOrigin}/embed/${page.bundle}"></script>`,
    );
}
