"""Writes of the talent app: enterprise profiles, survey rounds, demand surveys and the
major → occupation → industry mapping. Each is atomic, keyword-only and writes its own audit row.

Demand lines are checked by :func:`check_lines`, which the form, the Excel import and the API
share; one enterprise answers a year's survey once — the database's unique constraint decides,
not a look before the insert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.core.notify import notify
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, Role, require_capability

from . import codes
from .catalogue import current_edition
from .data import (
    EDITABLE_STATUSES,
    MAX_EXPERIENCE_YEARS,
    MAX_HEADCOUNT,
    MAX_LINES,
    CatalogueKind,
    Cluster,
    Education,
    EnterpriseSize,
    RoundStatus,
    SalaryBand,
    SkillLevel,
    SurveyStatus,
    TalentErrorCode,
    Town,
    Urgency,
)
from .models import (
    CatalogueEdition,
    DemandLine,
    DemandSurvey,
    EnterpriseProfile,
    Industry,
    Major,
    MajorOccupation,
    Occupation,
    SurveyRound,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PROFILE_FIELDS = ("industry_code", "size", "cluster", "town", "address", "staff_count")
ROUND_FIELDS = ("year", "opens_on", "closes_on", "status", "note")
LINE_FIELDS = (
    "occupation",
    "headcount",
    "education",
    "skill_level",
    "experience_years",
    "salary_band",
    "urgency",
    "note",
)
MIN_YEAR, MAX_YEAR = 2000, 2100


def _error(code: TalentErrorCode, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


# ---------------------------------------------------------------- enterprises


def own_enterprise(user: User) -> Unit:
    """The enterprise an enterprise user answers for (read afresh); others have none."""
    unit = Unit.objects.filter(pk=user.unit_id).first() if user.unit_id else None
    if unit is None or unit.kind != UnitKind.ENTERPRISE:
        raise _error(
            TalentErrorCode.NOT_ENTERPRISE, _("您的账号未关联企业，请联系系统管理员"), status=403
        )
    return unit


@dataclass(frozen=True)
class ProfileData:
    industry_code: str
    size: str
    cluster: str
    town: str
    staff_count: int
    address: str = ""


def profile_values(data: ProfileData) -> dict[str, Any]:
    """Checked profile values; the industry code must be a 小类 or 中类 of the current GB/T 4754."""
    code = codes.clean_industry_code(data.industry_code)
    if codes.industry_level(code) < 2:
        raise _error(TalentErrorCode.BAD_CODE, _("所属行业请至少填写到大类，如 C31；最好填写小类"))
    edition = current_edition(CatalogueKind.INDUSTRIES)
    if edition is not None and not Industry.objects.filter(edition=edition, code=code).exists():
        raise _error(
            TalentErrorCode.UNKNOWN_CODE,
            _("行业代码 {code} 不在现行的{edition}中").format(code=code, edition=edition.title),
        )
    for value, choices, message in (
        (data.size, EnterpriseSize, _("请选择企业规模")),
        (data.cluster, Cluster, _("请选择产业集群")),
        (data.town, Town, _("请选择所在镇街")),
    ):
        if value not in choices.values:
            raise _error(TalentErrorCode.INVALID_INPUT, message)
    if not isinstance(data.staff_count, int) or not 1 <= data.staff_count <= 1_000_000:
        raise _error(TalentErrorCode.INVALID_INPUT, _("职工人数应为 1 到 1000000 之间的整数"))
    address = " ".join(data.address.split())
    if len(address) > 200:
        raise _error(TalentErrorCode.INVALID_INPUT, _("地址不能超过 200 个字"))
    return {
        "industry_code": code,
        "size": data.size,
        "cluster": data.cluster,
        "town": data.town,
        "address": address,
        "staff_count": data.staff_count,
    }


@transaction.atomic
def profile_save(*, user: User | None, enterprise: Unit, data: ProfileData) -> EnterpriseProfile:
    """Creates or updates an enterprise's profile: by its own users, or the office (or a
    command, with no user)."""
    if user is not None:
        if user.can(Capability.TALENT_MANAGE):
            pass
        else:
            require_capability(user, Capability.TALENT_SURVEY, _("您的角色不能修改企业信息"))
            if own_enterprise(user).pk != enterprise.pk:
                raise _error(TalentErrorCode.NOT_FOUND, _("未找到该企业"), status=404)
    if enterprise.kind != UnitKind.ENTERPRISE:
        raise _error(TalentErrorCode.NOT_ENTERPRISE, _("“{unit}”不是企业").format(unit=enterprise))
    values = profile_values(data)
    profile = EnterpriseProfile.objects.select_for_update().filter(unit=enterprise).first()
    if profile is None:
        profile = EnterpriseProfile.objects.create(unit=enterprise, **values)
        audit.record(
            AuditAction.CREATE,
            obj=profile,
            actor=user,
            changes={k: [None, v] for k, v in audit.snapshot(profile, PROFILE_FIELDS).items()},
            message="登记企业信息",
        )
        return profile
    changed = [k for k, v in values.items() if getattr(profile, k) != v]
    if changed:
        before = audit.snapshot(profile, changed)
        for key in changed:
            setattr(profile, key, values[key])
        profile.updated_at = timezone.now()
        profile.save(update_fields=[*changed, "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            obj=profile,
            actor=user,
            changes=audit.changes_between(before, audit.snapshot(profile, changed)),
            message="修改企业信息",
        )
    return profile


# ---------------------------------------------------------------- rounds


def _day(day: dt.date) -> str:
    return _("{year}年{month}月{day}日").format(year=day.year, month=day.month, day=day.day)


def round_is_open(survey_round: SurveyRound, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        survey_round.status == RoundStatus.OPEN
        and survey_round.opens_on <= today <= survey_round.closes_on
    )


def _require_open(survey_round: SurveyRound) -> None:
    if not round_is_open(survey_round):
        if survey_round.status == RoundStatus.PLANNED or (
            survey_round.status == RoundStatus.OPEN and timezone.localdate() < survey_round.opens_on
        ):
            message = _("{year}年岗位需求调查尚未开始填报（{day}开始）").format(
                year=survey_round.year, day=_day(survey_round.opens_on)
            )
        else:
            message = _("{year}年岗位需求调查已于{day}截止，不能再填报或修改").format(
                year=survey_round.year, day=_day(survey_round.closes_on)
            )
        raise _error(TalentErrorCode.ROUND_CLOSED, message)


@dataclass(frozen=True)
class RoundData:
    year: int
    opens_on: dt.date
    closes_on: dt.date
    note: str = ""


def _round_values(data: RoundData) -> dict[str, Any]:
    if not MIN_YEAR <= data.year <= MAX_YEAR:
        raise _error(
            TalentErrorCode.INVALID_INPUT,
            _("年度应在 {low}–{high} 之间").format(low=MIN_YEAR, high=MAX_YEAR),
        )
    if data.closes_on < data.opens_on:
        raise _error(TalentErrorCode.INVALID_INPUT, _("截止日期不能早于开始日期"))
    note = data.note.strip()
    if len(note) > 500:
        raise _error(TalentErrorCode.INVALID_INPUT, _("填报说明不能超过 500 个字"))
    return {"opens_on": data.opens_on, "closes_on": data.closes_on, "note": note}


@transaction.atomic
def round_create(*, user: User | None, data: RoundData) -> SurveyRound:
    """A new year's survey, not yet open. One round per year (the database decides)."""
    if user is not None:
        require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以设置需求调查"))
    values = _round_values(data)
    try:
        with transaction.atomic():
            survey_round = SurveyRound.objects.create(year=data.year, **values)
    except IntegrityError as exc:
        raise _error(
            TalentErrorCode.ROUND_EXISTS,
            _("{year}年的需求调查已经设置，不能重复设置").format(year=data.year),
        ) from exc
    audit.record(
        AuditAction.CREATE,
        obj=survey_round,
        actor=user,
        changes={k: [None, v] for k, v in audit.snapshot(survey_round, ROUND_FIELDS).items()},
        message="设置岗位需求调查",
    )
    return survey_round


