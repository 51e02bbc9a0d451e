from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhijiao.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self) -> None:
        from . import access, audit

        audit.connect_auth_signals()
        access.merge_modules()
