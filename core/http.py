"""HTTP helpers: content negotiation, conditional requests, JSON inside HTML."""

import json

from django.utils.http import parse_etags
from django.utils.safestring import mark_safe


def accepts_coding(header: str, coding: str) -> bool:
    """Whether an Accept-Encoding header admits `coding` (an explicit q=0 refuses it)."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in (coding, "*"):
            quality = params.strip().lower().removeprefix("q=").strip() if params else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return True
    return False


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header admits gzip (an explicit q=0 refuses it)."""
    return accepts_coding(header, "gzip")


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110, 13.1.2)."""
    tags = parse_etags(header)
    return "*" in tags or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in tags}


# As in Django's json_script: the JSON cannot close the <script> element it sits in.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> str:
    # The JSON cannot close its <script> element: <, > and & are escaped above, as json_script
    # does.
    safe_json = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(safe_json)  # noqa: S308  # nosec B308 B703: <, >, & escaped above
