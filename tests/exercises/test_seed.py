"""The shared library seeded from the training material: complete, consistent, idempotent."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from exercises.models import LOAD_PAIRS, Equipment, Exercise, Region, Stage
from exercises.seed_data import LIBRARY, SOURCES
from exercises.services import STAGE_DEFAULTS, library_entries, library_seed
from tests.exercises.factories import shared

pytestmark = pytest.mark.django_db

ENTRIES = library_entries()
SEED_SLUGS = {entry["slug"] for entry in LIBRARY}
# Every movement the issue names, by the slug the seed gives it.
NAMED_MOVEMENTS = {
    "single-leg-deadlift",
    "hip-hinge",
    "deadlift",
    "wall-single-leg-hold",
    "deadbug",
    "leg-lowering",
    "single-leg-balance-hold",
    "unstable-surface-balance",
}


def ladder(slug: str) -> list[Stage]:
    return list(shared(slug).stages.order_by("order"))


def counts() -> dict[str, int]:
    return {
        "exercises": Exercise.objects.count(),
        "stages": Stage.objects.count(),
        "regions": Region.objects.count(),
        "equipment": Equipment.objects.count(),
        "prerequisites": Exercise.prerequisites.through.objects.count(),
        "progressions": Exercise.progressions.through.objects.count(),
        "exercise_regions": Exercise.regions.through.objects.count(),
        "exercise_equipment": Exercise.equipment.through.objects.count(),
    }


def test_seed_returns_the_number_of_exercises_and_creates_them_shared():
    assert library_seed() == len(LIBRARY)
    assert Exercise.objects.shared().count() == len(LIBRARY)
    assert not Exercise.objects.filter(owner__isnull=False).exists()


def test_seeding_twice_changes_nothing():
    library_seed()
    before = counts()
    stage_ids = dict(Stage.objects.values_list("pk", "name"))
    exercise_ids = set(Exercise.objects.values_list("pk", flat=True))

    library_seed()

    assert counts() == before
    assert dict(Stage.objects.values_list("pk", "name")) == stage_ids
    assert set(Exercise.objects.values_list("pk", flat=True)) == exercise_ids


def test_the_management_command_seeds_and_can_rerun(capsys):
    call_command("seed_library")
    call_command("seed_library")
    assert Exercise.objects.shared().count() == len(LIBRARY)
    assert f"{len(LIBRARY)} seeded exercises" in capsys.readouterr().out


def test_rerun_restores_an_edited_rung_without_replacing_it(library):
    stage = ladder("single-leg-deadlift")[1]
    Stage.objects.filter(pk=stage.pk).update(name="Changed by hand", load_max=Decimal("99"))

    library_seed()

    stage.refresh_from_db()
    assert stage.name == "Loaded"
    assert stage.load_max == Decimal("20")


def test_at_least_25_exercises_with_unique_slugs():
    assert len(LIBRARY) >= 25
    assert len(SEED_SLUGS) == len(LIBRARY)


def test_every_named_movement_is_in_the_seed(library):
    assert NAMED_MOVEMENTS <= SEED_SLUGS
    for slug in NAMED_MOVEMENTS:
        assert shared(slug).name


def test_every_library_exercise_is_valid_and_described(library):
    for exercise in Exercise.objects.shared():
        exercise.full_clean()
        assert exercise.summary
        assert exercise.instructions
        assert exercise.cues
        assert exercise.regions.exists(), exercise.slug


def test_every_ladder_is_ordered_one_to_n(library):
    for entry in ENTRIES:
        stages = ladder(entry["slug"])
        assert [s.order for s in stages] == list(range(1, len(entry["stages"]) + 1))
        assert [s.name for s in stages] == [s["name"] for s in entry["stages"]]


def test_every_load_band_is_consistent(library):
    for stage in Stage.objects.all():
        stage.full_clean()
        for low, high in LOAD_PAIRS:
            low_value, high_value = getattr(stage, low), getattr(stage, high)
            assert (low_value is None) == (high_value is None), stage
            if low_value is not None:
                assert 0 <= low_value <= high_value, stage
                assert stage.load_unit, stage


def test_every_neighbour_in_the_seed_resolves():
    for entry in ENTRIES:
        for key in ("prerequisites", "progressions", "regressions"):
            unknown = set(entry[key]) - SEED_SLUGS
            assert not unknown, f"{entry['slug']}.{key}: {unknown}"
            assert entry["slug"] not in entry[key]


def test_prerequisites_are_stored_as_stated(library):
    for entry in ENTRIES:
        stored = set(shared(entry["slug"]).prerequisites.values_list("slug", flat=True))
        assert stored == set(entry["prerequisites"]), entry["slug"]


def test_hip_hinge_and_deadlift_come_before_the_single_leg_deadlift(library):
    assert set(shared("single-leg-deadlift").prerequisites.values_list("slug", flat=True)) == {
        "hip-hinge",
        "deadlift",
    }
    assert shared("single-leg-deadlift") in shared("deadlift").required_for.all()


def test_deadbug_comes_before_leg_lowering(library):
    assert list(shared("leg-lowering").prerequisites.values_list("slug", flat=True)) == ["deadbug"]


def test_regressions_and_progressions_mirror_each_other(library):
    deadlift = shared("deadlift")
    assert shared("single-leg-deadlift") in deadlift.progressions.all()
    assert shared("hip-hinge") in deadlift.regressions.all()
    for entry in ENTRIES:
        exercise = shared(entry["slug"])
        regressions = set(exercise.regressions.values_list("slug", flat=True))
        assert set(entry["regressions"]) <= regressions, entry["slug"]


def test_single_leg_deadlift_ladder_and_load_bands(library):
    supported, loaded, free = ladder("single-leg-deadlift")

    assert supported.support == "handrail"
    assert supported.has_load is False
    assert loaded.load_unit == "lb"
    assert (loaded.load_min, loaded.load_max) == (Decimal("10"), Decimal("20"))
    assert (loaded.load_min_female, loaded.load_max_female) == (Decimal("25"), Decimal("35"))
    assert (loaded.load_min_male, loaded.load_max_male) == (Decimal("35"), Decimal("45"))
    assert free.support == ""
    assert "heaviest" in free.name.lower()


def test_wall_hold_ladder_sets_up_on_both_feet_then_holds_one_leg_toward_5_minutes(library):
    set_up, minute, two, long_hold, warm_up = ladder("wall-single-leg-hold")

    # About a minute on both feet first: a bilateral rung of a one-sided exercise.
    assert shared("wall-single-leg-hold").laterality == Exercise.Laterality.UNILATERAL
    assert set_up.laterality == Exercise.Laterality.BILATERAL
    assert (set_up.hold_seconds, set_up.criteria_max_gap_pct) == (60, None)
    assert not set_up.is_unilateral
    # Then one leg, growing to the material's 3 to 5 minutes.
    assert [s.hold_seconds for s in (minute, two, long_hold)] == [60, 120, 180]
    assert all(s.is_unilateral for s in (minute, two, long_hold, warm_up))
    assert "5" in long_hold.description
    # Then repetitions of it in the warm-up.
    assert "warm-up" in warm_up.name.lower()
    assert (warm_up.reps_per_side or 0) > 1
    # Moving up is judged by quality: square hips, the knee over the second toe, no gripping.
    for stage in (set_up, minute):
        assert "second toe" in stage.criteria_note
        assert "grip" in stage.criteria_note
    assert shared("wall-single-leg-hold").measurement == Exercise.Measurement.HOLD


def test_wall_hold_figures_from_the_material_and_defaults(library):
    set_up, minute, two, long_hold, warm_up = ladder("wall-single-leg-hold")
    # The minute on both feet and the 3 minutes on one leg are the material's.
    assert not set_up.is_default("hold_seconds")
    assert not long_hold.is_default("hold_seconds")
    assert not long_hold.is_default("criteria_min_hold_seconds")
    # The first single-leg minute, the 2-minute step and the warm-up dose are the product's.
    assert minute.is_default("hold_seconds")
    assert two.is_default("rung")
    assert two.differs_note
    assert {"reps_per_side", "hold_seconds"} <= set(warm_up.defaults)
    # How many sessions show a rung is mastered, the material never says.
    assert all(s.is_default("criteria_sessions") for s in (set_up, minute, two, long_hold))


def test_leg_lowering_ladder_keeps_the_authors_bent_knee_as_its_goal(library):
    taps, bent, straight = ladder("leg-lowering")
    assert "deadbug" in taps.name.lower()
    assert "bend" in bent.name.lower()
    assert "straight" in straight.name.lower()
    assert (bent.reps_per_side, straight.reps_per_side) == (5, 5)
    assert not bent.is_default("reps_per_side")
    assert "goal" in bent.criteria_note
    # The rungs the article does not have say so.
    for stage in (taps, straight):
        assert stage.is_default("rung")
        assert stage.differs_note
    assert "not the" in bent.description or "not a straight" in bent.description


def test_balance_goes_bodyweight_then_band_or_dumbbell(library):
    bodyweight, band, dumbbell = ladder("single-leg-balance-hold")
    assert "bodyweight" in bodyweight.name.lower()
    assert "band" in band.name.lower()
    assert "dumbbell" in dumbbell.name.lower()
    # The material names band or dumbbells as equal next steps: the ladder says it chose.
    assert "either" in dumbbell.differs_note


def test_unstable_surface_follows_the_running_articles_order(library):
    blind, firm, unstable, closed = ladder("unstable-surface-balance")
    # Blind balance on an unstable surface first...
    assert "eyes closed" in blind.name.lower()
    assert blind.surface == "unstable surface"
    assert blind.laterality == Exercise.Laterality.BILATERAL
    # ...then eyes open on a smaller base: one leg on the floor, then on the pad...
    assert "eyes open" in firm.name.lower()
    assert (firm.surface, firm.laterality) == ("floor", "")
    assert "eyes open" in unstable.name.lower()
    assert unstable.surface == "unstable surface"
    # ...and a last rung of the product's, which says so.
    assert "eyes closed" in closed.name.lower()
    assert closed.is_default("rung")
    assert closed.differs_note


def test_reach_step_down_then_one_leg_bridge(library):
    reach, step_down, bridge = (
        shared(s) for s in ("single-leg-reach", "step-down", "single-leg-glute-bridge")
    )
    assert step_down in reach.progressions.all()
    assert bridge in step_down.progressions.all()


def test_criteria_on_every_rung_but_the_last(library):
    laddered = [e for e in Exercise.objects.shared() if e.stages.exists()]
    assert len(laddered) >= 5
    for exercise in laddered:
        *lower, top = exercise.stages.order_by("order")
        for stage in lower:
            assert stage.has_criteria, stage
            sessions, form, gap = (
                stage.criteria_sessions,
                stage.criteria_min_form,
                stage.criteria_max_gap_pct,
            )
            assert sessions is not None
            assert form is not None
            assert sessions >= 1
            assert 1 <= form <= 5
            # A left/right gap only where the rung is done one side at a time.
            assert (gap is not None) == stage.is_unilateral, stage
            assert gap is None or 0 <= gap <= 100
        assert not top.has_criteria, top
        assert top.criteria_note, top


# The seed lists only what each exercise and stage has; the rest is filled in by code.


def test_seed_entries_leave_out_what_the_defaults_cover():
    for entry in LIBRARY:
        assert "video_url" not in entry, entry["slug"]
        for stage in entry.get("stages", []):
            assert None not in stage.values(), (entry["slug"], stage["name"])


def test_filled_in_entries_carry_the_defaults_and_keep_what_is_stated():
    by_slug = {entry["slug"]: entry for entry in ENTRIES}
    hinge = by_slug["hip-hinge"]
    assert (hinge["video_url"], hinge["equipment"], hinge["stages"]) == ("", [], [])
    assert hinge["prerequisites"] == []
    assert hinge["progressions"] == ["deadlift", "single-leg-hinge-and-lift", "kettlebell-swing"]

    supported, loaded, free = by_slug["single-leg-deadlift"]["stages"]
    assert supported["support"] == "handrail"
    assert supported["hold_seconds"] is None
    assert supported["load_unit"] == ""
    assert (supported["load_min"], supported["load_max"]) == (None, None)
    assert (supported["criteria_sessions"], supported["criteria_min_form"]) == (3, 4)
    assert supported["criteria_min_hold_seconds"] is None
    assert (loaded["load_min_male"], loaded["load_max_male"]) == (35, 45)
    assert (free["support"], free["load_unit"], free["load_min"]) == ("", "lb", None)
    assert free["criteria_sessions"] is None
    assert free["criteria_note"]
    assert set(free) == {"name", "key", "defaults", *STAGE_DEFAULTS}
    # What the material does not give is marked as the product's.
    assert supported["defaults"] == [
        "sets",
        "reps_per_side",
        "rest_seconds",
        "criteria_sessions",
        "criteria_min_form",
        "criteria_max_gap_pct",
    ]
    assert "load" not in loaded["defaults"]


# An exercise and its stages stating only what they must.
MINIMAL = {
    "slug": "calf-raise",
    "name": "Calf raise",
    "summary": "Rise onto the toes.",
    "instructions": ["Rise.", "Lower."],
    "cues": ["Tall"],
    "laterality": "bilateral",
    "measurement": "reps",
    "category": "strength",
    "regions": ["calves"],
    "stages": [
        {"key": "two", "name": "Two legs", "sets": 2, "criteria": {"sessions": 2}},
        {"key": "one", "name": "One"},
    ],
}


def test_a_minimal_entry_seeds_with_empty_defaults():
    library_seed([MINIMAL])

    # then
    exercise = shared("calf-raise")
    assert (exercise.video_url, exercise.breathing, exercise.faults) == ("", "", [])
    assert not exercise.equipment.exists()
    assert not exercise.prerequisites.exists()
    assert not exercise.progressions.exists()
    first, last = ladder("calf-raise")
    assert (first.sets, first.criteria_sessions, first.criteria_min_form) == (2, 2, None)
    assert (first.support, first.load_unit, first.criteria_note) == ("", "", "")
    assert first.load_min is None
    assert (last.sets, last.has_criteria) == (None, False)


@pytest.mark.parametrize(
    "typo",
    [
        {"vidoe_url": ""},
        {"stages": [{"key": "one", "name": "One", "hold_second": 30}]},
        {"stages": [{"key": "one", "name": "One", "from_material": ["sets"]}]},
        {"stages": [{"name": "One"}]},
    ],
    ids=["exercise", "stage", "a figure it does not state", "no key"],
)
def test_a_misspelt_key_in_the_seed_is_refused_not_defaulted(typo):
    with pytest.raises(ValueError, match=r"Unknown keys|does not state|no key"):
        library_seed([{**MINIMAL, **typo}])
    assert not Exercise.objects.exists()


def test_every_exercise_names_its_articles_and_every_rung_its_key(library):
    for entry in LIBRARY:
        assert entry["sources"], entry["slug"]
        assert set(entry["sources"]) <= set(SOURCES), entry["slug"]
        keys = [stage["key"] for stage in entry.get("stages", [])]
        assert len(keys) == len(set(keys)), entry["slug"]
    for stage in Stage.objects.filter(exercise__owner=None):
        assert stage.key, stage
        stage.full_clean()
        # A rung the material does not have says how the ladder departs from it.
        if stage.is_default("rung"):
            assert stage.differs_note, stage


def test_a_later_seed_that_reorders_and_adds_rungs_keeps_each_rung_in_its_row():
    library_seed([MINIMAL])
    two, one = ladder("calf-raise")

    # when a later seed puts a new rung first and swaps the others
    library_seed(
        [
            {
                **MINIMAL,
                "stages": [
                    {"key": "wall", "name": "Against the wall", "sets": 1},
                    {"key": "one", "name": "One leg"},
                    {"key": "two", "name": "Two legs", "sets": 3, "criteria": {"sessions": 2}},
                ],
            }
        ]
    )

    # then the old rows are the same rungs, in their new places, and the new rung is new
    wall, one_after, two_after = ladder("calf-raise")
    assert (one_after.pk, one_after.name, one_after.order) == (one.pk, "One leg", 2)
    assert (two_after.pk, two_after.sets, two_after.order) == (two.pk, 3, 3)
    assert wall.pk not in {one.pk, two.pk}
    assert wall.defaults == ["sets"]
