"""Forms of the cooperation registries: they parse input and limit choices to the user's scope;
the services decide what is allowed. The same forms serve the pages, the Excel import and the
API (see ``zhijiao.core.registry``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.registry import ActionForm, RegistryForm
from zhijiao.orgs.models import Unit

from . import selectors
from .data import (
    BASE_STEPS,
    ENTERPRISE_STEPS,
    GROUP_STEPS,
    PILOT_STEPS,
    ActivityKind,
    BaseFunction,
    IncentivePolicy,
    MemberRole,
)
from .models import (
    Apprentice,
    Apprenticeship,
    FamousProject,
    GroupMember,
    IdeologyCase,
    IntegrationEnterprise,
    Mentor,
    SanquanPilot,
    SchoolGovernance,
    TrainingBase,
    VocationalGroup,
    XPilot,
)

CREDIT_CODE_HELP = _("18 位，GB 32100；用于识别同一企业，系统中尚未登记的企业将同时登记。")


class _RecordForm(RegistryForm):
    """A record with a school (or lead unit) and a responsible bureau."""

    unit_field = "school"

    def limit_choices(self, user: Any) -> None:
        if self.unit_field in self.fields:
            self.limit_units(self.unit_field, self.unit_choices(user))
        if "department" in self.fields:
            current = getattr(self.instance, "department", None) if self.instance.pk else None
            self.limit_units(
                "department", selectors.bureaus_for_records(user, current), fix_single=False
            )
        if "enterprises" in self.fields:
            self.limit_units(
                "enterprises", selectors.enterprises_all(), search=selectors.ENTERPRISE_SEARCH
            )

    def unit_choices(self, user: Any) -> Any:
        return selectors.schools_for_records(user)


class _EnterpriseByCodeMixin(forms.Form):
    """An enterprise named by name and 统一社会信用代码 (registered if new)."""

    enterprise_name = forms.CharField(label=_("企业名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, help_text=CREDIT_CODE_HELP
    )

    def initial_enterprise(self, unit: Unit | None) -> None:
        if unit is not None:
            self.initial.setdefault("enterprise_name", unit.name)
            self.initial.setdefault("credit_code", unit.credit_code)


class ProjectForm(_RecordForm):
    class Meta:
        model = FamousProject
        fields = [
            "name",
            "school",
            "enterprises",
            "industry",
            "content",
            "outputs",
            "started_on",
            "planned_end_on",
            "department",
        ]


class GroupForm(_RecordForm):
    unit_field = "lead"

    class Meta:
        model = VocationalGroup
        fields = ["name", "lead", "industry", "founded_on", "description", "department"]

    def unit_choices(self, user: Any) -> Any:
        candidates = selectors.member_candidates()
        if user.sees_all_units or selectors.is_bureau(user):
            return candidates
        return selectors.schools_for_records(user)


class EnterpriseRecordForm(_EnterpriseByCodeMixin, _RecordForm):
    field_order = ["enterprise_name", "credit_code"]

    class Meta:
        model = IntegrationEnterprise
        fields = [
            "industry",
            "schools",
            "applied_on",
            "vet_investment",
            "description",
            "department",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial_enterprise(self.instance.enterprise)

    def limit_choices(self, user: Any) -> None:
        super().limit_choices(user)
        self.limit_units("schools", selectors.active_schools())


class TrainingBaseForm(_RecordForm):
    functions = forms.MultipleChoiceField(
        label=_("基地功能"),
        choices=BaseFunction.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("人才培养、技术研发、生产示范、员工培训、技能鉴定，可多选。"),
    )
    field_order = ["name", "school", "enterprises", "industry", "shared", "functions"]

    class Meta:
        model = TrainingBase
        fields = [
            "name",
            "school",
            "enterprises",
            "industry",
            "shared",
            "opened_on",
            "workstations",
            "area",
            "investment",
            "description",
            "department",
        ]

    FIELD_OF = {f.value: f"for_{f.value}" for f in BaseFunction}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["functions"] = [
                value for value, name in self.FIELD_OF.items() if getattr(self.instance, name)
            ]
        else:
            self.initial.setdefault("functions", [BaseFunction.TALENT])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = set(data.pop("functions", None) or [])
        for value, name in self.FIELD_OF.items():
            data[name] = value in chosen
        return data


class ApprenticeshipForm(_EnterpriseByCodeMixin, _RecordForm):
    field_order = ["name", "school", "enterprise_name", "credit_code"]

    class Meta:
        model = Apprenticeship
        fields = ["name", "school", "major", "started_on", "ended_on", "description", "department"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial_enterprise(self.instance.enterprise)


class ApprenticeForm(RegistryForm):
    mentor_name = forms.CharField(
        label=_("企业导师"),
        max_length=50,
        required=False,
        help_text=_("填写该项目已聘任导师的姓名；导师在学徒制项目页面聘任。"),
    )
    field_order = ["programme", "name", "student_number", "signed_on", "mentor_name", "left_on"]

    class Meta:
        model = Apprentice
        fields = ["programme", "name", "student_number", "signed_on", "left_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.mentor_id:
            self.initial.setdefault("mentor_name", self.instance.mentor.name)

    def limit_choices(self, user: Any) -> None:
        self.limit_units(
            "programme", selectors.programmes_for_apprentices(user).select_related("school")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = " ".join((data.pop("mentor_name", "") or "").split())
        programme = data.get("programme")
        data["mentor"] = None
        if name and programme is not None:
            mentor = Mentor.objects.filter(programme=programme, name=name).first()
            if mentor is None:
                self.add_error(
                    "mentor_name",
                    gettext("项目“{programme}”中没有名为“{name}”的导师，请先在项目页面聘任").format(
                        programme=programme, name=name
                    ),
                )
            data["mentor"] = mentor
        return data


class PilotForm(_RecordForm):
    class Meta:
        model = XPilot
        fields = [
            "school",
            "certificate",
            "certificate_level",
            "organisation",
            "major",
            "started_on",
            "candidates",
            "certified",
            "department",
        ]


class GovernanceForm(RegistryForm):
    class Meta:
        model = SchoolGovernance
        fields = [
            "school",
            "charter_approved_on",
            "charter_authority",
            "charter_document_no",
            "council_founded_on",
            "council_chair",
            "council_members",
            "enterprise_members",
        ]

    def limit_choices(self, user: Any) -> None:
        self.limit_units("school", selectors.schools_supervised(user))


class SanquanForm(RegistryForm):
    class Meta:
        model = SanquanPilot
        fields = ["school", "rank", "approved_on", "authority", "document_no", "ended_on"]

    def limit_choices(self, user: Any) -> None:
        self.limit_units("school", selectors.schools_supervised(user))


class CaseForm(RegistryForm):
    class Meta:
        model = IdeologyCase
        fields = ["school", "kind", "title", "course", "teachers", "rank", "year"]

    def limit_choices(self, user: Any) -> None:
        self.limit_units("school", selectors.schools_supervised(user))


class EnterpriseForm(RegistryForm):
    """The enterprise directory's form. Duplicates are decided by the service (by 统一社会信用代码),
    which names the enterprise that exists, rather than by the model's generic checks."""

    class Meta:
        model = Unit
        fields = ["name", "short_name", "credit_code"]
        labels = {"name": _("企业名称")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].required = True
        self.fields["credit_code"].validators = []

    def _post_clean(self) -> None:
        pass


