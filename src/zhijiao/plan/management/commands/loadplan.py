from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhijiao.plan.loader import PlanFormatError, code_from_path, parse_plan_text, plan_load
from zhijiao.plan.serialization import plan_parse_structured


class Command(BaseCommand):
    help = "载入实施方案：官方文本（.txt）或结构化文件（.yaml/.yml/.json）；可重复运行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="方案文件路径")
        parser.add_argument("--code", help="方案编码（默认取文件名）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError("文件不是 UTF-8 编码的文本") from exc
        suffix = path.suffix.lower()
        try:
            if suffix in (".yaml", ".yml", ".json"):
                code, parsed = plan_parse_structured(text, "json" if suffix == ".json" else "yaml")
                code = options["code"] or code
            else:
                parsed = parse_plan_text(text)
                code = options["code"] or code_from_path(path.stem)
            result = plan_load(parsed=parsed, code=code)
        except PlanFormatError as exc:
            for error in exc.errors:
                self.stderr.write(f"错误：{error}")
            raise CommandError(f"方案未载入（共 {len(exc.errors)} 处错误），数据库未作任何改动") from exc
        for warning in result.warnings:
            self.stdout.write(f"提示：{warning}")
        state = "新载入" if result.created else ("已更新" if result.changed else "未发生变化")
        self.stdout.write(
            f"《{parsed.title}》（{code}）{state}：工程 {len(parsed.programmes)} 项，任务 {len(parsed.tasks)} 项，"
            f"重点举措 {len(parsed.sections)} 项，新建单位 {len(result.units_created)} 个"
            + (f"（{'、'.join(result.units_created)}）" if result.units_created else "")
        )
