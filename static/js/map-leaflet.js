/* The Leaflet half of the Mentoring Map: imported by map.js only once Leaflet and MarkerCluster
 * have been loaded (when the map comes into view or is used), so that the list and the filters
 * never wait for them. Clustered program markers on the base map, popups usable by keyboard,
 * the visitor's location. An ES module, no build step; text is only ever set as textContent. */
import {
  GERMANY_BOUNDS,
  L,
  MAX_ZOOM,
  addBaseLayers,
  addZoomControl,
  el,
  pinIcon,
  readConfig
} from "./map-common.js";

// Markers are made in slices of at most SLICE_MS on the main thread, the clusters in chunks of
// CLUSTER_CHUNK_MS (MarkerCluster's chunkedLoading), so that a phone (several times slower) still
// answers a tap in between. Shorter chunks cost more in all: with 10,000 programs 10 ms chunks
// took about twice as long as one run, 50 ms chunks about 1.5 times (bench/README.md). A phone (a
// narrow screen or a finger) gets the short chunks: it answers a tap at once while the clusters
// grow; a desktop gets the map sooner.
const SLICE_MS = 10;
const PHONE = window.matchMedia("(pointer: coarse), (max-width: 47.99rem)").matches;
const CLUSTER_CHUNK_MS = PHONE ? 10 : 50;

/** Calls step(0 … count-1) in slices of SLICE_MS; resolves when done. */
function inSlices(count, step) {
  return new Promise(function (resolve) {
    let i = 0;
    (function slice() {
      const end = performance.now() + SLICE_MS;
      while (i < count) {
        step(i);
        i += 1;
        if ((i & 127) === 0 && performance.now() > end) {
          window.setTimeout(slice, 0);
          return;
        }
      }
      resolve();
    })();
  });
}

/**
 * The map in `mapEl`. `page` gives what the list shares with it: label(name, values),
 * availabilityOf(properties), availabilityLabel(value), programLink(properties, className),
 * pointOf(feature), distanceOf(feature), kmFormat. Returns {draw, showUser, clearUser}.
 */
export function createMap(mapEl, page) {
  const data = mapEl.dataset;
  const GERMANY = L.latLngBounds(GERMANY_BOUNDS);
  const config = readConfig();

  const placeholder = mapEl.querySelector(".map-fallback");
  if (placeholder) { placeholder.parentNode.removeChild(placeholder); }

  const map = L.map(mapEl, { zoomControl: false, maxZoom: MAX_ZOOM, minZoom: 4, zoomSnap: 0.5 });
  map.fitBounds(GERMANY, { animate: false });
  addZoomControl(map, mapEl);
  let outlineBounds = null;
  addBaseLayers(map, mapEl, config).then((bounds) => { outlineBounds = bounds; });

  function clusterIcon(cluster) {
    const count = cluster.getChildCount();
    const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    const inner = el("div");
    inner.appendChild(el("span", "", String(count))).setAttribute("aria-hidden", "true");
    inner.appendChild(el("span", "visually-hidden", page.label("Cluster", { n: count }) || String(count)));
    return L.divIcon({
      html: inner,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40)
    });
  }

  // Chunked: MarkerCluster adds the markers in chunks of chunkInterval ms with a pause between,
  // and reports each chunk to chunkProgress (the last one when all are in).
  let chunksDone = null;
  const clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: CLUSTER_CHUNK_MS,
    chunkDelay: 0,
    chunkProgress: function (processed, total) {
      if (processed === total && chunksDone) {
        const done = chunksDone;
        chunksDone = null;
        done(); // Its callbacks run after MarkerCluster has drawn the clusters of this last slice.
      }
    },
    maxClusterRadius: 60,
    showCoverageOnHover: false,
    iconCreateFunction: clusterIcon
  });
  map.addLayer(clusters);

  // Markers are kept between filter changes: a program that stays in the results keeps its marker.
  const markerCache = new Map();
  function markerFor(feature, point) {
    const properties = feature.properties;
    const availability = page.availabilityOf(properties);
    const key = [feature.id, point[0], point[1], availability, properties.name].join("|");
    let marker = markerCache.get(key);
    if (!marker) {
      marker = L.marker(point, {
        icon: pinIcon("program-marker-" + availability),
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

  function popupContent(feature) {
    const properties = feature.properties;
    const box = el("div", "map-popup");
    const title = el("p", "map-popup-title");
    title.appendChild(page.programLink(properties, "map-popup-link"));
    box.appendChild(title);
    const meta = [properties.organization, properties.place].filter(Boolean).join(" · ");
    if (meta) { box.appendChild(el("p", "meta", meta)); }
    const km = page.distanceOf(feature);
    if (km !== null) {
      box.appendChild(el("p", "meta distance", page.label("Distance", { km: page.kmFormat.format(km) })));
    }
    const availability = page.availabilityOf(properties);
    const tags = el("p", "tags");
    tags.appendChild(el("span", "badge badge-" + availability, page.availabilityLabel(availability)));
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

  // --- Drawing the results ----------------------------------------------------------------------

  /** Markers for `features` (in slices), then the clusters (in MarkerCluster's chunks). */
  function drawNow(features, fit) {
    const markers = [];
    const bounds = L.latLngBounds([]);
    return inSlices(features.length, function (i) {
      const point = page.pointOf(features[i]);
      if (point) {
        markers.push(markerFor(features[i], point));
        bounds.extend(point);
      }
    }).then(function () {
      map.closePopup(popup);
      clusters.clearLayers();
      if (fit) {
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12, animate: false });
        } else {
          map.fitBounds(outlineBounds || GERMANY, { animate: false });
        }
      }
      return new Promise(function (resolve) {
        chunksDone = resolve;
        clusters.addLayers(markers);
      });
    });
  }

  // One drawing at a time (MarkerCluster's chunks cannot be cancelled): a newer result waits for
  // the running one and replaces any that waited before it.
  let pending = null;
  let running = null;
  function drain() {
    if (!pending) {
      running = null;
      return Promise.resolve();
    }
    const job = pending;
    pending = null;
    return drawNow(job.features, job.fit).then(drain);
  }

  /** Draws `features`; resolves once the clusters of the newest requested drawing are shown. */
  function draw(features, fit) {
    pending = { features: features, fit: fit };
    if (!running) { running = drain(); }
    return running;
  }

  // --- The visitor's location ---------------------------------------------------------------

  let userMarker = null;

  function clearUser() {
    if (userMarker) { map.removeLayer(userMarker); userMarker = null; }
  }

  function showUser(position, title) {
    clearUser();
    const latLng = L.latLng(position.lat, position.lng);
    userMarker = L.marker(latLng, {
      icon: L.divIcon({ className: "user-location", html: "", iconSize: [22, 22] }),
      title: title || "",
      alt: title || "",
      keyboard: false,
      interactive: false,
      zIndexOffset: 1000
    }).addTo(map);
    map.setView(latLng, Math.max(map.getZoom(), 10));
  }

  return { draw: draw, showUser: showUser, clearUser: clearUser };
}
