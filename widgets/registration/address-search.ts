import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { FieldContext } from './form-fields.js';
import { fieldId, issueText } from './form-fields.js';
import type {
  AddressCandidate,
  AddressSuggestion,
  RegistrationClient,
} from './registration-client.js';

export interface AddressSearchOptions {
  readonly client: () => RegistrationClient;
  /** A suggestion was picked or the typed text was found. */
  readonly onLocated: (candidate: AddressCandidate) => void;
  /** The text changed by typing (any earlier location no longer holds). */
  readonly onEdited: (text: string) => void;
}

/** Milliseconds of quiet typing before asking for suggestions. */
const SUGGEST_DELAY_MS = 200;

/**
 * An address field with suggestions (WAI-ARIA combobox with a listbox): GeocodeServer
 * `suggest` while typing, then `findAddressCandidates` with the chosen `magicKey`, or with
 * the typed text when Find is pressed.
 */
export class AddressSearch implements ReactiveController {
  suggestions: AddressSuggestion[] = [];
  active = -1;
  open = false;
  busy = false;
  problem: 'noMatch' | 'lookupFailed' | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: AbortController | undefined;
  private readonly host: ReactiveControllerHost;
  private readonly options: AddressSearchOptions;

  constructor(host: ReactiveControllerHost, options: AddressSearchOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.pending?.abort();
  }

  private cancel(): AbortSignal {
    clearTimeout(this.timer);
    this.pending?.abort();
    this.pending = new AbortController();
    return this.pending.signal;
  }

  handleInput(text: string): void {
    this.options.onEdited(text);
    this.problem = null;
    const signal = this.cancel();
    if (text.trim().length < 3) {
      this.suggestions = [];
      this.open = false;
      this.host.requestUpdate();
      return;
    }
    this.timer = setTimeout(() => {
      this.options
        .client()
        .suggest(text, { signal })
        .then((list) => {
          if (signal.aborted) return;
          this.suggestions = list;
          this.active = -1;
          this.open = list.length > 0;
          this.host.requestUpdate();
        })
        .catch(() => {
          // Suggestions are a convenience: Find still works, and it reports failures.
          if (signal.aborted) return;
          this.suggestions = [];
          this.open = false;
          this.host.requestUpdate();
        });
    }, SUGGEST_DELAY_MS);
    this.host.requestUpdate();
  }

  handleKeydown(event: KeyboardEvent, located: boolean): void {
    const count = this.suggestions.length;
    switch (event.key) {
      case 'ArrowDown':
        if (count === 0) return;
        event.preventDefault();
        this.open = true;
        this.active = (this.active + 1) % count;
        break;
      case 'ArrowUp':
        if (count === 0) return;
        event.preventDefault();
        this.open = true;
        this.active = this.active <= 0 ? count - 1 : this.active - 1;
        break;
      case 'Escape':
        if (!this.open) return;
        event.preventDefault();
        this.open = false;
        break;
      case 'Enter':
        if (this.open && this.active >= 0) {
          event.preventDefault();
          void this.choose(this.active);
        } else if (!located) {
          event.preventDefault();
          void this.findTyped((event.target as HTMLInputElement).value);
        }
        return;
      default:
        return;
    }
    this.host.requestUpdate();
  }

  handleBlur(): void {
    this.open = false;
    this.host.requestUpdate();
  }

  async choose(index: number): Promise<void> {
    const suggestion = this.suggestions[index];
    if (!suggestion) return;
    this.open = false;
    this.suggestions = [];
    await this.locate({ text: suggestion.text, magicKey: suggestion.magicKey });
  }

  async findTyped(text: string): Promise<void> {
    if (text.trim() === '') return;
    this.open = false;
    await this.locate({ text });
  }

  private async locate(query: { text: string; magicKey?: string }): Promise<void> {
    const signal = this.cancel();
    this.busy = true;
    this.problem = null;
    this.host.requestUpdate();
    try {
      const [best] = await this.options.client().findAddress(query, { signal });
      if (signal.aborted) return;
      if (best) this.options.onLocated(best);
      else this.problem = 'noMatch';
    } catch {
      if (!signal.aborted) this.problem = 'lookupFailed';
    } finally {
      if (!signal.aborted) {
        this.busy = false;
        this.host.requestUpdate();
      }
    }
  }

  /**
   * The field: label, hint, problem, the combobox with its Find button, and the list.
   * Options are chosen with the arrow keys on the input (WAI-ARIA combobox), so the list
   * items themselves take only pointer clicks.
   */
  /* eslint-disable lit-a11y/click-events-have-key-events */
  render(
    ctx: FieldContext,
    o: { field: string; value: string; located: boolean; label?: string; required: boolean },
  ) {
    const id = fieldId(o.field);
    const m = ctx.messages;
    const issue = ctx.issues.find((i) => i.field === o.field);
    const problem = this.problem ? m.address[this.problem] : issue ? issueText(m, issue) : '';
    const listId = `${id}-list`;
    const activeId = this.open && this.active >= 0 ? `${id}-opt-${this.active}` : undefined;
    return html`<div class="field address ${problem ? 'invalid' : ''}">
      <label for=${id} id="${id}-label">${o.label ?? m.fields.address}</label>
      <p class="hint" id="${id}-hint">${m.address.hint}</p>
      ${
        problem
          ? html`<p class="field-error" id="${id}-error">
              <span class="icon" aria-hidden="true">!</span>${problem}
            </p>`
          : nothing
      }
      <div class="combo">
        <div class="combo-input">
          <input
            id=${id}
            name=${o.field}
            type="text"
            role="combobox"
            aria-labelledby="${id}-label"
            autocomplete="off"
            spellcheck="false"
            aria-autocomplete="list"
            aria-expanded=${this.open ? 'true' : 'false'}
            aria-controls=${listId}
            aria-activedescendant=${ifDefined(activeId)}
            aria-required=${o.required ? 'true' : 'false'}
            aria-invalid=${problem ? 'true' : 'false'}
            aria-describedby="${id}-hint${problem ? ` ${id}-error` : ''}"
            .value=${live(o.value)}
            @input=${(e: Event) => this.handleInput((e.target as HTMLInputElement).value)}
            @keydown=${(e: KeyboardEvent) => this.handleKeydown(e, o.located)}
            @blur=${() => this.handleBlur()}
          />
          <ul
            id=${listId}
            role="listbox"
            aria-label=${m.address.suggestions}
            class="suggestions"
            ?hidden=${!this.open}
          >
            ${this.suggestions.map(
              (s, i) =>
                html`<li
                  id="${id}-opt-${i}"
                  role="option"
                  aria-selected=${i === this.active ? 'true' : 'false'}
                  @mousedown=${(e: Event) => e.preventDefault()}
                  @click=${() => void this.choose(i)}
                >
                  ${s.text}
                </li>`,
            )}
          </ul>
        </div>
        <button
          type="button"
          class="secondary"
          ?disabled=${this.busy}
          @click=${(e: Event) => {
            const input = (e.target as HTMLElement)
              .closest('.combo')
              ?.querySelector('input') as HTMLInputElement | null;
            void this.findTyped(input?.value ?? o.value);
          }}
        >
          ${this.busy ? m.address.searching : m.address.find}
        </button>
      </div>
      <p class="visually-hidden" role="status">
        ${this.open ? m.address.suggestionCount(this.suggestions.length) : ''}
      </p>
    </div>`;
  }
  /* eslint-enable lit-a11y/click-events-have-key-events */
}
