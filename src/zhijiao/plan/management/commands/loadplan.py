"""`zhijiao loadplan PATH`: load a plan from its official text (.txt) or a structured file
(.yaml/.yml/.json, as `exportplan` writes it). Safe to run again: an unchanged plan stays as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhijiao.plan.loader import (
    PlanFormatError,
    parse_plan_text,
    plan_code_from_path,
    plan_load,
    summary,
)
from zhijiao.plan.serialization import format_for_path, plan_loads

# Official texts come as UTF-8 from the converter; older ones are saved by Windows as GB18030.
ENCODINGS = ("utf-8-sig", "gb18030")


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(_("文件 {path} 既不是 UTF-8 也不是 GB18030 编码的文本").format(path=path))


class Command(BaseCommand):
    help = "载入实施方案：官方文本（.txt）或结构化文件（.yaml/.yml/.json）；可重复运行，未变化时不作改动"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="方案文件路径")
        parser.add_argument(
            "--code",
            help="方案编码；默认取文件名中年份及之前的部分（如 jiangyin-2021），"
            "结构化文件取其中的 code",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("找不到文件：{path}").format(path=path))
        text = read_text(path)
        fmt = format_for_path(path)
        try:
            if fmt is None:
                parsed = parse_plan_text(text, code=plan_code_from_path(path))
            else:
                parsed = plan_loads(text, fmt=fmt)
            result = plan_load(parsed=parsed, code=options["code"])
        except PlanFormatError as exc:
            for error in exc.errors:
                self.stderr.write(_("错误：{error}").format(error=error))
            raise CommandError(
                _("方案未载入：共 {count} 处错误，数据库未作任何改动").format(count=len(exc.errors))
            ) from exc

        plan = result.plan
        if result.plan_created:
            state = _("新载入")
        elif result.changed:
            state = _("已更新")
        else:
            state = _("未发生变化")
        self.stdout.write(
            _("《{title}》（编码 {code}）：{state}").format(
                title=plan.title, code=plan.code, state=state
            )
        )
        counts = _(
            "工程 {programmes} 项，任务 {tasks} 项，重点举措 {sections} 项；新建单位 {units} 个"
        ).format(
            programmes=plan.programmes.count(),
            tasks=plan.tasks.count(),
            sections=plan.sections.count(),
            units=len(result.units_created),
        )
        if result.units_created:
            counts = _("{counts}：{units}").format(
                counts=counts, units="、".join(result.units_created)
            )
        self.stdout.write(counts)
        if result.groups_created:
            self.stdout.write(
                _("新建单位组：{groups}").format(groups="、".join(result.groups_created))
            )
        if result.changed and not result.plan_created:
            self.stdout.write(summary(result))
        for warning in result.warnings:
            self.stdout.write(_("提示：{warning}").format(warning=warning))
