"""Personal access tokens: made and revoked by their owner, read by the API's authentication.

A token reads `coach_<prefix>_<secret>`. The prefix finds the row; the secret is stored only as
its SHA-256 (it is long and random, so a slow hash would add nothing) and compared in constant
time.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from coach.errors import DomainError
from coach.models import PersonalAccessToken, User
from coach.selectors import get_in_scope

TOKEN_START = "coach_"  # noqa: S105 - the start of every token, not a secret
# The last-used time is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)
REALM = 'Bearer realm="api"'


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _parse(token: str) -> tuple[str, str] | None:
    if not token.startswith(TOKEN_START):
        return None
    prefix, _, secret = token[len(TOKEN_START) :].partition("_")
    if not prefix or not secret or len(prefix) > 16:
        return None
    return prefix, secret


# --- services -------------------------------------------------------------------------------


@transaction.atomic
def token_create(
    *, user: User, name: str, scope: str, expires_at: datetime | None = None
) -> tuple[PersonalAccessToken, str]:
    """A new token of `user`: the row, and the token itself, which is shown once and never
    stored."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name.", field="name")
    if scope not in PersonalAccessToken.Scope.values:
        raise DomainError("Choose read only, or read and write.", field="scope")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("Choose an expiry date in the future.", field="expires_at")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        secret_hash=secret_hash(secret),
        scope=scope,
        expires_at=expires_at,
    )
    return token, f"{TOKEN_START}{prefix}_{secret}"


def token_revoke(*, token: PersonalAccessToken) -> PersonalAccessToken:
    """Stop a token from working, at once. Revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_revoke_all(*, user_id: int) -> int:
    """Revoke every token of a user (a client who was archived)."""
    return PersonalAccessToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- selectors ------------------------------------------------------------------------------


def token_list_for(*, user: User) -> Any:
    """The user's own tokens, newest first, revoked and expired ones among them."""
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_get_for(*, user: User, pk: Any) -> PersonalAccessToken:
    """One of the user's own tokens; Http404 for anyone else's."""
    return get_in_scope(PersonalAccessToken.objects.filter(user=user), pk=pk)


def token_authenticate(token: str, *, now: datetime | None = None) -> PersonalAccessToken | None:
    """The usable token that `token` is, with its user, or None: malformed, unknown, wrong
    secret, expired, revoked, or its user can no longer log in."""
    parsed = _parse(token)
    if parsed is None:
        return None
    prefix, secret = parsed
    row = (
        PersonalAccessToken.objects.select_related("user", "user__coach", "user__client")
        .filter(prefix=prefix)
        .first()
    )
    # The secret is hashed and compared even when no row matched, so a wrong prefix takes as
    # long to refuse as a wrong secret.
    expected = row.secret_hash if row is not None else secret_hash("")
    if not hmac.compare_digest(secret_hash(secret), expected) or row is None:
        return None
    now = now or timezone.now()
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if not row.user.is_active:
        return None
    if row.last_used_at is None or row.last_used_at <= now - LAST_USED_EVERY:
        PersonalAccessToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


# --- the API's authentication ---------------------------------------------------------------


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = "The token is not valid: it is unknown, expired or revoked."
    default_code = "invalid_token"


class ReadOnlyToken(exceptions.PermissionDenied):
    default_detail = "This token can only read. Create a read and write token to make changes."
    default_code = "read_only_token"


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`. A request with a token needs no CSRF token (nothing a
    browser sends on its own carries one); session requests are checked by DRF's session
    authentication, as before."""

    def authenticate(self, request: Request) -> tuple[User, PersonalAccessToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        request._bearer_refused = True  # type: ignore[attr-defined]
        if len(header) != 2:
            raise InvalidToken("Send the token as `Authorization: Bearer <token>`.")
        try:
            token_text = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise InvalidToken() from exc
        token = token_authenticate(token_text)
        if token is None:
            raise InvalidToken()
        request._bearer_refused = False  # type: ignore[attr-defined]
        if request.method not in SAFE_METHODS and not token.can_write:
            raise ReadOnlyToken()
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        if getattr(request, "_bearer_refused", False):
            return f'{REALM}, error="invalid_token"'
        return REALM


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token: HTTP bearer authentication."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (Account › Access tokens): "
            "`Authorization: Bearer coach_…`. Read-only tokens are refused on writes (403).",
        }
