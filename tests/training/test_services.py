"""Client stages, readiness to advance and logs, through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from coach.errors import DomainError
from coach.services import client_archive
from exercises.models import Exercise
from programs import services as program_services
from tests.coach.factories import ClientFactory
from tests.exercises.factories import ExerciseFactory, StageFactory
from tests.programs.factories import add, assign, routine
from training import services
from training.models import ClientStage, SessionLog, SetLog, StageChange
from training.selectors import daily_plans

pytestmark = pytest.mark.django_db

TODAY = date(2027, 5, 20)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel("2027-05-20 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ladder(coach):  # type: ignore[no-untyped-def]
    """A one-sided hold with three rungs; rung 1 asks for 3 sessions at form ≥ 4, gap ≤ 10 %."""
    exercise = ExerciseFactory.create(
        owner=coach,
        name="Wall hold",
        laterality=Exercise.Laterality.UNILATERAL,
        measurement=Exercise.Measurement.HOLD,
    )
    rungs = [
        StageFactory.create(
            exercise=exercise,
            order=order,
            name=f"Rung {order}",
            sets=order,
            reps_per_side=None,
            hold_seconds=30 * order,
            rest_seconds=30,
            criteria_sessions=3 if order == 1 else None,
            criteria_min_form=4 if order == 1 else None,
            criteria_max_gap_pct=10 if order == 1 else None,
        )
        for order in (1, 2, 3)
    ]
    return exercise, rungs


@pytest.fixture
def assigned(coach, ladder):  # type: ignore[no-untyped-def]
    exercise, _ = ladder
    program = routine(coach, length_days=30)
    for number in range(1, 31):
        add(coach, program, number, exercise)
    person = ClientFactory.create(coach=coach, time_zone="UTC", sex="female")
    (assignment,) = assign(coach, program, starts_on=TODAY - timedelta(days=10), clients=[person])
    return person, assignment


def _log_session(coach, person, assignment, on, *, left=30, right=30, form=5):  # type: ignore[no-untyped-def]
    prescription = daily_plans(client=person, on=on)[0].items[0].prescription
    for side, hold in (("left", left), ("right", right)):
        services.set_log_create(
            by=person.user or coach.user,
            client=person,
            assignment=assignment,
            on=on,
            prescription_id=prescription.pk,
            data={"set_number": 1, "side": side, "hold_seconds": hold, "form": form},
        )


def test_a_new_client_is_on_the_first_rung_with_its_dose(assigned, ladder) -> None:
    person, _ = assigned
    (plan,) = daily_plans(client=person, on=TODAY)
    item = plan.items[0]
    assert item.stage is not None
    assert item.stage.name == "Rung 1"
    assert (item.sets, item.hold_seconds, item.rest_seconds) == (1, 30, 30)
    assert item.dose.from_stage == {"sets", "hold_seconds", "rest_seconds"}


def test_the_first_rung_the_system_sets_never_overwrites_a_stage_set_meanwhile(
    coach, assigned, ladder
) -> None:
    # given: a client's first log found no stage of theirs, and meanwhile the coach moved them
    person, _ = assigned
    exercise, rungs = ladder
    services.client_stage_set(by=coach.user, client=person, exercise=exercise, stage=rungs[2])

    # when the log's first rung is stored
    row = services.client_stage_set(
        by=None, client=person, exercise=exercise, stage=rungs[0], reason="First rung"
    )

    # then the coach's move stands, with its history alone
    assert row.stage == rungs[2]
    assert ClientStage.objects.get(client=person, exercise=exercise).stage == rungs[2]
    assert list(StageChange.objects.filter(client=person).values_list("to_stage", flat=True)) == [
        rungs[2].pk
    ]


def test_the_coach_moves_a_client_and_history_keeps_each_move(coach, assigned, ladder) -> None:
    person, _ = assigned
    exercise, rungs = ladder

    services.client_stage_step(by=coach.user, client=person, exercise=exercise, up=True)
    services.client_stage_step(
        by=coach.user, client=person, exercise=exercise, up=True, reason="Solid holds"
    )
    services.client_stage_step(by=coach.user, client=person, exercise=exercise, up=False)

    assert ClientStage.objects.get(client=person, exercise=exercise).stage == rungs[1]
    moves = list(StageChange.objects.filter(client=person).order_by("changed_at", "id"))
    assert [(m.from_stage, m.to_stage, m.changed_by) for m in moves] == [
        (rungs[0], rungs[1], coach.user),
        (rungs[1], rungs[2], coach.user),
        (rungs[2], rungs[1], coach.user),
    ]
    assert moves[1].reason == "Solid holds"
    # the next plan shows the new rung's dose, and that the coach moved them
    item = daily_plans(client=person, on=TODAY)[0].items[0]
    assert (item.sets, item.hold_seconds) == (2, 60)
    assert item.moved is not None
    assert item.moved.to_stage == rungs[1]


def test_the_ladder_has_ends(coach, assigned, ladder) -> None:
    person, _ = assigned
    exercise, rungs = ladder
    with pytest.raises(DomainError, match="first rung"):
        services.client_stage_step(by=coach.user, client=person, exercise=exercise, up=False)
    services.client_stage_set(by=coach.user, client=person, exercise=exercise, stage=rungs[2])
    with pytest.raises(DomainError, match="top of the ladder"):
        services.client_stage_step(by=coach.user, client=person, exercise=exercise, up=True)
    other = StageFactory.create(exercise=ExerciseFactory.create(owner=coach), order=1)
    with pytest.raises(DomainError) as error:
        services.client_stage_set(by=coach.user, client=person, exercise=exercise, stage=other)
    assert error.value.field == "stage"


def test_three_good_sessions_make_the_client_ready_with_the_evidence(
    coach, assigned, ladder
) -> None:
    person, assignment = assigned
    exercise, _ = ladder
    for days_ago in (3, 2):
        _log_session(coach, person, assignment, TODAY - timedelta(days=days_ago))
    assert ClientStage.objects.get(client=person, exercise=exercise).ready_since is None

    _log_session(coach, person, assignment, TODAY - timedelta(days=1), left=30, right=28)

    row = ClientStage.objects.get(client=person, exercise=exercise)
    assert row.ready_since is not None
    assert [e["on"] for e in row.ready_evidence] == ["2027-05-19", "2027-05-18", "2027-05-17"]
    assert all(e["late"] for e in row.ready_evidence)  # logged after their day


def test_readiness_reads_the_latest_sessions_and_only_their_sets_not_deleted(
    coach, assigned, ladder
) -> None:
    # given three good sessions (ready), then a fourth whose right side lags
    person, assignment = assigned
    exercise, _ = ladder
    for days_ago in (5, 4, 3):
        _log_session(coach, person, assignment, TODAY - timedelta(days=days_ago))
    _log_session(coach, person, assignment, TODAY - timedelta(days=2), left=30, right=10)
    assert ClientStage.objects.get(client=person, exercise=exercise).ready_since is None

    # when the lagging set is deleted: the fourth session has only its left side
    lagging = SetLog.objects.get(session__on=TODAY - timedelta(days=2), side="right")
    services.set_log_delete(set_log=lagging)
    assert ClientStage.objects.get(client=person, exercise=exercise).ready_since is None

    # and when that whole session's sets are gone, the three before it count again
    services.set_log_delete(
        set_log=SetLog.objects.alive().get(session__on=TODAY - timedelta(days=2))
    )
    row = ClientStage.objects.get(client=person, exercise=exercise)
    assert row.ready_since is not None
    assert [e["on"] for e in row.ready_evidence] == ["2027-05-17", "2027-05-16", "2027-05-15"]


@pytest.mark.parametrize(
    ("left", "right", "form"),
    [(30, 20, 5), (30, 30, 3), (30, None, 5)],
    ids=["gap of a third", "form below 4", "one side missing"],
)
def test_a_session_that_misses_a_criterion_keeps_the_client_where_they_are(
    coach, assigned, ladder, left, right, form
) -> None:
    person, assignment = assigned
    exercise, _ = ladder
    for days_ago in (4, 3):
        _log_session(coach, person, assignment, TODAY - timedelta(days=days_ago))
    on = TODAY - timedelta(days=2)
    prescription = daily_plans(client=person, on=on)[0].items[0].prescription
    for side, hold in (("left", left), ("right", right)):
        if hold is not None:
            services.set_log_create(
                by=coach.user,
                client=person,
                assignment=assignment,
                on=on,
                prescription_id=prescription.pk,
                data={"side": side, "hold_seconds": hold, "form": form},
            )
    assert ClientStage.objects.get(client=person, exercise=exercise).ready_since is None


def test_asymmetry_is_the_gap_over_the_stronger_side() -> None:
    sets = [
        SetLog(side="left", hold_seconds=40),
        SetLog(side="left", hold_seconds=20),
        SetLog(side="right", hold_seconds=45),
    ]
    assert services.asymmetry(sets, Exercise.Measurement.HOLD) == Decimal(15) / Decimal(60)
    assert services.asymmetry(sets[:2], Exercise.Measurement.HOLD) is None
    loaded = [
        SetLog(side="left", reps=8, load=Decimal(20)),
        SetLog(side="right", reps=8, load=Decimal(10)),
    ]
    assert services.asymmetry(loaded, Exercise.Measurement.REPS_LOAD) == Decimal("0.5")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"side": "left", "load": Decimal(-1)}, "load"),
        ({"side": "left", "form": 6}, "form"),
        ({"side": "left", "rpe": 0}, "rpe"),
        ({"side": "middle"}, "side"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_stored(assigned, data, field) -> None:
    person, assignment = assigned
    prescription = daily_plans(client=person, on=TODAY)[0].items[0].prescription
    with pytest.raises(DomainError) as error:
        services.set_log_create(
            by=person.user,
            client=person,
            assignment=assignment,
            on=TODAY,
            prescription_id=prescription.pk,
            data=data,
        )
    assert error.value.field == field
    assert not SetLog.objects.exists()


@pytest.mark.parametrize(
    "on", [TODAY + timedelta(days=1), TODAY - timedelta(days=11), TODAY + timedelta(days=40)]
)
def test_dates_in_the_future_or_outside_the_program_are_refused(assigned, on) -> None:
    person, assignment = assigned
    with pytest.raises(DomainError) as error:
        services.session_log_save(
            by=person.user, client=person, assignment=assignment, on=on, data={"status": "done"}
        )
    assert error.value.field == "on"
    assert not SessionLog.objects.exists()


def test_logs_keep_what_was_prescribed_when_the_program_changes(coach, assigned, ladder) -> None:
    person, assignment = assigned
    on = TODAY - timedelta(days=1)
    _log_session(coach, person, assignment, on)
    # the coach customises the client's copy and removes that day's exercise
    own = program_services.assignment_customise(coach=coach, assignment=assignment)
    day = own.days.get(number=10)
    program_services.prescription_delete(coach=coach, prescription=day.prescriptions.get())
    assignment.refresh_from_db()

    sets = list(SetLog.objects.order_by("side"))
    assert [s.side for s in sets] == ["left", "right"]
    assert all(s.prescribed["stage"]["name"] == "Rung 1" for s in sets)
    assert all(s.prescribed["hold_seconds"] == 30 for s in sets)
    assert all(s.prescribed["day_number"] == 10 for s in sets)
    assert all(s.is_late for s in sets)


def test_a_session_is_skipped_only_with_a_reason(assigned) -> None:
    person, assignment = assigned
    with pytest.raises(DomainError) as error:
        services.session_log_save(
            by=person.user,
            client=person,
            assignment=assignment,
            on=TODAY,
            data={"status": "skipped"},
        )
    assert error.value.field == "skip_reason"
    session = services.session_log_save(
        by=person.user,
        client=person,
        assignment=assignment,
        on=TODAY,
        data={"status": "skipped", "skip_reason": "Sick"},
    )
    assert session.completed_at is not None
    assert not session.is_late


def test_a_client_uuid_stores_a_set_once(assigned) -> None:
    person, assignment = assigned
    prescription = daily_plans(client=person, on=TODAY)[0].items[0].prescription
    key = "5f0c3a52-8a3c-4c66-9d4f-0a4c2a1b6a11"
    for _ in range(2):
        services.set_log_create(
            by=person.user,
            client=person,
            assignment=assignment,
            on=TODAY,
            prescription_id=prescription.pk,
            data={"side": "left", "hold_seconds": 30},
            client_uuid=key,  # type: ignore[arg-type]
        )
    assert SetLog.objects.count() == 1


def test_deleting_a_log_is_soft_and_the_plan_forgets_it(assigned) -> None:
    person, assignment = assigned
    prescription = daily_plans(client=person, on=TODAY)[0].items[0].prescription
    set_log = services.set_log_create(
        by=person.user,
        client=person,
        assignment=assignment,
        on=TODAY,
        prescription_id=prescription.pk,
        data={"side": "left", "hold_seconds": 30},
    )
    assert len(daily_plans(client=person, on=TODAY)[0].items[0].logged) == 1
    services.set_log_delete(set_log=set_log)
    assert SetLog.objects.get().deleted_at is not None
    assert daily_plans(client=person, on=TODAY)[0].items[0].logged == []


def test_last_time_shows_the_latest_earlier_session_per_side(coach, assigned) -> None:
    person, assignment = assigned
    _log_session(coach, person, assignment, TODAY - timedelta(days=3), left=20, right=25)
    _log_session(coach, person, assignment, TODAY - timedelta(days=1), left=28, right=30)
    item = daily_plans(client=person, on=TODAY)[0].items[0]
    assert item.last_time_on == TODAY - timedelta(days=1)
    assert [(s.side, s.hold_seconds) for s in item.last_time] == [("left", 28), ("right", 30)]


def test_a_day_before_a_pause_can_still_be_logged_while_paused(coach, assigned) -> None:
    person, assignment = assigned
    program_services.assignment_pause(
        coach=coach, assignment=assignment, on=TODAY - timedelta(days=2)
    )
    prescription = assignment.program.days.get(number=8).prescriptions.get()
    services.set_log_create(
        by=coach.user,
        client=person,
        assignment=assignment,
        on=TODAY - timedelta(days=3),
        prescription_id=prescription.pk,
        data={"side": "left", "hold_seconds": 30},
    )
    with pytest.raises(DomainError):
        services.set_log_create(
            by=coach.user,
            client=person,
            assignment=assignment,
            on=TODAY - timedelta(days=1),
            prescription_id=prescription.pk,
            data={"side": "left", "hold_seconds": 30},
        )
    assert SetLog.objects.count() == 1


def test_an_exercise_or_stage_a_client_stands_on_or_logged_is_kept(coach, assigned, ladder) -> None:
    from exercises import services as exercise_services

    person, assignment = assigned
    exercise, rungs = ladder
    _log_session(coach, person, assignment, TODAY - timedelta(days=1))

    assert exercise_services.stage_is_used(rungs[0])
    assert exercise_services.exercise_is_used(exercise)
    # deleting the exercise archives it instead, and the logs stay
    assert exercise_services.exercise_delete(coach=coach, exercise=exercise) is False
    assert SetLog.objects.count() == 2


def test_the_coach_chooses_a_starting_stage_when_assigning(coach, ladder) -> None:
    # given a program that leaves the wall hold at the client's stage
    exercise, rungs = ladder
    program = routine(coach, length_days=7)
    add(coach, program, 1, exercise)
    first, second = ClientFactory.create_batch(2, coach=coach, time_zone="UTC")

    # when one client is assigned from stage 2 and another with the default
    program_services.assignment_create_bulk(
        coach=coach,
        template=program,
        clients=[first],
        starts_on=TODAY,
        starting_stages={exercise.pk: rungs[1].pk},
    )
    assign(coach, program, starts_on=TODAY, clients=[second])

    # then each sees their own rung and its dose on day 1
    first_item = daily_plans(client=first, on=TODAY)[0].items[0]
    second_item = daily_plans(client=second, on=TODAY)[0].items[0]
    assert (first_item.stage, first_item.hold_seconds) == (rungs[1], 60)
    assert (second_item.stage, second_item.hold_seconds) == (rungs[0], 30)


def test_a_starting_stage_must_be_on_a_ladder_the_program_leaves_open(coach, ladder) -> None:
    exercise, rungs = ladder
    program = routine(coach, length_days=7)
    add(coach, program, 1, exercise, stage=rungs[0])  # the program fixes the stage
    person = ClientFactory.create(coach=coach)
    with pytest.raises(DomainError) as error:
        program_services.assignment_create_bulk(
            coach=coach,
            template=program,
            clients=[person],
            starts_on=TODAY,
            starting_stages={exercise.pk: rungs[2].pk},
        )
    assert error.value.field == "starting_stages"
    assert not person.assignments.exists()


def test_the_assign_page_offers_a_starting_stage_per_open_ladder(
    coach, coach_client, ladder
) -> None:
    exercise, rungs = ladder
    program = routine(coach, length_days=7)
    add(coach, program, 1, exercise)
    person = ClientFactory.create(coach=coach, name="Quinn")

    page = coach_client.get(f"/programs/{program.pk}/assign/").content.decode()
    assert "Starting stage: Wall hold" in page
    assert "Stage 3: Rung 3" in page

    response = coach_client.post(
        f"/programs/{program.pk}/assign/",
        {
            "clients": [person.pk],
            "starts_on": TODAY.isoformat(),
            f"stage_{exercise.pk}": rungs[2].pk,
        },
    )
    assert response.status_code == 302
    assert daily_plans(client=person, on=TODAY)[0].items[0].stage == rungs[2]


def test_the_assign_endpoint_takes_starting_stages(coach, api, ladder) -> None:
    exercise, rungs = ladder
    program = routine(coach, length_days=7)
    add(coach, program, 1, exercise)
    person = ClientFactory.create(coach=coach)
    url = f"/api/v1/programs/{program.pk}/assign/"

    bad = api.post(
        url,
        {"clients": [person.pk], "starts_on": "2027-05-20", "starting_stages": {"x": rungs[1].pk}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "starting_stages" in bad.json()["fields"]

    good = api.post(
        url,
        {
            "clients": [person.pk],
            "starts_on": "2027-05-20",
            "starting_stages": {str(exercise.pk): rungs[1].pk},
        },
        content_type="application/json",
    )
    assert good.status_code == 201
    assert person.assignments.get().starting_stages == {str(exercise.pk): rungs[1].pk}


def test_a_client_who_prefers_kg_sees_the_band_in_kg_too(coach, ladder) -> None:
    exercise, rungs = ladder
    rungs[0].load_unit, rungs[0].load_min, rungs[0].load_max = "lb", Decimal(10), Decimal(20)
    rungs[0].save()
    program = routine(coach, length_days=7)
    add(coach, program, 1, exercise)
    person = ClientFactory.create(coach=coach, time_zone="UTC", prefers_kg=True)
    assign(coach, program, starts_on=TODAY, clients=[person])

    item = daily_plans(client=person, on=TODAY)[0].items[0]

    assert item.load_text == "10–20 lb (4.5–9.1 kg)"


def test_a_batch_sent_again_is_checked_as_the_first_time(assigned) -> None:
    # given a day logged with a set the app names, then deleted by the client
    person, assignment = assigned
    prescription = daily_plans(client=person, on=TODAY)[0].items[0].prescription
    key = "0b7e4bd4-2f4e-4f0a-9f37-3c2d1e0a9b55"
    sets = [
        {"prescription": prescription.pk, "side": "left", "hold_seconds": 30, "client_uuid": key}
    ]

    def send_again() -> SessionLog:
        return services.session_log_enter(
            by=person.user,  # type: ignore[arg-type]
            client=person,
            assignment=assignment,
            on=TODAY,
            data={"status": "done"},
            sets=sets,
        )

    first = send_again()
    services.session_log_delete(session=first)

    # when the app sends the batch again: the finished day is a live session, not the deleted one
    again = send_again()
    assert again.pk != first.pk
    assert (again.deleted_at, again.status) == (None, "done")

    # and once the coach archives the client, the same batch is refused
    client_archive(client=person)
    with pytest.raises(DomainError, match="Restore this client"):
        send_again()
