"""Demo accounts: customers with owners, key-account profiles, decision-maker maps, contact history,
feedback, issues, a product catalogue and a deal history.

The first 85 accounts and the products come from the public CRM sample in ``demo_data/`` (see its
README); further accounts get generated names. Everything is drawn from ``context.rng`` and dated
from the demo's day (``context.as_of``/``context.now``): contacts, feedback, issues and deals lie so
many days before it (open deals partly after it), customers joined before its year and the financial
years are the three before it. So one seed and day always give the same organisation, and another
day gives the same one moved in time. Only key accounts get divisions, profiles, contacts,
interactions, feedback and issues, which keeps a 100,000-account demo fast.

Rows are written in bulk through Django's cursor (SQLite: multi-row INSERT ... RETURNING, and one
prepared INSERT run for deals and link tables; PostgreSQL: INSERT ... SELECT FROM UNNEST(arrays)), so
they bypass the audit signals; the report line says what was made. 100,000 accounts and 1,000,000
deals take about a minute on SQLite.

Leaves in ``context.made``: ``products`` (Product list), ``competitors`` (Competitor list),
``accounts`` (account ids in creation order), ``key_accounts`` (ids of the key accounts) and
``deals`` (how many deals were made).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from operator import attrgetter
from pathlib import Path
from random import Random
from typing import Any

from django.db import connection, models
from django.utils import timezone

from kamkit.accounts.choices import (
    STAGE_STATUS,
    SWOT_PARTS,
    Attitude,
    BuyingRole,
    DealStage,
    FeedbackChannel,
    InteractionKind,
    IssueStatus,
    ProfileSectionKind,
    Severity,
    Tier,
)
from kamkit.accounts.models import (
    Account,
    AccountCompetitor,
    Competitor,
    Contact,
    CustomerIssue,
    Deal,
    Division,
    Feedback,
    FeedbackRequest,
    FinancialYear,
    Interaction,
    Product,
    ProductLine,
    ProfileSection,
)
from kamkit.core.choices import Role
from kamkit.core.demo import DemoContext, builder

DATA_DIR = Path(__file__).resolve().parent / "demo_data"

KEY_SHARE = 0.2
KEY_BACKUP_SHARE = 0.85
OTHER_BACKUP_SHARE = 0.4
STALE_AFTER_DAYS = 180
ACCOUNT_CHUNK = 2_000
DEAL_CHUNK = 50_000
BATCH = 1_000
KEY_DEAL_WEIGHT = 5.0

# The sample's known spelling mistakes, fixed while loading (the files stay as published).
SAMPLE_FIXES = {"technolgy": "technology", "Philipines": "Philippines"}

INDUSTRIES = (
    "technology",
    "medical",
    "retail",
    "software",
    "entertainment",
    "marketing",
    "telecommunications",
    "finance",
    "employment",
    "services",
)
NAME_STEMS = (
    "Alder",
    "Apex",
    "Aero",
    "Blue",
    "Bright",
    "Cedar",
    "Clear",
    "Copper",
    "Core",
    "Crystal",
    "East",
    "Falcon",
    "Gold",
    "Green",
    "Harbor",
    "High",
    "Iron",
    "Lake",
    "Luna",
    "Maple",
    "Meadow",
    "North",
    "Nova",
    "Oak",
    "Pine",
    "Prime",
    "Quantum",
    "Red",
    "Ridge",
    "River",
    "Rock",
    "Silver",
    "Star",
    "Stone",
    "Summit",
    "Sun",
    "Swift",
    "Terra",
    "Vertex",
    "West",
)
NAME_ENDINGS = (
    "bridge",
    "crest",
    "dale",
    "field",
    "ford",
    "gate",
    "gen",
    "land",
    "line",
    "logic",
    "mark",
    "net",
    "path",
    "point",
    "port",
    "side",
    "soft",
    "sys",
    "tech",
    "tronix",
    "vale",
    "view",
    "wave",
    "well",
    "wood",
    "works",
    "way",
    "hill",
)
SECTOR_WORDS = {
    "technology": ("Systems", "Technologies", "Electronics", "Devices", "Labs"),
    "medical": ("Health", "Medical", "Diagnostics", "Clinics", "Pharma"),
    "retail": ("Stores", "Retail", "Market", "Outfitters", "Trading"),
    "software": ("Software", "Digital", "Data", "Cloud", "Apps"),
    "entertainment": ("Media", "Studios", "Entertainment", "Games", "Events"),
    "marketing": ("Marketing", "Communications", "Brands", "Creative", "Agency"),
    "telecommunications": ("Telecom", "Networks", "Mobile", "Connect", "Wireless"),
    "finance": ("Capital", "Finance", "Bank", "Investments", "Insurance"),
    "employment": ("Staffing", "Recruitment", "Talent", "Workforce", "People"),
    "services": ("Services", "Solutions", "Consulting", "Partners", "Facilities"),
}
LEGAL_FORMS = (
    "",
    "",
    "",
    "",
    "Inc.",
    "Ltd",
    "GmbH",
    "Group",
    "& Co",
    "S.A.",
    "AG",
    "plc",
    "Holdings",
    "B.V.",
)
# (country, weight for generated accounts, cities)
COUNTRIES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("United States", 40, ("New York", "Chicago", "Austin", "Seattle", "Boston", "Denver", "Atlanta")),
    ("United Kingdom", 8, ("London", "Manchester", "Leeds", "Bristol")),
    ("Germany", 8, ("Munich", "Hamburg", "Frankfurt", "Berlin", "Stuttgart")),
    ("France", 5, ("Paris", "Lyon", "Toulouse")),
    ("Netherlands", 4, ("Amsterdam", "Rotterdam", "Eindhoven")),
    ("Canada", 5, ("Toronto", "Vancouver", "Montreal")),
    ("Japan", 4, ("Tokyo", "Osaka", "Nagoya")),
    ("India", 4, ("Bengaluru", "Mumbai", "Pune")),
    ("Brazil", 3, ("São Paulo", "Rio de Janeiro", "Curitiba")),
    ("Australia", 3, ("Sydney", "Melbourne", "Brisbane")),
    ("Spain", 3, ("Madrid", "Barcelona", "Valencia")),
    ("Italy", 3, ("Milan", "Rome", "Turin")),
    ("Sweden", 2, ("Stockholm", "Gothenburg")),
    ("Poland", 2, ("Warsaw", "Kraków", "Wrocław")),
    ("Kenya", 2, ("Nairobi", "Mombasa")),
    ("Singapore", 2, ("Singapore",)),
    ("Mexico", 2, ("Mexico City", "Monterrey")),
    ("Philippines", 0, ("Manila", "Cebu")),
    ("Norway", 0, ("Oslo", "Bergen")),
    ("Korea", 0, ("Seoul", "Busan")),
    ("Jordan", 0, ("Amman",)),
    ("Panama", 0, ("Panama City",)),
    ("Belgium", 0, ("Brussels", "Antwerp")),
    ("Romania", 0, ("Bucharest", "Cluj-Napoca")),
    ("China", 0, ("Shanghai", "Shenzhen")),
)
CITIES = {country: cities for country, _, cities in COUNTRIES}
COUNTRY_NAMES = [country for country, weight, _ in COUNTRIES if weight]
COUNTRY_WEIGHTS = list(accumulate(weight for _, weight, _ in COUNTRIES if weight))
OTHER_TIERS = (Tier.DEVELOP, Tier.MAINTAIN, Tier.MAINTAIN, Tier.SERVE)

# Invented competitors, shared by all accounts.
COMPETITORS = (
    ("Arkwright Systems", "Broad hardware range, strong with large IT departments."),
    ("Bellvane Computing", "Cheapest on entry models; thin service organisation."),
    ("Corvid Hardware", "Specialist in rugged devices for plants and warehouses."),
    ("Duneshore Technologies", "Bundles hardware with managed services and financing."),
    ("Everkeel Electronics", "Fast delivery from regional stock; limited customisation."),
    ("Fenwick & Moor", "Reseller with deep relationships in procurement teams."),
    ("Greyfield Devices", "High-end workstations, premium prices, loyal engineers."),
    ("Halcyra Digital", "Newcomer selling online with aggressive discounts."),
)
PRODUCT_WEIGHTS = {
    "GTX Basic": 20,
    "MG Special": 20,
    "GTX Pro": 15,
    "MG Advanced": 15,
    "GTX Plus Basic": 15,
    "GTX Plus Pro": 12,
    "GTK 500": 3,
}

GENERIC_DIVISIONS = (
    "Operations",
    "Finance",
    "IT",
    "Research & Development",
    "Logistics",
    "Marketing",
    "Customer Service",
    "Procurement",
    "Sales",
    "Human Resources",
    "Facilities",
)
INDUSTRY_DIVISIONS = {
    "technology": ("Hardware Engineering", "Data Centres"),
    "medical": ("Clinical Services", "Laboratories"),
    "retail": ("Stores", "E-commerce"),
    "software": ("Product Engineering", "Cloud Platform"),
    "entertainment": ("Studios", "Live Events"),
    "marketing": ("Creative", "Media Buying"),
    "telecommunications": ("Network", "Consumer Mobile"),
    "finance": ("Retail Banking", "Risk"),
    "employment": ("Recruitment", "Payroll Services"),
    "services": ("Field Services", "Facilities Management"),
}

CONTACT_FIRST_NAMES = (
    "Adrian",
    "Alice",
    "Anders",
    "Bianca",
    "Carlos",
    "Daniela",
    "David",
    "Eva",
    "Felix",
    "Fiona",
    "George",
    "Hannah",
    "Henrik",
    "Isabel",
    "Jack",
    "Joanna",
    "Karim",
    "Laura",
    "Leo",
    "Maria",
    "Martin",
    "Mei",
    "Nathan",
    "Nina",
    "Omar",
    "Paula",
    "Peter",
    "Rachel",
    "Raj",
    "Sara",
    "Simon",
    "Sofia",
    "Thomas",
    "Ursula",
    "Victor",
    "Wendy",
    "William",
    "Yara",
)
CONTACT_LAST_NAMES = (
    "Abbott",
    "Berg",
    "Campbell",
    "Dalton",
    "Ekstrom",
    "Fontaine",
    "Gupta",
    "Hale",
    "Iversen",
    "Jakobsen",
    "Kim",
    "Lambert",
    "Mahler",
    "Nilsen",
    "O'Neill",
    "Park",
    "Quinlan",
    "Richter",
    "Sato",
    "Torres",
    "Underwood",
    "Varga",
    "Walsh",
    "Young",
    "Zimmermann",
    "Byrne",
    "Chen",
    "Duarte",
    "Evans",
    "Fournier",
    "Greene",
    "Holm",
    "Meyer",
    "Novak",
    "Ortiz",
    "Patel",
)
TOP_TITLES = (
    "Chief Executive Officer",
    "Chief Financial Officer",
    "Chief Operating Officer",
    "Chief Information Officer",
    "VP Operations",
    "Managing Director",
)
SENIOR_TITLES = (
    "Head of Procurement",
    "IT Director",
    "Finance Director",
    "Operations Director",
    "Head of Engineering",
    "Director of Supply Chain",
    "Head of Customer Service",
    "Plant Director",
)
STAFF_TITLES = (
    "Procurement Manager",
    "Project Manager",
    "IT Manager",
    "Operations Manager",
    "Systems Engineer",
    "Category Buyer",
    "Team Lead",
    "Business Analyst",
    "Service Desk Lead",
    "Quality Manager",
)
OTHER_ROLES = (
    BuyingRole.USER,
    BuyingRole.USER,
    BuyingRole.INFLUENCER,
    BuyingRole.INFLUENCER,
    BuyingRole.UNKNOWN,
)
ATTITUDES = (Attitude.CHAMPION, Attitude.SUPPORTER, Attitude.NEUTRAL, Attitude.SCEPTIC, Attitude.OPPONENT)
ATTITUDE_WEIGHTS = list(accumulate((10, 30, 35, 17, 8)))
RELATIONSHIP_LEVEL_WEIGHTS = list(accumulate((30, 30, 25, 12, 3)))

GOAL_FOCUS = (
    "expanding into new regions",
    "moving customers to subscription services",
    "consolidating its supplier base",
    "automating its back office",
    "opening new sites",
    "launching a new product range",
    "cutting its operating costs",
    "improving on-time delivery",
)
POSITIONS = (
    "A top-three player",
    "A challenger gaining share",
    "A niche specialist",
    "The long-standing market leader",
    "A mid-sized regional player",
)
PERCEPTIONS = (
    "reliable but slow to change",
    "innovative and sometimes risky",
    "good value for money",
    "the premium choice",
    "easy to work with",
)
TRENDS = {
    "technology": ("shorter hardware refresh cycles", "a shift to edge computing", "tight component supply"),
    "medical": ("stricter rules for patient data", "more care delivered at home", "pressure on budgets"),
    "retail": ("online and store sales merging", "thin margins", "demand for same-day delivery"),
    "software": ("customers buying by subscription", "AI features in every product", "cloud cost control"),
    "entertainment": (
        "streaming replacing physical media",
        "live events coming back",
        "rising content costs",
    ),
    "marketing": ("clients moving budget to digital", "privacy rules limiting tracking", "in-house teams"),
    "telecommunications": ("5G roll-out", "price wars on mobile plans", "network sharing between operators"),
    "finance": ("branch closures", "open-banking rules", "fraud prevention spending"),
    "employment": ("remote hiring", "shortage of skilled workers", "automation of screening"),
    "services": ("outsourcing of facility work", "energy-saving requirements", "longer service contracts"),
}
CUSTOMERS = {
    "technology": "manufacturers and IT departments",
    "medical": "hospitals, clinics and patients",
    "retail": "shoppers in stores and online",
    "software": "businesses running its applications",
    "entertainment": "audiences and advertisers",
    "marketing": "brands that hire it for campaigns",
    "telecommunications": "households and businesses on its network",
    "finance": "private and business clients",
    "employment": "employers and job seekers",
    "services": "companies that outsource work to it",
}
STRENGTHS = (
    "Strong brand in its home market",
    "Healthy cash position",
    "Loyal customer base",
    "Experienced management team",
    "Modern production sites",
    "Wide distribution network",
)
WEAKNESSES = (
    "Slow decision making",
    "Ageing IT landscape",
    "High staff turnover",
    "Depends on a few large customers",
    "Limited presence outside its home country",
    "Fragmented purchasing",
)
OPPORTUNITIES = (
    "Standardise hardware across divisions",
    "New sites opening next year",
    "Replace a competitor's ageing installed base",
    "Bundle training and support",
    "Grow in divisions that buy nothing from us yet",
    "Move to a multi-year framework agreement",
)
THREATS = (
    "Competitor offering deep discounts",
    "Budget freeze announced by the CFO",
    "Possible merger with a rival",
    "New procurement rules favour local suppliers",
    "Key sponsor may leave",
    "Price pressure from online resellers",
)
SWOT_POOLS = dict(zip(SWOT_PARTS, (STRENGTHS, WEAKNESSES, OPPORTUNITIES, THREATS), strict=True))
BENEFITS = (
    "keep its sites running without interruptions",
    "give its staff reliable tools",
    "lower its cost of ownership",
    "launch services faster",
    "meet its security requirements",
)

SUBJECTS = {
    InteractionKind.MEETING: (
        "Quarterly business review",
        "Account plan review",
        "Roadmap briefing",
        "Renewal discussion",
        "Pricing discussion",
        "Project kick-off",
    ),
    InteractionKind.CALL: (
        "Follow-up on open quote",
        "Check-in call",
        "Escalation call about a delivery",
        "Budget planning call",
    ),
    InteractionKind.VISIT: ("Site visit", "Visit to the operations team", "Executive visit"),
    InteractionKind.EMAIL: ("Sent proposal", "Shared a case study", "Answered product questions"),
    InteractionKind.EVENT: ("Customer advisory board", "Trade fair meeting", "User group day"),
    InteractionKind.OTHER: ("Training session for users", "Requirements workshop"),
}
# kind, weight, shortest and longest duration in minutes
INTERACTION_KINDS = (
    (InteractionKind.MEETING, 30, 30, 120),
    (InteractionKind.CALL, 30, 10, 45),
    (InteractionKind.EMAIL, 15, 5, 20),
    (InteractionKind.VISIT, 12, 120, 360),
    (InteractionKind.EVENT, 5, 120, 480),
    (InteractionKind.OTHER, 8, 60, 240),
)
INTERACTION_WEIGHTS = list(accumulate(kind[1] for kind in INTERACTION_KINDS))

FEEDBACK_TOPICS = (
    "Delivery times",
    "Product quality",
    "Support response",
    "Invoicing",
    "Account management",
    "Training",
    "Pricing",
)
FEEDBACK_CHANNELS = (
    FeedbackChannel.REQUESTED,
    FeedbackChannel.REQUESTED,
    FeedbackChannel.UNPROMPTED,
    FeedbackChannel.REVIEW,
    FeedbackChannel.SURVEY,
)
SCORE_WEIGHTS = list(accumulate((1, 1, 2, 3, 4, 6, 8, 12, 16, 12, 8)))
ISSUE_TITLES = (
    "Late delivery of the last order",
    "Devices failing after the update",
    "Invoice does not match the contract",
    "Support tickets left unanswered",
    "Wrong configuration shipped",
    "Training promised but not scheduled",
)


@dataclass(frozen=True)
class SampleAccount:
    name: str
    industry: str
    founded: int
    revenue: Decimal
    employees: int
    country: str
    parent: str


@dataclass(frozen=True)
class SampleProduct:
    name: str
    line: str
    list_price: Decimal


def _fixed(value: str) -> str:
    value = value.strip()
    return SAMPLE_FIXES.get(value, value)


def load_sample_accounts() -> list[SampleAccount]:
    """The CRM sample's accounts (revenue in currency units, not millions)."""
    with (DATA_DIR / "accounts.csv").open(newline="", encoding="utf-8") as handle:
        return [
            SampleAccount(
                name=row["account"].strip(),
                industry=_fixed(row["sector"]),
                founded=int(row["year_established"]),
                revenue=(Decimal(row["revenue"]) * 1_000_000).quantize(Decimal("0.01")),
                employees=int(row["employees"]),
                country=_fixed(row["office_location"]),
                parent=row["subsidiary_of"].strip(),
            )
            for row in csv.DictReader(handle)
        ]


