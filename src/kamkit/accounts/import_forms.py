"""Forms of the CRM file import pages: the upload, then the column mapping and its options."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from kamkit.accounts.importers import IMPORT_KIND_CHOICES, PRODUCTS, ImportOptions, Preview
from kamkit.core.choices import ImportKind

UPLOAD_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
NOT_IMPORTED = "— not imported —"
SAMPLES_SHOWN = 3


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=IMPORT_KIND_CHOICES, initial=ImportKind.ACCOUNTS, label="The file holds")
    file = forms.FileField(
        help_text="CSV or Excel (.xlsx) with a header row, e.g. a Salesforce or HubSpot export. "
        "Nothing is written until you have checked the columns and confirmed."
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError("Choose a .csv or .xlsx file (old .xls files: save them as .xlsx).")
        return upload


def _samples(values: list[str]) -> str:
    shown = [value.strip() for value in values if value.strip()][:SAMPLES_SHOWN]
    if not shown:
        return "The first rows have nothing in this column."
    return "e.g. " + " · ".join(value if len(value) <= 40 else value[:39] + "…" for value in shown)


class ImportMappingForm(forms.Form):
    """One choice of file header per kamkit column (preselected by the aliases), then the options."""

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preview = preview
        choices = [("", NOT_IMPORTED), *((header, header) for header in preview.headers if header)]
        for column in preview.columns:
            if column.header is None:
                help_text = "No column of the file was recognised; choose one if it is there."
            else:
                help_text = _samples(column.samples)
            self.fields[f"map_{column.key}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                initial=column.header or "",
                label=f"{column.label} (required)" if column.required else column.label,
                help_text=help_text,
            )
        if preview.kind == ImportKind.ACCOUNTS:
            self.fields["revenue_scale"] = forms.DecimalField(
                min_value=Decimal("0.000001"),
                initial=Decimal(1),
                label="Multiply annual revenue by",
                help_text="1000000 when the file gives revenue in millions.",
            )
        if preview.kind != PRODUCTS:
            self.fields["unknown_owner"] = forms.ChoiceField(
                choices=[("error", "Refuse the row"), ("empty", "Leave the owner empty")],
                initial="error",
                label="An owner who is not a kamkit user",
                help_text="Owners are matched to people by e-mail or full name, in any case.",
            )
        if preview.kind == ImportKind.DEALS:
            self.fields["missing_account"] = forms.ChoiceField(
                choices=[("error", "Refuse the row"), ("skip", "Leave the deal out")],
                initial="error",
                label="A deal without an account",
            )
            self.fields["create_missing_products"] = forms.TypedChoiceField(
                choices=[("no", "Refuse the row"), ("yes", "Create them")],
                coerce=lambda value: value == "yes",
                initial="no",
                label="A product that is not here yet",
                help_text="Created products go in the product line 'Other'; import a products file to "
                "place them in their lines.",
            )

    def overrides(self) -> dict[str, str]:
        """Every column's chosen header ('' for none): the person's mapping, used as is."""
        data = self.cleaned_data
        return {column.key: data.get(f"map_{column.key}") or "" for column in self.preview.columns}

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            revenue_scale=data.get("revenue_scale") or Decimal(1),
            unknown_owner=data.get("unknown_owner") or "error",
            missing_account=data.get("missing_account") or "error",
            create_missing_products=bool(data.get("create_missing_products")),
        )


def chosen_initial(options: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping form's option fields as last chosen (``run.options_as_json``), to start from them
    again when the person comes back from a check that ran in the background."""
    return {
        "revenue_scale": options.get("revenue_scale", "1"),
        "unknown_owner": options.get("unknown_owner", "error"),
        "missing_account": options.get("missing_account", "error"),
        "create_missing_products": "yes" if options.get("create_missing_products") else "no",
    }
