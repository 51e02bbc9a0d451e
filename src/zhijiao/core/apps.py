from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhijiao.core"
    label = "core"
    verbose_name = "平台"

    def ready(self) -> None:
        from . import access, audit

        audit.connect_auth_signals()
        access.merge_modules()
