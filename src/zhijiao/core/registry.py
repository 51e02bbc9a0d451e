"""The registry kit: declare a registry once; get its pages, Excel, API, menu and permissions.

A *registry* is a list of records of one model that users browse within their data scope, filter,
export — and, holding the manage capability, create, edit and import: 名企名校 projects, 职教集团,
majors, social training, innovation teams… Each would need a dozen views, templates and routes that
all look alike. A :class:`Registry` declares only what differs:

- the model, whose queryset derives from :class:`~zhijiao.core.scope.ScopedQuerySet` (every page,
  export and API call goes through ``visible_to``: out of scope is a 404), and optionally which
  records a user may *edit* (``editable``; visible but not editable is a 403);
- the capabilities to view and to manage;
- list columns, filters (:class:`ChoiceFilter`, :class:`YearFilter`, :class:`UnitFilter`,
  :class:`SearchFilter`), detail fields and related :class:`Section` tables;
- a :class:`RegistryForm` (a ModelForm built with the requesting user, so its choices are limited
  to the user's scope) for create and edit — the API and the Excel import use the same form;
- the service functions that write: ``create(user=, data=)`` and ``update(user=, obj=, data=)``
  (``data`` is the form's ``cleaned_data``). Business rules stay in the registry's services, which
  are atomic and write their own audit rows; a refusal about one input is an :class:`InvalidField`;
- the :class:`ExcelColumn` list of the import template and the export;
- extra POST :class:`Action` s on one record (a level decision, a member joining…);
- the :class:`ApiField` s the API returns.

From that the kit produces the list page (filters, search, pagination, export of the filtered
list, an empty state that says what to do), detail, create, edit, import (template download, an
all-or-nothing import with per-row Chinese errors) and export pages with their URL patterns, the
permission-matrix entries (:meth:`Registry.pages`, :meth:`Registry.api_access`), a sidebar
:class:`~zhijiao.core.access.MenuItem`, and django-ninja routes — list with the same filters,
detail, create, update and the actions — with the same scope, form and services, errors in the
platform's JSON shape (``{"code", "message"}``, plus ``errors`` by field for invalid input).

An import calls the registry's ``create`` service row by row inside one transaction, each row in
its own savepoint: every row meets exactly the rules of the web form, duplicates within the file
are caught like duplicates against the registry, and if any row fails nothing is kept. That is
right for registries of hundreds or a few thousand records (``import_max_rows``); a registry of
millions of rows (learning records) needs a bulk import of its own.

Example — a registry of 思政 cases::

    class CaseForm(RegistryForm):
        class Meta:
            model = IdeologyCase
            fields = ["school", "kind", "title", "year"]

        def limit_choices(self, user):
            self.limit_units("school", selectors.schools_in_scope(user))

    CASES = Registry(
        key="cooperation-cases", path="cooperation/cases", title="思政示范课堂与典型案例",
        item="案例", counter="项", model=IdeologyCase, icon="menu_book",
        view=Capability.COOPERATION_VIEW, manage=Capability.COOPERATION_MANAGE,
        related=("school",),
        columns=[Column("名称", "title", link=True), Column("学校", "school"),
                 Column("类别", "get_kind_display"), Column("年度", "year", num=True)],
        filters=[UnitFilter("school", "学校", ("school",), selectors.schools_in_scope),
                 ChoiceFilter("kind", "类别", CaseKind.choices),
                 YearFilter("year", "年度", lambda y: Q(year=y)),
                 SearchFilter("q", "名称", ("title__icontains",))],
        form=CaseForm,
        create=lambda *, user, data: services.case_create(user=user, **data),
        update=lambda *, user, obj, data: services.case_update(user=user, case=obj, **data),
        excel=[ExcelColumn("学校", "school", required=True), ExcelColumn("名称", "title", required=True),
               ExcelColumn("类别", "kind", required=True), ExcelColumn("年度", "year")],
        api=[ApiField("school", RegistryRef, unit_ref("school")), ApiField("title", str),
             ApiField("kind", str), ApiField("year", int)],
        empty="还没有登记案例。请点击“登记”逐项登记，或下载模板后通过“Excel 导入”批量登记。",
    )

    # urls.py    urlpatterns = CASES.urlpatterns()
    # access.py  PAGES = CASES.pages();  API = CASES.api_access();  MENU = ("…", [CASES.menu_item()])
    # api.py     router = Router(tags=["…"]);  CASES.add_api_routes(router)
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any, Protocol

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST
from ninja import Schema

from zhijiao.core import audit, listing
from zhijiao.core.access import Access, MenuItem
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    XLSX_CONTENT_TYPE,
    ExcelError,
    ImportRejected,
    RowError,
    SheetRow,
    cell_text,
    normalize_header,
    reject_if_errors,
    xlsx_table,
    xlsx_write,
)
from zhijiao.core.excel import (
    Column as SheetColumn,
)
from zhijiao.core.models import AuditAction
from zhijiao.core.pages import (
    API_MAX_LIMIT,
    AuthedRequest,
    render_page,
    report_error,
    require,
    window,
)
from zhijiao.core.unitsearch import UnitSearch
from zhijiao.orgs.roles import (
    ROLE_CAPABILITIES,
    AccessErrorCode,
    Capability,
    Role,
    require_capability,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Getter = str | Callable[[Any], Any]
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
MAX_TEMPLATE_CHOICES = 1000
SHOWN_IMPORT_ERRORS = 500


class RegistryErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    IMPORT_FAILED = "import_failed"


class InvalidField(ServiceError):
    """A service's refusal about one input: the form shows it beside the field, an import in
    that field's column, the API under ``errors[field]``."""

    def __init__(
        self,
        code: StrEnum,
        message: str,
        *,
        field: str,
        status_code: int | None = None,
    ) -> None:
        super().__init__(code, message, status_code=status_code)
        self.field = field


class CreateService(Protocol):
    def __call__(self, *, user: Any, data: Mapping[str, Any]) -> Any: ...


class UpdateService(Protocol):
    def __call__(self, *, user: Any, obj: Any, data: Mapping[str, Any]) -> Sequence[str]: ...


class ActionService(Protocol):
    def __call__(self, *, user: Any, obj: Any, data: Mapping[str, Any]) -> Any: ...


# ---------------------------------------------------------------- values


def resolve(obj: Any, source: Getter) -> Any:
    """The value a getter names on an object: a callable's result, or a dotted attribute path
    (``"school.name"``; a method such as ``get_level_display`` is called; a to-many relation
    gives the list of its objects)."""
    if callable(source):
        return source(obj)
    value = obj
    for part in source.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if isinstance(value, models.Manager):
            value = list(value.all())
        elif callable(value):
            value = value()
    return value


def display(value: Any) -> str:
    """A value as text for a page: dates as 2021-09-01, yes/no in Chinese, lists with 、."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list | tuple):
        return "、".join(display(v) for v in value) if value else "—"
    return str(value)


def _sheet_value(value: Any) -> Any:
    """A value for an exported cell: numbers and dates stay typed, the rest becomes text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, dt.date | int | float | Decimal):
        return value
    if isinstance(value, list | tuple):
        return "、".join(str(_sheet_value(v)) for v in value)
    return str(value)


