import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.models import AuditAction, AuditEvent

MINIMUM_DAYS = 180  # 等保 2.0 and the Cybersecurity Law: logs kept at least six months


class Command(BaseCommand):
    help = "清理超过保存期的审计记录（保存期不少于 180 天）：zhijiao purgeaudit --days 365"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=settings.ZHIJIAO_AUDIT_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < MINIMUM_DAYS:
            raise CommandError(
                _("审计记录至少保存 {minimum} 天，不能按 {days} 天清理").format(
                    minimum=MINIMUM_DAYS, days=days
                )
            )
        cutoff = timezone.now() - dt.timedelta(days=days)
        with transaction.atomic():
            # Bulk delete: the model refuses single deletes; the database refuses anything younger.
            count = AuditEvent.objects.filter(occurred_at__lt=cutoff).delete()[0]
            audit.record(
                AuditAction.DELETE,
                object_type="core.AuditEvent",
                message=f"清理 {cutoff:%Y-%m-%d} 之前的审计记录 {count} 条（保存期 {days} 天）",
            )
        self.stdout.write(
            _("已清理 {count} 条审计记录（{cutoff:%Y-%m-%d} 之前）").format(
                count=count, cutoff=cutoff
            )
        )
