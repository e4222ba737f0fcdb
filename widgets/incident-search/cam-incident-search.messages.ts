import type { ErrorCode } from '../../src/core/errors.js';
import type { CanvassColumn, SheetColumn } from '../../src/core/search/canvass-rows.js';
import type { FootageUrgency } from '../../src/core/search/footage-deadline.js';
import type { SortKey, Visibility } from '../../src/core/search/rank-cameras.js';
import type {
  SearchInputField,
  SearchInputIssue,
} from '../../src/core/search/validate-search-input.js';
import type { Locale } from '../shared/locale.js';

/** Every string `<cam-incident-search>` shows, per language. */
export interface IncidentSearchMessages {
  title: string;
  signIn: {
    heading: string;
    intro: string;
    expired: string;
    username: string;
    password: string;
    submit: string;
    working: string;
    oauth: string;
    oauthNote: string;
    signedInAs: (name: string) => string;
    signedIn: string;
    signOut: string;
    failed: string;
  };
  form: {
    heading: string;
    caseNumber: string;
    caseNumberHint: string;
    purpose: string;
    choosePurpose: string;
    location: string;
    address: string;
    addressHint: string;
    findAddress: string;
    suggestions: string;
    coordinates: string;
    coordinatesHint: string;
    useCoordinates: string;
    mapClickHint: string;
    locationSet: (label: string) => string;
    noLocation: string;
    fromMap: string;
    fromCoordinates: string;
    incidentAt: string;
    radius: string;
    custom: string;
    customRadius: (unit: string) => string;
    submit: string;
    searching: string;
    required: string;
  };
  fieldIssues: Record<SearchInputIssue, string>;
  fieldNames: Record<SearchInputField, string>;
  coordinateIssues: { EMPTY: string; FORMAT: string; RANGE: string };
  addressNotFound: string;
  results: {
    heading: string;
    caption: (caseNumber: string) => string;
    announce: (cameras: number, sites: number) => string;
    none: string;
    sortBy: string;
    sort: Record<SortKey, string>;
    columns: {
      rank: string;
      camera: string;
      visibility: string;
      distance: string;
      footage: string;
      contact: string;
    };
    showDetails: string;
    toward: (direction: string) => string;
    notContacted: string;
    showing: (shown: number, total: number) => string;
    showMore: (count: number) => string;
    summary: (counts: Readonly<Record<Visibility | 'urgent', number>>) => string;
    /** Shown while the form no longer matches the search the list came from. */
    stale: (radius: string, location: string, time: string) => string;
    searchAgain: string;
  };
  visibility: Record<Visibility, string>;
  /** Under "Sees it" when the range is the usual one for the camera's kind. */
  usualRange: (kind: string) => string;
  /** A camera kind (`CameraForm` code) as it reads after "usual for". */
  kindName: (form: string) => string;
  footage: Record<FootageUrgency, string>;
  /** `amount` is a formatted amount of time with its unit ("3 days"). */
  footageLeft: (count: number, amount: string) => string;
  footageGone: (count: number, amount: string) => string;
  footageBy: (when: string) => string;
  compass: readonly [string, string, string, string, string, string, string, string];
  units: { ft: string; m: string };
  distance: (value: string, unit: string) => string;
  detail: {
    heading: string;
    close: string;
    contact: string;
    name: string;
    role: string;
    phone: string;
    email: string;
    preferred: string;
    bestHours: string;
    language: string;
    share: string;
    address: string;
    camera: string;
    label: string;
    form: string;
    mount: string;
    direction: string;
    directionUnknown: string;
    fov: string;
    range: string;
    coverage: string;
    recording: string;
    retention: (days: number) => string;
    /** A width or range that is the usual one for the kind, not the owner's. */
    usual: (value: string, kind: string) => string;
    storage: string;
    canExport: string;
    status: string;
    lastConfirmed: string;
    none: string;
  };
  contactLog: {
    heading: string;
    method: string;
    outcome: string;
    followUp: string;
    save: string;
    saving: string;
    saved: string;
    history: string;
    empty: string;
    entry: (when: string, method: string, outcome: string) => string;
  };
  map: {
    label: string;
    loading: string;
    failed: string;
  };
  exportCsv: string;
  print: string;
  printHeading: (caseNumber: string) => string;
  printMeta: { purpose: string; location: string; time: string; radius: string; generated: string };
  csvHeaders: Record<CanvassColumn, string>;
  /** The printed canvass sheet: one row per site. */
  sheet: {
    headers: Record<SheetColumn, string>;
    cameraCount: (count: number) => string;
    /** Says in what order the sites are listed (the list's sort, by name). */
    order: (sort: string) => string;
    /** The browser blocked the sheet's window. */
    blocked: string;
  };
  errors: Record<ErrorCode, string>;
  unknownError: string;
}

