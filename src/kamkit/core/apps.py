from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kamkit.core"
    label = "core"
    verbose_name = "kamkit core"

    def ready(self) -> None:
        from kamkit.core import audit

        audit.connect_signals()
