from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "zhijiao.cooperation"
    label = "cooperation"
    verbose_name = "校企合作"

    def ready(self) -> None:
        # Figures computed from the cooperation registries, for data elements whose source
        # names them.
        from . import sources  # noqa: F401
