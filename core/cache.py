"""The Redis cache, degrading to "no cache" while Redis does not answer.

Everything the portal caches (anonymous pages, GeoJSON generations, filter choices, the latest
news, rate-limit counters) can be rebuilt from PostgreSQL, so a restarted or unreachable Redis
should cost speed, not a server error. Django's RedisCache raises redis' errors to the view (it
has no IGNORE_EXCEPTIONS switch like django-redis); this subclass answers them as a miss: `get`
returns the default, `touch` False, `set` does nothing. `add` answers True, as if it had stored:
allauth's rate limiter takes a lock with `add` and would otherwise refuse every login, sign-up and
password reset while Redis is down. `incr` still raises (it has no honest answer). After a
failure the process leaves Redis alone for a second: a Redis that hangs
(socket timeout 2 s) would otherwise cost every cache call of every request two seconds.

What is lost while Redis is down, and accepted for it:
- allauth's rate limits count nothing (login and sign-up are not limited for those seconds);
- an invalidation (a new data generation after a change) is not stored: should Redis come back
  with its old contents (appendonly), pages cached before the change are served until they
  expire (an hour for the directory, a minute for the calendar). `manage.py shell -c "from
  programs.cache import bump_generation; bump_generation()"` (and the same for events.cache)
  renews them at once.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# After a failure, calls go straight to the fallback for this long.
PAUSE_SECONDS = 1.0


class ResilientRedisCache(RedisCache):
    _paused_until = 0.0

    def _call(self, name: str, fallback, *args):
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return getattr(super(), name)(*args)
        except redis.RedisError as error:
            # Logged once per pause, not once per call: an outage would flood the log.
            logger.warning("cache unavailable, serving without it: %s", error)
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: a lock that nobody can see is held by whoever asks (see the module docstring).
        return self._call("add", True, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that were not stored: all of them.
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", None)
