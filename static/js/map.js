/* Mentoring Map (/karte/ and /karte/einbetten/): clustered program markers on the outline of the
 * Länder, filters without a page reload, and the list beside the map kept in step with it.
 * Plain ES2019, no build step. Data from the server is only ever set as textContent. */
(function () {
  "use strict";

  var mapEl = document.getElementById("map");
  if (!mapEl || typeof window.L === "undefined" || typeof window.fetch !== "function") {
    return; // The server-rendered list stays the (complete) page.
  }
  var L = window.L;
  var data = mapEl.dataset;

  var GERMANY = L.latLngBounds([47.27, 5.87], [55.06, 15.04]);
  var AVAILABILITY = ["open", "waitlist", "paused"];
  var MAX_ITEMS = parseInt(data.maxItems, 10) || 50;
  var TEXT_DELAY_MS = 400;
  var OUTLINE_STYLE = {
    color: "#8797a8",
    weight: 1,
    opacity: 1,
    fillColor: "#fbfcfd",
    fillOpacity: 1
  };

  var config = readConfig();
  var embedded = document.body.classList.contains("embed");
  var form = document.getElementById("program-filters");
  var resultsEl = document.getElementById(data.results || "map-results");
  var countEl = document.getElementById(data.count || "map-count");
  var sectionEl = resultsEl ? resultsEl.closest("section") : null;
  var moreEl = document.getElementById("map-more");
  var listLinkEl = document.getElementById("map-list-link");
  var embedCodeEl = document.getElementById("embed-code");
  var locateButton = document.getElementById("locate-me");
  var locateStatus = document.getElementById("locate-status");
  var lang = document.documentElement.lang || "de";
  var kmFormat = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  // --- Small helpers --------------------------------------------------------------------------

  function readConfig() {
    var el = document.getElementById("map-config");
    if (!el) { return {}; }
    try { return JSON.parse(el.textContent) || {}; } catch (e) { return {}; }
  }

  /** A translated text from a data-label-* attribute, "{name}" placeholders filled in. */
  function label(name, values) {
    var text = data["label" + name] || "";
    return text.replace(/\{(\w+)\}/g, function (match, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function availabilityOf(properties) {
    return AVAILABILITY.indexOf(properties.availability) >= 0 ? properties.availability : "open";
  }

  function availabilityLabel(value) {
    return data["labelAvailability" + value.charAt(0).toUpperCase() + value.slice(1)] || value;
  }

  /** The program page's address; only site-relative paths from the GeoJSON are taken. */
  function programHref(properties) {
    var url = typeof properties.url === "string" ? properties.url : "";
    if (!/^\/(?!\/)/.test(url)) { return "#"; }
    return (data.linkBase || "") + url;
  }

  function programLink(properties, className) {
    var link = el("a", className, properties.name);
    link.href = programHref(properties);
    if (embedded) {
      link.target = "_blank";
      link.rel = "noopener";
    }
    return link;
  }

  function pointOf(feature) {
    var geometry = feature.geometry;
    if (!geometry || geometry.type !== "Point" || !Array.isArray(geometry.coordinates)) { return null; }
    var lon = Number(geometry.coordinates[0]);
    var lat = Number(geometry.coordinates[1]);
    if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return null; }
    return [lat, lon];
  }

  function haversineKm(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad;
    var dLon = (lon2 - lon1) * rad;
    var a = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  // --- The map --------------------------------------------------------------------------------

  var fallback = mapEl.querySelector(".map-fallback");
  if (fallback) { fallback.parentNode.removeChild(fallback); }

  var map = L.map(mapEl, { zoomControl: false, maxZoom: 18, minZoom: 4, zoomSnap: 0.5 });
  map.fitBounds(GERMANY, { animate: false });
  L.control.zoom({
    zoomInTitle: data.labelZoomIn || "Zoom in",
    zoomOutTitle: data.labelZoomOut || "Zoom out"
  }).addTo(map);
  map.attributionControl.setPrefix(false);

  if (config.tileUrl) {
    // The only outside request, and only when the operator configured a tile server.
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 18 }).addTo(map);
  }

  var outlineBounds = null;
  if (data.outlineUrl) {
    fetch(data.outlineUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (outline) {
        if (!outline || !Array.isArray(outline.features)) { return; }
        var layer = L.geoJSON(outline, {
          interactive: false,
          style: OUTLINE_STYLE,
          attribution: outline.attribution ? escapeHtml(String(outline.attribution)) : ""
        });
        layer.addTo(map);
        layer.bringToBack();
        if (layer.getBounds().isValid()) { outlineBounds = layer.getBounds(); }
      })
      .catch(function () { /* No outline: the markers still work on the plain background. */ });
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  var icons = {};
  function programIcon(availability) {
    if (!icons[availability]) {
      icons[availability] = L.divIcon({
        className: "program-marker program-marker-" + availability,
        html: "",
        iconSize: [28, 30],
        iconAnchor: [14, 29]
      });
    }
    return icons[availability];
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = el("div");
    inner.appendChild(el("span", "", String(count))).setAttribute("aria-hidden", "true");
    inner.appendChild(el("span", "visually-hidden", label("Cluster", { n: count }) || String(count)));
    return L.divIcon({
      html: inner,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40)
    });
  }

  var clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 150,
    chunkDelay: 20,
    maxClusterRadius: 60,
    showCoverageOnHover: false,
    iconCreateFunction: clusterIcon
  });
  map.addLayer(clusters);

  // Markers are kept between filter changes: a program that stays in the results keeps its marker.
  var markerCache = new Map();
  function markerFor(feature, point) {
    var properties = feature.properties;
    var availability = availabilityOf(properties);
    var key = [feature.id, point[0], point[1], availability, properties.name].join("|");
    var marker = markerCache.get(key);
    if (!marker) {
      marker = L.marker(point, {
        icon: programIcon(availability),
        title: properties.name,
        alt: properties.name,
        keyboard: true,
        riseOnHover: true
      });
      markerCache.set(key, marker);
    }
    marker.feature = feature;
    return marker;
  }

  // --- Popups ---------------------------------------------------------------------------------

  var popup = L.popup({ maxWidth: 300, minWidth: 180, offset: [0, -24], autoPanPadding: [24, 24] });
  var popupSource = null;

  function distanceOf(feature) {
    if (userPosition) {
      var point = pointOf(feature);
      return point ? haversineKm(userPosition.lat, userPosition.lng, point[0], point[1]) : null;
    }
    var km = feature.properties.distance;
    return typeof km === "number" && isFinite(km) ? km : null;
  }

  function popupContent(feature) {
    var properties = feature.properties;
    var box = el("div", "map-popup");
    var title = el("p", "map-popup-title");
    title.appendChild(programLink(properties, "map-popup-link"));
    box.appendChild(title);
    var meta = [properties.organization, properties.place].filter(Boolean).join(" · ");
    if (meta) { box.appendChild(el("p", "meta", meta)); }
    var km = distanceOf(feature);
    if (km !== null) { box.appendChild(el("p", "meta distance", label("Distance", { km: kmFormat.format(km) }))); }
    var availability = availabilityOf(properties);
    var tags = el("p", "tags");
    tags.appendChild(el("span", "badge badge-" + availability, availabilityLabel(availability)));
    box.appendChild(tags);
    return box;
  }

  function openPopup(marker, byKeyboard) {
    popupSource = marker;
    popup.setLatLng(marker.getLatLng()).setContent(popupContent(marker.feature)).openOn(map);
    if (byKeyboard) {
      var link = popup.getElement() && popup.getElement().querySelector(".map-popup-link");
      if (link) { link.focus({ preventScroll: true }); }
    }
  }

  function focusPopupSource() {
    var icon = popupSource && popupSource.getElement();
    if (icon && document.body.contains(icon)) {
      icon.focus({ preventScroll: true });
    } else {
      mapEl.focus({ preventScroll: true });
    }
  }

  clusters.on("click", function (event) {
    openPopup(event.layer, false);
  });
  clusters.on("keypress", function (event) {
    var key = event.originalEvent && event.originalEvent.keyCode;
    if (key === 13 || key === 32) {
      L.DomEvent.preventDefault(event.originalEvent); // Space would scroll the page.
      openPopup(event.layer, true);
    }
  });

  map.on("popupopen", function (event) {
    var close = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close && data.labelClose) { close.setAttribute("aria-label", data.labelClose); }
  });
  // Whether the keyboard focus was last inside the popup (its close button, its link).
  var popupFocused = false;
  mapEl.addEventListener("focusin", function (event) {
    var container = popup.getElement();
    popupFocused = Boolean(container && container.contains(event.target));
  });
  map.on("popupclose", function (event) {
    var container = event.popup.getElement();
    var active = document.activeElement;
    // Focus was in the popup (keyboard use): give it back to the marker it came from.
    if (event.popup === popup && popupFocused &&
        (active === document.body || (container && container.contains(active)))) {
      focusPopupSource();
    }
    popupFocused = false;
  });
  mapEl.addEventListener("keydown", function (event) {
    if ((event.key === "Escape" || event.key === "Esc") && map.hasLayer(popup)) {
      event.preventDefault();
      var hadFocus = popup.getElement() && popup.getElement().contains(document.activeElement);
      map.closePopup(popup);
      if (hadFocus) { focusPopupSource(); }
    }
  });

  // --- Results: markers, count, list ----------------------------------------------------------

  var features = [];
  var userPosition = null;
  var userMarker = null;

  function showMarkers(fit) {
    var markers = [];
    var bounds = L.latLngBounds([]);
    for (var i = 0; i < features.length; i++) {
      var point = pointOf(features[i]);
      if (point) {
        markers.push(markerFor(features[i], point));
        bounds.extend(point);
      }
    }
    map.closePopup(popup);
    clusters.clearLayers();
    if (fit) {
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12, animate: false });
      } else {
        map.fitBounds(outlineBounds || GERMANY, { animate: false });
      }
    }
    clusters.addLayers(markers);
  }

  function placeQuery() {
    var field = form && form.elements.namedItem("ort");
    return field && typeof field.value === "string" ? field.value.trim() : "";
  }

  function radiusKm() {
    var field = form && form.elements.namedItem("umkreis");
    return field && field.value ? field.value : "";
  }

  /** The server ignores a place it does not know: then no program comes with a distance. */
  function placeUnknown() {
    if (!placeQuery()) { return false; }
    var located = features.filter(function (f) { return pointOf(f) !== null; });
    return located.length > 0 && located.every(function (f) { return f.properties.distance == null; });
  }

  function updateCount() {
    if (!countEl) { return; }
    var n = features.length;
    var text = label(n === 1 ? "One" : "Many", { n: n });
    if (placeQuery() && !placeUnknown()) {
      text += " " + label("Near", { km: radiusKm(), place: placeQuery() });
    }
    countEl.textContent = text;
  }

  function updateNotices() {
    if (!sectionEl) { return; }
    var old = sectionEl.querySelectorAll(".notice, .map-empty");
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
    if (placeUnknown()) {
      var notice = el("div", "notice");
      notice.setAttribute("role", "status");
      notice.appendChild(el("p", "", label("UnknownPlace", { place: placeQuery().slice(0, 100) })));
      sectionEl.insertBefore(notice, resultsEl);
    }
    if (features.length === 0) {
      resultsEl.parentNode.insertBefore(el("p", "map-empty", label("None")), resultsEl.nextSibling);
    }
  }

  function listItem(feature) {
    var properties = feature.properties;
    var item = el("li", "card program-card");
    var heading = el("h3");
    heading.appendChild(programLink(properties));
    item.appendChild(heading);
    var meta = el("p", "meta", [properties.organization, properties.place].filter(Boolean).join(" · "));
    var km = distanceOf(feature);
    if (km !== null) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("span", "distance", label("Distance", { km: kmFormat.format(km) })));
    } else if (properties.reach === "national" && data.labelNational) {
      meta.appendChild(document.createTextNode(" · " + data.labelNational));
    }
    item.appendChild(meta);
    var availability = availabilityOf(properties);
    var tags = el("p", "tags");
    tags.appendChild(el("span", "badge badge-" + availability, availabilityLabel(availability)));
    item.appendChild(tags);
    return item;
  }

  function orderedFeatures() {
    if (!userPosition) { return features; }
    return features
      .map(function (feature, index) { return { feature: feature, km: distanceOf(feature), index: index }; })
      .sort(function (a, b) {
        if (a.km === null || b.km === null) {
          return a.km === b.km ? a.index - b.index : a.km === null ? 1 : -1;
        }
        return a.km - b.km || a.index - b.index;
      })
      .map(function (entry) { return entry.feature; });
  }

  function renderList() {
    if (!resultsEl) { return; }
    var ordered = orderedFeatures();
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < ordered.length && i < MAX_ITEMS; i++) {
      fragment.appendChild(listItem(ordered[i]));
    }
    resultsEl.textContent = "";
    resultsEl.appendChild(fragment);
    if (moreEl) {
      moreEl.hidden = features.length <= MAX_ITEMS;
      var link = moreEl.querySelector("a");
      if (link) {
        link.textContent = label("All", { n: features.length });
        link.href = (data.listUrl || "/") + (currentQuery ? "?" + currentQuery : "");
      }
    }
  }

  // --- Loading ------------------------------------------------------------------------------

  var controller = null;
  var currentQuery = null;
  var loads = 0;

  function geojsonUrl(query) {
    return data.geojsonUrl.split("?")[0] + (query ? "?" + query : "");
  }

  function setBusy(busy) {
    if (sectionEl) { sectionEl.setAttribute("aria-busy", busy ? "true" : "false"); }
  }

  function showError() {
    if (!sectionEl) { return; }
    var notice = el("div", "notice map-error");
    notice.setAttribute("role", "alert");
    notice.appendChild(el("p", "", label("Error")));
    var old = sectionEl.querySelector(".map-error");
    if (old) { old.parentNode.removeChild(old); }
    sectionEl.insertBefore(notice, resultsEl);
  }

  /** Fetches the programs; `initial` keeps the server-rendered list (it has the same programs). */
  function load(url, initial) {
    if (controller) { controller.abort(); }
    controller = typeof AbortController === "function" ? new AbortController() : null;
    setBusy(true);
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        features = Array.isArray(collection.features) ? collection.features : [];
        // Links are not repeated in every feature: the collection names the pattern once.
        var pattern = typeof collection.programUrl === "string" ? collection.programUrl : "";
        features.forEach(function (feature) {
          if (feature.properties && pattern && typeof feature.id === "string") {
            feature.properties.url = pattern.replace("{id}", encodeURIComponent(feature.id));
          }
        });
        showMarkers(true);
        if (!initial || userPosition) {
          renderList();
          updateCount();
          updateNotices();
        }
        setBusy(false);
        loads += 1;
        mapEl.setAttribute("data-loads", String(loads)); // For tests: a load has been drawn.
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        setBusy(false);
        showError();
      });
  }

  // --- Filters ----------------------------------------------------------------------------

  function formQuery() {
    var params = new URLSearchParams();
    var place = placeQuery();
    var entries = new FormData(form);
    entries.forEach(function (value, name) {
      if (typeof value !== "string") { return; }
      var v = name === "q" || name === "ort" ? value.trim() : value;
      if (!v) { return; }
      if (name === "umkreis" && !place) { return; } // A radius means nothing without a place.
      params.append(name, v);
    });
    return params.toString();
  }

  function updateLinks(query) {
    var suffix = query ? "?" + query : "";
    if (window.history && typeof window.history.replaceState === "function") {
      window.history.replaceState(window.history.state, "", window.location.pathname + suffix + window.location.hash);
    }
    if (listLinkEl) { listLinkEl.href = listLinkEl.href.split("?")[0] + suffix; }
    if (embedCodeEl && embedCodeEl.dataset.embedBase) {
      var src = embedCodeEl.dataset.embedBase + suffix;
      embedCodeEl.value = embedCodeEl.value.replace(/src="[^"]*"/, function () { return "src=\"" + src + "\""; });
    }
  }

  var lastPlace = null;
  function applyFilters() {
    var query = formQuery();
    if (query === currentQuery) { return; }
    currentQuery = query;
    if (placeQuery() !== lastPlace) {
      lastPlace = placeQuery();
      if (lastPlace) { clearUserPosition(); } // The place typed in now decides the order.
    }
    // The facet counts were computed for the page as loaded; the GeoJSON does not carry new ones.
    form.classList.add("counts-stale");
    updateLinks(query);
    load(geojsonUrl(query), false);
  }

  var textTimer = null;
  function isTextField(target) {
    return target && target.tagName === "INPUT" && /^(text|search)$/.test(target.type);
  }

  if (form) {
    currentQuery = formQuery();
    lastPlace = placeQuery();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(textTimer);
      applyFilters();
    });
    form.addEventListener("input", function (event) {
      if (!isTextField(event.target)) { return; }
      window.clearTimeout(textTimer);
      textTimer = window.setTimeout(applyFilters, TEXT_DELAY_MS);
    });
    form.addEventListener("change", function (event) {
      if (isTextField(event.target)) {
        window.clearTimeout(textTimer);
      }
      applyFilters();
    });
  }

  // --- "Use my location" --------------------------------------------------------------------

  function sayLocate(text) {
    if (locateStatus) { locateStatus.textContent = text || ""; }
  }

  function clearUserPosition() {
    if (!userPosition) { return; }
    userPosition = null;
    if (userMarker) { map.removeLayer(userMarker); userMarker = null; }
    sayLocate("");
  }

  if (locateButton && navigator.geolocation) {
    var locateData = locateButton.dataset;
    locateButton.hidden = false;
    locateButton.addEventListener("click", function () {
      sayLocate(locateData.labelLocating);
      locateButton.setAttribute("aria-busy", "true");
      navigator.geolocation.getCurrentPosition(function (position) {
        locateButton.removeAttribute("aria-busy");
        userPosition = L.latLng(position.coords.latitude, position.coords.longitude);
        if (userMarker) { map.removeLayer(userMarker); }
        userMarker = L.marker(userPosition, {
          icon: L.divIcon({ className: "user-location", html: "", iconSize: [22, 22] }),
          title: locateData.labelYou || "",
          alt: locateData.labelYou || "",
          keyboard: false,
          interactive: false,
          zIndexOffset: 1000
        }).addTo(map);
        map.setView(userPosition, Math.max(map.getZoom(), 10));
        renderList();
        sayLocate(locateData.labelLocated);
      }, function () {
        locateButton.removeAttribute("aria-busy");
        sayLocate(locateData.labelFailed);
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    });
  }

  load(data.geojsonUrl, true);
})();
