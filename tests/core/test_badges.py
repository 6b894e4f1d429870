"""Badges for statuses: every status of every app has its colour, one colour per meaning."""

from collections import defaultdict

import pytest
from django.apps import apps
from django.template import Context, Template

from core.badges import SAME_WORD_OTHER_MEANING, STATUS_BADGES, VARIANTS, badge_variant
from events.models import Registration
from programs.models import Program
from tandems.models import Concern

OUR_APPS = {"accounts", "audit", "core", "events", "news", "notifications", "pages", "privacy"}
OUR_APPS |= {"programs", "tandems", "network"}


def _status_fields():
    """Every field of our models that holds a status: named status or availability, with choices."""
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.get_fields():
            if getattr(field, "choices", None) and field.name in ("status", "availability"):
                yield model, field


def test_every_status_field_of_every_app_has_badges():
    found = {(model._meta.label, field.name) for model, field in _status_fields()}
    # The outbox's state is a status too, under another name (federal "state"s are not).
    found.add(("notifications.Notification", "state"))
    assert found == set(STATUS_BADGES)
    assert len(found) >= 13


@pytest.mark.parametrize(("label", "field_name"), list(STATUS_BADGES))
def test_each_status_has_a_known_variant(label, field_name):
    field = apps.get_model(label)._meta.get_field(field_name)
    variants = STATUS_BADGES[(label, field_name)]
    assert set(variants) == {value for value, _label in field.choices}
    assert set(variants.values()) <= set(VARIANTS)


def test_one_colour_per_status_across_apps():
    seen = defaultdict(set)
    for variants in STATUS_BADGES.values():
        for value, variant in variants.items():
            seen[value].add(variant)
    mixed = {value for value, variants in seen.items() if len(variants) > 1}
    assert mixed == SAME_WORD_OTHER_MEANING
    assert seen["cancelled"] == {"danger"}
    assert seen["published"] == {"ok"}
    assert seen["review"] == {"pending"}


def test_badge_variant_follows_the_mapping():
    assert badge_variant(Program(status="review")) == "pending"
    assert badge_variant(Program(availability="open"), "availability") == "ok"
    assert badge_variant(Concern(status="open")) == "danger"


@pytest.mark.usefixtures("english")
def test_status_badge_shows_the_text_with_the_colour():
    template = Template("{% load badges %}{% status_badge program %}")
    assert template.render(Context({"program": Program(status="published")})) == (
        '<span class="badge badge-ok">Published</span>'
    )


@pytest.mark.usefixtures("english")
def test_status_badge_takes_another_field_and_label():
    template = Template(
        '{% load badges %}{% status_badge program "availability" %}'
        '{% status_badge registration label="not confirmed yet" %}'
    )
    context = Context(
        {
            "program": Program(availability="waitlist"),
            "registration": Registration(status="waiting"),
        }
    )
    assert template.render(context) == (
        '<span class="badge badge-pending">Waiting list</span>'
        '<span class="badge badge-pending">Not confirmed yet</span>'
    )
