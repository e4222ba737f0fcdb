import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  COMPASS_POINTS,
  compassPointOf,
  defaultFieldOfView,
  localDistanceMeters,
  type CompassPoint,
} from '../../src/core/registration/camera-view.js';
import type { LonLat } from '../../src/core/registration/change-request.js';
import type { CameraDraft } from '../../src/core/registration/registration-draft.js';
import {
  CanExport,
  CameraForm,
  Coverage,
  Mount,
  RecordingMode,
} from '../../src/core/schema/domains.js';
import {
  checkboxField,
  domainChoices,
  fieldId,
  radioField,
  selectField,
  textField,
  type FieldContext,
} from './form-fields.js';

export interface CameraEditorOptions {
  readonly cameras: readonly CameraDraft[];
  /** The site point the cameras stand at unless moved. */
  readonly site: LonLat | null;
  readonly onChange: (index: number, patch: Partial<CameraDraft>) => void;
  readonly onAdd: () => void;
  readonly onRemove: (index: number) => void;
  /** Controls that move one camera off the site point. */
  readonly renderMove: (index: number) => TemplateResult;
}

/** The compass as a 3×3 grid read row by row; the centre is "not sure". */
const GRID: readonly (CompassPoint | '')[] = ['NW', 'N', 'NE', 'W', '', 'E', 'SW', 'S', 'SE'];
const ARROWS: Readonly<Record<CompassPoint | '', string>> = {
  NW: '↖',
  N: '↑',
  NE: '↗',
  W: '←',
  '': '?',
  E: '→',
  SW: '↙',
  S: '↓',
  SE: '↘',
};

function compassField(
  ctx: FieldContext,
  index: number,
  camera: CameraDraft,
  onChange: (bearing: number | null) => void,
): TemplateResult {
  const m = ctx.messages.cameras;
  const field = `cameras[${index}].view_bearing`;
  const id = fieldId(field);
  const checked = camera.view_bearing === null ? '' : compassPointOf(camera.view_bearing);
  const between = camera.view_bearing !== null && checked === undefined;
  return html`<fieldset class="field choices compass" id=${id} aria-describedby="${id}-hint">
    <legend>${m.direction}</legend>
    <p class="hint" id="${id}-hint">
      ${m.directionHint}${between ? html` <strong>${m.bearing(camera.view_bearing ?? 0)}</strong>` : nothing}
    </p>
    <div class="options">
      ${GRID.map((code, i) => {
        const degrees = COMPASS_POINTS.find((p) => p.code === code)?.degrees ?? null;
        return html`<label class="option" for="${id}-${i}">
          <input
            type="radio"
            id="${id}-${i}"
            name=${id}
            value=${code}
            .checked=${live(checked === code)}
            @change=${() => onChange(degrees)}
          />
          <span class="arrow" aria-hidden="true">${ARROWS[code]}</span>
          <span class="name">${code === '' ? m.notSure : m.compass[code]}</span>
        </label>`;
      })}
    </div>
  </fieldset>`;
}

function positionText(ctx: FieldContext, camera: CameraDraft, site: LonLat | null): string {
  const m = ctx.messages.cameras;
  if (!camera.position || !site) return m.positionAtSite;
  return m.positionMoved(Math.round(localDistanceMeters(site, camera.position)));
}

/** One camera's fields. */
function cameraFields(
  ctx: FieldContext,
  o: CameraEditorOptions,
  camera: CameraDraft,
  index: number,
): TemplateResult {
  const m = ctx.messages;
  const { locale } = ctx;
  const name = (field: string) => `cameras[${index}].${field}`;
  const change = (patch: Partial<CameraDraft>) => o.onChange(index, patch);
  const fovDefault = defaultFieldOfView(camera.form);
  const title = m.cameras.heading(index + 1);
  return html`<fieldset class="camera" id=${fieldId(`cameras[${index}]`)}>
    <legend>
      ${title}${camera.label.trim() && camera.label.trim() !== title ? `: ${camera.label.trim()}` : ''}
    </legend>
    ${
      o.cameras.length > 1
        ? html`<div class="camera-head">
            <button type="button" class="link" @click=${() => o.onRemove(index)}>
              ${m.cameras.remove(camera.label.trim() || title)}
            </button>
          </div>`
        : nothing
    }
    ${textField(ctx, {
      field: name('label'),
      value: camera.label,
      hint: m.hints.label,
      required: true,
      maxlength: 100,
      onInput: (label) => change({ label }),
    })}
    ${radioField(ctx, {
      field: name('mount'),
      value: camera.mount,
      choices: domainChoices(Mount, m, locale),
      required: true,
      columns: true,
      onChange: (mount) => change({ mount }),
    })}
    ${selectField(ctx, {
      field: name('form'),
      value: camera.form,
      choices: domainChoices(CameraForm, m, locale),
      onChange: (form) => {
        // Follow the kind of camera unless the resident typed their own angle.
        const before = defaultFieldOfView(camera.form);
        const untouched = camera.fov_deg === '' || camera.fov_deg === String(before ?? '');
        const next = defaultFieldOfView(form);
        change(untouched ? { form, fov_deg: next === null ? '' : String(next) } : { form });
      },
    })}
    ${compassField(ctx, index, camera, (view_bearing) => change({ view_bearing }))}
    ${textField(ctx, {
      field: name('fov_deg'),
      value: camera.fov_deg,
      type: 'number',
      inputmode: 'numeric',
      min: 10,
      max: 360,
      hint: `${m.hints.fov_deg}${fovDefault === null ? '' : ` ${m.cameras.fovDefault(fovDefault)}`}`,
      onInput: (fov_deg) => change({ fov_deg }),
    })}
    ${checkboxField(ctx, {
      field: name('coverage'),
      values: camera.coverage,
      choices: domainChoices(Coverage, m, locale),
      onChange: (coverage) => change({ coverage }),
    })}
    ${selectField(ctx, {
      field: name('recording_mode'),
      value: camera.recording_mode,
      choices: domainChoices(RecordingMode, m, locale),
      required: true,
      onChange: (recording_mode) => change({ recording_mode }),
    })}
    ${textField(ctx, {
      field: name('retention_days'),
      value: camera.retention_days,
      type: 'number',
      inputmode: 'numeric',
      min: 0,
      max: 365,
      required: true,
      hint: m.hints.retention_days,
      onInput: (retention_days) => change({ retention_days }),
    })}
    ${selectField(ctx, {
      field: name('can_export'),
      value: camera.can_export,
      choices: domainChoices(CanExport, m, locale),
      onChange: (can_export) => change({ can_export }),
    })}
    ${
      o.site
        ? html`<div class="field">
            <p class="label-like">
              <strong>${m.cameras.position}:</strong> ${positionText(ctx, camera, o.site)}
            </p>
            <details ?open=${camera.position !== null}>
              <summary>${m.cameras.moveCamera}</summary>
              ${o.renderMove(index)}
            </details>
          </div>`
        : nothing
    }
  </fieldset>`;
}

/** Every camera, then the button that adds one. */
export function renderCameraEditor(ctx: FieldContext, o: CameraEditorOptions): TemplateResult {
  return html`${o.cameras.map((camera, index) => cameraFields(ctx, o, camera, index))}
    <p>
      <button type="button" class="secondary" @click=${o.onAdd}>
        <span aria-hidden="true">+ </span>${ctx.messages.cameras.add}
      </button>
    </p>`;
}
