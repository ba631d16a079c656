from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateformat import format as date_format

from coach.errors import DomainError
from coach.forms import ModelMultipleChoiceField
from coach.models import Client, Coach
from exercises.models import Exercise, Stage
from programs.models import Block, Day, Program, Weekday
from programs.services import ROUTINE_MAX_ITEMS
from programs.services.assignments import (
    STARTS_ON_MISMATCH_CHOICES,
    Overlap,
    StartsOnMismatch,
    plan_start_suggestion,
)


def _day(on: date) -> str:
    return date_format(on, "l j F Y")


class ProgramForm(forms.Form):
    name = forms.CharField(max_length=150)
    kind = forms.ChoiceField(
        choices=Program.Kind.choices, widget=forms.RadioSelect, initial="routine"
    )
    length_days = forms.IntegerField(
        label="Length in days",
        min_value=1,
        max_value=366,
        initial=30,
        help_text="Routines: consecutive days, e.g. 30.",
    )
    weeks = forms.IntegerField(
        min_value=1, max_value=52, initial=8, help_text="Plans: how many weeks."
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Training weekdays",
        help_text="Plans: the days of the week with a session.",
    )
    goal = forms.CharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Program.Kind.PLAN and not data.get("weekdays"):
            self.add_error("weekdays", "Choose at least one training weekday for a plan.")
        return data

    @staticmethod
    def initial_for(program: Program) -> dict[str, Any]:
        return {field: getattr(program, field) for field in (
            "name", "kind", "length_days", "weeks", "weekdays", "goal", "description"
        )}  # fmt: skip


class GenerateForm(forms.Form):
    name = forms.CharField(max_length=150, initial="30-day routine")
    length_days = forms.IntegerField(label="Days", min_value=1, max_value=366, initial=30)
    intensity = forms.ChoiceField(choices=Day.Intensity.choices, initial=Day.Intensity.LOW)
    goal = forms.CharField(max_length=200, required=False)


# How each exercise of a generated routine grows, in the words of the form.
STEP_CHOICES = [
    ("none", "nothing (repeat as is)"),
    ("hold", "seconds of hold"),
    ("reps", "reps per side"),
    ("stage", "stages (up the ladder)"),
]


class GenerateItemForm(forms.Form):
    """One exercise of the day to repeat, with its dose and its own progression."""

    exercise = forms.ModelChoiceField(queryset=Exercise.objects.none(), required=False)
    stage = forms.IntegerField(
        label="Stage", min_value=1, required=False, help_text="Empty: the client's current stage."
    )
    sets = forms.IntegerField(min_value=0, max_value=50, required=False)
    reps_per_side = forms.IntegerField(
        label="Reps per side", min_value=0, max_value=500, required=False
    )
    hold_seconds = forms.IntegerField(label="Hold (s)", min_value=0, max_value=3600, required=False)
    step = forms.ChoiceField(
        label="Every step, add", choices=STEP_CHOICES, initial="none", required=False
    )
    step_amount = forms.IntegerField(
        label="Amount",
        min_value=0,
        max_value=600,
        required=False,
        help_text="Seconds, reps or stages added at each step.",
    )
    every_days = forms.IntegerField(
        label="Step every (days)", min_value=1, max_value=366, initial=7, required=False
    )

    PROGRESSION_FIELDS = ("step", "step_amount", "every_days")
    # The fields of a row, as posted: a row is re-shown from them when rows are added or removed.
    ROW_FIELDS = ("exercise", "stage", "sets", "reps_per_side", "hold_seconds", *PROGRESSION_FIELDS)

    def __init__(self, *args: Any, coach: Coach, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["exercise"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Exercise.objects.visible_to(coach).active().order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        exercise, number = data.get("exercise"), data.get("stage")
        if exercise is not None and number:
            stage = exercise.stages.filter(order=number).first()
            if stage is None:
                self.add_error("stage", f"{exercise.name} has no stage {number}.")
            else:
                data["stage_id"] = stage.pk
        return data

    def dose_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.PROGRESSION_FIELDS]

    def progression_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PROGRESSION_FIELDS]

    def item(self) -> dict[str, Any] | None:
        """The row in the generator's words, or None for a row without an exercise."""
        data = self.cleaned_data
        if not data.get("exercise"):
            return None
        item = {"exercise": data["exercise"].pk, "stage": data.get("stage_id")}
        for name in self.ROW_FIELDS[2:]:
            if data.get(name) not in (None, ""):
                item[name] = data[name]
        return item


class BaseGenerateItemFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": f"A day repeats at most {ROUTINE_MAX_ITEMS} exercises.",
    }

    def items(self) -> list[dict[str, Any]]:
        """The rows that name an exercise, in the generator's words (a valid formset only)."""
        return [item for form in self.forms if (item := form.item()) is not None]

    def error_rows(self) -> list[int]:
        """Numbers (from 1) of the rows with an error, to point at them above the form."""
        return [index + 1 for index, errors in enumerate(self.errors) if errors]


