/**
 * Every string of the analyst workspace's duplicates and re-confirmation panels
 * (`<cam-review-duplicates>`, `<cam-review-reconfirm>`), in English and Spanish.
 */
import type { DuplicateReason } from '../../src/core/duplicates/find-duplicates.js';
import { ERROR_MESSAGES, type ErrorMessages } from '../shared/describe-error.js';
import type { Locale } from '../shared/locale.js';

/** Strings of `<cam-review-duplicates>`. */
export interface DuplicatesMessages {
  readonly heading: string;
  readonly intro: string;
  readonly signIn: string;
  /** Progress while sites load: `total` is null until the service has said how many. */
  readonly loading: (loaded: number, total: number | null) => string;
  readonly progressLabel: string;
  readonly finding: string;
  readonly count: (pairs: number, sites: number) => string;
  readonly none: (sites: number) => string;
  readonly showing: (shown: number, total: number) => string;
  readonly showMore: string;
  readonly reload: string;
  readonly caption: string;
  readonly columns: {
    readonly score: string;
    readonly sites: string;
    readonly reasons: string;
    readonly action: string;
  };
  /** The score as read aloud and shown: `87 / 100`. */
  readonly score: (score: number) => string;
  readonly scoreSpoken: (score: number) => string;
  readonly reason: (reason: DuplicateReason) => string;
  readonly compare: (a: string, b: string) => string;
  readonly compareCaption: (a: string, b: string) => string;
  readonly loadingPair: string;
  readonly field: string;
  readonly fields: {
    readonly registration_ref: string;
    readonly address: string;
    readonly unit: string;
    readonly contact_name: string;
    readonly business_name: string;
    readonly phone: string;
    readonly email: string;
    readonly preferred_contact: string;
    readonly preferred_language: string;
    readonly best_hours: string;
    readonly cameras: string;
    readonly status: string;
    readonly CreationDate: string;
  };
  readonly blank: string;
  readonly keepLegend: string;
  readonly keepOption: (reference: string, note: string) => string;
  readonly keepNoteVerified: string;
  readonly keepNoteOlder: string;
  readonly merge: (removed: string, kept: string) => string;
  readonly mergeExplained: (removed: string, kept: string) => string;
  readonly merging: string;
  readonly cancel: string;
  readonly merged: (removed: string, kept: string, cameras: number, filled: number) => string;
  readonly noReference: string;
  readonly errors: ErrorMessages;
}

/** Strings of `<cam-review-reconfirm>`. */
export interface ReconfirmMessages {
  readonly heading: string;
  readonly intro: string;
  readonly signIn: string;
  readonly loading: string;
  readonly withinDays: string;
  readonly withinDaysHint: string;
  readonly reload: string;
  readonly lists: {
    readonly dueSoon: (days: number) => string;
    readonly overdue: string;
    readonly expired: string;
  };
  readonly listCount: (count: number) => string;
  readonly empty: string;
  readonly showing: (shown: number, total: number) => string;
  readonly columns: {
    readonly reference: string;
    readonly address: string;
    readonly lastConfirmed: string;
    readonly due: string;
    readonly reminder: string;
  };
  readonly never: string;
  readonly reminderSent: (date: string) => string;
  readonly reminderNone: string;
  readonly queued: string;
  readonly noEmail: string;
  readonly sendReminder: (reference: string) => string;
  readonly sending: string;
  /** What the live region says after a reminder is asked for. */
  readonly queuedAnnouncement: (reference: string) => string;
  readonly noReference: string;
  readonly errors: ErrorMessages;
}

const plural = (n: number, one: string, many: string, locale: Locale) =>
  `${new Intl.NumberFormat(locale).format(n)} ${n === 1 ? one : many}`;

