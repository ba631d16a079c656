from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from coach.common import CSRF_MARK, program_version, programs_version, with_csrf_token
from coach.errors import DomainError, add_to_form
from coach.models import Coach
from coach.permissions import coach_required
from programs import selectors, services
from programs.forms import (
    AssignForm,
    BaseGenerateItemFormSet,
    DateForm,
    GenerateForm,
    GenerateItemForm,
    GenerateItemFormSet,
    ProgramForm,
)
from programs.models import Assignment, Block, Day, Program
from programs.schedule import day_offset
from programs.services.assignments import AssignmentOverlaps
from programs.services.generator import routine_plan

PROGRAMS_PER_PAGE = 20


@coach_required
def program_list(request: HttpRequest, coach: Coach) -> HttpResponse:
    # A null character cannot be searched for (PostgreSQL refuses it in a query): drop it.
    query = request.GET.get("q", "").replace("\x00", "").strip()
    archived = request.GET.get("archived") == "1"
    programs = selectors.program_list(coach=coach, archived=archived)
    if query:
        programs = programs.filter(Q(name__icontains=query) | Q(goal__icontains=query))
    page = Paginator(programs, PROGRAMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "programs/list.html", {"page": page, "query": query, "archived": archived}
    )


@coach_required
def program_create(request: HttpRequest, coach: Coach) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(coach=coach, data=form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"“{program.name}” is ready. Add exercises to its days.")
            return redirect("program-builder", pk=program.pk)
    return render(request, "programs/form.html", {"form": form, "program": None})


