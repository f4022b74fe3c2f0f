"""Database settings for the few statements that move a whole table at once (imports of a million
rows, the portfolio re-score), kept to the block that does it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

CACHE_KIB = 262_144  # 256 MB of page cache instead of SQLite's default 2 MB
MMAP_BYTES = 1 << 30  # read up to 1 GB of the file through memory mapping


@contextmanager
def bulk_work() -> Iterator[None]:
    """On SQLite, a large page cache (with the default one, index inserts of a million rows thrash)
    and memory-mapped reads (no system call per page read) for the block; the connection's own
    values come back afterwards. Other databases are left as they are."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache,) = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size")
        mapped = cursor.fetchone()  # no row for an in-memory database, which has nothing to map
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if mapped is not None:
            cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    try:
        yield
    finally:
        # On the driver's connection: Django's cursor refuses to run in a transaction an error has
        # broken, which would hide that error behind its own and leave the settings in place.
        raw = connection.connection
        raw.execute(f"PRAGMA cache_size = {int(cache)}")
        if mapped is not None:
            raw.execute(f"PRAGMA mmap_size = {int(mapped[0])}")
