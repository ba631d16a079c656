from typing import Any

from django import forms

from coach.models import Coach
from exercises import selectors
from exercises.models import Exercise, Stage
from exercises.services import STAGE_FIELDS


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A textarea where each non-empty line is one item."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return _lines(super().to_python(value) or "")


class FaultsField(LinesField):
    """One fault per line, written as `fault | fix`."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{item['fault']} | {item['fix']}" for item in value)
        return value

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        faults = []
        for number, line in enumerate(super().to_python(value), start=1):
            fault, _, fix = line.partition("|")
            if not fault.strip() or not fix.strip():
                raise forms.ValidationError(
                    f"Line {number}: write the fault, a bar, then its fix (fault | fix)."
                )
            faults.append({"fault": fault.strip(), "fix": fix.strip()})
        return faults


class TagsField(forms.CharField):
    """Comma-separated words, e.g. `hamstrings, glutes`."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return [
            part.strip() for part in (super().to_python(value) or "").split(",") if part.strip()
        ]


class ExerciseForm(forms.Form):
    name = forms.CharField(max_length=120)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    category = forms.ChoiceField(choices=Exercise.Category.choices)
    laterality = forms.ChoiceField(choices=Exercise.Laterality.choices)
    measurement = forms.ChoiceField(choices=Exercise.Measurement.choices, label="Measured by")
    instructions = LinesField(required=False, help_text="One step per line, in order.")
    cues = LinesField(required=False, label="Keys to success", help_text="One cue per line.")
    faults = FaultsField(
        required=False, label="Common faults", help_text="One per line: fault | fix."
    )
    breathing = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    regions = TagsField(required=False, help_text="Comma-separated, e.g. hamstrings, glutes.")
    equipment = TagsField(required=False, help_text="Comma-separated, e.g. dumbbell, wall.")
    video_url = forms.URLField(required=False, label="Demo video link", assume_scheme="https")
    prerequisites = forms.ModelMultipleChoiceField(
        queryset=Exercise.objects.none(),
        required=False,
        help_text="Exercises a client should manage first.",
    )
    regressions = forms.ModelMultipleChoiceField(
        queryset=Exercise.objects.none(), required=False, label="Easier neighbours"
    )
    progressions = forms.ModelMultipleChoiceField(
        queryset=Exercise.objects.none(), required=False, label="Harder neighbours"
    )

    def __init__(self, *args: Any, coach: Coach, exercise: Exercise | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = selectors.exercise_choices(coach=coach)
        if exercise is not None:
            choices = choices.exclude(pk=exercise.pk)
        for field in ("prerequisites", "regressions", "progressions"):
            widget_field = self.fields[field]
            assert isinstance(widget_field, forms.ModelMultipleChoiceField)  # noqa: S101
            widget_field.queryset = choices
            widget_field.widget.attrs["size"] = 6

    @staticmethod
    def initial_for(exercise: Exercise) -> dict[str, Any]:
        return {
            "name": exercise.name,
            "summary": exercise.summary,
            "category": exercise.category,
            "laterality": exercise.laterality,
            "measurement": exercise.measurement,
            "instructions": exercise.instructions,
            "cues": exercise.cues,
            "faults": exercise.faults,
            "breathing": exercise.breathing,
            "regions": [region.slug for region in exercise.regions.all()],
            "equipment": [item.slug for item in exercise.equipment.all()],
            "video_url": exercise.video_url,
            "prerequisites": list(exercise.prerequisites.all()),
            "regressions": list(exercise.regressions.all()),
            "progressions": list(exercise.progressions.all()),
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for field in ("prerequisites", "regressions", "progressions"):
            data[field] = [exercise.pk for exercise in data[field]]
        return data


class StageForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Stage
        fields = list(STAGE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "criteria_note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "reps_per_side": "Reps per side",
            "hold_seconds": "Hold (s)",
            "rest_seconds": "Rest (s)",
            "load_min": "Load from",
            "load_max": "to",
            "load_min_female": "Women: from",
            "load_max_female": "to",
            "load_min_male": "Men: from",
            "load_max_male": "to",
            "criteria_sessions": "Sessions in a row",
            "criteria_min_form": "Form at least (1 to 5)",
            "criteria_max_gap_pct": "Left/right gap at most (%)",
            "criteria_min_hold_seconds": "Hold at least (s)",
            "criteria_note": "When to move up",
        }

    def validate_unique(self) -> None:
        # The order is assigned by the service from the position in the ladder.
        pass


StageFormSet = forms.formset_factory(
    StageForm, extra=0, can_delete=True, can_order=True, max_num=20, validate_max=True
)


def stage_initial(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {"id": stage.pk, **{field: getattr(stage, field) for field in STAGE_FIELDS}}
        for stage in exercise.stages.all()
    ]


def stages_from_formset(formset: Any) -> list[dict[str, Any]]:
    """The ladder as the coach left it: ordered by the order field, removed rungs left out."""
    stages = []
    for form in formset.ordered_forms:
        if not form.has_changed() and not form.cleaned_data.get("id"):
            continue
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"ORDER", "DELETE"}}
        stages.append(data)
    return stages


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A JSON file exported from this library.")

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 5 MB.")
        return upload.read()
