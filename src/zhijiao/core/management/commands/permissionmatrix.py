from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhijiao.core.access import render_markdown


class Command(BaseCommand):
    help = "生成权限矩阵（角色 × 页面/接口 × 方法），默认写入 docs/permissions.md"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("-o", "--output", default="docs/permissions.md")

    def handle(self, *args: Any, **options: Any) -> None:
        Path(options["output"]).write_text(render_markdown(), encoding="utf-8")
        self.stdout.write(_("已写入 {output}").format(output=options["output"]))
