/* global System */
System.register([], function (_export) {
  return {
    execute: function () {
      _export({
        map: 'Mapa',
        mapHint: 'El mapa en el que la búsqueda dibuja y del que toma el punto del incidente.',
        services: 'Servicios',
        configUrl: 'URL del archivo de configuración',
        serviceUrl: 'URL de la vista para agentes (…/CommunityCameras_officer/FeatureServer)',
        geocodeUrl: 'URL del servicio de geocodificación (…/GeocodeServer)',
        radiusUnit: 'Unidad del radio',
        feet: 'Pies',
        meters: 'Metros',
      });
    },
  };
});
