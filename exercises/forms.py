from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from coach.forms import ModelMultipleChoiceField
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
        text = super().to_python(value) or ""
        # The field's validators see the list, where a null character hides: check the text.
        ProhibitNullCharactersValidator()(text)
        return _lines(text)


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
    is_warm_up = forms.BooleanField(
        required=False,
        label="Warm-up drill",
        help_text="Done to prepare for training: it never counts as a session's main work.",
    )
    instructions = LinesField(required=False, help_text="One step per line, in order.")
    cues = LinesField(required=False, label="Keys to success", help_text="One cue per line.")
    faults = FaultsField(
        required=False, label="Common faults", help_text="One per line: fault | fix."
    )
    breathing = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    regions = TagsField(required=False, help_text="Comma-separated, e.g. hamstrings, glutes.")
    equipment = TagsField(required=False, help_text="Comma-separated, e.g. dumbbell, wall.")
    video_url = forms.URLField(required=False, label="Demo video link", assume_scheme="https")
    prerequisites = ModelMultipleChoiceField(
        queryset=Exercise.objects.none(),
        required=False,
        help_text="Exercises a client should manage first.",
    )
    regressions = ModelMultipleChoiceField(
        queryset=Exercise.objects.none(), required=False, label="Easier neighbours"
    )
    progressions = ModelMultipleChoiceField(
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
            "is_warm_up": exercise.is_warm_up,
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


# How a stage's fields are grouped on the form: (legend, CSS class of the grid, fields).
STAGE_FIELD_GROUPS = (
    (
        "What changes",
        "field-grid",
        ("name", "description", "laterality", "support", "surface", "differs_note"),
    ),
    ("Dose", "field-grid", ("sets", "reps_per_side", "hold_seconds", "rest_seconds")),
    (
        "Load",
        "field-grid load-grid",
        (
            "load_unit",
            "load_min",
            "load_max",
            "load_min_female",
            "load_max_female",
            "load_min_male",
            "load_max_male",
        ),
    ),
    (
        "Criteria to move up",
        "field-grid",
        (
            "criteria_sessions",
            "criteria_min_form",
            "criteria_max_gap_pct",
            "criteria_min_hold_seconds",
            "criteria_note",
        ),
    ),
)


class StageForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Stage
        fields = list(STAGE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "criteria_note": forms.Textarea(attrs={"rows": 2}),
            "differs_note": forms.Textarea(attrs={"rows": 2}),
            "support": forms.TextInput(attrs={"placeholder": "e.g. handrail, wall"}),
            "surface": forms.TextInput(attrs={"placeholder": "e.g. floor, balance pad"}),
        }
        # The examples are placeholders, so the inputs of a row line up.
        help_texts = {
            "support": "",
            "surface": "",
            "load_unit": "",
            "laterality": "Empty: as the exercise.",
            "differs_note": "Where this rung departs from the training material, and why.",
        }
        labels = {
            "laterality": "Sides",
            "reps_per_side": "Reps per side",
            "hold_seconds": "Hold (s)",
            "rest_seconds": "Rest (s)",
            "load_min": "Load from",
            "load_max": "Load to",
            "load_min_female": "Women from",
            "load_max_female": "Women to",
            "load_min_male": "Men from",
            "load_max_male": "Men to",
            "criteria_sessions": "Sessions in a row",
            "criteria_min_form": "Form at least (1 to 5)",
            "criteria_max_gap_pct": "Left/right gap at most (%)",
            "criteria_min_hold_seconds": "Hold at least (s)",
            "criteria_note": "When to move up",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        laterality = self.fields["laterality"]
        assert isinstance(laterality, forms.ChoiceField)  # noqa: S101
        laterality.choices = [("", "As the exercise"), *Exercise.Laterality.choices]
        load_unit = self.fields["load_unit"]
        assert isinstance(load_unit, forms.ChoiceField)  # noqa: S101
        load_unit.choices = [("", "No load"), *Stage.LoadUnit.choices]

    def validate_unique(self) -> None:
        # The order is assigned by the service from the position in the ladder.
        pass

    def has_changed(self) -> bool:
        # A rung added with "Add stage" and left empty only has its position filled in by the
        # script: that alone is not a change, so the empty rung is skipped, not an error.
        return any(name != "ORDER" for name in self.changed_data)

    def field_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [
            (legend, css, [self[name] for name in names])
            for legend, css, names in STAGE_FIELD_GROUPS
        ]

    def default_fields(self) -> set[str]:
        """The fields whose saved values are product defaults (see Stage.defaults): marked on
        the form until the coach gives values of their own."""
        names = set(self.initial.get("defaults") or [])
        fields = {name for name in names if name in self.fields}
        if "load" in names:
            fields |= {name for name in self.fields if name.startswith("load_")}
        return fields


StageFormSet = forms.formset_factory(
    StageForm, extra=0, can_delete=True, can_order=True, max_num=20, validate_max=True
)


def stage_initial(exercise: Exercise) -> list[dict[str, Any]]:
    """The ladder as the form shows it, with which of each rung's values are product defaults."""
    return [
        {
            "id": stage.pk,
            "defaults": stage.defaults,
            **{field: getattr(stage, field) for field in STAGE_FIELDS},
        }
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
