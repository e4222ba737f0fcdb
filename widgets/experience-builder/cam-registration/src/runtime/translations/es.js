/* global System */
System.register([], function (_export) {
  return {
    execute: function () {
      _export({
        _widgetLabel: 'Registro de cámaras',
        notConfigured: 'Indique el servicio de registro en la configuración de este widget.',
      });
    },
  };
});
