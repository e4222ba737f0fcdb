import * as d from './domains.js';
import type { FieldDef, LayerDef, RelationshipDef } from './schema-types.js';

const PUBLIC = { public: true } as const;
const OFFICER = { officer: true } as const;
const BOTH = { public: true, officer: true } as const;

type Named<N extends string, T extends FieldDef['type']> = FieldDef & {
  readonly name: N;
  readonly type: T;
};

const objectId = (views: FieldDef['views'] = OFFICER): Named<'OBJECTID', 'oid'> => ({
  name: 'OBJECTID',
  type: 'oid',
  alias: 'Object ID',
  nullable: false,
  editable: false,
  views,
});
const globalId = (views: FieldDef['views'] = OFFICER): Named<'GlobalID', 'globalId'> => ({
  name: 'GlobalID',
  type: 'globalId',
  alias: 'Global ID',
  nullable: false,
  editable: false,
  views,
});

/** ArcGIS Online's editor-tracking names (`editFieldsInfo`), set by the server on every edit. */
export const EDIT_FIELDS = {
  creationDateField: 'CreationDate',
  creatorField: 'Creator',
  editDateField: 'EditDate',
  editorField: 'Editor',
} as const;

const editorTracking = (
  views: FieldDef['views'] = {},
): readonly [
  Named<'Creator', 'string'>,
  Named<'CreationDate', 'date'>,
  Named<'Editor', 'string'>,
  Named<'EditDate', 'date'>,
] => [
  {
    name: 'Creator',
    type: 'string',
    alias: 'Creator',
    length: 128,
    nullable: true,
    editable: false,
    serverSet: 'user',
    views,
  },
  field('CreationDate', 'date', 'Created', {
    nullable: true,
    editable: false,
    serverSet: 'now',
    views,
  }),
  {
    name: 'Editor',
    type: 'string',
    alias: 'Editor',
    length: 128,
    nullable: true,
    editable: false,
    serverSet: 'user',
  },
  field('EditDate', 'date', 'Edited', { nullable: true, editable: false, serverSet: 'now' }),
];

const str = <N extends string>(
  name: N,
  alias: string,
  length: number,
  extra: Partial<FieldDef> = {},
): Named<N, 'string'> => ({
  nullable: true,
  editable: true,
  ...extra,
  name,
  type: 'string',
  alias,
  length,
});

const coded = <N extends string>(
  name: N,
  alias: string,
  domain: FieldDef['domain'],
  extra: Partial<FieldDef> = {},
): Named<N, 'string'> => ({
  length: 32,
  nullable: true,
  editable: true,
  ...extra,
  name,
  type: 'string',
  alias,
  domain,
});

/** A field that is neither plain text nor coded: numbers, dates, GUIDs. */
const field = <N extends string, T extends FieldDef['type']>(
  name: N,
  type: T,
  alias: string,
  extra: Partial<FieldDef> = {},
): Named<N, T> => ({ nullable: true, editable: true, ...extra, name, type, alias });

export const SITES = {
  id: 0,
  name: 'Sites',
  kind: 'point',
  description: 'One registered home or business and who to contact there.',
  displayField: 'address',
  fields: [
    objectId(),
    globalId(),
    str('registration_ref', 'Registration reference', 16, {
      format: 'reference',
      required: true,
      views: PUBLIC,
    }),
    str('manage_code_hash', 'Manage code hash', 64, {
      format: 'sha256',
      required: true,
      views: PUBLIC,
    }),
    coded('site_type', 'Site type', d.SiteType, { required: true, nullable: false, views: BOTH }),
    str('business_name', 'Business name', 255, { views: BOTH, contact: true }),
    str('contact_name', 'Contact name', 200, {
      required: true,
      nullable: false,
      views: BOTH,
      contact: true,
    }),
    coded('contact_role', 'Contact role', d.ContactRole, {
      required: true,
      views: BOTH,
      contact: true,
    }),
    str('phone', 'Phone', 16, { format: 'e164', views: BOTH, contact: true }),
    str('email', 'Email', 254, { format: 'email', views: BOTH, contact: true }),
    coded('preferred_contact', 'Preferred contact', d.PreferredContact, {
      views: BOTH,
      contact: true,
    }),
    coded('preferred_language', 'Preferred language', d.Language, {
      views: BOTH,
      contact: true,
    }),
    coded('best_hours', 'Best time to call', d.BestHours, { views: BOTH, contact: true }),
    str('address', 'Address', 255, {
      required: true,
      nullable: false,
      views: BOTH,
      contact: true,
    }),
    str('unit', 'Unit or suite', 50, { views: BOTH, contact: true }),
    coded('location_method', 'Location method', d.LocationMethod, { views: PUBLIC }),
    field('geocode_score', 'double', 'Geocode score', {
      range: [0, 100],
      nullable: true,
      editable: true,
      views: PUBLIC,
    }),
    coded('share_willingness', 'Willing to share footage', d.ShareWillingness, {
      required: true,
      views: BOTH,
    }),
    str('consent_version', 'Consent version', 20, { required: true, views: PUBLIC }),
    field('consent_at', 'date', 'Consent given', {
      nullable: true,
      editable: false,
      serverSet: 'now',
    }),
    coded('status', 'Status', d.SiteStatus, { serverSet: 'pending', views: OFFICER }),
    str('verified_by', 'Verified by', 128),
    field('verified_at', 'date', 'Verified', { nullable: true, editable: true }),
    field('last_confirmed_at', 'date', 'Last confirmed', {
      nullable: true,
      editable: true,
      serverSet: 'now',
      views: OFFICER,
    }),
    field('confirm_due_at', 'date', 'Confirmation due', {
      nullable: true,
      editable: true,
      serverSet: 'confirm-due',
      views: OFFICER,
    }),
    // When `ccr reconfirm` last sent the re-confirmation reminder (one per confirmation cycle).
    field('reminded_at', 'date', 'Reminder sent', { nullable: true, editable: true }),
    coded('source_channel', 'Source', d.SourceChannel, { serverSet: 'web' }),
    // The paper form's (or partner list's) own number: `ccr import` skips forms already stored.
    str('form_number', 'Form number', 40),
    str('district', 'District', 20, { views: OFFICER }),
    str('beat', 'Beat', 20, { views: OFFICER }),
    coded('quality_flags', 'Data-quality flags', d.QualityFlag, { length: 200, multi: true }),
    field('duplicate_of', 'guid', 'Duplicate of', { nullable: true, editable: true }),
    ...editorTracking(),
  ] as const,
  access: {
    source: { operations: ['query', 'create', 'update', 'delete'] },
    public: { operations: ['create'] },
    officer: {
      operations: ['query'],
      definitionExpression:
        "status = 'verified' AND (confirm_due_at IS NULL OR confirm_due_at > CURRENT_TIMESTAMP)",
    },
  },
} satisfies LayerDef;

