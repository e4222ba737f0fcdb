import axe from 'axe-core';
import { html, LitElement } from 'lit';
import { describe, expect, it } from 'vitest';
import { resolveLocale } from '../../widgets/shared/locale.js';

class HarnessProbe extends LitElement {
  override render() {
    return html`<label for="x">Name</label><input id="x" />`;
  }
}
customElements.define('cam-harness-probe', HarnessProbe);

describe('browser harness', () => {
  it('reaches the local feature service through the proxy', async () => {
    const response = await fetch('/arcgis/rest/info?f=json');
    const body = (await response.json()) as { authInfo?: { isTokenBasedSecurity?: boolean } };
    expect(body.authInfo?.isTokenBasedSecurity).toBe(true);
  });

  it('renders Lit and runs axe', async () => {
    document.documentElement.lang = 'es';
    const probe = document.createElement('cam-harness-probe');
    document.body.append(probe);
    await (probe as HarnessProbe).updateComplete;
    expect(resolveLocale(probe)).toBe('es');
    const results = await axe.run(probe);
    expect(results.violations).toEqual([]);
    probe.remove();
  });
});
