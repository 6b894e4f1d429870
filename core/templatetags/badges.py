"""{% status_badge object %}: a status as a badge of its colour, with its text (core/badges.py)."""

from django import template

from core.badges import badge_variant

register = template.Library()


@register.inclusion_tag("includes/badge.html")
def status_badge(obj, field="status", label=None):
    """The badge of a model's status field; `label` replaces the field's display text."""
    if label is None:
        label = getattr(obj, f"get_{field}_display")()
    return {"variant": badge_variant(obj, field), "label": label}
