"""Documents of evaluation: the result notice (公示 or 通知, .docx in the 公文 layout, built as a
background job like the supervision bulletin) and the result tables (.xlsx)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_tasks import task
from openpyxl import Workbook

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import Column, sheet_write
from zhijiao.core.gongwen import GongwenDocument, date_text
from zhijiao.core.jobs import job_result_path, job_running, job_start, job_succeed
from zhijiao.core.models import AuditAction, Job
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, require_capability

from . import quality, selectors
from .data import (
    ISSUER,
    PLAN_NAME,
    AppealStatus,
    EvaluationErrorCode,
    RoundStatus,
    SchemeKind,
)
from .models import Appeal, Entry, FinalScore, Round
from .scoring import fmt

NOTICE_JOB_KIND = "evaluation_notice"


def _short(name: str) -> str:
    return name.replace("“", "").replace("”", "")


def notice_filename(round_: Round) -> str:
    if round_.status == RoundStatus.NOTICE:
        return _("{year}年度{name}结果公示.docx").format(year=round_.year, name=round_.scheme.name)
    return _("{year}年度{name}结果通知.docx").format(year=round_.year, name=round_.scheme.name)


def notice_build(round_: Round, stream: IO[bytes]) -> None:
    """The result notice: during the notice a 公示 inviting appeals, afterwards the 通知 of the
    published results. Lists every school's rank, total and grade, and the 一级 scores."""
    status = RoundStatus(round_.status)
    if status not in (RoundStatus.NOTICE, RoundStatus.PUBLISHED):
        raise ServiceError(EvaluationErrorCode.WRONG_STATE, _("结果公示开始后才能生成结果文件"))
    scheme = round_.scheme
    entries = list(round_.entries.select_related("school").order_by("rank", "school__name"))
    dims = selectors.dimensions(scheme)
    task_number = "24" if scheme.kind == SchemeKind.SCHOOL_LEVEL else "25"
    subject = _("{year}年度江阴市{name}").format(year=round_.year, name=scheme.name)
    if status == RoundStatus.NOTICE:
        assert round_.notice_starts is not None and round_.notice_ends is not None
        doc = GongwenDocument(
            title=_("关于{year}年度江阴市\n{name}结果的公示").format(
                year=round_.year, name=scheme.name
            ),
            issuer=str(ISSUER),
            date=round_.notice_starts,
        )
        doc.paragraph(
            _(
                "根据{plan}任务{task}的要求，按照《{name}方案（{year}年版）》，"
                "经学校自评、专家独立评分、复核汇总，形成{subject}结果。现予以公示。"
            ).format(
                plan=PLAN_NAME,
                task=task_number,
                name=scheme.name,
                year=scheme.year,
                subject=subject,
            )
        )
        doc.paragraph(
            _(
                "公示时间：{starts}至{ends}。"
                "公示期间，参评学校对本校结果有异议的，可通过平台提出申诉，写明申诉的指标和理由并附佐证材料；"
                "逾期不予受理。"
            ).format(starts=date_text(round_.notice_starts), ends=date_text(round_.notice_ends))
        )
    else:
        assert round_.published_on is not None
        doc = GongwenDocument(
            title=_("关于公布{year}年度江阴市\n{name}结果的通知").format(
                year=round_.year, name=scheme.name
            ),
            issuer=str(ISSUER),
            date=round_.published_on,
            addressee=_("各职业院校："),
        )
        decided = list(
            Appeal.objects.filter(entry__round=round_, decided_at__isnull=False).values_list(
                "status", flat=True
            )
        )
        upheld = sum(1 for status in decided if status == AppealStatus.UPHELD)
        doc.paragraph(
            _(
                "根据{plan}任务{task}的要求，按照《{name}方案（{year}年版）》，"
                "经学校自评、专家独立评分、复核汇总和公示，现将{subject}结果予以公布。"
            ).format(
                plan=PLAN_NAME,
                task=task_number,
                name=scheme.name,
                year=scheme.year,
                subject=subject,
            )
        )
        if decided:
            doc.paragraph(
                _(
                    "公示期间共收到申诉{count}件，经复核成立{upheld}件，相关得分已按复核意见调整。"
                ).format(count=len(decided), upheld=upheld)
            )
        else:
            doc.paragraph(_("公示期间未收到申诉。"))
        doc.paragraph(
            _("各学校要对照评价结果，查找短板弱项，制定整改措施，并在本校质量年度报告中予以说明。")
        )
    doc.heading(_("一、评价结果"), 1)
    doc.table(
        [_("名次"), _("学校"), _("总分"), _("等级")],
        [[e.rank or "—", e.school.name, fmt(e.total), e.grade or "—"] for e in entries],
        widths_mm=[18, 86, 26, 26],
        align=["center", "left", "center", "center"],
    )
    doc.heading(_("二、各一级指标得分"), 1)
    doc.table(
        [
            _("学校"),
            *[
                _("{name}（{points}分）").format(name=_short(d.name), points=fmt(d.weight))
                for d in dims
            ],
        ],
        [
            [e.school.short_name or e.school.name, *[fmt_dim(e, d.code) for d in dims]]
            for e in entries
        ],
        widths_mm=[34, *[122 / max(len(dims), 1)] * len(dims)],
        align=["left", *["center"] * len(dims)],
    )
    doc.signature()
    doc.save(stream)


