"""Root of the test suite: registers each domain's fixtures (see <app>/tests/fixtures.py)."""

pytest_plugins = [
    "kamkit.users.tests.fixtures",
    "kamkit.core.tests.fixtures",
    "kamkit.frameworks.tests.fixtures",
    "kamkit.assessments.tests.fixtures",
    "kamkit.accounts.tests.fixtures",
    "kamkit.portfolio.tests.fixtures",
    "kamkit.plans.tests.fixtures",
    "kamkit.hiring.tests.fixtures",
]
