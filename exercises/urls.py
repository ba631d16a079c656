from django.urls import path

from exercises import views

urlpatterns = [
    path("", views.exercise_list, name="exercise-list"),
    path("new/", views.exercise_create, name="exercise-create"),
    path("export/", views.exercise_export, name="exercise-export"),
    path("import/", views.exercise_import, name="exercise-import"),
    path("<int:pk>/", views.exercise_detail, name="exercise-detail"),
    path("<int:pk>/edit/", views.exercise_edit, name="exercise-edit"),
    path("<int:pk>/copy/", views.exercise_copy, name="exercise-copy"),
    path("<int:pk>/archive/", views.exercise_archive, name="exercise-archive"),
    path("<int:pk>/restore/", views.exercise_restore, name="exercise-restore"),
]
