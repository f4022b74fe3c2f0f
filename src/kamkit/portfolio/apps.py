from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "kamkit.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"

    def ready(self) -> None:
        from kamkit.accounts import tabs
        from kamkit.core import home
        from kamkit.portfolio import signals
        from kamkit.portfolio.queries import home_cards

        signals.connect()
        home.register(30, home_cards)
        tabs.register("Portfolio score", "portfolio:account", kwarg="pk", order=20)