def fmt_dim(entry: Entry, code: str) -> str:
    value = entry.dimensions.get(code)
    return fmt(Decimal(value)) if value is not None else "—"


@task()
def notice_job(job_id: int, round_id: int) -> None:
    """Background task: builds the result notice into the job's result file."""
    with job_running(job_id):
        round_ = Round.objects.select_related("scheme").filter(pk=round_id).first()
        if round_ is None:
            raise ServiceError(EvaluationErrorCode.WRONG_STATE, _("评价轮次不存在或已被删除"))
        path = job_result_path(job_id, ".docx")
        try:
            with path.open("wb") as stream:
                notice_build(round_, stream)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        job_succeed(job_id, path, notice_filename(round_), message=_("结果文件已生成"))


@transaction.atomic
def notice_generate(*, user: User, round_: Round) -> Job:
    """Starts the notice's background job for the office."""
    require_capability(user, Capability.EVALUATION_MANAGE, _("只有工作专班可以生成结果文件"))
    if round_.status not in (RoundStatus.NOTICE, RoundStatus.PUBLISHED):
        raise ServiceError(EvaluationErrorCode.WRONG_STATE, _("结果公示开始后才能生成结果文件"))
    job = job_start(
        user=user,
        kind=NOTICE_JOB_KIND,
        title=notice_filename(round_).removesuffix(".docx"),
        task_func=notice_job,
        params={"round_id": round_.pk},
    )
    audit.record(AuditAction.EXPORT, obj=round_, actor=user, message="生成评价结果文件")
    return job


def results_xlsx(*, user: User, round_: Round) -> bytes:
    """The results the user may see as a workbook; audited."""
    require_capability(user, Capability.EVALUATION_VIEW, _("您的角色不能导出评价结果"))
    entries = list(selectors.entries_visible(user, round_))
    content = results_workbook(round_, entries)
    audit.record(
        AuditAction.EXPORT,
        obj=round_,
        actor=user,
        message=f"导出评价结果 {len(entries)} 所学校",
    )
    return content


