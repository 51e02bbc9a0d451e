"""`zhijiao report KIND --year YYYY`: generates a module's annual report from the command line.

Kinds are declared by the modules themselves: an app ``zhijiao.<module>`` whose ``reports`` module
has ``REPORT_KINDS = {"kind": generate}`` offers those kinds, where ``generate(*, year, output,
progress, publish)`` writes and archives the report and returns the path of the document
(``output``, when given, is where to copy it; ``progress(percent, message)`` reports how far it
got; ``publish`` also publishes it where the module publishes reports). Adding a kind needs no
change here.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core.errors import ServiceError

Generate = Callable[..., Path]


def report_kinds() -> dict[str, tuple[Generate, str]]:
    """Every kind any module offers: kind → (generate, the module's label)."""
    kinds: dict[str, tuple[Generate, str]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("zhijiao."):
            continue
        name = f"{config.name}.reports"
        if find_spec(name) is None:
            continue
        declared = getattr(import_module(name), "REPORT_KINDS", {})
        for kind, generate in declared.items():
            kinds[kind] = (generate, str(config.verbose_name))
    return kinds


class Command(BaseCommand):
    help = "生成年度报告（如 zhijiao report talent --year 2025：产业人才需求报告），并按年度存档"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="报告类型，如 talent（可用类型见 --list）", nargs="?")
        parser.add_argument("--year", type=int, help="年度，默认为上一年")
        parser.add_argument("--output", "-o", type=Path, help="另存一份文档到此路径")
        parser.add_argument("--publish", action="store_true", help="生成后即发布（如公开页面）")
        parser.add_argument("--list", action="store_true", help="列出可生成的报告类型")

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = report_kinds()
        if options["list"] or not options["kind"]:
            for kind, (_generate, label) in sorted(kinds.items()):
                self.stdout.write(f"{kind}\t{label}")
            if not options["list"]:
                raise CommandError(_("请指定报告类型，如：zhijiao report talent --year 2025"))
            return
        kind = options["kind"]
        if kind not in kinds:
            raise CommandError(
                _("未知的报告类型“{kind}”，可用：{kinds}").format(
                    kind=kind, kinds="、".join(sorted(kinds)) or _("无")
                )
            )
        year = options["year"] or timezone.localdate().year - 1
        generate, _label = kinds[kind]

        def progress(percent: int, message: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{percent:3d}% {message}")

        try:
            path = generate(
                year=year, output=options["output"], progress=progress, publish=options["publish"]
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        done = _("已生成、存档并发布") if options["publish"] else _("已生成并存档")
        self.stdout.write(self.style.SUCCESS(_("{done}：{path}").format(done=done, path=path)))
