"""Forms that collect input for the assessment services (plain forms, not ModelForms)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet

from kamkit.assessments.choices import DEFAULT_SCALE, Relationship
from kamkit.assessments.models import Item, Questionnaire
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile, Competency, Framework
from kamkit.users.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    questionnaire = forms.ModelChoiceField(queryset=Questionnaire.objects.none())
    benchmark = forms.ModelChoiceField(
        queryset=BenchmarkProfile.objects.none(),
        required=False,
        help_text="The role profile whose target bands the reports compare with.",
    )
    due_date = forms.DateField(widget=DATE, help_text="Personal links stop working at the end of this day.")

    def __init__(
        self, *args: Any, questionnaires: QuerySet[Questionnaire], editing: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["questionnaire"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = questionnaires
        benchmark = self.fields["benchmark"]
        assert isinstance(benchmark, forms.ModelChoiceField)
        benchmark.queryset = BenchmarkProfile.objects.filter(
            framework__in=questionnaires.values("framework")
        ).select_related("framework")
        if editing:
            del self.fields["questionnaire"]


class SubjectForm(forms.Form):
    subject_user = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Person", help_text="An employee to assess."
    )
    candidate_name = forms.CharField(max_length=150, required=False, help_text="Or a candidate: their name…")
    candidate_email = forms.EmailField(
        required=False, help_text="…and e-mail, for their self-assessment link."
    )
    default_raters = forms.BooleanField(
        required=False,
        initial=True,
        label="Invite the usual raters (themself, their manager, their direct reports)",
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subject_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class RaterForm(forms.Form):
    relationship = forms.ChoiceField(choices=Relationship.choices, initial=Relationship.PEER)
    rater_user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Colleague",
        help_text="Someone with a kamkit account…",
    )
    rater_name = forms.CharField(max_length=150, required=False, label="Or name")
    rater_email = forms.EmailField(
        required=False, label="and e-mail", help_text="…for a customer contact, say."
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rater_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


CANNOT_JUDGE = "Can't say"


class AnswerForm(forms.Form):
    """One optional 1-5 choice per item; a blank item is 'cannot judge'."""

    def __init__(
        self, *args: Any, items: Sequence[Item], labels: Sequence[str], relationship: str, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        choices = [(str(value), label) for value, label in enumerate(labels, start=1)]
        choices.append(("", CANNOT_JUDGE))
        for item in self.items:
            self.fields[f"item-{item.pk}"] = forms.TypedChoiceField(
                choices=choices, coerce=int, required=False, empty_value=None, widget=forms.RadioSelect
            )
        self.rows = [(item, item.text_for(relationship), self[f"item-{item.pk}"]) for item in self.items]

    def answers(self) -> dict[int, int | None]:
        return {item.pk: self.cleaned_data.get(f"item-{item.pk}") for item in self.items}


FORMAT_CHOICES = [("", "From the file name"), ("json", "JSON"), ("yaml", "YAML"), ("csv", "CSV or XLSX")]


class QuestionnaireImportForm(forms.Form):
    file = forms.FileField(help_text="JSON or YAML (everything), or CSV/XLSX with one item per row.")
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False)
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.filter(status__in=[FrameworkStatus.PUBLISHED, FrameworkStatus.RETIRED]),
        required=False,
        help_text="Default: the newest published version of the framework the document names.",
    )
    name = forms.CharField(
        max_length=200, required=False, help_text="Needed for CSV; overrides the document's."
    )


class QuestionnaireForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, default in enumerate(DEFAULT_SCALE, start=1):
            self.fields[f"label_{value}"] = forms.CharField(
                max_length=60, label=f"Scale label {value}", initial=default
            )

    def labels(self) -> list[str]:
        return [self.cleaned_data[f"label_{value}"] for value in range(1, 6)]


class ItemForm(forms.Form):
    """One statement of a questionnaire, worded twice."""

    competency = forms.ModelChoiceField(queryset=Competency.objects.none())
    self_text = forms.CharField(
        label="Self wording",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For the person about themself: 'I ...'",
    )
    others_text = forms.CharField(
        label="Others wording",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For everyone else about the person: 'This person ...'",
    )
    reverse = forms.BooleanField(
        required=False,
        label="Reverse-keyed: agreeing means less of the competency",
    )
    order = forms.IntegerField(
        min_value=0, required=False, label="Position", help_text="Raters see statements in this order."
    )

    def __init__(self, *args: Any, competencies: QuerySet[Competency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["competency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = competencies


class QuestionnaireCopyForm(forms.Form):
    name = forms.CharField(
        max_length=200, help_text="The copy gets its own name; the original stays as it is."
    )
