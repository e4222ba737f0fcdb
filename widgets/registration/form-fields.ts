import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { FormIssue } from '../../src/core/registration/registration-draft.js';
import type { CodedDomain } from '../../src/core/schema/schema-types.js';
import type { Locale } from '../shared/locale.js';
import type { RegistrationMessages } from './cam-registration.messages.js';

/** What every field needs to render its label, hint and problem. */
export interface FieldContext {
  readonly messages: RegistrationMessages;
  readonly locale: Locale;
  readonly issues: readonly FormIssue[];
}

export interface Choice {
  readonly code: string;
  readonly label: string;
}

/** Element id of a field: `cameras[1].label` → `cam-f-cameras-1-label`. */
export function fieldId(field: string): string {
  return `cam-f-${field.replace(/[[\].]+/g, '-').replace(/-$/, '')}`;
}

/** The label a field is known by (camera fields by their plain name). */
export function fieldLabel(messages: RegistrationMessages, field: string): string {
  const name = field.replace(/^cameras\[\d+\]\./, '');
  return messages.fields[name] ?? name;
}

/** Fields answered by picking, whose REQUIRED reads "choose" rather than "enter". */
const CHOICE_FIELDS = new Set([
  'site_type',
  'contact_role',
  'preferred_contact',
  'preferred_language',
  'best_hours',
  'share_willingness',
  'mount',
  'form',
  'recording_mode',
  'can_export',
  'request_type',
]);

/** Plain words for one problem. */
export function issueText(messages: RegistrationMessages, issue: FormIssue): string {
  const label = fieldLabel(messages, issue.field);
  const name = issue.field.replace(/^cameras\[\d+\]\./, '');
  if (issue.code === 'REQUIRED' && CHOICE_FIELDS.has(name)) {
    return messages.issues.CHOICE_REQUIRED(label);
  }
  return messages.issues[issue.code](label, issue.limit);
}

/** A coded domain's choices in the page's language (host overrides first). */
export function domainChoices(
  domain: CodedDomain,
  messages: RegistrationMessages,
  locale: Locale,
): Choice[] {
  return domain.values.map((value) => ({
    code: value.code,
    label: messages.domainLabels[`${domain.name}.${value.code}`] ?? value[locale],
  }));
}

/** The label of one code, or the "not given" text. */
export function domainLabel(
  domain: CodedDomain,
  code: string,
  messages: RegistrationMessages,
  locale: Locale,
): string {
  if (!code) return messages.review.notGiven;
  return domainChoices(domain, messages, locale).find((c) => c.code === code)?.label ?? code;
}

function issueOf(ctx: FieldContext, field: string): FormIssue | undefined {
  return ctx.issues.find((issue) => issue.field === field);
}

