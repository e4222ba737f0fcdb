import type { CompassPoint } from '../../src/core/registration/camera-view.js';
import type { FormIssueCode } from '../../src/core/registration/registration-draft.js';
import { ERROR_MESSAGES, type ErrorMessages } from '../shared/describe-error.js';
import type { Locale } from '../shared/locale.js';

/** Words for one validation problem; `label` is the field's label, `limit` the broken limit. */
export type IssueMessage = (label: string, limit?: readonly number[]) => string;

/** About the program (step 1); cities replace these through config. */
export interface ProgramText {
  readonly title: string;
  readonly intro: string;
  readonly voluntary: string;
  readonly noRemoteAccess: string;
  readonly contactAfterIncident: string;
  readonly whoSees: string;
  readonly publicRecords: string;
  readonly leaving: string;
}

/** Every string the registration widget shows, in one language. */
export interface RegistrationMessages {
  readonly widgetLabel: string;
  readonly manageLabel: string;
  readonly stepOf: (step: number, total: number) => string;
  readonly steps: {
    readonly about: string;
    readonly site: string;
    readonly cameras: string;
    readonly review: string;
    readonly done: string;
    readonly codes: string;
    readonly changes: string;
    readonly finished: string;
  };
  readonly back: string;
  /** Clears every step and the kept draft. */
  readonly startOver: string;
  /** Announced once the form is cleared. */
  readonly cleared: string;
  readonly next: string;
  readonly loading: string;
  readonly configFailed: string;
  readonly required: string;
  readonly optional: string;
  readonly program: ProgramText;
  readonly consent: {
    readonly heading: string;
    readonly text: string;
    readonly version: (version: string) => string;
    readonly accept: string;
  };
  readonly fields: Readonly<Record<string, string>>;
  /** Labels of coded values, keyed `Domain.code` (e.g. `SiteType.residence`); the schema's own `en`/`es` labels apply otherwise. */
  readonly domainLabels: Readonly<Record<string, string>>;
  readonly hints: {
    readonly business_name: string;
    readonly phone: string;
    readonly email: string;
    readonly contactEither: string;
    readonly unit: string;
    readonly fov_deg: string;
    readonly retention_days: string;
    readonly label: string;
  };
  readonly sections: {
    readonly site: string;
    readonly contact: string;
    readonly location: string;
  };
  readonly choose: string;
  readonly address: {
    readonly hint: string;
    readonly find: string;
    readonly searching: string;
    readonly suggestions: string;
    readonly suggestionCount: (count: number) => string;
    readonly noMatch: string;
    readonly lookupFailed: string;
    readonly found: (address: string) => string;
    readonly coordinates: (lat: string, lon: string) => string;
    readonly outsideCity: string;
    readonly lowScore: string;
  };
  readonly map: {
    readonly label: string;
    readonly loading: string;
    readonly unavailable: string;
    readonly pinHint: string;
    readonly aimHint: string;
    readonly aimCamera: string;
    readonly nudgeGroup: string;
    readonly nudge: Readonly<Record<'north' | 'south' | 'east' | 'west', string>>;
    readonly nudgeKeys: string;
    readonly moved: (meters: number) => string;
    readonly atGeocoded: string;
    readonly reset: string;
  };
  readonly cameras: {
    readonly intro: string;
    readonly heading: (n: number) => string;
    readonly defaultLabel: (n: number) => string;
    readonly add: string;
    readonly remove: (label: string) => string;
    readonly removed: (label: string) => string;
    readonly added: (label: string) => string;
    readonly direction: string;
    readonly directionHint: string;
    readonly notSure: string;
    readonly compass: Readonly<Record<CompassPoint, string>>;
    readonly bearing: (degrees: number) => string;
    readonly directionNone: string;
    readonly position: string;
    readonly positionAtSite: string;
    readonly positionMoved: (meters: number) => string;
    readonly moveCamera: string;
    readonly fovDefault: (degrees: number) => string;
    readonly days: (n: number) => string;
    readonly degrees: (n: number) => string;
  };
  readonly review: {
    readonly intro: string;
    readonly edit: string;
    readonly editSection: (section: string) => string;
    readonly notGiven: string;
    readonly location: (method: string, score: string) => string;
    readonly submit: string;
    readonly sending: string;
    readonly retry: string;
    readonly failed: string;
    readonly kept: string;
  };
  readonly done: {
    readonly heading: string;
    readonly intro: string;
    readonly reference: string;
    readonly code: string;
    readonly warning: string;
    readonly copy: (what: string) => string;
    readonly copied: (what: string) => string;
    readonly copyFailed: string;
    readonly print: string;
    readonly save: string;
    readonly fileName: (reference: string) => string;
    readonly fileText: (reference: string, code: string, date: string) => string;
    readonly next: string;
    readonly startOver: string;
  };
  readonly manage: {
    readonly intro: string;
    readonly reference: string;
    readonly referenceHint: string;
    readonly code: string;
    readonly codeHint: string;
    readonly action: string;
    readonly actions: Readonly<Record<'update' | 'cameras' | 'reconfirm' | 'withdraw', string>>;
    readonly actionHints: Readonly<Record<'update' | 'cameras' | 'reconfirm' | 'withdraw', string>>;
    readonly updateIntro: string;
    readonly camerasIntro: string;
    readonly reconfirmIntro: string;
    readonly withdrawIntro: string;
    readonly withdrawConfirm: string;
    readonly submit: Readonly<Record<'update' | 'cameras' | 'reconfirm' | 'withdraw', string>>;
    readonly accepted: string;
    readonly acceptedDetail: Readonly<
      Record<'update' | 'cameras' | 'reconfirm' | 'withdraw', string>
    >;
    readonly wrongCode: string;
    /** `wait`: how long the service asked for, in seconds, and the clock time it ends. */
    readonly rateLimited: (wait: { seconds: number; until: string } | undefined) => string;
    readonly invalid: string;
    readonly another: string;
    readonly noChange: string;
    /** Shown at the start: what happens to a request once sent. */
    readonly whatHappens: string;
    /** Added after a refusal when the resident had typed changes. */
    readonly keptTyped: string;
    /** Changing one camera, named by its label; only the fields filled in change. */
    readonly oneCamera: {
      readonly action: string;
      readonly intro: string;
      readonly which: string;
      readonly whichHint: string;
      readonly newLabel: string;
      readonly remove: string;
      readonly submit: string;
      readonly acceptedDetail: string;
      readonly noSuchCamera: string;
      readonly sameName: string;
    };
  };
  /** Staff mode: program staff enter a resident's paper form (or register with them). */
  readonly staff: {
    readonly widgetLabel: string;
    readonly signInRequired: string;
    readonly steps: {
      readonly entry: string;
      readonly site: string;
      readonly cameras: string;
      readonly review: string;
      readonly done: string;
    };
    readonly entryIntro: string;
    readonly formNumberHint: string;
    readonly channels: Readonly<Record<'paper' | 'officer_assisted', string>>;
    readonly camerasIntro: string;
    readonly reviewIntro: string;
    readonly entry: string;
    readonly consentSigned: string;
    readonly consentHint: string;
    readonly consentRequired: string;
    readonly submit: string;
    readonly sending: string;
    readonly failed: string;
    readonly forbidden: string;
    readonly doneIntro: string;
    readonly warning: string;
    readonly printLetter: string;
    readonly letterBlocked: string;
    readonly letterOpened: string;
    readonly letterTitle: (reference: string) => string;
    readonly another: string;
  };
  readonly issues: Readonly<Record<FormIssueCode, IssueMessage>>;
  readonly summary: (count: number) => string;
  readonly errors: ErrorMessages;
}

