import type { CodedDomain, CodedValue } from './schema-types.js';

function domain(name: string, values: readonly (readonly [string, string, string])[]): CodedDomain {
  return {
    name,
    values: values.map(([code, en, es]): CodedValue => ({ code, en, es })),
  };
}

export const SiteType = domain('SiteType', [
  ['residence', 'Residence', 'Residencia'],
  ['business', 'Business', 'Negocio'],
  ['nonprofit', 'Nonprofit', 'Organización sin fines de lucro'],
  ['religious', 'Place of worship', 'Lugar de culto'],
  ['government', 'Government', 'Gobierno'],
  ['other', 'Other', 'Otro'],
]);

export const ContactRole = domain('ContactRole', [
  ['owner', 'Owner', 'Propietario'],
  ['tenant', 'Tenant', 'Inquilino'],
  ['manager_operator', 'Manager or operator', 'Gerente u operador'],
  ['security_company', 'Security company', 'Empresa de seguridad'],
]);

export const PreferredContact = domain('PreferredContact', [
  ['phone', 'Phone call', 'Llamada telefónica'],
  ['sms', 'Text message', 'Mensaje de texto'],
  ['email', 'Email', 'Correo electrónico'],
]);

export const Language = domain('Language', [
  ['en', 'English', 'Inglés'],
  ['es', 'Spanish', 'Español'],
  ['other', 'Other', 'Otro'],
]);

export const BestHours = domain('BestHours', [
  ['anytime', 'Any time', 'Cualquier hora'],
  ['morning', 'Mornings', 'Mañanas'],
  ['afternoon', 'Afternoons', 'Tardes'],
  ['evening', 'Evenings', 'Noches'],
  ['weekends', 'Weekends', 'Fines de semana'],
]);

export const LocationMethod = domain('LocationMethod', [
  ['geocoded', 'Geocoded address', 'Dirección geocodificada'],
  ['pin_adjusted', 'Pin moved by registrant', 'Marcador movido por el registrante'],
  ['analyst_corrected', 'Corrected by analyst', 'Corregido por analista'],
]);

/**
 * Codes only analysts write, through the source service, keyed by domain name. The public
 * form carries `location_method` so a resident can say the pin was moved, but only an
 * analyst can say the point was corrected. Other analyst-only facts (status, source channel,
 * verification, quality flags, duplicates) are fields the public view does not carry at all.
 */
export const ANALYST_ONLY_CODES: Readonly<Record<string, readonly string[]>> = {
  [LocationMethod.name]: ['analyst_corrected'],
};

export const ShareWillingness = domain('ShareWillingness', [
  ['yes', 'Yes, when asked', 'Sí, cuando se solicite'],
  ['case_by_case', 'Case by case', 'Según el caso'],
  ['no', 'Contact me first, no promise', 'Contácteme primero, sin compromiso'],
]);

export const SiteStatus = domain('SiteStatus', [
  ['pending', 'Pending review', 'Pendiente de revisión'],
  ['verified', 'Verified', 'Verificado'],
  ['expired', 'Expired', 'Vencido'],
  ['withdrawn', 'Withdrawn', 'Retirado'],
  ['rejected', 'Rejected', 'Rechazado'],
]);

export const SourceChannel = domain('SourceChannel', [
  ['web', 'Web form', 'Formulario web'],
  ['officer_assisted', 'Officer assisted', 'Con ayuda de un agente'],
  ['paper', 'Paper form', 'Formulario en papel'],
  ['import', 'Bulk import', 'Importación masiva'],
]);

export const QualityFlag = domain('QualityFlag', [
  ['geocode_low', 'Low geocode score', 'Geocodificación poco fiable'],
  ['outside_city', 'Outside the city', 'Fuera de la ciudad'],
  ['missing_direction', 'Camera direction unknown', 'Dirección de cámara desconocida'],
  ['stale', 'Not confirmed recently', 'Sin confirmar recientemente'],
  ['duplicate_suspect', 'Possible duplicate', 'Posible duplicado'],
  ['no_retention', 'No footage kept', 'No se guarda video'],
  ['contact_unreachable', 'No valid phone or email', 'Sin teléfono ni correo válidos'],
]);

export const Mount = domain('Mount', [
  ['exterior', 'Outside', 'Exterior'],
  ['interior_facing_out', 'Inside, facing out', 'Interior, mirando hacia afuera'],
]);

export const CameraForm = domain('CameraForm', [
  ['doorbell', 'Doorbell', 'Timbre con cámara'],
  ['fixed', 'Fixed (bullet or dome)', 'Fija (bala o domo)'],
  ['ptz', 'Pan-tilt-zoom', 'Motorizada (PTZ)'],
  ['other', 'Other', 'Otra'],
  ['unknown', 'Not sure', 'No sé'],
]);

