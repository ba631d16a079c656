"""Forms of the running pages: a run typed in, a watch export uploaded, its columns mapped."""

from datetime import date
from typing import Any, cast

from django import forms

from training.models import RunMetric
from training.running import (
    DATE_FORMATS,
    IMPORT_COLUMNS,
    MAX_IMPORT_BYTES,
    METRIC_COLUMNS,
    STRIDE_UNITS,
)

NOT_IN_FILE = ("", "Not in this file")


class RunMetricForm(forms.ModelForm):
    class Meta:
        model = RunMetric
        fields = ["on", "cadence_spm", "ground_contact_ms", "stride_length_m", "note"]
        labels = {
            "on": "Date of the run",
            "cadence_spm": "Cadence (steps per minute)",
            "ground_contact_ms": "Ground contact time (ms)",
            "stride_length_m": "Stride length (m)",
        }
        help_texts = {
            "on": "Entering a date again replaces that date's figures.",
            "cadence_spm": "60 to 260.",
            "ground_contact_ms": "100 to 1000.",
            "stride_length_m": "0.30 to 3.00, e.g. 1.12.",
        }
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}),
            "cadence_spm": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "ground_contact_ms": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "stride_length_m": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "note": forms.TextInput(attrs={"placeholder": "E.g. easy 5 km, hilly"}),
        }

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["on"].initial = today
        self.fields["on"].widget.attrs["max"] = today.isoformat()

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > self.today:
            raise forms.ValidationError("This date has not come yet.")
        return on


class RunUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file exported from your watch or its app",
        help_text=f"Up to {MAX_IMPORT_BYTES // 1024} KB; comma, semicolon or tab separated.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class RunMappingForm(forms.Form):
    """Which column of the file holds each figure, and its units. `content` carries the file
    from the upload to the import (the server keeps nothing in between)."""

    content = forms.CharField(widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES, strip=False)
    on = forms.ChoiceField(label="Date")
    date_format = forms.ChoiceField(
        label="Dates are written", choices=list(DATE_FORMATS.items()), widget=forms.RadioSelect
    )
    cadence_spm = forms.ChoiceField(label=IMPORT_COLUMNS["cadence_spm"], required=False)
    ground_contact_ms = forms.ChoiceField(label=IMPORT_COLUMNS["ground_contact_ms"], required=False)
    stride_length_m = forms.ChoiceField(label=IMPORT_COLUMNS["stride_length_m"], required=False)
    stride = forms.ChoiceField(
        label="Stride length is in",
        choices=[(unit, words) for unit, (words, _) in STRIDE_UNITS.items()],
        widget=forms.RadioSelect,
    )
    note = forms.ChoiceField(label=IMPORT_COLUMNS["note"], required=False)

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = [(header, header) for header in headers if header]
        cast(forms.ChoiceField, self.fields["on"]).choices = [("", "Choose a column"), *columns]
        for name in (*METRIC_COLUMNS, "note"):
            cast(forms.ChoiceField, self.fields[name]).choices = [NOT_IN_FILE, *columns]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in METRIC_COLUMNS):
            raise forms.ValidationError(
                "Choose the column of cadence, ground contact or stride length (one at least)."
            )
        return data

    @property
    def columns(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name] for name in IMPORT_COLUMNS if self.cleaned_data.get(name)
        }

    @property
    def units(self) -> dict[str, str]:
        return {
            "stride": self.cleaned_data["stride"],
            "date_format": self.cleaned_data["date_format"],
        }
