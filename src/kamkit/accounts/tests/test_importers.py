"""CRM file imports and exports: the public sample through column mapping, Salesforce- and
HubSpot-headed files, every refusal with its line and nothing written, idempotent re-imports,
permissions, the API, the round trip and the web pages."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from openpyxl import Workbook, load_workbook

from kamkit.accounts import importers
from kamkit.accounts.importers import ImportOptions, import_file
from kamkit.accounts.models import Account, Contact, Deal, Product, ProductLine
from kamkit.accounts.tests.fixtures import Book
from kamkit.core.choices import AuditAction, ImportStatus, Role
from kamkit.core.imports import ImportRefused
from kamkit.core.models import AuditEntry, ImportRun
from kamkit.core.queries import FORMULA_STARTS
from kamkit.core.tests.openapi import openapi_document
from kamkit.users import services as user_services
from kamkit.users.models import User
from kamkit.users.tests.fixtures import Org, signed_in

DATA = Path(__file__).parent / "data"
SAMPLE_ACCOUNTS = DATA / "accounts.csv"
SAMPLE_DEALS = DATA / "sales_pipeline_excerpt.csv"
MILLIONS = ImportOptions(revenue_scale=Decimal(1_000_000))
ApiAs = Callable[[Any], Any]
SKIP_HINT = (
    "to leave such deals out instead, import with --missing-account=skip "
    "(API: missing_account=skip; on the import page: 'Leave the deal out')"
)


def csv_bytes(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused(kind: str, data: bytes, **kwargs: Any) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        import_file(kind, data, filename=f"{kind}.csv", **kwargs)
    return caught.value


def counts() -> tuple[int, int, int]:
    return Account.objects.count(), Contact.objects.count(), Deal.objects.count()


@pytest.fixture
def products(db: None) -> dict[str, Product]:
    """The sample's catalogue, from its products.csv."""
    line = ProductLine.objects.create(name="Hardware")
    with (DATA / "products.csv").open(newline="") as handle:
        return {
            row["product"]: Product.objects.create(
                name=row["product"], line=line, list_price=Decimal(row["sales_price"])
            )
            for row in csv.DictReader(handle)
        }


@pytest.fixture
def agents(db: None) -> dict[str, User]:
    """The sample's 35 sales agents as kamkit users (the deals' owners, by full name)."""
    with (DATA / "sales_teams.csv").open(newline="") as handle:
        return {
            row["sales_agent"]: user_services.create_user(
                email=f"{row['sales_agent'].lower().replace(' ', '.')}@example.test",
                full_name=row["sales_agent"],
                role=Role.ACCOUNT_MANAGER,
                password=None,
            )
            for row in csv.DictReader(handle)
        }


@pytest.fixture
def sample_accounts(db: None) -> None:
    import_file("accounts", SAMPLE_ACCOUNTS, options=MILLIONS)


# The public sample ------------------------------------------------------------------------------------


def test_the_sample_accounts_load_through_the_aliases(db: None) -> None:
    result = import_file("accounts", SAMPLE_ACCOUNTS, options=MILLIONS)
    assert (result.created, result.updated, result.unchanged, result.rows) == (85, 0, 0, 85)
    assert Account.objects.count() == 85
    acme = Account.objects.get(name="Acme Corporation")
    assert acme.annual_revenue == Decimal("1100040000.00")  # 1100.04 millions
    assert (acme.industry, acme.employees, acme.country) == ("technolgy", 2822, "United States")
    assert Account.objects.get(name="Bioholding").country == "Philipines"  # the file's words, kept
    assert Account.objects.filter(parent__isnull=False).count() == 15
    assert Account.objects.get(name="Bluth Company").parent == acme
    # one run records the bulk import; the accounts themselves are not audited one by one
    run = result.run
    assert (run.status, run.kind, run.filename, run.created_count) == ("done", "accounts", "accounts.csv", 85)
    assert run.finished_at is not None
    assert not AuditEntry.objects.filter(content_type__model="account").exists()
    run_entries = AuditEntry.objects.filter(content_type__model="importrun", object_id=str(run.pk))
    assert sorted(run_entries.values_list("action", flat=True)) == [AuditAction.CREATE, AuditAction.UPDATE]


def test_the_preview_shows_how_the_sample_maps(db: None) -> None:
    preview = importers.preview("accounts", SAMPLE_ACCOUNTS)
    mapped = dict(preview.mapping)
    assert mapped["Account Name"] == "account"
    assert mapped["Parent Account"] == "subsidiary_of"
    assert mapped["Industry"] == "sector"
    assert mapped["Annual Revenue"] == "revenue"
    assert mapped["Billing Country"] == "office_location"
    assert mapped["Account Owner"] is None
    assert preview.unmapped == ["year_established"]
    assert preview.missing == []
    assert len(preview.rows) == 5 and preview.rows[0][0] == "Acme Corporation"
    name = next(column for column in preview.columns if column.key == "name")
    assert name.samples[:2] == ["Acme Corporation", "Betasoloin"] and name.required


def test_reimporting_updates_instead_of_duplicating(sample_accounts: None) -> None:
    again = import_file("accounts", SAMPLE_ACCOUNTS, options=MILLIONS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 85)
    assert Account.objects.count() == 85
    text = SAMPLE_ACCOUNTS.read_text().replace(
        "Acme Corporation,technolgy,1996,1100.04", "Acme Corporation,technology,1996,1200"
    )
    changed = import_file("accounts", text.encode(), filename="accounts.csv", options=MILLIONS)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 84)
    acme = Account.objects.get(name="Acme Corporation")
    assert (acme.industry, acme.annual_revenue) == ("technology", Decimal("1200000000.00"))
    assert Account.objects.count() == 85


def test_overrides_map_headers_no_alias_knows(db: None) -> None:
    data = csv_bytes([["Client", "Where"], ["Umbrella", "Raccoon City"]])
    missing = refused("accounts", data)
    assert "no column for 'Account Name'" in missing.detail
    assert Account.objects.count() == 0
    result = import_file(
        "accounts", data, filename="x.csv", overrides={"name": "Client", "Billing City": "Where"}
    )
    assert result.created == 1
    assert Account.objects.get().city == "Raccoon City"


