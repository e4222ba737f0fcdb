import { describe, expect, it } from 'vitest';
import {
  AppError,
  appErrorFromEditResult,
  ArcgisEditCode,
  ErrorCode,
} from '../../src/core/errors.js';

describe('AppError', () => {
  it('carries its data: field, wait and every field problem', () => {
    const error = new AppError(ErrorCode.InvalidInput, 'email is not valid.', [], {
      field: 'email',
      retryAfterSeconds: 30,
      issues: [{ field: 'email', code: 'INVALID_EMAIL' }],
    });
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'email',
      retryAfterSeconds: 30,
      issues: [{ field: 'email', code: 'INVALID_EMAIL' }],
    });
    expect(new AppError(ErrorCode.Service, 'x').issues).toEqual([]);
  });
});

describe('appErrorFromEditResult', () => {
  it('reads our code and data from a failed edit result, never its description', () => {
    const error = appErrorFromEditResult({
      code: ArcgisEditCode.General,
      description: 'retention_days is outside the allowed range (0 to 365).',
      appCode: 'INVALID_INPUT',
      field: 'retention_days',
      issues: [{ field: 'retention_days', code: 'OUT_OF_RANGE', limit: [0, 365] }],
    });
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'retention_days',
      retryAfterSeconds: undefined,
      issues: [{ field: 'retention_days', code: 'OUT_OF_RANGE', limit: [0, 365] }],
    });
    expect(
      appErrorFromEditResult({ code: 429, description: 'Wait.', retryAfter: 8 }),
    ).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 8, issues: [] });
  });

  it("falls back on ArcGIS's number when there is no code of ours, or no error at all", () => {
    // A result from another ArcGIS server: its own words, none of our data.
    expect(
      appErrorFromEditResult({
        code: -2147217395,
        description: 'Setting of Value for depth failed.',
      }),
    ).toMatchObject({ code: 'SERVICE_ERROR', field: undefined, issues: [] });
    expect(appErrorFromEditResult({ code: 403, description: 'x', appCode: 'NOT_OURS' }).code).toBe(
      'FORBIDDEN',
    );
    expect(appErrorFromEditResult(null).code).toBe('SERVICE_ERROR');
    expect(appErrorFromEditResult(undefined).code).toBe('SERVICE_ERROR');
  });
});