@transaction.atomic
def round_update(*, user: User | None, survey_round: SurveyRound, data: RoundData) -> list[str]:
    """Changes a round's dates or note (its year stays)."""
    if user is not None:
        require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以设置需求调查"))
    locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    values = _round_values(RoundData(locked.year, data.opens_on, data.closes_on, data.note))
    return audit.save_changes(locked, values, message="修改岗位需求调查")


@transaction.atomic
def round_set_status(*, user: User | None, survey_round: SurveyRound, status: str) -> SurveyRound:
    """Opens or closes a round (and may reopen a closed one, e.g. to extend it)."""
    if user is not None:
        require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以开启或截止需求调查"))
    if status not in RoundStatus.values:
        raise _error(TalentErrorCode.INVALID_INPUT, _("未知的状态"))
    locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    audit.save_changes(locked, {"status": status}, message=f"需求调查{RoundStatus(status).label}")
    return locked


# ---------------------------------------------------------------- demand lines


@dataclass(frozen=True)
class LineData:
    """A demand line as a form, an Excel row or an API call states it (not yet checked)."""

    occupation: str
    headcount: Any
    education: str = Education.ANY
    skill_level: str = SkillLevel.ANY
    experience_years: Any = 0
    salary_band: str = SalaryBand.NEGOTIABLE
    urgency: str = Urgency.NORMAL
    note: str = ""


