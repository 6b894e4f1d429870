"""The broker as the outbox sees it: whether Redis answers, and which server run it is."""

from __future__ import annotations

import redis
from django.conf import settings


def _info() -> dict | None:
    """Redis's INFO server section, or None without a broker (tasks run eagerly) or while it
    does not answer. Short time-outs: asked by the scan and the readiness check."""
    if not settings.REDIS_URL:
        return None
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        return client.info("server")
    except redis.RedisError:
        return None
    finally:
        client.close()


def status() -> str:
    """The broker's state in a word: "ok", "down", or "eager" without one."""
    if not settings.REDIS_URL:
        return "eager"
    return "ok" if _info() is not None else "down"


def run_id() -> str:
    """The server's run id, new at each start of Redis (and another on another server); empty
    when there is none to ask."""
    return str((_info() or {}).get("run_id", ""))