def test_a_column_can_be_left_out(db: None) -> None:
    data = csv_bytes([["Account Name", "Industry"], ["Umbrella", "pharma"]])
    import_file("accounts", data, filename="x.csv", overrides={"industry": ""})
    assert Account.objects.get().industry == ""


# Salesforce and HubSpot -------------------------------------------------------------------------------


def test_a_salesforce_account_export(org: Org) -> None:
    rows = [
        [
            "Account ID",
            "Account Name",
            "Parent Account",
            "Industry",
            "Annual Revenue",
            "Employees",
            "Billing City",
            "Billing Country",
            "Website",
            "Account Owner",
        ],
        [
            "001A",
            "Globex",
            "",
            "Energy",
            "$1,250,000.50",
            "1,200",
            "Springfield",
            "USA",
            "globex.test",
            "KAM A",
        ],
        [
            "001B",
            "Globex Europe",
            "Globex",
            "Energy",
            "",
            "80",
            "Rotterdam",
            "Netherlands",
            "",
            "kam.b@example.test",
        ],
    ]
    result = import_file("accounts", csv_bytes(rows), filename="sf.csv")
    assert result.created == 2
    globex = Account.objects.get(external_id="001A")
    assert (globex.name, globex.annual_revenue, globex.employees) == ("Globex", Decimal("1250000.50"), 1200)
    assert (globex.owner, globex.team) == (org.kam_a, org.north)  # owner by full name, any case
    europe = Account.objects.get(external_id="001B")
    assert (europe.parent, europe.owner, europe.city) == (globex, org.kam_b, "Rotterdam")


def test_a_hubspot_company_export_in_xlsx(org: Org) -> None:
    rows: list[list[Any]] = [
        [
            "Record ID",
            "Company name",
            "Industry",
            "Annual Revenue",
            "Number of Employees",
            "City",
            "Country/Region",
            "Company owner",
            "Parent Company",
            "Became a Customer Date",
        ],
        [9001, "Initech", "SOFTWARE", 2500000, 120, "Austin", "United States", "Kam B", "", date(2019, 5, 1)],
        [9002, "Initrode", "SOFTWARE", None, 40, "Dallas", "United States", "kam.b@example.test", 9001, None],
    ]
    result = import_file("accounts", xlsx_bytes(rows), filename="hubspot.xlsx")
    assert result.created == 2
    initech = Account.objects.get(external_id="9001")
    assert (initech.owner, initech.customer_since, initech.annual_revenue) == (
        org.kam_b,
        date(2019, 5, 1),
        Decimal("2500000.00"),
    )
    assert Account.objects.get(name="Initrode").parent == initech  # parent by its record id


def test_an_account_stored_without_an_external_id_gets_the_files(book: Book) -> None:
    data = csv_bytes([["Account ID", "Account Name", "Tier"], ["SF-1", "alpha industries", "Develop"]])
    result = import_file("accounts", data, filename="x.csv")
    assert (result.created, result.updated) == (0, 1)
    book.alpha.refresh_from_db()
    assert (book.alpha.external_id, book.alpha.tier, book.alpha.name) == (
        "SF-1",
        "develop",
        "alpha industries",
    )


