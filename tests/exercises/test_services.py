"""The write use cases of the library: own exercises, their ladders, copies, archiving."""

from decimal import Decimal

import pytest

from coach.errors import DomainError, NotAllowed
from exercises.models import Exercise, Stage
from exercises.services import (
    exercise_archive,
    exercise_copy,
    exercise_create,
    exercise_delete,
    exercise_is_used,
    exercise_restore,
    exercise_update,
    library_seed,
)
from tests.coach.factories import CoachFactory
from tests.exercises.factories import (
    ExerciseFactory,
    StageFactory,
    exercise_data,
    stage_data,
    use_in_a_program,
)

pytestmark = pytest.mark.django_db


def ladder(exercise: Exercise) -> list[tuple[int, str]]:
    return list(exercise.stages.order_by("order").values_list("order", "name"))


# --- create ---------------------------------------------------------------------------------


def test_create_stores_the_exercise_with_its_stages(coach):
    exercise = exercise_create(coach=coach, data=exercise_data())

    exercise.refresh_from_db()
    assert exercise.owner == coach
    assert exercise.slug == "split-squat"
    assert exercise.faults == [{"fault": "Front heel lifts", "fix": "Lengthen the stride"}]
    assert set(exercise.regions.values_list("slug", flat=True)) == {"quads", "glutes"}
    assert list(exercise.equipment.values_list("slug", flat=True)) == ["dumbbell"]
    assert ladder(exercise) == [(1, "Bodyweight"), (2, "Loaded")]
    loaded = exercise.stages.get(order=2)
    assert (loaded.load_unit, loaded.load_min, loaded.load_max) == ("kg", 5, 10)
    first = exercise.stages.get(order=1)
    assert (first.support, first.criteria_sessions, first.criteria_min_form) == ("wall", 3, 4)


def test_create_gives_a_free_slug_per_owner(coach):
    first = exercise_create(coach=coach, data=exercise_data())
    second = exercise_create(coach=coach, data=exercise_data())
    other = exercise_create(coach=CoachFactory.create(), data=exercise_data())

    assert (first.slug, second.slug, other.slug) == ("split-squat", "split-squat-2", "split-squat")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the exercise a name."),
        ({"laterality": "sideways"}, "laterality", "not a valid choice"),
        ({"faults": [{"fault": "No fix"}]}, "faults", "Each fault needs a fault and its fix."),
        (
            {
                "stages": [
                    stage_data("Ok"),
                    stage_data("Bad", load_unit="lb", load_min=30, load_max=20),
                ]
            },
            "stages.1.load_max",
            "The upper end must be at least the lower end.",
        ),
        (
            {"stages": [stage_data("Half", load_unit="lb", load_min_male=30)]},
            "stages.0.load_max_male",
            "Give both ends of the range, or neither.",
        ),
        (
            {"stages": [stage_data("No unit", load_min=1, load_max=2)]},
            "stages.0.load_unit",
            "Say what the load is measured in",
        ),
        (
            {"stages": [stage_data("Negative", load_unit="kg", load_min=-2, load_max=2)]},
            "stages.0.load_min",
            "greater than or equal to 0",
        ),
        (
            {"stages": [stage_data("Form", criteria_min_form=7)]},
            "stages.0.criteria_min_form",
            "less than or equal to 5",
        ),
        ({"stages": [stage_data("")]}, "stages.0.name", "cannot be blank"),
    ],
)
def test_create_rejects_bad_input_naming_the_field_and_stores_nothing(
    coach, overrides, field, message
):
    with pytest.raises(DomainError) as caught:
        exercise_create(coach=coach, data=exercise_data(**overrides))

    assert caught.value.field == field
    assert message in caught.value.message
    assert not Exercise.objects.exists()
    assert not Stage.objects.exists()


def test_create_rejects_neighbours_from_another_coachs_library(coach):
    foreign = ExerciseFactory.create()
    with pytest.raises(DomainError) as caught:
        exercise_create(coach=coach, data=exercise_data(prerequisites=[foreign.pk]))
    assert caught.value.field == "prerequisites"
    assert not Exercise.objects.filter(owner=coach).exists()


def test_create_accepts_shared_and_own_neighbours(coach):
    shared = ExerciseFactory.create(owner=None, name="Hip hinge")
    own = ExerciseFactory.create(owner=coach, name="Lunge")
    exercise = exercise_create(
        coach=coach,
        data=exercise_data(
            prerequisites=[shared.pk], progressions=[own.pk], regressions=[shared.pk]
        ),
    )
    assert list(exercise.prerequisites.all()) == [shared]
    assert list(exercise.progressions.all()) == [own]
    assert list(exercise.regressions.all()) == [shared]


# --- update ---------------------------------------------------------------------------------


