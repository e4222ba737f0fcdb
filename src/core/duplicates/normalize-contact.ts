/**
 * Contact values in comparable form, for finding duplicate registrations: an address split
 * into house number, street and unit with the usual abbreviations (`North Main Street` →
 * `N MAIN ST`), a phone number as its last ten digits, an e-mail address in lower case.
 */

const DIRECTIONALS: Readonly<Record<string, string>> = {
  NORTH: 'N',
  SOUTH: 'S',
  EAST: 'E',
  WEST: 'W',
  NORTHEAST: 'NE',
  NORTHWEST: 'NW',
  SOUTHEAST: 'SE',
  SOUTHWEST: 'SW',
};

/** USPS Publication 28 suffixes, the common ones, to their abbreviation. */
const STREET_TYPES: Readonly<Record<string, string>> = {
  STREET: 'ST',
  STR: 'ST',
  ROAD: 'RD',
  AVENUE: 'AVE',
  AV: 'AVE',
  AVEN: 'AVE',
  DRIVE: 'DR',
  DRV: 'DR',
  BOULEVARD: 'BLVD',
  BOUL: 'BLVD',
  LANE: 'LN',
  COURT: 'CT',
  CRT: 'CT',
  PLACE: 'PL',
  PARKWAY: 'PKWY',
  PKY: 'PKWY',
  TERRACE: 'TER',
  TERR: 'TER',
  CIRCLE: 'CIR',
  HIGHWAY: 'HWY',
  TRAIL: 'TRL',
  PLAZA: 'PLZ',
  SQUARE: 'SQ',
};

const UNIT_WORDS = new Set(['UNIT', 'APT', 'APARTMENT', 'STE', 'SUITE', 'RM', 'ROOM', 'LOT', '#']);

function tokens(text: string): string[] {
  return text
    .toUpperCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/#/g, ' # ')
    .replace(/[^A-Z0-9# ]+/g, ' ')
    .split(' ')
    .filter((token) => token !== '');
}

/** An address as compared: house number, street (canonical words) and unit, each maybe empty. */
export interface AddressKey {
  readonly number: string;
  readonly street: string;
  readonly unit: string;
}

/**
 * `1234 north Main Street, Apt 2b` (or unit `2B` given apart) → number `1234`, street
 * `N MAIN ST`, unit `2B`. Text after a comma that is not a unit (city, state, ZIP) is
 * dropped: registrations in one city differ in how much of it they write.
 */
export function addressKey(address: string | null | undefined, unit?: string | null): AddressKey {
  const [line = '', ...rest] = (address ?? '').split(',');
  const words = tokens(line);
  const unitAt = words.findIndex((word) => UNIT_WORDS.has(word));
  const streetWords = unitAt < 0 ? words : words.slice(0, unitAt);
  let unitWords = unitAt < 0 ? [] : words.slice(unitAt + 1).filter((w) => !UNIT_WORDS.has(w));
  if (unitWords.length === 0) {
    const afterComma = tokens(rest[0] ?? '');
    if (afterComma[0] && UNIT_WORDS.has(afterComma[0]))
      unitWords = afterComma.filter((w) => !UNIT_WORDS.has(w));
  }
  const given = tokens(unit ?? '').filter((w) => !UNIT_WORDS.has(w));
  const number = /^\d+[A-Z]?$/.test(streetWords[0] ?? '') ? (streetWords.shift() as string) : '';
  const street = streetWords.map((w) => DIRECTIONALS[w] ?? STREET_TYPES[w] ?? w).join(' ');
  return { number, street, unit: (given.length > 0 ? given : unitWords).join(' ') };
}

/** The last ten digits of a phone number (a US number with or without +1), or '' when fewer than seven. */
export function phoneKey(phone: string | null | undefined): string {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length < 7 ? '' : digits.slice(-10);
}

/** An e-mail address trimmed and in lower case, or '' when it has no `@`. */
export function emailKey(email: string | null | undefined): string {
  const text = (email ?? '').trim().toLowerCase();
  return text.includes('@') ? text : '';
}
