"""What the maps' script needs from the server: the tile server, if any, the offline base map's
files, and the credits."""

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext

from . import gazetteer

# The offline base map (static/vendor/germany-basemap/, built by programs/gazetteer/basemap.py),
# drawn by static/js/base-map.js when no tile server is configured.
BASE_MAP_FILES = {
    "towns": "vendor/germany-basemap/towns.geojson",
    "water": "vendor/germany-basemap/water.geojson",
}
# The Kreis boundaries, one file per Land (the codes of the outline's features), fetched when
# zoomed in and only for the Länder in view.
LAENDER = ("BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN")
LAENDER += ("ST", "TH")


def base_map_attribution() -> str:
    """The credits of the offline base map's sources, in the page's language."""
    return gettext(
        "Map: © GeoBasis-DE / BKG 2016 (data changed), GeoNames (CC BY 4.0), "
        "Natural Earth (public domain)"
    )


def map_config() -> dict:
    config = {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "gazetteerAttribution": gazetteer.attribution(),
    }
    if not settings.MAP_TILE_URL:
        config["baseMap"] = {key: static(path) for key, path in BASE_MAP_FILES.items()}
        config["baseMap"]["kreise"] = {
            code: static(f"vendor/germany-basemap/kreise-{code}.geojson") for code in LAENDER
        }
        config["baseMapAttribution"] = base_map_attribution()
    return config
