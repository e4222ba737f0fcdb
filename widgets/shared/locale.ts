/** Languages every widget speaks; anything else falls back to English. */
export type Locale = 'en' | 'es';

/** The host page's language: the nearest `[lang]` up the tree (through shadow roots). */
export function resolveLocale(element: Element): Locale {
  let node: Node | null = element;
  while (node) {
    if (node instanceof Element && node.hasAttribute('lang')) {
      return (node.getAttribute('lang') ?? '').toLowerCase().startsWith('es') ? 'es' : 'en';
    }
    node = node instanceof ShadowRoot ? node.host : node.parentNode;
  }
  return 'en';
}
