"""The pages that show a client's training: Today, and the coach's dashboard and client page."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coach import selectors as coach_selectors
from coach.errors import DomainError, add_to_form
from coach.models import Client, Coach
from coach.permissions import client_required, coach_required
from exercises import selectors as exercise_selectors
from programs import selectors as program_selectors
from programs.models import Assignment
from training import selectors, services
from training.coach_forms import SessionEntryForm, SessionPickForm
from training.forms import SessionLogForm, SetLogForm, first_error
from training.models import SetLog
from training.selectors import DailyPlan

CLIENTS_PER_PAGE = 25


@coach_required
def dashboard(request: HttpRequest, coach: Coach) -> HttpResponse:
    # A null character cannot be searched for (PostgreSQL refuses it in a query): drop it.
    query = request.GET.get("q", "").replace("\x00", "")
    archived = request.GET.get("archived") == "1"
    clients = coach_selectors.client_list(coach=coach, query=query, archived=archived)
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/dashboard.html",
        {
            "coach": coach,
            "page": page,
            "query": query,
            "archived": archived,
            "has_any_client": query
            or archived
            or page.paginator.count
            or Client.objects.for_coach(coach).exists(),
        },
    )


SESSIONS_PER_PAGE = 10
STAGE_STEPS = {"up": True, "down": False}
CURRENT_STATUSES = (Assignment.Status.ACTIVE, Assignment.Status.PAUSED)


@coach_required
def client_detail(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    client = coach_selectors.client_get_for(coach=coach, pk=pk)
    assignments = list(program_selectors.client_assignments(client=client))
    sessions = Paginator(selectors.client_session_logs(client=client), SESSIONS_PER_PAGE)
    return render(
        request,
        "training/client_detail.html",
        {
            "client": client,
            "invite": coach_selectors.client_latest_invite(client),
            "assignments": assignments,
            "stages": selectors.client_stage_overview(client=client),
            "sessions": sessions.get_page(request.GET.get("page")),
            "pick_form": _pick_form(client, assignments),
        },
    )


def _pick_form(client: Client, assignments: list[Assignment], data: Any = None) -> SessionPickForm:
    current = [a for a in assignments if a.status in CURRENT_STATUSES]
    return SessionPickForm(data, assignments=current, today=client.local_today())


def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


def _client_page(client: Client, anchor: str = "", page: str = "") -> str:
    query = f"?{urlencode({'page': page})}" if page.isdecimal() else ""
    return f"{reverse('client-detail', args=[client.pk])}{query}{anchor}"


@require_POST
@coach_required
def client_stage_step(
    request: HttpRequest, coach: Coach, pk: int, exercise_pk: int, direction: str
) -> HttpResponse:
    """Move the client one rung up or down an exercise's ladder (one click on the client page)."""
    client = coach_selectors.client_get_for(coach=coach, pk=pk)
    exercise = exercise_selectors.exercise_get_for(coach=coach, pk=exercise_pk)
    if direction not in STAGE_STEPS:
        raise Http404
    try:
        row = services.client_stage_step(
            by=request.user,  # type: ignore[arg-type]
            client=client,
            exercise=exercise,
            up=STAGE_STEPS[direction],
            reason=request.POST.get("reason", "").strip(),
        )
    except DomainError as error:
        messages.error(request, f"{exercise.name}: {error.message}")
    else:
        moved = "moved up" if STAGE_STEPS[direction] else "stepped back"
        messages.success(
            request,
            f"{client.name} {moved} to stage {row.stage.order} ({row.stage.name}) "
            f"of {exercise.name}.",
        )
    return redirect(_client_page(client, f"#stage-{exercise.pk}"))


@require_POST
@coach_required
def client_session_comment(
    request: HttpRequest, coach: Coach, pk: int, session_pk: int
) -> HttpResponse:
    """The coach's comment on one of the client's sessions."""
    client = coach_selectors.client_get_for(coach=coach, pk=pk)
    session = selectors.session_log_get_for(user=request.user, pk=session_pk)
    if session.client_id != client.pk:
        raise Http404
    try:
        services.session_log_comment(
            session=session, comment=request.POST.get("comment", "").strip()
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Comment saved on {client.name}'s session of {_day(session.on)}."
        )
    return redirect(_client_page(client, f"#session-{session.pk}", request.POST.get("page", "")))


@coach_required
def client_session_enter(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    """The coach logs a session for the client (who has no login, or reported by message):
    choose the program and date, then fill in each set per side. Marked as entered by the
    coach."""
    client = coach_selectors.client_get_for(coach=coach, pk=pk)
    assignments = list(program_selectors.client_assignments(client=client))
    pick = _pick_form(
        client, assignments, request.POST if request.method == "POST" else request.GET or None
    )
    plan, form = None, None
    if pick.is_valid():
        assignment, on = pick.chosen, pick.cleaned_data["on"]
        plan = next(
            (
                p
                for p in selectors.daily_plans(client=client, on=on, include_inactive=True)
                if p.assignment.pk == assignment.pk
            ),
            None,
        )
        if plan is None or plan.offset is None:
            pick.add_error("on", "This date is not a day of the program.")
            plan = None
    if plan is not None:
        form = SessionEntryForm(request.POST if request.method == "POST" else None, plan=plan)
        if request.method == "POST" and form.is_valid():
            try:
                session = services.session_log_enter(
                    by=request.user,  # type: ignore[arg-type]
                    client=client,
                    assignment=plan.assignment,
                    on=plan.on,
                    data=form.session_data(),
                    sets=form.sets_data(),
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    f"Session of {_day(plan.on)} logged for {client.name} "
                    f"({session.get_status_display().lower()}).",
                )
                return redirect(_client_page(client, f"#session-{session.pk}"))
    return render(
        request,
        "training/client_log.html",
        {"client": client, "pick_form": pick, "plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# A finished program stays on Today this many days after its end (then only if nothing else is).
FINISHED_SHOWN_DAYS = 14


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


def _today_page(
    request: HttpRequest,
    *,
    client: Client,
    on: date,
    status: int = 200,
    retry: dict[str, Any] | None = None,
) -> HttpResponse:
    today = client.local_today()
    plans = _plans_shown(
        selectors.daily_plans_cached(client=client, on=on, include_inactive=True), on=on
    )
    return render(
        request,
        "training/today.html",
        {
            "client": client,
            "coach": client.coach,
            "today": today,
            "on": on,
            "is_today": on == today,
            "can_log": on <= today,
            "previous_day": _day_after(on, -1),
            "next_day": _day_after(on, 1),
            "plans": plans,
            "has_program": bool(plans) or selectors.client_has_current_program(client=client),
            "form_token": uuid4(),
            "retry": retry,
            "logs_url": reverse("api-log-list"),
            "plan_url": reverse("api-client-plan", args=[client.pk]),
        },
        status=status,
    )


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


def _plans_shown(plans: list[DailyPlan], *, on: date) -> list[DailyPlan]:
    """Every current program; a finished one for a fortnight after its end, or the latest one
    when nothing else is left to show."""
    shown, finished = [], []
    for plan in plans:
        ended = plan.assignment.status in (Assignment.Status.COMPLETED, Assignment.Status.CANCELLED)
        if plan.state == "finished":
            finished.append(plan)
            if (on - (plan.assignment.ended_on or plan.assignment.last_day)).days <= (
                FINISHED_SHOWN_DAYS
            ):
                shown.append(plan)
        elif not ended:
            shown.append(plan)
    if not shown and finished:
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
