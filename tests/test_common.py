"""The shared mechanics of the services: `model_update` and turning a model's validation error
into a `DomainError`."""

from datetime import UTC, date, datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from coach.common import keep_at, kept_at, logs_changed, model_update, today_versions
from coach.errors import DomainError, NotAllowed
from coach.models import Client, Coach
from tests.coach.factories import ClientFactory, CoachFactory

EDITABLE = ["name", "email", "notes"]


# --- model_update ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_model_update_writes_the_listed_fields_present_in_data_and_nothing_else():
    client = ClientFactory.create(name="Ann Lee", notes="Knee", email="ann@example.org")

    updated, changed = model_update(
        instance=client,
        fields=EDITABLE,
        data={"name": "Ann Leigh", "time_zone": "Asia/Tokyo", "archived_at": datetime.now(UTC)},
    )

    assert (updated, changed) == (client, True)
    stored = Client.objects.get(pk=client.pk)
    assert stored.name == "Ann Leigh"
    # Not listed: ignored, however the caller's data came in.
    assert stored.time_zone == "Europe/London"
    assert stored.archived_at is None
    # Listed but absent from data: kept.
    assert (stored.notes, stored.email) == ("Knee", "ann@example.org")


@pytest.mark.django_db
def test_model_update_saves_only_what_changed_with_the_timestamp(time_machine):
    time_machine.move_to(datetime(2027, 1, 1, 9, 0, tzinfo=UTC), tick=False)
    client = ClientFactory.create(name="Ann Lee", notes="Knee")
    # Another request changed the notes meanwhile; this copy of the row does not know.
    Client.objects.filter(pk=client.pk).update(notes="Knee and hip")
    time_machine.move_to(datetime(2027, 1, 2, 9, 0, tzinfo=UTC), tick=False)

    model_update(instance=client, fields=EDITABLE, data={"name": "Ann Leigh", "notes": "Knee"})

    stored = Client.objects.get(pk=client.pk)
    assert stored.name == "Ann Leigh"
    assert stored.notes == "Knee and hip"  # unchanged here, so not written back
    assert stored.updated_at == datetime(2027, 1, 2, 9, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_model_update_runs_the_models_clean_before_saving():
    client = ClientFactory.create(email="ann@example.org")

    model_update(instance=client, fields=EDITABLE, data={"email": "Ann.Lee@Example.org"})

    # Client.clean() stores e-mail addresses in lower case.
    assert Client.objects.get(pk=client.pk).email == "ann.lee@example.org"


@pytest.mark.django_db
def test_model_update_without_a_change_touches_nothing(django_assert_num_queries):
    client = ClientFactory.create(name="Ann Lee", notes="Knee")
    updated_at = client.updated_at

    with django_assert_num_queries(0):
        _, changed = model_update(
            instance=client, fields=EDITABLE, data={"name": "Ann Lee", "notes": "Knee"}
        )

    assert changed is False
    assert Client.objects.get(pk=client.pk).updated_at == updated_at


@pytest.mark.django_db
def test_model_update_saves_a_model_without_a_timestamp():
    coach = CoachFactory.create(practice_name="Strong legs")

    _, changed = model_update(
        instance=coach, fields=["practice_name"], data={"practice_name": "One leg at a time"}
    )

    assert changed is True
    assert Coach.objects.get(pk=coach.pk).practice_name == "One leg at a time"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "x" * 151}, "name", "Ensure this value has at most 150 characters (it has 151)."),
        ({"email": "not an address"}, "email", "Enter a valid email address."),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Value 'Mars/Olympus' is not a valid choice."),
    ],
)
def test_model_update_refuses_invalid_values_and_saves_nothing(data, field, message):
    client = ClientFactory.create(name="Ann Lee", email="ann@example.org")

    with pytest.raises(DomainError) as caught:
        model_update(
            instance=client, fields=["name", "email", "time_zone"], data={"notes": "-", **data}
        )

    assert (caught.value.field, caught.value.message) == (field, message)
    stored = Client.objects.get(pk=client.pk)
    assert (stored.name, stored.email, stored.time_zone) == (
        "Ann Lee",
        "ann@example.org",
        "Europe/London",
    )


@pytest.mark.django_db
def test_model_update_without_saving_only_sets(django_assert_num_queries):
    client = ClientFactory.create(name="Ann Lee")

    with django_assert_num_queries(0):
        _, changed = model_update(
            instance=client, fields=EDITABLE, data={"name": "x" * 151}, save=False
        )

    # Neither validated nor saved: the caller does both, with its own rules.
    assert changed is True
    assert client.name == "x" * 151
    assert Client.objects.get(pk=client.pk).name == "Ann Lee"


