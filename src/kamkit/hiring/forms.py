"""Forms that collect input for the hiring services (plain forms: the services hold the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from kamkit.assessments.models import Campaign
from kamkit.frameworks.choices import FrameworkStatus, StarTag
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import services
from kamkit.hiring.choices import (
    ANCHOR_LABELS,
    STAR_LABELS,
    STAR_PARTS,
    AttachmentKind,
    CandidateSource,
    Outcome,
    Recommendation,
    Stage,
)
from kamkit.hiring.models import Candidate, Interview, InterviewKit, KitQuestion, Opening
from kamkit.users.models import Team, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LEVEL_CHOICES = [
    (1, "1 · Introductory: knows the basics, points to help"),
    (2, "2 · Developing: common situations, with guidance"),
    (3, "3 · Proficient: typical situations on their own"),
    (4, "4 · Advanced: new or complex situations, advises others"),
    (5, "5 · Expert: shapes how the organisation works"),
]


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class BenchmarkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.framework})"


class OpeningForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. Key Account Manager, Retail North.")
    benchmark = BenchmarkChoiceField(
        queryset=BenchmarkProfile.objects.none(),
        help_text="The role profile: its framework builds the interview kit and its bands judge the fit.",
    )
    target_level = forms.TypedChoiceField(
        choices=LEVEL_CHOICES, coerce=int, initial=3, help_text="How much of each competency the role needs."
    )
    hiring_manager = forms.ModelChoiceField(queryset=User.objects.none())
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    location = forms.CharField(max_length=150, required=False)
    # no min_value: the service refuses fewer than one in its own words, for the API too
    headcount = forms.IntegerField(
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text="The position is filled when reached.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(
        self, *args: Any, managers: QuerySet[User], current: BenchmarkProfile | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        usable = Q(framework__status=FrameworkStatus.PUBLISHED)
        if current is not None:
            usable |= Q(pk=current.pk)  # a position keeps its benchmark when the framework is retired
        _set_queryset(self, "benchmark", BenchmarkProfile.objects.filter(usable).select_related("framework"))
        _set_queryset(self, "hiring_manager", managers)


class OpeningStatusForm(forms.Form):
    status = forms.CharField()


class CandidateForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Employee",
        help_text="For an internal candidate; name and address then come from their account.",
    )
    full_name = forms.CharField(max_length=150, required=False, label="Name")
    # checked by the service (one message for the page and the API), not by an EmailField
    email = forms.CharField(max_length=254, required=False, widget=forms.EmailInput)
    phone = forms.CharField(max_length=40, required=False)
    source = forms.ChoiceField(choices=CandidateSource.choices, initial=CandidateSource.REFERRAL)
    source_detail = forms.CharField(
        max_length=200, required=False, label="Source detail", help_text="Who referred them, which agency."
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Seen by the hiring team and the interviewers.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "user", User.objects.filter(is_active=True).order_by("full_name"))

    def candidate_input(self) -> services.CandidateInput:
        data = self.cleaned_data
        return services.CandidateInput(
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            user=data["user"],
            source=data["source"],
            source_detail=data["source_detail"],
            notes=data["notes"],
        )


class NewCandidateForm(CandidateForm):
    """A candidate, and optionally straight into a position with their CV."""

    opening = forms.ModelChoiceField(
        queryset=Opening.objects.none(), required=False, label="Consider for", help_text="A position you run."
    )
    file = forms.FileField(required=False, label="CV", help_text=f"{services.ACCEPTED_FILES}; up to 10 MB.")

    def __init__(self, *args: Any, openings: QuerySet[Opening], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "opening", openings)


class AttachmentForm(forms.Form):
    file = forms.FileField(help_text=f"{services.ACCEPTED_FILES}; up to 10 MB.")
    kind = forms.ChoiceField(choices=AttachmentKind.choices, initial=AttachmentKind.CV)


class ApplyForm(forms.Form):
    """Add a candidate to a position (from either side)."""

    opening = forms.ModelChoiceField(queryset=Opening.objects.none(), required=False, label="Position")
    candidate = forms.ModelChoiceField(queryset=Candidate.objects.none(), required=False)

    def __init__(
        self,
        *args: Any,
        openings: QuerySet[Opening] | None = None,
        candidates: QuerySet[Candidate] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if openings is None:
            del self.fields["opening"]
        else:
            _set_queryset(self, "opening", openings)
            self.fields["opening"].required = True
        if candidates is None:
            del self.fields["candidate"]
        else:
            _set_queryset(self, "candidate", candidates)
            self.fields["candidate"].required = True


class CampaignChoiceForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), label="Assessment campaign")
    default_raters = forms.BooleanField(
        required=False, initial=True, label="Invite the usual raters (for a candidate: themself)"
    )

    def __init__(self, *args: Any, campaigns: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "campaign", campaigns)


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, label="Move to")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Needed when moving back or reopening.",
    )
    reopen = forms.BooleanField(required=False, label="Reopen (the application is in a final stage)")


class AssignForm(forms.Form):
    interviewer = forms.ModelChoiceField(queryset=User.objects.none())
    scheduled_at = forms.DateTimeField(widget=DATETIME, required=False, label="When")

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "interviewer", people)


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(widget=DATETIME, required=False, label="When")


class ReopenForm(forms.Form):
    """Give a submitted scorecard back to its interviewer (the reason is checked by the service)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Kept in the interview's history, which the panel reads: say why without quoting ratings.",
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Why, in a few sentences: the evidence that decided it. Kept with the decision.",
    )


