"""The security headers and settings of QUALITY.md, "Security and privacy"."""

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
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert policy[feature] == "()"


def test_permissions_policy_also_on_static_files_and_geojson(client):
    geojson = client.get("/karte/programme.geojson")

    assert "geolocation=()" in geojson["Permissions-Policy"]


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
