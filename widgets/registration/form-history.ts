import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The key the widget's part of `history.state` is kept under; the host's keys stay as they are. */
const STATE_KEY = 'camRegistrationStep';

/** What the widget keeps in a history entry: whose it is, the step, and how many of its own entries lie behind. */
interface StepEntry {
  readonly form: string;
  readonly step: string;
  readonly depth: number;
}

type HostState = Record<string, unknown>;

function hostPart(state: unknown): HostState {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return {};
  const { [STATE_KEY]: _ours, ...rest } = state as HostState;
  return rest;
}

export interface FormHistoryOptions<Step extends string> {
  /** The steps in order: one history entry per step forward. */
  readonly steps: readonly Step[];
  /** Which form this is (two widgets on a page never read each other's entries). */
  readonly formKey: () => string;
  /** False when the host page manages history itself (`no-history`). */
  readonly enabled: () => boolean;
  readonly current: () => Step;
  /** Shows a step the resident went to with Back or Forward (no new entry). */
  readonly show: (step: Step) => void;
}

/**
 * One browser-history entry per step forward, so the phone's Back gesture (and the browser's
 * Back and Forward) moves between steps inside the form instead of leaving the page. Only
 * entries this form made (or marked) are acted on; the host's own entries and state are left
 * as they are, and `no-history` turns it all off for hosts whose router must own history.
 */
export class FormHistory<Step extends string> implements ReactiveController {
  private readonly options: FormHistoryOptions<Step>;
  /** Set while a move back the form started is on its way; steps forward wait for it. */
  private pending: { readonly replaceWith: Step | null } | null = null;
  private queued: { readonly from: Step; readonly to: Step } | null = null;
  private readonly onPopState = (event: PopStateEvent) => this.handlePopState(event);

  constructor(host: ReactiveControllerHost, options: FormHistoryOptions<Step>) {
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPopState);
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPopState);
    this.pending = null;
    this.queued = null;
  }

  /** This form's entry, if the current history entry is one. */
  private entry(state: unknown = history.state): StepEntry | null {
    const ours = (state as HostState | null)?.[STATE_KEY] as Partial<StepEntry> | undefined;
    if (
      typeof ours?.form !== 'string' ||
      ours.form !== this.options.formKey() ||
      typeof ours.step !== 'string' ||
      !this.options.steps.includes(ours.step as Step) ||
      !Number.isInteger(ours.depth)
    ) {
      return null;
    }
    return ours as StepEntry;
  }

  private stateFor(base: unknown, step: Step, depth: number): HostState {
    return { ...hostPart(base), [STATE_KEY]: { form: this.options.formKey(), step, depth } };
  }

  /**
   * The form moved from one step to another by its own buttons. Forward adds an entry; back
   * goes back through the form's own entries (or relabels the entry when there are none).
   */
  moved(from: Step, to: Step): void {
    if (!this.options.enabled() || from === to) return;
    if (this.pending) {
      // A move back is still on its way (an entry added now would be the one it removes):
      // moves made meanwhile go from where it lands to where the form is now.
      this.queued = { from: this.queued?.from ?? from, to };
      return;
    }
    const ahead = this.indexOf(to) - this.indexOf(from);
    const here = this.entry();
    if (ahead === 1) {
      // Mark the entry the form started on, so coming back to it is known to be the form's.
      const depth = here?.depth ?? 0;
      if (!here || here.step !== from) {
        history.replaceState(this.stateFor(history.state, from, depth), '');
      }
      history.pushState(this.stateFor(history.state, to, depth + 1), '');
      return;
    }
    if (!here || ahead > 0) {
      if (here) history.replaceState(this.stateFor(history.state, to, here.depth), '');
      return;
    }
    // Back by `behind` steps: through the form's own entries when they are all there.
    const behind = -ahead;
    const go = Math.min(behind, here.depth);
    if (go === 0) {
      history.replaceState(this.stateFor(history.state, to, here.depth), '');
      return;
    }
    this.pending = { replaceWith: go < behind ? to : null };
    history.go(-go);
  }

  private indexOf(step: Step): number {
    return this.options.steps.indexOf(step);
  }

  /** Keeps the current entry (if the form's) naming the step shown, e.g. after a reload. */
  sync(): void {
    if (!this.options.enabled()) return;
    const here = this.entry();
    const current = this.options.current();
    if (here && here.step !== current) {
      history.replaceState(this.stateFor(history.state, current, here.depth), '');
    }
  }

  private handlePopState(event: PopStateEvent): void {
    if (!this.options.enabled()) return;
    const arrived = this.entry(event.state);
    const pending = this.pending;
    if (pending) {
      // The move back the form started has arrived: the step is already shown.
      this.pending = null;
      if (arrived && pending.replaceWith !== null) {
        history.replaceState(this.stateFor(event.state, pending.replaceWith, arrived.depth), '');
      }
      const queued = this.queued;
      this.queued = null;
      if (queued) this.moved(queued.from, queued.to);
      return;
    }
    if (!arrived) return; // the host's own entry: not ours to act on
    const step = arrived.step as Step;
    if (step !== this.options.current()) this.options.show(step);
  }
}
