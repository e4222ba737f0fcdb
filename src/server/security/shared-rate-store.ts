import type { FastifyRateLimitStore } from '@fastify/rate-limit';

/** Most clients remembered at once; the oldest window is forgotten first. */
const MAX_KEYS = 50_000;

interface Window {
  current: number;
  startedAt: number;
}

/**
 * A fixed-window request counter that every route shares. The plugin's own memory store
 * gives each route a store of its own, so a `groupId` alone cannot make two URLs (the two
 * token services) draw on one budget; with this store they do.
 */
export class SharedRateStore implements FastifyRateLimitStore {
  private readonly windows = new Map<string, Window>();

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.startedAt + timeWindow <= now) {
      window = { current: 0, startedAt: now };
      this.windows.delete(key);
      if (this.windows.size >= MAX_KEYS) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      this.windows.set(key, window);
    }
    window.current += 1;
    callback(null, { current: window.current, ttl: window.startedAt + timeWindow - now });
  }

  child(): FastifyRateLimitStore {
    return this;
  }
}
