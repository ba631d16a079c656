"""Reads of the exercise library."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Case, Count, IntegerField, Model, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower, Replace

from coach.models import Coach
from coach.selectors import flag, get_in_scope, rows_of
from exercises.models import Exercise, ExerciseQuerySet, Stage

NEIGHBOURS = ("prerequisites", "progressions", "regressions")


def _with_details(exercises: ExerciseQuerySet, *, coach: Coach) -> ExerciseQuerySet:
    """Tags, the stage ladder in order, and prerequisites and neighbours limited to what the
    coach may see: a copy another coach made of a shared exercise is linked to that exercise's
    neighbours, but is theirs alone."""
    # Neighbours are shown as links or ids (slugs in an export): their long texts stay unread.
    visible = Exercise.objects.visible_to(coach).only("id", "name", "slug").order_by("name", "id")
    return exercises.prefetch_related(
        "regions",
        "equipment",
        Prefetch("stages", queryset=Stage.objects.order_by("order")),
        *(Prefetch(name, queryset=visible) for name in NEIGHBOURS),
    )


def exercise_list(*, coach: Coach) -> ExerciseQuerySet:
    """Everything the coach may see in the library (shared + own), by name, to filter and page;
    a page is then read as rows (`exercise_values`, then `exercise_details` or
    `exercise_card_details`)."""
    return Exercise.objects.visible_to(coach).order_by("name", "id")


# Names coaches search by that the library's names do not contain: abbreviations and other
# names of a movement, each (as `_search_key` writes it) with the names of the shared library's
# exercises it stands for. A coach's copy of one of them is found by the same term.
SEARCH_ALIASES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "sldl",
            "sl dl",
            "sl deadlift",
            "sl rdl",
            "slrdl",
            "single leg rdl",
            "single leg romanian deadlift",
            "one leg deadlift",
            "one leg rdl",
        ),
        ("Single-leg deadlift",),
    ),
    **dict.fromkeys(("rdl", "romanian deadlift"), ("Single-leg deadlift", "Deadlift")),
    **dict.fromkeys(
        ("slgb", "sl bridge", "sl glute bridge", "single leg bridge", "one leg bridge"),
        ("Single-leg glute bridge", "Single-leg bridge on a bench"),
    ),
    **dict.fromkeys(
        ("sl back extension", "hyperextension", "back raise"),
        ("One-leg back extension (Roman chair)",),
    ),
    **dict.fromkeys(("nhc", "nordics", "nordic curl"), ("Nordic hamstring curl",)),
    **dict.fromkeys(
        ("ball hamstring curl", "sb hamstring curl", "stability ball curl", "sl ball curl"),
        ("Single-leg stability-ball hamstring curl",),
    ),
    "dead bug": ("Deadbug",),
    **dict.fromkeys(("legs up the wall", "wall hold"), ("Wall single-leg hold",)),
    **dict.fromkeys(("kb swing", "kettlebell swings"), ("Kettlebell swing",)),
    **dict.fromkeys(
        ("farmer walk", "farmers walk", "farmers carry", "suitcase carry"),
        ("Single-arm farmer carry",),
    ),
    **dict.fromkeys(("90 90", "90/90"), ("Hip opener (90/90 switch)",)),
    **dict.fromkeys(
        ("knee to wall", "ankle dorsiflexion", "dorsiflexion"), ("Knee-to-wall ankle mobility",)
    ),
    **dict.fromkeys(("sl calf raise", "single leg heel raise"), ("Single-leg calf raise",)),
    **dict.fromkeys(("sl balance", "single leg stance"), ("Single-leg balance hold",)),
}


def _search_key(text: str) -> str:
    """Search words as they are compared: lower case, hyphens as spaces, single spaces."""
    return " ".join(text.lower().replace("-", " ").split())


# The ranks of a match, best first.
EXACT, PREFIX, ALIAS, WORDS = range(4)


def exercise_search(exercises: QuerySet[Exercise], *, term: str) -> QuerySet[Exercise]:
    """The `exercises` that match `term`, best first: the name itself (`EXACT`), then names that
    start with it (`PREFIX`), then the exercises an abbreviation or other name stands for
    (`ALIAS`, see `SEARCH_ALIASES`), then those with every word in the name, summary or slug
    (`WORDS`); by name within a rank. Case and hyphens do not count (“single leg deadlift” is
    the name “Single-leg deadlift”). The rank is annotated as `search_rank`."""
    key = _search_key(term)
    if not key:
        return exercises
    prefix = Q(search_name__startswith=key)
    whens = [When(Q(search_name=key), then=Value(EXACT)), When(prefix, then=Value(PREFIX))]
    words = Q()
    for word in key.split():
        words &= Q(name__icontains=word) | Q(summary__icontains=word) | Q(slug__icontains=word)
    found = prefix | words
    aliased = SEARCH_ALIASES.get(key, ())
    if aliased:
        # The exercise itself, a copy named after it (“… (mine)”) or a copy renamed.
        alias = Q(search_name__in=[_search_key(name) for name in aliased])
        for name in aliased:
            alias |= Q(search_name__startswith=f"{_search_key(name)} (")
        alias |= Q(copied_from__name__in=aliased)
        whens.append(When(alias, then=Value(ALIAS)))
        found |= alias
    rank = Case(*whens, default=Value(WORDS), output_field=IntegerField())
    return (
        exercises.annotate(search_name=Replace(Lower("name"), Value("-"), Value(" ")))
        .filter(found)
        .annotate(search_rank=rank)
        .order_by("search_rank", "name", "id")
    )


# What an API row of the library holds beside the exercise's own columns.
DETAILS = ("regions", "equipment", *NEIGHBOURS, "stages")
FLAGS = {
    "is_shared": flag(Q(owner__isnull=True)),
    "is_archived": flag(Q(archived_at__isnull=False)),
}


def exercise_values(exercises: QuerySet[Exercise], *, fields: Iterable[str]) -> QuerySet[Any]:
    """`exercises` as plain rows of `fields` (see `rows_of`), with the flags `is_shared` and
    `is_archived`; `DETAILS` among them are left to `exercise_details`."""
    return rows_of(exercises, fields=[f for f in fields if f not in DETAILS], computed=FLAGS)


def exercise_details(
    *, coach: Coach, rows: list[dict[str, Any]], stage_fields: Iterable[str]
) -> list[dict[str, Any]]:
    """Each row of a page (`exercise_values`) with its `DETAILS`: regions and equipment as
    slugs, prerequisites and neighbours as ids of exercises the coach may see (by name) and the
    ladder as rows of `stage_fields`, in order. Six queries, whatever the page holds."""
    ids = [row["id"] for row in rows]
    if not ids:
        return rows
    stages = (
        Stage.objects.filter(exercise_id__in=ids)
        .order_by("exercise_id", "order")
        .values("exercise_id", *stage_fields)
    )
    details: dict[str, dict[int, list[Any]]] = {
        "regions": _tags(Exercise.regions.through, "region", ids, "slug"),
        "equipment": _tags(Exercise.equipment.through, "equipment", ids, "slug"),
        **{name: _links(name, ids, coach) for name in NEIGHBOURS},
        "stages": _by_exercise(((stage.pop("exercise_id"), stage) for stage in stages), ids),
    }
    for row in rows:
        for name, by_exercise in details.items():
            row[name] = by_exercise[row["id"]]
    return rows


def exercise_card_details(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row of a page of the library page (`exercise_values`) with what its card shows
    beside its columns: `stage_count` and `region_names`. Two queries."""
    ids = [row["id"] for row in rows]
    if not ids:
        return rows
    counts = dict(
        Stage.objects.filter(exercise_id__in=ids)
        .order_by()
        .values("exercise_id")
        .annotate(count=Count("id"))
        .values_list("exercise_id", "count")
    )
    regions = _tags(Exercise.regions.through, "region", ids, "name")
    for row in rows:
        row["stage_count"] = counts.get(row["id"], 0)
        row["region_names"] = regions[row["id"]]
    return rows


