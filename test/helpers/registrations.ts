import { createHash } from 'node:crypto';
import { request } from 'node:http';
import {
  formatManageCode,
  formatReference,
  manageCodeHashInput,
} from '../../src/core/registration/registration-codes.js';

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(random: () => number, count: number): Uint8Array {
  return Uint8Array.from({ length: count }, () => Math.floor(random() * 256));
}

/** A GlobalID as a client generates it (v4 layout, upper case, braces), from `random`. */
export function clientGlobalId(random: () => number): string {
  const b = bytes(random, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  const parts = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
  return `{${[...parts, hex.slice(20)].join('-').toUpperCase()}}`;
}

let residents = 0;

/**
 * A loopback address of its own for each resident (all of 127.0.0.0/8 is this machine), so
 * the server's per-client budgets see many people registering, as they would in production.
 */
export function nextResidentAddress(): string {
  const n = residents;
  residents += 1;
  return `127.${10 + (Math.floor(n / (254 * 256)) % 200)}.${Math.floor(n / 254) % 256}.${1 + (n % 254)}`;
}

export interface Registration {
  /** Loopback address the resident posts from (see {@link nextResidentAddress}). */
  readonly from: string;
  readonly reference: string;
  readonly manageCode: string;
  readonly siteGuid: string;
  readonly cameraGuids: readonly [string, string];
  /** The service-level `applyEdits` `edits` parameter: one site and its two cameras. */
  readonly edits: string;
}

export interface RegistrationContact {
  readonly contactName?: string;
  readonly businessName?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly address?: string;
  readonly unit?: string;
  /** Extra site attributes sent as they are (for checking what the server ignores). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** One public registration (a site with two cameras), with client GlobalIDs from `random`. */
export function makeRegistration(
  random: () => number,
  contact: RegistrationContact = {},
): Registration {
  const reference = formatReference(bytes(random, 8));
  const manageCode = formatManageCode(bytes(random, 10));
  const siteGuid = clientGlobalId(random);
  const cameraGuids = [clientGlobalId(random), clientGlobalId(random)] as const;
  const x = -94.46 + random() * 0.1;
  const y = 39.04 + random() * 0.08;
  const camera = (globalId: string, label: string) => ({
    attributes: {
      GlobalID: globalId,
      site_guid: siteGuid,
      label,
      mount: 'exterior',
      recording_mode: 'motion',
      retention_days: 14,
      view_bearing: Math.floor(random() * 360),
      fov_deg: 90,
      range_m: 30,
    },
    geometry: { x: x + 0.00005, y, spatialReference: { wkid: 4326 } },
  });
  const site = {
    attributes: {
      GlobalID: siteGuid,
      registration_ref: reference,
      manage_code_hash: createHash('sha256')
        .update(manageCodeHashInput(reference, manageCode))
        .digest('hex'),
      site_type: contact.businessName ? 'business' : 'residence',
      ...(contact.businessName ? { business_name: contact.businessName } : {}),
      contact_name: contact.contactName ?? 'Pat Resident',
      contact_role: 'owner',
      phone: contact.phone ?? '+18165550100',
      ...(contact.email ? { email: contact.email } : {}),
      address: contact.address ?? `${100 + Math.floor(random() * 9000)} S Main St`,
      ...(contact.unit ? { unit: contact.unit } : {}),
      share_willingness: 'yes',
      consent_version: '2026-01',
      ...contact.extra,
    },
    geometry: { x, y, spatialReference: { wkid: 4326 } },
  };
  const edits = JSON.stringify([
    { id: 0, adds: [site] },
    { id: 1, adds: [camera(cameraGuids[0], 'Front door'), camera(cameraGuids[1], 'Driveway')] },
  ]);
  return { from: nextResidentAddress(), reference, manageCode, siteGuid, cameraGuids, edits };
}

interface AddResult {
  readonly success: boolean;
  readonly globalId?: string | null;
}

/** What a registration post came to: `acknowledged` only when every add reports success. */
export type PostOutcome =
  | { readonly kind: 'acknowledged' }
  | { readonly kind: 'refused'; readonly status: number; readonly body: string };

/**
 * Posts a form with `node:http` from a chosen local address. Resolves with the whole answer;
 * rejects when the connection fails or closes before the answer is complete.
 */
export function postForm(
  url: string,
  form: Readonly<Record<string, string>>,
  options: { from?: string; headers?: Readonly<Record<string, string>> } = {},
): Promise<{ status: number; text: string }> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        localAddress: options.from,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (!response.complete) reject(new Error('The answer was cut off.'));
          else
            resolve({
              status: response.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            });
        });
        response.on('close', () => {
          if (!response.complete) reject(new Error('The connection closed mid-answer.'));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Posts a registration to a view's service-level `applyEdits` with `useGlobalIds=true` and
 * `rollbackOnFailure=true`, as the public form does, from the resident's own address.
 * Network failures reject.
 */
export async function postRegistration(
  serviceUrl: string,
  registration: Registration,
  init: { token?: string } = {},
): Promise<PostOutcome> {
  const { status, text } = await postForm(
    `${serviceUrl}/applyEdits`,
    {
      f: 'json',
      useGlobalIds: 'true',
      rollbackOnFailure: 'true',
      edits: registration.edits,
    },
    {
      from: registration.from,
      headers: init.token ? { 'x-esri-authorization': `Bearer ${init.token}` } : {},
    },
  );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'refused', status, body: text };
  }
  const expected = [[registration.siteGuid], [...registration.cameraGuids]];
  const ok =
    status === 200 &&
    Array.isArray(body) &&
    body.length === 2 &&
    body.every((layer: { addResults?: AddResult[] }, i) => {
      const results = layer.addResults ?? [];
      const guids = expected[i] ?? [];
      return (
        results.length === guids.length &&
        results.every((r, j) => r.success && r.globalId === guids[j])
      );
    });
  return ok ? { kind: 'acknowledged' } : { kind: 'refused', status, body: text };
}
