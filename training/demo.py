"""The demo practice: one coach, three clients part-way through their programs, with their
logs. Loading it twice changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from coach.common import plans_changed
from coach.models import Client, Coach, User
from exercises.models import Exercise
from exercises.services import library_seed
from programs import starters
from programs.models import Assignment, Program
from programs.schedule import day_date
from programs.services import assignment_create_bulk
from programs.starters import starters_seed
from training.models import SessionLog, SetLog, StageChange
from training.selectors import DailyPlan, PlanItem, daily_plans
from training.services import readiness_evaluate, session_log_save, set_log_create
from training.summaries import summaries_refresh

DEMO_PASSWORD = "train-demo-2026"  # noqa: S105 - printed for the demo, documented in the README
DEMO_COACH_EMAIL = "coach@example.com"
DEMO_CLIENTS = [
    {
        "name": "Ana Ruiz",
        "email": "ana@example.com",
        "time_zone": "Europe/Madrid",
        "reminder_time": time(7, 30),
        "sex": Client.Sex.FEMALE,
        "notes": "Returning runner; left side lags on single-leg work.",
    },
    {
        "name": "Ben Okafor",
        "email": "ben@example.com",
        "time_zone": "America/New_York",
        "reminder_time": time(6, 45),
        "sex": Client.Sex.MALE,
        "notes": "Strength background, new to balance work.",
    },
    {
        "name": "Chloe Martin",
        "email": "chloe@example.com",
        "time_zone": "Australia/Sydney",
        "reminder_time": time(18, 0),
        "sex": "",
        "notes": "Daily 30-day wall hold routine.",
    },
]


def _user(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_data_load() -> Coach:
    """Create (or find) the demo coach and clients, each client with a login."""
    library_seed()
    starters_seed()
    coach_user = _user(DEMO_COACH_EMAIL, "Dana Coach")
    coach, _ = Coach.objects.get_or_create(
        user=coach_user, defaults={"practice_name": "Single-Leg Strength Studio"}
    )
    for data in DEMO_CLIENTS:
        client, _ = Client.objects.get_or_create(
            coach=coach,
            email=data["email"],
            defaults={k: v for k, v in data.items() if k != "email"},
        )
        if client.user_id is None:
            client.user = _user(str(data["email"]), str(data["name"]))
            client.save(update_fields=["user"])
    _demo_assignments(coach)
    _demo_logs(coach)
    summaries_refresh(client_ids=list(coach.clients.values_list("pk", flat=True)))
    return coach


# Each demo client follows a starter, started some days ago so that "today" is mid-program.
DEMO_ASSIGNMENTS = [
    ("chloe@example.com", starters.WALL_HOLD, 9),
    ("ana@example.com", starters.SLDL, 17),
    ("ben@example.com", starters.RUNNER, 24),
]


def _demo_assignments(coach: Coach) -> None:
    today = timezone.localdate()
    for email, program_name, days_ago in DEMO_ASSIGNMENTS:
        client = Client.objects.get(coach=coach, email=email)
        template = Program.objects.starters().get(name=program_name)
        if Assignment.objects.filter(client=client, template=template).exists():
            continue
        assignment_create_bulk(
            coach=coach,
            template=template,
            clients=[client],
            starts_on=today - timedelta(days=days_ago),
        )


# --- logs ------------------------------------------------------------------------------------
#
# Each client logged the days of their program that have passed, in their own time zone: Ana
# part-way through the single-leg deadlift plan, her left side clearly behind her right; Ben a
# few balance sessions, the first of them told to the coach by message, and none for his last
# two training days; Chloe every day of her wall hold, steady enough on both legs to be ready
# for the next stage.

# What a client did on one exercise of one session: (set number, side, values) per set.
Sets = list[tuple[int, str, dict[str, Any]]]


def _per_side(sets: int, left: dict[str, Any], right: dict[str, Any]) -> Sets:
    return [(n, side, values) for n in range(1, sets + 1) for side, values in
            (("left", left), ("right", right))]  # fmt: skip


def _both(sets: int, values: dict[str, Any]) -> Sets:
    return [(n, "both", values) for n in range(1, sets + 1)]


def _ana(index: int, item: PlanItem) -> Sets:
    """Hinge warm-up, deadlifts getting heavier, and single-leg deadlifts with a left side that
    lags: fewer reps and shakier form than the right."""
    slug = item.exercise.slug
    if slug == "hip-hinge":
        return _both(2, {"reps": 8, "form": 4, "rpe": 4})
    if slug == "deadlift":
        load = 30 + 5 * min(index, 3)
        return _both(3, {"reps": 8, "load": load, "form": 4, "rpe": 6 + index % 2})
    if slug == "single-leg-deadlift":
        left = {"reps": 6, "form": 3, "rpe": 7, "support": "handrail"}
        right = {"reps": 8, "form": 4, "rpe": 6, "support": "handrail"}
        return _per_side(3, left, right)
    return []


def _ben(index: int, item: PlanItem) -> Sets:
    """The single-leg balance hold, longer as he settles; the rest of the day he leaves out."""
    if item.exercise.slug != "single-leg-balance-hold":
        return []
    hold = min(30, 22 + 4 * index)
    return _per_side(3, {"hold_seconds": hold, "form": 3 + index % 2},
                     {"hold_seconds": hold + 2, "form": 4})  # fmt: skip


def _chloe(index: int, item: PlanItem) -> Sets:
    """The two-foot set-up, shaky the first two days, then the full minute steady; on a rung
    held one leg at a time, the left side shaky at first."""
    target = item.dose.hold_seconds or 60
    if not item.dose.is_per_side:
        return _both(1, {"hold_seconds": target, "form": 3 if index < 2 else 4 + index % 2})
    if index < 2:
        return _per_side(1, {"hold_seconds": target - 15, "form": 3},
                         {"hold_seconds": target, "form": 4})  # fmt: skip
    return _per_side(1, {"hold_seconds": target, "form": 4 + index % 2},
                     {"hold_seconds": target, "form": 5})  # fmt: skip


@dataclass(frozen=True)
class DemoLogs:
    email: str
    sets: Callable[[int, PlanItem], Sets]  # by session number (from 0) and item of the day
    notes: tuple[str, ...] = ()  # the client's note on their first sessions, in turn
    # Sessions (by number) that went otherwise: "skip" skipped, "late" logged the next
    # morning, "coach" told to the coach by message, who entered it.
    otherwise: tuple[tuple[int, str], ...] = ()
    # The last training days that passed with nothing logged.
    missed_last: int = 0


DEMO_LOGS = [
    DemoLogs(
        "ana@example.com",
        _ana,
        notes=(
            "Left foot kept rolling out on the single-leg deadlifts.",
            "Better balance today; the handrail helped.",
            "",
            "Left hamstring tight, right side smooth.",
            "Heavier deadlifts felt good.",
        ),
        otherwise=((2, "skip"), (3, "late")),
    ),
    DemoLogs("ben@example.com", _ben, otherwise=((0, "coach"),), missed_last=2, notes=(
        "Sent by message: the left ankle wobbles, no time for the rest.",
        "Steadier on the left; strength work left for the weekend.",
        "",
    )),
    DemoLogs("chloe@example.com", _chloe, otherwise=((5, "late"),), notes=(
        "The left hip kept dropping.",
        "Still hard to stay square on the left.",
        "",
        "Both legs steady today.",
    )),
]  # fmt: skip


def _demo_logs(coach: Coach) -> None:
    """The logs of each demo client who has none yet: loading again changes nothing."""
    for demo in DEMO_LOGS:
        client = Client.objects.select_related("user").get(coach=coach, email=demo.email)
        if not SessionLog.objects.filter(client=client).exists():
            _client_logs(coach, client, demo)


def _days_passed(client: Client) -> list[DailyPlan]:
    """The training days of the client's current program before their today."""
    assignment = (
        Assignment.objects.filter(client=client)
        .current()
        .select_related("program")
        .order_by("-starts_on")
        .first()
    )
    if assignment is None:
        return []
    today = client.local_today()
    dates = sorted(
        on
        for on in (
            day_date(assignment=assignment, day=day)
            for day in assignment.program.days.filter(is_rest=False)
        )
        if on < today
    )
    return [
        plan
        for on in dates
        for plan in daily_plans(client=client, on=on)
        if plan.assignment.pk == assignment.pk and plan.state == "training"
    ]


