from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "zhijiao.talent"
    label = "talent"
    verbose_name = _("产业人才数据平台")

    def ready(self) -> None:
        # Figures computed from the demand survey, for data elements whose source names them.
        from . import sources  # noqa: F401
