"""Account services: validation rules, contacts and their reporting lines, last contact, issues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kamkit.accounts import queries, services
from kamkit.accounts.choices import IssueStatus
from kamkit.accounts.models import Account, Contact
from kamkit.accounts.tests.fixtures import Book, make_account
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.core.models import AuditEntry
from kamkit.users.tests.fixtures import Org


def test_account_takes_the_owners_team_and_is_audited(org: Org, book: Book) -> None:
    assert book.alpha.team == org.north
    assert AuditEntry.objects.filter(content_type__model="account", object_id=str(book.alpha.pk)).exists()


def test_account_rules_are_reported_per_field(org: Org, book: Book) -> None:
    with pytest.raises(ServiceError) as refused:
        services.create_account(
            data=services.AccountInput(
                name="alpha industries", owner=org.kam_a, backup_owner=org.kam_a, tier="gold"
            )
        )
    errors = refused.value.errors
    assert errors["name"] == ["An account called 'alpha industries' already exists."]
    assert errors["backup_owner"] == ["The backup must be someone other than the owner."]
    assert errors["tier"][0].startswith("'gold' is not one of")
    assert Account.objects.count() == 4


def test_account_hierarchy_cannot_loop(book: Book) -> None:
    services.update_account(
        account=book.beta, data=services.AccountInput(name=book.beta.name, parent=book.alpha)
    )
    with pytest.raises(ServiceError) as refused:
        services.update_account(
            account=book.alpha, data=services.AccountInput(name=book.alpha.name, parent=book.beta)
        )
    assert "cannot loop" in refused.value.errors["parent"][0]


def test_contact_reporting_line_stays_inside_the_account_and_cannot_loop(book: Book) -> None:
    ceo = services.create_contact(account=book.alpha, data=services.ContactInput(last_name="Boss"))
    cfo = services.create_contact(
        account=book.alpha, data=services.ContactInput(last_name="Money", reports_to=ceo)
    )
    with pytest.raises(ServiceError) as loop:
        services.update_contact(contact=ceo, data=services.ContactInput(last_name="Boss", reports_to=cfo))
    assert loop.value.errors["reports_to"] == ["Money already reports (directly or not) to Boss."]
    elsewhere = services.create_contact(account=book.beta, data=services.ContactInput(last_name="Other"))
    with pytest.raises(ServiceError) as foreign:
        services.create_contact(
            account=book.alpha, data=services.ContactInput(last_name="X", reports_to=elsewhere)
        )
    assert foreign.value.errors["reports_to"] == ["Other works at another account."]
    with pytest.raises(ServiceError) as bad:
        services.create_contact(
            account=book.alpha,
            data=services.ContactInput(last_name="Y", influence=9, buying_role="king", email="no"),
        )
    assert set(bad.value.errors) == {"influence", "buying_role", "email"}


def test_last_contact_follows_the_newest_interaction_also_after_a_delete(org: Org, book: Book) -> None:
    buyer = services.create_contact(account=book.alpha, data=services.ContactInput(last_name="Buyer"))
    now = timezone.now()
    old = services.log_interaction(
        account=book.alpha, subject="Intro", occurred_at=now - dt.timedelta(days=30), contacts=[buyer]
    )
    new = services.log_interaction(
        account=book.alpha, subject="Review", occurred_at=now - dt.timedelta(days=2), contacts=[buyer]
    )
    buyer.refresh_from_db()
    assert buyer.last_contact_at == new.occurred_at
    services.delete_interaction(interaction=new)
    buyer.refresh_from_db()
    assert buyer.last_contact_at == old.occurred_at
    with pytest.raises(ServiceError) as future:
        services.log_interaction(account=book.alpha, subject="Later", occurred_at=now + dt.timedelta(days=3))
    assert "occurred_at" in future.value.errors
    stranger = services.create_contact(account=book.beta, data=services.ContactInput(last_name="Stranger"))
    with pytest.raises(ServiceError):
        services.log_interaction(account=book.alpha, subject="x", occurred_at=now, contacts=[stranger])


def test_issue_is_closed_only_when_the_customer_is_told(book: Book) -> None:
    issue = services.raise_issue(account=book.alpha, title="Late deliveries", severity="high")
    assert issue.owner == book.alpha.owner
    with pytest.raises(ConflictError, match="once the issue is resolved"):
        services.inform_customer(issue=issue)
    with pytest.raises(ServiceError, match="how it was resolved"):
        services.resolve_issue(issue=issue, resolution="  ")
    services.resolve_issue(issue=issue, resolution="New carrier from March.")
    assert issue.status == IssueStatus.RESOLVED and issue.customer_informed_at is None
    services.inform_customer(issue=issue)
    assert issue.status == IssueStatus.CUSTOMER_INFORMED and issue.customer_informed_at is not None
    services.reopen_issue(issue=issue)
    assert issue.status == IssueStatus.OPEN and issue.resolved_at is None


def test_feedback_needs_a_score_or_comment_and_can_open_an_issue(book: Book) -> None:
    with pytest.raises(ServiceError) as empty:
        services.record_feedback(account=book.alpha, data=services.FeedbackInput(score=None))
    assert "score" in empty.value.errors
    with pytest.raises(ServiceError):
        services.record_feedback(account=book.alpha, data=services.FeedbackInput(score=11))
    services.record_feedback(
        account=book.alpha,
        data=services.FeedbackInput(score=3, topic="Invoices wrong", severity="high", raise_issue=True),
    )
    assert book.alpha.issues.get().title == "Invoices wrong"


def test_profile_sections_are_reviewed_when_saved_and_go_stale(
    org: Org, book: Book, settings: object
) -> None:
    section = services.save_profile_section(
        account=book.alpha,
        kind="swot",
        items={"strengths": ["Loyal buyers", " "], "threats": ["Cheap imports"]},
        reviewer=org.kam_a,
    )
    assert section.items == {
        "strengths": ["Loyal buyers"],
        "weaknesses": [],
        "opportunities": [],
        "threats": ["Cheap imports"],
    }
    views = {v.kind: v for v in queries.profile_of(book.alpha)}
    assert not views["swot"].stale and not views["swot"].missing
    assert views["goals"].missing
    later = timezone.now() + dt.timedelta(days=181)
    assert {v.kind: v for v in queries.profile_of(book.alpha, now=later)}["swot"].stale
    with pytest.raises(ServiceError):
        services.save_profile_section(account=book.alpha, kind="goals", items={"x": ["y"]}, reviewer=None)
    with pytest.raises(ServiceError):
        services.save_profile_section(account=book.alpha, kind="swot", items={"luck": ["y"]}, reviewer=None)


def test_coverage_lists_key_accounts_without_backup_or_with_absent_owner(org: Org, book: Book) -> None:
    from kamkit.users import services as user_services

    user_services.update_user(actor=None, user=org.kam_a, changes=user_services.UserChanges(on_leave=True))
    rows = {row.account.name: row.problems for row in queries.coverage_report(org.director)}
    assert rows == {
        "Alpha Industries": ["owner Kam A is on leave"],
        "Beta Logistics": ["no backup"],
    }
    assert [r.account.name for r in queries.coverage_report(org.kam_south)] == []


def test_health_uses_feedback_recency_and_issues(book: Book) -> None:
    now = timezone.now()
    buyer = services.create_contact(account=book.alpha, data=services.ContactInput(last_name="Buyer"))
    services.log_interaction(
        account=book.alpha, subject="Visit", occurred_at=now - dt.timedelta(days=3), contacts=[buyer]
    )
    services.record_feedback(account=book.alpha, data=services.FeedbackInput(score=8))
    services.raise_issue(account=book.alpha, title="Slow support", severity="medium")
    inputs = queries.health_inputs(book.alpha, now=now)
    assert inputs.feedback_scores_mean == 8.0 and inputs.feedback_count == 1
    assert inputs.days_since_contact == 3
    assert inputs.open_issues == {"medium": 1}
    health = queries.health_of(book.alpha, now=now)
    assert health.score is not None and health.band == "healthy"


def test_competitors_are_shared_by_name(book: Book) -> None:
    services.save_account_competitor(account=book.alpha, competitor_name="Rivalco", wins=2, losses=1)
    services.save_account_competitor(account=book.beta, competitor_name="rivalco ")
    assert book.alpha.competitors.get().competitor == book.beta.competitors.get().competitor
    with pytest.raises(ServiceError):
        services.save_account_competitor(account=book.alpha, competitor_name="Rivalco", wins=-1)


def test_make_account_helper_refuses_duplicates(db: None) -> None:
    make_account("Solo")
    with pytest.raises(ServiceError):
        make_account("SOLO")
    assert Contact.objects.count() == 0


def test_deleting_an_account_removes_everything_inside_it(org: Org, book: Book) -> None:
    buyer = services.create_contact(account=book.alpha, data=services.ContactInput(last_name="Buyer"))
    services.request_feedback(account=book.alpha, asked_by=org.kam_a, contact=buyer, topic="Delivery")
    services.record_feedback(
        account=book.alpha, data=services.FeedbackInput(score=4, contact=buyer, raise_issue=True)
    )
    services.log_interaction(account=book.alpha, subject="Call", occurred_at=timezone.now(), contacts=[buyer])
    services.delete_account(account=book.alpha)
    assert not Account.objects.filter(pk=book.alpha.pk).exists()
    assert not Contact.objects.filter(account_id=book.alpha.pk).exists()