def test_contacts_with_a_reports_to_chain_in_the_file(book: Book) -> None:
    rows = [
        [
            "Contact ID",
            "First Name",
            "Last Name",
            "Title",
            "Email",
            "Account Name",
            "Reports To",
            "Buying Role",
        ],
        ["C3", "Cleo", "Third", "Buyer", "cleo@alpha.test", "Alpha Industries", "bo@alpha.test", "End User"],
        ["C2", "Bo", "Second", "Head of IT", "bo@alpha.test", "Alpha Industries", "C1", "Technical buyer"],
        ["C1", "Ann", "First", "CEO", "ann@alpha.test", "alpha industries", "", "Decision Maker"],
        ["C4", "Dan", "Fourth", "Analyst", "", "Alpha Industries", "cleo third", ""],
    ]
    result = import_file("contacts", csv_bytes(rows), filename="contacts.csv")
    assert result.created == 4
    ann, bo, cleo, dan = (Contact.objects.get(external_id=f"C{n}") for n in (1, 2, 3, 4))
    assert (ann.reports_to, bo.reports_to, cleo.reports_to, dan.reports_to) == (None, ann, bo, cleo)
    assert (ann.buying_role, bo.buying_role, cleo.buying_role, dan.buying_role) == (
        "economic_buyer",
        "technical_buyer",
        "user",
        "unknown",
    )
    assert {c.account for c in (ann, bo, cleo, dan)} == {book.alpha}
    again = import_file("contacts", csv_bytes(rows), filename="contacts.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_contacts_in_one_name_column_report_to_stored_contacts(book: Book) -> None:
    boss = Contact.objects.create(
        account=book.beta, first_name="Grace", last_name="Hopper", email="g@beta.test"
    )
    rows = [
        ["Name", "Job Title", "Company", "Reports To", "Attitude", "Influence"],
        ["Alan Turing", "Analyst", "Beta Logistics", "Grace Hopper", "Positive", "4"],
        ["Lovelace, Ada", "Engineer", "Beta Logistics", "g@beta.test", "Skeptic", ""],
    ]
    result = import_file("contacts", csv_bytes(rows), filename="hubspot.csv")
    assert result.created == 2
    alan = Contact.objects.get(last_name="Turing")
    ada = Contact.objects.get(last_name="Lovelace")
    assert (alan.first_name, alan.reports_to, alan.attitude, alan.influence) == ("Alan", boss, "supporter", 4)
    assert (ada.first_name, ada.reports_to, ada.attitude, ada.influence) == ("Ada", boss, "sceptic", 3)
    # without external ids, a contact is found again by e-mail or name at its account
    assert import_file("contacts", csv_bytes(rows), filename="hubspot.csv").created == 0
    assert Contact.objects.count() == 3


# Refusals: a line and a reason for each bad row, and nothing written ----------------------------------


ACCOUNT_HEADER = ["Account ID", "Account Name", "Parent Account", "Annual Revenue", "Account Owner"]
CONTACT_HEADER = ["Contact ID", "First Name", "Last Name", "Email", "Account Name", "Reports To"]
DEAL_HEADER = [
    "opportunity_id",
    "sales_agent",
    "product",
    "account",
    "deal_stage",
    "close_date",
    "close_value",
]

REFUSALS = {
    "bad number": (
        "accounts",
        [ACCOUNT_HEADER, ["A1", "Ok Ltd", "", "100", ""], ["A2", "Bad Ltd", "", "12,34,5", ""]],
        ["line 3, Annual Revenue: '12,34,5' is not a number"],
    ),
    "revenue out of range": (
        "accounts",
        [ACCOUNT_HEADER, ["A1", "Minus Ltd", "", "-5", ""], ["A2", "Huge Ltd", "", "1" + "0" * 20, ""]],
        [
            "line 2, Annual Revenue: cannot be negative",
            "line 3, Annual Revenue: 100,000,000,000,000,000,000 is more than kamkit can store",
        ],
    ),
    "unknown owner": (
        "accounts",
        [
            ACCOUNT_HEADER,
            ["A1", "Ok Ltd", "", "", "kam.a@example.test"],
            ["A2", "Who Ltd", "", "", "Nobody Here"],
        ],
        ["line 3, Account Owner: no user with the e-mail or full name 'Nobody Here'"],
    ),
    "inactive owner": (
        "accounts",
        [ACCOUNT_HEADER, ["A1", "Gone Ltd", "", "", "Gone Person"]],
        ["line 2, Account Owner: Gone Person is no longer active"],
    ),
    "duplicate name": (
        "accounts",
        [ACCOUNT_HEADER, ["A1", "Twice Ltd", "", "", ""], ["A2", "twice  ltd", "", "", ""]],
        ["line 3, Account Name: 'twice ltd' is also on line 2; an account is listed once"],
    ),
    "duplicate external id": (
        "accounts",
        [ACCOUNT_HEADER, ["A1", "One Ltd", "", "", ""], ["A1", "Two Ltd", "", "", ""]],
        ["line 3, Account ID: 'A1' is also on line 2"],
    ),
    "name of a stored account with another id": (
        "accounts",
        [ACCOUNT_HEADER, ["NEW-9", "Stored Ltd", "", "", ""]],
        [
            "line 2, Account Name: an account called 'Stored Ltd' is already stored with another "
            "external id ('S-1')"
        ],
    ),
    "unknown parent": (
        "accounts",
        [ACCOUNT_HEADER, ["A1", "Child Ltd", "Nowhere Holdings", "", ""]],
        ["line 2, Parent Account: no account 'Nowhere Holdings' in the file or stored"],
    ),
    "parent loop": (
        "accounts",
        [
            ACCOUNT_HEADER,
            ["A1", "Egg Ltd", "Hen Ltd", "", ""],
            ["A2", "Hen Ltd", "A1", "", ""],
            ["A3", "Me Ltd", "A3", "", ""],
        ],
        [
            "line 2, Parent Account: the hierarchy would loop: Egg Ltd → Hen Ltd → Egg Ltd",
            "line 3, Parent Account: the hierarchy would loop: Egg Ltd → Hen Ltd → Egg Ltd",
            "line 4, Parent Account: an account cannot be its own parent",
        ],
    ),
    "parent loop through a stored account": (
        "accounts",
        [ACCOUNT_HEADER, ["S-1", "Stored Ltd", "Stored Child Ltd", "", ""]],
        ["line 2, Parent Account: the hierarchy would loop: Stored Ltd → Stored Child Ltd → Stored Ltd"],
    ),
    "loop in reports-to": (
        "contacts",
        [
            CONTACT_HEADER,
            ["C1", "Ann", "A", "ann@x.test", "Stored Ltd", "bob@x.test"],
            ["C2", "Bob", "B", "bob@x.test", "Stored Ltd", "C3"],
            ["C3", "Cy", "C", "cy@x.test", "Stored Ltd", "Ann A"],
        ],
        [
            "line 2, Reports To: reporting would go round in a loop: Ann A → Bob B → Cy C → Ann A",
            "line 3, Reports To: reporting would go round in a loop: Ann A → Bob B → Cy C → Ann A",
            "line 4, Reports To: reporting would go round in a loop: Ann A → Bob B → Cy C → Ann A",
        ],
    ),
    "unknown account and boss": (
        "contacts",
        [
            CONTACT_HEADER,
            ["C1", "Ann", "A", "ann@x.test", "Nowhere Ltd", ""],
            ["C2", "Bob", "B", "bob-at-x", "Stored Ltd", "Mystery Boss"],
            ["C3", "", "", "", "Stored Ltd", ""],
        ],
        [
            "line 2, Account Name: no account called 'Nowhere Ltd' (or with that id); import the "
            "accounts first",
            "line 3, Email: 'bob-at-x' is not an e-mail address",
            "line 3, Reports To: no contact 'Mystery Boss' at this account, in the file or stored",
            "line 4, Last Name: a contact needs a name",
        ],
    ),
    "bad deals": (
        "deals",
        [
            DEAL_HEADER,
            ["D1", "Kam A", "GTX Pro", "Stored Ltd", "Won", "2017-03-01", "1054"],
            ["D2", "Kam A", "GTX Ultra", "Stored Ltd", "Won", "2017-03-01", "10"],
            ["D3", "Kam A", "GTXPro", "Stored Ltd", "Maybe", "2017-31-01", "abc"],
            ["D4", "Nobody", "MG Special", "Nowhere Ltd", "Lost", "", "0"],
            ["D1", "Kam A", "GTX Pro", "Stored Ltd", "Won", "2017-03-01", "1054"],
            ["D6", "Kam A", "GTX Pro", "", "Engaging", "", ""],
        ],
        [
            "line 3, product: no product 'GTX Ultra' (known: GTK 500, GTX Basic, GTX Plus Basic, GTX",
            "line 4, deal_stage: 'Maybe' is not one of: Prospecting, Engaging, Proposal, Negotiation, Won",
            "line 4, close_date: '2017-31-01' is not a valid date",
            "line 4, close_value: 'abc' is not a number",
            "line 5, account: no account called 'Nowhere Ltd'",
            "line 5, sales_agent: no user with the e-mail or full name 'Nobody'",
            "line 6, opportunity_id: 'D1' is also on line 2",
            "line 7, account: a deal needs an account",
        ],
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_bad_row_refuses_the_whole_file_with_its_line(
    org: Org, products: dict[str, Product], case: str
) -> None:
    kind, rows, expected = REFUSALS[case]
    stored = Account.objects.create(name="Stored Ltd", external_id="S-1")
    Account.objects.create(name="Stored Child Ltd", external_id="S-2", parent=stored)
    user_services.create_user(email="gone@example.test", full_name="Gone Person", role=Role.ACCOUNT_MANAGER)
    User.objects.filter(email="gone@example.test").update(is_active=False)
    before = counts()
    exc = refused(kind, csv_bytes(rows))
    report = exc.report()
    for message in expected:
        assert message in report, f"{message!r} not in:\n{report}"
    assert len(report.splitlines()) == len(expected)
    assert counts() == before  # nothing written
    run = exc.run  # type: ignore[attr-defined]
    assert run.status == ImportStatus.REFUSED and run.error_count == exc.error_count
    assert ImportRun.objects.get(pk=run.pk).errors_report.startswith("line ")
    assert exc.detail.endswith("have errors; nothing was imported.") or exc.detail.endswith(
        "has errors; nothing was imported."
    )


def test_every_problem_is_counted_but_the_report_is_capped(db: None) -> None:
    rows = [["Account Name", "Employees"], *([f"Co {n}", "many"] for n in range(1500))]
    exc = refused("accounts", csv_bytes(rows))
    assert exc.error_count == 1500 and exc.bad_rows == 1500
    assert len(exc.row_errors) == importers.MAX_ERRORS
    assert ImportRun.objects.get().errors_report.count("\n") == importers.REPORT_LINES  # 200 + "… and"
    assert Account.objects.count() == 0


# Deals ------------------------------------------------------------------------------------------------


def test_the_sample_deals_load(
    sample_accounts: None, products: dict[str, Product], agents: dict[str, User]
) -> None:
    with pytest.raises(ImportRefused) as caught:
        import_file("deals", SAMPLE_DEALS)
    missing = f"a deal needs an account and this row names none; {SKIP_HINT}"
    assert caught.value.report().splitlines() == [
        f"line 11, account: {missing}",
        f"line 32, account: {missing}",
        f"line 33, account: {missing}",
    ]
    assert Deal.objects.count() == 0
    result = import_file("deals", SAMPLE_DEALS, options=ImportOptions(missing_account="skip"))
    assert (result.created, result.skipped, result.rows) == (29, 3, 32)
    won = Deal.objects.get(external_id="Z063OYW0")
    assert won.product == products["GTX Pro"]  # "GTXPro" in the file
    assert (won.owner, won.account.name) == (agents["Darcel Schlecht"], "Isdom")
    assert (won.stage, won.status, won.amount) == ("won", "won", Decimal("4514.00"))
    assert (won.engaged_on, won.closed_on, won.expected_close_on) == (
        date(2016, 10, 25),
        date(2017, 3, 11),
        None,
    )
    lost = Deal.objects.get(external_id="KWVA7VR1")
    assert (lost.status, lost.amount) == ("lost", Decimal("0.00"))
    engaging = Deal.objects.get(external_id="UP409DSB")
    assert (engaging.stage, engaging.status, engaging.closed_on, engaging.amount) == (
        "engaging",
        "open",
        None,
        None,
    )
    prospecting = Deal.objects.get(external_id="6CWZFOHJ")
    assert (prospecting.stage, prospecting.engaged_on) == ("prospecting", None)
    assert result.run.skipped_count == 3


def test_deals_are_idempotent_by_external_id(
    sample_accounts: None, products: dict[str, Product], agents: dict[str, User]
) -> None:
    skip = ImportOptions(missing_account="skip")
    import_file("deals", SAMPLE_DEALS, options=skip)
    again = import_file("deals", SAMPLE_DEALS, options=skip)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 29)
    text = SAMPLE_DEALS.read_text().replace(
        "UP409DSB,Maureen Marcano,MG Advanced,Ganjaflex,Engaging,2016-11-10,,",
        "UP409DSB,Maureen Marcano,MG Advanced,Ganjaflex,Won,2016-11-10,2017-12-24,4800.5",
    )
    assert text != SAMPLE_DEALS.read_text()
    changed = import_file("deals", text.encode(), filename="pipeline.csv", options=skip)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 28)
    deal = Deal.objects.get(external_id="UP409DSB")
    assert (deal.status, deal.closed_on, deal.amount) == ("won", date(2017, 12, 24), Decimal("4800.50"))
    assert Deal.objects.count() == 29


def test_unknown_owners_can_be_left_empty(sample_accounts: None, products: dict[str, Product]) -> None:
    options = ImportOptions(unknown_owner="empty", missing_account="skip")
    result = import_file("deals", SAMPLE_DEALS, options=options)
    assert result.created == 29
    assert not Deal.objects.filter(owner__isnull=False).exists()


def test_a_first_big_import_rebuilds_the_indexes(
    sample_accounts: None, products: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers.deals, "_BULK_INSERT", 10)
    table = Deal._meta.db_table
    with connection.cursor() as cursor:
        before = connection.introspection.get_constraints(cursor, table)
    options = ImportOptions(unknown_owner="empty", missing_account="skip")
    assert import_file("deals", SAMPLE_DEALS, options=options).created == 29
    with connection.cursor() as cursor:
        after = connection.introspection.get_constraints(cursor, table)
    assert after == before and sum(1 for info in after.values() if info["index"]) >= 4
    assert Deal.objects.filter(account__name="Cancity").count() == 2


def test_a_failure_while_writing_leaves_no_rows_but_a_failed_run(
    sample_accounts: None, products: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, cursor: Any, table: str, rows: list[Any], *, rebuild: bool) -> None:
        cursor.executemany(
            f"INSERT INTO {table} (external_id, account_id, name, stage, status, created_at, updated_at) "
            "VALUES (%s, %s, '', 'won', 'won', '2024-01-01', '2024-01-01')",
            [(row[0], row[1]) for row in rows[:3]],
        )
        raise RuntimeError("disk full")

    monkeypatch.setattr(importers._DealWriter, "_insert", broken)
    with pytest.raises(RuntimeError):
        import_file(
            "deals", SAMPLE_DEALS, options=ImportOptions(unknown_owner="empty", missing_account="skip")
        )
    assert Deal.objects.count() == 0
    run = ImportRun.objects.get(kind="deals")
    assert run.status == ImportStatus.FAILED and "disk full" in run.errors_report


def test_a_dry_run_counts_and_writes_nothing(sample_accounts: None, products: dict[str, Product]) -> None:
    options = ImportOptions(unknown_owner="empty", missing_account="skip")
    result = import_file("deals", SAMPLE_DEALS, options=options, dry_run=True)
    assert (result.created, result.dry_run, result.run.status) == (29, True, ImportStatus.DRY_RUN)
    assert Deal.objects.count() == 0


# Permissions ------------------------------------------------------------------------------------------


def test_an_account_manager_may_import_only_their_own_accounts(org: Org) -> None:
    rows = [
        ["Account Name", "Account Owner", "Backup Owner"],
        ["Mine Ltd", "kam.a@example.test", ""],
        ["Backed Up Ltd", "kam.b@example.test", "Kam A"],
        ["Theirs Ltd", "Kam B", ""],
        ["Nobody's Ltd", "", ""],
    ]
    exc = refused("accounts", csv_bytes(rows), actor=org.kam_a)
    assert exc.report().splitlines() == [
        "line 4, Account Owner: you may import only accounts that you (or your people) own or back up",
        "line 5, Account Owner: you may import only accounts that you (or your people) own or back up",
    ]
    assert Account.objects.count() == 0
    assert import_file("accounts", csv_bytes(rows[:3]), filename="mine.csv", actor=org.kam_a).created == 2
    # a manager may import for their reporting line, not for another team
    manager_rows = [["Account Name", "Account Owner"], ["Deep Ltd", "Kam Deep"], ["South Ltd", "Kam South"]]
    exc = refused("accounts", csv_bytes(manager_rows), actor=org.north_manager)
    assert [error.line for error in exc.row_errors] == [3]
    assert (
        import_file("accounts", csv_bytes(manager_rows), filename="all.csv", actor=org.director).created == 2
    )


def test_an_account_manager_may_not_update_someone_elses_account(org: Org, book: Book) -> None:
    rows = [["Account Name", "Industry"], ["Alpha Industries", "Rail"], ["Southern Power", "Solar"]]
    exc = refused("accounts", csv_bytes(rows), actor=org.kam_a)
    assert exc.report() == "line 3, Account Name: you may not change the stored account 'Southern Power'"
    contacts = [["Last Name", "Account Name"], ["Smith", "Alpha Industries"], ["Jones", "Southern Power"]]
    exc = refused("contacts", csv_bytes(contacts), actor=org.kam_a)
    assert exc.report() == "line 3, Account Name: you may not change contacts at 'Southern Power'"
    deals = [
        ["Opportunity ID", "Account Name", "Stage"],
        ["X1", "Alpha Industries", "Won"],
        ["X2", "Southern Power", "Won"],
    ]
    exc = refused("deals", csv_bytes(deals), actor=org.kam_a)
    assert exc.report() == "line 3, Account Name: you may not add deals to 'Southern Power'"
    assert counts() == (4, 0, 0)


# The API ----------------------------------------------------------------------------------------------


def test_the_api_imports_a_file_and_refuses_a_bad_one(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.admin)
    with SAMPLE_ACCOUNTS.open("rb") as handle:
        dry = api.upload("/imports/accounts", {"file": handle}, dry_run="true", revenue_scale="1000000")
    assert dry.status_code == 200, dry.content
    assert dry.json()["created"] == 85 and dry.json()["dry_run"] is True
    assert Account.objects.count() == 0
    with SAMPLE_ACCOUNTS.open("rb") as handle:
        done = api.upload("/imports/accounts", {"file": handle}, revenue_scale="1000000")
    assert done.status_code == 201
    body = done.json()
    assert (body["created"], body["status"], body["kind"]) == (85, "done", "accounts")
    assert ImportRun.objects.get(pk=body["run_id"]).started_by == org.admin
    assert Account.objects.get(name="Acme Corporation").annual_revenue == Decimal("1100040000.00")

    bad = io.BytesIO(csv_bytes([["account", "revenue"], ["Fine Ltd", "1"], ["Bad Ltd", "lots"]]))
    bad.name = "bad.csv"
    answer = api.upload("/imports/accounts", {"file": bad})
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "1 row of 2 has errors; nothing was imported.",
        "errors": [{"field": "line 3, revenue", "message": "'lots' is not a number"}],
    }
    assert not Account.objects.filter(name="Fine Ltd").exists()


