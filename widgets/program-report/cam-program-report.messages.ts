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
    withdrawn: 'Withdrawn',
    withdrawal_requested: 'Withdrawal requested',
  },
  district: (name) => `District ${name}`,
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
    withdrawn: 'Retirado',
    withdrawal_requested: 'Retiro solicitado',
  },
  district: (name) => `Distrito ${name}`,
};

/** Per-language string overrides a host page may give. */
export type ProgramReportOverrides = Partial<Record<Locale, Partial<ProgramReportMessages>>>;

export function messagesFor(
  locale: Locale,
  overrides: ProgramReportOverrides = {},
): ProgramReportMessages {
  return { ...(locale === 'es' ? ES : EN), ...overrides[locale] };
}