export const CAMERAS = {
  id: 1,
  name: 'Cameras',
  kind: 'point',
  description: 'A camera at a registered site, with what it sees and how long it keeps footage.',
  displayField: 'label',
  fields: [
    objectId(),
    globalId(),
    field('site_guid', 'guid', 'Site', {
      nullable: false,
      editable: true,
      required: true,
      views: BOTH,
    }),
    str('label', 'Label', 100, { required: true, nullable: false, views: BOTH }),
    coded('mount', 'Mount', d.Mount, { required: true, views: BOTH }),
    coded('form', 'Camera type', d.CameraForm, { views: BOTH }),
    field('view_bearing', 'smallInteger', 'View direction (degrees)', {
      range: [0, 359],
      nullable: true,
      editable: true,
      views: BOTH,
    }),
    field('fov_deg', 'smallInteger', 'Field of view (degrees)', {
      range: [10, 360],
      nullable: true,
      editable: true,
      views: BOTH,
    }),
    field('range_m', 'smallInteger', 'Useful range (m)', {
      range: [5, 150],
      nullable: true,
      editable: true,
      views: BOTH,
    }),
    coded('coverage', 'Coverage', d.Coverage, { length: 200, multi: true, views: BOTH }),
    coded('recording_mode', 'Recording', d.RecordingMode, { required: true, views: BOTH }),
    field('retention_days', 'smallInteger', 'Footage kept (days)', {
      range: [0, 365],
      nullable: true,
      editable: true,
      required: true,
      views: BOTH,
    }),
    coded('storage', 'Storage', d.Storage, { views: BOTH }),
    coded('can_export', 'Can export footage', d.CanExport, { views: BOTH }),
    coded('status', 'Status', d.CameraStatus, { views: OFFICER }),
    ...editorTracking(),
  ] as const,
  access: {
    source: { operations: ['query', 'create', 'update', 'delete'] },
    public: { operations: ['create'] },
    officer: {
      operations: ['query'],
      definitionExpression: "status IS NULL OR status <> 'removed'",
      visibleWithParent: 0,
    },
  },
} satisfies LayerDef;

export const CONTACT_LOG = {
  id: 2,
  name: 'ContactLog',
  kind: 'table',
  description: 'Each time an officer contacted a site about a case, and what came of it.',
  displayField: 'case_number',
  fields: [
    objectId(),
    globalId(),
    field('site_guid', 'guid', 'Site', {
      nullable: false,
      editable: true,
      required: true,
      views: OFFICER,
    }),
    str('case_number', 'Case number', 40, { required: true, nullable: false, views: OFFICER }),
    coded('contact_method', 'Method', d.ContactMethod, { required: true, views: OFFICER }),
    coded('outcome', 'Outcome', d.ContactOutcome, { required: true, views: OFFICER }),
    field('contacted_at', 'date', 'Contacted', { nullable: true, editable: true, views: OFFICER }),
    field('follow_up_at', 'date', 'Follow up by', {
      nullable: true,
      editable: true,
      views: OFFICER,
    }),
    str('follow_up', 'Follow-up', 255, { views: OFFICER }),
    ...editorTracking(OFFICER),
  ] as const,
  access: {
    source: { operations: ['query', 'create', 'update', 'delete'] },
    officer: { operations: ['query', 'create'] },
  },
} satisfies LayerDef;