# Each neighbour relation in its table: the exercise's side, then the neighbour's.
_LINKS = {
    "prerequisites": (Exercise.prerequisites.through, "from_exercise", "to_exercise"),
    "progressions": (Exercise.progressions.through, "from_exercise", "to_exercise"),
    "regressions": (Exercise.progressions.through, "to_exercise", "from_exercise"),
}


def _links(name: str, ids: Sequence[int], coach: Coach) -> dict[int, list[int]]:
    """The ids of each exercise's neighbours of one kind that the coach may see, by name."""
    through, own, other = _LINKS[name]
    visible = Q(**{f"{other}__owner__isnull": True}) | Q(**{f"{other}__owner": coach})
    pairs = (
        through._default_manager.filter(visible, **{f"{own}_id__in": ids})
        .order_by(f"{other}__name", f"{other}_id")
        .values_list(f"{own}_id", f"{other}_id")
    )
    return _by_exercise(pairs, ids)


def _tags(through: type[Model], tag: str, ids: Sequence[int], field: str) -> dict[int, list[str]]:
    """A field of each exercise's tags (regions or equipment), by name."""
    pairs = (
        through._default_manager.filter(exercise_id__in=ids)
        .order_by(f"{tag}__name", f"{tag}_id")
        .values_list("exercise_id", f"{tag}__{field}")
    )
    return _by_exercise(pairs, ids)


def _by_exercise(pairs: Iterable[tuple[int, Any]], ids: Sequence[int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {pk: [] for pk in ids}
    for exercise_id, value in pairs:
        grouped[exercise_id].append(value)
    return grouped


def exercise_get_for(*, coach: Coach, pk: int, owned: bool = False) -> Exercise:
    """One exercise the coach may see (shared or their own; only their own when `owned`), with
    everything the detail page and API show. Http404 for another coach's exercise."""
    exercises = Exercise.objects.owned_by(coach) if owned else Exercise.objects.visible_to(coach)
    return get_in_scope(
        _with_details(exercises, coach=coach).select_related("owner", "copied_from"), pk=pk
    )


def exercise_choices(*, coach: Coach) -> QuerySet[Exercise]:
    """Exercises a coach can pick as prerequisites or neighbours."""
    return Exercise.objects.visible_to(coach).active().only("id", "name", "owner").order_by("name")


def exercises_owned(*, coach: Coach) -> QuerySet[Exercise]:
    """The coach's own exercises with everything an export needs."""
    return _with_details(Exercise.objects.owned_by(coach), coach=coach).order_by("name", "id")