# --- DomainError.from_validation_error ---------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "prefix", "field", "message"),
    [
        (
            ValidationError({"name": ["Too long.", "Odd."], "email": ["Bad."]}),
            "",
            "name",
            "Too long.",
        ),
        (ValidationError({"name": ["Too long."]}), "stages.0.", "stages.0.name", "Too long."),
        (ValidationError({NON_FIELD_ERRORS: ["Clash."]}), "", None, "Clash."),
        (ValidationError({NON_FIELD_ERRORS: ["Clash."]}), "stages.2.", "stages.2", "Clash."),
        (ValidationError("Broken."), "", None, "Broken."),
        (ValidationError(["Broken.", "Twice."]), "stages.1.", "stages.1", "Broken."),
    ],
)
def test_from_validation_error_keeps_the_first_message_on_its_input(error, prefix, field, message):
    domain_error = DomainError.from_validation_error(error, prefix=prefix)

    assert type(domain_error) is DomainError
    assert (domain_error.field, domain_error.message) == (field, message)
    assert domain_error.as_field_errors() == {field or "non_field_errors": [message]}


def test_from_validation_error_makes_the_class_it_is_called_on():
    error = NotAllowed.from_validation_error(ValidationError("No."))

    assert isinstance(error, NotAllowed)
    assert error.code == "permission_denied"


@pytest.mark.django_db
def test_a_kept_part_is_read_with_its_versions_and_only_at_the_version_it_was_drawn(
    monkeypatch,
) -> None:
    # given a part kept as drawn at the client's current versions
    plan, logs, _ = today_versions(7, on=date(2027, 3, 10), today=date(2027, 3, 10))
    keep_at("today:7:test:logs", f"{plan}.{logs}", "drawn", 60)
    reads: list[list[str]] = []
    real_get_many = cache.get_many

    def get_many(keys: list[str]) -> dict[str, object]:
        reads.append(keys)
        return real_get_many(keys)

    monkeypatch.setattr(cache, "get_many", get_many)

    # when it is read with the versions: one round trip, and it is the part
    plan, logs, kept = today_versions(
        7, on=date(2027, 3, 10), today=date(2027, 3, 10), kept=["today:7:test:logs"]
    )
    assert len(reads) == 1
    assert kept_at(kept.get("today:7:test:logs"), f"{plan}.{logs}") == "drawn"

    # then a log makes it stale: read again, it is not used
    logs_changed(client_id=7, before_today=False)
    plan, logs, kept = today_versions(
        7, on=date(2027, 3, 10), today=date(2027, 3, 10), kept=["today:7:test:logs"]
    )
    assert "today:7:test:logs" in kept
    assert kept_at(kept.get("today:7:test:logs"), f"{plan}.{logs}") is None
    assert kept_at(None, f"{plan}.{logs}") is None


@pytest.mark.django_db
def test_the_versions_a_transaction_changes_change_again_once_after_its_commit(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from django.db import transaction

    from coach.common import day_versions
    from training.summaries import dashboard_changed, dashboard_version

    writes: list[list[str]] = []
    real_set_many = cache.set_many

    def set_many(data: dict[str, object], timeout: float | None = None) -> list[str]:
        writes.append(sorted(data))
        return real_set_many(data, timeout)

    monkeypatch.setattr(cache, "set_many", set_many)
    on = date(2027, 3, 10)
    before_day, _ = day_versions(7, [on])
    before_dashboard = dashboard_version(3)
    writes.clear()  # (the versions read for the first time were given values)

    # when a write changes a client's logs twice and the coach's dashboard once
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        logs_changed(client_id=7, before_today=False, on=on)
        during_day, _ = day_versions(7, [on])
        logs_changed(client_id=7, before_today=False, on=on)
        dashboard_changed(coach_ids={3})
        assert len(writes) == 3  # each change is seen at once by the request that made it

    # then after the commit, one more round trip gives every one of them a new value again
    # (with any a transaction rolled back before left to change: the tests' own, here)
    assert len(writes) == 4
    assert {
        "plans:version:logs:7",
        "plans:version:day:7:2027-03-10",
        "dashboard:version:3",
    } <= set(writes[-1])
    after_day, _ = day_versions(7, [on])
    assert len({before_day[on], during_day[on], after_day[on]}) == 3
    assert dashboard_version(3) != before_dashboard
