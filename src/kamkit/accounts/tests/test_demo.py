"""The demo accounts: sample names, owners and backups, key-account detail, deals; same seed and day,
same data; another day, the same data moved in time."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Min

from kamkit.accounts import demo as accounts_demo
from kamkit.accounts.choices import STAGE_STATUS, SWOT_PARTS, BuyingRole, DealStatus, ProfileSectionKind, Tier
from kamkit.accounts.models import (
    Account,
    AccountCompetitor,
    Contact,
    Deal,
    Feedback,
    FinancialYear,
    Interaction,
    Product,
    ProductLine,
    ProfileSection,
)
from kamkit.core import demo
from kamkit.core.choices import Role
from kamkit.users.demo import build_people
from kamkit.users.models import User

SMALL = demo.DemoSize(people=12, accounts=30, deals=300)
DAY = date(2026, 11, 1)  # the demo's day in these tests


def demo_now(day: date = DAY) -> datetime:
    return demo.DemoContext(size=SMALL, seed=0, rng=Random(0), as_of=day).now


def make(seed: int = 7, size: demo.DemoSize = SMALL, as_of: date = DAY) -> list[str]:
    """The people and accounts builders only: later builders (plans, ...) have their own tests."""
    context = demo.DemoContext(size=size, seed=seed, rng=Random(seed), as_of=as_of)
    with transaction.atomic():
        return [build_people(context), accounts_demo.build_accounts(context)]


def snapshot() -> list[Any]:
    """The demo by natural keys (ids differ from one run to the next)."""
    return [
        list(
            Account.objects.order_by("name").values_list(
                "name",
                "industry",
                "tier",
                "owner__email",
                "backup_owner__email",
                "parent__name",
                "customer_since",
                "annual_revenue",
                "wallet_estimate",
            )
        ),
        list(
            Contact.objects.order_by("account__name", "last_name", "first_name").values_list(
                "account__name", "first_name", "last_name", "title", "buying_role", "reports_to__last_name"
            )
        ),
        list(
            Interaction.objects.order_by("account__name", "occurred_at", "subject").values_list(
                "account__name", "occurred_at", "subject", "duration_minutes"
            )
        ),
        list(
            Deal.objects.order_by("external_id").values_list(
                "external_id",
                "account__name",
                "product__name",
                "stage",
                "amount",
                "closed_on",
                "owner__email",
            )
        ),
    ]


def snapshot_of(seed: int) -> list[Any]:
    """Generate, take the snapshot, and roll it all back (cheaper and safer than deleting)."""
    with transaction.atomic():
        make(seed=seed)
        taken = snapshot()
        transaction.set_rollback(True)
    return taken


def test_the_sample_is_read_from_the_package_with_its_mistakes_fixed() -> None:
    samples = accounts_demo.load_sample_accounts()
    assert len(samples) == 85
    acme = samples[0]
    assert (acme.name, acme.industry) == ("Acme Corporation", "technology")
    assert acme.revenue == Decimal("1100040000")
    assert "technolgy" not in {sample.industry for sample in samples}
    assert "Philippines" in {sample.country for sample in samples}
    products = accounts_demo.load_sample_products()
    assert [(product.name, product.line, product.list_price) for product in products][:2] == [
        ("GTX Basic", "GTX", Decimal("550")),
        ("GTX Pro", "GTX", Decimal("4821")),
    ]


def test_small_demo_has_what_was_asked_for_with_the_sample_names(db: None) -> None:
    lines = demo.generate(SMALL, seed=7, as_of=DAY)
    report = next(line for line in lines if line.startswith("accounts: "))
    assert report.startswith("accounts: 30 accounts (6 key, ")
    assert "300 deals" in report
    assert not [line for line in lines if "none made" in line]
    assert Account.objects.count() == 30
    assert Account.objects.filter(is_key_account=True, tier=Tier.KEY).count() == 6
    assert not Account.objects.filter(is_key_account=False, tier=Tier.KEY).exists()
    assert Deal.objects.count() == 300
    assert ProductLine.objects.count() == 3 and Product.objects.count() == 7
    acme = Account.objects.get(name="Acme Corporation")
    assert acme.industry == "technology" and acme.annual_revenue == Decimal("1100040000")
    assert acme.employees == 2822 and acme.country == "United States"
    subsidiaries = set(acme.subsidiaries.values_list("name", flat=True))
    assert subsidiaries == {"Bluth Company", "Codehow", "Donquadtech"}
    assert not Account.objects.filter(industry="technolgy").exists()
    # at 30 accounts Sonron (sample row 64) is not made, so its subsidiary Gogozoom has no parent
    assert Account.objects.get(name="Gogozoom").parent is None
    years = Account.objects.values_list("customer_since__year", flat=True)
    assert min(years) >= 1995 and max(years) <= DAY.year - 1


def test_same_seed_same_accounts_and_deals_other_seed_other_ones(db: None) -> None:
    first = snapshot_of(7)
    assert first[0] and first[3]
    assert snapshot_of(7) == first
    assert snapshot_of(8) != first


def days_before(day: date, value: date | None) -> int | None:
    return None if value is None else (day - value).days


def dated_from(day: date) -> list[Any]:
    """The demo made as of ``day``, every date written as its distance to that day (customer-since
    dates are left out: they follow the calendar year, not the day)."""
    now = demo_now(day)

    def before(moment: datetime | None) -> timedelta | None:
        return None if moment is None else now - moment

    with transaction.atomic():
        make(seed=7, as_of=day)
        taken = [
            list(
                Account.objects.order_by("name").values_list(
                    "name", "tier", "owner__email", "wallet_estimate"
                )
            ),
            [
                (
                    deal.external_id,
                    deal.account.name,
                    deal.stage,
                    deal.amount,
                    deal.margin,
                    days_before(day, deal.engaged_on),
                    days_before(day, deal.expected_close_on),
                    days_before(day, deal.closed_on),
                )
                for deal in Deal.objects.select_related("account").order_by("external_id")
            ],
            [
                (item.account.name, before(item.occurred_at), item.subject, item.duration_minutes)
                for item in Interaction.objects.select_related("account").order_by(
                    "account__name", "occurred_at"
                )
            ],
            [
                (c.account.name, c.last_name, c.first_name, before(c.last_contact_at))
                for c in Contact.objects.select_related("account").order_by(
                    "account__name", "last_name", "first_name"
                )
            ],
            [
                (f.account.name, before(f.received_at), f.score)
                for f in Feedback.objects.select_related("account").order_by("account__name", "received_at")
            ],
            [
                (p.account.name, p.kind, before(p.reviewed_at))
                for p in ProfileSection.objects.select_related("account").order_by("account__name", "kind")
            ],
            [
                (y.account.name, day.year - y.year, y.revenue)
                for y in FinancialYear.objects.select_related("account").order_by("account__name", "year")
            ],
        ]
        transaction.set_rollback(True)
    return taken


def test_another_day_gives_the_same_demo_moved_in_time(db: None) -> None:
    # given the same seed, made as of two days seven and a half months apart
    first = dated_from(date(2026, 11, 1))
    later = dated_from(date(2027, 6, 15))
    # then every deal, contact, interaction, feedback and review lies as far from its demo's day
    assert all(first), "every part of the snapshot has rows"
    assert later == first


def test_the_demo_is_dated_up_to_its_day(db: None) -> None:
    # given a demo made as of a day that is not the default
    day = date(2027, 6, 15)
    make(as_of=day)
    now = demo_now(day)
    # then the latest won deal closed in the month before that day and open deals are expected around it
    won = Deal.objects.filter(status=DealStatus.WON).aggregate(
        latest=Max("closed_on"), first=Min("engaged_on")
    )
    assert day - timedelta(days=30) <= won["latest"] < day
    assert won["first"] >= day - timedelta(days=1200)
    expected = Deal.objects.filter(status=DealStatus.OPEN).values_list("expected_close_on", flat=True)
    assert min(expected) < day < max(expected) <= day + timedelta(days=270)
    assert not Deal.objects.filter(closed_on__gte=day).exists()
    # and the latest contact was in the two weeks before, none on the day itself (it may not be over)
    latest = Interaction.objects.aggregate(latest=Max("occurred_at"))["latest"]
    assert now - timedelta(days=14) <= latest < now.replace(hour=0, minute=0)
    assert Contact.objects.aggregate(latest=Max("last_contact_at"))["latest"] == latest
    assert not Feedback.objects.filter(received_at__gte=now).exists()
    assert not ProfileSection.objects.filter(reviewed_at__gte=now).exists()
    # and the customers joined before that year; their financial years are the three before it
    assert Account.objects.aggregate(latest=Max("customer_since"))["latest"] <= date(2026, 12, 31)
    assert set(FinancialYear.objects.values_list("year", flat=True)) == {2026, 2025, 2024}


def test_accounts_are_skipped_when_the_database_already_holds_some(db: None) -> None:
    Account.objects.create(name="Existing Customer")
    lines = demo.generate(SMALL, seed=7, as_of=DAY)
    assert "accounts: skipped: the database already holds 1 accounts" in " ".join(lines)
    assert not [line for line in lines if "none made" in line]
    assert list(Account.objects.values_list("name", flat=True)) == ["Existing Customer"]
    assert not Deal.objects.exists()
    assert User.objects.count() == SMALL.people


def test_owners_are_account_managers_with_their_team_and_a_different_backup(db: None) -> None:
    make()
    accounts = Account.objects.select_related("owner", "backup_owner")
    assert all(account.owner and account.owner.role == Role.ACCOUNT_MANAGER for account in accounts)
    assert all(account.team_id == account.owner.team_id for account in accounts if account.owner)
    backed_up = [account for account in accounts if account.backup_owner]
    assert backed_up
    assert all(account.backup_owner.role == Role.ACCOUNT_MANAGER for account in backed_up)
    assert not Account.objects.filter(backup_owner=F("owner")).exists()
    key = Account.objects.filter(is_key_account=True)
    assert key.filter(backup_owner__isnull=True).exists(), "the coverage report needs gaps to show"
    assert key.filter(backup_owner__isnull=False).count() > key.filter(backup_owner__isnull=True).count()


def test_key_accounts_have_a_profile_and_a_decision_maker_tree(db: None) -> None:
    make()
    key = list(Account.objects.filter(is_key_account=True))
    assert not Contact.objects.filter(account__is_key_account=False).exists()
    for account in key:
        contacts = {contact.pk: contact for contact in account.contacts.all()}
        assert 3 <= len(contacts) <= 9
        tops = [contact for contact in contacts.values() if contact.reports_to_id is None]
        assert len(tops) == 1 and tops[0].is_key_person
        for contact in contacts.values():
            seen = set()
            while contact.reports_to_id is not None:
                assert contact.pk not in seen, "loop in reports_to"
                seen.add(contact.pk)
                contact = contacts[contact.reports_to_id]  # the boss works at the same customer
            assert contact is tops[0]
        kinds = set(account.profile_sections.values_list("kind", flat=True))
        assert kinds >= {
            ProfileSectionKind.GOALS,
            ProfileSectionKind.STRUCTURE,
            ProfileSectionKind.MARKET_POSITION,
            ProfileSectionKind.TRENDS,
            ProfileSectionKind.SWOT,
            ProfileSectionKind.VALUE_CHAIN,
            ProfileSectionKind.COMPETITORS,
        }
        swot = account.profile_sections.get(kind=ProfileSectionKind.SWOT)
        assert all(swot.items[part] for part in SWOT_PARTS)
        assert 1 <= account.divisions.count() <= 4
        assert set(FinancialYear.objects.filter(account=account).values_list("year", flat=True)) == {
            DAY.year - 1,
            DAY.year - 2,
            DAY.year - 3,
        }
        assert 1 <= AccountCompetitor.objects.filter(account=account).count() <= 3
        assert 5 <= account.interactions.count() <= 20
    stale = ProfileSection.objects.filter(reviewed_at__lt=demo_now() - timedelta(days=180))
    assert stale.exists() and ProfileSection.objects.exclude(pk__in=stale).exists()
    roles = Contact.objects.values("buying_role").annotate(n=Count("id"))
    assert {row["buying_role"] for row in roles} >= {BuyingRole.ECONOMIC_BUYER, BuyingRole.COACH}


def test_interactions_set_last_contact_and_stay_inside_their_account(db: None) -> None:
    make()
    links = Interaction.contacts.through.objects.all()
    assert links.exists()
    assert not links.exclude(contact__account=F("interaction__account")).exists()
    assert Interaction.our_people.through.objects.exists()
    assert not Interaction.objects.filter(duration_minutes__isnull=True).exists()
    latest = Contact.objects.annotate(latest=Max("interactions__occurred_at"))
    for contact in latest:
        assert contact.last_contact_at == contact.latest
    assert latest.filter(last_contact_at__isnull=False).exists()


def test_deals_follow_the_pipeline_and_the_catalogue(db: None) -> None:
    make()
    deals = list(Deal.objects.select_related("product", "division", "account", "owner"))
    assert {deal.external_id for deal in deals} == {f"DEMO-{number:06d}" for number in range(1, 301)}
    by_status: dict[str, int] = defaultdict(int)
    for deal in deals:
        assert deal.status == STAGE_STATUS[deal.stage]
        by_status[deal.status] += 1
        if deal.status == DealStatus.OPEN:
            assert deal.closed_on is None and deal.expected_close_on is not None
        else:
            assert deal.closed_on is not None and deal.amount is not None
            assert deal.engaged_on is not None and deal.engaged_on <= deal.closed_on < DAY
        if deal.amount is not None:
            assert deal.product.list_price is not None
            price = deal.product.list_price
            assert Decimal("0.8") * price <= deal.amount <= Decimal("1.15") * price
        if deal.division is not None:
            assert deal.account.is_key_account and deal.division.account_id == deal.account_id
        assert deal.owner is not None and deal.owner.role == Role.ACCOUNT_MANAGER
    assert by_status[DealStatus.WON] > by_status[DealStatus.LOST] > by_status[DealStatus.OPEN] > 0
    key_deals = sum(deal.account.is_key_account for deal in deals)
    assert key_deals > len(deals) / 3  # a fifth of the accounts, well over a third of the deals
    assert Deal.objects.filter(division__isnull=False).exists()


def test_generated_names_stay_unique_at_the_largest_demo_size() -> None:
    rng = Random(7)
    samples = [sample.name for sample in accounts_demo.load_sample_accounts()]
    names = accounts_demo.CompanyNames(rng, samples)
    made = [names.make(rng.choice(accounts_demo.INDUSTRIES)) for _ in range(100_000 - len(samples))]
    assert len({name.lower() for name in made + samples}) == 100_000
