"""Every write to questionnaires, campaigns, assessments, rater invitations and answers.

Callers own the transaction. E-mails go out through tasks enqueued on commit, so nothing is sent
for a write that rolls back. Whether the caller may do a thing is the permission service's
question, asked by the caller first; the rules here hold whoever calls (pages, API, tasks, CLI).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from kamkit.assessments import queries, reports
from kamkit.assessments.choices import CampaignStatus, LinkState, QuestionnaireSource, Relationship
from kamkit.assessments.documents import DocumentError, QuestionnaireDoc, check, read, read_csv, slugify_name
from kamkit.assessments.models import (
    Answer,
    Assessment,
    Campaign,
    Item,
    NormScore,
    NormState,
    Questionnaire,
    RaterInvitation,
    closing_time,
)
from kamkit.assessments.queries import document_of
from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile, Competency, Framework
from kamkit.users.models import User


def _refuse(detail: str, **errors: str) -> ServiceError:
    return ServiceError(detail, errors={name: [message] for name, message in errors.items()})


def today() -> dt.date:
    return timezone.localdate()


# Questionnaires ------------------------------------------------------------------------------------


def create_questionnaire(
    *,
    framework: Framework,
    doc: QuestionnaireDoc,
    source: str = QuestionnaireSource.IMPORTED,
    builtin_release: int | None = None,
) -> Questionnaire:
    """A questionnaire for ``framework`` from a checked document; every item must name one of the
    framework's competencies. Items are written in bulk and audited as one summary entry."""
    if framework.is_draft:
        raise _refuse(
            f"{framework} is a draft; publish it before writing a questionnaire for it.",
            framework="Choose a published framework version.",
        )
    try:
        check(doc)
    except DocumentError as exc:
        raise _refuse(f"The questionnaire was not saved: {exc}", document=str(exc)) from None
    competencies = {c.name.casefold(): c for c in framework.competencies.all()}
    unknown = [
        (item.place(number), item.competency)
        for number, item in enumerate(doc.items, start=1)
        if item.competency.casefold() not in competencies
    ]
    if unknown:
        names = ", ".join(repr(name) for name in dict.fromkeys(name for _, name in unknown))
        raise ServiceError(
            f"{framework} has no competency called {names} ({unknown[0][0]} is the first).",
            errors={
                "competency": [f"{where}: {name!r} is not in {framework}" for where, name in unknown[:20]]
            },
        )
    slug = slugify_name(doc.slug or doc.name)
    if Questionnaire.objects.filter(framework=framework, slug=slug).exists():
        raise ConflictError(
            f"{framework} already has a questionnaire {slug!r}.",
            errors={"slug": [f"{slug!r} is taken for this framework; choose another name."]},
        )
    questionnaire = Questionnaire.objects.create(
        framework=framework,
        slug=slug,
        name=doc.name,
        description=doc.description,
        scale_labels=list(doc.scale),
        source=source,
        builtin_release=builtin_release,
    )
    Item.objects.bulk_create(
        [
            Item(
                questionnaire=questionnaire,
                competency=competencies[item.competency.casefold()],
                order=position,
                self_text=item.self_text,
                others_text=item.others_text,
                reverse=item.reverse,
            )
            for position, item in enumerate(doc.items)
        ]
    )
    counts: dict[str, int] = {}
    for item in doc.items:
        counts[item.competency] = counts.get(item.competency, 0) + 1
    audit.record(
        questionnaire,
        AuditAction.UPDATE,
        {"items": [[], [f"{name}: {count} items" for name, count in counts.items()]]},
    )
    return questionnaire


def format_of(chosen: str, filename: str) -> str:
    """json, yaml or csv: as chosen, else from the file name (CSV and XLSX read alike)."""
    if chosen:
        return chosen
    lowered = filename.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    return "csv"


