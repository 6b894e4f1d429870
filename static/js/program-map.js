/* Small maps: the location on a program or event page (#program-map, static, no tab stop) and the
 * location picker of the coordinators' listing form (#edit-map, a draggable marker bound to the
 * latitude and longitude inputs, which stay the keyboard way to set the location). */
import {
  GERMANY_CENTRE,
  L,
  MAX_ZOOM,
  addBaseLayers,
  addZoomControl,
  parseCoordinate,
  pinIcon,
  readConfig
} from "./map-common.js";

const config = readConfig();

/** Program page: one marker, nothing to focus (the element is role="img" with a label). */
function showLocation(element) {
  const lat = parseCoordinate(element.dataset.lat, 90);
  const lon = parseCoordinate(element.dataset.lon, 180);
  if (lat === null || lon === null) { return; }
  const map = L.map(element, {
    zoomControl: false,
    keyboard: false,
    dragging: false,
    touchZoom: false,
    scrollWheelZoom: false,
    doubleClickZoom: false,
    boxZoom: false,
    maxZoom: MAX_ZOOM
  }).setView([lat, lon], config.tileUrl ? 13 : 9);
  addBaseLayers(map, element, config);
  L.marker([lat, lon], {
    icon: pinIcon(),
    title: element.dataset.name || "",
    keyboard: false,
    interactive: false
  }).addTo(map);
}

/** Listing form: drag the marker, or type the coordinates. */
function pickLocation(element, latInput, lonInput) {
  function fromInputs() {
    const lat = parseCoordinate(latInput.value, 90);
    const lon = parseCoordinate(lonInput.value, 180);
    return lat !== null && lon !== null ? L.latLng(lat, lon) : null;
  }

  const start = fromInputs();
  const map = L.map(element, {
    zoomControl: false,
    keyboard: false, // The inputs are the keyboard way; the map adds no tab stop of its own.
    scrollWheelZoom: "center",
    maxZoom: MAX_ZOOM
  }).setView(start || GERMANY_CENTRE, start ? (config.tileUrl ? 14 : 10) : 5);
  addZoomControl(map, element);
  addBaseLayers(map, element, config);

  const marker = L.marker(start || GERMANY_CENTRE, {
    icon: pinIcon(start ? "" : "is-unset"),
    draggable: true,
    autoPan: true,
    keyboard: false
  }).addTo(map);

  function write() {
    const position = marker.getLatLng().wrap();
    latInput.value = position.lat.toFixed(4);
    lonInput.value = position.lng.toFixed(4);
  }
  marker.on("drag", write);
  marker.on("dragend", () => {
    write();
    marker.setIcon(pinIcon());
    // Other code (validation, "unsaved changes" hints) learns of the new values as if typed.
    latInput.dispatchEvent(new Event("change", { bubbles: true }));
    lonInput.dispatchEvent(new Event("change", { bubbles: true }));
  });

  function follow(event) {
    if (event && event.isTrusted === false) { return; } // Our own change events after a drag.
    const position = fromInputs();
    if (!position) { return; }
    marker.setLatLng(position);
    marker.setIcon(pinIcon());
    if (!map.getBounds().contains(position)) { map.panTo(position); }
  }
  for (const input of [latInput, lonInput]) {
    input.addEventListener("input", follow);
    input.addEventListener("change", follow);
  }
}

if (L) {
  const programElement = document.getElementById("program-map");
  if (programElement) { showLocation(programElement); }

  const editElement = document.getElementById("edit-map");
  if (editElement) {
    const latInput = document.getElementById(editElement.dataset.latInput || "");
    const lonInput = document.getElementById(editElement.dataset.lonInput || "");
    if (latInput && lonInput) { pickLocation(editElement, latInput, lonInput); }
  }
}
