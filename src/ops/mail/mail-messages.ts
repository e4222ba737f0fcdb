/**
 * The words of the e-mails the registry sends residents, in English and Spanish. Each
 * language is one object typed by {@link MailMessages}, so a missing sentence fails to
 * compile. Plain words only: no codes, no field names, never the manage code.
 */
import type { RequestType } from '../../core/change-requests/change-decision.js';
import type { IssueCode } from '../../core/validation/validate-attributes.js';

export type MailLanguage = 'en' | 'es';

/** The registrant's language for mail: Spanish when they chose it, English otherwise. */
export function mailLanguageOf(preferredLanguage: unknown): MailLanguage {
  return preferredLanguage === 'es' ? 'es' : 'en';
}

/** A paragraph-level message: its subject and paragraphs, and a list where there is one. */
export interface MailBody {
  readonly subject: string;
  readonly paragraphs: readonly string[];
  /** Shown as a bulleted list after the first paragraph. */
  readonly list?: readonly string[];
}

/** What the mail says about a change request, by how it ended. */
export type OutcomeNotice =
  | {
      readonly kind: 'updated' | 'reconfirmed' | 'review-approved';
      readonly reference: string;
      /** The new due date of the next confirmation (epoch ms). */
      readonly confirmedUntil: number;
    }
  | {
      readonly kind: 'withdrawn' | 'held' | 'review-rejected' | 'review-invalid';
      readonly reference: string;
    }
  | { readonly kind: 'refused-code'; readonly reference: string; readonly requestType: unknown }
  | {
      readonly kind: 'refused-invalid';
      readonly reference: string;
      /** What was wrong, field by field (`cameras[1].label`, `phone`). */
      readonly issues: readonly { readonly field: string; readonly code: string }[];
    };

export interface ReminderNotice {
  readonly reference: string;
  /** Epoch ms of the due date, and of the purge unless the registration is re-confirmed. */
  readonly dueAt: number;
  readonly purgeAt: number;
  /** Whether officers already no longer see it (the due date has passed). */
  readonly expired: boolean;
  /** The manage form with the reference filled in. */
  readonly link: string;
}

export interface MailMessages {
  /** BCP 47 tag for dates and the message's `lang`. */
  readonly locale: string;
  readonly greeting: string;
  readonly signature: readonly string[];
  /** Why the registrant gets this message (closing line). */
  readonly why: string;
  readonly requestTypes: Readonly<Record<RequestType, string>>;
  /** How a field is called on the form. */
  readonly fields: Readonly<Record<string, string>>;
  readonly camera: (n: number) => string;
  readonly location: string;
  readonly theChanges: string;
  readonly issues: Readonly<Record<IssueCode, string>>;
  /** An issue code the list above does not know. */
  readonly otherIssue: string;
  readonly outcome: (notice: OutcomeNotice, date: (ms: number) => string) => MailBody;
  readonly reminder: (notice: ReminderNotice, date: (ms: number) => string) => MailBody;
  readonly manageLinkLabel: string;
}

const EN_FIELDS: Readonly<Record<string, string>> = {
  site_type: 'Type of site',
  business_name: 'Business name',
  contact_name: 'Contact name',
  contact_role: 'Your role',
  phone: 'Phone',
  email: 'Email',
  preferred_contact: 'Preferred way to contact you',
  preferred_language: 'Preferred language',
  best_hours: 'Best time to call',
  address: 'Address',
  unit: 'Unit or suite',
  location_method: 'How the location was set',
  geocode_score: 'Address match',
  share_willingness: 'Willing to share footage',
  label: 'Name',
  mount: 'Mount',
  form: 'Camera type',
  view_bearing: 'Direction it faces',
  fov_deg: 'Field of view',
  range_m: 'Useful range',
  coverage: 'What it covers',
  recording_mode: 'Recording',
  retention_days: 'Days footage is kept',
  storage: 'Storage',
  can_export: 'Can export footage',
  cameras: 'Cameras',
  request_type: 'Type of request',
};

