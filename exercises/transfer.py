"""Export and import of a coach's own exercises as one JSON document."""

import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from coach.errors import DomainError
from coach.models import Coach
from exercises import selectors, services
from exercises.models import Exercise, Stage

FORMAT = "coach.exercises"
VERSION = 1
MAX_EXERCISES = 1000


# How files written while the load unit was free text may spell the units of the list.
_UNIT_SPELLINGS = {
    **dict.fromkeys(("lbs", "pound", "pounds", "#"), Stage.LoadUnit.LB),
    **dict.fromkeys(("kgs", "kilo", "kilos", "kilogram", "kilograms"), Stage.LoadUnit.KG),
    **dict.fromkeys(("bands", "mini band", "tube", "tubing"), Stage.LoadUnit.BAND),
    **dict.fromkeys(("body weight", "body-weight", "bw"), Stage.LoadUnit.BODYWEIGHT),
}


class _LoadUnitIn(serializers.ChoiceField):
    """A unit of the list, also when the file spells it another way (“lbs”, “Kilograms”)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Stage.LoadUnit.choices, allow_blank=True, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, str):
            written = " ".join(data.strip().lower().rstrip(".").split())
            data = _UNIT_SPELLINGS.get(written, written)
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            units = ", ".join(Stage.LoadUnit.values)
            raise serializers.ValidationError(
                f"Give the load unit as one of: {units} (or leave it empty)."
            ) from error


class _StageIn(serializers.ModelSerializer):
    load_unit = _LoadUnitIn(required=False)

    class Meta:
        model = Stage
        fields = [*services.STAGE_FIELDS, "defaults"]
        extra_kwargs = {
            field: {"required": False}
            for field in ("description", "support", "surface", "criteria_note")
        }


class _FaultIn(serializers.Serializer):
    fault = serializers.CharField(max_length=300)
    fix = serializers.CharField(max_length=500)


class _ExerciseIn(serializers.ModelSerializer):
    slug = serializers.SlugField(max_length=140, required=False)
    instructions = serializers.ListField(child=serializers.CharField(), required=False)
    cues = serializers.ListField(child=serializers.CharField(), required=False)
    faults = _FaultIn(many=True, required=False)
    regions = serializers.ListField(child=serializers.SlugField(), required=False)
    equipment = serializers.ListField(child=serializers.SlugField(), required=False)
    prerequisites = serializers.ListField(child=serializers.SlugField(), required=False)
    progressions = serializers.ListField(child=serializers.SlugField(), required=False)
    regressions = serializers.ListField(child=serializers.SlugField(), required=False)
    archived = serializers.BooleanField(required=False, default=False)
    stages = _StageIn(many=True, required=False)

    class Meta:
        model = Exercise
        fields = [
            "slug",
            *services.EXERCISE_FIELDS,
            "regions",
            "equipment",
            "prerequisites",
            "progressions",
            "regressions",
            "archived",
            "stages",
        ]


def exercises_export(*, coach: Coach) -> dict[str, Any]:
    """The coach's own exercises, stages included; neighbours are named by slug."""
    exercises = []
    for exercise in selectors.exercises_owned(coach=coach):
        exercises.append(
            {
                "slug": exercise.slug,
                **{field: getattr(exercise, field) for field in services.EXERCISE_FIELDS},
                "archived": exercise.is_archived,
                "regions": [region.slug for region in exercise.regions.all()],
                "equipment": [item.slug for item in exercise.equipment.all()],
                "prerequisites": [other.slug for other in exercise.prerequisites.all()],
                "progressions": [other.slug for other in exercise.progressions.all()],
                "regressions": [other.slug for other in exercise.regressions.all()],
                "stages": [
                    {
                        field: (
                            str(getattr(stage, field))
                            if field.startswith("load_")
                            and field != "load_unit"
                            and getattr(stage, field) is not None
                            else getattr(stage, field)
                        )
                        for field in (*services.STAGE_FIELDS, "defaults")
                    }
                    for stage in exercise.stages.all()
                ],
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "exercises": exercises,
    }


def _parse(payload: Any) -> list[Any]:
    if isinstance(payload, bytes | str):
        try:
            payload = json.loads(payload)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise DomainError("The file is not valid JSON.", field="file") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise DomainError(
            'This is not an exercise export: it has no "format": "coach.exercises".',
            field="file",
        )
    if payload.get("version") != VERSION:
        raise DomainError(f"Only version {VERSION} exports can be imported.", field="file")
    entries = payload.get("exercises")
    if not isinstance(entries, list) or not entries:
        raise DomainError("The file has no exercises to import.", field="file")
    if len(entries) > MAX_EXERCISES:
        raise DomainError(f"Import at most {MAX_EXERCISES} exercises at a time.", field="file")
    return entries


def _first_error(errors: Any, path: str) -> tuple[str, str]:
    while True:
        if isinstance(errors, dict):
            key, errors = next(iter(errors.items()))
            path = f"{path}.{key}"
        elif isinstance(errors, list):
            index = next((i for i, e in enumerate(errors) if e), 0)
            if isinstance(errors[index], str) or hasattr(errors[index], "code"):
                return path, str(errors[index])
            errors = errors[index]
            path = f"{path}.{index}"
        else:
            return path, str(errors)


def _where(path: str) -> str:
    """`stages.1.load_max` -> `stage 2, load_max`: where in an exercise a problem is."""
    parts = [p for p in path.split(".") if p != "non_field_errors"]
    described: list[str] = []
    while parts:
        part = parts.pop(0)
        if parts and parts[0].isdigit():
            number = int(parts.pop(0)) + 1
            described.append(f"{part.rstrip('s') if part == 'stages' else part} {number}")
        else:
            described.append(part)
    return ", ".join(described)


def _refused(index: int, name: str, where: str, message: str) -> DomainError:
    label = f"Exercise {index + 1}{f' ({name})' if name else ''}"
    text = f"{label}: {f'{where}: ' if where else ''}{message} Nothing was imported."
    # The name and the message quote the file, whose JSON may hold lone surrogates: the page or
    # the API response showing them could not be encoded.
    return DomainError(text.encode("utf-8", "backslashreplace").decode("utf-8"), field="file")


@transaction.atomic
def exercises_import(*, coach: Coach, payload: Any) -> list[Exercise]:
    """Add the exercises of an export to the coach's library. All or nothing.

    Existing exercises are never overwritten: a clashing slug gets a number. Neighbours are
    resolved by slug within the file first, then the coach's own library, then the shared one.
    """
    entries = _parse(payload)
    cleaned: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        serializer = _ExerciseIn(data=entry)
        if not serializer.is_valid():
            path, message = _first_error(serializer.errors, "")
            name = entry.get("name", "") if isinstance(entry, dict) else ""
            raise _refused(index, str(name), _where(path.lstrip(".")), message)
        cleaned.append(dict(serializer.validated_data))

    slugs = [data["slug"] for data in cleaned if data.get("slug")]
    if len(slugs) != len(set(slugs)):
        raise DomainError(
            "Two exercises in the file have the same slug. Nothing was imported.", field="file"
        )
    created: list[Exercise] = []
    for index, data in enumerate(cleaned):
        fields = {
            key: value
            for key, value in data.items()
            if key not in {"slug", "prerequisites", "progressions", "regressions", "archived"}
        }
        try:
            exercise = services.exercise_create(coach=coach, data=fields)
        except DomainError as error:
            raise _refused(index, data["name"], _where(error.field or ""), error.message) from error
        if data.get("archived"):
            exercise.archived_at = timezone.now()
            exercise.save(update_fields=["archived_at", "updated_at"])
        created.append(exercise)

    in_file = {data["slug"]: created[i] for i, data in enumerate(cleaned) if data.get("slug")}
    new_ids = [exercise.pk for exercise in created]
    own = {e.slug: e for e in Exercise.objects.owned_by(coach).exclude(pk__in=new_ids)}
    shared = {e.slug: e for e in Exercise.objects.shared()}

    def resolve(slugs: list[str], index: int) -> list[Exercise]:
        found = []
        for slug in slugs:
            other = in_file.get(slug) or own.get(slug) or shared.get(slug)
            if other is None:
                raise DomainError(
                    f"Exercise {index + 1} ({cleaned[index]['name']}) refers to “{slug}”, which "
                    "is not in the file or your library. Nothing was imported.",
                    field="file",
                )
            if other != created[index]:
                found.append(other)
        return found

    for index, (data, exercise) in enumerate(zip(cleaned, created, strict=True)):
        exercise.prerequisites.add(*resolve(data.get("prerequisites", []), index))
        # Both directions are in an export; adding (not replacing) keeps either one enough.
        exercise.progressions.add(*resolve(data.get("progressions", []), index))
        exercise.regressions.add(*resolve(data.get("regressions", []), index))
    for index, exercise in enumerate(created):
        try:
            services.check_prerequisite_cycle(exercise, list(exercise.prerequisites.all()))
        except DomainError as error:
            raise _refused(index, exercise.name, "", error.message) from error
    return created
