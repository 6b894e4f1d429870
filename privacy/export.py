"""A person's data as a ZIP: one JSON file per part of the registry and a readable HTML summary.

One query per part (plus one per many-to-many field), whatever the amount of data. JSON carries
the stored values (dates in ISO 8601, choices as their codes); the summary shows them as people
read them (labels, local dates) in the language of the request.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.selectors import by_verified_address

from .registry import Part, mentee_parts, user_parts


@dataclass
class Section:
    part: Part
    headers: list[str]
    rows: list[dict]  # field name -> stored value, for the JSON file
    shown: list[list[str]]  # the same rows as text, for the summary


def _queryset(part: Part, person):
    queryset = part.model._default_manager.all()
    if part.by_email:
        queryset = queryset.filter(by_verified_address(person, field=part.path))
    elif part.path == "pk":
        queryset = queryset.filter(pk=person.pk)
    else:
        queryset = queryset.filter(**{part.path: person})
    if part.filter is not None:
        queryset = queryset.filter(part.filter)
    fields = [part.model._meta.get_field(name) for name in part.fields]
    related = [
        f.name
        for f, name in zip(fields, part.fields, strict=True)
        if (f.many_to_one or f.one_to_one) and name == f.name
    ]
    many = [f.name for f in fields if f.many_to_many]
    return queryset.select_related(*related).prefetch_related(*many).order_by("pk")


def _stored(obj, field, name: str) -> object:
    if name == field.attname != field.name:
        # A record of its own elsewhere in the export ("tandem_id"): its number.
        return getattr(obj, name)
    if field.many_to_many:
        return [str(item) for item in getattr(obj, field.name).all()]
    if field.many_to_one or field.one_to_one:
        related = getattr(obj, field.name)
        return None if related is None else str(related)
    return field.value_from_object(obj)


def _shown(obj, field, value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if field.choices and not field.is_relation:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, (date, time)):
        return formats.localize(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def sections(parts: list[Part], person) -> list[Section]:
    found = []
    for part in parts:
        if part.confidential:
            continue  # never in a self-service export, whoever passes it (registry.py)
        fields = [part.model._meta.get_field(name) for name in part.fields]
        rows, shown = [], []
        for obj in _queryset(part, person):
            values = [
                _stored(obj, field, name) for field, name in zip(fields, part.fields, strict=True)
            ]
            rows.append({"id": obj.pk, **dict(zip(part.fields, values, strict=True))})
            shown.append(
                [_shown(obj, field, value) for field, value in zip(fields, values, strict=True)]
            )
        headers = [str(field.verbose_name) for field in fields]
        found.append(Section(part, headers, rows, shown))
    return found


def _zip(found: list[Section], *, title: str, person_label: str) -> bytes:
    created = timezone.now()
    summary = render_to_string(
        "privacy/export_summary.html",
        {
            "title": title,
            "person_label": person_label,
            "sections": found,
            "created": created,
            "site_url": settings.SITE_URL,
        },
    )
    meta = {
        "created_at": created,
        "portal": settings.SITE_URL,
        "parts": [
            {
                "file": f"daten/{section.part.label}.json",
                "title": str(section.part.title),
                "rows": len(section.rows),
            }
            for section in found
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("uebersicht.html", summary)
        archive.writestr("export.json", json.dumps(meta, cls=DjangoJSONEncoder, indent=2))
        for section in found:
            archive.writestr(
                f"daten/{section.part.label}.json",
                json.dumps(section.rows, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            )
    return buffer.getvalue()


def user_export(*, user) -> bytes:
    return _zip(
        sections(user_parts(confidential=False), user),
        title=_("Your data in the Mentoring-Portal"),
        person_label=user.email,
    )


def mentee_export(*, mentee) -> bytes:
    return _zip(
        sections(mentee_parts(confidential=False), mentee),
        title=_("Data of a mentee in the Mentoring-Portal"),
        person_label=f"{mentee.first_name} ({mentee.program})",
    )