def load_sample_products() -> list[SampleProduct]:
    with (DATA_DIR / "products.csv").open(newline="", encoding="utf-8") as handle:
        return [
            SampleProduct(
                name=row["product"].strip(),
                line=row["series"].strip(),
                list_price=Decimal(row["sales_price"]),
            )
            for row in csv.DictReader(handle)
        ]


class CompanyNames:
    """Plausible company names, unique case-insensitively (a number is added when needed)."""

    def __init__(self, rng: Random, taken: Iterable[str]) -> None:
        self.rng = rng
        self.seen = {name.lower() for name in taken}
        self.numbered = 1

    def make(self, industry: str) -> str:
        choice = self.rng.choice
        words = SECTOR_WORDS.get(industry, SECTOR_WORDS["services"])
        name = ""
        for _ in range(4):
            form = choice(LEGAL_FORMS)
            name = f"{choice(NAME_STEMS)}{choice(NAME_ENDINGS)} {choice(words)}"
            name = f"{name} {form}" if form else name
            if name.lower() not in self.seen:
                break
        else:
            # only numbered names end in a digit, and the number only grows: always unique
            self.numbered += 1
            name = f"{name} {self.numbered}"
        self.seen.add(name.lower())
        return name


@dataclass
class Staff:
    """Our side: who can own accounts, their teams, managers and the director."""

    kams: list[int]
    team_of: dict[int, int | None]
    manager_of_team: dict[int | None, int]
    director: int | None
    teammates: dict[int | None, list[int]]

    @classmethod
    def from_context(cls, context: DemoContext) -> Staff:
        from kamkit.users.models import User

        people: list[User] = context.made.get("people") or list(User.objects.all())
        kams: list[User] = context.made.get("account_managers") or [
            person for person in people if person.role == Role.ACCOUNT_MANAGER
        ]
        if not kams:
            kams = [person for person in people if person.role == Role.MANAGER] or people
        teammates: dict[int | None, list[int]] = {}
        for kam in kams:
            teammates.setdefault(kam.team_id, []).append(kam.pk)
        return cls(
            kams=[kam.pk for kam in kams],
            team_of={kam.pk: kam.team_id for kam in kams},
            manager_of_team={
                person.team_id: person.pk
                for person in people
                if person.role == Role.MANAGER and person.team_id
            },
            director=next((person.pk for person in people if person.role == Role.DIRECTOR), None),
            teammates=teammates,
        )

    def backup_for(self, rng: Random, owner: int) -> int | None:
        """Another KAM, from the owner's team when it has one."""
        same_team = [kam for kam in self.teammates.get(self.team_of.get(owner), []) if kam != owner]
        if same_team and rng.random() < 0.7:
            return rng.choice(same_team)
        others = [kam for kam in self.kams if kam != owner]
        return rng.choice(others) if others else None

    def colleagues(self, owner: int, *, senior: bool) -> list[int]:
        """People on our side who could hold a customer relationship next to the owner."""
        team = self.team_of.get(owner)
        found = []
        if (manager := self.manager_of_team.get(team)) is not None:
            found.append(manager)
        if senior and self.director is not None:
            found.append(self.director)
        if not senior:
            found.extend(kam for kam in self.teammates.get(team, []) if kam != owner)
        return found or [owner]


