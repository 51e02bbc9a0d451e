"""The monitoring configuration, kept by the plan office: elements, data sets with their rules,
indicators and targets. Formulas are checked when saved; every change is audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from zhijiao.core import audit
from zhijiao.core.admin_base import ScopedModelAdmin
from zhijiao.core.formula import FormulaError, formula_parse
from zhijiao.core.models import AuditAction
from zhijiao.core.periods import PeriodError, period_parse
from zhijiao.orgs.roles import Capability

from . import sources
from .models import (
    Category,
    CategoryOption,
    DataElement,
    DataSet,
    DataSetElement,
    Indicator,
    Target,
    ValidationRule,
)


def _formula(value: str) -> str:
    try:
        parsed = formula_parse(value)
    except FormulaError as exc:
        raise forms.ValidationError(str(exc)) from exc
    known = set(DataElement.objects.values_list("code", flat=True))
    unknown = [r.code for r in parsed.refs if r.code not in known]
    if unknown:
        raise forms.ValidationError(
            gettext("引用的数据项不存在：{codes}").format(codes="、".join(unknown))
        )
    return value


class ConfigAdmin(ScopedModelAdmin):
    change_capability = Capability.INDICATORS_MANAGE
    allow_add = True

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record(AuditAction.DELETE, obj=obj)
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, obj=obj)
        formset.save_m2m()


class OptionInline(TabularInline):
    model = CategoryOption
    extra = 0
    fields = ["code", "name", "position"]


@admin.register(Category)
class CategoryAdmin(ConfigAdmin):
    list_display = ["code", "name"]
    inlines = [OptionInline]


class DataElementForm(forms.ModelForm):
    source = forms.ChoiceField(label=_("数据来源"), required=False, choices=[])

    class Meta:
        model = DataElement
        fields = [
            "code",
            "name",
            "unit_of_measure",
            "value_type",
            "aggregation",
            "category",
            "min_value",
            "max_value",
            "source",
            "description",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = sources.source_choices()


@admin.register(DataElement)
class DataElementAdmin(ConfigAdmin):
    form = DataElementForm
    list_display = [
        "code",
        "name",
        "unit_of_measure",
        "value_type",
        "aggregation",
        "category",
        "source",
    ]
    list_filter = ["value_type", "aggregation"]
    search_fields = ["code", "name"]


class MemberInline(TabularInline):
    model = DataSetElement
    extra = 0
    fields = ["element", "position", "required"]
    autocomplete_fields = ["element"]


class RuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["name", "left", "operator", "right", "severity", "message"]

    def clean_left(self) -> str:
        return _formula(self.cleaned_data["left"])

    def clean_right(self) -> str:
        return _formula(self.cleaned_data["right"])


class RuleInline(TabularInline):
    model = ValidationRule
    form = RuleForm
    extra = 0


class DataSetForm(forms.ModelForm):
    class Meta:
        model = DataSet
        fields = [
            "code",
            "name",
            "period_type",
            "first_period",
            "units",
            "unit_groups",
            "opens_before_end_days",
            "due_days",
            "expiry_days",
            "description",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period_type") and data.get("first_period"):
            try:
                data["first_period"] = period_parse(data["period_type"], data["first_period"]).code
            except PeriodError as exc:
                self.add_error("first_period", str(exc))
        return data


@admin.register(DataSet)
class DataSetAdmin(ConfigAdmin):
    form = DataSetForm
    list_display = ["code", "name", "period_type", "first_period", "due_days", "expiry_days"]
    filter_horizontal = ["units", "unit_groups"]
    inlines = [MemberInline, RuleInline]


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "numerator",
            "denominator",
            "factor",
            "unit_of_measure",
            "decimals",
            "description",
        ]

    def clean_numerator(self) -> str:
        return _formula(self.cleaned_data["numerator"])

    def clean_denominator(self) -> str:
        return _formula(self.cleaned_data["denominator"] or "1")


@admin.register(Indicator)
class IndicatorAdmin(ConfigAdmin):
    form = IndicatorForm
    list_display = ["code", "name", "numerator", "denominator", "factor", "unit_of_measure"]
    search_fields = ["code", "name"]


@admin.register(Target)
class TargetAdmin(ConfigAdmin):
    list_display = ["name", "indicator", "comparator", "value", "deadline", "scope", "recurring"]
    list_filter = ["scope", "recurring"]
    filter_horizontal = ["tasks"]
    fields = [
        "key",
        "name",
        "indicator",
        "comparator",
        "value",
        "deadline",
        "recurring",
        "scope",
        "first_year",
        "source_text",
        "tasks",
        "position",
    ]
