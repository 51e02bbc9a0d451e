"""Forms of the teachers pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from zhijiao.orgs.models import Unit

from .data import DualLevel, SkillLevel, TeacherKind, Title
from .services import TeacherData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeacherForm(forms.Form):
    school = forms.ModelChoiceField(label="学校", queryset=Unit.objects.none())
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号", max_length=30, help_text="18 位，最后一位可以是 X；保存后只显示脱敏号码。"
    )
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    kind = forms.ChoiceField(label="教师类别", choices=TeacherKind.choices)
    title = forms.ChoiceField(label="职称", choices=Title.choices, initial=Title.NONE)
    skill_level = forms.ChoiceField(
        label="职业技能等级", choices=SkillLevel.choices, initial=SkillLevel.NONE
    )
    employer = forms.CharField(
        label="所在企业", max_length=200, required=False, help_text="兼职教师（企业）必填。"
    )
    hired_on = forms.DateField(label="入职（聘任）日期", widget=DATE)

    def __init__(self, *args: Any, schools: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools
        if schools.count() == 1:
            # A school's own clerk: the school is fixed.
            field.initial = schools.first()
            field.disabled = True

    def teacher_data(self) -> TeacherData:
        d = self.cleaned_data
        return TeacherData(
            name=d["name"],
            id_number=d["id_number"],
            phone=d["phone"],
            kind=d["kind"],
            title=d["title"],
            skill_level=d["skill_level"],
            employer=d["employer"],
            hired_on=d["hired_on"],
        )


class LeaveForm(forms.Form):
    left_on = forms.DateField(label="离职日期", widget=DATE)
    reason = forms.CharField(label="说明", max_length=200, required=False)


class DualGrantForm(forms.Form):
    granted_on = forms.DateField(label="认定日期", widget=DATE)
    level = forms.ChoiceField(
        label="等级", choices=[("", "未分级")] + list(DualLevel.choices), required=False
    )
    evidence = forms.FileField(label="认定材料（PDF、OFD 或图片）")


class DualRevokeForm(forms.Form):
    revoked_on = forms.DateField(label="撤销日期", widget=DATE)
    reason = forms.CharField(label="撤销理由", max_length=300)


class PracticeForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    enterprise = forms.CharField(label="实践企业", max_length=200)
    days = forms.IntegerField(label="天数", min_value=1, max_value=366)
    note = forms.CharField(label="说明", max_length=300, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