# ---------------------------------------------------------------- actions on one record


class TerminateForm(ActionForm):
    terminated_on = forms.DateField(label=_("终止日期"))
    reason = forms.CharField(label=_("终止原因"), max_length=300)


class LevelForm(ActionForm):
    """A level decision: the levels offered are those one step from the current level."""

    STEPS = {
        IntegrationEnterprise: ENTERPRISE_STEPS,
        VocationalGroup: GROUP_STEPS,
        TrainingBase: BASE_STEPS,
        XPilot: PILOT_STEPS,
    }

    level = forms.ChoiceField(label=_("调整为"))
    decided_on = forms.DateField(label=_("认定日期"))
    authority = forms.CharField(label=_("认定机关"), max_length=100)
    document_no = forms.CharField(label=_("文号"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def limit_choices(self, user: Any, obj: Any) -> None:
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        model_field = type(obj)._meta.get_field("level")
        steps = self.STEPS[type(obj)].get(obj.level, set())
        field.choices = [(v, label) for v, label in model_field.choices or [] if v in steps]


class MemberAddForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("成员单位"), queryset=Unit.objects.none())
    role = forms.ChoiceField(
        label=_("成员类别"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )
    joined_on = forms.DateField(label=_("加入日期"))

    def limit_choices(self, user: Any, obj: Any) -> None:
        current = GroupMember.objects.filter(group=obj, left_on__isnull=True).values("unit_id")
        self.limit_units(
            "unit",
            selectors.member_candidates().exclude(pk__in=current),
            fix_single=False,
            search=selectors.MEMBER_SEARCH,
        )


class MemberLeaveForm(ActionForm):
    member = forms.ModelChoiceField(label=_("退出单位"), queryset=GroupMember.objects.none())
    left_on = forms.DateField(label=_("退出日期"))

    def limit_choices(self, user: Any, obj: Any) -> None:
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            GroupMember.objects.filter(group=obj, left_on__isnull=True)
            .exclude(unit_id=obj.lead_id)
            .select_related("unit")
        )


class ActivityForm(ActionForm):
    held_on = forms.DateField(label=_("日期"))
    kind = forms.ChoiceField(label=_("活动类别"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=200)
    participants = forms.IntegerField(label=_("参与人数"), min_value=0, required=False)
    summary = forms.CharField(label=_("活动情况"), max_length=2000, required=False)


class IncentiveForm(ActionForm):
    policy = forms.ChoiceField(label=_("政策类别"), choices=IncentivePolicy.choices)
    amount = forms.DecimalField(
        label=_("金额（万元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    granted_on = forms.DateField(label=_("落实日期"))
    authority = forms.CharField(label=_("实施部门"), max_length=100)
    description = forms.CharField(label=_("内容"), max_length=300)


class MentorForm(ActionForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    position = forms.CharField(label=_("岗位或职务"), max_length=100)
    qualification = forms.CharField(label=_("技能等级或职称"), max_length=100, required=False)
    since = forms.DateField(label=_("聘任日期"))
