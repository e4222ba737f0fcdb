export default {
  map: 'Map',
  mapHint: 'Optional: the registration map uses this map’s basemap.',
  services: 'Services',
  configUrl: 'Config file URL',
  serviceUrl: 'Public view URL (…/CommunityCameras_public/FeatureServer)',
  geocoderUrl: 'Geocoding service URL (…/GeocodeServer)',
  mode: 'Mode',
  register: 'Register cameras',
  manage: 'Manage a registration',
};
