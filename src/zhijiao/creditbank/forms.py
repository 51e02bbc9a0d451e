"""Forms of the credit bank pages: they parse input into the plain values the services take
(``data.*Data``); every rule about those values lives in the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.orgs.models import Unit

from .data import (
    LEVEL_NAMES,
    OutcomeData,
    OutcomeType,
    RuleData,
    RuleInputData,
    RuleOutputData,
)
from .models import Certificate, ConversionRule, Course, Outcome, Programme

DATE = forms.DateInput(attrs={"type": "date"})
LEVEL_CHOICES = [(0, "—")] + [
    (lvl, _(name))
    for lvl, name in sorted(
        {(lvl, name) for levels in LEVEL_NAMES.values() for lvl, name in levels.items()}
    )
]
RULE_INPUTS = 3


class StyledForm(forms.Form):
    """Text boxes and lists drawn with the shell's input style (bordered, as in the filters).
    Required fields are checked on the server, with Chinese messages, not marked red before the
    user has typed anything."""

    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            classes = widget.attrs.get("class", "")
            if "zj-input" not in classes:
                widget.attrs["class"] = f"{classes} zj-input".strip()
            widget.attrs.setdefault("style", "max-width:32rem")


class LearnerForm(StyledForm):
    school = forms.ModelChoiceField(
        label=_("开户学校"), queryset=Unit.objects.none(), required=False
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, min_length=15)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)

    def __init__(self, *args: Any, schools: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
            self.fields["school"].empty_label = None  # type: ignore[attr-defined]


class OutcomeForm(StyledForm):
    outcome_type = forms.ChoiceField(label=_("成果类型"), choices=OutcomeType.choices)
    certificate = forms.ModelChoiceField(
        label=_("证书（1+X 或职业资格）"),
        queryset=Certificate.objects.filter(is_active=True),
        required=False,
    )
    course = forms.ModelChoiceField(
        label=_("课程（课程学分）"),
        queryset=Course.objects.select_related("programme__school"),
        required=False,
    )
    level = forms.TypedChoiceField(
        label=_("等级"),
        choices=LEVEL_CHOICES,
        coerce=int,
        required=False,
        empty_value=0,  # type: ignore[arg-type]
    )
    title = forms.CharField(label=_("名称（培训、获奖、其他成果）"), max_length=200, required=False)
    issuer = forms.CharField(label=_("颁发机构"), max_length=200, required=False)
    certificate_number = forms.CharField(label=_("证书编号"), max_length=60, required=False)
    obtained_on = forms.DateField(label=_("取得日期"), widget=DATE)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE, required=False)
    hours = forms.IntegerField(label=_("学时"), min_value=1, max_value=10000, required=False)
    evidence = forms.FileField(label=_("佐证材料（PDF、OFD 或图片）"), required=False)

    def outcome_data(self) -> OutcomeData:
        d = self.cleaned_data
        certificate = d.get("certificate")
        course = d.get("course")
        return OutcomeData(
            outcome_type=d["outcome_type"],
            obtained_on=d["obtained_on"],
            issuer=d.get("issuer") or "",
            certificate=certificate.code if certificate is not None else "",
            level=int(d.get("level") or 0),
            course_id=course.pk if course is not None else None,
            title=d.get("title") or "",
            certificate_number=d.get("certificate_number") or "",
            hours=d.get("hours"),
            expires_on=d.get("expires_on"),
        )


class ApplyForm(StyledForm):
    programme = forms.ModelChoiceField(
        label=_("申请认定的专业"),
        queryset=Programme.objects.filter(is_active=True).select_related("school"),
    )
    outcomes = forms.ModelMultipleChoiceField(
        label=_("用于认定的学习成果"),
        queryset=Outcome.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, outcomes: QuerySet[Outcome], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = outcomes  # type: ignore[attr-defined]
        self.fields["outcomes"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.described}（{o.obtained_on:%Y-%m-%d}，{o.issuer}）"
        )


class RuleForm(StyledForm):
    code = forms.CharField(label=_("规则编号"), max_length=40)
    title = forms.CharField(label=_("规则名称"), max_length=200)
    programme = forms.ModelChoiceField(label=_("适用专业"), queryset=Programme.objects.none())
    by_school = forms.BooleanField(
        label=_("以专业所在学校名义发布（不勾选：学分银行发布）"), required=False
    )
    valid_from = forms.DateField(label=_("生效日期"), widget=DATE)
    valid_to = forms.DateField(label=_("截止日期（可空）"), widget=DATE, required=False)
    max_share_percent = forms.DecimalField(
        label=_("认定学分占毕业总学分上限（%）"),
        max_digits=5,
        decimal_places=2,
        required=False,
        initial=Decimal(50),
    )
    yearly_cap = forms.DecimalField(
        label=_("每人每年认定学分上限（可空）"), max_digits=5, decimal_places=1, required=False
    )
    max_age_years = forms.IntegerField(
        label=_("成果有效年限（年，可空）"), min_value=1, max_value=50, required=False
    )
    outputs = forms.ModelMultipleChoiceField(
        label=_("转换为课程（按课程学分）"),
        queryset=Course.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self, *args: Any, programmes: QuerySet[Programme], courses: QuerySet[Course], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["outputs"].queryset = courses  # type: ignore[attr-defined]
        self.fields["outputs"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: gettext("{programme} · {course}（{code}，{credits} 学分）").format(
                programme=c.programme, course=c.name, code=c.code, credits=c.credits
            )
        )
        certificates = [("", "—")] + [
            (c.code, f"{c.name}（{c.get_outcome_type_display()}）")
            for c in Certificate.objects.filter(is_active=True)
        ]
        for i in range(1, RULE_INPUTS + 1):
            self.fields[f"cert_{i}"] = forms.ChoiceField(
                label=_("条件 %(n)s：证书") % {"n": i}, choices=certificates, required=i == 1
            )
            self.fields[f"level_{i}"] = forms.TypedChoiceField(
                label=_("条件 %(n)s：最低等级") % {"n": i},
                choices=LEVEL_CHOICES,
                coerce=int,
                required=False,
                empty_value=0,  # type: ignore[arg-type]
            )
        self.style_fields()

    def rule_data(self, *, publisher_id: int | None) -> RuleData:
        d = self.cleaned_data
        inputs = tuple(
            RuleInputData(certificate=d[f"cert_{i}"], min_level=int(d.get(f"level_{i}") or 0))
            for i in range(1, RULE_INPUTS + 1)
            if d.get(f"cert_{i}")
        )
        return RuleData(
            code=d["code"],
            title=d["title"],
            programme_id=d["programme"].pk,
            valid_from=d["valid_from"],
            valid_to=d.get("valid_to"),
            inputs=inputs,
            outputs=tuple(RuleOutputData(course_id=c.pk) for c in d["outputs"]),
            publisher_id=publisher_id,
            max_share_percent=d.get("max_share_percent"),
            yearly_cap=d.get("yearly_cap"),
            max_age_years=d.get("max_age_years"),
            note=d.get("note") or "",
        )

    @staticmethod
    def initial_from(rule: ConversionRule) -> dict[str, Any]:
        """A new version starts from the last one: same code, inputs, outputs and caps."""
        initial: dict[str, Any] = {
            "code": rule.code,
            "title": rule.title,
            "programme": rule.programme_id,
            "by_school": rule.publisher_id is not None,
            "valid_from": (rule.valid_to + dt.timedelta(days=1)) if rule.valid_to else None,
            "max_share_percent": rule.max_share_percent,
            "yearly_cap": rule.yearly_cap,
            "max_age_years": rule.max_age_years,
            "outputs": [o.course_id for o in rule.outputs.all()],
            "note": rule.note,
        }
        for i, need in enumerate(rule.inputs.all(), start=1):
            if i > RULE_INPUTS or need.certificate is None:
                continue
            initial[f"cert_{i}"] = need.certificate.code
            initial[f"level_{i}"] = need.min_level
        return initial


class DryRunForm(StyledForm):
    accounts = forms.CharField(
        label=_("学习账号（每行一个，最多 20 个；留空则取有学习成果的前 20 人）"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "zj-input", "style": "max-width:24rem"}),
        required=False,
    )
    on_date = forms.DateField(label=_("按日期试算（可空）"), widget=DATE, required=False)


class ObjectionForm(StyledForm):
    source = forms.CharField(label=_("异议来源"), max_length=100)
    text = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "zj-input", "style": "max-width:24rem"}),
    )


class RecognitionForm(StyledForm):
    share_code = forms.CharField(label=_("学习者提供的成绩单核验码"), max_length=20)
    programme = forms.ModelChoiceField(label=_("本校专业"), queryset=Programme.objects.none())
    rule = forms.ModelChoiceField(
        label=_("依据的本校转换规则（认可时必选）"),
        queryset=ConversionRule.objects.none(),
        required=False,
    )
    accept = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("认可")), ("0", _("不予认可"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("理由（不予认可时必填）"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        programmes: QuerySet[Programme],
        rules: QuerySet[ConversionRule],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["rule"].queryset = rules  # type: ignore[attr-defined]


class UploadForm(StyledForm):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
