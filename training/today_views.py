"""Today: the client's day, and its plain (no JavaScript) forms for logging."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import urlencode as urlencode_filter
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coach.common import CSRF_MARK, keep_at, kept_at, today_versions, with_csrf_token
from coach.errors import DomainError
from coach.models import Client
from coach.permissions import client_required
from coach.selectors import coach_of
from programs import selectors as program_selectors
from programs.models import Assignment
from training import selectors, services
from training.forms import SessionLogForm, SetLogForm, first_error
from training.models import SetLog
from training.selectors import DailyPlan

# A finished program stays on Today this many days after its end (then only if nothing else is).
FINISHED_SHOWN_DAYS = 14
# The states of a program the client follows on the day shown.
CURRENT_STATES = ("training", "rest", "paused")


@client_required
def today(request: HttpRequest, client: Client) -> HttpResponse:
    """The client's day: today, or the day `?date=YYYY-MM-DD` names (a future day is shown
    read-only; a past day can be logged, and is marked late)."""
    on = client.local_today()
    raw = request.GET.get("date", "")
    if raw:
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, "That is not a date; here is today.")
    return _today_page(request, client=client, on=on)


@require_POST
@client_required
def today_set_log(request: HttpRequest, client: Client) -> HttpResponse:
    """Log one set from Today's plain form, then show the day again."""
    form = SetLogForm(request.POST)
    retry = {"prescription": request.POST.get("prescription", ""), "values": request.POST}
    if not form.is_valid():
        return _today_refused(request, client, form, first_error(form), retry=retry)
    data = form.cleaned_data
    assignment = _own_assignment(client, data["assignment"])
    if assignment is None:
        return _today_refused(request, client, form, "Choose one of your programs.", retry=retry)
    try:
        set_log = services.set_log_create(
            by=request.user,  # type: ignore[arg-type]
            client=client,
            assignment=assignment,
            on=data["on"],
            prescription_id=data["prescription"],
            data={
                **form.set_data(),
                "set_number": _next_set_number(
                    assignment=assignment,
                    on=data["on"],
                    prescription_id=data["prescription"],
                    side=data["side"],
                ),
            },
            client_uuid=form.client_uuid(),
        )
    except DomainError as error:
        return _today_refused(request, client, form, error.message, retry=retry)
    side = "" if set_log.side == SetLog.Side.BOTH else f", {set_log.get_side_display().lower()}"
    late = " It is marked late." if set_log.is_late else ""
    messages.success(
        request, f"{set_log.exercise.name}: set {set_log.set_number}{side} logged.{late}"
    )
    return redirect(f"{_today_url(data['on'], client)}#item-{assignment.pk}-{data['prescription']}")


@require_POST
@client_required
def today_session_log(request: HttpRequest, client: Client) -> HttpResponse:
    """Finish or skip a day from Today's plain form."""
    form = SessionLogForm(request.POST)
    if not form.is_valid():
        return _today_refused(request, client, form, first_error(form))
    data = form.cleaned_data
    assignment = _own_assignment(client, data["assignment"])
    if assignment is None:
        return _today_refused(request, client, form, "Choose one of your programs.")
    try:
        session = services.session_log_save(
            by=request.user,  # type: ignore[arg-type]
            client=client,
            assignment=assignment,
            on=data["on"],
            data=form.session_data(),
        )
    except DomainError as error:
        return _today_refused(request, client, form, error.message)
    if session.status == session.Status.SKIPPED:
        messages.success(request, "Session skipped. Your coach sees why.")
    else:
        messages.success(request, f"Session finished: {session.get_status_display().lower()}.")
    return redirect(f"{_today_url(data['on'], client)}#plan-{assignment.pk}")


@require_GET
@never_cache
def today_login_check(request: HttpRequest) -> JsonResponse:
    """Who is logged in. Today sends the sets kept on a device only from the login of the
    person who logged them (a phone may be shared, a login may have expired)."""
    if not request.user.is_authenticated:
        return JsonResponse({"user": None}, status=403)
    return JsonResponse({"user": request.user.pk})