const ES_FIELDS: Readonly<Record<string, string>> = {
  site_type: 'Tipo de lugar',
  business_name: 'Nombre del negocio',
  contact_name: 'Nombre de contacto',
  contact_role: 'Su función',
  phone: 'Teléfono',
  email: 'Correo electrónico',
  preferred_contact: 'Forma preferida de contacto',
  preferred_language: 'Idioma preferido',
  best_hours: 'Mejor hora para llamar',
  address: 'Dirección',
  unit: 'Unidad o local',
  location_method: 'Cómo se fijó la ubicación',
  geocode_score: 'Coincidencia de la dirección',
  share_willingness: 'Dispuesto a compartir grabaciones',
  label: 'Nombre',
  mount: 'Montaje',
  form: 'Tipo de cámara',
  view_bearing: 'Dirección a la que apunta',
  fov_deg: 'Campo de visión',
  range_m: 'Alcance útil',
  coverage: 'Qué cubre',
  recording_mode: 'Grabación',
  retention_days: 'Días que se guardan las grabaciones',
  storage: 'Almacenamiento',
  can_export: 'Puede exportar grabaciones',
  cameras: 'Cámaras',
  request_type: 'Tipo de solicitud',
};

export const EN: MailMessages = {
  locale: 'en-US',
  greeting: 'Hello,',
  signature: ['Community Camera Registry'],
  why: 'You receive this message because this e-mail address is on a camera registration. It was sent automatically.',
  requestTypes: { update: 'update', reconfirm: 're-confirm', withdraw: 'withdraw' },
  fields: EN_FIELDS,
  camera: (n) => `Camera ${n}`,
  location: 'Location on the map',
  theChanges: 'The changes',
  issues: {
    REQUIRED: 'is required',
    UNKNOWN_FIELD: 'cannot be changed here',
    NOT_EDITABLE: 'cannot be changed here',
    WRONG_TYPE: 'has the wrong kind of value',
    TOO_LONG: 'is too long',
    NOT_IN_DOMAIN: 'is not one of the choices',
    OUT_OF_RANGE: 'is outside the allowed range',
    INVALID_EMAIL: 'is not a valid e-mail address',
    INVALID_PHONE: 'is not a valid phone number',
    INVALID_FORMAT: 'is not in the expected form',
    CONTACT_REQUIRED: 'needs a phone number or an e-mail address',
    BUSINESS_NAME_REQUIRED: 'is required for a site that is not a residence',
    PREFERRED_CONTACT_MISSING: 'names a way to contact you that is not filled in',
  },
  otherIssue: 'is not valid',
  outcome(notice, date) {
    const ref = notice.reference;
    switch (notice.kind) {
      case 'updated':
        return {
          subject: 'Your camera registration was updated',
          paragraphs: [
            `We have saved the changes to registration ${ref}. It is confirmed until ${date(notice.confirmedUntil)}.`,
          ],
        };
      case 'reconfirmed':
        return {
          subject: 'Your camera registration is confirmed',
          paragraphs: [
            `Thank you for confirming registration ${ref}. It stays in the registry until ${date(notice.confirmedUntil)}; we will remind you before then.`,
          ],
        };
      case 'review-approved':
        return {
          subject: 'Your changes were approved',
          paragraphs: [
            `A staff member approved the changes to registration ${ref}, and they are now saved. It is confirmed until ${date(notice.confirmedUntil)}.`,
          ],
        };
      case 'withdrawn':
        return {
          subject: 'Your camera registration was withdrawn',
          paragraphs: [
            `Registration ${ref} has been withdrawn. We have deleted the site, its cameras, your contact details and the notes of any contact officers had with you about it.`,
            'This is the last message you will receive about it. Thank you for taking part.',
          ],
        };
      case 'held':
        return {
          subject: 'Your changes are waiting for review',
          paragraphs: [
            `We received the changes to registration ${ref}. Because officers can see your registration, a staff member checks changes before they take effect. Until then, officers see your registration as it was.`,
            'We will write to you again when that is done.',
          ],
        };
      case 'review-rejected':
        return {
          subject: 'Your changes were not approved',
          paragraphs: [
            `A staff member did not approve the changes to registration ${ref}. Your registration stays as it was.`,
          ],
        };
      case 'review-invalid':
        return {
          subject: 'Your changes could not be saved',
          paragraphs: [
            `The changes to registration ${ref} no longer fit your registration as it is stored now, so they were not saved. Your registration stays as it was; please send the changes again.`,
          ],
        };
      case 'refused-code':
        return {
          subject: 'Your request was not carried out',
          paragraphs: [
            `We received a request to ${requestWord(EN, notice.requestType)} registration ${ref}, but the manage code sent with it was not right, so nothing was changed.`,
            'If you sent it, please try again with the manage code you received when you registered. If you did not, you can ignore this message: without the manage code nobody can change your registration.',
          ],
        };
      case 'refused-invalid':
        return {
          subject: 'Your changes were not saved',
          paragraphs: [
            `We could not save the changes to registration ${ref} because some of them are not valid:`,
            'Nothing was changed. Please send the changes again with these corrected.',
          ],
          list: notice.issues.map((issue) => describeIssue(EN, issue)),
        };
    }
  },
  reminder(notice, date) {
    const ref = notice.reference;
    return {
      subject: notice.expired
        ? 'Your camera registration has expired'
        : 'Please confirm your camera registration',
      paragraphs: [
        notice.expired
          ? `Registration ${ref} was due to be confirmed by ${date(notice.dueAt)}, and officers no longer see it. To keep it, confirm it before ${date(notice.purgeAt)}; on that date it will be deleted.`
          : `Registration ${ref} is due to be confirmed by ${date(notice.dueAt)}. If it is not confirmed by then, officers will no longer see it, and on ${date(notice.purgeAt)} it will be deleted.`,
        'Please check that your details and cameras are still right, then confirm, update or withdraw your registration with the link below and the manage code you received when you registered.',
      ],
    };
  },
  manageLinkLabel: 'Manage your registration',
};

