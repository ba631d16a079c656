"""The pages that show a client's training: Today, and the coach's dashboard and client page."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from coach import selectors as coach_selectors
from coach.common import (
    CSRF_MARK,
    client_versions,
    day_versions,
    keep_all_at,
    keep_at,
    kept_at,
    key_digest,
    quarter_hour,
    with_csrf_token,
)
from coach.errors import DomainError, add_to_form
from coach.models import Client, Coach
from coach.permissions import client_required, coach_required
from exercises import selectors as exercise_selectors
from programs import selectors as program_selectors
from programs.models import Assignment
from training import selectors, services
from training.coach_forms import SessionEntryForm, SessionPickForm
from training.dashboard_forms import ThresholdForm
from training.dashboard_rows import DashboardPage, page_by_name
from training.models import SessionLog
from training.progress import DayStatus
from training.progress_charts import progress_page
from training.running import runs_for
from training.summaries import dashboard_version

CLIENTS_PER_PAGE = 25


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str  # the `sort` value its link asks for
    aria_sort: str  # ascending, descending or none


# The dashboard's columns: key (see selectors.DASHBOARD_SORTS), label, and the direction of
# the first click on it ("-": descending), which puts who needs attention first.
DASHBOARD_COLUMNS = [
    ("name", "Client", ""),
    ("today", "Today", ""),
    ("adherence_7", "7 days", ""),
    ("adherence_30", "30 days", ""),
    ("missed", "Missed in a row", "-"),
    ("asymmetry", "Largest asymmetry", "-"),
    ("ready", "Ready to advance", "-"),
    ("last_logged", "Last logged", "-"),
]


def _columns(sort: str) -> list[Column]:
    columns = []
    for key, label, first in DASHBOARD_COLUMNS:
        current = sort.removeprefix("-") == key
        descending = sort.startswith("-")
        columns.append(
            Column(
                key=key,
                label=label,
                sort=("" if descending else "-") + key if current else first + key,
                aria_sort=("descending" if descending else "ascending") if current else "none",
            )
        )
    return columns


# A page of the dashboard is drawn once and kept in the shared cache under the coach's
# dashboard version (see training.summaries.dashboard_version), the threshold, the query and
# the quarter of an hour (coach.common.quarter_hour), so that a page is redrawn from fresh
# summaries once some client's day may have turned. A page sorted by name (the first one a
# coach sees) is kept with each of its rows apart, each under its client's figures and day
# (training.dashboard_rows.page_by_name): a log draws only its client's row again.
DASHBOARD_CACHE_SECONDS = 6 * 60 * 60  # an entry is never stale; this bounds an unread one


@coach_required
def dashboard(request: HttpRequest, coach: Coach) -> HttpResponse:
    """The coach's clients, each with today's status, adherence, missed sessions, their largest
    left/right asymmetry, readiness to move up and their last log; sortable by any column and
    filtered to those who need attention."""
    # A null character cannot be searched for (PostgreSQL refuses it in a query): drop it.
    query = request.GET.get("q", "").replace("\x00", "")
    archived = request.GET.get("archived") == "1"
    attention = request.GET.get("attention") == "1" and not archived
    sort = request.GET.get("sort", "")
    if sort.removeprefix("-") not in selectors.DASHBOARD_SORTS:
        sort = selectors.DEFAULT_DASHBOARD_SORT
    shown = DashboardPage(
        coach=coach,
        query=query,
        archived=archived,
        attention=attention,
        sort=sort,
        page=request.GET.get("page"),
        per_page=CLIENTS_PER_PAGE,
    )
    context: dict[str, Any] = {
        "coach": coach,
        "query": query,
        "archived": archived,
        "attention": attention,
        "sort": sort,
        "columns": _columns(sort),
        # Read only when the cache does not hold the drawn page.
        "page": SimpleLazyObject(lambda: shown.clients),
        "rows": SimpleLazyObject(lambda: shown.rows),
        "has_any_client": SimpleLazyObject(lambda: shown.has_any_client),
        "threshold_form": ThresholdForm(instance=coach),
        "csrf_token": CSRF_MARK,
    }
    if shown.by_name:
        context["body"] = page_by_name(request, coach=coach, context=context)
    else:
        context["drawn_key"] = ":".join(
            [
                str(coach.pk),
                dashboard_version(coach.pk),
                str(coach.asymmetry_threshold_pct),
                quarter_hour(),
                key_digest(request.get_full_path()),
            ]
        )
        context["drawn_seconds"] = DASHBOARD_CACHE_SECONDS
    response = render(request, "training/dashboard.html", context)
    response.content = with_csrf_token(response.content.decode(), request).encode()
    return response


@require_POST
@coach_required
def dashboard_threshold(request: HttpRequest, coach: Coach) -> HttpResponse:
    """Change the practice's asymmetry threshold, then show the dashboard again."""
    form = ThresholdForm(request.POST, instance=Coach.objects.get(pk=coach.pk))
    if form.is_valid():
        try:
            services.coach_threshold_set(
                coach=coach, percent=form.cleaned_data["asymmetry_threshold_pct"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Left/right gaps above {coach.asymmetry_threshold_pct}% now need attention.",
            )
    else:
        messages.error(request, "Give the threshold as a whole number from 1 to 100.")
    back = request.POST.get("next", "")
    if not (
        back.startswith(reverse("dashboard"))
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = reverse("dashboard")
    return redirect(back)


STAGE_STEPS = {"up": True, "down": False}


# The client page's programs, stages, logging form and sessions are drawn once and kept in the
# shared cache, in two parts: the programs, the stages and the logging form, drawn again when
# the programs, the library or the client's stages or details change (see
# coach.common.client_versions), with marks where the second part goes; and what a log changes
# (the sessions, readiness to move up, the last stage changes), drawn again after each log, a
# few cheap queries. The details, the invite and the reminders (whose rows tasks write without
# changing a version) are read on every request.
CLIENT_PAGE_CACHE_SECONDS = 6 * 60 * 60
CLIENT_PAGE_MARK = re.compile(r"<!--(?:sessions|(?:ready|evidence|history):\d+)-->")


@coach_required
def client_detail(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    """One client as their coach sees them: details, login, programs, stages, a form to log a
    session for them, their sessions page by page, and their reminders."""
    # (with the reminder settings the page shows, in the same query)
    client = coach_selectors.client_get_for(coach=coach, pk=pk)
    response = render(
        request,
        "training/client_detail.html",
        {
            "client": client,
            # Shown only to a client without a login.
            "invite": SimpleLazyObject(lambda: coach_selectors.client_latest_invite(client)),
            "parts_html": _client_page_parts(request, coach=coach, client=client),
            "csrf_token": CSRF_MARK,
        },
    )
    response.content = with_csrf_token(response.content.decode(), request).encode()
    return response


def _client_page_parts(request: HttpRequest, *, coach: Coach, client: Client) -> SafeString:
    """The kept parts of the client page, each drawn again only when what it shows changed."""
    shown = selectors.ClientPageParts(client=client, page=request.GET.get("page"))
    # Beyond their rows' versions, both are drawn from the client's local date (which days
    # lie ahead), the names shown of who entered a session or moved a stage, the client's
    # login and archiving; the sessions from the query too (the page and its links).
    query = sorted((key, value) for key in request.GET for value in request.GET.getlist(key))
    names = [(user.name, user.email) for user in (coach.user, client.user) if user is not None]
    drawn = [client.local_today().isoformat(), client.user_id, client.archived_at, names]
    name = f"client-page:{coach.pk}.{client.pk}:{key_digest(drawn)}"
    programs_key, logs_key = f"{name}:programs", f"{name}:{key_digest(query)}:logs"
    program_version, logs_version, kept = client_versions(client.pk, kept=[programs_key, logs_key])
    context = {"client": client, "csrf_token": CSRF_MARK}
    programs = kept_at(kept.get(programs_key), program_version)
    if programs is None:
        html = render_to_string(
            "training/_client_page_programs.html",
            {
                **context,
                "assignments": shown.assignments,
                "stages": shown.stages,
                "pick_form": _pick_form(client, shown.assignments),
            },
            request=request,
        )
        programs = (html, tuple(standing.exercise.pk for standing in shown.stages))
        keep_at(programs_key, program_version, programs, CLIENT_PAGE_CACHE_SECONDS)
    html, exercise_ids = programs
    logs_at = f"{program_version}.{logs_version}"
    logs = kept_at(kept.get(logs_key), logs_at)
    if logs is None:
        logs = _client_page_logs(
            request,
            shown=shown,
            exercise_ids=exercise_ids,
            name=name,
            version=program_version,
            context=context,
        )
        keep_at(logs_key, logs_at, logs, CLIENT_PAGE_CACHE_SECONDS)
    return mark_safe(CLIENT_PAGE_MARK.sub(lambda mark: logs.get(mark.group(0), ""), html))  # noqa: S308


def _client_page_logs(
    request: HttpRequest,
    *,
    shown: selectors.ClientPageParts,
    exercise_ids: tuple[int, ...],
    name: str,
    version: str,
    context: dict[str, Any],
) -> dict[str, str]:
    """What a log changes of the client page, by the mark each part replaces."""
    rows, history = selectors.stage_rows_and_history(client=shown.client, exercise_ids=exercise_ids)
    stage = get_template("training/_client_page_stage.html")
    page = shown.sessions
    parts: dict[str, str] = {
        "<!--sessions-->": render_to_string(
            "training/_client_page_sessions.html",
            {
                **context,
                "sessions": page,
                "articles": _session_articles(
                    list(page), page=page.number, name=name, version=version, context=context
                ),
            },
            request=request,
        )
    }
    for exercise in exercise_ids:
        row = rows.get(exercise)
        ready = {"ready": row is not None and row.ready_since is not None}
        parts[f"<!--ready:{exercise}-->"] = stage.render({"part": "ready", **ready})
        parts[f"<!--evidence:{exercise}-->"] = stage.render(
            {"part": "evidence", "evidence": selectors.readiness_evidence(row), **ready}
        )
        parts[f"<!--history:{exercise}-->"] = stage.render(
            {"part": "history", "history": history.get(exercise, [])}
        )
    return parts


def _session_articles(
    sessions: list[SessionLog], *, page: int, name: str, version: str, context: dict[str, Any]
) -> list[SafeString]:
    """Each session of a page as drawn, kept apart under the version of its day (which each
    write to a session of that day or to its sets changes: coach.common.day_versions): after a
    log only that day's session is drawn again, and only its sets are read."""
    client = context["client"]
    keys = {session.pk: f"{name}:session:{session.pk}" for session in sessions}
    days, kept = day_versions(
        client.pk, (session.on for session in sessions), kept=list(keys.values())
    )
    # Beyond the session and its sets: the programs' and the exercises' names, the client's
    # (the parts' version), and the page (its comment forms come back to it).
    at = {s.pk: f"{version}.{page}.{days[s.on]}" for s in sessions}
    drawn = {pk: kept_at(kept.get(key), at[pk]) for pk, key in keys.items()}
    stale = [session for session in sessions if drawn[session.pk] is None]
    if stale:
        # Read again after their days' versions: a write committed since the page's rows were
        # read would otherwise be drawn as before under its new version.
        again = selectors.client_sessions_again(client=client, pks=[s.pk for s in stale])
        stale = [again.get(session.pk, session) for session in stale]
        selectors.session_sets_read(stale)
        article = get_template("training/_client_page_session.html")
        for session in stale:
            drawn[session.pk] = article.render({**context, "session": session, "page_number": page})
        keep_all_at({keys[s.pk]: (at[s.pk], drawn[s.pk]) for s in stale}, CLIENT_PAGE_CACHE_SECONDS)
    return [mark_safe(drawn[session.pk]) for session in sessions]  # noqa: S308 - our own drawing


def _pick_form(client: Client, assignments: list[Assignment], data: Any = None) -> SessionPickForm:
    current = [a for a in assignments if a.status in selectors.CURRENT_STATUSES]
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


# --- progress ----------------------------------------------------------------------------------


def _progress_page(request: HttpRequest, client: Client, *, for_coach: bool) -> HttpResponse:
    program = request.GET.get("program", "")
    shown = progress_page(
        client=client,
        range_key=request.GET.get("range", selectors.DEFAULT_PROGRESS_RANGE),
        assignment_id=int(program) if program.isdecimal() and len(program) < 19 else None,
    )
    return render(
        request,
        "training/progress.html",
        {
            "client": client,
            "progress": shown.progress,
            "exercises": shown.exercises,
            "calendar_table": shown.calendar_table,
            "runs": runs_for(client=client, since=shown.progress.since),
            "ranges": selectors.PROGRESS_RANGE_LABELS,
            "for_coach": for_coach,
            "statuses": list(DayStatus),
        },
    )


@require_GET
@coach_required
def client_progress(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    """A client's progress as their coach sees it."""
    return _progress_page(
        request, coach_selectors.client_get_for(coach=coach, pk=pk), for_coach=True
    )


@require_GET
@client_required
def my_progress(request: HttpRequest, client: Client) -> HttpResponse:
    """The client's own progress."""
    return _progress_page(request, client, for_coach=False)
