"""Choosing units out of hundreds of thousands: a province registers 200,000 enterprises, and a
drop-down list of them all would be a page of twenty megabytes.

The form field keeps its queryset, which alone decides what may be chosen; its widget
(:class:`UnitSearch`) shows only the units already chosen and finds others by name, short name or
统一社会信用代码 as the user types (:func:`search`, through htmx). What the search offers comes
from a named source registered here by the app that owns the field, with the capability a user
needs to search it: the capability of the forms that use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from zhijiao.core.pages import require
from zhijiao.orgs.models import Unit
from zhijiao.orgs.roles import Capability

RESULTS = 20
SHORTEST_QUERY = 2  # characters: one Chinese character matches thousands of enterprises
LONGEST_QUERY = 100
NOT_WORD = re.compile(r"[^\w-]")

_sources: dict[str, tuple[Callable[[], QuerySet[Unit]], Capability]] = {}


def register(key: str, units: Callable[[], QuerySet[Unit]], capability: Capability) -> None:
    """Makes ``units()`` searchable under ``key`` by users holding ``capability``; a field's
    widget names the key."""
    if NOT_WORD.search(key):
        raise ValueError(f"unit search key {key!r}: letters, digits, - and _ only")
    _sources[key] = (units, capability)


def capabilities() -> set[Capability]:
    """What lets a user search at all: holding the capability of one source."""
    return {capability for _, capability in _sources.values()}


def matching(units: QuerySet[Unit], text: str) -> QuerySet[Unit]:
    """Units whose name or short name contains ``text``, or whose credit code it is."""
    text = text.strip()
    return units.filter(
        Q(name__icontains=text) | Q(short_name__icontains=text) | Q(credit_code=text.upper())
    )


class UnitSearch(forms.Widget):
    """The chosen units as removable chips (hidden inputs), and a search box for more."""

    template_name = "core/widgets/unit_search.html"

    def __init__(self, source: str, *, multiple: bool, attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        if source not in _sources:
            raise KeyError(f"no unit search registered as {source!r}")
        self.source = source
        self.multiple = multiple
        self.choices: Any = ()  # the field's ModelChoiceIterator, set with its queryset

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def chosen(self, values: Iterable[str]) -> list[tuple[str, str]]:
        """(value, label) of the chosen units that the field allows, in the order chosen."""
        wanted = [v for v in values if v.isdecimal()]
        queryset = getattr(self.choices, "queryset", None)
        if not wanted or queryset is None:
            return []
        field = self.choices.field
        found = {str(u.pk): field.label_from_instance(u) for u in queryset.filter(pk__in=wanted)}
        return [(v, found[v]) for v in dict.fromkeys(wanted) if v in found]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        url = reverse("admin:unit-search") + "?" + urlencode({"source": self.source})
        context["widget"].update(
            chosen=self.chosen(context["widget"]["value"]),
            multiple=self.multiple,
            search_url=url,
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            getlist = getattr(data, "getlist", None)
            return getlist(name) if getlist is not None else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        # Like a multiple select, an empty choice is not an omitted one.
        return False if self.multiple else name not in data

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_search" if id_ else id_


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The units of a registered source that match what the user typed, as choices."""
    require(request, *capabilities())
    key = request.GET.get("source", "")
    text = request.GET.get("q", "").strip()[:LONGEST_QUERY]
    units: list[Unit] = []
    more = False
    if key:
        if key not in _sources:
            raise Http404
        source, capability = _sources[key]
        require(request, capability)
        if len(text) >= SHORTEST_QUERY:
            units = list(matching(source(), text).order_by("name")[: RESULTS + 1])
            more, units = len(units) > RESULTS, units[:RESULTS]
    return render(
        request,
        "core/widgets/unit_search_results.html",
        {"units": units, "more": more, "text": text, "shortest": SHORTEST_QUERY},
    )