def results_workbook(round_: Round, entries: list[Entry]) -> bytes:
    """评价结果 (rank, school, 一级 scores, total, grade) and 得分明细 (every leaf's final points
    and their source) of the given schools."""
    dims = selectors.dimensions(round_.scheme)
    leaves = selectors.leaves(round_.scheme)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    sheet_write(
        ws,
        columns=[
            Column(_("名次"), 6),
            Column(_("学校"), 28),
            *[Column(f"{d.code} {d.name}（{fmt(d.weight)}）", 14) for d in dims],
            Column(_("总分"), 10),
            Column(_("等级"), 8),
        ],
        rows=[
            [
                e.rank,
                e.school.name,
                *[_num(e.dimensions.get(d.code)) for d in dims],
                _num(e.total),
                e.grade,
            ]
            for e in entries
        ],
        title=_("评价结果"),
    )
    detail = wb.create_sheet()
    finals = {
        (f.entry_id, f.criterion_id): f
        for f in FinalScore.objects.filter(entry__in=[e.pk for e in entries])
    }
    rows: list[list[Any]] = []
    for e in entries:
        for c in leaves:
            f = finals.get((e.pk, c.pk))
            rows.append(
                [
                    e.school.name,
                    c.code,
                    c.name,
                    float(c.weight),
                    str(c.get_method_display()),
                    _num(f.indicator_value) if f else None,
                    _num(f.points) if f else None,
                    str(f.get_source_display()) if f else "",
                    f.note if f else "",
                ]
            )
    sheet_write(
        detail,
        columns=[
            Column(_("学校"), 28),
            Column(_("编号"), 8),
            Column(_("指标"), 30, wrap=True),
            Column(_("分值"), 8),
            Column(_("计分方式"), 16),
            Column(_("指标值"), 10),
            Column(_("得分"), 8),
            Column(_("来源"), 20),
            Column(_("说明"), 40, wrap=True),
        ],
        rows=rows,
        title=_("得分明细"),
    )
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


# ---------------------------------------------------------------- 质量年度报告

QUALITY_JOB_KIND = "evaluation_quality_report"


def schools_for(user: User) -> list[Unit]:
    """The schools whose reports a user may generate: all for the office, a bureau's supervised
    schools, a school its own."""
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name")
    if user.sees_all_units:
        return list(schools)
    if user.unit_id is None:
        return []
    return list(schools.filter(Q(pk=user.unit_id) | Q(parent_id=user.unit_id)))


@task()
def quality_job(job_id: int, year: int, school_id: int | None) -> None:
    """Background task: one school's report, or the city summary when ``school_id`` is None."""
    with job_running(job_id):
        school = Unit.objects.filter(pk=school_id).first() if school_id else None
        path = job_result_path(job_id, ".docx")
        try:
            with path.open("wb") as stream:
                if school is not None:
                    quality.school_report_build(quality.facts([school], year)[0], stream)
                else:
                    schools = quality.schools_all()
                    quality.city_summary_build(quality.facts(schools, year), year, stream)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        job_succeed(job_id, path, quality.filename(school, year), message=_("质量年度报告已生成"))


@transaction.atomic
def quality_generate(*, user: User, year: int, school: Unit | None) -> Job:
    """Starts the 质量年度报告 job: a school's (within the user's scope) or, for the office, the
    city summary (``school`` None)."""
    require_capability(user, Capability.EVALUATION_VIEW, _("您的角色不能生成质量年度报告"))
    if not 2000 <= year <= 2100:
        raise ServiceError(EvaluationErrorCode.INVALID_SCHEME, _("年度无效"))
    if school is None:
        require_capability(
            user, Capability.EVALUATION_MANAGE, _("只有工作专班可以生成全市汇总报告")
        )
    elif school.pk not in {s.pk for s in schools_for(user)}:
        raise ServiceError(
            EvaluationErrorCode.NOT_ALLOWED, _("只能生成本校（所辖学校）的报告"), status_code=403
        )
    job = job_start(
        user=user,
        kind=QUALITY_JOB_KIND,
        title=quality.filename(school, year).removesuffix(".docx"),
        task_func=quality_job,
        params={"year": year, "school_id": school.pk if school else None},
    )
    audit.record(
        AuditAction.EXPORT,
        obj=school,
        actor=user,
        object_type="" if school else "evaluation.QualityReport",
        object_repr=quality.filename(school, year),
        message=f"生成{year}年质量年度报告",
    )
    return job
