"""Page machinery the people registries share: a filtered, paginated list; a detail page of
labelled fields; a form page; the two-step Excel import page; downloads.

Each registry's views still do the four things every view does — parse input, check access,
call one service, render — and hand the rendering to these helpers, so the registries look alike
and none copies another's page code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import XLSX_CONTENT_TYPE, ExcelError, ImportRejected, RowError
from zhijiao.core.pages import AuthedRequest, render_page, report_error

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 50
SHOWN_ERRORS = 500


def download(content: bytes, filename: str, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def choice_param(value: str | None, choices: Sequence[str]) -> str:
    return value if value is not None and value in choices else ""


def text_param(value: str | None, limit: int = 50) -> str:
    return (value or "").strip()[:limit]


def form_errors(form: forms.Form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def call_service(
    request: AuthedRequest, call: Callable[[], Any], done: str = ""
) -> tuple[bool, Any]:
    """Runs a service; its Chinese error becomes a message on the page. Returns whether it ran,
    and its result."""
    try:
        result = call()
    except ServiceError as error:
        report_error(request, error)
        return False, None
    if done:
        messages.success(request, done)
    return True, result


@dataclass(frozen=True)
class Cell:
    """One cell of a list: text, optionally a link, right-aligned for numbers."""

    text: Any
    link: str = ""
    num: bool = False


@dataclass(frozen=True)
class FilterField:
    """A filter above a list: a drop-down when it has choices, otherwise a text box."""

    name: str
    label: StrOrPromise
    value: Any = ""
    choices: Sequence[tuple[Any, StrOrPromise]] | None = None
    placeholder: StrOrPromise = ""

    @property
    def current(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Link:
    title: StrOrPromise
    url: str
    primary: bool = False


@dataclass
class Section:
    """A table on a detail page, e.g. a major's recognitions; ``form`` adds a record to it."""

    title: StrOrPromise
    headers: Sequence[StrOrPromise]
    rows: Sequence[Sequence[Cell]]
    empty: StrOrPromise = _("还没有记录。")
    form: forms.Form | None = None
    action: str = ""
    submit: StrOrPromise = _("保存")
    multipart: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def list_page(
    request: AuthedRequest,
    *,
    title: str,
    queryset: QuerySet[Any],
    headers: Sequence[StrOrPromise | tuple[StrOrPromise, bool]],
    row: Callable[[Any], Sequence[Cell]],
    filters: Sequence[FilterField] = (),
    actions: Sequence[Link] = (),
    empty: str,
    note: str = "",
    count_label: StrOrPromise = "",
) -> TemplateResponse:
    """A registry list: filters, actions (new, import, export with the same filters), a page of
    rows and the pager. ``headers`` items may be ``(title, is_number)``."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "people/registry_list.html",
        title,
        page=page,
        headers=[h if isinstance(h, tuple) else (h, False) for h in headers],
        rows=[row(obj) for obj in page.object_list],
        filters=filters,
        actions=actions,
        empty=empty,
        note=note,
        count_label=count_label or gettext("条"),
        query=query.urlencode(),
        filtered=any(f.name in request.GET and request.GET[f.name] for f in filters),
    )


def detail_page(
    request: AuthedRequest,
    *,
    title: str,
    heading: str,
    fields: Sequence[tuple[StrOrPromise, Any]],
    actions: Sequence[Link] = (),
    sections: Sequence[Section] = (),
    template: str = "people/registry_detail.html",
    **extra: Any,
) -> TemplateResponse:
    return render_page(
        request,
        template,
        title,
        heading=heading,
        fields=fields,
        actions=actions,
        sections=sections,
        **extra,
    )


def form_page(
    request: AuthedRequest,
    *,
    title: str,
    form: forms.Form,
    cancel: str,
    intro: str = "",
    multipart: bool = False,
) -> TemplateResponse:
    return render_page(
        request,
        "people/registry_form.html",
        title,
        form=form,
        cancel=cancel,
        intro=intro,
        multipart=multipart,
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


def import_page(
    request: AuthedRequest,
    *,
    title: str,
    template: Callable[[], bytes],
    template_name: str,
    run: Callable[[Any], int],
    done: str,
    back: str,
    rules: str,
) -> HttpResponse:
    """Step one downloads the blank template, step two uploads it filled in. ``run`` imports the
    whole file or nothing (raising :class:`ImportRejected` with every row's problem); ``done`` is
    the success message with ``{count}``."""
    if request.GET.get("template") == "xlsx":
        return download(template(), template_name)
    row_errors: list[RowError] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = run(upload)
        except ImportRejected as exc:
            report_error(request, exc)
            row_errors = list(exc.errors)
        except (ExcelError, ServiceError) as exc:
            report_error(request, exc)
        else:
            messages.success(request, done.format(count=count))
            return redirect(back)
    return render_page(
        request,
        "people/registry_import.html",
        title,
        form=form,
        rules=rules,
        template_label=template_name.removesuffix(".xlsx"),
        row_errors=row_errors[:SHOWN_ERRORS],
        more_errors=max(0, len(row_errors) - SHOWN_ERRORS),
    )