def import_questionnaire(
    *, data: bytes, filename: str, format: str = "", framework: Framework | None = None, name: str = ""
) -> Questionnaire:
    """Read an uploaded questionnaire and create it, or refuse it whole with the place at fault.

    Without ``framework``, the newest published version of the framework the document names."""
    kind = format_of(format, filename)
    try:
        if kind == "csv":
            if not name.strip():
                raise DocumentError(
                    "a CSV file holds items only: give the questionnaire a name.", where="name"
                )
            doc = read_csv(data, filename=filename, name=name)
        else:
            doc = read(data.decode("utf-8-sig", errors="replace"), format=kind)
            if name.strip():
                doc.name = " ".join(name.split())
                doc.slug = slugify_name(doc.name)  # a new name is a new questionnaire
    except DocumentError as exc:
        field = "name" if exc.where == "name" else "file"
        raise ServiceError(f"The questionnaire was not imported: {exc}", errors={field: [str(exc)]}) from None
    return create_questionnaire(framework=framework or framework_named(doc.framework), doc=doc)


def framework_named(slug: str) -> Framework:
    """The framework a questionnaire document names by its family's slug: the newest published
    version (a retired or draft version is used only when chosen by id)."""
    framework = (
        Framework.objects.filter(slug=slug, status=FrameworkStatus.PUBLISHED).order_by("-version").first()
        if slug
        else None
    )
    if framework is None:
        problem = (
            f"No published framework {slug!r}"
            if slug
            else "The document names no framework (CSV and Excel files carry items only)"
        )
        raise _refuse(
            f"{problem}: choose the framework the questionnaire is for.",
            framework=f"{problem}; choose one.",
        )
    return framework


def update_questionnaire(
    *, questionnaire: Questionnaire, name: str, description: str, scale_labels: Sequence[str]
) -> Questionnaire:
    """Name, description and scale labels may change at any time; the items never do."""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = ["Give the questionnaire a name."]
    labels = [" ".join(label.split()) for label in scale_labels]
    if len(labels) != 5 or not all(labels):
        errors["scale_labels"] = ["Give five labels, from 1 (disagree) to 5 (agree)."]
    if errors:
        raise ServiceError("The questionnaire was not saved.", errors=errors)
    questionnaire.name, questionnaire.description, questionnaire.scale_labels = name, description, labels
    questionnaire.save()
    return questionnaire


# Items ------------------------------------------------------------------------------------------

MEANING_FIELDS = {
    "reverse": "changing the keying would turn the meaning of their answers around",
    "competency": "moving a statement to another competency would move their answers with it",
    "remove": "removing a statement would drop their answers to it and change every score it fed",
    "add": "adding a statement would change how many answers each competency needs",
}


def answer_sets(questionnaire: Questionnaire) -> int:
    """How many raters have answered this questionnaire at all (a draft with answers counts too)."""
    return RaterInvitation.objects.filter(answers__item__questionnaire=questionnaire).distinct().count()


def _refuse_meaning_change(questionnaire: Questionnaire, change: str, field: str) -> None:
    """Once raters have answered, what each statement measures is fixed (wording may still be fixed)."""
    answered = answer_sets(questionnaire)
    if answered:
        reason = (
            f"{answered} rater{'s have' if answered != 1 else ' has'} already answered this questionnaire, "
            f"so what its statements measure is fixed: {MEANING_FIELDS[change]}. Fix the wording or the "
            "order only, or copy it as a new questionnaire and change the copy."
        )
        raise ConflictError(reason, errors={field: [reason]})


def _item_texts(self_text: str, others_text: str, errors: dict[str, list[str]]) -> tuple[str, str]:
    self_text, others_text = " ".join(self_text.split()), " ".join(others_text.split())
    if not self_text:
        errors["self_text"] = ["Word the statement for the person about themself ('I ...')."]
    if not others_text:
        errors["others_text"] = ["Word the statement for others about the person ('This person ...')."]
    return self_text, others_text