export const ES: MailMessages = {
  locale: 'es-US',
  greeting: 'Hola:',
  signature: ['Registro Comunitario de Cámaras'],
  why: 'Recibe este mensaje porque esta dirección de correo figura en un registro de cámaras. Se envió automáticamente.',
  requestTypes: { update: 'actualizar', reconfirm: 'reconfirmar', withdraw: 'retirar' },
  fields: ES_FIELDS,
  camera: (n) => `Cámara ${n}`,
  location: 'Ubicación en el mapa',
  theChanges: 'Los cambios',
  issues: {
    REQUIRED: 'es obligatorio',
    UNKNOWN_FIELD: 'no se puede cambiar aquí',
    NOT_EDITABLE: 'no se puede cambiar aquí',
    WRONG_TYPE: 'tiene un tipo de valor incorrecto',
    TOO_LONG: 'es demasiado largo',
    NOT_IN_DOMAIN: 'no es una de las opciones',
    OUT_OF_RANGE: 'está fuera del rango permitido',
    INVALID_EMAIL: 'no es una dirección de correo válida',
    INVALID_PHONE: 'no es un número de teléfono válido',
    INVALID_FORMAT: 'no tiene la forma esperada',
    CONTACT_REQUIRED: 'necesita un número de teléfono o una dirección de correo',
    BUSINESS_NAME_REQUIRED: 'es obligatorio para un lugar que no es una residencia',
    PREFERRED_CONTACT_MISSING: 'indica una forma de contacto que no está completada',
  },
  otherIssue: 'no es válido',
  outcome(notice, date) {
    const ref = notice.reference;
    switch (notice.kind) {
      case 'updated':
        return {
          subject: 'Su registro de cámaras se actualizó',
          paragraphs: [
            `Guardamos los cambios del registro ${ref}. Está confirmado hasta el ${date(notice.confirmedUntil)}.`,
          ],
        };
      case 'reconfirmed':
        return {
          subject: 'Su registro de cámaras está confirmado',
          paragraphs: [
            `Gracias por confirmar el registro ${ref}. Permanece en el registro hasta el ${date(notice.confirmedUntil)}; le avisaremos antes de esa fecha.`,
          ],
        };
      case 'review-approved':
        return {
          subject: 'Sus cambios fueron aprobados',
          paragraphs: [
            `Un miembro del personal aprobó los cambios del registro ${ref} y ya están guardados. Está confirmado hasta el ${date(notice.confirmedUntil)}.`,
          ],
        };
      case 'withdrawn':
        return {
          subject: 'Su registro de cámaras fue retirado',
          paragraphs: [
            `El registro ${ref} fue retirado. Borramos el lugar, sus cámaras, sus datos de contacto y las notas de cualquier contacto que los agentes tuvieron con usted sobre él.`,
            'Este es el último mensaje que recibirá sobre este registro. Gracias por participar.',
          ],
        };
      case 'held':
        return {
          subject: 'Sus cambios están en revisión',
          paragraphs: [
            `Recibimos los cambios del registro ${ref}. Como los agentes pueden ver su registro, un miembro del personal revisa los cambios antes de que se apliquen. Mientras tanto, los agentes ven su registro como estaba.`,
            'Le escribiremos de nuevo cuando se haya revisado.',
          ],
        };
      case 'review-rejected':
        return {
          subject: 'Sus cambios no fueron aprobados',
          paragraphs: [
            `Un miembro del personal no aprobó los cambios del registro ${ref}. Su registro queda como estaba.`,
          ],
        };
      case 'review-invalid':
        return {
          subject: 'No se pudieron guardar sus cambios',
          paragraphs: [
            `Los cambios del registro ${ref} ya no corresponden a su registro tal como está guardado ahora, así que no se guardaron. Su registro queda como estaba; envíe los cambios de nuevo, por favor.`,
          ],
        };
      case 'refused-code':
        return {
          subject: 'Su solicitud no se realizó',
          paragraphs: [
            `Recibimos una solicitud para ${requestWord(ES, notice.requestType)} el registro ${ref}, pero el código de gestión que la acompañaba no era correcto, así que no se cambió nada.`,
            'Si usted la envió, inténtelo de nuevo con el código de gestión que recibió al registrarse. Si no la envió, puede ignorar este mensaje: sin el código de gestión nadie puede cambiar su registro.',
          ],
        };
      case 'refused-invalid':
        return {
          subject: 'Sus cambios no se guardaron',
          paragraphs: [
            `No pudimos guardar los cambios del registro ${ref} porque algunos no son válidos:`,
            'No se cambió nada. Envíe los cambios de nuevo con estas correcciones, por favor.',
          ],
          list: notice.issues.map((issue) => describeIssue(ES, issue)),
        };
    }
  },
  reminder(notice, date) {
    const ref = notice.reference;
    return {
      subject: notice.expired
        ? 'Su registro de cámaras venció'
        : 'Confirme su registro de cámaras, por favor',
      paragraphs: [
        notice.expired
          ? `El registro ${ref} debía confirmarse a más tardar el ${date(notice.dueAt)} y los agentes ya no lo ven. Para conservarlo, confírmelo antes del ${date(notice.purgeAt)}; en esa fecha se borrará.`
          : `El registro ${ref} debe confirmarse a más tardar el ${date(notice.dueAt)}. Si no se confirma para entonces, los agentes dejarán de verlo, y el ${date(notice.purgeAt)} se borrará.`,
        'Revise que sus datos y sus cámaras sigan siendo correctos y luego confirme, actualice o retire su registro con el enlace de abajo y el código de gestión que recibió al registrarse.',
      ],
    };
  },
  manageLinkLabel: 'Gestionar su registro',
};

