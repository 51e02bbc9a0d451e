"""Targets and indicators: the official monitoring configuration (``data/indicators``) and
monitoring data since 2021, as ``zhijiao demoindicators`` reports it for Jiangyin's schools and
bureaus (submissions, approvals, values, an extension). The counted targets (双师型 share,
training, awards …) are computed by the platform from the generated registries themselves."""

from __future__ import annotations

import io

from django.core.management import call_command

from zhijiao.indicators.models import DataSet

from .base import DATA, Context

CONFIG = DATA / "indicators" / "jiangyin-2021-targets.yaml"


def generate(ctx: Context) -> None:
    ctx.step("目标监测：监测配置与 2021 年以来的填报数据")
    out = io.StringIO()
    if not DataSet.objects.exists():
        call_command("loadindicators", str(CONFIG), stdout=out)
    call_command("demoindicators", today=ctx.today.isoformat(), stdout=out)
    ctx.step(f"目标监测：{out.getvalue().strip().splitlines()[-1]}")