export const SEARCH_AUDIT = {
  id: 3,
  name: 'SearchAudit',
  kind: 'table',
  description: 'Every officer search: who, when, for which case and where. Append only.',
  displayField: 'case_number',
  fields: [
    objectId(),
    globalId(),
    str('case_number', 'Case number', 40, { required: true, nullable: false, views: OFFICER }),
    coded('purpose', 'Purpose', d.SearchPurpose, {
      required: true,
      nullable: false,
      views: OFFICER,
    }),
    field('incident_at', 'date', 'Incident time', {
      nullable: true,
      editable: true,
      views: OFFICER,
    }),
    field('incident_x', 'double', 'Incident longitude', {
      range: [-180, 180],
      nullable: false,
      required: true,
      editable: true,
      views: OFFICER,
    }),
    field('incident_y', 'double', 'Incident latitude', {
      range: [-90, 90],
      nullable: false,
      required: true,
      editable: true,
      views: OFFICER,
    }),
    field('radius_m', 'double', 'Radius (m)', {
      range: [1, 5000],
      nullable: false,
      required: true,
      editable: true,
      views: OFFICER,
    }),
    field('result_count', 'integer', 'Results', {
      range: [0, 1_000_000],
      nullable: true,
      editable: true,
      views: OFFICER,
    }),
    str('prev_hash', 'Previous entry hash', 64, { editable: false }),
    str('entry_hash', 'Entry hash', 64, { editable: false }),
    ...editorTracking(OFFICER),
  ] as const,
  access: {
    source: { operations: ['query', 'create'] },
    officer: { operations: ['create'] },
  },
} satisfies LayerDef;

export const CHANGE_REQUESTS = {
  id: 4,
  name: 'ChangeRequests',
  kind: 'table',
  description:
    'A registrant asks to update, re-confirm or withdraw, proving it with the manage code.',
  displayField: 'registration_ref',
  fields: [
    objectId(),
    globalId(),
    str('registration_ref', 'Registration reference', 16, {
      format: 'reference',
      required: true,
      nullable: false,
      views: PUBLIC,
    }),
    // Not required, so the stored field stays nullable: the code is wiped once the request is
    // settled. The manage form always sends one; a request without one is a wrong code.
    str('manage_code', 'Manage code', 64, { views: PUBLIC }),
    coded('request_type', 'Request', d.RequestType, {
      required: true,
      nullable: false,
      views: PUBLIC,
    }),
    str('payload', 'Changes (JSON)', 20000, { views: PUBLIC }),
    coded('request_status', 'Status', d.RequestStatus, { serverSet: 'pending' }),
    str('result', 'Result', 64),
    field('processed_at', 'date', 'Processed', { nullable: true, editable: true }),
    ...editorTracking(),
  ] as const,
  access: {
    source: { operations: ['query', 'create', 'update', 'delete'] },
    public: { operations: ['create'] },
  },
} satisfies LayerDef;

export const REVIEW_LOG = {
  id: 5,
  name: 'ReviewLog',
  kind: 'table',
  description:
    'Every analyst decision on a registration: who (Creator), when (CreationDate), what. ' +
    'Field names and reasons only, never contact values. Append only.',
  displayField: 'decision',
  fields: [
    objectId(),
    globalId(),
    field('site_guid', 'guid', 'Site', { nullable: true, editable: true }),
    str('registration_ref', 'Registration reference', 16, { format: 'reference' }),
    coded('decision', 'Decision', d.ReviewDecision, { required: true, nullable: false }),
    str('reason', 'Reason', 500),
    // Which fields changed (names only), or where a site moved from and to, as JSON.
    str('details', 'Details (JSON)', 2000),
    ...editorTracking(),
  ] as const,
  access: {
    source: { operations: ['query', 'create'] },
  },
} satisfies LayerDef;

/** Every layer and table of the CommunityCameras service, in id order. */
export const LAYERS: readonly LayerDef[] = [
  SITES,
  CAMERAS,
  CONTACT_LOG,
  SEARCH_AUDIT,
  CHANGE_REQUESTS,
  REVIEW_LOG,
];

export const RELATIONSHIPS: readonly RelationshipDef[] = [
  {
    id: 0,
    name: 'Site_Cameras',
    originLayerId: 0,
    destinationLayerId: 1,
    originKey: 'GlobalID',
    destinationKey: 'site_guid',
  },
  {
    id: 1,
    name: 'Site_ContactLog',
    originLayerId: 0,
    destinationLayerId: 2,
    originKey: 'GlobalID',
    destinationKey: 'site_guid',
  },
];

/** Days after a confirmation before the registrant is asked to confirm again. */
export const CONFIRMATION_INTERVAL_DAYS = 365;

export const SERVICE_NAME = 'CommunityCameras';
