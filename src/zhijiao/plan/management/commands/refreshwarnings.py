import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.plan import selectors, services


class Command(BaseCommand):
    help = "生成到今天为止的报送周期，并按督办规则重新计算预警（建议每天运行一次）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="按该日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = selectors.current_plan()
        if plan is None:
            raise CommandError(_("尚未载入实施方案"))
        try:
            today = (
                dt.date.fromisoformat(options["today"])
                if options.get("today")
                else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError(_("日期格式应为 YYYY-MM-DD")) from exc
        created = services.periods_ensure(plan=plan, through=today)
        changes = services.warnings_refresh(plan=plan, today=today)
        issued = sum(1 for c in changes if c.level is not None)
        lifted = sum(1 for c in changes if c.level is None)
        self.stdout.write(
            _("新增报送周期 {periods} 个；新发或升级预警 {issued} 条，解除 {lifted} 条。").format(
                periods=len(created), issued=issued, lifted=lifted
            )
        )
