export default {
  _widgetLabel: 'Camera incident search',
  notConfigured: 'Set the officer view in this widget’s settings.',
  chooseMap: 'Choose the map to search on in this widget’s settings.',
};
