from __future__ import annotations

from typing import Any

from django import forms

from kamkit.frameworks.models import BenchmarkProfile, Framework

LINES_HELP = "One per line."


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class FrameworkForm(forms.Form):
    name = forms.CharField(max_length=200)
    role = forms.CharField(max_length=150, required=False, help_text="The job it describes.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class DocumentForm(forms.Form):
    """A whole draft as text: the quickest way to edit levels, questions and probes."""

    format = forms.ChoiceField(choices=[("md", "Markdown"), ("yaml", "YAML"), ("json", "JSON")], initial="md")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 30, "class": "document"}), strip=False)


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="YAML, JSON, Markdown or plain text.")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12, "class": "document"}),
        required=False,
        strip=False,
        label="Or paste the document",
    )
    slug = forms.SlugField(required=False, help_text="Add it as a new version of this family (optional).")
    publish = forms.BooleanField(required=False, help_text="Publish at once instead of keeping a draft.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            raw = upload.read()
            try:
                data["text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                data["text"] = raw.decode("cp1252", errors="replace")
            data["filename"] = upload.name
        elif not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a file or paste a document.")
        else:
            data["filename"] = ""
        return data


class CompetencyForm(forms.Form):
    name = forms.CharField(max_length=200)
    definition = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    weight = forms.FloatField(min_value=0, initial=1.0, help_text="Weight in the overall benchmark fit.")
    low = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="Low-score indicators",
        help_text=LINES_HELP,
    )
    high = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="High-score indicators",
        help_text=LINES_HELP,
    )
    mindset_tips = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text=LINES_HELP
    )
    practice_tips = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text=LINES_HELP
    )


class BenchmarkForm(forms.Form):
    """The profile and, per competency of its framework, the target band and importance."""

    role = forms.CharField(max_length=150)
    name = forms.CharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(
        self, *args: Any, framework: Framework, profile: BenchmarkProfile | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.competencies = list(framework.competencies.all())
        current = {t.competency_id: t for t in profile.targets.all()} if profile else {}
        self.rows = []
        for competency in self.competencies:
            target = current.get(competency.pk)
            prefix = f"c{competency.pk}"
            self.fields[f"{prefix}_low"] = forms.IntegerField(
                min_value=0, max_value=100, required=False, initial=target.band_low if target else None
            )
            self.fields[f"{prefix}_high"] = forms.IntegerField(
                min_value=0, max_value=100, required=False, initial=target.band_high if target else None
            )
            self.fields[f"{prefix}_importance"] = forms.IntegerField(
                min_value=1, max_value=5, required=False, initial=target.importance if target else 3
            )
            self.rows.append(
                (competency, self[f"{prefix}_low"], self[f"{prefix}_high"], self[f"{prefix}_importance"])
            )

    def targets(self) -> list[tuple[Any, int, int, int]]:
        """(competency, low, high, importance) for rows with a band; a half-filled band is an error."""
        result = []
        for competency in self.competencies:
            prefix = f"c{competency.pk}"
            low, high = self.cleaned_data.get(f"{prefix}_low"), self.cleaned_data.get(f"{prefix}_high")
            importance = self.cleaned_data.get(f"{prefix}_importance") or 3
            if low is None and high is None:
                continue
            if low is None or high is None:
                self.add_error(f"{prefix}_low", f"{competency}: give both ends of the band, or neither.")
                continue
            result.append((competency, low, high, importance))
        return result
