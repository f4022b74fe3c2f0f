"""On PostgreSQL the re-score's own tables (facts and scores, rebuilt whole by every re-score) are
UNLOGGED: their 200,000 rows a re-score skip the write-ahead log. After a crash PostgreSQL empties
them, which shows as "not scored yet" until the next re-score; standbys do not get them. SQLite has
no such thing: nothing to do there."""

from typing import Any

from django.db import migrations

TABLES = ("portfolio_accountmetrics", "portfolio_accountscore")


def _set(persistence: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(f'ALTER TABLE "{table}" SET {persistence}')

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0005_drop_deal_facts_index"),
    ]

    operations = [
        migrations.RunPython(_set("UNLOGGED"), _set("LOGGED"), elidable=False),
    ]
