import type { ViewName } from '../core/schema/schema-types.js';
import type { Caller, Role } from './auth/accounts.js';

/**
 * Who may call each route. Every row of the route table (`routes/index.ts`) carries one; the
 * server registers no route without it and the access tests are generated from the table.
 */
export type Access =
  | { readonly kind: 'anyone' }
  | { readonly kind: 'signed-in'; readonly roles: readonly Role[] }
  /** Decided per feature service view: see {@link VIEW_ROLES}. */
  | { readonly kind: 'service-view' };

export interface RoutePolicy {
  readonly methods: readonly ('GET' | 'POST' | 'HEAD' | 'OPTIONS')[];
  readonly url: string;
  readonly access: Access;
  readonly purpose: string;
  /** Per-client request budget that applies (see `RateLimits` in create-server.ts). */
  readonly rate?: RateClass;
}

/** Budgets: sign-in attempts, anonymous writes, and anonymous look-ups (geocoder). */
export type RateClass = 'sign-in' | 'anonymous-edit' | 'lookup';

/** Who may use each view of the feature service; `anonymous` means anyone at all. */
export const VIEW_ROLES: Readonly<Record<ViewName, readonly (Role | 'anonymous')[]>> = {
  public: ['anonymous', 'officer', 'analyst', 'admin'],
  officer: ['officer'],
  source: ['analyst', 'admin'],
};

export function viewAllows(view: ViewName, caller: Caller): boolean {
  const roles = VIEW_ROLES[view];
  return caller.kind === 'anonymous' ? roles.includes('anonymous') : roles.includes(caller.role);
}
