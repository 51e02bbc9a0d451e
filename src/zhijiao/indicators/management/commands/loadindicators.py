"""`zhijiao loadindicators FILE`: the monitoring configuration (targets as data) from YAML."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhijiao.indicators.config import ConfigError, config_load, config_read


class Command(BaseCommand):
    help = "载入目标监测配置（数据项、数据集、校验规则、指标、目标），可重复执行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="YAML 文件，如 data/indicators/jiangyin-2021-targets.yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = config_load(config_read(options["path"]))
        except ConfigError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("目标监测配置已载入：{counts}").format(
                counts="，".join(f"{k} {v} 个" for k, v in counts.items())
            )
        )
