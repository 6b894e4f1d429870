#!/usr/bin/env bash
# Re-vendor the third-party browser assets from their npm packages (exact versions), unchanged.
# Run from the repository root; needs npm. The result is committed: the portal loads nothing
# from a CDN.
set -euo pipefail
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent leaflet@1.9.4 leaflet.markercluster@1.5.3 >/dev/null)
mkdir -p "$tmp/leaflet" "$tmp/markercluster"
tar xzf "$tmp/leaflet-1.9.4.tgz" -C "$tmp/leaflet"
tar xzf "$tmp/leaflet.markercluster-1.5.3.tgz" -C "$tmp/markercluster"

dest=static/vendor/leaflet
rm -rf "$dest" && mkdir -p "$dest"
cp -r "$tmp"/leaflet/package/dist/{leaflet.js,leaflet.js.map,leaflet.css,images} "$tmp/leaflet/package/LICENSE" "$dest/"
echo "Leaflet 1.9.4 from the npm package leaflet (BSD-2-Clause): dist/leaflet.js, leaflet.js.map, leaflet.css, images/, unchanged." > "$dest/README"

dest=static/vendor/leaflet.markercluster
rm -rf "$dest" && mkdir -p "$dest"
cp "$tmp"/markercluster/package/dist/{leaflet.markercluster.js,leaflet.markercluster.js.map,MarkerCluster.css,MarkerCluster.Default.css} \
  "$tmp/markercluster/package/MIT-LICENCE.txt" "$dest/"
echo "Leaflet.markercluster 1.5.3 from the npm package leaflet.markercluster (MIT): dist/ files, unchanged." > "$dest/README"
echo "Vendored Leaflet 1.9.4 and Leaflet.markercluster 1.5.3."
