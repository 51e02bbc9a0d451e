"""Forms of the plan pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from .models import PeriodKind, ReportingPeriod


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "block w-full text-sm"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class ReportForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("报送周期"),
        queryset=ReportingPeriod.objects.none(),
        widget=UnfoldAdminSelectWidget,
        error_messages={
            "invalid_choice": _("请选择有效的报送周期"),
            "required": _("请选择报送周期"),
        },
    )
    narrative = forms.CharField(
        label=_("进展情况"),
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("请填写进展情况")},
    )
    percent = forms.IntegerField(
        label=_("完成进度（%）"),
        min_value=0,
        max_value=100,
        initial=0,
        widget=UnfoldAdminIntegerFieldWidget,
        error_messages={
            "min_value": _("完成进度不能小于 0"),
            "max_value": _("完成进度不能大于 100"),
            "invalid": _("请输入整数"),
        },
    )
    milestone = forms.CharField(
        label=_("本期节点目标"), required=False, max_length=200, widget=UnfoldAdminTextInputWidget
    )
    claims_completion = forms.BooleanField(
        label=_("申报任务完成"),
        required=False,
        widget=UnfoldBooleanSwitchWidget,
        help_text=_("牵头单位确认任务已全部完成时勾选；经工作专班审核通过后任务状态变为“已完成”。"),
    )
    evidence = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("可多选。支持 PDF、PNG、JPG、Word、Excel、PPT、OFD，单个文件不超过 20 MB。"),
    )

    def __init__(self, *args: Any, periods: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("审核通过")), ("return", _("退回修改"))],
        widget=UnfoldAdminSelectWidget,
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(
        label=_("申请延期至"),
        widget=UnfoldAdminSingleDateWidget,
        error_messages={
            "invalid": _("请输入有效日期，如 2026-12-31"),
            "required": _("请填写申请的日期"),
        },
    )
    reason = forms.CharField(
        label=_("延期理由"),
        max_length=2000,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}),
        error_messages={"required": _("请说明延期理由")},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批结论"),
        choices=[("approve", _("批准")), ("reject", _("不批准"))],
        widget=UnfoldAdminSelectWidget,
    )
    comment = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=2000,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )


class SchoolPlanForm(forms.Form):
    title = forms.CharField(label=_("方案名称"), max_length=200, widget=UnfoldAdminTextInputWidget)
    summary = forms.CharField(
        label=_("主要内容"), max_length=20000, widget=UnfoldAdminTextareaWidget(attrs={"rows": 8})
    )
    tasks = forms.MultipleChoiceField(
        label=_("对应任务"), required=False, widget=forms.CheckboxSelectMultiple
    )
    document = forms.FileField(
        label=_("方案文件"), required=False, help_text=_("PDF、Word 或 OFD，不超过 20 MB。")
    )

    def __init__(self, *args: Any, task_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tasks"].choices = task_choices  # type: ignore[attr-defined]


class RulesForm(forms.Form):
    period_kind = forms.ChoiceField(
        label=_("报送周期"), choices=PeriodKind.choices, widget=UnfoldAdminSelectWidget
    )
    report_due_days = forms.IntegerField(
        label=_("周期结束后几天内报送"),
        min_value=0,
        max_value=60,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    notice_days_before_due = forms.IntegerField(
        label=_("报送截止前几天提醒（预警）"),
        min_value=0,
        max_value=30,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    due_soon_days = forms.IntegerField(
        label=_("任务截止前几天提醒（预警）"),
        min_value=0,
        max_value=365,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    yellow_overdue_days = forms.IntegerField(
        label=_("任务逾期几天亮黄牌"),
        min_value=0,
        max_value=3650,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    red_overdue_days = forms.IntegerField(
        label=_("任务逾期几天亮红牌"),
        min_value=0,
        max_value=3650,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    yellow_missed_periods = forms.IntegerField(
        label=_("连续漏报几期亮黄牌"),
        min_value=1,
        max_value=24,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    red_missed_periods = forms.IntegerField(
        label=_("连续漏报几期亮红牌"),
        min_value=1,
        max_value=24,
        widget=UnfoldAdminIntegerFieldWidget,
    )
