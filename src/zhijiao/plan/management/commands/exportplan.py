from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhijiao.plan.models import Plan
from zhijiao.plan.serialization import plan_dump


class Command(BaseCommand):
    help = "导出实施方案为结构化文件（YAML 或 JSON），可用 loadplan 原样载入"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", help="方案编码")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("-o", "--output", help="输出文件（默认打印）")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(code=options["code"]).first()
        if plan is None:
            raise CommandError(f"没有编码为 {options['code']} 的方案")
        text = plan_dump(plan, options["format"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"已导出到 {options['output']}")
        else:
            self.stdout.write(text, ending="")
