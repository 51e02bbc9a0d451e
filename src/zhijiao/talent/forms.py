"""Forms of the talent pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .data import (
    MAX_EXPERIENCE_YEARS,
    MAX_HEADCOUNT,
    MAX_LINES,
    Cluster,
    Education,
    EnterpriseSize,
    SalaryBand,
    SkillLevel,
    Town,
    Urgency,
)
from .services import LineData, ProfileData, RoundData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    industry_code = forms.CharField(
        label=_("所属行业代码"),
        max_length=10,
        help_text=_("GB/T 4754-2017 小类代码，如 C3130（钢压延加工）；可先在“目录浏览”中查找。"),
    )
    size = forms.ChoiceField(label=_("企业规模"), choices=EnterpriseSize.choices)
    cluster = forms.ChoiceField(label=_("产业集群"), choices=Cluster.choices)
    town = forms.ChoiceField(label=_("所在镇街"), choices=Town.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    staff_count = forms.IntegerField(label=_("职工人数"), min_value=1, max_value=1_000_000)

    def profile_data(self) -> ProfileData:
        d = self.cleaned_data
        return ProfileData(
            industry_code=d["industry_code"],
            size=d["size"],
            cluster=d["cluster"],
            town=d["town"],
            address=d["address"],
            staff_count=d["staff_count"],
        )


class LineForm(forms.Form):
    # Each list's initial value is the option a browser shows (and posts) first, so a blank row
    # left untouched has not changed and is skipped rather than reported as incomplete.
    occupation = forms.ChoiceField(label=_("职业"), choices=())
    headcount = forms.IntegerField(label=_("需求人数"), min_value=1, max_value=MAX_HEADCOUNT)
    education = forms.ChoiceField(
        label=_("学历要求"), choices=Education.choices, initial=Education.ANY
    )
    skill_level = forms.ChoiceField(
        label=_("技能等级"), choices=SkillLevel.choices, initial=SkillLevel.ANY
    )
    experience_years = forms.IntegerField(
        label=_("工作经验（年）"), min_value=0, max_value=MAX_EXPERIENCE_YEARS, initial=0
    )
    salary_band = forms.ChoiceField(
        label=_("月薪范围"), choices=SalaryBand.choices, initial=SalaryBand.NEGOTIABLE
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args: Any, occupations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["occupation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择职业")), *occupations]

    def line_data(self) -> LineData:
        d = self.cleaned_data
        return LineData(
            occupation=d["occupation"],
            headcount=d["headcount"],
            education=d["education"],
            skill_level=d["skill_level"],
            experience_years=d["experience_years"] if d["experience_years"] is not None else 0,
            salary_band=d["salary_band"],
            urgency=d["urgency"],
            note=d["note"],
        )


class BaseLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def line_forms(self) -> list[LineForm]:
        """The forms that make up the survey: saved lines not marked for deletion, and blank
        rows the user filled in."""
        chosen = []
        for index, form in enumerate(self.forms):
            if self.can_delete and getattr(form, "cleaned_data", {}).get("DELETE"):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            chosen.append(form)
        return chosen

    def lines(self) -> list[LineData]:
        return [form.line_data() for form in self.line_forms()]


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_LINES,
    validate_max=True,
)


class SurveyNoteForm(forms.Form):
    note = forms.CharField(
        label=_("企业说明"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("可选：用工计划的背景，如新项目投产、扩产。"),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("开始填报"), widget=DATE)
    closes_on = forms.DateField(label=_("截止日期"), widget=DATE)
    note = forms.CharField(label=_("填报说明"), max_length=500, required=False)

    def round_data(self) -> RoundData:
        d = self.cleaned_data
        return RoundData(
            year=d["year"], opens_on=d["opens_on"], closes_on=d["closes_on"], note=d["note"]
        )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("accept", _("采纳")), ("return", _("退回修改"))]
    )
    comment = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class MappingForm(forms.Form):
    major_code = forms.CharField(label=_("专业代码"), max_length=10)
    occupation_code = forms.CharField(label=_("职业代码"), max_length=16)
    industry_code = forms.CharField(label=_("行业代码"), max_length=10)
    source = forms.CharField(label=_("来源"), max_length=200)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class PostingImportForm(forms.Form):
    file = forms.FileField(label=_("招聘信息文件（.csv、.xlsx 或 .json）"))
    source = forms.CharField(
        label=_("来源"), max_length=100, help_text=_("如：江阴人才网、前程无忧。")
    )
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("没有发布日期的条目计入此年度。"),
    )


class CorrectForm(forms.Form):
    occupation = forms.CharField(label=_("职业代码"), max_length=12)
    learn = forms.BooleanField(label=_("把职位名称加入别名词典"), required=False, initial=True)


class SupplyForm(forms.Form):
    school = forms.IntegerField(label=_("学校"), required=False)
    major_code = forms.CharField(
        label=_("专业代码"), max_length=6, help_text=_("6 位专业代码，如 460103。")
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    enrolled = forms.IntegerField(label=_("招生人数"), min_value=0)
    graduates = forms.IntegerField(label=_("毕业生人数"), min_value=0)
    local_employed = forms.IntegerField(label=_("本地就业"), min_value=0)
    further_study = forms.IntegerField(label=_("升学"), min_value=0)
    other = forms.IntegerField(label=_("其他去向"), min_value=0)


class SupplyImportForm(forms.Form):
    file = forms.FileField(label=_("供给文件（.csv 或 .xlsx）"))


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
