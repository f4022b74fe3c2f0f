from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kamkit.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from kamkit.assessments.queries import home_cards
        from kamkit.core import home

        home.register(30, home_cards)