# Today's page is kept in two parts, each drawn once and kept in the shared cache: the plans
# without the day's own logs (drawn again when a program, the library, the client's stages or
# details, or their history before the day change), and the day's logged sets and sessions
# (drawn again, cheaply, after each log). The plans carry a mark where each part goes. What
# differs per request (the CSRF token and the token that makes a resent plain form store once)
# is drawn as marks too and put in afterwards.
FORM_TOKEN_MARK = "form-token-of-this-request"  # noqa: S105 - a placeholder
# The page around the plans is kept as well, with marks where the plans and the address of
# this request (for the login form to come back to) go.
PLANS_MARK = "<!--plans-of-the-day-->"
FULL_PATH_MARK = "full-path-of-this-request"
LOGGED_MARK = re.compile(r"<!--(?:logged|session):\d+(?::\d+)?-->")


@dataclass(frozen=True)
class TodayPlans:
    """The plans of a day as drawn, with what the logs' part needs to fill their marks."""

    html: str
    plans: tuple[tuple[int, str], ...]  # (assignment, state) of each plan shown
    items: tuple[tuple[int, int, int], ...]  # (assignment, prescription, exercise) of each item
    # Whether an active program has a day on the date (else no session is shown, as in
    # selectors.daily_plans).
    has_day: bool = False
    # The coach as the client sees them named, for the logs' part (drawn again after each log).
    coach: str = ""


def _today_page(
    request: HttpRequest,
    *,
    client: Client,
    on: date,
    status: int = 200,
    retry: dict[str, Any] | None = None,
) -> HttpResponse:
    today = client.local_today()
    context = {
        "client": client,
        "today": today,
        "on": on,
        "is_today": on == today,
        "can_log": on <= today,
    }
    # The kept parts are drawn with marks where this request's tokens go.
    drawn = {
        **context,
        # Read only when a part is drawn.
        "coach": SimpleLazyObject(lambda: coach_of(client)),
        "csrf_token": CSRF_MARK,
        "form_token": FORM_TOKEN_MARK,
    }
    name = f"today:{client.pk}:{on.isoformat()}:{today.isoformat()}"
    plans_key, logs_key, page_key = f"{name}:plans", f"{name}:logs", f"{name}:page"
    # The versions and the kept parts in one round trip; a part counts only when it was drawn
    # at the versions read with it.
    plans_version, logs_version, kept = today_versions(
        client.pk, on=on, today=today, kept=[plans_key, logs_key, page_key]
    )
    logs_at = f"{plans_version}.{logs_version}"
    # A form shown again with what the client typed is drawn for this request alone.
    plans = None if retry else kept_at(kept.get(plans_key), plans_version)
    if plans is None:
        plans = _today_plans(client=client, on=on, context={**drawn, "retry": retry})
        if not retry:
            keep_at(plans_key, plans_version, plans, selectors.PLAN_CACHE_SECONDS)
    logs = kept_at(kept.get(logs_key), logs_at)
    if logs is None:
        logs = _today_logs(client=client, on=on, plans=plans, context=drawn)
        keep_at(logs_key, logs_at, logs, selectors.PLAN_CACHE_SECONDS)
    # The page around the plans is kept too, except when it shows messages (each is shown
    # once) or a refusal.
    alone = retry is not None or status != 200 or bool(messages.get_messages(request))
    page = None if alone else kept_at(kept.get(page_key), plans_version)
    if page is None:
        page = render_to_string(
            "training/today.html",
            {
                **drawn,
                "previous_day": _day_after(on, -1),
                "next_day": _day_after(on, 1),
                "plans_html": mark_safe(PLANS_MARK),  # noqa: S308 - our own mark
                "login_next": FULL_PATH_MARK,
                "logs_url": reverse("api-log-list"),
                "plan_url": reverse("api-client-plan", args=[client.pk]),
            },
            request=request,
        )
        if not alone:
            keep_at(page_key, plans_version, page, selectors.PLAN_CACHE_SECONDS)
    html = LOGGED_MARK.sub(lambda mark: logs.get(mark.group(0), ""), plans.html)
    html = page.replace(PLANS_MARK, html, 1).replace(FORM_TOKEN_MARK, str(uuid4()))
    html = with_csrf_token(html, request)
    # The address asked for goes in last: it could hold one of the marks above.
    html = html.replace(FULL_PATH_MARK, escape(urlencode_filter(request.get_full_path())))
    return HttpResponse(html, status=status)


