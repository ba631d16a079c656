"""coach.compiled: reads compiled once and run with new ids give what the ORM gives."""

from datetime import UTC, date, datetime, time
from typing import Any, cast

import pytest
import time_machine
from django.db.models import Count, Model, Prefetch

from coach.compiled import Compiled, CompiledRows
from coach.models import Client
from coach.selectors import coach_of
from exercises.models import Stage
from reminders.models import ReminderSchedule
from tests.coach.factories import ClientFactory, CoachFactory
from tests.training.api_support import log_body, post_log, set_row, trainee
from training import selectors, services
from training.models import SetLog

pytestmark = pytest.mark.django_db


def _fields(instance: Model, *, depth: int = 2) -> dict[str, Any]:
    """What a read put on an instance: its values, what is deferred and the related rows it
    holds (and theirs, to `depth`: a joined row holds the instance it was joined to)."""
    values = {k: v for k, v in instance.__dict__.items() if k != "_state"}
    related = {
        name: None if row is None else _fields(row, depth=depth - 1)
        for name, row in instance._state.fields_cache.items()
        if depth > 0
    }
    return {"values": values, "related": related, "deferred": instance.get_deferred_fields()}


def _client_with_schedule(coach_id: int, pk: int) -> Any:
    return (
        Client.objects.filter(coach_id=coach_id, pk=pk)
        .select_related("user", "reminder_schedule")
        .defer("notes")
        .annotate(programs=Count("assignments"))[:1]
    )


def test_a_compiled_read_gives_the_rows_the_orm_gives_for_each_id() -> None:
    # given two practices' clients, one with a login and reminder settings, one with neither
    coach, other = CoachFactory.create(), CoachFactory.create()
    with_all = ClientFactory.create(coach=coach, with_login=True, name="Ada")
    ReminderSchedule.objects.create(client=with_all, reminder_time=time(6, 15))
    bare = ClientFactory.create(coach=coach, name="Bo")
    theirs = ClientFactory.create(coach=other)
    read = Compiled(_client_with_schedule, ids=2)

    # when each is read, in turn, by the same compiled read
    found = [read.first(coach.pk, c.pk) for c in (with_all, bare, with_all)]

    # then each is the row the ORM reads: values, the rows joined (or none), what is deferred
    # and what is annotated
    for row, client in zip(found, (with_all, bare, with_all), strict=True):
        assert row is not None
        assert _fields(row) == _fields(_client_with_schedule(coach.pk, client.pk).get())
    first, second, _ = cast(list[Client], found)
    assert (first.name, second.name) == ("Ada", "Bo")
    assert first.reminder_schedule.reminder_time == time(6, 15)
    assert first.user is not None
    assert second.user is None
    assert "notes" in first.get_deferred_fields()
    # another practice's client, and values that name no row, are not found
    assert read.first(coach.pk, theirs.pk) is None
    for value in ("x", None, "12a", 2**63, -(2**63) - 1):
        assert read.first(coach.pk, value) is None


def test_a_compiled_read_gives_every_row_in_the_querysets_order() -> None:
    coach = CoachFactory.create()
    for name in ("Cy", "Ada", "Bo"):
        ClientFactory.create(coach=coach, name=name)
    ClientFactory.create(name="Elsewhere")
    read = Compiled(
        lambda coach_id: Client.objects.filter(coach_id=coach_id).order_by("name"), ids=1
    )

    assert [c.name for c in read(coach.pk)] == ["Ada", "Bo", "Cy"]
    assert read(coach.pk + 1000) == []


@pytest.mark.parametrize(
    ("build", "why"),
    [
        # related rows that would need a query of their own
        (
            lambda pk: Client.objects.filter(pk=pk).prefetch_related(Prefetch("assignments")),
            "cannot prefetch",
        ),
        # an id compared twice, or not at all
        (lambda pk: Client.objects.filter(pk=pk, coach_id=pk), "compared once"),
        (lambda pk: Client.objects.filter(name="Ada"), "compared once"),
        # no model instances to make
        (lambda pk: Client.objects.filter(pk=pk).values("name"), "model instances"),
        (lambda pk: Client.objects.filter(pk=pk).values_list("name"), "model instances"),
    ],
)
def test_a_read_that_cannot_be_compiled_is_refused(build: Any, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        Compiled(build, ids=1).first(1)


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Client.objects.filter(pk=pk),
        lambda pk: Client.objects.filter(pk=pk).values("name"),
        lambda pk: Client.objects.filter(pk=pk).values_list("name", flat=True),
    ],
)
def test_compiled_rows_refuse_what_is_not_values_list_tuples(build: Any) -> None:
    with pytest.raises(ValueError, match="values_list"):
        CompiledRows(build, ids=1)(1)


