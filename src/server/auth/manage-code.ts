import { createHash } from 'node:crypto';
import { manageCodeHashInput } from '../../core/registration/registration-codes.js';

/** `manage_code_hash` of a registration: SHA-256 (hex) over the reference and the code. */
export function hashManageCode(reference: string, code: string): string {
  return createHash('sha256').update(manageCodeHashInput(reference, code)).digest('hex');
}
