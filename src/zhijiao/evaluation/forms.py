"""Forms of the evaluation pages: they parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role

from . import scoring
from .data import ConflictKind, ScoringMethod
from .models import Criterion, Scheme

DATE = forms.DateInput(attrs={"type": "date"})


def schools() -> Any:
    return Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name")


def experts() -> Any:
    return User.objects.filter(role=Role.EXPERT, is_active=True).order_by("username")


class ExpertChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name or obj.username}（{obj.username}）"


class RoundForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label=_("评价方案"),
        queryset=Scheme.objects.filter(status="active").order_by("-year", "kind"),
    )
    year = forms.IntegerField(label=_("评价年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称（可留空自动生成）"), max_length=200, required=False)
    self_due = forms.DateField(label=_("自评截止日期"), widget=DATE)
    scoring_due = forms.DateField(label=_("专家评分截止日期"), widget=DATE)
    schools = forms.ModelMultipleChoiceField(
        label=_("参评学校"), queryset=schools(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools()  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    expert = ExpertChoiceField(label=_("评审专家"), queryset=experts())
    schools = forms.ModelMultipleChoiceField(
        label=_("评审学校"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, round_schools: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts()  # type: ignore[attr-defined]
        if round_schools is not None:
            self.fields["schools"].queryset = round_schools  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    expert = ExpertChoiceField(label=_("专家"), queryset=experts())
    school = forms.ModelChoiceField(label=_("学校"), queryset=schools())
    kind = forms.ChoiceField(label=_("关系"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, expert: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools()  # type: ignore[attr-defined]
        if expert is not None:  # an expert declares for themself
            self.fields["expert"].queryset = User.objects.filter(pk=expert.pk)  # type: ignore[attr-defined]
            self.fields["expert"].initial = expert.pk


class ClaimForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(
        label=_("自评分"), max_digits=7, decimal_places=2, min_value=Decimal(0)
    )
    statement = forms.CharField(label=_("自评说明"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("佐证材料（PDF、图片、OFD 或 Office 文件）"), required=False)


class NoticeForm(forms.Form):
    notice_starts = forms.DateField(label=_("公示开始日期"), widget=DATE)
    notice_ends = forms.DateField(label=_("公示（申诉）截止日期"), widget=DATE)


class FinalForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(
        label=_("核定得分"), max_digits=7, decimal_places=2, min_value=Decimal(0)
    )
    reason = forms.CharField(label=_("理由"), max_length=300)


class AppealForm(forms.Form):
    criterion = forms.ModelChoiceField(
        label=_("申诉指标（可不选，表示对总体结果申诉）"),
        queryset=Criterion.objects.none(),
        required=False,
    )
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, scheme: Scheme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scheme is not None:
            self.fields["criterion"].queryset = scheme.criteria.exclude(  # type: ignore[attr-defined]
                method=""
            ).order_by("position")


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("申诉成立")), ("0", _("申诉不成立"))],
        coerce=lambda v: v == "1",
    )
    decision = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))
    points = forms.DecimalField(
        label=_("调整后得分（单项申诉成立时填写）"),
        required=False,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal(0),
    )


class QualityForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    school = forms.ModelChoiceField(
        label=_("学校（工作专班留空生成全市汇总）"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, allowed: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["school"].queryset = allowed  # type: ignore[attr-defined]


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("复制为年度"), min_value=2000, max_value=2100)


def bands_from_text(text: str, where: str) -> list[tuple[Decimal, Decimal]]:
    """ "60:4, 70:6" (门槛值:得分, separated by commas or 、；) as bands."""
    bands = []
    for part in text.replace("，", ",").replace("；", ",").replace("、", ",").split(","):
        part = part.strip().replace("：", ":")
        if not part:
            continue
        if ":" not in part:
            raise forms.ValidationError(
                gettext("{where}的计分档次应写成“门槛值:得分”，如 60:4, 80:8").format(where=where)
            )
        threshold, points = part.split(":", 1)
        try:
            bands.append(
                (
                    scoring.to_decimal(threshold, gettext("{where}的门槛值").format(where=where)),
                    scoring.to_decimal(points, gettext("{where}的档次得分").format(where=where)),
                )
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
    return bands


def bands_to_text(bands: list[list[str]]) -> str:
    return ", ".join(f"{scoring.fmt(Decimal(t))}:{scoring.fmt(Decimal(p))}" for t, p in bands)


class SchemeEditForm(forms.Form):
    """One row of fields per criterion: name and points; bands for automatic leaves; rubric for
    the experts' leaves."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"name_{c.pk}"] = forms.CharField(
                label=_("名称"), max_length=200, initial=c.name
            )
            self.fields[f"weight_{c.pk}"] = forms.DecimalField(
                label=_("分值"),
                initial=c.weight,
                max_digits=7,
                decimal_places=2,
                min_value=Decimal(0),
            )
            if c.method == ScoringMethod.AUTO:
                self.fields[f"bands_{c.pk}"] = forms.CharField(
                    label=_("计分档次（门槛值:得分）"),
                    initial=bands_to_text(c.bands),
                    max_length=500,
                )
            elif c.method:
                self.fields[f"rubric_{c.pk}"] = forms.CharField(
                    label=_("评分标准"),
                    initial=c.rubric,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def rows(self) -> list[tuple[Criterion, list[Any]]]:
        return [
            (c, [self[name] for name in self.fields if name.endswith(f"_{c.pk}")])
            for c in self.criteria
        ]

    def edits(self) -> dict[str, Any]:
        from .services import CriterionEdit

        data = self.cleaned_data
        result = {}
        for c in self.criteria:
            bands = None
            if f"bands_{c.pk}" in data:
                try:
                    bands = bands_from_text(data[f"bands_{c.pk}"], f"“{c}”")
                except forms.ValidationError as exc:
                    self.add_error(f"bands_{c.pk}", exc)
                    continue
            result[c.code] = CriterionEdit(
                name=data[f"name_{c.pk}"],
                weight=data[f"weight_{c.pk}"],
                bands=bands,
                rubric=data.get(f"rubric_{c.pk}"),
            )
        return result
