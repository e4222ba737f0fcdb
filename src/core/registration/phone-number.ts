/**
 * Phone numbers as residents type them, turned into E.164 (`+18165550134`), the form the
 * `phone` field stores. Numbers without a country code are read as North American
 * (NANP: `(816) 555-0134`, `816.555.0134`, `1-816-555-0134`); `+` or the US exit code
 * `011` starts an international number.
 */

// Separators people put in phone numbers; anything else (letters, "ext") is refused.
const SEPARATORS = /[\s().\-/\u00a0]/g;

/** Area codes and exchanges start with 2-9; N11 codes (211 ... 911) are service codes. */
function isNanpGroup(group: string): boolean {
  return /^[2-9]\d\d$/.test(group) && !/^[2-9]11$/.test(group);
}

function nanp(tenDigits: string): string | undefined {
  const area = tenDigits.slice(0, 3);
  const exchange = tenDigits.slice(3, 6);
  // Exchanges may be N11 only outside service use; 555 and the like are ordinary.
  if (!isNanpGroup(area) || !/^[2-9]\d\d$/.test(exchange)) return undefined;
  return `+1${tenDigits}`;
}

/**
 * The E.164 form of what was typed, or `undefined` when it is not a usable phone number.
 * Blank input is also `undefined`; callers decide whether a phone is required.
 */
export function normalizePhone(typed: string): string | undefined {
  const compact = typed.trim().replace(SEPARATORS, '');
  if (compact === '') return undefined;
  let international: string | undefined;
  if (compact.startsWith('+')) international = compact.slice(1);
  else if (compact.startsWith('011')) international = compact.slice(3);
  if (international !== undefined) {
    if (!/^[1-9]\d{7,14}$/.test(international)) return undefined;
    if (international.startsWith('1')) {
      return international.length === 11 ? nanp(international.slice(1)) : undefined;
    }
    return `+${international}`;
  }
  if (!/^\d+$/.test(compact)) return undefined;
  if (compact.length === 10) return nanp(compact);
  if (compact.length === 11 && compact.startsWith('1')) return nanp(compact.slice(1));
  return undefined;
}

/** `+18165550134` → `(816) 555-0134`; other countries stay in E.164. */
export function formatPhone(e164: string): string {
  const match = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return match ? `(${match[1]}) ${match[2]}-${match[3]}` : e164;
}
