import { describe, expect, it } from 'vitest';
import { formatPhone, normalizePhone } from '../../src/core/registration/phone-number.js';
import { validateAttributes } from '../../src/core/validation/validate-attributes.js';
import { SITES } from '../../src/core/schema/registry-schema.js';

describe('normalizePhone', () => {
  it.each([
    ['(816) 555-0134', '+18165550134'],
    ['816-555-0134', '+18165550134'],
    ['816.555.0134', '+18165550134'],
    ['816 555 0134', '+18165550134'],
    ['8165550134', '+18165550134'],
    ['1 (816) 555-0134', '+18165550134'],
    ['1-816-555-0134', '+18165550134'],
    ['+1 816 555 0134', '+18165550134'],
    ['+1 (816) 555-0134', '+18165550134'],
    ['011 44 20 7946 0958', '+442079460958'],
    ['+52 55 1234 5678', '+525512345678'],
    ['  816\u00a0555\u00a00134  ', '+18165550134'],
    ['816/555-0134', '+18165550134'],
  ])('reads %j as %s', (typed, e164) => {
    expect(normalizePhone(typed)).toBe(e164);
  });

  it.each([
    [''],
    ['   '],
    ['555-0134'], // seven digits: no area code
    ['(816) 555-013'], // nine digits
    ['(816) 555-01345'], // eleven digits not starting with 1
    ['2 816 555 0134'], // eleven digits starting with 2
    ['(116) 555-0134'], // area code cannot start with 1
    ['(016) 555-0134'], // nor with 0
    ['(911) 555-0134'], // N11 is a service code
    ['(816) 155-0134'], // exchange cannot start with 1
    ['(816) 055-0134'],
    ['816-555-0134 ext 12'], // extensions are not stored
    ['816-CALL-NOW'],
    ['+1 816 555 013'], // +1 with too few digits
    ['+1 816 555 01345'],
    ['+0 123 456 789'], // country codes start with 1-9
    ['+12'], // too short
    ['+1234567890123456'], // longer than E.164 allows
    ['+44 20 7946 0958 9'.replace(/ /g, '') + '99999'],
    ['++18165550134'],
  ])('refuses %j', (typed) => {
    expect(normalizePhone(typed)).toBeUndefined();
  });

  it('gives values the schema accepts as e164', () => {
    for (const typed of ['(816) 555-0134', '+52 55 1234 5678', '011 44 20 7946 0958']) {
      const phone = normalizePhone(typed);
      const result = validateAttributes(SITES, { phone }, { view: 'public', mode: 'patch' });
      expect(result).toEqual({ ok: true, value: { phone } });
    }
  });
});

describe('formatPhone', () => {
  it('writes North American numbers the usual way', () => {
    expect(formatPhone('+18165550134')).toBe('(816) 555-0134');
  });
  it('leaves other countries in E.164', () => {
    expect(formatPhone('+442079460958')).toBe('+442079460958');
  });
  it('round-trips with normalizePhone', () => {
    expect(normalizePhone(formatPhone('+18165550134'))).toBe('+18165550134');
  });
});
