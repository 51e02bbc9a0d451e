"""Runs the generators in order, in one transaction, on a database that holds no data yet beyond
the plan (``zhijiao loadplan``)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.test import override_settings
from django.utils import timezone

from zhijiao.cooperation.models import FamousProject
from zhijiao.core import audit
from zhijiao.core.models import AuditAction
from zhijiao.creditbank.models import (
    Application,
    ApplicationEvent,
    Certificate,
    CreditRecord,
    Learner,
    LedgerEntry,
    Outcome,
)
from zhijiao.evaluation.models import Round as EvaluationRound
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.people.models import Student, Teacher
from zhijiao.plan.models import Plan, ProgressReport
from zhijiao.talent.models import DemandLine, DemandSurvey, EnterpriseProfile, Posting

from . import cooperation, creditbank, evaluation, indicators, orgs, people, plan, talent
from .base import (
    SCALES,
    Context,
    Crypto,
    Output,
    Progress,
    Scale,
    TableCount,
    Writer,
    default_workers,
)

# Modules in the order they run (each may use what the earlier ones made); units and accounts
# always come first.
MODULES: dict[str, Callable[[Context], None]] = {
    "people": people.generate,
    "talent": talent.generate,
    "creditbank": creditbank.generate,
}
# Modules of small volume, run once the volume tables are complete and indexed, through the
# platform's own loaders and demo stories (they read the registries generated before them).
STORIES: dict[str, Callable[[Context], None]] = {
    "plan": plan.generate,
    "indicators": indicators.generate,
    "cooperation": cooperation.generate,
    "evaluation": evaluation.generate,
}
MARKER = "gendata"
LOCAL_MAIL = "django.core.mail.backends.locmem.EmailBackend"
# The tables that take millions of rows: on PostgreSQL their secondary indexes and constraints are
# rebuilt once after the load (Writer.bulk_begin).
BULK_MODELS: list[type[models.Model]] = [
    Student,
    Teacher,
    DemandSurvey,
    DemandLine,
    Posting,
    Learner,
    Outcome,
    Application,
    Application.outcomes.through,
    ApplicationEvent,
    LedgerEntry,
    CreditRecord,
]


class RefusedError(Exception):
    """The database already holds data the generator would collide with."""


def occupied() -> list[str]:
    """What the database already holds that rules generating out (empty: good to go)."""
    checks = [
        (User.objects.all(), "账号"),
        (Unit.objects.filter(kind=UnitKind.ENTERPRISE), "企业"),
        (Teacher.objects.all(), "教师"),
        (Student.objects.all(), "学生"),
        (EnterpriseProfile.objects.all(), "企业信息"),
        (DemandSurvey.objects.all(), "岗位需求填报"),
        (Posting.objects.all(), "招聘信息"),
        (Certificate.objects.all(), "学分银行证书目录"),
        (Learner.objects.all(), "学习者"),
        (LedgerEntry.objects.all(), "学分银行账本"),
        (FamousProject.objects.all(), "名企名校合作项目"),
        (EvaluationRound.objects.all(), "评价轮次"),
        (ProgressReport.objects.all(), "进展报告"),
    ]
    return [label for queryset, label in checks if queryset.exists()]


@dataclass
class Result:
    scale: Scale
    seed: int
    today: dt.date
    counts: dict[str, TableCount]
    seconds: float
    notes: list[str]


def generate(
    *,
    scale: str | Scale,
    seed: int = 2021,
    today: dt.date | None = None,
    only: Sequence[str] = (),
    fraction: float = 1.0,
    out: Output | None = None,
    quiet: bool = False,
    workers: int | None = None,
) -> Result:
    """Fills the database; raises :class:`RefusedError` when it already holds data."""
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    if fraction != 1.0:
        chosen = chosen.scaled(fraction)
    unknown = [m for m in only if m not in MODULES and m not in STORIES]
    if unknown:
        raise ValueError(
            f"未知的模块：{'、'.join(unknown)}（可选：{'、'.join([*MODULES, *STORIES])}）"
        )
    if not Plan.objects.exists():
        raise RefusedError(
            "数据库中还没有实施方案：请先 zhijiao migrate 并 zhijiao loadplan "
            "data/plans/jiangyin-2021-vet-reform-plan.txt"
        )
    found = occupied()
    if found:
        raise RefusedError(
            f"数据库中已有数据（{'、'.join(found)}），生成数据只能写入仅载入了实施方案的新数据库；"
            "请新建数据库后执行 zhijiao migrate、zhijiao loadplan，再运行 zhijiao gendata"
        )
    progress = Progress(out, quiet=quiet)
    started = time.perf_counter()
    day = today or timezone.localdate()
    writer = Writer(progress)
    ctx = Context(
        scale=chosen,
        seed=seed,
        today=day,
        writer=writer,
        crypto=Crypto(seed),
        progress=progress,
        workers=default_workers() if workers is None else max(1, workers),
    )
    progress.line(
        f"生成数据：规模 {chosen.name}"
        + (f" × {chosen.fraction:g}" if chosen.fraction != 1 else "")
        + f"，种子 {seed}，基准日 {day:%Y-%m-%d}，数据库 {connection.vendor}，"
        f"生成进程 {ctx.workers} 个"
    )
    # The stories' services send mail when the transaction commits: it stays in the process.
    with override_settings(EMAIL_BACKEND=LOCAL_MAIL), transaction.atomic():
        if connection.vendor == "postgresql":
            # The foreign keys left in place (those of the tables not rebuilt) are checked as the
            # rows arrive instead of being queued until the commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ctx.world = orgs.build(ctx)
        writer.bulk_begin(BULK_MODELS)
        for name, module in MODULES.items():
            if not only or name in only:
                module(ctx)
        writer.bulk_end()
        writer.reset_sequences()
        if not only or "creditbank" in only:
            creditbank.finish(ctx)
        for name, story in STORIES.items():
            if not only or name in only:
                story(ctx)
        audit.record(
            AuditAction.IMPORT,
            object_type=MARKER,
            object_repr=f"生成数据（{chosen.name}）",
            message=f"zhijiao gendata：规模 {chosen.name}，种子 {seed}，基准日 {day:%Y-%m-%d}，"
            f"共 {sum(c.rows for c in writer.counts.values()):,} 行",
        )
    progress.line("更新统计信息（ANALYZE）")
    writer.analyse()
    return Result(chosen, seed, day, writer.counts, time.perf_counter() - started, ctx.notes)
