"""Signals the accounts app sends for the apps built on it (it imports nothing of theirs)."""

from __future__ import annotations

from django.dispatch import Signal

# A CRM file import wrote rows in bulk, which sends no model signals. Sent inside the import's write
# transaction, with sender = the model written (Account, Contact, Deal, Product) and the keyword
# arguments kind (the import kind), created and updated (row counts). The portfolio listens: new or
# changed accounts and deals make its scores stale.
rows_imported = Signal()