def test_the_api_takes_a_column_mapping(org: Org, api_as: ApiAs) -> None:
    data = io.BytesIO(csv_bytes([["Client", "Rep"], ["Umbrella", "Kam A"]]))
    data.name = "x.csv"
    answer = api_as(org.admin).upload(
        "/imports/accounts", {"file": data}, overrides=json.dumps({"name": "Client", "owner": "Rep"})
    )
    assert answer.status_code == 201
    assert Account.objects.get(name="Umbrella").owner == org.kam_a
    data.seek(0)
    wrong = api_as(org.admin).upload("/imports/accounts", {"file": data}, overrides="[1]")
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "overrides"


def test_a_viewer_may_not_import(org: Org, api_as: ApiAs) -> None:
    with SAMPLE_ACCOUNTS.open("rb") as handle:
        answer = api_as(org.viewer).upload("/imports/accounts", {"file": handle})
    assert answer.status_code == 403
    assert Account.objects.count() == 0 and not ImportRun.objects.exists()


def test_the_api_refuses_per_row_for_an_account_manager(org: Org, api_as: ApiAs) -> None:
    data = io.BytesIO(
        csv_bytes([["Account Name", "Account Owner"], ["Mine", "Kam A"], ["Not mine", "Kam South"]])
    )
    data.name = "x.csv"
    answer = api_as(org.kam_a).upload("/imports/accounts", {"file": data})
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {
            "field": "line 3, Account Owner",
            "message": "you may import only accounts that you (or your people) own or back up",
        }
    ]