@dataclass(frozen=True, order=True)
class LineProblem:
    """What is wrong with one line: its index (0-based), the field and a Chinese message."""

    index: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("第 {number} 条：{message}").format(number=self.index + 1, message=self.message)


class LinesRejected(ServiceError):
    """Demand lines refused as a whole; ``problems`` lists every one. Nothing was saved."""

    def __init__(self, problems: Sequence[LineProblem]) -> None:
        problems = sorted(problems)
        shown = "；".join(str(p) for p in problems[:5])
        if len(problems) > 5:
            shown += _("；另有 {count} 处").format(count=len(problems) - 5)
        super().__init__(
            TalentErrorCode.INVALID_INPUT,
            _("岗位需求有误，未保存：{problems}").format(problems=shown),
        )
        self.problems = problems


FIELD_LABELS = {
    "occupation": gettext_lazy("职业"),
    "headcount": gettext_lazy("需求人数"),
    "education": gettext_lazy("学历要求"),
    "skill_level": gettext_lazy("技能等级"),
    "experience_years": gettext_lazy("工作经验（年）"),
    "salary_band": gettext_lazy("月薪范围"),
    "urgency": gettext_lazy("紧急程度"),
    "note": gettext_lazy("备注"),
}


def occupation_edition() -> CatalogueEdition:
    edition = current_edition(CatalogueKind.OCCUPATIONS)
    if edition is None:
        raise _error(
            TalentErrorCode.NO_CATALOGUE,
            _("尚未载入职业分类大典，暂不能填报岗位需求，请联系工作专班"),
        )
    return edition


