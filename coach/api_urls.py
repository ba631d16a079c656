"""Every /api/v1/ route, one router for the whole API."""

from rest_framework.routers import DefaultRouter

from coach.api import ClientViewSet
from exercises.api import ExerciseViewSet

router = DefaultRouter()
# Route names get an "api-" prefix: the pages already use client-detail, client-archive, ...
router.register("clients", ClientViewSet, basename="api-client")
router.register("exercises", ExerciseViewSet, basename="api-exercise")

urlpatterns = router.urls
