"""A person's access tokens for the API: list, create (the token shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from coach import tokens
from coach.errors import DomainError, add_to_form
from coach.forms import TokenForm

TOKENS_PER_PAGE = 20


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens and the form for a new one. After a create, the page shows the new
    token once; it is not kept, so it cannot be shown again."""
    user = request.user
    form = TokenForm(request.POST or None)
    new_token, secret = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            new_token, secret = tokens.token_create(
                user=user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            form = TokenForm()
    page = Paginator(tokens.token_list_for(user=user), TOKENS_PER_PAGE).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    return render(
        request,
        "coach/tokens.html",
        {"form": form, "page": page, "new_token": new_token, "secret": secret},
    )


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.token_get_for(user=request.user, pk=pk)  # type: ignore[arg-type]
    if request.method == "POST":
        tokens.token_revoke(token=token)
        messages.success(request, f"The token “{token.name}” was revoked. It no longer works.")
        return redirect("token-list")
    return render(request, "coach/token_revoke.html", {"token": token})