def _check_item(
    questionnaire: Questionnaire,
    *,
    competency: Competency,
    others_text: str,
    order: int | None,
    errors: dict[str, list[str]],
    item: Item | None = None,
) -> None:
    if competency.framework_id != questionnaire.framework_id:
        errors["competency"] = [f"{competency} is not a competency of {questionnaire.framework}."]
    same = questionnaire.items.filter(others_text__iexact=others_text)
    if item is not None:
        same = same.exclude(pk=item.pk)
    if others_text and same.exists():
        errors["others_text"] = ["The questionnaire already has this statement."]
    if order is not None and order < 0:
        errors["order"] = ["The position is a number from 0."]


@dataclass(frozen=True)
class ItemChanges:
    """What to change on an item; None leaves a value as it is."""

    self_text: str | None = None
    others_text: str | None = None
    reverse: bool | None = None
    competency: Competency | None = None
    order: int | None = None


def update_item(*, item: Item, changes: ItemChanges) -> Item:
    """Fix an item's wording or position at any time; change its keying or competency only while
    nobody has answered the questionnaire. Audited on the questionnaire (items are bulk rows)."""
    questionnaire = item.questionnaire
    competency = changes.competency or item.competency
    before = {
        "self_text": item.self_text,
        "others_text": item.others_text,
        "reverse": item.reverse,
        "competency": item.competency.name,
        "order": item.order,
    }
    errors: dict[str, list[str]] = {}
    self_text, others_text = _item_texts(
        item.self_text if changes.self_text is None else changes.self_text,
        item.others_text if changes.others_text is None else changes.others_text,
        errors,
    )
    _check_item(
        questionnaire,
        competency=competency,
        others_text=others_text,
        order=changes.order,
        errors=errors,
        item=item,
    )
    if errors:
        raise ServiceError("The statement was not saved.", errors=errors)
    reverse = item.reverse if changes.reverse is None else changes.reverse
    if reverse != item.reverse:
        _refuse_meaning_change(questionnaire, "reverse", "reverse")
    if competency.pk != item.competency_id:
        _refuse_meaning_change(questionnaire, "competency", "competency")
    item.self_text, item.others_text, item.reverse, item.competency = (
        self_text,
        others_text,
        reverse,
        competency,
    )
    if changes.order is not None:
        item.order = changes.order
    after = {
        "self_text": item.self_text,
        "others_text": item.others_text,
        "reverse": item.reverse,
        "competency": competency.name,
        "order": item.order,
    }
    changed = {
        f"item {item.pk} {name}": [before[name], after[name]] for name in after if before[name] != after[name]
    }
    if changed:
        item.save()
        audit.record(questionnaire, AuditAction.UPDATE, changed)
    return item


def add_item(
    *,
    questionnaire: Questionnaire,
    competency: Competency,
    self_text: str,
    others_text: str,
    reverse: bool = False,
    order: int | None = None,
) -> Item:
    """A new statement, at the end unless ``order`` says where; only while nobody has answered."""
    errors: dict[str, list[str]] = {}
    self_text, others_text = _item_texts(self_text, others_text, errors)
    _check_item(questionnaire, competency=competency, others_text=others_text, order=order, errors=errors)
    if errors:
        raise ServiceError("The statement was not added.", errors=errors)
    _refuse_meaning_change(questionnaire, "add", "")
    if order is None:
        last = questionnaire.items.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    item = Item.objects.create(
        questionnaire=questionnaire,
        competency=competency,
        self_text=self_text,
        others_text=others_text,
        reverse=reverse,
        order=order,
    )
    keyed = "reverse-keyed" if reverse else "positive"
    audit.record(
        questionnaire,
        AuditAction.UPDATE,
        {f"item {item.pk}": [None, f"{competency}: {others_text} ({keyed})"]},
    )
    return item


def remove_item(*, item: Item) -> None:
    """Remove a statement; only while nobody has answered, and never the last one."""
    questionnaire = item.questionnaire
    _refuse_meaning_change(questionnaire, "remove", "")
    if questionnaire.items.count() <= 1:
        raise ConflictError(
            "A questionnaire needs at least one statement.", errors={"": ["This is its last statement."]}
        )
    description = f"{item.competency}: {item.others_text}"
    pk = item.pk
    item.delete()
    audit.record(questionnaire, AuditAction.UPDATE, {f"item {pk}": [description, None]})


