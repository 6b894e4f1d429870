"""/healthz (liveness: can this web process serve pages?) and /healthz/ready (readiness of the
installation: database, broker, the scheduler's heartbeat)."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from notifications import services
from notifications.models import ScanHeartbeat

ROOT = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:1/0"
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def heartbeat(seconds_ago: float) -> None:
    ScanHeartbeat.objects.create(completed_at=NOW - timedelta(seconds=seconds_ago))


@pytest.mark.django_db
def test_healthz_ok_without_broker(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_200_while_the_broker_is_down(client, settings):
    # Every page is served while Redis is down: a balancer must not take the web out for it.
    settings.REDIS_URL = DEAD_REDIS

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_ready_without_broker_reports_eager_tasks(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "scheduler": "eager",
    }


@pytest.mark.clock
@pytest.mark.django_db
def test_ready_503_when_broker_down(client, settings, clock):
    settings.REDIS_URL = DEAD_REDIS
    heartbeat(seconds_ago=30)

    response = client.get("/healthz/ready")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "down",
        "scheduler": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.clock
@pytest.mark.redis
@pytest.mark.django_db
def test_ready_ok_with_real_redis_and_a_recent_scan(client, settings, redis_url, clock):
    settings.REDIS_URL = redis_url
    settings.NOTIFICATION_SCAN_STALE_SECONDS = 180
    heartbeat(seconds_ago=179)

    response = client.get("/healthz/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "scheduler": "ok"}


@pytest.mark.clock
@pytest.mark.redis
@pytest.mark.django_db
@pytest.mark.parametrize("seconds_ago", [181, None])
def test_ready_503_when_the_last_scan_is_stale_or_never_was(
    client, settings, redis_url, clock, seconds_ago
):
    settings.REDIS_URL = redis_url
    settings.NOTIFICATION_SCAN_STALE_SECONDS = 180
    if seconds_ago is not None:
        heartbeat(seconds_ago=seconds_ago)

    response = client.get("/healthz/ready")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "ok",
        "scheduler": "stale",
    }


@pytest.mark.clock
@pytest.mark.django_db
def test_every_scan_records_its_completion_as_the_heartbeat(clock):
    services.scan()
    first = ScanHeartbeat.objects.get().completed_at
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        services.scan()

    assert first == NOW
    assert ScanHeartbeat.objects.get().completed_at == NOW + timedelta(minutes=1)


@pytest.mark.django_db
def test_both_checks_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""

    assert client.get("/impressum/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/ready").status_code == 200


def _in_subprocess(path: str, **env_overrides):
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        f"r = Client(HTTP_HOST='127.0.0.1').get({path!r});"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentoring.settings", **env_overrides}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_both_checks_503_when_database_port_dead():
    env = {
        "DATABASE_URL": "postgres://mentoring@127.0.0.1:1/mentoring",
        "REDIS_URL": "",
        "DEBUG": "true",
    }

    assert _in_subprocess("/healthz", **env) == {
        "status": 503,
        "body": {"status": "unavailable", "database": "down"},
    }
    assert _in_subprocess("/healthz/ready", **env) == {
        "status": 503,
        "body": {
            "status": "unavailable",
            "database": "down",
            "broker": "eager",
            "scheduler": "unknown",
        },
    }