/** Overrides a host supplies: any string, per language; nested groups merge key by key. */
export type MessageOverrides = Partial<
  Record<Locale, { readonly [K in keyof RegistrationMessages]?: Partial<RegistrationMessages[K]> }>
>;

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

export const en: RegistrationMessages = {
  widgetLabel: 'Register your security cameras',
  manageLabel: 'Manage your camera registration',
  stepOf: (step, total) => `Step ${step} of ${total}`,
  steps: {
    about: 'About the program',
    site: 'Your address and contact',
    cameras: 'Your cameras',
    review: 'Check and agree',
    done: 'Registered',
    codes: 'Your reference and code',
    changes: 'Your changes',
    finished: 'Request sent',
  },
  back: 'Back',
  startOver: 'Start over',
  cleared: 'The form is empty again. Nothing was sent.',
  next: 'Next',
  loading: 'Loading…',
  configFailed:
    'The registration form could not load its settings. Please try again later or contact the police department.',
  required: 'required',
  optional: 'optional',
  program: {
    title: 'Community Camera Program',
    intro:
      'Tell the police department that you have security cameras at your home or business. If a crime happens nearby, an officer may ask whether your cameras recorded anything.',
    voluntary:
      'Taking part is voluntary. You decide each time whether to share any video, and you can leave at any time.',
    noRemoteAccess:
      'The police never get access to your cameras, live or recorded. The program stores no video.',
    contactAfterIncident:
      'You are contacted only when an incident happens near you, by the way you prefer.',
    whoSees:
      'Your details are seen only by police staff who work on investigations and by the staff who run the program.',
    publicRecords:
      'Your registration is kept as a police record and is not published. Some information could be released if the law requires it.',
    leaving:
      'After you register you get a private manage code. With it you can update your details, re-confirm, or withdraw.',
  },
  consent: {
    heading: 'Your agreement',
    text: 'I agree that the police department may keep the details I give here and contact me about my cameras after an incident nearby. I understand that sharing video is always my choice and that I can withdraw at any time.',
    version: (version) => `Agreement version ${version}`,
    accept: 'I have read and agree to the terms above',
  },
  fields: {
    site_type: 'Type of site',
    business_name: 'Business or organization name',
    contact_name: 'Contact name',
    contact_role: 'Your role',
    phone: 'Phone',
    email: 'Email',
    preferred_contact: 'How should we contact you?',
    preferred_language: 'Preferred language',
    best_hours: 'Best time to reach you',
    share_willingness: 'When police ask for video',
    address: 'Street address',
    unit: 'Apartment, unit or suite',
    label: 'Name for this camera',
    mount: 'Where it is mounted',
    form: 'Kind of camera',
    view_bearing: 'Which way it faces',
    fov_deg: 'Field of view (degrees)',
    coverage: 'What it can see',
    recording_mode: 'How it records',
    retention_days: 'Days video is kept',
    can_export: 'Can you save a clip?',
    cameras: 'Cameras',
    consent: 'Agreement',
    registration_ref: 'Reference',
    manage_code: 'Manage code',
    manage_code_hash: 'Manage code',
    consent_version: 'Agreement version',
    location: 'Location',
    location_method: 'Location',
    geocode_score: 'Location',
    request_type: 'What you want to do',
    withdraw_confirm: 'Confirm withdrawal',
    source_channel: 'How the registration came in',
    form_number: 'Paper form number',
  },
  domainLabels: {},
  hints: {
    business_name: 'Needed for anything other than a home.',
    phone: 'For example (816) 555-0134.',
    email: 'For example name@example.com.',
    contactEither: 'Give a phone number, an email, or both.',
    unit: 'Leave blank if none.',
    fov_deg: 'How wide it sees, from 10 to 360.',
    retention_days: 'How many days before old video is overwritten, from 0 to 365.',
    label: 'For example "Front door" or "Driveway".',
  },
  sections: {
    site: 'The site',
    contact: 'Who to contact',
    location: 'Where it is',
  },
  choose: 'Choose…',
  address: {
    hint: 'Start typing, then pick your address from the list, or press Find.',
    find: 'Find address',
    searching: 'Searching…',
    suggestions: 'Address suggestions',
    suggestionCount: (n) =>
      n === 0
        ? 'No suggestions.'
        : `${n} ${plural(n, 'suggestion', 'suggestions')}. Use the up and down arrows to choose.`,
    noMatch: 'We could not find that address. Check it and try again.',
    lookupFailed: 'The address search is not working right now. Please try again.',
    found: (address) => `Found: ${address}`,
    coordinates: (lat, lon) => `Latitude ${lat}, longitude ${lon}`,
    outsideCity: 'This address looks outside the city. You can still continue if it is right.',
    lowScore: 'This is only an approximate match. Check the pin on the map.',
  },
  map: {
    label: 'Map of your site',
    loading: 'Loading the map…',
    unavailable:
      'The map cannot be shown on this device. Your address above sets the location, so you can continue.',
    pinHint: 'If the pin is not on your building, drag it or use the arrow buttons.',
    aimHint: 'You can also drag on the map to point the selected camera.',
    aimCamera: 'Camera to point on the map',
    nudgeGroup: 'Move the pin',
    nudge: {
      north: 'Move pin north',
      south: 'Move pin south',
      east: 'Move pin east',
      west: 'Move pin west',
    },
    nudgeKeys: 'Each press moves it about 5 meters. Arrow keys also work here.',
    moved: (m) => `Pin moved ${m} m from the address point.`,
    atGeocoded: 'Pin is at the address point.',
    reset: 'Put the pin back on the address',
  },
  cameras: {
    intro: 'Add each camera that can see outside. Only the first one is needed to continue.',
    heading: (n) => `Camera ${n}`,
    defaultLabel: (n) => `Camera ${n}`,
    add: 'Add another camera',
    remove: (label) => `Remove ${label}`,
    removed: (label) => `${label} removed.`,
    added: (label) => `${label} added.`,
    direction: 'Which way it faces',
    directionHint: 'Pick the direction the camera points.',
    notSure: 'Not sure',
    compass: {
      N: 'North',
      NE: 'Northeast',
      E: 'East',
      SE: 'Southeast',
      S: 'South',
      SW: 'Southwest',
      W: 'West',
      NW: 'Northwest',
    },
    bearing: (degrees) => `Facing ${degrees}°`,
    directionNone: 'Direction not given',
    position: 'Camera position',
    positionAtSite: 'At your address pin.',
    positionMoved: (m) => `${m} m from your address pin.`,
    moveCamera: 'Camera is not at the pin? Move it',
    fovDefault: (d) => `Usual for this kind: ${d}.`,
    days: (n) => `${n} ${plural(n, 'day', 'days')}`,
    degrees: (n) => `${n}°`,
  },
  review: {
    intro: 'Check your answers. Use Edit to change anything.',
    edit: 'Edit',
    editSection: (section) => `Edit ${section}`,
    notGiven: 'Not given',
    location: (method, score) => `${method}${score ? ` (match ${score})` : ''}`,
    submit: 'Register my cameras',
    sending: 'Sending your registration…',
    retry: 'Try again',
    failed: 'Your registration was not sent.',
    kept: 'Everything you typed is still here.',
  },
  done: {
    heading: 'Thank you, you are registered',
    intro:
      'Your registration will be reviewed by the program staff. Keep the two codes below: you need both to update, re-confirm or withdraw.',
    reference: 'Registration reference',
    code: 'Private manage code',
    warning:
      'Save your manage code now. It is shown only once and cannot be recovered: we keep only a scrambled form of it.',
    copy: (what) => `Copy ${what.toLowerCase()}`,
    copied: (what) => `${what} copied.`,
    copyFailed: 'Copying did not work. Select the code and copy it yourself.',
    print: 'Print',
    save: 'Save as a file',
    fileName: (reference) => `camera-registration-${reference}.txt`,
    fileText: (reference, code, date) =>
      `Community Camera Program\nRegistered: ${date}\n\nRegistration reference: ${reference}\nPrivate manage code: ${code}\n\nKeep this file private. You need both codes to update, re-confirm or withdraw your registration. The manage code cannot be recovered.\n`,
    next: 'What happens next: staff may call or email to confirm your details. You will be asked to re-confirm once a year.',
    startOver: 'Register another site',
  },
  staff: {
    widgetLabel: 'Enter a registration for a resident',
    signInRequired:
      'An analyst must sign in before a paper form can be entered. Nothing is stored until then.',
    steps: {
      entry: 'The paper form',
      site: 'Address and contact',
      cameras: 'Cameras',
      review: 'Check and store',
      done: 'Registration stored',
    },
    entryIntro:
      'Enter the form as the resident filled it in. The reference and manage code are made when you store it, and shown once for the resident’s letter.',
    formNumberHint: 'As printed on the paper form, if it has one.',
    channels: {
      paper: 'Paper form',
      officer_assisted: 'Registered with an officer or staff member',
    },
    camerasIntro: 'Enter each camera on the form.',
    reviewIntro: 'Check everything against the form before storing it.',
    entry: 'The form',
    consentSigned: 'The resident signed the consent on the paper form',
    consentHint: 'Store a registration only when the resident has signed this agreement.',
    consentRequired: 'Tick the box to record that the resident signed the consent.',
    submit: 'Store the registration',
    sending: 'Storing the registration…',
    failed: 'The registration was not stored.',
    forbidden: 'This account may not enter registrations. Sign in with an analyst account.',
    doneIntro:
      'The registration is stored and waits for review. Print the confirmation letter for the resident now: the manage code is shown only this once.',
    warning:
      'The manage code cannot be shown again: the registry keeps only a scrambled form of it.',
    printLetter: 'Print confirmation letter',
    letterBlocked:
      'The letter could not open. Allow pop-up windows for this page, then press the button again.',
    letterOpened: 'The letter opened in a new window.',
    letterTitle: (reference) => `Confirmation letter ${reference}`,
    another: 'Enter another form',
  },
  manage: {
    intro:
      'Enter the registration reference and the private manage code you got when you registered.',
    reference: 'Registration reference',
    referenceHint: 'Twelve letters and numbers, for example 7K3M-9QXP-3HTD.',
    code: 'Private manage code',
    codeHint: 'Sixteen letters and numbers. Dashes and spaces do not matter.',
    action: 'What do you want to do?',
    actions: {
      update: 'Update my contact details',
      cameras: 'Replace my list of cameras',
      reconfirm: 'Confirm my details are still right',
      withdraw: 'Withdraw from the program',
    },
    actionHints: {
      update: 'Fill in only what changed.',
      cameras: 'List all the cameras you have now.',
      reconfirm: 'Nothing changes except the date you confirmed.',
      withdraw: 'Your registration and cameras are deleted.',
    },
    updateIntro: 'Fill in only what has changed. Fields left blank stay as they are.',
    camerasIntro:
      'List every camera you have now: this list replaces the one we have. Enter your address so the cameras are placed at your site.',
    reconfirmIntro:
      'Confirm that your contact details and cameras are still correct. We will not ask again for a year.',
    withdrawIntro:
      'Withdrawing deletes your registration and all your cameras from the program. This cannot be undone, but you can register again at any time.',
    withdrawConfirm: 'Yes, withdraw and delete my registration',
    submit: {
      update: 'Send my changes',
      cameras: 'Replace my cameras',
      reconfirm: 'Confirm my details',
      withdraw: 'Withdraw',
    },
    accepted: 'Your request was accepted.',
    acceptedDetail: {
      update: 'Your details will be updated.',
      cameras: 'Your camera list will be replaced.',
      reconfirm: 'Thank you for confirming.',
      withdraw: 'Your registration will be deleted.',
    },
    wrongCode:
      'The reference or manage code is not right, or the registration has already been withdrawn. Nothing was changed.',
    rateLimited: (wait) =>
      !wait
        ? 'There have been too many attempts. Nothing was changed. Please try again later.'
        : wait.seconds < 120
          ? `There have been too many attempts. Nothing was changed. Please wait ${wait.seconds} ${wait.seconds === 1 ? 'second' : 'seconds'}, then try again.`
          : `There have been too many attempts. Nothing was changed. Please try again after ${wait.until}.`,
    invalid: 'Some of your changes could not be accepted. Nothing was changed.',
    another: 'Make another change',
    noChange: 'No change',
    whatHappens:
      'We check your code and your changes after you send them, then apply them; an update to a verified registration waits for a review first. If we have your e-mail address, we e-mail you the outcome. If something is not right, everything you typed stays here so you can fix it.',
    keptTyped: 'Everything you typed is kept: correct what is wrong and send again.',
    oneCamera: {
      action: 'Change one camera',
      intro:
        'Name the camera, then fill in only what changed about it. Your other cameras, and anything you leave blank, stay as they are.',
      which: 'Which camera?',
      whichHint: 'Its name as you gave it when you registered, for example Porch.',
      newLabel: 'New name',
      remove: 'Remove this camera from my registration',
      submit: 'Send my camera change',
      acceptedDetail: 'Your camera will be changed.',
      noSuchCamera:
        'No camera on this registration has that name. Enter it as you gave it when you registered.',
      sameName: 'Two of your cameras have this name. Replace your list of cameras instead.',
    },
  },
  issues: {
    REQUIRED: (label) => `Enter ${label.toLowerCase()}.`,
    UNKNOWN_FIELD: (label) => `${label} is not part of this form.`,
    NOT_EDITABLE: (label) => `${label} cannot be changed here.`,
    WRONG_TYPE: (label) => `${label} must be a number.`,
    TOO_LONG: (label, limit) => `${label} must be ${limit?.[0] ?? ''} characters or fewer.`,
    NOT_IN_DOMAIN: (label) => `Choose one of the options for ${label.toLowerCase()}.`,
    OUT_OF_RANGE: (label, limit) =>
      `${label} must be from ${limit?.[0] ?? ''} to ${limit?.[1] ?? ''}.`,
    INVALID_EMAIL: () => 'Enter an email address like name@example.com.',
    INVALID_PHONE: () => 'Enter a phone number with area code, like (816) 555-0134.',
    INVALID_FORMAT: (label) => `${label} is not in the right format.`,
    CONTACT_REQUIRED: () => 'Give a phone number or an email address so we can reach you.',
    BUSINESS_NAME_REQUIRED: () => 'Enter the name of the business or organization.',
    PREFERRED_CONTACT_MISSING: () =>
      'You chose a way to contact you that you have not filled in. Add it or choose another.',
    LOCATION_REQUIRED: () => 'Pick your address from the suggestions, or press Find address.',
    CONSENT_REQUIRED: () => 'Tick the box to agree before you register.',
    CODE_REQUIRED: (label) => `Enter your ${label.toLowerCase()}.`,
    CHOICE_REQUIRED: (label) => `Choose an answer for “${label}”.`,
    NOTHING_TO_CHANGE: () => 'Fill in at least one detail to change.',
  },
  summary: (n) => `There ${n === 1 ? 'is 1 problem' : `are ${n} problems`} to fix:`,
  errors: ERROR_MESSAGES.en,
};

