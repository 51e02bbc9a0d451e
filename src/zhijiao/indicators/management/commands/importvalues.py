"""`zhijiao importvalues DATA_SET FILE --user NAME`: a filled template imported from the shell.

The same service as the web page (all or nothing, every row checked, audited as the named user);
for bureaus that send large files and for scheduled loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import ImportRejected
from zhijiao.indicators.imports import values_import
from zhijiao.indicators.models import DataSet
from zhijiao.orgs.models import User


class Command(BaseCommand):
    help = "从 Excel 模板导入数据值（全部成功或全部不导入）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("data_set", help="数据集编码，如 SCHOOL_BASIC")
        parser.add_argument("path", help="填好的 .xlsx 模板")
        parser.add_argument("--user", required=True, help="以该账号的身份和权限导入")

    def handle(self, *args: Any, **options: Any) -> None:
        data_set = DataSet.objects.filter(code=options["data_set"], is_active=True).first()
        if data_set is None:
            raise CommandError(_("数据集“{code}”不存在").format(code=options["data_set"]))
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("账号“{username}”不存在或已停用").format(username=options["user"]))
        path = Path(options["path"])
        try:
            result = values_import(
                user=user, data_set=data_set, upload=path.read_bytes(), name=path.name
            )
        except ImportRejected as exc:
            for error in exc.errors[:200]:
                self.stderr.write(str(error))
            raise CommandError(exc.message) from exc
        except (OSError, ServiceError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "导入成功：更新 {values} 项数据，涉及 {submissions} 份报送，"
                "{unchanged} 项与已有数据相同。"
            ).format(
                values=result.values, submissions=result.submissions, unchanged=result.unchanged
            )
        )
