from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "zhijiao.people"
    label = "people"
    verbose_name = _("人员与成果")

    def ready(self) -> None:
        # Figures computed from the teachers registry, for data elements whose source names them.
        from . import sources  # noqa: F401
