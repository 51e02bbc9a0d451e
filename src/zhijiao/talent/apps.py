from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "zhijiao.talent"
    label = "talent"
    verbose_name = "产业人才数据平台"

    def ready(self) -> None:
        # Figures computed from the demand survey, for data elements whose source names them.
        from . import sources  # noqa: F401
