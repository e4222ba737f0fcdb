/**
 * `<cam-registry-review>`: the GIS analyst's workspace over the source feature service.
 * Importing this module defines the element and its parts (once). The Duplicates,
 * Re-confirmation and Paper form tabs show `<cam-review-duplicates>`,
 * `<cam-review-reconfirm>` and `<cam-registration mode="staff">`, defined by their own modules.
 */
// The other tabs' elements, each defined (once) by its own module.
import '../registration/index.js';
import './duplicates-panel.js';
import './reconfirm-panel.js';
import { CamRegistryReview } from './cam-registry-review.js';
import { CamReviewItem } from './review-item.js';
import { CamReviewPlacement } from './review-placement.js';
import { CamReviewQueue } from './review-queue.js';

export { CamRegistryReview, CamReviewItem, CamReviewPlacement, CamReviewQueue };
export type { RegistryReviewMessages } from './cam-registry-review.messages.js';
export { ArcgisReviewMap, type ReviewMapAdapter, type ReviewScene } from './review-map.js';
export type { ReviewChangedDetail } from './review-queue.js';

const elements: readonly (readonly [string, CustomElementConstructor])[] = [
  ['cam-registry-review', CamRegistryReview],
  ['cam-review-queue', CamReviewQueue],
  ['cam-review-item', CamReviewItem],
  ['cam-review-placement', CamReviewPlacement],
];
for (const [tag, element] of elements) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'cam-registry-review': CamRegistryReview;
    'cam-review-queue': CamReviewQueue;
    'cam-review-item': CamReviewItem;
    'cam-review-placement': CamReviewPlacement;
  }
}
