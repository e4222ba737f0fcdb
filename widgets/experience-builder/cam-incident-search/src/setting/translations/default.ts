export default {
  map: 'Map',
  mapHint: 'The map the search draws on and takes the incident point from.',
  services: 'Services',
  configUrl: 'Config file URL',
  serviceUrl: 'Officer view URL (…/CommunityCameras_officer/FeatureServer)',
  geocodeUrl: 'Geocoding service URL (…/GeocodeServer)',
  radiusUnit: 'Radius unit',
  feet: 'Feet',
  meters: 'Meters',
};
