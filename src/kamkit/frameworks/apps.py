from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "kamkit.frameworks"
    label = "frameworks"
    verbose_name = "Competency frameworks"
