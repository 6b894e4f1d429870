"""The security headers and settings of docs/quality.md, "Security and privacy"."""

import re
from pathlib import Path

import pytest

from tests.factories import EventFactory, ProgramFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.fixture
def pages():
    program = ProgramFactory()
    event = EventFactory()
    return ["/", "/programme/", program.get_absolute_url(), "/karte/", event.get_absolute_url(),
            "/konto/login/", "/en/datenschutz/"]  # fmt: skip


def test_content_security_policy_of_pages_admits_only_the_own_origin(client, pages):
    policies = {path: directives(client.get(path)["Content-Security-Policy"]) for path in pages}

    for path, policy in policies.items():
        assert policy["default-src"] == "'self'", path
        assert policy["script-src"] == "'self'", path
        assert policy["style-src"] == "'self'", path
        assert policy["object-src"] == "'none'", path
        assert policy["base-uri"] == "'self'", path
        assert policy["form-action"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'", path
        assert not any("unsafe-" in value for value in policy.values()), path


def test_embed_widget_alone_may_be_framed_by_partner_sites(client):
    embed = client.get("/karte/einbetten/")
    policy = directives(embed["Content-Security-Policy"])

    assert policy["frame-ancestors"] == "*"
    assert policy["script-src"] == "'self'"
    assert "X-Frame-Options" not in embed
    assert client.get("/karte/")["X-Frame-Options"] == "DENY"


def test_permissions_policy_denies_features_the_portal_never_uses(client, pages):
    headers = {client.get(path)["Permissions-Policy"] for path in [*pages, "/karte/einbetten/"]}

    assert len(headers) == 1
    policy = dict(item.split("=", 1) for item in headers.pop().split(", "))
    for feature in ("camera", "microphone", "payment", "usb", "browsing-topics"):
        assert policy[feature] == "()"
    # The map's "use my location" button, on the portal's own pages only.
    assert policy["geolocation"] == "(self)"


def test_permissions_policy_also_on_static_files_and_geojson(client):
    geojson = client.get("/karte/programme.geojson")

    assert "camera=()" in geojson["Permissions-Policy"]


def test_referrer_and_content_type_headers(client):
    response = client.get("/programme/")

    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_template_served_to_browsers_holds_inline_script_or_style():
    """E-mail templates are the exception: mail clients need inline styles, and no CSP applies.
    JSON data blocks (json_script, JSON-LD) are never executed, so the CSP allows them."""
    found = []
    for template in sorted(ROOT.glob("*/templates/**/*.html")) + sorted(
        (ROOT / "templates").glob("**/*.html")
    ):
        if "email" in template.parts or ".venv" in template.parts:
            continue
        html = template.read_text(encoding="utf-8")
        inline_script = re.search(
            r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json\"))", html
        )
        if inline_script or re.search(r"\sstyle=|<style|\son[a-z]+=\"", html):
            found.append(str(template.relative_to(ROOT)))

    assert found == []


# --- Sessions and the admin login ---------------------------------------------------------------


@pytest.mark.clock
def test_session_ends_eight_hours_after_sign_in_and_with_the_browser(client):
    import time_machine

    from tests.factories import PASSWORD, UserFactory

    UserFactory(email="mentorin@example.org")
    with time_machine.travel("2026-03-02 08:00 +0100", tick=False) as clock:
        response = client.post(
            "/konto/login/", {"login": "mentorin@example.org", "password": PASSWORD}
        )
        cookie = response.cookies["sessionid"]
        clock.move_to("2026-03-02 15:59 +0100")
        late_afternoon = client.get("/mein-bereich/").status_code
        clock.move_to("2026-03-02 16:01 +0100")
        evening = client.get("/mein-bereich/")

    assert cookie["max-age"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert late_afternoon == 200
    assert (evening.status_code, evening["Location"]) == (
        302,
        "/konto/login/?next=/mein-bereich/",
    )


def test_failed_admin_logins_are_rate_limited_like_every_login(client):
    from tests.factories import PASSWORD, UserFactory

    UserFactory(email="chefin@example.org", is_staff=True)
    admin_form = client.post(
        "/admin/login/?next=/admin/", {"username": "chefin@example.org", "password": "falsch"}
    )
    login_url = admin_form["Location"]

    failures = [
        client.post(login_url, {"login": "chefin@example.org", "password": f"falsch-{n}"})
        for n in range(10)
    ]
    right_password = client.post(login_url, {"login": "chefin@example.org", "password": PASSWORD})

    # The admin's own form checks no password: it sends everybody to allauth's login.
    assert (admin_form.status_code, login_url) == (302, "/konto/login/?next=%2Fadmin%2F")
    assert {response.status_code for response in failures} == {200}
    assert "Zu viele gescheiterte Anmeldeversuche" not in failures[-1].content.decode()
    assert right_password.status_code == 429
    assert "Zu viele gescheiterte Anmeldeversuche" in right_password.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_production_cookies_are_secure_httponly_and_same_site(tmp_path):
    from tests.support.production import manage, production_env

    names = [
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_AGE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT",
    ]  # fmt: skip
    script = f"from django.conf import settings; print([getattr(settings, n) for n in {names!r}])"

    result = manage(production_env(tmp_path), "shell", "--no-imports", "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        [True, True, "Lax", 28800, True, True, "Lax", 31536000, True]
    )
