"""The covering index on deals (account, status, closed_on, amount, margin) moves here from the
portfolio's migration 0002 (plain SQL there); it replaces the narrower (account, status, closed_on)
index, which is its prefix. portfolio 0005 drops the old copy, so every database ends with one.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(
                fields=["account", "status", "closed_on", "amount", "margin"], name="deal_facts_idx"
            ),
        ),
        migrations.RemoveIndex(
            model_name="deal",
            name="accounts_de_account_73974c_idx",
        ),
    ]
