"""FAKE_NOW (tests/support/fake_clock): any instant for the run, and nothing that reads the
database's clock, which no fake reaches."""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.db.models import NOT_PROVIDED
from django.db.models.functions import Now

from tests.support import fake_clock
from tests.support.fake_clock.sitecustomize import fake_now

ROOT = Path(__file__).resolve().parents[2]
FOLDER = Path(fake_clock.__file__).parent
pytestmark = pytest.mark.clock


def test_no_model_takes_a_default_from_the_database_clock():
    # PostgreSQL's now() stays at the real time under FAKE_NOW: times come from Python.
    defaults = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED
        and "Now" in repr(field.db_default)
    ]
    assert defaults == []
    assert Now  # the expression the check looks for


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-07T10:00:00+01:00", datetime(2026, 12, 7, 9, 0, tzinfo=UTC)),
        # Without an offset: Berlin time; in the skipped hour CET's offset, in the repeated
        # hour the first pass (CEST).
        ("2027-03-28T02:30:00", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        ("2027-10-31T02:30:00", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        ("2028-02-29T12:00:00Z", datetime(2028, 2, 29, 12, 0, tzinfo=UTC)),
    ],
)
def test_fake_now_reads_an_iso_instant(value, expected):
    assert fake_now(value).astimezone(UTC) == expected


def real_time() -> float:
    hatch = time_machine.escape_hatch
    return hatch.time.time() if hatch.is_travelling() else time.time()


def test_a_started_process_shares_the_runs_fake_clock():
    # As tests/conftest.py sets it for the processes tests start: the clock started at FAKE_NOW
    # a minute ago (FAKE_NOW_STARTED) has run on for that minute in the child.
    env = {
        **os.environ,
        "FAKE_NOW": "2027-12-31T23:30:00+01:00",
        # The real time, also when this run itself has a FAKE_NOW.
        "FAKE_NOW_STARTED": repr(real_time() - 60),
        "PYTHONPATH": str(FOLDER),
    }
    code = "import json, time; print(json.dumps(time.time()))"

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    seen = datetime.fromtimestamp(json.loads(result.stdout), tz=UTC)
    expected = datetime(2027, 12, 31, 22, 31, tzinfo=UTC)
    assert abs((seen - expected).total_seconds()) < 30
