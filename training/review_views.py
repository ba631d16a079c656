"""The coach's review of one session (with a comment the client sees), and logs as CSV."""

from typing import cast

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from coach import selectors as coach_selectors
from coach.errors import DomainError
from coach.models import Client, Coach
from coach.permissions import client_required, coach_required
from training import exports, review, selectors, services
from training.models import SessionLog

COMMENT_LENGTH = 2000


@coach_required
def session_review(request: HttpRequest, coach: Coach, pk: int, session_pk: int) -> HttpResponse:
    """One session of the client: prescribed beside done, set by set and side; the coach's
    comment (POST) is saved and the page shown again."""
    client = coach_selectors.client_get_for(coach=coach, pk=pk)
    session = selectors.session_log_get_for(user=request.user, pk=session_pk)
    if session.client_id != client.pk:
        raise Http404
    session.client = client
    comment_error = ""
    if request.method == "POST":
        comment = request.POST.get("comment", "").strip()
        if len(comment) > COMMENT_LENGTH:
            comment_error = f"Keep the comment under {COMMENT_LENGTH} characters."
        else:
            try:
                services.session_log_comment(session=session, comment=comment)
            except DomainError as error:
                comment_error = error.message
            else:
                messages.success(
                    request,
                    "Comment saved." if comment else "Comment removed.",
                )
                url = reverse("client-session-review", args=[client.pk, session.pk])
                return redirect(f"{url}#comment")
    earlier, later = review.neighbours(session=session)
    return render(
        request,
        "training/review.html",
        {
            "client": client,
            "session": session,
            "exercises": review.session_review(session=session),
            "earlier": earlier,
            "later": later,
            "comment_error": comment_error,
            "comment_text": request.POST.get("comment", "") if comment_error else None,
            "comment_length": COMMENT_LENGTH,
        },
        status=400 if comment_error else 200,
    )


def _export(client: Client | None, sessions: QuerySet[SessionLog]) -> HttpResponse:
    rows = exports.log_export_queryset(sessions)
    today = client.local_today() if client else timezone.localdate()
    response = exports.csv_response(
        exports.log_export_rows(rows), filename=exports.export_filename(client=client, on=today)
    )
    # The page decorators are typed for HttpResponse; a streamed response serves the same.
    return cast(HttpResponse, response)


@require_safe
@coach_required
def client_log_export(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    """The client's logs as CSV, one row per set and side."""
    client = coach_selectors.client_get_for(coach=coach, pk=pk)
    return _export(client, SessionLog.objects.filter(client=client))


@require_safe
@coach_required
def all_logs_export(request: HttpRequest, coach: Coach) -> HttpResponse:
    """Every client's logs as CSV (archived clients too), one row per set and side."""
    return _export(None, SessionLog.objects.filter(client__coach=coach))


@require_safe
@client_required
def my_log_export(request: HttpRequest, client: Client) -> HttpResponse:
    """The client's own logs as CSV."""
    return _export(client, SessionLog.objects.filter(client=client))
