import { describe, expect, it } from 'vitest';
import {
  footageDeadline,
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