function describedBy(id: string, hint: boolean, issue: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : '', issue ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function errorLine(ctx: FieldContext, id: string, issue: FormIssue | undefined) {
  return issue
    ? html`<p class="field-error" id="${id}-error">
        <span class="icon" aria-hidden="true">!</span>${issueText(ctx.messages, issue)}
      </p>`
    : nothing;
}

function labelText(ctx: FieldContext, text: string, required: boolean) {
  return html`${text}${
    required ? nothing : html` <span class="optional">(${ctx.messages.optional})</span>`
  }`;
}

export interface TextFieldOptions {
  readonly field: string;
  readonly value: string;
  readonly label?: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly type?: 'text' | 'tel' | 'email' | 'number';
  readonly autocomplete?: string;
  readonly inputmode?: 'text' | 'tel' | 'email' | 'numeric';
  readonly maxlength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly spellcheck?: boolean;
  readonly onInput: (value: string) => void;
}

/** A labelled text input with its hint and problem. */
export function textField(ctx: FieldContext, o: TextFieldOptions): TemplateResult {
  const id = fieldId(o.field);
  const issue = issueOf(ctx, o.field);
  const label = o.label ?? fieldLabel(ctx.messages, o.field);
  return html`<div class="field ${issue ? 'invalid' : ''}">
    <label for=${id}>${labelText(ctx, label, o.required ?? false)}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : nothing}
    ${errorLine(ctx, id, issue)}
    <input
      id=${id}
      name=${o.field}
      type=${o.type ?? 'text'}
      .value=${live(o.value)}
      autocomplete=${o.autocomplete ?? 'off'}
      inputmode=${ifDefined(o.inputmode)}
      maxlength=${ifDefined(o.maxlength)}
      min=${ifDefined(o.min)}
      max=${ifDefined(o.max)}
      spellcheck=${ifDefined(o.spellcheck === undefined ? undefined : String(o.spellcheck))}
      aria-required=${o.required ? 'true' : 'false'}
      aria-invalid=${issue ? 'true' : 'false'}
      aria-describedby=${ifDefined(describedBy(id, Boolean(o.hint), Boolean(issue)))}
      @input=${(e: Event) => o.onInput((e.target as HTMLInputElement).value)}
    />
  </div>`;
}

export interface ChoiceFieldOptions {
  readonly field: string;
  readonly value: string;
  readonly choices: readonly Choice[];
  readonly label?: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly onChange: (value: string) => void;
  /** Lay radios out in columns when there is room. */
  readonly columns?: boolean;
  /** The first option of a select, for "nothing chosen" (default "Choose…"). */
  readonly placeholder?: string;
}

/** A labelled select with a "Choose…" first option. */
export function selectField(ctx: FieldContext, o: ChoiceFieldOptions): TemplateResult {
  const id = fieldId(o.field);
  const issue = issueOf(ctx, o.field);
  return html`<div class="field ${issue ? 'invalid' : ''}">
    <label for=${id}
      >${labelText(ctx, o.label ?? fieldLabel(ctx.messages, o.field), o.required ?? false)}</label
    >
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : nothing}
    ${errorLine(ctx, id, issue)}
    <select
      id=${id}
      name=${o.field}
      aria-required=${o.required ? 'true' : 'false'}
      aria-invalid=${issue ? 'true' : 'false'}
      aria-describedby=${ifDefined(describedBy(id, Boolean(o.hint), Boolean(issue)))}
      @change=${(e: Event) => o.onChange((e.target as HTMLSelectElement).value)}
    >
      <option value="" ?selected=${o.value === ''}>${o.placeholder ?? ctx.messages.choose}</option>
      ${o.choices.map(
        (c) => html`<option value=${c.code} ?selected=${c.code === o.value}>${c.label}</option>`,
      )}
    </select>
  </div>`;
}

/** A fieldset of radios; the fieldset carries the id so a problem can focus into it. */
export function radioField(ctx: FieldContext, o: ChoiceFieldOptions): TemplateResult {
  const id = fieldId(o.field);
  const issue = issueOf(ctx, o.field);
  return html`<fieldset
    class="field choices ${issue ? 'invalid' : ''} ${o.columns ? 'columns' : ''}"
    id=${id}
    aria-describedby=${ifDefined(describedBy(id, Boolean(o.hint), Boolean(issue)))}
  >
    <legend>
      ${labelText(ctx, o.label ?? fieldLabel(ctx.messages, o.field), o.required ?? false)}
    </legend>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : nothing}
    ${errorLine(ctx, id, issue)}
    <div class="options">
      ${o.choices.map(
        (c, i) =>
          html`<label class="option" for="${id}-${i}">
            <input
              type="radio"
              id="${id}-${i}"
              name=${id}
              value=${c.code}
              .checked=${live(c.code === o.value)}
              aria-invalid=${issue ? 'true' : 'false'}
              @change=${() => o.onChange(c.code)}
            />
            <span>${c.label}</span>
          </label>`,
      )}
    </div>
  </fieldset>`;
}

export interface MultiFieldOptions {
  readonly field: string;
  readonly values: readonly string[];
  readonly choices: readonly Choice[];
  readonly hint?: string;
  readonly onChange: (values: string[]) => void;
}

/** A fieldset of checkboxes whose codes become a comma-separated list. */
export function checkboxField(ctx: FieldContext, o: MultiFieldOptions): TemplateResult {
  const id = fieldId(o.field);
  const issue = issueOf(ctx, o.field);
  const toggle = (code: string, on: boolean) => {
    const next = new Set(o.values);
    if (on) next.add(code);
    else next.delete(code);
    // Keep the domain's order so the stored list reads the same every time.
    o.onChange(o.choices.map((c) => c.code).filter((c) => next.has(c)));
  };
  return html`<fieldset
    class="field choices columns ${issue ? 'invalid' : ''}"
    id=${id}
    aria-describedby=${ifDefined(describedBy(id, Boolean(o.hint), Boolean(issue)))}
  >
    <legend>${labelText(ctx, fieldLabel(ctx.messages, o.field), false)}</legend>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : nothing}
    ${errorLine(ctx, id, issue)}
    <div class="options">
      ${o.choices.map(
        (c, i) =>
          html`<label class="option" for="${id}-${i}">
            <input
              type="checkbox"
              id="${id}-${i}"
              value=${c.code}
              .checked=${live(o.values.includes(c.code))}
              @change=${(e: Event) => toggle(c.code, (e.target as HTMLInputElement).checked)}
            />
            <span>${c.label}</span>
          </label>`,
      )}
    </div>
  </fieldset>`;
}

/**
 * The one alert region of a flow: the problems, each a link to its field, or a failure
 * message. It stays in the page (empty) so screen readers announce what appears in it.
 */
export function alertRegion(
  ctx: FieldContext,
  failure: TemplateResult | string | null,
  onJump: (field: string) => void,
): TemplateResult {
  const issues = ctx.issues;
  return html`<div
    class="alert ${issues.length > 0 || failure ? 'shown' : ''}"
    role="alert"
    tabindex="-1"
  >
    ${failure ? html`<div class="failure">${failure}</div>` : nothing}
    ${
      issues.length > 0
        ? html`<p class="summary-title">${ctx.messages.summary(issues.length)}</p>
            <ul class="summary">
              ${issues.map(
                (issue) =>
                  html`<li>
                    <a
                      href="#${fieldId(issue.field)}"
                      @click=${(e: Event) => {
                        e.preventDefault();
                        onJump(issue.field);
                      }}
                      >${issueText(ctx.messages, issue)}</a
                    >
                  </li>`,
              )}
            </ul>`
        : nothing
    }
  </div>`;
}
