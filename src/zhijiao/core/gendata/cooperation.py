"""School–enterprise cooperation and school governance: 名企名校 projects, 职教集团,
产教融合型企业 with their incentives, shared training bases, apprenticeships, 1+X pilots and every
school's charter and council, as ``zhijiao democooperation`` records them through the services for
Jiangyin's schools (its enterprises, marked “（演示）”, join the generated ones)."""

from __future__ import annotations

import io

from django.core.management import call_command

from .base import Context
from .orgs import JIANGYIN_SCHOOLS


def generate(ctx: Context) -> None:
    names = {name for name, *_ in JIANGYIN_SCHOOLS[:5]}
    if not names <= {s.name for s in ctx.world.schools}:
        ctx.step("校企合作：本规模缺少江阴的五所学校，未生成")
        return
    ctx.step("校企合作：合作项目、职教集团、产教融合型企业、实训基地、学徒制、试点与学校治理")
    out = io.StringIO()
    call_command("democooperation", stdout=out)
    ctx.step(f"校企合作：{out.getvalue().strip().splitlines()[-1]}")
