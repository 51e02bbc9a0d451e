from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "zhijiao.orgs"
    label = "orgs"
    verbose_name = _("单位与用户")

    def ready(self) -> None:
        from . import security

        security.connect_signals()
