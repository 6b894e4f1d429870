/* Mentoring Map (/karte/ and /karte/einbetten/): the filters without a page reload and the list
 * beside the map kept in step with them, and the map itself (map-leaflet.js) loaded only when it
 * comes into view or is used: Leaflet, MarkerCluster and their styles are inserted from here,
 * after the page has been painted, so a phone shows and filters the list first.
 * An ES module, no build step. Data from the server is only ever set as textContent. */

const mapEl = document.getElementById("map");
// Without fetch the server-rendered list stays the (complete) page; without JavaScript too.
if (mapEl && typeof window.fetch === "function" && typeof window.Promise === "function") {
  main(mapEl);
}

function main(mapEl) {
  const data = mapEl.dataset;

  const AVAILABILITY = ["open", "waitlist", "paused"];
  const MAX_ITEMS = parseInt(data.maxItems, 10) || 50;
  const TEXT_DELAY_MS = 400;

  const embedded = document.body.classList.contains("embed");
  const form = document.getElementById("program-filters");
  const resultsEl = document.getElementById(data.results || "map-results");
  const wideEl = document.getElementById("map-wide");
  const wideResultsEl = document.getElementById("map-wide-results");
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

  /** A new element with an optional class and text (always as textContent, never as HTML).
   *  As map-common.js's el(): that module needs Leaflet, which this one does not wait for. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function haversineKm(lat1, lon1, lat2, lon2) {
    const rad = Math.PI / 180;
    const dLat = (lat2 - lat1) * rad;
    const dLon = (lon2 - lon1) * rad;
    const a = Math.sin(dLat / 2) ** 2 +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

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

  // --- State ----------------------------------------------------------------------------------

  let features = [];
  let featuresQuery = null; // The filter query `features` belong to (null: nothing fetched yet).
  let userPosition = null; // {lat, lng} after "Use my location".
  let mapView = null; // The Leaflet map (map-leaflet.js), once loaded.
  let mapLoading = null; // Its promise, from the first time the map was needed.

  function distanceOf(feature) {
    if (userPosition) {
      const point = pointOf(feature);
      return point ? haversineKm(userPosition.lat, userPosition.lng, point[0], point[1]) : null;
    }
    const km = feature.properties.distance;
    return typeof km === "number" && isFinite(km) ? km : null;
  }

  // --- Results: count, notices, list ----------------------------------------------------------

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

  function isWide(feature) {
    return feature.properties.reach === "national";
  }

  /** Near a (known) place online and nationwide programs are counted and listed apart. */
  function nearPlace() {
    return Boolean(placeQuery()) && !placeUnknown();
  }

  function updateCount() {
    if (!countEl) { return; }
    const near = nearPlace();
    const wide = near ? features.filter(isWide).length : 0;
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
    } else if (isWide(feature) && data.labelNational) {
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

  /** The first MAX_ITEMS programs; near a place the online and nationwide ones in their own
   *  section after the others ("Online und bundesweit", as the server renders it). */
  function renderList() {
    if (!resultsEl) { return; }
    const ordered = orderedFeatures().slice(0, MAX_ITEMS);
    const apart = wideResultsEl && nearPlace();
    const local = document.createDocumentFragment();
    const wide = document.createDocumentFragment();
    let wideCount = 0;
    for (let i = 0; i < ordered.length; i++) {
      if (apart && isWide(ordered[i])) {
        wide.appendChild(listItem(ordered[i]));
        wideCount += 1;
      } else {
        local.appendChild(listItem(ordered[i]));
      }
    }
    resultsEl.textContent = "";
    resultsEl.appendChild(local);
    if (wideResultsEl) {
      wideResultsEl.textContent = "";
      wideResultsEl.appendChild(wide);
      wideEl.hidden = wideCount === 0;
    }
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
  let loadSeq = 0; // The newest load; an older one's result is dropped.
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

  /** The current results are shown: on the map too if it is there (or on its way). */
  function shown(seq) {
    const ready = mapLoading || Promise.resolve();
    return ready
      .then(function () { return mapView ? mapView.draw(features, true) : null; })
      .then(function () {
        if (seq !== loadSeq) { return; }
        setBusy(false);
        loads += 1;
        mapEl.setAttribute("data-loads", String(loads)); // For tests: a result has been drawn.
      });
  }

  /** Fetches the programs of `query`; `keepList` keeps the server-rendered list (it has the same
   *  programs) and only refreshes the facets' counts and the map. */
  function load(query, keepList) {
    if (controller) { controller.abort(); }
    controller = typeof AbortController === "function" ? new AbortController() : null;
    const seq = ++loadSeq;
    setBusy(true);
    return fetch(geojsonUrl(query), {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        if (seq !== loadSeq) { return null; }
        controller = null;
        features = Array.isArray(collection.features) ? collection.features : [];
        featuresQuery = query;
        // Links are not repeated in every feature: the collection names the pattern once.
        const pattern = typeof collection.programUrl === "string" ? collection.programUrl : "";
        features.forEach(function (feature) {
          if (feature.properties && pattern && typeof feature.id === "string") {
            feature.properties.url = pattern.replace("{id}", encodeURIComponent(feature.id));
          }
        });
        updateFacetCounts(collection.facets);
        if (!keepList || userPosition) {
          renderList();
          updateCount();
          updateNotices();
        }
        return shown(seq);
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        if (seq === loadSeq) { controller = null; }
        setBusy(false);
        showError();
      });
  }

  // --- The map, loaded when needed ------------------------------------------------------------

  // Until then the map's box says that it is on its way (its text without JavaScript differs).
  const placeholder = mapEl.querySelector(".map-fallback");
  if (placeholder && data.labelLoading) { placeholder.textContent = data.labelLoading; }

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = src;
      script.async = false; // Executed in the order inserted: Leaflet before MarkerCluster.
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function addStyle(href) {
    return new Promise(function (resolve) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = resolve;
      link.onerror = resolve; // Unstyled controls still work.
      // Before the page's map.css, which adjusts Leaflet's styles.
      const anchor = document.getElementById("map-styles");
      if (anchor) {
        anchor.parentNode.insertBefore(link, anchor);
      } else {
        document.head.appendChild(link);
      }
    });
  }

  /** Loads Leaflet, MarkerCluster, their styles and map-leaflet.js, fetches the programs at the
   *  same time, and draws them. Once; resolves when the map exists (or could not be made). */
  function activateMap() {
    if (mapLoading) { return mapLoading; }
    const styles = (data.mapStyles || "").split(" ").filter(Boolean).map(addStyle);
    const scripts = (data.mapScripts || "").split(" ").filter(Boolean).map(addScript);
    mapLoading = Promise.all(styles.concat(scripts))
      // Its address from the template: the hashed name in production, so that a cached old
      // map-leaflet.js is never combined with a new map.js.
      .then(function () { return import(data.mapModule); })
      .then(function (module) {
        mapView = module.createMap(mapEl, {
          label: label,
          availabilityOf: availabilityOf,
          availabilityLabel: availabilityLabel,
          programLink: programLink,
          pointOf: pointOf,
          distanceOf: distanceOf,
          kmFormat: kmFormat
        });
        if (userPosition) { mapView.showUser(userPosition, locateButton ? locateButton.dataset.labelYou : ""); }
      })
      .catch(function () {
        if (placeholder) { placeholder.textContent = label("Error"); }
      });
    if (controller === null && featuresQuery !== currentQuery) {
      load(currentQuery, currentQuery === initialQuery);
    } else if (controller === null) {
      shown(loadSeq); // Fetched before (a filter changed): draw those results once the map is there.
    }
    return mapLoading;
  }

  /** The map is needed when it (nearly) comes into view, or is focused or touched. */
  function activateWhenNeeded() {
    const area = mapEl.closest(".map-area") || mapEl;
    ["focusin", "pointerdown", "touchstart"].forEach(function (type) {
      area.addEventListener(type, activateMap, { once: true, passive: true });
    });
    if (typeof window.IntersectionObserver !== "function") {
      activateMap();
      return;
    }
    const observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        activateMap();
      }
    }, { rootMargin: "200px 0px" });
    observer.observe(mapEl);
  }

  // --- Filters ----------------------------------------------------------------------------

  function formQuery() {
    const params = new URLSearchParams();
    if (!form) { return ""; }
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
    load(query, false);
  }

  let textTimer = null;
  function isTextField(target) {
    return target && target.tagName === "INPUT" && /^(text|search)$/.test(target.type);
  }

  // The page was rendered for the address's query (the form shows it).
  const initialQuery = formQuery();
  currentQuery = initialQuery;
  if (form) {
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
    if (mapView) { mapView.clearUser(); }
    sayLocate("");
  }

  if (locateButton && navigator.geolocation) {
    const locateData = locateButton.dataset;
    locateButton.hidden = false;
    locateButton.addEventListener("click", function () {
      sayLocate(locateData.labelLocating);
      locateButton.setAttribute("aria-busy", "true");
      activateMap();
      navigator.geolocation.getCurrentPosition(function (position) {
        locateButton.removeAttribute("aria-busy");
        userPosition = { lat: position.coords.latitude, lng: position.coords.longitude };
        if (mapView) { mapView.showUser(userPosition, locateData.labelYou); }
        // Before the first results have come the load on its way sorts the list (keepList is
        // ignored with a position).
        if (featuresQuery !== null) { renderList(); }
        sayLocate(locateData.labelLocated);
      }, function () {
        locateButton.removeAttribute("aria-busy");
        sayLocate(locateData.labelFailed);
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    });
  }

  activateWhenNeeded();
}
