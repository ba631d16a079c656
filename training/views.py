"""The pages that show a client's training: Today, and the coach's dashboard and client page."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coach import selectors as coach_selectors
from coach.errors import DomainError, add_to_form
from coach.models import Client, Coach
from coach.permissions import coach_required
from exercises import selectors as exercise_selectors
from programs import selectors as program_selectors
from programs.models import Assignment
from training import selectors, services
from training.coach_forms import SessionEntryForm, SessionPickForm

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
