/**
 * Finds every duplicate candidate pair off the page's main thread: at 100,000 sites the index
 * and the pairs take seconds, and the analyst's page must keep answering meanwhile.
 */
import { DuplicateIndex, type DuplicateSite } from '../../src/core/duplicates/find-duplicates.js';

/** The worker's own scope (the widgets compile against the DOM library, not WebWorker). */
const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  postMessage(message: unknown): void;
};

scope.addEventListener('message', (event) => {
  scope.postMessage(new DuplicateIndex(event.data as readonly DuplicateSite[]).allCandidates());
});
