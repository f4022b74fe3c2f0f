"""Forms that collect input for the plan services. SMART elements are optional here on purpose:
the service names each one that is missing, so the form can say exactly what to add."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from kamkit.accounts.choices import DealStage, DealStatus
from kamkit.accounts.models import Contact, Deal, Product
from kamkit.plans.choices import Cadence, Decision, MetricKind, OccurrenceStatus, TeamSide
from kamkit.plans.models import AccountPlan, Objective, PlanTemplate, QuestionSet
from kamkit.plans.queries.plans import find_account
from kamkit.plans.queries.templates import offered_templates
from kamkit.plans.services.actions import MAX_PLANNED_MINUTES
from kamkit.plans.services.opportunities import OPEN_STAGES
from kamkit.users.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _people() -> Any:
    return User.objects.filter(is_active=True).order_by("full_name")


def _date(label: str = "", required: bool = False, **kwargs: Any) -> forms.DateField:
    return forms.DateField(widget=DATE, required=required, label=label or None, **kwargs)


class PlanForm(forms.Form):
    """Starting a plan. The account is typed: with JavaScript the picker fills ``account_id`` as one is
    chosen from the suggestions; without it, the name or id typed is looked up when the form is sent."""

    account = forms.CharField(
        max_length=200,
        label="Account",
        help_text="Type its name or id; plans are for key accounts you may change.",
    )
    account_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = forms.CharField(max_length=40, help_text="A name for the period, e.g. FY2027.")
    starts_on = _date("First day", required=True)
    ends_on = _date("Last day", required=True)
    template = forms.ModelChoiceField(
        queryset=PlanTemplate.objects.none(),
        required=False,
        empty_label="Standard sections",
        help_text="The sections the plan starts with.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["template"].queryset = offered_templates()  # type: ignore[attr-defined]
        self.fields["account"].widget.attrs.update(
            {
                "autocomplete": "off",
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-controls": "account-options",
                "hx-get": reverse("plans:account_picker"),
                "hx-trigger": "input changed delay:250ms, focus once",
                "hx-target": "#account-options",
                "hx-sync": "this:replace",
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, typed = data.get("account_id"), data.get("account", "")
        match = None
        if chosen is not None:  # picked from the suggestions; the name shown must still be its name
            match = find_account(self.user, str(chosen))
            if match.account is not None and " ".join(typed.split()).casefold() not in (
                match.account.name.casefold(),
                str(chosen),
            ):
                match = None  # the name was edited after picking: look the text up instead
        if match is None and "account" in data:
            match = find_account(self.user, typed)
        if match is not None:
            if match.account is None:
                self.add_error("account", match.problem)
                self.candidates = match.candidates
            else:
                data["account"] = match.account
        return data


class PlanEditForm(forms.Form):
    period = forms.CharField(max_length=40)
    starts_on = _date("First day", required=True)
    ends_on = _date("Last day", required=True)
    situation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="Written from the account profile.",
    )


class PeriodForm(forms.Form):
    """Next period's plan from this one."""

    period = forms.CharField(max_length=40, help_text="e.g. FY2028.")
    starts_on = _date("First day", required=True)
    ends_on = _date("Last day", required=True)


class SectionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)


class OpportunityChoiceField(forms.ModelMultipleChoiceField):
    """Open deals named with their stage, value and close date (names alone often repeat)."""

    def label_from_instance(self, obj: Any) -> str:
        parts = [str(obj), obj.get_stage_display()]
        if obj.amount is not None:
            parts.append(f"{obj.amount:,.0f}")
        if obj.expected_close_on:
            parts.append(f"closes {obj.expected_close_on:%d %b %Y}")
        return " · ".join(parts)


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=200, label="Objective", required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, help_text="Specific: who owns it."
    )
    metric_kind = forms.ChoiceField(
        choices=MetricKind.choices, initial=MetricKind.REVENUE, label="Kind of metric"
    )
    metric = forms.CharField(
        max_length=150, required=False, label="Metric", help_text="Measurable: what is measured."
    )
    unit = forms.CharField(max_length=20, required=False, help_text="e.g. EUR, %, orders.")
    baseline = forms.DecimalField(required=False, help_text="Where it starts.")
    target = forms.DecimalField(required=False, help_text="Where it should be by the due date.")
    current = forms.DecimalField(required=False, label="Current value", help_text="The latest measurement.")
    due_on = _date("Due date", help_text="Time-bound: inside the plan period.")
    deals = OpportunityChoiceField(
        queryset=Deal.objects.none(), required=False, label="Opportunities it relies on"
    )
    confirmed_realistic = forms.BooleanField(
        required=False,
        label="I confirm this target is realistic",
        help_text="Needed when the target is far above what the account bought in the last 12 months.",
    )

    def __init__(self, *args: Any, plan: AccountPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]
        self.fields["deals"].queryset = Deal.objects.filter(  # type: ignore[attr-defined]
            account_id=plan.account_id, status=DealStatus.OPEN
        ).order_by("name")


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200, label="Action", required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    cadence = forms.ChoiceField(choices=Cadence.choices, initial=Cadence.ONCE)
    first_due_on = _date("Due date", help_text="The first date, if it repeats.")
    repeat_until = _date("Repeat until", help_text="Default: the end of the plan period.")
    planned_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_PLANNED_MINUTES,
        label="Planned minutes each time",
        help_text="Time planned for each occurrence; it counts in the portfolio's return on time.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]


