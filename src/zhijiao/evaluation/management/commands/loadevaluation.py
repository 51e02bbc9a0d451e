"""`zhijiao loadevaluation FILE [--year N]`: the evaluation schemes from YAML."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhijiao.core.errors import ServiceError
from zhijiao.evaluation.config import schemes_load, schemes_read


class Command(BaseCommand):
    help = "载入学校评价方案（办学水平评价、社会服务能力绩效考核），可重复执行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="YAML 文件，如 data/evaluation/jiangyin-schemes.yaml")
        parser.add_argument("--year", type=int, help="按另一年度载入（默认取文件中的年度）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            schemes = schemes_load(schemes_read(options["path"]), year=options.get("year"))
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for scheme in schemes:
            self.stdout.write(
                _("已载入：{scheme}，第 {version} 版，指标 {count} 个").format(
                    scheme=scheme, version=scheme.version, count=scheme.criteria.count()
                )
            )
