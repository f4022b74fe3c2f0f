from __future__ import annotations

from typing import Any

from django import forms

from kamkit.accounts.choices import (
    SWOT_PARTS,
    Attitude,
    BuyingRole,
    FeedbackChannel,
    InteractionKind,
    RelationshipLevel,
    Severity,
    Tier,
)
from kamkit.accounts.models import Account, Contact, Division, FeedbackRequest
from kamkit.users.models import Team, User


def _active_people() -> Any:
    return User.objects.filter(is_active=True).order_by("full_name")


class AccountForm(forms.Form):
    name = forms.CharField(max_length=200)
    industry = forms.CharField(max_length=100, required=False)
    parent = forms.ModelChoiceField(queryset=Account.objects.none(), required=False, label="Part of")
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Owner (KAM)")
    backup_owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Backup owner")
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, help_text="Default: the owner's team."
    )
    is_key_account = forms.BooleanField(required=False, label="Key account")
    tier = forms.ChoiceField(choices=[("", "—"), *Tier.choices], required=False)
    employees = forms.IntegerField(min_value=0, required=False)
    annual_revenue = forms.DecimalField(min_value=0, required=False, help_text="The customer's own revenue.")
    wallet_estimate = forms.DecimalField(
        min_value=0, required=False, help_text="What they spend a year on what we sell, with anyone."
    )
    city = forms.CharField(max_length=100, required=False)
    country = forms.CharField(max_length=100, required=False)
    website = forms.CharField(max_length=200, required=False)
    customer_since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    external_id = forms.CharField(max_length=100, required=False, label="CRM id")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["owner"].queryset = _active_people()  # type: ignore[attr-defined]
        self.fields["backup_owner"].queryset = _active_people()  # type: ignore[attr-defined]


class SectionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)


class SwotForm(forms.Form):
    """One textarea per quadrant, one point per line."""

    strengths = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text="One per line."
    )
    weaknesses = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text="One per line."
    )
    opportunities = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text="One per line."
    )
    threats = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text="One per line."
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Notes")

    def items(self) -> dict[str, list[str]]:
        return {
            part: [x.strip() for x in self.cleaned_data[part].splitlines() if x.strip()]
            for part in SWOT_PARTS
        }


class FinancialYearForm(forms.Form):
    year = forms.IntegerField(min_value=1900, max_value=2200)
    revenue = forms.DecimalField(required=False)
    margin_pct = forms.DecimalField(required=False, label="Margin %")
    growth_pct = forms.DecimalField(required=False, label="Growth %")
    notes = forms.CharField(required=False)


class CompetitorForm(forms.Form):
    competitor = forms.CharField(max_length=150)
    position = forms.CharField(required=False, label="What they sell here / how they are seen")
    wins = forms.IntegerField(min_value=0, initial=0, label="Our wins against them")
    losses = forms.IntegerField(min_value=0, initial=0, label="Our losses to them")


class DivisionForm(forms.Form):
    name = forms.CharField(max_length=150, label="Division or buying centre")
    description = forms.CharField(required=False)


class ContactForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100)
    title = forms.CharField(max_length=150, required=False)
    email = forms.CharField(max_length=254, required=False)
    phone = forms.CharField(max_length=40, required=False)
    reports_to = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    division = forms.ModelChoiceField(queryset=Division.objects.none(), required=False)
    buying_role = forms.ChoiceField(choices=BuyingRole.choices, initial=BuyingRole.UNKNOWN)
    attitude = forms.ChoiceField(choices=Attitude.choices, initial=Attitude.NEUTRAL, label="Attitude to us")
    influence = forms.TypedChoiceField(choices=[(i, i) for i in range(1, 6)], coerce=int, initial=3)
    relationship_strength = forms.TypedChoiceField(
        choices=[(i, i) for i in range(1, 6)], coerce=int, initial=1, label="Our relationship strength"
    )
    relationship_owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Owned by"
    )
    relationship_level = forms.TypedChoiceField(
        choices=RelationshipLevel.choices,
        coerce=int,
        initial=RelationshipLevel.VENDOR,
        label="They see us as",
    )
    desired_relationship_level = forms.TypedChoiceField(
        choices=RelationshipLevel.choices,
        coerce=int,
        initial=RelationshipLevel.PROBLEM_SOLVER,
        label="We want to be",
    )
    is_key_person = forms.BooleanField(required=False, label="Key person (keep in regular touch)")
    has_left = forms.BooleanField(required=False, label="Has left the company")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, account: Account, contact: Contact | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = account.contacts.all()
        if contact is not None:
            others = others.exclude(pk=contact.pk)
        self.fields["reports_to"].queryset = others  # type: ignore[attr-defined]
        self.fields["division"].queryset = account.divisions.all()  # type: ignore[attr-defined]
        self.fields["relationship_owner"].queryset = _active_people()  # type: ignore[attr-defined]


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(choices=InteractionKind.choices, initial=InteractionKind.MEETING)
    occurred_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="When"
    )
    subject = forms.CharField(max_length=200)
    duration_minutes = forms.IntegerField(min_value=0, max_value=1440, required=False, label="Minutes spent")
    contacts = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), required=False)
    our_people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, label="Our people"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = account.contacts.filter(has_left=False)  # type: ignore[attr-defined]
        self.fields["our_people"].queryset = _active_people()  # type: ignore[attr-defined]


class FeedbackForm(forms.Form):
    score = forms.IntegerField(min_value=0, max_value=10, required=False, help_text="0 (very unhappy) to 10")
    topic = forms.CharField(max_length=150, required=False)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.LOW)
    channel = forms.ChoiceField(choices=FeedbackChannel.choices, initial=FeedbackChannel.REQUESTED)
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    request = forms.ModelChoiceField(
        queryset=FeedbackRequest.objects.none(), required=False, label="Answer to our request"
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    raise_issue = forms.BooleanField(required=False, label="Open an issue to resolve")

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = account.contacts.all()  # type: ignore[attr-defined]
        self.fields["request"].queryset = account.feedback_requests.filter(answers__isnull=True)  # type: ignore[attr-defined]


class FeedbackRequestForm(forms.Form):
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False, label="Ask")
    topic = forms.CharField(max_length=150, required=False, help_text="e.g. the last delivery, our support")

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = account.contacts.filter(has_left=False)  # type: ignore[attr-defined]


class IssueForm(forms.Form):
    title = forms.CharField(max_length=200)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)
    raised_by = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].queryset = account.contacts.all()  # type: ignore[attr-defined]


class ResolutionForm(forms.Form):
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