class MarkForm(forms.Form):
    status = forms.ChoiceField(choices=OccurrenceStatus.choices)
    note = forms.CharField(max_length=2000, required=False)
    worth = forms.TypedChoiceField(
        choices=[("", "Worth…"), *[(i, str(i)) for i in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
        label="Worth to the plan (1-5)",
    )


class MemberForm(forms.Form):
    side = forms.ChoiceField(choices=TeamSide.choices, initial=TeamSide.OURS)
    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Colleague (our side)")
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, label="Contact (customer side)"
    )
    role = forms.CharField(max_length=150, help_text="e.g. executive sponsor, delivery lead.")
    responsibilities = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, plan: AccountPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people()  # type: ignore[attr-defined]
        self.fields["contact"].queryset = plan.account.contacts.filter(has_left=False)  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    held_on = _date("Held on", required=True)
    our_attendees = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)
    customer_attendees = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), required=False)
    other_attendees = forms.CharField(max_length=300, required=False)
    what_changed = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    revisions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Revisions made to the plan"
    )
    next_review_on = _date("Next review")

    def __init__(self, *args: Any, plan: AccountPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["our_attendees"].queryset = _people()  # type: ignore[attr-defined]
        self.fields["customer_attendees"].queryset = plan.account.contacts.all()  # type: ignore[attr-defined]


class OpportunityForm(forms.Form):
    """Adding an opportunity from the plan (open stages only) or changing one (any stage: won or lost
    closes it)."""

    name = forms.CharField(max_length=200, label="Opportunity", help_text="What the customer could buy.")
    stage = forms.ChoiceField(choices=DealStage.choices, initial=DealStage.PROSPECTING)
    amount = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, required=False, label="Value")
    expected_close_on = _date("Expected close")
    product = forms.ModelChoiceField(queryset=Product.objects.none(), required=False)
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, help_text="Default: the account's owner."
    )
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        label="For objectives",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: AccountPlan, adding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]
        self.fields["product"].queryset = Product.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["objectives"].queryset = plan.objectives.all()  # type: ignore[attr-defined]
        if adding:
            self.fields["stage"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in DealStage.choices if value in OPEN_STAGES
            ]
        else:
            self.fields["stage"].help_text = "Won or lost closes it today."


class StartScorecardForm(forms.Form):
    question_set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.filter(is_active=True), empty_label=None
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Decision.GO, "Go"), (Decision.NO_GO, "No go")], widget=forms.RadioSelect
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Required.")


class QuestionSetForm(forms.Form):
    name = forms.CharField(max_length=150)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    round_names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Rounds", help_text="One per line."
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Offered for new scorecards")

    def rounds(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["round_names"].splitlines() if line.strip()]


class QuestionForm(forms.Form):
    round = forms.IntegerField(min_value=1, initial=1)
    text = forms.CharField(max_length=300, label="Question")
    guidance = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ScorecardForm(forms.Form):
    """One answer and one score (1 poor fit to 5 strong fit) per question of the set."""

    def __init__(self, *args: Any, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}), required=False, label=question.text
            )
            self.fields[f"score_{question.pk}"] = forms.TypedChoiceField(
                choices=[("", "—"), *[(i, str(i)) for i in range(1, 6)]],
                coerce=int,
                empty_value=None,
                required=False,
                label="Score",
            )


class CopyForm(forms.Form):
    name = forms.CharField(
        max_length=150, required=False, label="Name of the copy", help_text="Default: “… (copy)”."
    )


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=150)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TemplateSectionForm(forms.Form):
    title = forms.CharField(max_length=150, help_text="e.g. Key players.")
    key = forms.CharField(
        max_length=40,
        help_text="A short name in lower case with hyphens, e.g. key-players; plans keep it.",
    )
    prompt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What to write in this section; shown until it is written.",
    )
