import { describe, expect, it } from 'vitest';
import {
  footageDeadline,
  footageTimeLeft,
  footageUrgency,
  FootageUrgency,
} from '../../../src/core/search/footage-deadline.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 1, 22, 15);

describe('footageDeadline', () => {
  it('adds the retention days to the incident time', () => {
    expect(footageDeadline(T, 7)).toBe(T + 7 * 24 * HOUR);
    expect(footageDeadline(T, 0)).toBe(T);
    expect(footageDeadline(T, null)).toBeNull();
    expect(footageDeadline(T, undefined)).toBeNull();
  });
  it('refuses nonsense', () => {
    expect(() => footageDeadline(Number.NaN, 3)).toThrow(RangeError);
    expect(() => footageDeadline(T, -1)).toThrow(RangeError);
  });
});

describe('footageUrgency', () => {
  it('is gone at and after the deadline, urgent within the window, ok before it', () => {
    const deadline = T + 10 * 24 * HOUR;
    expect(footageUrgency(deadline, deadline)).toBe(FootageUrgency.ProbablyGone);
    expect(footageUrgency(deadline, deadline + 1)).toBe(FootageUrgency.ProbablyGone);
    expect(footageUrgency(deadline, deadline - 48 * HOUR)).toBe(FootageUrgency.Urgent);
    expect(footageUrgency(deadline, deadline - 48 * HOUR - 1)).toBe(FootageUrgency.Ok);
    expect(footageUrgency(deadline, deadline - 70 * HOUR, 72)).toBe(FootageUrgency.Urgent);
    expect(footageUrgency(null, T)).toBe(FootageUrgency.Unknown);
  });
  it('refuses a bad clock or window', () => {
    expect(() => footageUrgency(T, Number.NaN)).toThrow(RangeError);
    expect(() => footageUrgency(T, T, -1)).toThrow(RangeError);
  });
});

describe('footageTimeLeft', () => {
  const MINUTE = 60_000;
  const DAY = 24 * HOUR;
  it.each([
    [3 * DAY + 21 * HOUR, { amount: 3, unit: 'day', passed: false }],
    [2 * DAY, { amount: 2, unit: 'day', passed: false }],
    [2 * DAY - 1, { amount: 47, unit: 'hour', passed: false }],
    [21.5 * HOUR, { amount: 21, unit: 'hour', passed: false }],
    [HOUR, { amount: 1, unit: 'hour', passed: false }],
    [HOUR - 1, { amount: 59, unit: 'minute', passed: false }],
    [MINUTE - 1, { amount: 0, unit: 'minute', passed: false }],
    [0, { amount: 0, unit: 'minute', passed: true }],
    [-2.5 * HOUR, { amount: 2, unit: 'hour', passed: true }],
    [-2 * DAY - HOUR, { amount: 2, unit: 'day', passed: true }],
  ])('a deadline %d ms from now is %j', (offset, expected) => {
    expect(footageTimeLeft(T + offset, T)).toEqual(expected);
  });
  it('is null without a deadline and refuses nonsense', () => {
    expect(footageTimeLeft(null, T)).toBeNull();
    expect(() => footageTimeLeft(T, Number.NaN)).toThrow(RangeError);
    expect(() => footageTimeLeft(Number.POSITIVE_INFINITY, T)).toThrow(RangeError);
  });
});
