/* What the Mentoring Map (map.js) and the small maps (program-map.js) share: the page's map
 * configuration, the base layers, the program pin, coordinates and safe text. An ES module, no
 * build step; Leaflet itself is the vendored classic script loaded before it (window.L). */

import { addBaseMap, token } from "./base-map.js";

export const L = window.L;
export const GERMANY_CENTRE = [51.1634, 10.4477];
export const GERMANY_BOUNDS = [[47.27, 5.87], [55.06, 15.04]];
export const MAX_ZOOM = 18;
const outlineStyle = () => ({ color: token("map-outline"), weight: 1, opacity: 1, fillColor: token("map-land"), fillOpacity: 1 });

/** The settings the server put into <script id="map-config" type="application/json">. */
export function readConfig() {
  const element = document.getElementById("map-config");
  if (!element) { return {}; }
  try {
    return JSON.parse(element.textContent) || {};
  } catch (error) {
    return {};
  }
}

export function escapeHtml(text) {
  const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };
  return String(text).replace(/[&<>"']/g, (c) => entities[c]);
}

/** A new element with an optional class and text (always as textContent, never as HTML). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = text; }
  return node;
}

/** A number from a form field or data attribute ("52,52" too), or null outside ±limit. */
export function parseCoordinate(value, limit) {
  const number = parseFloat(String(value).replace(",", "."));
  return Number.isFinite(number) && Math.abs(number) <= limit ? number : null;
}

export function haversineKm(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

const pins = new Map();
/** The program pin (drawn by CSS); extra classes e.g. "program-marker-open" or "is-unset". */
export function pinIcon(extraClass = "") {
  if (!pins.has(extraClass)) {
    pins.set(extraClass, L.divIcon({
      className: `program-marker ${extraClass}`.trim(),
      html: "",
      iconSize: [28, 30],
      iconAnchor: [14, 29]
    }));
  }
  return pins.get(extraClass);
}

/** "Zoom in"/"Zoom out" buttons with the page's translated titles (data-label-zoom-in/-out). */
export function addZoomControl(map, element) {
  L.control.zoom({
    zoomInTitle: element.dataset.labelZoomIn || "Zoom in",
    zoomOutTitle: element.dataset.labelZoomOut || "Zoom out"
  }).addTo(map);
}

/**
 * The tiles of the operator's tile server when one is configured, else the bundled outline of
 * the Länder from the element's data-outline-url with the offline base map on it (towns,
 * rivers and lakes, Kreise when zoomed in: base-map.js). Resolves to the outline's bounds (or
 * null).
 */
export function addBaseLayers(map, element, config) {
  map.attributionControl.setPrefix(false); // Credits of the outline or the tiles only.
  if (config.tileUrl) {
    // The only outside request, and only when the operator configured a tile server.
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: MAX_ZOOM }).addTo(map);
    return Promise.resolve(null);
  }
  const url = element.dataset.outlineUrl;
  if (!url || typeof window.fetch !== "function") { return Promise.resolve(null); }
  let outlineLayer = null;
  const outlineLoaded = fetch(url, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((outline) => {
      if (!outline || !Array.isArray(outline.features)) { return null; }
      // The credits of the whole base map (outline, towns, water, Kreise) in the page's language.
      const credits = config.baseMapAttribution || outline.attribution;
      const layer = L.geoJSON(outline, {
        interactive: false,
        style: outlineStyle(),
        attribution: credits ? escapeHtml(credits) : ""
      }).addTo(map);
      layer.bringToBack();
      outlineLayer = layer;
      return layer.getBounds().isValid() ? layer.getBounds() : null;
    })
    .catch(() => null); // No outline: the markers still show the places on the plain background.
  // The Kreise are fetched per Land in view: the outline's Länder tell which are.
  addBaseMap(map, config, outlineLoaded.then(() => outlineLayer));
  return outlineLoaded;
}
