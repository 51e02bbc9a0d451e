"""Lists that are not registries — work queues, rules, decisions — with the registries' filter bar,
pager and audited Excel export.

A page declares its :class:`~zhijiao.core.registry.Filter` s and hands its scoped queryset to
:func:`filtered`; :func:`listing` adds the page of rows and what the shared templates
``core/_filter_bar.html`` and ``core/_pager.html`` show. ``?format=xlsx`` of the same URL is the
export of the filtered list (:func:`export`): the same rows, every page, audited.

A list whose rows are figures computed from the records (a school's reference score from its
result) filters the records and passes ``rows``, which turns the records kept into the rows shown
and exported.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode

from zhijiao.core import audit
from zhijiao.core.excel import XLSX_CONTENT_TYPE, xlsx_write
from zhijiao.core.excel import Column as SheetColumn
from zhijiao.core.models import AuditAction

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from zhijiao.core.registry import Filter

PAGE_SIZE = 50


def filter_values(
    filters: Sequence[Filter], user: Any, params: Mapping[str, Any]
) -> dict[str, str]:
    """The accepted value of each filter set in ``params`` (a value not offered is dropped)."""
    values = {}
    for f in filters:
        value = f.clean(str(params.get(f.name) or ""), user)
        if value:
            values[f.name] = value
    return values


def filtered(
    qs: QuerySet[Any], filters: Sequence[Filter], user: Any, params: Mapping[str, Any]
) -> tuple[QuerySet[Any], dict[str, str]]:
    """``qs`` kept by the filters set in ``params``, and the values used."""
    values = filter_values(filters, user, params)
    for f in filters:
        if f.name in values:
            qs = f.apply(qs, values[f.name])
    return qs, values


def filter_bar(filters: Sequence[Filter], user: Any, values: Mapping[str, str]) -> list[dict]:
    """What ``core/_filter_bar.html`` shows: each filter the user has a choice in."""
    bar = []
    for f in filters:
        options = f.options(user)
        if options == []:
            continue
        bar.append(
            {
                "name": f.name,
                "label": f.label,
                "choices": options,
                "current": values.get(f.name, ""),
                "placeholder": f.placeholder,
                "required": f.required,
            }
        )
    return bar


Rows = Callable[[QuerySet[Any]], Sequence[Any]]


def listing(
    request: HttpRequest,
    qs: QuerySet[Any],
    filters: Sequence[Filter],
    *,
    page_size: int = PAGE_SIZE,
    rows: Rows | None = None,
) -> dict[str, Any]:
    """The context of a filtered list: ``page``, ``filters`` (the bar), ``query`` (the filters as a
    query string, for the pager and the export link), ``filtered`` (a filter set to other than
    what the list shows unasked) and ``export_url``."""
    user: Any = request.user
    qs, values = filtered(qs, filters, user, request.GET)
    unasked = filter_values([f for f in filters if f.required], user, {})
    query = urlencode(values)
    return {
        "page": Paginator(rows(qs) if rows else qs, page_size).get_page(request.GET.get("page")),
        "filters": filter_bar(filters, user, values),
        "query": query,
        "filtered": any(unasked.get(name) != value for name, value in values.items()),
        "export_url": f"?{query}&format=xlsx" if query else "?format=xlsx",
    }


def wants_export(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


@dataclass(frozen=True)
class ExportColumn:
    """A column of an export: header, width and the cell's value of a row object."""

    header: StrOrPromise
    width: int
    value: Callable[[Any], Any]


def export(
    *,
    user: Any,
    rows: Iterable[Any],
    columns: Sequence[ExportColumn],
    title: StrOrPromise,
    object_type: str,
    filters: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The rows as an .xlsx download named after ``title`` and today; the export is audited with
    the number of rows and the filters it was made with."""
    stream = io.BytesIO()
    count = xlsx_write(
        stream,
        columns=[SheetColumn(str(c.header), c.width) for c in columns],
        rows=([c.value(row) for c in columns] for row in rows),
        title=str(title),
    )
    described = "；".join(f"{k}={v}" for k, v in (filters or {}).items())
    audit.record(
        AuditAction.EXPORT,
        actor=user,
        object_type=object_type,
        message=f"导出{title} {count} 行" + (f"（筛选：{described}）" if described else ""),
    )
    response = HttpResponse(stream.getvalue(), content_type=XLSX_CONTENT_TYPE)
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def export_filtered(
    request: HttpRequest,
    qs: QuerySet[Any],
    filters: Sequence[Filter],
    *,
    columns: Sequence[ExportColumn],
    title: StrOrPromise,
    object_type: str,
    rows: Rows | None = None,
) -> HttpResponse:
    """The ``?format=xlsx`` answer of a list: every row the filters keep, not one page."""
    user: Any = request.user
    shown, values = filtered(qs, filters, user, request.GET)
    return export(
        user=user,
        rows=rows(shown) if rows else shown.iterator(1000),
        columns=columns,
        title=title,
        object_type=object_type,
        filters=values,
    )
