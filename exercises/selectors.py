"""Reads of the exercise library."""

from django.db.models import Count, Prefetch, QuerySet

from coach.models import Coach
from coach.selectors import get_in_scope
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


def exercise_list(*, coach: Coach, details: bool = True) -> QuerySet[Exercise]:
    """Everything the coach may see in the library (shared + own), ready for a list: with
    `details`, each with its ladder and neighbours (the API); without, its regions alone (the
    library page shows no more)."""
    exercises = Exercise.objects.visible_to(coach)
    exercises = (
        _with_details(exercises, coach=coach) if details else exercises.prefetch_related("regions")
    )
    return exercises.annotate(stage_count=Count("stages", distinct=True)).order_by("name", "id")


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
