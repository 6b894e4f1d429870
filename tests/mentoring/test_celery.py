import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import clear_expired_sessions
from mentoring.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_celery_never_loses_a_task_of_a_killed_worker():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit == 120


def test_beat_schedule_tasks_exist():
    app.loader.import_default_modules()

    missing = [
        entry["task"] for entry in app.conf.beat_schedule.values() if entry["task"] not in app.tasks
    ]

    assert missing == []


@pytest.mark.django_db
def test_clear_expired_sessions_keeps_live_ones():
    now = timezone.now()
    Session.objects.create(session_key="alt", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="neu", session_data="", expire_date=now + timedelta(days=1))

    deleted = clear_expired_sessions.delay().get()

    assert deleted == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["neu"]


def test_tasks_without_redis_queue_with_no_broker_warning(tmp_path):
    # Celery takes a producer from its pool even for a task it runs eagerly; a broker URL without
    # a host made kombu warn "No hostname was supplied" in the quickstart's console.
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(DEBUG="true", DJANGO_SETTINGS_MODULE="mentoring.settings")
    code = (
        "import django; django.setup()\n"
        "from mentoring.celery import app\n"
        "with app.producer_or_acquire() as producer: print(producer.connection.transport_cls)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert (result.returncode, result.stdout) == (0, "memory\n")
    assert "hostname" not in result.stderr


@pytest.mark.redis
def test_worker_starts_against_redis_and_answers(tmp_path, redis_url):
    # The database of REDIS_URL, as every test uses; a queue of its own keeps this worker away
    # from the tasks of anything else on it (the ping goes to its name, not through a queue).
    queue = f"ping-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    hostname = f"test-{os.getpid()}@localhost"
    log = (tmp_path / "worker.log").open("w")
    celery = [sys.executable, "-m", "celery", "-A", "mentoring"]
    worker = subprocess.Popen(
        [*celery, "worker", "--pool=solo", "-n", hostname, "-Q", queue, "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        answer = ""
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and "pong" not in answer:
            result = subprocess.run(
                [*celery, "inspect", "ping", "-d", hostname, "-t", "2"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            )
            answer = result.stdout
        assert "pong" in answer
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
