"""LOG_FORMAT=json: every log record is one JSON object on one line (core/logs.py).

Run in subprocesses: the logging configuration is applied once, at django.setup(), from the
environment, as in production.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOG_RECORDS = """
import logging
import django

django.setup()
log = logging.getLogger("mentoring.ops_test")
log.warning("Anmeldung für %s", "Lesepat:innen Leipzig")
try:
    raise ValueError("kaputt")
except ValueError:
    log.exception("Zweite Zeile\\nim selben Eintrag")

# What Django's handler does for a 404, without needing a database for the page.
from django.http import HttpResponseNotFound
from django.test import RequestFactory
from django.utils.log import log_response

request = RequestFactory().get("/gibt-es-nicht/?q=geheim")
log_response("Not Found: %s", request.path, response=HttpResponseNotFound(), request=request)
"""


def run_logging(**env_overrides) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DEBUG": "true",
        "DATABASE_URL": "sqlite://:memory:",
        "REDIS_URL": "",
        "LOG_LEVEL": "INFO",
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "-c", LOG_RECORDS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_logging_json_one_object_per_line_with_level_logger_message():
    result = run_logging(LOG_FORMAT="json")

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    records = [json.loads(line) for line in lines]  # every line is a whole JSON object
    ours = [r for r in records if r["logger"] == "mentoring.ops_test"]
    assert [(r["level"], r["message"]) for r in ours] == [
        ("WARNING", "Anmeldung für Lesepat:innen Leipzig"),
        ("ERROR", "Zweite Zeile\nim selben Eintrag"),
    ]
    assert ours[1]["exc_info"].splitlines()[-1] == "ValueError: kaputt"
    assert all(r["time"].endswith("+00:00") for r in records)


def test_logging_json_request_records_carry_method_and_path_not_the_request():
    result = run_logging(LOG_FORMAT="json")

    records = [json.loads(line) for line in result.stderr.splitlines()]
    (not_found,) = [r for r in records if r["logger"] == "django.request"]
    assert not_found["level"] == "WARNING"
    assert not_found["message"] == "Not Found: /gibt-es-nicht/"
    assert (not_found["method"], not_found["path"], not_found["status_code"]) == (
        "GET",
        "/gibt-es-nicht/",
        404,
    )
    assert "request" not in not_found
    assert "geheim" not in json.dumps(not_found)


def test_logging_plain_is_the_default():
    result = run_logging()

    assert result.returncode == 0, result.stderr
    warning = next(line for line in result.stderr.splitlines() if "mentoring.ops_test" in line)
    assert warning.endswith(" WARNING mentoring.ops_test Anmeldung für Lesepat:innen Leipzig")


def test_logging_unknown_format_is_refused():
    result = run_logging(LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json, not 'xml'" in result.stderr
