import { ERROR_MESSAGES, type ErrorMessages } from '../shared/describe-error.js';
import type { Locale } from '../shared/locale.js';
import type { IssueCode } from '../../src/core/validation/validate-attributes.js';

/** Every word `<cam-registry-review>` shows; hosts patch any of them via `messageOverrides`. */
export interface RegistryReviewMessages {
  readonly title: string;
  readonly signIn: {
    readonly heading: string;
    readonly intro: string;
    readonly username: string;
    readonly password: string;
    readonly submit: string;
    readonly signingIn: string;
    readonly missing: string;
    readonly wrong: string;
    readonly signedInAs: (username: string) => string;
    readonly signedIn: string;
    readonly signOut: string;
    /** An account the source service refuses (an officer's). */
    readonly notAnalyst: string;
  };
  readonly tabs: {
    readonly label: string;
    readonly queue: string;
    readonly duplicates: string;
    readonly reconfirm: string;
    readonly paper: string;
    readonly loading: string;
  };
  readonly queue: {
    readonly heading: string;
    readonly show: string;
    readonly kinds: {
      readonly registrations: string;
      readonly changes: string;
      readonly all: string;
    };
    readonly flag: string;
    readonly anyFlag: string;
    readonly count: (total: number) => string;
    /** The count when every site is listed (nothing is "waiting" then). */
    readonly sites: (total: number) => string;
    readonly showing: (from: number, to: number, total: number) => string;
    readonly refresh: string;
    readonly previous: string;
    readonly next: string;
    readonly empty: string;
    readonly loading: string;
    readonly listLabel: string;
    readonly changeOf: (ref: string) => string;
    readonly submittedOn: (date: string) => string;
    readonly flagsCount: (count: number) => string;
  };
  readonly detail: {
    readonly heading: (ref: string) => string;
    readonly close: string;
    readonly mapLabel: string;
    readonly mapLoading: string;
    readonly mapFailed: string;
    readonly submitted: string;
    readonly location: string;
    readonly cameras: string;
    readonly noCameras: string;
    readonly camerasCaption: string;
    readonly flags: string;
    readonly noFlags: string;
    readonly changes: string;
    readonly changesCaption: string;
    readonly field: string;
    readonly before: string;
    readonly after: string;
    readonly noChanges: string;
    readonly badPayload: string;
    readonly siteMissing: string;
    readonly history: string;
    readonly historyEmpty: string;
    readonly historyEntry: (who: string, when: string, decision: string) => string;
    readonly none: string;
    readonly loading: string;
  };
  readonly decide: {
    readonly heading: string;
    readonly reason: string;
    readonly reasonHint: string;
    readonly verify: string;
    readonly reject: string;
    readonly approve: string;
    readonly rejectChange: string;
    readonly saving: string;
    readonly done: {
      readonly verified: (ref: string) => string;
      readonly rejected: (ref: string) => string;
      readonly change_approved: (ref: string) => string;
      readonly change_rejected: (ref: string) => string;
      readonly edited: (ref: string) => string;
      readonly moved: (ref: string) => string;
    };
    readonly nothingChanged: string;
    readonly refused: string;
  };
  readonly edit: {
    readonly heading: string;
    readonly start: string;
    readonly save: string;
    readonly cancel: string;
    readonly fixBelow: (count: number) => string;
  };
  readonly place: {
    readonly heading: string;
    readonly hint: string;
    readonly coordinates: string;
    readonly coordinatesHint: string;
    readonly useCoordinates: string;
    readonly target: (text: string) => string;
    readonly noTarget: string;
    readonly moveSite: string;
    readonly moveCamera: string;
    readonly camera: string;
    readonly geocode: string;
    readonly geocoding: string;
    readonly candidates: string;
    readonly candidate: (address: string, score: string) => string;
    readonly noCandidates: string;
    readonly badCoordinates: string;
  };
  /** Field labels in this language; English uses the schema's aliases. */
  readonly fieldLabels: Readonly<Record<string, string>>;
  readonly issues: Readonly<Record<IssueCode, string>>;
  readonly errors: ErrorMessages;
}

