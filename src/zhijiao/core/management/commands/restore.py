"""`zhijiao restore ARCHIVE --yes`: replaces the whole database and the uploaded files.

Without --yes it only checks the archive (every checksum, the database vendor) and says what a
restore would replace: that is the first half of a restore drill (docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhijiao.core import integrity
from zhijiao.core.backup import VENDOR_NAMES, BackupError, archive_open, archive_restore


class Command(BaseCommand):
    help = "从备份归档恢复数据库和上传文件（替换现有全部数据，须加 --yes）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="zhijiao backup 生成的 .tar.gz 文件")
        parser.add_argument(
            "--yes", action="store_true", help="确认用备份替换当前数据库和上传文件中的全部数据"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        try:
            with archive_open(path) as archive:
                vendor = VENDOR_NAMES[archive.vendor]
                self.stdout.write(
                    _(
                        "备份校验通过：{name}（创建于 {created_at}，{vendor} 数据库，"
                        "上传文件 {count} 个）"
                    ).format(
                        name=path.name,
                        created_at=archive.created_at,
                        vendor=vendor,
                        count=len(archive.media),
                    )
                )
                if not options["yes"]:
                    raise CommandError(
                        _(
                            "恢复会用备份中的数据替换当前数据库和上传文件目录中的全部数据，"
                            "备份之后的所有改动都将丢失。请先停止网站和后台任务进程，"
                            "确认无误后加 --yes 重新运行。"
                        )
                    )
                result = archive_restore(archive)
        except (BackupError, OSError) as exc:
            raise CommandError(_("恢复失败：{error}").format(error=exc)) from exc
        self.stdout.write(
            _("已恢复 {vendor} 数据库（备份时间 {created_at}）").format(
                vendor=vendor, created_at=archive.created_at
            )
        )
        self.stdout.write(
            _("已恢复上传文件 {restored} 个，删除备份中没有的文件 {removed} 个").format(
                restored=result.media_files, removed=result.media_removed
            )
        )
        if result.pending_migrations:
            self.stderr.write(
                self.style.WARNING(
                    _(
                        "注意：备份来自较早的程序版本，还有 {count} 个数据库迁移未执行"
                        "（{migrations}）。请运行 zhijiao migrate 后再启动网站。"
                    ).format(
                        count=len(result.pending_migrations),
                        migrations="、".join(result.pending_migrations[:5]),
                    )
                )
            )
        elif result.unknown_migrations:
            self.stderr.write(
                self.style.WARNING(
                    _(
                        "注意：数据库含本程序没有的迁移（{migrations}），请安装与备份相应版本的程序。"
                    ).format(migrations="、".join(result.unknown_migrations[:5]))
                )
            )
        else:
            self.stdout.write(_("数据库迁移状态与程序一致。"))
            self._check_integrity()

    def _check_integrity(self) -> None:
        """The modules' own checks on the restored data (the credit bank verifies its ledger)."""
        failed = []
        for outcome in integrity.run_all():
            line = _("完整性校验（{name}）：{message}").format(
                name=outcome.name, message=outcome.message
            )
            if outcome.passed:
                self.stdout.write(line)
            else:
                self.stderr.write(self.style.ERROR(line))
                failed.append(outcome.name)
        if failed:
            raise CommandError(
                _(
                    "数据已恢复，但{checks}未通过完整性校验：请勿启动网站，"
                    "先核查该备份是否可信，或改用更早的备份。"
                ).format(checks="、".join(failed))
            )
