/**
 * Registration references and manage codes: Crockford base32 (no I, L, O, U), grouped
 * by four. The reference names a registration (60 bits); the manage code proves the
 * registrant (80 bits) and is stored only as a SHA-256 hash, salted with the reference.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Groups of four base32 characters from random bytes (one character per 5 bits). */
function encode(bytes: Uint8Array, groups: number): string {
  const characters: string[] = [];
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && characters.length < groups * 4) {
      characters.push(ALPHABET[(buffer >> (bits - 5)) & 31] as string);
      bits -= 5;
    }
  }
  if (characters.length < groups * 4)
    throw new RangeError(`Need more random bytes: ${bytes.length}`);
  const out: string[] = [];
  for (let i = 0; i < groups; i += 1) out.push(characters.slice(i * 4, i * 4 + 4).join(''));
  return out.join('-');
}

/** A registration reference such as `7K3M-9QXP-3HTD`, from 8 random bytes. */
export function formatReference(randomBytes: Uint8Array): string {
  return encode(randomBytes, 3);
}

/** A manage code such as `K7M2-9QXP-3HTD-W4RA`, from 10 random bytes. */
export function formatManageCode(randomBytes: Uint8Array): string {
  return encode(randomBytes, 4);
}

/**
 * Canonical form of what a person typed: upper case, no spaces or hyphens, and the
 * letters people confuse with digits read as Crockford does (O→0, I/L→1).
 */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** Normalized and regrouped by four, as the reference is stored. */
export function normalizeReference(typed: string): string {
  return (normalizeCode(typed).match(/.{1,4}/g) ?? []).join('-');
}

/** The text whose SHA-256 (hex) is stored as `manage_code_hash`. */
export function manageCodeHashInput(reference: string, manageCode: string): string {
  return `ccr-manage-code:${normalizeReference(reference)}:${normalizeCode(manageCode)}`;
}