def test_update_reorders_removes_and_adds_stages_keeping_ids(coach):
    exercise = exercise_create(
        coach=coach,
        data=exercise_data(stages=[stage_data("One"), stage_data("Two"), stage_data("Three")]),
    )
    one, two, three = exercise.stages.order_by("order")

    exercise_update(
        coach=coach,
        exercise=exercise,
        data=exercise_data(
            stages=[
                stage_data("Three, now first", id=three.pk),
                stage_data("One", id=one.pk, sets=5),
                stage_data("Brand new"),
            ]
        ),
    )

    assert ladder(exercise) == [(1, "Three, now first"), (2, "One"), (3, "Brand new")]
    stages = list(exercise.stages.order_by("order"))
    assert [stages[0].pk, stages[1].pk] == [three.pk, one.pk]
    assert stages[1].sets == 5
    assert stages[2].pk not in {one.pk, two.pk, three.pk}
    assert not Stage.objects.filter(pk=two.pk).exists()


def test_update_changes_fields_and_tags(coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    exercise_update(
        coach=coach,
        exercise=exercise,
        data={"name": "Bulgarian split squat", "regions": ["quads"], "category": "power"},
        partial=True,
    )
    exercise.refresh_from_db()
    assert exercise.name == "Bulgarian split squat"
    assert exercise.slug == "bulgarian-split-squat"
    assert exercise.category == "power"
    assert list(exercise.regions.values_list("slug", flat=True)) == ["quads"]
    # A partial update without `stages` leaves the ladder alone.
    assert len(ladder(exercise)) == 2


def test_update_with_a_bad_stage_keeps_the_old_ladder(coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    before = list(exercise.stages.order_by("order").values())

    with pytest.raises(DomainError) as caught:
        exercise_update(
            coach=coach,
            exercise=exercise,
            data=exercise_data(
                name="Renamed",
                stages=[
                    stage_data("Fine"),
                    stage_data("Bad", load_unit="kg", load_min=9, load_max=1),
                ],
            ),
        )

    assert caught.value.field == "stages.1.load_max"
    exercise.refresh_from_db()
    assert exercise.name == "Split squat"
    assert list(exercise.stages.order_by("order").values()) == before


def test_update_rejects_a_stage_of_another_exercise(coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    other_stage = StageFactory.create(exercise=ExerciseFactory.create(owner=coach))
    with pytest.raises(DomainError) as caught:
        exercise_update(
            coach=coach,
            exercise=exercise,
            data=exercise_data(stages=[stage_data("Stolen", id=other_stage.pk)]),
        )
    assert caught.value.field == "stages"
    other_stage.refresh_from_db()
    assert other_stage.exercise_id != exercise.pk


def test_a_prerequisite_cycle_is_rejected(coach):
    a = exercise_create(coach=coach, data=exercise_data("A"))
    b = exercise_create(coach=coach, data=exercise_data("B", prerequisites=[a.pk]))
    c = exercise_create(coach=coach, data=exercise_data("C", prerequisites=[b.pk]))

    with pytest.raises(DomainError) as caught:
        exercise_update(coach=coach, exercise=a, data={"prerequisites": [c.pk]}, partial=True)

    assert caught.value.field == "prerequisites"
    assert "require itself" in caught.value.message
    assert not a.prerequisites.exists()


def test_an_exercise_cannot_be_its_own_prerequisite(coach):
    a = exercise_create(coach=coach, data=exercise_data("A"))
    exercise_update(coach=coach, exercise=a, data={"prerequisites": [a.pk]}, partial=True)
    assert not a.prerequisites.exists()


# --- the shared library and other coaches' exercises are read-only -------------------------


@pytest.mark.parametrize("owner", ["shared", "other"])
def test_changing_an_exercise_that_is_not_ones_own_is_not_allowed(coach, owner):
    exercise = ExerciseFactory.create(
        owner=None if owner == "shared" else CoachFactory.create(), name="Theirs"
    )
    StageFactory.create(exercise=exercise, order=1, name="Rung")

    with pytest.raises(NotAllowed):
        exercise_update(coach=coach, exercise=exercise, data={"name": "Mine now"}, partial=True)
    with pytest.raises(NotAllowed):
        exercise_archive(coach=coach, exercise=exercise)
    with pytest.raises(NotAllowed):
        exercise_restore(coach=coach, exercise=exercise)
    with pytest.raises(NotAllowed):
        exercise_delete(coach=coach, exercise=exercise)

    exercise.refresh_from_db()
    assert exercise.name == "Theirs"
    assert exercise.archived_at is None
    assert ladder(exercise) == [(1, "Rung")]


# --- copy -----------------------------------------------------------------------------------


def test_copy_makes_an_own_copy_with_stages_and_neighbours(coach):
    library_seed()
    original = Exercise.objects.get(owner=None, slug="single-leg-deadlift")

    copy = exercise_copy(coach=coach, exercise=original)

    assert copy.pk != original.pk
    assert copy.owner == coach
    assert copy.copied_from == original
    assert copy.slug == "single-leg-deadlift-mine"
    assert copy.name == "Single-leg deadlift (mine)"
    assert copy.cues == original.cues
    assert ladder(copy) == ladder(original)
    loaded = copy.stages.get(order=2)
    assert (loaded.load_min_female, loaded.load_max_male) == (Decimal("25"), Decimal("45"))
    assert set(copy.prerequisites.values_list("slug", flat=True)) == {"hip-hinge", "deadlift"}
    assert set(copy.regions.all()) == set(original.regions.all())
    assert set(copy.regressions.all()) == set(original.regressions.all())
    # The shared original is untouched: the stages were copied, not moved.
    assert original.stages.count() == 3
    assert original.owner is None

    # A second copy gets its own name and slug; the copy can be changed freely.
    second = exercise_copy(coach=coach, exercise=original)
    assert (second.name, second.slug) == (
        "Single-leg deadlift (mine 2)",
        "single-leg-deadlift-mine-2",
    )
    exercise_update(coach=coach, exercise=copy, data={"name": "My SLDL"}, partial=True)


# --- archive, restore, delete ---------------------------------------------------------------


def test_archive_and_restore(coach):
    exercise = ExerciseFactory.create(owner=coach)

    exercise_archive(coach=coach, exercise=exercise)
    exercise.refresh_from_db()
    assert exercise.is_archived
    assert not Exercise.objects.active().filter(pk=exercise.pk).exists()

    exercise_restore(coach=coach, exercise=exercise)
    exercise.refresh_from_db()
    assert not exercise.is_archived


def test_delete_removes_an_unused_exercise(coach):
    exercise = ExerciseFactory.create(owner=coach)
    StageFactory.create(exercise=exercise)
    assert exercise_is_used(exercise) is False

    assert exercise_delete(coach=coach, exercise=exercise) is True

    assert not Exercise.objects.filter(pk=exercise.pk).exists()
    assert not Stage.objects.filter(exercise_id=exercise.pk).exists()


def test_links_inside_the_library_do_not_count_as_use(coach):
    exercise = ExerciseFactory.create(owner=None)
    other = ExerciseFactory.create(owner=coach)
    other.prerequisites.add(exercise)
    other.progressions.add(exercise)
    exercise_copy(coach=coach, exercise=exercise)

    assert exercise_is_used(exercise) is False


def test_delete_archives_an_exercise_that_is_used(coach):
    exercise = ExerciseFactory.create(owner=coach)
    use_in_a_program(exercise)
    assert exercise_is_used(exercise) is True

    assert exercise_delete(coach=coach, exercise=exercise) is False

    exercise.refresh_from_db()
    assert exercise.is_archived


def test_an_exercise_whose_rung_is_prescribed_is_used(coach):
    exercise = ExerciseFactory.create(owner=coach)
    stage = StageFactory.create(exercise=exercise, order=1)
    other = ExerciseFactory.create(owner=coach)
    prescription = use_in_a_program(other)
    assert exercise_is_used(exercise) is False

    # A program prescribes another exercise at this exercise's rung: odd, but it is a use.
    prescription.stage = stage
    prescription.save()

    assert exercise_is_used(exercise) is True
    assert exercise_delete(coach=coach, exercise=exercise) is False
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_a_used_rung_cannot_be_removed_but_can_move(coach):
    exercise = exercise_create(
        coach=coach,
        data=exercise_data(stages=[stage_data("One"), stage_data("Two"), stage_data("Three")]),
    )
    one, two, three = exercise.stages.order_by("order")
    prescription = use_in_a_program(exercise, stage=two)

    with pytest.raises(DomainError) as caught:
        exercise_update(
            coach=coach,
            exercise=exercise,
            data={"stages": [stage_data("One", id=one.pk), stage_data("Three", id=three.pk)]},
            partial=True,
        )
    assert caught.value.field == "stages"
    assert "Stage 2 (“Two”) is used" in caught.value.message
    assert ladder(exercise) == [(1, "One"), (2, "Two"), (3, "Three")]

    # Moving it keeps its identity, so the program still points at the same rung.
    exercise_update(
        coach=coach,
        exercise=exercise,
        data={
            "stages": [
                stage_data("Two", id=two.pk),
                stage_data("One", id=one.pk),
                stage_data("Three", id=three.pk),
            ]
        },
        partial=True,
    )
    prescription.refresh_from_db()
    assert prescription.stage_id == two.pk
    assert ladder(exercise) == [(1, "Two"), (2, "One"), (3, "Three")]