GenerateItemFormSet = cast(
    type[BaseGenerateItemFormSet],
    forms.formset_factory(
        GenerateItemForm,
        formset=BaseGenerateItemFormSet,
        extra=1,
        max_num=ROUTINE_MAX_ITEMS,
        absolute_max=ROUTINE_MAX_ITEMS,
        validate_max=True,
    ),
)


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = ["name", "focus", "start", "end"]


class AssignForm(forms.Form):
    clients = ModelMultipleChoiceField(
        queryset=Client.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one client."},
    )
    starts_on = forms.DateField(
        label="Start date",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    # Shown when a plan's start date is not the weekday of its first session: the coach's
    # answer, for that date only ("keep:<date>" or "next_weekday:<date>").
    starts_on_choice = forms.CharField(
        label="Which start date?", required=False, widget=forms.HiddenInput
    )
    # Shown when a client already has a program on these dates; `overlaps_seen` holds the ids
    # of the programs named, so that "Assign anyway" never covers one the coach has not seen.
    confirm_overlap = forms.BooleanField(
        label="Assign anyway", required=False, widget=forms.HiddenInput
    )
    overlaps_seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        coach: Coach,
        ladders: Mapping[Exercise, Sequence[Stage]] | None = None,
        program: Program | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["clients"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = Client.objects.for_coach(coach).active().order_by("name")
        if program is not None and not self.is_bound:
            self._suggest_start(program)
        # A starting rung for each ladder the program leaves to the client's stage.
        self.ladders = dict(ladders or {})
        for exercise, stages in self.ladders.items():
            self.fields[f"stage_{exercise.pk}"] = forms.TypedChoiceField(
                label=f"Starting stage: {exercise.name}",
                choices=[(s.pk, f"Stage {s.order}: {s.name}") for s in stages],
                coerce=int,
                initial=stages[0].pk,
            )

    def _suggest_start(self, program: Program) -> None:
        """A plan starts, by default, on the next date that is its first session's weekday."""
        today = timezone.localdate()
        suggested = plan_start_suggestion(program=program, on=today)
        if suggested is None:
            return
        self.fields["starts_on"].initial = suggested
        weekday = Weekday(suggested.weekday()).label
        self.fields["starts_on"].help_text = (
            f"This plan's first session is on a {weekday}: "
            f"{'today' if suggested == today else 'the next one is ' + _day(suggested)}."
        )

    def starting_stages(self) -> dict[int, int]:
        """The rungs chosen above each ladder's first."""
        return {
            exercise.pk: self.cleaned_data[f"stage_{exercise.pk}"]
            for exercise, stages in self.ladders.items()
            if self.cleaned_data.get(f"stage_{exercise.pk}") not in (None, stages[0].pk)
        }

    def starts_on_mismatch(self) -> StartsOnMismatch:
        """The coach's answer for the start date posted, "refuse" when they gave none for it
        (an answer given for another date never moves this one)."""
        answer, _, on = self.cleaned_data.get("starts_on_choice", "").partition(":")
        starts_on = self.cleaned_data.get("starts_on")
        if starts_on is not None and on == starts_on.isoformat():
            for choice in STARTS_ON_MISMATCH_CHOICES:
                if answer == choice != "refuse":
                    return choice
        return "refuse"

    def ask_start(self, error: DomainError) -> None:
        """Offer the plan's next first-session weekday or the date chosen, as two choices."""
        starts_on: date = self.cleaned_data["starts_on"]
        suggested = date.fromisoformat(str(error.details["next_starts_on"]))
        weekday = Weekday(suggested.weekday()).label
        self.fields["starts_on_choice"].widget = forms.RadioSelect(
            choices=[
                (
                    f"next_weekday:{starts_on.isoformat()}",
                    f"Start on the next {weekday}, {_day(suggested)}",
                ),
                (
                    f"keep:{starts_on.isoformat()}",
                    f"Start on {_day(starts_on)}, as chosen",
                ),
            ]
        )
        self.add_error("starts_on_choice", error.message)

    def overlap_confirmed(self, overlaps: Sequence[Overlap]) -> bool:
        """Whether "Assign anyway" was ticked for every one of these overlaps."""
        posted = self.cleaned_data.get("overlaps_seen", "").split(",")
        seen = {int(pk) for pk in posted if pk.isdecimal()}
        named = {overlap.assignment.pk for overlap in overlaps}
        return bool(self.cleaned_data.get("confirm_overlap")) and named <= seen

    def ask_overlap(self, overlaps: Sequence[Overlap]) -> None:
        """Name each overlap beside an "Assign anyway" box."""
        data = cast(QueryDict, self.data).copy()
        data["overlaps_seen"] = ",".join(str(o.assignment.pk) for o in overlaps)
        data.pop("confirm_overlap", None)
        self.data = data
        field = self.fields["confirm_overlap"]
        field.widget = forms.CheckboxInput(
            attrs={"aria-describedby": "id_confirm_overlap_error id_confirm_overlap_helptext"}
        )
        field.help_text = "Both programs then run side by side on these dates."
        for overlap in overlaps:
            self.add_error("confirm_overlap", overlap.message)


class DateForm(forms.Form):
    on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
