/* global System */
System.register([], function (_export) {
  return {
    execute: function () {
      _export({
        _widgetLabel: 'Búsqueda de cámaras por incidente',
        notConfigured: 'Indique la vista para agentes en la configuración de este widget.',
        chooseMap: 'Elija el mapa de la búsqueda en la configuración de este widget.',
      });
    },
  };
});
