from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "zhijiao.orgs"
    label = "orgs"
    verbose_name = "单位与用户"

    def ready(self) -> None:
        from . import security

        security.connect_signals()
