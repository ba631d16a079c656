from django.urls import path

from programs import views

urlpatterns = [
    path("", views.program_list, name="program-list"),
    path("new/", views.program_create, name="program-create"),
    path("generate/", views.routine_generate, name="program-generate"),
    path("<int:pk>/", views.program_builder, name="program-builder"),
    path("<int:pk>/edit/", views.program_edit, name="program-edit"),
    path("<int:pk>/duplicate/", views.program_duplicate, name="program-duplicate"),
    path("<int:pk>/archive/", views.program_archive, name="program-archive"),
    path("<int:pk>/restore/", views.program_restore, name="program-restore"),
    path("<int:pk>/assign/", views.program_assign, name="program-assign"),
    path("<int:pk>/print/", views.program_print, name="program-print"),
    path("<int:pk>/warnings/", views.program_warnings_fragment, name="program-warnings"),
    path("<int:pk>/days/<int:day_pk>/", views.program_day_fragment, name="program-day"),
    path("<int:pk>/parts/", views.program_builder_parts, name="program-parts"),
    path(
        "assignments/<int:pk>/<str:action>/",
        views.assignment_action,
        name="assignment-action",
    ),
]
