"""Every /api/v1/ route, one router for the whole API."""

from rest_framework.routers import DefaultRouter

from coach.api import ClientViewSet

router = DefaultRouter()
router.register("clients", ClientViewSet, basename="client")

urlpatterns = router.urls
