from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kamkit.accounts"
    label = "accounts"
    verbose_name = "Customer accounts"

    def ready(self) -> None:
        from django.db.models import CharField
        from django.db.models.functions import Lower

        from kamkit.accounts.queries import home_cards
        from kamkit.core import home

        # "name__lower" in sorts (ListSpec sort fields are ORM paths): names sort without case on
        # SQLite too, whose default comparison puts "Zoom" before "dambase".
        CharField.register_lookup(Lower)
        home.register(10, home_cards)