def model_value(obj: models.Model, name: str) -> Any:
    """A model attribute as users read it: a choice by its label, a relation by its objects."""
    try:
        model_field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return resolve(obj, name)
    if getattr(model_field, "choices", None):
        return getattr(obj, f"get_{name}_display")()
    if model_field.many_to_many:
        return list(getattr(obj, name).all())
    return getattr(obj, name)


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Column:
    """A list column or a detail row: its label and the value shown (see :func:`resolve`)."""

    label: StrOrPromise
    value: Getter
    link: bool = False  # list: the cell links to the record's detail page
    num: bool = False  # right-aligned figures


class Filter(ABC):
    """A filter of the list and the API list: a query parameter and what it keeps."""

    name: str
    label: StrOrPromise
    placeholder: StrOrPromise = ""
    required: bool = False  # always in force: a value when none is asked for (see ChoiceFilter)

    def options(self, user: Any) -> list[tuple[str, str]] | None:
        """The choices offered (an empty list hides the filter); None: a free-text field."""
        return None

    def clean(self, raw: str, user: Any) -> str:
        """The accepted value of the parameter; "" when it filters nothing."""
        options = self.options(user)
        value = (raw or "").strip()[:50]
        if options is None:
            return value
        return value if value in {v for v, _ in options} else ""

    @abstractmethod
    def apply(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]: ...

    def describe(self) -> str:
        return str(self.label)


def _through(queryset: QuerySet[Any], q: Q) -> QuerySet[Any]:
    # A condition across a to-many relation would repeat rows: filter through the primary keys.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(q).values("pk"))


