"""The library's search and filters, shared by the library page and /api/v1/exercises/."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict

from coach.api_conventions import UpdatedSinceFilterSet
from exercises.models import Equipment, Exercise, Region, Stage
from exercises.selectors import exercise_search


class AnyYesNo(forms.NullBooleanSelect):
    """Any / Yes / No rather than Django's "Unknown", which reads like a value of its own."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]

    def format_value(self, value: Any) -> str:  # type: ignore[override]
        return {True: "true", False: "false", "true": "true", "false": "false"}.get(value, "")


class ExerciseFilter(django_filters.FilterSet):
    """`search` is the search parameter of every list in the API. `q` is taken in its place, since
    the library page's form and older API clients send that."""

    search = django_filters.CharFilter(
        method="filter_search", label="Search", help_text="Words in the name, summary or slug."
    )
    category = django_filters.ChoiceFilter(choices=Exercise.Category.choices)
    laterality = django_filters.ChoiceFilter(choices=Exercise.Laterality.choices)
    measurement = django_filters.ChoiceFilter(choices=Exercise.Measurement.choices)
    region = django_filters.ModelChoiceFilter(
        field_name="regions", queryset=Region.objects.all(), to_field_name="slug", label="Region"
    )
    equipment = django_filters.ModelChoiceFilter(
        field_name="equipment",
        queryset=Equipment.objects.all(),
        to_field_name="slug",
        label="Equipment",
    )
    has_stages = django_filters.BooleanFilter(
        method="filter_has_stages", label="Has stages", widget=AnyYesNo
    )
    scope = django_filters.ChoiceFilter(
        method="filter_scope",
        choices=[("shared", "Shared library"), ("mine", "My exercises")],
        empty_label="All exercises",
        label="Library",
    )
    archived = django_filters.BooleanFilter(
        method="filter_archived", label="Archived", widget=AnyYesNo
    )

    class Meta:
        model = Exercise
        fields: list[str] = []

    def __init__(
        self,
        data: QueryDict | None = None,
        *args: Any,
        library_tags: bool = False,
        **kwargs: Any,
    ) -> None:
        """With `library_tags` (the library page), the region and equipment to choose from are
        those of the exercises filtered (`queryset`), not every one any practice has named."""
        if data is not None and "q" in data and "search" not in data:
            data = data.copy()
            data.setlist("search", data.getlist("q"))
        super().__init__(data, *args, **kwargs)
        if library_tags:
            for name, model in (("region", Region), ("equipment", Equipment)):
                tags = model.objects.filter(exercises__in=self.queryset).distinct()
                self.filters[name].queryset = tags  # type: ignore[attr-defined]

    def filter_search(
        self, queryset: QuerySet[Exercise], name: str, value: str
    ) -> QuerySet[Exercise]:
        return exercise_search(queryset, term=value)

    def filter_has_stages(
        self, queryset: QuerySet[Exercise], name: str, value: bool | None
    ) -> QuerySet[Exercise]:
        if value is None:
            return queryset
        # A subquery rather than a join: no row twice, so no DISTINCT over long texts.
        has_stages = Exists(Stage.objects.filter(exercise=OuterRef("pk")))
        return queryset.filter(has_stages if value else ~has_stages)

    def filter_scope(
        self, queryset: QuerySet[Exercise], name: str, value: str
    ) -> QuerySet[Exercise]:
        if value == "shared":
            return queryset.filter(owner__isnull=True)
        if value == "mine":
            return queryset.filter(owner__isnull=False)
        return queryset

    def filter_archived(
        self, queryset: QuerySet[Exercise], name: str, value: bool | None
    ) -> QuerySet[Exercise]:
        # Archived exercises are hidden unless asked for.
        return queryset.filter(archived_at__isnull=not value)

    def filter_queryset(self, queryset: QuerySet[Exercise]) -> QuerySet[Exercise]:
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset


def _tags_in_reach(model: type[Region] | type[Equipment]) -> Any:
    """The regions or equipment of the exercises the requester's practice can see: a tag only
    another practice has named is not a choice, like one nobody has."""

    def tags(request: Any) -> QuerySet[Any]:
        coach = getattr(getattr(request, "user", None), "coach", None)
        if coach is None:
            return model.objects.none()
        return model.objects.filter(exercises__in=Exercise.objects.visible_to(coach)).distinct()

    return tags


class ExerciseSyncFilter(ExerciseFilter, UpdatedSinceFilterSet):
    """The library's filters with `updated_since`, for /api/v1/exercises/. A sync reads the
    exercises archived since as well (`is_archived` says so) unless `archived` is given."""

    region = django_filters.ModelChoiceFilter(
        field_name="regions", queryset=_tags_in_reach(Region), to_field_name="slug"
    )
    equipment = django_filters.ModelChoiceFilter(
        field_name="equipment", queryset=_tags_in_reach(Equipment), to_field_name="slug"
    )

    class Meta(ExerciseFilter.Meta):
        pass

    def filter_queryset(self, queryset: QuerySet[Exercise]) -> QuerySet[Exercise]:
        data = self.form.cleaned_data
        if data.get("updated_since") is not None and data.get("archived") is None:
            return super(ExerciseFilter, self).filter_queryset(queryset)
        return super().filter_queryset(queryset)