const en: RegistryReviewMessages = {
  title: 'Registry review',
  signIn: {
    heading: 'Sign in',
    intro: 'Sign in with your analyst account to review registrations.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    signingIn: 'Signing in…',
    missing: 'Enter your username and password.',
    wrong: 'The username or password is not right. Check them and try again.',
    signedInAs: (username) => `Signed in as ${username}`,
    signedIn: 'Signed in',
    signOut: 'Sign out',
    notAnalyst:
      'This account may not review registrations: only GIS analysts and administrators can. Sign in with an analyst account.',
  },
  tabs: {
    label: 'Review tasks',
    queue: 'Queue',
    duplicates: 'Duplicates',
    reconfirm: 'Re-confirmation',
    paper: 'Paper form',
    loading: 'This part of the workspace is loading.',
  },
  queue: {
    heading: 'Review queue',
    show: 'Show',
    kinds: {
      registrations: 'New registrations',
      changes: 'Changes to verified sites',
      all: 'All sites',
    },
    flag: 'Quality flag',
    anyFlag: 'Any or none',
    count: (total) => (total === 1 ? '1 waiting' : `${total} waiting`),
    sites: (total) => (total === 1 ? '1 site' : `${total} sites`),
    showing: (from, to, total) => `Showing ${from}–${to} of ${total}`,
    refresh: 'Refresh',
    previous: 'Previous page',
    next: 'Next page',
    empty: 'Nothing here. The queue is clear.',
    loading: 'Loading the queue…',
    listLabel: 'Queue items',
    changeOf: (ref) => `Change to ${ref}`,
    submittedOn: (date) => `Submitted ${date}`,
    flagsCount: (count) => (count === 1 ? '1 flag' : `${count} flags`),
  },
  detail: {
    heading: (ref) => `Registration ${ref}`,
    close: 'Back to the queue',
    mapLabel: 'Map of the site and its cameras',
    mapLoading: 'Loading the map…',
    mapFailed:
      'The map could not be shown here. The coordinates below and the placement form do everything the map does.',
    submitted: 'Submitted values',
    location: 'Position (latitude, longitude)',
    cameras: 'Cameras',
    noCameras: 'No cameras are registered at this site.',
    camerasCaption: 'Cameras at this site',
    flags: 'Data-quality flags',
    noFlags: 'No flags.',
    changes: 'What would change',
    changesCaption: 'Requested changes, before and after',
    field: 'Field',
    before: 'Now',
    after: 'Requested',
    noChanges: 'The request changes nothing that is stored.',
    badPayload: 'The requested changes cannot be read.',
    siteMissing: 'The site of this request was not found.',
    history: 'Decision history',
    historyEmpty: 'No decisions recorded yet.',
    historyEntry: (who, when, decision) => `${when}: ${decision} by ${who}`,
    none: '—',
    loading: 'Loading…',
  },
  decide: {
    heading: 'Decision',
    reason: 'Reason',
    reasonHint: 'Required to reject. Do not copy contact details here.',
    verify: 'Verify',
    reject: 'Reject',
    approve: 'Approve change',
    rejectChange: 'Reject change',
    saving: 'Saving…',
    done: {
      verified: (ref) => `${ref} verified. Officers can now find it.`,
      rejected: (ref) => `${ref} rejected.`,
      change_approved: (ref) => `Change to ${ref} approved; it will be applied shortly.`,
      change_rejected: (ref) => `Change to ${ref} rejected.`,
      edited: (ref) => `Corrections to ${ref} saved.`,
      moved: (ref) => `${ref} moved.`,
    },
    nothingChanged: 'Nothing was changed.',
    refused: 'Nothing was changed.',
  },
  edit: {
    heading: 'Correct values',
    start: 'Correct values',
    save: 'Save corrections',
    cancel: 'Cancel',
    fixBelow: (count) =>
      count === 1 ? 'One value needs attention.' : `${count} values need attention.`,
  },
  place: {
    heading: 'Placement',
    hint: 'Choose the new position: click the map, type coordinates, or re-geocode the address.',
    coordinates: 'New position (latitude, longitude)',
    coordinatesHint: 'For example 39.0911, -94.4155',
    useCoordinates: 'Use these coordinates',
    target: (text) => `New position: ${text}`,
    noTarget: 'No new position chosen yet.',
    moveSite: 'Move the site and all its cameras',
    moveCamera: 'Move only this camera',
    camera: 'Camera',
    geocode: 'Re-geocode the address',
    geocoding: 'Looking up the address…',
    candidates: 'Address candidates',
    candidate: (address, score) => `${address} (score ${score})`,
    noCandidates: 'The geocoder found no candidates for this address.',
    badCoordinates: 'Enter latitude and longitude, for example 39.0911, -94.4155.',
  },
  fieldLabels: {},
  issues: {
    REQUIRED: 'This is required.',
    UNKNOWN_FIELD: 'This field is not known.',
    NOT_EDITABLE: 'This cannot be changed here.',
    WRONG_TYPE: 'This value has the wrong type.',
    TOO_LONG: 'This is too long.',
    NOT_IN_DOMAIN: 'Choose one of the listed values.',
    OUT_OF_RANGE: 'This is out of range.',
    INVALID_EMAIL: 'Enter an e-mail address such as name@example.org.',
    INVALID_PHONE: 'Enter a phone number with country code, such as +18165550100.',
    INVALID_FORMAT: 'This is not in the expected format.',
    CONTACT_REQUIRED: 'A phone number or an e-mail address is required.',
    BUSINESS_NAME_REQUIRED: 'A business name is required for this site type.',
    PREFERRED_CONTACT_MISSING: 'The preferred way of contact has no number or address.',
  },
  errors: {
    ...ERROR_MESSAGES.en,
    FORBIDDEN:
      'This account may not review registrations: only GIS analysts and administrators can.',
    CONFLICT: 'Someone else changed this registration meanwhile. Reload it and try again.',
  },
};

