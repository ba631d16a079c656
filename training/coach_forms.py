"""Forms of the coach's pages about a client: choosing a day to log, and logging it."""

from datetime import date
from typing import Any, cast

from django import forms

from programs.models import Assignment
from training.models import SessionLog, SetLog
from training.selectors import DailyPlan, PlanItem

SIDE_LABELS = dict(SetLog.Side.choices)


class SessionPickForm(forms.Form):
    """Which day of which of the client's programs the coach is logging."""

    assignment = forms.TypedChoiceField(label="Program", coerce=int)
    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, assignments: list[Assignment], today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today = today
        self.assignments = {a.pk: a for a in assignments}
        field = cast(forms.TypedChoiceField, self.fields["assignment"])
        field.choices = [(a.pk, a.program.name) for a in assignments]
        self.fields["on"].widget.attrs["max"] = today.isoformat()
        self.fields["on"].initial = today

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > self.today:
            raise forms.ValidationError("You cannot log a day that has not come yet.")
        return on

    @property
    def chosen(self) -> Assignment:
        return self.assignments[self.cleaned_data["assignment"]]


class SetRow:
    """The inputs of one set on one side, as the coach fills them in."""

    def __init__(self, form: "SessionEntryForm", item: PlanItem, number: int, side: str):
        self.item, self.number, self.side = item, number, side
        self.side_label = SIDE_LABELS[side]
        self.prefix = f"set-{item.prescription.pk}-{number}-{side}"
        self.form = form

    def __getitem__(self, name: str) -> forms.BoundField:
        return self.form[f"{self.prefix}-{name}"]

    @property
    def fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SessionEntryForm.SET_INPUTS]

    def data(self) -> dict[str, Any] | None:
        """What this row logs, or None when it is not ticked as done."""
        values = self.form.cleaned_data
        if not values.get(f"{self.prefix}-done"):
            return None
        return {
            "prescription": self.item.prescription.pk,
            "set_number": self.number,
            "side": self.side,
            **{name: values.get(f"{self.prefix}-{name}") for name in SessionEntryForm.SET_INPUTS},
        }


class SessionEntryForm(forms.Form):
    """A session the coach logs for a client: each set per side of the day's exercises, filled
    in with what was prescribed (untick a set that was not done), and how the session went."""

    SET_INPUTS = ("reps", "hold_seconds", "load", "form")
    SESSION_INPUTS = ("status", "skip_reason", "effort", "note")

    status = forms.ChoiceField(
        label="How it went",
        choices=[c for c in SessionLog.Status.choices if c[0] != SessionLog.Status.OPEN],
        initial=SessionLog.Status.DONE,
    )
    skip_reason = forms.CharField(label="Why it was skipped", required=False, max_length=300)
    effort = forms.IntegerField(
        label="Overall effort (RPE 1–10)", min_value=1, max_value=10, required=False
    )
    note = forms.CharField(
        label="The client's note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, plan: DailyPlan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.groups: list[tuple[PlanItem, list[SetRow]]] = []
        for item in plan.items:
            logged = {(s.set_number, s.side) for s in item.logged}
            sides = (
                [SetLog.Side.LEFT, SetLog.Side.RIGHT]
                if item.dose.is_per_side
                else [SetLog.Side.BOTH]
            )
            rows = []
            for number in range(1, (item.dose.sets or 1) + 1):
                for side in sides:
                    if (number, side) in logged:
                        continue
                    row = SetRow(self, item, number, side)
                    self._add_set_fields(row)
                    rows.append(row)
            self.groups.append((item, rows))

    def _add_set_fields(self, row: SetRow) -> None:
        item, what = row.item, f"set {row.number}, {row.side_label.lower()}"
        self.fields[f"{row.prefix}-done"] = forms.BooleanField(
            label=f"Done: {item.exercise.name}, {what}", required=False, initial=True
        )
        self.fields[f"{row.prefix}-reps"] = forms.IntegerField(
            label=f"Reps, {what}", min_value=0, required=False, initial=item.dose.reps_per_side
        )
        self.fields[f"{row.prefix}-hold_seconds"] = forms.IntegerField(
            label=f"Seconds held, {what}",
            min_value=0,
            required=False,
            initial=item.dose.hold_seconds,
        )
        self.fields[f"{row.prefix}-load"] = forms.DecimalField(
            label=f"Load ({item.dose.load_unit or 'lb'}), {what}",
            min_value=0,
            max_digits=6,
            decimal_places=1,
            required=False,
            initial=item.dose.load,
        )
        self.fields[f"{row.prefix}-form"] = forms.IntegerField(
            label=f"Form 1–5, {what}", min_value=1, max_value=5, required=False
        )

    @property
    def session_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SESSION_INPUTS]

    @property
    def rows(self) -> list[SetRow]:
        return [row for _, rows in self.groups for row in rows]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == SessionLog.Status.SKIPPED:
            if not data.get("skip_reason"):
                self.add_error("skip_reason", "Say why the session was skipped.")
            return data
        for row in self.rows:
            done = row.data() if not any(row[name].errors for name in self.SET_INPUTS) else None
            if done and done["reps"] is None and done["hold_seconds"] is None:
                self.add_error(f"{row.prefix}-reps", "Give the reps or the seconds held.")
        return data

    def session_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.SESSION_INPUTS}

    def sets_data(self) -> list[dict[str, Any]]:
        """The sets ticked as done (none for a skipped session)."""
        if self.cleaned_data.get("status") == SessionLog.Status.SKIPPED:
            return []
        return [done for row in self.rows if (done := row.data()) is not None]
