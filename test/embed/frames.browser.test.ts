/**
 * The pages made for frames (Experience Builder's Embed widget, a city's iframe): a site on
 * the `frame-ancestors` allowlist (the test page's origin) shows them, sandboxed as the Embed
 * widget frames other domains; a site on no allowlist (another port) gets nothing, and so does
 * any site for the server's other pages.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';

let widgetOrigin = '';
let otherOrigin = '';

beforeAll(async () => {
  ({ widgetOrigin, otherOrigin } = await commands.embedServers());
}, 180_000);

afterEach(() => {
  document.body.replaceChildren();
});

/** One directive of a content security policy, its sources joined by single spaces. */
function directive(policy: string | null, name: string): string | undefined {
  const found = (policy ?? '')
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([key]) => key === name);
  return found?.slice(1).join(' ');
}

async function frame(src: string, title: string, sandbox?: string): Promise<HTMLIFrameElement> {
  const element = document.createElement('iframe');
  element.title = title;
  element.style.cssText = 'display:block;border:0;inline-size:900px;block-size:700px';
  if (sandbox) element.setAttribute('sandbox', sandbox);
  const loaded = new Promise((resolve) =>
    element.addEventListener('load', resolve, { once: true }),
  );
  element.src = src;
  document.body.append(element);
  await loaded;
  return element;
}

/** A frame the browser refused: its error page (or nothing yet), never the framed page. */
function refused(frame: { url: string; widgets: number; heading: string | null }): boolean {
  return (
    ['', 'chrome-error://chromewebdata/'].includes(frame.url) &&
    frame.widgets === 0 &&
    frame.heading === null
  );
}

describe('pages for frames', () => {
  it('show on a site the allowlist names, with a policy that names it and calls no one else', async () => {
    const pages = [
      { path: 'registration.html', heading: 'About the program' },
      // The page's own script: language and mode from the address.
      { path: 'registration.html?lang=es&mode=manage', heading: 'Su referencia y código' },
      { path: 'incident-search.html', heading: 'Find cameras near an incident' },
    ];
    for (const { path, heading } of pages) {
      const url = `${widgetOrigin}/embed/${path}`;
      const headers = await commands.pageHeaders(url);
      expect(headers.status).toBe(200);
      expect(headers.xFrameOptions).toBeNull();
      expect(directive(headers.csp, 'frame-ancestors')).toBe(`'self' ${location.origin}`);
      expect(directive(headers.csp, 'connect-src')).toBe("'self'");
      // Sandboxed as the Embed widget frames other domains than arcgis.com.
      await frame(url, path, 'allow-scripts allow-same-origin allow-forms allow-popups');
      await expect
        .poll(async () => (await commands.framesInside(location.href)).at(-1), {
          timeout: 20_000,
        })
        .toMatchObject({ url, widgets: 1, heading });
      expect(await commands.axeInFrame(url)).toEqual([]);
    }
  });

  it('are refused to a site on no allowlist, and the other pages to every other site', async () => {
    const embed = `${widgetOrigin}/embed/registration.html`;
    await frame(`${otherOrigin}/?src=${encodeURIComponent(embed)}`, 'A site never allowed');
    const inOther = await commands.framesInside(otherOrigin);
    expect(inOther).toHaveLength(1);
    expect(inOther.filter(refused)).toEqual(inOther);

    // Only the embed pages may be framed elsewhere; the demo and service pages stay same-origin.
    const directory = `${widgetOrigin}/arcgis/rest/services?f=html`;
    const headers = await commands.pageHeaders(directory);
    expect(headers.xFrameOptions).toBe('SAMEORIGIN');
    expect(directive(headers.csp, 'frame-ancestors')).toBe("'self'");
    await frame(directory, 'Services directory');
    const [other, services] = await commands.framesInside(location.href);
    expect(other).toMatchObject({
      url: `${otherOrigin}/?src=${encodeURIComponent(embed)}`,
      heading: null,
    });
    expect(services && refused(services)).toBe(true);
  });
});