def _whole(value: Any, label: StrOrPromise, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ValueError(_("{label}应为整数").format(label=label))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.isdecimal():
            raise ValueError(
                _("{label}应为整数").format(label=label)
                if text
                else _("请填写{label}").format(label=label)
            )
        value = int(text)
    if not isinstance(value, int):
        raise ValueError(_("请填写{label}").format(label=label))
    if not low <= value <= high:
        raise ValueError(_("{label}应在 {low}–{high} 之间").format(label=label, low=low, high=high))
    return value


def check_lines(
    lines: Sequence[LineData], *, edition: CatalogueEdition | None = None
) -> list[dict[str, Any]]:
    """The model values of demand lines, or :class:`LinesRejected` listing every problem."""
    edition = edition or occupation_edition()
    problems: list[LineProblem] = []
    if len(lines) > MAX_LINES:
        raise LinesRejected(
            [
                LineProblem(
                    MAX_LINES, "", _("一次最多填报 {limit} 条岗位需求").format(limit=MAX_LINES)
                )
            ]
        )
    wanted: dict[int, str] = {}
    for index, line in enumerate(lines):
        try:
            wanted[index] = codes.clean_occupation_code_at(line.occupation, 4)
        except codes.CodeError as error:
            problems.append(LineProblem(index, "occupation", error.message))
    known = {
        o.code: o for o in Occupation.objects.filter(edition=edition, code__in=set(wanted.values()))
    }
    values: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for index, line in enumerate(lines):
        row: dict[str, Any] = {}
        code = wanted.get(index)
        if code is not None:
            if code in known:
                row["occupation"] = known[code]
            else:
                problems.append(
                    LineProblem(
                        index,
                        "occupation",
                        _("职业代码 {code} 不在现行的{edition}中").format(
                            code=code, edition=edition.title
                        ),
                    )
                )
        for name, low, high in (
            ("headcount", 1, MAX_HEADCOUNT),
            ("experience_years", 0, MAX_EXPERIENCE_YEARS),
        ):
            raw = getattr(line, name)
            if name == "experience_years" and raw in (None, ""):
                raw = 0
            try:
                row[name] = _whole(raw, FIELD_LABELS[name], low, high)
            except ValueError as error:
                problems.append(LineProblem(index, name, str(error)))
        for name, choices in (
            ("education", Education),
            ("skill_level", SkillLevel),
            ("salary_band", SalaryBand),
            ("urgency", Urgency),
        ):
            value = getattr(line, name) or choices.values[0]
            if value not in choices.values:
                problems.append(
                    LineProblem(
                        index,
                        name,
                        _("{label}“{value}”不正确，应为：{choices}").format(
                            label=FIELD_LABELS[name],
                            value=value,
                            choices="、".join(str(label) for label in choices.labels),
                        ),
                    )
                )
            row[name] = value
        note = " ".join((line.note or "").split())
        if len(note) > 300:
            problems.append(LineProblem(index, "note", _("备注不能超过 300 个字")))
        row["note"] = note
        if "occupation" in row:
            key = (code or "", row["skill_level"], row["education"])
            if key in seen:
                problems.append(
                    LineProblem(
                        index,
                        "occupation",
                        _(
                            "与第 {number} 条重复（同一职业、技能等级和学历只填一条，人数合计）"
                        ).format(number=seen[key] + 1),
                    )
                )
            else:
                seen[key] = index
        values.append(row)
    if problems:
        raise LinesRejected(problems)
    return values


def _summary(survey: DemandSurvey) -> list[str]:
    return [
        f"{line.occupation.code}×{line.headcount}（{line.get_skill_level_display()}）"
        for line in survey.lines.select_related("occupation").order_by("position", "pk")
    ]


# ---------------------------------------------------------------- surveys


def _locked_survey(survey_id: int) -> DemandSurvey:
    return (
        DemandSurvey.objects.select_for_update(of=("self",))
        .select_related("round", "enterprise")
        .get(pk=survey_id)
    )


def _survey_for(enterprise: Unit, survey_round: SurveyRound) -> DemandSurvey:
    """The enterprise's survey for the round, locked; created (as a draft) if it has none."""
    survey = (
        DemandSurvey.objects.select_for_update(of=("self",))
        .filter(enterprise=enterprise, round=survey_round)
        .first()
    )
    if survey is not None:
        return survey
    try:
        with transaction.atomic():
            survey = DemandSurvey.objects.create(enterprise=enterprise, round=survey_round)
    except IntegrityError:
        # Someone else created it meanwhile: the database kept one; work on that one.
        return _locked_survey(
            DemandSurvey.objects.get(enterprise=enterprise, round=survey_round).pk
        )
    audit.record(
        AuditAction.CREATE,
        obj=survey,
        changes={"enterprise": [None, enterprise.pk], "round": [None, survey_round.year]},
        message="开始填报岗位需求",
    )
    return _locked_survey(survey.pk)


def round_for_year(year: int) -> SurveyRound:
    survey_round = SurveyRound.objects.filter(year=year).first()
    if survey_round is None:
        raise _error(
            TalentErrorCode.ROUND_CLOSED, _("{year}年没有开展岗位需求调查").format(year=year)
        )
    return survey_round


def _check_editable(survey: DemandSurvey) -> None:
    if survey.status not in EDITABLE_STATUSES:
        raise _error(
            TalentErrorCode.ALREADY_SUBMITTED,
            _(
                "{year}年岗位需求已{status}，不能再修改或重复报送；如需更正，请联系工作专班退回"
            ).format(year=survey.round.year, status=survey.get_status_display()),
        )


@transaction.atomic
def survey_save(
    *,
    user: User,
    year: int,
    lines: Sequence[LineData],
    note: str = "",
    submit: bool = False,
) -> DemandSurvey:
    """Saves the user's enterprise's demand for a year as a draft (replacing its lines), and
    submits it when ``submit`` is true. The round must be open."""
    require_capability(user, Capability.TALENT_SURVEY, _("只有企业用户可以填报岗位需求"))
    enterprise = own_enterprise(user)
    survey_round = round_for_year(year)
    _require_open(survey_round)
    values = check_lines(lines)
    note = " ".join(note.split())
    if len(note) > 500:
        raise _error(TalentErrorCode.INVALID_INPUT, _("企业说明不能超过 500 个字"))
    survey = _survey_for(enterprise, survey_round)
    _check_editable(survey)
    before = _summary(survey)
    survey.lines.all().delete()
    DemandLine.objects.bulk_create(
        [DemandLine(survey=survey, position=i, **row) for i, row in enumerate(values, start=1)]
    )
    survey.note = note
    survey.updated_at = timezone.now()
    survey.save(update_fields=["note", "updated_at"])
    after = _summary(survey)
    if before != after:
        audit.record(
            AuditAction.UPDATE,
            obj=survey,
            actor=user,
            changes={"lines": [before, after]},
            message="保存岗位需求",
        )
    if submit:
        _submit(user=user, survey=survey)
    return survey


def _submit(*, user: User, survey: DemandSurvey) -> None:
    _check_editable(survey)
    _require_open(survey.round)
    lines = list(survey.lines.select_related("occupation__edition"))
    if not lines:
        raise _error(TalentErrorCode.EMPTY_SURVEY, _("请至少填写一条岗位需求后再报送"))
    before = survey.status
    survey.status = SurveyStatus.SUBMITTED
    survey.submitted_at = timezone.now()
    survey.submitted_by = user
    survey.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit.record(
        AuditAction.UPDATE,
        obj=survey,
        actor=user,
        changes={"status": [before, survey.status]},
        message=f"报送{survey.round.year}年岗位需求（{len(lines)} 条）",
    )
    office = User.objects.filter(role=Role.PLAN_OFFICE, is_active=True)
    notify(
        office,
        title=_("{enterprise}报送了{year}年岗位需求").format(
            enterprise=survey.enterprise, year=survey.round.year
        ),
        link=reverse("admin:talent-survey-detail", args=[survey.pk]),
    )


@transaction.atomic
def survey_submit(*, user: User, survey: DemandSurvey) -> DemandSurvey:
    """Submits a saved draft (or a returned survey, corrected). Submitting twice is refused."""
    require_capability(user, Capability.TALENT_SURVEY, _("只有企业用户可以报送岗位需求"))
    enterprise = own_enterprise(user)
    locked = (
        DemandSurvey.objects.select_for_update(of=("self",))
        .select_related("round", "enterprise")
        .filter(pk=survey.pk, enterprise=enterprise)
        .first()
    )
    if locked is None:
        raise _error(TalentErrorCode.NOT_FOUND, _("未找到该填报"), status=404)
    _submit(user=user, survey=locked)
    return locked


@transaction.atomic
def survey_decide(*, user: User, survey: DemandSurvey, accept: bool, comment: str = "") -> None:
    """The office accepts a submitted survey, or returns it to the enterprise with a reason."""
    require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以审核岗位需求"))
    locked = _locked_survey(survey.pk)
    if locked.status != SurveyStatus.SUBMITTED:
        raise _error(
            TalentErrorCode.NOT_SUBMITTED,
            _("只能审核已报送的填报，该填报目前为“{status}”").format(
                status=locked.get_status_display()
            ),
        )
    comment = " ".join(comment.split())
    if not accept and not comment:
        raise _error(TalentErrorCode.INVALID_INPUT, _("退回时请写明理由，便于企业修改"))
    if len(comment) > 500:
        raise _error(TalentErrorCode.INVALID_INPUT, _("审核意见不能超过 500 个字"))
    before = locked.status
    locked.status = SurveyStatus.ACCEPTED if accept else SurveyStatus.RETURNED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = user
    locked.review_comment = comment
    locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
    audit.record(
        AuditAction.UPDATE,
        obj=locked,
        actor=user,
        changes={"status": [before, locked.status], "review_comment": ["", comment]},
        message="采纳岗位需求" if accept else "退回岗位需求",
    )
    if not accept:
        notify(
            locked.enterprise.users.filter(is_active=True),
            title=_("{year}年岗位需求被退回").format(year=locked.round.year),
            body=comment,
            link=reverse("admin:talent-survey") + f"?year={locked.round.year}",
        )


# ---------------------------------------------------------------- the mapping (职业面向)


def _current(kind: str) -> CatalogueEdition:
    edition = current_edition(kind)
    if edition is None:
        raise _error(
            TalentErrorCode.NO_CATALOGUE,
            _("尚未载入{catalogue}").format(catalogue=CatalogueKind(kind).label),
        )
    return edition


@transaction.atomic
def mapping_add(
    *,
    user: User | None,
    major_code: str,
    occupation_code: str,
    industry_code: str,
    source: str,
    note: str = "",
) -> MajorOccupation:
    """Adds a line to the current mapping edition (created, empty, if none is loaded yet)."""
    if user is not None:
        require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以维护职业面向"))
    major_code = codes.clean_major_code_at(major_code, 3)
    occupation_code = codes.clean_occupation_code(occupation_code)
    industry_code = codes.clean_industry_code(industry_code)
    source = " ".join(source.split())
    note = " ".join(note.split())
    if not source:
        raise _error(TalentErrorCode.INVALID_INPUT, _("请填写来源（这条对应关系出自何处）"))
    if len(source) > 200 or len(note) > 300:
        raise _error(
            TalentErrorCode.INVALID_INPUT, _("来源不能超过 200 个字，说明不能超过 300 个字")
        )
    found: dict[str, Any] = {}
    for kind, model, code in (
        (CatalogueKind.MAJORS, Major, major_code),
        (CatalogueKind.OCCUPATIONS, Occupation, occupation_code),
        (CatalogueKind.INDUSTRIES, Industry, industry_code),
    ):
        edition = _current(kind)
        entry = model.objects.filter(edition=edition, code=code).first()
        if entry is None:
            raise _error(
                TalentErrorCode.UNKNOWN_CODE,
                _("代码 {code} 不在现行的{edition}中").format(code=code, edition=edition.title),
            )
        found[kind] = entry
    mapping_edition = current_edition(CatalogueKind.MAPPING)
    if mapping_edition is None:
        mapping_edition = CatalogueEdition.objects.create(
            kind=CatalogueKind.MAPPING,
            name="本地",
            title="专业职业面向（本地维护）",
            is_current=True,
        )
        audit.record(AuditAction.CREATE, obj=mapping_edition, actor=user, message="新建职业面向")
    try:
        with transaction.atomic():
            mapping = MajorOccupation.objects.create(
                edition=mapping_edition,
                major=found[CatalogueKind.MAJORS],
                occupation=found[CatalogueKind.OCCUPATIONS],
                industry=found[CatalogueKind.INDUSTRIES],
                source=source,
                note=note,
                created_by=user,
            )
    except IntegrityError as exc:
        raise _error(TalentErrorCode.DUPLICATE_MAPPING, _("这条职业面向已经存在")) from exc
    audit.record(
        AuditAction.CREATE,
        obj=mapping,
        actor=user,
        changes={
            "major": [None, major_code],
            "occupation": [None, occupation_code],
            "industry": [None, industry_code],
            "source": [None, source],
        },
        message="登记职业面向",
    )
    CatalogueEdition.objects.filter(pk=mapping_edition.pk).update(
        entry_count=MajorOccupation.objects.filter(edition=mapping_edition).count()
    )
    return mapping


@transaction.atomic
def mapping_remove(*, user: User | None, mapping: MajorOccupation) -> None:
    if user is not None:
        require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以维护职业面向"))
    locked = MajorOccupation.objects.select_for_update().filter(pk=mapping.pk).first()
    if locked is None:
        raise _error(TalentErrorCode.NOT_FOUND, _("未找到该职业面向"), status=404)
    audit.record(
        AuditAction.DELETE,
        obj=locked,
        actor=user,
        changes={"source": [locked.source, None]},
        message=f"删除职业面向：{locked}",
    )
    edition_id = locked.edition_id
    locked.delete()
    CatalogueEdition.objects.filter(pk=edition_id).update(
        entry_count=MajorOccupation.objects.filter(edition_id=edition_id).count()
    )
