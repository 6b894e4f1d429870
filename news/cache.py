"""One generation number for what the public news pages show (items and their tags).

Any write to a news item, its tags or links, or a news tag bumps it (see signals.py); the
anonymous pages served ready-made (mentoring/public_pages.py) carry it in their keys.
"""

from core.page_cache import Generation

GENERATION_KEY = "news:generation"

_generation = Generation(GENERATION_KEY)


def generation() -> str:
    return _generation.current()


def bump_generation() -> None:
    _generation.bump()
