"""Lists sorted by their column headers' links: an allow-list of orderings per list."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.http import QueryDict

PARAM = "sort"


def _descending(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


@dataclass(frozen=True)
class Sorting:
    """A list's orderings: each column's key (`?sort=key`, `?sort=-key` for the reverse) names the
    fields it orders by, ascending. Anything not in `columns` is ignored: the default stays."""

    columns: dict[str, tuple[str, ...]]
    default: str

    def allows(self, value) -> bool:
        return isinstance(value, str) and value.removeprefix("-") in self.columns

    def current(self, data: QueryDict) -> str:
        value = data.get(PARAM, "")
        return value if self.allows(value) else self.default

    def order_by(self, value: str) -> list[str]:
        """The `order_by` fields of a key, with the primary key last, so pages do not overlap."""
        if not self.allows(value):
            value = self.default
        fields = list(self.columns[value.removeprefix("-")])
        if value.startswith("-"):
            fields = [_descending(field) for field in fields]
            return [*fields, "-pk"]
        return [*fields, "pk"]

    def apply(self, queryset, data: QueryDict):
        return queryset.order_by(*self.order_by(self.current(data)))

    def bind(self, data: QueryDict) -> "SortState":
        return SortState(current=self.current(data), data=data)


@dataclass(frozen=True)
class SortState:
    """What a table's header needs: the order shown and the request's other parameters."""

    current: str
    data: QueryDict

    def link(self, key: str) -> str:
        """The query string that sorts by `key`, or reverses it where it is the order shown. The
        filters stay; the page does not (page 3 of another order is no place to be)."""
        query = self.data.copy()
        query.pop("page", None)
        query[PARAM] = f"-{key}" if self.current == key else key
        return query.urlencode()

    def direction(self, key: str) -> str:
        if self.current == key:
            return "ascending"
        if self.current == f"-{key}":
            return "descending"
        return ""


class SortFilter(django_filters.OrderingFilter):
    """django-filter's OrderingFilter as the `sort` parameter of a list with a FilterSet, ordered
    by a Sorting; a hidden input in the filter form keeps the order when the filters change."""

    def __init__(self, *, sorting: Sorting, **kwargs):
        self.sorting = sorting
        kwargs["fields"] = [(key, key) for key in sorting.columns]
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs.order_by(*self.sorting.order_by(value[0] if value else self.sorting.default))


class SortedFilterSetMixin:
    """Drops an unknown `sort` value before validation: a stale or hand-made link shows the list in
    its default order instead of "the filter is not valid"."""

    def __init__(self, data=None, *args, **kwargs):
        sort = type(self).base_filters.get(PARAM)
        if data is not None and isinstance(sort, SortFilter):
            values = data.getlist(PARAM) if hasattr(data, "getlist") else [data.get(PARAM)]
            if PARAM in data and (len(values) != 1 or not sort.sorting.allows(values[0])):
                data = data.copy()
                data.pop(PARAM)
        super().__init__(data, *args, **kwargs)

    @property
    def sort_state(self) -> SortState:
        sorting = self.filters[PARAM].sorting
        return sorting.bind(self.data if self.data is not None else QueryDict())
