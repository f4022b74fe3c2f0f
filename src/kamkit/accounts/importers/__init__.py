"""Importing and exporting accounts, contacts, deals and products as CSV or XLSX shaped like CRM
exports.

The file is read by the shared engine (``kamkit.core.imports``): columns are found by aliases
(Salesforce, HubSpot, snake_case and the public CRM sample's names), a person may override the
mapping, and every cell is parsed. Then each kind checks its rows against the database (owners,
accounts, parents, products, duplicates, loops, permissions) and collects every problem with its
line. Imports are all-or-nothing: only a file without a single problem is written, in one
transaction, in bulk: updates by external id (accounts without one: by name), creates for the rest.

Bulk writes bypass the audit trail; each import records an ``ImportRun`` instead (its own audit
entries are the summary). The run is written outside the write transaction, so a refused or
failed import is still on record while none of its rows are. Apps built on accounts hear of the
bulk writes through ``kamkit.accounts.signals.rows_imported``.

Deals come by the million: they skip the ORM on the hot path (dict look-ups for accounts,
products and owners, plain tuples, ``executemany`` through Django's cursor in large batches) and
read the file chunk by chunk, so only the checked rows are held, not the parsed dictionaries.

Exports write the columns the import reads first (their Salesforce-style labels), so an export
imports again unchanged.

One module per kind (``accounts``, ``contacts``, ``deals``, ``products``), what they share in
``shared`` (including the one resolver of parents and reports-to lines), and running, previewing
and exporting in ``run``. This package re-exports the public names.
"""

from kamkit.accounts.import_columns import (
    ACCOUNT_COLUMNS,
    CONTACT_COLUMNS,
    DEAL_COLUMNS,
    IMPORT_KIND_CHOICES,
    IMPORT_KIND_LABELS,
    PRODUCT_COLUMNS,
    PRODUCTS,
    STAGE_LABELS,
    describe_columns,
)
from kamkit.accounts.importers.deals import _DealWriter
from kamkit.accounts.importers.run import (
    CONTENT_TYPES,
    EXPORT_MODELS,
    Preview,
    PreviewColumn,
    columns_for,
    csv_lines,
    export,
    export_accounts,
    export_contacts,
    export_deals,
    export_products,
    export_rows,
    import_file,
    preview,
    visible_for_export,
)
from kamkit.accounts.importers.shared import KINDS, MAX_ERRORS, REPORT_LINES, ImportOptions, ImportResult

__all__ = [
    "ACCOUNT_COLUMNS",
    "CONTACT_COLUMNS",
    "CONTENT_TYPES",
    "DEAL_COLUMNS",
    "EXPORT_MODELS",
    "IMPORT_KIND_CHOICES",
    "IMPORT_KIND_LABELS",
    "KINDS",
    "MAX_ERRORS",
    "PRODUCTS",
    "PRODUCT_COLUMNS",
    "REPORT_LINES",
    "STAGE_LABELS",
    "ImportOptions",
    "ImportResult",
    "Preview",
    "PreviewColumn",
    "_DealWriter",
    "columns_for",
    "csv_lines",
    "describe_columns",
    "export",
    "export_accounts",
    "export_contacts",
    "export_deals",
    "export_products",
    "export_rows",
    "import_file",
    "preview",
    "visible_for_export",
]
