"""Factories and builders for the exercise library: own exercises by default, `owner=None` for
shared ones, and the data the services and the API take."""

from decimal import Decimal
from typing import Any

import factory
from django.core.cache import cache
from django.test import Client
from django.utils.text import slugify

from coach.models import Coach
from exercises.models import Equipment, Exercise, Region, Stage
from programs.models import Day, Prescription, Program
from tests.coach.factories import CoachFactory
from tests.conftest import get_counting_queries


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"region-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class EquipmentFactory(factory.django.DjangoModelFactory[Equipment]):
    class Meta:
        model = Equipment
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"equipment-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class ExerciseFactory(factory.django.DjangoModelFactory[Exercise]):
    """A one-sided strength exercise counted in reps, of a new coach's own library.

    `regions` and `equipment` take slugs; `stages=n` builds a ladder of n rungs (see `stages`).
    """

    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    owner = factory.SubFactory(CoachFactory)
    name = factory.Sequence(lambda n: f"Exercise {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    summary = "A movement for the tests."
    instructions = factory.LazyFunction(lambda: ["Stand tall.", "Move well."])
    cues = factory.LazyFunction(lambda: ["Breathe"])
    faults = factory.LazyFunction(lambda: [{"fault": "Rushing", "fix": "Slow down"}])
    laterality = Exercise.Laterality.UNILATERAL
    measurement = Exercise.Measurement.REPS
    category = Exercise.Category.STRENGTH

    @factory.post_generation
    def regions(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.regions.set([RegionFactory.create(slug=slug) for slug in extracted])

    @factory.post_generation
    def equipment(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.equipment.set([EquipmentFactory.create(slug=slug) for slug in extracted])

    @factory.post_generation
    def stages(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        """`stages=n`: rungs "Stage 1" to "Stage n", each a set, a rep, 10 s of hold and 30 s of
        rest more than the one below (rung 1: 2 sets, 7 per side, 10 s, 30 s rest); every rung
        but the top asks for 3 sessions to move up."""
        if not create or not extracted:
            return
        for order in range(1, extracted + 1):
            StageFactory.create(
                exercise=self,
                order=order,
                name=f"Stage {order}",
                sets=order + 1,
                reps_per_side=6 + order,
                hold_seconds=10 * order,
                rest_seconds=30 * order,
                criteria_sessions=3 if order < extracted else None,
            )


class StageFactory(factory.django.DjangoModelFactory[Stage]):
    """A rung of 3 sets of 8 per side, on a new exercise unless one is given."""

    class Meta:
        model = Stage

    exercise = factory.SubFactory(ExerciseFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Stage {n}")
    sets = 3
    reps_per_side = 8


def shared(slug: str) -> Exercise:
    """An exercise of the seeded shared library."""
    return Exercise.objects.get(owner=None, slug=slug)


def stage_of(exercise: Exercise, order: int) -> Stage:
    return exercise.stages.get(order=order)


def stage_data(name: str, **overrides: object) -> dict[str, object]:
    """A stage as the services take it."""
    data: dict[str, object] = {"name": name, "sets": 3, "reps_per_side": 8}
    data.update(overrides)
    return data


def exercise_data(name: str = "Split squat", **overrides: Any) -> dict[str, Any]:
    """An exercise as the services and the API take it, with a two-rung ladder."""
    data: dict[str, Any] = {
        "name": name,
        "summary": "One foot forward, one back; lower the back knee.",
        "instructions": ["Take a long stride.", "Lower the back knee.", "Drive up."],
        "cues": ["Front knee over the toes"],
        "faults": [{"fault": "Front heel lifts", "fix": "Lengthen the stride"}],
        "breathing": "In on the way down, out on the way up.",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "category": "strength",
        "regions": ["quads", "glutes"],
        "equipment": ["dumbbell"],
        "stages": [
            stage_data("Bodyweight", support="wall", criteria_sessions=3, criteria_min_form=4),
            stage_data(
                "Loaded",
                load_unit="kg",
                load_min=Decimal("5"),
                load_max=Decimal("10"),
            ),
        ],
    }
    data.update(overrides)
    return data


def bulk_library(coach: Coach, count: int, *, name: str = "Bulk") -> None:
    """`count` own exercises named "`name` 000" on, each with two stages and a region, quickly
    (no signals)."""
    region, _ = Region.objects.get_or_create(slug="quads", defaults={"name": "Quads"})
    exercises = Exercise.objects.bulk_create(
        Exercise(
            owner=coach,
            name=f"{name} {n:03}",
            slug=slugify(f"{name} {n:03}"),
            laterality="unilateral",
            measurement="reps",
            category="strength",
        )
        for n in range(count)
    )
    Stage.objects.bulk_create(
        Stage(exercise=exercise, order=order, name=f"Rung {order}")
        for exercise in exercises
        for order in (1, 2)
    )
    Exercise.regions.through.objects.bulk_create(
        Exercise.regions.through(exercise_id=exercise.pk, region_id=region.pk)
        for exercise in exercises
    )


def list_queries(path: str, params: dict[str, str], *, own: int) -> tuple[Any, int]:
    """A new coach with `own` exercises (`bulk_library`) opens a library list, with nothing in
    the cache: the response and the number of queries it took. The exercises are deleted again,
    for the next call."""
    coach = CoachFactory.create()
    bulk_library(coach, own)
    cache.clear()
    browser = Client()
    browser.force_login(coach.user)
    response, queries = get_counting_queries(browser, path, params)
    Exercise.objects.all().delete()
    return response, queries


def use_in_a_program(exercise: Exercise, stage: Stage | None = None) -> Prescription:
    """Make the exercise (and optionally one of its rungs) used: a day of a program
    prescribes it."""
    program = Program.objects.create(owner=exercise.owner, name=f"Uses {exercise.name}")
    day = Day.objects.create(program=program, number=1)
    return Prescription.objects.create(day=day, order=1, exercise=exercise, stage=stage)
