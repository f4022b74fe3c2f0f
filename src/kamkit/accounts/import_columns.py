"""The columns of the CRM file imports: kamkit's names (Salesforce's labels, which exports write)
and the other names each goes by (HubSpot, snake_case exports, the public CRM sample).

Kept free of models, so the command line can list the columns in its help before Django starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kamkit.accounts.choices import Attitude, BuyingRole, DealStage, Tier
from kamkit.core.choices import ImportKind
from kamkit.core.imports import (
    Column,
    choice_parser,
    normalise_header,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    pure_parser,
)
from kamkit.core.queries import FORMULA_STARTS


@pure_parser
def _clean_text(value: str) -> str:
    """Text as exported by kamkit or a spreadsheet: "'=x" (a formula kept from running) is "=x"."""
    text = value.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


@pure_parser
def _optional_clean_text(value: str) -> str | None:
    return _clean_text(value) or None


def _labels(choices: Iterable[tuple[Any, str]], **extra: str) -> dict[str, str]:
    """Choice labels to stored values, plus other names CRMs use for them."""
    mapping = {str(label): str(value) for value, label in choices}
    for label, value in extra.items():
        mapping.setdefault(label.replace("_", " "), value)
    return mapping


TIER_LABELS = _labels(Tier.choices, Key=Tier.KEY, Strategic=Tier.KEY, Serve=Tier.SERVE)
BUYING_ROLE_LABELS = _labels(
    BuyingRole.choices,
    Decision_Maker=BuyingRole.ECONOMIC_BUYER,
    Economic_Decision_Maker=BuyingRole.ECONOMIC_BUYER,
    Budget_Holder=BuyingRole.ECONOMIC_BUYER,
    Executive_Sponsor=BuyingRole.ECONOMIC_BUYER,
    Technical_Decision_Maker=BuyingRole.TECHNICAL_BUYER,
    Evaluator=BuyingRole.TECHNICAL_BUYER,
    End_User=BuyingRole.USER,
    Business_User=BuyingRole.USER,
    Champion=BuyingRole.COACH,
    Coach=BuyingRole.COACH,
    Unknown=BuyingRole.UNKNOWN,
    Other=BuyingRole.UNKNOWN,
)
ATTITUDE_LABELS = _labels(
    Attitude.choices,
    Champion=Attitude.CHAMPION,
    Positive=Attitude.SUPPORTER,
    Skeptic=Attitude.SCEPTIC,
    Negative=Attitude.SCEPTIC,
    Detractor=Attitude.OPPONENT,
)
# Salesforce's and HubSpot's default pipeline stages, and the CRM sample's.
STAGE_LABELS = _labels(
    DealStage.choices,
    Closed_Won=DealStage.WON,
    Closed_Lost=DealStage.LOST,
    Qualification=DealStage.PROSPECTING,
    Appointment_Scheduled=DealStage.PROSPECTING,
    Needs_Analysis=DealStage.ENGAGING,
    Value_Proposition=DealStage.ENGAGING,
    Qualified_To_Buy=DealStage.ENGAGING,
    Presentation_Scheduled=DealStage.ENGAGING,
    Perception_Analysis=DealStage.ENGAGING,
    Proposal_Price_Quote=DealStage.PROPOSAL,
    Decision_Maker_Bought_In=DealStage.PROPOSAL,
    Negotiation_Review=DealStage.NEGOTIATION,
    Contract_Sent=DealStage.NEGOTIATION,
)
STAGE_LABELS.setdefault("Id. Decision Makers", DealStage.ENGAGING)
STAGE_LABELS.setdefault("Proposal/Price Quote", DealStage.PROPOSAL)
STAGE_LABELS.setdefault("Negotiation/Review", DealStage.NEGOTIATION)
STAGE_LABELS.setdefault("Decision Maker Bought-In", DealStage.PROPOSAL)


# --------------------------------------------------------------------------------------------------
# Column specs. The label is what an export writes (Salesforce's name); the aliases are the names
# HubSpot, snake_case exports and the CRM sample use.

ACCOUNT_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Account Name",
        ("Account", "Company name", "Company", "Organization", "Organisation", "Customer"),
        _clean_text,
        required=True,
    ),
    Column(
        "external_id", "Account ID", ("External ID", "Id", "Record ID", "Company ID"), _optional_clean_text
    ),
    Column(
        "parent",
        "Parent Account",
        ("Parent", "Parent Company", "Parent Account Name", "Parent Account ID", "Subsidiary of"),
        _optional_clean_text,
    ),
    Column("industry", "Industry", ("Sector", "Vertical"), _clean_text),
    Column(
        "annual_revenue",
        "Annual Revenue",
        ("Revenue", "Revenue (in millions)", "Annual Revenue (USD)", "Turnover"),
        parse_decimal,
    ),
    Column(
        "employees",
        "Employees",
        ("Number of Employees", "NumberOfEmployees", "Employee count", "Headcount"),
        parse_int,
    ),
    Column("city", "Billing City", ("City", "BillingCity", "Office city"), _clean_text),
    Column(
        "country",
        "Billing Country",
        ("Country", "BillingCountry", "Country/Region", "Office location", "Headquarters"),
        _clean_text,
    ),
    Column("website", "Website", ("Website URL", "Company Domain Name", "Domain", "URL"), _clean_text),
    Column(
        "owner",
        "Account Owner",
        ("Owner", "Company owner", "Account Owner Email", "Owner Email", "Key account manager", "KAM"),
        _optional_clean_text,
    ),
    Column(
        "backup_owner",
        "Backup Owner",
        ("Backup", "Secondary Owner", "Deputy", "Backup Owner Email"),
        _optional_clean_text,
    ),
    Column("tier", "Tier", ("Account Tier", "Segment", "Portfolio tier"), choice_parser(TIER_LABELS)),
    Column("is_key_account", "Key Account", ("Is key account", "Strategic account"), parse_bool),
    Column(
        "customer_since",
        "Customer Since",
        ("Became a Customer Date", "Customer since date", "First order date"),
        parse_date,
    ),
    Column("notes", "Description", ("Notes", "Comments", "About"), _clean_text),
)

CONTACT_COLUMNS: tuple[Column, ...] = (
    Column("external_id", "Contact ID", ("External ID", "Id", "Record ID"), _optional_clean_text),
    Column("first_name", "First Name", ("FirstName", "Given name", "Forename"), _clean_text),
    Column("last_name", "Last Name", ("LastName", "Surname", "Family name"), _clean_text),
    Column("full_name", "Full Name", ("Name", "Contact Name", "Contact"), _clean_text),
    Column("title", "Title", ("Job Title", "Position", "Job"), _clean_text),
    Column("email", "Email", ("E-mail", "Email Address", "Work email", "E-mail address"), _clean_text),
    Column("phone", "Phone", ("Phone Number", "Business Phone", "Mobile", "Mobile Phone"), _clean_text),
    Column(
        "account",
        "Account Name",
        ("Account", "Company", "Company Name", "Associated Company", "Organization", "Organisation"),
        _optional_clean_text,
    ),
    Column(
        "account_id",
        "Account ID",
        ("Account External ID", "Company ID", "Associated Company ID"),
        _optional_clean_text,
    ),
    Column(
        "reports_to",
        "Reports To",
        ("Reports To Name", "Reports To ID", "Reports To Email", "ReportsToId", "Manager", "Boss"),
        _optional_clean_text,
    ),
    Column(
        "buying_role",
        "Buying Role",
        ("Contact Role", "Role in the buying group"),
        choice_parser(BUYING_ROLE_LABELS),
    ),
    Column(
        "attitude", "Attitude", ("Sentiment", "Attitude towards us", "Stance"), choice_parser(ATTITUDE_LABELS)
    ),
    Column("influence", "Influence", ("Influence (1-5)", "Influence level", "Power"), parse_int),
    Column(
        "relationship_strength",
        "Relationship Strength",
        ("Relationship", "Relationship (1-5)", "Relationship level"),
        parse_int,
    ),
    Column(
        "relationship_owner",
        "Contact Owner",
        ("Owner", "Relationship Owner", "Contact owner email"),
        _optional_clean_text,
    ),
    Column("is_key_person", "Key Person", ("Key contact", "VIP"), parse_bool),
    Column("has_left", "Has Left", ("Left the company", "No longer at company"), parse_bool),
    Column("notes", "Description", ("Notes", "Comments"), _clean_text),
)

DEAL_COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        "Opportunity ID",
        ("Deal ID", "Record ID", "External ID", "Id"),
        _clean_text,
        required=True,
    ),
    Column("name", "Opportunity Name", ("Deal Name", "Name", "Deal"), _clean_text),
    Column(
        "account",
        "Account Name",
        ("Account", "Company", "Company name", "Associated Company", "Customer"),
        _optional_clean_text,
    ),
    Column(
        "account_id",
        "Account ID",
        ("Account External ID", "Company ID", "Associated Company ID"),
        _optional_clean_text,
    ),
    Column("product", "Product", ("Product Name", "Line item", "Item"), _optional_clean_text),
    Column(
        "stage",
        "Stage",
        ("Deal Stage", "StageName", "Opportunity Stage", "Pipeline stage"),
        choice_parser(STAGE_LABELS),
        required=True,
    ),
    Column(
        "amount", "Amount", ("Close Value", "Deal amount", "Value", "Deal value", "Revenue"), parse_decimal
    ),
    Column("margin", "Margin", ("Profit", "Gross margin"), parse_decimal),
    Column("engaged_on", "Engage Date", ("Engaged on", "Engagement date", "Start date"), parse_date),
    Column(
        "close_date",
        "Close Date",
        ("Closed on", "Expected close date", "Close"),
        parse_date,
    ),
    Column(
        "owner",
        "Opportunity Owner",
        ("Deal owner", "Owner", "Sales agent", "Sales rep", "Salesperson", "Owner Email"),
        _optional_clean_text,
    ),
)

# What we sell: product lines are created from the names the file gives.
PRODUCT_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Product Name",
        ("Product", "Name", "Item", "Item name", "Product Code", "SKU"),
        _clean_text,
        required=True,
    ),
    Column(
        "line",
        "Product Line",
        ("Series", "Product Family", "Family", "Line", "Product Series", "Category", "Product Category"),
        _clean_text,
        required=True,
    ),
    Column(
        "list_price",
        "List Price",
        ("Sales Price", "Price", "Unit Price", "UnitPrice", "List price (USD)", "Standard Price"),
        parse_decimal,
    ),
)

PRODUCTS = ImportKind.PRODUCTS
IMPORT_KIND_CHOICES: tuple[tuple[str, str], ...] = tuple(ImportKind.choices)
IMPORT_KIND_LABELS: dict[str, str] = dict(IMPORT_KIND_CHOICES)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.ACCOUNTS: ACCOUNT_COLUMNS,
    ImportKind.CONTACTS: CONTACT_COLUMNS,
    ImportKind.DEALS: DEAL_COLUMNS,
    PRODUCTS: PRODUCT_COLUMNS,
}
# Kinds whose rows belong to an account.
KINDS_WITH_AN_ACCOUNT = frozenset({ImportKind.CONTACTS, ImportKind.DEALS})
# Contacts and deals need an account: by name (or external id) or by external id alone.
ACCOUNT_KEYS = ("account", "account_id")


def describe_columns(kind: str) -> str:
    """The columns of ``kind`` for a help text: key (for --map), label and the other names."""
    lines = []
    for column in COLUMNS[kind]:
        also = f" (also: {', '.join(column.aliases)})" if column.aliases else ""
        required = " [required]" if column.required else ""
        lines.append(f"  {column.key:<22} {column.label}{required}{also}")
    if kind in KINDS_WITH_AN_ACCOUNT:
        lines.append("  (a row needs Account Name, by name or external id, or Account ID)")
    return "\n".join(lines)


def column_key(kind: str, name: str) -> str | None:
    """The key of the column called ``name`` (its key, label or an alias, as headers are matched)."""
    wanted = normalise_header(name)
    for by_alias in (False, True):
        for column in COLUMNS[kind]:
            names = column.aliases if by_alias else (column.key, column.label)
            if any(normalise_header(candidate) == wanted for candidate in names):
                return column.key
    return None
