"""What the API reads and writes. Output schemas are built from selectors' rows and models here,
so the routers only parse, check access, call one service and return."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role
from zhijiao.plan.data import TaskStatus
from zhijiao.plan.models import (
    Evidence,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
)
from zhijiao.plan.selectors import TaskRow


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """Datetimes leave the API in Beijing time, with their offset."""
    return timezone.localtime(moment) if moment is not None else None


class ErrorOut(Schema):
    code: str = Field(description="错误代码，供程序判断")
    message: str = Field(description="中文错误说明，可直接展示给用户")


# ---------------------------------------------------------------- units and users


class UnitRef(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, unit: Unit) -> UnitRef:
        return cls(id=unit.pk, name=unit.name)


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: UnitKind
    kind_label: str
    is_active: bool

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(
            id=unit.pk,
            name=unit.name,
            short_name=unit.short_name,
            kind=UnitKind(unit.kind),
            kind_label=unit.get_kind_display(),
            is_active=unit.is_active,
        )


class MeOut(Schema):
    username: str
    full_name: str
    role: Role
    role_label: str
    unit: UnitRef | None
    capabilities: list[str] = Field(description="角色拥有的权限，如 plan.view、plan.report")
    sees_all_units: bool = Field(description="是否可见全部单位的数据")
    authenticated_by: Literal["session", "token"]

    @classmethod
    def of(cls, user: User, *, by_token: bool) -> MeOut:
        return cls(
            username=user.username,
            full_name=user.full_name,
            role=Role(user.role),
            role_label=user.get_role_display(),
            unit=UnitRef.of(user.unit) if user.unit is not None else None,
            capabilities=sorted(str(c) for c in user.capabilities),
            sees_all_units=user.sees_all_units,
            authenticated_by="token" if by_token else "session",
        )


# ---------------------------------------------------------------- plan


class ProgrammeOut(Schema):
    number: int
    name: str = Field(description="工程名称，照原文")


class TaskOut(Schema):
    number: int
    programme: ProgrammeOut
    text: str = Field(description="主要任务，照原文")
    units: list[str] = Field(description="责任单位，照原文顺序")
    lead_unit: str = Field(description="牵头单位：原文第一个责任单位")
    deadline: str = Field(description="完成年限，照原文：如“2021年”“持续推进”")
    effective_deadline: dt.date | None = Field(
        description="截止日期（含已批准的延期）；持续推进为 null"
    )
    status: TaskStatus
    status_label: str
    percent: int = Field(description="最近一次审核通过的完成进度（%）")

    @classmethod
    def of(cls, row: TaskRow) -> TaskOut:
        task = row.task
        return cls(
            number=task.number,
            programme=ProgrammeOut(number=task.programme.number, name=task.programme.name),
            text=task.text,
            units=row.printed_units,
            lead_unit=row.lead_unit,
            deadline=task.deadline_text,
            effective_deadline=row.state.deadline,
            status=row.state.status,
            status_label=row.state.status.label,
            percent=row.state.latest_percent,
        )


class ResponsibilityOut(Schema):
    unit: UnitRef
    is_lead: bool
    via_group: str | None = Field(description="通过哪个单位组（如“各职业院校”）成为责任单位")

    @classmethod
    def of(cls, responsibility: Responsibility) -> ResponsibilityOut:
        group = responsibility.via_group
        return cls(
            unit=UnitRef.of(responsibility.unit),
            is_lead=responsibility.is_lead,
            via_group=group.name if group is not None else None,
        )


class PeriodRef(Schema):
    id: int
    label: str


class PeriodOut(Schema):
    id: int
    label: str
    kind: str
    start: dt.date
    end: dt.date
    due: dt.date = Field(description="报送截止日期")

    @classmethod
    def of(cls, period: ReportingPeriod) -> PeriodOut:
        return cls(
            id=period.pk,
            label=period.label,
            kind=period.kind,
            start=period.start,
            end=period.end,
            due=period.due,
        )


class ReportSummaryOut(Schema):
    id: int
    period: PeriodRef
    unit: UnitRef
    status: ReportStatus
    status_label: str
    percent: int
    submitted_at: dt.datetime | None

    @classmethod
    def of(cls, report: ProgressReport) -> ReportSummaryOut:
        return cls(
            id=report.pk,
            period=PeriodRef(id=report.period.pk, label=report.period.label),
            unit=UnitRef.of(report.unit),
            status=ReportStatus(report.status),
            status_label=report.get_status_display(),
            percent=report.percent,
            submitted_at=_local(report.submitted_at),
        )


class TaskDetailOut(TaskOut):
    responsibilities: list[ResponsibilityOut] = Field(
        description="责任单位（单位组已展开），牵头单位在前"
    )
    reports: list[ReportSummaryOut] = Field(description="您可见的进展报告，新周期在前")

    @classmethod
    def of_task(
        cls,
        row: TaskRow,
        *,
        responsibilities: list[Responsibility],
        reports: list[ProgressReport],
    ) -> TaskDetailOut:
        return cls(
            **TaskOut.of(row).model_dump(),
            responsibilities=[ResponsibilityOut.of(r) for r in responsibilities],
            reports=[ReportSummaryOut.of(r) for r in reports],
        )


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime

    @classmethod
    def of(cls, evidence: Evidence) -> EvidenceOut:
        return cls(
            id=evidence.pk,
            name=evidence.original_name,
            content_type=evidence.content_type,
            size=evidence.size,
            uploaded_at=timezone.localtime(evidence.uploaded_at),
        )


class ReportOut(ReportSummaryOut):
    task: int = Field(description="任务序号")
    narrative: str
    milestone: str
    claims_completion: bool
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    review_comment: str
    evidence: list[EvidenceOut]

    @classmethod
    def of(cls, report: ProgressReport) -> ReportOut:
        summary = ReportSummaryOut.of(report)
        return cls(
            **summary.model_dump(),
            task=report.task.number,
            narrative=report.narrative,
            milestone=report.milestone,
            claims_completion=report.claims_completion,
            created_at=timezone.localtime(report.created_at),
            reviewed_at=_local(report.reviewed_at),
            review_comment=report.review_comment,
            evidence=[EvidenceOut.of(e) for e in report.evidence.all()],
        )


class ReportIn(Schema):
    task: int = Field(description="任务序号")
    period: int | str = Field(description="报送周期：编号（id）或名称（如“2021年11月”）")
    narrative: str = Field(description="进展情况")
    percent: int = Field(0, description="完成进度（%），0–100")
    milestone: str = Field("", description="节点目标")
    claims_completion: bool = Field(False, description="是否申报完成（仅牵头单位、非持续推进任务）")


class ReviewIn(Schema):
    approve: bool = Field(description="true 审核通过；false 退回")
    comment: str = Field("", description="审核意见；退回时必填")
