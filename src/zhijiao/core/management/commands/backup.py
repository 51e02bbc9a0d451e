"""`zhijiao backup [--output DIR] [--keep N]`: the database and the uploaded files in one archive.

Run daily from cron or a systemd timer (docs/operations.md); the archive holds encrypted
personal-data fields, never the keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhijiao.core.backup import VENDOR_NAMES, BackupError, backup_create, human_size


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个归档文件（默认写入 var/backups）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "-o",
            "--output",
            default=str(settings.VAR_DIR / "backups"),
            help="备份目录（默认 var/backups）",
        )
        parser.add_argument("--keep", type=int, help="只保留最新的 N 个备份，删除更早的")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(output_dir=Path(options["output"]), keep=options["keep"])
        except (BackupError, OSError) as exc:
            raise CommandError(_("备份失败：{exc}").format(exc=exc)) from exc
        self.stdout.write(_("备份完成：{path}").format(path=result.path))
        self.stdout.write(
            _(
                "大小 {size}；{vendor} 数据库 {database_size}；上传文件 {media_files} 个，"
                "共 {media_size}"
            ).format(
                size=human_size(result.size),
                vendor=VENDOR_NAMES[result.vendor],
                database_size=human_size(result.database_size),
                media_files=result.media_files,
                media_size=human_size(result.media_size),
            )
        )
        if result.deleted:
            self.stdout.write(
                _("已删除较早的备份 {count} 个：{names}").format(
                    count=len(result.deleted), names="、".join(p.name for p in result.deleted)
                )
            )
