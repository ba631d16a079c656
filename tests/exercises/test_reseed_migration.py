"""Existing data survives the new ladders: a database seeded before rungs had keys is migrated,
then seeded again with the reordered, longer ladders. Clients stay on the rung they stood on,
logs keep pointing at the rung they named, and the frozen copy an assignment holds is untouched.
"""

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exercises.models import Stage
from exercises.services import library_seed
from programs import services as program_services
from programs.models import Day, Prescription, Program
from programs.starters import starters_seed
from tests.coach.factories import ClientFactory, CoachFactory
from training.models import ClientStage, SessionLog, SetLog, StageChange

BEFORE_KEYS = ("exercises", "0002_stage_criteria_need_sessions")

# Two ladders as the library seeded them before rungs had keys: the wall hold (a two-foot
# set-up now comes first, and a 2-minute rung in the middle) and unstable-surface balance (its
# rungs now follow the material's order, after a new first rung on both feet).
OLD_LADDERS = {
    "wall-single-leg-hold": (
        "Wall single-leg hold",
        "hold",
        [("One-minute hold", 60), ("Long hold", 180), ("Warm-up repetitions", 10)],
    ),
    "unstable-surface-balance": (
        "Unstable-surface balance",
        "hold",
        [
            ("Eyes open, firm floor", 30),
            ("Eyes open, unstable surface", 30),
            ("Eyes closed, unstable surface", 20),
        ],
    ),
}


def _migrate(target: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(target)


@pytest.fixture
def before_keys() -> Iterator:
    """The database as it was before rungs had keys (its models as they were then); migrated
    forward again afterwards, whatever happens."""
    state = _migrate([BEFORE_KEYS])
    try:
        yield state.apps
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_reseeding_keeps_clients_logs_and_frozen_copies_on_what_they_named(before_keys):
    # given the old library's two ladders, as the old seed wrote them
    OldExercise = before_keys.get_model("exercises", "Exercise")
    OldStage = before_keys.get_model("exercises", "Stage")
    old: dict[str, list[int]] = {}
    for slug, (name, measurement, rungs) in OLD_LADDERS.items():
        exercise = OldExercise.objects.create(
            owner=None,
            slug=slug,
            name=name,
            laterality="unilateral",
            measurement=measurement,
            category="stability",
        )
        old[slug] = [
            OldStage.objects.create(
                exercise=exercise, order=order, name=rung, sets=1, hold_seconds=hold
            ).pk
            for order, (rung, hold) in enumerate(rungs, start=1)
        ]
    hold_id = OldExercise.objects.get(slug="wall-single-leg-hold").pk
    balance_id = OldExercise.objects.get(slug="unstable-surface-balance").pk
    one_minute, long_hold, _ = old["wall-single-leg-hold"]
    firm_floor = old["unstable-surface-balance"][0]

    # and a client on the long hold, who logged sets at the one-minute hold and on the firm
    # floor, following a copy of a program fixed at the one-minute hold
    coach = CoachFactory.create()
    client = ClientFactory.create(coach=coach)
    template = Program.objects.create(
        owner=coach, name="Hold block", kind=Program.Kind.ROUTINE, length_days=2
    )
    for number in (1, 2):
        day = Day.objects.create(program=template, number=number)
        Prescription.objects.create(
            day=day, order=1, exercise_id=hold_id, stage_id=one_minute, hold_seconds=45
        )
    (assignment,) = program_services.assignment_create_bulk(
        coach=coach, template=template, clients=[client], starts_on=date(2026, 3, 2)
    )
    copy_rows = sorted(
        Prescription.objects.filter(day__program=assignment.program).values_list(
            "pk", "day__number", "exercise_id", "stage_id", "hold_seconds", "sets"
        )
    )
    ClientStage.objects.create(client=client, exercise_id=hold_id, stage_id=long_hold)
    StageChange.objects.create(
        client=client, exercise_id=hold_id, from_stage_id=one_minute, to_stage_id=long_hold
    )
    ClientStage.objects.create(client=client, exercise_id=balance_id, stage_id=firm_floor)
    session = SessionLog.objects.create(
        client=client, assignment=assignment, on=date(2026, 3, 2), day_number=1
    )
    logged = {
        SetLog.objects.create(
            session=session,
            exercise_id=exercise,
            stage_id=stage,
            set_number=1,
            side="left",
            hold_seconds=45,
        ).pk: stage
        for exercise, stage in ((hold_id, one_minute), (balance_id, firm_floor))
    }

    # when the database is migrated and the library and starters are seeded again
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    library_seed()
    starters_seed()

    # then the ladders are the new ones, with new rows only for the new rungs
    wall = list(Stage.objects.filter(exercise_id=hold_id).order_by("order"))
    assert [s.key for s in wall] == [
        "two-foot-set-up",
        "single-leg-1-min",
        "single-leg-2-min",
        "single-leg-3-to-5-min",
        "warm-up-reps",
    ]
    assert [s.pk for s in wall if s.pk in old["wall-single-leg-hold"]] == old[
        "wall-single-leg-hold"
    ]
    assert wall[0].pk not in old["wall-single-leg-hold"]
    balance = list(Stage.objects.filter(exercise_id=balance_id).order_by("order"))
    assert [s.pk for s in balance[1:]] == old["unstable-surface-balance"]

    # the client still stands on the 3-to-5-minute single-leg hold, and on the firm floor
    on_hold = ClientStage.objects.select_related("stage").get(client=client, exercise_id=hold_id)
    assert on_hold.stage_id == long_hold
    assert (on_hold.stage.key, on_hold.stage.hold_seconds) == ("single-leg-3-to-5-min", 180)
    on_balance = ClientStage.objects.select_related("stage").get(
        client=client, exercise_id=balance_id
    )
    assert (on_balance.stage_id, on_balance.stage.name) == (firm_floor, "Eyes open, firm floor")
    change = StageChange.objects.get(client=client)
    assert (change.from_stage_id, change.to_stage_id) == (one_minute, long_hold)

    # the logs point at the rungs they named
    for pk, stage in logged.items():
        assert SetLog.objects.get(pk=pk).stage_id == stage
    assert Stage.objects.get(pk=one_minute).name == "Single-leg hold, 1 minute"

    # and the client's frozen copy is as it was
    assert (
        sorted(
            Prescription.objects.filter(day__program=assignment.program).values_list(
                "pk", "day__number", "exercise_id", "stage_id", "hold_seconds", "sets"
            )
        )
        == copy_rows
    )
