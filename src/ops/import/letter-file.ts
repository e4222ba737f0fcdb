/**
 * The letters file, written as registrations are stored (so a run that stops part-way still
 * leaves a letter for everything it stored): created only for the first letter, never over
 * an existing file, readable by its owner alone.
 */
import { open, type FileHandle } from 'node:fs/promises';
import {
  LETTERS_END,
  letterHtml,
  lettersStart,
  type Letter,
  type LetterOptions,
} from './confirmation-letters.js';

export interface LetterFile {
  add(letters: readonly Letter[]): Promise<void>;
  /** Ends the document; returns how many letters it holds. */
  close(): Promise<number>;
}

export function letterFile(path: string, options: LetterOptions): LetterFile {
  let handle: FileHandle | undefined;
  let count = 0;
  return {
    async add(letters) {
      if (letters.length === 0) return;
      if (!handle) {
        handle = await open(path, 'wx', 0o600);
        await handle.write(lettersStart(`${options.programName}: confirmation letters`));
      }
      await handle.write(letters.map((letter) => letterHtml(letter, options)).join(''));
      // Each stored batch's letters reach the disk before the next batch is sent.
      await handle.datasync();
      count += letters.length;
    },
    async close() {
      if (handle) {
        await handle.write(LETTERS_END);
        await handle.close();
        handle = undefined;
      }
      return count;
    },
  };
}
