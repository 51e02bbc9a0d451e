from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhijiao.orgs.models import User
from zhijiao.orgs.services import token_create


class Command(BaseCommand):
    help = "管理个人 API 令牌：zhijiao token create <用户名>"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为用户创建新令牌并打印（仅显示一次）")
        create.add_argument("username")
        create.add_argument("--name", default="命令行创建")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "create":
            try:
                user = User.objects.get(username=options["username"], is_active=True)
            except User.DoesNotExist as exc:
                raise CommandError(
                    _("用户不存在或已停用：{username}").format(username=options["username"])
                ) from exc
            raw = token_create(user=user, name=str(options["name"]))
            self.stdout.write(raw)
