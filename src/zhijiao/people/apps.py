from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "zhijiao.people"
    label = "people"
    verbose_name = "人员与成果"

    def ready(self) -> None:
        # Figures computed from the teachers registry, for data elements whose source names them.
        from . import sources  # noqa: F401
