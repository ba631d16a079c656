"""Reads of the coaching practice."""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from coach.models import Client, ClientQuerySet, Coach, Invite

RowT = TypeVar("RowT", bound=Model)


def get_in_scope(rows: QuerySet[RowT], *, pk: Any) -> RowT:
    """Row `pk` of `rows`, a queryset already limited to what the requester may reach.

    Http404 when it is not there: another practice's row, a missing one, or a `pk` that names
    no row at all (not a number, as an API path may send; or past the largest id).
    """
    try:
        return rows.get(pk=int(pk))
    except (ObjectDoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def client_list(*, coach: Coach, query: str = "", archived: bool = False) -> ClientQuerySet:
    """A coach's clients, active or archived, matching `query` on name or e-mail."""
    clients = Client.objects.for_coach(coach)
    clients = clients.archived() if archived else clients.active()
    query = query.strip()
    if query:
        clients = clients.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return clients.order_by("name", "id")


def client_get_for(*, coach: Coach, pk: int) -> Client:
    """One of the coach's clients, for pages and API alike; Http404 for anyone else's."""
    return get_in_scope(Client.objects.for_coach(coach).select_related("user"), pk=pk)


def client_latest_invite(client: Client) -> Invite | None:
    return client.invites.order_by("-created_at").first()
