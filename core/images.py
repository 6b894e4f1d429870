"""Uploaded images, checked and encoded anew before they are stored.

An upload is trusted for nothing: not its name, not its content type. Pillow must recognise the
bytes as JPEG, PNG or WebP; the image is then decoded and written anew, which drops EXIF (camera,
GPS position, time), comments and anything smuggled behind the picture data.
"""

import io
import warnings
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Far more than any photo; refuses decompression bombs before Pillow decodes them.
MAX_PIXELS = 25_000_000
# Pillow's format name → the extension and the options it is written anew with.
FORMATS = {
    "PNG": ("png", {"optimize": True}),
    "JPEG": ("jpg", {"quality": 85, "optimize": True}),
    "WEBP": ("webp", {"quality": 85}),
}


class TooLarge(ValidationError):
    """The file has more bytes than allowed (the caller names the limit in its own words)."""


def image_reencode(upload, *, max_bytes: int, max_size: tuple[int, int], stem: str) -> ContentFile:
    """The upload as a new JPEG, PNG or WebP file of at most `max_size` pixels, without metadata.

    Raises TooLarge over `max_bytes`, ValidationError for anything that is not such an image.
    SVG is refused: it can carry scripts, and Pillow does not read it anyway.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise TooLarge("too large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge("too large")
    refused = ValidationError(_("Please upload a JPEG, PNG or WebP image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(_("The image has too many pixels."))
                probe.verify()
            # verify() leaves the image unusable: open it again to decode it.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as error:  # fmt: skip
        raise refused from error
    if kind not in FORMATS:
        raise refused
    extension, options = FORMATS[kind]
    try:
        if kind == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        elif kind != "JPEG" and image.mode not in ("RGB", "RGBA", "L", "LA"):
            # Palette and 16-bit images: resized smoothly only in full colour.
            image = image.convert("RGBA")
        image.thumbnail(max_size, Image.Resampling.LANCZOS)
        # Only the pixels go into the new file: no EXIF, ICC, XMP or text chunks.
        image.info = {}
        output = io.BytesIO()
        image.save(output, format=kind, **options)
    except (OSError, ValueError) as error:
        raise refused from error
    name = slugify(Path(upload.name or stem).stem)[:60] or stem
    return ContentFile(output.getvalue(), name=f"{name}.{extension}")