@coach_required
def program_edit(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    program = selectors.program_get_for(coach=coach, pk=pk, owned=True)
    form = ProgramForm(request.POST or None, initial=ProgramForm.initial_for(program))
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(coach=coach, program=program, data=form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "The program was saved.")
            return redirect("program-builder", pk=program.pk)
    return render(request, "programs/form.html", {"form": form, "program": program})


GENERATOR_ROW_LIMIT = f"A day repeats at most {services.ROUTINE_MAX_ITEMS} exercises."
GENERATOR_CHANGED = (
    "The routine changed since its preview. Check the new preview, then generate it."
)


def _generator_rows_edited(
    request: HttpRequest, coach: Coach
) -> tuple[GenerateForm, BaseGenerateItemFormSet]:
    """The generator's forms re-shown as typed, with a row added or taken out (the page's
    buttons without JavaScript). Nothing is validated yet: no errors are shown."""
    data = request.POST
    try:
        total = min(int(data.get("items-TOTAL_FORMS", 0)), services.ROUTINE_MAX_ITEMS)
    except ValueError:
        total = 0
    rows = [
        {name: data.get(f"items-{index}-{name}", "") for name in GenerateItemForm.ROW_FIELDS}
        for index in range(max(total, 0))
    ]
    if "remove" in data:
        removed = data["remove"]
        if removed.isdigit() and int(removed) < len(rows):
            del rows[int(removed)]
    elif len(rows) < services.ROUTINE_MAX_ITEMS:
        rows.append({})
    else:
        messages.warning(request, f"{GENERATOR_ROW_LIMIT} Remove one to add another.")
    form = GenerateForm(initial={name: data.get(name) for name in GenerateForm.base_fields})
    items = GenerateItemFormSet(initial=rows, prefix="items", form_kwargs={"coach": coach})
    items.extra = 0
    return form, items


def _generator_error(
    form: GenerateForm, items: BaseGenerateItemFormSet, error: DomainError
) -> str | None:
    """Show the generator's error beside the field it names: a row's ("items.2.step") on that
    row, the others on the form. An error of the day's exercises as a whole is returned, to
    show above the rows."""
    parts = (error.field or "").split(".")
    if parts[0] != "items":
        add_to_form(form, error)
        return None
    if len(parts) == 3 and parts[1].isdigit():
        # The service counts only the rows that name an exercise: find the row it means.
        named = [row for row in items.forms if row.cleaned_data.get("exercise")]
        row = named[int(parts[1])]
        row.add_error(parts[2] if parts[2] in row.fields else None, error.message)
        return None
    return error.message


@coach_required
def routine_generate(request: HttpRequest, coach: Coach) -> HttpResponse:
    if request.method == "POST" and ("add" in request.POST or "remove" in request.POST):
        form, items = _generator_rows_edited(request, coach)
        return render(request, "programs/generate.html", {"form": form, "items": items})
    form = GenerateForm(request.POST or None)
    items = GenerateItemFormSet(request.POST or None, prefix="items", form_kwargs={"coach": coach})
    plan = items_error = None
    if request.method == "POST" and form.is_valid() and items.is_valid():
        chosen = items.items()
        try:
            plan = routine_plan(
                coach=coach, items=chosen, length_days=form.cleaned_data["length_days"]
            )
            previewed = request.POST.get("previewed", "")
            if "preview" not in request.POST and previewed in ("", plan.digest()):
                program = services.routine_generate(coach=coach, items=chosen, **form.cleaned_data)
                messages.success(
                    request,
                    f"“{program.name}” has {program.length_days} days. Adjust any day below.",
                )
                return redirect("program-builder", pk=program.pk)
            if "preview" not in request.POST:
                form.add_error(None, GENERATOR_CHANGED)
        except DomainError as error:
            plan = None
            items_error = _generator_error(form, items, error)
    return render(
        request,
        "programs/generate.html",
        {"form": form, "items": items, "items_error": items_error, "plan": plan},
    )


@dataclass(frozen=True)
class BuilderWeek:
    """A week of the builder: its days and the blocks that cover any of them."""

    number: int
    days: list[Day]
    blocks: list[Block]


def _builder_weeks(program: Program, days: list[Day], blocks: list[Block]) -> list[BuilderWeek]:
    by_week: dict[int, list[Day]] = {}
    for day in days:
        week = day.week if day.week is not None else day_offset(program=program, day=day) // 7 + 1
        by_week.setdefault(week, []).append(day)
    weeks = []
    for number, week_days in by_week.items():
        # A plan's blocks count weeks; a routine's count days.
        first, last = (
            (number, number)
            if not program.is_routine
            else (week_days[0].number, week_days[-1].number)
        )
        covering = [block for block in blocks if block.start <= last and first <= block.end]
        weeks.append(BuilderWeek(number=number, days=week_days, blocks=covering))
    return weeks


def _builder_context(program: Program, followers: list[Assignment]) -> dict:
    days = list(program.days.all())
    blocks = list(program.blocks.all())
    return {
        "program": program,
        "weeks": _builder_weeks(program, days, blocks),
        "blocks": blocks,
        "warnings": selectors.program_rule_warnings(program=program, followers=followers),
        "intensities": Day.Intensity.choices,
        "lighter_week_rules": services.LIGHTER_WEEK_RULES,
    }


# The builder's page is drawn once per program and version of what it shows, and kept in the
# shared cache: the programs and the library (one version for everyone), and for a client's own
# copy that client's stages and details and their date (the fixed-stage notes look ahead from it).
BUILDER_CACHE_SECONDS = 6 * 60 * 60


@coach_required
def program_builder(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    program = selectors.program_get_for(coach=coach, pk=pk)
    followers = [] if program.is_template else list(selectors.program_followers(program=program))
    assignment = followers[0] if len(followers) == 1 else None
    editable = selectors.program_is_editable(coach=coach, program=program, followers=followers)
    if assignment is None:
        version = programs_version()
    else:
        client = assignment.client
        # The client's logs are not drawn here: a set logged leaves the page as it was.
        version = f"{program_version(client.pk)}.{client.local_today().isoformat()}"
    key = f"builder:{coach.pk}:{program.pk}:{int(editable)}:{version}"

    content = cache.get(key)
    if content is None:
        full = selectors.program_get_for(coach=coach, pk=pk, full=True)
        context = _builder_context(full, followers)
        context.update(
            followers=followers, assignment=assignment, editable=editable, csrf_token=CSRF_MARK
        )
        content = render_to_string("programs/_builder_content.html", context)
        cache.set(key, content, BUILDER_CACHE_SECONDS)
    return render(
        request,
        "programs/builder.html",
        {"program": program, "content": with_csrf_token(content, request)},
    )


@coach_required
def program_day_fragment(request: HttpRequest, coach: Coach, pk: int, day_pk: int) -> HttpResponse:
    """One day card of the builder, re-rendered after the page's script changed it."""
    day = selectors.day_get_for(coach=coach, pk=day_pk)
    if day.program_id != pk:
        raise Http404
    program = day.program
    return render(
        request,
        "programs/_day.html",
        {
            "program": program,
            "day": day,
            "editable": selectors.program_is_editable(coach=coach, program=program),
            "intensities": Day.Intensity.choices,
        },
    )


def _numbers(text: str) -> set[int]:
    """Numbers of a comma-separated list ("2,3,5"); anything else in it is left out (a
    program has at most 366 days: longer figures are no number of one)."""
    parts = (part.strip() for part in text.split(","))
    return {int(part) for part in parts if part.isdecimal() and len(part) <= 3}


@coach_required
def program_builder_parts(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    """Parts of the builder re-rendered after the page's script changed several of them at once:
    the blocks card (`blocks=1`), whole weeks with their headings (`weeks=2,3`) and day cards
    (`days=4,5`, by day number). Each part carries the id of the element it replaces."""
    program = selectors.program_get_for(coach=coach, pk=pk, full=True)
    days = list(program.days.all())
    blocks = list(program.blocks.all())
    wanted_weeks = _numbers(request.GET.get("weeks", ""))
    wanted_days = _numbers(request.GET.get("days", ""))
    weeks = _builder_weeks(program, days, blocks)
    return render(
        request,
        "programs/_builder_parts.html",
        {
            "program": program,
            "editable": selectors.program_is_editable(coach=coach, program=program),
            "intensities": Day.Intensity.choices,
            "blocks": blocks if request.GET.get("blocks") == "1" else None,
            "weeks": [week for week in weeks if week.number in wanted_weeks],
            # The jump control names the weeks' blocks and the days' titles: drawn again too.
            "all_weeks": weeks,
            "days": [day for day in days if day.number in wanted_days],
        },
    )


@coach_required
def program_warnings_fragment(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    program = selectors.program_get_for(coach=coach, pk=pk, full=True)
    warnings = selectors.program_rule_warnings(program=program)
    return render(request, "programs/_warnings.html", {"warnings": warnings})


@require_POST
@coach_required
def program_duplicate(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    program = selectors.program_get_for(coach=coach, pk=pk)
    copy = services.program_duplicate(coach=coach, program=program)
    messages.success(request, f"“{copy.name}” is a copy you can change freely.")
    return redirect("program-builder", pk=copy.pk)


@coach_required
def program_archive(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    program = selectors.program_get_for(coach=coach, pk=pk, owned=True)
    if request.method == "POST":
        services.program_archive(coach=coach, program=program)
        messages.success(
            request, f"“{program.name}” was archived. Clients who have it keep their copy."
        )
        return redirect("program-list")
    return render(request, "programs/archive.html", {"program": program})


@require_POST
@coach_required
def program_restore(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    program = selectors.program_get_for(coach=coach, pk=pk, owned=True)
    if not program.is_template:
        raise Http404
    services.program_restore(coach=coach, program=program)
    messages.success(request, f"“{program.name}” is back in your programs.")
    return redirect("program-builder", pk=program.pk)


@coach_required
def program_assign(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    program = selectors.program_get_for(coach=coach, pk=pk)
    if not program.is_template:
        raise Http404
    form = AssignForm(
        request.POST or None,
        coach=coach,
        ladders=selectors.assignment_starting_choices(program=program),
        program=program,
    )
    if request.method == "POST" and form.is_valid():
        created = _assign(form, coach=coach, program=program)
        if created:
            names = ", ".join(a.client.name for a in created)
            starts = date_format(created[0].starts_on, "l j F Y")
            messages.success(
                request, f"“{program.name}” was assigned to {names}. It starts on {starts}."
            )
            return redirect("program-builder", pk=program.pk)
    return render(request, "programs/assign.html", {"form": form, "program": program})


def _assign(form: AssignForm, *, coach: Coach, program: Program) -> list[Assignment]:
    """Assign as the form asks, or show it again with the question the coach must answer (a
    start date off the plan's weekday, a program on the same dates) or what went wrong."""

    def assign(*, confirm_overlap: bool) -> list[Assignment]:
        return services.assignment_create_bulk(
            coach=coach,
            template=program,
            clients=list(form.cleaned_data["clients"]),
            starts_on=form.cleaned_data["starts_on"],
            starting_stages=form.starting_stages(),
            starts_on_mismatch=form.starts_on_mismatch(),
            confirm_overlap=confirm_overlap,
        )

    try:
        try:
            return assign(confirm_overlap=False)
        except AssignmentOverlaps as overlap:
            # "Assign anyway" counts for the overlaps the page named, and no others.
            if not form.overlap_confirmed(overlap.overlaps):
                raise
            return assign(confirm_overlap=True)
    except AssignmentOverlaps as overlap:
        form.ask_overlap(overlap.overlaps)
    except DomainError as error:
        if error.code == "starts_on_weekday":
            form.ask_start(error)
        else:
            add_to_form(form, error)
    return []


@coach_required
def program_print(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    program = selectors.program_get_for(coach=coach, pk=pk, full=True)
    # The sheet of one client following this copy names them; any other value is ignored.
    assignment = (
        selectors.program_followers(program=program).filter(pk=request.GET["assignment"]).first()
        if not program.is_template and request.GET.get("assignment", "").isdecimal()
        else None
    )
    return render(
        request,
        "programs/print.html",
        {"program": program, "days": list(program.days.all()), "assignment": assignment},
    )


@require_POST
@coach_required
def assignment_action(request: HttpRequest, coach: Coach, pk: int, action: str) -> HttpResponse:
    assignment = selectors.assignment_get_for(coach=coach, pk=pk)
    if action == "customise":
        program = services.assignment_customise(coach=coach, assignment=assignment)
        messages.success(
            request,
            f"This is {assignment.client.name}'s own copy now: changes here are for them alone.",
        )
        return redirect("program-builder", pk=program.pk)
    form = DateForm(request.POST)
    on = (
        form.cleaned_data.get("on") if form.is_valid() else None
    ) or assignment.client.local_today()
    handlers = {
        "pause": (services.assignment_pause, "paused"),
        "resume": (services.assignment_resume, "resumed; the remaining days moved later"),
        "cancel": (services.assignment_cancel, "cancelled"),
    }
    if action not in handlers:
        raise Http404
    handler, verb = handlers[action]
    named = f"“{assignment.program.name}” for {assignment.client.name}"
    done = f"{named} was {verb}."
    first_day = assignment.first_day
    if action == "pause" and on < first_day:
        done = (
            f"{named} has not started; it is paused from its start "
            f"({date_format(first_day, 'l j F')}) until you resume it."
        )
    try:
        handler(coach=coach, assignment=assignment, on=on)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("client-detail", pk=assignment.client_id)
