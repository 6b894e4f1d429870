"""The dashboard's figures of each program, kept between visits until the program's data changes.

Counting a program's tandems, due check-ins and meetings of twelve weeks takes tens of ms with
thousands of tandems, and the figures stay the same until someone writes: each program has a
version (a random token in the shared cache), and the figures are kept with the version and the
day they were counted for. A change of a tandem, mentee, application, screening record, check-in,
meeting, support contact or of the program's settings gives the program a new version and
drops its kept figures (signals.py; the services that write in bulk call `figures_changed`
themselves), so the next visit counts again. Kept figures expire after FIGURES_SECONDS anyway:
what moves with the clock within a day (an application waiting more than seven days) is seen
within that time, and so is a change written past the ORM (a raw SQL repair). Without a shared
cache (the quickstart's per-process memory) other processes cannot learn of a new version, so
figures are kept for ten seconds only, as the directory's pages are.
"""

import secrets
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

FIGURES_SECONDS = 5 * 60 if settings.REDIS_URL else 10


def _version_key(program_id: int) -> str:
    return f"tandems:figures-version:{program_id}"


def _figures_key(program_id: int) -> str:
    return f"tandems:figures:{program_id}"


def versions(program_ids: Iterable[int]) -> dict[int, str | None]:
    """The current version of each program (None while the shared cache cannot be reached)."""
    keys = {pk: _version_key(pk) for pk in program_ids}
    found = cache.get_many(list(keys.values())) if keys else {}
    result = {}
    for pk, key in keys.items():
        if key not in found:
            # add() so that concurrent first visits agree on one value.
            cache.add(key, secrets.token_hex(8), timeout=None)
            found[key] = cache.get(key)
        result[pk] = found[key]
    return result


def kept(program_ids: Iterable[int], *, versions: dict, today: date) -> dict:
    """The kept figures of the programs whose version and day still match."""
    keys = {pk: _figures_key(pk) for pk in program_ids if versions.get(pk)}
    found = cache.get_many(list(keys.values())) if keys else {}
    result = {}
    for pk, key in keys.items():
        version, day, figures = found.get(key, (None, None, None))
        if version == versions[pk] and day == today:
            result[pk] = figures
    return result


def keep(figures: dict, *, versions: dict, today: date) -> None:
    """Keep figures counted under `versions` (read before counting: a write in between gave the
    program a new version, so these are never taken for the newer data)."""
    entries = {
        _figures_key(pk): (versions[pk], today, value)
        for pk, value in figures.items()
        if versions.get(pk)
    }
    if entries:
        cache.set_many(entries, FIGURES_SECONDS)


def _renew(program_ids: set[int]) -> None:
    cache.set_many({_version_key(pk): secrets.token_hex(8) for pk in program_ids}, timeout=None)
    # The kept figures go at once too: they may name a mentee whose data was just erased.
    cache.delete_many([_figures_key(pk) for pk in program_ids])


def figures_changed(program_ids: Iterable[int | None]) -> None:
    """The programs' data changed: new versions now (the writer's next page within its own
    transaction counts afresh) and again once the transaction commits (a visit that counted the
    old data in between cannot have its figures taken for the new)."""
    ids = {pk for pk in program_ids if pk is not None}
    if not ids:
        return
    _renew(ids)
    transaction.on_commit(lambda: _renew(ids))