def _today_plans(*, client: Client, on: date, context: dict[str, Any]) -> TodayPlans:
    every = selectors.daily_plans(client=client, on=on, include_inactive=True)
    upcoming = selectors.upcoming_program(plans=every)
    plans = _plans_shown(every, on=on, upcoming=upcoming is not None)
    html = render_to_string(
        "training/_today_plans.html",
        {
            **context,
            "plans": plans,
            "upcoming": upcoming,
            # Today's plan comes first; the next program is then only named.
            "has_current": any(plan.state in CURRENT_STATES for plan in plans),
            "has_program": bool(plans) or selectors.client_has_current_program(client=client),
        },
    )
    return TodayPlans(
        html=html,
        plans=tuple((plan.assignment.pk, plan.state) for plan in plans),
        items=tuple(
            (plan.assignment.pk, item.prescription.pk, item.prescription.exercise_id)
            for plan in plans
            if plan.state == "training"  # the only state whose items are shown
            for item in plan.items
        ),
        has_day=any(plan.offset is not None for plan in every),
        coach=str(context["coach"]),
    )


def _today_logs(
    *, client: Client, on: date, plans: TodayPlans, context: dict[str, Any]
) -> dict[str, str]:
    """The day's logged sets of each item and the session block of each plan, by the mark
    each replaces. Two queries."""
    sessions = (
        selectors.sessions_on(client=client, on=on, assignment_ids=[pk for pk, _ in plans.plans])
        if plans.has_day
        else {}
    )
    logged = get_template("training/_today_logged.html")
    session_block = get_template("training/_today_session.html")
    parts = {}
    for assignment, prescription, exercise in plans.items:
        session = sessions.get(assignment)
        sets = selectors.logged_for(session, prescription_id=prescription, exercise_id=exercise)
        parts[f"<!--logged:{assignment}:{prescription}-->"] = logged.render({"sets": sets})
    for assignment, state in plans.plans:
        parts[f"<!--session:{assignment}-->"] = session_block.render(
            {
                **context,
                "coach": plans.coach,
                "a": {"pk": assignment},
                "state": state,
                "session": sessions.get(assignment),
            }
        )
    return parts


def _today_refused(
    request: HttpRequest,
    client: Client,
    form: SetLogForm | SessionLogForm,
    message: str,
    *,
    retry: dict[str, Any] | None = None,
) -> HttpResponse:
    """Show the day again with what went wrong; nothing was stored."""
    messages.error(request, message)
    on = form.cleaned_data.get("on") if hasattr(form, "cleaned_data") else None
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if retry is not None and not str(retry.get("prescription", "")).isdecimal():
        retry = None
    if retry is not None:
        retry = {**retry, "prescription": int(retry["prescription"])}
    return _today_page(
        request, client=client, on=on or client.local_today(), status=400, retry=retry
    )


def _own_assignment(client: Client, pk: int) -> Assignment | None:
    return program_selectors.client_assignments(client=client).filter(pk=pk).first()


def _next_set_number(*, assignment: Assignment, on: date, prescription_id: int, side: str) -> int:
    """The set a plain form's tap logs: one past the sets already logged on that side."""
    logged = SetLog.objects.alive().filter(
        session__assignment=assignment,
        session__on=on,
        session__deleted_at__isnull=True,
        prescription_id=prescription_id,
        side=side,
    )
    return logged.count() + 1


def _plans_shown(plans: list[DailyPlan], *, on: date, upcoming: bool = False) -> list[DailyPlan]:
    """Every current program; a finished one for a fortnight after its end, or the latest one
    when nothing else is left to show (not even a program to come). Programs that have not
    started are left to the preview of the next one (selectors.upcoming_program)."""
    shown, finished = [], []
    for plan in plans:
        ended = plan.assignment.status in (Assignment.Status.COMPLETED, Assignment.Status.CANCELLED)
        if plan.state == "before_start":
            continue
        if plan.state == "finished":
            finished.append(plan)
            if (on - (plan.assignment.ended_on or plan.assignment.last_day)).days <= (
                FINISHED_SHOWN_DAYS
            ):
                shown.append(plan)
        elif not ended:
            shown.append(plan)
    if not shown and finished and not upcoming:
        shown.append(max(finished, key=lambda p: p.assignment.ended_on or p.assignment.last_day))
    return shown


def _day_after(on: date, days: int) -> date | None:
    try:
        return on + timedelta(days=days)
    except OverflowError:
        return None


def _today_url(on: date, client: Client) -> str:
    url = reverse("client-home")
    return url if on == client.local_today() else f"{url}?{urlencode({'date': on.isoformat()})}"
