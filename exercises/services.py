"""Writes of the exercise library: the seeded shared library, a coach's own exercises, stages,
copies, archiving, export and import."""

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from coach.archiving import archived_set
from coach.common import changes_plans, model_update
from coach.errors import DomainError, NotAllowed
from coach.models import Coach
from coach.response_cache import changes_practice
from exercises.models import DEFAULTABLE_FIELDS, LOAD_PAIRS, Equipment, Exercise, Region, Stage

EXERCISE_FIELDS = (
    "name",
    "summary",
    "instructions",
    "cues",
    "faults",
    "breathing",
    "laterality",
    "measurement",
    "category",
    "is_warm_up",
    "video_url",
    "sources",
)
STAGE_FIELDS = (
    "name",
    "description",
    "laterality",
    "differs_note",
    "support",
    "surface",
    "sets",
    "reps_per_side",
    "hold_seconds",
    "rest_seconds",
    "load_unit",
    "load_min",
    "load_max",
    "load_min_female",
    "load_max_female",
    "load_min_male",
    "load_max_male",
    "criteria_sessions",
    "criteria_min_form",
    "criteria_max_gap_pct",
    "criteria_min_hold_seconds",
    "criteria_note",
)
_STAGE_TEXTS = {
    "description",
    "laterality",
    "differs_note",
    "support",
    "surface",
    "load_unit",
    "criteria_note",
}
STAGE_DEFAULTS: dict[str, Any] = {
    field: "" if field in _STAGE_TEXTS else None for field in STAGE_FIELDS if field != "name"
}


def _still_defaults(stage: Stage, before: Mapping[str, Any]) -> list[str]:
    """The names of `stage.defaults` whose fields are as they were `before` the coach's edit: a
    value the coach changes is theirs, and its "default" mark goes."""
    return [
        name
        for name in stage.defaults
        if all(getattr(stage, f) == before[f] for f in DEFAULTABLE_FIELDS[name])
    ]


# A load band quoted in a stage's text: “10-20 lb”, “10–20 lbs”, “12.5 – 25 kg”.
_QUOTED_BAND = re.compile(
    r"(?<![\d.])(?P<low>\d+(?:\.\d+)?)\s*[-–—]\s*(?P<high>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>lbs?|pounds?|kgs?|kilos?|kilograms?)\b",
    re.IGNORECASE,
)
_QUOTED_UNITS = {"l": Stage.LoadUnit.LB, "p": Stage.LoadUnit.LB, "k": Stage.LoadUnit.KG}
# The texts of a stage that describe it (and so quote its bands); `differs_note` quotes the
# training material, which does not change with the stage.
_BAND_TEXTS = ("description", "criteria_note")


def _band_text(low: Decimal, high: Decimal, unit: str) -> str:
    return f"{low.normalize():f}–{high.normalize():f} {unit}"


def _texts_follow_bands(stage: Stage, before: Mapping[str, Any]) -> None:
    """Where the stage's texts quote a load band as it was `before` (“Start at 10-20 lb”), quote
    the band as it is now, so that the words never contradict the figures. A band that was
    cleared leaves its quote alone: there is nothing to put in its place."""
    now: dict[tuple[Decimal, Decimal, str], str] = {}
    for low, high in LOAD_PAIRS:
        old = (before[low], before[high], before["load_unit"])
        new = (getattr(stage, low), getattr(stage, high), stage.load_unit)
        if None in old or None in new or old == new or not new[2]:
            continue
        now.setdefault(old, _band_text(*new))

    def follow(match: re.Match[str]) -> str:
        unit = _QUOTED_UNITS[match["unit"][0].lower()]
        quoted = (Decimal(match["low"]), Decimal(match["high"]), unit)
        return now.get(quoted, match[0])

    if now:
        for field in _BAND_TEXTS:
            setattr(stage, field, _QUOTED_BAND.sub(follow, getattr(stage, field)))


