"""Drop the portfolio's own copy of the covering deals index (created as plain SQL by 0002): the
accounts app owns it now, as ``deal_facts_idx`` in ``Deal.Meta.indexes`` (accounts 0002).

Runs after accounts 0002, so the deal aggregate is never left without its index. ``IF EXISTS``: a
database where someone removed it by hand migrates too.
"""

from django.db import migrations

OLD_INDEX = "portfolio_deal_facts_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0004_score_staleness"),
        ("accounts", "0002_deal_facts_index"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"DROP INDEX IF EXISTS {OLD_INDEX}",
            reverse_sql=(
                f'CREATE INDEX {OLD_INDEX} ON "accounts_deal" '
                '("account_id", "status", "closed_on", "amount", "margin")'
            ),
        ),
    ]
