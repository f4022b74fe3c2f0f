"""Background work for hiring: telling an interviewer they are on a candidate's panel, and reminding
interviewers whose scorecards are still open the day after the interview.

``send_scorecard_reminders`` runs daily: ``settings.KAMKIT_SCHEDULE`` has ``kamkit worker`` queue it
at ``KAMKIT_SCORECARD_REMINDERS_AT``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from kamkit.core.audit import acting_as
from kamkit.hiring import queries, services
from kamkit.hiring.choices import InterviewStatus
from kamkit.hiring.models import Interview


@task()
def notify_interviewer(interview_id: int) -> bool:
    """E-mail the interviewer the candidate, the time, the kit to print and their scorecard's link.
    False when nothing was sent (the place was removed or scored meanwhile, or nobody to write to)."""
    interview = (
        Interview.objects.select_related(
            "interviewer", "assigned_by", "application__candidate", "application__opening"
        )
        .filter(pk=interview_id, status=InterviewStatus.ASSIGNED)
        .first()
    )
    if interview is None or not interview.interviewer.is_active or not interview.interviewer.email:
        return False
    base = settings.KAMKIT_BASE_URL.rstrip("/")
    candidate, opening = interview.application.candidate, interview.application.opening
    asked_by = interview.assigned_by.full_name if interview.assigned_by else "The hiring team"
    when = (
        f"The interview is planned for {timezone.localtime(interview.scheduled_at):%A %d %B %Y at %H:%M}.\n"
        if interview.scheduled_at
        else ""
    )
    body = (
        f"Hello {interview.interviewer.full_name},\n\n"
        f"{asked_by} has asked you to interview {candidate} for the position {opening} "
        f"(proficiency level {opening.target_level}).\n{when}\n"
        "The interview kit, with the questions, the probes and the rating guide, to print:\n"
        f"{base}{reverse('hiring:interview_kit_pdf', args=[interview.pk])}\n\n"
        "Your scorecard, to fill in during or right after the interview:\n"
        f"{base}{reverse('hiring:scorecard', args=[interview.pk])}\n\n"
        "Please score on your own: you will see the other interviewers' ratings once you have\n"
        "submitted yours.\n"
    )
    send_mail(
        subject=f"Interview: {candidate} for {opening}",
        message=body,
        from_email=None,
        recipient_list=[interview.interviewer.email],
    )
    return True


@task()
def send_scorecard_reminders() -> int:
    """Remind each interviewer, in one e-mail, of the scorecards still open after their interview
    date; at most once a day. Returns the number of e-mails sent."""
    base = settings.KAMKIT_BASE_URL.rstrip("/")
    sent = 0
    with acting_as(label="task:hiring-reminders"):
        for interviewer, interviews in queries.reminders_due().items():
            lines = "\n".join(
                f"- {i.application.candidate} for {i.application.opening} "
                f"(interviewed {timezone.localtime(i.scheduled_at):%d %B %Y}):\n"
                f"  {base}{reverse('hiring:scorecard', args=[i.pk])}"
                for i in interviews
                if i.scheduled_at is not None
            )
            count = len(interviews)
            send_mail(
                subject=(
                    "Reminder: your scorecard is still open"
                    if count == 1
                    else f"Reminder: {count} scorecards are still open"
                ),
                message=(
                    f"Hello {interviewer.full_name},\n\n"
                    "The hiring manager is waiting for your view. Please submit your scorecard while the "
                    "interview\nis fresh; the panel's ratings show once yours is in.\n\n"
                    f"{lines}\n"
                ),
                from_email=None,
                recipient_list=[interviewer.email],
            )
            with transaction.atomic():
                services.record_reminders(interviews=interviews, at=timezone.now())
            sent += 1
    return sent
