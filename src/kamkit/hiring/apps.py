from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "kamkit.hiring"
    label = "hiring"
    verbose_name = "Hiring"

    def ready(self) -> None:
        from kamkit.core import home
        from kamkit.hiring.queries import home_cards

        home.register(45, home_cards)
