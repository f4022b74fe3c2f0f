"""Background work for hiring: telling an interviewer they are on a candidate's panel."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

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
