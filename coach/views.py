from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from coach import selectors, services
from coach.errors import DomainError, add_to_form
from coach.forms import ClientForm, PasswordPairForm, SignUpForm
from coach.models import Client, Coach
from coach.permissions import coach_required, current_client, current_coach


def home(request: HttpRequest) -> HttpResponse:
    if current_coach(request) is not None:
        return redirect("dashboard")
    if current_client(request) is not None:
        return redirect("client-home")
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return render(request, "home.html")


SIGN_UP_EMAIL = "sign_up_email"


def signup(request: HttpRequest) -> HttpResponse:
    """Ask for a practice. Whatever the address, the answer is "check your e-mail": the link
    that finishes the sign-up goes to the address's owner (see services.coach_sign_up)."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_up = services.coach_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
                practice_name=form.cleaned_data["practice_name"],
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            request.session[SIGN_UP_EMAIL] = sign_up.email
            return redirect("signup-sent")
    return render(request, "registration/signup.html", {"form": form})


@require_safe
def signup_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get(SIGN_UP_EMAIL, "")
    return render(request, "registration/signup_sent.html", {"email": email})


def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up e-mail: a button that creates the practice (a page, not the
    link itself, so that a mail scanner opening links creates nothing)."""
    try:
        sign_up = services.sign_up_from_token(token)
        if request.method == "POST":
            coach = services.sign_up_confirm(token=token)
    except DomainError as error:
        status = 404 if error.code == "not_found" else 410
        return render(
            request,
            "registration/link_invalid.html",
            {"title": "This sign-up link cannot be used", "message": error.message},
            status=status,
        )
    if request.method == "POST":
        login(request, coach.user, backend="coach.auth.Backend")
        messages.success(request, "Welcome! Your practice is ready. Add your first client.")
        return redirect("dashboard")
    return render(request, "registration/signup_confirm.html", {"sign_up": sign_up})


@coach_required
def client_create(request: HttpRequest, coach: Coach) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(coach=coach, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{client.name} was added.")
            return redirect("client-detail", pk=client.pk)
    return render(request, "coach/client_form.html", {"form": form, "client": None})


@coach_required
def client_edit(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    client = selectors.client_get_for(coach=coach, pk=pk)
    form = ClientForm(request.POST or None, instance=Client.objects.get(pk=client.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(client=client, data=form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "The client's details were saved.")
            return redirect("client-detail", pk=client.pk)
    return render(request, "coach/client_form.html", {"form": form, "client": client})


@coach_required
def client_archive(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    client = selectors.client_get_for(coach=coach, pk=pk)
    if request.method == "POST":
        services.client_archive(client=client)
        messages.success(request, f"{client.name} was archived. Their records are kept.")
        return redirect("dashboard")
    return render(request, "coach/client_archive.html", {"client": client})


@require_POST
@coach_required
def client_restore(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    client = selectors.client_get_for(coach=coach, pk=pk)
    services.client_restore(client=client)
    messages.success(request, f"{client.name} is active again.")
    return redirect("client-detail", pk=client.pk)


@require_POST
@coach_required
def client_invite(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    client = selectors.client_get_for(coach=coach, pk=pk)
    try:
        services.invite_create(client=client, base_url=request.build_absolute_uri("/"))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"An invite is on its way to {client.email}.")
    return redirect("client-detail", pk=client.pk)


def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = services.invite_from_token(token)
    except DomainError as error:
        status = 404 if error.code == "not_found" else 410
        return render(
            request, "coach/invite_invalid.html", {"message": error.message}, status=status
        )
    form = PasswordPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_accept(token=token, password=form.cleaned_data["password1"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            login(request, user, backend="coach.auth.Backend")
            messages.success(request, "Your password is set. Welcome!")
            return redirect("client-home")
    return render(request, "coach/invite_accept.html", {"form": form, "invite": invite})
