from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kamkit.plans"
    label = "plans"
    verbose_name = "Account plans"

    def ready(self) -> None:
        from kamkit.accounts import queries as account_queries
        from kamkit.accounts import tabs
        from kamkit.core import home
        from kamkit.plans.models import AccountPlan, ActionOccurrence, PlanAction
        from kamkit.plans.queries import home_cards, plan_progress, planned_hours
        from kamkit.portfolio.queries import register_planned_hours
        from kamkit.portfolio.signals import watch_inputs

        # Account health counts plan progress without accounts importing plans.
        account_queries.PLAN_PROGRESS = plan_progress
        home.register(20, home_cards)
        tabs.register("Plans", "plans:list", query="?account={pk}", order=10)
        # Return on time counts the time planned in actions, without portfolio importing plans.
        register_planned_hours(planned_hours)
        # ... and a change of planned time (or of which plans count) makes the scores stale.
        watch_inputs(AccountPlan, PlanAction, ActionOccurrence)
