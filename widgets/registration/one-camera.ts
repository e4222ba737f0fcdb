import type { ChangeRequestPayload } from '../../src/core/registration/change-request.js';
import { FormIssueCode, type FormIssue } from '../../src/core/registration/registration-draft.js';
import type { CameraAttributes } from '../../src/core/schema/registry-types.js';

/**
 * The manage form's "Change one camera": which camera (by its label as registered) and only
 * the fields to change; blank means "as it is". Fields are named `cameras[0].<field>` so they
 * read with the camera fields' labels; the camera's name is `camera_match`.
 */
export interface OneCameraDraft {
  readonly match: string;
  readonly label: string;
  readonly mount: string;
  readonly recording_mode: string;
  readonly retention_days: string;
  readonly can_export: string;
  readonly remove: boolean;
}

export const EMPTY_ONE_CAMERA: OneCameraDraft = {
  match: '',
  label: '',
  mount: '',
  recording_mode: '',
  retention_days: '',
  can_export: '',
  remove: false,
};

export const MATCH_FIELD = 'camera_match';
const CHANGED = ['label', 'mount', 'recording_mode', 'retention_days', 'can_export'] as const;

/** A typed number as a number when it is one; anything else as typed, so validation names it. */
function numberOrText(text: string): number | string {
  const number = Number(text);
  return text !== '' && Number.isFinite(number) ? number : text;
}

/** The payload for one camera: only what was filled in is sent. */
export function oneCameraPayload(draft: OneCameraDraft): {
  payload: ChangeRequestPayload | null;
  issues: FormIssue[];
} {
  const label = draft.match.trim();
  if (label === '')
    return { payload: null, issues: [{ field: MATCH_FIELD, code: FormIssueCode.CodeRequired }] };
  if (draft.remove)
    return { payload: { cameraChanges: [{ match: { label }, remove: true }] }, issues: [] };
  const set: Record<string, string | number> = {};
  for (const name of CHANGED) {
    const typed = draft[name].trim();
    if (typed !== '') set[name] = name === 'retention_days' ? numberOrText(typed) : typed;
  }
  if (Object.keys(set).length === 0)
    return {
      payload: null,
      issues: [{ field: 'cameras[0].label', code: FormIssueCode.NothingToChange }],
    };
  return {
    payload: {
      cameraChanges: [{ match: { label }, set: set as Partial<CameraAttributes> }],
    },
    issues: [],
  };
}

/**
 * A problem with `cameraChanges[0]`, as the form's fields name it: the camera's name for
 * anything about which camera is meant (two cameras sharing the name read INVALID_FORMAT),
 * `cameras[0].<field>` for a value. Other problems keep their field.
 */
export function oneCameraIssue(issue: FormIssue): FormIssue {
  const value = /^cameraChanges\[0\]\.set\.(\w+)$/.exec(issue.field);
  if (value) return { ...issue, field: `cameras[0].${value[1] ?? ''}` };
  if (issue.field === 'cameraChanges[0].match.position')
    return { field: MATCH_FIELD, code: 'INVALID_FORMAT' };
  if (issue.field.startsWith('cameraChanges') || issue.field === 'cameras')
    return { ...issue, field: MATCH_FIELD };
  return issue;
}