class RegenerateForm(forms.Form):
    confirm = forms.BooleanField(
        required=False, label="I understand that every change made to this kit by hand is replaced."
    )


class AnchorsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rating in range(1, 6):
            self.fields[f"anchor_{rating}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                label=f"{rating} · {ANCHOR_LABELS[rating]}",
            )

    def anchors(self) -> dict[int, str]:
        return {rating: self.cleaned_data.get(f"anchor_{rating}", "") for rating in range(1, 6)}


STAR_NAMES = {tag.value: tag.value for tag in StarTag}


def parse_probes(text: str) -> list[tuple[str, str]]:
    """Probe lines as written in the kit editor: 'Action: What did you do first?' (untagged: other)."""
    probes = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("-*").strip()
        if not line:
            continue
        tag, colon, rest = line.partition(":")
        key = tag.strip().lower()
        if colon and key in STAR_NAMES and rest.strip():
            probes.append((rest.strip(), key))
        else:
            probes.append((line, StarTag.OTHER.value))
    return probes


def probe_lines(question: KitQuestion) -> str:
    return "\n".join(f"{p.star.title()}: {p.text}" for p in question.probes.all())


class QuestionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Question")
    probes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One probe a line, tagged with its STAR part: 'Situation: ...', 'Result: ...'.",
    )

    def probe_list(self) -> list[tuple[str, str]]:
        return parse_probes(self.cleaned_data.get("probes", ""))


class ScorecardForm(forms.Form):
    """Notes and STAR ticks per question, a rating and evidence per competency, the recommendation."""

    recommendation = forms.ChoiceField(
        choices=[("", "Not decided yet"), *Recommendation.choices],
        required=False,
        label="Overall recommendation",
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Summary for the hiring manager"
    )

    def __init__(self, *args: Any, kit: InterviewKit, interview: Interview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = [c for c in kit.competencies.all() if c.included]
        notes = {note.question_id: note for note in interview.notes.all()}
        ratings = {rating.competency_id: rating for rating in interview.ratings.all()}
        rating_choices = [(str(value), str(value)) for value in range(1, 6)]
        for competency in self.competencies:
            saved = ratings.get(competency.pk)
            self.fields[f"rating-{competency.pk}"] = forms.TypedChoiceField(
                choices=rating_choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                label=competency.name,
                initial=saved.rating if saved else None,
            )
            self.fields[f"evidence-{competency.pk}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                label="Evidence",
                initial=saved.evidence if saved else "",
            )
            for question in competency.questions.all():
                note = notes.get(question.pk)
                self.fields[f"note-{question.pk}"] = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}),
                    required=False,
                    label="Notes",
                    initial=note.notes if note else "",
                )
                for part in STAR_PARTS:
                    self.fields[f"star-{question.pk}-{part}"] = forms.BooleanField(
                        required=False,
                        label=STAR_LABELS[part],
                        initial=getattr(note, f"star_{part}") if note else False,
                    )
        self.initial.setdefault("recommendation", interview.recommendation)
        self.initial.setdefault("summary", interview.summary)

    def sections(self) -> list[dict[str, Any]]:
        """Bound fields grouped for the template: each competency with its questions."""
        return [
            {
                "competency": competency,
                "rating": self[f"rating-{competency.pk}"],
                "evidence": self[f"evidence-{competency.pk}"],
                "questions": [
                    {
                        "question": question,
                        "note": self[f"note-{question.pk}"],
                        "stars": [self[f"star-{question.pk}-{part}"] for part in STAR_PARTS],
                    }
                    for question in competency.questions.all()
                ],
            }
            for competency in self.competencies
        ]

    def notes(self) -> dict[int, services.NoteInput]:
        data = self.cleaned_data
        return {
            question.pk: services.NoteInput(
                notes=data.get(f"note-{question.pk}", ""),
                situation=bool(data.get(f"star-{question.pk}-situation")),
                task=bool(data.get(f"star-{question.pk}-task")),
                action=bool(data.get(f"star-{question.pk}-action")),
                result=bool(data.get(f"star-{question.pk}-result")),
            )
            for competency in self.competencies
            for question in competency.questions.all()
        }

    def ratings(self) -> dict[int, services.RatingInput]:
        data = self.cleaned_data
        return {
            competency.pk: services.RatingInput(
                rating=data.get(f"rating-{competency.pk}"), evidence=data.get(f"evidence-{competency.pk}", "")
            )
            for competency in self.competencies
        }
