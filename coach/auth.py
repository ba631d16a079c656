"""Authentication: Django's model backend, loading with the user the coach or client they are."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections
from django.db.models import Field, Model

from coach.models import Client, Coach, User

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Part:
    """One table of the query: its model, the fields read and how each value is converted."""

    model: type[Model]
    fields: Sequence["Field[Any, Any]"]
    columns: Sequence[Any]  # each field's column expression, as the converters take it
    converters: Sequence[Sequence[Converter]]

    def instance(self, alias: str, values: Sequence[Any], connection: Any) -> Model | None:
        if values[0] is None:  # no row joined
            return None
        converted = []
        for column, value, converters in zip(self.columns, values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            converted.append(value)
        return self.model.from_db(alias, [f.attname for f in self.fields], converted)


class _UserQuery:
    """The user with their coach and client rows, as `select_related("coach", "client")` reads
    them, in SQL written once per database. Every request of a logged-in user runs it: the ORM
    would compile the same query each time (about a third of a kept page's time)."""

    def __init__(self, alias: str) -> None:
        connection = connections[alias]
        quote = connection.ops.quote_name
        columns: list[str] = []
        self.parts: list[_Part] = []
        joins = []
        for model, table in ((User, "u"), (Coach, "c"), (Client, "cl")):
            fields = [User._meta.pk] if model is User else []
            fields += [f for f in model._meta.concrete_fields if f not in fields]
            converters, expressions = [], []
            for field in fields:
                column = field.get_col(table)
                expressions.append(column)
                converters.append(
                    [
                        *connection.ops.get_db_converters(column),
                        *column.get_db_converters(connection),
                    ]
                )
                columns.append(f"{quote(table)}.{quote(field.column)}")
            self.parts.append(_Part(model, fields, expressions, converters))
            if model is not User:
                joins.append(
                    f"LEFT OUTER JOIN {quote(model._meta.db_table)} {quote(table)} ON "
                    f"{quote(table)}.{quote(model._meta.get_field('user').column)} = "  # type: ignore[misc]
                    f"{quote('u')}.{quote(User._meta.pk.column)}"  # type: ignore[union-attr]
                )
        # Names from the models' own metadata, quoted; the id is the one parameter.
        pk_column = User._meta.pk.column  # type: ignore[union-attr]
        self.sql = " ".join(
            [
                "SELECT",
                ", ".join(columns),
                "FROM",
                quote(User._meta.db_table),
                quote("u"),
                *joins,
                f"WHERE {quote('u')}.{quote(pk_column)} = %s",
            ]
        )
        self.alias = alias

    def get(self, user_id: Any) -> User | None:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        instances = []
        start = 0
        for part in self.parts:
            end = start + len(part.fields)
            instances.append(part.instance(self.alias, row[start:end], connection))
            start = end
        user, coach, client = instances
        if not isinstance(user, User):
            return None
        # As select_related leaves them: `user.coach` is the row or raises DoesNotExist.
        for name, related in (("coach", coach), ("client", client)):
            User._meta.get_field(name).set_cached_value(user, related)  # type: ignore[union-attr]
            if related is not None:
                type(related)._meta.get_field("user").set_cached_value(related, user)  # type: ignore[union-attr]
        return user


_queries: dict[str, _UserQuery] = {}


def user_with_roles(user_id: Any) -> User | None:
    """The user of this id with their coach and client rows (one query), or None."""
    try:
        user_id = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
    except Exception:
        return None
    alias = User._default_manager.db
    query = _queries.get(alias)
    if query is None:
        query = _queries[alias] = _UserQuery(alias)
    return query.get(user_id)


class Backend(ModelBackend):
    """Every logged-in request asks which role the user has (the navigation, the permission
    checks); the user is read with their coach and client rows in one query instead of three."""

    def get_user(self, user_id: Any) -> User | None:
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
