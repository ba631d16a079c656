"""A person's own account: its page, the login e-mail, and a client's calendar address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from coach import calendar_feeds, selectors, services
from coach.errors import DomainError, add_to_form
from coach.forms import LoginEmailForm
from coach.models import CalendarFeed, Client, Coach
from coach.permissions import client_required, coach_required, current_client, current_coach


@require_safe
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/account.html",
        {"coach": current_coach(request), "client": current_client(request)},
    )


@login_required
def login_email_change(request: HttpRequest) -> HttpResponse:
    """Ask for a new login address. The page says the same whatever the address: the link, or
    a note that it already has an account, goes to that address."""
    form = LoginEmailForm(request.POST or None, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            new_email = services.login_email_change_request(
                user=request.user,  # type: ignore[arg-type]
                new_email=form.cleaned_data["email"],
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                f"We sent a link to {new_email}. Your login e-mail changes when you open it.",
            )
            return redirect("account")
    return render(request, "registration/login_email_form.html", {"form": form})


def login_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the new address: a button that makes the change."""
    try:
        user, new_email = services.login_email_change_from_token(token)
        if request.method == "POST":
            services.login_email_change_confirm(token=token)
    except DomainError as error:
        status = 404 if error.code == "not_found" else 410
        return render(
            request,
            "registration/link_invalid.html",
            {"title": "This link cannot be used", "message": error.message},
            status=status,
        )
    if request.method == "POST":
        messages.success(request, f"You now log in with {new_email}.")
        return redirect("account" if request.user.is_authenticated else "login")
    return render(
        request,
        "registration/login_email_confirm.html",
        {"user_email": user.email, "new": new_email},
    )


# --- calendar address -------------------------------------------------------------------------


def _feed_url(request: HttpRequest, feed: CalendarFeed | None) -> str:
    if feed is None:
        return ""
    return request.build_absolute_uri(reverse("calendar-feed", args=[feed.key, feed.secret]))


@never_cache
@client_required
def my_calendar(request: HttpRequest, client: Client) -> HttpResponse:
    """The client's calendar address; a POST makes it, or replaces it (after a confirmation)."""
    feed = calendar_feeds.calendar_feed_of(client)
    if request.method == "POST":
        if feed is not None and "confirm" not in request.POST:
            return render(request, "coach/calendar_regenerate.html", {"client": None})
        calendar_feeds.calendar_feed_regenerate(client=client)
        messages.success(
            request,
            "Here is your new calendar address; the old one stopped working."
            if feed
            else "Here is your calendar address.",
        )
        return redirect("my-calendar")
    return render(request, "coach/calendar.html", {"feed_url": _feed_url(request, feed)})


@never_cache
@coach_required
def client_calendar(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    """A client's calendar address, as their coach sees it: to give to the client, or to
    replace when it has leaked."""
    client = selectors.client_get_for(coach=coach, pk=pk)
    feed = calendar_feeds.calendar_feed_of(client)
    if request.method == "POST":
        if client.is_archived:
            messages.error(request, "Restore this client before making a calendar address.")
            return redirect("client-calendar", pk=client.pk)
        if feed is not None and "confirm" not in request.POST:
            return render(request, "coach/calendar_regenerate.html", {"client": client})
        calendar_feeds.calendar_feed_regenerate(client=client)
        messages.success(
            request,
            f"{client.name}'s calendar address is new; the old one stopped working."
            if feed
            else f"{client.name} has a calendar address.",
        )
        return redirect("client-calendar", pk=client.pk)
    return render(
        request,
        "coach/client_calendar.html",
        {"client": client, "feed_url": _feed_url(request, feed)},
    )
