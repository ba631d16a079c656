from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from coach.errors import DomainError, add_to_form
from coach.models import Coach
from coach.permissions import coach_required
from coach.response_cache import cached_list
from exercises import selectors, services
from exercises.api import _export_response
from exercises.filters import ExerciseFilter
from exercises.forms import (
    ExerciseForm,
    ImportForm,
    StageFormSet,
    stage_initial,
    stages_from_formset,
)
from exercises.models import Exercise
from exercises.transfer import exercises_export, exercises_import

EXERCISES_PER_PAGE = 20


# What a card of the library page shows of an exercise's own columns.
CARD_FIELDS = ("name", "summary", "category", "laterality", "is_shared", "is_archived")
CATEGORY_LABELS = dict(Exercise.Category.choices)
LATERALITY_LABELS = dict(Exercise.Laterality.choices)


@coach_required
def exercise_list(request: HttpRequest, coach: Coach) -> HttpResponse:
    def page_html() -> str:
        library = selectors.exercise_list(coach=coach)
        filters = ExerciseFilter(request.GET, queryset=library, library_tags=True)
        exercises = filters.qs if filters.is_valid() else library.none()
        rows = selectors.exercise_values(exercises, fields=CARD_FIELDS)
        page = Paginator(rows, EXERCISES_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = selectors.exercise_card_details(list(page.object_list))
        for row in page.object_list:
            row["category_label"] = CATEGORY_LABELS.get(row["category"], row["category"])
            row["laterality_label"] = LATERALITY_LABELS.get(row["laterality"], row["laterality"])
        context = {
            "filters": filters,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "filters_on": sum(
                1 for name in filters.form.fields if name != "search" and request.GET.get(name)
            ),
            "page": page,
        }
        return render_to_string(
            "exercises/_list_filters.html", context, request=request
        ) + render_to_string("exercises/_list_results.html", context, request=request)

    # The form and the results are kept in the shared cache (under the versions of the library:
    # the form offers the regions and equipment of the coach's library alone).
    html = cached_list(request, coach=coach, name="library-page", build=page_html)
    return render(
        request,
        "exercises/list.html",
        {"page_html": mark_safe(html)},  # noqa: S308 - drawn by our own templates
    )


@coach_required
def exercise_detail(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    exercise = selectors.exercise_get_for(coach=coach, pk=pk)
    return render(
        request,
        "exercises/detail.html",
        {
            "exercise": exercise,
            "stages": list(exercise.stages.all()),
            "is_own": exercise.owner_id == coach.pk,
        },
    )


def _save_form(
    request: HttpRequest, coach: Coach, exercise: Exercise | None
) -> tuple[Exercise | None, ExerciseForm, Any]:
    if request.method == "POST":
        form = ExerciseForm(request.POST, coach=coach, exercise=exercise)
        formset = StageFormSet(request.POST, prefix="stages")
    else:
        initial = ExerciseForm.initial_for(exercise) if exercise else None
        form = ExerciseForm(initial=initial, coach=coach, exercise=exercise)
        formset = StageFormSet(
            prefix="stages", initial=stage_initial(exercise) if exercise else None
        )
    if request.method != "POST" or not (form.is_valid() and formset.is_valid()):
        return None, form, formset
    data = {**form.service_data(), "stages": stages_from_formset(formset)}
    try:
        if exercise is None:
            saved = services.exercise_create(coach=coach, data=data)
        else:
            saved = services.exercise_update(coach=coach, exercise=exercise, data=data)
    except DomainError as error:
        _attach_error(form, formset, error)
        return None, form, formset
    return saved, form, formset


def _attach_error(form: ExerciseForm, formset: Any, error: DomainError) -> None:
    """An error about stage N ("stages.N.field") goes on that stage's form, others on the form."""
    field = error.field or ""
    if field.startswith("stages."):
        _, index, stage_field = [*field.split(".", 2), "", ""][:3]
        ordered = [f for f in formset.ordered_forms if f.has_changed() or f.cleaned_data.get("id")]
        if index.isdigit() and int(index) < len(ordered):
            add_to_form(ordered[int(index)], DomainError(error.message, field=stage_field))
            return
    add_to_form(form, error)


@coach_required
def exercise_create(request: HttpRequest, coach: Coach) -> HttpResponse:
    saved, form, formset = _save_form(request, coach, None)
    if saved is not None:
        messages.success(request, f"“{saved.name}” was added to your library.")
        return redirect("exercise-detail", pk=saved.pk)
    return render(
        request, "exercises/form.html", {"form": form, "formset": formset, "exercise": None}
    )


@coach_required
def exercise_edit(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    exercise = selectors.exercise_get_for(coach=coach, pk=pk, owned=True)
    saved, form, formset = _save_form(request, coach, exercise)
    if saved is not None:
        messages.success(request, "The exercise was saved.")
        return redirect("exercise-detail", pk=saved.pk)
    return render(
        request, "exercises/form.html", {"form": form, "formset": formset, "exercise": exercise}
    )


@require_POST
@coach_required
def exercise_copy(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    exercise = selectors.exercise_get_for(coach=coach, pk=pk)
    try:
        copy = services.exercise_copy(coach=coach, exercise=exercise)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("exercise-detail", pk=exercise.pk)
    messages.success(request, f"“{copy.name}” is now in your library. Make it your own.")
    return redirect("exercise-edit", pk=copy.pk)


@coach_required
def exercise_archive(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    exercise = selectors.exercise_get_for(coach=coach, pk=pk, owned=True)
    if request.method == "POST":
        deleted = request.POST.get("delete") == "1" and services.exercise_delete(
            coach=coach, exercise=exercise
        )
        if deleted:
            messages.success(request, f"“{exercise.name}” was deleted.")
            return redirect("exercise-list")
        services.exercise_archive(coach=coach, exercise=exercise)
        messages.success(
            request,
            f"“{exercise.name}” was archived. Programs and logs that use it keep it.",
        )
        return redirect("exercise-detail", pk=exercise.pk)
    return render(
        request,
        "exercises/archive.html",
        {"exercise": exercise, "is_used": services.exercise_is_used(exercise)},
    )


@require_POST
@coach_required
def exercise_restore(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    exercise = selectors.exercise_get_for(coach=coach, pk=pk, owned=True)
    services.exercise_restore(coach=coach, exercise=exercise)
    messages.success(request, f"“{exercise.name}” is back in your library.")
    return redirect("exercise-detail", pk=exercise.pk)


@coach_required
def exercise_export(request: HttpRequest, coach: Coach) -> HttpResponse:
    return _export_response(exercises_export(coach=coach))


@coach_required
def exercise_import(request: HttpRequest, coach: Coach) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = exercises_import(coach=coach, payload=form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            count = len(created)
            messages.success(
                request, f"{count} exercise{'s were' if count != 1 else ' was'} imported."
            )
            return redirect(f"{reverse('exercise-list')}?scope=mine")
    return render(request, "exercises/import.html", {"form": form})
