/**
 * Demo page of `<cam-program-report>`: loads the report the demo server published at
 * start-up (`report/report.json`, written by `ccr report`), with a language switch.
 */
import type { TransparencyReport } from '../src/core/report/transparency-report.js';
import '../widgets/program-report/index.js';

const widget = document.querySelector('cam-program-report');
const status = document.getElementById('report-status');
const lang = new URLSearchParams(globalThis.location.search).get('lang');
if (lang === 'es' || lang === 'en') document.documentElement.lang = lang;

const buttons = document.querySelectorAll<HTMLButtonElement>('button[data-lang]');
const syncButtons = () => {
  for (const button of buttons)
    button.setAttribute(
      'aria-pressed',
      String(document.documentElement.lang === button.dataset.lang),
    );
};
syncButtons();
for (const button of buttons)
  button.addEventListener('click', () => {
    document.documentElement.lang = button.dataset.lang ?? 'en';
    syncButtons();
  });

try {
  const response = await fetch(new URL('./report/report.json', globalThis.location.href));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  if (widget) widget.report = (await response.json()) as TransparencyReport;
} catch {
  if (status)
    status.textContent =
      'No report has been published here yet: start the demo with `npm start`, or write one with `ccr report --out dist/demo/report`.';
}
