import { ContactOutcome, SearchPurpose } from '../../src/core/schema/domains.js';
import type { Locale } from '../shared/locale.js';

/** Every string the program report shows, in one language. */
export interface ProgramReportMessages {
  readonly heading: string;
  readonly intro: string;
  readonly noReport: string;
  readonly generated: (date: string) => string;
  readonly suppressed: (threshold: number) => string;
  readonly suppressedCell: string;
  /** Screen readers say this for a suppressed cell instead of "<5". */
  readonly suppressedCellSpoken: (threshold: number) => string;
  /** Table titles by table id. */
  readonly tables: Readonly<Record<string, string>>;
  /** Column headings by column name. */
  readonly columns: Readonly<Record<string, string>>;
  /** Row keys that are not a domain code (district placeholders, events). */
  readonly keys: Readonly<Record<string, string>>;
  readonly district: (name: string) => string;
  /** Shown in a table with no rows. */
  readonly emptyTable: string;
  readonly notesHeading: string;
  /** What the figures mean and what they leave out. */
  readonly notes: readonly string[];
}

const domainLabels = (locale: Locale): Record<string, string> =>
  Object.fromEntries(
    [...SearchPurpose.values, ...ContactOutcome.values].map((v) => [v.code, v[locale]]),
  );

const EN: ProgramReportMessages = {
  heading: 'Community Camera Program: transparency report',
  intro:
    'How the program is used, in counts only: no names, addresses or case details are published.',
  noReport: 'No report to show.',
  generated: (date) => `Figures as of ${date}.`,
  suppressed: (threshold) =>
    `Counts from 1 to ${threshold - 1} are shown as “fewer than ${threshold}” to protect privacy.`,
  suppressedCell: '<5',
  suppressedCellSpoken: (threshold) => `fewer than ${threshold}`,
  tables: {
    registrations_by_district_month: 'Registrations by district and month',
    cameras_by_district_month: 'Cameras by district and month',
    searches_by_purpose_month: 'Officer searches by purpose and month',
    contacts_by_outcome: 'Officer contacts with registrants by outcome',
    withdrawals_expiries_by_month: 'Withdrawals and expiries by month',
  },
  columns: {
    district: 'District',
    month: 'Month',
    registrations: 'Registrations',
    cameras: 'Cameras',
    purpose: 'Purpose',
    searches: 'Searches',
    outcome: 'Outcome',
    contacts: 'Contacts',
    event: 'Event',
  },
  keys: {
    ...domainLabels('en'),
    unassigned: 'No district',
    unknown: 'Unknown',
    expired: 'Expired',
    withdrawn: 'Marked withdrawn, still on record',
    withdrawal_carried_out: 'Withdrawn at the registrant’s request',
    withdrawal_requested: 'Withdrawal requested, not yet carried out',
  },
  district: (name) => `District ${name}`,
  emptyTable: 'Nothing to count yet.',
  notesHeading: 'About these figures',
  notes: [
    'Months are calendar months in UTC; a registration counts in the month it was made.',
    'Registrations and cameras are those on record now, whatever their status.',
    'A withdrawal deletes the registration at once; its request is kept with nothing that names anyone, and counts in the month the withdrawal was carried out. Withdrawal requests still waiting count in the month they were sent; refused requests are not counted. Expired registrations are counted until they are deleted.',
    'No totals are shown, so a count shown as “fewer than 5” cannot be worked out from the others.',
  ],
};

const ES: ProgramReportMessages = {
  heading: 'Programa de Cámaras Comunitarias: informe de transparencia',
  intro:
    'Cómo se usa el programa, solo en cifras: no se publican nombres, direcciones ni detalles de casos.',
  noReport: 'No hay informe que mostrar.',
  generated: (date) => `Cifras al ${date}.`,
  suppressed: (threshold) =>
    `Las cifras de 1 a ${threshold - 1} se muestran como «menos de ${threshold}» para proteger la privacidad.`,
  suppressedCell: '<5',
  suppressedCellSpoken: (threshold) => `menos de ${threshold}`,
  tables: {
    registrations_by_district_month: 'Registros por distrito y mes',
    cameras_by_district_month: 'Cámaras por distrito y mes',
    searches_by_purpose_month: 'Búsquedas de agentes por propósito y mes',
    contacts_by_outcome: 'Contactos de agentes con registrantes por resultado',
    withdrawals_expiries_by_month: 'Retiros y vencimientos por mes',
  },
  columns: {
    district: 'Distrito',
    month: 'Mes',
    registrations: 'Registros',
    cameras: 'Cámaras',
    purpose: 'Propósito',
    searches: 'Búsquedas',
    outcome: 'Resultado',
    contacts: 'Contactos',
    event: 'Evento',
  },
  keys: {
    ...domainLabels('es'),
    unassigned: 'Sin distrito',
    unknown: 'Desconocido',
    expired: 'Vencido',
    withdrawn: 'Marcado como retirado, aún en el registro',
    withdrawal_carried_out: 'Retirado a petición del registrante',
    withdrawal_requested: 'Retiro solicitado, aún no realizado',
  },
  district: (name) => `Distrito ${name}`,
  emptyTable: 'Aún no hay nada que contar.',
  notesHeading: 'Sobre estas cifras',
  notes: [
    'Los meses son meses naturales en UTC; un registro cuenta en el mes en que se hizo.',
    'Los registros y las cámaras son los que constan hoy, sea cual sea su estado.',
    'Un retiro borra el registro de inmediato; su solicitud se conserva sin nada que identifique a nadie y cuenta en el mes en que se realizó el retiro. Las solicitudes de retiro aún pendientes cuentan en el mes en que se enviaron; las rechazadas no se cuentan. Los registros vencidos se cuentan hasta que se borran.',
    'No se muestran totales, así que una cifra mostrada como «menos de 5» no puede deducirse de las demás.',
  ],
};

/** Per-language string overrides a host page may give. */
export type ProgramReportOverrides = Partial<Record<Locale, Partial<ProgramReportMessages>>>;

export function messagesFor(
  locale: Locale,
  overrides: ProgramReportOverrides = {},
): ProgramReportMessages {
  return { ...(locale === 'es' ? ES : EN), ...overrides[locale] };
}
