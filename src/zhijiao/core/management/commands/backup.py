"""`zhijiao backup [--output DIR] [--keep N]`: the database and the uploaded files in one archive.

Run daily from cron or a systemd timer (docs/operations.md); the archive holds encrypted
personal-data fields, never the keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"备份失败：{exc}") from exc
        self.stdout.write(f"备份完成：{result.path}")
        self.stdout.write(
            f"大小 {human_size(result.size)}；{VENDOR_NAMES[result.vendor]} 数据库 "
            f"{human_size(result.database_size)}；上传文件 {result.media_files} 个，"
            f"共 {human_size(result.media_size)}"
        )
        if result.deleted:
            self.stdout.write(
                f"已删除较早的备份 {len(result.deleted)} 个："
                + "、".join(p.name for p in result.deleted)
            )
