"""Reads of the coaching practice."""

from django.db.models import Q
from django.http import Http404

from coach.models import Client, ClientQuerySet, Coach, Invite


def client_list(*, coach: Coach, query: str = "", archived: bool = False) -> ClientQuerySet:
    """A coach's clients, active or archived, matching `query` on name or e-mail."""
    clients = Client.objects.for_coach(coach)
    clients = clients.archived() if archived else clients.active()
    query = query.strip()
    if query:
        clients = clients.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return clients.order_by("name", "id")


def client_get(*, coach: Coach, pk: int) -> Client:
    """One of the coach's clients; Client.DoesNotExist for anyone else's."""
    return Client.objects.for_coach(coach).select_related("user").get(pk=pk)


def client_get_for(*, coach: Coach, pk: int) -> Client:
    """One of the coach's clients, for pages and API alike; a 404 for anyone else's."""
    try:
        return client_get(coach=coach, pk=pk)
    except Client.DoesNotExist as exc:
        raise Http404 from exc


def client_latest_invite(client: Client) -> Invite | None:
    return client.invites.order_by("-created_at").first()
