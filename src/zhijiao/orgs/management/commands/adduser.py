import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Role
from zhijiao.orgs.services import user_create


class Command(BaseCommand):
    help = "创建账号（如部署后的第一个系统管理员）：zhijiao adduser 用户名 --role system_admin"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--unit", help="所属单位名称")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(_("用户名已存在：{username}").format(username=options["username"]))
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(name=options["unit"]).first()
            if unit is None:
                raise CommandError(_("单位不存在：{unit}").format(unit=options["unit"]))
        password = getpass.getpass(_("密码："))
        if password != getpass.getpass(_("再次输入密码：")):
            raise CommandError(_("两次输入的密码不一致"))
        try:
            validate_password(password, User(username=options["username"]))
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        user = user_create(
            username=options["username"],
            role=options["role"],
            unit=unit,
            full_name=options["name"],
            email=options["email"],
            password=password,
        )
        self.stdout.write(
            _("已创建账号 {username}（{role}）").format(
                username=user.username, role=user.get_role_display()
            )
        )
