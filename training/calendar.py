"""A client's training days as an iCalendar feed, for Google, Apple or any calendar app.

Each training day of the client's current programs is an all-day event (a date, not a time,
so that no time zone or daylight-saving change can move it): the day's number and program, each
exercise at the client's stage with its dose, and a link to that day on Today. Rest days, and
days after a pause has begun, are left out. The address is secret (coach.calendar_feeds).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event, vDuration

from coach.calendar_feeds import calendar_feed_for
from coach.models import Client
from exercises.templatetags.dose import dose
from programs import selectors as program_selectors
from programs.models import Assignment, Day, Prescription
from programs.schedule import day_offset, offset_on
from training.doses import dose_resolve
from training.selectors import cached_for_client, stages_of

PRODUCT_ID = "-//Coach//Training days//EN"
# How often calendar apps are asked to fetch the feed again.
REFRESH = timedelta(hours=6)


@dataclass
class CalendarItem:
    exercise: str
    stage: str
    dose: str


@dataclass
class CalendarDay:
    assignment: Assignment
    day: Day
    on: date
    items: list[CalendarItem]

    @property
    def title(self) -> str:
        program = self.assignment.program
        return f"Day {self.day.number} of {program.total_days}: {program.name}"


def calendar_days(*, client: Client) -> list[CalendarDay]:
    """Every training day of the client's active and paused programs, by date: the days on
    which the program has something to do, at the client's current stages. A paused program's
    days from its pause on have no date yet and are left out.

    Three queries for the days and their exercises, and those of `stages_of`, whatever the
    length of the programs.
    """
    assignments = program_selectors.client_current_assignments(client=client)
    if not assignments:
        return []
    days_of: dict[int, list[Day]] = defaultdict(list)
    for day in (
        Day.objects.filter(program_id__in={a.program_id for a in assignments}, is_rest=False)
        .prefetch_related(
            Prefetch(
                "prescriptions",
                queryset=Prescription.objects.select_related("exercise", "stage").order_by("order"),
            )
        )
        .order_by("number")
    ):
        days_of[day.program_id].append(day)
    exercise_ids = {
        p.exercise_id for days in days_of.values() for day in days for p in day.prescriptions.all()
    }
    current = stages_of(client=client, exercise_ids=exercise_ids) if exercise_ids else {}

    found = []
    for assignment in assignments:
        program = assignment.program
        for day in days_of[assignment.program_id]:
            prescriptions = list(day.prescriptions.all())
            if not prescriptions:
                continue
            offset = day_offset(program=program, day=day, start=assignment.starts_on)
            on = assignment.date_of(offset)
            # None within a pause, and from the day a still-paused program was paused on.
            if offset_on(assignment=assignment, on=on) != offset:
                continue
            items = []
            for prescription in prescriptions:
                stage = prescription.stage or current.get(prescription.exercise_id)
                resolved = dose_resolve(
                    prescription, stage, sex=client.sex, prefers_kg=client.prefers_kg
                )
                items.append(
                    CalendarItem(
                        exercise=prescription.exercise.name,
                        stage=f"Stage {stage.order}: {stage.name}" if stage else "",
                        dose=dose(resolved),  # type: ignore[arg-type]
                    )
                )
            found.append(CalendarDay(assignment=assignment, day=day, on=on, items=items))
    return sorted(found, key=lambda d: (d.on, d.assignment.starts_on, d.assignment.pk))


def _description(day: CalendarDay, link: str) -> str:
    lines = [day.day.title] if day.day.title else []
    for item in day.items:
        line = f"• {item.exercise}" + (f" ({item.stage})" if item.stage else "")
        lines.append(f"{line}: {item.dose}" if item.dose else line)
    lines += ["", f"Open this day: {link}"]
    return "\n".join(lines)


def calendar_ics(*, client: Client, today_url: str, host: str) -> bytes:
    """The feed: one all-day event per training day. `today_url` is Today's absolute address;
    `host` makes the events' ids unique to this site."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Training: {client.name}")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = timezone.now()
    for day in calendar_days(client=client):
        link = f"{today_url}?date={day.on.isoformat()}"
        event = Event()
        event.add("uid", f"day-{day.assignment.pk}-{day.day.number}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.on)  # a date: VALUE=DATE, an all-day event
        event.add("dtend", day.on + timedelta(days=1))
        event.add("summary", day.title)
        event.add("description", _description(day, link))
        event.add("url", link)
        event.add("transp", "TRANSPARENT")  # a training day does not make the client busy
        calendar.add_component(event)
    return calendar.to_ical()


@require_safe
def calendar_feed(request: HttpRequest, key: str, secret: str) -> HttpResponse:
    """The feed behind a secret address; any other address is a 404, as is an archived
    client's."""
    feed = calendar_feed_for(key=key, secret=secret)
    if feed is None:
        raise Http404
    client = feed.client
    today_url = request.build_absolute_uri(reverse("client-home"))
    host = request.get_host()
    content = cached_for_client(
        client=client,
        name=f"calendar:{today_url}",
        build=lambda: calendar_ics(client=client, today_url=today_url, host=host),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="training.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
