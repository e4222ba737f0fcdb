import type { ErrorCode } from '../../src/core/errors.js';

/** Every event the widgets fire, typed once (names carry the `cam-` prefix). */
declare global {
  interface GlobalEventHandlersEventMap {
    'cam-registered': CustomEvent<{ registrationRef: string }>;
    'cam-registration-failed': CustomEvent<{ code: ErrorCode | 'UNKNOWN' }>;
    'cam-change-requested': CustomEvent<{ registrationRef: string; requestType: string }>;
    'cam-search-complete': CustomEvent<{ caseNumber: string; resultCount: number }>;
    'cam-contact-logged': CustomEvent<{ siteGlobalId: string; outcome: string }>;
  }
}

type CamEventType = Extract<keyof GlobalEventHandlersEventMap, `cam-${string}`>;

/** Fires a typed, bubbling, composed event from a widget's host element. */
export function emit<K extends CamEventType>(
  host: HTMLElement,
  type: K,
  detail: GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never,
): boolean {
  return host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
