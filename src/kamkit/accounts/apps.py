from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kamkit.accounts"
    label = "accounts"
    verbose_name = "Customer accounts"

    def ready(self) -> None:
        from kamkit.accounts.queries import home_cards
        from kamkit.core import home

        home.register(10, home_cards)
