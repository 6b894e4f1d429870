"""Program images: only real JPEG, PNG or WebP, at most 5 MB, stored encoded anew."""

import io

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import RequestFactory
from PIL import Image

from programs import services
from programs.models import Program
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo_bytes(size=(2000, 1000), fmt="JPEG", exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    tags = Image.Exif()
    tags[0x010F] = "Kamerahersteller"  # Make
    tags[0x0132] = "2026:03:02 08:00:00"  # DateTime
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"exif": tags.tobytes()} if exif else {}))
    return buffer.getvalue()


def upload(data, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_photo_is_encoded_anew_smaller_and_without_exif():
    original = photo_bytes()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif()[0x010F] == "Kamerahersteller"

    processed = services.program_image_process(upload(original))

    with Image.open(io.BytesIO(processed.read())) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 800))
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert processed.name == "foto.jpg"


def test_html_with_an_image_name_is_refused_in_german():
    page = b"<html><body><script>alert(1)</script></body></html>"

    with pytest.raises(ValidationError) as error:
        services.program_image_process(upload(page, "bild.png", "image/png"))

    assert error.value.message_dict == {
        "image": ["Bitte laden Sie ein Bild im Format JPEG, PNG oder WebP hoch."]
    }


def test_image_over_5_mb_is_refused_in_german():
    big = upload(b"\xff\xd8" + b"0" * (5 * 1024 * 1024), "gross.jpg")

    with pytest.raises(ValidationError) as error:
        services.program_image_process(big)

    assert error.value.message_dict == {"image": ["Das Bild darf höchstens 5 MB groß sein."]}


def admin_form(program, image):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = admin.site._registry[Program].get_form(request, obj=program)
    data = {
        name: ("" if value is None else [item.pk for item in value] if isinstance(value, list)
               else value)
        for name, value in model_to_dict(program).items()
        if name != "image"
    }  # fmt: skip
    return form_class(data, {"image": image}, instance=program)


def test_admin_stores_the_program_image_encoded_anew():
    program = ProgramFactory()
    form = admin_form(program, upload(photo_bytes(), "Sommerfest im Park.jpg"))

    assert form.errors == {}
    form.save()

    program.refresh_from_db()
    assert program.image.name == "programs/sommerfest-im-park.jpg"
    with program.image.open("rb") as stored, Image.open(stored) as image:
        assert (image.size, dict(image.getexif())) == ((1600, 800), {})


def test_admin_refuses_html_named_as_image_and_keeps_the_program():
    program = ProgramFactory()
    form = admin_form(program, upload(b"<html>kein Bild</html>", "bild.png", "image/png"))

    assert form.is_valid() is False
    assert list(form.errors) == ["image"]
    assert Program.objects.get(pk=program.pk).image.name == ""
