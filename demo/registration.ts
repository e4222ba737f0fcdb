/**
 * Demo page of `<cam-registration>`: the settings come from the example config file, the
 * mode from `?mode=manage`, and the language from the page's `lang` (the buttons set it).
 */
import configUrl from '../config/registration.example.json?url&no-inline';
import '../widgets/registration/index.js';

const widget = document.querySelector('cam-registration');
if (widget) {
  widget.setAttribute('config-url', configUrl);
  widget.mode =
    new URLSearchParams(location.search).get('mode') === 'manage' ? 'manage' : 'register';
  const current = document.getElementById(
    widget.mode === 'manage' ? 'manage-link' : 'register-link',
  );
  current?.setAttribute('aria-current', 'page');
}

const saved = localStorage.getItem('ccr-demo-lang');
if (saved === 'en' || saved === 'es') document.documentElement.lang = saved;

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
  const sync = () =>
    button.setAttribute(
      'aria-pressed',
      String(document.documentElement.lang === button.dataset.lang),
    );
  sync();
  button.addEventListener('click', () => {
    document.documentElement.lang = button.dataset.lang ?? 'en';
    localStorage.setItem('ccr-demo-lang', document.documentElement.lang);
    for (const other of document.querySelectorAll('button[data-lang]')) {
      other.setAttribute(
        'aria-pressed',
        String(document.documentElement.lang === (other as HTMLButtonElement).dataset.lang),
      );
    }
  });
}
