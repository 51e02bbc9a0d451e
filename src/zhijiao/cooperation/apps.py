from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "zhijiao.cooperation"
    label = "cooperation"
    verbose_name = _("校企合作")

    def ready(self) -> None:
        # Figures computed from the cooperation registries, for data elements whose source
        # names them.
        from . import sources  # noqa: F401
