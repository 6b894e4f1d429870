"""The production mode, run as operators run it: DEBUG off, settings only from the environment."""

import os
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.production import PYTHON, ROOT, manage, production_env


def test_check_deploy_passes_with_only_the_documented_variables(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_refuses_to_serve_without_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    deploy = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    serve = subprocess.run(
        [PYTHON, "-c", "import mentoring.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert deploy.returncode != 0
    assert "SECRET_KEY" in deploy.stdout + deploy.stderr
    assert serve.returncode != 0
    assert "The SECRET_KEY setting must not be empty." in serve.stderr


def test_offline_commands_need_no_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = manage(env, "makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stderr


def test_operator_address_breaks_lines_where_the_environment_says_backslash_n(tmp_path):
    # systemd's EnvironmentFile and .env both hold one line per variable.
    env = production_env(tmp_path, OPERATOR_ADDRESS=r"Musterstraße 1\n04109 Leipzig")
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(repr(settings.OPERATOR['address']))"

    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.stdout == "'Musterstraße 1\\n04109 Leipzig'\n", result.stderr


def test_uploads_stay_readable_for_the_web_server_under_the_units_umask(tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path / "media")
    before = os.umask(0o027)  # the systemd units' UMask
    try:
        name = storage.save("partners/logo.png", ContentFile(b"\x89PNG"))
    finally:
        os.umask(before)

    modes = [oct((tmp_path / "media" / path).stat().st_mode & 0o777) for path in ("", "partners")]
    assert modes == ["0o755", "0o755"]
    assert oct(Path(storage.path(name)).stat().st_mode & 0o777) == "0o644"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """gunicorn terminating TLS itself with a self-signed certificate, in production mode. One
    server for the module (its tests only read): migrate and collectstatic take most of a minute
    on a busy machine."""
    tmp_path = tmp_path_factory.mktemp("tls")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    env = production_env(tmp_path)
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        result = manage(env, *command)
        assert result.returncode == 0, result.stderr
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "mentoring.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--certfile", str(cert), "--keyfile", str(key)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"https://127.0.0.1:{port}"
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", context=context, timeout=2)
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    yield base, context
    server.terminate()
    server.wait(timeout=10)
    log.close()


def test_gunicorn_with_tls_serves_pages_with_security_headers(tls_server):
    base, context = tls_server

    response = urllib.request.urlopen(f"{base}/konto/login/", context=context, timeout=10)

    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    csrf_cookie = next(
        c for c in response.headers.get_all("Set-Cookie") if c.startswith("csrftoken=")
    )
    assert "Secure" in csrf_cookie
    assert "HttpOnly" in csrf_cookie


@pytest.mark.parametrize("path", ["/", "/programme/", "/karte/", "/karte/einbetten/", "/en/karte/"])
def test_production_pages_find_all_their_static_files(tls_server, path):
    base, context = tls_server

    response = urllib.request.urlopen(f"{base}{path}", context=context, timeout=10)

    assert response.status == 200


def test_gunicorn_with_tls_serves_hashed_compressed_static(tls_server):
    base, context = tls_server
    html = urllib.request.urlopen(f"{base}/", context=context, timeout=10).read().decode()
    css_path = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]

    request = urllib.request.Request(f"{base}{css_path}", headers={"Accept-Encoding": "gzip"})
    response = urllib.request.urlopen(request, context=context, timeout=10)

    assert css_path.startswith("/static/css/portal.") and css_path != "/static/css/portal.css"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
