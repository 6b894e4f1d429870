"""What the maps' script needs from the server: the tile server, if any, and the credits."""

from django.conf import settings

from . import gazetteer


def map_config() -> dict:
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "gazetteerAttribution": gazetteer.attribution(),
    }
