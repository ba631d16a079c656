"""Session review, logs as CSV, and running indicators (pages)."""

from django.urls import path

from training import review_views, run_views

urlpatterns = [
    path(
        "clients/<int:pk>/sessions/<int:session_pk>/",
        review_views.session_review,
        name="client-session-review",
    ),
    path("clients/<int:pk>/logs.csv", review_views.client_log_export, name="client-log-export"),
    path("clients/logs.csv", review_views.all_logs_export, name="all-logs-export"),
    path("me/logs.csv", review_views.my_log_export, name="me-log-export"),
    path("clients/<int:pk>/runs/", run_views.client_runs, name="client-runs"),
    path("clients/<int:pk>/runs/import/", run_views.client_run_import, name="client-run-import"),
    path(
        "clients/<int:pk>/runs/<int:run_pk>/delete/",
        run_views.client_run_delete,
        name="client-run-delete",
    ),
    path("me/runs/", run_views.my_runs, name="me-runs"),
    path("me/runs/import/", run_views.my_run_import, name="me-run-import"),
    path("me/runs/<int:run_pk>/delete/", run_views.my_run_delete, name="me-run-delete"),
]
