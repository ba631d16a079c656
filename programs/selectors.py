"""Reads of programs and assignments."""

from django.db.models import Count, F, Prefetch, QuerySet

from coach.models import Client, Coach
from programs.models import Assignment, Day, Prescription, Program

# Long texts of a prescription's exercise and stage that no program page shows. Joined to every
# prescription (a routine repeats its exercises hundreds of times) they would be read as often:
# a long summary alone could then exhaust the memory of the server.
UNSHOWN_TEXTS = (
    "exercise__summary",
    "exercise__instructions",
    "exercise__cues",
    "exercise__faults",
    "exercise__breathing",
    "stage__description",
    "stage__criteria_note",
)


def _prescriptions() -> QuerySet[Prescription]:
    return (
        Prescription.objects.select_related("exercise", "stage")
        .defer(*UNSHOWN_TEXTS)
        .prefetch_related("exercise__prerequisites", "exercise__stages")
        .order_by("order")
    )


def program_list(*, coach: Coach, archived: bool = False) -> QuerySet[Program]:
    """The coach's templates and the shared starters (or the coach's archived ones)."""
    programs = Program.objects.visible_to(coach).templates()
    programs = (
        programs.filter(archived_at__isnull=False, owner=coach) if archived else programs.active()
    )
    return programs.annotate(
        day_count=Count("days", distinct=True),
        assignment_count=Count("assignments_from_template", distinct=True),
    ).order_by(F("owner_id").asc(nulls_last=True), "name", "id")


def program_full(*, coach: Coach, pk: int) -> Program:
    """A program with blocks, days and prescriptions (exercise, stage, prerequisites) loaded.

    The number of queries does not depend on the program's length. Raises Program.DoesNotExist
    for anything outside the coach's practice (client copies included, through their client).
    """
    return (
        Program.objects.visible_to(coach)
        .select_related("owner", "copied_from")
        .prefetch_related(
            "blocks",
            Prefetch(
                "days",
                queryset=Day.objects.order_by("number").prefetch_related(
                    Prefetch("prescriptions", queryset=_prescriptions())
                ),
            ),
        )
        .get(pk=pk)
    )


def day_get(*, coach: Coach, pk: int) -> Day:
    return Day.objects.select_related("program").get(pk=pk, program__owner=coach)


def assignment_list(*, coach: Coach) -> QuerySet[Assignment]:
    return (
        Assignment.objects.for_coach(coach)
        .select_related("client", "program", "template")
        .order_by("-starts_on", "-id")
    )


def client_assignments(*, client: Client) -> QuerySet[Assignment]:
    """A client's assignments, newest first, with their program copies."""
    return (
        Assignment.objects.filter(client=client)
        .select_related("program", "template")
        .order_by("-starts_on", "-id")
    )
