"""Every /api/v1/ route, one router for the whole API."""

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

router = DefaultRouter()
# Route names get an "api-" prefix: the pages already use client-detail, client-archive, ...
router.register("clients", ClientViewSet, basename="api-client")
router.register("exercises", ExerciseViewSet, basename="api-exercise")
router.register("programs", ProgramViewSet, basename="api-program")
router.register("program-days", DayViewSet, basename="api-program-day")
router.register("prescriptions", PrescriptionViewSet, basename="api-prescription")
router.register("blocks", BlockViewSet, basename="api-block")
router.register("assignments", AssignmentViewSet, basename="api-assignment")

urlpatterns = router.urls