def _tags(model: type[Region] | type[Equipment], slugs: Iterable[str]) -> list[Any]:
    tags = []
    longest = cast(int, model._meta.get_field("slug").max_length)
    for slug in dict.fromkeys(slugify(s) for s in slugs if s and slugify(s)):
        if len(slug) > longest:
            raise DomainError(
                f"Keep each one to {longest} characters: “{slug[:20]}…” is longer.",
                field="regions" if model is Region else "equipment",
            )
        tag, _ = model.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").capitalize()}
        )
        tags.append(tag)
    return tags


def _unique_slug(*, owner: Coach | None, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "exercise"
    taken = Exercise.objects.filter(owner=owner, slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _neighbours(
    *, owner: Coach | None, exercise: Exercise, ids: Iterable[int], field: str
) -> list[Exercise]:
    ids = [int(i) for i in ids]
    visible = Exercise.objects.shared() if owner is None else Exercise.objects.visible_to(owner)
    found = list(visible.filter(pk__in=ids).exclude(pk=exercise.pk))
    if len(found) != len(set(ids) - {exercise.pk}):
        raise DomainError("Choose exercises from your library.", field=field)
    return found


def check_prerequisite_cycle(exercise: Exercise, prerequisites: Sequence[Exercise]) -> None:
    """A prerequisite may not (transitively) require this exercise."""
    frontier = {p.pk for p in prerequisites}
    seen: set[int] = set()
    while frontier:
        if exercise.pk in frontier:
            raise DomainError(
                "These prerequisites would make the exercise require itself.",
                field="prerequisites",
            )
        seen |= frontier
        frontier = (
            set(
                Exercise.prerequisites.through.objects.filter(
                    from_exercise__in=frontier
                ).values_list("to_exercise", flat=True)
            )
            - seen
        )


def _stages_save(
    exercise: Exercise, stages: Sequence[Mapping[str, Any]], *, seeding: bool = False
) -> None:
    """Make the exercise's ladder exactly `stages`, in that order.

    Stages with an `id` are updated in place (so anything pointing at them keeps pointing at the
    same rung); stages without one are added; stages left out are removed. A value the coach
    changes is no longer a product default; a new stage may bring its `defaults` (an import),
    and `seeding` sets the `key` and `defaults` given.
    """
    existing = {stage.pk: stage for stage in exercise.stages.all()}
    given_ids = [int(data["id"]) for data in stages if data.get("id")]
    keep_ids = set(given_ids)
    if len(keep_ids) != len(given_ids):
        raise DomainError("A stage appears twice in the ladder.", field="stages")
    unknown = keep_ids - set(existing)
    if unknown:
        raise DomainError("A stage does not belong to this exercise.", field="stages")
    removed = list(exercise.stages.exclude(pk__in=keep_ids))
    for stage in removed:
        if stage_is_used(stage):
            raise DomainError(
                f"Stage {stage.order} (“{stage.name}”) is used in programs or by clients, so it "
                "cannot be removed. Keep it in the ladder, or copy the exercise to start afresh.",
                field="stages",
            )
    Stage.objects.filter(pk__in=[stage.pk for stage in removed]).delete()
    # Move kept rungs out of the way first: the order is unique per exercise.
    for offset, pk in enumerate(keep_ids, start=1):
        Stage.objects.filter(pk=pk).update(order=1000 + offset)
    for position, data in enumerate(stages, start=1):
        stage = existing[int(data["id"])] if data.get("id") else Stage(exercise=exercise)
        before = {field: getattr(stage, field) for field in STAGE_FIELDS}
        for field in STAGE_FIELDS:
            setattr(stage, field, data.get(field, STAGE_DEFAULTS.get(field)))
        if seeding:
            stage.key = data["key"]
        if seeding or (stage.pk is None and data.get("defaults")):
            # The seed's marks, or those of a rung brought in whole (an import).
            stage.defaults = list(data["defaults"])
        else:
            stage.defaults = _still_defaults(stage, before)
            _texts_follow_bands(stage, before)
        stage.order = position
        try:
            stage.full_clean(exclude=["exercise"], validate_unique=False)
        except ValidationError as error:
            raise DomainError.from_validation_error(
                error, prefix=f"stages.{position - 1}."
            ) from error
        stage.save()


def _exercise_write(
    *, exercise: Exercise, owner: Coach | None, data: Mapping[str, Any], partial: bool
) -> Exercise:
    model_update(instance=exercise, fields=EXERCISE_FIELDS, data=data, save=False)
    if "name" in data or not exercise.slug:
        if not str(exercise.name or "").strip():
            raise DomainError("Give the exercise a name.", field="name")
        exercise.slug = _unique_slug(owner=owner, name=exercise.name, exclude_pk=exercise.pk)
    try:
        exercise.full_clean(exclude=["owner", "copied_from", "slug"])
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error
    exercise.save()
    if "regions" in data:
        exercise.regions.set(_tags(Region, data["regions"]))
    if "equipment" in data:
        exercise.equipment.set(_tags(Equipment, data["equipment"]))
    if "prerequisites" in data:
        prerequisites = _neighbours(
            owner=owner, exercise=exercise, ids=data["prerequisites"], field="prerequisites"
        )
        check_prerequisite_cycle(exercise, prerequisites)
        exercise.prerequisites.set(prerequisites)
    if "progressions" in data:
        exercise.progressions.set(
            _neighbours(
                owner=owner, exercise=exercise, ids=data["progressions"], field="progressions"
            )
        )
    if "regressions" in data:
        exercise.regressions.set(
            _neighbours(
                owner=owner, exercise=exercise, ids=data["regressions"], field="regressions"
            )
        )
    # The ladder is replaced only when one is given: an update that leaves `stages` out
    # (even a full PUT from a tool that knows nothing of stages) keeps the rungs clients use.
    if "stages" in data:
        _stages_save(exercise, data["stages"])
    return exercise


def _require_own(*, coach: Coach, exercise: Exercise) -> None:
    if exercise.owner_id != coach.pk:
        raise NotAllowed(
            "The shared library is read-only. Copy the exercise to your library to change it."
        )


@changes_practice
@transaction.atomic
def exercise_create(*, coach: Coach, data: Mapping[str, Any]) -> Exercise:
    """Add an exercise (with its stages) to the coach's own library."""
    return _exercise_write(exercise=Exercise(owner=coach), owner=coach, data=data, partial=False)


@changes_plans
@transaction.atomic
def exercise_update(
    *, coach: Coach, exercise: Exercise, data: Mapping[str, Any], partial: bool = False
) -> Exercise:
    """Change one of the coach's own exercises; `stages`, when given, is the whole new ladder."""
    _require_own(coach=coach, exercise=exercise)
    return _exercise_write(exercise=exercise, owner=coach, data=data, partial=partial)


def _copy_name(*, coach: Coach, name: str) -> str:
    """The name of the coach's copy of an exercise called `name`: “Single-leg deadlift (mine)”,
    then “(mine 2)”, “(mine 3)”, … while the coach has an exercise of that name, so that the
    copy and the original can be told apart in a picker."""
    longest = cast(int, Exercise._meta.get_field("name").max_length)
    taken = {
        existing.casefold()
        for existing in Exercise.objects.owned_by(coach)
        .filter(name__icontains="(mine")
        .values_list("name", flat=True)
    }
    n = 1
    while True:
        mark = " (mine)" if n == 1 else f" (mine {n})"
        candidate = f"{name[: longest - len(mark)].rstrip()}{mark}"
        if candidate.casefold() not in taken:
            return candidate
        n += 1


@changes_practice
@transaction.atomic
def exercise_copy(*, coach: Coach, exercise: Exercise) -> Exercise:
    """Copy an exercise of the shared library into the coach's library to customise, named so
    that it can be told from the original (`_copy_name`); its name is the coach's to change."""
    if exercise.owner_id == coach.pk:
        raise DomainError(
            f"“{exercise.name}” is already in your library: edit it there.", code="already_own"
        )
    name = _copy_name(coach=coach, name=exercise.name)
    copy = Exercise.objects.create(
        owner=coach,
        copied_from=exercise,
        slug=_unique_slug(owner=coach, name=name),
        **{field: getattr(exercise, field) for field in EXERCISE_FIELDS if field != "name"},
        name=name,
    )
    copy.regions.set(exercise.regions.all())
    copy.equipment.set(exercise.equipment.all())
    # Only neighbours the coach may see: a shared exercise is also linked to other coaches'
    # copies of its neighbours.
    visible = Exercise.objects.visible_to(coach).exclude(pk=copy.pk)
    copy.prerequisites.set(visible.filter(required_for=exercise))
    copy.progressions.set(visible.filter(regressions=exercise))
    copy.regressions.set(visible.filter(progressions=exercise))
    Stage.objects.bulk_create(
        Stage(
            exercise=copy,
            order=stage.order,
            defaults=stage.defaults,
            **{f: getattr(stage, f) for f in STAGE_FIELDS},
        )
        for stage in exercise.stages.all()
    )
    return copy


def stage_is_used(stage: Stage) -> bool:
    """Whether anything (a prescription, a client's stage, a log) points at this rung."""
    return any(
        relation.related_model._default_manager.filter(  # type: ignore[union-attr]
            **{relation.field.name: stage}
        ).exists()
        for relation in Stage._meta.related_objects
    )


def exercise_is_used(exercise: Exercise) -> bool:
    """Whether anything outside the exercise itself points at it or at one of its stages."""
    own_relations = {
        "stages",
        "copies",
        "required_for",
        "regressions",
        "progressions",
        "prerequisites",
    }
    for obj, relations in (
        (exercise, Exercise._meta.related_objects),
        (None, Stage._meta.related_objects),
    ):
        for relation in relations:
            if obj is not None and relation.get_accessor_name() in own_relations:
                continue
            model = relation.related_model
            if obj is not None:
                lookup = {relation.field.name: exercise}
            else:
                lookup = {f"{relation.field.name}__exercise": exercise}
            if model._default_manager.filter(**lookup).exists():  # type: ignore[union-attr]
                return True
    return False


@changes_plans
def exercise_archive(*, coach: Coach, exercise: Exercise) -> Exercise:
    """Hide an exercise from the library and pickers; everything that uses it keeps it."""
    _require_own(coach=coach, exercise=exercise)
    archived_set(exercise, archived=True)
    return exercise


@changes_plans
def exercise_restore(*, coach: Coach, exercise: Exercise) -> Exercise:
    _require_own(coach=coach, exercise=exercise)
    archived_set(exercise, archived=False)
    return exercise


@changes_plans
@transaction.atomic
def exercise_delete(*, coach: Coach, exercise: Exercise) -> bool:
    """Delete an unused exercise of the coach's; one that is used anywhere is archived instead.

    Returns True when it was deleted, False when it was archived.
    """
    _require_own(coach=coach, exercise=exercise)
    if exercise_is_used(exercise):
        exercise_archive(coach=coach, exercise=exercise)
        return False
    exercise.delete()
    return True


# --- the shared library, seeded from the training material --------------------------------

# What a seed entry may leave out. A stage leaves out whatever STAGE_DEFAULTS covers.
SEED_EXERCISE_DEFAULTS: dict[str, Any] = {
    "is_warm_up": False,
    "sources": [],
    "faults": [],
    "breathing": "",
    "video_url": "",
    "equipment": [],
    "prerequisites": [],
    "regressions": [],
    "progressions": [],
    "stages": [],
}
_SEED_EXERCISE_KEYS = {"slug", "regions", *EXERCISE_FIELDS, *SEED_EXERCISE_DEFAULTS}
# A seed stage writes its criteria as one mapping ("criteria": {"sessions": 3, ...}).
_SEED_CRITERIA = {
    "sessions": "criteria_sessions",
    "min_form": "criteria_min_form",
    "max_gap_pct": "criteria_max_gap_pct",
    "min_hold_seconds": "criteria_min_hold_seconds",
}
# A seed stage names the figures the training material gives ("from_material"); every other
# figure it states is a product default. "product_step" marks a rung the material does not have.
_SEED_STAGE_EXTRAS: dict[str, Any] = {"key": None, "from_material": [], "product_step": False}
_SEED_STAGE_KEYS = {
    "criteria",
    *_SEED_STAGE_EXTRAS,
    *(set(STAGE_FIELDS) - set(_SEED_CRITERIA.values())),
}


def _seed_filled(
    data: Mapping[str, Any], *, defaults: Mapping[str, Any], known: set[str], where: str
) -> dict[str, Any]:
    # A misspelt key would otherwise quietly become the default.
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"Unknown keys in the seed at {where}: {', '.join(sorted(unknown))}")
    return {**defaults, **data}


def _seed_stage(data: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    stage = _seed_filled(
        data,
        defaults={**STAGE_DEFAULTS, **_SEED_STAGE_EXTRAS},
        known=_SEED_STAGE_KEYS,
        where=where,
    )
    if not stage["key"]:
        raise ValueError(f"The seed's stage at {where} has no key.")
    criteria = stage.pop("criteria", None) or {}
    _seed_filled(criteria, defaults={}, known=set(_SEED_CRITERIA), where=f"{where}.criteria")
    stage.update({field: criteria.get(key) for key, field in _SEED_CRITERIA.items()})
    stated = {
        name
        for name, fields in DEFAULTABLE_FIELDS.items()
        if name != "rung" and any(stage[f] is not None for f in fields)
    }
    from_material = set(stage.pop("from_material"))
    if from_material - stated:
        raise ValueError(
            f"The seed's stage at {where} says the material gives figures it does not state: "
            f"{', '.join(sorted(from_material - stated))}"
        )
    product_step = stage.pop("product_step")
    stage["defaults"] = [
        name
        for name in DEFAULTABLE_FIELDS
        if (name == "rung" and product_step) or (name in stated - from_material)
    ]
    return stage


def library_entries(entries: Sequence[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The seed's entries (exercises.seed_data.LIBRARY by default) with everything they leave out
    filled in, and each stage's criteria spread into the stage's own fields."""
    if entries is None:
        from exercises.seed_data import LIBRARY

        entries = LIBRARY
    complete = []
    for entry in entries:
        where = str(entry.get("slug"))
        exercise = _seed_filled(
            entry, defaults=SEED_EXERCISE_DEFAULTS, known=_SEED_EXERCISE_KEYS, where=where
        )
        exercise["stages"] = [
            _seed_stage(stage, where=f"{where}.stages.{n}")
            for n, stage in enumerate(exercise["stages"])
        ]
        complete.append(exercise)
    return complete


@changes_plans
@transaction.atomic
def library_seed(entries: Sequence[Mapping[str, Any]] | None = None) -> int:
    """Create or update the shared library from the seed data. Safe to run again.

    Stages are matched by their key: a rung keeps its row (and whatever points at it: clients'
    stages, logs, programs) wherever the ladder now puts it, and new rungs get rows of their
    own. Returns the number of exercises in the seed.
    """
    complete = library_entries(entries)
    by_slug: dict[str, Exercise] = {}
    for entry in complete:
        exercise, _ = Exercise.objects.update_or_create(
            owner=None,
            slug=entry["slug"],
            defaults={field: entry[field] for field in EXERCISE_FIELDS},
        )
        exercise.full_clean(exclude=["owner", "copied_from"])
        exercise.regions.set(_tags(Region, entry["regions"]))
        exercise.equipment.set(_tags(Equipment, entry["equipment"]))
        existing = dict(exercise.stages.exclude(key="").values_list("key", "pk"))
        stages = [{**stage, "id": existing.get(stage["key"])} for stage in entry["stages"]]
        _stages_save(exercise, stages, seeding=True)
        by_slug[entry["slug"]] = exercise
    for entry in complete:
        exercise = by_slug[entry["slug"]]
        exercise.prerequisites.set([by_slug[s] for s in entry["prerequisites"]])
        exercise.progressions.set(
            {*(by_slug[s] for s in entry["progressions"])}
            | {
                by_slug[other["slug"]]
                for other in complete
                if entry["slug"] in other["regressions"]
            }
        )
    return len(complete)
