/**
 * The embed pages' own script (never part of a widget bundle): the page's language from
 * `?lang=es` (the widgets follow it), the registration mode from `?mode=manage`, and, when the officer page is the
 * OAuth sign-in popup's redirect, handing the code back to the widget that opened it.
 */
import { completeOAuthSignIn } from '../../widgets/incident-search/sign-in.js';

const params = new URLSearchParams(location.search);
const lang = params.get('lang');
if (lang === 'en' || lang === 'es') document.documentElement.lang = lang;
const title = document.querySelector<HTMLElement>('h1[data-es]');
if (lang === 'es' && title?.dataset.es) title.textContent = title.dataset.es;

const registration = document.querySelector('cam-registration');
if (registration && params.get('mode') === 'manage') registration.setAttribute('mode', 'manage');

const search = document.querySelector('cam-incident-search');
const configUrl = search?.getAttribute('config-url');
if (search && configUrl && globalThis.opener && params.has('code')) {
  const settings = (await (await fetch(configUrl)).json()) as Record<string, unknown>;
  const { oauthClientId, portalUrl, oauthRedirectUri } = settings;
  if (typeof oauthClientId === 'string' && typeof portalUrl === 'string') {
    await completeOAuthSignIn({
      clientId: oauthClientId,
      portalUrl: new URL(portalUrl, new URL(configUrl, location.href)).href,
      redirectUri:
        typeof oauthRedirectUri === 'string'
          ? oauthRedirectUri
          : `${location.origin}${location.pathname}`,
    });
  }
}