def _streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_the_api_exports_what_the_user_may_see(org: Org, book: Book, api_as: ApiAs) -> None:
    token = user_services.create_token(user=org.kam_a, name="export").key
    response = Client().get("/api/v1/exports/accounts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_streamed(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Account Name", "Account ID", "Parent Account"]
    assert [row[0] for row in rows[1:]] == ["Alpha Industries"]
    xlsx = Client().get("/api/v1/exports/accounts?format=xlsx", headers={"Authorization": f"Bearer {token}"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(_streamed(xlsx))).active
    assert sheet is not None and sheet["A2"].value == "Alpha Industries"
    assert Client().get("/api/v1/exports/deals").status_code == 401
    paths = openapi_document()["paths"]
    assert "/api/v1/imports/{kind}" in paths and "/api/v1/exports/{kind}" in paths


# Exports and the round trip ---------------------------------------------------------------------------


def test_export_then_import_round_trips(
    org: Org, sample_accounts: None, products: dict[str, Product], agents: dict[str, User], tmp_path: Path
) -> None:
    import_file("deals", SAMPLE_DEALS, options=ImportOptions(missing_account="skip"))
    cancity = Account.objects.get(name="Cancity")
    Account.objects.filter(pk=cancity.pk).update(
        owner=org.kam_a,
        team=org.north,
        tier="key",
        is_key_account=True,
        notes="=HYPERLINK(evil)",
        external_id="CC-1",
    )
    boss = Contact.objects.create(
        account=cancity, first_name="Ann", last_name="Boss", email="ann@cancity.test"
    )
    Contact.objects.create(
        account=cancity,
        first_name="Bo",
        last_name="Worker",
        reports_to=boss,
        buying_role="coach",
        influence=5,
    )
    contact_fields = ("first_name", "last_name", "email", "reports_to__last_name", "buying_role", "influence")
    deal_fields = ("external_id", "account__name", "product", "owner", "stage", "status", "amount")
    deal_fields += ("engaged_on", "closed_on", "expected_close_on")
    snapshot = {
        "accounts": list(Account.objects.order_by("name").values_list()),
        "contacts": list(Contact.objects.order_by("last_name").values_list(*contact_fields)),
        "deals": list(Deal.objects.order_by("external_id").values_list(*deal_fields)),
    }
    for kind, fmt in (("accounts", "csv"), ("contacts", "xlsx"), ("deals", "csv")):
        path = tmp_path / f"{kind}.{fmt}"
        everything = importers.EXPORT_MODELS[kind]._default_manager.all()
        written = importers.export(kind, everything, path, fmt)  # type: ignore[arg-type]
        assert written == everything.count()
        again = import_file(kind, path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, written), kind
    text = (tmp_path / "accounts.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(evil)" in text  # kept from running in a spreadsheet, and read back as written
    assert text.splitlines()[0].startswith("Account Name,Account ID,Parent Account,Industry,Annual Revenue")
    assert snapshot["accounts"] == list(Account.objects.order_by("name").values_list())
    # into an empty database: the same accounts, contacts and deals come back
    Account.objects.all().delete()
    for kind, fmt in (("accounts", "csv"), ("contacts", "xlsx"), ("deals", "csv")):
        assert import_file(kind, tmp_path / f"{kind}.{fmt}").created == len(snapshot[kind])
    restored = Account.objects.get(name="Cancity")
    assert (restored.owner, restored.tier, restored.notes) == (org.kam_a, "key", "=HYPERLINK(evil)")
    assert Account.objects.get(name="Bluth Company").parent == Account.objects.get(name="Acme Corporation")
    assert list(Contact.objects.order_by("last_name").values_list(*contact_fields)) == snapshot["contacts"]
    assert list(Deal.objects.order_by("external_id").values_list(*deal_fields)) == snapshot["deals"]


def test_values_that_look_like_formulas_are_guarded_in_every_column_and_read_back(
    org: Org, tmp_path: Path
) -> None:
    """Owners' e-mails, ids, account and product names starting with - + = @ are written with a
    leading "'" (CSV injection) and every column the imports read takes it off again."""
    owner = user_services.create_user(
        email="-ann@example.com", full_name="Ann Minus", role=Role.ACCOUNT_MANAGER, password="x" * 12
    )
    minus = Account.objects.create(
        name="-Minus Ltd", external_id="+44-1", owner=owner, backup_owner=org.kam_a
    )
    widget = Product.objects.create(name="=Widget", line=ProductLine.objects.create(name="@Line"))
    Contact.objects.create(account=minus, last_name="Boss", external_id="=c1", relationship_owner=owner)
    Deal.objects.create(
        account=minus,
        external_id="-d1",
        product=widget,
        owner=owner,
        stage="won",
        status="won",
        closed_on=date(2026, 1, 5),
        amount=Decimal(10),
    )
    for kind in ("products", "accounts", "contacts", "deals"):
        path = tmp_path / f"{kind}.csv"
        written = importers.export(kind, importers.EXPORT_MODELS[kind]._default_manager.all(), path)
        cells = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig").splitlines()[1])))
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells), (kind, cells)
        again = import_file(kind, path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, written), kind
    assert "'-ann@example.com" in (tmp_path / "accounts.csv").read_text(encoding="utf-8-sig")


# The web pages ----------------------------------------------------------------------------------------


def _upload(client: Client, kind: str = "accounts", path: Path = SAMPLE_ACCOUNTS) -> str:
    with path.open("rb") as handle:
        response = client.post("/accounts/import/", {"kind": kind, "file": handle})
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


def _mapping_post(response: Any, **changes: str) -> dict[str, str]:
    """The mapping form as the page offers it (the preselected choices), with ``changes``."""
    form = response.context["form"]
    data = {name: (form[name].value() or "") for name in form.fields}
    data.update(changes)
    return {key: str(value) for key, value in data.items()}


def test_the_web_import_previews_checks_and_imports(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(org.admin)
    assert client.get("/accounts/import/").status_code == 200
    mapping_url = _upload(client)
    token = mapping_url.rstrip("/").rsplit("/", 1)[-1]
    upload = Path(settings.DATA_DIR) / "imports" / f"{token}.csv"
    assert upload.exists()
    page = client.get(mapping_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="account" selected>account</option>' in html  # found by its alias
    assert "year_established" in html and "Acme Corporation" in html
    # check: the whole file, nothing written
    checked = client.post(mapping_url, _mapping_post(page, action="check", revenue_scale="1000000"))
    assert checked.status_code == 200
    assert checked.context["result"].created == 85
    assert "85 would be created" in checked.content.decode()
    assert Account.objects.count() == 0
    # import (queued for the worker once the request's transaction commits; run at once in tests)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(mapping_url, _mapping_post(page, action="import", revenue_scale="1000000"))
    assert done.status_code == 302
    run = ImportRun.objects.get(status=ImportStatus.DONE)
    assert done["Location"] == f"/accounts/import/runs/{run.pk}/"
    assert Account.objects.count() == 85
    assert not upload.exists()  # deleted once imported
    result_page = client.get(done["Location"])
    assert result_page.status_code == 200 and 'id="created">85<' in result_page.content.decode()
    assert client.get(mapping_url).status_code == 404  # the token is spent


def test_the_web_import_lists_every_bad_row(org: Org, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes([["account", "revenue"], ["Fine Ltd", "1"], ["Bad Ltd", "lots"], ["Also Bad", "x"]])
    )
    client = signed_in(org.admin)
    mapping_url = _upload(client, path=bad)
    page = client.get(mapping_url)
    # the check lists them here (an import's refusal is listed on its run page)
    answer = client.post(mapping_url, _mapping_post(page, action="check"))
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "2 rows of 3 have errors; nothing was imported." in html
    assert '<td class="num">3</td><td>revenue</td><td>&#x27;lots&#x27; is not a number</td>' in html
    assert Account.objects.count() == 0
    # the column can be remapped and the file checked again
    fixed = client.post(mapping_url, _mapping_post(page, action="check", map_annual_revenue=""))
    assert fixed.context["result"].created == 3


def test_the_web_import_refuses_unknown_stale_and_foreign_uploads(org: Org) -> None:
    client = signed_in(org.admin)
    assert client.get("/accounts/import/" + "x" * 32 + "/").status_code == 404
    assert client.get("/accounts/import/../../etc/").status_code == 404
    mapping_url = _upload(client)
    assert signed_in(org.director).get(mapping_url).status_code == 404  # another session's upload
    session = client.session
    token = mapping_url.rstrip("/").rsplit("/", 1)[-1]
    pending = session["kamkit_imports"]
    pending[token]["at"] -= 3 * 60 * 60
    session["kamkit_imports"] = pending
    session.save()
    stale = client.get(mapping_url)
    assert stale.status_code == 302 and stale["Location"] == "/accounts/import/"
    assert not (Path(settings.DATA_DIR) / "imports" / f"{token}.csv").exists()


def test_the_web_import_needs_the_right_to_add_accounts(org: Org) -> None:
    assert signed_in(org.viewer).get("/accounts/import/").status_code == 403
    folder = Path(settings.DATA_DIR) / "imports"
    before = set(folder.iterdir()) if folder.exists() else set()
    client = signed_in(org.admin)
    with io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel") as handle:
        handle.name = "old.xls"
        answer = client.post("/accounts/import/", {"kind": "accounts", "file": handle})
    assert answer.status_code == 200 and "Choose a .csv or .xlsx file" in answer.content.decode()
    with io.BytesIO(b"") as empty:
        empty.name = "empty.csv"
        answer = client.post("/accounts/import/", {"kind": "accounts", "file": empty})
    assert answer.status_code == 200
    assert (set(folder.iterdir()) if folder.exists() else set()) == before  # nothing kept


def test_reports_to_loops_across_the_file_and_stored_contacts(book: Book) -> None:
    ann = Contact.objects.create(account=book.alpha, first_name="Ann", last_name="Boss", email="ann@a.test")
    bob = Contact.objects.create(account=book.alpha, first_name="Bob", last_name="Mid", reports_to=ann)
    Contact.objects.create(account=book.alpha, first_name="Cy", last_name="Low", reports_to=bob)
    rows = [
        ["Name", "Email", "Account Name", "Reports To"],
        ["Ann Boss", "ann@a.test", "Alpha Industries", "Cy Low"],
    ]
    exc = refused("contacts", csv_bytes(rows))
    assert exc.report() == (
        "line 2, Reports To: reporting would go round in a loop: Ann Boss → Cy Low → Bob Mid → Ann Boss"
    )
    rows[1][3] = "ann@a.test"
    assert refused("contacts", csv_bytes(rows)).report() == (
        "line 2, Reports To: a contact cannot report to themself"
    )
    Contact.objects.create(account=book.beta, first_name="Someone", last_name="At Beta", external_id="B-1")
    rows[1][3] = "B-1"
    assert refused("contacts", csv_bytes(rows)).report() == (
        "line 2, Reports To: Someone At Beta works at another account"
    )
    assert ann.reports_to is None and Contact.objects.get(pk=ann.pk).reports_to is None


def test_contact_scores_are_1_to_5(book: Book) -> None:
    rows = [
        ["Last Name", "Account Name", "Influence", "Relationship Strength"],
        ["Smith", "Beta Logistics", "7", "0"],
    ]
    assert refused("contacts", csv_bytes(rows)).report().splitlines() == [
        "line 2, Influence: must be from 1 to 5, not 7",
        "line 2, Relationship Strength: must be from 1 to 5, not 0",
    ]
    assert Contact.objects.count() == 0


def test_amounts_are_rounded_to_cents(sample_accounts: None) -> None:
    rows = [["Opportunity ID", "Account Name", "Stage", "Amount"], ["R1", "Cancity", "Won", "10.005"]]
    import_file("deals", csv_bytes(rows), filename="x.csv")
    assert Deal.objects.get().amount == Decimal("10.01")
    rows[1][3] = "1" + "0" * 13
    assert "is more than kamkit can store" in refused("deals", csv_bytes(rows)).report()


def test_the_deals_fast_path_reads_rows_as_the_engine_does(
    org: Org, products: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given rows of every shape: short (padded), long with empty extra cells, long with content,
    # no id, no stage, a bad date, and one good row; the bad rows are worded in small batches
    monkeypatch.setattr(importers.deals, "_PARSE_CHUNK", 2)
    Account.objects.create(name="Stored Ltd", external_id="S-1")
    rows = [
        DEAL_HEADER,
        ["D1", "Kam A", "GTX Pro", "Stored Ltd", "Engaging"],  # short: open, no dates
        ["D2", "Kam A", "GTX Pro", "Stored Ltd", "Won", "2017-03-01", "10", "", " "],  # empty extras
        ["D3", "Kam A", "GTX Pro", "Stored Ltd", "Won", "2017-03-01", "10", "oops"],
        ["", "Kam A", "GTX Pro", "Stored Ltd", "Won", "2017-03-01", "10"],
        ["D5", "Kam A", "GTX Pro", "Stored Ltd", "", "2017-03-01", "10"],
        ["D6", "Kam A", "GTX Pro", "Stored Ltd", "Won", "1 March", "10"],
    ]
    exc = refused("deals", csv_bytes(rows))
    assert exc.report().splitlines() == [
        "line 4: has 8 values but the header has 7 columns",
        "line 5, opportunity_id: a value is required",
        "line 6, deal_stage: a value is required",
        "line 7, close_date: '1 March' is not a date; write dates as YYYY-MM-DD",
    ]
    assert (exc.total_rows, exc.error_count) == (6, 4) and Deal.objects.count() == 0
    # and without the bad rows the short and long rows land as written
    result = import_file("deals", csv_bytes(rows[:3]), filename="deals.csv")
    assert result.created == 2
    short, long = Deal.objects.get(external_id="D1"), Deal.objects.get(external_id="D2")
    assert (short.status, short.closed_on, short.amount) == ("open", None, None)
    assert (long.status, long.closed_on, long.amount) == ("won", date(2017, 3, 1), Decimal("10"))


def test_deals_are_inserted_many_rows_a_statement_with_the_rest_in_a_last_one(
    sample_accounts: None, products: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given statements of 4 rows: the sample's 29 deals make 7 full statements and one of 1
    monkeypatch.setattr(importers.deals, "_ROWS_PER_INSERT", 4)
    options = ImportOptions(unknown_owner="empty", missing_account="skip")
    assert import_file("deals", SAMPLE_DEALS, options=options).created == 29
    # then every deal is stored once, as read
    assert Deal.objects.count() == 29 and Deal.objects.values("external_id").distinct().count() == 29
    deal = Deal.objects.get(external_id="UP409DSB")
    assert (deal.status, deal.account.name) == ("open", "Ganjaflex")


def test_a_clash_while_inserting_is_a_database_error_and_leaves_nothing(
    sample_accounts: None, products: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a deal with one of the file's ids stored between the check and the insert
    from django.db import IntegrityError

    original = importers.deals._DealWriter._insert

    def clash(self: Any, cursor: Any, table: str, rows: list[Any], *, rebuild: bool) -> None:
        Deal.objects.create(account=Account.objects.first(), external_id=rows[-1][0], stage="won")
        original(self, cursor, table, rows, rebuild=rebuild)

    monkeypatch.setattr(importers.deals._DealWriter, "_insert", clash)
    options = ImportOptions(unknown_owner="empty", missing_account="skip")
    with pytest.raises(IntegrityError):
        import_file("deals", SAMPLE_DEALS, options=options)
    assert Deal.objects.count() == 0  # the whole import rolled back, the intruder with it


def test_changed_deals_are_updated_in_chunks(
    sample_accounts: None, products: dict[str, Product], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the sample stored, then the same file with every won deal's value raised by 1
    options = ImportOptions(unknown_owner="empty", missing_account="skip")
    import_file("deals", SAMPLE_DEALS, options=options)
    before = dict(Deal.objects.values_list("external_id", "amount"))
    table = list(csv.reader(io.StringIO(SAMPLE_DEALS.read_text())))
    at = table[0].index("close_value")
    for row in table[1:]:
        if row[at]:
            row[at] = str(Decimal(row[at]) + 1)
    raised = sum(1 for row in table[1:] if row[at])
    assert raised > 4 and raised % 4  # several chunks of 4 and a shorter last one
    # when imported in chunks of 4 rows
    monkeypatch.setattr(importers.deals, "_DEAL_CHUNK", 4)
    result = import_file("deals", csv_bytes(table), filename="deals.csv", options=options)
    # then exactly those deals changed, each by 1, and nothing else
    assert (result.created, result.updated, result.unchanged) == (0, raised, 29 - raised)
    after = dict(Deal.objects.values_list("external_id", "amount"))
    assert {key for key in after if after[key] != before[key]} == {row[0] for row in table[1:] if row[at]}
    assert all(after[key] == before[key] + 1 for key in after if after[key] != before[key])


def test_a_skipped_deal_creates_no_product(sample_accounts: None, products: dict[str, Product]) -> None:
    # given one deal without an account naming a new product, and one with an account naming another
    rows = [
        DEAL_HEADER,
        ["G1", "", "Ghost Gadget", "", "Won", "2017-03-01", "10"],
        ["R1", "", "Real Gadget", "Ganjaflex", "Won", "2017-03-01", "10"],
    ]
    options = ImportOptions(unknown_owner="empty", missing_account="skip", create_missing_products=True)
    result = import_file("deals", csv_bytes(rows), filename="deals.csv", options=options)
    # then only the kept deal's product is created
    assert (result.created, result.skipped) == (1, 1)
    assert Product.objects.filter(name="Real Gadget").exists()
    assert not Product.objects.filter(name="Ghost Gadget").exists()
