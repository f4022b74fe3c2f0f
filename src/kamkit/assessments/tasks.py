"""Background work for assessments: invitation e-mails with personal links, and daily reminders.

Each rater gets one e-mail listing every person they are asked to rate, never one per person.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from kamkit.assessments import queries, services
from kamkit.assessments.models import RaterInvitation
from kamkit.core.audit import acting_as


def link_for(invitation: RaterInvitation) -> str:
    path = reverse("assessments:answer_by_link", kwargs={"token": invitation.token()})
    return f"{settings.KAMKIT_BASE_URL.rstrip('/')}{path}"


def _greeting(invitations: list[RaterInvitation]) -> str:
    first = invitations[0]
    name = first.rater_user.full_name if first.rater_user else first.rater_name
    return f"Hello {name}," if name else "Hello,"


def _listing(invitations: list[RaterInvitation]) -> str:
    lines = []
    for invitation in invitations:
        subject = invitation.assessment.subject_name
        about = "yourself" if invitation.relationship == "self" else subject
        due = invitation.assessment.campaign.due_date
        lines.append(f"- About {about} (by {due:%d %B %Y}):\n  {link_for(invitation)}")
    return "\n".join(lines)


def _send(email: str, invitations: list[RaterInvitation], *, reminder: bool) -> None:
    count = len(invitations)
    if reminder:
        subject = (
            "Reminder: your view is still missing" if count == 1 else f"Reminder: {count} assessments wait"
        )
        opening = "a short reminder: we have not received your answers yet."
    else:
        subject = "Your view is requested" if count == 1 else f"Your view is requested on {count} people"
        opening = "you are asked to answer a short questionnaire about how someone works."
    body = (
        f"{_greeting(invitations)}\n\n"
        f"{opening[0].upper()}{opening[1:]}\n"
        "It takes about ten minutes. You can save a draft and come back to it; the link is personal,\n"
        "so please do not forward it. Answers from peers, direct reports and customers are only ever\n"
        "shown as a group average.\n\n"
        f"{_listing(invitations)}\n"
    )
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])


def _deliver(groups: dict[str, list[RaterInvitation]], *, reminder: bool) -> int:
    sent = 0
    for email, invitations in groups.items():
        _send(email, invitations, reminder=reminder)
        with transaction.atomic():
            services.record_sent(invitations=invitations, reminder=reminder, at=timezone.now())
        sent += 1
    return sent


@task()
def send_invitations(campaign_id: int) -> int:
    """At launch: one e-mail per rater with the links of every person they rate. Returns e-mails sent."""
    with acting_as(label="task:assessment-invitations"):
        return _deliver(queries.invitations_to_send(campaign_id=campaign_id), reminder=False)


@task()
def send_invitation(invitation_id: int) -> int:
    """A rater added to an open campaign, or sent a new link."""
    with acting_as(label="task:assessment-invitations"):
        return _deliver(queries.invitations_to_send(invitation_id=invitation_id), reminder=False)


@task()
def send_reminders() -> int:
    """Remind raters who have not answered; never more than one reminder a day per rater."""
    with acting_as(label="task:assessment-reminders"):
        return _deliver(queries.reminders_due(), reminder=True)
