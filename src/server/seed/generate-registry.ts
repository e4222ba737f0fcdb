import { hashManageCode } from '../auth/manage-code.js';
import { CONFIRMATION_INTERVAL_DAYS } from '../../core/schema/registry-schema.js';
import type { Row, StoredPoint } from '../db/feature-rows.js';
import { formatAddress } from '../geocode/address-points.js';
import { generateAddressPoints, type SyntheticAddressPoint } from './generate-address-points.js';
import { CITY_BOX } from './independence-streets.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Synthetic registrations for demos, tests and load tests: who registered, where, and what
 * their cameras see. Everything is made up (names from short lists, 555 phone numbers,
 * example.com mail, positions on a synthetic street grid) and fully determined by
 * `(sites, seed, now)`.
 */

export interface GeneratedFeature {
  readonly attributes: Row;
  readonly point: StoredPoint;
}

export interface GeneratedSite {
  /** Position in the sequence, from 0. */
  readonly index: number;
  readonly site: GeneratedFeature;
  readonly cameras: readonly GeneratedFeature[];
  /** The plain manage code whose {@link hashManageCode} is the site's `manage_code_hash`. */
  readonly manageCode: string;
}

export interface RegistryOptions {
  readonly sites: number;
  readonly seed: number;
  /** "Now" in epoch milliseconds: every date is placed relative to it. */
  readonly now: number;
  /**
   * A marker string put into one site's `contact_name` and email local part, so privacy
   * tests can check it never leaks where it should not. Letters, digits, `.`, `_`, `+`, `-`.
   */
  readonly canary?: string;
  /** Address points to place sites on; default the synthetic Independence set. */
  readonly addressPoints?: readonly SyntheticAddressPoint[];
}

const DAY = 86_400_000;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const METERS_PER_LAT_DEG = 111_320;

const FIRST_NAMES = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Karen',
  'Daniel',
  'Nancy',
  'José',
  'María',
  'Luis',
  'Ana',
  'Carlos',
  'Sofía',
  'Miguel',
  'Lucía',
  'Tran',
  'Aisha',
  'Kevin',
  'Megan',
  'Brandon',
  'Ashley',
  'Tyler',
  'Brittany',
  'Deshawn',
  'Keisha',
  'Cody',
  'Amber',
] as const;
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Martin',
  'Jackson',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'García',
  'Rodríguez',
  'Martínez',
  'Hernández',
  'López',
  'González',
  'Nguyen',
  'Patel',
  'Kim',
  'Okafor',
  'Baker',
  'Nelson',
  'Carter',
  'Mitchell',
  'Roberts',
  'Turner',
  'Phillips',
  'Campbell',
  'Parker',
  'Evans',
] as const;
const PLACE_WORDS = [
  'Truman',
  'Noland',
  'Square',
  'Blue Valley',
  'Little Blue',
  'Pioneer',
  'Santa Fe Trail',
  'Crysler',
  'Sterling',
  'Englewood',
  'Fairmount',
  'Maywood',
  'Courthouse',
  'Trailside',
  'Heartland',
  'Bluff',
] as const;
const BUSINESS_KINDS = [
  'Auto Care',
  'Hardware',
  'Market',
  'Diner',
  'Pharmacy',
  'Dental',
  'Barber Shop',
  'Bakery',
  'Tire & Lube',
  'Coffee',
  'Laundromat',
  'Pizza',
  'Insurance',
  'Florist',
  'Pet Supply',
  'Taqueria',
  'Fitness',
  'Liquor',
] as const;
const NONPROFIT_KINDS = [
  'Community Center',
  'Food Pantry',
  'Youth League',
  'Senior Center',
  'Boys & Girls Club',
] as const;
const RELIGIOUS_KINDS = [
  'Baptist Church',
  'Methodist Church',
  'Catholic Church',
  'Christian Fellowship',
  'Church of Christ',
] as const;
const OTHER_KINDS = ['Apartments', 'Townhomes', 'Storage', 'HOA Clubhouse'] as const;

const RESIDENCE_LABELS = [
  'Front door',
  'Driveway',
  'Back yard',
  'Side yard',
  'Garage',
  'Front porch',
  'Alley',
  'Back door',
] as const;
const BUSINESS_LABELS = [
  'Storefront',
  'Parking lot',
  'Entrance',
  'Loading dock',
  'Rear door',
  'Side lot',
  'Drive-through',
  'Lobby door',
] as const;
const RESIDENCE_COVERAGE = ['street', 'sidewalk', 'driveway', 'alley', 'intersection'] as const;
const BUSINESS_COVERAGE = ['storefront', 'parking', 'street', 'sidewalk', 'intersection'] as const;