@dataclass(frozen=True)
class ChoiceFilter(Filter):
    """One of fixed choices; ``q`` turns a choice into a condition (default: ``name=value``).

    ``required``: the list always shows one choice (a page of one round's figures) — the first
    when none is asked for; the filter bar then offers no 全部."""

    name: str
    label: StrOrPromise
    choices: Sequence[tuple[Any, Any]]
    q: Callable[[str], Q] | None = None
    required: bool = False

    def options(self, user: Any) -> list[tuple[str, str]] | None:
        return [(str(v), str(label)) for v, label in self.choices if v != ""]

    def clean(self, raw: str, user: Any) -> str:
        value = super().clean(raw, user)
        if value or not self.required:
            return value
        options = self.options(user) or []
        return options[0][0] if options else ""

    def apply(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        return _through(queryset, self.q(value) if self.q else Q(**{self.name: value}))

    def describe(self) -> str:
        return f"{self.label}：" + "、".join(f"{v}（{label}）" for v, label in self.choices if v)


@dataclass(frozen=True)
class YearFilter(Filter):
    """A calendar year, from ``first`` to this year; ``q`` says what a year keeps."""

    name: str
    label: StrOrPromise
    q: Callable[[int], Q]
    first: int = 2021

    def options(self, user: Any) -> list[tuple[str, str]] | None:
        this_year = timezone.localdate().year
        return [
            (str(y), gettext("{year}年").format(year=y))
            for y in range(this_year, self.first - 1, -1)
        ]

    def clean(self, raw: str, user: Any) -> str:
        value = (raw or "").strip()
        ok = value.isdecimal() and self.first <= int(value) <= timezone.localdate().year + 1
        return value if ok else ""

    def apply(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        return _through(queryset, self.q(int(value)))

    def describe(self) -> str:
        return f"{self.label}（四位年份，如 2022）"


@dataclass(frozen=True)
class UnitFilter(Filter):
    """A unit among those in the user's scope (``units(user)``), matched on any of ``lookups``.
    Hidden when the user's scope holds a single unit."""

    name: str
    label: StrOrPromise
    lookups: tuple[str, ...]
    units: Callable[[Any], QuerySet[Any]]

    def options(self, user: Any) -> list[tuple[str, str]] | None:
        units = [(str(pk), name) for pk, name in self.units(user).values_list("pk", "name")]
        return units if len(units) > 1 else []

    def clean(self, raw: str, user: Any) -> str:
        value = (raw or "").strip()
        return value if value.isdecimal() and len(value) < 10 else ""

    def apply(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        q = Q()
        for lookup in self.lookups:
            q |= Q(**{lookup: int(value)})
        return _through(queryset, q)

    def describe(self) -> str:
        return f"{self.label}（单位编号）"


def units_named_in(rows: QuerySet[Any], lookup: str) -> QuerySet[Any]:
    """The units that ``rows`` name through ``lookup``, by name: what a list's unit filter
    offers — the schools or enterprises of its rows, not every unit of a city or a province."""
    from zhijiao.orgs.models import Unit

    return Unit.objects.filter(pk__in=rows.values(lookup)).order_by("name")


@dataclass(frozen=True)
class SearchFilter(Filter):
    """Free text matched against any of ``lookups`` (e.g. ``name__icontains``)."""

    name: str
    label: StrOrPromise
    lookups: tuple[str, ...]
    placeholder: StrOrPromise = ""

    def apply(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        q = Q()
        for lookup in self.lookups:
            q |= Q(**{lookup: value})
        return _through(queryset, q)


@dataclass(frozen=True)
class ExcelColumn:
    """A column of the import template and of the export.

    ``field`` names the form field an imported cell fills ("" for an export-only column); the
    cell is read according to that form field (a choice by its label, a unit by its name, short
    name or 统一社会信用代码 — or a record by a name its model's ``import_keys()`` gives —, several
    of them separated by 、, a date, 是/否) unless ``parse`` says otherwise. A name that could mean
    several records is refused, naming each by a name that means it alone. ``export`` gives the
    exported value (default: the model attribute ``field``).

    ``former_headers`` and ``former_labels`` (a choice's earlier label → its value) are read as
    well, so that templates downloaded before a column or a choice was renamed still import.
    """

    header: StrOrPromise
    field: str = ""
    export: Getter = ""
    required: bool = False
    width: float = 16
    parse: Callable[[Any], Any] | None = None
    former_headers: tuple[str, ...] = ()
    former_labels: Mapping[str, str] | None = dataclass_field(default=None, compare=False)


@dataclass(frozen=True)
class Section:
    """A table of related records on the detail page, optionally with an action's form below."""

    title: StrOrPromise
    rows: Callable[[Any, Any], Iterable[Any]]  # (record, user) → rows; scope them to the user
    columns: Sequence[Column]
    empty: StrOrPromise = gettext_lazy("还没有记录。")
    action: str = ""  # the name of an Action whose form is shown under the table


@dataclass(frozen=True)
class Action:
    """A POST on one record that calls one service: ``run(user=, obj=, data=)``.

    ``form`` is an :class:`ActionForm` (built with ``user`` and ``obj``); ``show`` says whether the
    form is offered for the record as it stands (the service decides what is allowed anyway).
    """

    name: str
    title: StrOrPromise
    capability: Capability
    form: type[ActionForm]
    run: ActionService
    done: StrOrPromise
    show: Callable[[Any], bool] = lambda obj: True


@dataclass(frozen=True)
class ApiField:
    """A field of the API's record: ``source`` as in :func:`resolve` (default: the name), raw
    values (a choice by its value, dates as ISO dates)."""

    name: str
    type: Any
    source: Getter = ""
    description: str = ""


# ---------------------------------------------------------------- forms

_INPUT = "border border-base-200 bg-white font-medium min-w-20 placeholder-base-400 rounded-default shadow-xs text-font-default-light text-sm focus:outline-2 focus:-outline-offset-2 focus:outline-primary-600 px-3 py-2 w-full max-w-2xl dark:bg-base-900 dark:border-base-700 dark:text-font-default-dark"
_CHECKBOX = "appearance-none bg-white block border border-base-300 cursor-pointer h-4 relative rounded-[4px] shadow-xs shrink-0 w-4 checked:bg-primary-600 checked:border-primary-600 dark:bg-base-700 dark:border-base-500"
DATE_WIDGET_FORMAT = "%Y-%m-%d"


class _ScopedFormMixin:
    fields: dict[str, forms.Field]

    def _style(self) -> None:
        """Inputs get the shell's (Unfold's) look; dates a date picker."""
        for form_field in self.fields.values():
            widget = form_field.widget
            if isinstance(form_field, forms.DateField) and not isinstance(
                widget, forms.HiddenInput
            ):
                form_field.widget = widget = forms.DateInput(
                    attrs={"type": "date"}, format=DATE_WIDGET_FORMAT
                )
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", _CHECKBOX)
            elif isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", _INPUT)
                widget.attrs.setdefault("size", "6")
            elif not isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                widget.attrs.setdefault("class", _INPUT)
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", "4")

    def limit_units(
        self,
        name: str,
        units: QuerySet[Any],
        *,
        fix_single: bool = True,
        search: str | None = None,
    ) -> None:
        """Limits a unit field to the units given; a user with only one is fixed to it. With
        ``search`` (a source registered in :mod:`zhijiao.core.unitsearch`), the field lists only
        the units chosen and finds others as the user types: for registries too large to list."""
        form_field = self.fields[name]
        assert isinstance(form_field, forms.ModelChoiceField)
        if search is not None:
            form_field.widget = UnitSearch(
                search, multiple=isinstance(form_field, forms.ModelMultipleChoiceField)
            )
        form_field.queryset = units
        if (
            fix_single
            and not isinstance(form_field, forms.ModelMultipleChoiceField)
            and units.count() == 1
        ):
            form_field.initial = units.first()
            form_field.disabled = True


class RegistryForm(_ScopedFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The create/edit form of a registry, built with the requesting user.

    Subclasses limit their choices to the user's scope in :meth:`limit_choices`. The form parses
    and checks the input; the registry's services decide what is allowed and write.
    """

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            self.limit_choices(user)
        self._style()

    def limit_choices(self, user: Any) -> None:
        """Limit the choices of unit and record fields to the user's scope."""


class ActionForm(_ScopedFormMixin, forms.Form):
    """The form of an :class:`Action`, built with the user and the record it acts on."""

    def __init__(self, *args: Any, user: Any, obj: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.obj = obj
        self.limit_choices(user, obj)
        self._style()

    def limit_choices(self, user: Any, obj: Any) -> None:
        """Limit choices to what fits the record (its members, its levels…)."""


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))


def form_errors(form: forms.BaseForm) -> str:
    """A form's errors in one Chinese sentence, each with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = "；".join(str(e) for e in errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


# ---------------------------------------------------------------- reading cells


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a date, no time
        except ValueError:
            continue
    raise ValueError(gettext("日期“{text}”无法识别，请写成 2021-09-01 的形式").format(text=text))


def choice_pairs(form_field: forms.Field) -> list[tuple[str, str]]:
    """A choice field's (value, label) pairs, without the empty choice."""
    choices: Any = getattr(form_field, "choices", ())
    return [(str(v), str(label)) for v, label in choices if v != ""]


def _keys_of(obj: Any) -> tuple[list[str], list[str]]:
    """The names a cell may give an object: its own name, then its other names (short name,
    统一社会信用代码, aliases, and whatever the model's ``import_keys()`` adds, such as
    “学校/项目名称” for records whose names repeat across schools)."""
    own = [str(obj)] + ([str(obj.name)] if getattr(obj, "name", "") else [])
    other = [str(getattr(obj, attr, "") or "") for attr in ("short_name", "credit_code")]
    other.extend(getattr(obj, "aliases", None) or [])
    import_keys = getattr(obj, "import_keys", None)
    if callable(import_keys):
        other.extend(import_keys())
    return own, [key for key in other if key]


class CellReader:
    """Turns a cell into a form value according to the form field it fills."""

    def __init__(
        self,
        form_field: forms.Field,
        header: StrOrPromise,
        former_labels: Mapping[str, str] | None = None,
    ) -> None:
        self.field = form_field
        self.header = header
        self.former_labels = former_labels or {}
        self._objects: dict[str, set[Any]] | None = None
        self._names: dict[Any, list[str]] = {}

    def _lookup(self) -> dict[str, set[Any]]:
        """Each name to the objects it may mean. An object's own name outranks another
        object's other name; a name that still means several objects is ambiguous."""
        if self._objects is None:
            assert isinstance(self.field, forms.ModelChoiceField)
            own: dict[str, set[Any]] = {}
            other: dict[str, set[Any]] = {}
            queryset: Any = self.field.queryset
            for obj in queryset:
                names, more = _keys_of(obj)
                self._names[obj.pk] = names + more
                for key in names:
                    own.setdefault(normalize_header(key), set()).add(obj.pk)
                for key in more:
                    other.setdefault(normalize_header(key), set()).add(obj.pk)
            self._objects = {**{k: v for k, v in other.items() if k not in own}, **own}
        return self._objects

    def _choice(self, text: str) -> str:
        assert isinstance(self.field, forms.ChoiceField)
        pairs = choice_pairs(self.field)
        by_text = {normalize_header(label): str(v) for label, v in self.former_labels.items()}
        by_text.update({normalize_header(label): v for v, label in pairs})
        by_text.update({normalize_header(v): v for v, _ in pairs})
        value = by_text.get(normalize_header(text))
        if value is None:
            labels = "、".join(label for _, label in pairs)
            raise ValueError(
                gettext("未知的{header}“{text}”，应为：{labels}").format(
                    header=self.header, text=text, labels=labels
                )
            )
        return value

    def _object(self, text: str) -> Any:
        objects = self._lookup()
        pks = objects.get(normalize_header(text))
        if not pks:
            raise ValueError(
                gettext("找不到{header}“{text}”，或不在您可以选择的范围内").format(
                    header=self.header, text=text
                )
            )
        if len(pks) > 1:
            shown = "、".join(h for h in (self._unique_name(pk) for pk in sorted(pks)) if h)
            if shown:
                raise ValueError(
                    gettext("有多个{header}名为“{text}”，请写明是哪一个：{names}").format(
                        header=self.header, text=text, names=shown
                    )
                )
            raise ValueError(
                gettext("有多个{header}名为“{text}”，请写明是哪一个").format(
                    header=self.header, text=text
                )
            )
        return next(iter(pks))

    def _unique_name(self, pk: Any) -> str:
        """The first of an object's names that means it alone ("" if none does)."""
        objects = self._lookup()
        return next((n for n in self._names[pk] if objects.get(normalize_header(n)) == {pk}), "")

    def read(self, value: Any) -> Any:
        f = self.field
        text = cell_text(value)
        if isinstance(f, forms.ModelMultipleChoiceField):
            return [self._object(t) for t in LIST_SEPARATORS.split(text) if t.strip()]
        if isinstance(f, forms.ModelChoiceField):
            return self._object(text) if text else ""
        if isinstance(f, forms.MultipleChoiceField):
            return [self._choice(t) for t in LIST_SEPARATORS.split(text) if t.strip()]
        if isinstance(f, forms.ChoiceField):
            return self._choice(text) if text else ""
        if isinstance(f, forms.DateField):
            date = parse_date(value)
            return date.isoformat() if date else ""
        if isinstance(f, forms.BooleanField):
            if text in ("", "否", "0", "false", "False", "FALSE", "无", gettext("否")):
                return False
            if text in ("是", "1", "true", "True", "TRUE", "有", gettext("是")):
                return True
            raise ValueError(gettext("{header}请填写“是”或“否”").format(header=self.header))
        return text

    def template_choices(self) -> list[str]:
        f = self.field
        if isinstance(f, forms.ModelMultipleChoiceField):
            return []  # several per cell: no drop-down list
        if isinstance(f, forms.ModelChoiceField):
            queryset: Any = f.queryset
            if queryset[MAX_TEMPLATE_CHOICES : MAX_TEMPLATE_CHOICES + 1].exists():
                return []
            # Each as a name that means it alone (“学校/项目名称” where names repeat).
            self._lookup()
            return [self._unique_name(pk) or names[0] for pk, names in self._names.items()]
        if isinstance(f, forms.ChoiceField) and not isinstance(f, forms.MultipleChoiceField):
            return [label for _, label in choice_pairs(f)]
        if isinstance(f, forms.BooleanField):
            return [gettext("是"), gettext("否")]
        return []


# ---------------------------------------------------------------- API helpers


class RegistryRef(Schema):
    """A unit or record named in a registry's API answer."""

    id: int
    name: str


class FormErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] = {}


def unit_ref(source: str) -> Callable[[Any], dict[str, Any] | None]:
    """An API value: the unit (or any named record) at ``source`` as ``{"id", "name"}``."""

    def get(obj: Any) -> dict[str, Any] | None:
        unit = resolve(obj, source)
        return {"id": unit.pk, "name": str(unit)} if unit is not None else None

    return get


def unit_refs(source: str) -> Callable[[Any], list[dict[str, Any]]]:
    """An API value: the records of a to-many relation as ``[{"id", "name"}]``."""

    def get(obj: Any) -> list[dict[str, Any]]:
        return [{"id": u.pk, "name": str(u)} for u in resolve(obj, source) or []]

    return get


def _api_type(form_field: forms.Field) -> Any:
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return list[int]
    if isinstance(form_field, forms.ModelChoiceField):
        return int
    if isinstance(form_field, forms.MultipleChoiceField):
        return list[str]
    if isinstance(form_field, forms.BooleanField):
        return bool
    # Before IntegerField: a DecimalField is one.
    if isinstance(form_field, forms.DecimalField):
        return Decimal
    if isinstance(form_field, forms.IntegerField):
        return int
    if isinstance(form_field, forms.DateField):
        return dt.date
    return str


def _api_description(form_field: forms.Field) -> str:
    text = str(form_field.label or "")
    if isinstance(form_field, forms.ModelChoiceField):
        text += "（编号 id）"
    elif isinstance(form_field, forms.ChoiceField):
        pairs = [f"{v}（{label}）" for v, label in choice_pairs(form_field)]
        text += "，可选：" + "、".join(pairs)
    if form_field.help_text:
        text += "。" + str(form_field.help_text)
    return text


def _form_value(value: Any) -> Any:
    """An API value as a form expects it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def capability_first(capability: Capability, *, any_of: Sequence[Capability] = ()) -> Any:
    """An operation decorator: a signed-in caller without the capability is refused (403) before
    the operation reads its input, so it learns nothing about what the input should be.
    Anonymous callers go on to the authentication (401)."""
    wanted = (capability, *any_of)

    def decorate(run: Any) -> Any:
        @functools.wraps(run)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if user.is_authenticated and not any(user.can(c) for c in wanted):
                error = ServiceError(
                    AccessErrorCode.NOT_ALLOWED, gettext("您没有执行此操作的权限"), status_code=403
                )
                response: HttpResponse = run.__self__.api.on_exception(request, error)
                return response
            result: HttpResponse = run(request, *args, **kwargs)
            return result

        return checked

    return decorate


def roles_with(capability: Capability) -> frozenset[Role]:
    """The roles holding a capability, for the permission matrix."""
    return frozenset(Role(r) for r, caps in ROLE_CAPABILITIES.items() if capability in caps)


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True, kw_only=True)
class Registry:
    """One registry, declared. See the module docstring for what it produces."""

    key: str  # URL-name prefix, e.g. "cooperation-projects"
    path: str  # URL path under the shell and the API, e.g. "cooperation/projects"
    title: StrOrPromise  # the list's title and menu entry, e.g. "名企名校合作项目"
    item: StrOrPromise  # one record, e.g. "合作项目"
    counter: StrOrPromise = gettext_lazy("条")  # the measure word in "共 12 个"
    model: type[models.Model]
    view: Capability
    manage: Capability
    columns: Sequence[Column]
    detail: Sequence[Column] = ()
    filters: Sequence[Filter] = ()
    form: type[RegistryForm] | None = None
    create: CreateService | None = None
    update: UpdateService | None = None
    # Records the user may edit, among those visible (default: all visible ones).
    editable: Callable[[Any], QuerySet[Any]] | None = None
    # Records the user may see (default: the model's ``visible_to``).
    queryset: Callable[[Any], QuerySet[Any]] | None = None
    related: tuple[str, ...] = ()
    prefetch: tuple[Any, ...] = ()
    ordering: tuple[str, ...] = ("-pk",)
    excel: Sequence[ExcelColumn] = ()
    import_help: StrOrPromise = ""
    import_max_rows: int = 2000
    sections: Sequence[Section] = ()
    actions: Sequence[Action] = ()
    api: Sequence[ApiField] = ()
    api_tag: str = ""
    icon: str = "list"
    empty: StrOrPromise = ""  # the empty state for users who may add records: what to do
    empty_readonly: StrOrPromise = ""  # the empty state for those who may only look
    page_size: int = 50
    module: str = ""  # the declaring module (default: the model's), which its views are named by

    # ------------------------------------------------------------ names and declarations

    @property
    def list_name(self) -> str:
        return self.key

    @property
    def detail_name(self) -> str:
        return f"{self.key}-detail"

    @property
    def new_name(self) -> str:
        return f"{self.key}-new"

    @property
    def edit_name(self) -> str:
        return f"{self.key}-edit"

    @property
    def import_name(self) -> str:
        return f"{self.key}-import"

    @property
    def export_name(self) -> str:
        return f"{self.key}-export"

    def action_name(self, action: Action) -> str:
        return f"{self.key}-{action.name}"

    @property
    def writable(self) -> bool:
        return self.form is not None and self.create is not None

    @property
    def importable(self) -> bool:
        return self.writable and any(c.field for c in self.excel)

    def pages(self) -> dict[str, Access]:
        """The registry's entries in the permission matrix."""
        viewers, managers = roles_with(self.view), roles_with(self.manage)
        pages = {
            self.list_name: Access(str(self.title), viewers, scoped=True),
            self.detail_name: Access(f"{self.item}详情", viewers, scoped=True),
            self.export_name: Access(f"导出{self.title}", viewers, scoped=True),
        }
        if self.writable:
            pages[self.new_name] = Access(
                f"登记{self.item}", managers, scoped=True, methods="GET POST"
            )
        if self.writable and self.update is not None:
            pages[self.edit_name] = Access(
                f"修改{self.item}", managers, scoped=True, methods="GET POST"
            )
        if self.importable:
            pages[self.import_name] = Access(
                f"导入{self.title}", managers, scoped=True, methods="GET POST"
            )
        for action in self.actions:
            pages[self.action_name(action)] = Access(
                f"{action.title}（{self.item}）",
                roles_with(action.capability),
                scoped=True,
                methods="POST",
            )
        return pages

    def api_access(self, prefix: str = "/api/v1") -> dict[tuple[str, str], Access]:
        """The registry's API routes in the permission matrix."""
        viewers, managers = roles_with(self.view), roles_with(self.manage)
        base = f"{prefix}/{self.path}"
        routes = {
            ("GET", base): Access(str(self.title), viewers, scoped=True),
            ("GET", f"{base}/item"): Access(f"{self.item}详情", viewers, scoped=True),
        }
        if self.writable:
            routes[("POST", base)] = Access(f"登记{self.item}", managers, scoped=True)
        if self.writable and self.update is not None:
            routes[("PATCH", f"{base}/item")] = Access(f"修改{self.item}", managers, scoped=True)
        for action in self.actions:
            routes[("POST", f"{base}/{action.name}")] = Access(
                f"{action.title}（{self.item}）", roles_with(action.capability), scoped=True
            )
        return routes

    def menu_item(self) -> MenuItem:
        return MenuItem(self.title, self.icon, self.list_name, self.view)

    def _view(self, run: Callable[..., HttpResponse], name: str) -> Callable[..., HttpResponse]:
        """A page view attributed to the module that declares the registry (the permission tests
        and error reports name views by module)."""

        @functools.wraps(run)
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return run(request, *args, **kwargs)

        view.__module__ = self.module or self.model.__module__
        view.__qualname__ = view.__name__ = f"{self.key.replace('-', '_')}_{name}"
        return view

    def urlpatterns(self) -> list[URLPattern]:
        p, v = self.path, self._view
        patterns = [
            path(f"{p}/", v(self.list_view, "list"), name=self.list_name),
            path(f"{p}/export/", v(self.export_view, "export"), name=self.export_name),
            path(f"{p}/<int:pk>/", v(self.detail_view, "detail"), name=self.detail_name),
        ]
        if self.writable:
            patterns.append(path(f"{p}/new/", v(self.new_view, "new"), name=self.new_name))
        if self.writable and self.update is not None:
            patterns.append(
                path(f"{p}/<int:pk>/edit/", v(self.edit_view, "edit"), name=self.edit_name)
            )
        if self.importable:
            patterns.append(
                path(f"{p}/import/", v(self.import_view, "import"), name=self.import_name)
            )
        for action in self.actions:
            run = require_POST(functools.partial(self.action_view, action=action))
            patterns.append(
                path(
                    f"{p}/<int:pk>/{action.name}/",
                    v(run, action.name.replace("-", "_")),
                    name=self.action_name(action),
                )
            )
        return patterns

    # ------------------------------------------------------------ reads

    def visible(self, user: Any) -> QuerySet[Any]:
        """The records the user may see, with what lists and details show."""
        if self.queryset is not None:
            qs = self.queryset(user)
        else:
            qs = self.model._default_manager.visible_to(user)  # type: ignore[attr-defined]
        if self.related:
            qs = qs.select_related(*self.related)
        if self.prefetch:
            qs = qs.prefetch_related(*self.prefetch)
        return qs.order_by(*self.ordering)

    def get(self, user: Any, pk: int) -> Any:
        """One record the user may see; missing and out of scope both answer 404."""
        try:
            return self.visible(user).get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError) as exc:
            raise Http404(gettext("未找到该{item}").format(item=self.item)) from exc

    def filtered(
        self, user: Any, params: Mapping[str, Any]
    ) -> tuple[QuerySet[Any], dict[str, str]]:
        """The visible records kept by the filters in ``params``, and the filter values used."""
        return listing.filtered(self.visible(user), self.filters, user, params)

    def can_edit(self, user: Any, obj: Any) -> bool:
        if not (self.writable and self.update is not None and user.can(self.manage)):
            return False
        if self.editable is None:
            return True
        return self.editable(user).filter(pk=obj.pk).exists()

    # ------------------------------------------------------------ Excel

    def _import_columns(self) -> list[ExcelColumn]:
        return [c for c in self.excel if c.field]

    def _readers(self, user: Any) -> dict[StrOrPromise, CellReader]:
        assert self.form is not None
        probe = self.form(user=user)
        return {
            c.header: CellReader(probe.fields[c.field], c.header, c.former_labels)
            for c in self._import_columns()
        }

    def template_bytes(self, user: Any) -> bytes:
        """The blank import template: the importable columns, with drop-down lists for choices."""
        readers = self._readers(user)
        columns = []
        for c in self._import_columns():
            reader = readers[c.header]
            if isinstance(reader.field, forms.DateField):
                number_format = "yyyy-mm-dd"
            elif type(reader.field) is forms.CharField:
                number_format = "@"  # codes keep their leading zeros
            else:
                number_format = ""
            columns.append(
                SheetColumn(
                    c.header,
                    c.width,
                    choices=reader.template_choices(),
                    to_fill=c.required,
                    number_format=number_format,
                )
            )
        stream = io.BytesIO()
        xlsx_write(stream, columns=columns, rows=[], title=str(self.title))
        return stream.getvalue()

    def _row_data(
        self, row: SheetRow, readers: Mapping[StrOrPromise, CellReader]
    ) -> tuple[dict[str, Any], list[RowError]]:
        data: dict[str, Any] = {}
        errors: list[RowError] = []
        for c in self._import_columns():
            value = row.values.get(c.header)
            try:
                data[c.field] = c.parse(value) if c.parse else readers[c.header].read(value)
            except ValueError as exc:
                errors.append(RowError(row.number, c.header, str(exc)))
        return data, errors

    def import_file(self, *, user: Any, upload: IO[bytes] | bytes, name: str = "") -> int:
        """Creates a record for every row of a filled template, or none.

        Every row goes through the registry's form and ``create`` service (its own savepoint);
        if any row fails, the transaction rolls back and :class:`ImportRejected` lists every
        problem by row and column. Returns the number of records created.
        """
        assert self.form is not None and self.create is not None
        require_capability(
            user, self.manage, gettext("您的角色不能导入{title}").format(title=self.title)
        )
        columns = self._import_columns()
        rows = xlsx_table(
            upload,
            columns=[c.header for c in columns],
            required=[c.header for c in columns if c.required],
            name=name,
            max_rows=self.import_max_rows,
            former={c.header: c.former_headers for c in columns if c.former_headers},
        )
        if not rows:
            reject_if_errors(
                [RowError(2, "", gettext("表中没有{item}数据").format(item=self.item))],
                code=RegistryErrorCode.IMPORT_FAILED,
            )
        readers = self._readers(user)
        header_of = {c.field: c.header for c in columns}
        errors: list[RowError] = []
        created = 0
        with transaction.atomic():
            for row in rows:
                data, row_errors = self._row_data(row, readers)
                if row_errors:
                    errors.extend(row_errors)
                    continue
                form = self.form(data=data, user=user)
                if not form.is_valid():
                    for field_name, messages_ in form.errors.items():
                        for message in messages_:
                            errors.append(
                                RowError(row.number, header_of.get(field_name, ""), str(message))
                            )
                    continue
                try:
                    with transaction.atomic():
                        self.create(user=user, data=form.cleaned_data)
                except InvalidField as exc:
                    errors.append(RowError(row.number, header_of.get(exc.field, ""), exc.message))
                except ServiceError as exc:
                    errors.append(RowError(row.number, "", exc.message))
                else:
                    created += 1
            reject_if_errors(errors, code=RegistryErrorCode.IMPORT_FAILED)
            audit.record(
                AuditAction.IMPORT,
                actor=user,
                object_type=self.model._meta.label,
                message=f"导入{self.title} {created} {self.counter}（{name or '上传文件'}）",
            )
        return created

    def export_bytes(self, *, user: Any, params: Mapping[str, Any] | None = None) -> bytes:
        """The records the user may see, kept by the filters in ``params``, as .xlsx; audited."""
        require_capability(
            user, self.view, gettext("您的角色不能导出{title}").format(title=self.title)
        )
        qs, values = self.filtered(user, params or {})
        columns = [
            SheetColumn(c.header, c.width, number_format=self._number_format(c)) for c in self.excel
        ]
        rows = (
            [_sheet_value(self._export_value(obj, c)) for c in self.excel]
            for obj in qs.iterator(chunk_size=1000)  # prefetches each chunk's relations
        )
        stream = io.BytesIO()
        count = xlsx_write(stream, columns=columns, rows=rows, title=str(self.title))
        described = "；".join(f"{k}={v}" for k, v in values.items())
        audit.record(
            AuditAction.EXPORT,
            actor=user,
            object_type=self.model._meta.label,
            message=f"导出{self.title} {count} {self.counter}"
            + (f"（筛选：{described}）" if described else ""),
        )
        return stream.getvalue()

    def _number_format(self, column: ExcelColumn) -> str:
        if column.field and not column.export:
            try:
                model_field = self.model._meta.get_field(column.field)
            except FieldDoesNotExist:
                return ""
            if isinstance(model_field, models.DateField):
                return "yyyy-mm-dd"
        return ""

    @staticmethod
    def _export_value(obj: Any, column: ExcelColumn) -> Any:
        if column.export:
            return resolve(obj, column.export)
        return model_value(obj, column.field)

    # ------------------------------------------------------------ pages

    def _url(self, name: str, *args: Any) -> str:
        return reverse(f"admin:{name}", args=args)

    def list_view(self, request: AuthedRequest) -> HttpResponse:
        """The records in scope: filters, search, 50 a page, export of what is shown."""
        require(request, self.view)
        user = request.user
        qs, values = self.filtered(user, request.GET)
        page = Paginator(qs, self.page_size).get_page(request.GET.get("page"))
        can_manage = self.writable and user.can(self.manage)
        filters = listing.filter_bar(self.filters, user, values)
        query = urlencode(values)
        actions = []
        if can_manage:
            actions.append(
                {
                    "title": gettext("登记{item}").format(item=self.item),
                    "url": self._url(self.new_name),
                    "primary": True,
                }
            )
            if self.importable:
                actions.append({"title": gettext("Excel 导入"), "url": self._url(self.import_name)})
        if self.excel:
            actions.append(
                {
                    "title": gettext("导出 Excel"),
                    "url": self._url(self.export_name) + (f"?{query}" if query else ""),
                }
            )
        rows = [
            [
                {
                    "text": display(resolve(obj, c.value)),
                    "link": self._url(self.detail_name, obj.pk) if c.link else "",
                    "num": c.num,
                }
                for c in self.columns
            ]
            for obj in page.object_list
        ]
        return render_page(
            request,
            "core/registry/list.html",
            self.title,
            registry=self,
            filters=filters,
            actions=actions,
            headers=[(c.label, c.num) for c in self.columns],
            rows=rows,
            page=page,
            query=query,
            filtered=bool(values),
            empty=self.empty if can_manage else (self.empty_readonly or self.empty),
        )

    def _detail_page(self, request: AuthedRequest, obj: Any, status: int = 200) -> HttpResponse:
        user = request.user
        sections = []
        shown_actions = set()
        actions = {a.name: a for a in self.actions if self._may_act(user, obj, a)}
        for s in self.sections:
            action = actions.get(s.action)
            if action is not None:
                shown_actions.add(action.name)
            sections.append(
                {
                    "title": s.title,
                    "headers": [c.label for c in s.columns],
                    "rows": [
                        [{"text": display(resolve(r, c.value)), "num": c.num} for c in s.columns]
                        for r in s.rows(obj, user)
                    ],
                    "empty": s.empty,
                    "form": action.form(user=user, obj=obj) if action else None,
                    "action": self._url(self.action_name(action), obj.pk) if action else "",
                    "submit": action.title if action else "",
                }
            )
        other_actions = [
            {
                "title": a.title,
                "form": a.form(user=user, obj=obj),
                "action": self._url(self.action_name(a), obj.pk),
            }
            for name, a in actions.items()
            if name not in shown_actions
        ]
        buttons = []
        if self.can_edit(user, obj):
            buttons.append({"title": gettext("修改"), "url": self._url(self.edit_name, obj.pk)})
        buttons.append({"title": gettext("返回列表"), "url": self._url(self.list_name)})
        response = render_page(
            request,
            "core/registry/detail.html",
            f"{self.item} · {obj}",
            registry=self,
            obj=obj,
            heading=str(obj),
            fields=[(c.label, display(resolve(obj, c.value))) for c in self.detail],
            buttons=buttons,
            sections=sections,
            other_actions=other_actions,
        )
        response.status_code = status
        return response

    def _may_act(self, user: Any, obj: Any, action: Action) -> bool:
        """Whether the detail page offers an action: the capability, the record as it stands,
        and — for the manage capability — a record the user may change, not only see."""
        if not user.can(action.capability) or not action.show(obj):
            return False
        if action.capability == self.manage and self.editable is not None:
            return bool(self.editable(user).filter(pk=obj.pk).exists())
        return True

    def detail_view(self, request: AuthedRequest, pk: int) -> HttpResponse:
        require(request, self.view)
        return self._detail_page(request, self.get(request.user, pk))

    def _form_page(
        self, request: AuthedRequest, form: RegistryForm, title: str, obj: Any = None
    ) -> TemplateResponse:
        cancel = (
            self._url(self.detail_name, obj.pk) if obj is not None else self._url(self.list_name)
        )
        return render_page(
            request, "core/registry/form.html", title, registry=self, form=form, cancel=cancel
        )

    def _saved(
        self, form: RegistryForm, request: AuthedRequest, call: Callable[[], Any]
    ) -> tuple[bool, Any]:
        try:
            return True, call()
        except InvalidField as error:
            if error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                form.add_error(None, error.message)
            report_error(request, error)
        except ServiceError as error:
            form.add_error(None, error.message)
            report_error(request, error)
        return False, None

    def new_view(self, request: AuthedRequest) -> HttpResponse:
        require(request, self.manage)
        assert self.form is not None and self.create is not None
        create = self.create
        form = self.form(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            ok, obj = self._saved(
                form, request, lambda: create(user=request.user, data=form.cleaned_data)
            )
            if ok:
                messages.success(
                    request, gettext("已登记{item}：{record}").format(item=self.item, record=obj)
                )
                return redirect(self._url(self.detail_name, obj.pk))
        return self._form_page(request, form, gettext("登记{item}").format(item=self.item))

    def _editable_or_403(self, request: AuthedRequest, pk: int) -> Any:
        obj = self.get(request.user, pk)
        if self.editable is not None and not self.editable(request.user).filter(pk=pk).exists():
            raise PermissionDenied(gettext("只能修改本单位负责的{item}").format(item=self.item))
        return obj

    def edit_view(self, request: AuthedRequest, pk: int) -> HttpResponse:
        require(request, self.manage)
        assert self.form is not None and self.update is not None
        update = self.update
        obj = self._editable_or_403(request, pk)
        form = self.form(request.POST or None, instance=obj, user=request.user)
        if request.method == "POST" and form.is_valid():
            ok, changed = self._saved(
                form,
                request,
                lambda: update(user=request.user, obj=obj, data=form.cleaned_data),
            )
            if ok:
                messages.success(
                    request, gettext("已保存") if changed else gettext("没有需要保存的修改")
                )
                return redirect(self._url(self.detail_name, obj.pk))
        # The instance a failed form was validated into may carry the rejected values.
        shown = self.get(request.user, pk)
        return self._form_page(
            request,
            form,
            gettext("修改{item} · {record}").format(item=self.item, record=shown),
            shown,
        )

    def action_view(self, request: AuthedRequest, pk: int, *, action: Action) -> HttpResponse:
        require(request, action.capability)
        obj = self.get(request.user, pk)
        form = action.form(request.POST, request.FILES, user=request.user, obj=obj)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            try:
                action.run(user=request.user, obj=obj, data=form.cleaned_data)
            except ServiceError as error:
                report_error(request, error)
            else:
                messages.success(request, action.done)
        return redirect(self._url(self.detail_name, pk))

    def import_view(self, request: AuthedRequest) -> HttpResponse:
        require(request, self.manage)
        if request.GET.get("template") == "xlsx":
            return _download(
                self.template_bytes(request.user),
                gettext("{title}导入模板.xlsx").format(title=self.title),
            )
        row_errors: list[RowError] = []
        form = UploadForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                created = self.import_file(user=request.user, upload=upload, name=upload.name)
            except ImportRejected as exc:
                report_error(request, exc)
                row_errors = list(exc.errors)
                status = 400
            except (ExcelError, ServiceError) as exc:
                report_error(request, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    gettext("导入成功：登记{item} {count} {counter}").format(
                        item=self.item, count=created, counter=self.counter
                    ),
                )
                return redirect(self._url(self.list_name))
        response = render_page(
            request,
            "core/registry/import.html",
            gettext("导入{title}").format(title=self.title),
            registry=self,
            form=form,
            required=[c.header for c in self._import_columns() if c.required],
            optional=[c.header for c in self._import_columns() if not c.required],
            row_errors=row_errors[:SHOWN_IMPORT_ERRORS],
            more_errors=max(0, len(row_errors) - SHOWN_IMPORT_ERRORS),
            list_url=self._url(self.list_name),
        )
        response.status_code = status
        return response

    def export_view(self, request: AuthedRequest) -> HttpResponse:
        require(request, self.view)
        content = self.export_bytes(user=request.user, params=request.GET)
        return _download(content, f"{self.title}-{timezone.localdate():%Y%m%d}.xlsx")

    # ------------------------------------------------------------ API

    def add_api_routes(self, router: Any) -> None:
        """Adds list, detail, create, update and the actions to a django-ninja router.

        Objects are named by ``?id=`` (the detail and update routes are ``…/item``); filters are
        the list page's, as query parameters. Writes go through the same form and services.
        """
        from ninja import Query
        from ninja.decorators import decorate_view
        from pydantic import Field as PydanticField
        from pydantic import create_model

        from zhijiao.api.schemas import ErrorOut

        base = f"/{self.path}"
        stem = "".join(part.title() for part in re.split(r"[-/_]", self.key))
        tags = [str(self.api_tag or self.title)]
        errors: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
        out_fields: dict[str, Any] = {"id": (int, ...)}
        for f in self.api:
            out_fields[f.name] = (f.type, PydanticField(description=f.description or None))
        Out: Any = create_model(f"{stem}Out", __base__=Schema, **out_fields)  # noqa: N806
        filter_fields: dict[str, Any] = {
            f.name: (str | None, PydanticField(None, description=f.describe()))
            for f in self.filters
        }
        Filters: Any = create_model(  # noqa: N806
            f"{stem}Filters", __base__=Schema, **filter_fields
        )

        def out(obj: Any) -> Any:
            values = {"id": obj.pk}
            for f in self.api:
                values[f.name] = resolve(obj, f.source or f.name)
            return Out(**values)

        def list_records(
            request: HttpRequest, filters: Any, limit: int = 100, offset: int = 0
        ) -> Any:
            user: Any = request.user
            require_capability(user, self.view)
            qs, _ = self.filtered(user, filters.model_dump(exclude_none=True))
            return [out(obj) for obj in qs[window(limit, offset)]]

        list_records.__annotations__ = {
            "request": HttpRequest,
            "filters": Query[Filters],  # type: ignore[misc]
            "limit": int,
            "offset": int,
            "return": list[Out],
        }
        op = router.get(
            base,
            response={200: list[Out], **errors},
            summary=str(self.title),
            description=f"您可见的{self.title}（与页面相同的数据范围与筛选），limit 最大 {API_MAX_LIMIT}。",
            operation_id=f"{stem}_list",
            tags=tags,
        )(list_records)
        decorate_view(capability_first(self.view))(op)

        def one(request: HttpRequest, id: int) -> Any:  # noqa: A002 — the API's name for it
            user: Any = request.user
            require_capability(user, self.view)
            return out(self.get(user, id))

        one.__annotations__ = {"request": HttpRequest, "id": int, "return": Out}
        op = router.get(
            f"{base}/item",
            response={200: Out, **errors},
            summary=f"{self.item}详情",
            description=f"一个{self.item}；不存在或不在您的数据范围内均答复 404。",
            operation_id=f"{stem}_item",
            tags=tags,
        )(one)
        decorate_view(capability_first(self.view))(op)

        if self.writable:
            self._add_api_writes(router, base, stem, tags, Out, out, errors)

    def _form_schema(self, name: str, form_class: type[forms.BaseForm], *, optional: bool) -> Any:
        from pydantic import Field as PydanticField
        from pydantic import create_model

        fields: dict[str, Any] = {}
        base_fields: dict[str, forms.Field] = getattr(form_class, "base_fields", {})
        for field_name, form_field in base_fields.items():
            kind = _api_type(form_field)
            description = _api_description(form_field)
            if form_field.required and not optional:
                fields[field_name] = (kind, PydanticField(..., description=description))
            else:
                fields[field_name] = (kind | None, PydanticField(None, description=description))
        return create_model(name, __base__=Schema, **fields)  # type: ignore[call-overload]

    def _add_api_writes(
        self,
        router: Any,
        base: str,
        stem: str,
        tags: list[str],
        Out: Any,  # noqa: N803
        out: Callable[[Any], Any],
        errors: dict[int, Any],
    ) -> None:
        from ninja import Status
        from ninja.decorators import decorate_view

        from zhijiao.api.schemas import ErrorOut

        assert self.form is not None and self.create is not None
        form_class, create, update = self.form, self.create, self.update
        write_errors: dict[int, Any] = {400: FormErrorOut, 409: ErrorOut, **errors}

        def invalid(form: forms.BaseForm) -> Any:
            return Status(
                400,
                {
                    "code": RegistryErrorCode.INVALID_INPUT,
                    "message": gettext("输入有误：{errors}").format(errors=form_errors(form)),
                    "errors": {k: [str(m) for m in v] for k, v in form.errors.items()},
                },
            )

        def refused(error: InvalidField) -> Any:
            return Status(
                error.status_code,
                {
                    "code": str(error.code),
                    "message": error.message,
                    "errors": {error.field: [error.message]},
                },
            )

        In = self._form_schema(f"{stem}In", form_class, optional=False)  # noqa: N806
        Patch = self._form_schema(f"{stem}Patch", form_class, optional=True)  # noqa: N806

        def create_record(request: HttpRequest, payload: Any) -> Any:
            user: Any = request.user
            require_capability(user, self.manage)
            data = {k: _form_value(v) for k, v in payload.model_dump(exclude_none=True).items()}
            form = form_class(data=data, user=user)
            if not form.is_valid():
                return invalid(form)
            try:
                obj = create(user=user, data=form.cleaned_data)
            except InvalidField as error:
                return refused(error)
            return Status(201, out(self.get(user, obj.pk)))

        create_record.__annotations__ = {"request": HttpRequest, "payload": In, "return": Any}
        op = router.post(
            base,
            response={201: Out, **write_errors},
            summary=f"登记{self.item}",
            description="与网页登记同样校验，同一业务规则；失败时不保存任何数据。",
            operation_id=f"{stem}_create",
            tags=tags,
        )(create_record)
        decorate_view(capability_first(self.manage))(op)

        if update is not None:

            def update_record(request: HttpRequest, id: int, payload: Any) -> Any:  # noqa: A002
                user: Any = request.user
                require_capability(user, self.manage)
                obj = self.get(user, id)
                if self.editable is not None and not self.editable(user).filter(pk=id).exists():
                    raise ServiceError(
                        AccessErrorCode.NOT_ALLOWED,
                        gettext("只能修改本单位负责的{item}").format(item=self.item),
                        status_code=403,
                    )
                current = form_class(instance=obj, user=user)
                data = {name: bound.value() for name, bound in ((b.name, b) for b in current)}
                data.update(
                    {k: _form_value(v) for k, v in payload.model_dump(exclude_unset=True).items()}
                )
                data = {k: _form_value(v) for k, v in data.items() if v is not None}
                form = form_class(data=data, instance=obj, user=user)
                if not form.is_valid():
                    return invalid(form)
                try:
                    update(user=user, obj=obj, data=form.cleaned_data)
                except InvalidField as error:
                    return refused(error)
                return out(self.get(user, id))

            update_record.__annotations__ = {
                "request": HttpRequest,
                "id": int,
                "payload": Patch,
                "return": Any,
            }
            op = router.patch(
                f"{base}/item",
                response={200: Out, **write_errors},
                summary=f"修改{self.item}",
                description="只需提供要修改的字段；其余保持不变。与网页修改同样校验。",
                operation_id=f"{stem}_update",
                tags=tags,
            )(update_record)
            decorate_view(capability_first(self.manage))(op)

        for action in self.actions:
            self._add_api_action(
                router, base, stem, tags, action, out, Out, write_errors, invalid, refused
            )

    def _add_api_action(
        self,
        router: Any,
        base: str,
        stem: str,
        tags: list[str],
        action: Action,
        out: Callable[[Any], Any],
        Out: Any,  # noqa: N803
        write_errors: dict[int, Any],
        invalid: Callable[[forms.BaseForm], Any],
        refused: Callable[[InvalidField], Any],
    ) -> None:
        from ninja.decorators import decorate_view

        action_stem = stem + "".join(p.title() for p in action.name.split("-"))
        Body = self._form_schema(f"{action_stem}In", action.form, optional=False)  # noqa: N806

        def run(request: HttpRequest, id: int, payload: Any) -> Any:  # noqa: A002
            user: Any = request.user
            require_capability(user, action.capability)
            obj = self.get(user, id)
            data = {k: _form_value(v) for k, v in payload.model_dump(exclude_none=True).items()}
            form = action.form(data=data, user=user, obj=obj)
            if not form.is_valid():
                return invalid(form)
            try:
                action.run(user=user, obj=obj, data=form.cleaned_data)
            except InvalidField as error:
                return refused(error)
            return out(self.get(user, id))

        run.__annotations__ = {"request": HttpRequest, "id": int, "payload": Body, "return": Any}
        op = router.post(
            f"{base}/{action.name}",
            response={200: Out, **write_errors},
            summary=f"{action.title}（{self.item}）",
            description=f"对 ?id= 所指的{self.item}：{action.title}。返回操作后的{self.item}。",
            operation_id=f"{action_stem}_action",
            tags=tags,
        )(run)
        decorate_view(capability_first(action.capability))(op)