def copy_questionnaire(*, questionnaire: Questionnaire, name: str) -> Questionnaire:
    """A new questionnaire with the same framework, scale and statements, free to change: the way
    to change what statements measure once raters have answered the original."""
    doc = document_of(questionnaire)
    doc.name = " ".join(name.split())
    if not doc.name:
        raise _refuse("Give the copy a name.", name="Give the copy a name.")
    doc.slug = slugify_name(doc.name)
    doc.description = doc.description or f"A copy of {questionnaire.name}."
    copy = create_questionnaire(framework=questionnaire.framework, doc=doc)
    audit.record(
        copy, AuditAction.UPDATE, {"copied_from": [None, f"{questionnaire} (id {questionnaire.pk})"]}
    )
    return copy


def delete_questionnaire(*, questionnaire: Questionnaire) -> None:
    if questionnaire.campaigns.exists():
        raise ConflictError(
            "Campaigns use this questionnaire; it is kept so their reports keep their meaning.",
            errors={"campaigns": [f"Used by {questionnaire.campaigns.count()} campaigns."]},
        )
    questionnaire.delete()


# Campaigns ----------------------------------------------------------------------------------------


def _check_campaign(
    *,
    name: str,
    questionnaire: Questionnaire,
    benchmark: BenchmarkProfile | None,
    due_date: dt.date,
    errors: dict[str, list[str]],
) -> None:
    if not name:
        errors["name"] = ["Give the campaign a name."]
    if due_date < today():
        errors["due_date"] = [f"The due date {due_date:%d %b %Y} is in the past."]
    if benchmark is not None and benchmark.framework_id != questionnaire.framework_id:
        errors["benchmark"] = [f"{benchmark} belongs to another framework than the questionnaire."]


def create_campaign(
    *,
    name: str,
    questionnaire: Questionnaire,
    due_date: dt.date,
    created_by: User | None,
    benchmark: BenchmarkProfile | None = None,
    description: str = "",
) -> Campaign:
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    _check_campaign(
        name=name, questionnaire=questionnaire, benchmark=benchmark, due_date=due_date, errors=errors
    )
    if errors:
        raise ServiceError("The campaign was not saved.", errors=errors)
    return Campaign.objects.create(
        name=name,
        description=description.strip(),
        questionnaire=questionnaire,
        benchmark=benchmark,
        due_date=due_date,
        created_by=created_by,
    )


@dataclass(frozen=True)
class CampaignChanges:
    name: str | None = None
    description: str | None = None
    due_date: dt.date | None = None
    benchmark: BenchmarkProfile | None = None
    clear_benchmark: bool = False


def update_campaign(*, campaign: Campaign, changes: CampaignChanges) -> Campaign:
    """Rename, move the due date (rater links follow it) or change the benchmark; not once closed."""
    if campaign.status == CampaignStatus.CLOSED:
        raise ConflictError("A closed campaign cannot change.", errors={"status": ["Closed."]})
    name = " ".join(changes.name.split()) if changes.name is not None else campaign.name
    due_date = changes.due_date or campaign.due_date
    benchmark = None if changes.clear_benchmark else (changes.benchmark or campaign.benchmark)
    errors: dict[str, list[str]] = {}
    _check_campaign(
        name=name, questionnaire=campaign.questionnaire, benchmark=benchmark, due_date=due_date, errors=errors
    )
    if changes.due_date is None:
        errors.pop("due_date", None)  # an unchanged due date that has passed is not this change's fault
    if errors:
        raise ServiceError("The campaign was not saved.", errors=errors)
    campaign.name, campaign.due_date, campaign.benchmark = name, due_date, benchmark
    if changes.description is not None:
        campaign.description = changes.description.strip()
    campaign.save()
    return campaign


