"""Candidate records (one per address and per employee), erasing them, and assessing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kamkit.core.errors import ConflictError, ServiceError
from kamkit.hiring.choices import CandidateSource
from kamkit.hiring.models import Candidate
from kamkit.hiring.services.common import check_email, tidy
from kamkit.hiring.services.files import remove_files_on_commit
from kamkit.users.models import User


@dataclass(frozen=True)
class CandidateInput:
    full_name: str = ""
    email: str = ""
    phone: str = ""
    user: User | None = None
    source: str = CandidateSource.OTHER
    source_detail: str = ""
    notes: str = ""


def _check_candidate(data: CandidateInput, current: Candidate | None) -> CandidateInput:
    full_name = tidy(data.full_name)
    email = data.email.strip().lower()
    if data.user is not None:
        full_name = full_name or data.user.full_name
        email = email or data.user.email.lower()
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = ["Give the candidate's name."]
    if email:
        check_email(email, "email", errors)
    if data.source not in CandidateSource.values:
        errors["source"] = [f"{data.source!r} is not a source kamkit knows."]
    if data.user is not None and not data.user.is_active:
        errors["user"] = [f"{data.user} is no longer active."]
    if errors:
        raise ServiceError("The candidate was not saved.", errors=errors)
    others = Candidate.objects.exclude(pk=current.pk) if current is not None else Candidate.objects.all()
    if data.user is not None and others.filter(user=data.user).exists():
        raise ConflictError(
            f"{data.user} is already on file as a candidate.",
            errors={"user": ["This employee already has a candidate record; add it to the opening instead."]},
        )
    if email and others.filter(email=email).exists():
        raise ConflictError(
            f"A candidate with the address {email} is already on file.",
            errors={
                "email": [
                    "Already on file. If you cannot see them, they are in someone else's hiring: "
                    "ask a director or admin to add them to your position."
                ]
            },
        )
    return CandidateInput(
        full_name=full_name,
        email=email,
        phone=tidy(data.phone),
        user=data.user,
        source=CandidateSource.INTERNAL if data.user is not None else data.source,
        source_detail=tidy(data.source_detail),
        notes=data.notes.strip(),
    )


def create_candidate(*, data: CandidateInput, created_by: User | None) -> Candidate:
    """A new candidate. For an employee (``user``) name and address default to their account's."""
    clean = _check_candidate(data, None)
    return Candidate.objects.create(
        full_name=clean.full_name,
        email=clean.email,
        phone=clean.phone,
        user=clean.user,
        source=clean.source,
        source_detail=clean.source_detail,
        notes=clean.notes,
        created_by=created_by,
    )


def update_candidate(*, candidate: Candidate, data: CandidateInput) -> Candidate:
    clean = _check_candidate(data, candidate)
    candidate.full_name, candidate.email, candidate.phone = clean.full_name, clean.email, clean.phone
    candidate.user, candidate.source = clean.user, clean.source
    candidate.source_detail, candidate.notes = clean.source_detail, clean.notes
    candidate.save()
    return candidate


def delete_candidate(*, candidate: Candidate) -> None:
    """Erase a candidate and everything about them (applications, scorecards, files), e.g. on request."""
    files = [a.file.name for a in candidate.attachments.all() if a.file.name]
    candidate.delete()
    remove_files_on_commit(files)


def add_to_campaign(*, candidate: Candidate, campaign: Any, default_raters: bool = True) -> Any:
    """Assess the candidate in an assessment campaign: an employee as themself, anyone else by the
    candidate's name and address; the assessment is linked to the candidate either way."""
    from kamkit.assessments import services as assessment_services
    from kamkit.assessments.models import Assessment

    if Assessment.objects.filter(campaign=campaign, candidate=candidate).exists():
        raise ConflictError(
            f"{candidate} is already assessed in {campaign}.",
            errors={"campaign": ["Already in this campaign."]},
        )
    if candidate.user is not None:
        assessment = assessment_services.add_subject(
            campaign=campaign, subject_user=candidate.user, default_raters=default_raters
        )
    else:
        assessment = assessment_services.add_subject(
            campaign=campaign,
            candidate_name=candidate.full_name,
            candidate_email=candidate.email,
            default_raters=default_raters,
        )
    assessment.candidate = candidate
    assessment.save()
    return assessment
