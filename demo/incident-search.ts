/**
 * Demo page of `<cam-incident-search>` on the local server: the example config, a language
 * switch, and the OAuth redirect handled in place when the page is the sign-in popup.
 */
import config from '../config/incident-search.example.json';
import { completeOAuthSignIn } from '../widgets/incident-search/index.js';
import type { IncidentSearchConfig } from '../src/core/search/search-config.js';

const settings = config as unknown as Partial<IncidentSearchConfig>;
const params = new URLSearchParams(globalThis.location.search);

if (globalThis.opener && params.has('code') && settings.oauthClientId && settings.portalUrl) {
  // This page is the OAuth popup's redirect: hand the code back to the opener.
  void completeOAuthSignIn({
    clientId: settings.oauthClientId,
    portalUrl: settings.portalUrl,
    redirectUri:
      settings.oauthRedirectUri ?? `${globalThis.location.origin}${globalThis.location.pathname}`,
  });
}

const search = document.querySelector('cam-incident-search');
const lang = params.get('lang');
if (lang === 'es' || lang === 'en') document.documentElement.lang = lang;
if (search) search.config = settings;

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
  button.addEventListener('click', () => {
    document.documentElement.lang = button.dataset.lang ?? 'en';
    search?.requestUpdate();
  });
}
