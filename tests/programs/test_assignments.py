"""Assignments: own copies (isolated both ways), bulk assignment, pause/resume/cancel and
completion in the client's own time zone."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coach.errors import DomainError, NotAllowed
from coach.models import Client
from programs import schedule, services
from programs.models import Assignment, Block, Day, Prescription, Program
from programs.tasks import assignments_complete_due_task
from tests.coach.factories import ClientFactory, CoachFactory
from tests.exercises.factories import shared
from tests.programs.factories import add, assign, day, plan, routine, set_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(coach, library):
    """A 30-day routine with a block and two exercises a day on the first days."""
    program = routine(coach, length_days=30, name="Wall hold month")
    services.block_create(
        coach=coach,
        program=program,
        data={"name": "Base", "focus": Block.Focus.STABILITY, "start": 1, "end": 14},
    )
    for number in (1, 2, 3):
        add(coach, program, number, shared("wall-single-leg-hold"), hold_seconds=60)
        add(coach, program, number, shared("squat"), sets=3, reps_per_side=10)
    set_day(coach, program, 1, title="Start", intensity=Day.Intensity.LOW)
    return program


def snapshot(program: Program) -> list[tuple]:
    """What a client would see of a program: days and their exercises with doses."""
    program.refresh_from_db()
    return [
        (program.name, program.length_days, program.kind),
        *[(b.order, b.name, b.focus, b.start, b.end) for b in program.blocks.all()],
        *[(d.number, d.title, d.intensity, d.is_rest) for d in program.days.all()],
        *[
            (p.day.number, p.order, p.exercise.slug, p.stage_id, p.sets, p.reps_per_side,
             p.hold_seconds)
            for p in Prescription.objects.filter(day__program=program)
            .select_related("day", "exercise")
            .order_by("day__number", "order")
        ],
    ]  # fmt: skip


# --- creating: own copies ----------------------------------------------------------------------


def test_clients_assigned_together_get_one_full_frozen_copy(coach, template):
    clients = ClientFactory.create_batch(2, coach=coach)

    assignments = services.assignment_create_bulk(
        coach=coach, template=template, clients=clients, starts_on=date(2027, 1, 28)
    )

    assert len(assignments) == 2
    copies = [a.program for a in assignments]
    assert len({c.pk for c in copies}) == 1  # shared until customised for one of them
    assert template.pk not in {c.pk for c in copies}
    for assignment, client in zip(assignments, clients, strict=True):
        assignment.refresh_from_db()
        assert assignment.client == client
        assert assignment.template == template
        assert assignment.status == Assignment.Status.ACTIVE
        assert assignment.starts_on == date(2027, 1, 28)
        copy = assignment.program
        assert copy.is_template is False
        assert copy.owner == coach
        assert copy.copied_from == template
        assert snapshot(copy) == snapshot(template)
    # Copies are not listed with the coach's templates.
    assert list(Program.objects.owned_by(coach).templates()) == [template]


def test_template_edits_after_assigning_do_not_change_client_copies(coach, template):
    first, second = assign(
        coach,
        template,
        starts_on=date(2027, 1, 28),
        clients=ClientFactory.create_batch(2, coach=coach),
    )
    before = [snapshot(first.program), snapshot(second.program)]

    squat = template.days.get(number=1).prescriptions.get(exercise__slug="squat")
    services.prescription_update(coach=coach, prescription=squat, data={"sets": 5})
    services.prescription_delete(
        coach=coach, prescription=template.days.get(number=2).prescriptions.first()
    )
    add(coach, template, 4, shared("split-squat"))
    set_day(coach, template, 1, title="Changed", intensity=Day.Intensity.HIGH)
    services.day_duplicate(coach=coach, day=day(template, 1), to_numbers=[5, 6])
    services.program_update(coach=coach, program=template, data={"length_days": 20})
    services.block_delete(coach=coach, block=template.blocks.get())

    assert snapshot(template) != before[0]
    assert [snapshot(first.program), snapshot(second.program)] == before
    assert first.program.days.count() == 30


def test_editing_one_clients_copy_changes_neither_the_template_nor_other_clients(coach, template):
    first, second = assign(
        coach,
        template,
        starts_on=date(2027, 1, 28),
        clients=ClientFactory.create_batch(2, coach=coach),
    )
    template_before, second_before = snapshot(template), snapshot(second.program)
    # The shared copy cannot be changed for everyone by accident.
    with pytest.raises(NotAllowed, match="Customise it for one client"):
        services.program_update(coach=coach, program=first.program, data={"name": "Oops"})
    copy = services.assignment_customise(coach=coach, assignment=first)
    assert copy.pk != second.program.pk
    assert snapshot(copy) == second_before
    # Customising the last follower keeps the copy it has.
    second.refresh_from_db()
    assert services.assignment_customise(coach=coach, assignment=second).pk == second.program_id

    hold = copy.days.get(number=1).prescriptions.get(exercise__slug="wall-single-leg-hold")
    services.prescription_update(coach=coach, prescription=hold, data={"hold_seconds": 90})
    add(coach, copy, 10, shared("nordic-hamstring-curl"))
    set_day(coach, copy, 2, is_rest=True, title="Rest")
    services.program_update(coach=coach, program=copy, data={"name": "Maya's month"})

    assert snapshot(template) == template_before
    assert snapshot(second.program) == second_before
    changed = snapshot(copy)
    assert changed != template_before
    assert (1, 1, "wall-single-leg-hold", None, None, None, 90) in changed


# --- bulk --------------------------------------------------------------------------------------


def _queries_to_assign(coach, template, count: int) -> int:
    clients = ClientFactory.create_batch(count, coach=coach)
    with CaptureQueriesContext(connection) as context:
        created = services.assignment_create_bulk(
            coach=coach, template=template, clients=clients, starts_on=date(2027, 3, 1)
        )
    assert len(created) == count
    return len(context.captured_queries)


def test_assigning_to_many_clients_takes_the_same_number_of_queries(coach, template):
    few = _queries_to_assign(coach, template, 3)
    many = _queries_to_assign(coach, template, 40)

    assert few == many
    assert Assignment.objects.count() == 43
    # One frozen copy a batch, with every day and exercise of the template.
    assert Day.objects.filter(program__is_template=False).count() == 2 * 30
    assert Prescription.objects.filter(day__program__is_template=False).count() == 2 * 6


def test_assigning_to_a_thousand_clients_is_one_bulk_operation(coach, template):
    few_clients = Client.objects.bulk_create(
        Client(coach=coach, name=f"Few {n}", email=f"few{n}@example.org") for n in range(3)
    )
    many_clients = Client.objects.bulk_create(
        Client(coach=coach, name=f"Many {n}", email=f"many{n}@example.org") for n in range(1000)
    )

    def queries(clients: list[Client]) -> int:
        with CaptureQueriesContext(connection) as context:
            created = services.assignment_create_bulk(
                coach=coach, template=template, clients=clients, starts_on=date(2027, 3, 1)
            )
        assert len(created) == len(clients)
        return len(context.captured_queries)

    few, many = queries(few_clients), queries(many_clients)

    assert Assignment.objects.count() == 1003
    assert Prescription.objects.filter(day__program__is_template=False).count() == 2 * 6
    # No query per client. SQLite's bulk inserts are split into batches by Django's limit of
    # 999 parameters a statement; those extra batches are the only difference.
    fields = [f for f in Assignment._meta.concrete_fields if not f.primary_key]
    extra = -(-1000 // connection.ops.bulk_batch_size(fields, many_clients)) - 1
    assert many == few + extra
    if connection.vendor == "postgresql":
        assert many == few


def test_an_archived_template_cannot_be_assigned(coach, template):
    services.program_archive(coach=coach, program=template)
    with pytest.raises(DomainError, match="archived"):
        services.assignment_create_bulk(
            coach=coach,
            template=template,
            clients=[ClientFactory.create(coach=coach)],
            starts_on=date(2027, 3, 1),
        )
    assert not Assignment.objects.exists()


def test_assigning_to_no_client_creates_nothing(coach, template):
    programs = Program.objects.count()
    with pytest.raises(DomainError) as error:
        services.assignment_create_bulk(
            coach=coach, template=template, clients=[], starts_on=date(2027, 3, 1)
        )
    assert error.value.field == "clients"
    assert Program.objects.count() == programs
    assert not Assignment.objects.exists()


def test_assigning_an_archived_client_creates_nothing(coach, template):
    active = ClientFactory.create(coach=coach)
    archived = ClientFactory.create(coach=coach, archived_at=timezone.now())
    programs, days = Program.objects.count(), Day.objects.count()

    with pytest.raises(DomainError, match="archived") as error:
        services.assignment_create_bulk(
            coach=coach, template=template, clients=[active, archived], starts_on=date(2027, 3, 1)
        )

    assert error.value.field == "clients"
    assert (Program.objects.count(), Day.objects.count()) == (programs, days)
    assert not Assignment.objects.exists()


def test_assigning_another_coachs_client_creates_nothing(coach, template):
    mine = ClientFactory.create(coach=coach)
    theirs = ClientFactory.create(coach=CoachFactory.create())
    programs = Program.objects.count()

    with pytest.raises(DomainError):
        services.assignment_create_bulk(
            coach=coach, template=template, clients=[mine, theirs], starts_on=date(2027, 3, 1)
        )

    assert Program.objects.count() == programs
    assert not Assignment.objects.exists()


def test_another_coachs_template_or_a_client_copy_cannot_be_assigned(coach, template):
    other = CoachFactory.create()
    foreign = routine(other, length_days=5)
    (assignment,) = assign(coach, template, starts_on=date(2027, 3, 1))
    client = ClientFactory.create(coach=coach)

    with pytest.raises(NotAllowed):
        services.assignment_create_bulk(
            coach=coach, template=foreign, clients=[client], starts_on=date(2027, 3, 1)
        )
    with pytest.raises(NotAllowed):
        services.assignment_create_bulk(
            coach=coach, template=assignment.program, clients=[client], starts_on=date(2027, 3, 1)
        )
    assert Assignment.objects.count() == 1


def test_a_starter_can_be_assigned(coach, library):
    starter = services.routine_generate(
        coach=None,
        name="Starter hold",
        items=[{"exercise": shared("wall-single-leg-hold").pk}],
        length_days=10,
    )
    (assignment,) = assign(coach, starter, starts_on=date(2027, 3, 1))
    assert assignment.program.owner == coach
    assert assignment.program.days.count() == 10
    assert Prescription.objects.filter(day__program=assignment.program).count() == 10


# --- pause, resume, cancel -----------------------------------------------------------------


def test_pause_then_resume_across_a_month_end(coach, template):
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 28))

    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 1, 31))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.PAUSED
    assert assignment.paused_on == date(2027, 1, 31)

    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 2, 3))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE
    assert assignment.paused_on is None
    assert assignment.shift_days == 3
    assert schedule.offset_on(assignment=assignment, on=date(2027, 2, 3)) == 3  # day 4
    assert assignment.last_day == date(2027, 3, 1)


def test_pause_over_the_leap_day(coach, template):
    (assignment,) = assign(coach, template, starts_on=date(2028, 2, 20))
    assert assignment.last_day == date(2028, 3, 20)

    services.assignment_pause(coach=coach, assignment=assignment, on=date(2028, 2, 28))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2028, 3, 1))
    assignment.refresh_from_db()

    assert assignment.shift_days == 2  # 28 and 29 February
    assert schedule.offset_on(assignment=assignment, on=date(2028, 3, 1)) == 8  # day 9
    assert assignment.last_day == date(2028, 3, 22)


def test_pauses_add_up(coach, template):
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 1))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 1, 5))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 1, 7))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 1, 10))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 1, 13))
    assignment.refresh_from_db()
    assert assignment.shift_days == 5
    assert assignment.last_day == date(2027, 2, 4)


def test_a_pause_before_the_start_moves_only_by_the_days_after_the_start(coach, template):
    (assignment,) = assign(coach, template, starts_on=date(2027, 2, 10))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 2, 1))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 2, 12))
    assignment.refresh_from_db()
    assert assignment.shift_days == 2
    assert assignment.first_day == date(2027, 2, 12)


def test_a_plan_paused_three_days_moves_a_week(coach, library):
    program = plan(coach, weeks=4, weekdays=[0, 3])
    add(coach, program, 1, shared("split-squat"))
    (assignment,) = assign(coach, program, starts_on=date(2027, 2, 1))

    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 2, 3))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 2, 6))
    assignment.refresh_from_db()

    assert assignment.shift_days == 7
    assert assignment.last_day == date(2027, 3, 7)
    second = assignment.program.days.get(number=2)  # week 1, Thursday
    assert schedule.day_date(assignment=assignment, day=second) == date(2027, 2, 11)


def test_cancel_ends_an_active_or_paused_assignment(coach, template):
    active, paused = assign(
        coach,
        template,
        starts_on=date(2027, 1, 1),
        clients=ClientFactory.create_batch(2, coach=coach),
    )
    services.assignment_pause(coach=coach, assignment=paused, on=date(2027, 1, 3))

    services.assignment_cancel(coach=coach, assignment=active, on=date(2027, 1, 5))
    services.assignment_cancel(coach=coach, assignment=paused, on=date(2027, 1, 6))

    for assignment, ended in ((active, date(2027, 1, 5)), (paused, date(2027, 1, 6))):
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.CANCELLED
        assert assignment.ended_on == ended
        assert assignment.paused_on is None
        # The client's copy stays, with its days.
        assert assignment.program.days.count() == 30


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("paused", "pause"),
        ("active", "resume"),
        ("cancelled", "pause"),
        ("cancelled", "resume"),
        ("cancelled", "cancel"),
        ("completed", "pause"),
        ("completed", "resume"),
        ("completed", "cancel"),
    ],
)
def test_invalid_transitions_are_refused(coach, template, status, action):
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 1))
    Assignment.objects.filter(pk=assignment.pk).update(
        status=status, paused_on=date(2027, 1, 2) if status == "paused" else None
    )
    assignment.refresh_from_db()
    handler = getattr(services, f"assignment_{action}")

    with pytest.raises(DomainError):
        handler(coach=coach, assignment=assignment, on=date(2027, 1, 4))

    assignment.refresh_from_db()
    assert assignment.status == status
    assert assignment.shift_days == 0


def test_resume_before_the_pause_date_is_refused(coach, template):
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 1))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 1, 10))
    with pytest.raises(DomainError) as error:
        services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 1, 9))
    assert error.value.field == "on"
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.PAUSED


def test_another_coach_cannot_change_an_assignment(coach, template):
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 1))
    other = CoachFactory.create()
    for handler in (
        services.assignment_pause,
        services.assignment_resume,
        services.assignment_cancel,
    ):
        with pytest.raises(NotAllowed):
            handler(coach=other, assignment=assignment, on=date(2027, 1, 2))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE


# --- completion ----------------------------------------------------------------------------


def test_complete_due_marks_only_finished_assignments(coach, template):
    finished, running, paused, cancelled = assign(
        coach,
        template,
        starts_on=date(2027, 1, 1),
        clients=ClientFactory.create_batch(4, coach=coach),
    )
    Assignment.objects.filter(pk=running.pk).update(starts_on=date(2027, 1, 10))
    services.assignment_pause(coach=coach, assignment=paused, on=date(2027, 1, 15))
    services.assignment_cancel(coach=coach, assignment=cancelled, on=date(2027, 1, 15))
    # Day 30 of the finished one is 30 January; the running one ends on 8 February.

    count = services.assignments_complete_due(now=datetime(2027, 2, 1, 12, 0, tzinfo=UTC))

    assert count == 1
    statuses = {a.pk: a.status for a in Assignment.objects.all()}
    assert statuses == {
        finished.pk: Assignment.Status.COMPLETED,
        running.pk: Assignment.Status.ACTIVE,
        paused.pk: Assignment.Status.PAUSED,
        cancelled.pk: Assignment.Status.CANCELLED,
    }
    finished.refresh_from_db()
    assert finished.ended_on == date(2027, 1, 30)  # its last day, not the day the task ran


def test_complete_due_waits_until_the_last_day_has_passed(coach, template):
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 1), time_zone="UTC")
    # The last day is 30 January: still running during it.
    assert services.assignments_complete_due(now=datetime(2027, 1, 30, 23, 59, tzinfo=UTC)) == 0
    assert services.assignments_complete_due(now=datetime(2027, 1, 31, 0, 1, tzinfo=UTC)) == 1
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED


def test_complete_due_uses_the_clients_time_zone(coach, template):
    auckland = ClientFactory.create(coach=coach, time_zone="Pacific/Auckland")
    los_angeles = ClientFactory.create(coach=coach, time_zone="America/Los_Angeles")
    east, west = assign(
        coach, template, starts_on=date(2027, 1, 1), clients=[auckland, los_angeles]
    )
    # Both end on 30 January, local time.

    # 12:00 UTC on 30 January: 01:00 on 31 January in Auckland, 04:00 on 30 January in LA.
    assert services.assignments_complete_due(now=datetime(2027, 1, 30, 12, 0, tzinfo=UTC)) == 1
    east.refresh_from_db()
    west.refresh_from_db()
    assert east.status == Assignment.Status.COMPLETED
    assert west.status == Assignment.Status.ACTIVE

    # 07:59 UTC on 31 January is still 30 January (23:59) in LA.
    assert services.assignments_complete_due(now=datetime(2027, 1, 31, 7, 59, tzinfo=UTC)) == 0
    # 08:00 UTC is midnight in LA: the last day has passed there too.
    assert services.assignments_complete_due(now=datetime(2027, 1, 31, 8, 0, tzinfo=UTC)) == 1
    west.refresh_from_db()
    assert west.status == Assignment.Status.COMPLETED


def test_complete_due_counts_pauses(coach, template):
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 1), time_zone="UTC")
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 1, 10))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 1, 14))

    assert services.assignments_complete_due(now=datetime(2027, 2, 2, 12, tzinfo=UTC)) == 0
    assert services.assignments_complete_due(now=datetime(2027, 2, 4, 0, 30, tzinfo=UTC)) == 1


def test_the_periodic_task_completes_due_assignments(coach, template, time_machine):
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 1), time_zone="UTC")
    time_machine.move_to(datetime(2027, 1, 29, 12, tzinfo=UTC), tick=False)
    assert assignments_complete_due_task.delay().get() == 0

    time_machine.move_to(datetime(2027, 1, 31, 0, 30, tzinfo=UTC), tick=False)
    assert assignments_complete_due_task.delay().get() == 1
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED
