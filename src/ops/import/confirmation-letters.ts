/**
 * Printable confirmation letters for `ccr import`. The letters themselves are pure and
 * shared with the registration widget's staff mode: see `src/core/registration/confirmation-letter.ts`.
 */
export {
  escapeHtml,
  LETTERS_END,
  letterHtml,
  lettersStart,
  type Letter,
  type LetterOptions,
} from '../../core/registration/confirmation-letter.js';