def test_compiled_rows_give_the_tuples_values_list_gives_for_each_id_and_date() -> None:
    # given two clients of a coach, created on two days, and another coach's
    coach = CoachFactory.create()
    with time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        early = ClientFactory.create(coach=coach, name="Ada", time_zone="Asia/Tokyo")
    with time_machine.travel(datetime(2027, 3, 5, 9, 0, tzinfo=UTC), tick=False):
        ClientFactory.create(coach=coach, name="Bo")
    ClientFactory.create(name="Elsewhere")

    def build(coach_id: int, since: date) -> Any:
        return (
            Client.objects.filter(coach_id=coach_id, created_at__date__gte=since)
            .order_by("name")
            .values_list("name", "time_zone", "created_at", "coach__practice_name")
        )

    read = CompiledRows(build, ids=1, dates=1)

    # when read from two dates
    every = read(coach.pk, date(2027, 3, 1))
    later = read(coach.pk, date(2027, 3, 3))

    # then each is what the ORM gives: the columns converted (an aware datetime), in order
    assert every == list(build(coach.pk, date(2027, 3, 1)))
    assert [row[0] for row in every] == ["Ada", "Bo"]
    assert every[0][1:3] == ("Asia/Tokyo", early.created_at)
    assert every[0][2].tzinfo is not None
    assert [row[0] for row in later] == ["Bo"]
    assert read(coach.pk + 1000, date(2027, 3, 1)) == []


def test_a_logged_sets_prescription_reads_as_the_orm_reads_it(coach: Any) -> None:
    # given a client's routine, and another practice's
    person = trainee(coach, starts_on=date(2027, 3, 1))
    theirs = trainee(CoachFactory.create(), starts_on=date(2027, 3, 1))
    prescription = person.prescription_on(3)
    program_id = person.assignment.program_id

    # when the prescription is read as a logged set reads it (three tables joined, long texts
    # left out, whether its exercise has a ladder)
    found = services._PRESCRIPTION.first(prescription.pk, program_id)

    # then it is what the ORM reads, and only in its own program
    assert found is not None
    assert _fields(found) == _fields(
        services._PRESCRIPTION.build(prescription.pk, program_id).get()
    )
    assert found.has_ladder is Stage.objects.filter(exercise=found.exercise).exists()  # type: ignore[attr-defined]
    assert services._PRESCRIPTION.first(prescription.pk, theirs.assignment.program_id) is None


def test_a_day_read_by_id_and_date_gives_that_days_sessions_with_their_sets(
    coach: Any, django_assert_num_queries: Any
) -> None:
    # given a client who logged on two days, one set deleted, and another client on the same day
    person = trainee(coach, starts_on=date(2027, 3, 1))
    neighbour = trainee(coach, starts_on=date(2027, 3, 1), exercise=person.exercise)
    with time_machine.travel(datetime(2027, 3, 10, 18, 0, tzinfo=UTC), tick=False):
        for who, on, sides in (
            (person, date(2027, 3, 9), ["left", "right", "left"]),
            (person, date(2027, 3, 10), ["right"]),
            (neighbour, date(2027, 3, 9), ["left"]),
        ):
            rows = [set_row(who.prescription_on(on.day), side) for side in sides]
            assert post_log(who.http, log_body(who, on, *rows)).status_code == 201
    SetLog.objects.filter(session__client=person.client, side="right", session__on__day=9).update(
        deleted_at=datetime(2027, 3, 10, tzinfo=UTC)
    )

    # when the 9th is read for the client
    sessions = selectors.sessions_on(
        client=person.client, on=date(2027, 3, 9), assignment_ids=[person.assignment.pk]
    )

    # then it is their session of that day, its sets in order without the deleted one, held
    # without a further query
    (session,) = sessions.values()
    assert (session.client_id, session.on) == (person.client.pk, date(2027, 3, 9))
    with django_assert_num_queries(0):
        assert [s.side for s in session.sets.all()] == ["left", "left"]
    # (still the manager: other reads of it query as ever)
    assert list(session.sets.filter(deleted_at__isnull=True).order_by("id")) == list(
        session.sets.all()
    )
    # a day with no session, or another assignment's, reads as nothing
    nothing = selectors.sessions_on(
        client=person.client, on=date(2027, 3, 8), assignment_ids=[person.assignment.pk]
    )
    others = selectors.sessions_on(
        client=person.client, on=date(2027, 3, 9), assignment_ids=[neighbour.assignment.pk]
    )
    assert (nothing, others) == ({}, {})


def test_a_compiled_read_takes_only_the_ids_and_dates_it_was_built_for() -> None:
    read = Compiled(
        lambda pk, on: Client.objects.filter(pk=pk, created_at__date=on)[:1], ids=1, dates=1
    )
    for values in (
        (1,),
        (1, "2027-03-09"),
        (1, datetime(2027, 3, 9, tzinfo=UTC)),
        ("1", date(2027, 3, 9)),
    ):
        with pytest.raises(TypeError, match="1 ids and 1 dates"):
            read(*values)


def test_a_clients_coach_is_read_once_and_kept_on_the_client(
    django_assert_num_queries: Any,
) -> None:
    client = ClientFactory.create()
    fresh = Client.objects.get(pk=client.pk)

    with django_assert_num_queries(1):
        assert coach_of(fresh) == client.coach
    with django_assert_num_queries(0):
        assert coach_of(fresh).practice_name == client.coach.practice_name
