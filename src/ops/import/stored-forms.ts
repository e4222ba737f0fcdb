/**
 * Which form numbers the Sites layer already holds, asked a few hundred at a time, so an
 * import run twice stores each form once.
 */
import type { IAuthenticationManager } from '@esri/arcgis-rest-request';
import { queryFeaturePages, retryWhenRateLimited, sqlString } from '../../client/arcgis-request.js';
import { normalizeGuid } from '../../core/validation/validate-attributes.js';
import { SITES } from '../../core/schema/registry-schema.js';
import { normalizeFormNumber } from './read-row.js';

/** Longest where clause sent (ArcGIS servers and our own refuse much longer ones). */
const MAX_WHERE_CHARACTERS = 3000;

/** Form numbers in groups whose `IN (...)` list stays under the where-clause limit. */
function groups(formNumbers: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const number of formNumbers) {
    const literal = sqlString(number).length + 1;
    if (current.length > 0 && length + literal > MAX_WHERE_CHARACTERS) {
      out.push(current);
      current = [];
      length = 0;
    }
    current.push(number);
    length += literal;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * The stored sites among `formNumbers` (normalized, upper case), each with its GlobalID.
 * Form numbers typed in another case by hand still match.
 */
export async function storedForms(
  serviceUrl: string,
  formNumbers: readonly string[],
  authentication: IAuthenticationManager | null,
): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  const layerUrl = `${serviceUrl}/${SITES.id}`;
  for (const group of groups([...new Set(formNumbers)])) {
    const where = `UPPER(form_number) IN (${group.map(sqlString).join(',')})`;
    // A rate-limited group is asked for again from its start.
    const features = await retryWhenRateLimited(async () => {
      const found = [];
      for await (const page of queryFeaturePages(
        layerUrl,
        { where, outFields: ['form_number', 'GlobalID'], pageSize: 1000 },
        { authentication },
      ))
        found.push(...page);
      return found;
    });
    for (const feature of features) {
      const number = feature.attributes.form_number;
      const globalId = feature.attributes.GlobalID;
      if (typeof number === 'string' && typeof globalId === 'string')
        stored.set(normalizeFormNumber(number), normalizeGuid(globalId));
    }
  }
  return stored;
}
