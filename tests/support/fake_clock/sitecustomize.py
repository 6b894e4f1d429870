"""The clock of FAKE_NOW, for pytest and every Python process a test starts.

`make test FAKE_NOW=2026-12-07T10:00:00+01:00` runs the suite as if it were that instant: the
clock starts there when the session starts and then runs on (time-machine, tick=True). A naive
value is read as Europe/Berlin time (in a repeated hour, the first one). tests/conftest.py puts
this folder on the PYTHONPATH of every process a test starts (Celery workers,
gunicorn, manage.py), so Python loads this file first in each of them; FAKE_NOW_STARTED (the real
time at which the session started) puts them all on the same fake clock.
"""

import contextlib
import os
import time
from datetime import datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Berlin")
# The travel of this process, once started.
traveller = None


def fake_now(value: str) -> datetime:
    """The instant of a FAKE_NOW value (ISO 8601, e.g. 2027-03-28T02:30:00+01:00)."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZONE)


def start() -> datetime | None:
    """Start this process's clock at FAKE_NOW plus the real time since the session started."""
    global traveller
    value = os.environ.get("FAKE_NOW", "").strip()
    if not value or traveller is not None:
        return None
    import time_machine

    started = float(os.environ.setdefault("FAKE_NOW_STARTED", repr(time.time())))
    moment = fake_now(value)
    destination = moment.timestamp() + (time.time() - started)
    traveller = time_machine.travel(destination, tick=True)
    traveller.start()
    return moment


# A Python without time-machine (not the project's .venv) keeps its real clock.
with contextlib.suppress(ImportError):
    start()