const es: RegistryReviewMessages = {
  title: 'Revisión del registro',
  signIn: {
    heading: 'Iniciar sesión',
    intro: 'Inicie sesión con su cuenta de analista para revisar registros.',
    username: 'Usuario',
    password: 'Contraseña',
    submit: 'Iniciar sesión',
    signingIn: 'Iniciando sesión…',
    missing: 'Escriba su usuario y contraseña.',
    wrong: 'El usuario o la contraseña no son correctos. Revíselos e inténtelo de nuevo.',
    signedInAs: (username) => `Sesión iniciada como ${username}`,
    signedIn: 'Sesión iniciada',
    signOut: 'Cerrar sesión',
    notAnalyst:
      'Esta cuenta no puede revisar registros: solo pueden los analistas SIG y los administradores. Inicie sesión con una cuenta de analista.',
  },
  tabs: {
    label: 'Tareas de revisión',
    queue: 'Cola',
    duplicates: 'Duplicados',
    reconfirm: 'Reconfirmación',
    paper: 'Formulario en papel',
    loading: 'Esta parte del espacio de trabajo se está cargando.',
  },
  queue: {
    heading: 'Cola de revisión',
    show: 'Mostrar',
    kinds: {
      registrations: 'Registros nuevos',
      changes: 'Cambios a sitios verificados',
      all: 'Todos los sitios',
    },
    flag: 'Indicador de calidad',
    anyFlag: 'Cualquiera o ninguno',
    count: (total) => (total === 1 ? '1 en espera' : `${total} en espera`),
    sites: (total) => (total === 1 ? '1 sitio' : `${total} sitios`),
    showing: (from, to, total) => `Mostrando ${from}–${to} de ${total}`,
    refresh: 'Actualizar',
    previous: 'Página anterior',
    next: 'Página siguiente',
    empty: 'No hay nada aquí. La cola está vacía.',
    loading: 'Cargando la cola…',
    listLabel: 'Elementos de la cola',
    changeOf: (ref) => `Cambio a ${ref}`,
    submittedOn: (date) => `Enviado el ${date}`,
    flagsCount: (count) => (count === 1 ? '1 indicador' : `${count} indicadores`),
  },
  detail: {
    heading: (ref) => `Registro ${ref}`,
    close: 'Volver a la cola',
    mapLabel: 'Mapa del sitio y sus cámaras',
    mapLoading: 'Cargando el mapa…',
    mapFailed:
      'No se pudo mostrar el mapa aquí. Las coordenadas y el formulario de ubicación hacen todo lo que hace el mapa.',
    submitted: 'Valores enviados',
    location: 'Posición (latitud, longitud)',
    cameras: 'Cámaras',
    noCameras: 'No hay cámaras registradas en este sitio.',
    camerasCaption: 'Cámaras de este sitio',
    flags: 'Indicadores de calidad de datos',
    noFlags: 'Sin indicadores.',
    changes: 'Qué cambiaría',
    changesCaption: 'Cambios solicitados, antes y después',
    field: 'Campo',
    before: 'Ahora',
    after: 'Solicitado',
    noChanges: 'La solicitud no cambia nada de lo guardado.',
    badPayload: 'No se pueden leer los cambios solicitados.',
    siteMissing: 'No se encontró el sitio de esta solicitud.',
    history: 'Historial de decisiones',
    historyEmpty: 'Todavía no hay decisiones registradas.',
    historyEntry: (who, when, decision) => `${when}: ${decision} por ${who}`,
    none: '—',
    loading: 'Cargando…',
  },
  decide: {
    heading: 'Decisión',
    reason: 'Motivo',
    reasonHint: 'Obligatorio para rechazar. No copie datos de contacto aquí.',
    verify: 'Verificar',
    reject: 'Rechazar',
    approve: 'Aprobar cambio',
    rejectChange: 'Rechazar cambio',
    saving: 'Guardando…',
    done: {
      verified: (ref) => `${ref} verificado. Los agentes ya pueden encontrarlo.`,
      rejected: (ref) => `${ref} rechazado.`,
      change_approved: (ref) => `Cambio a ${ref} aprobado; se aplicará en breve.`,
      change_rejected: (ref) => `Cambio a ${ref} rechazado.`,
      edited: (ref) => `Correcciones a ${ref} guardadas.`,
      moved: (ref) => `${ref} movido.`,
    },
    nothingChanged: 'No se cambió nada.',
    refused: 'No se cambió nada.',
  },
  edit: {
    heading: 'Corregir valores',
    start: 'Corregir valores',
    save: 'Guardar correcciones',
    cancel: 'Cancelar',
    fixBelow: (count) =>
      count === 1 ? 'Un valor necesita atención.' : `${count} valores necesitan atención.`,
  },
  place: {
    heading: 'Ubicación',
    hint: 'Elija la nueva posición: haga clic en el mapa, escriba coordenadas o vuelva a geocodificar la dirección.',
    coordinates: 'Nueva posición (latitud, longitud)',
    coordinatesHint: 'Por ejemplo 39.0911, -94.4155',
    useCoordinates: 'Usar estas coordenadas',
    target: (text) => `Nueva posición: ${text}`,
    noTarget: 'Todavía no se eligió una nueva posición.',
    moveSite: 'Mover el sitio y todas sus cámaras',
    moveCamera: 'Mover solo esta cámara',
    camera: 'Cámara',
    geocode: 'Volver a geocodificar la dirección',
    geocoding: 'Buscando la dirección…',
    candidates: 'Direcciones candidatas',
    candidate: (address, score) => `${address} (puntuación ${score})`,
    noCandidates: 'El geocodificador no encontró candidatas para esta dirección.',
    badCoordinates: 'Escriba latitud y longitud, por ejemplo 39.0911, -94.4155.',
  },
  fieldLabels: {
    site_type: 'Tipo de sitio',
    business_name: 'Nombre del negocio',
    contact_name: 'Nombre de contacto',
    contact_role: 'Función del contacto',
    phone: 'Teléfono',
    email: 'Correo electrónico',
    preferred_contact: 'Contacto preferido',
    preferred_language: 'Idioma preferido',
    best_hours: 'Mejor hora para llamar',
    address: 'Dirección',
    unit: 'Unidad o local',
    location_method: 'Método de ubicación',
    geocode_score: 'Puntuación de geocodificación',
    share_willingness: 'Dispuesto a compartir video',
    consent_version: 'Versión del consentimiento',
    source_channel: 'Origen',
    status: 'Estado',
    district: 'Distrito',
    beat: 'Sector',
    label: 'Etiqueta',
    mount: 'Montaje',
    view_bearing: 'Dirección de vista (grados)',
    retention_days: 'Video guardado (días)',
    recording_mode: 'Grabación',
    location: 'Posición',
    cameras: 'Cámaras',
    reason: 'Motivo',
  },
  issues: {
    REQUIRED: 'Este dato es obligatorio.',
    UNKNOWN_FIELD: 'Este campo no se conoce.',
    NOT_EDITABLE: 'Esto no se puede cambiar aquí.',
    WRONG_TYPE: 'Este valor tiene un tipo incorrecto.',
    TOO_LONG: 'Es demasiado largo.',
    NOT_IN_DOMAIN: 'Elija uno de los valores de la lista.',
    OUT_OF_RANGE: 'Está fuera del rango.',
    INVALID_EMAIL: 'Escriba un correo como nombre@ejemplo.org.',
    INVALID_PHONE: 'Escriba un teléfono con código de país, como +18165550100.',
    INVALID_FORMAT: 'No tiene el formato esperado.',
    CONTACT_REQUIRED: 'Se necesita un teléfono o un correo electrónico.',
    BUSINESS_NAME_REQUIRED: 'Este tipo de sitio necesita el nombre del negocio.',
    PREFERRED_CONTACT_MISSING: 'La forma de contacto preferida no tiene número ni dirección.',
  },
  errors: {
    ...ERROR_MESSAGES.es,
    FORBIDDEN:
      'Esta cuenta no puede revisar registros: solo pueden los analistas SIG y los administradores.',
    CONFLICT:
      'Otra persona cambió este registro mientras tanto. Vuelva a cargarlo e inténtelo de nuevo.',
  },
};

export const REGISTRY_REVIEW_MESSAGES: Readonly<Record<Locale, RegistryReviewMessages>> = {
  en,
  es,
};
