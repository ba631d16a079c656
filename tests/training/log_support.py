"""Logging a day of a trainee's routine through the service, for the review and export tests."""

from datetime import date
from typing import Any

from coach.models import User
from tests.training.api_support import Trainee
from training import services
from training.models import SessionLog


def log_day(
    person: Trainee, on: date, sets: list[dict[str, Any]], by: User | None = None, **session: Any
) -> SessionLog:
    """A done session of the routine's day on `on` with `sets` of its prescription (set
    number, side and what was done), logged by the client unless `by` says otherwise."""
    prescription = person.prescription_on((on - person.assignment.starts_on).days + 1)
    return services.session_log_enter(
        by=by or person.client.user,  # type: ignore[arg-type]
        client=person.client,
        assignment=person.assignment,
        on=on,
        data={"status": "done", **session},
        sets=[{"prescription": prescription.pk, **item} for item in sets],
    )