const DUPLICATES_EN: DuplicatesMessages = {
  heading: 'Possible duplicates',
  intro:
    'Pairs of registrations that look like the same place, best match first. Compare a pair, choose which registration to keep, and merge.',
  signIn: 'Sign in as an analyst to look for duplicates.',
  loading: (loaded, total) =>
    total === null
      ? `Loading sites: ${plural(loaded, 'site', 'sites', 'en')} so far.`
      : `Loading sites: ${new Intl.NumberFormat('en').format(loaded)} of ${plural(total, 'site', 'sites', 'en')}.`,
  progressLabel: 'Sites loaded',
  finding: 'Comparing sites…',
  count: (pairs, sites) =>
    `${plural(pairs, 'possible duplicate pair', 'possible duplicate pairs', 'en')} among ${plural(sites, 'site', 'sites', 'en')}.`,
  none: (sites) => `No possible duplicates among ${plural(sites, 'site', 'sites', 'en')}.`,
  showing: (shown, total) => `Showing the best ${shown} of ${total}.`,
  showMore: 'Show more pairs',
  reload: 'Look again',
  caption: 'Possible duplicate pairs, best match first',
  columns: { score: 'Score', sites: 'Registrations', reasons: 'Why', action: 'Action' },
  score: (score) => `${score} / 100`,
  scoreSpoken: (score) => `${score} out of 100`,
  reason: (reason) => {
    switch (reason.kind) {
      case 'near':
        return `near (${new Intl.NumberFormat('en', { maximumFractionDigits: 0 }).format(reason.meters)} m apart)`;
      case 'address':
        return reason.similarity >= 1 ? 'same address' : 'similar address';
      case 'phone':
        return reason.match === 'equal' ? 'same phone' : 'similar phone';
      case 'email':
        return reason.match === 'equal' ? 'same e-mail' : 'similar e-mail';
    }
  },
  compare: (a, b) => `Compare ${a} and ${b}`,
  compareCaption: (a, b) => `${a} and ${b} side by side`,
  loadingPair: 'Loading both registrations…',
  field: 'Detail',
  fields: {
    registration_ref: 'Reference',
    address: 'Address',
    unit: 'Unit or suite',
    contact_name: 'Contact name',
    business_name: 'Business name',
    phone: 'Phone',
    email: 'E-mail',
    preferred_contact: 'Preferred contact',
    preferred_language: 'Preferred language',
    best_hours: 'Best time to call',
    cameras: 'Cameras',
    status: 'Status',
    CreationDate: 'Registered',
  },
  blank: '(blank)',
  keepLegend: 'Which registration to keep',
  keepOption: (reference, note) => (note ? `Keep ${reference} (${note})` : `Keep ${reference}`),
  keepNoteVerified: 'verified',
  keepNoteOlder: 'registered first',
  merge: (removed, kept) => `Merge ${removed} into ${kept}`,
  mergeExplained: (removed, kept) =>
    `The cameras and contact log entries of ${removed} move to ${kept}, blank details of ${kept} are filled from ${removed}, and ${removed} is removed. This cannot be undone.`,
  merging: 'Merging…',
  cancel: 'Back to the list',
  merged: (removed, kept, cameras, filled) =>
    `Merged ${removed} into ${kept}: ${plural(cameras, 'camera', 'cameras', 'en')} moved, ${plural(filled, 'blank detail', 'blank details', 'en')} filled. ${removed} is removed.`,
  noReference: '(no reference)',
  errors: ERROR_MESSAGES.en,
};

const DUPLICATES_ES: DuplicatesMessages = {
  heading: 'Posibles duplicados',
  intro:
    'Pares de registros que parecen el mismo lugar, primero los más parecidos. Compare un par, elija qué registro conservar y fusiónelos.',
  signIn: 'Inicie sesión como analista para buscar duplicados.',
  loading: (loaded, total) =>
    total === null
      ? `Cargando sitios: ${plural(loaded, 'sitio', 'sitios', 'es')} hasta ahora.`
      : `Cargando sitios: ${new Intl.NumberFormat('es').format(loaded)} de ${plural(total, 'sitio', 'sitios', 'es')}.`,
  progressLabel: 'Sitios cargados',
  finding: 'Comparando sitios…',
  count: (pairs, sites) =>
    `${plural(pairs, 'posible par duplicado', 'posibles pares duplicados', 'es')} entre ${plural(sites, 'sitio', 'sitios', 'es')}.`,
  none: (sites) => `No hay posibles duplicados entre ${plural(sites, 'sitio', 'sitios', 'es')}.`,
  showing: (shown, total) => `Se muestran los ${shown} mejores de ${total}.`,
  showMore: 'Mostrar más pares',
  reload: 'Buscar de nuevo',
  caption: 'Posibles pares duplicados, primero los más parecidos',
  columns: { score: 'Puntuación', sites: 'Registros', reasons: 'Por qué', action: 'Acción' },
  score: (score) => `${score} / 100`,
  scoreSpoken: (score) => `${score} de 100`,
  reason: (reason) => {
    switch (reason.kind) {
      case 'near':
        return `cerca (a ${new Intl.NumberFormat('es', { maximumFractionDigits: 0 }).format(reason.meters)} m)`;
      case 'address':
        return reason.similarity >= 1 ? 'misma dirección' : 'dirección parecida';
      case 'phone':
        return reason.match === 'equal' ? 'mismo teléfono' : 'teléfono parecido';
      case 'email':
        return reason.match === 'equal' ? 'mismo correo' : 'correo parecido';
    }
  },
  compare: (a, b) => `Comparar ${a} y ${b}`,
  compareCaption: (a, b) => `${a} y ${b}, uno junto al otro`,
  loadingPair: 'Cargando los dos registros…',
  field: 'Dato',
  fields: {
    registration_ref: 'Referencia',
    address: 'Dirección',
    unit: 'Unidad o local',
    contact_name: 'Nombre de contacto',
    business_name: 'Nombre del negocio',
    phone: 'Teléfono',
    email: 'Correo electrónico',
    preferred_contact: 'Contacto preferido',
    preferred_language: 'Idioma preferido',
    best_hours: 'Mejor hora para llamar',
    cameras: 'Cámaras',
    status: 'Estado',
    CreationDate: 'Registrado',
  },
  blank: '(vacío)',
  keepLegend: 'Qué registro conservar',
  keepOption: (reference, note) =>
    note ? `Conservar ${reference} (${note})` : `Conservar ${reference}`,
  keepNoteVerified: 'verificado',
  keepNoteOlder: 'registrado antes',
  merge: (removed, kept) => `Fusionar ${removed} en ${kept}`,
  mergeExplained: (removed, kept) =>
    `Las cámaras y los contactos registrados de ${removed} pasan a ${kept}, los datos vacíos de ${kept} se completan con los de ${removed}, y ${removed} se elimina. No se puede deshacer.`,
  merging: 'Fusionando…',
  cancel: 'Volver a la lista',
  merged: (removed, kept, cameras, filled) =>
    `${removed} se fusionó en ${kept}: ${plural(cameras, 'cámara trasladada', 'cámaras trasladadas', 'es')}, ${plural(filled, 'dato vacío completado', 'datos vacíos completados', 'es')}. ${removed} se eliminó.`,
  noReference: '(sin referencia)',
  errors: ERROR_MESSAGES.es,
};

