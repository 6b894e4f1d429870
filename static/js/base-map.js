/* The offline base map drawn when no tile server is configured: town labels scaled by
 * population, rivers and lakes, and (zoomed in) the Kreis boundaries, from the portal's own
 * static files (static/vendor/germany-basemap/, built by programs/gazetteer/basemap.py).
 *
 * Decorative: the list beside the map is the accessible equivalent, so the labels' pane is
 * aria-hidden, nothing here is interactive or focusable, and every style is a CSS class
 * (static/css/map.css) or an SVG attribute Leaflet sets: no inline style for the CSP. */

const L = window.L;
const KREISE_FROM_ZOOM = 8;
/** A colour token of static/css/portal.css (docs/design.md): Leaflet writes its colours into SVG
 * attributes, which cannot say var(--…), so the base map reads the tokens' values. */
export function token(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();
}
const waterStyle = () => ({ color: token("map-water-line"), weight: 1.2, opacity: 1, fillColor: token("map-water"), fillOpacity: 1 });
const kreiseStyle = () => ({ color: token("map-boundary"), weight: 0.8, opacity: 1, dashArray: "3 3", fill: false });

/** A pane of its own (its z-index comes from map.css's .leaflet-<name>-pane). */
function pane(map, name) {
  const element = map.getPane(name) || map.createPane(name);
  element.setAttribute("aria-hidden", "true");
  return name;
}

function getJSON(url) {
  if (!url || typeof window.fetch !== "function") { return Promise.resolve(null); }
  return fetch(url, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => (data && Array.isArray(data.features) ? data : null))
    .catch(() => null); // No base map: the outline and the markers still show.
}

function textLabel(name) {
  const span = document.createElement("span");
  span.textContent = name;
  return span;
}

/** Town labels: those whose zoom ("z") is reached and that lie in (or near) the view. */
function addTowns(map, data, paneName) {
  const towns = data.features
    .filter((f) => f.geometry && f.geometry.type === "Point" && f.properties && f.properties.name)
    .map((f) => ({
      latLng: L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]),
      z: Number(f.properties.z) || 0,
      cls: String(f.properties.class || "s").replace(/[^a-z]/g, ""),
      name: String(f.properties.name),
      marker: null
    }));
  const layer = L.layerGroup().addTo(map);
  const update = () => {
    const zoom = Math.floor(map.getZoom() + 0.01);
    const view = map.getBounds().pad(0.25);
    for (const town of towns) {
      const wanted = town.z <= zoom && view.contains(town.latLng);
      if (wanted && !town.marker) {
        town.marker = L.marker(town.latLng, {
          icon: L.divIcon({ className: `base-town base-town-${town.cls}`, html: textLabel(town.name), iconSize: null }),
          interactive: false,
          keyboard: false,
          pane: paneName
        });
        layer.addLayer(town.marker);
      } else if (!wanted && town.marker) {
        layer.removeLayer(town.marker);
        town.marker = null;
      }
    }
  };
  map.on("zoomend moveend", update);
  update();
}

/**
 * The Kreis boundaries, once the map is zoomed in far enough: the file of each Land whose
 * outline lies in the view (urls: Land code -> URL), fetched the first time it is needed.
 */
function addKreise(map, urls, outlineReady, paneName) {
  const layers = new Map(); // Land code -> L.GeoJSON, or null while it loads
  outlineReady.then((outline) => {
    if (!outline) { return; }
    const laender = outline.getLayers()
      .map((layer) => ({ code: layer.feature && layer.feature.properties && layer.feature.properties.code, bounds: layer.getBounds() }))
      .filter((land) => land.code && urls[land.code]);
    const update = () => {
      const zoomedIn = map.getZoom() >= KREISE_FROM_ZOOM;
      const view = map.getBounds();
      for (const land of laender) {
        const wanted = zoomedIn && view.intersects(land.bounds);
        const layer = layers.get(land.code);
        if (wanted && layer === undefined) {
          layers.set(land.code, null);
          getJSON(urls[land.code]).then((data) => {
            if (!data) { layers.delete(land.code); return; }
            layers.set(land.code, L.geoJSON(data, { interactive: false, style: kreiseStyle(), pane: paneName }));
            update();
          });
        } else if (layer && wanted !== map.hasLayer(layer)) {
          if (wanted) { layer.addTo(map); } else { map.removeLayer(layer); }
        }
      }
    };
    map.on("zoomend moveend", update);
    update();
  });
}

/**
 * Draws the base map from config.baseMap ({towns, water}: URLs; kreise: Land code -> URL) over
 * the Länder outline (a promise of its L.GeoJSON layer, or of null). The credits of all its
 * sources are config.baseMapAttribution, shown once (on the outline layer by map-common.js).
 */
export function addBaseMap(map, config, outlineReady) {
  const urls = config.baseMap || {};
  const kreisePane = pane(map, "basemap-kreise");
  const waterPane = pane(map, "basemap-water");
  const labelPane = pane(map, "basemap-labels");
  getJSON(urls.water).then((data) => {
    if (data) { L.geoJSON(data, { interactive: false, style: waterStyle(), pane: waterPane }).addTo(map); }
  });
  getJSON(urls.towns).then((data) => {
    if (data) { addTowns(map, data, labelPane); }
  });
  addKreise(map, urls.kreise || {}, outlineReady, kreisePane);
}
