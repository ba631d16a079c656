"""Builders shared by the progress and dashboard tests: a history of logged sessions written in
bulk (the services log one set at a time), and the words of a page as a person reads them."""

import html
import re
from collections.abc import Iterable
from datetime import date

from coach.common import logs_changed
from coach.models import Client, Coach
from coach.response_cache import practice_changed
from programs.models import Assignment, Prescription
from training.models import SessionLog, SetLog
from training.summaries import dashboard_changed, summaries_refresh


def sessions_load(
    assignment: Assignment, dates: Iterable[date], *, left: int = 30, right: int = 30
) -> list[SessionLog]:
    """A done session on each date, with one set of each side held `left` and `right`
    seconds (of the day's first prescription); the client's summary and cached pages are
    brought up to date as the services do."""
    prescriptions = {
        p.day.number: p
        for p in Prescription.objects.filter(day__program=assignment.program).select_related("day")
    }
    dates = list(dates)
    sessions = SessionLog.objects.bulk_create(
        SessionLog(
            client_id=assignment.client_id,
            assignment=assignment,
            on=on,
            day_number=(on - assignment.starts_on).days + 1,
            status=SessionLog.Status.DONE,
        )
        for on in dates
    )
    SetLog.objects.bulk_create(
        SetLog(
            session=session,
            prescription=prescriptions[session.day_number or 0],
            exercise_id=prescriptions[session.day_number or 0].exercise_id,
            set_number=1,
            side=side,
            hold_seconds=hold,
            form=4,
        )
        for session in sessions
        for side, hold in (("left", left), ("right", right))
    )
    summaries_refresh(client_ids=[assignment.client_id])
    logs_changed(client_id=assignment.client_id)  # as the services do after a write
    return sessions


def words(response) -> str:  # type: ignore[no-untyped-def]
    """The page's words as they read: inline tags dropped, others a space, spaces collapsed."""
    assert response.status_code == 200, response.status_code
    page = re.sub(r"</?(a|strong|span|small|em|b)\b[^>]*>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def drawn_again(coach: Coach) -> None:
    """Every page of the coach's dashboard and every row of their clients are drawn again (as
    after clients added past the services and a write for each)."""
    practice_changed(coach_id=coach.pk)
    dashboard_changed(
        coach_ids=[coach.pk],
        client_ids=list(Client.objects.filter(coach=coach).values_list("pk", flat=True)),
    )