@dataclass
class Book:
    """What the deal generator needs about each account, kept small for 100,000 accounts."""

    ids: list[int] = field(default_factory=list)
    owners: list[int | None] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    key: bytearray = field(default_factory=bytearray)
    divisions: dict[int, list[int]] = field(default_factory=dict)  # account index -> division ids


@dataclass
class Counts:
    key_accounts: int = 0
    key_without_backup: int = 0
    divisions: int = 0
    profile_sections: int = 0
    stale_sections: int = 0
    contacts: int = 0
    interactions: int = 0
    feedback: int = 0
    feedback_requests: int = 0
    issues: int = 0
    deals: int = 0
    won: int = 0


def _insert(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool,
) -> list[Any]:
    """Insert rows of values already adapted for the database; returns the new ids when asked.

    PostgreSQL gets one ``INSERT ... SELECT * FROM UNNEST(column arrays)`` per few thousand rows (as
    Django's own bulk_create does there); SQLite multi-row VALUES (with RETURNING) or one prepared
    statement run for all rows. Always through Django's cursor, quoting and ``%s`` placeholders.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(model_field.column)) for model_field in fields)
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
    primary_key = model._meta.pk
    assert primary_key is not None
    tail = f" RETURNING {quote(str(primary_key.column))}" if returning else ""
    ids: list[Any] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            casts = ", ".join(
                f"%s::{str(model_field.db_type(connection)).split('(')[0]}[]" for model_field in fields
            )
            sql = f"{head}SELECT * FROM UNNEST({casts}){tail}"
            for start in range(0, len(rows), 5 * BATCH):
                cursor.execute(
                    sql, [list(column) for column in zip(*rows[start : start + 5 * BATCH], strict=True)]
                )
                if returning:
                    ids.extend(row[0] for row in cursor.fetchall())
        elif returning:
            one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            limit = connection.features.max_query_params or 65_535
            per_statement = max(1, min(BATCH // 2, limit // len(fields)))
            for start in range(0, len(rows), per_statement):
                batch = rows[start : start + per_statement]
                params = [value for row in batch for value in row]
                cursor.execute(f"{head}VALUES {', '.join([one_row] * len(batch))}{tail}", params)
                ids.extend(row[0] for row in cursor.fetchall())
        else:
            sql = f"{head}VALUES ({', '.join(['%s'] * len(fields))})"
            for start in range(0, len(rows), 10 * BATCH):
                cursor.executemany(sql, rows[start : start + 10 * BATCH])
    return ids


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows of already adapted values into the named fields (deals, link tables)."""
    by_name = {model_field.name: model_field for model_field in model._meta.concrete_fields}
    _insert(model, [by_name[name] for name in names], rows, returning=False)