def _client_logs(coach: Coach, client: Client, demo: DemoLogs) -> None:
    otherwise = dict(demo.otherwise)
    logged: dict[int, Exercise] = {}
    late = []
    passed = _days_passed(client)
    for index, plan in enumerate(passed[: len(passed) - demo.missed_last]):
        how = otherwise.get(index, "")
        by = coach.user if how == "coach" or client.user is None else client.user
        where: dict[str, Any] = {
            "by": by,
            "client": client,
            "assignment": plan.assignment,
            "on": plan.on,
        }
        data: dict[str, Any]
        if how == "skip":
            data = {"status": SessionLog.Status.SKIPPED, "skip_reason": "Away for work."}
            session_log_save(**where, data=data)
            continue
        done = [(item, demo.sets(index, item)) for item in plan.items]
        for item, sets in done:
            for set_number, side, values in sets:
                key = f"demo:{client.email}:{plan.on}:{item.prescription.pk}:{set_number}:{side}"
                set_log_create(
                    **where,
                    prescription_id=item.prescription.pk,
                    data={"set_number": set_number, "side": side, **values},
                    client_uuid=uuid5(NAMESPACE_URL, key),
                )
                logged[item.exercise.pk] = item.exercise
        all_done = all(sets for _, sets in done)
        data = {
            "status": SessionLog.Status.DONE if all_done else SessionLog.Status.PARTIAL,
            "effort": 5 + index % 3,
            "note": demo.notes[index] if index < len(demo.notes) else "",
        }
        session = session_log_save(**where, data=data)
        if how == "late":
            late.append(session.pk)
    _as_logged_at_the_time(client, late=late)
    for exercise in logged.values():
        readiness_evaluate(client=client, exercise=exercise)


def _as_logged_at_the_time(client: Client, *, late: list[int]) -> None:
    """The services stamp logs with the moment they run, which makes every past day late: put
    each session in the evening of its day (the next morning for those logged late)."""
    zone = ZoneInfo(client.time_zone)
    sessions = list(SessionLog.objects.filter(client=client).prefetch_related("sets"))
    sets = []
    for session in sessions:
        is_late = session.pk in late
        day = session.on + timedelta(days=1) if is_late else session.on
        at = datetime.combine(day, time(8, 0) if is_late else time(19, 0), tzinfo=zone)
        session.is_late = is_late
        session.completed_at = at + timedelta(minutes=40)
        for minute, set_log in enumerate(session.sets.all()):
            set_log.is_late = is_late
            set_log.logged_at = at + timedelta(minutes=2 * minute)
            sets.append(set_log)
    SessionLog.objects.bulk_update(sessions, ["is_late", "completed_at"])
    SetLog.objects.bulk_update(sets, ["is_late", "logged_at"])
    plans_changed(client_id=client.pk)
    if sets:  # the system set the first rungs with the first sets logged
        first = min(set_log.logged_at for set_log in sets)
        StageChange.objects.filter(client=client, changed_by=None).update(changed_at=first)