const RECONFIRM_EN: ReconfirmMessages = {
  heading: 'Re-confirmation',
  intro:
    'Verified registrations must be confirmed by their owners once a year; officers stop seeing a site once its confirmation is overdue.',
  signIn: 'Sign in as an analyst to see registrations due for confirmation.',
  loading: 'Loading registrations…',
  withinDays: 'Due within (days)',
  withinDaysHint: 'From 1 to 365 days.',
  reload: 'Show',
  lists: {
    dueSoon: (days) => `Due within ${plural(days, 'day', 'days', 'en')}`,
    overdue: 'Overdue, still verified',
    expired: 'Expired',
  },
  listCount: (count) => plural(count, 'registration', 'registrations', 'en'),
  empty: 'None.',
  showing: (shown, total) => `Showing the first ${shown} of ${total}, earliest due first.`,
  columns: {
    reference: 'Reference',
    address: 'Address',
    lastConfirmed: 'Last confirmed',
    due: 'Due',
    reminder: 'Reminder',
  },
  never: 'Never',
  reminderSent: (date) => `Sent ${date}`,
  reminderNone: 'Not sent',
  queued: 'Queued for the next reminder run',
  noEmail: 'No e-mail address on file',
  sendReminder: (reference) => `Send reminder to ${reference}`,
  sending: 'Sending…',
  queuedAnnouncement: (reference) =>
    `Reminder queued for ${reference}: it goes out with the next reminder run.`,
  noReference: '(no reference)',
  errors: ERROR_MESSAGES.en,
};

const RECONFIRM_ES: ReconfirmMessages = {
  heading: 'Reconfirmación',
  intro:
    'Los propietarios deben confirmar los registros verificados una vez al año; los agentes dejan de ver un sitio cuando su confirmación está vencida.',
  signIn: 'Inicie sesión como analista para ver los registros pendientes de confirmación.',
  loading: 'Cargando registros…',
  withinDays: 'Vencen en (días)',
  withinDaysHint: 'De 1 a 365 días.',
  reload: 'Mostrar',
  lists: {
    dueSoon: (days) => `Vencen en ${plural(days, 'día', 'días', 'es')}`,
    overdue: 'Atrasados, aún verificados',
    expired: 'Vencidos',
  },
  listCount: (count) => plural(count, 'registro', 'registros', 'es'),
  empty: 'Ninguno.',
  showing: (shown, total) =>
    `Se muestran los primeros ${shown} de ${total}, primero los que vencen antes.`,
  columns: {
    reference: 'Referencia',
    address: 'Dirección',
    lastConfirmed: 'Última confirmación',
    due: 'Vence',
    reminder: 'Recordatorio',
  },
  never: 'Nunca',
  reminderSent: (date) => `Enviado el ${date}`,
  reminderNone: 'No enviado',
  queued: 'En cola para el próximo envío de recordatorios',
  noEmail: 'No hay correo electrónico registrado',
  sendReminder: (reference) => `Enviar recordatorio a ${reference}`,
  sending: 'Enviando…',
  queuedAnnouncement: (reference) =>
    `Recordatorio en cola para ${reference}: se envía con el próximo envío de recordatorios.`,
  noReference: '(sin referencia)',
  errors: ERROR_MESSAGES.es,
};

/** Any string of a panel, per language. */
export type PanelOverrides<M> = Partial<Record<Locale, Partial<M>>>;

export function duplicatesMessagesFor(
  locale: Locale,
  overrides: PanelOverrides<DuplicatesMessages> = {},
): DuplicatesMessages {
  return { ...(locale === 'es' ? DUPLICATES_ES : DUPLICATES_EN), ...overrides[locale] };
}

export function reconfirmMessagesFor(
  locale: Locale,
  overrides: PanelOverrides<ReconfirmMessages> = {},
): ReconfirmMessages {
  return { ...(locale === 'es' ? RECONFIRM_ES : RECONFIRM_EN), ...overrides[locale] };
}