def _value_getter(model_field: models.Field[Any, Any], stamp: Any) -> Callable[[models.Model], Any]:
    """How to read one field of an instance as the database driver wants it."""
    ops = connection.ops
    attname, name = model_field.attname, model_field.name
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return lambda obj: stamp
    if model_field.is_relation:

        def related_id(obj: models.Model) -> Any:
            value = getattr(obj, attname)
            if value is None:  # assigned while the related object had no id yet
                related = obj._state.fields_cache.get(name)
                value = None if related is None else related.pk
            return value

        return related_id
    if isinstance(model_field, models.DateTimeField):
        return lambda obj: ops.adapt_datetimefield_value(getattr(obj, attname))
    if isinstance(model_field, models.DateField):
        return lambda obj: ops.adapt_datefield_value(getattr(obj, attname))
    if isinstance(model_field, models.DecimalField):
        digits, places = model_field.max_digits, model_field.decimal_places
        return lambda obj: ops.adapt_decimalfield_value(getattr(obj, attname), digits, places)
    if isinstance(model_field, models.JSONField):
        return lambda obj: model_field.get_db_prep_save(getattr(obj, attname), connection)
    return attrgetter(attname)


def create(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert new instances and give them their ids, like ``bulk_create`` but several times faster.

    Related objects saved before are linked by id (so parents go in before their children).
    """
    if not objs:
        return
    if connection.vendor != "postgresql" and not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        return
    primary_key = model._meta.pk
    assert primary_key is not None
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    fields = [model_field for model_field in model._meta.concrete_fields if not model_field.primary_key]
    getters = [_value_getter(model_field, stamp) for model_field in fields]
    rows = [[getter(obj) for getter in getters] for obj in objs]
    ids = _insert(model, fields, rows, returning=True)
    for obj, key in zip(objs, ids, strict=True):
        setattr(obj, primary_key.attname, key)
        obj._state.adding = False
        obj._state.db = connection.alias


@builder(20, "accounts")
def build_accounts(context: DemoContext) -> str:
    existing = Account.objects.count()
    if existing:
        # Never mix demo customers into real (or earlier demo) ones: names and deal ids would clash.
        context.made.update(accounts=[], key_accounts=[], deals=0)
        return f"skipped: the database already holds {existing:,} accounts (the demo needs none)"
    staff = Staff.from_context(context)
    products = _make_products()
    competitors = _make_competitors()
    context.made["products"] = products
    context.made["competitors"] = competitors
    counts = Counts()
    book = _make_accounts(context, staff, competitors, counts)
    context.made["accounts"] = book.ids
    context.made["key_accounts"] = [book.ids[i] for i, is_key in enumerate(book.key) if is_key]
    _make_deals(context, staff, book, products, counts)
    context.made["deals"] = counts.deals
    lines = len({product.line_id for product in products})
    return (
        f"{len(book.ids):,} accounts ({counts.key_accounts:,} key, {counts.key_without_backup:,} of them "
        f"without a backup owner), {len(products)} products in {lines} lines, "
        f"{len(competitors)} competitors, {counts.divisions:,} divisions, "
        f"{counts.profile_sections:,} profile sections ({counts.stale_sections:,} stale), "
        f"{counts.contacts:,} contacts, {counts.interactions:,} interactions, "
        f"{counts.feedback:,} feedback ({counts.feedback_requests:,} requests), {counts.issues:,} issues, "
        f"{counts.deals:,} deals ({counts.won:,} won)"
    )


def _make_products() -> list[Product]:
    products = []
    lines: dict[str, ProductLine] = {}
    for sample in load_sample_products():
        if sample.line not in lines:
            lines[sample.line], _ = ProductLine.objects.get_or_create(
                name__iexact=sample.line, defaults={"name": sample.line}
            )
        product, _ = Product.objects.get_or_create(
            name__iexact=sample.name,
            defaults={"name": sample.name, "line": lines[sample.line], "list_price": sample.list_price},
        )
        products.append(product)
    return products


def _make_competitors() -> list[Competitor]:
    return [
        Competitor.objects.get_or_create(name__iexact=name, defaults={"name": name, "notes": notes})[0]
        for name, notes in COMPETITORS
    ]


def _slug(name: str) -> str:
    return "".join(char for char in name.lower() if char.isascii() and char.isalnum()) or "customer"


def _random_day(rng: Random, first: date, last: date) -> date:
    """A day from ``first`` to ``last`` (``last`` when they are the wrong way round). One draw whatever
    the span, so the demo's day never changes what is drawn after it."""
    span = max(0, (last - first).days)
    return min(first, last) + timedelta(days=int(rng.random() * (span + 1)))


def _make_accounts(context: DemoContext, staff: Staff, competitors: list[Competitor], counts: Counts) -> Book:
    rng = context.rng
    joined_by = date(context.as_of.year - 1, 12, 31)  # customers since before the demo's year
    total = context.size.accounts
    samples = load_sample_accounts()[:total]
    names = CompanyNames(rng, [sample.name for sample in samples])
    key_count = max(1, round(total * KEY_SHARE)) if total else 0
    key_indexes = rng.sample(range(total), key_count)
    key_set = set(key_indexes)
    others = [index for index in range(total) if index not in key_set]
    # some key accounts are left without a backup, so the coverage report has something to show
    without_backup = (
        set(rng.sample(key_indexes, max(1, round(key_count * (1 - KEY_BACKUP_SHARE)))))
        if key_count
        else set()
    )
    with_backup = key_set - without_backup
    with_backup.update(rng.sample(others, round(len(others) * OTHER_BACKUP_SHARE)))
    del others
    # key accounts are shared out evenly; the others at random
    kam_order = list(staff.kams)
    rng.shuffle(kam_order)
    key_rank = 0
    book = Book()
    details = KeyAccountDetails(context, staff, competitors, counts)
    for start in range(0, total, ACCOUNT_CHUNK):
        chunk: list[Account] = []
        for index in range(start, min(total, start + ACCOUNT_CHUNK)):
            is_key = index in key_set
            if is_key:
                owner: int | None = kam_order[key_rank % len(kam_order)] if kam_order else None
                key_rank += 1
            else:
                owner = rng.choice(staff.kams) if staff.kams else None
            backup = staff.backup_for(rng, owner) if owner is not None and index in with_backup else None
            if is_key:
                counts.key_accounts += 1
                counts.key_without_backup += backup is None
            if index < len(samples):
                account = _sample_account(rng, samples[index], joined_by)
            else:
                account = _generated_account(rng, names, is_key, book.ids, joined_by)
            account.owner_id = owner
            account.backup_owner_id = backup
            account.team_id = staff.team_of.get(owner) if owner is not None else None
            account.is_key_account = is_key
            account.tier = Tier.KEY if is_key else rng.choice(OTHER_TIERS)
            chunk.append(account)
        create(Account, chunk)
        for account in chunk:
            book.ids.append(account.pk)
            book.owners.append(account.owner_id)
            book.names.append(account.name)
            book.key.append(account.is_key_account)
        divisions = details.make([account for account in chunk if account.is_key_account])
        for offset, account in enumerate(chunk):
            if account.pk in divisions:
                book.divisions[start + offset] = divisions[account.pk]
    _link_sample_parents(samples, book)
    return book


def _sample_account(rng: Random, sample: SampleAccount, joined_by: date) -> Account:
    return Account(
        name=sample.name,
        industry=sample.industry,
        employees=sample.employees,
        annual_revenue=sample.revenue,
        country=sample.country,
        city=rng.choice(CITIES.get(sample.country, ("",))),
        website=f"https://www.{_slug(sample.name)}.example",
        customer_since=_random_day(rng, date(max(1995, sample.founded), 1, 1), joined_by),
    )


def _generated_account(
    rng: Random, names: CompanyNames, is_key: bool, earlier: list[int], joined_by: date
) -> Account:
    industry = rng.choice(INDUSTRIES)
    name = names.make(industry)
    country = rng.choices(COUNTRY_NAMES, cum_weights=COUNTRY_WEIGHTS)[0]
    employees = min(300_000, max(5, int(math.exp(rng.gauss(8.2 if is_key else 6.3, 1.2)))))
    revenue = Decimal(round(employees * rng.uniform(120_000, 650_000), -3))
    founded = rng.randint(1950, 2019)
    parent = rng.choice(earlier) if earlier and rng.random() < 0.03 else None
    return Account(
        name=name,
        industry=industry,
        employees=employees,
        annual_revenue=revenue,
        country=country,
        city=rng.choice(CITIES[country]),
        website=f"https://www.{_slug(name)}.example",
        customer_since=_random_day(rng, date(max(1995, founded + 1), 1, 1), joined_by),
        parent_id=parent,
    )


def _link_sample_parents(samples: list[SampleAccount], book: Book) -> None:
    made = {sample.name: book.ids[index] for index, sample in enumerate(samples)}
    for sample in samples:
        if sample.parent in made:
            Account.objects.filter(pk=made[sample.name]).update(parent_id=made[sample.parent])


class KeyAccountDetails:
    """Divisions, profile, financials, competitors, contacts, interactions, feedback and issues."""

    def __init__(
        self, context: DemoContext, staff: Staff, competitors: list[Competitor], counts: Counts
    ) -> None:
        self.rng = context.rng
        self.now = context.now
        self.year = context.as_of.year
        self.staff = staff
        self.competitors = competitors
        self.counts = counts

    def make(self, accounts: list[Account]) -> dict[int, list[int]]:
        """Fill in the key accounts of one chunk; returns each account's division ids."""
        if not accounts:
            return {}
        divisions = self._divisions(accounts)
        sections: list[ProfileSection] = []
        years: list[FinancialYear] = []
        rivals: list[AccountCompetitor] = []
        levels: list[list[Contact]] = [[], [], []]
        interactions: list[tuple[Interaction, list[Contact], list[int]]] = []
        requests: list[FeedbackRequest] = []
        feedback: list[Feedback] = []
        issues: list[CustomerIssue] = []
        for account in accounts:
            own_divisions = divisions[account.pk]
            rival_names = self._competitors(account, rivals)
            sections.extend(self._profile(account, own_divisions, rival_names))
            years.extend(self._financial_years(account))
            contacts, thread = self._contacts(account, own_divisions, levels)
            interactions.extend(self._interactions(account, contacts, thread))
            self._feedback(account, contacts, requests, feedback, issues)
        create(ProfileSection, sections)
        create(FinancialYear, years)
        create(AccountCompetitor, rivals)
        for level in levels:  # top people first, so that reports_to has an id to point at
            create(Contact, level)
        create(Interaction, [item[0] for item in interactions])
        insert_rows(
            Interaction.contacts.through,
            ("interaction", "contact"),
            [(item[0].pk, contact.pk) for item in interactions for contact in item[1]],
        )
        insert_rows(
            Interaction.our_people.through,
            ("interaction", "user"),
            [(item[0].pk, person) for item in interactions for person in item[2]],
        )
        create(FeedbackRequest, requests)
        create(Feedback, feedback)
        create(CustomerIssue, issues)
        counts = self.counts
        counts.profile_sections += len(sections)
        stale_before = self.now - timedelta(days=STALE_AFTER_DAYS)
        counts.stale_sections += sum(
            1
            for section in sections
            if section.reviewed_at is not None and section.reviewed_at < stale_before
        )
        counts.contacts += sum(len(level) for level in levels)
        counts.interactions += len(interactions)
        counts.feedback_requests += len(requests)
        counts.feedback += len(feedback)
        counts.issues += len(issues)
        return {account_id: [division.pk for division in own] for account_id, own in divisions.items()}

    def _divisions(self, accounts: list[Account]) -> dict[int, list[Division]]:
        rng = self.rng
        made: dict[int, list[Division]] = {}
        for account in accounts:
            pool = INDUSTRY_DIVISIONS.get(account.industry, ()) + GENERIC_DIVISIONS
            made[account.pk] = [
                Division(account=account, name=name, description=f"{name} of {account.name}")
                for name in rng.sample(pool, rng.randint(1, 4))
            ]
        everything = [division for own in made.values() for division in own]
        create(Division, everything)
        self.counts.divisions += len(everything)
        return made

    def _reviewed_at(self) -> datetime:
        rng = self.rng
        days = rng.randint(3, STALE_AFTER_DAYS - 10) if rng.random() < 0.7 else rng.randint(190, 600)
        return self.now - timedelta(days=days, hours=rng.randint(0, 8))

    def _competitors(self, account: Account, rivals: list[AccountCompetitor]) -> list[str]:
        rng = self.rng
        chosen = rng.sample(self.competitors, rng.randint(1, 3))
        for competitor in chosen:
            rivals.append(
                AccountCompetitor(
                    account=account,
                    competitor=competitor,
                    position=rng.choice(
                        (
                            "Incumbent supplier in part of the company.",
                            "Quotes on every tender, mostly on price.",
                            "Strong with the engineers, weak with procurement.",
                            "New here; trying to win a first order.",
                        )
                    ),
                    wins=rng.randint(0, 6),
                    losses=rng.randint(0, 5),
                )
            )
        return [competitor.name for competitor in chosen]

    def _profile(
        self, account: Account, divisions: list[Division], rivals: list[str]
    ) -> list[ProfileSection]:
        rng = self.rng
        industry = account.industry
        trends = rng.sample(TRENDS.get(industry, TRENDS["services"]), 2)
        division_names = ", ".join(division.name for division in divisions)
        texts = {
            ProfileSectionKind.GOALS: (
                f"{account.name} aims to grow revenue by {rng.randint(3, 15)}% a year for the next three "
                f"years, mainly by {rng.choice(GOAL_FOCUS)}, while keeping costs under control."
            ),
            ProfileSectionKind.STRUCTURE: (
                f"Head office in {account.city or account.country}. Divisions: {division_names}; each has "
                f"its own budget. Orders above {rng.choice(('50,000', '100,000', '250,000'))} need sign-off "
                "from central procurement and the executive team."
            ),
            ProfileSectionKind.MARKET_POSITION: (
                f"{rng.choice(POSITIONS)} in {industry} in {account.country}; its customers see it as "
                f"{rng.choice(PERCEPTIONS)}."
            ),
            ProfileSectionKind.TRENDS: (
                f"The trends that matter most here: {trends[0]} and {trends[1]}. Both shape what they will "
                "need from us over the next two years."
            ),
            ProfileSectionKind.SWOT: "Reviewed with the account team at the last account planning session.",
            ProfileSectionKind.VALUE_CHAIN: (
                f"{account.name} serves {CUSTOMERS.get(industry, 'its own customers')}. What we supply helps "
                f"it {rng.choice(BENEFITS)}, which its customers notice as better and steadier service."
            ),
            ProfileSectionKind.COMPETITORS: (
                f"Present here: {', '.join(rivals)}. {rivals[0]} is the one to watch; we win where service "
                "and delivery times matter more than the lowest price."
            ),
        }
        sections = [
            ProfileSection(
                account=account,
                kind=kind,
                text=text,
                items=(
                    {part: rng.sample(SWOT_POOLS[part], rng.randint(1, 3)) for part in SWOT_PARTS}
                    if kind == ProfileSectionKind.SWOT
                    else {}
                ),
                reviewed_at=self._reviewed_at(),
                reviewed_by_id=account.owner_id,
            )
            for kind, text in texts.items()
        ]
        if rng.random() < 0.6:
            sections.append(
                ProfileSection(
                    account=account,
                    kind=ProfileSectionKind.FINANCIALS,
                    text="Results for the last three years are under Financial years; margins are stable.",
                    reviewed_at=self._reviewed_at(),
                    reviewed_by_id=account.owner_id,
                )
            )
        return sections

    def _financial_years(self, account: Account) -> list[FinancialYear]:
        rng = self.rng
        revenue = float(account.annual_revenue or 0)
        years = []
        for year in range(self.year - 1, self.year - 4, -1):  # the last three closed years
            growth = round(rng.gauss(4, 6), 2)
            years.append(
                FinancialYear(
                    account=account,
                    year=year,
                    revenue=Decimal(round(revenue, -3)),
                    margin_pct=Decimal(str(round(min(35.0, max(-5.0, rng.gauss(11, 6))), 2))),
                    growth_pct=Decimal(str(growth)),
                )
            )
            revenue = revenue / (1 + growth / 100)
        return years

    def _contacts(
        self, account: Account, divisions: list[Division], levels: list[list[Contact]]
    ) -> tuple[list[Contact], Contact | None]:
        """3-9 people in a reporting tree under one top person; returns them and, when the account
        is single-threaded, the one person everything goes through."""
        rng = self.rng
        owner = account.owner_id
        count = rng.randint(3, 9)
        single_threaded = rng.random() < 0.1
        domain = f"{_slug(account.name)}.example"
        contacts: list[Contact] = []
        seen_names: set[str] = set()
        seniors: list[Contact] = []
        for position in range(count):
            level = 0 if position == 0 else (1 if position <= min(3, max(1, count // 3)) else 2)
            first, last = rng.choice(CONTACT_FIRST_NAMES), rng.choice(CONTACT_LAST_NAMES)
            while f"{first} {last}" in seen_names:
                first, last = rng.choice(CONTACT_FIRST_NAMES), rng.choice(CONTACT_LAST_NAMES)
            seen_names.add(f"{first} {last}")
            if level == 0:
                title, boss, influence = rng.choice(TOP_TITLES), None, 5
            elif level == 1:
                title, boss, influence = rng.choice(SENIOR_TITLES), contacts[0], rng.randint(3, 5)
            else:
                title, boss, influence = rng.choice(STAFF_TITLES), rng.choice(seniors), rng.randint(1, 3)
            relationship = rng.choices(range(1, 6), cum_weights=RELATIONSHIP_LEVEL_WEIGHTS)[0]
            contact = Contact(
                account=account,
                first_name=first,
                last_name=last,
                title=title,
                email=f"{first}.{last}@{domain}".lower().replace("'", ""),
                phone=f"+1 555 01{rng.randint(0, 99):02d}",
                division=rng.choice(divisions) if level and divisions and rng.random() < 0.7 else None,
                reports_to=boss,
                buying_role=rng.choice(OTHER_ROLES),
                attitude=rng.choices(ATTITUDES, cum_weights=ATTITUDE_WEIGHTS)[0],
                influence=influence,
                relationship_strength=rng.randint(1, 5),
                relationship_level=relationship,
                desired_relationship_level=max(relationship, rng.choice((3, 4, 4, 5))),
                is_key_person=level == 0 or (level == 1 and influence >= 4),
                has_left=level == 2 and rng.random() < 0.04,
            )
            contact.relationship_owner_id = self._relationship_owner(account, level)
            contacts.append(contact)
            levels[level].append(contact)
            if level == 1:
                seniors.append(contact)
        top, rest = contacts[0], contacts[1:]
        # most key accounts have an economic buyer on the map; some lack a coach
        top.buying_role = BuyingRole.ECONOMIC_BUYER if rng.random() < 0.85 else BuyingRole.UNKNOWN
        pool = rest[:]
        rng.shuffle(pool)
        if pool and rng.random() < 0.7:
            coach = pool.pop()
            coach.buying_role = BuyingRole.COACH
            coach.attitude = rng.choice((Attitude.CHAMPION, Attitude.SUPPORTER))
        senior_pool = [contact for contact in pool if contact in seniors]
        if senior_pool and rng.random() < 0.6:
            technical = senior_pool[0]
            technical.buying_role = BuyingRole.TECHNICAL_BUYER
            pool.remove(technical)
        if pool and rng.random() < 0.3:
            gatekeeper = pool.pop()
            gatekeeper.buying_role = BuyingRole.GATEKEEPER
            gatekeeper.title = "Executive Assistant"
        if pool and rng.random() < 0.15:
            blocker = pool.pop()
            blocker.buying_role = BuyingRole.BLOCKER
            blocker.attitude = rng.choice((Attitude.SCEPTIC, Attitude.OPPONENT))
        if not single_threaded:
            return contacts, None
        # all we know goes through one person
        thread = seniors[0] if seniors else top
        for contact in contacts:
            if contact is thread:
                contact.relationship_strength = rng.randint(4, 5)
                contact.relationship_owner_id = owner
            else:
                contact.relationship_strength = 1
                contact.relationship_owner_id = None
        return contacts, thread

    def _relationship_owner(self, account: Account, level: int) -> int | None:
        rng = self.rng
        owner = account.owner_id
        if owner is None:
            return None
        draw = rng.random()
        if draw < 0.6:
            return owner
        if draw < 0.75:
            return account.backup_owner_id or owner
        return rng.choice(self.staff.colleagues(owner, senior=level == 0))

    def _interactions(
        self, account: Account, contacts: list[Contact], thread: Contact | None
    ) -> list[tuple[Interaction, list[Contact], list[int]]]:
        """5-20 calls, meetings, ... over the year before the demo's day (the latest the day before, so
        none lies ahead of someone loading the demo in the morning); sets each contact's
        last_contact_at."""
        rng = self.rng
        owner = account.owner_id
        manager = self.staff.manager_of_team.get(account.team_id)
        director = self.staff.director
        top = contacts[0]
        present = [contact for contact in contacts if not contact.has_left]
        neglected = rng.random() < 0.1  # nobody has been in touch for two months or more
        made = []
        for _ in range(rng.randint(5, 20)):
            kind, _, shortest, longest = rng.choices(INTERACTION_KINDS, cum_weights=INTERACTION_WEIGHTS)[0]
            days = rng.randint(60 if neglected else 1, 364)
            occurred = self.now - timedelta(
                days=days, hours=rng.randint(0, 8), minutes=rng.choice((0, 15, 30, 45))
            )
            if thread is not None:
                people = [thread]
            else:
                people = rng.sample(
                    present, min(len(present), 1 + (rng.random() < 0.4) + (rng.random() < 0.15))
                )
                if top not in people and rng.random() < 0.25:
                    people.append(top)
            ours: list[int] = []
            lead = account.backup_owner_id if account.backup_owner_id and rng.random() < 0.15 else owner
            if lead is not None:
                ours.append(lead)
            if manager is not None and manager not in ours and rng.random() < 0.2:
                ours.append(manager)
            if (
                director is not None
                and kind in (InteractionKind.VISIT, InteractionKind.EVENT)
                and rng.random() < 0.25
            ):
                ours.append(director)
            subject = rng.choice(SUBJECTS[kind])
            interaction = Interaction(
                account=account,
                kind=kind,
                occurred_at=occurred,
                subject=subject,
                notes=f"{subject} with {', '.join(contact.full_name for contact in people)}.",
                duration_minutes=rng.randint(shortest // 5, longest // 5) * 5,
                logged_by_id=ours[0] if ours else None,
            )
            for contact in people:
                if contact.last_contact_at is None or contact.last_contact_at < occurred:
                    contact.last_contact_at = occurred
            made.append((interaction, people, ours))
        return made

    def _feedback(
        self,
        account: Account,
        contacts: list[Contact],
        requests: list[FeedbackRequest],
        feedback: list[Feedback],
        issues: list[CustomerIssue],
    ) -> None:
        rng = self.rng
        owner = account.owner_id
        present = [contact for contact in contacts if not contact.has_left]
        own: list[Feedback] = []
        for _ in range(rng.randint(0, 4)):
            score = rng.choices(range(11), cum_weights=SCORE_WEIGHTS)[0]
            topic = rng.choice(FEEDBACK_TOPICS)
            channel = rng.choice(FEEDBACK_CHANNELS)
            received = self.now - timedelta(days=rng.randint(1, 364), hours=rng.randint(0, 8))
            contact = rng.choice(present) if channel != FeedbackChannel.SURVEY else None
            request = None
            if channel == FeedbackChannel.REQUESTED:
                request = FeedbackRequest(
                    account=account,
                    contact=contact,
                    asked_at=received - timedelta(days=rng.randint(2, 20)),
                    asked_by_id=owner,
                    topic=topic,
                )
                requests.append(request)
            if score >= 8:
                severity, comment = Severity.LOW, f"{topic}: happy with how things go."
            elif score >= 6:
                severity, comment = (
                    rng.choice((Severity.LOW, Severity.MEDIUM)),
                    f"{topic}: fine, room to improve.",
                )
            elif score >= 4:
                severity, comment = (
                    rng.choice((Severity.MEDIUM, Severity.HIGH)),
                    f"{topic}: not what we expect.",
                )
            else:
                severity, comment = (
                    rng.choice((Severity.HIGH, Severity.CRITICAL)),
                    f"{topic}: this has to change.",
                )
            item = Feedback(
                account=account,
                contact=contact,
                request=request,
                received_at=received,
                channel=channel,
                score=score,
                topic=topic,
                severity=severity,
                comment=comment,
            )
            own.append(item)
        feedback.extend(own)
        if rng.random() < 0.25:  # asked recently, no answer yet
            requests.append(
                FeedbackRequest(
                    account=account,
                    contact=rng.choice(present),
                    asked_at=self.now - timedelta(days=rng.randint(1, 30)),
                    asked_by_id=owner,
                    topic=rng.choice(FEEDBACK_TOPICS),
                )
            )
        unhappy = [item for item in own if item.score is not None and item.score <= 6]
        for _ in range(rng.choice((0, 1, 1, 2))):
            raised = self.now - timedelta(days=rng.randint(1, 200), hours=rng.randint(0, 8))
            status = rng.choices(
                (IssueStatus.OPEN, IssueStatus.RESOLVED, IssueStatus.CUSTOMER_INFORMED),
                cum_weights=(40, 65, 100),
            )[0]
            resolved = informed = None
            if status != IssueStatus.OPEN:
                resolved = raised + timedelta(days=rng.randint(1, 30))
                if resolved > self.now:
                    status, resolved = IssueStatus.OPEN, None
            if resolved is not None and status == IssueStatus.CUSTOMER_INFORMED:
                informed = min(self.now, resolved + timedelta(days=rng.randint(0, 7)))
            source = rng.choice(unhappy) if unhappy and rng.random() < 0.5 else None
            issues.append(
                CustomerIssue(
                    account=account,
                    feedback=source,
                    raised_by=source.contact if source is not None else rng.choice(present),
                    title=rng.choice(ISSUE_TITLES),
                    description="Raised by the customer; see the interactions log for the details.",
                    severity=rng.choice((Severity.LOW, Severity.MEDIUM, Severity.MEDIUM, Severity.HIGH)),
                    status=status,
                    raised_at=raised,
                    owner_id=owner,
                    resolution="Fixed and checked with the customer's team." if resolved else "",
                    resolved_at=resolved,
                    customer_informed_at=informed,
                )
            )


def _make_deals(
    context: DemoContext, staff: Staff, book: Book, products: list[Product], counts: Counts
) -> None:
    """Deals in chunks, written with one prepared INSERT per chunk; key accounts get more of them."""
    total = context.size.deals
    accounts = len(book.ids)
    if not total or not accounts or not products:
        return
    rng = context.rng
    rnd = rng.random
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
    # date columns as the database wants them, by "days before the demo's day" (negative: after it)
    future, past = 400, 1200
    today = context.as_of
    day = [ops.adapt_datefield_value(today - timedelta(days=offset)) for offset in range(-future, past)]
    account_weights = list(accumulate(KEY_DEAL_WEIGHT if is_key else 1.0 for is_key in book.key))
    product_ids = [product.pk for product in products]
    product_names = [product.name for product in products]
    prices = [float(product.list_price or 1000) for product in products]
    product_weights = list(accumulate(PRODUCT_WEIGHTS.get(product.name, 10) for product in products))
    kams = staff.kams
    won_last_year = [0.0] * accounts
    ids, owners, names, divisions = book.ids, book.owners, book.names, book.divisions
    # plain strings for the driver; about 48% won, 28% lost, 18% engaging (some of them at proposal
    # or negotiation) and 6% prospecting, like the sample's pipeline
    won, lost, prospecting = str(DealStage.WON), str(DealStage.LOST), str(DealStage.PROSPECTING)
    status_of = {str(stage): str(status) for stage, status in STAGE_STATUS.items()}
    open_stages = (
        (0.76 + 0.03, str(DealStage.NEGOTIATION)),
        (0.76 + 0.07, str(DealStage.PROPOSAL)),
        (0.76 + 0.18, str(DealStage.ENGAGING)),
        (1.0, prospecting),
    )
    fields = (
        "created_at",
        "updated_at",
        "account",
        "external_id",
        "name",
        "product",
        "division",
        "owner",
        "stage",
        "status",
        "amount",
        "margin",
        "engaged_on",
        "expected_close_on",
        "closed_on",
    )
    number = 0
    for start in range(0, total, DEAL_CHUNK):
        size = min(DEAL_CHUNK, total - start)
        picks = rng.choices(range(accounts), cum_weights=account_weights, k=size)
        chosen_products = rng.choices(range(len(products)), cum_weights=product_weights, k=size)
        rows = []
        for a, p in zip(picks, chosen_products, strict=True):
            number += 1
            draw = rnd()
            value = prices[p] * (0.82 + 0.3 * rnd())
            margin = None
            expected = closed = None
            if draw < 0.76:
                stage = won if draw < 0.48 else lost
                engaged_ago = 10 + int(rnd() * 1086)
                closed_ago = engaged_ago - min(7 + int(rnd() * 153), engaged_ago - 1)
                engaged, closed = day[future + engaged_ago], day[future + closed_ago]
                amount: Decimal | None = Decimal(round(value))
                if stage == won:
                    counts.won += 1
                    if closed_ago <= 365:
                        won_last_year[a] += value
                    if rnd() < 0.85:
                        margin = Decimal(round(value * (0.12 + 0.3 * rnd())))
            else:
                stage = next(name for limit, name in open_stages if draw < limit)
                if stage == prospecting:
                    engaged = None
                    expected = day[future - 30 - int(rnd() * 240)]
                else:
                    engaged = day[future + int(rnd() * 270)]
                    expected = day[future + 30 - int(rnd() * 210)]  # a few have slipped past their date
                amount = Decimal(round(value)) if rnd() < 0.7 else None
            owner = owners[a] if rnd() >= 0.08 or not kams else kams[int(rnd() * len(kams))]
            own_divisions = divisions.get(a)
            division = (
                own_divisions[int(rnd() * len(own_divisions))] if own_divisions and rnd() < 0.6 else None
            )
            rows.append(
                (
                    stamp,
                    stamp,
                    ids[a],
                    f"DEMO-{number:06d}",
                    f"{names[a]} - {product_names[p]}",
                    product_ids[p],
                    division,
                    owner,
                    stage,
                    status_of[stage],
                    amount,
                    margin,
                    engaged,
                    expected,
                    closed,
                )
            )
        insert_rows(Deal, fields, rows)
        counts.deals += len(rows)
    _estimate_wallets(rng, book, won_last_year)


def _estimate_wallets(rng: Random, book: Book, won_last_year: list[float]) -> None:
    """What each customer spends a year on what we sell, from anyone: our last year / our share."""
    rows = []
    for index, account_id in enumerate(book.ids):
        if rng.random() < 0.15:
            continue  # not estimated yet
        ours = won_last_year[index]
        estimate = ours / rng.uniform(0.2, 0.8) if ours else rng.uniform(5_000, 60_000)
        rows.append((Decimal(round(estimate, -2)), account_id))
    quote = connection.ops.quote_name
    table, wallet, key = (quote(name) for name in (Account._meta.db_table, "wallet_estimate", "id"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {wallet} = new.wallet FROM UNNEST(%s::numeric[], %s::bigint[]) "
                f"AS new (wallet, id) WHERE {table}.{key} = new.id",
                [list(column) for column in zip(*rows, strict=True)] if rows else [[], []],
            )
            return
        sql = f"UPDATE {table} SET {wallet} = %s WHERE {key} = %s"
        for start in range(0, len(rows), 10 * BATCH):
            cursor.executemany(sql, rows[start : start + 10 * BATCH])
