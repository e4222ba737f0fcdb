/**
 * Demo page of `<cam-registry-review>` on the local server: the source service with its
 * defaults, and a language switch (`?lang=es` too).
 */
import '../widgets/registry-review/index.js';

const review = document.querySelector('cam-registry-review');
const lang = new URLSearchParams(globalThis.location.search).get('lang');
if (lang === 'es' || lang === 'en') document.documentElement.lang = lang;

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
  button.addEventListener('click', () => {
    document.documentElement.lang = button.dataset.lang ?? 'en';
    review?.requestUpdate();
  });
}