def launch_campaign(*, campaign: Campaign) -> Campaign:
    """Open the campaign for answers; every rater with an e-mail address gets their personal link."""
    if campaign.status != CampaignStatus.DRAFT:
        raise ConflictError(
            f"The campaign is {campaign.get_status_display().lower()}; only a campaign being prepared "
            "can be launched.",
            errors={"status": ["Already launched."]},
        )
    errors: dict[str, list[str]] = {}
    if campaign.due_date < today():
        errors["due_date"] = ["The due date has passed; move it before launching."]
    assessments = list(campaign.assessments.all())
    if not assessments:
        errors["assessments"] = ["Add at least one person to assess."]
    without = [a.subject_name for a in campaign.assessments.filter(invitations__isnull=True)]
    if without:
        errors["invitations"] = [f"Nobody is invited to rate {', '.join(without)}."]
    if errors:
        raise ServiceError("The campaign was not launched.", errors=errors)
    campaign.status = CampaignStatus.OPEN
    campaign.launched_at = timezone.now()
    campaign.save()
    from kamkit.assessments.tasks import send_invitations

    campaign_id = campaign.pk
    transaction.on_commit(lambda: send_invitations.enqueue(campaign_id))
    return campaign


def close_campaign(*, campaign: Campaign) -> Campaign:
    """No more answers: unsubmitted links stop working; reports keep what was submitted. Its people's
    anonymous groups count from now on, so their stored norm scores are computed again."""
    if campaign.status != CampaignStatus.OPEN:
        raise ConflictError("Only an open campaign can be closed.", errors={"status": ["Not open."]})
    norms = _current_norms_locked(campaign.questionnaire_id)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save()
    if norms is None:
        ensure_norms(questionnaire_id=campaign.questionnaire_id)
    else:
        people = list(campaign.assessments.all())
        for person in people:
            person.campaign = campaign  # one shared object, closed
        _store_norm_scores(campaign.questionnaire_id, people)
        norms.inputs = queries.NormInputs(**norms.inputs).with_closed(campaign.pk).as_dict()
        norms.save()
    return campaign


