export default {
  _widgetLabel: 'Camera registration',
  notConfigured: 'Set the registration service in this widget’s settings.',
};