export const MAIL_MESSAGES: Readonly<Record<MailLanguage, MailMessages>> = { en: EN, es: ES };

function requestWord(messages: MailMessages, requestType: unknown): string {
  return typeof requestType === 'string' && Object.hasOwn(messages.requestTypes, requestType)
    ? messages.requestTypes[requestType as RequestType]
    : messages.requestTypes.update;
}

/** `cameras[1].label` → "Camera 2: Name"; `phone` → "Phone"; unknown names as "The changes". */
export function fieldLabel(messages: MailMessages, field: string): string {
  const camera = /^cameras\[(\d+)\](?:\.(.+))?$/.exec(field);
  if (camera) {
    const n = Number(camera[1]) + 1;
    const part = camera[2];
    if (part === undefined) return messages.camera(n);
    if (part === 'location') return `${messages.camera(n)}: ${messages.location}`;
    return `${messages.camera(n)}: ${messages.fields[part] ?? messages.theChanges}`;
  }
  if (field === 'location') return messages.location;
  return messages.fields[field] ?? messages.theChanges;
}

/** One problem in plain words: "Phone: is not a valid phone number". */
export function describeIssue(
  messages: MailMessages,
  issue: { readonly field: string; readonly code: string },
): string {
  const words = Object.hasOwn(messages.issues, issue.code)
    ? messages.issues[issue.code as IssueCode]
    : messages.otherIssue;
  return `${fieldLabel(messages, issue.field)}: ${words}`;
}