export const Coverage = domain('Coverage', [
  ['street', 'Street', 'Calle'],
  ['sidewalk', 'Sidewalk', 'Acera'],
  ['alley', 'Alley', 'Callejón'],
  ['driveway', 'Driveway', 'Entrada de autos'],
  ['parking', 'Parking lot', 'Estacionamiento'],
  ['storefront', 'Storefront or entrance', 'Fachada o entrada'],
  ['intersection', 'Intersection', 'Intersección'],
]);

export const RecordingMode = domain('RecordingMode', [
  ['continuous', 'Records all the time', 'Graba todo el tiempo'],
  ['motion', 'Records on motion', 'Graba al detectar movimiento'],
  ['scheduled', 'Records on a schedule', 'Graba según horario'],
  ['live_only', 'Live view only, no recording', 'Solo vista en vivo, sin grabación'],
]);

export const Storage = domain('Storage', [
  ['local', 'Recorder or hard drive', 'Grabador o disco duro'],
  ['sd_card', 'Memory card', 'Tarjeta de memoria'],
  ['cloud', 'Cloud service', 'Servicio en la nube'],
  ['mixed', 'Several', 'Varios'],
  ['unknown', 'Not sure', 'No sé'],
]);

export const CanExport = domain('CanExport', [
  ['yes_file', 'Yes, as a file', 'Sí, como archivo'],
  ['yes_link', 'Yes, as a share link', 'Sí, como enlace'],
  ['no', 'No', 'No'],
  ['unknown', 'Not sure', 'No sé'],
]);

export const CameraStatus = domain('CameraStatus', [
  ['active', 'Active', 'Activa'],
  ['temporarily_down', 'Temporarily down', 'Fuera de servicio temporalmente'],
  ['removed', 'Removed', 'Retirada'],
]);

export const ContactMethod = domain('ContactMethod', [
  ['phone', 'Phone call', 'Llamada telefónica'],
  ['sms', 'Text message', 'Mensaje de texto'],
  ['email', 'Email', 'Correo electrónico'],
  ['in_person', 'In person', 'En persona'],
]);

export const ContactOutcome = domain('ContactOutcome', [
  ['no_answer', 'No answer', 'Sin respuesta'],
  ['left_message', 'Left a message', 'Dejó un mensaje'],
  ['declined', 'Declined', 'Rechazó'],
  ['footage_requested', 'Footage requested', 'Video solicitado'],
  ['footage_received', 'Footage received', 'Video recibido'],
  ['nothing_relevant', 'Nothing relevant', 'Nada relevante'],
]);

export const SearchPurpose = domain('SearchPurpose', [
  ['criminal_investigation', 'Criminal investigation', 'Investigación criminal'],
  ['missing_person', 'Missing person', 'Persona desaparecida'],
  ['traffic_crash', 'Traffic crash', 'Accidente de tránsito'],
  ['public_safety', 'Public safety threat', 'Amenaza a la seguridad pública'],
  ['other', 'Other', 'Otro'],
]);

export const RequestType = domain('RequestType', [
  ['update', 'Update', 'Actualizar'],
  ['reconfirm', 'Re-confirm', 'Reconfirmar'],
  ['withdraw', 'Withdraw', 'Retirarse'],
]);

export const RequestStatus = domain('RequestStatus', [
  ['pending', 'Pending', 'Pendiente'],
  // An update to a verified site waits here, code checked, until an analyst decides.
  ['review', 'Awaiting review', 'En espera de revisión'],
  ['approved', 'Approved', 'Aprobada'],
  ['applied', 'Applied', 'Aplicada'],
  ['rejected', 'Rejected', 'Rechazada'],
]);

/** What an analyst decided, as recorded in the review log. */
export const ReviewDecision = domain('ReviewDecision', [
  ['verified', 'Verified', 'Verificado'],
  ['rejected', 'Rejected', 'Rechazado'],
  ['edited', 'Corrected', 'Corregido'],
  ['moved', 'Moved', 'Movido'],
  ['merged', 'Merged a duplicate', 'Duplicado fusionado'],
  ['change_approved', 'Change approved', 'Cambio aprobado'],
  ['change_rejected', 'Change rejected', 'Cambio rechazado'],
  ['reminder_sent', 'Reminder requested', 'Recordatorio solicitado'],
  ['paper_entered', 'Paper form entered', 'Formulario en papel registrado'],
]);
