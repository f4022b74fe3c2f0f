"""Deal.account loses its own index: deal_facts_idx (account, status, closed_on, amount, margin) starts
with the account and serves the same look-ups. The index is dropped by name, which both databases
share: a plain AlterField would copy the whole deals table on SQLite to do it."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "accounts_deal_account_id_0a31a1ef"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_interaction_time_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="deal",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deals",
                        to="accounts.account",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "accounts_deal" ("account_id")',
                ),
            ],
        ),
    ]
