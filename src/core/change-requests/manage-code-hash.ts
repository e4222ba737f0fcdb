import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { manageCodeHashInput } from '../registration/registration-codes.js';

/**
 * `manage_code_hash` of a registration: SHA-256 (lower-case hex) over
 * {@link manageCodeHashInput}. Plain JavaScript, so the local server, `ccr` and a browser
 * compute the same value with no platform crypto.
 */
export function hashManageCode(reference: string, manageCode: string): string {
  return bytesToHex(sha256(utf8ToBytes(manageCodeHashInput(reference, manageCode))));
}

/**
 * Whether two hashes are the same, taking as long for a near miss as for a far one (the
 * presented code's hash is compared with the stored one). Empty or differently long
 * values never match.
 */
export function sameHash(presented: string, stored: string): boolean {
  if (presented.length !== stored.length || presented.length === 0) return false;
  let difference = 0;
  for (let i = 0; i < presented.length; i += 1)
    difference |= presented.charCodeAt(i) ^ stored.charCodeAt(i);
  return difference === 0;
}

/** Whether `manageCode` is the code of the registration whose stored hash is `storedHash`. */
export function manageCodeMatches(
  reference: string,
  manageCode: string,
  storedHash: unknown,
): boolean {
  return (
    typeof storedHash === 'string' &&
    sameHash(hashManageCode(reference, manageCode), storedHash.toLowerCase())
  );
}
