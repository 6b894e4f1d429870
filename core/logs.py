"""JSON log lines for log collectors (journald, Loki, ...), chosen by LOG_FORMAT=json.

One JSON object per line: a traceback stays inside its record instead of spreading over many
lines that a collector would take for records of their own. Built on python-json-logger, a plain
`logging.Formatter`: the code keeps logging with the standard library.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter


class JsonFormatter(BaseJsonFormatter):
    """time (UTC, ISO 8601), level, logger, message, and whatever the record carries as extra.

    Django's request records (`django.request`, `django.security.*`) carry the request object:
    its method and path are kept, the object itself is not (its repr would add the query string,
    and nothing else in it is needed to find the request in the access log)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        # Umlauts stay readable; the output is UTF-8 like every other log line.
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        request = log_data.pop("request", None)
        if request is not None and hasattr(request, "method"):
            log_data["method"] = request.method
            log_data["path"] = request.path


class GunicornAccessJsonFormatter(JsonFormatter):
    """gunicorn's access log as JSON fields, from the atoms gunicorn passes as the record's args.

    No client address: behind the reverse proxy it is the proxy's, and the proxy's own log holds
    the visitor's (data minimisation; keep one place that stores addresses, with its retention).
    """

    ATOMS = {
        "method": "m",
        "path": "U",
        "query": "q",
        "status": "s",
        "bytes": "B",
        "duration_ms": "M",
        "user_agent": "a",
        "referer": "f",
        # Set by the nginx example (deploy/nginx): the same id in nginx's and gunicorn's logs.
        "request_id": "{x-request-id}i",
    }

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        atoms = record.args
        if not isinstance(atoms, Mapping):
            return
        for field, atom in self.ATOMS.items():
            value = atoms[atom]
            if value in (None, "-", ""):
                continue
            if field == "status":
                value = int(value)
            log_data[field] = value
