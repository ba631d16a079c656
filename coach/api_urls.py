"""Every /api/v1/ route, one router for the whole API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from coach.api import ClientViewSet
from exercises.api import ExerciseViewSet
from programs.api import (
    AssignmentViewSet,
    BlockViewSet,
    DayViewSet,
    PrescriptionViewSet,
    ProgramViewSet,
)
from training.api import (
    ClientPlanView,
    ClientProgressView,
    ClientStagesView,
    SessionLogViewSet,
    SetLogViewSet,
)
from training.api_exports import SetLogExportView
from training.api_runs import RunMetricViewSet

router = DefaultRouter()
# Route names get an "api-" prefix: the pages already use client-detail, client-archive, ...
router.register("clients", ClientViewSet, basename="api-client")
router.register("exercises", ExerciseViewSet, basename="api-exercise")
router.register("programs", ProgramViewSet, basename="api-program")
router.register("program-days", DayViewSet, basename="api-program-day")
router.register("prescriptions", PrescriptionViewSet, basename="api-prescription")
router.register("blocks", BlockViewSet, basename="api-block")
router.register("assignments", AssignmentViewSet, basename="api-assignment")
router.register("logs", SessionLogViewSet, basename="api-log")
router.register("set-logs", SetLogViewSet, basename="api-set-log")
router.register("runs", RunMetricViewSet, basename="api-run")

urlpatterns = [
    # A client's own views, open to the client themself as well as to their coach.
    path("clients/<int:pk>/plan/", ClientPlanView.as_view(), name="api-client-plan"),
    path("clients/<int:pk>/stages/", ClientStagesView.as_view(), name="api-client-stages"),
    path("clients/<int:pk>/progress/", ClientProgressView.as_view(), name="api-client-progress"),
    # Before the router's routes, where set-logs/{pk}/ would take "export" for an id.
    path("set-logs/export/", SetLogExportView.as_view(), name="api-set-log-export"),
    *router.urls,
]
