"""Reads whose SQL is compiled once per process and database, then run with new ids.

The ORM compiles a queryset's SQL each time it is evaluated: on this stack about 1 to 3 ms of
Python for a read by key with a join or two, several times what the database spends on it. The
reads every request of a kind makes (the client page's client, a logged set's prescription) are
built once with stand-in ids, compiled, and run again with the request's ids in their place. The
rows become model instances as the ORM makes them: its converters, deferred fields, the rows of
`select_related` and annotations (`Compiled`), or tuples as `values_list` gives them
(`CompiledRows`). Only ids (integers) and dates can be given; anything else the queryset
compares with is fixed when it is built.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models import query as orm_query
from django.db.models.query import ModelIterable, ValuesListIterable

from coach.models import MAX_ID

M = TypeVar("M", bound=Model)

# Stand-ins for the values while compiling, each found once among the parameters: ids far
# above any id, dates a thousand years back.
_STAND_IN = 7_919_000_000_001
_STAND_IN_DATE = date(1001, 2, 3)
# What a 64-bit integer column holds.
_SMALLEST, _LARGEST = -MAX_ID - 1, MAX_ID


class _Plan:
    """One compiled query: its SQL, where each id goes, and how rows become instances."""

    def __init__(self, queryset: QuerySet[Any], stand_ins: Sequence[Any], *, tuples: bool) -> None:
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError("A compiled read cannot prefetch; read the related rows apart.")
        self.tuples = tuples
        if queryset._iterable_class is not (ValuesListIterable if tuples else ModelIterable):
            raise ValueError(
                "CompiledRows reads values_list() tuples."
                if tuples
                else "A compiled read reads model instances (no values())."
            )
        self.alias = queryset.db
        self.ops = connections[self.alias].ops
        compiler = queryset.query.get_compiler(using=self.alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = []
        for number, stand_in in enumerate(stand_ins):
            wanted = self._adapted(stand_in)
            found = [
                index
                for index, value in enumerate(self.params)
                if type(value) is type(wanted) and value == wanted
            ]
            if len(found) != 1:
                raise ValueError(f"Value {number} must be compared once, as an id or a date.")
            self.slots.append(found[0])
        self.compiler = compiler
        if self.tuples:
            return
        klass_info = compiler.klass_info
        if klass_info is None:
            raise ValueError("A compiled read reads model instances (no union).")
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
        populators = orm_query.get_related_populators  # type: ignore[attr-defined]
        self.populators = populators(klass_info, compiler.select, self.alias)
        self.annotations = dict(compiler.annotation_col_map or {})

    def _adapted(self, value: Any) -> Any:
        """A value as the database is given it (a date is text for SQLite, say)."""
        return self.ops.adapt_datefield_value(value) if isinstance(value, date) else value

    def run(self, values: Sequence[Any]) -> list[Any]:
        params = list(self.params)
        for slot, value in zip(self.slots, values, strict=True):
            params[slot] = self._adapted(value)
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.tuples:
            return list(self.compiler.results_iter([rows], tuple_expected=True))
        found = []
        for row in self.compiler.results_iter([rows]):
            instance = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found


class _Reads:
    """What `Compiled` and `CompiledRows` share: the queryset built once per database with
    stand-ins, run with the values given."""

    tuples = False

    def __init__(
        self, build: Callable[..., QuerySet[Any, Any]], *, ids: int, dates: int = 0
    ) -> None:
        self.build = build
        self.ids = ids
        self.stand_ins = [
            *(_STAND_IN + n for n in range(ids)),
            *(_STAND_IN_DATE.replace(year=_STAND_IN_DATE.year + n) for n in range(dates)),
        ]
        self.model: type[Model] | None = None
        self._plans: dict[str, _Plan] = {}

    def _run(self, values: Sequence[Any]) -> list[Any]:
        if len(values) != len(self.stand_ins) or any(
            (type(value) is not date) if index >= self.ids else (type(value) is not int)
            for index, value in enumerate(values)
        ):
            raise TypeError(f"Give {self.ids} ids and {len(self.stand_ins) - self.ids} dates.")
        alias = router.db_for_read(self.model) if self.model is not None else None
        plan = self._plans.get(alias) if alias is not None else None
        if plan is None:
            queryset = self.build(*self.stand_ins)
            self.model = queryset.model
            plan = self._plans[queryset.db] = _Plan(queryset, self.stand_ins, tuples=self.tuples)
        return plan.run(values)


class CompiledRows(_Reads):
    """`build(*ids, *dates)`, a `values_list()` queryset, as a list of tuples, its SQL compiled
    once per database (see `Compiled`)."""

    tuples = True

    def __call__(self, *values: Any) -> list[tuple[Any, ...]]:
        """The rows for these ids and dates, as the queryset gives them."""
        return self._run(values)


class Compiled(_Reads, Generic[M]):
    """`build(*ids, *dates)` as a list of instances, its SQL compiled once per database.

    `build` makes the queryset from `ids` integers and then `dates` dates, each compared with
    once; it is called once, with stand-ins, for each database the queryset reads from.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *, ids: int, dates: int = 0) -> None:
        super().__init__(build, ids=ids, dates=dates)

    def __call__(self, *values: Any) -> list[M]:
        """The rows for these ids and dates (checked as `first` checks them)."""
        return self._run(values)

    def first(self, *values: Any) -> M | None:
        """The first row, or None; None too for an id that names no row (text that is not a
        whole number, or past the largest a column holds), as the ORM reads it."""
        try:
            ids = [int(value) for value in values[: self.ids]]
        except (TypeError, ValueError):
            return None
        if any(not _SMALLEST <= value <= _LARGEST for value in ids):
            return None
        found = self(*ids, *values[self.ids :])
        return found[0] if found else None


def attach(instances: Iterable[Model], name: str, rows: Iterable[Model], *, by: str) -> None:
    """Give each instance its related rows `name` (a reverse foreign key, as `sets` of a
    session) from `rows` read apart, matched on the rows' `by` (the foreign key's attribute), as
    `prefetch_related` leaves them: `instance.<name>.all()` gives them without a query."""
    grouped: dict[Any, list[Model]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, by), []).append(row)
    for instance in instances:
        manager = getattr(instance, name)
        # What prefetch_related stores (django.db.models.query.prefetch_one_level): the
        # manager's queryset with its rows already in hand.
        queryset = manager.get_queryset()
        queryset._result_cache = grouped.get(instance.pk, [])
        queryset._prefetch_done = True
        cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
        cache[manager.field.remote_field.cache_name] = queryset
