"""The header cell of a table sorted by link (core/sorting.py)."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/sort_header.html")
def sort_header(sort, key, label, numeric=False):
    """`{% sort_header sort "age" _("Age") numeric=True %}`: a column header whose link sorts the
    list by `key` (again: the reverse), with aria-sort where the list is sorted by it."""
    direction = sort.direction(key)
    return {
        "label": label,
        "query": sort.link(key),
        "direction": direction,
        "numeric": numeric,
    }
