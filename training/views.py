"""The pages that show a client's training: Today, and the coach's dashboard and client page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coach import selectors as coach_selectors
from coach.models import Client, Coach
from coach.permissions import client_required, coach_required
from programs import selectors as program_selectors
from training import selectors

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


@coach_required
def client_detail(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    client = coach_selectors.client_get_for(coach=coach, pk=pk)
    return render(
        request,
        "training/client_detail.html",
        {
            "client": client,
            "invite": coach_selectors.client_latest_invite(client),
            "assignments": program_selectors.client_assignments(client=client),
        },
    )


@client_required
def today(request: HttpRequest, client: Client) -> HttpResponse:
    on = client.local_today()
    return render(
        request,
        "training/today.html",
        {
            "client": client,
            "coach": client.coach,
            "today": on,
            "plans": selectors.daily_plans(client=client, on=on),
            "has_program": selectors.client_has_current_program(client=client),
        },
    )
