import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  parseSavedRegistration,
  serializeRegistration,
  type SavedRegistration,
} from '../../src/core/registration/saved-registration.js';

/** Where a form's draft is kept in the tab's session storage: one entry per form. */
export function draftStorageKey(formKey: string): string {
  return `cam-registration:draft:${formKey}`;
}

/**
 * Storage can be missing or refuse (sandboxed frames, a full quota, some private modes): the
 * form then works as it always did, without a draft.
 */
function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The kept draft of this form, if there is one this version can read (a bad one is removed). */
export function loadDraft<Step extends string>(
  formKey: string,
  steps: readonly Step[],
): SavedRegistration<Step> | null {
  const store = sessionStore();
  const key = draftStorageKey(formKey);
  let text: string | null;
  try {
    text = store?.getItem(key) ?? null;
  } catch {
    return null;
  }
  const saved = parseSavedRegistration(text, steps);
  if (saved === null && text !== null) forgetDraft(formKey);
  return saved;
}

export function forgetDraft(formKey: string): void {
  try {
    sessionStore()?.removeItem(draftStorageKey(formKey));
  } catch {
    // Nothing kept, nothing to forget.
  }
}

function writeDraft(formKey: string, text: string): void {
  try {
    sessionStore()?.setItem(draftStorageKey(formKey), text);
  } catch {
    // A full or refused store only means a reload starts over, as it did before drafts.
  }
}

export interface DraftOptions {
  /** The form's key, or null when this form keeps no draft (staff on shared machines). */
  readonly formKey: () => string | null;
  /** What to keep now, or null when nothing should be kept (the registration was sent). */
  readonly snapshot: () => SavedRegistration | null;
}

/**
 * Keeps the form's draft in the tab's session storage (never local storage: it holds contact
 * details, and must not outlive the tab) after every update, and removes it once the form is
 * sent, cleared, or back to how it started.
 */
export class DraftController implements ReactiveController {
  private readonly options: DraftOptions;
  /** The form as it starts (or started over): nothing worth keeping. */
  private pristine: string | null = null;
  private written: string | null = null;

  constructor(host: ReactiveControllerHost, options: DraftOptions) {
    this.options = options;
    host.addController(this);
  }

  /** Takes the form as it is now as its empty start, and forgets any kept draft. */
  markPristine(): void {
    const snapshot = this.options.snapshot();
    this.pristine = snapshot ? serializeRegistration(snapshot) : null;
    this.forget();
  }

  /** True when the form holds something a resident would lose by starting over. */
  get changed(): boolean {
    const snapshot = this.options.snapshot();
    return snapshot !== null && serializeRegistration(snapshot) !== this.pristine;
  }

  forget(): void {
    const formKey = this.options.formKey();
    if (formKey !== null) forgetDraft(formKey);
    this.written = null;
  }

  hostUpdated(): void {
    const formKey = this.options.formKey();
    if (formKey === null) return;
    const snapshot = this.options.snapshot();
    const text = snapshot ? serializeRegistration(snapshot) : null;
    if (text === null || text === this.pristine) {
      if (this.written !== null || text === null) this.forget();
      return;
    }
    if (text === this.written) return;
    writeDraft(formKey, text);
    this.written = text;
  }
}
