/* Small maps: the location on a program page (#program-map, static, no tab stop) and the
 * location picker of the coordinators' listing form (#edit-map, a draggable marker bound to the
 * latitude and longitude inputs, which stay the keyboard way to set the location). */
(function () {
  "use strict";

  if (typeof window.L === "undefined") { return; }
  var L = window.L;
  var GERMANY_CENTRE = [51.1634, 10.4477];
  var OUTLINE_STYLE = { color: "#8797a8", weight: 1, opacity: 1, fillColor: "#fbfcfd", fillOpacity: 1 };
  var config = readConfig();

  function readConfig() {
    var el = document.getElementById("map-config");
    if (!el) { return {}; }
    try { return JSON.parse(el.textContent) || {}; } catch (e) { return {}; }
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function pinIcon(extraClass) {
    return L.divIcon({
      className: "program-marker " + (extraClass || ""),
      html: "",
      iconSize: [28, 30],
      iconAnchor: [14, 29]
    });
  }

  /** Tiles when configured, else (and below them never) the outline of the Länder. */
  function addBaseLayers(map, element) {
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 18 }).addTo(map);
      return;
    }
    var url = element.dataset.outlineUrl;
    if (!url || typeof window.fetch !== "function") { return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (outline) {
        if (!outline || !Array.isArray(outline.features)) { return; }
        L.geoJSON(outline, {
          interactive: false,
          style: OUTLINE_STYLE,
          attribution: outline.attribution ? escapeHtml(String(outline.attribution)) : ""
        }).addTo(map).bringToBack();
      })
      .catch(function () { /* The marker alone still shows the place. */ });
  }

  function parseCoordinate(value, limit) {
    var number = parseFloat(String(value).replace(",", "."));
    return isFinite(number) && Math.abs(number) <= limit ? number : null;
  }

  // --- Program page: one marker, nothing to focus -------------------------------------------

  var programEl = document.getElementById("program-map");
  if (programEl) {
    var lat = parseCoordinate(programEl.dataset.lat, 90);
    var lon = parseCoordinate(programEl.dataset.lon, 180);
    if (lat !== null && lon !== null) {
      // The element is role="img" with a label: no controls, no keyboard handler, no tab stop.
      var programMap = L.map(programEl, {
        zoomControl: false,
        keyboard: false,
        dragging: false,
        touchZoom: false,
        scrollWheelZoom: false,
        doubleClickZoom: false,
        boxZoom: false,
        maxZoom: 18
      }).setView([lat, lon], config.tileUrl ? 13 : 6);
      programMap.attributionControl.setPrefix(false); // Credits of the outline or the tiles.
      addBaseLayers(programMap, programEl);
      L.marker([lat, lon], {
        icon: pinIcon(),
        title: programEl.dataset.name || "",
        keyboard: false,
        interactive: false
      }).addTo(programMap);
    }
  }

  // --- Listing form: drag the marker, or type the coordinates ---------------------------------

  var editEl = document.getElementById("edit-map");
  if (editEl) {
    var latInput = document.getElementById(editEl.dataset.latInput || "");
    var lonInput = document.getElementById(editEl.dataset.lonInput || "");
    if (latInput && lonInput) {
      initEditMap(editEl, latInput, lonInput);
    }
  }

  function initEditMap(element, latInput, lonInput) {
    function fromInputs() {
      var lat = parseCoordinate(latInput.value, 90);
      var lon = parseCoordinate(lonInput.value, 180);
      return lat !== null && lon !== null ? L.latLng(lat, lon) : null;
    }

    var start = fromInputs();
    var map = L.map(element, {
      zoomControl: false,
      keyboard: false, // The inputs are the keyboard way; the map adds no tab stop of its own.
      scrollWheelZoom: "center",
      maxZoom: 18
    }).setView(start || GERMANY_CENTRE, start ? (config.tileUrl ? 14 : 8) : 5);
    L.control.zoom({
      zoomInTitle: element.dataset.labelZoomIn || "Zoom in",
      zoomOutTitle: element.dataset.labelZoomOut || "Zoom out"
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    addBaseLayers(map, element);

    var marker = L.marker(start || GERMANY_CENTRE, {
      icon: pinIcon(start ? "" : "is-unset"),
      draggable: true,
      autoPan: true,
      keyboard: false
    }).addTo(map);

    function write() {
      var position = marker.getLatLng().wrap();
      latInput.value = position.lat.toFixed(4);
      lonInput.value = position.lng.toFixed(4);
    }
    marker.on("drag", write);
    marker.on("dragend", function () {
      write();
      marker.setIcon(pinIcon());
      // Other code (validation, "unsaved changes" hints) learns of the new values as if typed.
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      lonInput.dispatchEvent(new Event("change", { bubbles: true }));
    });

    function follow(event) {
      if (event && event.isTrusted === false) { return; } // Our own change events after a drag.
      var position = fromInputs();
      if (!position) { return; }
      marker.setLatLng(position);
      marker.setIcon(pinIcon());
      if (!map.getBounds().contains(position)) { map.panTo(position); }
    }
    latInput.addEventListener("input", follow);
    lonInput.addEventListener("input", follow);
    latInput.addEventListener("change", follow);
    lonInput.addEventListener("change", follow);
  }
})();
