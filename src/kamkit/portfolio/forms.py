"""Forms that collect input for the portfolio's services: ratings, criteria, settings, what-if weights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from kamkit.portfolio.choices import Axis, Normalisation, ValueBasis
from kamkit.portfolio.models import AccountRating, SelectionCriterion


class RatingForm(forms.Form):
    """One select per rated criterion in use (1 to its scale, or not rated) and a shared note."""

    def __init__(
        self,
        *args: Any,
        criteria: Sequence[SelectionCriterion],
        ratings: dict[int, AccountRating],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            current = ratings.get(criterion.pk)
            self.fields[f"rate_{criterion.source}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[("", "Not rated"), *((n, str(n)) for n in range(1, criterion.scale + 1))],
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.score if current else "",
                help_text=criterion.description,
            )
            self.fields[f"note_{criterion.source}"] = forms.CharField(
                label="Why", required=False, initial=current.note if current else ""
            )

    def chosen(self) -> list[tuple[SelectionCriterion, int | None, str]]:
        return [
            (c, self.cleaned_data[f"rate_{c.source}"], self.cleaned_data[f"note_{c.source}"])
            for c in self.criteria
        ]


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=100)
    axis = forms.ChoiceField(choices=Axis.choices)
    weight = forms.IntegerField(min_value=0, max_value=100)
    scale = forms.IntegerField(min_value=2, max_value=10, help_text="Rated criteria: 1 to this.")
    is_active = forms.BooleanField(required=False, label="In use")
    order = forms.IntegerField(min_value=0)


class SettingsForm(forms.Form):
    normalisation = forms.ChoiceField(choices=Normalisation.choices)
    period_months = forms.IntegerField(min_value=1, max_value=60, label="Current period (months)")
    key_share = forms.IntegerField(min_value=0, max_value=100, label="Key accounts: top %")
    develop_share = forms.IntegerField(min_value=0, max_value=100, label="Develop: next %")
    maintain_share = forms.IntegerField(min_value=0, max_value=100, label="Maintain: next %")
    value_basis = forms.ChoiceField(choices=ValueBasis.choices, label="Return on time divides")


class WhatIfForm(forms.Form):
    """A weight per criterion in use, starting from the saved weights."""

    def __init__(self, *args: Any, criteria: Sequence[SelectionCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"weight_{criterion.source}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=100,
                initial=criterion.weight,
                widget=forms.NumberInput(attrs={"type": "range", "step": 1}),
            )

    def weights(self) -> dict[str, int]:
        return {c.source: self.cleaned_data[f"weight_{c.source}"] for c in self.criteria}
