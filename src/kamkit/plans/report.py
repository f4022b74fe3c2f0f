"""The status report of an account, generated from its plan: one page on the web, one PDF.

Gathers once what both forms show (plan, health, revenue, completeness, execution, objectives,
opportunities, the latest review), so the page and the PDF cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.text import slugify

from kamkit.accounts import queries as account_queries
from kamkit.accounts.models import Account, Deal
from kamkit.core.pdf import PdfDocument
from kamkit.plans import completeness as completeness_rules
from kamkit.plans import queries
from kamkit.plans.choices import PlanStatus, Track
from kamkit.plans.models import AccountPlan, AccountReview, PlanMember, PlanSection


@dataclass
class StatusReport:
    plan: AccountPlan
    account: Account
    health: Any
    totals: dict[str, Decimal | int | None]
    completeness: completeness_rules.Completeness
    board: queries.PlanDashboard
    sections: list[PlanSection]
    members: list[PlanMember]
    opportunities: QuerySet[Deal]
    review: AccountReview | None


def current_plan(account: Account) -> AccountPlan | None:
    """The account's active plan (the one running today first), else its newest plan."""
    plans = AccountPlan.objects.filter(account=account)
    today = queries.today()
    return (
        plans.filter(status=PlanStatus.ACTIVE, starts_on__lte=today, ends_on__gte=today).first()
        or plans.filter(status=PlanStatus.ACTIVE).order_by("-starts_on").first()
        or plans.order_by("-starts_on", "-version").first()
    )


def status_report(plan: AccountPlan) -> StatusReport:
    account = plan.account
    return StatusReport(
        plan=plan,
        account=account,
        health=account_queries.health_of(account),
        totals=account_queries.deal_totals(account),
        completeness=queries.plan_completeness(plan),
        board=queries.plan_dashboard(plan),
        sections=list(plan.sections.all()),
        members=list(plan.members.select_related("user", "contact")),
        opportunities=queries.opportunities_of(plan),
        review=plan.reviews.prefetch_related("our_attendees", "customer_attendees").first(),
    )


def filename(plan: AccountPlan) -> str:
    return f"status-report-{slugify(plan.account.name)}-{slugify(plan.period)}-v{plan.version}.pdf"


def _number(value: Decimal | float | int | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


TRACK_LABELS = dict(Track.choices)


def status_report_pdf(report: StatusReport) -> bytes:
    plan, board = report.plan, report.board
    doc = PdfDocument(
        f"Status report: {report.account}",
        subtitle=(
            f"Plan {plan.period} version {plan.version} ({plan.get_status_display().lower()}), "
            f"{plan.starts_on:%d %b %Y} to {plan.ends_on:%d %b %Y}. Generated on {queries.today():%d %b %Y}."
        ),
    )
    health = report.health
    doc.heading("At a glance")
    doc.bullets(
        [
            f"Account health: {health.score if health.score is not None else '-'} / 100 ({health.band})",
            f"Won in the last 12 months: {_number(report.totals.get('won_12m'))}; open pipeline "
            f"{_number(report.totals.get('pipeline'))} in {report.totals.get('open')} deals",
            f"Plan completeness: {report.completeness.score} / 100",
            f"Actions done: {_percent(board.completion.rate)} of {board.completion.counted} due "
            f"({board.completion.missed} missed or overdue, {board.completion.skipped} skipped)",
            "Objectives: "
            + ", ".join(
                f"{board.tracks[value]} {label.lower()}"
                for value, label in Track.choices
                if board.tracks[value]
            ),
        ]
    )
    if plan.situation:
        doc.heading("Situation")
        doc.paragraph(plan.situation)
    for section in report.sections:
        if section.text:
            doc.heading(section.title, level=2)
            doc.paragraph(section.text)
    doc.heading("Objectives")
    doc.table(
        ["Objective", "Owner", "Baseline", "Target", "Current", "Due", "Where it stands"],
        [
            [
                row.objective.title,
                row.objective.owner or "-",
                _number(row.objective.baseline),
                _number(row.objective.target),
                _number(row.objective.current),
                f"{row.objective.due_on:%d %b %Y}" if row.objective.due_on else "-",
                TRACK_LABELS[row.track],
            ]
            for row in board.objectives
        ]
        or [["No objectives yet.", "", "", "", "", "", ""]],
        widths=[30, 14, 10, 10, 10, 12, 14],
    )
    if board.slipped:
        doc.heading("What slipped")
        doc.bullets([f"{s.day:%d %b %Y}: {s.what} ({s.detail})" for s in board.slipped[:15]])
    doc.heading("Opportunities")
    opportunities = list(report.opportunities)
    doc.table(
        ["Opportunity", "Stage", "Value", "Expected close", "For objectives"],
        [
            [
                d.name or str(d),
                d.get_stage_display(),
                _number(d.amount),
                f"{d.expected_close_on:%d %b %Y}" if d.expected_close_on else "-",
                ", ".join(o.title for o in d.objectives.all()) or "-",
            ]
            for d in opportunities[:20]
        ]
        or [["No open opportunities.", "", "", "", ""]],
        widths=[30, 14, 12, 14, 30],
    )
    if report.members:
        doc.heading("Team")
        doc.table(
            ["Side", "Person", "Role", "Responsibilities"],
            [[m.get_side_display(), m.person, m.role, m.responsibilities] for m in report.members],
            widths=[14, 22, 22, 42],
        )
    review = report.review
    doc.heading("Latest review")
    if review is None:
        doc.paragraph("No review recorded yet.", muted=True)
    else:
        attendees = [str(u) for u in review.our_attendees.all()] + [
            str(c) for c in review.customer_attendees.all()
        ]
        if review.other_attendees:
            attendees.append(review.other_attendees)
        doc.paragraph(f"{review.held_on:%d %b %Y}, with {', '.join(attendees) or 'nobody recorded'}.")
        for label, text in (
            ("What changed", review.what_changed),
            ("Decisions", review.decisions),
            ("Revisions", review.revisions),
        ):
            if text:
                doc.paragraph(f"{label}: {text}")
    if report.completeness.gaps:
        doc.heading("Missing from the plan")
        doc.bullets([gap.message for gap in report.completeness.gaps[:15]])
    return doc.output()
