"""Evaluation: the schemes of ``data/evaluation`` (办学水平评价, 社会服务能力绩效考核) and their
rounds — a completed and published round of each for 2024, one in progress for 2025 — over every
generated school, as ``zhijiao demoevaluation`` runs them (self-assessment, three experts per
school, reconciliation, appeals)."""

from __future__ import annotations

import io

from django.core.management import call_command

from zhijiao.evaluation.models import Scheme

from .base import DATA, Context

SCHEMES = DATA / "evaluation" / "jiangyin-schemes.yaml"


def generate(ctx: Context) -> None:
    ctx.step("学校评价：评价方案与 2024、2025 年评价轮次")
    if not Scheme.objects.exists():
        call_command("loadevaluation", str(SCHEMES), stdout=io.StringIO())
    out = io.StringIO()
    call_command("demoevaluation", today=ctx.today.isoformat(), stdout=out)
    ctx.step(f"学校评价：{out.getvalue().strip().splitlines()[0]}")
