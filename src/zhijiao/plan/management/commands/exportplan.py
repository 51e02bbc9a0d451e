"""`zhijiao exportplan CODE`: a plan as YAML or JSON, which `loadplan` loads back unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.models import AuditAction
from zhijiao.plan.models import Plan
from zhijiao.plan.serialization import format_for_path, plan_dumps


class Command(BaseCommand):
    help = "导出实施方案为结构化文件（YAML 或 JSON），可用 loadplan 原样载入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="方案编码")
        parser.add_argument(
            "--format",
            choices=["yaml", "json"],
            help="输出格式；默认按输出文件的扩展名，否则为 yaml",
        )
        parser.add_argument("-o", "--output", help="输出文件；默认打印到标准输出")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(code=options["code"]).first()
        if plan is None:
            codes = "、".join(Plan.objects.order_by("code").values_list("code", flat=True)) or _(
                "无"
            )
            raise CommandError(
                _("没有编码为“{code}”的方案（现有：{codes}）").format(
                    code=options["code"], codes=codes
                )
            )
        output = Path(options["output"]) if options["output"] else None
        fmt = options["format"] or (format_for_path(output) if output else None) or "yaml"
        text = plan_dumps(plan=plan, fmt=fmt)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("无法写入 {path}：{error}").format(path=output, error=exc.strerror)
            ) from exc
        audit.record(
            AuditAction.EXPORT, obj=plan, message=f"导出方案为 {fmt.upper()}：{output.name}"
        )
        self.stdout.write(_("已导出《{title}》到 {path}").format(title=plan.title, path=output))
