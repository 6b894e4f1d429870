import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pages import services
from pages.models import Partner
from tests.factories import UserFactory
from tests.pages.conftest import make_page, png_bytes

pytestmark = pytest.mark.django_db


def upload(data, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def save_partner(logo, **fields):
    partner = Partner(name=fields.pop("name", "Stiftung"), logo_alt="Stiftung Logo", **fields)
    return services.partner_save(partner=partner, logo=logo)


def stored_image(partner):
    with partner.logo.open("rb") as stored, Image.open(stored) as image:
        image.load()
        return image.format, image.size, image.info


def test_small_png_is_kept_in_size_and_encoded_anew():
    data = png_bytes((120, 60))
    partner = save_partner(upload(data))

    fmt, size, _info = stored_image(partner)
    assert (fmt, size) == ("PNG", (120, 60))
    assert (partner.logo_width, partner.logo_height) == (120, 60)
    assert partner.logo.name.startswith("partners/logo")
    assert partner.logo.name.endswith(".png")


def test_large_logo_is_made_smaller_keeping_its_proportions():
    partner = save_partner(upload(png_bytes((1600, 400))))

    assert stored_image(partner)[1] == (400, 100)
    assert (partner.logo_width, partner.logo_height) == (400, 100)


def test_tall_logo_is_limited_by_its_height():
    partner = save_partner(upload(png_bytes((300, 600))))

    assert stored_image(partner)[1] == (100, 200)


def test_jpeg_stays_jpeg_without_its_metadata():
    exif = Image.Exif()
    exif[0x010E] = "Geheime Beschreibung"  # ImageDescription
    data = png_bytes((800, 400), fmt="JPEG", exif=exif.tobytes())

    partner = save_partner(upload(data, "foto.jpeg", "image/jpeg"))

    fmt, size, info = stored_image(partner)
    assert (fmt, size) == ("JPEG", (400, 200))
    assert "exif" not in info
    assert partner.logo.name.endswith(".jpg")


def test_webp_is_accepted():
    partner = save_partner(upload(png_bytes((50, 50), fmt="WEBP"), "logo.webp", "image/webp"))

    assert stored_image(partner)[0] == "WEBP"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Das ist kein Bild, nur Text.", "logo.png"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
        ),
        (png_bytes((40, 40), fmt="GIF"), "logo.gif"),
        (png_bytes((40, 40), fmt="BMP"), "logo.bmp"),
        (png_bytes((40, 40))[:60], "kaputt.png"),
    ],
    ids=["text", "svg", "gif", "bmp", "truncated"],
)
def test_what_is_not_a_jpeg_png_or_webp_is_refused(data, name):
    with pytest.raises(ValidationError) as error:
        save_partner(upload(data, name))

    assert error.value.message_dict == {
        "logo": ["Bitte laden Sie ein Bild im Format JPEG, PNG oder WebP hoch."]
    }
    assert Partner.objects.count() == 0


def test_logo_over_2_mb_is_refused():
    data = png_bytes((10, 10)) + b"\0" * (2 * 1024 * 1024)

    with pytest.raises(ValidationError) as error:
        save_partner(upload(data))

    assert error.value.message_dict == {"logo": ["Das Logo darf höchstens 2 MB groß sein."]}


def test_image_with_too_many_pixels_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (6000, 6000)).save(buffer, format="PNG")  # small file, 36 million pixels

    with pytest.raises(ValidationError) as error:
        save_partner(upload(buffer.getvalue()))

    assert error.value.message_dict == {"logo": ["Das Bild hat zu viele Pixel."]}


def test_partner_without_alt_text_is_refused():
    partner = Partner(name="Stiftung", logo_alt="")

    with pytest.raises(ValidationError) as error:
        services.partner_save(partner=partner, logo=upload(png_bytes()))

    assert "logo_alt" in error.value.message_dict
    assert Partner.objects.count() == 0


def test_replacing_a_logo_removes_the_old_file(django_capture_on_commit_callbacks):
    partner = save_partner(upload(png_bytes(), "alt.png"))
    old = partner.logo.name
    storage = partner.logo.storage

    with django_capture_on_commit_callbacks(execute=True):
        services.partner_save(partner=partner, logo=upload(png_bytes(), "neu.png"))

    assert not storage.exists(old)
    assert storage.exists(partner.logo.name)


def test_footer_shows_published_partners_only_by_kind(client):
    make_page("/ueber-mentoring/", "Über soziales Mentoring")
    save_partner(upload(png_bytes()), name="Ministerium", kind=Partner.Kind.FUNDER,
                 url="https://ministerium.example.org/")  # fmt: skip
    save_partner(upload(png_bytes()), name="Stiftung", kind=Partner.Kind.PARTNER)
    save_partner(upload(png_bytes()), name="Verborgen", published=False)

    response = client.get("/en/ueber-mentoring/")
    groups = response.context["footer_partners"]
    html = response.content.decode()

    assert [p.name for p in groups["funders"]] == ["Ministerium"]
    assert [p.name for p in groups["partners"]] == ["Stiftung"]
    assert '<h2 id="footer-funders">Funded by</h2>' in html
    assert '<h2 id="footer-partners">Partners</h2>' in html
    assert (
        '<a href="https://ministerium.example.org/" rel="noopener"><img src="/media/partners/'
        in html
    )
    assert html.count('alt="Stiftung Logo"') == 2


def test_footer_without_partners_shows_no_partner_section(client):
    make_page("/ueber-mentoring/", "Über soziales Mentoring")

    html = client.get("/ueber-mentoring/").content.decode()

    assert "partner-groups" not in html


def test_pages_outside_this_app_make_no_partner_query(client, django_assert_num_queries):
    save_partner(upload(png_bytes()), name="Ministerium")

    with django_assert_num_queries(0):
        html = client.get("/en/mitmachen/").content.decode()

    assert "Ministerium" not in html


# --- Admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_upload_goes_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/pages/partner/add/",
        {
            "name": "Stiftung Bürgerengagement",
            "kind": "partner",
            "logo": upload(png_bytes((1000, 1000))),
            "logo_alt": "Stiftung Bürgerengagement",
            "url": "stiftung.example.org",
            "position": 0,
            "published": "on",
        },
    )

    assert response.status_code == 302
    partner = Partner.objects.get()
    assert stored_image(partner)[1] == (200, 200)
    assert partner.url == "https://stiftung.example.org"


def test_admin_refuses_a_fake_image_at_the_field(admin_client):
    response = admin_client.post(
        "/admin/pages/partner/add/",
        {
            "name": "Stiftung",
            "kind": "partner",
            "logo": upload(b"kein Bild", "logo.png"),
            "logo_alt": "Stiftung",
            "position": 0,
        },
    )

    assert response.status_code == 200
    assert "logo" in response.context["adminform"].form.errors
    assert Partner.objects.count() == 0


def test_admin_changes_a_partner_without_a_new_logo(admin_client):
    partner = save_partner(upload(png_bytes((120, 60))))

    response = admin_client.post(
        f"/admin/pages/partner/{partner.pk}/change/",
        {"name": "Neuer Name", "kind": "funder", "logo_alt": "Logo", "position": 2},
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.kind, partner.published) == ("Neuer Name", "funder", False)
    assert (partner.logo_width, partner.logo_height) == (120, 60)