export const es: RegistrationMessages = {
  widgetLabel: 'Registre sus cámaras de seguridad',
  manageLabel: 'Administre el registro de sus cámaras',
  stepOf: (step, total) => `Paso ${step} de ${total}`,
  steps: {
    about: 'Sobre el programa',
    site: 'Su dirección y contacto',
    cameras: 'Sus cámaras',
    review: 'Revisar y aceptar',
    done: 'Registro completo',
    codes: 'Su referencia y código',
    changes: 'Sus cambios',
    finished: 'Solicitud enviada',
  },
  back: 'Atrás',
  startOver: 'Empezar de nuevo',
  cleared: 'El formulario está vacío otra vez. No se envió nada.',
  next: 'Siguiente',
  loading: 'Cargando…',
  configFailed:
    'El formulario de registro no pudo cargar su configuración. Inténtelo más tarde o comuníquese con el departamento de policía.',
  required: 'obligatorio',
  optional: 'opcional',
  program: {
    title: 'Programa Comunitario de Cámaras',
    intro:
      'Informe al departamento de policía que tiene cámaras de seguridad en su casa o negocio. Si ocurre un delito cerca, un agente podría preguntarle si sus cámaras grabaron algo.',
    voluntary:
      'Participar es voluntario. Usted decide cada vez si comparte algún video y puede salir en cualquier momento.',
    noRemoteAccess:
      'La policía nunca tiene acceso a sus cámaras, ni en vivo ni a lo grabado. El programa no guarda videos.',
    contactAfterIncident:
      'Solo lo contactaremos cuando ocurra un incidente cerca de usted, por el medio que prefiera.',
    whoSees:
      'Sus datos solo los ven el personal policial que trabaja en investigaciones y el personal que administra el programa.',
    publicRecords:
      'Su registro se guarda como un registro policial y no se publica. Parte de la información podría divulgarse si la ley lo exige.',
    leaving:
      'Al registrarse recibe un código privado de administración. Con él puede actualizar sus datos, reconfirmarlos o retirarse.',
  },
  consent: {
    heading: 'Su consentimiento',
    text: 'Acepto que el departamento de policía guarde los datos que doy aquí y me contacte sobre mis cámaras después de un incidente cercano. Entiendo que compartir video es siempre mi decisión y que puedo retirarme en cualquier momento.',
    version: (version) => `Versión del acuerdo ${version}`,
    accept: 'He leído y acepto los términos anteriores',
  },
  fields: {
    site_type: 'Tipo de lugar',
    business_name: 'Nombre del negocio u organización',
    contact_name: 'Nombre de contacto',
    contact_role: 'Su función',
    phone: 'Teléfono',
    email: 'Correo electrónico',
    preferred_contact: '¿Cómo prefiere que lo contactemos?',
    preferred_language: 'Idioma preferido',
    best_hours: 'Mejor momento para contactarlo',
    share_willingness: 'Cuando la policía pida video',
    address: 'Dirección',
    unit: 'Apartamento, unidad o local',
    label: 'Nombre de esta cámara',
    mount: 'Dónde está instalada',
    form: 'Tipo de cámara',
    view_bearing: 'Hacia dónde apunta',
    fov_deg: 'Campo de visión (grados)',
    coverage: 'Qué puede ver',
    recording_mode: 'Cómo graba',
    retention_days: 'Días que se guarda el video',
    can_export: '¿Puede guardar un clip?',
    cameras: 'Cámaras',
    consent: 'Consentimiento',
    registration_ref: 'Referencia',
    manage_code: 'Código de administración',
    manage_code_hash: 'Código de administración',
    consent_version: 'Versión del acuerdo',
    location: 'Ubicación',
    location_method: 'Ubicación',
    geocode_score: 'Ubicación',
    request_type: 'Qué desea hacer',
    withdraw_confirm: 'Confirmar el retiro',
    source_channel: 'Cómo llegó el registro',
    form_number: 'Número del formulario en papel',
  },
  domainLabels: {},
  hints: {
    business_name: 'Necesario para cualquier lugar que no sea una vivienda.',
    phone: 'Por ejemplo (816) 555-0134.',
    email: 'Por ejemplo nombre@ejemplo.com.',
    contactEither: 'Indique un teléfono, un correo electrónico o ambos.',
    unit: 'Déjelo en blanco si no tiene.',
    fov_deg: 'Qué tan amplio ve, de 10 a 360.',
    retention_days: 'Cuántos días pasan antes de que se borre el video, de 0 a 365.',
    label: 'Por ejemplo «Puerta principal» o «Entrada de autos».',
  },
  sections: {
    site: 'El lugar',
    contact: 'A quién contactar',
    location: 'Dónde está',
  },
  choose: 'Elija…',
  address: {
    hint: 'Empiece a escribir y elija su dirección de la lista, o pulse Buscar.',
    find: 'Buscar dirección',
    searching: 'Buscando…',
    suggestions: 'Direcciones sugeridas',
    suggestionCount: (n) =>
      n === 0
        ? 'No hay sugerencias.'
        : `${n} ${plural(n, 'sugerencia', 'sugerencias')}. Use las flechas arriba y abajo para elegir.`,
    noMatch: 'No encontramos esa dirección. Revísela e inténtelo de nuevo.',
    lookupFailed: 'La búsqueda de direcciones no funciona en este momento. Inténtelo de nuevo.',
    found: (address) => `Encontrada: ${address}`,
    coordinates: (lat, lon) => `Latitud ${lat}, longitud ${lon}`,
    outsideCity: 'Esta dirección parece estar fuera de la ciudad. Puede continuar si es correcta.',
    lowScore: 'La coincidencia es solo aproximada. Revise el marcador en el mapa.',
  },
  map: {
    label: 'Mapa de su lugar',
    loading: 'Cargando el mapa…',
    unavailable:
      'El mapa no se puede mostrar en este dispositivo. Su dirección fija la ubicación, así que puede continuar.',
    pinHint: 'Si el marcador no está sobre su edificio, arrástrelo o use los botones de flecha.',
    aimHint: 'También puede arrastrar en el mapa para orientar la cámara elegida.',
    aimCamera: 'Cámara que se orienta en el mapa',
    nudgeGroup: 'Mover el marcador',
    nudge: {
      north: 'Mover el marcador al norte',
      south: 'Mover el marcador al sur',
      east: 'Mover el marcador al este',
      west: 'Mover el marcador al oeste',
    },
    nudgeKeys:
      'Cada pulsación lo mueve unos 5 metros. Aquí también funcionan las flechas del teclado.',
    moved: (m) => `Marcador movido ${m} m desde el punto de la dirección.`,
    atGeocoded: 'El marcador está en el punto de la dirección.',
    reset: 'Volver a poner el marcador en la dirección',
  },
  cameras: {
    intro: 'Agregue cada cámara que vea hacia afuera. Solo la primera es necesaria para continuar.',
    heading: (n) => `Cámara ${n}`,
    defaultLabel: (n) => `Cámara ${n}`,
    add: 'Agregar otra cámara',
    remove: (label) => `Quitar ${label}`,
    removed: (label) => `${label} quitada.`,
    added: (label) => `${label} agregada.`,
    direction: 'Hacia dónde apunta',
    directionHint: 'Elija la dirección a la que apunta la cámara.',
    notSure: 'No sé',
    compass: {
      N: 'Norte',
      NE: 'Noreste',
      E: 'Este',
      SE: 'Sureste',
      S: 'Sur',
      SW: 'Suroeste',
      W: 'Oeste',
      NW: 'Noroeste',
    },
    bearing: (degrees) => `Apunta a ${degrees}°`,
    directionNone: 'Dirección no indicada',
    position: 'Posición de la cámara',
    positionAtSite: 'En el marcador de su dirección.',
    positionMoved: (m) => `A ${m} m del marcador de su dirección.`,
    moveCamera: '¿La cámara no está en el marcador? Muévala',
    fovDefault: (d) => `Lo habitual para este tipo: ${d}.`,
    days: (n) => `${n} ${plural(n, 'día', 'días')}`,
    degrees: (n) => `${n}°`,
  },
  review: {
    intro: 'Revise sus respuestas. Use Editar para cambiar algo.',
    edit: 'Editar',
    editSection: (section) => `Editar ${section.toLowerCase()}`,
    notGiven: 'No indicado',
    location: (method, score) => `${method}${score ? ` (coincidencia ${score})` : ''}`,
    submit: 'Registrar mis cámaras',
    sending: 'Enviando su registro…',
    retry: 'Intentar de nuevo',
    failed: 'Su registro no se envió.',
    kept: 'Todo lo que escribió sigue aquí.',
  },
  done: {
    heading: 'Gracias, ya está registrado',
    intro:
      'El personal del programa revisará su registro. Guarde los dos códigos de abajo: necesita ambos para actualizar, reconfirmar o retirarse.',
    reference: 'Referencia del registro',
    code: 'Código privado de administración',
    warning:
      'Guarde ahora su código de administración. Se muestra una sola vez y no se puede recuperar: solo guardamos una forma cifrada de él.',
    copy: (what) => `Copiar ${what.toLowerCase()}`,
    copied: (what) => `${what} copiado.`,
    copyFailed: 'No se pudo copiar. Seleccione el código y cópielo usted.',
    print: 'Imprimir',
    save: 'Guardar como archivo',
    fileName: (reference) => `registro-camaras-${reference}.txt`,
    fileText: (reference, code, date) =>
      `Programa Comunitario de Cámaras\nRegistrado: ${date}\n\nReferencia del registro: ${reference}\nCódigo privado de administración: ${code}\n\nGuarde este archivo en privado. Necesita ambos códigos para actualizar, reconfirmar o retirar su registro. El código de administración no se puede recuperar.\n`,
    next: 'Qué sigue: el personal podría llamarlo o escribirle para confirmar sus datos. Se le pedirá reconfirmar una vez al año.',
    startOver: 'Registrar otro lugar',
  },
  staff: {
    widgetLabel: 'Ingresar un registro para un residente',
    signInRequired:
      'Un analista debe iniciar sesión antes de ingresar un formulario en papel. No se guarda nada hasta entonces.',
    steps: {
      entry: 'El formulario en papel',
      site: 'Dirección y contacto',
      cameras: 'Cámaras',
      review: 'Revisar y guardar',
      done: 'Registro guardado',
    },
    entryIntro:
      'Ingrese el formulario tal como lo llenó el residente. La referencia y el código de administración se crean al guardarlo y se muestran una sola vez para la carta del residente.',
    formNumberHint: 'Tal como aparece impreso en el formulario, si lo tiene.',
    channels: {
      paper: 'Formulario en papel',
      officer_assisted: 'Registrado con un agente o miembro del personal',
    },
    camerasIntro: 'Ingrese cada cámara del formulario.',
    reviewIntro: 'Compare todo con el formulario antes de guardarlo.',
    entry: 'El formulario',
    consentSigned: 'El residente firmó el consentimiento en el formulario en papel',
    consentHint: 'Guarde un registro solo si el residente firmó este acuerdo.',
    consentRequired: 'Marque la casilla para dejar constancia de que el residente firmó.',
    submit: 'Guardar el registro',
    sending: 'Guardando el registro…',
    failed: 'El registro no se guardó.',
    forbidden: 'Esta cuenta no puede ingresar registros. Inicie sesión con una cuenta de analista.',
    doneIntro:
      'El registro está guardado y espera revisión. Imprima ahora la carta de confirmación para el residente: el código de administración se muestra solo esta vez.',
    warning:
      'El código de administración no se puede volver a mostrar: el registro guarda solo una forma cifrada de él.',
    printLetter: 'Imprimir carta de confirmación',
    letterBlocked:
      'La carta no se pudo abrir. Permita ventanas emergentes para esta página y vuelva a pulsar el botón.',
    letterOpened: 'La carta se abrió en una ventana nueva.',
    letterTitle: (reference) => `Carta de confirmación ${reference}`,
    another: 'Ingresar otro formulario',
  },
  manage: {
    intro:
      'Escriba la referencia del registro y el código privado de administración que recibió al registrarse.',
    reference: 'Referencia del registro',
    referenceHint: 'Doce letras y números, por ejemplo 7K3M-9QXP-3HTD.',
    code: 'Código privado de administración',
    codeHint: 'Dieciséis letras y números. Los guiones y espacios no importan.',
    action: '¿Qué desea hacer?',
    actions: {
      update: 'Actualizar mis datos de contacto',
      cameras: 'Reemplazar mi lista de cámaras',
      reconfirm: 'Confirmar que mis datos siguen correctos',
      withdraw: 'Retirarme del programa',
    },
    actionHints: {
      update: 'Complete solo lo que cambió.',
      cameras: 'Indique todas las cámaras que tiene ahora.',
      reconfirm: 'Solo cambia la fecha de su confirmación.',
      withdraw: 'Se borran su registro y sus cámaras.',
    },
    updateIntro: 'Complete solo lo que cambió. Los campos en blanco quedan como están.',
    camerasIntro:
      'Indique todas las cámaras que tiene ahora: esta lista reemplaza la que tenemos. Escriba su dirección para ubicar las cámaras en su lugar.',
    reconfirmIntro:
      'Confirme que sus datos de contacto y sus cámaras siguen correctos. No volveremos a preguntarle en un año.',
    withdrawIntro:
      'Retirarse borra su registro y todas sus cámaras del programa. No se puede deshacer, pero puede volver a registrarse cuando quiera.',
    withdrawConfirm: 'Sí, retirarme y borrar mi registro',
    submit: {
      update: 'Enviar mis cambios',
      cameras: 'Reemplazar mis cámaras',
      reconfirm: 'Confirmar mis datos',
      withdraw: 'Retirarme',
    },
    accepted: 'Su solicitud fue aceptada.',
    acceptedDetail: {
      update: 'Sus datos se actualizarán.',
      cameras: 'Su lista de cámaras se reemplazará.',
      reconfirm: 'Gracias por confirmar.',
      withdraw: 'Su registro se borrará.',
    },
    wrongCode:
      'La referencia o el código de administración no son correctos, o el registro ya se retiró. No se cambió nada.',
    rateLimited: (wait) =>
      !wait
        ? 'Ha habido demasiados intentos. No se cambió nada. Inténtelo de nuevo más tarde.'
        : wait.seconds < 120
          ? `Ha habido demasiados intentos. No se cambió nada. Espere ${wait.seconds} ${wait.seconds === 1 ? 'segundo' : 'segundos'} y vuelva a intentarlo.`
          : `Ha habido demasiados intentos. No se cambió nada. Inténtelo de nuevo después de las ${wait.until}.`,
    invalid: 'Algunos de sus cambios no se pudieron aceptar. No se cambió nada.',
    another: 'Hacer otro cambio',
    noChange: 'Sin cambios',
    whatHappens:
      'Revisamos su código y sus cambios después de que los envíe, y luego los aplicamos; un cambio a una inscripción verificada espera antes una revisión. Si tenemos su correo electrónico, le enviamos el resultado por correo. Si algo no está bien, todo lo que escribió se queda aquí para que pueda corregirlo.',
    keptTyped: 'Todo lo que escribió se conserva: corrija lo que está mal y envíe de nuevo.',
    oneCamera: {
      action: 'Cambiar una cámara',
      intro:
        'Indique la cámara y complete solo lo que cambió. Sus otras cámaras, y lo que deje en blanco, quedan como están.',
      which: '¿Qué cámara?',
      whichHint: 'Su nombre tal como lo dio al inscribirse, por ejemplo Porche.',
      newLabel: 'Nombre nuevo',
      remove: 'Quitar esta cámara de mi inscripción',
      submit: 'Enviar el cambio de cámara',
      acceptedDetail: 'Su cámara será cambiada.',
      noSuchCamera:
        'Ninguna cámara de esta inscripción tiene ese nombre. Escríbalo como lo dio al inscribirse.',
      sameName: 'Dos de sus cámaras tienen este nombre. Mejor reemplace su lista de cámaras.',
    },
  },
  issues: {
    REQUIRED: (label) => `Complete «${label}».`,
    UNKNOWN_FIELD: (label) => `«${label}» no forma parte de este formulario.`,
    NOT_EDITABLE: (label) => `«${label}» no se puede cambiar aquí.`,
    WRONG_TYPE: (label) => `«${label}» debe ser un número.`,
    TOO_LONG: (label, limit) => `«${label}» debe tener ${limit?.[0] ?? ''} caracteres o menos.`,
    NOT_IN_DOMAIN: (label) => `Elija una de las opciones de «${label}».`,
    OUT_OF_RANGE: (label, limit) =>
      `«${label}» debe estar entre ${limit?.[0] ?? ''} y ${limit?.[1] ?? ''}.`,
    INVALID_EMAIL: () => 'Escriba un correo electrónico como nombre@ejemplo.com.',
    INVALID_PHONE: () => 'Escriba un teléfono con código de área, como (816) 555-0134.',
    INVALID_FORMAT: (label) => `«${label}» no tiene el formato correcto.`,
    CONTACT_REQUIRED: () =>
      'Indique un teléfono o un correo electrónico para que podamos contactarlo.',
    BUSINESS_NAME_REQUIRED: () => 'Escriba el nombre del negocio u organización.',
    PREFERRED_CONTACT_MISSING: () =>
      'Eligió una forma de contacto que no completó. Agréguela o elija otra.',
    LOCATION_REQUIRED: () => 'Elija su dirección de las sugerencias o pulse Buscar dirección.',
    CONSENT_REQUIRED: () => 'Marque la casilla para aceptar antes de registrarse.',
    CODE_REQUIRED: (label) => `Escriba su ${label.toLowerCase()}.`,
    CHOICE_REQUIRED: (label) => `Elija una respuesta para «${label}».`,
    NOTHING_TO_CHANGE: () => 'Complete al menos un dato para cambiar.',
  },
  summary: (n) => `Hay ${n === 1 ? '1 problema' : `${n} problemas`} que corregir:`,
  errors: ERROR_MESSAGES.es,
};

