from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "kamkit.users"
    label = "users"
    verbose_name = "People and organisation"
