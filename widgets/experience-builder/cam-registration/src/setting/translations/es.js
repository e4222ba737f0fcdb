/* global System */
System.register([], function (_export) {
  return {
    execute: function () {
      _export({
        map: 'Mapa',
        mapHint: 'Opcional: el mapa del registro usa el mapa base de este mapa.',
        services: 'Servicios',
        configUrl: 'URL del archivo de configuración',
        serviceUrl: 'URL de la vista pública (…/CommunityCameras_public/FeatureServer)',
        geocoderUrl: 'URL del servicio de geocodificación (…/GeocodeServer)',
        mode: 'Modo',
        register: 'Registrar cámaras',
        manage: 'Administrar un registro',
      });
    },
  };
});
