/**
 * Lets the embed browser tests start their servers on first use (`commands.embedServers()`)
 * and closes them after the run. Other browser test files start nothing through it.
 */
import {
  closeEmbedServers,
  EMBED_SERVERS_KEY,
  embedServers,
  hostPage,
  type EmbedServersRegistry,
} from './embed-servers.js';

export default function setup(): () => Promise<void> {
  const registry = (globalThis as Record<symbol, unknown>)[
    EMBED_SERVERS_KEY
  ] as EmbedServersRegistry;
  registry.start = embedServers;
  registry.hostPage = hostPage;
  return closeEmbedServers;
}
