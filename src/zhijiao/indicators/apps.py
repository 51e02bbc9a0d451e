from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "zhijiao.indicators"
    label = "indicators"
    verbose_name = _("目标监测")

    def ready(self) -> None:
        # The figures this installation can compute from records; other apps add theirs in their
        # own ready() through zhijiao.indicators.sources.register.
        from . import builtin_sources  # noqa: F401
