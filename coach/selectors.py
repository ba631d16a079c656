"""Reads of the coaching practice."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import BooleanField, Expression, ExpressionWrapper, Model, Q, QuerySet
from django.http import Http404

from coach.compiled import Compiled
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


_COACH: Compiled[Coach] = Compiled(lambda pk: Coach.objects.filter(pk=pk)[:1], ids=1)


def coach_of(client: Client) -> Coach:
    """The client's coach: one compiled read, none when the client was read with them."""
    if not Client.coach.is_cached(client):  # type: ignore[attr-defined]
        found = _COACH.first(client.coach_id)
        if found is None:  # (a client always has a coach: the foreign key is required)
            raise Coach.DoesNotExist
        client.coach = found
    return client.coach


def flag(condition: Q) -> ExpressionWrapper:
    """A yes/no column computed by the database, for `rows_of`."""
    return ExpressionWrapper(condition, output_field=BooleanField())


def rows_of(
    rows: QuerySet[Any], *, fields: Iterable[str], computed: Mapping[str, Expression] | None = None
) -> QuerySet[Any]:
    """`rows` as plain dicts of `fields` and `id`: each a column (a foreign key by its id, a
    related row's column as `relation__column`) or one of the `computed` expressions. Columns
    not named, long texts among them, are not read."""
    computed = computed or {}
    names = [name for name in dict.fromkeys(fields) if name != "id"]
    return rows.values(
        "id",
        *[name for name in names if name not in computed],
        **{name: computed[name] for name in names if name in computed},
    )


def client_list(*, coach: Coach, query: str = "", archived: bool = False) -> ClientQuerySet:
    """A coach's clients, active or archived, matching `query` on name or e-mail."""
    clients = Client.objects.for_coach(coach)
    clients = clients.archived() if archived else clients.active()
    query = query.strip()
    if query:
        clients = clients.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return clients.order_by("name", "id")


# A client row's columns computed from others, for `rows_of`.
CLIENT_FLAGS = {
    "has_login": flag(Q(user__isnull=False)),
    "is_archived": flag(Q(archived_at__isnull=False)),
}


# (compiled: the client page and most of the coach's client pages and endpoints read it)
_COACH_CLIENT: Compiled[Client] = Compiled(
    lambda coach_id, pk: (
        Client.objects.for_coach(Coach(pk=coach_id))
        .filter(pk=pk)
        .select_related("user", "reminder_schedule")[:1]
    ),
    ids=2,
)


def client_get_for(*, coach: Coach, pk: Any) -> Client:
    """One of the coach's clients, with their login and reminder settings, for pages and API
    alike; Http404 for anyone else's, or for a `pk` that names no row."""
    found = _COACH_CLIENT.first(coach.pk, pk)
    if found is None:
        raise Http404
    return found


def client_latest_invite(client: Client) -> Invite | None:
    return client.invites.order_by("-created_at").first()
