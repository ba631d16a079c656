"""The client's reminder settings, the unsubscribe link (no login), the coach's digest settings."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from coach.errors import DomainError, add_to_form
from coach.models import Client, Coach
from coach.permissions import client_required, coach_required
from reminders import digest, selectors, services
from reminders.forms import DigestSettingsForm, ReminderSettingsForm
from reminders.models import ReminderSchedule


@client_required
def reminder_settings(request: HttpRequest, client: Client) -> HttpResponse:
    schedule = selectors.reminder_schedule_of(client)
    form = ReminderSettingsForm(
        request.POST or None,
        initial={"enabled": schedule.enabled, "reminder_time": client.reminder_time},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_settings_update(client=client, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                "Reminders are on." if form.cleaned_data["enabled"] else "Reminders are off.",
            )
            return redirect("reminder-settings")
    return render(
        request,
        "reminders/settings.html",
        {"form": form, "client": client, "schedule": schedule},
    )


# No login and no CSRF token: the signed token in the link is the authority, and mail programs
# POST to it on their own (RFC 8058 one-click unsubscribe).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        client = services.client_from_unsubscribe_token(token)
    except DomainError as error:
        return render(request, "reminders/unsubscribe.html", {"error": error.message}, status=404)
    changed = request.method == "POST"
    if changed and request.POST.get("action") == "on":
        services.reminders_turn_on(client=client)
    elif changed:
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        via = (
            ReminderSchedule.TurnedOffVia.MAIL_CLIENT
            if one_click
            else ReminderSchedule.TurnedOffVia.LINK
        )
        services.reminders_turn_off(client=client, via=via)
    return render(
        request,
        "reminders/unsubscribe.html",
        {
            "client": client,
            "schedule": selectors.reminder_schedule_of(client),
            "token": token,
            "changed": changed,
        },
    )


@coach_required
def digest_settings(request: HttpRequest, coach: Coach) -> HttpResponse:
    settings = selectors.coach_digest_of(coach)
    form = DigestSettingsForm(
        request.POST or None,
        initial={
            "enabled": settings.enabled,
            "send_time": settings.send_time,
            # Unsaved settings leave the zone empty, for the browser to fill in its own.
            "time_zone": "" if settings._state.adding else settings.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            digest.coach_digest_update(coach=coach, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                "The morning digest is on."
                if form.cleaned_data["enabled"]
                else "The morning digest is off.",
            )
            return redirect("digest-settings")
    return render(request, "reminders/digest_settings.html", {"form": form, "digest": settings})
