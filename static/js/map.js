/* Mentoring Map (/karte/ and /karte/einbetten/): clustered program markers on the outline of the
 * Länder, filters without a page reload, and the list beside the map kept in step with it.
 * An ES module, no build step. Data from the server is only ever set as textContent. */
import {
  GERMANY_BOUNDS,
  L,
  MAX_ZOOM,
  addBaseLayers,
  addZoomControl,
  el,
  haversineKm,
  pinIcon,
  readConfig
} from "./map-common.js";

const mapEl = document.getElementById("map");
// Without Leaflet or fetch the server-rendered list stays the (complete) page.
if (mapEl && L && typeof window.fetch === "function") {
  main(mapEl);
}

function main(mapEl) {
  const data = mapEl.dataset;

  const GERMANY = L.latLngBounds(GERMANY_BOUNDS);
  const AVAILABILITY = ["open", "waitlist", "paused"];
  const MAX_ITEMS = parseInt(data.maxItems, 10) || 50;
  const TEXT_DELAY_MS = 400;

  const config = readConfig();
  const embedded = document.body.classList.contains("embed");
  const form = document.getElementById("program-filters");
  const resultsEl = document.getElementById(data.results || "map-results");
  const countEl = document.getElementById(data.count || "map-count");
  const sectionEl = resultsEl ? resultsEl.closest("section") : null;
  const moreEl = document.getElementById("map-more");
  const listLinkEl = document.getElementById("map-list-link");
  const embedCodeEl = document.getElementById("embed-code");
  const locateButton = document.getElementById("locate-me");
  const locateStatus = document.getElementById("locate-status");
  const lang = document.documentElement.lang || "de";
  const kmFormat = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  // --- Small helpers --------------------------------------------------------------------------

  /** A translated text from a data-label-* attribute, "{name}" placeholders filled in. */
  function label(name, values) {
    const text = data["label" + name] || "";
    return text.replace(/\{(\w+)\}/g, function (match, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function availabilityOf(properties) {
    return AVAILABILITY.indexOf(properties.availability) >= 0 ? properties.availability : "open";
  }

  function availabilityLabel(value) {
    return data["labelAvailability" + value.charAt(0).toUpperCase() + value.slice(1)] || value;
  }

  /** The program page's address; only site-relative paths from the GeoJSON are taken. */
  function programHref(properties) {
    const url = typeof properties.url === "string" ? properties.url : "";
    if (!/^\/(?!\/)/.test(url)) { return "#"; }
    return (data.linkBase || "") + url;
  }

  function programLink(properties, className) {
    const link = el("a", className, properties.name);
    link.href = programHref(properties);
    if (embedded) {
      link.target = "_blank";
      link.rel = "noopener";
    }
    return link;
  }

  function pointOf(feature) {
    const geometry = feature.geometry;
    if (!geometry || geometry.type !== "Point" || !Array.isArray(geometry.coordinates)) { return null; }
    const lon = Number(geometry.coordinates[0]);
    const lat = Number(geometry.coordinates[1]);
    if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return null; }
    return [lat, lon];
  }

  // --- The map --------------------------------------------------------------------------------

  const fallback = mapEl.querySelector(".map-fallback");
  if (fallback) { fallback.parentNode.removeChild(fallback); }

  const map = L.map(mapEl, { zoomControl: false, maxZoom: MAX_ZOOM, minZoom: 4, zoomSnap: 0.5 });
  map.fitBounds(GERMANY, { animate: false });
  addZoomControl(map, mapEl);
  let outlineBounds = null;
  addBaseLayers(map, mapEl, config).then((bounds) => { outlineBounds = bounds; });

  function programIcon(availability) {
    return pinIcon("program-marker-" + availability);
  }

  function clusterIcon(cluster) {
    const count = cluster.getChildCount();
    const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    const inner = el("div");
    inner.appendChild(el("span", "", String(count))).setAttribute("aria-hidden", "true");
    inner.appendChild(el("span", "visually-hidden", label("Cluster", { n: count }) || String(count)));
    return L.divIcon({
      html: inner,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40)
    });
  }

  const clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 150,
    chunkDelay: 20,
    maxClusterRadius: 60,
    showCoverageOnHover: false,
    iconCreateFunction: clusterIcon
  });
  map.addLayer(clusters);

  // Markers are kept between filter changes: a program that stays in the results keeps its marker.
  const markerCache = new Map();
  function markerFor(feature, point) {
    const properties = feature.properties;
    const availability = availabilityOf(properties);
    const key = [feature.id, point[0], point[1], availability, properties.name].join("|");
    let marker = markerCache.get(key);
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

  const popup = L.popup({ maxWidth: 300, minWidth: 180, offset: [0, -24], autoPanPadding: [24, 24] });
  let popupSource = null;

  function distanceOf(feature) {
    if (userPosition) {
      const point = pointOf(feature);
      return point ? haversineKm(userPosition.lat, userPosition.lng, point[0], point[1]) : null;
    }
    const km = feature.properties.distance;
    return typeof km === "number" && isFinite(km) ? km : null;
  }

  function popupContent(feature) {
    const properties = feature.properties;
    const box = el("div", "map-popup");
    const title = el("p", "map-popup-title");
    title.appendChild(programLink(properties, "map-popup-link"));
    box.appendChild(title);
    const meta = [properties.organization, properties.place].filter(Boolean).join(" · ");
    if (meta) { box.appendChild(el("p", "meta", meta)); }
    const km = distanceOf(feature);
    if (km !== null) { box.appendChild(el("p", "meta distance", label("Distance", { km: kmFormat.format(km) }))); }
    const availability = availabilityOf(properties);
    const tags = el("p", "tags");
    tags.appendChild(el("span", "badge badge-" + availability, availabilityLabel(availability)));
    box.appendChild(tags);
    return box;
  }

  function openPopup(marker, byKeyboard) {
    popupSource = marker;
    popup.setLatLng(marker.getLatLng()).setContent(popupContent(marker.feature)).openOn(map);
    if (byKeyboard) {
      const link = popup.getElement() && popup.getElement().querySelector(".map-popup-link");
      if (link) { link.focus({ preventScroll: true }); }
    }
  }

  function focusPopupSource() {
    const icon = popupSource && popupSource.getElement();
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
    const key = event.originalEvent && event.originalEvent.keyCode;
    if (key === 13 || key === 32) {
      L.DomEvent.preventDefault(event.originalEvent); // Space would scroll the page.
      openPopup(event.layer, true);
    }
  });

  map.on("popupopen", function (event) {
    const close = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close && data.labelClose) { close.setAttribute("aria-label", data.labelClose); }
  });
  // Whether the keyboard focus was last inside the popup (its close button, its link).
  let popupFocused = false;
  mapEl.addEventListener("focusin", function (event) {
    const container = popup.getElement();
    popupFocused = Boolean(container && container.contains(event.target));
  });
  map.on("popupclose", function (event) {
    const container = event.popup.getElement();
    const active = document.activeElement;
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
      const hadFocus = popup.getElement() && popup.getElement().contains(document.activeElement);
      map.closePopup(popup);
      if (hadFocus) { focusPopupSource(); }
    }
  });

  // --- Results: markers, count, list ----------------------------------------------------------

  let features = [];
  let userPosition = null;
  let userMarker = null;

  function showMarkers(fit) {
    const markers = [];
    const bounds = L.latLngBounds([]);
    for (let i = 0; i < features.length; i++) {
      const point = pointOf(features[i]);
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
    const field = form && form.elements.namedItem("ort");
    return field && typeof field.value === "string" ? field.value.trim() : "";
  }

  function radiusKm() {
    const field = form && form.elements.namedItem("umkreis");
    return field && field.value ? field.value : "";
  }

  /** The server ignores a place it does not know: then no program comes with a distance. */
  function placeUnknown() {
    if (!placeQuery()) { return false; }
    const located = features.filter(function (f) { return pointOf(f) !== null; });
    return located.length > 0 && located.every(function (f) { return f.properties.distance == null; });
  }

  function updateCount() {
    if (!countEl) { return; }
    const near = placeQuery() && !placeUnknown();
    // Near a place, online and nationwide programs are not counted as within the radius.
    const wide = near ? features.filter(function (f) { return f.properties.reach === "national"; }).length : 0;
    const n = features.length - wide;
    let text = label(n === 1 ? "One" : "Many", { n: n });
    if (near) {
      text += " " + label("Near", { km: radiusKm(), place: placeQuery() });
      if (wide) { text += label("Wide", { n: wide }); }
    }
    countEl.textContent = text;
  }

  function updateNotices() {
    if (!sectionEl) { return; }
    const old = sectionEl.querySelectorAll(".notice, .map-empty");
    for (let i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
    if (placeUnknown()) {
      const notice = el("div", "notice");
      notice.setAttribute("role", "status");
      notice.appendChild(el("p", "", label("UnknownPlace", { place: placeQuery().slice(0, 100) })));
      sectionEl.insertBefore(notice, resultsEl);
    }
    if (features.length === 0) {
      resultsEl.parentNode.insertBefore(el("p", "map-empty", label("None")), resultsEl.nextSibling);
    }
  }

  function listItem(feature) {
    const properties = feature.properties;
    const item = el("li", "card program-card");
    const heading = el("h3");
    heading.appendChild(programLink(properties));
    item.appendChild(heading);
    const meta = el("p", "meta", [properties.organization, properties.place].filter(Boolean).join(" · "));
    const km = distanceOf(feature);
    if (km !== null) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("span", "distance", label("Distance", { km: kmFormat.format(km) })));
    } else if (properties.reach === "national" && data.labelNational) {
      meta.appendChild(document.createTextNode(" · " + data.labelNational));
    }
    item.appendChild(meta);
    const availability = availabilityOf(properties);
    const tags = el("p", "tags");
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
    const ordered = orderedFeatures();
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < ordered.length && i < MAX_ITEMS; i++) {
      fragment.appendChild(listItem(ordered[i]));
    }
    resultsEl.textContent = "";
    resultsEl.appendChild(fragment);
    if (moreEl) {
      moreEl.hidden = features.length <= MAX_ITEMS;
      const link = moreEl.querySelector("a");
      if (link) {
        link.textContent = label("All", { n: features.length });
        link.href = (data.listUrl || "/") + (currentQuery ? "?" + currentQuery : "");
      }
    }
  }

  /** The facets' counts for the current filters, from the GeoJSON's "facets" member
   *  ({facet: {term: count}}, zeros left out); without it the old counts stay hidden. */
  function updateFacetCounts(facets) {
    if (!form) { return; }
    if (!facets || typeof facets !== "object") {
      form.classList.add("counts-stale");
      return;
    }
    const boxes = form.querySelectorAll(".facet input[type=checkbox]");
    for (let i = 0; i < boxes.length; i++) {
      const box = boxes[i];
      const counts = facets[box.name];
      if (!counts || typeof counts !== "object") { continue; }
      const count = box.labels && box.labels[0] ? box.labels[0].querySelector(".count") : null;
      if (!count) { continue; }
      const n = Number(counts[box.value]);
      count.textContent = "(" + String(isFinite(n) && n > 0 ? Math.floor(n) : 0) + ")";
    }
    form.classList.remove("counts-stale");
  }

  // --- Loading ------------------------------------------------------------------------------

  let controller = null;
  let currentQuery = null;
  let loads = 0;

  function geojsonUrl(query) {
    return data.geojsonUrl.split("?")[0] + (query ? "?" + query : "");
  }

  function setBusy(busy) {
    if (sectionEl) { sectionEl.setAttribute("aria-busy", busy ? "true" : "false"); }
  }

  function showError() {
    if (!sectionEl) { return; }
    const notice = el("div", "notice map-error");
    notice.setAttribute("role", "alert");
    notice.appendChild(el("p", "", label("Error")));
    const old = sectionEl.querySelector(".map-error");
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
        const pattern = typeof collection.programUrl === "string" ? collection.programUrl : "";
        features.forEach(function (feature) {
          if (feature.properties && pattern && typeof feature.id === "string") {
            feature.properties.url = pattern.replace("{id}", encodeURIComponent(feature.id));
          }
        });
        showMarkers(true);
        updateFacetCounts(collection.facets);
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
    const params = new URLSearchParams();
    const place = placeQuery();
    const entries = new FormData(form);
    entries.forEach(function (value, name) {
      if (typeof value !== "string") { return; }
      const v = name === "q" || name === "ort" ? value.trim() : value;
      if (!v) { return; }
      if (name === "umkreis" && !place) { return; } // A radius means nothing without a place.
      params.append(name, v);
    });
    return params.toString();
  }

  function updateLinks(query) {
    const suffix = query ? "?" + query : "";
    if (window.history && typeof window.history.replaceState === "function") {
      window.history.replaceState(window.history.state, "", window.location.pathname + suffix + window.location.hash);
    }
    if (listLinkEl) { listLinkEl.href = listLinkEl.href.split("?")[0] + suffix; }
    // The open data downloads follow the filter too.
    document.querySelectorAll("a[data-follows-filter]").forEach(function (link) {
      link.href = link.href.split("?")[0] + suffix;
    });
    if (embedCodeEl && embedCodeEl.dataset.embedBase) {
      const src = embedCodeEl.dataset.embedBase + suffix;
      embedCodeEl.value = embedCodeEl.value.replace(/src="[^"]*"/, function () { return "src=\"" + src + "\""; });
    }
  }

  let lastPlace = null;
  function applyFilters() {
    const query = formQuery();
    if (query === currentQuery) { return; }
    currentQuery = query;
    if (placeQuery() !== lastPlace) {
      lastPlace = placeQuery();
      if (lastPlace) { clearUserPosition(); } // The place typed in now decides the order.
    }
    // The counts are hidden until the GeoJSON brings the ones for the new filters.
    form.classList.add("counts-stale");
    updateLinks(query);
    load(geojsonUrl(query), false);
  }

  let textTimer = null;
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
    const locateData = locateButton.dataset;
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
}
