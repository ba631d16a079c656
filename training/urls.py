from django.urls import path

from training import today_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/threshold/", views.dashboard_threshold, name="dashboard-threshold"),
    path("clients/<int:pk>/", views.client_detail, name="client-detail"),
    path(
        "clients/<int:pk>/stages/<int:exercise_pk>/<str:direction>/",
        views.client_stage_step,
        name="client-stage-step",
    ),
    path(
        "clients/<int:pk>/sessions/<int:session_pk>/comment/",
        views.client_session_comment,
        name="client-session-comment",
    ),
    path("clients/<int:pk>/log/", views.client_session_enter, name="client-session-enter"),
    path("clients/<int:pk>/progress/", views.client_progress, name="client-progress"),
    path("me/", today_views.today, name="client-home"),
    path("me/log/set/", today_views.today_set_log, name="today-set-log"),
    path("me/log/session/", today_views.today_session_log, name="today-session-log"),
    path("me/login-check/", today_views.today_login_check, name="today-login-check"),
    path("me/progress/", views.my_progress, name="my-progress"),
]
