"""bulk_work: SQLite's large cache for one block, and the connection's own settings afterwards."""

from __future__ import annotations

import pytest
from django.db import connection

from kamkit.core.bulk import CACHE_KIB, bulk_work


def _cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_cache_is_large_inside_the_block_and_as_it_was_after() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    before = _cache_size()
    assert before != -CACHE_KIB
    with bulk_work():
        assert _cache_size() == -CACHE_KIB
    assert _cache_size() == before


@pytest.mark.django_db
def test_the_settings_come_back_when_the_block_fails() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    before = _cache_size()
    with pytest.raises(RuntimeError), bulk_work():
        raise RuntimeError("the import failed")
    assert _cache_size() == before


@pytest.mark.django_db
def test_an_error_that_breaks_the_transaction_comes_out_as_itself() -> None:
    # given an ORM write that fails inside the block (the transaction is then marked broken)
    from django.db import IntegrityError, transaction

    from kamkit.accounts.models import Account, Deal

    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    before = _cache_size()
    with transaction.atomic():
        account = Account.objects.create(name="Twice Ltd")
        Deal.objects.create(account=account, external_id="D-1", stage="won")
        # then the caller sees the IntegrityError, not Django's complaint about the broken transaction
        with pytest.raises(IntegrityError), bulk_work():
            Deal.objects.create(account=account, external_id="D-1", stage="won")
        transaction.set_rollback(True)
    assert _cache_size() == before
