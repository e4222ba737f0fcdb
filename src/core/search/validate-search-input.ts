/**
 * Checks what an officer entered before a search: officers' mistakes are data (issues by
 * field), not exceptions.
 */
import { SearchPurpose } from '../schema/domains.js';
import { SEARCH_AUDIT } from '../schema/registry-schema.js';
import type { LonLat } from './rank-cameras.js';
import { MAX_RADIUS_METERS, MIN_RADIUS_METERS } from './search-config.js';

/** What an officer asks for. */
export interface IncidentSearchInput {
  readonly caseNumber: string;
  /** A code of the SearchPurpose domain. */
  readonly purpose: string;
  /** Incident point `[lon, lat]`, WGS84. */
  readonly incident: LonLat | null;
  /** Incident time, epoch ms. */
  readonly incidentAt: number;
  readonly radiusMeters: number;
}

export type SearchInputField = 'caseNumber' | 'purpose' | 'incident' | 'incidentAt' | 'radius';

export const SearchInputIssue = {
  Required: 'REQUIRED',
  TooLong: 'TOO_LONG',
  NotInDomain: 'NOT_IN_DOMAIN',
  OutOfRange: 'OUT_OF_RANGE',
  Invalid: 'INVALID',
} as const;
export type SearchInputIssue = (typeof SearchInputIssue)[keyof typeof SearchInputIssue];

export type ValidSearchInput = IncidentSearchInput & { readonly incident: LonLat };

export type SearchInputResult =
  | { readonly ok: true; readonly value: ValidSearchInput }
  | { readonly ok: false; readonly issues: Partial<Record<SearchInputField, SearchInputIssue>> };

const CASE_NUMBER_LENGTH =
  SEARCH_AUDIT.fields.find((field) => field.name === 'case_number')?.length ?? 40;

/** Slack for clocks that disagree when the incident time is "now", ms. */
const FUTURE_SLACK_MS = 10 * 60_000;

/**
 * Validates a search request; the case number comes back trimmed. With `now`, an incident
 * time more than ten minutes ahead of it is out of range.
 */
export function validateSearchInput(input: IncidentSearchInput, now?: number): SearchInputResult {
  const issues: Partial<Record<SearchInputField, SearchInputIssue>> = {};
  const caseNumber = input.caseNumber.trim();
  if (caseNumber === '') issues.caseNumber = SearchInputIssue.Required;
  else if (caseNumber.length > CASE_NUMBER_LENGTH) issues.caseNumber = SearchInputIssue.TooLong;
  else if (/[\p{Cc}]/u.test(caseNumber)) issues.caseNumber = SearchInputIssue.Invalid;
  if (input.purpose === '') issues.purpose = SearchInputIssue.Required;
  else if (!SearchPurpose.values.some((value) => value.code === input.purpose)) {
    issues.purpose = SearchInputIssue.NotInDomain;
  }
  const point = input.incident;
  if (point === null) issues.incident = SearchInputIssue.Required;
  else if (
    !Number.isFinite(point[0]) ||
    !Number.isFinite(point[1]) ||
    Math.abs(point[0]) > 180 ||
    Math.abs(point[1]) > 90
  ) {
    issues.incident = SearchInputIssue.OutOfRange;
  }
  if (!Number.isFinite(input.incidentAt)) issues.incidentAt = SearchInputIssue.Required;
  else if (now !== undefined && input.incidentAt > now + FUTURE_SLACK_MS) {
    issues.incidentAt = SearchInputIssue.OutOfRange;
  }
  if (!Number.isFinite(input.radiusMeters)) issues.radius = SearchInputIssue.Required;
  else if (input.radiusMeters < MIN_RADIUS_METERS || input.radiusMeters > MAX_RADIUS_METERS) {
    issues.radius = SearchInputIssue.OutOfRange;
  }
  if (Object.keys(issues).length > 0 || point === null) return { ok: false, issues };
  return { ok: true, value: { ...input, caseNumber, incident: point } };
}
