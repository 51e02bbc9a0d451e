"""Plan supervision: reporting periods up to the reference date and the progress reports of every
responsible unit, told the way ``zhijiao demo`` tells them (tasks completed on time, late,
extended or overdue; reports approved, returned or still open), by the generated accounts; the
schools' 一校一案 and the warnings the history leaves.

The plan's tasks are the official 31, whatever the scale: the generated province has more schools
(each reporting on the tasks of 各职业院校), not more tasks."""

from __future__ import annotations

import io

from django.test import override_settings

from zhijiao.orgs.models import User
from zhijiao.plan import services
from zhijiao.plan.management.commands.demo import Command as PlanDemo
from zhijiao.plan.models import Plan

from .base import Context
from .orgs import World

# The demo's 一校一案 are kept by the clerks of these schools (the demo's usernames).
SCHOOL_PLAN_CLERKS = {"jyzy": "江阴职业技术学院", "jyzz": "江阴中等专业学校", "cxjx": "澄西技校"}


def generate(ctx: Context) -> None:
    world: World = ctx.world
    plan = Plan.objects.order_by("pk").first()
    if plan is None:
        return
    ctx.step("督查督办：报送周期、各责任单位的进展报告、一校一案、督办预警")
    services.periods_ensure(plan=plan, through=ctx.today)
    users = {
        u.username: u for u in User.objects.filter(pk__in=[world.office, *world.liaisons.values()])
    }
    clerks = {s.name: s.clerk for s in world.schools}
    accounts = {u.pk: u for u in User.objects.filter(pk__in=clerks.values()).select_related("unit")}
    for school in world.schools:
        users[f"school:{school.id}"] = accounts[school.clerk]
    demo = PlanDemo(stdout=io.StringIO())
    count = demo._history(plan, users, ctx.today)
    users.update(
        {
            name: accounts[clerks[school]]
            for name, school in SCHOOL_PLAN_CLERKS.items()
            if school in clerks
        }
    )
    if all(name in users for name in SCHOOL_PLAN_CLERKS):
        demo._school_plans(plan, users)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        changes = services.warnings_refresh(plan=plan, today=ctx.today)
    ctx.step(
        f"督查督办：进展报告 {count:,} 份，督办预警 {len([c for c in changes if c.level]):,} 条"
    )
