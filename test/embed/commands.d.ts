/** Browser commands of the embed tests; implemented in `vite.config.ts`. */
import type { EmbedServers } from './embed-servers.js';

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Starts (once) the widget server and the never-allowed site; see `embed-servers.ts`. */
    embedServers(): Promise<EmbedServers>;
    /** The frames inside frames whose address starts with `parentPrefix`. */
    framesInside(
      parentPrefix: string,
    ): Promise<readonly { url: string; title: string; widgets: number; heading: string | null }[]>;
    /** Status, CSP and X-Frame-Options of a page, read in Node. */
    pageHeaders(
      url: string,
    ): Promise<{ status: number; csp: string | null; xFrameOptions: string | null }>;
    /** Clicks, fills, selects or checks an element of `iframe[data-embed-host]` (shadow roots pierced). */
    inHost(
      selector: string,
      action: 'click' | 'fill' | 'select' | 'check',
      value?: string,
    ): Promise<void>;
    /** axe-core's violations inside the first frame at `urlPrefix`, as `rule: targets`. */
    axeInFrame(urlPrefix: string): Promise<string[]>;
  }
}