export const MESSAGES: Readonly<Record<Locale, RegistrationMessages>> = { en, es };

/** The messages for a language with a host's overrides merged in (one level deep). */
export function messagesFor(locale: Locale, overrides?: MessageOverrides): RegistrationMessages {
  const base = MESSAGES[locale];
  const patch = overrides?.[locale];
  if (!patch) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    merged[key] =
      value && typeof value === 'object' && current && typeof current === 'object'
        ? { ...current, ...value }
        : value;
  }
  return merged as unknown as RegistrationMessages;
}

/**
 * The words staff mode shows: the same steps and checks, worded for staff entering a
 * resident's form (host overrides of `staff` apply, since they are merged first).
 */
export function staffMessages(m: RegistrationMessages): RegistrationMessages {
  const s = m.staff;
  return {
    ...m,
    widgetLabel: s.widgetLabel,
    steps: {
      ...m.steps,
      about: s.steps.entry,
      site: s.steps.site,
      cameras: s.steps.cameras,
      review: s.steps.review,
      done: s.steps.done,
    },
    consent: { ...m.consent, accept: s.consentSigned },
    cameras: { ...m.cameras, intro: s.camerasIntro },
    review: {
      ...m.review,
      intro: s.reviewIntro,
      submit: s.submit,
      sending: s.sending,
      failed: s.failed,
    },
    done: { ...m.done, heading: s.steps.done, intro: s.doneIntro, warning: s.warning },
    issues: { ...m.issues, CONSENT_REQUIRED: () => s.consentRequired },
  };
}