const en: IncidentSearchMessages = {
  title: 'Find cameras near an incident',
  signIn: {
    heading: 'Sign in',
    intro: 'Sign in with your department account to search the camera registry.',
    expired: 'Your session has ended. Sign in again to run the search; what you entered is kept.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    working: 'Signing in…',
    oauth: 'Sign in with ArcGIS',
    oauthNote: 'Opens your organization’s sign-in page in a new window.',
    signedInAs: (name) => `Signed in as ${name}`,
    signedIn: 'Signed in',
    signOut: 'Sign out',
    failed: 'Sign-in failed. Check the username and password.',
  },
  form: {
    heading: 'Incident',
    caseNumber: 'Case number',
    caseNumberHint: 'Every search is logged with its case number and purpose.',
    purpose: 'Purpose',
    choosePurpose: 'Choose a purpose',
    location: 'Incident location',
    address: 'Address',
    addressHint: 'Type an address and pick a match.',
    findAddress: 'Find',
    suggestions: 'Address suggestions',
    coordinates: 'Coordinates',
    coordinatesHint: `Decimal degrees (39.0868, -94.4155) or degrees, minutes, seconds (39°05'12"N 94°24'55"W).`,
    useCoordinates: 'Use',
    mapClickHint: 'Or click the map.',
    locationSet: (label) => `Location: ${label}`,
    noLocation: 'No location chosen yet.',
    fromMap: 'Point on the map',
    fromCoordinates: 'Coordinates',
    incidentAt: 'Incident date and time',
    radius: 'Search radius',
    custom: 'Custom',
    customRadius: (unit) => `Custom radius (${unit})`,
    submit: 'Find cameras',
    searching: 'Searching…',
    required: 'required',
  },
  fieldIssues: {
    REQUIRED: 'Required.',
    TOO_LONG: 'Too long.',
    NOT_IN_DOMAIN: 'Choose one of the listed values.',
    OUT_OF_RANGE: 'Out of range.',
    INVALID: 'Not valid.',
  },
  fieldNames: {
    caseNumber: 'Case number',
    purpose: 'Purpose',
    incident: 'Incident location',
    incidentAt: 'Incident date and time',
    radius: 'Search radius',
  },
  coordinateIssues: {
    EMPTY: 'Enter coordinates.',
    FORMAT: 'These are not coordinates we can read.',
    RANGE: 'Latitude must be within ±90° and longitude within ±180°.',
  },
  addressNotFound: 'No matching address was found.',
  results: {
    heading: 'Cameras',
    caption: (caseNumber) => `Cameras for case ${caseNumber}, best first`,
    announce: (cameras, sites) =>
      cameras === 0
        ? 'No registered cameras found in this area.'
        : `${cameras} ${cameras === 1 ? 'camera' : 'cameras'} found at ${sites} ${sites === 1 ? 'site' : 'sites'}.`,
    none: 'No registered cameras in this area. Try a larger radius.',
    sortBy: 'Sort by',
    sort: { rank: 'Best first', distance: 'Distance', deadline: 'Footage deadline' },
    columns: {
      rank: '#',
      camera: 'Camera and site',
      visibility: 'Sees the incident?',
      distance: 'Distance',
      footage: 'Footage kept until',
      contact: 'Contact',
    },
    showDetails: 'Details',
    toward: (direction) => `${direction} of the incident`,
    notContacted: 'Not contacted',
    showing: (shown, total) =>
      `Showing the first ${shown} of ${total} cameras (the CSV has them all).`,
    showMore: (count) => `Show ${count} more`,
    summary: ({ sees, faces, maybe, away, urgent }) =>
      `${sees} see the incident, ${faces} face it (range unknown), ${maybe} may, ${away} do not. ` +
      `Footage about to be overwritten: ${urgent} ${urgent === 1 ? 'camera' : 'cameras'} that may see it.`,
    stale: (radius, location, time) =>
      `This list is out of date — search again. It shows ${radius} around ${location} at ${time}; the form has changed since.`,
    searchAgain: 'Search again',
  },
  visibility: {
    sees: 'Sees it',
    faces: 'Faces the incident, range unknown',
    maybe: 'Maybe (direction or width not known)',
    away: 'Faces away or too far',
  },
  usualRange: (kind) => `At the usual range for ${kind}`,
  kindName: (form) =>
    ({ doorbell: 'a doorbell', fixed: 'a fixed camera', ptz: 'a pan-tilt-zoom camera' })[form] ??
    'its kind',
  footage: {
    probably_gone: 'Probably overwritten',
    urgent: 'Urgent',
    ok: 'Time left',
    unknown: 'Retention unknown',
  },
  footageLeft: (_count, amount) => `${amount} left`,
  footageGone: (_count, amount) => `Overwritten ${amount} ago`,
  footageBy: (when) => `until ${when}`,
  compass: ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'],
  units: { ft: 'ft', m: 'm' },
  distance: (value, unit) => `${value} ${unit}`,
  detail: {
    heading: 'Details',
    close: 'Close details',
    contact: 'Contact',
    name: 'Name',
    role: 'Role',
    phone: 'Phone',
    email: 'Email',
    preferred: 'Prefers',
    bestHours: 'Best time',
    language: 'Language',
    share: 'Willing to share',
    address: 'Address',
    camera: 'Camera',
    label: 'Label',
    form: 'Type',
    mount: 'Mount',
    direction: 'Looks toward',
    directionUnknown: 'Unknown',
    fov: 'Field of view',
    range: 'Useful range',
    coverage: 'Covers',
    recording: 'Recording',
    retention: (days) => `Keeps footage ${days} ${days === 1 ? 'day' : 'days'}`,
    usual: (value, kind) => `${value} (usual for ${kind})`,
    storage: 'Storage',
    canExport: 'Can export',
    status: 'Status',
    lastConfirmed: 'Last confirmed',
    none: '—',
  },
  contactLog: {
    heading: 'Log a contact',
    method: 'Method',
    outcome: 'Outcome',
    followUp: 'Follow-up note',
    save: 'Save contact',
    saving: 'Saving…',
    saved: 'Contact saved.',
    history: 'Contacts for this case',
    empty: 'No contact logged yet.',
    entry: (when, method, outcome) => `${when}: ${method}, ${outcome}`,
  },
  map: {
    label: 'Map of the search area. The list has everything the map shows.',
    loading: 'Loading the map…',
    failed: 'The map could not be shown here. The list has every camera and detail.',
  },
  exportCsv: 'Export CSV',
  print: 'Print canvass sheet',
  printHeading: (caseNumber) => `Canvass sheet, case ${caseNumber}`,
  printMeta: {
    purpose: 'Purpose',
    location: 'Location',
    time: 'Incident time',
    radius: 'Radius',
    generated: 'Printed',
  },
  csvHeaders: {
    rank: 'Rank',
    visibility: 'Sees incident',
    distance: 'Distance',
    direction: 'Direction from incident',
    camera: 'Camera',
    site: 'Site',
    address: 'Address',
    contactName: 'Contact',
    contactRole: 'Role',
    phone: 'Phone',
    email: 'Email',
    preferredContact: 'Prefers',
    bestHours: 'Best time',
    language: 'Language',
    shareWillingness: 'Willing to share',
    footageDeadline: 'Footage kept until',
    footageStatus: 'Footage',
    lastConfirmed: 'Last confirmed',
    outcome: 'Latest outcome',
  },
  sheet: {
    headers: {
      order: '#',
      site: 'Site',
      cameras: 'Cameras',
      closest: 'Closest',
      footage: 'Footage',
      contact: 'Contact',
      phone: 'Phone',
      bestHours: 'Best time',
      language: 'Language',
      logged: 'Logged so far',
      outcome: 'Outcome',
      notes: 'Notes',
    },
    cameraCount: (count) => (count === 1 ? '1 camera' : `${count} cameras`),
    order: (sort) => `Sites in the order of the list: ${sort}`,
    blocked:
      'The canvass sheet opens in a window of its own, and the browser blocked it. Allow pop-up windows for this site, then press Print again.',
  },
  errors: {
    INVALID_INPUT: 'Some of the search details are missing or not valid.',
    NOT_FOUND: 'The camera registry could not be found. Check the service address in the settings.',
    AUTH_REQUIRED: 'Please sign in.',
    INVALID_TOKEN: 'Your session has ended. Please sign in again.',
    FORBIDDEN: 'Your account may not search the camera registry.',
    RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
    CONFLICT: 'The registry changed meanwhile. Try again.',
    TOO_LARGE: 'The request is too large. Try a smaller radius.',
    SERVICE_ERROR:
      'The search could not be completed and was not logged, so no results are shown. Try again.',
    NETWORK_ERROR: 'The registry cannot be reached. Check the connection and try again.',
  },
  unknownError: 'Something went wrong. Try again.',
};

