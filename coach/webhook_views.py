"""A coach's webhook endpoints: register, edit, delete, see deliveries, send a test event."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coach import webhooks
from coach.errors import DomainError, add_to_form
from coach.forms import WebhookEndpointForm
from coach.models import Coach
from coach.permissions import coach_required

DELIVERIES_PER_PAGE = 25


@coach_required
def webhook_list(request: HttpRequest, coach: Coach) -> HttpResponse:
    return render(
        request,
        "coach/webhooks.html",
        {"endpoints": webhooks.webhook_endpoint_list(coach=coach), "events": webhooks.EVENTS},
    )


@coach_required
def webhook_create(request: HttpRequest, coach: Coach) -> HttpResponse:
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhooks.webhook_endpoint_create(coach=coach, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "The endpoint was added. Its signing secret is below.")
            return redirect("webhook-detail", pk=endpoint.pk)
    return render(request, "coach/webhook_form.html", {"form": form, "endpoint": None})


@coach_required
def webhook_edit(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    endpoint = webhooks.webhook_endpoint_get_for(coach=coach, pk=pk)
    initial = {"url": endpoint.url, "events": endpoint.events, "active": endpoint.active}
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            webhooks.webhook_endpoint_update(endpoint=endpoint, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "The endpoint was saved.")
            return redirect("webhook-detail", pk=endpoint.pk)
    return render(request, "coach/webhook_form.html", {"form": form, "endpoint": endpoint})


@coach_required
def webhook_detail(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    endpoint = webhooks.webhook_endpoint_get_for(coach=coach, pk=pk)
    page = Paginator(webhooks.webhook_delivery_list(endpoint=endpoint), DELIVERIES_PER_PAGE)
    return render(
        request,
        "coach/webhook_detail.html",
        {
            "endpoint": endpoint,
            "event_names": [webhooks.EVENTS[e] for e in endpoint.events if e in webhooks.EVENTS],
            "page": page.get_page(request.GET.get("page")),
        },
    )


@coach_required
def webhook_delete(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    endpoint = webhooks.webhook_endpoint_get_for(coach=coach, pk=pk)
    if request.method == "POST":
        webhooks.webhook_endpoint_delete(endpoint=endpoint)
        messages.success(request, f"The endpoint {endpoint.url} was deleted.")
        return redirect("webhook-list")
    return render(request, "coach/webhook_delete.html", {"endpoint": endpoint})


@require_POST
@coach_required
def webhook_test(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    endpoint = webhooks.webhook_endpoint_get_for(coach=coach, pk=pk)
    webhooks.webhook_test_send(endpoint=endpoint)
    messages.success(request, "A test event is on its way. Reload to see how it went.")
    return redirect("webhook-detail", pk=endpoint.pk)


@require_POST
@coach_required
def webhook_rotate(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    endpoint = webhooks.webhook_endpoint_get_for(coach=coach, pk=pk)
    if "confirm" not in request.POST:
        return render(request, "coach/webhook_rotate.html", {"endpoint": endpoint})
    webhooks.webhook_endpoint_secret_rotate(endpoint=endpoint)
    messages.success(request, "The signing secret is new. Update it in your receiver.")
    return redirect("webhook-detail", pk=endpoint.pk)