def delete_campaign(*, campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise ConflictError(
            "Only a campaign being prepared can be deleted; close it instead.",
            errors={"status": ["Launched campaigns are kept."]},
        )
    campaign.delete()


# Subjects -------------------------------------------------------------------------------------------


def _require_not_closed(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise ConflictError("The campaign is closed.", errors={"status": ["Closed campaigns cannot change."]})


def add_subject(
    *,
    campaign: Campaign,
    subject_user: User | None = None,
    candidate_name: str = "",
    candidate_email: str = "",
    default_raters: bool = True,
) -> Assessment:
    """Assess a person in the campaign. ``default_raters`` invites the person themself, their
    manager and their direct reports (a candidate: themself, when an address is given)."""
    _require_not_closed(campaign)
    candidate_name = " ".join(candidate_name.split())
    candidate_email = candidate_email.strip().lower()
    if subject_user is None and not candidate_name:
        raise _refuse("Choose a person or name a candidate.", subject_user="Choose someone to assess.")
    if subject_user is not None and (candidate_name or candidate_email):
        raise _refuse("Assess an employee or a candidate, not both.", candidate_name="Leave empty.")
    if subject_user is not None:
        if not subject_user.is_active:
            raise _refuse(f"{subject_user} is no longer active.", subject_user="Inactive.")
        if campaign.assessments.filter(subject_user=subject_user).exists():
            raise ConflictError(
                f"{subject_user} is already assessed in this campaign.",
                errors={"subject_user": [f"{subject_user} is already in."]},
            )
    if candidate_email:
        _check_email(candidate_email, "candidate_email")
    assessment = Assessment.objects.create(
        campaign=campaign,
        subject_user=subject_user,
        candidate_name=candidate_name,
        candidate_email=candidate_email,
    )
    if default_raters:
        if subject_user is not None:
            invite_rater(assessment=assessment, relationship=Relationship.SELF, rater_user=subject_user)
            manager = subject_user.manager
            if manager is not None and manager.is_active:
                invite_rater(assessment=assessment, relationship=Relationship.MANAGER, rater_user=manager)
            for report in subject_user.reports.filter(is_active=True).order_by("full_name"):
                invite_rater(assessment=assessment, relationship=Relationship.REPORT, rater_user=report)
        elif candidate_email:
            invite_rater(
                assessment=assessment,
                relationship=Relationship.SELF,
                rater_name=candidate_name,
                rater_email=candidate_email,
            )
    return assessment


def remove_subject(*, assessment: Assessment) -> None:
    _require_not_closed(assessment.campaign)
    if assessment.invitations.filter(submitted_at__isnull=False).exists():
        raise ConflictError(
            "Raters have already answered about this person; their answers are kept.",
            errors={"invitations": ["Some answers are submitted."]},
        )
    assessment.delete()


# Raters ------------------------------------------------------------------------------------------


def _check_email(email: str, field: str) -> None:
    try:
        validate_email(email)
    except ValidationError:
        raise _refuse(
            "The e-mail address is not valid.", **{field: f"{email!r} is not an e-mail address."}
        ) from None


def invite_rater(
    *,
    assessment: Assessment,
    relationship: str,
    rater_user: User | None = None,
    rater_name: str = "",
    rater_email: str = "",
) -> RaterInvitation:
    """Ask someone to rate the subject. A rater with an account is named by ``rater_user``; anyone
    else (a customer contact, a candidate) by name and e-mail. Each person rates a subject once."""
    campaign = assessment.campaign
    _require_not_closed(campaign)
    errors: dict[str, list[str]] = {}
    rater_name = " ".join(rater_name.split())
    rater_email = rater_email.strip().lower()
    if relationship not in Relationship.values:
        errors["relationship"] = [f"{relationship!r} is not one of {', '.join(Relationship.values)}."]
    if rater_user is None and not rater_email:
        errors["rater_email"] = ["Choose a person or give an e-mail address."]
    if rater_user is not None and not rater_user.is_active:
        errors["rater_user"] = [f"{rater_user} is no longer active."]
    if rater_user is None and rater_email:
        try:
            validate_email(rater_email)
        except ValidationError:
            errors["rater_email"] = [f"{rater_email!r} is not an e-mail address."]
    email = (rater_user.email if rater_user else rater_email).lower()
    subject_email = (
        assessment.subject_user.email if assessment.subject_user else assessment.candidate_email
    ).lower()
    is_subject = (rater_user is not None and rater_user.pk == assessment.subject_user_id) or (
        bool(email) and email == subject_email
    )
    if relationship == Relationship.SELF and not is_subject:
        errors["relationship"] = ["The self-rating is by the person assessed."]
    if relationship != Relationship.SELF and is_subject:
        errors["relationship"] = ["The person assessed rates themself as 'Self'."]
    taken = assessment.invitations.filter(rater_user__email__iexact=email) | assessment.invitations.filter(
        rater_email__iexact=email
    )
    if email and taken.exists():
        errors["rater_user" if rater_user else "rater_email"] = [
            f"{email} is already invited for this person."
        ]
    if errors:
        raise ServiceError("The rater was not invited.", errors=errors)
    invitation = RaterInvitation(
        assessment=assessment,
        relationship=relationship,
        rater_user=rater_user,
        rater_name="" if rater_user else rater_name,
        rater_email="" if rater_user else rater_email,
    )
    invitation.new_link()
    invitation.save()
    if campaign.status == CampaignStatus.OPEN:
        _send_link_on_commit(invitation)
    return invitation


def _send_link_on_commit(invitation: RaterInvitation) -> None:
    from kamkit.assessments.tasks import send_invitation

    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_invitation.enqueue(invitation_id))


def resend_invitation(*, invitation: RaterInvitation) -> RaterInvitation:
    """A new personal link by e-mail (the old one stops working); answers saved so far are kept."""
    if invitation.assessment.campaign.status != CampaignStatus.OPEN:
        raise ConflictError(
            "Only raters of an open campaign can be sent a link.", errors={"status": ["Not open."]}
        )
    if invitation.is_submitted:
        raise ConflictError("This rater has already answered.", errors={"submitted_at": ["Submitted."]})
    if not invitation.email:
        raise _refuse("This rater has no e-mail address.", rater_email="No address to send to.")
    invitation.new_link()
    invitation.save()
    _send_link_on_commit(invitation)
    return invitation


def remove_invitation(*, invitation: RaterInvitation) -> None:
    _require_not_closed(invitation.assessment.campaign)
    if invitation.is_submitted:
        raise ConflictError(
            "This rater has already answered; the answers are kept.", errors={"submitted_at": ["Submitted."]}
        )
    invitation.delete()


def record_sent(*, invitations: Sequence[RaterInvitation], reminder: bool, at: dt.datetime) -> None:
    """Note that an e-mail went out (reminders: at most one a day per rater, see queries)."""
    for invitation in invitations:
        if reminder:
            invitation.last_reminded_at = at
            invitation.reminder_count += 1
        else:
            invitation.invited_at = at
        invitation.save()


# Answers ------------------------------------------------------------------------------------------


class LinkRefused(ServiceError):
    """The rater may not answer (any more): the link expired, was used, or the campaign is closed."""

    status_code = 410

    def __init__(self, state: str, detail: str) -> None:
        super().__init__(detail, errors={"link": [detail]})
        self.state = state


LINK_MESSAGES: dict[str, str] = {
    LinkState.EXPIRED: "This link expired at the end of the campaign's due date.",
    LinkState.SUBMITTED: "These answers were already submitted; thank you.",
    LinkState.CLOSED: "The campaign is closed and takes no more answers.",
    LinkState.NOT_OPEN: "The campaign has not started yet.",
}


def link_state(invitation: RaterInvitation, *, now: dt.datetime | None = None) -> str:
    """Whether the rater may still answer, and if not, why."""
    campaign = invitation.assessment.campaign
    if invitation.is_submitted:
        return LinkState.SUBMITTED
    if campaign.status == CampaignStatus.CLOSED:
        return LinkState.CLOSED
    if campaign.status == CampaignStatus.DRAFT:
        return LinkState.NOT_OPEN
    if (now or timezone.now()) >= closing_time(campaign.due_date):
        return LinkState.EXPIRED
    return LinkState.VALID


def save_answers(
    *, invitation: RaterInvitation, answers: Mapping[int, int | None], submit: bool = False
) -> RaterInvitation:
    """Store the rater's answers (item id -> 1..5, None or absent: left blank), replacing the draft.

    ``submit`` makes them final: the link then stops working. A submission needs one answer at least.
    """
    state = link_state(invitation)
    if state != LinkState.VALID:
        raise LinkRefused(state, LINK_MESSAGES[state])
    items = set(invitation.assessment.campaign.questionnaire.items.values_list("id", flat=True))
    errors: dict[str, list[str]] = {}
    given: dict[int, int] = {}
    for item_id, value in answers.items():
        if item_id not in items:
            errors[f"item-{item_id}"] = ["Not an item of this questionnaire."]
        elif value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                errors[f"item-{item_id}"] = [f"Answer 1 to 5, not {value!r}."]
            else:
                given[item_id] = value
    if submit and not errors and not given:
        errors[""] = ["Answer at least one statement before submitting."]
    if errors:
        raise ServiceError("The answers were not saved.", errors=errors)
    questionnaire_id = invitation.assessment.campaign.questionnaire_id
    norms = _current_norms_locked(questionnaire_id) if submit else None
    invitation.answers.all().delete()
    Answer.objects.bulk_create(
        [Answer(invitation=invitation, item_id=item_id, value=value) for item_id, value in given.items()]
    )
    now = timezone.now()
    invitation.answer_count = len(given)
    invitation.draft_saved_at = now
    if submit:
        invitation.submitted_at = now
    invitation.save()  # the audit summary: how many answers, when saved, when submitted
    if norms is not None:
        _add_submission_to_norms(norms, invitation)
    return invitation


# The organisation's stored norms --------------------------------------------------------------------
#
# Percentiles, norms and a team's figures read stored scores (NormScore) and alpha sums (NormState).
# A submitted response changes its subject's scores and adds to the alpha sums; closing a campaign
# changes its people's scores. Both update what is stored when it was current before the change,
# under a lock on the questionnaire's NormState row; otherwise the next read recomputes everything
# (``ensure_norms``), as it does after any change made some other way (a person deleted, a threshold
# changed, rows written by a script): NormState.inputs then no longer match the database.


def _current_norms_locked(questionnaire_id: int) -> NormState | None:
    """The questionnaire's norm state, locked until the caller's transaction ends, when it is current
    (a change can then be added to it); None when there is none yet or it is already out of date."""
    with transaction.atomic():
        state = NormState.objects.select_for_update().filter(questionnaire_id=questionnaire_id).first()
        if state is None or state.inputs != queries.norm_inputs(questionnaire_id).as_dict():
            return None
        return state


def _store_norm_scores(
    questionnaire_id: int, assessments: Sequence[Assessment], *, replace: bool = True
) -> None:
    """Write the stored scores of ``assessments`` (each with its campaign loaded), replacing theirs."""
    ids = [a.pk for a in assessments]
    for start in range(0, len(ids) if replace else 0, queries.ID_CHUNK):
        NormScore.objects.filter(assessment_id__in=ids[start : start + queries.ID_CHUNK]).delete()
    NormScore.objects.bulk_create(
        [
            NormScore(
                questionnaire_id=questionnaire_id, assessment_id=assessment_id, competency_id=cid, score=score
            )
            for assessment_id, cid, score in reports.basis_scores(assessments)
        ],
        batch_size=2000,
    )


def _add_submission_to_norms(state: NormState, invitation: RaterInvitation) -> None:
    questionnaire_id = state.questionnaire_id
    with transaction.atomic():
        _store_norm_scores(questionnaire_id, [invitation.assessment])
        own = queries.scale_items(questionnaire_id)
        sums = {
            competency_id: reports.stored_moments(state, competency_id, [i.item_id for i in items])
            for competency_id, items in own.items()
        }
        for competency_id, added in queries.alpha_moments(own, questionnaire_id, [invitation.pk]).items():
            sums[competency_id].absorb(added)
        state.alpha_sums = reports.moments_for_storage(sums, own)
        state.inputs = queries.NormInputs(**state.inputs).with_submitted(invitation.pk).as_dict()
        state.save()


def ensure_norms(*, questionnaire_id: int) -> NormState:
    """The questionnaire's stored norms, recomputed from every submitted response when what they were
    computed from (``queries.NormInputs``) differs from the database. Returns at once when current;
    a recount runs in a transaction of its own (pages call this while reading), under the lock."""
    state = NormState.objects.filter(questionnaire_id=questionnaire_id).first()
    if state is not None and state.inputs == queries.norm_inputs(questionnaire_id).as_dict():
        return state
    with transaction.atomic():
        state, _ = NormState.objects.select_for_update().get_or_create(questionnaire_id=questionnaire_id)
        # counted before the responses are read: a change made meanwhile shows as out of date next time
        inputs = queries.norm_inputs(questionnaire_id).as_dict()
        if state.inputs == inputs:  # another request recomputed them while this one waited
            return state
        assessments = list(
            Assessment.objects.filter(campaign__questionnaire_id=questionnaire_id).prefetch_related(
                "campaign"
            )
        )
        NormScore.objects.filter(questionnaire_id=questionnaire_id).delete()
        _store_norm_scores(questionnaire_id, assessments, replace=False)
        own = queries.scale_items(questionnaire_id)
        state.alpha_sums = reports.moments_for_storage(queries.alpha_moments(own, questionnaire_id), own)
        state.inputs = inputs
        state.save()
    return state
