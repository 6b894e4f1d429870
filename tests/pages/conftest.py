import io

import pytest
from django.contrib.flatpages.models import FlatPage
from PIL import Image

from pages import services


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_page(url, title, content="Text.", *, published=True, position=0):
    return services.page_save(
        page=FlatPage(url=url, title=title, content=content),
        published=published,
        position=position,
    )


def png_bytes(size=(100, 50), colour=(200, 30, 30), fmt="PNG", **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt, **options)
    return buffer.getvalue()
