import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.orgs.models import User


class Command(BaseCommand):
    help = "停用长期未登录的账号（等保 2.0：及时清理多余、过期账户）：zhijiao disableidle --days 90"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=90, help="多少天未登录即停用（默认 90）")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不停用")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - dt.timedelta(days=options["days"])
        idle = User.objects.filter(is_active=True).filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )
        names = list(idle.values_list("username", flat=True))
        if not options["dry_run"]:
            with transaction.atomic():
                for user in idle.select_for_update():
                    audit.save_changes(
                        user,
                        {"is_active": False},
                        message=f"超过 {options['days']} 天未登录，自动停用",
                    )
        if options["dry_run"]:
            summary = _("将停用 {count} 个账号").format(count=len(names))
        else:
            summary = _("已停用 {count} 个账号").format(count=len(names))
        if names:
            summary = _("{summary}：{names}").format(summary=summary, names="、".join(names))
        self.stdout.write(summary)
