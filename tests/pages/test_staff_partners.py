"""The network staff's page for funders and partners (/netzwerk/partner/): logos are checked
and encoded anew; a bad file gets a German message, never a 500."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pages.models import Partner
from tests.factories import UserFactory
from tests.pages.conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


def upload(data, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def partner_data(**changes):
    data = {
        "name": "Stiftung Bürgersinn",
        "kind": "funder",
        "logo_alt": "Stiftung Bürgersinn",
        "url": "https://stiftung.example.org",
        "position": "1",
        "published": "on",
    }
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def add(client, **changes):
    return client.post(
        "/netzwerk/partner/neu/", partner_data(**{"logo": upload(png_bytes((800, 200))), **changes})
    )


def test_staff_add_a_funder_with_a_logo_shown_in_the_footer_of_pages(client, staff):
    response = add(client)

    partner = Partner.objects.get()
    assert response["Location"] == "/netzwerk/partner/"
    assert (partner.logo_width, partner.logo_height) == (400, 100)
    with partner.logo.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (400, 100))
    assert partner.logo.url in client.get("/impressum/").content.decode()
    assert partner.logo.url in client.get("/netzwerk/partner/").content.decode()


def test_a_partner_needs_a_logo(client, staff):
    response = client.post("/netzwerk/partner/neu/", partner_data())

    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert Partner.objects.count() == 0


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        # A Windows program renamed to .png.
        (
            upload(b"MZ\x90\x00\x03" + b"\x00" * 500, "logo.png"),
            "Bitte ein gültiges Bild hochladen.",
        ),
        (upload(b"%PDF-1.4\n%%EOF", "logo.pdf", "application/pdf"), "Bitte ein gültiges Bild"),
        (
            upload(b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "l.svg"),
            "Bitte ein gültiges Bild",
        ),
        (
            upload(png_bytes((100, 50), fmt="GIF"), "logo.gif", "image/gif"),
            "Bitte laden Sie ein Bild im Format JPEG, PNG oder WebP hoch.",
        ),
        (upload(b"\x00" * (2 * 1024 * 1024 + 1)), "Bitte ein gültiges Bild"),
    ],
)
def test_a_bad_logo_gets_a_german_message_and_changes_nothing(client, staff, logo, message):
    response = add(client, logo=logo)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Partner.objects.count() == 0


def test_a_logo_over_2_mb_is_refused(client, staff):
    # A valid PNG with 2 MB of noise behind it.
    data = png_bytes((10, 10))
    large = upload(data + os.urandom(2 * 1024 * 1024))

    response = add(client, logo=large)

    assert Partner.objects.count() == 0
    assert "Das Logo darf höchstens 2 MB groß sein." in response.content.decode()


def test_edit_without_a_new_logo_keeps_it_and_a_new_logo_replaces_it(client, staff):
    add(client)
    partner = Partner.objects.get()
    first = partner.logo.name

    client.post(f"/netzwerk/partner/{partner.pk}/bearbeiten/", partner_data(name="Neuer Name"))
    partner.refresh_from_db()
    assert (partner.name, partner.logo.name) == ("Neuer Name", first)

    client.post(
        f"/netzwerk/partner/{partner.pk}/bearbeiten/",
        partner_data(logo=upload(png_bytes((200, 200)), "neu.png")),
    )
    partner.refresh_from_db()
    assert partner.logo.name != first
    assert (partner.logo_width, partner.logo_height) == (200, 200)


def test_staff_hide_a_partner(client, staff):
    add(client)
    partner = Partner.objects.get()

    client.post(f"/netzwerk/partner/{partner.pk}/bearbeiten/", partner_data(published=None))

    partner.refresh_from_db()
    assert partner.published is False
    assert partner.logo.url not in client.get("/impressum/").content.decode()


def test_staff_delete_a_partner_and_its_logo(client, staff, django_capture_on_commit_callbacks):
    add(client)
    partner = Partner.objects.get()
    storage, name = partner.logo.storage, partner.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/netzwerk/partner/{partner.pk}/loeschen/")

    assert Partner.objects.count() == 0
    assert storage.exists(name) is False


def test_a_line_break_and_a_script_in_the_name(client, staff):
    add(client, name="Stiftung\n<script>x</script>")

    listing = client.get("/netzwerk/partner/").content.decode()
    assert Partner.objects.get().name == "Stiftung <script>x</script>"
    assert "<script>x</script>" not in listing


def test_a_bad_link_is_refused(client, staff):
    response = add(client, url="javascript:alert(1)")

    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert Partner.objects.count() == 0


def test_list_query_count_does_not_grow(client, staff, django_assert_max_num_queries):
    add(client)
    with django_assert_max_num_queries(10):
        client.get("/netzwerk/partner/")
    for n in range(10):
        add(client, name=f"Partner {n}")
    with django_assert_max_num_queries(10):
        assert client.get("/netzwerk/partner/").status_code == 200


def test_volunteers_get_403_and_anonymous_the_login(client):
    assert client.get("/netzwerk/partner/neu/")["Location"].startswith("/konto/login/")
    client.force_login(UserFactory())
    assert client.post("/netzwerk/partner/neu/", partner_data()).status_code == 403