const SITE_TYPES = [
  ['residence', 82],
  ['business', 12],
  ['nonprofit', 2],
  ['religious', 2],
  ['government', 1],
  ['other', 1],
] as const;
const SITE_STATUS = [
  ['verified', 85],
  ['pending', 6],
  ['expired', 4],
  ['withdrawn', 3.5],
  ['rejected', 1.5],
] as const;
const SHARE = [
  ['yes', 55],
  ['case_by_case', 35],
  ['no', 10],
] as const;
const LANGUAGE = [
  ['en', 86],
  ['es', 12],
  ['other', 2],
] as const;
const BEST_HOURS = ['anytime', 'morning', 'afternoon', 'evening', 'weekends'] as const;
const LOCATION_METHOD = [
  ['geocoded', 80],
  ['pin_adjusted', 16],
  ['analyst_corrected', 4],
] as const;
const SOURCE_CHANNEL = [
  ['web', 70],
  ['officer_assisted', 15],
  ['paper', 10],
  ['import', 5],
] as const;
const CREATOR_OF_CHANNEL: Readonly<Record<string, string | null>> = {
  web: null,
  officer_assisted: 'officer1',
  paper: 'analyst1',
  import: 'admin1',
};
const CAMERA_COUNT = [
  [1, 35],
  [2, 35],
  [3, 20],
  [4, 10],
] as const;
const BUSINESS_CAMERA_COUNT = [
  [1, 10],
  [2, 35],
  [3, 30],
  [4, 25],
] as const;
const RECORDING = [
  ['motion', 55],
  ['continuous', 28],
  ['scheduled', 5],
  ['live_only', 12],
] as const;
const RETENTION = [
  [1, 5],
  [3, 10],
  [7, 25],
  [14, 20],
  [30, 30],
  [60, 10],
] as const;
const EXPORT = [
  ['yes_file', 45],
  ['yes_link', 30],
  ['no', 10],
  ['unknown', 15],
] as const;
const CAMERA_STATUS = [
  ['active', 92],
  ['temporarily_down', 5],
  ['removed', 3],
] as const;
const FIXED_FOV = [80, 90, 90, 100, 110] as const;

/** Which site carries the canary: the middle one, so it is neither first nor last. */
export function canarySiteIndex(sites: number): number {
  return Math.floor(sites / 2);
}

