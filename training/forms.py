"""Today's plain forms: log a set, finish or skip a day. What a browser without JavaScript posts;
with JavaScript the page sends the same through /api/v1/logs/."""

from typing import Any
from uuid import UUID, uuid5

from django import forms

from coach.models import MAX_ID
from training.models import SessionLog, SetLog

# Bounds a person can reach, well inside each column (so no value is refused by the database).
MAX_REPS = 1000
MAX_SECONDS = 24 * 60 * 60


class _DayForm(forms.Form):
    """Which program and which of the client's days."""

    assignment = forms.IntegerField(label="Program", min_value=1, max_value=MAX_ID)
    on = forms.DateField(label="Date")


class SetLogForm(_DayForm):
    prescription = forms.IntegerField(label="Exercise", min_value=1, max_value=MAX_ID)
    side = forms.ChoiceField(label="Side", choices=SetLog.Side.choices)
    reps = forms.IntegerField(label="Reps", min_value=0, max_value=MAX_REPS, required=False)
    hold_seconds = forms.IntegerField(
        label="Seconds", min_value=0, max_value=MAX_SECONDS, required=False
    )
    load = forms.DecimalField(
        label="Load", min_value=0, max_digits=6, decimal_places=1, required=False
    )
    load_unit = forms.CharField(label="Unit", max_length=12, required=False)
    form = forms.IntegerField(label="Form (1–5)", min_value=1, max_value=5, required=False)
    rpe = forms.IntegerField(label="Effort (1–10)", min_value=1, max_value=10, required=False)
    # One per rendering of the page: a form sent twice (a double tap, a resent POST) gives the
    # same set id, so the set is stored once.
    form_token = forms.UUIDField(required=False)

    def set_data(self) -> dict[str, Any]:
        """The set's values for `set_log_create`: only those given."""
        data = {
            name: self.cleaned_data[name]
            for name in ("side", "reps", "hold_seconds", "load", "form", "rpe")
            if self.cleaned_data[name] is not None
        }
        if "load" in data and self.cleaned_data["load_unit"]:
            data["load_unit"] = self.cleaned_data["load_unit"]
        return data

    def client_uuid(self) -> UUID | None:
        """The set's id: the same for the same form sent twice, another for any other set."""
        token = self.cleaned_data["form_token"]
        if token is None:
            return None
        data = self.cleaned_data
        return uuid5(
            token, f"{data['assignment']}:{data['on']}:{data['prescription']}:{data['side']}"
        )


class SessionLogForm(_DayForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in SessionLog.Status if s != SessionLog.Status.OPEN],
    )
    skip_reason = forms.CharField(label="Why you skipped it", max_length=300, required=False)
    effort = forms.IntegerField(
        label="Overall effort (1–10)", min_value=1, max_value=10, required=False
    )
    note = forms.CharField(label="Note", max_length=2000, required=False)

    def session_data(self) -> dict[str, Any]:
        """The session's values for `session_log_save`: only those given."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in ("status", "skip_reason", "effort", "note") and value not in (None, "")
        }


def first_error(form: forms.Form) -> str:
    """The form's first message, naming its field: "Form (1–5): Ensure this value is …"."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return "Check what you entered."
