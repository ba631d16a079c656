from django.contrib import admin
from django.db import models

from exercises.models import Equipment, Exercise, Region, Stage


class StageInline(admin.StackedInline):
    model = Stage
    extra = 0
    ordering = ["order"]
    fieldsets = (
        (None, {"fields": ("order", "name", "description", "support", "surface")}),
        ("Dose", {"fields": (("sets", "reps_per_side", "hold_seconds", "rest_seconds"),)}),
        (
            "Load",
            {
                "fields": (
                    "load_unit",
                    ("load_min", "load_max"),
                    ("load_min_female", "load_max_female"),
                    ("load_min_male", "load_max_male"),
                )
            },
        ),
        (
            "Criteria to move up",
            {
                "fields": (
                    (
                        "criteria_sessions",
                        "criteria_min_form",
                        "criteria_max_gap_pct",
                        "criteria_min_hold_seconds",
                    ),
                    "criteria_note",
                )
            },
        ),
    )


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    """Staff curate the shared library here (exercises without an owner)."""

    list_display = ["name", "category", "laterality", "owner", "archived_at"]
    list_filter = ["category", "laterality", "measurement", ("owner", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["regions", "equipment", "prerequisites", "progressions"]
    raw_id_fields = ["owner", "copied_from"]
    list_select_related = ["owner__user"]
    inlines = [StageInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Region, Equipment)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