const es: IncidentSearchMessages = {
  title: 'Buscar cámaras cerca de un incidente',
  signIn: {
    heading: 'Iniciar sesión',
    intro: 'Inicie sesión con su cuenta del departamento para buscar en el registro de cámaras.',
    expired:
      'Su sesión terminó. Inicie sesión de nuevo para hacer la búsqueda; lo que escribió se conserva.',
    username: 'Usuario',
    password: 'Contraseña',
    submit: 'Iniciar sesión',
    working: 'Iniciando sesión…',
    oauth: 'Iniciar sesión con ArcGIS',
    oauthNote: 'Abre la página de inicio de sesión de su organización en otra ventana.',
    signedInAs: (name) => `Sesión iniciada como ${name}`,
    signedIn: 'Sesión iniciada',
    signOut: 'Cerrar sesión',
    failed: 'No se pudo iniciar sesión. Revise el usuario y la contraseña.',
  },
  form: {
    heading: 'Incidente',
    caseNumber: 'Número de caso',
    caseNumberHint: 'Cada búsqueda queda registrada con su número de caso y su motivo.',
    purpose: 'Motivo',
    choosePurpose: 'Elija un motivo',
    location: 'Lugar del incidente',
    address: 'Dirección',
    addressHint: 'Escriba una dirección y elija una coincidencia.',
    findAddress: 'Buscar',
    suggestions: 'Direcciones sugeridas',
    coordinates: 'Coordenadas',
    coordinatesHint: `Grados decimales (39.0868, -94.4155) o grados, minutos y segundos (39°05'12"N 94°24'55"O).`,
    useCoordinates: 'Usar',
    mapClickHint: 'O haga clic en el mapa.',
    locationSet: (label) => `Lugar: ${label}`,
    noLocation: 'Todavía no eligió un lugar.',
    fromMap: 'Punto en el mapa',
    fromCoordinates: 'Coordenadas',
    incidentAt: 'Fecha y hora del incidente',
    radius: 'Radio de búsqueda',
    custom: 'Otro',
    customRadius: (unit) => `Otro radio (${unit})`,
    submit: 'Buscar cámaras',
    searching: 'Buscando…',
    required: 'obligatorio',
  },
  fieldIssues: {
    REQUIRED: 'Obligatorio.',
    TOO_LONG: 'Demasiado largo.',
    NOT_IN_DOMAIN: 'Elija uno de los valores de la lista.',
    OUT_OF_RANGE: 'Fuera de rango.',
    INVALID: 'No es válido.',
  },
  fieldNames: {
    caseNumber: 'Número de caso',
    purpose: 'Motivo',
    incident: 'Lugar del incidente',
    incidentAt: 'Fecha y hora del incidente',
    radius: 'Radio de búsqueda',
  },
  coordinateIssues: {
    EMPTY: 'Escriba las coordenadas.',
    FORMAT: 'No podemos leer estas coordenadas.',
    RANGE: 'La latitud debe estar entre ±90° y la longitud entre ±180°.',
  },
  addressNotFound: 'No se encontró ninguna dirección que coincida.',
  results: {
    heading: 'Cámaras',
    caption: (caseNumber) => `Cámaras del caso ${caseNumber}, las mejores primero`,
    announce: (cameras, sites) =>
      cameras === 0
        ? 'No se encontraron cámaras registradas en esta zona.'
        : `${cameras} ${cameras === 1 ? 'cámara encontrada' : 'cámaras encontradas'} en ${sites} ${sites === 1 ? 'sitio' : 'sitios'}.`,
    none: 'No hay cámaras registradas en esta zona. Pruebe un radio mayor.',
    sortBy: 'Ordenar por',
    sort: { rank: 'Mejores primero', distance: 'Distancia', deadline: 'Plazo del video' },
    columns: {
      rank: 'N.º',
      camera: 'Cámara y sitio',
      visibility: '¿Ve el incidente?',
      distance: 'Distancia',
      footage: 'Video guardado hasta',
      contact: 'Contacto',
    },
    showDetails: 'Detalles',
    toward: (direction) => `al ${direction} del incidente`,
    notContacted: 'Sin contactar',
    showing: (shown, total) =>
      `Se muestran las primeras ${shown} de ${total} cámaras (el CSV las tiene todas).`,
    showMore: (count) => `Mostrar ${count} más`,
    summary: ({ sees, faces, maybe, away, urgent }) =>
      `${sees} ven el incidente, ${faces} miran hacia él (alcance desconocido), ${maybe} quizá, ${away} no. ` +
      `Video a punto de borrarse: ${urgent} ${urgent === 1 ? 'cámara que puede verlo' : 'cámaras que pueden verlo'}.`,
    stale: (radius, location, time) =>
      `Esta lista está desactualizada: busque de nuevo. Muestra ${radius} alrededor de ${location} a las ${time}; el formulario cambió después.`,
    searchAgain: 'Buscar de nuevo',
  },
  visibility: {
    sees: 'Lo ve',
    faces: 'Mira hacia el incidente, alcance desconocido',
    maybe: 'Quizá (dirección o ancho no conocidos)',
    away: 'Mira a otro lado o está lejos',
  },
  usualRange: (kind) => `Con el alcance habitual de ${kind}`,
  kindName: (form) =>
    ({
      doorbell: 'un timbre con cámara',
      fixed: 'una cámara fija',
      ptz: 'una cámara motorizada',
    })[form] ?? 'su tipo',
  footage: {
    probably_gone: 'Probablemente borrado',
    urgent: 'Urgente',
    ok: 'Hay tiempo',
    unknown: 'Tiempo de guardado desconocido',
  },
  footageLeft: (count, amount) => `${count === 1 ? 'Queda' : 'Quedan'} ${amount}`,
  footageGone: (_count, amount) => `Borrado hace ${amount}`,
  footageBy: (when) => `hasta ${when}`,
  compass: ['N', 'NE', 'E', 'SE', 'S', 'SO', 'O', 'NO'],
  units: { ft: 'pies', m: 'm' },
  distance: (value, unit) => `${value} ${unit}`,
  detail: {
    heading: 'Detalles',
    close: 'Cerrar detalles',
    contact: 'Contacto',
    name: 'Nombre',
    role: 'Función',
    phone: 'Teléfono',
    email: 'Correo electrónico',
    preferred: 'Prefiere',
    bestHours: 'Mejor hora',
    language: 'Idioma',
    share: 'Dispuesto a compartir',
    address: 'Dirección',
    camera: 'Cámara',
    label: 'Nombre',
    form: 'Tipo',
    mount: 'Montaje',
    direction: 'Mira hacia',
    directionUnknown: 'Desconocido',
    fov: 'Campo de visión',
    range: 'Alcance útil',
    coverage: 'Cubre',
    recording: 'Grabación',
    retention: (days) => `Guarda el video ${days} ${days === 1 ? 'día' : 'días'}`,
    usual: (value, kind) => `${value} (lo habitual para ${kind})`,
    storage: 'Almacenamiento',
    canExport: 'Puede exportar',
    status: 'Estado',
    lastConfirmed: 'Última confirmación',
    none: '—',
  },
  contactLog: {
    heading: 'Registrar un contacto',
    method: 'Medio',
    outcome: 'Resultado',
    followUp: 'Nota de seguimiento',
    save: 'Guardar contacto',
    saving: 'Guardando…',
    saved: 'Contacto guardado.',
    history: 'Contactos de este caso',
    empty: 'Todavía no hay contactos registrados.',
    entry: (when, method, outcome) => `${when}: ${method}, ${outcome}`,
  },
  map: {
    label: 'Mapa de la zona de búsqueda. La lista tiene todo lo que muestra el mapa.',
    loading: 'Cargando el mapa…',
    failed: 'No se pudo mostrar el mapa aquí. La lista tiene todas las cámaras y sus detalles.',
  },
  exportCsv: 'Exportar CSV',
  print: 'Imprimir hoja de visitas',
  printHeading: (caseNumber) => `Hoja de visitas, caso ${caseNumber}`,
  printMeta: {
    purpose: 'Motivo',
    location: 'Lugar',
    time: 'Hora del incidente',
    radius: 'Radio',
    generated: 'Impreso',
  },
  csvHeaders: {
    rank: 'Orden',
    visibility: 'Ve el incidente',
    distance: 'Distancia',
    direction: 'Dirección desde el incidente',
    camera: 'Cámara',
    site: 'Sitio',
    address: 'Dirección',
    contactName: 'Contacto',
    contactRole: 'Función',
    phone: 'Teléfono',
    email: 'Correo electrónico',
    preferredContact: 'Prefiere',
    bestHours: 'Mejor hora',
    language: 'Idioma',
    shareWillingness: 'Dispuesto a compartir',
    footageDeadline: 'Video guardado hasta',
    footageStatus: 'Video',
    lastConfirmed: 'Última confirmación',
    outcome: 'Último resultado',
  },
  sheet: {
    headers: {
      order: 'N.º',
      site: 'Sitio',
      cameras: 'Cámaras',
      closest: 'Más cercana',
      footage: 'Video',
      contact: 'Contacto',
      phone: 'Teléfono',
      bestHours: 'Mejor hora',
      language: 'Idioma',
      logged: 'Registrado hasta ahora',
      outcome: 'Resultado',
      notes: 'Notas',
    },
    cameraCount: (count) => (count === 1 ? '1 cámara' : `${count} cámaras`),
    order: (sort) => `Sitios en el orden de la lista: ${sort}`,
    blocked:
      'La hoja de visitas se abre en una ventana propia y el navegador la bloqueó. Permita las ventanas emergentes para este sitio y vuelva a pulsar Imprimir.',
  },
  errors: {
    INVALID_INPUT: 'Faltan datos de la búsqueda o no son válidos.',
    NOT_FOUND:
      'No se encontró el registro de cámaras. Revise la dirección del servicio en la configuración.',
    AUTH_REQUIRED: 'Inicie sesión.',
    INVALID_TOKEN: 'Su sesión terminó. Inicie sesión de nuevo.',
    FORBIDDEN: 'Su cuenta no puede buscar en el registro de cámaras.',
    RATE_LIMITED: 'Demasiadas solicitudes. Espere un momento y vuelva a intentarlo.',
    CONFLICT: 'El registro cambió mientras tanto. Vuelva a intentarlo.',
    TOO_LARGE: 'La solicitud es demasiado grande. Pruebe un radio menor.',
    SERVICE_ERROR:
      'No se pudo completar la búsqueda ni registrarla, así que no se muestran resultados. Vuelva a intentarlo.',
    NETWORK_ERROR:
      'No se puede conectar con el registro. Revise la conexión y vuelva a intentarlo.',
  },
  unknownError: 'Algo salió mal. Vuelva a intentarlo.',
};

/** The messages of each language. */
export const INCIDENT_SEARCH_MESSAGES: Readonly<Record<Locale, IncidentSearchMessages>> = {
  en,
  es,
};