/** Upper-case hex of every byte: a table beats `toString(16)` by far on the seeding path. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, '0'),
);

function hex8(value: number): string {
  return (
    (HEX_BYTE[value >>> 24] as string) +
    (HEX_BYTE[(value >>> 16) & 0xff] as string) +
    (HEX_BYTE[(value >>> 8) & 0xff] as string) +
    (HEX_BYTE[value & 0xff] as string)
  );
}

/** A version-4-shaped GUID in ArcGIS form (`{UPPER-CASE}`) drawn from the seeded stream. */
function seededGuid(random: SeededRandom): string {
  const a = hex8(random.uint32());
  const b = hex8(((random.uint32() & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex8(((random.uint32() & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex8(random.uint32());
  return `{${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}}`;
}

function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

function base32(value: number, chars: number): string {
  let out = '';
  for (let i = chars - 1; i >= 0; i--) out += CROCKFORD[Math.floor(value / 32 ** i) % 32];
  return out;
}

/**
 * The registration reference of site `index`: a keyed 4-round Feistel permutation of the
 * index over 60 bits, so references look random yet never repeat within one seed.
 */
function registrationRef(index: number, keys: readonly number[]): string {
  let left = Math.floor(index / 2 ** 30) & 0x3fffffff;
  let right = index % 2 ** 30;
  for (const key of keys) {
    const next = (left ^ (mix32(right ^ key) & 0x3fffffff)) >>> 0;
    left = right;
    right = next;
  }
  const text = base32(left, 6) + base32(right, 6);
  return `${text.slice(0, 4)}-${text.slice(4, 8)}-${text.slice(8)}`;
}

function manageCode(random: SeededRandom): string {
  let text = '';
  for (let i = 0; i < 4; i++) {
    const bits = random.uint32();
    for (let j = 0; j < 4; j++) text += CROCKFORD[(bits >>> (j * 5)) & 31];
    if (i < 3) text += '-';
  }
  return text;
}

function asciiLower(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** Offsets a point by `meters` towards `bearingRad` (clockwise from north). */
function offset(point: StoredPoint, meters: number, bearingRad: number): StoredPoint {
  const dy = (meters * Math.cos(bearingRad)) / METERS_PER_LAT_DEG;
  const dx =
    (meters * Math.sin(bearingRad)) / (METERS_PER_LAT_DEG * Math.cos((point.y * Math.PI) / 180));
  return { x: Math.round((point.x + dx) * 1e7) / 1e7, y: Math.round((point.y + dy) * 1e7) / 1e7 };
}

/** Patrol district (1–4, quadrants of the city box) and beat (four per district). */
function districtAndBeat(point: StoredPoint): { district: string; beat: string } {
  const col = Math.max(
    0,
    Math.min(3, Math.floor(((point.x - CITY_BOX.xmin) / (CITY_BOX.xmax - CITY_BOX.xmin)) * 4)),
  );
  const row = Math.max(
    0,
    Math.min(3, Math.floor(((point.y - CITY_BOX.ymin) / (CITY_BOX.ymax - CITY_BOX.ymin)) * 4)),
  );
  const district = 1 + (row >= 2 ? 0 : 2) + (col >= 2 ? 1 : 0);
  const beat = 1 + (row % 2 === 1 ? 0 : 2) + (col % 2);
  return { district: String(district), beat: `${district}${beat}` };
}

function businessName(random: SeededRandom, siteType: string): string | null {
  const place = random.pick(PLACE_WORDS);
  switch (siteType) {
    case 'business':
      return `${place} ${random.pick(BUSINESS_KINDS)}`;
    case 'nonprofit':
      return `${place} ${random.pick(NONPROFIT_KINDS)}`;
    case 'religious':
      return `${place} ${random.pick(RELIGIOUS_KINDS)}`;
    case 'government':
      return `Independence Fire Station ${random.int(1, 10)}`;
    case 'other':
      return `${place} ${random.pick(OTHER_KINDS)}`;
    default:
      return null;
  }
}

const CANARY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/**
 * Yields `sites` synthetic registrations, each a site with one to four cameras. The same
 * `(sites, seed, now)` always yields the same records (and `canary` changes only its one
 * site). Sites sit on the address points, each used once before any is reused; a reused
 * point gets a unit number (`Apt 2`, `Apt 3`...) and a few metres of jitter, so any
 * number of sites can be made (about 100,000 a second on one core).
 *
 * Every site's attributes pass `validateAttributes(SITES, …, { view: 'source', mode:
 * 'create' })` and every camera's pass the same for CAMERAS; system fields (GlobalID,
 * consent and editor tracking) are filled as the server would have.
 */
export function* generateRegistry(
  options: RegistryOptions,
): Generator<GeneratedSite, void, undefined> {
  const { sites, seed, now, canary } = options;
  if (!Number.isInteger(sites) || sites < 0)
    throw new RangeError(`sites must be a whole number >= 0, got ${sites}`);
  if (!Number.isFinite(now)) throw new RangeError(`now must be epoch milliseconds, got ${now}`);
  if (canary !== undefined && !CANARY_PATTERN.test(canary)) {
    throw new RangeError(
      `canary must be 1-64 letters, digits, '.', '_', '+' or '-', got ${JSON.stringify(canary)}`,
    );
  }
  const points = options.addressPoints ?? generateAddressPoints();
  if (points.length === 0 && sites > 0) throw new RangeError('No address points to place sites on');
  const random = new SeededRandom(seed);
  const order = random.shuffle(points.map((_, i) => i));
  const refKeys = [random.uint32(), random.uint32(), random.uint32(), random.uint32()];
  const canaryAt = canary === undefined ? -1 : canarySiteIndex(sites);
  const nowMs = Math.round(now);

  for (let index = 0; index < sites; index++) {
    const cycle = Math.floor(index / points.length);
    const addressPoint = points[order[index % points.length] as number] as SyntheticAddressPoint;
    const unit = cycle === 0 ? null : `Apt ${cycle + 1}`;
    const isCanary = index === canaryAt;

    // Where.
    let point: StoredPoint = { x: addressPoint.x, y: addressPoint.y };
    if (cycle > 0) point = offset(point, random.float(1, 8), random.float(0, 2 * Math.PI));
    const locationMethod = random.weighted(LOCATION_METHOD);
    if (locationMethod !== 'geocoded')
      point = offset(point, random.float(3, 20), random.float(0, 2 * Math.PI));
    const geocodeScore =
      locationMethod === 'analyst_corrected'
        ? Math.round(random.float(60, 85) * 100) / 100
        : random.chance(0.9)
          ? 100
          : Math.round(random.float(85, 99.99) * 100) / 100;

    // Who.
    const siteType: string = random.weighted(SITE_TYPES);
    const name = businessName(random, siteType);
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    let hasPhone = random.chance(0.92);
    let hasEmail = !hasPhone || random.chance(0.7);
    const phoneDigits = random.int(0, 9999);
    const mailNumber = random.int(1, 99);
    let preferredContact = hasPhone
      ? hasEmail
        ? random.weighted([
            ['phone', 50],
            ['sms', 30],
            ['email', 20],
          ] as const)
        : random.weighted([
            ['phone', 60],
            ['sms', 40],
          ] as const)
      : 'email';
    const roleRoll = random.next();
    const contactRole =
      siteType === 'residence'
        ? roleRoll < 0.7
          ? 'owner'
          : 'tenant'
        : siteType === 'business'
          ? roleRoll < 0.35
            ? 'owner'
            : roleRoll < 0.85
              ? 'manager_operator'
              : 'security_company'
          : 'manager_operator';

    // When, and in what state.
    let status: string = random.weighted(SITE_STATUS);
    const ageDays =
      status === 'pending'
        ? random.float(0, 30)
        : status === 'expired'
          ? random.float(366, 730)
          : status === 'rejected'
            ? random.float(1, 180)
            : status === 'withdrawn'
              ? random.float(30, 730)
              : random.chance(0.9)
                ? random.float(0, 365)
                : random.float(365, 730);
    const reconfirmations = status === 'pending' ? 0 : random.pick([0, 0, 0, 1, 2] as const);
    const verifyDelayDays = random.float(0.1, 10);
    const withdrawDelayDays = random.float(1, 30);
    const verifier = random.chance(0.8) ? 'analyst1' : 'admin1';
    const sourceChannel = random.weighted(SOURCE_CHANNEL);
    const language = random.weighted(LANGUAGE);
    const bestHours = random.pick(BEST_HOURS);
    const share = random.weighted(SHARE);
    const duplicateSuspect = random.chance(0.005);
    const code = manageCode(random);
    const globalId = seededGuid(random);

    let lastConfirmed = Math.round(nowMs - ageDays * DAY);
    if (isCanary) {
      // The canary must be visible to officers and reachable by every channel. Only values
      // are overridden, never a random draw skipped, so every other site stays the same.
      status = 'verified';
      hasPhone = true;
      hasEmail = true;
      preferredContact = 'email';
      lastConfirmed = nowMs - 30 * DAY;
    }
    const created = lastConfirmed - reconfirmations * CONFIRMATION_INTERVAL_DAYS * DAY;
    const reviewed =
      status === 'verified' ||
      status === 'expired' ||
      status === 'withdrawn' ||
      status === 'rejected';
    const verifiedAt = reviewed
      ? Math.min(nowMs, Math.round(created + verifyDelayDays * DAY))
      : null;
    const confirmDue = lastConfirmed + CONFIRMATION_INTERVAL_DAYS * DAY;
    const editedAt =
      status === 'withdrawn'
        ? Math.min(nowMs, Math.round(lastConfirmed + withdrawDelayDays * DAY))
        : Math.max(lastConfirmed, verifiedAt ?? 0);
    const creator = CREATOR_OF_CHANNEL[sourceChannel] ?? null;
    const editor = reviewed ? verifier : creator;

    // Cameras.
    const business = siteType !== 'residence';
    const cameraCount = random.weighted(business ? BUSINESS_CAMERA_COUNT : CAMERA_COUNT);
    const labels = business ? BUSINESS_LABELS : RESIDENCE_LABELS;
    const coveragePool = business ? BUSINESS_COVERAGE : RESIDENCE_COVERAGE;
    const firstLabel = random.chance(0.6) ? 0 : random.int(0, labels.length - 1);
    const cameras: GeneratedFeature[] = [];
    let missingDirection = false;
    for (let c = 0; c < cameraCount; c++) {
      const label = labels[(firstLabel + c) % labels.length] as string;
      const form =
        !business && c === 0 && random.chance(0.55)
          ? 'doorbell'
          : random.weighted(
              business
                ? ([
                    ['fixed', 80],
                    ['ptz', 15],
                    ['unknown', 5],
                  ] as const)
                : ([
                    ['fixed', 85],
                    ['ptz', 3],
                    ['other', 5],
                    ['unknown', 7],
                  ] as const),
            );
      const bearingKnown = random.chance(0.85);
      const bearing = random.int(0, 359);
      if (!bearingKnown) missingDirection = true;
      const fov =
        form === 'doorbell'
          ? 160
          : form === 'ptz'
            ? 360
            : form === 'fixed'
              ? random.pick(FIXED_FOV)
              : form === 'other'
                ? 100
                : null;
      const range = form === 'doorbell' ? random.int(10, 25) : random.int(10, 60);
      const coverageCount = random.int(1, 3);
      const coverageStart = random.int(0, coveragePool.length - 1);
      const coverage: string[] = [];
      for (let k = 0; k < coverageCount; k++)
        coverage.push(coveragePool[(coverageStart + k) % coveragePool.length] as string);
      const recording = random.weighted(RECORDING);
      const retention = recording === 'live_only' ? 0 : random.weighted(RETENTION);
      const storage =
        form === 'doorbell'
          ? random.weighted([
              ['cloud', 85],
              ['sd_card', 10],
              ['unknown', 5],
            ] as const)
          : random.weighted([
              ['local', 35],
              ['cloud', 30],
              ['sd_card', 25],
              ['mixed', 5],
              ['unknown', 5],
            ] as const);
      const canExport = recording === 'live_only' ? 'no' : random.weighted(EXPORT);
      const mount =
        form !== 'doorbell' &&
        (label === 'Storefront' || label === 'Lobby door' || random.chance(0.08)) &&
        random.chance(0.5)
          ? 'interior_facing_out'
          : 'exterior';
      const cameraStatus = random.weighted(CAMERA_STATUS);
      const cameraPoint = offset(point, random.float(3, 15), random.float(0, 2 * Math.PI));
      cameras.push({
        attributes: {
          GlobalID: seededGuid(random),
          site_guid: globalId,
          label,
          mount,
          form,
          view_bearing: bearingKnown ? bearing : null,
          fov_deg: fov,
          range_m: range,
          coverage: coverage.join(','),
          recording_mode: recording,
          retention_days: retention,
          storage,
          can_export: canExport,
          status: cameraStatus,
          Creator: creator,
          CreationDate: created,
          Editor: editor,
          EditDate: editedAt,
        },
        point: cameraPoint,
      });
    }

    const flags: string[] = [];
    if (geocodeScore < 80) flags.push('geocode_low');
    if (missingDirection) flags.push('missing_direction');
    if (status === 'verified' && confirmDue <= nowMs) flags.push('stale');
    if (duplicateSuspect && !isCanary) flags.push('duplicate_suspect');
    const { district, beat } = districtAndBeat(point);
    const contactName = isCanary ? `${first} ${canary}` : `${first} ${last}`;
    const email = isCanary
      ? `${canary}@example.com`
      : `${asciiLower(first)}.${asciiLower(last)}${mailNumber}@example.com`;

    const reference = registrationRef(index, refKeys);
    yield {
      index,
      manageCode: code,
      site: {
        attributes: {
          GlobalID: globalId,
          registration_ref: reference,
          manage_code_hash: hashManageCode(reference, code),
          site_type: siteType,
          business_name: name,
          contact_name: contactName,
          contact_role: isCanary ? 'owner' : contactRole,
          phone: hasPhone ? `+1816555${String(phoneDigits).padStart(4, '0')}` : null,
          email: hasEmail ? email : null,
          preferred_contact: preferredContact,
          preferred_language: language,
          best_hours: bestHours,
          address: formatAddress(addressPoint),
          unit,
          location_method: locationMethod,
          geocode_score: geocodeScore,
          share_willingness: share,
          consent_version: '2026-01',
          consent_at: created,
          status,
          verified_by: reviewed ? verifier : null,
          verified_at: verifiedAt,
          last_confirmed_at: lastConfirmed,
          confirm_due_at: confirmDue,
          source_channel: sourceChannel,
          district,
          beat,
          quality_flags: flags.length > 0 ? flags.join(',') : null,
          duplicate_of: null,
          Creator: creator,
          CreationDate: created,
          Editor: editor,
          EditDate: editedAt,
        },
        point,
      },
      cameras,
    };
  }
}
