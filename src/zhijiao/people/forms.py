"""Forms of the people pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhijiao.orgs.models import Unit

from . import award_services, registry_services, training_services
from .data import (
    AwardeeKind,
    AwardRank,
    BaseKind,
    CompetitionCategory,
    CompetitionLevel,
    DualLevel,
    HonourLevel,
    MajorLevel,
    RecognitionKind,
    SkillLevel,
    TeacherKind,
    ThroughMode,
    Title,
    TraineeGroup,
    TrainingKind,
)
from .models import Competition, Major, Teacher
from .services import StudentData, TeacherData

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SchoolFormMixin(forms.Form):
    """A form with a school chosen among the user's: fixed when the user has only one."""

    school = forms.ModelChoiceField(label=_("学校"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, schools: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools
        if schools.count() == 1:
            field.initial = schools.first()
            field.disabled = True


class TeacherForm(forms.Form):
    school = forms.ModelChoiceField(label=_("学校"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        help_text=_("18 位，最后一位可以是 X；保存后只显示脱敏号码。"),
    )
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("教师类别"), choices=TeacherKind.choices)
    title = forms.ChoiceField(label=_("职称"), choices=Title.choices, initial=Title.NONE)
    skill_level = forms.ChoiceField(
        label=_("职业技能等级"), choices=SkillLevel.choices, initial=SkillLevel.NONE
    )
    employer = forms.CharField(
        label=_("所在企业"), max_length=200, required=False, help_text=_("兼职教师（企业）必填。")
    )
    hired_on = forms.DateField(label=_("入职（聘任）日期"), widget=DATE)

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
    left_on = forms.DateField(label=_("离职日期"), widget=DATE)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class DualGrantForm(forms.Form):
    granted_on = forms.DateField(label=_("认定日期"), widget=DATE)
    level = forms.ChoiceField(
        label=_("等级"), choices=[("", _("未分级"))] + list(DualLevel.choices), required=False
    )
    evidence = forms.FileField(label=_("认定材料（PDF、OFD 或图片）"))


class DualRevokeForm(forms.Form):
    revoked_on = forms.DateField(label=_("撤销日期"), widget=DATE)
    reason = forms.CharField(label=_("撤销理由"), max_length=300)


class PracticeForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    enterprise = forms.CharField(label=_("实践企业"), max_length=200)
    days = forms.IntegerField(label=_("天数"), min_value=1, max_value=366)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


def year_field(label: StrOrPromise, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1990, max_value=2100, required=required)


class StudentForm(SchoolFormMixin):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        help_text=_("18 位，最后一位可以是 X；保存后只显示脱敏号码。"),
    )
    student_number = forms.CharField(label=_("学号"), max_length=30, required=False)
    major = forms.CharField(label=_("专业"), max_length=100)
    class_name = forms.CharField(label=_("班级"), max_length=50, required=False)
    enrolled_year = year_field(_("入学年份"))

    def student_data(self) -> StudentData:
        d = self.cleaned_data
        return StudentData(
            name=d["name"],
            id_number=d["id_number"],
            student_number=d["student_number"],
            major=d["major"],
            class_name=d["class_name"],
            enrolled_year=d["enrolled_year"],
        )


# ---------------------------------------------------------------- 技能雏鹰


class RoundForm(forms.Form):
    year = year_field(_("年度"))
    places = forms.IntegerField(label=_("表彰名额"), min_value=1, max_value=1000, initial=100)
    nomination_opens = forms.DateField(label=_("推荐开始日期"), widget=DATE)
    nomination_closes = forms.DateField(label=_("推荐截止日期"), widget=DATE)


class QuotaForm(forms.Form):
    school = forms.ModelChoiceField(label=_("学校"), queryset=Unit.objects.none())
    places = forms.IntegerField(label=_("推荐名额"), min_value=0, max_value=1000)

    def __init__(self, *args: Any, schools: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools


class NoticeForm(forms.Form):
    notice_starts = forms.DateField(label=_("公示开始日期"), widget=DATE, required=False)
    notice_ends = forms.DateField(label=_("公示结束日期"), widget=DATE, required=False)


class NominateForm(forms.Form):
    who = forms.CharField(
        label=_("学生身份证号或学号"),
        max_length=30,
        help_text=_("学生须已在学生库中登记；学号只在本校内查找。"),
    )
    name = forms.CharField(label=_("学生姓名"), max_length=50, help_text=_("用于核对。"))
    reasons = forms.CharField(label=_("推荐理由"), widget=forms.Textarea(attrs={"rows": 4}))
    achievements = forms.CharField(
        label=_("主要事迹与获奖情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ReviewForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("意见"),
        choices=[("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(label=_("说明（不同意时必填）"), max_length=300, required=False)


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label=_("收到日期"), widget=DATE)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("0", _("异议不成立")), ("1", _("异议成立（取消表彰）"))],
        coerce=lambda v: v == "1",
    )
    finding = forms.CharField(label=_("核查情况"), max_length=500)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), max_length=200, required=False)


# ---------------------------------------------------------------- competitions and awards


class CompetitionForm(forms.Form):
    name = forms.CharField(label=_("赛事名称"), max_length=200)
    year = year_field(_("年度"))
    track = forms.CharField(label=_("赛项（项目）"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("级别"), choices=CompetitionLevel.choices)
    category = forms.ChoiceField(label=_("类别"), choices=CompetitionCategory.choices)
    organiser = forms.CharField(label=_("主办单位"), max_length=200, required=False)

    def competition_data(self) -> award_services.CompetitionData:
        d = self.cleaned_data
        return award_services.CompetitionData(
            name=d["name"],
            year=d["year"],
            track=d["track"],
            level=d["level"],
            category=d["category"],
            organiser=d["organiser"],
        )


class AwardForm(forms.Form):
    competition = forms.ModelChoiceField(
        label=_("赛事"),
        queryset=Competition.objects.order_by("-year", "name", "track"),
        help_text=_("获奖记录必须属于已登记的赛事；没有的请先登记赛事。"),
    )
    kind = forms.ChoiceField(label=_("获奖者类别"), choices=AwardeeKind.choices)
    id_number = forms.CharField(
        label=_("获奖者身份证号"),
        max_length=30,
        help_text=_("获奖学生或教师须已在学生库或教师库中登记。"),
    )
    name = forms.CharField(label=_("获奖者姓名"), max_length=50, help_text=_("用于核对。"))
    rank = forms.ChoiceField(label=_("奖项等级"), choices=AwardRank.choices)
    incentive_amount = forms.DecimalField(
        label=_("奖励金额（元）"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    incentive_paid_on = forms.DateField(label=_("奖励发放日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


# ---------------------------------------------------------------- social training


class TrainingForm(SchoolFormMixin):
    programme = forms.CharField(label=_("培训项目"), max_length=200)
    kind = forms.ChoiceField(label=_("培训类型"), choices=TrainingKind.choices)
    target_group = forms.ChoiceField(label=_("培训对象"), choices=TraineeGroup.choices)
    person_times = forms.IntegerField(label=_("培训人次"), min_value=1, max_value=100_000)
    hours = forms.IntegerField(label=_("学时"), min_value=1, max_value=2000)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    partner = forms.CharField(label=_("合作企业"), max_length=200, required=False)

    def training_data(self) -> training_services.TrainingData:
        d = self.cleaned_data
        return training_services.TrainingData(
            programme=d["programme"],
            kind=d["kind"],
            target_group=d["target_group"],
            person_times=d["person_times"],
            hours=d["hours"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            partner=d["partner"],
        )


# ---------------------------------------------------------------- majors, 贯通, teams, bases


class MajorForm(SchoolFormMixin):
    code = forms.CharField(
        label=_("专业代码"),
        max_length=10,
        help_text=_(
            "职业教育专业目录 6 位代码（中职 61–79、高职专科 41–59、高职本科 21–39 开头）；"
            "技工院校专业 4 位代码。"
        ),
    )
    name = forms.CharField(label=_("专业名称"), max_length=100)
    level = forms.ChoiceField(label=_("层次"), choices=MajorLevel.choices)
    established_year = year_field(_("开设年份"), required=False)
    is_active = forms.BooleanField(label=_("在招"), required=False, initial=True)

    def major_data(self) -> registry_services.MajorData:
        d = self.cleaned_data
        return registry_services.MajorData(
            code=d["code"],
            name=d["name"],
            level=d["level"],
            established_year=d["established_year"],
            is_active=d["is_active"],
        )


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("认定类别"), choices=RecognitionKind.choices)
    granted_year = year_field(_("认定年份"))
    group_name = forms.CharField(label=_("专业群名称"), max_length=100, required=False)
    granted_by = forms.CharField(label=_("认定部门"), max_length=100, required=False)
    document_number = forms.CharField(label=_("认定文号"), max_length=100, required=False)


class RevokeRecognitionForm(forms.Form):
    revoked_year = year_field(_("撤销年份"))


class MajorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.school} · {obj.name}（{obj.code}）"


class TeacherChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.school}）"


class TeachersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.school}）"


class ThroughForm(forms.Form):
    major = MajorChoiceField(label=_("专业"), queryset=Major.objects.none())
    partner = forms.CharField(label=_("合作院校"), max_length=200)
    mode = forms.ChoiceField(label=_("培养模式"), choices=ThroughMode.choices)
    started_year = year_field(_("首次招生年份"))

    def __init__(self, *args: Any, majors: QuerySet[Major], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["major"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = majors


class ThroughYearForm(forms.Form):
    year = year_field(_("年度"))
    intake = forms.IntegerField(label=_("当年招生人数"), min_value=0, max_value=100_000)
    enrolled = forms.IntegerField(label=_("年末在校生人数"), min_value=0, max_value=100_000)


class TeamForm(SchoolFormMixin):
    name = forms.CharField(label=_("团队名称"), max_length=200)
    major_group = forms.CharField(label=_("所属专业（群）"), max_length=100, required=False)
    level = forms.ChoiceField(label=_("级别"), choices=HonourLevel.choices)
    recognised_year = year_field(_("立项年份"))
    lead = TeacherChoiceField(label=_("团队负责人"), queryset=Teacher.objects.none())
    members = TeachersChoiceField(
        label=_("团队成员"),
        queryset=Teacher.objects.none(),
        required=False,
        help_text=_("按住 Ctrl（Mac 上为 ⌘）可多选；须为本校在职教师。"),
    )

    def __init__(self, *args: Any, teachers: QuerySet[Teacher], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "members"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = teachers

    def team_data(self) -> registry_services.TeamData:
        d = self.cleaned_data
        return registry_services.TeamData(
            name=d["name"],
            major_group=d["major_group"],
            level=d["level"],
            recognised_year=d["recognised_year"],
            lead=d["lead"],
            members=list(d["members"]),
        )


class BaseForm(forms.Form):
    name = forms.CharField(label=_("基地名称"), max_length=200)
    kind = forms.ChoiceField(label=_("基地类型"), choices=BaseKind.choices)
    school = forms.ModelChoiceField(
        label=_("依托学校"), queryset=Unit.objects.none(), required=False
    )
    enterprise = forms.ModelChoiceField(
        label=_("合作企业"), queryset=Unit.objects.none(), required=False
    )
    level = forms.ChoiceField(label=_("级别"), choices=HonourLevel.choices)
    recognised_year = year_field(_("认定年份"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(
        self, *args: Any, schools: QuerySet[Unit], enterprises: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("school", schools), ("enterprise", enterprises)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def base_data(self) -> registry_services.BaseData:
        d = self.cleaned_data
        return registry_services.BaseData(
            name=d["name"],
            kind=d["kind"],
            school=d["school"],
            enterprise=d["enterprise"],
            level=d["level"],
            recognised_year=d["recognised_year"],
            note=d["note"],
        )
