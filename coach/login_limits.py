"""Limits on failed logins: per account (from an address) and per address across accounts.

django-axes counts the failures; its lockout parameters are two groups, the account from an
address and the address alone (settings.AXES_LOCKOUT_PARAMETERS). Axes holds every group to
one limit; here the address alone has a higher one of its own, so that password spraying from
one address stops while a gym whose members share an address is not locked out by a few typos.
"""

import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the connection's own, or, behind a proxy of ours, the one that
    proxy wrote into the configured header. A header that is not configured is never read (any
    client can send one); a value that is not an address falls back to the connection's."""
    remote = request.META.get("REMOTE_ADDR")
    header = settings.CLIENT_IP_HEADER
    if not header:
        return remote
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    # X-Forwarded-For lists every hop; each proxy of ours appends the address it was reached
    # from, so the client's is the one that many places from the right (what the client sent
    # itself stands further left and is ignored).
    hops = [hop.strip() for hop in value.split(",") if hop.strip()]
    count = max(settings.CLIENT_IP_PROXY_COUNT, 1)
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class LoginLimitsHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the address alone."""

    def _failures(self, request: Any, credentials: dict | None) -> list[int]:
        return [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        """The account's failures from this address, as axes compares them to its limit; or
        that limit itself once the address alone has reached its own."""
        account, *address = self._failures(request, credentials)
        if address and address[0] >= settings.AXES_IP_FAILURE_LIMIT:
            return max(account, settings.AXES_FAILURE_LIMIT)
        return account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a good login, forget the failures of that account from that address only: a
        sprayer who logs in to an account of their own must not clear the address's count."""
        account_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _ = account_attempts.delete()
        return count
