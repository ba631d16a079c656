"""Reads of the exercise library."""

from django.db.models import Count, Prefetch, QuerySet

from coach.models import Coach
from exercises.models import Exercise, Stage

NEIGHBOURS = ("prerequisites", "progressions", "regressions")


def _neighbours_visible_to(coach: Coach) -> list[Prefetch]:
    """Prerequisites and neighbours, limited to what the coach may see: a copy another coach
    made of a shared exercise is linked to that exercise's neighbours, but is theirs alone."""
    visible = Exercise.objects.visible_to(coach).order_by("name", "id")
    return [Prefetch(name, queryset=visible) for name in NEIGHBOURS]


def exercise_list(*, coach: Coach) -> QuerySet[Exercise]:
    """Everything the coach may see in the library (shared + own), ready for a list page."""
    return (
        Exercise.objects.visible_to(coach)
        .select_related("owner")
        .prefetch_related(
            "regions",
            "equipment",
            Prefetch("stages", queryset=Stage.objects.order_by("order")),
            *_neighbours_visible_to(coach),
        )
        .annotate(stage_count=Count("stages", distinct=True))
        .order_by("name", "id")
    )


def exercise_get(*, coach: Coach, pk: int) -> Exercise:
    """One exercise the coach may see, with everything the detail page and API show.

    Raises Exercise.DoesNotExist for another coach's exercise.
    """
    return (
        Exercise.objects.visible_to(coach)
        .select_related("owner", "copied_from")
        .prefetch_related(
            "regions",
            "equipment",
            Prefetch("stages", queryset=Stage.objects.order_by("order")),
            *_neighbours_visible_to(coach),
        )
        .get(pk=pk)
    )


def exercise_choices(*, coach: Coach) -> QuerySet[Exercise]:
    """Exercises a coach can pick as prerequisites or neighbours."""
    return Exercise.objects.visible_to(coach).active().only("id", "name", "owner").order_by("name")


def exercises_owned(*, coach: Coach) -> QuerySet[Exercise]:
    """The coach's own exercises with everything an export needs."""
    return (
        Exercise.objects.owned_by(coach)
        .prefetch_related(
            "regions",
            "equipment",
            Prefetch("stages", queryset=Stage.objects.order_by("order")),
            *_neighbours_visible_to(coach),
        )
        .order_by("name", "id")
    )
