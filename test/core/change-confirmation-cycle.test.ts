import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIRMATION_SCHEDULE,
  dueDateOf,
  planConfirmation,
  remindedThisCycle,
  type CycleSite,
} from '../../src/core/change-requests/confirmation-cycle.js';
import { CONFIRMATION_INTERVAL_DAYS } from '../../src/core/schema/registry-schema.js';

const DAY = 86_400_000;
const DUE = Date.UTC(2027, 5, 1);
const SCHEDULE = { reminderDays: 30, graceDays: 90, intervalDays: 365 };
const REMIND_FROM = DUE - 30 * DAY;
const PURGE_AT = DUE + 90 * DAY;

const site = (extra: CycleSite = {}): CycleSite => ({
  status: 'verified',
  confirm_due_at: DUE,
  last_confirmed_at: DUE - 365 * DAY,
  reminded_at: null,
  ...extra,
});

const plan = (s: CycleSite, now: number) => planConfirmation(s, now, SCHEDULE);
const cycle = (expire: boolean, remind: boolean) => ({
  action: 'cycle',
  expire,
  remind,
  dueAt: DUE,
  purgeAt: PURGE_AT,
});

describe('planConfirmation', () => {
  it('has a month of notice, three months of grace and the schema’s year by default', () => {
    expect(DEFAULT_CONFIRMATION_SCHEDULE).toEqual({
      reminderDays: 30,
      graceDays: 90,
      intervalDays: CONFIRMATION_INTERVAL_DAYS,
    });
    expect(planConfirmation(site(), REMIND_FROM)).toEqual(cycle(false, true));
  });

  it('reminds from the window’s first moment, not before', () => {
    expect(plan(site(), REMIND_FROM - 1)).toEqual({ action: 'none' });
    expect(plan(site(), REMIND_FROM)).toEqual(cycle(false, true));
    expect(plan(site(), REMIND_FROM + 1)).toEqual(cycle(false, true));
  });

  it('reminds once per cycle: a reminder counts until the next confirmation', () => {
    const reminded = site({ reminded_at: REMIND_FROM + DAY });
    expect(remindedThisCycle(reminded)).toBe(true);
    expect(plan(reminded, REMIND_FROM + 2 * DAY)).toEqual({ action: 'none' });
    // A reminder from before the last confirmation belongs to the cycle before.
    const earlier = site({ reminded_at: DUE - 400 * DAY });
    expect(remindedThisCycle(earlier)).toBe(false);
    expect(plan(earlier, REMIND_FROM)).toEqual(cycle(false, true));
    // Reminded at the very moment of confirming counts as reminded.
    expect(remindedThisCycle(site({ reminded_at: DUE - 365 * DAY }))).toBe(true);
    expect(remindedThisCycle(site({ reminded_at: 5, last_confirmed_at: null }))).toBe(true);
    expect(remindedThisCycle(site())).toBe(false);
  });

  it('expires at the due date, not a moment before', () => {
    const reminded = site({ reminded_at: REMIND_FROM });
    expect(plan(reminded, DUE - 1)).toEqual({ action: 'none' });
    expect(plan(reminded, DUE)).toEqual(cycle(true, false));
    expect(plan(site({ status: 'pending', reminded_at: REMIND_FROM }), DUE + 1)).toEqual(
      cycle(true, false),
    );
    // Expiry and a reminder not yet sent come together.
    expect(plan(site(), DUE)).toEqual(cycle(true, true));
  });

  it('reminds an expired site not yet reminded during the grace period', () => {
    const expired = site({ status: 'expired' });
    expect(plan(expired, PURGE_AT - 1)).toEqual(cycle(false, true));
    expect(plan(site({ status: 'expired', reminded_at: DUE }), PURGE_AT - 1)).toEqual({
      action: 'none',
    });
  });

  it('purges an expired site at the end of the grace period, not before', () => {
    const expired = site({ status: 'expired', reminded_at: REMIND_FROM });
    expect(plan(expired, PURGE_AT - 1)).toEqual({ action: 'none' });
    expect(plan(expired, PURGE_AT)).toEqual({ action: 'purge', dueAt: DUE });
    expect(plan(expired, PURGE_AT + 1000 * DAY)).toEqual({ action: 'purge', dueAt: DUE });
  });

  it('expires first a site long overdue that was never expired: purge comes on a later run', () => {
    expect(plan(site(), PURGE_AT + DAY)).toEqual({
      action: 'cycle',
      expire: true,
      remind: false,
      dueAt: DUE,
      purgeAt: PURGE_AT,
    });
  });

  it('leaves rejected, withdrawn and statusless sites to analysts', () => {
    for (const status of ['rejected', 'withdrawn', null, undefined, 'VERIFIED'])
      expect(plan(site({ status }), PURGE_AT + DAY)).toEqual({ action: 'none' });
  });

  it('counts a missing due date from the last confirmation, else from creation, else none', () => {
    const confirmed = DUE - 365 * DAY;
    expect(dueDateOf(site({ confirm_due_at: null }), 365)).toBe(DUE);
    expect(dueDateOf({ last_confirmed_at: null, CreationDate: confirmed }, 365)).toBe(DUE);
    expect(dueDateOf({ confirm_due_at: null, last_confirmed_at: confirmed }, 30)).toBe(
      confirmed + 30 * DAY,
    );
    expect(dueDateOf({}, 365)).toBeNull();
    expect(dueDateOf({ confirm_due_at: 'soon' }, 365)).toBeNull();
    expect(plan({ status: 'verified' }, PURGE_AT)).toEqual({ action: 'none' });
    expect(plan(site({ confirm_due_at: null }), REMIND_FROM)).toEqual(cycle(false, true));
  });

  it('with no notice and no grace nobody is reminded: expiry at the due date, purge on the next run', () => {
    const tight = { reminderDays: 0, graceDays: 0, intervalDays: 365 };
    expect(planConfirmation(site(), DUE - 1, tight)).toEqual({ action: 'none' });
    expect(planConfirmation(site(), DUE, tight)).toEqual({
      action: 'cycle',
      expire: true,
      remind: false,
      dueAt: DUE,
      purgeAt: DUE,
    });
    expect(planConfirmation(site({ status: 'expired' }), DUE, tight)).toEqual({
      action: 'purge',
      dueAt: DUE,
    });
  });
});
